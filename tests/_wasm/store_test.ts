// Unit tests of the WASM store (src/_wasm/store.ts). Runs under
// `deno test -A`, `bun test` and `node --import tsx --test --test-force-exit`.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { SET_KEEPTTL, SET_NX, SET_XX, Store, ValueType } from "../../src/_wasm/store.ts";
import { StoreFullError, VeidrodelisError, WrongTypeError } from "../../src/errors.ts";

const te = new TextEncoder();
const b = (s: string) => te.encode(s);

function get(s: Store, db: number, key: string | Uint8Array): string | null {
  return s.find(db, key) === ValueType.string ? s.foundString() : null;
}

function assertArgError(fn: () => unknown, message: string) {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof VeidrodelisError);
    assert.equal(e.code, "ARGUMENT");
    assert.equal(e.message, message);
    return true;
  });
}

function allKeys(s: Store, db: number, count = 10): string[] {
  const out: string[] = [];
  let cursor = 0;
  const dec = new TextDecoder();
  do {
    const r = s.scan(db, cursor, count);
    for (const k of r.keys) out.push(dec.decode(k));
    cursor = r.cursor;
  } while (cursor !== 0);
  return out;
}

describe("store: strings", () => {
  it("set / find / foundString / foundBytes / strlen", () => {
    const s = new Store();
    assert.equal(s.find(0, "k"), ValueType.none);
    assert.equal(s.set(0, b("k"), b("hello"), 0, -1), true);
    assert.equal(s.find(0, "k"), ValueType.string);
    assert.equal(s.foundString(), "hello");
    assert.deepEqual(s.foundBytes(), b("hello"));
    assert.equal(s.foundStrlen(), 5);
    assert.equal(s.foundExpireAt, -1);
    assert.equal(s.foundTypeName(), "string");
    assert.equal(s.find(0, b("k")), ValueType.string);
    assert.equal(s.dbSize(0), 1);
    s.set(0, b("k"), b("a much longer value than before, crossing classes ".repeat(3)), 0, -1);
    assert.equal(get(s, 0, "k"), "a much longer value than before, crossing classes ".repeat(3));
    s.set(0, b("k"), b("x"), 0, -1);
    assert.equal(get(s, 0, "k"), "x");
    assert.equal(s.dbSize(0), 1);
  });

  it("unicode keys and values, invalid UTF-8 decodes to U+FFFD", () => {
    const s = new Store();
    s.set(0, b("ključ€😀"), b("vertė😀"), 0, -1);
    assert.equal(get(s, 0, "ključ€😀"), "vertė😀");
    s.set(0, b("bad"), new Uint8Array([0x61, 0xff, 0x62]), 0, -1);
    assert.equal(get(s, 0, "bad"), "a\ufffdb");
    const long = "ž".repeat(100);
    s.set(0, b("long"), b(long), 0, -1);
    assert.equal(get(s, 0, "long"), long);
  });

  it("binary keys with NUL/0xFF bytes and empty keys/values", () => {
    const s = new Store();
    const k1 = new Uint8Array([0, 0xff, 0, 1]);
    const k2 = new Uint8Array([0, 0xff, 0, 2]);
    const k3 = new Uint8Array([0, 0xff, 0]);
    s.set(0, k1, new Uint8Array([0xff, 0, 0xfe]), 0, -1);
    s.set(0, k2, b("two"), 0, -1);
    s.set(0, k3, b("three"), 0, -1);
    s.set(0, new Uint8Array(0), new Uint8Array(0), 0, -1);
    assert.equal(s.find(0, k1), ValueType.string);
    assert.deepEqual(s.foundBytes(), new Uint8Array([0xff, 0, 0xfe]));
    assert.equal(get(s, 0, k2), "two");
    assert.equal(get(s, 0, k3), "three");
    assert.equal(s.find(0, ""), ValueType.string);
    assert.equal(s.foundStrlen(), 0);
    assert.equal(s.foundString(), "");
    assert.equal(s.dbSize(0), 4);
    assert.equal(s.del(0, new Uint8Array(0)), true);
    assert.equal(s.find(0, ""), ValueType.none);
    const keys = s.scan(0, 0, 100).keys.map((k) => Array.from(k).join(","));
    assert.deepEqual(keys.sort(), ["0,255,0", "0,255,0,1", "0,255,0,2"]);
  });

  it("SET NX / XX / KEEPTTL / expire", () => {
    const s = new Store();
    assert.equal(s.set(0, b("k"), b("1"), SET_XX, -1), false);
    assert.equal(s.find(0, "k"), ValueType.none);
    assert.equal(s.set(0, b("k"), b("1"), SET_NX, 5000), true);
    assert.equal(s.set(0, b("k"), b("2"), SET_NX, -1), false);
    assert.equal(get(s, 0, "k"), "1");
    assert.equal(s.foundExpireAt, 5000);
    assert.equal(s.set(0, b("k"), b("3"), SET_XX | SET_KEEPTTL, -1), true);
    assert.equal(get(s, 0, "k"), "3");
    assert.equal(s.foundExpireAt, 5000);
    assert.equal(s.set(0, b("k"), b("4"), 0, -1), true, "plain SET removes the TTL");
    s.find(0, "k");
    assert.equal(s.foundExpireAt, -1);
    s.set(0, b("k"), b("5"), 0, 1_700_000_000_123);
    s.find(0, "k");
    assert.equal(s.foundExpireAt, 1_700_000_000_123);
    s.set(0, b("k"), b("6"), 0, 1_800_000_000_000);
    s.find(0, "k");
    assert.equal(s.foundExpireAt, 1_800_000_000_000);
  });

  it("SET overwrites keys of any type", () => {
    const s = new Store();
    s.setPlaceholder(0, b("k"), b("stream"), 1234);
    assert.equal(s.find(0, "k"), ValueType.other);
    assert.equal(s.foundTypeName(), "stream");
    assert.equal(s.foundExpireAt, 1234);
    s.set(0, b("k"), b("v"), 0, -1);
    assert.equal(s.find(0, "k"), ValueType.string);
    assert.equal(s.foundExpireAt, -1);
    assert.equal(s.set(0, b("p"), b("v"), 0, -1), true);
    s.setPlaceholder(0, b("p"), b("MBbloom--"), -1);
    assert.equal(s.find(0, "p"), ValueType.other);
    assert.equal(s.foundTypeName(), "MBbloom--");
  });

  it("APPEND", () => {
    const s = new Store();
    assert.equal(s.append(0, b("k"), b("ab")), 2);
    assert.equal(s.append(0, b("k"), b("cd")), 4);
    assert.equal(s.append(0, b("k"), b("")), 4);
    assert.equal(get(s, 0, "k"), "abcd");
    s.setExpire(0, b("k"), 99);
    let expect = "abcd";
    for (let i = 0; i < 300; i++) {
      const piece = `-${i}-`.repeat(i % 7);
      expect += piece;
      assert.equal(s.append(0, b("k"), b(piece)), expect.length);
    }
    assert.equal(get(s, 0, "k"), expect);
    assert.equal(s.foundExpireAt, 99, "APPEND keeps the TTL");
    s.setPlaceholder(0, b("ph"), b("stream"), -1);
    assert.throws(() => s.append(0, b("ph"), b("x")), (e: unknown) => {
      assert.ok(e instanceof WrongTypeError);
      assert.equal(e.code, "WRONGTYPE");
      assert.equal(e.actual, "stream");
      return true;
    });
    assert.equal(s.append(0, b("empty"), b("")), 0);
    assert.equal(s.find(0, "empty"), ValueType.string, "APPEND of nothing still creates the key");
  });

  it("SETRANGE with zero padding and limits", () => {
    const s = new Store();
    assert.equal(s.setRange(0, b("k"), 5, b("")), 0);
    assert.equal(s.find(0, "k"), ValueType.none, "empty value on absent key creates nothing");
    assert.equal(s.setRange(0, b("k"), 3, b("abc")), 6);
    assert.equal(s.find(0, "k"), ValueType.string);
    assert.deepEqual(s.foundBytes(), new Uint8Array([0, 0, 0, 97, 98, 99]));
    assert.equal(s.setRange(0, b("k"), 1, b("X")), 6);
    assert.deepEqual(s.find(0, "k") && s.foundBytes(), new Uint8Array([0, 88, 0, 97, 98, 99]));
    assert.equal(s.setRange(0, b("k"), 10, b("Z")), 11);
    assert.deepEqual(s.find(0, "k") && s.foundBytes(), new Uint8Array([0, 88, 0, 97, 98, 99, 0, 0, 0, 0, 90]));
    assert.equal(s.setRange(0, b("k"), 100, b("")), 11, "empty value answers the length");
    assert.equal(s.setRange(0, b("big"), 3000, b("q")), 3001);
    s.find(0, "big");
    const v = s.foundBytes();
    assert.equal(v.length, 3001);
    assert.ok(v.subarray(0, 3000).every((x) => x === 0));
    assertArgError(() => s.setRange(0, b("k"), -1, b("x")), "ERR offset is out of range");
    assertArgError(
      () => s.setRange(0, b("k"), 512 * 1024 * 1024, b("x")),
      "ERR string exceeds maximum allowed size (proto-max-bulk-len)",
    );
    assert.equal(s.setRange(0, b("k"), 512 * 1024 * 1024, b("")), 11);
    s.setPlaceholder(0, b("ph"), b("stream"), -1);
    assert.throws(() => s.setRange(0, b("ph"), 0, b("x")), WrongTypeError);
  });

  it("GETRANGE index rules", () => {
    const s = new Store();
    s.set(0, b("k"), b("This is a string"), 0, -1);
    s.find(0, "k");
    const r = (a: number, z: number) => new TextDecoder().decode(s.foundRange(a, z));
    assert.equal(r(0, 3), "This");
    assert.equal(r(-3, -1), "ing");
    assert.equal(r(0, -1), "This is a string");
    assert.equal(r(10, 100), "string");
    assert.equal(r(-1, -3), "");
    assert.equal(r(5, 3), "");
    assert.equal(r(-100, 2), "Thi");
    assert.equal(r(-100, -100), "T");
    assert.equal(r(100, 200), "");
    s.set(0, b("e"), b(""), 0, -1);
    s.find(0, "e");
    assert.equal(r(0, -1), "");
  });

  it("INCRBY / DECRBY edge cases", () => {
    const s = new Store();
    s.incrBy(0, b("n"), b("1"), false);
    assert.equal(get(s, 0, "n"), "1");
    s.incrBy(0, b("n"), b("41"), false);
    assert.equal(get(s, 0, "n"), "42");
    assert.equal(s.lastIncrResult(), "42");
    s.incrBy(0, b("n"), b("50"), true);
    assert.equal(get(s, 0, "n"), "-8");
    s.incrBy(0, b("n"), b("-2"), true);
    assert.equal(get(s, 0, "n"), "-6");
    s.incrBy(0, b("n"), b("0"), false);
    assert.equal(get(s, 0, "n"), "-6");

    const notInt = "ERR value is not an integer or out of range";
    for (const bad of ["007", "+1", " 1", "1 ", "", "-", "-0", "1.5", "abc", "9223372036854775808", "0x1"]) {
      assertArgError(() => s.incrBy(0, b("n"), b(bad), false), notInt);
    }
    for (const bad of ["007", "+1", " 1", "", "1e3", "99999999999999999999"]) {
      s.set(0, b("v"), b(bad), 0, -1);
      assertArgError(() => s.incrBy(0, b("v"), b("1"), false), notInt);
      assert.equal(get(s, 0, "v"), bad, "value untouched");
    }
    s.set(0, b("m"), b("9223372036854775807"), 0, -1);
    assertArgError(() => s.incrBy(0, b("m"), b("1"), false), "ERR increment or decrement would overflow");
    s.incrBy(0, b("m"), b("-9223372036854775807"), false);
    assert.equal(get(s, 0, "m"), "0");
    s.set(0, b("m"), b("-9223372036854775808"), 0, -1);
    assertArgError(() => s.incrBy(0, b("m"), b("1"), true), "ERR increment or decrement would overflow");
    s.incrBy(0, b("m"), b("9223372036854775807"), false);
    assert.equal(get(s, 0, "m"), "-1");
    assertArgError(() => s.incrBy(0, b("m"), b("-9223372036854775808"), true), "ERR decrement would overflow");
    assertArgError(
      () => s.incrBy(0, b("m"), b("-9223372036854775808"), false),
      "ERR increment or decrement would overflow",
    );
    s.incrBy(0, b("m"), b("1"), false);
    s.incrBy(0, b("m"), b("-9223372036854775808"), false);
    assert.equal(get(s, 0, "m"), "-9223372036854775808");
    // a type error beats a value error, a delta error beats a type error
    s.setPlaceholder(0, b("ph"), b("list"), 7);
    assert.throws(() => s.incrBy(0, b("ph"), b("1"), false), WrongTypeError);
    assertArgError(() => s.incrBy(0, b("ph"), b("x"), false), notInt);
    // TTL survives INCR
    s.set(0, b("t"), b("10"), 0, 5555);
    s.incrBy(0, b("t"), b("5"), false);
    assert.equal(get(s, 0, "t"), "15");
    assert.equal(s.foundExpireAt, 5555);
  });
});

describe("store: keys", () => {
  it("del / exists / dbsize", () => {
    const s = new Store();
    assert.equal(s.del(0, b("k")), false);
    s.set(0, b("k"), b("v"), 0, -1);
    assert.equal(s.del(0, b("k")), true);
    assert.equal(s.del(0, b("k")), false);
    assert.equal(s.dbSize(0), 0);
  });

  it("setExpire / persist (in place and reallocating)", () => {
    const s = new Store();
    for (const len of [1, 3, 40, 2030, 2040, 5000]) {
      const k = b(`k${len}`);
      const v = "v".repeat(len);
      s.set(0, k, b(v), 0, -1);
      assert.equal(s.persist(0, k), false);
      assert.equal(s.setExpire(0, k, 1000 + len), true);
      assert.equal(get(s, 0, k), v);
      assert.equal(s.foundExpireAt, 1000 + len);
      assert.equal(s.setExpire(0, k, 2000 + len), true);
      assert.equal(get(s, 0, k), v);
      assert.equal(s.foundExpireAt, 2000 + len);
      assert.equal(s.persist(0, k), true);
      assert.equal(get(s, 0, k), v);
      assert.equal(s.foundExpireAt, -1);
    }
    assert.equal(s.setExpire(0, b("absent"), 5), false);
    assert.equal(s.persist(0, b("absent")), false);
  });

  it("rename carries the TTL; NX; same key; missing key", () => {
    const s = new Store();
    s.set(0, b("a"), b("va"), 0, 777);
    assert.equal(s.rename(0, b("a"), b("b"), false), 1);
    assert.equal(s.find(0, "a"), ValueType.none);
    assert.equal(get(s, 0, "b"), "va");
    assert.equal(s.foundExpireAt, 777);
    assert.equal(s.rename(0, b("zz"), b("b"), false), -1);
    s.set(0, b("c"), b("vc"), 0, -1);
    assert.equal(s.rename(0, b("b"), b("c"), true), 0);
    assert.equal(get(s, 0, "c"), "vc");
    assert.equal(s.rename(0, b("b"), b("c"), false), 1);
    assert.equal(get(s, 0, "c"), "va");
    assert.equal(s.foundExpireAt, 777);
    assert.equal(s.dbSize(0), 1);
    assert.equal(s.rename(0, b("c"), b("c"), false), 1);
    assert.equal(s.rename(0, b("c"), b("c"), true), 0);
    assert.equal(get(s, 0, "c"), "va");
    s.setPlaceholder(0, b("ph"), b("stream"), 42);
    assert.equal(s.rename(0, b("ph"), b("ph2"), false), 1);
    assert.equal(s.find(0, "ph2"), ValueType.other);
    assert.equal(s.foundTypeName(), "stream");
    assert.equal(s.foundExpireAt, 42);
    // many renames in one chain-heavy db
    for (let i = 0; i < 2000; i++) s.set(0, b(`r${i}`), b(`v${i}`), 0, i % 2 ? i : -1);
    for (let i = 0; i < 2000; i++) assert.equal(s.rename(0, b(`r${i}`), b(`R${i}`), false), 1);
    for (let i = 0; i < 2000; i++) {
      assert.equal(get(s, 0, `R${i}`), `v${i}`);
      assert.equal(s.foundExpireAt, i % 2 ? i : -1);
      assert.equal(s.find(0, `r${i}`), 0);
    }
  });

  it("copy carries the TTL; REPLACE; across dbs", () => {
    const s = new Store();
    s.set(0, b("a"), b("va"), 0, 888);
    assert.equal(s.copy(0, b("a"), 3, b("a"), false), true);
    assert.equal(get(s, 3, "a"), "va");
    assert.equal(s.foundExpireAt, 888);
    assert.equal(get(s, 0, "a"), "va");
    s.set(0, b("b"), b("vb"), 0, -1);
    assert.equal(s.copy(0, b("a"), 0, b("b"), false), false);
    assert.equal(get(s, 0, "b"), "vb");
    assert.equal(s.copy(0, b("a"), 0, b("b"), true), true);
    assert.equal(get(s, 0, "b"), "va");
    assert.equal(s.foundExpireAt, 888);
    assert.equal(s.copy(0, b("none"), 0, b("x"), true), false);
    assertArgError(() => s.copy(0, b("a"), 0, b("a"), true), "ERR source and destination objects are the same");
    // modifying the copy leaves the original alone
    s.append(0, b("b"), b("!"));
    assert.equal(get(s, 0, "a"), "va");
  });

  it("move carries the TTL and refuses existing targets", () => {
    const s = new Store();
    s.set(0, b("a"), b("va"), 0, 999);
    assert.equal(s.move(0, b("a"), 1), true);
    assert.equal(s.find(0, "a"), 0);
    assert.equal(get(s, 1, "a"), "va");
    assert.equal(s.foundExpireAt, 999);
    assert.equal(s.move(0, b("a"), 1), false);
    s.set(0, b("a"), b("other"), 0, -1);
    assert.equal(s.move(0, b("a"), 1), false);
    assert.equal(get(s, 0, "a"), "other");
    assert.equal(get(s, 1, "a"), "va");
    assertArgError(() => s.move(0, b("a"), 0), "ERR source and destination objects are the same");
  });

  it("swapdb, flushdb, flushall, ensureDb", () => {
    const s = new Store();
    assert.equal(s.databases, 16);
    s.set(0, b("x"), b("0"), 0, -1);
    s.set(1, b("y"), b("1"), 0, 5);
    s.swapDb(0, 1);
    assert.equal(s.find(0, "x"), 0);
    assert.equal(get(s, 0, "y"), "1");
    assert.equal(s.foundExpireAt, 5);
    assert.equal(get(s, 1, "x"), "0");
    s.swapDb(3, 3);
    s.ensureDb(20);
    assert.equal(s.databases, 21);
    assert.equal(s.find(20, "x"), 0);
    s.set(20, b("x"), b("20"), 0, -1);
    assert.equal(get(s, 0, "y"), "1", "existing dbs survive growth");
    assert.equal(get(s, 20, "x"), "20");
    s.set(25, b("auto"), b("grow"), 0, -1);
    assert.equal(s.databases, 26);
    assert.equal(s.find(30, "x"), 0, "reads of an unknown db find nothing");
    for (let i = 0; i < 1000; i++) s.set(1, b(`k${i}`), b("v"), 0, -1);
    s.flushDb(1);
    assert.equal(s.dbSize(1), 0);
    assert.equal(s.find(1, "k5"), 0);
    assert.equal(s.dbSize(0), 1);
    s.set(1, b("again"), b("v"), 0, -1);
    assert.equal(get(s, 1, "again"), "v");
    s.flushAll();
    for (let i = 0; i < s.databases; i++) assert.equal(s.dbSize(i), 0);
    s.set(0, b("after"), b("flush"), 0, -1);
    assert.equal(get(s, 0, "after"), "flush");
  });

  it("two instances are independent", () => {
    const a = new Store();
    const c = new Store({ databases: 2 });
    a.set(0, b("k"), b("a"), 0, -1);
    c.set(0, b("k"), b("c"), 0, -1);
    assert.equal(get(a, 0, "k"), "a");
    assert.equal(get(c, 0, "k"), "c");
    assert.equal(c.databases, 2);
    a.dispose();
    assert.equal(get(c, 0, "k"), "c");
    assert.throws(() => a.find(0, "k"), (e: unknown) => e instanceof VeidrodelisError && e.code === "CLOSED");
  });
});

describe("store: scale and memory", () => {
  it("incremental rehash: 200k keys with deletes, all present", () => {
    const s = new Store();
    const N = 200_000;
    for (let i = 0; i < N; i++) {
      s.set(0, b(`key:${i}`), b(`value:${i}`), 0, -1);
      if (i % 3 === 0) s.del(0, b(`key:${i >> 1}`));
    }
    // recompute the expected set independently
    const present = new Set<number>();
    for (let i = 0; i < N; i++) {
      present.add(i);
      if (i % 3 === 0) present.delete(i >> 1);
    }
    assert.equal(s.dbSize(0), present.size);
    for (let i = 0; i < N; i++) {
      if (present.has(i)) assert.equal(get(s, 0, `key:${i}`), `value:${i}`);
      else assert.equal(s.find(0, `key:${i}`), 0);
    }
    // shrink by deleting most keys, interleaved with lookups
    for (let i = 0; i < N; i++) if (i % 10 !== 0) s.del(0, b(`key:${i}`));
    for (let i = 0; i < N; i += 10) {
      if (present.has(i)) assert.equal(get(s, 0, `key:${i}`), `value:${i}`);
    }
  });

  it("scan returns every key exactly once without resizes, at least once with", () => {
    const s = new Store();
    for (let i = 0; i < 5000; i++) s.set(2, b(`s${i}`), b("v"), 0, -1);
    while (s.rehash(1000));
    const keys = allKeys(s, 2, 7);
    assert.equal(keys.length, 5000);
    assert.equal(new Set(keys).size, 5000);
    // resizes during the scan: growth by inserts between steps
    const seen = new Set<string>();
    let cursor = 0;
    let extra = 0;
    do {
      const r = s.scan(2, cursor, 50);
      for (const k of r.keys) seen.add(new TextDecoder().decode(k));
      cursor = r.cursor;
      for (let j = 0; j < 40; j++) s.set(2, b(`x${extra++}`), b("v"), 0, -1);
    } while (cursor !== 0);
    for (let i = 0; i < 5000; i++) assert.ok(seen.has(`s${i}`), `s${i} missed`);
    assert.deepEqual(s.scan(9, 0, 10), { cursor: 0, keys: [] });
  });

  it("insert/delete cycles reuse memory", () => {
    const s = new Store();
    const round = (r: number) => {
      for (let i = 0; i < 50_000; i++) s.set(0, b(`k${i}`), b(`value-${r}-${i}`.padEnd(20 + (i % 50), "x")), 0, -1);
      for (let i = 0; i < 50_000; i++) s.del(0, b(`k${i}`));
    };
    round(0);
    round(1);
    const mem = s.memoryBytes();
    const used = s.usedBytes();
    for (let r = 2; r < 8; r++) round(r);
    assert.equal(s.memoryBytes(), mem);
    assert.ok(s.usedBytes() <= used + 4096, `${s.usedBytes()} vs ${used}`);
    // large values: freed large blocks are reused
    for (let r = 0; r < 5; r++) {
      for (let i = 0; i < 20; i++) s.set(0, b(`big${i}`), new Uint8Array(100_000 + r * 10), 0, -1);
      for (let i = 0; i < 20; i++) s.del(0, b(`big${i}`));
    }
    const mem2 = s.memoryBytes();
    for (let r = 0; r < 5; r++) {
      for (let i = 0; i < 20; i++) s.set(0, b(`big${i}`), new Uint8Array(100_000 + r * 10), 0, -1);
      for (let i = 0; i < 20; i++) s.del(0, b(`big${i}`));
    }
    assert.equal(s.memoryBytes(), mem2);
  });

  it("large values (1 MB), appended and ranged", () => {
    const s = new Store();
    const v = new Uint8Array(1 << 20);
    for (let i = 0; i < v.length; i++) v[i] = (i * 31) & 0xff;
    s.set(0, b("big"), v, 0, 123);
    assert.equal(s.find(0, "big"), ValueType.string);
    assert.equal(s.foundStrlen(), v.length);
    assert.deepEqual(s.foundBytes(), v);
    assert.equal(s.foundExpireAt, 123);
    assert.deepEqual(s.foundRange(-3, -1), v.slice(-3));
    assert.equal(s.append(0, b("big"), v), 2 << 20);
    s.find(0, "big");
    const both = s.foundBytes();
    assert.deepEqual(both.subarray(0, v.length), v);
    assert.deepEqual(both.subarray(v.length), v);
    let total = 2 << 20;
    for (let i = 0; i < 30; i++) total = s.append(0, b("big"), v.subarray(0, 100_000));
    assert.equal(total, (2 << 20) + 3_000_000);
    s.set(0, b("big"), b("small now"), 0, -1);
    assert.equal(get(s, 0, "big"), "small now");
    assert.equal(s.foundExpireAt, -1);
  });

  it("memory full is reported without corrupting the store", () => {
    const s = new Store({ maxMemoryBytes: 64 << 20 });
    s.set(0, b("keep"), b("me"), 0, -1);
    // SETRANGE builds 4 MiB values from a 1-byte argument (no large host copies)
    const chunk = 4 << 20;
    let full = false;
    let i = 0;
    try {
      for (; i < 40; i++) s.setRange(0, b(`huge${i}`), chunk - 1, b("x"));
    } catch (e) {
      assert.ok(e instanceof StoreFullError, String(e));
      full = true;
    }
    assert.ok(full, "64 MiB should be exhausted");
    assert.ok(s.memoryBytes() <= 64 << 20);
    assert.equal(s.find(0, `huge${i}`), 0);
    assert.equal(get(s, 0, "keep"), "me");
    assert.equal(s.dbSize(0), i + 1);
    assert.throws(() => s.append(0, b("huge0"), new Uint8Array(chunk >> 1)), StoreFullError);
    assert.equal(s.find(0, "huge0"), ValueType.string);
    assert.equal(s.foundStrlen(), chunk);
    assert.deepEqual(s.foundRange(-2, -1), new Uint8Array([0, 120]));
    // many small keys until full: each failure leaves the store consistent
    let n = 0;
    try {
      for (; n < 10_000_000; n++) s.set(1, b(`small:${n}`), b("some value bytes"), 0, -1);
    } catch (e) {
      assert.ok(e instanceof StoreFullError, String(e));
    }
    assert.equal(s.dbSize(1), n);
    assert.equal(s.find(1, `small:${n}`), 0);
    assert.equal(get(s, 1, `small:${n - 1}`), "some value bytes");
    assert.equal(get(s, 1, "small:0"), "some value bytes");
    s.flushAll();
    s.set(0, b("again"), new Uint8Array(1000), 0, -1);
    assert.equal(s.find(0, "again"), ValueType.string);
    for (let i = 0; i < 100_000; i++) s.set(1, b(`small:${i}`), b("some value bytes"), 0, -1);
    assert.equal(s.dbSize(1), 100_000);
    s.dispose();
  });
});

describe("store: addresses above 2 GiB", () => {
  it("keys, values and scratch beyond 2 GiB work (unsigned pointers)", () => {
    const s = new Store();
    // 9 x 256 MiB zero-filled values via SETRANGE: the heap passes 2 GiB
    for (let i = 0; i < 9; i++) s.setRange(0, b(`fill${i}`), (256 << 20) - 1, b("z"));
    assert.ok(s.memoryBytes() > 2 ** 31);
    // a scratch bigger than any freed block is allocated high
    const big = new Uint8Array(300 << 10).fill(7);
    s.set(0, b("bigval"), big, 0, 4242);
    for (let i = 0; i < 20_000; i++) s.set(1, b(`hi:${i}`), b(`v${i}`), 0, -1);
    for (let i = 0; i < 20_000; i++) assert.equal(get(s, 1, `hi:${i}`), `v${i}`);
    assert.equal(s.find(0, "bigval"), ValueType.string);
    assert.equal(s.foundExpireAt, 4242);
    assert.deepEqual(s.foundRange(0, 3), new Uint8Array([7, 7, 7, 7]));
    assert.equal(s.find(0, "fill8"), ValueType.string);
    assert.deepEqual(s.foundRange(-1, -1), b("z"));
    assert.equal(allKeys(s, 1, 1000).length, 20_000);
    s.incrBy(1, b("counter"), b("5"), false);
    assert.equal(s.lastIncrResult(), "5");
    s.dispose();
  });
});
