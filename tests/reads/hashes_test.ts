// Hash reads (src/reads/hashes.ts).
//
// 1. Against the primary as the oracle: seeded random hashes of both encodings (listpack ≤ 128 fields of
//    ≤ 64 bytes, hashtable beyond, on the primary and in the store), binary fields and values, each read
//    compared with the same command on the primary over many random arguments; random picks by their
//    properties, the ordered iterators against the fields sorted by bytes.
// 2. Field TTLs (Redis 7.4+, which the 7.0 primary lacks): hashes written into a Store through the write
//    command table (HSET, HPEXPIREAT) and read with an injected clock. Expectations from Redis's source
//    (unstable @ 4f8cdc2a, 2024-10-18, the 7.4 line), t_hash.c:
//    - httlGenericCommand: per field -2 no such field (or its TTL passed), -1 no TTL, else HTTL/HEXPIRETIME
//      in seconds rounded UP ((expire + 999 - base) / 1000), HPTTL/HPEXPIRETIME in ms; a missing key gives
//      -2 for every field; "Number of fields must be a positive integer" for none.
//    - hashTypeGetValue on a replica (masterhost): a field whose TTL passed reads as absent (GETF_EXPIRED)
//      and is not deleted: HGET/HMGET/HEXISTS/HSTRLEN hide it; genericHgetallCommand (HGETALL/HKEYS/HVALS)
//      and HSCAN skip it; HLEN is hashTypeLength(o, 0): it still COUNTS it.
//    - HRANDFIELD on a replica does not expire fields first (hashTypeExpireIfNeeded returns 0 with
//      masterhost) and could return one; the mirror hides them there too, as every other read.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { Store, ValueType } from "../../src/_wasm/store.ts";
import { lookupCommand } from "../../src/commands/table.ts";
import { VeidrodelisError, WrongTypeError } from "../../src/errors.ts";
import { Reader } from "../../src/reader.ts";
import { type Oracle, startOracle } from "./_oracle.ts";
import { assertSameFailure, refused, thrown } from "../_support/outcomes.ts";
import { seededRandom } from "../_support/random.ts";

const te = new TextEncoder();
const td = new TextDecoder();
const hex = (u: Uint8Array) => Buffer.from(u).toString("hex");
const bytes = (m: string | Uint8Array) => typeof m === "string" ? te.encode(m) : m;

function compareBytes(x: Uint8Array, y: Uint8Array): number {
  const n = Math.min(x.length, y.length);
  for (let i = 0; i < n; i++) if (x[i] !== y[i]) return x[i] - y[i];
  return x.length - y.length;
}

type Field = [field: Uint8Array, value: Uint8Array];

/** field hex → value hex: an order-free form of a hash. */
const pairsOf = (fields: readonly Uint8Array[], values: readonly Uint8Array[]) =>
  fields.map((f, i) => `${hex(f)}=${hex(values[i])}`).sort();

// ---------------------------------------------------------------------------------------------- 1.

describe("hash reads vs the primary", () => {
  let o: Oracle;
  const rnd = seededRandom(0x4a54);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];
  const hashKeys: string[] = [];
  const otherKeys = ["str", "set", "list"];
  const missing = ["missing:1", "missing:2"];
  const model = new Map<string, Field[]>(); // key → its fields (byte order not kept)

  function randomBytes(kind: "word" | "int" | "binary" | "long"): Uint8Array {
    switch (kind) {
      case "word":
        return te.encode("f" + Math.floor(rnd() * 3000));
      case "int":
        return te.encode(String(Math.floor(rnd() * 200000) - 100000));
      case "long":
        return te.encode("v".repeat(65 + Math.floor(rnd() * 30)));
      case "binary": {
        const u = new Uint8Array(Math.floor(rnd() * 6));
        for (let i = 0; i < u.length; i++) u[i] = pick([0, 0xff, 0xc3, 0x80, 97, 98, Math.floor(rnd() * 256)]);
        return u;
      }
    }
  }

  async function addHash(
    key: string,
    size: number,
    fieldKinds: readonly ("word" | "int" | "binary")[],
    valueKinds: readonly ("word" | "int" | "binary" | "long")[],
  ): Promise<void> {
    const fields = new Map<string, Field>();
    let guard = 0;
    while (fields.size < size && guard++ < size * 50) {
      const f = randomBytes(pick(fieldKinds));
      fields.set(hex(f), [f, randomBytes(pick(valueKinds))]);
    }
    const list = [...fields.values()];
    for (let i = 0; i < list.length; i += 500) {
      await o.redis.hset(key, ...list.slice(i, i + 500).flatMap(([f, v]) => [Buffer.from(f), Buffer.from(v)]));
    }
    model.set(key, list);
    hashKeys.push(key);
  }

  before(async () => {
    // the store packs hashes up to 128 fields of 64 bytes; Redis 7.0's defaults are the same
    o = await startOracle({ config: { "hash-max-listpack-entries": 128, "hash-max-listpack-value": 64 } });
    for (let i = 0; i < 8; i++) await addHash(`h:small:${i}`, 1 + Math.floor(rnd() * 60), ["word"], ["word", "int"]);
    await addHash("h:128", 128, ["word"], ["int"]);
    await addHash("h:129", 129, ["word"], ["int"]);
    await addHash("h:big:0", 500, ["word", "int"], ["word", "int"]);
    await addHash("h:big:1", 2500, ["word"], ["word", "binary"]);
    await addHash("h:long", 5, ["word"], ["long", "word"]);
    await addHash("h:bin:small", 20, ["binary", "word"], ["binary"]);
    await addHash("h:bin:big", 300, ["binary", "word", "int"], ["binary", "word"]);
    await o.redis.hset("h:odd", "", "", "__proto__", "p", "constructor", "c", "toString", "t");
    model.set(
      "h:odd",
      [["", ""], ["__proto__", "p"], ["constructor", "c"], ["toString", "t"]].map(([f, v]) => [bytes(f), bytes(v)]),
    );
    hashKeys.push("h:odd");
    await o.redis.set("str", "v");
    await o.redis.sadd("set", "a");
    await o.redis.rpush("list", "a");
    await o.sync();
  });
  after(async () => {
    await o?.stop();
  });

  /** A field to probe: often one of the hash's, else a random one. */
  function probeField(key: string): Uint8Array {
    const own = model.get(key) ?? [];
    return rnd() < 0.6 && own.length > 0 ? pick(own)[0] : randomBytes(pick(["word", "int", "binary"]));
  }

  it("covers listpack and hashtable on the primary and in the store", async () => {
    const theirs = new Set<string>();
    const ours = new Set<string>();
    const store = o.mirror.store;
    for (const key of hashKeys) {
      const encoding = String(await o.redis.object("ENCODING", key));
      theirs.add(encoding);
      assert.equal(store.find(0, key), ValueType.hash);
      assert.equal(store.foundHashEncoding(), encoding, key);
      ours.add(encoding);
    }
    assert.deepEqual([...theirs].sort(), ["hashtable", "listpack"]);
  });

  it("hget, hmget, hexists, hstrlen over fields present and absent", async () => {
    for (let round = 0; round < 400; round++) {
      const key = pick([...hashKeys, ...missing]);
      const fields: Uint8Array[] = [];
      for (let i = 1 + Math.floor(rnd() * 5); i > 0; i--) fields.push(probeField(key));
      const args = fields.map((f) => Buffer.from(f));
      const ours = o.mirror.asBytes.hmget(key, ...fields);
      const theirs = await o.redis.hmgetBuffer(key, ...args);
      assert.deepEqual(ours.map((v) => v && hex(v)), theirs.map((v) => v && hex(v)), `hmget ${key}`);
      const one = o.mirror.asBytes.hget(key, fields[0]);
      const theirsOne = await o.redis.hgetBuffer(key, args[0]);
      assert.equal(one && hex(one), theirsOne && hex(theirsOne), `hget ${key}`);
      assert.equal(o.mirror.hexists(key, fields[0]), await o.redis.hexists(key, args[0]), `hexists ${key}`);
      assert.equal(o.mirror.hstrlen(key, fields[0]), await o.redis.hstrlen(key, args[0]), `hstrlen ${key}`);
    }
    assert.equal(o.mirror.hget("h:small:0", model.get("h:small:0")![0][0]), td.decode(model.get("h:small:0")![0][1]));
    for (const key of otherKeys) {
      assertSameFailure(thrown(() => o.mirror.hget(key, "a")), await refused(o.redis.hget(key, "a")), key);
      assertSameFailure(thrown(() => o.mirror.hmget(key, "a")), await refused(o.redis.hmget(key, "a")), key);
      assertSameFailure(thrown(() => o.mirror.hexists(key, "a")), await refused(o.redis.hexists(key, "a")), key);
      assertSameFailure(thrown(() => o.mirror.hstrlen(key, "a")), await refused(o.redis.hstrlen(key, "a")), key);
    }
    assertSameFailure(thrown(() => o.mirror.hmget("h:odd")), await refused(o.redis.call("HMGET", "h:odd")), "arity");
  });

  it("hgetall, hkeys, hvals, hlen of every key", async () => {
    for (const key of [...hashKeys, ...missing]) {
      const keys = o.mirror.asBytes.hkeys(key);
      const vals = o.mirror.asBytes.hvals(key);
      const flat = await o.redis.callBuffer("HGETALL", key) as Buffer[];
      const theirs = pairsOf(flat.filter((_, i) => i % 2 === 0), flat.filter((_, i) => i % 2 === 1));
      assert.deepEqual(pairsOf(keys, vals), theirs, `hkeys/hvals ${key}`);
      assert.deepEqual(keys.map(hex), [...keys].sort(compareBytes).map(hex), `${key}: byte order`);
      assert.equal(o.mirror.hlen(key), await o.redis.hlen(key), `hlen ${key}`);
      // (ioredis builds its HGETALL object by assignment: a "__proto__" field would become its prototype)
      if (!key.includes("bin") && key !== "h:odd") {
        const ours = o.mirror.hgetall(key);
        assert.deepEqual({ ...ours }, await o.redis.hgetall(key), `hgetall ${key}`);
        assert.deepEqual(o.mirror.hkeys(key).sort(), (await o.redis.hkeys(key)).sort(), `hkeys ${key}`);
        assert.deepEqual(o.mirror.hvals(key).sort(), (await o.redis.hvals(key)).sort(), `hvals ${key}`);
      }
    }
    // field names are always strings; values follow the reader
    const odd = o.mirror.asBytes.hgetall("h:odd");
    assert.deepEqual(Object.keys(odd).sort(), ["", "__proto__", "constructor", "toString"]);
    assert.equal(Object.getPrototypeOf(odd), Object.prototype);
    assert.ok(Object.hasOwn(odd, "__proto__"));
    assert.equal(td.decode(odd["__proto__"]), "p");
    for (const key of otherKeys) {
      for (const read of ["hgetall", "hkeys", "hvals", "hlen"] as const) {
        assertSameFailure(thrown(() => o.mirror[read](key)), await refused(o.redis.call(read, key)), `${read} ${key}`);
      }
    }
  });

  it("hrandfield: sizes, distinctness, membership, values, repeats for negative counts", async () => {
    for (const key of hashKeys) {
      const own = new Map(model.get(key)!.map(([f, v]) => [hex(f), hex(v)]));
      const size = own.size;
      const one = o.mirror.asBytes.hrandfield(key);
      assert.ok(one !== null && own.has(hex(one)), key);
      for (const count of [0, 1, 2, 5, size - 1, size, size + 7, -1, -5, -size, -(size + 13)]) {
        const expected = count >= 0 ? Math.min(count, size) : -count;
        const fields = o.mirror.asBytes.hrandfield(key, count);
        assert.equal(fields.length, expected, `${key} ${count}`);
        for (const f of fields) assert.ok(own.has(hex(f)), `${key} ${count}: field`);
        if (count > 0) assert.equal(new Set(fields.map(hex)).size, fields.length, `${key} ${count}: distinct`);
        const entries = o.mirror.asBytes.hrandfield(key, count, { withValues: true });
        assert.equal(entries.length, expected, `${key} ${count} withValues`);
        for (const { field, value } of entries) assert.equal(own.get(hex(field)), hex(value), `${key}: value`);
      }
    }
    const repeats = o.mirror.hrandfield("h:odd", -100);
    assert.equal(repeats.length, 100);
    assert.equal(new Set(repeats).size, 4);
    assert.equal(o.mirror.hrandfield("missing:1"), null);
    assert.deepEqual(o.mirror.hrandfield("missing:1", 3), []);
    assert.deepEqual(o.mirror.hrandfield("missing:1", -3, { withValues: true }), []);
    for (const key of otherKeys) {
      assertSameFailure(thrown(() => o.mirror.hrandfield(key)), await refused(o.redis.hrandfield(key)), key);
      assertSameFailure(thrown(() => o.mirror.hrandfield(key, 0)), await refused(o.redis.hrandfield(key, 0)), key);
    }
    const errors: [() => unknown, (string | number)[]][] = [
      [() => o.mirror.hrandfield("h:odd", 1.5), ["h:odd", "1.5"]],
      [() => o.mirror.hrandfield("missing:1", 2 ** 62, { withValues: true }), [
        "missing:1",
        "4611686018427387904",
        "WITHVALUES",
      ]],
      [() => o.mirror.hrandfield("missing:1", -(2 ** 62), { withValues: true }), [
        "missing:1",
        "-4611686018427387904",
        "WITHVALUES",
      ]],
      [() => o.mirror.hrandfield("str", 2 ** 62, { withValues: true }), ["str", "4611686018427387904", "WITHVALUES"]],
    ];
    for (const [ours, args] of errors) {
      assertSameFailure(
        thrown(ours),
        await refused(o.redis.call("HRANDFIELD", ...args)),
        `HRANDFIELD ${args.join(" ")}`,
      );
    }
  });

  it("hscan: full scans with MATCH and COUNT return every matching field with its value", async () => {
    const patterns: (string | Uint8Array | undefined)[] = [
      undefined,
      "*",
      "f1*",
      "*7",
      "?",
      "f[0-4]?",
      "[^f]*",
      new Uint8Array([0xff, 0x2a]),
      new Uint8Array([0x2a, 0]),
    ];
    for (const key of [...hashKeys, ...missing]) {
      for (let round = 0; round < 4; round++) {
        const match = pick(patterns);
        const count = pick([undefined, 1, 3, 10, 1000]);
        const ours = new Set<string>();
        const names = new Set<string>();
        let cursor = 0, steps = 0;
        do {
          const page = o.mirror.asBytes.hscan(key, cursor, { match, count });
          for (const { field, value } of page.items) ours.add(`${hex(field)}=${hex(value)}`);
          const names_ = o.mirror.asBytes.hscan(key, cursor, { match, count, noValues: true });
          for (const field of names_.items) names.add(hex(field));
          assert.equal(names_.cursor, page.cursor);
          cursor = page.cursor;
          assert.ok(++steps < 100_000, `${key}: the scan ends`);
        } while (cursor !== 0);
        const theirs = new Set<string>();
        let c = "0";
        do {
          const args: (string | number | Buffer)[] = [key, c];
          if (match !== undefined) args.push("MATCH", Buffer.from(bytes(match)));
          if (count !== undefined) args.push("COUNT", count);
          const [next, flat] = await o.redis.callBuffer("HSCAN", ...args) as [Buffer, Buffer[]];
          for (let i = 0; i < flat.length; i += 2) theirs.add(`${hex(flat[i])}=${hex(flat[i + 1])}`);
          c = next.toString();
        } while (c !== "0");
        const what = `${key} match ${match} count ${count}`;
        assert.deepEqual([...ours].sort(), [...theirs].sort(), what);
        assert.deepEqual([...names].sort(), [...theirs].map((p) => p.split("=")[0]).sort(), `${what} noValues`);
      }
    }
    const page = o.mirror.hscan("h:small:0", 0, { count: 1000 });
    assert.equal(page.cursor, 0);
    assert.deepEqual(
      Object.fromEntries(page.items.map(({ field, value }) => [field, value])),
      await o.redis.hgetall("h:small:0"),
    );
    const cases: [() => unknown, (string | number)[]][] = [
      [() => o.mirror.hscan("h:odd", 1.5), ["h:odd", "1.5"]],
      [() => o.mirror.hscan("h:odd", 0, { count: 0 }), ["h:odd", 0, "COUNT", 0]],
      [() => o.mirror.hscan("h:odd", 0, { count: 2.5 }), ["h:odd", 0, "COUNT", "2.5"]],
      [() => o.mirror.hscan("missing:1", 0, { count: 0 }), ["missing:1", 0, "COUNT", 0]],
      [() => o.mirror.hscan("str", 0), ["str", 0]],
    ];
    for (const [ours, args] of cases) {
      assertSameFailure(thrown(ours), await refused(o.redis.call("HSCAN", ...args)), `HSCAN ${args.join(" ")}`);
    }
  });

  it("hfirst, hlast, hnext, hprev against the fields sorted by bytes", () => {
    const reader = o.mirror.asBytes;
    const entryHex = (e: { field: Uint8Array; value: Uint8Array }) => `${hex(e.field)}=${hex(e.value)}`;
    for (const key of [...hashKeys, ...missing]) {
      const sorted = [...(model.get(key) ?? [])].sort((a, b) => compareBytes(a[0], b[0]));
      const asHex = (fs: Field[]) => fs.map(([f, v]) => `${hex(f)}=${hex(v)}`);
      const size = sorted.length;
      for (const count of [undefined, 1, 2, 7, size, size + 3, 0, -1]) {
        const n = count === undefined ? 1 : Math.max(0, count);
        assert.deepEqual(reader.hfirst(key, count).map(entryHex), asHex(sorted.slice(0, n)), `${key} hfirst ${count}`);
        assert.deepEqual(
          reader.hlast(key, count).map(entryHex),
          asHex(sorted.slice(Math.max(0, size - n)).reverse()),
          `${key} hlast ${count}`,
        );
      }
      for (let round = 0; round < 12; round++) {
        const anchor = probeField(key);
        const count = pick([undefined, 1, 3, 50, size + 1]);
        const n = count ?? 1;
        const after = sorted.filter(([f]) => compareBytes(f, anchor) > 0).slice(0, n);
        const before = sorted.filter(([f]) => compareBytes(f, anchor) < 0).reverse().slice(0, n);
        assert.deepEqual(reader.hnext(key, anchor, count).map(entryHex), asHex(after), `${key} hnext ${hex(anchor)}`);
        assert.deepEqual(reader.hprev(key, anchor, count).map(entryHex), asHex(before), `${key} hprev ${hex(anchor)}`);
      }
    }
    assert.deepEqual(o.mirror.hfirst("h:odd", 2), [{ field: "", value: "" }, { field: "__proto__", value: "p" }]);
    for (const key of otherKeys) {
      assert.throws(() => o.mirror.hfirst(key), WrongTypeError);
      assert.throws(() => o.mirror.hprev(key, "a"), WrongTypeError);
    }
    assert.throws(() => o.mirror.hfirst("h:odd", 0.5), VeidrodelisError);
  });

  it("field TTL reads of hashes without field TTLs and of missing keys", () => {
    // the 7.0 primary has no HTTL: a hash without field TTLs answers -1 per field, -2 for absent fields
    const [field] = model.get("h:small:0")![0];
    for (const read of ["httl", "hpttl", "hexpiretime", "hpexpiretime"] as const) {
      assert.deepEqual(o.mirror[read]("h:small:0", field, "no such field"), [-1, -2], read);
      assert.deepEqual(o.mirror[read]("missing:1", "a", "b"), [-2, -2], read);
      assert.throws(() => o.mirror[read]("str", "a"), WrongTypeError);
    }
  });
});

// ---------------------------------------------------------------------------------------------- 2.

describe("hash reads with field TTLs (store data, injected clock)", () => {
  const NOW = 1_700_000_000_000;
  let now = NOW;
  const store = new Store();
  const live = new Reader({ store, now: () => now, showExpired: false }, 0, false);
  const shown = new Reader({ store, now: () => now, showExpired: true }, 0, false);

  function run(...words: (string | number)[]): void {
    const args = words.map((w) => te.encode(String(w)));
    const spec = lookupCommand(args[0]);
    assert.ok(spec, String(words[0]));
    spec.apply({ store, db: 0, now: () => now }, args);
  }

  /** HPEXPIREAT of one field. */
  const expireAt = (key: string, field: string, at: number) => run("HPEXPIREAT", key, at, "FIELDS", 1, field);

  // small (listpack): a no TTL, b +1500 ms, c +10 s, d passed 1 ms ago
  run("HSET", "small", "a", "1", "b", "22", "c", "333", "d", "4444");
  expireAt("small", "b", NOW + 1500);
  expireAt("small", "c", NOW + 10_000);
  expireAt("small", "d", NOW - 1);
  // big (hashtable): 300 fields, every third passed, every third in the future, the rest without TTL
  const bigFields: string[] = [];
  for (let i = 0; i < 300; i++) {
    const field = `f${String(i).padStart(3, "0")}`;
    bigFields.push(field);
    run("HSET", "big", field, `v${i}`);
  }
  bigFields.forEach((field, i) => {
    if (i % 3 === 0) expireAt("big", field, NOW - 1000 - i);
    else if (i % 3 === 1) expireAt("big", field, NOW + 60_000 + i);
  });
  // gone: every field passed
  run("HSET", "gone", "x", "1", "y", "2");
  expireAt("gone", "x", NOW - 5);
  expireAt("gone", "y", NOW - 5);
  run("SET", "str", "v");
  const bigLive = bigFields.filter((_, i) => i % 3 !== 0);

  it("covers both encodings", () => {
    store.find(0, "small");
    assert.equal(store.foundHashEncoding(), "listpack");
    store.find(0, "big");
    assert.equal(store.foundHashEncoding(), "hashtable");
  });

  it("field reads hide fields whose TTL passed; HLEN counts them as Redis's does", () => {
    now = NOW;
    assert.equal(live.hget("small", "a"), "1");
    assert.equal(live.hget("small", "b"), "22");
    assert.equal(live.hget("small", "d"), null);
    assert.deepEqual(live.hmget("small", "a", "b", "c", "d", "e"), ["1", "22", "333", null, null]);
    assert.equal(live.hexists("small", "d"), 0);
    assert.equal(live.hexists("small", "c"), 1);
    assert.equal(live.hstrlen("small", "d"), 0);
    assert.equal(live.hstrlen("small", "c"), 3);
    assert.deepEqual(live.hgetall("small"), { a: "1", b: "22", c: "333" });
    assert.deepEqual(live.hkeys("small"), ["a", "b", "c"]);
    assert.deepEqual(live.hvals("small"), ["1", "22", "333"]);
    assert.equal(live.hlen("small"), 4);
    assert.deepEqual(live.hkeys("big"), bigLive);
    assert.equal(live.hget("big", "f000"), null);
    assert.equal(live.hget("big", "f001"), "v1");
    assert.equal(live.hlen("big"), 300);
    // the clock moves on: b's TTL passes at NOW + 1500 (a TTL equal to the clock counts as passed, as for keys)
    now = NOW + 1499;
    assert.equal(live.hget("small", "b"), "22");
    now = NOW + 1500;
    assert.equal(live.hget("small", "b"), null);
    assert.deepEqual(live.hgetall("small"), { a: "1", c: "333" });
    now = NOW;
  });

  it("a hash whose every field passed reads as empty (HLEN still counts them)", () => {
    now = NOW;
    assert.deepEqual(live.hgetall("gone"), {});
    assert.deepEqual(live.hkeys("gone"), []);
    assert.deepEqual(live.hvals("gone"), []);
    assert.equal(live.hget("gone", "x"), null);
    assert.equal(live.hrandfield("gone"), null);
    assert.deepEqual(live.hrandfield("gone", 3), []);
    assert.deepEqual(live.hrandfield("gone", -3), []);
    assert.deepEqual(live.hscan("gone", 0), { cursor: 0, items: [] });
    assert.deepEqual(live.hfirst("gone", 5), []);
    assert.deepEqual(live.hlast("gone", 5), []);
    assert.deepEqual(live.httl("gone", "x", "y"), [-2, -2]);
    assert.equal(live.hlen("gone"), 2);
    assert.equal(live.type("gone"), "hash");
  });

  it("httl, hpttl, hexpiretime, hpexpiretime per field", () => {
    now = NOW;
    assert.deepEqual(live.httl("small", "a", "b", "c", "d", "e"), [-1, 2, 10, -2, -2]);
    assert.deepEqual(live.hpttl("small", "a", "b", "c", "d", "e"), [-1, 1500, 10_000, -2, -2]);
    assert.deepEqual(
      live.hexpiretime("small", "a", "b", "c", "d"),
      [-1, Math.ceil((NOW + 1500) / 1000), (NOW + 10_000) / 1000, -2],
    );
    assert.deepEqual(live.hpexpiretime("small", "a", "b", "c", "d"), [-1, NOW + 1500, NOW + 10_000, -2]);
    // seconds round up: 1 ms left is 1 s, 1000 ms is 1 s, 1001 ms is 2 s
    for (const [left, seconds] of [[1, 1], [999, 1], [1000, 1], [1001, 2], [1500, 2], [2000, 2]]) {
      now = NOW + 1500 - left;
      assert.deepEqual(live.httl("small", "b"), [seconds], `${left} ms left`);
    }
    now = NOW;
    assert.deepEqual(live.hpttl("big", "f000", "f001", "f002"), [-2, 60_001, -1]);
    assert.deepEqual(live.httl("missing", "a", "b"), [-2, -2]);
    assert.deepEqual(live.asBytes.hpexpiretime(te.encode("small"), te.encode("b")), [NOW + 1500]);
    assert.throws(() => live.httl("str", "a"), WrongTypeError);
    for (const read of ["httl", "hpttl", "hexpiretime", "hpexpiretime"] as const) {
      assert.throws(() => live[read]("small"), {
        code: "ARGUMENT",
        message: "ERR Number of fields must be a positive integer",
      });
      assert.throws(() => live[read]("str"), WrongTypeError); // the type is checked first
    }
  });

  it("hrandfield never picks a field whose TTL passed", () => {
    now = NOW;
    const liveSmall = new Set(["a", "b", "c"]);
    for (let i = 0; i < 200; i++) {
      const one = live.hrandfield("small");
      assert.ok(one !== null && liveSmall.has(one), String(one));
    }
    for (const count of [1, 2, 3, 4, 10, -1, -7, -50]) {
      const fields = live.hrandfield("small", count);
      assert.equal(fields.length, count > 0 ? Math.min(count, 3) : -count, `count ${count}`);
      for (const f of fields) assert.ok(liveSmall.has(f), `count ${count}: ${f}`);
      if (count > 0) assert.equal(new Set(fields).size, fields.length);
    }
    const liveBig = new Set(bigLive);
    for (const count of [1, 5, 150, 199, 200, 201, 300, 1000, -1, -500]) {
      const entries = live.hrandfield("big", count, { withValues: true });
      assert.equal(entries.length, count > 0 ? Math.min(count, 200) : -count, `big count ${count}`);
      for (const { field, value } of entries) {
        assert.ok(liveBig.has(field), field);
        assert.equal(value, `v${Number(field.slice(1))}`);
      }
      if (count > 0) assert.equal(new Set(entries.map((e) => e.field)).size, entries.length);
    }
    for (let i = 0; i < 100; i++) assert.ok(liveBig.has(live.hrandfield("big")!));
    // showing expired data: every field can come
    assert.equal(shown.hrandfield("small", 10).length, 4);
  });

  it("hscan skips fields whose TTL passed", () => {
    now = NOW;
    for (const [key, expected] of [["small", ["a", "b", "c"]], ["big", bigLive]] as const) {
      for (const count of [1, 10, 1000]) {
        const seen = new Set<string>();
        let cursor = 0;
        do {
          const page = live.hscan(key, cursor, { count });
          for (const { field, value } of page.items) {
            seen.add(field);
            assert.equal(value, live.hget(key, field));
          }
          cursor = page.cursor;
        } while (cursor !== 0);
        assert.deepEqual([...seen].sort(), [...expected].sort(), `${key} count ${count}`);
      }
    }
    const names = live.hscan("small", 0, { match: "[a-c]", noValues: true });
    assert.deepEqual(names.items.sort(), ["a", "b", "c"]);
    assert.deepEqual(shown.hscan("small", 0, { noValues: true }).items.sort(), ["a", "b", "c", "d"]);
  });

  it("hfirst, hlast, hnext, hprev skip fields whose TTL passed and still fill `count`", () => {
    now = NOW;
    const entry = (f: string) => ({ field: f, value: `v${Number(f.slice(1))}` });
    assert.deepEqual(live.hfirst("big", 5), bigLive.slice(0, 5).map(entry));
    assert.deepEqual(live.hlast("big", 5), bigLive.slice(-5).reverse().map(entry));
    assert.deepEqual(live.hnext("big", "f000", 4), bigLive.slice(0, 4).map(entry));
    assert.deepEqual(live.hprev("big", "f299", 3), bigLive.filter((f) => f < "f299").reverse().slice(0, 3).map(entry));
    // a whole walk, page by page
    for (const size of [1, 2, 3, 7, 64]) {
      const walked: string[] = [];
      for (let page = live.hfirst("big", size); page.length > 0; page = live.hnext("big", page.at(-1)!.field, size)) {
        assert.ok(page.length === size || walked.length + page.length === bigLive.length, `page of ${size}`);
        walked.push(...page.map((e) => e.field));
      }
      assert.deepEqual(walked, bigLive, `walk by ${size}`);
    }
    assert.deepEqual(live.hfirst("small", 10), [{ field: "a", value: "1" }, { field: "b", value: "22" }, {
      field: "c",
      value: "333",
    }]);
    assert.deepEqual(live.hprev("small", "e", 2), [{ field: "c", value: "333" }, { field: "b", value: "22" }]);
    assert.equal(shown.hfirst("big", 300).length, 300);
  });

  it("a reader showing expired data shows every field", () => {
    now = NOW;
    assert.equal(shown.hget("small", "d"), "4444");
    assert.equal(shown.hexists("small", "d"), 1);
    assert.deepEqual(shown.hgetall("small"), { a: "1", b: "22", c: "333", d: "4444" });
    assert.deepEqual(shown.hkeys("gone"), ["x", "y"]);
    // a passed TTL shown anyway: nothing left, the absolute time as it is
    assert.deepEqual(shown.hpttl("small", "d"), [0]);
    assert.deepEqual(shown.httl("small", "d"), [0]);
    assert.deepEqual(shown.hpexpiretime("small", "d"), [NOW - 1]);
  });
});
