// List write commands (src/commands/lists.ts) through the command table into a Store, checked against a real
// redis-server running the same seeded random command sequences (differential: both must succeed or both
// fail, then every key must hold the same elements).
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
const short = (
  u: Uint8Array,
) => (u.length > 40 ? `${Buffer.from(u.subarray(0, 40)).toString()}…(${u.length})` : Buffer.from(u).toString());

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

/** What a random run went through: proves it reached the interesting states. */
const stats = { errors: 0, commands: new Map<string, number>(), maxLen: 0, bigValues: 0 };

/** Runs a command on both sides: both must succeed, or both fail. */
async function both(store: Store, client: Redis, args: Uint8Array[], what: string): Promise<void> {
  const redisError = await applyToRedis(client, args);
  if (redisError) stats.errors++;
  const name = Buffer.from(args[0]).toString().toLowerCase();
  stats.commands.set(name, (stats.commands.get(name) ?? 0) + 1);
  const storeError = applyToStore(store, 0, args);
  assert.equal(
    storeError === null,
    redisError === null,
    `${what}: redis ${redisError === null ? "succeeded" : `failed (${redisError})`}, ` +
      `store ${storeError === null ? "succeeded" : `failed (${storeError})`}`,
  );
}

/** Compares type and elements of every key in db 0 and db 1. */
async function compareAll(store: Store, clients: Redis[], keys: Uint8Array[], what: string): Promise<void> {
  for (let db = 0; db < clients.length; db++) {
    const client = clients[db];
    for (const key of keys) {
      const type = await client.type(Buffer.from(key));
      const storeType = store.find(db, key);
      const storeName = storeType === ValueType.none ? "none" : store.foundTypeName();
      assert.equal(storeName, type, `${what}: TYPE of ${short(key)} in db ${db}`);
      if (type !== "list") continue;
      const want = (await client.lrangeBuffer(Buffer.from(key), 0, -1)).map((m) => new Uint8Array(m));
      stats.maxLen = Math.max(stats.maxLen, want.length);
      assert.equal(store.foundListLength(), want.length, `${what}: LLEN of ${short(key)} in db ${db}`);
      const got = store.foundListRange(0, -1);
      if (got.length !== want.length || got.some((g, i) => hex(g) !== hex(want[i]))) {
        const i = got.findIndex((g, j) => want[j] === undefined || hex(g) !== hex(want[j]));
        assert.fail(`${what}: elements of ${short(key)} in db ${db} differ at ${i} (of ${want.length})`);
      }
    }
    assert.equal(store.dbSize(db), await client.dbsize(), `${what}: DBSIZE of db ${db}`);
  }
}

/** Small values (binary, integer-looking, empty) that repeat, so pivots and LREM find matches. */
function smallPool(): Uint8Array[] {
  return [
    b(""),
    b("0"),
    b("12"),
    b("-5"),
    b("007"),
    b("a"),
    b("b"),
    b("hello"),
    new Uint8Array([0, 0xff, 0x80]),
    new Uint8Array([0]),
    b("9223372036854775807"),
    b("x".repeat(70)),
  ];
}

function randomBytes(rnd: () => number, len: number): Uint8Array {
  const v = new Uint8Array(len);
  for (let i = 0; i < len; i++) v[i] = Math.floor(rnd() * 256);
  return v;
}

/** A seeded random sequence of list commands (and keyspace commands on list keys). */
function generator(rnd: () => number) {
  const int = (n: number) => Math.floor(rnd() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)];
  const pool = smallPool();
  const keys = [b("l1"), b("l2"), b("l3"), new Uint8Array([0x6c, 0, 0xfe])];
  const str = b("s");
  const anyKey = () => (rnd() < 0.06 ? str : pick(keys));
  const value = (): Uint8Array => {
    const r = rnd();
    if (r < 0.6) return pick(pool);
    if (r < 0.97) return randomBytes(rnd, 1 + int(rnd() < 0.8 ? 20 : 400));
    stats.bigValues++;
    return randomBytes(rnd, 8000 + int(12000)); // bigger than a node
  };
  const index = (): Uint8Array => b(String(int(rnd() < 0.1 ? 4000 : 60) - (rnd() < 0.5 ? 30 : 0)));
  const side = () => b(pick(["LEFT", "RIGHT", "left", "Right"]));
  const values = (n: number) => Array.from({ length: n }, value);

  return (): Uint8Array[] => {
    const r = rnd();
    if (r < 0.22) {
      const n = rnd() < 0.1 ? 300 + int(1200) : 1 + int(5);
      return [b(pick(["LPUSH", "RPUSH"])), anyKey(), ...values(n)];
    }
    if (r < 0.27) return [b(pick(["LPUSHX", "RPUSHX"])), anyKey(), ...values(1 + int(3))];
    if (r < 0.36) {
      const where = rnd() < 0.02 ? "MIDDLE" : pick(["BEFORE", "AFTER", "before"]);
      return [b("LINSERT"), anyKey(), b(where), pick(pool), value()];
    }
    if (r < 0.45) return [b("LSET"), anyKey(), index(), value()];
    if (r < 0.53) return [b("LREM"), anyKey(), b(String(int(7) - 3)), pick(pool)];
    if (r < 0.58) {
      const start = int(rnd() < 0.2 ? 3000 : 40) - 20;
      const stop = rnd() < 0.5 ? -1 - int(20) : start + int(3000);
      return [b("LTRIM"), anyKey(), b(String(start)), b(String(stop))];
    }
    if (r < 0.68) {
      const cmd = [b(pick(["LPOP", "RPOP"])), anyKey()];
      if (rnd() < 0.5) cmd.push(b(String(rnd() < 0.05 ? -1 : int(rnd() < 0.2 ? 2000 : 6))));
      return cmd;
    }
    if (r < 0.76) return [b("LMOVE"), anyKey(), anyKey(), side(), side()];
    if (r < 0.79) return [b("RPOPLPUSH"), anyKey(), anyKey()];
    if (r < 0.82) return [b(pick(["BLPOP", "BRPOP"])), anyKey(), anyKey(), b("0.01")];
    if (r < 0.84) return [b("BLMOVE"), anyKey(), anyKey(), side(), side(), b("0.01")];
    if (r < 0.85) return [b("BRPOPLPUSH"), anyKey(), anyKey(), b("0.01")];
    if (r < 0.89) {
      const ks = [anyKey(), anyKey(), anyKey()].slice(0, 1 + int(3));
      const count = rnd() < 0.5 ? [b("COUNT"), b(String(1 + int(rnd() < 0.2 ? 1000 : 5)))] : [];
      if (rnd() < 0.5) return [b("LMPOP"), b(String(ks.length)), ...ks, side(), ...count];
      return [b("BLMPOP"), b("0.01"), b(String(ks.length)), ...ks, side(), ...count];
    }
    if (r < 0.92) {
      const cmd = [b("COPY"), anyKey(), anyKey()];
      if (rnd() < 0.4) cmd.push(b("DB"), b("1"));
      if (rnd() < 0.5) cmd.push(b("REPLACE"));
      return cmd;
    }
    if (r < 0.94) return [b(pick(["RENAME", "RENAMENX"])), anyKey(), anyKey()];
    if (r < 0.955) return [b("MOVE"), anyKey(), b("1")];
    if (r < 0.97) return [b("DEL"), anyKey()];
    if (r < 0.98) return [b("SET"), str, b("string")];
    if (r < 0.99) return [b("SWAPDB"), b("0"), b("1")];
    return [b("FLUSHDB")];
  };
}

/**
 * Whether redis would block on this command (every source absent): such a
 * command would wait out its timeout and is never propagated, so it is skipped.
 */
function wouldBlock(store: Store, args: Uint8Array[]): boolean {
  const name = Buffer.from(args[0]).toString().toLowerCase();
  const exists = (k: Uint8Array) => store.find(0, k) !== ValueType.none;
  if (name === "blpop" || name === "brpop") return !args.slice(1, -1).some(exists);
  if (name === "blmove" || name === "brpoplpush") return !exists(args[1]);
  if (name === "blmpop") {
    const n = Number(Buffer.from(args[2]).toString());
    return !args.slice(3, 3 + n).some(exists);
  }
  return false;
}

describe("list commands against a real redis-server", () => {
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

  for (const [seed, ops] of [[21, 1500], [22, 2500], [23, 2500]]) {
    it(`seeded random list command sequences (+ COPY/RENAME/MOVE/DEL/SWAPDB/FLUSHDB), seed ${seed}`, async () => {
      await c0.flushall();
      Object.assign(stats, { errors: 0, commands: new Map(), maxLen: 0, bigValues: 0 });
      const store = new Store();
      const rnd = seededRandom(seed);
      const next = generator(rnd);
      const keys = [b("l1"), b("l2"), b("l3"), new Uint8Array([0x6c, 0, 0xfe]), b("s")];
      for (let op = 0; op < ops; op++) {
        const args = next();
        if (wouldBlock(store, args)) continue;
        const what = `seed ${seed} op ${op}: ${args.slice(0, 6).map(short).join(" ")}`;
        await both(store, c0, args, what);
        if (op % 10 === 0) await compareAll(store, [c0, c1], keys, what);
      }
      await compareAll(store, [c0, c1], keys, `seed ${seed} end`);
      // the run must have gone through errors, long lists, big values and every list command
      assert.ok(stats.errors > 20, `errors: ${stats.errors}`);
      assert.ok(stats.maxLen > 2000, `max length: ${stats.maxLen}`);
      assert.ok(stats.bigValues > 10, `big values: ${stats.bigValues}`);
      for (
        const name of [
          "lpush",
          "rpush",
          "lpushx",
          "rpushx",
          "linsert",
          "lset",
          "lrem",
          "ltrim",
          "lpop",
          "rpop",
          "lmove",
          "rpoplpush",
          "blpop",
          "brpop",
          "blmove",
          "lmpop",
          "blmpop",
        ]
      ) assert.ok((stats.commands.get(name) ?? 0) > 0, `${name} was exercised`);
    });
  }
});

describe("list commands: edge semantics", () => {
  const run = (store: Store, ...args: string[]) => applyToStore(store, 0, args.map(b));
  const list = (store: Store, key: string) =>
    store.find(0, key) === ValueType.list ? store.foundListRange(0, -1).map((x) => new TextDecoder().decode(x)) : null;

  it("LSET truncates its index to 32 bits as Redis 7.2+ does", () => {
    const store = new Store();
    run(store, "rpush", "k", "a", "b", "c");
    assert.equal(run(store, "lset", "k", "4294967296", "A"), null);
    assert.equal(run(store, "lset", "k", "9223372036854775807", "C"), null); // -1
    assert.equal(run(store, "lset", "k", "4294967297", "B"), null); // 1
    assert.deepEqual(list(store, "k"), ["A", "B", "C"]);
    assert.ok(run(store, "lset", "k", "3", "x") instanceof Error);
    assert.ok(run(store, "lset", "k", "9223372036854775808", "x") instanceof CommandError);
    assert.ok(run(store, "lset", "k", "01", "x") instanceof CommandError);
  });

  it("counts and indexes beyond 2^53 and LONG_MIN", () => {
    const store = new Store();
    run(store, "rpush", "k", "a", "b", "a", "c", "a");
    assert.equal(run(store, "lrem", "k", "-9223372036854775807", "a"), null);
    assert.deepEqual(list(store, "k"), ["b", "c"]);
    run(store, "rpush", "k", "d", "e");
    assert.equal(run(store, "ltrim", "k", "-9223372036854775808", "9223372036854775807"), null);
    assert.deepEqual(list(store, "k"), ["b", "c", "d", "e"]);
    assert.equal(run(store, "lpop", "k", "9223372036854775807"), null);
    assert.equal(store.find(0, "k"), ValueType.none);
    assert.ok(run(store, "lpop", "k", "-1") instanceof CommandError);
    assert.ok(run(store, "lpop", "k", "1", "2") instanceof CommandError);
  });

  it("LPOP/RPOP count 0 keeps the list but still checks the type", () => {
    const store = new Store();
    run(store, "rpush", "k", "a");
    assert.equal(run(store, "lpop", "k", "0"), null);
    assert.deepEqual(list(store, "k"), ["a"]);
    run(store, "set", "s", "v");
    assert.ok(run(store, "rpop", "s", "0") instanceof Error);
  });

  it("blocking and multi-key pops take the first non-empty list; a wrong type before it fails", () => {
    const store = new Store();
    run(store, "rpush", "b", "1", "2", "3");
    run(store, "set", "s", "v");
    assert.equal(run(store, "blpop", "a", "b", "s", "0"), null);
    assert.deepEqual(list(store, "b"), ["2", "3"]);
    assert.ok(run(store, "brpop", "a", "s", "b", "0") instanceof Error);
    assert.equal(run(store, "lmpop", "3", "a", "b", "s", "RIGHT", "COUNT", "10"), null);
    assert.equal(store.find(0, "b"), ValueType.none);
    assert.equal(run(store, "blmpop", "0", "1", "a", "LEFT"), null); // nothing to pop: nothing happens
    assert.ok(run(store, "lmpop", "0", "a", "LEFT") instanceof CommandError);
    assert.ok(run(store, "lmpop", "2", "a", "LEFT") instanceof CommandError);
    assert.ok(run(store, "lmpop", "1", "a", "LEFT", "COUNT", "0") instanceof CommandError);
    assert.ok(run(store, "lmpop", "1", "a", "UP") instanceof CommandError);
    assert.ok(run(store, "blpop", "a", "-1") instanceof CommandError);
    assert.ok(run(store, "blpop", "a", "soon") instanceof CommandError);
  });

  it("LMOVE / BLMOVE / BRPOPLPUSH parse directions and check the destination type", () => {
    const store = new Store();
    run(store, "rpush", "src", "a", "b");
    run(store, "set", "s", "v");
    assert.ok(run(store, "lmove", "src", "dst", "UP", "LEFT") instanceof CommandError);
    assert.ok(run(store, "lmove", "src", "s", "LEFT", "LEFT") instanceof Error);
    assert.deepEqual(list(store, "src"), ["a", "b"]);
    assert.equal(run(store, "lmove", "nope", "s", "LEFT", "LEFT"), null);
    assert.equal(run(store, "blmove", "src", "dst", "LEFT", "RIGHT", "0"), null);
    assert.equal(run(store, "brpoplpush", "src", "dst", "0"), null);
    assert.equal(store.find(0, "src"), ValueType.none);
    assert.deepEqual(list(store, "dst"), ["b", "a"]);
  });
});
