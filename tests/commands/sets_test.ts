// Set write commands (src/commands/sets.ts) through the command table into a Store, checked against a real
// redis-server running the same seeded random command sequences.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import type { Redis } from "ioredis";
import { Store, ValueType } from "../../src/_wasm/store.ts";
import { CommandError } from "../../src/commands/args.ts";
import { lookupCommand } from "../../src/commands/table.ts";
import { type RedisServer, startRedis } from "../_support/redis_server.ts";
import { seededRandom } from "../_support/random.ts";

const te = new TextEncoder();
const b = (s: string) => te.encode(s);
const hex = (u: Uint8Array) => Buffer.from(u).toString("hex");

function compareBytes(x: Uint8Array, y: Uint8Array): number {
  const n = Math.min(x.length, y.length);
  for (let i = 0; i < n; i++) if (x[i] !== y[i]) return x[i] - y[i];
  return x.length - y.length;
}

/** Applies one command to the store through the table; returns the error it threw, if any. */
function applyToStore(store: Store, db: number, args: Uint8Array[]): unknown {
  const spec = lookupCommand(args[0]);
  assert.ok(spec, `command ${new TextDecoder().decode(args[0])} is declared`);
  try {
    spec.apply({ store, db, now: () => Date.now() }, args);
    return null;
  } catch (error) {
    return error;
  }
}

/** Sends one command to redis; returns the error reply, if any. */
async function applyToRedis(client: Redis, args: Uint8Array[]): Promise<unknown> {
  try {
    await client.callBuffer(Buffer.from(args[0]).toString(), ...args.slice(1).map((a) => Buffer.from(a)));
    return null;
  } catch (error) {
    return error;
  }
}

/** Runs a command on both sides: both must succeed, or both fail. */
/** What the random runs went through (reset per run): proves they reached the interesting states. */
const stats = { errors: 0, hashed: 0, maxCard: 0 };

async function both(store: Store, client: Redis, args: Uint8Array[], what: string): Promise<void> {
  const redisError = await applyToRedis(client, args);
  if (redisError) stats.errors++;
  if (store.find(0, args[1]) === ValueType.set) {
    stats.maxCard = Math.max(stats.maxCard, store.foundSetCard());
    if (store.foundSetEncoding() === "hashtable") stats.hashed++;
  }
  const storeError = applyToStore(store, 0, args);
  assert.equal(
    storeError === null,
    redisError === null,
    `${what}: redis ${redisError === null ? "succeeded" : `failed (${redisError})`}, ` +
      `store ${storeError === null ? "succeeded" : `failed (${storeError})`}`,
  );
}

/** Compares type and members of every key in the given dbs. */
async function compareAll(store: Store, clients: Redis[], keys: Uint8Array[], what: string): Promise<void> {
  for (let db = 0; db < clients.length; db++) {
    const client = clients[db];
    for (const key of keys) {
      const type = await client.type(Buffer.from(key));
      const storeType = store.find(db, key);
      const storeName = storeType === ValueType.none ? "none" : store.foundTypeName();
      assert.equal(storeName, type, `${what}: TYPE of ${hex(key)} in db ${db}`);
      if (type !== "set") continue;
      const want = (await client.smembersBuffer(Buffer.from(key))).map((m) => new Uint8Array(m)).sort(compareBytes);
      const got = store.foundSetMembers();
      assert.deepEqual(got.map(hex), want.map(hex), `${what}: members of ${hex(key)} in db ${db}`);
      assert.equal(store.foundSetCard(), want.length);
    }
    assert.equal(store.dbSize(db), await client.dbsize(), `${what}: DBSIZE of db ${db}`);
  }
}

/** Members mixing canonical integers, near-integers, binary bytes and long values (past 64 bytes). */
function memberUniverse(rnd: () => number, size: number): Uint8Array[] {
  const out: Uint8Array[] = [b(""), b("0"), b("-1"), b("007"), b("+5"), b("1 "), b("9223372036854775807")];
  for (let i = 0; out.length < size; i++) {
    const kind = rnd();
    if (kind < 0.4) out.push(b(String(i * 37 - 500)));
    else if (kind < 0.7) out.push(b(`m${i}`));
    else if (kind < 0.9) {
      const m = new Uint8Array(1 + Math.floor(rnd() * 12));
      for (let j = 0; j < m.length; j++) m[j] = rnd() < 0.3 ? 0 : rnd() < 0.5 ? 0xff : Math.floor(rnd() * 256);
      out.push(m);
    } else out.push(b(`long${i}:${"z".repeat(60 + Math.floor(rnd() * 10))}`));
  }
  const seen = new Set<string>();
  return out.filter((m) => !seen.has(hex(m)) && seen.add(hex(m)));
}

describe("set commands against a real redis-server", () => {
  let server: RedisServer;
  let c0: Redis;
  let c1: Redis;

  before(async () => {
    server = await startRedis();
    c0 = server.client();
    c1 = server.client({ db: 1 });
  });

  after(async () => {
    await server?.stop();
  });

  for (const [seed, universeSize, ops] of [[11, 30, 1500], [12, 200, 2500], [13, 400, 2500]]) {
    it(`seeded random SADD/SREM/SMOVE (+ DEL/COPY/RENAME/MOVE/SPOP) sequences, seed ${seed}`, async () => {
      await c0.flushall();
      Object.assign(stats, { errors: 0, hashed: 0, maxCard: 0 });
      const store = new Store();
      const rnd = seededRandom(seed);
      const universe = memberUniverse(rnd, universeSize);
      const keys = [b("s:a"), b("s:b"), b("s:c"), b("s:d"), b("str"), new Uint8Array([0, 0xff])];
      const pick = <T>(xs: T[]): T => xs[Math.floor(rnd() * xs.length)];
      const someMembers = (max: number) => Array.from({ length: 1 + Math.floor(rnd() * max) }, () => pick(universe));
      await both(store, c0, [b("set"), b("str"), b("text")], "SET str");
      for (let op = 0; op < ops; op++) {
        const r = rnd();
        const key = pick(keys);
        let args: Uint8Array[];
        if (r < 0.5) args = [b("sadd"), key, ...someMembers(10)];
        else if (r < 0.75) args = [b("srem"), key, ...someMembers(4)];
        else if (r < 0.93) args = [b("smove"), key, pick(keys), pick(universe)];
        else if (r < 0.94) args = [b("del"), key];
        else if (r < 0.95) args = [b("copy"), key, pick(keys), ...(rnd() < 0.5 ? [b("replace")] : [])];
        else if (r < 0.96) args = [b("copy"), key, key, b("db"), b("1"), b("replace")];
        else if (r < 0.97) args = [b("rename"), key, pick(keys)];
        else if (r < 0.975) args = [b("move"), key, b("1")];
        else if (r < 0.98) args = [b("set"), key, b("now a string")];
        else {
          // SPOP only where its outcome is not random: the whole set, or count 0
          const card = store.find(0, key) === ValueType.set ? store.foundSetCard() : 0;
          args = [b("spop"), key, b(String(rnd() < 0.3 ? 0 : card + Math.floor(rnd() * 3)))];
        }
        await both(store, c0, args, `op ${op} ${args.map((a) => Buffer.from(a).toString()).join(" ")}`);
        if (op % 250 === 0) await compareAll(store, [c0, c1], keys, `op ${op}`);
      }
      await compareAll(store, [c0, c1], keys, "end");
      assert.ok(stats.errors > 0, "some commands failed on both sides (WRONGTYPE)");
      assert.ok(stats.hashed > 0, "some sets became hash tables");
      if (universeSize >= 200) assert.ok(stats.maxCard > 128, `a set passed 128 members (max ${stats.maxCard})`);
    });
  }

  it("SMOVE edge cases as t_set.c: absent source, wrong types, src == dst", async () => {
    await c0.flushall();
    const store = new Store();
    const run = (...args: string[]) => both(store, c0, args.map(b), args.join(" "));
    await run("set", "str", "v");
    await run("sadd", "src", "a", "b");
    await run("smove", "missing", "str", "a"); // absent source: 0 even though dst is a string
    await run("smove", "str", "src", "a"); // WRONGTYPE: source
    await run("smove", "src", "str", "a"); // WRONGTYPE: destination
    await run("smove", "src", "src", "a");
    await run("smove", "src", "src", "zz");
    await run("smove", "src", "dst", "zz");
    await run("smove", "src", "dst", "a");
    await run("smove", "src", "dst", "b"); // empties and deletes src
    await run("sadd", "other", "b");
    await run("smove", "dst", "other", "b"); // dst already holds it
    await compareAll(store, [c0], ["str", "src", "dst", "other", "missing"].map(b), "smove");
  });

  it("large sets crossing both limits, then COPY / RENAME / MOVE / DEL of set keys", async () => {
    await c0.flushall();
    const store = new Store();
    const run = (args: Uint8Array[]) => both(store, c0, args, args.map((a) => Buffer.from(a).toString()).join(" "));
    const many = Array.from({ length: 300 }, (_, i) => b(`member-${i}`));
    await run([b("sadd"), b("big"), ...many]);
    await run([b("sadd"), b("small"), b("x"), b("y")]);
    await run([b("sadd"), b("wide"), b("a"), b("w".repeat(65))]);
    await run([b("pexpireat"), b("big"), b("4102444800000")]);
    await run([b("copy"), b("big"), b("big2")]);
    await run([b("copy"), b("small"), b("big2"), b("replace")]);
    await run([b("copy"), b("big"), b("big3"), b("db"), b("1")]);
    await run([b("rename"), b("wide"), b("wide2")]);
    await run([b("renamenx"), b("small"), b("big")]);
    await run([b("move"), b("small"), b("1")]);
    await run([b("srem"), b("big"), ...many.slice(0, 299)]);
    await run([b("smove"), b("big"), b("wide2"), b("member-299")]);
    await run([b("del"), b("big3")]);
    const keys = ["big", "big2", "big3", "small", "wide", "wide2"].map(b);
    await compareAll(store, [c0, c1], keys, "copy/rename/move/del");
    assert.equal(store.find(0, "big2"), ValueType.set);
    assert.equal(store.foundSetEncoding(), "listpack");
  });

  it("SPOP: applied when not random, reported otherwise", () => {
    const store = new Store();
    const apply = (...args: string[]) => applyToStore(store, 0, args.map(b));
    assert.equal(apply("spop", "missing"), null);
    assert.equal(apply("sadd", "s", "a", "b", "c"), null);
    assert.equal(apply("spop", "s", "0"), null);
    assert.ok(apply("spop", "s") instanceof CommandError);
    assert.ok(apply("spop", "s", "2") instanceof CommandError);
    assert.ok(apply("spop", "s", "-1") instanceof CommandError);
    assert.ok(apply("spop", "s", "1", "x") instanceof CommandError);
    assert.equal(store.find(0, "s"), ValueType.set);
    assert.equal(store.foundSetCard(), 3);
    assert.ok(apply("spop", "s", "9223372036854775808") instanceof CommandError, "past LONG_MAX");
    assert.equal(apply("spop", "s", "9223372036854775807"), null, "the whole set");
    assert.equal(store.find(0, "s"), ValueType.none);
    assert.equal(apply("sadd", "one", "a"), null);
    assert.equal(apply("spop", "one"), null, "a set of one member");
    assert.equal(store.find(0, "one"), ValueType.none);
    assert.equal(apply("set", "str", "v"), null);
    assert.equal((apply("spop", "str") as Error).name, "WrongTypeError");
  });
});
