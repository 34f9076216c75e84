// SETBIT / BITFIELD / BITOP against a real redis-server: seeded random sequences run on the server, the commands it
// propagates (captured by a SYNC replication tap) are applied to a Store through the command table, and every key's
// raw bytes and TTL are compared byte for byte after each batch. Redis 8.2's BITOP DIFF/DIFF1/ANDOR/ONE cannot run
// on the installed 7.0: they are checked against their definitions in tests/ops/bitfield_test.ts.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { Store } from "../../src/_wasm/store.ts";
import { lookupCommand } from "../../src/commands/table.ts";
import { CommandError } from "../../src/commands/args.ts";
import { type RedisServer, startRedis } from "../_support/redis_server.ts";
import { applyStream, ReplicationTap } from "../_support/replication_tap.ts";
import { seededRandom } from "../_support/random.ts";
import type { Redis } from "ioredis";

/** Every key of db 0 on the server equals the store's: raw bytes and absolute TTL; same key count. */
async function assertSameKeys(client: Redis, store: Store, context: string): Promise<void> {
  const keys = await client.keysBuffer("*");
  assert.equal(store.dbSize(0), keys.length, `${context}: key count`);
  for (const key of keys) {
    const [value, expireAt] = await Promise.all([
      client.getBuffer(key),
      client.call("PEXPIRETIME", key) as Promise<number>,
    ]);
    assert.equal(store.find(0, key), 1, `${context}: ${key} is a string in the store`);
    const mine = Buffer.from(store.foundBytes());
    if (!mine.equals(value!)) {
      assert.fail(`${context}: ${key} differs\nredis: ${value!.toString("hex")}\nstore: ${mine.toString("hex")}`);
    }
    assert.equal(store.foundExpireAt, expireAt, `${context}: ${key} TTL`);
  }
}

type Arg = string | Buffer;

/** Runs a batch on the server (errors are expected for some: the server then propagates nothing). */
async function runBatch(client: Redis, batch: Arg[][]): Promise<void> {
  const pipe = client.pipeline();
  for (const [name, ...rest] of batch) pipe.call(name as string, ...rest);
  await pipe.exec();
}

// ---------------------------------------------------------------- the random sequences

const enc = new TextEncoder();

/** A random int64 as decimal text, biased towards the edges that overflow. */
function randomInt64(rnd: () => number): string {
  const r = rnd();
  const bits = BigInt(1 + Math.floor(rnd() * 64));
  const edge = 1n << (bits - 1n);
  if (r < 0.15) return String(edge - 1n);
  if (r < 0.3) return String(-edge);
  if (r < 0.4) return String(edge);
  if (r < 0.55) return String(Math.floor(rnd() * 200) - 100);
  let v = 0n;
  for (let i = 0; i < 4; i++) v = (v << 16n) | BigInt(Math.floor(rnd() * 65536));
  return String(BigInt.asIntN(64, v) >> BigInt(Math.floor(rnd() * 64)));
}

function randomBitfield(rnd: () => number, key: string, readOnly: boolean): Arg[] {
  const cmd: Arg[] = ["BITFIELD", key];
  const n = 1 + Math.floor(rnd() * 5);
  for (let i = 0; i < n; i++) {
    const r = rnd();
    const signed = rnd() < 0.5;
    const bits = signed ? 1 + Math.floor(rnd() * 64) : 1 + Math.floor(rnd() * 63);
    const type = (signed ? "i" : "u") + bits;
    const offset = rnd() < 0.3 ? `#${Math.floor(rnd() * 40)}` : String(Math.floor(rnd() * (rnd() < 0.9 ? 600 : 20000)));
    if (readOnly || r < 0.2) cmd.push("GET", type, offset);
    else if (r < 0.35) cmd.push("OVERFLOW", ["WRAP", "SAT", "FAIL", "sat", "fail"][Math.floor(rnd() * 5)]);
    else if (r < 0.65) cmd.push("SET", type, offset, randomInt64(rnd));
    else cmd.push("INCRBY", type, offset, randomInt64(rnd));
  }
  // Redis grows (or creates) the string before running the ops, but propagates BITFIELD only when an op wrote:
  // when every write hits OVERFLOW FAIL the primary keeps the grown string and no replica ever sees it (see the
  // test below). A final WRAP op adding 0 counts as a write exactly when the string grew, so the sequence stays
  // replicable.
  if (cmd.some((a) => typeof a === "string" && a.toLowerCase() === "fail")) {
    cmd.push("OVERFLOW", "WRAP", "INCRBY", "u1", "0", "0");
  }
  return cmd;
}

function randomBytes(rnd: () => number, max: number): Buffer {
  const b = Buffer.alloc(Math.floor(rnd() * max));
  for (let i = 0; i < b.length; i++) b[i] = Math.floor(rnd() * 256);
  return b;
}

describe("bitmap commands replay bit-exactly against redis-server", () => {
  let server: RedisServer;
  let client: Redis;
  let tap: ReplicationTap;

  before(async () => {
    server = await startRedis({ config: { "repl-diskless-sync": "no" } });
    client = server.client();
    tap = await ReplicationTap.open(server.port);
  });

  after(async () => {
    tap?.close();
    await server?.stop();
  });

  let marker = 0;
  async function replay(store: Store, state: { db: number }, batch: Arg[][], context: string): Promise<void> {
    const token = `m${++marker}`;
    await runBatch(client, [...batch, ["PUBLISH", "__tap__", token]]);
    const commands = await tap.until(token);
    applyStream(store, commands, state);
    await assertSameKeys(client, store, context);
  }

  for (const seed of [11, 12, 13]) {
    test(`random SETBIT/BITFIELD/BITOP sequence, seed ${seed}`, async () => {
      await client.flushall();
      const store = new Store();
      const state = { db: 0 };
      const rnd = seededRandom(seed);
      const keys = ["b0", "b1", "b2", "b3", "b4"];
      const pick = <T>(a: readonly T[]) => a[Math.floor(rnd() * a.length)];
      for (let round = 0; round < 50; round++) {
        const batch: Arg[][] = [];
        for (let k = 0; k < 12; k++) {
          const r = rnd();
          if (r < 0.3) {
            const offset = Math.floor(rnd() * (rnd() < 0.9 ? 3000 : 200_000));
            batch.push(["SETBIT", pick(keys), String(offset), rnd() < 0.6 ? "1" : "0"]);
          } else if (r < 0.6) {
            batch.push(randomBitfield(rnd, pick(keys), rnd() < 0.1));
          } else if (r < 0.75) {
            const op = pick(["AND", "OR", "XOR", "NOT", "and", "Or"]);
            const n = op.toLowerCase() === "not" ? 1 : 1 + Math.floor(rnd() * 3);
            batch.push([
              "BITOP",
              op,
              pick([...keys, "dst"]),
              ...Array.from({ length: n }, () => pick([...keys, "none"])),
            ]);
          } else if (r < 0.82) {
            batch.push(["SET", pick(keys), randomBytes(rnd, 80)]);
          } else if (r < 0.88) {
            batch.push(["PEXPIRE", pick([...keys, "dst"]), String(3_600_000 + Math.floor(rnd() * 1000))]);
          } else if (r < 0.91) {
            batch.push(["DEL", pick(keys)]);
          } else if (r < 0.94) {
            batch.push(["APPEND", pick(keys), randomBytes(rnd, 10)]);
          } else {
            // refused by the server (so never propagated): bad offsets, types and bits
            batch.push(
              pick([
                ["SETBIT", "b0", "-1", "1"],
                ["SETBIT", "b0", "1", "2"],
                ["BITFIELD", "b0", "SET", "u64", "0", "1"],
                ["BITFIELD", "b0", "SET", "i65", "0", "1"],
                ["BITFIELD", "b0", "INCRBY", "i8", "#-1", "1"],
                ["BITFIELD", "b0", "OVERFLOW", "LOUD", "SET", "i8", "0", "1"],
                ["BITOP", "NOT", "d", "b0", "b1"],
                ["BITOP", "DIFF", "d", "b0", "b1"],
              ]),
            );
          }
        }
        await replay(store, state, batch, `seed ${seed} round ${round}`);
      }
      store.dispose();
    });
  }

  test("growth by FAIL-skipped writes, #n offsets, TTL kept by bit writes and dropped by BITOP", async () => {
    await client.flushall();
    const store = new Store();
    const state = { db: 0 };
    await replay(store, state, [
      ["SET", "k", "abc"],
      ["PEXPIRE", "k", "3600000"],
      ["SETBIT", "k", "100", "1"],
      ["BITFIELD", "k", "OVERFLOW", "FAIL", "SET", "u8", "0", "1", "INCRBY", "i8", "#40", "200"],
      ["BITFIELD", "k", "INCRBY", "u2", "#1", "7", "OVERFLOW", "SAT", "INCRBY", "u2", "#2", "7", "GET", "i64", "0"],
      ["BITFIELD", "k", "SET", "i64", "#3", "-9223372036854775808", "INCRBY", "i64", "#3", "-1"],
      ["BITFIELD", "new", "OVERFLOW", "SAT", "SET", "i8", "#1", "-9223372036854775808", "SET", "u8", "#2", "-1"],
      ["BITFIELD", "k", "GET", "u8", "#9999"],
      ["BITOP", "OR", "dst", "k", "new"],
      ["PEXPIRE", "dst", "3600000"],
      ["BITOP", "AND", "dst", "k", "new"],
      ["BITOP", "OR", "dst", "missing", "missing2"],
    ], "edge cases");
    store.dispose();
  });

  test("upstream quirk: a BITFIELD whose writes all FAIL grows the key on the primary but is not propagated", async () => {
    await client.flushall();
    const store = new Store();
    const state = { db: 0 };
    await replay(store, state, [["SET", "k", "ab"]], "setup");
    const token = `m${++marker}`;
    await runBatch(client, [["BITFIELD", "k", "OVERFLOW", "FAIL", "INCRBY", "u8", "80", "300"], [
      "PUBLISH",
      "__tap__",
      token,
    ]]);
    assert.deepEqual(await tap.until(token), [], "nothing propagated");
    assert.equal(await client.strlen("k"), 11, "yet the primary's string grew");
    store.dispose();
  });

  test("the store refuses what the primary would refuse", () => {
    const store = new Store();
    const apply = (...words: string[]) => {
      const args = words.map((w) => enc.encode(w));
      lookupCommand(args[0])!.apply({ store, db: 0, now: () => 0 }, args);
    };
    store.setPlaceholder(0, enc.encode("stream"), enc.encode("stream"), -1);
    const wrongType = (e: Error) => e instanceof CommandError && /^WRONGTYPE/.test(e.message);
    assert.throws(() => apply("SETBIT", "stream", "1", "1"), wrongType);
    assert.throws(() => apply("BITFIELD", "stream", "SET", "u8", "0", "1"), wrongType);
    assert.throws(() => apply("BITOP", "OR", "d", "stream"), wrongType);
    assert.throws(() => apply("SETBIT", "k", "-1", "1"), /bit offset is not an integer or out of range/);
    assert.throws(() => apply("SETBIT", "k", "01", "1"), /bit offset is not an integer or out of range/);
    assert.throws(() => apply("SETBIT", "k", "1", "2"), /bit is not an integer or out of range/);
    assert.throws(() => apply("BITFIELD", "k", "SET", "u64", "0", "1"), /Invalid bitfield type/);
    assert.throws(() => apply("BITFIELD", "k", "SET", "I8", "0", "1"), /Invalid bitfield type/);
    assert.throws(() => apply("BITFIELD", "k", "SET", "i8", "0", "+1"), /value is not an integer/);
    assert.throws(() => apply("BITFIELD", "k", "OVERFLOW", "X"), /Invalid OVERFLOW type/);
    assert.throws(() => apply("BITFIELD", "k", "SET", "i8", "0"), /syntax error/);
    assert.throws(() => apply("BITOP", "NAND", "d", "a"), /syntax error/);
    assert.throws(() => apply("BITOP", "NOT", "d", "a", "b"), /single source key/);
    assert.throws(() => apply("BITOP", "ANDOR", "d", "a"), /BITOP ANDOR must be called with at least two source keys/);
    assert.equal(store.dbSize(0), 1, "nothing was written");
    // a BITFIELD of GETs writes nothing, even on an absent key
    apply("BITFIELD", "k", "GET", "u8", "1000");
    assert.equal(store.find(0, "k"), 0);
    store.dispose();
  });
});
