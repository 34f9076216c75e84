// Set reads (src/reads/sets.ts) against the primary as the oracle: seeded random sets of every encoding
// (integers → intset, big → hashtable on the primary; the store's listpack and hashtable), binary members,
// each read compared with the same command on the primary over many random arguments. Random picks are
// checked by their properties; the ordered iterators against the members sorted by bytes.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { ValueType } from "../../src/_wasm/store.ts";
import { VeidrodelisError, WrongTypeError } from "../../src/errors.ts";
import { Reader } from "../../src/reader.ts";
import { type Oracle, startOracle } from "./_oracle.ts";
import { assertSameFailure, refused, thrown } from "../_support/outcomes.ts";
import { seededRandom } from "../_support/random.ts";

const te = new TextEncoder();
const hex = (u: Uint8Array) => Buffer.from(u).toString("hex");
const bytes = (m: string | Uint8Array) => typeof m === "string" ? te.encode(m) : m;

function compareBytes(x: Uint8Array, y: Uint8Array): number {
  const n = Math.min(x.length, y.length);
  for (let i = 0; i < n; i++) if (x[i] !== y[i]) return x[i] - y[i];
  return x.length - y.length;
}

/** A set result as sorted hex strings (order-free comparison of binary members). */
const asSet = (items: readonly Uint8Array[]) => items.map(hex).sort();

describe("set reads vs the primary", () => {
  let o: Oracle;
  const rnd = seededRandom(0x5e75);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];
  const setKeys: string[] = [];
  const otherKeys = ["str", "hash", "list"];
  const missing = ["missing:1", "missing:2"];
  const members = new Map<string, Uint8Array[]>(); // key → its members (model)
  const pool: Uint8Array[] = [];

  /** A random member: an integer, a short word, or binary bytes (NUL, 0xff, invalid UTF-8). */
  function randomMember(kind: "int" | "word" | "binary" | "long"): Uint8Array {
    switch (kind) {
      case "int":
        return te.encode(String(Math.floor(rnd() * 4000) - 1000));
      case "word":
        return te.encode("m" + Math.floor(rnd() * 3000));
      case "long":
        return te.encode("x".repeat(60 + Math.floor(rnd() * 40)) + Math.floor(rnd() * 100));
      case "binary": {
        const u = new Uint8Array(Math.floor(rnd() * 6));
        for (let i = 0; i < u.length; i++) u[i] = pick([0, 0xff, 0xc3, 0x80, 97, 98, Math.floor(rnd() * 256)]);
        return u;
      }
    }
  }

  async function addSet(key: string, size: number, kinds: readonly ("int" | "word" | "binary" | "long")[]) {
    const seen = new Map<string, Uint8Array>();
    let guard = 0;
    while (seen.size < size && guard++ < size * 50) {
      const m = rnd() < 0.3 && pool.length > 0 ? pick(pool) : randomMember(pick(kinds));
      if (kinds.includes("int") && kinds.length === 1 && !/^-?\d+$/.test(Buffer.from(m).toString("latin1"))) continue;
      seen.set(hex(m), m);
    }
    const list = [...seen.values()];
    for (const m of list) if (rnd() < 0.2) pool.push(m);
    for (let i = 0; i < list.length; i += 500) {
      await o.redis.sadd(key, ...list.slice(i, i + 500).map((m) => Buffer.from(m)));
    }
    members.set(key, list);
    setKeys.push(key);
  }

  before(async () => {
    o = await startOracle();
    for (let i = 0; i < 6; i++) await addSet(`s:int:${i}`, 1 + Math.floor(rnd() * 40), ["int"]);
    await addSet("s:int:big", 1500, ["int"]);
    for (let i = 0; i < 8; i++) await addSet(`s:word:${i}`, 1 + Math.floor(rnd() * 100), ["word", "int"]);
    await addSet("s:word:128", 128, ["word"]);
    await addSet("s:word:129", 129, ["word"]);
    await addSet("s:big:0", 400, ["word", "int"]);
    await addSet("s:big:1", 1000, ["word"]);
    await addSet("s:big:2", 3000, ["word", "int", "binary"]);
    await addSet("s:bin:small", 30, ["binary", "word"]);
    await addSet("s:bin:big", 300, ["binary", "word", "int"]);
    await addSet("s:long", 10, ["long", "word"]);
    await o.redis.sadd("s:empty-member", "", "a");
    members.set("s:empty-member", [new Uint8Array(0), te.encode("a")]);
    setKeys.push("s:empty-member");
    await o.redis.set("str", "v");
    await o.redis.hset("hash", "f", "v");
    await o.redis.rpush("list", "a");
    await o.sync();
  });
  after(async () => {
    await o?.stop();
  });

  it("covers the primary's intset and hashtable and the store's listpack and hashtable", async () => {
    const theirs = new Set<string>();
    const ours = new Set<string>();
    const store = o.mirror.store;
    for (const key of setKeys) {
      theirs.add(String(await o.redis.object("ENCODING", key)));
      assert.equal(store.find(0, key), ValueType.set);
      ours.add(store.foundSetEncoding());
    }
    assert.deepEqual([...theirs].sort(), ["hashtable", "intset"]);
    assert.deepEqual([...ours].sort(), ["hashtable", "listpack"]);
  });

  it("smembers and scard: every key, as bytes and strings, in byte order", async () => {
    for (const key of [...setKeys, ...missing]) {
      const ours = o.mirror.asBytes.smembers(key);
      const theirs = await o.redis.smembersBuffer(key);
      assert.deepEqual(asSet(ours), asSet(theirs), key);
      const sorted = [...ours].sort(compareBytes);
      assert.deepEqual(ours.map(hex), sorted.map(hex), `${key}: byte order`);
      assert.equal(o.mirror.scard(key), await o.redis.scard(key), key);
      if (!key.includes("bin")) {
        assert.deepEqual([...o.mirror.smembers(key)].sort(), (await o.redis.smembers(key)).sort(), key);
      }
    }
    for (const key of otherKeys) {
      assertSameFailure(thrown(() => o.mirror.smembers(key)), await refused(o.redis.smembers(key)), key);
      assertSameFailure(thrown(() => o.mirror.scard(key)), await refused(o.redis.scard(key)), key);
    }
  });

  it("sismember and smismember over members present and absent", async () => {
    for (let round = 0; round < 300; round++) {
      const key = pick([...setKeys, ...missing]);
      const own = members.get(key) ?? [];
      const probes: Uint8Array[] = [];
      const n = 1 + Math.floor(rnd() * 6);
      for (let i = 0; i < n; i++) {
        probes.push(rnd() < 0.5 && own.length > 0 ? pick(own) : randomMember(pick(["int", "word", "binary"])));
      }
      const args = probes.map((m) => Buffer.from(m));
      assert.deepEqual(o.mirror.smismember(key, ...probes), await o.redis.call("SMISMEMBER", key, ...args), key);
      assert.equal(o.mirror.sismember(key, probes[0]), await o.redis.sismember(key, args[0]), key);
    }
    for (const key of otherKeys) {
      assertSameFailure(thrown(() => o.mirror.sismember(key, "a")), await refused(o.redis.sismember(key, "a")), key);
      assertSameFailure(
        thrown(() => o.mirror.smismember(key, "a")),
        await refused(o.redis.call("SMISMEMBER", key, "a")),
        key,
      );
    }
    assertSameFailure(
      thrown(() => o.mirror.smismember("s:int:0")),
      await refused(o.redis.call("SMISMEMBER", "s:int:0")),
      "arity",
    );
  });

  it("srandmember: sizes, distinctness, membership, repeats for negative counts", async () => {
    for (const key of setKeys) {
      const own = new Set((members.get(key) ?? []).map(hex));
      const card = own.size;
      const one = o.mirror.asBytes.srandmember(key);
      assert.ok(one !== null && own.has(hex(one)), key);
      for (const count of [0, 1, 2, 5, card - 1, card, card + 7, -1, -5, -card, -(card + 13)]) {
        const got = o.mirror.asBytes.srandmember(key, count);
        const expected = count >= 0 ? Math.min(count, card) : -count;
        assert.equal(got.length, expected, `${key} ${count}`);
        for (const m of got) assert.ok(own.has(hex(m)), `${key} ${count}: member`);
        if (count > 0) assert.equal(new Set(got.map(hex)).size, got.length, `${key} ${count}: distinct`);
      }
    }
    // repeats do occur for negative counts larger than the set
    const small = o.mirror.srandmember("s:empty-member", -50);
    assert.equal(new Set(small).size, 2);
    assert.equal(o.mirror.srandmember("missing:1"), null);
    assert.deepEqual(o.mirror.srandmember("missing:1", 5), []);
    assert.deepEqual(o.mirror.srandmember("missing:1", -5), []);
    for (const key of otherKeys) {
      assertSameFailure(thrown(() => o.mirror.srandmember(key)), await refused(o.redis.srandmember(key)), key);
      assertSameFailure(thrown(() => o.mirror.srandmember(key, 0)), await refused(o.redis.srandmember(key, 0)), key);
    }
    for (const bad of [1.5, NaN, Infinity, 2 ** 64]) {
      const ours = thrown(() => o.mirror.srandmember("missing:1", bad));
      const text = Number.isFinite(bad) ? (bad === 1.5 ? "1.5" : "18446744073709551616") : "abc";
      assertSameFailure(ours, await refused(o.redis.srandmember("missing:1", text)), `count ${bad}`);
    }
    assertSameFailure(
      thrown(() => o.mirror.srandmember("s:int:0", -(2 ** 63))),
      await refused(o.redis.call("SRANDMEMBER", "s:int:0", "-9223372036854775808")),
      "LONG_MIN",
    );
  });

  /** Random key lists for the set algebra: sets, missing keys, now and then a key of another type. */
  function randomKeys(): string[] {
    const n = 1 + Math.floor(rnd() * 4);
    const keys: string[] = [];
    for (let i = 0; i < n; i++) {
      const r = rnd();
      keys.push(r < 0.08 ? pick(missing) : r < 0.12 ? pick(otherKeys) : pick(setKeys));
    }
    if (rnd() < 0.2) keys.push(keys[0]); // the same key twice
    return keys;
  }

  it("sunion, sinter, sdiff over random keys (missing keys, repeats, wrong types)", async () => {
    for (let round = 0; round < 400; round++) {
      const keys = randomKeys();
      for (const command of ["sunion", "sinter", "sdiff"] as const) {
        const what = `${command} ${keys.join(" ")}`;
        let ours: Uint8Array[] | null = null;
        const error = thrown(() => (ours = o.mirror.asBytes[command](...keys)));
        let theirs: Buffer[] | null = null;
        const failure = await refused(
          (o.redis.callBuffer(command.toUpperCase(), ...keys) as Promise<Buffer[]>).then((r) => (theirs = r)),
        );
        assertSameFailure(error, failure, what);
        if (failure === null) assert.deepEqual(asSet(ours!), asSet(theirs!), what);
      }
    }
    // strings reader: same members, decoded
    assert.deepEqual(
      o.mirror.sunion("s:word:0", "s:word:1").sort(),
      (await o.redis.sunion("s:word:0", "s:word:1")).sort(),
    );
    for (const command of ["sunion", "sinter", "sdiff"] as const) {
      assertSameFailure(thrown(() => o.mirror[command]()), await refused(o.redis.call(command.toUpperCase())), command);
    }
  });

  it("sintercard with and without LIMIT", async () => {
    for (let round = 0; round < 300; round++) {
      const keys = randomKeys();
      const limit = pick([undefined, 0, 1, 2, 3, 10, 1000]);
      const what = `sintercard ${keys.join(" ")} limit ${limit}`;
      let ours = -1;
      const error = thrown(() => (ours = o.mirror.sintercard(keys, limit === undefined ? undefined : { limit })));
      let theirs = -1;
      const extra = limit === undefined ? [] : ["LIMIT", limit];
      const failure = await refused(
        (o.redis.call("SINTERCARD", keys.length, ...keys, ...extra) as Promise<number>).then((r) => (theirs = r)),
      );
      assertSameFailure(error, failure, what);
      if (failure === null) assert.equal(ours, theirs, what);
    }
    assertSameFailure(
      thrown(() => o.mirror.sintercard(["s:int:0"], { limit: -1 })),
      await refused(o.redis.call("SINTERCARD", 1, "s:int:0", "LIMIT", -1)),
      "negative limit",
    );
    assertSameFailure(
      thrown(() => o.mirror.sintercard([])),
      await refused(o.redis.call("SINTERCARD", 0, "s:int:0")),
      "no keys",
    );
  });

  it("sscan: full scans with MATCH and COUNT return every matching member", async () => {
    const patterns: (string | Uint8Array | undefined)[] = [
      undefined,
      "*",
      "m1*",
      "*5",
      "?",
      "m[0-4]?",
      "[^m]*",
      "-*",
      new Uint8Array([0xff, 0x2a]),
      new Uint8Array([0x2a, 0]),
      "\\*",
    ];
    for (const key of [...setKeys, ...missing]) {
      for (let round = 0; round < 4; round++) {
        const match = pick(patterns);
        const count = pick([undefined, 1, 3, 10, 1000]);
        const ours = new Map<string, Uint8Array>();
        let cursor = 0, steps = 0;
        do {
          const page = o.mirror.asBytes.sscan(key, cursor, { match, count });
          for (const m of page.items) ours.set(hex(m), m);
          cursor = page.cursor;
          assert.ok(++steps < 100_000, `${key}: the scan ends`);
        } while (cursor !== 0);
        const theirs = new Set<string>();
        let c = "0";
        do {
          const args: (string | number | Buffer)[] = [key, c];
          if (match !== undefined) args.push("MATCH", Buffer.from(bytes(match)));
          if (count !== undefined) args.push("COUNT", count);
          const [next, items] = await o.redis.callBuffer("SSCAN", ...args) as [Buffer, Buffer[]];
          for (const m of items) theirs.add(hex(m));
          c = next.toString();
        } while (c !== "0");
        assert.deepEqual([...ours.keys()].sort(), [...theirs].sort(), `${key} match ${match} count ${count}`);
      }
    }
    // strings reader
    const page = o.mirror.sscan("s:word:0", 0, { count: 1000 });
    assert.equal(page.cursor, 0);
    assert.deepEqual(page.items.sort(), (await o.redis.smembers("s:word:0")).sort());
  });

  it("sscan: argument errors as the primary's", async () => {
    // a negative cursor: Redis 7.0 takes it (strtoul wraps it around), 7.2+ refuses it (string2ull); we refuse
    assert.throws(() => o.mirror.sscan("s:int:0", -1), { code: "ARGUMENT", message: "ERR invalid cursor" });
    const cases: [() => unknown, (string | number)[]][] = [
      [() => o.mirror.sscan("s:int:0", 1.5), ["s:int:0", "1.5"]],
      [() => o.mirror.sscan("s:int:0", 0, { count: 0 }), ["s:int:0", 0, "COUNT", 0]],
      [() => o.mirror.sscan("s:int:0", 0, { count: -3 }), ["s:int:0", 0, "COUNT", -3]],
      [() => o.mirror.sscan("s:int:0", 0, { count: 2.5 }), ["s:int:0", 0, "COUNT", "2.5"]],
      // a missing key answers before the options are looked at
      [() => o.mirror.sscan("missing:1", 0, { count: 0 }), ["missing:1", 0, "COUNT", 0]],
      [() => o.mirror.sscan("str", 0), ["str", 0]],
      [() => o.mirror.sscan("str", 0.5), ["str", "0.5"]],
    ];
    for (const [ours, args] of cases) {
      assertSameFailure(thrown(ours), await refused(o.redis.call("SSCAN", ...args)), `SSCAN ${args.join(" ")}`);
    }
  });

  it("sfirst, slast, snext, sprev against the members sorted by bytes", () => {
    const reader = o.mirror.asBytes;
    for (const key of [...setKeys, ...missing]) {
      const sorted = [...(members.get(key) ?? [])].sort(compareBytes);
      const card = sorted.length;
      for (const count of [undefined, 1, 2, 7, card, card + 3, 0, -1]) {
        const n = count === undefined ? 1 : Math.max(0, count);
        assert.deepEqual(reader.sfirst(key, count).map(hex), sorted.slice(0, n).map(hex), `${key} sfirst ${count}`);
        assert.deepEqual(
          reader.slast(key, count).map(hex),
          sorted.slice(Math.max(0, card - n)).reverse().map(hex),
          `${key} slast ${count}`,
        );
      }
      for (let round = 0; round < 12; round++) {
        const anchor = rnd() < 0.5 && card > 0 ? pick(sorted) : randomMember(pick(["int", "word", "binary"]));
        const count = pick([undefined, 1, 3, 50, card + 1]);
        const n = count ?? 1;
        const after = sorted.filter((m) => compareBytes(m, anchor) > 0).slice(0, n);
        const before = sorted.filter((m) => compareBytes(m, anchor) < 0).reverse().slice(0, n);
        assert.deepEqual(reader.snext(key, anchor, count).map(hex), after.map(hex), `${key} snext ${hex(anchor)}`);
        assert.deepEqual(reader.sprev(key, anchor, count).map(hex), before.map(hex), `${key} sprev ${hex(anchor)}`);
      }
      // walking the whole set page by page
      const walked: Uint8Array[] = [];
      for (let page = reader.sfirst(key, 7); page.length > 0; page = reader.snext(key, page[page.length - 1], 7)) {
        walked.push(...page);
      }
      assert.deepEqual(walked.map(hex), sorted.map(hex), `${key}: walk`);
    }
    assert.deepEqual(o.mirror.sfirst("s:word:0", 2), o.mirror.smembers("s:word:0").slice(0, 2));
    for (const key of otherKeys) {
      assert.throws(() => o.mirror.sfirst(key), WrongTypeError);
      assert.throws(() => o.mirror.snext(key, "a"), WrongTypeError);
    }
    assert.throws(() => o.mirror.sfirst("s:int:0", 1.5), VeidrodelisError);
  });

  it("a set whose key TTL passed reads as missing", async () => {
    await o.redis.sadd("s:ttl", "a", "b");
    await o.redis.pexpire("s:ttl", 3_600_000);
    await o.sync();
    const later = new Reader(
      { store: o.mirror.store, now: () => Date.now() + 7_200_000, showExpired: false },
      0,
      false,
    );
    assert.deepEqual(later.smembers("s:ttl"), []);
    assert.equal(later.scard("s:ttl"), 0);
    assert.equal(later.sismember("s:ttl", "a"), 0);
    assert.equal(later.srandmember("s:ttl"), null);
    assert.deepEqual(later.sunion("s:ttl", "missing:1"), []);
    assert.deepEqual(later.sscan("s:ttl", 0), { cursor: 0, items: [] });
    assert.deepEqual(later.sfirst("s:ttl"), []);
    assert.deepEqual(o.mirror.smembers("s:ttl"), ["a", "b"]);
    const shown = new Reader({ store: o.mirror.store, now: () => Date.now() + 7_200_000, showExpired: true }, 0, false);
    assert.equal(shown.scard("s:ttl"), 2);
  });
});
