// Unit tests of bulk loading (assembly/bulk.ts through src/_wasm/store.ts) and of the CRC-64 kernel: no server needed.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { DuplicateKeyError, Store, ValueType, WasmCrc64 } from "../../src/_wasm/store.ts";
import { StoreFullError } from "../../src/errors.ts";
import { Crc64 } from "../../src/rdb/crc64.ts";
import { seededRandom } from "../_support/random.ts";
import { storeModel } from "../rdb/_helpers.ts";

const te = new TextEncoder();
const b = (s: string) => te.encode(s);

type Kind = "list" | "set" | "zset" | "hash";

interface Element {
  value: Uint8Array;
  score?: number;
  field?: Uint8Array;
  ttl?: number;
}

/** Random bytes of length 0..max (binary: NUL and high bytes included). */
function randomBytes(r: () => number, max: number): Uint8Array {
  const out = new Uint8Array(Math.floor(r() * (max + 1)));
  for (let i = 0; i < out.length; i++) out[i] = Math.floor(r() * 256);
  return out;
}

/** Elements of a collection: `n` of them, some long (past the packed limits) when `long`, a few duplicates. */
function elements(kind: Kind, n: number, r: () => number, long: boolean): Element[] {
  const out: Element[] = [];
  for (let i = 0; i < n; i++) {
    const dup = out.length > 0 && r() < 0.05 ? out[Math.floor(r() * out.length)] : null;
    const value = dup && kind !== "list" && kind !== "hash" ? dup.value : randomBytes(r, long && r() < 0.1 ? 200 : 20);
    const e: Element = { value };
    if (kind === "zset") e.score = r() < 0.1 ? [0, -0, Infinity, -Infinity][Math.floor(r() * 4)] : (r() - 0.5) * 1e6;
    if (kind === "hash") {
      e.field = dup?.field ?? randomBytes(r, long && r() < 0.1 ? 100 : 16);
      e.ttl = r() < 0.2 ? 1_700_000_000_000 + Math.floor(r() * 1e9) : -1;
    }
    out.push(e);
  }
  return out;
}

/** Builds the collection element by element through the write API (the reference). */
function writeOneByOne(s: Store, db: number, key: Uint8Array, kind: Kind, els: Element[]): void {
  for (const e of els) {
    if (kind === "list") s.listPush(db, key, e.value, true, false);
    else if (kind === "set") s.setAdd(db, key, e.value);
    else if (kind === "zset") s.zsetAdd(db, key, e.value, e.score!, 0);
    else {
      s.hashSet(db, key, e.field!, e.value);
      if (e.ttl! >= 0) s.hashSetFieldExpire(db, key, e.field!, e.ttl!, 0);
    }
  }
}

/** Builds it through the bulk builder. */
function load(s: Store, db: number, key: Uint8Array, kind: Kind, els: Element[], expire = -1, hint = 0): boolean {
  s.loadCollection(db, key, kind, expire, hint);
  for (const e of els) {
    if (kind === "zset") s.loadMember(e.value, e.score!);
    else if (kind === "hash") s.loadField(e.field!, e.value, e.ttl!);
    else s.loadElement(e.value);
  }
  return s.loadCollectionEnd();
}

function assertConsistent(s: Store): void {
  assert.equal(s.debugCheck(), null);
}

describe("store: bulk loading of collections", () => {
  for (const kind of ["list", "set", "zset", "hash"] as const) {
    for (const [label, n, long] of [["small", 50, false], ["past the packed limits", 3000, true]] as const) {
      it(`${kind}, ${label}: the same content as writing one element at a time, with and without a size hint`, () => {
        const r = seededRandom(n + kind.length);
        const els = elements(kind, n, r, long);
        const ref = new Store();
        const bulk = new Store();
        writeOneByOne(ref, 0, b("k"), kind, els);
        assert.equal(load(bulk, 0, b("k"), kind, els), true);
        assert.equal(load(bulk, 1, b("k"), kind, els, -1, els.length), true);
        writeOneByOne(ref, 1, b("k"), kind, els);
        assert.deepEqual(storeModel(bulk), storeModel(ref));
        assertConsistent(bulk);
        ref.dispose();
        bulk.dispose();
      });
    }
  }

  it("loadWriteBuffered between elements (a paced load's slices) builds the same collections, still hidden", () => {
    for (const kind of ["list", "set", "zset", "hash"] as const) {
      const r = seededRandom(7 + kind.length);
      const els = elements(kind, 3000, r, true);
      const whole = new Store();
      const sliced = new Store();
      load(whole, 0, b("k"), kind, els, 5000, els.length);
      sliced.loadCollection(0, b("k"), kind, 5000, els.length);
      els.forEach((e, i) => {
        if (kind === "zset") sliced.loadMember(e.value, e.score!);
        else if (kind === "hash") sliced.loadField(e.field!, e.value, e.ttl!);
        else sliced.loadElement(e.value);
        if (i % 37 === 0) sliced.loadWriteBuffered();
      });
      assert.equal(sliced.find(0, "k"), ValueType.none, `${kind}: nothing visible before the end`);
      assert.equal(sliced.loadCollectionEnd(), true);
      assert.deepEqual(storeModel(sliced), storeModel(whole), kind);
      assertConsistent(sliced);
      whole.dispose();
      sliced.dispose();
    }
  });

  it("a member already loaded: sets keep one, zsets and hashes take the last score / value and TTL", () => {
    const s = new Store();
    s.loadCollection(0, b("s"), "set", -1);
    for (const m of ["a", "b", "a"]) s.loadElement(b(m));
    s.loadCollectionEnd();
    s.loadCollection(0, b("z"), "zset", -1);
    s.loadMember(b("a"), 1);
    s.loadMember(b("a"), 2);
    s.loadCollectionEnd();
    s.loadCollection(0, b("h"), "hash", -1);
    s.loadField(b("f"), b("1"), 5000);
    s.loadField(b("f"), b("2"), -1);
    s.loadField(b("g"), b("3"), -1);
    s.loadField(b("g"), b("4"), 6000);
    s.loadCollectionEnd();
    assert.equal(s.find(0, "s"), ValueType.set);
    assert.equal(s.foundSetCard(), 2);
    assert.equal(s.find(0, "z"), ValueType.zset);
    assert.equal(s.foundZsetScore("a"), 2);
    assert.equal(s.find(0, "h"), ValueType.hash);
    assert.deepEqual(s.foundHashEntries(), {
      fields: [b("f"), b("g")],
      values: [b("2"), b("4")],
      expireAts: [-1, 6000],
    });
    assertConsistent(s);
  });

  it("the key appears only when the collection ends, with its TTL", () => {
    const s = new Store();
    s.loadCollection(0, b("k"), "list", 99_000);
    for (let i = 0; i < 5000; i++) s.loadElement(b(`e${i}`));
    assert.equal(s.find(0, "k"), ValueType.none, "nothing until the end");
    assertConsistent(s); // the builder's blocks are accounted for
    assert.equal(s.loadCollectionEnd(), true);
    assert.equal(s.find(0, "k"), ValueType.list);
    assert.equal(s.foundExpireAt, 99_000);
    assert.equal(s.foundListLength(), 5000);
    assert.deepEqual(s.foundListRange(4999, 4999), [b("e4999")]);
    assertConsistent(s);
  });

  it("an empty collection creates no key", () => {
    const s = new Store();
    s.loadCollection(0, b("k"), "hash", -1);
    assert.equal(s.loadCollectionEnd(), false);
    assert.equal(s.find(0, "k"), ValueType.none);
    assert.equal(s.dbSize(0), 0);
    assertConsistent(s);
  });

  it("an aborted or abandoned collection leaves nothing behind", () => {
    const s = new Store();
    s.set(0, b("keep"), b("v"), 0, -1);
    const used = s.usedBytes();
    s.loadCollection(0, b("z"), "zset", -1, 10_000);
    for (let i = 0; i < 10_000; i++) s.loadMember(b(`m${i}`), i);
    s.loadAbort();
    assert.equal(s.find(0, "z"), ValueType.none);
    assertConsistent(s);
    // the next collection drops an unfinished one
    s.loadCollection(0, b("s"), "set", -1);
    for (let i = 0; i < 1000; i++) s.loadElement(b(`m${i}`));
    s.loadCollection(0, b("t"), "set", -1);
    s.loadElement(b("x"));
    s.loadCollectionEnd();
    assert.equal(s.find(0, "s"), ValueType.none);
    assert.equal(s.find(0, "t"), ValueType.set);
    s.del(0, b("t"));
    assertConsistent(s);
    // what remains allocated beyond the start is the record buffer only
    assert.ok(s.usedBytes() - used <= 1 << 20, `${s.usedBytes() - used} bytes still held`);
    assert.throws(() => s.loadCollectionEnd(), /no collection is being loaded/);
  });

  it("a full store fails the load with StoreFullError and no half-built key", () => {
    const s = new Store({ maxMemoryBytes: 4 << 20 });
    s.set(0, b("keep"), b("v"), 0, -1);
    const before = s.usedBytes();
    assert.throws(() => {
      s.loadCollection(0, b("big"), "set", -1);
      for (let i = 0; i < 1_000_000; i++) s.loadElement(b(`member:${i}:${"x".repeat(40)}`));
      s.loadCollectionEnd();
    }, StoreFullError);
    assert.equal(s.find(0, "big"), ValueType.none);
    assert.equal(s.find(0, "keep"), ValueType.string);
    // everything the builder held went back (the record buffer stays); no room is left for
    // debugCheck's own array in the fragmented heap, so the allocator's count tells
    assert.ok(s.usedBytes() - before <= 256 << 10, `${s.usedBytes() - before} bytes still held`);
    assert.equal(load(s, 0, b("small"), "set", [{ value: b("a") }]), true);
  });

  it("elements bigger than the record buffer", () => {
    const s = new Store();
    const big = new Uint8Array(300_000).fill(7);
    s.loadCollection(0, b("l"), "list", -1);
    s.loadElement(b("a"));
    s.loadElement(big);
    s.loadElement(b("z"));
    s.loadCollectionEnd();
    assert.equal(s.find(0, "l"), ValueType.list);
    assert.deepEqual(s.foundListRange(0, -1), [b("a"), big, b("z")]);
    assertConsistent(s);
  });
});

describe("store: bulk loading of strings", () => {
  it("buffered SETs: written by loadFlush, by a db change and by a collection", () => {
    const s = new Store();
    const value = (i: number) => b(`value-${i}-${"v".repeat(i % 300)}`);
    for (let i = 0; i < 20_000; i++) s.loadString(0, b(`key:${i}`), value(i), i % 3 === 0 ? 1000 + i : -1);
    s.loadString(0, b("k1"), b("one"), -1);
    s.loadString(3, b("other"), b("db 3"), -1); // a db change writes the pending ones first
    assert.equal(s.find(0, "k1"), ValueType.string);
    s.loadCollection(3, b("set"), "set", -1); // so does a collection
    s.loadElement(b("m"));
    s.loadCollectionEnd();
    s.loadString(0, b("tail"), b("last"), -1);
    assert.equal(s.find(0, "tail"), ValueType.none, "still buffered");
    s.loadFlush();
    assert.equal(s.dbSize(0), 20_002);
    for (const i of [0, 1, 2, 19_999]) {
      assert.equal(s.find(0, `key:${i}`), ValueType.string);
      assert.deepEqual(s.foundBytes(), value(i));
      assert.equal(s.foundExpireAt, i % 3 === 0 ? 1000 + i : -1);
    }
    assert.equal(s.find(0, "k1"), ValueType.string);
    assert.equal(s.foundString(), "one");
    assert.equal(s.find(3, "other"), ValueType.string);
    assert.equal(s.foundString(), "db 3");
    assert.equal(s.find(0, "tail"), ValueType.string);
    assertConsistent(s);
  });

  it("loadWriteBuffered writes the buffered SETs at once; with nothing buffered it does nothing", () => {
    const s = new Store();
    s.loadWriteBuffered();
    for (let i = 0; i < 100; i++) s.loadString(0, b(`key:${i}`), b(`v${i}`), -1);
    assert.equal(s.find(0, "key:99"), ValueType.none, "still buffered");
    s.loadWriteBuffered();
    assert.equal(s.dbSize(0), 100);
    s.loadString(0, b("key:100"), b("v100"), -1);
    s.loadFlush();
    assert.equal(s.dbSize(0), 101);
    assertConsistent(s);
  });

  it("a key named twice (in the buffer, or already in the db) fails with DuplicateKeyError naming it", () => {
    const s = new Store();
    s.listPush(0, b("list"), b("x"), true, false);
    for (let i = 0; i < 100; i++) s.loadString(0, b(`key:${i}`), b("v"), -1);
    s.loadString(0, b("key:42"), b("again"), -1);
    assert.throws(
      () => s.loadFlush(),
      (e: unknown) => e instanceof DuplicateKeyError && e.db === 0 && e.message.includes('"key:42"'),
    );
    s.loadString(0, b("list"), b("v"), -1);
    assert.throws(() => s.loadFlush(), (e: unknown) => e instanceof DuplicateKeyError && e.message.includes('"list"'));
    assert.throws(() => s.loadCollection(0, b("key:7"), "set", -1), DuplicateKeyError);
    assert.equal(s.find(0, "list"), ValueType.list, "the existing key is untouched");
    s.loadCollection(1, b("key:7"), "set", -1); // another db: no conflict
    s.loadElement(b("m"));
    assert.equal(s.loadCollectionEnd(), true);
    assertConsistent(s);
  });

  it("records of every size fill the buffer to its last byte without overrunning it", () => {
    const s = new Store();
    const r = seededRandom(11);
    const want = new Map<string, Uint8Array>();
    for (let i = 0; i < 30_000; i++) {
      const key = `k${i}`.padEnd(1 + Math.floor(r() * 40), "-");
      const value = randomBytes(r, 700);
      want.set(key, value);
      s.loadString(0, b(key), value, -1);
    }
    s.loadFlush();
    s.loadCollection(0, b("h"), "hash", -1);
    for (let i = 0; i < 30_000; i++) s.loadField(randomBytes(r, 40), randomBytes(r, 500), r() < 0.5 ? 1 : -1);
    s.loadCollectionEnd();
    s.loadCollection(0, b("z"), "zset", -1);
    for (let i = 0; i < 30_000; i++) s.loadMember(randomBytes(r, 900), r());
    s.loadCollectionEnd();
    assertConsistent(s);
    for (const [key, value] of want) {
      assert.equal(s.find(0, key), ValueType.string);
      assert.deepEqual(s.foundBytes(), value);
    }
  });

  it("loadReserve sizes a db ahead of its keys (no change of content)", () => {
    const s = new Store();
    s.loadReserve(2, 100_000);
    for (let i = 0; i < 1000; i++) s.loadString(2, b(`k${i}`), b("v"), -1);
    s.loadFlush();
    assert.equal(s.dbSize(2), 1000);
    assert.equal(s.rehash(1), false, "no rehash pending: the table was big enough");
    assertConsistent(s);
  });

  it("loadAbort drops buffered strings", () => {
    const s = new Store();
    s.loadString(0, b("a"), b("1"), -1);
    s.loadAbort();
    s.loadFlush();
    assert.equal(s.dbSize(0), 0);
  });
});

describe("WasmCrc64", () => {
  it("has Redis's check value and matches the JS CRC-64 over any chunking", () => {
    const c = new WasmCrc64();
    c.update(b("123456789"));
    assert.equal(c.hex(), "e9c6d914c4b8d9ca");
    assert.equal(c.value(), 0xe9c6d914c4b8d9can);
    const r = seededRandom(5);
    const data = randomBytes(r, 3 << 20); // crosses the kernel's 1 MiB pieces
    const js = new Crc64();
    const wasm = new WasmCrc64();
    for (let at = 0; at < data.length;) {
      const n = Math.floor(r() * 300_000);
      js.update(data, at, Math.min(data.length, at + n));
      wasm.update(data, at, Math.min(data.length, at + n));
      at += n;
      assert.equal(wasm.hex(), js.hex());
    }
    const trailer = new Uint8Array(8);
    new DataView(trailer.buffer).setBigUint64(0, js.value(), true);
    assert.equal(wasm.equalsLE(trailer, 0), true);
    trailer[3] ^= 1;
    assert.equal(wasm.equalsLE(trailer, 0), false);
  });
});
