// Hash write commands through the command table into a Store.
//
// 1. Seeded random HSET/HMSET/HSETNX/HDEL/HINCRBY sequences run against a real redis-server (7.0) and
//    through the table; every key's HGETALL is compared, and a command the server refuses must fail here too.
// 2. Verbatim HINCRBYFLOAT: applied only when exact, then equal to Redis's own result.
// 3. The field-TTL commands (Redis 7.4+/8.x, Valkey 9), which Redis 7.0 lacks: explicit expectations
//    derived from the source, cited as
//      [74] Redis unstable @ 4f8cdc2a (2024-10-18, the 7.4 line; the fixture primary) src/t_hash.c / src/expire.c
//      [8x] Redis 8.x src/t_hash.c (HSETEX/HGETEX/HGETDEL, added in 8.0), by function name
//    and a replay of the hash-field-TTL part of the fixture capture of that 7.4-line primary.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import type { Redis } from "ioredis";
import { Store, ValueType } from "../../src/_wasm/store.ts";
import { lookupCommand } from "../../src/commands/table.ts";
import { CommandError } from "../../src/commands/args.ts";
import { VeidrodelisError } from "../../src/errors.ts";
import { type RedisServer, startRedis } from "../_support/redis_server.ts";
import { seededRandom } from "../_support/random.ts";
import { fixturePath, readFixtureJson } from "../_support/fixtures.ts";
import fs from "node:fs";

const enc = new TextEncoder();
const dec = new TextDecoder();
const NOW = 1_700_000_000_000;

type Arg = string | Uint8Array;
const toBytes = (a: Arg) => typeof a === "string" ? enc.encode(a) : a;

function run(store: Store, ...words: Arg[]): void {
  const args = words.map(toBytes);
  const spec = lookupCommand(args[0]);
  assert.ok(spec, String(words[0]));
  spec.apply({ store, db: 0, now: () => NOW }, args);
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return a.length - b.length;
}

/** The hash at key as [field, value, ttl] text triples in byte order, null when absent. */
function hash(store: Store, key: string): Array<[string, string, number]> | null {
  if (store.find(0, key) !== ValueType.hash) return null;
  const e = store.foundHashEntries();
  return e.fields.map((f, i) => [dec.decode(f), dec.decode(e.values[i]), e.expireAts[i]]);
}

function ttl(store: Store, key: string, field: string): number {
  store.find(0, key);
  return store.foundHashFieldExpireAt(field);
}

// ---------------------------------------------------------------------------------------------- 1.

describe("hash commands vs redis-server (seeded random)", () => {
  let srv: RedisServer;
  let client: Redis;
  before(async () => {
    // the store converts at 128 fields (Redis's default hash-max-listpack-entries is 512): configure the
    // server alike so OBJECT ENCODING can be compared too
    srv = await startRedis({ config: { "hash-max-listpack-entries": 128 } });
    client = srv.client();
  });
  after(async () => {
    await srv?.stop();
  });

  function randomBytes(rnd: () => number, len: number): Uint8Array {
    const u = new Uint8Array(len);
    for (let i = 0; i < len; i++) u[i] = rnd() < 0.85 ? 97 + Math.floor(rnd() * 5) : Math.floor(rnd() * 256);
    return u;
  }

  async function compareAll(store: Store, keys: string[]): Promise<void> {
    for (const key of keys) {
      const type = String(await client.type(key));
      if (type !== "hash") {
        if (key !== "str") assert.equal(store.find(0, key), ValueType.none, `${key} absent`);
        continue;
      }
      const flat = await client.callBuffer("HGETALL", key) as Buffer[];
      const want: Array<[Uint8Array, Uint8Array]> = [];
      for (let i = 0; i < flat.length; i += 2) want.push([new Uint8Array(flat[i]), new Uint8Array(flat[i + 1])]);
      want.sort((a, b) => compareBytes(a[0], b[0]));
      assert.equal(store.find(0, key), ValueType.hash, key);
      const got = store.foundHashEntries();
      assert.deepEqual(got.fields, want.map((p) => p[0]), key);
      assert.deepEqual(got.values, want.map((p) => p[1]), key);
      assert.equal(store.foundHashLength(), await client.hlen(key));
    }
  }

  for (const seed of [11, 12]) {
    it(`seed ${seed}: 3000 commands, HGETALL equal for every key`, async () => {
      const rnd = seededRandom(seed);
      const store = new Store();
      await client.flushall();
      await client.set("str", "not a hash");
      run(store, "SET", "str", "not a hash");
      const keys = ["h0", "h1", "small", "str"];
      const fields: Uint8Array[] = [];
      for (let i = 0; i < 260; i++) {
        fields.push(randomBytes(rnd, i >= 30 && rnd() < 0.04 ? 65 + Math.floor(rnd() * 30) : Math.floor(rnd() * 10)));
      }
      const deltas = ["1", "-1", "17", "-400", "9223372036854775807", "-9223372036854775808", "1.5", "x", "+3"];
      const ints = ["0", "5", "-5", "9223372036854775806", "-9223372036854775807", "1e3", " 4", "007"];
      const value = (key: string): Uint8Array => {
        if (rnd() < 0.25) return enc.encode(ints[Math.floor(rnd() * ints.length)]);
        const len = key !== "small" && rnd() < 0.04 ? 65 + Math.floor(rnd() * 500) : Math.floor(rnd() * 16);
        return randomBytes(rnd, len);
      };
      let failures = 0;
      for (let batch = 0; batch < 15; batch++) {
        const ops: Uint8Array[][] = [];
        for (let i = 0; i < 200; i++) {
          const key = rnd() < 0.03 ? "str" : keys[Math.floor(rnd() * 3)];
          const field = () => fields[Math.floor(rnd() * (key === "small" ? 30 : fields.length))];
          const r = rnd();
          const op: Arg[] = [];
          if (r < 0.4) {
            op.push(rnd() < 0.8 ? "HSET" : "HMSET", key);
            const pairs = 1 + Math.floor(rnd() * 4);
            for (let p = 0; p < pairs; p++) op.push(field(), value(key));
          } else if (r < 0.5) {
            op.push("HSETNX", key, field(), value(key));
          } else if (r < 0.8) {
            op.push("HDEL", key);
            const n = 1 + Math.floor(rnd() * 3);
            for (let p = 0; p < n; p++) op.push(field());
          } else {
            op.push("HINCRBY", key, field(), deltas[Math.floor(rnd() * deltas.length)]);
          }
          ops.push(op.map(toBytes));
        }
        const pipeline = client.pipeline();
        for (const op of ops) pipeline.callBuffer(dec.decode(op[0]), ...op.slice(1).map((a) => Buffer.from(a)));
        const replies = (await pipeline.exec())!;
        for (let i = 0; i < ops.length; i++) {
          const [err] = replies[i];
          const spec = lookupCommand(ops[i][0])!;
          if (err) {
            failures++;
            // the primary refused it (so never propagated it): applying it here must fail as well
            assert.throws(
              () => spec.apply({ store, db: 0, now: () => NOW }, ops[i]),
              (e: unknown) => e instanceof CommandError || e instanceof VeidrodelisError,
              `${ops[i].map((a) => dec.decode(a)).join(" ")} -> ${err.message}`,
            );
          } else {
            spec.apply({ store, db: 0, now: () => NOW }, ops[i]);
          }
        }
        await compareAll(store, keys);
      }
      assert.ok(failures > 20, `errors exercised (${failures})`);
      store.find(0, "h0");
      assert.equal(store.foundHashEncoding(), String(await client.object("ENCODING", "h0")));
    });
  }

  it("thresholds: HSET of 128/129 fields and 64/65-byte values match Redis's encoding and content", async () => {
    const store = new Store();
    await client.flushall();
    const cases: Array<[string, Arg[]]> = [
      ["c128", Array.from({ length: 128 }, (_, i) => [`f${i}`, `v${i}`]).flat()],
      ["c129", Array.from({ length: 129 }, (_, i) => [`f${i}`, `v${i}`]).flat()],
      ["v64", ["f", "x".repeat(64)]],
      ["v65", ["f", "x".repeat(65)]],
      ["f64", ["y".repeat(64), "v"]],
      ["f65", ["y".repeat(65), "v"]],
    ];
    for (const [key, pairs] of cases) {
      await client.callBuffer("HSET", key, ...pairs.map((a) => Buffer.from(toBytes(a))));
      run(store, "HSET", key, ...pairs);
      store.find(0, key);
      assert.equal(store.foundHashEncoding(), String(await client.object("ENCODING", key)), key);
    }
    await compareAll(store, cases.map(([k]) => k));
  });
});

// ---------------------------------------------------------------------------------------------- 2.

describe("HINCRBYFLOAT verbatim: only when exact", () => {
  let srv: RedisServer;
  let client: Redis;
  before(async () => {
    srv = await startRedis();
    client = srv.client();
  });
  after(async () => {
    await srv?.stop();
  });

  it("exact binary fractions give Redis's own text (ld2string LD_STR_HUMAN, %.17Lf trimmed)", async () => {
    const rnd = seededRandom(7);
    const store = new Store();
    const pairs: Array<[string | null, string]> = [
      [null, "2.5"],
      ["10.5", "0.25"],
      ["3.0", "1"],
      ["-1.5", "1.5"],
      ["1e3", "-0.125"],
      ["0", "-0"],
      ["+7", "0.0078125"],
      ["1099511627776", "0.5"],
      ["9007199254740991", "1"], // 2^53: still exact
      ["5", "1E2"],
      [".5", "5."],
    ];
    for (let i = 0; i < 60; i++) {
      const a = (Math.floor(rnd() * 2_000_000) - 1_000_000) / 2 ** Math.floor(rnd() * 12);
      const d = (Math.floor(rnd() * 2_000) - 1_000) / 2 ** Math.floor(rnd() * 6);
      pairs.push([String(a), String(d)]);
    }
    for (const [i, [stored, incr]] of pairs.entries()) {
      const key = `f:${i}`;
      if (stored !== null) {
        await client.hset(key, "f", stored);
        run(store, "HSET", key, "f", stored);
      }
      const want = String(await client.hincrbyfloat(key, "f", incr));
      run(store, "HINCRBYFLOAT", key, "f", incr);
      assert.deepEqual(hash(store, key), [["f", want, -1]], `${stored} + ${incr}`);
    }
  });

  it("anything long double would round is a CommandError, and nothing changes", () => {
    const store = new Store();
    run(store, "HSET", "h", "f", "1.5", "g", "0.1", "s", "abc", "inf", "inf");
    for (
      const [field, incr] of [
        ["f", "0.1"], // 0.1 is not a binary fraction
        ["g", "1"], // nor is the stored value
        ["s", "1"], // not a number at all (Redis: "hash value is not a float")
        ["f", "abc"],
        ["f", "inf"],
        ["inf", "1"],
        ["f", "0x10"], // strtold reads hex floats; not reproduced
        ["f", "9007199254740993"], // 2^53 + 1 needs 54 bits: a double-only long double rounds it
        ["f", " 1"],
        ["f", "0.0000019073486328125"], // 2^-19: more fraction digits than %.17Lf prints
      ]
    ) {
      assert.throws(() => run(store, "HINCRBYFLOAT", "h", field, incr), CommandError, `${field} + ${incr}`);
    }
    assert.deepEqual(hash(store, "h"), [["f", "1.5", -1], ["g", "0.1", -1], ["inf", "inf", -1], ["s", "abc", -1]]);
    run(store, "SET", "str", "x");
    assert.throws(() => run(store, "HINCRBYFLOAT", "str", "f", "1"), /WRONGTYPE/);
  });

  it("keeps the field TTL (hincrbyfloatCommand HASH_SET_KEEP_TTL, [74] t_hash.c:2273)", () => {
    const store = new Store();
    run(store, "HSET", "h", "f", "1.5");
    run(store, "HPEXPIREAT", "h", String(NOW + 100), "FIELDS", "1", "f");
    run(store, "HINCRBYFLOAT", "h", "f", "2");
    assert.deepEqual(hash(store, "h"), [["f", "3.5", NOW + 100]]);
  });
});

// ---------------------------------------------------------------------------------------------- 3.

describe("field TTL commands (from the Redis source)", () => {
  it("HPEXPIREAT conditions: a field without TTL counts as infinite", () => {
    // [74] t_hash.c:516-559 hashTypeSetExpiryListpack and :979-1060 hashTypeSetExpiryHT:
    //   no TTL:   XX and GT fail ("For fields without expiry, LT condition is considered valid", :530/:996)
    //   with TTL: GT fails when prev >= new, LT when prev <= new, NX always
    for (const big of [false, true]) {
      const store = new Store();
      const extra = big ? Array.from({ length: 130 }, (_, i) => [`x${i}`, "y"]).flat() : [];
      run(store, "HSET", "h", "a", "1", "b", "2", "c", "3", "d", "4", ...extra);
      run(store, "HPEXPIREAT", "h", String(NOW + 1000), "XX", "FIELDS", "1", "a");
      run(store, "HPEXPIREAT", "h", String(NOW + 1000), "GT", "FIELDS", "1", "b");
      run(store, "HPEXPIREAT", "h", String(NOW + 1000), "LT", "FIELDS", "1", "c");
      run(store, "HPEXPIREAT", "h", String(NOW + 1000), "NX", "FIELDS", "2", "d", "missing");
      assert.deepEqual([ttl(store, "h", "a"), ttl(store, "h", "b"), ttl(store, "h", "c"), ttl(store, "h", "d")], [
        -1,
        -1,
        NOW + 1000,
        NOW + 1000,
      ]);
      assert.equal(ttl(store, "h", "missing"), -2, "no field is created");
      run(store, "HPEXPIREAT", "h", String(NOW + 500), "GT", "FIELDS", "1", "c"); // 1000 >= 500: not met
      run(store, "HPEXPIREAT", "h", String(NOW + 2000), "GT", "FIELDS", "1", "d"); // met
      run(store, "HPEXPIREAT", "h", String(NOW + 2000), "LT", "FIELDS", "1", "c"); // 1000 <= 2000: not met
      run(store, "HPEXPIREAT", "h", String(NOW + 1000), "LT", "FIELDS", "1", "c"); // equal: not met
      run(store, "HPEXPIREAT", "h", String(NOW + 5), "NX", "FIELDS", "1", "c"); // has TTL: not met
      run(store, "HPEXPIREAT", "h", String(NOW + 7), "XX", "FIELDS", "1", "c"); // met
      assert.deepEqual([ttl(store, "h", "c"), ttl(store, "h", "d")], [NOW + 7, NOW + 2000]);
      run(store, "hpexpireat", "h", String(NOW + 3000), "gt", "fields", "2", "c", "d"); // any case
      assert.deepEqual([ttl(store, "h", "c"), ttl(store, "h", "d")], [NOW + 3000, NOW + 3000]);
    }
  });

  it("relative and second forms convert like parseExpireTime; errors as Redis replies them", () => {
    // [74] t_hash.c:3124-3160 hexpireGenericCommand: expire < 0 -> "invalid expire time, must be >= 0";
    // seconds * 1000; > HFE_MAX_ABS_TIME_MSEC (EB_EXPIRE_TIME_MAX >> 2 = 2^46 - 1) - basetime -> error.
    const store = new Store();
    run(store, "HSET", "h", "a", "1", "b", "2");
    run(store, "HEXPIRE", "h", "100", "FIELDS", "1", "a");
    assert.equal(ttl(store, "h", "a"), NOW + 100_000);
    run(store, "HPEXPIRE", "h", "250", "FIELDS", "1", "b");
    assert.equal(ttl(store, "h", "b"), NOW + 250);
    run(store, "HEXPIREAT", "h", "4102444800", "FIELDS", "1", "a");
    assert.equal(ttl(store, "h", "a"), 4102444800_000);
    run(store, "HPEXPIREAT", "h", String(2 ** 46 - 1), "FIELDS", "1", "b");
    assert.equal(ttl(store, "h", "b"), 2 ** 46 - 1);
    for (
      const bad of [
        ["HPEXPIREAT", "h", "-1", "FIELDS", "1", "a"],
        ["HPEXPIREAT", "h", String(2 ** 46), "FIELDS", "1", "a"],
        ["HEXPIREAT", "h", String(Math.floor((2 ** 46 - 1) / 1000) + 1), "FIELDS", "1", "a"],
        ["HPEXPIRE", "h", String(2 ** 46 - NOW), "FIELDS", "1", "a"],
        ["HPEXPIREAT", "h", "1.5", "FIELDS", "1", "a"],
        ["HPEXPIREAT", "h", "100", "FIELDS", "2", "a"], // numfields must match
        ["HPEXPIREAT", "h", "100", "FIELDS", "0", "a"],
        ["HPEXPIREAT", "h", "100", "NX", "1", "a", "b"], // FIELDS not where expected
        ["HPEXPIREAT", "h", "100", "XY", "FIELDS", "1", "a"],
      ]
    ) {
      assert.throws(() => run(store, ...bad), CommandError, bad.join(" "));
    }
    assert.deepEqual([ttl(store, "h", "a"), ttl(store, "h", "b")], [4102444800_000, 2 ** 46 - 1], "unchanged");
    run(store, "SET", "str", "x");
    assert.throws(() => run(store, "HPEXPIREAT", "str", "100", "FIELDS", "1", "a"), /WRONGTYPE/);
    run(store, "HPEXPIREAT", "absent", "100", "FIELDS", "1", "a"); // -2 for every field, no key created
    assert.equal(store.find(0, "absent"), ValueType.none);
  });

  it("a time in the past is stored on a replica; the primary's HDEL removes the field", () => {
    // [74] expire.c:552-560 checkAlreadyExpired: false when server.masterhost (a replica); t_hash.c:546/:1044 only
    // delete (and propagate HDEL) when it is true. HPEXPIREAT is propagated only with the fields set (:3206-3246).
    const store = new Store();
    run(store, "HSET", "h", "a", "1", "b", "2");
    run(store, "HPEXPIREAT", "h", "1", "FIELDS", "1", "a");
    assert.deepEqual(hash(store, "h"), [["a", "1", 1], ["b", "2", -1]]);
    run(store, "HDEL", "h", "a");
    run(store, "HEXPIRE", "h", "0", "FIELDS", "1", "b");
    assert.deepEqual(hash(store, "h"), [["b", "2", NOW]]);
    run(store, "HDEL", "h", "b");
    assert.equal(store.find(0, "h"), ValueType.none, "the key goes with its last field");
  });

  it("HSET drops a field TTL, HSETNX / HINCRBY keep it, HDEL of the last field deletes the key", () => {
    // [74] t_hash.c:855-975 hashTypeSet: without HASH_SET_KEEP_TTL an update re-inserts the field without TTL;
    // hincrbyCommand (:2223) passes HASH_SET_KEEP_TTL; hsetnxCommand (:2134) leaves an existing field alone.
    const store = new Store();
    run(store, "HSET", "h", "a", "1", "b", "2", "c", "3");
    run(store, "HPEXPIREAT", "h", String(NOW + 9), "FIELDS", "3", "a", "b", "c");
    run(store, "HSET", "h", "a", "one");
    run(store, "HSETNX", "h", "b", "two");
    run(store, "HINCRBY", "h", "c", "10");
    assert.deepEqual(hash(store, "h"), [["a", "one", -1], ["b", "2", NOW + 9], ["c", "13", NOW + 9]]);
    run(store, "HMSET", "h", "b", "x", "c", "y");
    assert.deepEqual(hash(store, "h"), [["a", "one", -1], ["b", "x", -1], ["c", "y", -1]]);
    run(store, "HDEL", "h", "a", "b", "c", "d");
    assert.equal(store.find(0, "h"), ValueType.none);
  });

  it("HPERSIST drops TTLs, ignores fields without one, absent keys and fields", () => {
    // [74] t_hash.c:3289-3410 hpersistCommand: FIELDS at argv[2], numfields at argv[3]; -2 / -1 / 1 per field.
    const store = new Store();
    run(store, "HSET", "h", "a", "1", "b", "2");
    run(store, "HPEXPIREAT", "h", String(NOW + 5), "FIELDS", "1", "a");
    run(store, "HPERSIST", "h", "FIELDS", "3", "a", "b", "missing");
    assert.deepEqual(hash(store, "h"), [["a", "1", -1], ["b", "2", -1]]);
    run(store, "HPERSIST", "absent", "FIELDS", "1", "a");
    assert.equal(store.find(0, "absent"), ValueType.none);
    assert.throws(() => run(store, "HPERSIST", "h", "FIELDS", "2", "a"), CommandError);
    assert.throws(() => run(store, "HPERSIST", "h", "FIELD", "1", "a"), CommandError);
  });

  it("HSETEX: options, FNX/FXX all-or-nothing, KEEPTTL, relative times", () => {
    // [8x] t_hash.c hsetexParseArgs: options before FIELDS; one of EX/PX/EXAT/PXAT/KEEPTTL; one of FNX/FXX;
    // numfields must match the pairs. hsetexCommand: FXX on an absent key sets nothing (no key is created);
    // FNX/FXX judge every field first; without EX/PX/EXAT/PXAT/KEEPTTL an update drops the TTL (HASH_SET_COPY),
    // with one the old TTL is kept (HASH_SET_KEEP_TTL) or replaced (hashTypeSetEx, condition 0).
    const store = new Store();
    run(store, "HSETEX", "h", "FXX", "FIELDS", "1", "a", "1");
    assert.equal(store.find(0, "h"), ValueType.none);
    run(store, "HSETEX", "h", "FNX", "PX", "100", "FIELDS", "2", "a", "1", "b", "2");
    assert.deepEqual(hash(store, "h"), [["a", "1", NOW + 100], ["b", "2", NOW + 100]]);
    run(store, "HSETEX", "h", "FNX", "FIELDS", "2", "c", "3", "a", "x"); // a exists: nothing
    assert.deepEqual(hash(store, "h"), [["a", "1", NOW + 100], ["b", "2", NOW + 100]]);
    run(store, "HSETEX", "h", "FXX", "KEEPTTL", "FIELDS", "2", "a", "A", "c", "x"); // c missing: nothing
    assert.deepEqual(hash(store, "h"), [["a", "1", NOW + 100], ["b", "2", NOW + 100]]);
    run(store, "HSETEX", "h", "FXX", "KEEPTTL", "FIELDS", "1", "a", "A");
    assert.deepEqual(hash(store, "h"), [["a", "A", NOW + 100], ["b", "2", NOW + 100]]);
    run(store, "HSETEX", "h", "FIELDS", "1", "b", "B"); // no TTL option: dropped
    assert.deepEqual(hash(store, "h"), [["a", "A", NOW + 100], ["b", "B", -1]]);
    run(store, "HSETEX", "h", "EX", "10", "FIELDS", "1", "c", "C");
    run(store, "hsetex", "h", "exat", "2000000000", "fields", "1", "d", "D");
    run(store, "HSETEX", "h", "PXAT", "1", "FIELDS", "1", "b", "B2"); // past: stored on a replica
    assert.deepEqual(hash(store, "h"), [
      ["a", "A", NOW + 100],
      ["b", "B2", 1],
      ["c", "C", NOW + 10_000],
      ["d", "D", 2_000_000_000_000],
    ]);
    // what 8.x primaries send for HINCRBYFLOAT (t_hash.c hincrbyfloatCommand rewrite)
    run(store, "HSETEX", "h", "KEEPTTL", "FIELDS", "1", "c", "3.5");
    assert.deepEqual(hash(store, "h")![2], ["c", "3.5", NOW + 10_000]);
    // Valkey 9 key conditions (t_hash.c hsetexCommand there; stripped before propagation)
    run(store, "HSETEX", "h", "NX", "FIELDS", "1", "e", "E");
    assert.equal(ttl(store, "h", "e"), -2);
    run(store, "HSETEX", "new", "XX", "FIELDS", "1", "e", "E");
    assert.equal(store.find(0, "new"), ValueType.none);
    for (
      const bad of [
        ["HSETEX", "h", "EX", "10", "PX", "10", "FIELDS", "1", "a", "1"],
        ["HSETEX", "h", "KEEPTTL", "EX", "10", "FIELDS", "1", "a", "1"],
        ["HSETEX", "h", "FNX", "FXX", "FIELDS", "1", "a", "1"],
        ["HSETEX", "h", "BOGUS", "FIELDS", "1", "a", "1"],
        ["HSETEX", "h", "FIELDS", "2", "a", "1"],
        ["HSETEX", "h", "FIELDS", "1", "a", "1", "b"],
        ["HSETEX", "h", "FIELDS", "0", "a", "1"],
        ["HSETEX", "h", "EX", "-1", "FIELDS", "1", "a", "1"],
        ["HSETEX", "h", "EX", "FIELDS", "1", "a", "1"],
        ["HSETEX", "h", "FNX", "a", "1", "b", "2"],
      ]
    ) {
      assert.throws(() => run(store, ...bad), CommandError, bad.join(" "));
    }
    run(store, "SET", "str", "x");
    assert.throws(() => run(store, "HSETEX", "str", "FIELDS", "1", "a", "1"), /WRONGTYPE/);
  });

  it("HGETDEL and HGETEX arriving verbatim", () => {
    // [8x] t_hash.c hgetdelCommand: HGETDEL key FIELDS n f…, deletes the present fields, the key when empty.
    // [8x] hgetexCommand: optional EX/PX/EXAT/PXAT/PERSIST at argv[2]; sets TTLs of present fields only.
    const store = new Store();
    run(store, "HSET", "h", "a", "1", "b", "2", "c", "3");
    run(store, "HGETDEL", "h", "FIELDS", "2", "a", "missing");
    assert.deepEqual(hash(store, "h"), [["b", "2", -1], ["c", "3", -1]]);
    run(store, "HGETEX", "h", "PX", "500", "FIELDS", "2", "b", "missing");
    assert.deepEqual(hash(store, "h"), [["b", "2", NOW + 500], ["c", "3", -1]]);
    run(store, "HGETEX", "h", "EXAT", "1800000000", "FIELDS", "1", "c");
    assert.equal(ttl(store, "h", "c"), 1_800_000_000_000);
    run(store, "HGETEX", "h", "PERSIST", "FIELDS", "1", "b");
    run(store, "HGETEX", "h", "FIELDS", "1", "c"); // a read
    assert.deepEqual(hash(store, "h"), [["b", "2", -1], ["c", "3", 1_800_000_000_000]]);
    run(store, "HGETDEL", "h", "FIELDS", "2", "b", "c");
    assert.equal(store.find(0, "h"), ValueType.none);
    run(store, "HGETEX", "absent", "EX", "5", "FIELDS", "1", "a");
    assert.equal(store.find(0, "absent"), ValueType.none);
    for (
      const bad of [
        ["HGETDEL", "h", "FIELDS", "2", "a"],
        ["HGETDEL", "h", "FIELD", "1", "a"],
        ["HGETEX", "h", "EX", "5", "FIELDS", "2", "a"],
        ["HGETEX", "h", "EX", "-5", "FIELDS", "1", "a"],
        ["HGETEX", "h", "EX", "5", "FIELDS"],
        ["HGETEX", "h", "PERSIST", "1", "a", "b"],
      ]
    ) {
      assert.throws(() => run(store, ...bad), CommandError, bad.join(" "));
    }
  });

  it("replays the field-TTL part of the 7.4-line capture and matches the primary's final state", () => {
    // ../shared/fixtures/replication/redis-unstable-4f8cdc2a: stream.commands.txt (what the primary propagated)
    // and final.expected.json (what it held afterwards, with field_expire_at_ms).
    const dir = "replication/redis-unstable-4f8cdc2a";
    const lines = fs.readFileSync(fixturePath(`${dir}/stream.commands.txt`), "utf8").split("\n");
    const store = new Store();
    let replayed = 0;
    for (const line of lines) {
      const m = /^\d+ (H[A-Z]+ hfe:.*)$/.exec(line);
      if (!m) continue;
      run(store, ...m[1].split(" "));
      replayed++;
    }
    assert.ok(replayed >= 15, `replayed ${replayed}`);
    type Entry = { type: string; value: Record<string, string>; field_expire_at_ms?: Record<string, number> };
    const expected = readFixtureJson<{ databases: Record<string, Record<string, Entry>> }>(
      `${dir}/final.expected.json`,
    );
    const db0 = expected.databases["0"];
    for (const key of ["hfe:1", "hfe:short", "hfe:all", "hfe:zero", "hfe:big"]) {
      const want = db0[key];
      const got = hash(store, key);
      if (!want) {
        assert.equal(got, null, key);
        continue;
      }
      const fields = Object.keys(want.value).sort((a, b) => compareBytes(enc.encode(a), enc.encode(b)));
      assert.deepEqual(got, fields.map((f) => [f, want.value[f], want.field_expire_at_ms?.[f] ?? -1]), key);
    }
  });
});
