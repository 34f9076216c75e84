// Whole-store consistency of the WASM store (assembly/*.ts through src/_wasm/store.ts): the
// debugCheck walker (every structure and the allocator), regressions for memory corruption found by
// the differential runs, and a seeded randomized workload mixing every type across the packed ->
// table/skiplist thresholds, TTL changes on large values and frequent idle rehash steps, checked
// against a JS model after each burst. No server needed.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { HFE_NONE, Store, ValueType } from "../../src/_wasm/store.ts";
import { seededRandom } from "../_support/random.ts";

const te = new TextEncoder();
const b = (s: string) => te.encode(s);
const fill = (n: number, byte = 0x61) => new Uint8Array(n).fill(byte);
const T0 = 4_000_000_000_000; // a TTL far in the future (ms)

function assertConsistent(s: Store, when = ""): void {
  const problem = s.debugCheck();
  assert.equal(problem, null, `store inconsistent ${when}: ${problem}`);
}

describe("store: consistency checker", () => {
  it("reports a fresh store and one holding every kind of structure as consistent", () => {
    const s = new Store({ databases: 4 });
    assertConsistent(s, "fresh");
    s.set(0, b("str"), b("v"), 0, -1);
    s.set(0, b("big"), fill(12_000), 0, T0);
    s.setAddMany(0, b("small-set"), [b("a"), b("b")]);
    s.setAddMany(1, b("big-set"), Array.from({ length: 300 }, (_, i) => b(`m${i}`)));
    s.hashSet(0, b("small-hash"), b("f"), b("v"));
    for (let i = 0; i < 200; i++) s.hashSet(1, b("big-hash"), b(`f${i}`), fill(i % 7 === 0 ? 100 : 3));
    s.zsetAdd(0, b("small-zset"), b("m"), 1, 0);
    for (let i = 0; i < 200; i++) s.zsetAdd(2, b("big-zset"), b(`m${i}`), i % 13, 0);
    for (let i = 0; i < 3000; i++) s.listPush(3, b("list"), fill(i % 50), i % 2 === 0, false);
    s.listPush(3, b("list"), fill(9000), true, false);
    s.setPlaceholder(2, b("stream"), b("stream"), -1);
    assertConsistent(s, "filled");
    s.flushAll();
    assertConsistent(s, "flushed");
  });
});

describe("store: consistency checker finds damage", () => {
  /** The store's linear memory and the structure pointer of the last find (test-only peeking). */
  function internals(s: Store): { u32: Uint32Array; ptr: number } {
    const raw = s as any;
    return { u32: new Uint32Array(raw.mem.buffer), ptr: raw.foundPtr };
  }

  it("a dict count that disagrees with its entries", () => {
    const s = new Store();
    s.setAddMany(0, b("s"), Array.from({ length: 200 }, (_, i) => b(`m${i}`)));
    assertConsistent(s);
    s.find(0, "s");
    const { u32, ptr } = internals(s);
    u32[(ptr + 8 + 20) >>> 2]++; // hashed set: [8-byte kind word][dict: ... +20 count]
    assert.match(String(s.debugCheck()), /dict count differs/);
  });

  it("a block used twice", () => {
    const s = new Store();
    s.listPush(0, b("l"), b("x"), true, false);
    s.listPush(0, b("m"), b("y"), true, false);
    s.find(0, "l");
    const l = internals(s);
    s.find(0, "m");
    const m = internals(s);
    l.u32[l.ptr >>> 2] = m.u32[m.ptr >>> 2]; // l's head node := m's head node
    assert.notEqual(s.debugCheck(), null);
  });
});

describe("store: TTL changes on large values keep their blocks whole", () => {
  // A large block has a header and one capacity. Removing a TTL in place used to hand the last
  // 8 bytes of the entry's block to the small free lists (shrinkSmall on a large block): the next
  // 8-byte allocation landed inside the still-used entry, and adding a TTL back (in place, 8 bytes
  // longer) overwrote it. Found by the differential test (PEXPIREAT / PERSIST on an 11,546-byte
  // string corrupting an unrelated large set).

  it("keyspace entries: PERSIST then PEXPIREAT on an 11,546-byte string", () => {
    const s = new Store();
    const big = new Uint8Array(11_546).map((_, i) => (i * 7) & 0xff);
    s.set(0, b("bits"), big, 0, -1);
    assert.equal(s.setExpire(0, b("bits"), T0), true);
    assert.equal(s.persist(0, b("bits")), true);
    assertConsistent(s, "after PERSIST");
    // 8-byte entries (1-byte key, empty value): the first would take a stolen tail
    for (let i = 0; i < 64; i++) s.set(0, new Uint8Array([i]), new Uint8Array(0), 0, -1);
    assert.equal(s.setExpire(0, b("bits"), T0 + 1), true);
    assertConsistent(s, "after PEXPIREAT");
    for (let i = 0; i < 64; i++) {
      assert.equal(s.find(0, new Uint8Array([i])), ValueType.string);
      assert.equal(s.foundStrlen(), 0);
      assert.equal(s.foundExpireAt, -1);
    }
    assert.equal(s.find(0, "bits"), ValueType.string);
    assert.deepEqual(s.foundBytes(), big);
    assert.equal(s.foundExpireAt, T0 + 1);
  });

  it("keyspace entries: every size around the small/large boundary", () => {
    const s = new Store();
    for (let n = 2020; n <= 2090; n++) {
      const key = b(`k${n}`);
      s.set(0, key, fill(n, n & 0xff), 0, -1);
      for (let round = 0; round < 3; round++) {
        s.setExpire(0, key, T0 + round);
        s.persist(0, key);
        s.set(0, b(`x${n}.${round}`), new Uint8Array(0), 0, -1);
      }
    }
    assertConsistent(s);
    for (let n = 2020; n <= 2090; n++) {
      assert.equal(s.find(0, `k${n}`), ValueType.string);
      assert.deepEqual(s.foundBytes(), fill(n, n & 0xff));
    }
  });

  it("hash field entries: HPERSIST then HPEXPIREAT on a 3,000-byte value", () => {
    const s = new Store();
    const value = new Uint8Array(3000).map((_, i) => (i * 13) & 0xff);
    s.hashSet(0, b("h"), b("f"), value);
    assert.equal(s.hashSetFieldExpire(0, b("h"), b("f"), T0, HFE_NONE), 1);
    assert.equal(s.hashPersistField(0, b("h"), b("f")), 1);
    assertConsistent(s, "after HPERSIST");
    for (let i = 0; i < 64; i++) s.set(0, new Uint8Array([i]), new Uint8Array(0), 0, -1);
    assert.equal(s.hashSetFieldExpire(0, b("h"), b("f"), T0 + 1, HFE_NONE), 1);
    assertConsistent(s, "after HPEXPIREAT");
    assert.equal(s.find(0, "h"), ValueType.hash);
    assert.deepEqual(s.foundHashGet("f"), value);
    assert.equal(s.foundHashFieldExpireAt("f"), T0 + 1);
    for (let i = 0; i < 64; i++) {
      assert.equal(s.find(0, new Uint8Array([i])), ValueType.string);
      assert.equal(s.foundStrlen(), 0);
    }
  });
});

describe("store: temporary buffers that grow a little each call reuse memory", () => {
  // Large blocks are never coalesced; before capacity classes, a request slightly bigger than the
  // block freed by the previous call could never reuse it, so reading a large set after each add
  // (two sort arrays of 24 bytes per member) took fresh memory every time: ~12,000 members and
  // 600 KB of data exhausted the 4 GiB wasm memory.

  it("SMEMBERS of a large set after every SADD", () => {
    const s = new Store();
    for (let i = 0; i < 3000; i++) {
      s.setAdd(0, b("s"), b(`member-${i}`));
      assert.equal(s.find(0, "s"), ValueType.set);
      assert.equal(s.foundSetMembers().length, i + 1);
    }
    // Memory grows in steps of at least 16 MiB (fewer grows, fewer GCs); a leak would take gigabytes.
    assert.ok(s.memoryBytes() <= 32 << 20, `memory ${s.memoryBytes()} for ${s.usedBytes()} bytes used`);
    assertConsistent(s);
  });
});

// ---------------------------------------------------------------- randomized model

type Val =
  | { t: "string"; v: Uint8Array }
  | { t: "set"; v: Map<string, Uint8Array> }
  | { t: "hash"; v: Map<string, { f: Uint8Array; v: Uint8Array; ttl: number }> }
  | { t: "zset"; v: Map<string, { m: Uint8Array; s: number }> }
  | { t: "list"; v: Uint8Array[] };
interface Slot {
  val: Val;
  ttl: number;
}

const id = (u: Uint8Array) => Buffer.from(u).toString("latin1");
const unid = (s: string) => new Uint8Array(Buffer.from(s, "latin1"));
const PREFIXES = ["str", "set", "hash", "zset", "list"] as const;
type Prefix = typeof PREFIXES[number];

function compareBytes(x: Uint8Array, y: Uint8Array): number {
  const n = Math.min(x.length, y.length);
  for (let i = 0; i < n; i++) if (x[i] !== y[i]) return x[i] - y[i];
  return x.length - y.length;
}

function cloneVal(v: Val): Val {
  switch (v.t) {
    case "string":
      return { t: "string", v: v.v.slice() };
    case "set":
      return { t: "set", v: new Map(v.v) };
    case "hash":
      return { t: "hash", v: new Map([...v.v].map(([k, e]) => [k, { ...e }])) };
    case "zset":
      return { t: "zset", v: new Map([...v.v].map(([k, e]) => [k, { ...e }])) };
    case "list":
      return { t: "list", v: v.v.slice() };
  }
}

/**
 * One randomized run: `ops` writes over `dbs` databases, a store.rehash(1) after many of them,
 * debugCheck every `checkEvery` ops and a full comparison with the model every `compareEvery`.
 */
function runModel(seed: number, ops: number, checkEvery: number, compareEvery: number): void {
  const rnd = seededRandom(seed);
  const int = (n: number) => Math.floor(rnd() * n);
  const pick = <T>(a: readonly T[]): T => a[int(a.length)];
  const dbs = 3;
  const s = new Store({ databases: dbs });
  const model: Map<string, Slot>[] = Array.from({ length: dbs }, () => new Map());
  let op = "";

  const keyOf = (p: Prefix) => b(`${p}:${int(6)}`);
  /** A member / field: mostly short (packed forms), sometimes past the 64-byte packed limit. */
  const memberOf = () => (rnd() < 0.04 ? b(`long-${int(40)}-${"x".repeat(60 + int(10))}`) : b(`m${int(260)}`));
  /** A value: sizes around every allocator boundary (small classes, 2 KiB, large, > 8 KiB list nodes). */
  const valueOf = () => {
    const r = rnd();
    const n = r < 0.5 ? int(24) : r < 0.75 ? 60 + int(10) : r < 0.9 ? 2000 + int(100) : 2100 + int(10_000);
    return new Uint8Array(n).map(() => int(256));
  };
  const slot = (db: number, k: Uint8Array) => model[db].get(id(k));
  const ttlOf = () => T0 + int(1_000_000);

  function step(): void {
    const db = int(dbs);
    const r = rnd();
    if (r < 0.12) {
      const k = keyOf("str");
      const v = valueOf();
      const kind = int(3);
      const cur = slot(db, k);
      if (kind === 0 || cur === undefined) {
        op = `SET ${id(k)} (${v.length} bytes)`;
        s.set(db, k, v, 0, -1);
        model[db].set(id(k), { val: { t: "string", v }, ttl: -1 });
      } else if (kind === 1) {
        op = `APPEND ${id(k)} (${v.length} bytes)`;
        s.append(db, k, v);
        const old = (cur.val as { v: Uint8Array }).v;
        const n = new Uint8Array(old.length + v.length);
        n.set(old);
        n.set(v, old.length);
        cur.val = { t: "string", v: n };
      } else {
        const off = int(3000);
        op = `SETRANGE ${id(k)} ${off} (${v.length} bytes)`;
        s.setRange(db, k, off, v);
        if (v.length > 0) {
          const old = (cur.val as { v: Uint8Array }).v;
          const n = new Uint8Array(Math.max(old.length, off + v.length));
          n.set(old);
          n.set(v, off);
          cur.val = { t: "string", v: n };
        }
      }
    } else if (r < 0.24) {
      // TTL changes on any key, large strings and collections included
      const k = keyOf(pick(PREFIXES));
      const cur = slot(db, k);
      if (rnd() < 0.5) {
        const at = ttlOf();
        op = `PEXPIREAT ${id(k)} ${at}`;
        assert.equal(s.setExpire(db, k, at), cur !== undefined);
        if (cur) cur.ttl = at;
      } else {
        op = `PERSIST ${id(k)}`;
        assert.equal(s.persist(db, k), cur !== undefined && cur.ttl >= 0);
        if (cur) cur.ttl = -1;
      }
    } else if (r < 0.42) {
      const k = keyOf("set");
      const cur = slot(db, k);
      const set = cur ? (cur.val as { v: Map<string, Uint8Array> }).v : new Map<string, Uint8Array>();
      const kind = rnd();
      if (kind < 0.55) {
        const n = rnd() < 0.1 ? 50 + int(300) : 1 + int(8);
        const ms = Array.from({ length: n }, memberOf);
        op = `SADD ${id(k)} (${n} members)`;
        const fresh = new Set(ms.map(id).filter((m) => !set.has(m))).size;
        assert.equal(s.setAddMany(db, k, ms), fresh, op);
        for (const m of ms) set.set(id(m), m);
        if (!cur) model[db].set(id(k), { val: { t: "set", v: set }, ttl: -1 });
      } else if (kind < 0.9) {
        const ms = rnd() < 0.1 && set.size > 0
          ? [...set.values()].filter(() => rnd() < 0.7)
          : Array.from({ length: 1 + int(6) }, memberOf);
        op = `SREM ${id(k)} (${ms.length} members)`;
        let removed = 0;
        for (const m of ms) {
          if (set.size === 0) break; // SREM stops once the key is gone
          if (set.delete(id(m))) removed++;
        }
        assert.equal(s.setRemoveMany(db, k, ms), removed, op);
        if (cur && set.size === 0) model[db].delete(id(k));
      } else {
        const d = keyOf("set");
        const m = set.size > 0 && rnd() < 0.8 ? pick([...set.values()]) : memberOf();
        op = `SMOVE ${id(k)} ${id(d)} ${id(m)}`;
        const has = set.has(id(m));
        const expected = !cur ? 0 : has ? 1 : 0;
        assert.equal(s.setMove(db, k, d, m), expected, op);
        if (cur && has && id(k) !== id(d)) {
          set.delete(id(m));
          if (set.size === 0) model[db].delete(id(k));
          const ds = slot(db, d);
          if (ds) (ds.val as { v: Map<string, Uint8Array> }).v.set(id(m), m);
          else model[db].set(id(d), { val: { t: "set", v: new Map([[id(m), m]]) }, ttl: -1 });
        }
      }
    } else if (r < 0.6) {
      const k = keyOf("hash");
      const cur = slot(db, k);
      type F = { f: Uint8Array; v: Uint8Array; ttl: number };
      const h = cur ? (cur.val as { v: Map<string, F> }).v : new Map<string, F>();
      const kind = rnd();
      const f = h.size > 0 && rnd() < 0.5 ? pick([...h.values()]).f : memberOf();
      if (kind < 0.5) {
        const v = rnd() < 0.85 ? b(`v${int(1000)}`) : valueOf();
        op = `HSET ${id(k)} ${id(f)} (${v.length} bytes)`;
        assert.equal(s.hashSet(db, k, f, v), !h.has(id(f)), op);
        h.set(id(f), { f, v, ttl: -1 });
        if (!cur) model[db].set(id(k), { val: { t: "hash", v: h }, ttl: -1 });
      } else if (kind < 0.7) {
        op = `HDEL ${id(k)} ${id(f)}`;
        assert.equal(s.hashDelete(db, k, f), h.delete(id(f)), op);
        if (cur && h.size === 0) model[db].delete(id(k));
      } else if (kind < 0.85) {
        const at = ttlOf();
        op = `HPEXPIREAT ${id(k)} ${at} ${id(f)}`;
        const e = h.get(id(f));
        assert.equal(s.hashSetFieldExpire(db, k, f, at, HFE_NONE), e ? 1 : -2, op);
        if (e) e.ttl = at;
      } else {
        op = `HPERSIST ${id(k)} ${id(f)}`;
        const e = h.get(id(f));
        assert.equal(s.hashPersistField(db, k, f), e ? (e.ttl >= 0 ? 1 : -1) : -2, op);
        if (e) e.ttl = -1;
      }
    } else if (r < 0.76) {
      const k = keyOf("zset");
      const cur = slot(db, k);
      type M = { m: Uint8Array; s: number };
      const z = cur ? (cur.val as { v: Map<string, M> }).v : new Map<string, M>();
      const kind = rnd();
      if (kind < 0.6) {
        const n = rnd() < 0.1 ? 40 + int(150) : 1 + int(4);
        op = `ZADD ${id(k)} (${n} members)`;
        for (let i = 0; i < n; i++) {
          const m = z.size > 0 && rnd() < 0.3 ? pick([...z.values()]).m : memberOf();
          const score = int(41) - 20 + (rnd() < 0.2 ? 0.5 : 0);
          s.zsetAdd(db, k, m, score, 0);
          z.set(id(m), { m, s: score });
        }
        if (!cur) model[db].set(id(k), { val: { t: "zset", v: z }, ttl: -1 });
      } else if (kind < 0.8) {
        const m = z.size > 0 && rnd() < 0.7 ? pick([...z.values()]).m : memberOf();
        op = `ZREM ${id(k)} ${id(m)}`;
        assert.equal(s.zsetRemove(db, k, m), z.delete(id(m)), op);
        if (cur && z.size === 0) model[db].delete(id(k));
      } else if (kind < 0.9) {
        const max = rnd() < 0.5;
        const count = 1 + int(rnd() < 0.2 ? 60 : 3);
        op = `ZPOP${max ? "MAX" : "MIN"} ${id(k)} ${count}`;
        const order = sortedZset(z);
        const gone = max ? order.slice(-count) : order.slice(0, count);
        assert.equal(s.zsetPop(db, k, max, count), cur ? gone.length : 0, op);
        for (const e of gone) z.delete(id(e.m));
        if (cur && z.size === 0) model[db].delete(id(k));
      } else {
        const start = int(20) - 5;
        const stop = start + int(30);
        op = `ZREMRANGEBYRANK ${id(k)} ${start} ${stop}`;
        const order = sortedZset(z);
        const n = order.length;
        let a = start < 0 ? start + n : start;
        let e = stop < 0 ? stop + n : stop;
        if (a < 0) a = 0;
        if (e >= n) e = n - 1;
        const gone = a > e || a >= n ? [] : order.slice(a, e + 1);
        assert.equal(s.zsetRemoveRange(db, k, { by: "rank", start, stop }), gone.length, op);
        for (const x of gone) z.delete(id(x.m));
        if (cur && z.size === 0) model[db].delete(id(k));
      }
    } else if (r < 0.88) {
      const k = keyOf("list");
      const cur = slot(db, k);
      const l = cur ? (cur.val as { v: Uint8Array[] }).v : [];
      const kind = rnd();
      if (kind < 0.55) {
        const n = rnd() < 0.1 ? 100 + int(400) : 1 + int(5);
        const tail = rnd() < 0.5;
        op = `${tail ? "R" : "L"}PUSH ${id(k)} (${n} values)`;
        for (let i = 0; i < n; i++) {
          const v = rnd() < 0.9 ? b(`e${int(50)}`) : valueOf();
          s.listPush(db, k, v, tail, false);
          if (tail) l.push(v);
          else l.unshift(v);
        }
        if (!cur) model[db].set(id(k), { val: { t: "list", v: l }, ttl: -1 });
      } else if (kind < 0.75) {
        const tail = rnd() < 0.5;
        op = `${tail ? "R" : "L"}POP ${id(k)}`;
        const got = s.listPop(db, k, tail);
        const want = tail ? l.pop() : l.shift();
        assert.deepEqual(got, want ?? null, op);
        if (cur && l.length === 0) model[db].delete(id(k));
      } else if (kind < 0.88) {
        const v = b(`e${int(50)}`);
        op = `LREM ${id(k)} 0 ${id(v)}`;
        const keep = l.filter((x) => compareBytes(x, v) !== 0);
        assert.equal(s.listRemove(db, k, 0, v), l.length - keep.length, op);
        l.splice(0, l.length, ...keep);
        if (cur && l.length === 0) model[db].delete(id(k));
      } else {
        const start = int(10) - 3;
        const stop = int(400) - 20;
        op = `LTRIM ${id(k)} ${start} ${stop}`;
        s.listTrim(db, k, start, stop);
        const n = l.length;
        let a = start < 0 ? start + n : start;
        let e = stop < 0 ? stop + n : stop;
        if (a < 0) a = 0;
        if (e >= n) e = n - 1;
        const kept = a > e || a >= n ? [] : l.slice(a, e + 1);
        l.splice(0, l.length, ...kept);
        if (cur && l.length === 0) model[db].delete(id(k));
      }
    } else {
      // keyspace moves within one type's keys
      const p = pick(PREFIXES);
      const k = keyOf(p);
      const cur = slot(db, k);
      const kind = rnd();
      if (kind < 0.3) {
        const d = keyOf(p);
        op = `RENAME ${id(k)} ${id(d)}`;
        assert.equal(s.rename(db, k, d, false), cur ? 1 : -1, op);
        if (cur && id(k) !== id(d)) {
          model[db].delete(id(k));
          model[db].set(id(d), cur);
        }
      } else if (kind < 0.55) {
        const dstDb = int(dbs);
        const d = keyOf(p);
        if (dstDb === db && id(d) === id(k)) return;
        op = `COPY ${id(k)} ${id(d)} DB ${dstDb} REPLACE`;
        assert.equal(s.copy(db, k, dstDb, d, true), cur !== undefined, op);
        if (cur) model[dstDb].set(id(d), { val: cloneVal(cur.val), ttl: cur.ttl });
      } else if (kind < 0.75) {
        const dstDb = (db + 1 + int(dbs - 1)) % dbs;
        op = `MOVE ${id(k)} ${dstDb}`;
        const ok = cur !== undefined && !model[dstDb].has(id(k));
        assert.equal(s.move(db, k, dstDb), ok, op);
        if (ok) {
          model[db].delete(id(k));
          model[dstDb].set(id(k), cur!);
        }
      } else {
        op = `DEL ${id(k)}`;
        assert.equal(s.del(db, k), model[db].delete(id(k)), op);
      }
    }
  }

  for (let i = 1; i <= ops; i++) {
    step();
    if (rnd() < 0.4) s.rehash(1);
    if (i % checkEvery === 0) assertConsistent(s, `seed ${seed}, after op ${i} (${op})`);
    if (i % compareEvery === 0) compareAll(s, model, `seed ${seed}, after op ${i} (${op})`);
  }
  assertConsistent(s, `seed ${seed}, end`);
  compareAll(s, model, `seed ${seed}, end`);
}

function sortedZset(z: Map<string, { m: Uint8Array; s: number }>): { m: Uint8Array; s: number }[] {
  return [...z.values()].sort((x, y) => x.s - y.s || compareBytes(x.m, y.m));
}

function compareAll(s: Store, model: Map<string, Slot>[], when: string): void {
  model.forEach((keys, db) => {
    assert.equal(s.dbSize(db), keys.size, `db ${db} size ${when}`);
    for (const [k, { val, ttl }] of keys) {
      const what = `db ${db} ${k} ${when}`;
      const type = s.find(db, unid(k));
      assert.equal(type, ValueType[val.t], what);
      assert.equal(s.foundExpireAt, ttl, `TTL of ${what}`);
      switch (val.t) {
        case "string":
          assert.deepEqual(s.foundBytes(), val.v, what);
          break;
        case "set": {
          const want = [...val.v.values()].sort(compareBytes);
          assert.equal(s.foundSetCard(), want.length, what);
          assert.deepEqual(s.foundSetMembers(), want, what);
          break;
        }
        case "hash": {
          const want = [...val.v.values()].sort((x, y) => compareBytes(x.f, y.f));
          const got = s.foundHashEntries();
          assert.deepEqual(got.fields, want.map((e) => e.f), what);
          assert.deepEqual(got.values, want.map((e) => e.v), what);
          assert.deepEqual(got.expireAts, want.map((e) => e.ttl), what);
          break;
        }
        case "zset": {
          const want = sortedZset(val.v);
          const got = s.foundZsetRange({ by: "rank", start: 0, stop: -1 });
          assert.deepEqual(got.members, want.map((e) => e.m), what);
          assert.deepEqual(got.scores, want.map((e) => e.s), what);
          break;
        }
        case "list":
          assert.deepEqual(s.foundListRange(0, -1), val.v, what);
          break;
      }
    }
  });
}

describe("store: randomized workload against a JS model, checked for consistency", () => {
  for (const seed of [1, 7, 424242, 20250603]) {
    it(`seed ${seed}`, () => runModel(seed, 6000, 20, 500));
  }
});
