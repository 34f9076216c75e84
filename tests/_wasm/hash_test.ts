// Unit tests of the hash type of the WASM store (assembly/hash*.ts through src/_wasm/store.ts):
// the store API, the packed -> table thresholds (count and byte length), field TTL rules, a seeded
// randomized model test against a JS Map, memory-full behaviour and leak checks.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { type HashEntries, HFE_GT, HFE_LT, HFE_NONE, HFE_NX, HFE_XX, Store, ValueType } from "../../src/_wasm/store.ts";
import { StoreFullError, VeidrodelisError, WrongTypeError } from "../../src/errors.ts";
import { seededRandom } from "../_support/random.ts";

const te = new TextEncoder();
const td = new TextDecoder();
const b = (s: string) => te.encode(s);
const bytes = (...v: number[]) => new Uint8Array(v);

/** Field text -> [value text, ttl] of the hash at key, or null when the key is absent. */
function entries(s: Store, key: string | Uint8Array, db = 0): Array<[string, string, number]> | null {
  if (s.find(db, key) !== ValueType.hash) return null;
  const e = s.foundHashEntries();
  return e.fields.map((f, i) => [td.decode(f), td.decode(e.values[i]), e.expireAts[i]]);
}

function encoding(s: Store, key: string): string | null {
  s.find(0, key);
  return s.foundHashEncoding();
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return a.length - b.length;
}

function assertArgError(fn: () => unknown, message: string) {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof VeidrodelisError);
    assert.equal(e.message, message);
    return true;
  });
}

describe("hash store: basic writes", () => {
  it("hashSet / hashSetIfAbsent / hashDelete / reads", () => {
    const s = new Store();
    assert.equal(s.hashSet(0, b("h"), b("b"), b("2")), true);
    assert.equal(s.hashSet(0, b("h"), b("a"), b("1")), true);
    assert.equal(s.hashSet(0, b("h"), b("a"), b("one")), false);
    assert.equal(s.hashSetIfAbsent(0, b("h"), b("a"), b("nope")), false);
    assert.equal(s.hashSetIfAbsent(0, b("h"), b("c"), b("3")), true);
    assert.equal(s.hashSetIfAbsent(0, b("new"), b("f"), b("v")), true, "HSETNX creates the key");
    assert.deepEqual(entries(s, "h"), [["a", "one", -1], ["b", "2", -1], ["c", "3", -1]]);
    assert.equal(s.find(0, "h"), ValueType.hash);
    assert.equal(s.foundTypeName(), "hash");
    assert.equal(s.foundHashLength(), 3);
    assert.deepEqual(s.foundHashGet("b"), b("2"));
    assert.equal(s.foundHashGet("zz"), null);
    assert.equal(s.foundHashFieldExpireAt("a"), -1);
    assert.equal(s.foundHashFieldExpireAt("zz"), -2);
    assert.equal(s.foundHashEncoding(), "listpack");
    assert.equal(s.hashDelete(0, b("h"), b("zz")), false);
    assert.equal(s.hashDelete(0, b("absent"), b("a")), false);
    assert.equal(s.hashDelete(0, b("h"), b("a")), true);
    assert.equal(s.hashDelete(0, b("h"), b("b")), true);
    assert.equal(s.dbSize(0), 2);
    assert.equal(s.hashDelete(0, b("h"), b("c")), true);
    assert.equal(s.find(0, "h"), ValueType.none, "HDEL of the last field deletes the key");
    assert.equal(s.dbSize(0), 1);
    assert.equal(s.foundHashLength(), 0);
    assert.equal(s.foundHashGet("a"), null);
    assert.deepEqual(s.foundHashEntries(), { fields: [], values: [], expireAts: [] });
    assert.equal(s.foundHashEncoding(), null);
  });

  it("WRONGTYPE on other types; reads of another type are empty", () => {
    const s = new Store();
    s.set(0, b("str"), b("x"), 0, -1);
    for (
      const write of [
        () => s.hashSet(0, b("str"), b("f"), b("v")),
        () => s.hashSetIfAbsent(0, b("str"), b("f"), b("v")),
        () => s.hashDelete(0, b("str"), b("f")),
        () => s.hashIncrBy(0, b("str"), b("f"), b("1")),
        () => s.hashSetFieldExpire(0, b("str"), b("f"), 5, HFE_NONE),
        () => s.hashPersistField(0, b("str"), b("f")),
      ]
    ) {
      assert.throws(
        write,
        (e: unknown) => e instanceof WrongTypeError && e.expected === "hash" && e.actual === "string",
      );
    }
    assert.equal(s.find(0, "str"), ValueType.string);
    assert.equal(s.foundString(), "x");
    assert.equal(s.foundHashLength(), 0);
    assert.equal(s.foundHashGet("f"), null);
    assert.equal(s.foundHashFieldExpireAt("f"), -2);
  });

  it("binary-safe fields and values; entries in byte (memcmp) order", () => {
    const s = new Store();
    const fields = [bytes(0xff), bytes(), bytes(0), bytes(0x61, 0), bytes(0x61), bytes(0x61, 0x62), bytes(0, 0xff, 0)];
    for (const f of fields) s.hashSet(0, bytes(0, 1), f, bytes(...f, 0xfe));
    s.hashSet(0, bytes(0, 1), bytes(), bytes()); // empty field, empty value
    const sorted = [...fields].sort(compareBytes);
    assert.equal(s.find(0, bytes(0, 1)), ValueType.hash);
    const e = s.foundHashEntries();
    assert.deepEqual(e.fields, sorted);
    assert.deepEqual(e.values, sorted.map((f) => f.length === 0 ? bytes() : bytes(...f, 0xfe)));
    assert.deepEqual(s.foundHashGet(bytes(0, 0xff, 0)), bytes(0, 0xff, 0, 0xfe));
    assert.deepEqual(s.foundHashGet(bytes()), bytes());
    assert.equal(s.foundHashGet(bytes(0x61, 0, 0)), null);
  });

  it("hashIncrBy: strict integers, overflow, creation, TTL kept", () => {
    const s = new Store();
    assert.equal(s.hashIncrBy(0, b("h"), b("n"), b("5")), "5");
    assert.equal(s.hashIncrBy(0, b("h"), b("n"), b("-12")), "-7");
    s.hashSet(0, b("h"), b("max"), b("9223372036854775806"));
    assert.equal(s.hashIncrBy(0, b("h"), b("max"), b("1")), "9223372036854775807");
    assertArgError(() => s.hashIncrBy(0, b("h"), b("max"), b("1")), "ERR increment or decrement would overflow");
    s.hashSet(0, b("h"), b("min"), b("-9223372036854775808"));
    assertArgError(() => s.hashIncrBy(0, b("h"), b("min"), b("-1")), "ERR increment or decrement would overflow");
    assert.equal(s.hashIncrBy(0, b("h"), b("min"), b("9223372036854775807")), "-1");
    for (const bad of ["1.5", " 1", "+1", "01", "", "-0", "9223372036854775808", "x"]) {
      assertArgError(() => s.hashIncrBy(0, b("h"), b("n"), b(bad)), "ERR value is not an integer or out of range");
    }
    for (const stored of ["1.0", " 2", "abc", "", "007", "-0", "99999999999999999999"]) {
      s.hashSet(0, b("h"), b("s"), b(stored));
      assertArgError(() => s.hashIncrBy(0, b("h"), b("s"), b("1")), "ERR hash value is not an integer");
    }
    s.hashSetFieldExpire(0, b("h"), b("n"), 123456, HFE_NONE);
    assert.equal(s.hashIncrBy(0, b("h"), b("n"), b("7")), "0");
    s.find(0, "h");
    assert.equal(s.foundHashFieldExpireAt("n"), 123456, "HINCRBY keeps the field TTL (HASH_SET_KEEP_TTL)");
    assert.deepEqual(s.foundHashGet("n"), b("0"));
  });

  it("COPY clones, RENAME and MOVE carry the structure, DEL / FLUSHDB free it", () => {
    for (const n of [3, 300]) {
      const s = new Store();
      for (let i = 0; i < n; i++) s.hashSet(0, b("h"), b(`f${i}`), b(`v${i}`));
      s.hashSetFieldExpire(0, b("h"), b("f1"), 777, HFE_NONE);
      assert.equal(s.copy(0, b("h"), 1, b("c"), false), true);
      s.hashSet(0, b("h"), b("f0"), b("changed"));
      s.hashDelete(0, b("h"), b("f2"));
      const copy = entries(s, "c", 1)!;
      assert.equal(copy.length, n);
      assert.deepEqual(copy.find(([f]) => f === "f0"), ["f0", "v0", -1]);
      assert.deepEqual(copy.find(([f]) => f === "f1"), ["f1", "v1", 777]);
      assert.ok(copy.find(([f]) => f === "f2"));
      assert.equal(s.rename(1, b("c"), b("r"), false), 1);
      assert.equal(entries(s, "r", 1)!.length, n);
      assert.equal(s.move(1, b("r"), 2), true);
      assert.equal(entries(s, "r", 2)!.length, n);
      assert.equal(s.del(2, b("r")), true);
      s.flushDb(0);
      assert.equal(s.dbSize(0), 0);
    }
  });
});

describe("hash store: thresholds (hash-max-listpack-entries 128, hash-max-listpack-value 64)", () => {
  it("by count: 128 fields stay packed, the 129th converts; never back", () => {
    const s = new Store();
    for (let i = 0; i < 128; i++) s.hashSet(0, b("h"), b(`f${String(i).padStart(3, "0")}`), b(`v${i}`));
    assert.equal(encoding(s, "h"), "listpack");
    s.hashSet(0, b("h"), b("f000"), b("updated")); // an update does not count
    assert.equal(encoding(s, "h"), "listpack");
    assert.equal(s.hashSetIfAbsent(0, b("h"), b("f001"), b("x")), false);
    assert.equal(encoding(s, "h"), "listpack");
    s.hashSetFieldExpire(0, b("h"), b("f005"), 5005, HFE_NONE);
    s.hashSet(0, b("h"), b("f128"), b("v128"));
    assert.equal(encoding(s, "h"), "hashtable");
    const e = entries(s, "h")!;
    assert.equal(e.length, 129);
    assert.deepEqual(e[0], ["f000", "updated", -1]);
    assert.deepEqual(e[5], ["f005", "v5", 5005], "field TTLs survive the conversion");
    assert.deepEqual(e[128], ["f128", "v128", -1]);
    for (let i = 0; i < 120; i++) s.hashDelete(0, b("h"), b(`f${String(i).padStart(3, "0")}`));
    assert.equal(encoding(s, "h"), "hashtable", "Redis never converts back");
    assert.equal(entries(s, "h")!.length, 9);
  });

  it("by length: a 64-byte field or value stays packed, 65 bytes converts (insert or update)", () => {
    const s = new Store();
    s.hashSet(0, b("h"), b("f".repeat(64)), b("v".repeat(64)));
    assert.equal(encoding(s, "h"), "listpack");
    s.hashSet(0, b("h"), b("g".repeat(65)), b("x"));
    assert.equal(encoding(s, "h"), "hashtable");

    s.hashSet(0, b("v"), b("a"), b("1"));
    s.hashSetFieldExpire(0, b("v"), b("a"), 99, HFE_NONE);
    s.hashSet(0, b("v"), b("a"), b("x".repeat(65)), true);
    assert.equal(encoding(s, "v"), "hashtable");
    assert.deepEqual(entries(s, "v"), [["a", "x".repeat(65), 99]]);

    s.hashSet(0, b("new"), b("k"), b("y".repeat(65)));
    assert.equal(encoding(s, "new"), "hashtable", "created directly as a table");
    s.hashSet(0, b("new2"), b("z".repeat(65)), b(""));
    assert.equal(encoding(s, "new2"), "hashtable");
    assert.equal(s.hashIncrBy(0, b("new3"), b("n"), b("1")), "1");
    assert.equal(encoding(s, "new3"), "listpack");
  });

  it("large values and TTL changes across allocator size classes in both representations", () => {
    const s = new Store();
    for (const key of ["p", "t"]) {
      if (key === "t") s.hashSet(0, b(key), b("big".repeat(30)), b("x"));
      for (const len of [0, 1, 7, 8, 9, 63, 64, 2030, 2041, 2048, 2100, 5000, 70000]) {
        const value = "v".repeat(len);
        s.hashSet(0, b(key), b("f"), b(value));
        s.hashSetFieldExpire(0, b(key), b("f"), 1000 + len, HFE_NONE);
        s.find(0, key);
        assert.equal(s.foundHashFieldExpireAt("f"), 1000 + len);
        assert.equal(td.decode(s.foundHashGet("f")!), value);
        assert.equal(s.hashPersistField(0, b(key), b("f")), 1);
        s.find(0, key);
        assert.equal(s.foundHashFieldExpireAt("f"), -1);
        assert.equal(td.decode(s.foundHashGet("f")!), value);
        s.hashSetFieldExpire(0, b(key), b("f"), 5, HFE_NONE);
        s.hashSet(0, b(key), b("f"), b(value + "!"), true);
        s.find(0, key);
        assert.equal(s.foundHashFieldExpireAt("f"), 5);
        assert.equal(td.decode(s.foundHashGet("f")!), value + "!");
      }
    }
  });
});

describe("hash store: field TTL rules (t_hash.c hashTypeSetExpiryListpack / hashTypeSetExpiryHT)", () => {
  // Result codes: -2 no field, 0 condition not met, 1 set, 2 deleted.
  // Without a TTL the field counts as infinite: NX and LT pass, XX and GT fail.
  const cases: Array<[string, number, number, number, number]> = [
    // [label, existing TTL (-1 none), condition, new time, expected code]
    ["none/no-ttl", -1, HFE_NONE, 500, 1],
    ["NX/no-ttl", -1, HFE_NX, 500, 1],
    ["XX/no-ttl", -1, HFE_XX, 500, 0],
    ["GT/no-ttl", -1, HFE_GT, 500, 0],
    ["LT/no-ttl", -1, HFE_LT, 500, 1],
    ["none/ttl", 1000, HFE_NONE, 500, 1],
    ["NX/ttl", 1000, HFE_NX, 500, 0],
    ["XX/ttl", 1000, HFE_XX, 500, 1],
    ["GT/ttl smaller", 1000, HFE_GT, 500, 0],
    ["GT/ttl equal", 1000, HFE_GT, 1000, 0],
    ["GT/ttl larger", 1000, HFE_GT, 1500, 1],
    ["LT/ttl smaller", 1000, HFE_LT, 500, 1],
    ["LT/ttl equal", 1000, HFE_LT, 1000, 0],
    ["LT/ttl larger", 1000, HFE_LT, 1500, 0],
  ];
  for (const big of [false, true]) {
    it(`NX/XX/GT/LT (${big ? "table" : "packed"})`, () => {
      for (const [label, prev, cond, at, expected] of cases) {
        const s = new Store();
        s.hashSet(0, b("h"), b("f"), b("v"));
        if (big) { for (let i = 0; i < 200; i++) s.hashSet(0, b("h"), b(`x${i}`), b("y")); }
        if (prev >= 0) s.hashSetFieldExpire(0, b("h"), b("f"), prev, HFE_NONE);
        assert.equal(s.hashSetFieldExpire(0, b("h"), b("f"), at, cond), expected, label);
        s.find(0, "h");
        assert.equal(s.foundHashFieldExpireAt("f"), expected === 1 ? at : prev, label);
        assert.equal(s.foundHashEncoding(), big ? "hashtable" : "listpack");
      }
    });
  }

  it("no field / no key: -2; a replica stores passed TTLs; a primary clock deletes (code 2)", () => {
    const s = new Store();
    assert.equal(s.hashSetFieldExpire(0, b("absent"), b("f"), 5, HFE_NONE), -2);
    assert.equal(s.find(0, "absent"), ValueType.none);
    s.hashSet(0, b("h"), b("f"), b("v"));
    s.hashSet(0, b("h"), b("g"), b("w"));
    assert.equal(s.hashSetFieldExpire(0, b("h"), b("zz"), 5, HFE_NONE), -2);
    assert.equal(s.hashSetFieldExpire(0, b("h"), b("f"), 5, HFE_NONE), 1, "replica: stored though long past");
    assert.deepEqual(entries(s, "h"), [["f", "v", 5], ["g", "w", -1]]);
    assert.equal(s.hashSetFieldExpire(0, b("h"), b("g"), 100, HFE_NONE, 99), 1, "future for that clock");
    assert.equal(s.hashSetFieldExpire(0, b("h"), b("g"), 100, HFE_NX, 200), 0, "the condition comes first");
    assert.equal(s.hashSetFieldExpire(0, b("h"), b("g"), 100, HFE_NONE, 100), 2, "at <= now deletes");
    assert.deepEqual(entries(s, "h"), [["f", "v", 5]]);
    assert.equal(s.hashSetFieldExpire(0, b("h"), b("f"), 0, HFE_NONE, 1), 2);
    assert.equal(s.find(0, "h"), ValueType.none, "the last field took the key with it");
    assertArgError(() => s.hashSetFieldExpire(0, b("h"), b("f"), -1, HFE_NONE), "ERR invalid expire time");
  });

  it("HSET drops the TTL unless keepTtl; HSETNX leaves it; HPERSIST codes", () => {
    for (const big of [false, true]) {
      const s = new Store();
      if (big) { for (let i = 0; i < 200; i++) s.hashSet(0, b("h"), b(`x${i}`), b("y")); }
      s.hashSet(0, b("h"), b("f"), b("v"));
      assert.equal(s.hashPersistField(0, b("h"), b("f")), -1);
      assert.equal(s.hashPersistField(0, b("h"), b("zz")), -2);
      assert.equal(s.hashPersistField(0, b("absent"), b("f")), -2);
      s.hashSetFieldExpire(0, b("h"), b("f"), 1000, HFE_NONE);
      s.hashSet(0, b("h"), b("f"), b("v2"), true);
      s.find(0, "h");
      assert.equal(s.foundHashFieldExpireAt("f"), 1000);
      assert.equal(s.hashSetIfAbsent(0, b("h"), b("f"), b("v3")), false);
      s.find(0, "h");
      assert.equal(s.foundHashFieldExpireAt("f"), 1000);
      s.hashSet(0, b("h"), b("f"), b("v4"));
      s.find(0, "h");
      assert.equal(s.foundHashFieldExpireAt("f"), -1, "HSET drops the field TTL");
      s.hashSetFieldExpire(0, b("h"), b("f"), 2000, HFE_NONE);
      assert.equal(s.hashPersistField(0, b("h"), b("f")), 1);
      assert.equal(s.hashPersistField(0, b("h"), b("f")), -1);
      s.find(0, "h");
      assert.equal(s.foundHashFieldExpireAt("f"), -1);
      assert.deepEqual(s.foundHashGet("f"), b("v4"));
    }
  });
});

describe("hash store: randomized model test", () => {
  type Model = Map<string, Map<string, { field: Uint8Array; value: Uint8Array; ttl: number }>>;
  const hex = (u: Uint8Array) => Array.from(u, (x) => x.toString(16).padStart(2, "0")).join("");

  function randomBytes(rnd: () => number, len: number): Uint8Array {
    const u = new Uint8Array(len);
    for (let i = 0; i < len; i++) u[i] = rnd() < 0.8 ? 97 + Math.floor(rnd() * 4) : Math.floor(rnd() * 256);
    return u;
  }

  function check(s: Store, model: Model, keys: string[], seen: Record<string, number>) {
    for (const key of keys) {
      const m = model.get(key);
      if (!m || m.size === 0) {
        assert.equal(s.find(0, key), ValueType.none, key);
        continue;
      }
      assert.equal(s.find(0, key), ValueType.hash, key);
      assert.equal(s.foundHashLength(), m.size);
      const want = [...m.values()].sort((x, y) => compareBytes(x.field, y.field));
      const got: HashEntries = s.foundHashEntries();
      assert.deepEqual(got.fields, want.map((x) => x.field));
      assert.deepEqual(got.values, want.map((x) => x.value));
      assert.deepEqual(got.expireAts, want.map((x) => x.ttl));
      const probe = want[Math.floor(want.length / 2)];
      assert.deepEqual(s.foundHashGet(probe.field), probe.value);
      assert.equal(s.foundHashFieldExpireAt(probe.field), probe.ttl);
      const big = m.size > 128 || want.some((x) => x.field.length > 64 || x.value.length > 64);
      if (big) assert.equal(s.foundHashEncoding(), "hashtable");
      if (key === "k2") assert.equal(s.foundHashEncoding(), "listpack");
      seen[s.foundHashEncoding()!]++;
    }
  }

  for (const seed of [1, 2, 3]) {
    it(`seed ${seed}: 6000 random ops match a JS Map`, () => {
      const rnd = seededRandom(seed);
      const s = new Store();
      const model: Model = new Map();
      const keys = ["k0", "k1", "k2"];
      const pool: Uint8Array[] = [];
      for (let i = 0; i < 220; i++) {
        // the first 40 fields (all key k2 uses) are short: k2 stays packed
        const len = i >= 40 && rnd() < 0.05 ? 65 + Math.floor(rnd() * 40) : Math.floor(rnd() * 12);
        pool.push(randomBytes(rnd, len));
      }
      const seen = { listpack: 0, hashtable: 0 };
      const ints = ["0", "1", "-1", "42", "9223372036854775807", "-9223372036854775808", "12a", "1.5", ""];
      for (let op = 0; op < 6000; op++) {
        const key = keys[Math.floor(rnd() * keys.length)];
        // key k2 only ever uses the first 40 fields: it stays small more often
        const field = pool[Math.floor(rnd() * (key === "k2" ? 40 : pool.length))];
        const fk = hex(field);
        let m = model.get(key);
        if (!m) model.set(key, m = new Map());
        const r = rnd();
        if (r < 0.35) {
          const vlen = key !== "k2" && rnd() < 0.05 ? 65 + Math.floor(rnd() * 3000) : Math.floor(rnd() * 20);
          const value = rnd() < 0.2 ? b(ints[Math.floor(rnd() * ints.length)]) : randomBytes(rnd, vlen);
          const keep = rnd() < 0.3;
          const old = m.get(fk);
          assert.equal(s.hashSet(0, b(key), field, value, keep), old === undefined);
          m.set(fk, { field, value, ttl: keep && old ? old.ttl : -1 });
        } else if (r < 0.45) {
          const value = randomBytes(rnd, Math.floor(rnd() * 8));
          const had = m.has(fk);
          assert.equal(s.hashSetIfAbsent(0, b(key), field, value), !had);
          if (!had) m.set(fk, { field, value, ttl: -1 });
        } else if (r < 0.65) {
          assert.equal(s.hashDelete(0, b(key), field), m.delete(fk));
        } else if (r < 0.75) {
          const delta = ["1", "-3", "1000", "9223372036854775807", "-9223372036854775808"][Math.floor(rnd() * 5)];
          const old = m.get(fk);
          let expected: bigint | string;
          if (old && !/^(0|-?[1-9]\d{0,19})$/.test(td.decode(old.value))) expected = "ERR hash value is not an integer";
          else {
            const cur = old ? BigInt(td.decode(old.value)) : 0n;
            if (cur > 9223372036854775807n || cur < -9223372036854775808n) {
              expected = "ERR hash value is not an integer";
            } else {
              const sum = cur + BigInt(delta);
              expected = sum > 9223372036854775807n || sum < -9223372036854775808n
                ? "ERR increment or decrement would overflow"
                : sum;
            }
          }
          if (typeof expected === "string") {
            assertArgError(() => s.hashIncrBy(0, b(key), field, b(delta)), expected);
          } else {
            assert.equal(s.hashIncrBy(0, b(key), field, b(delta)), String(expected));
            m.set(fk, { field, value: b(String(expected)), ttl: old ? old.ttl : -1 });
          }
        } else if (r < 0.92) {
          const cond = Math.floor(rnd() * 5);
          const at = 1000 + Math.floor(rnd() * 1000);
          const now = rnd() < 0.1 ? 1200 : -1;
          const old = m.get(fk);
          let expected: number;
          if (!old) expected = -2;
          else {
            const prev = old.ttl;
            const holds = prev < 0
              ? cond !== HFE_XX && cond !== HFE_GT
              : cond === HFE_NONE || cond === HFE_XX || (cond === HFE_GT && at > prev) ||
                (cond === HFE_LT && at < prev);
            expected = !holds ? 0 : now >= 0 && at <= now ? 2 : 1;
          }
          assert.equal(s.hashSetFieldExpire(0, b(key), field, at, cond, now), expected);
          if (expected === 1) old!.ttl = at;
          if (expected === 2) m.delete(fk);
        } else {
          const old = m.get(fk);
          const expected = !old ? -2 : old.ttl < 0 ? -1 : 1;
          assert.equal(s.hashPersistField(0, b(key), field), expected);
          if (old) old.ttl = -1;
        }
        if (op % 250 === 0) check(s, model, keys, seen);
      }
      check(s, model, keys, seen);
      assert.ok(seen.listpack > 10 && seen.hashtable > 10, JSON.stringify(seen));
      // empty everything: every key disappears with its last field
      for (const key of keys) for (const x of model.get(key)!.values()) s.hashDelete(0, b(key), x.field);
      assert.equal(s.dbSize(0), 0);
    });
  }
});

describe("hash store: memory", () => {
  function cycle(s: Store, n: number) {
    for (let i = 0; i < n; i++) s.hashSet(0, b("h"), b(`field-${i}`), b(i % 7 === 0 ? "x".repeat(100) : `v${i}`));
    for (let i = 0; i < n; i += 3) s.hashSetFieldExpire(0, b("h"), b(`field-${i}`), 10 + i, HFE_NONE);
    for (let i = 0; i < n; i += 6) s.hashPersistField(0, b("h"), b(`field-${i}`));
    s.copy(0, b("h"), 0, b("copy"), true);
    s.find(0, "copy");
    s.foundHashEntries();
    s.hashIncrBy(0, b("h"), b("counter"), b("5"));
    for (let i = 0; i < n; i++) s.hashDelete(0, b("h"), b(`field-${i}`));
    s.hashDelete(0, b("h"), b("counter"));
    s.del(0, b("copy"));
  }

  it("build/destroy cycles leak nothing (packed and table)", () => {
    for (const n of [5, 128, 129, 1000]) {
      const s = new Store();
      cycle(s, n); // warms scratch and output buffers
      const used = s.usedBytes();
      for (let i = 0; i < 3; i++) cycle(s, n);
      assert.equal(s.usedBytes(), used, `n=${n}`);
      assert.equal(s.dbSize(0), 0);
    }
  });

  it("StoreFullError leaves the hash as it was", () => {
    const s = new Store({ maxMemoryBytes: 2 << 20 });
    const model = new Map<string, string>();
    let full = false;
    for (let i = 0; i < 100000 && !full; i++) {
      const f = `f${i}`;
      const v = i % 3 === 0 ? "y".repeat(40) : "z".repeat(300 + (i % 50));
      try {
        s.hashSet(0, b("h"), b(f), b(v));
        model.set(f, v);
        if (i % 5 === 0) s.hashSetFieldExpire(0, b("h"), b(f), 1, HFE_NONE);
      } catch (e) {
        assert.ok(e instanceof StoreFullError, String(e));
        full = true;
      }
    }
    assert.ok(full, "the cap was reached");
    assert.equal(s.find(0, "h"), ValueType.hash);
    assert.equal(s.foundHashLength(), model.size);
    for (const f of [...model.keys()].slice(0, 50)) assert.equal(td.decode(s.foundHashGet(f)!), model.get(f));
    // deleting frees room again
    for (const f of [...model.keys()].slice(0, 100)) s.hashDelete(0, b("h"), b(f));
    s.hashSet(0, b("h"), b("again"), b("ok"));
    s.find(0, "h");
    assert.deepEqual(s.foundHashGet("again"), b("ok"));
  });
});
