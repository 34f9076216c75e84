// Unit tests of the store's ordered access (assembly/order.ts, order_cache.ts through src/_wasm/store.ts):
// foundSetAfter / foundHashAfter / foundZsetAfter / keysAfter against sorted JS models, over packed and
// hashed encodings, binary members, anchors present and absent, both directions and every count; the
// sorted-index cache under writes between steps, deletes, FLUSHDB, SWAPDB, many cached dicts (LRU) and
// a memory cap that forces the selection fallback. debugCheck() after each phase.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { Store, ValueType } from "../../src/_wasm/store.ts";
import { StoreFullError, WrongTypeError } from "../../src/errors.ts";
import { seededRandom } from "../_support/random.ts";

const te = new TextEncoder();
const b = (s: string) => te.encode(s);
const hex = (u: Uint8Array) => Array.from(u, (x) => x.toString(16).padStart(2, "0")).join("");

/** memcmp order, shorter first on a common prefix (the store's byte order). */
function compareBytes(x: Uint8Array, y: Uint8Array): number {
  const n = Math.min(x.length, y.length);
  for (let i = 0; i < n; i++) if (x[i] !== y[i]) return x[i] - y[i];
  return x.length - y.length;
}

/** The store's (score, member) order: -0 equals 0, then bytes. */
function compareScored(s1: number, m1: Uint8Array, s2: number, m2: Uint8Array): number {
  if (s1 < s2) return -1;
  if (s1 > s2) return 1;
  return compareBytes(m1, m2);
}

function assertCheck(s: Store, phase: string): void {
  assert.equal(s.debugCheck(), null, `debugCheck after ${phase}`);
}

/** Random byte strings: short, shared prefixes, NUL, 0xff, invalid UTF-8; some longer than 64 bytes. */
function memberMaker(rnd: () => number, longOnes: boolean): () => Uint8Array {
  const prefixes = [
    new Uint8Array(0),
    b("user:"),
    new Uint8Array([0]),
    new Uint8Array([0xff, 0xfe]),
    b("abcdefghijklmnop"),
  ];
  return () => {
    const prefix = prefixes[Math.floor(rnd() * prefixes.length)];
    const len = longOnes && rnd() < 0.05 ? 65 + Math.floor(rnd() * 40) : Math.floor(rnd() * 12);
    const out = new Uint8Array(prefix.length + len);
    out.set(prefix, 0);
    for (let i = 0; i < len; i++) {
      const r = rnd();
      out[prefix.length + i] = r < 0.1
        ? 0
        : r < 0.2
        ? 0xff
        : r < 0.6
        ? 0x61 + Math.floor(rnd() * 4)
        : Math.floor(rnd() * 256);
    }
    return out;
  };
}

/** Position of the first item whose key is > anchor (strict) or >= anchor, in sorted items. */
function boundOf<T>(sorted: T[], keyOf: (t: T) => Uint8Array, anchor: Uint8Array, strict: boolean): number {
  let lo = 0, hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const c = compareBytes(keyOf(sorted[mid]), anchor);
    if (c < 0 || (strict && c === 0)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Model of byte-ordered "after" over sorted items. */
function modelAfter<T>(
  sorted: T[],
  keyOf: (t: T) => Uint8Array,
  anchor: Uint8Array | null,
  reverse: boolean,
  count: number,
): T[] {
  if (!reverse) {
    const from = anchor === null ? 0 : boundOf(sorted, keyOf, anchor, true);
    return sorted.slice(from, from + count);
  }
  const end = anchor === null ? sorted.length : boundOf(sorted, keyOf, anchor, false);
  return sorted.slice(Math.max(0, end - count), end).reverse();
}

/** Anchors to try for a sorted list of keys: none, every kind of present one, absent ones around them. */
function anchorsFor(sorted: Uint8Array[], rnd: () => number, make: () => Uint8Array): (Uint8Array | null)[] {
  const out: (Uint8Array | null)[] = [null, new Uint8Array(0), new Uint8Array([0]), new Uint8Array([0xff, 0xff, 0xff])];
  if (sorted.length > 0) {
    out.push(sorted[0], sorted[sorted.length - 1]);
    for (let i = 0; i < 6; i++) {
      const k = sorted[Math.floor(rnd() * sorted.length)];
      out.push(k);
      out.push(new Uint8Array([...k, 0])); // just after k
      if (k.length > 0) out.push(k.subarray(0, k.length - 1)); // a prefix: just before k (or present)
    }
  }
  for (let i = 0; i < 4; i++) out.push(make());
  return out;
}

function countsFor(n: number, rnd: () => number): number[] {
  const counts = new Set([1, 2, 3, n, n + 1, n + 5]);
  for (let i = 0; i < 4; i++) counts.add(1 + Math.floor(rnd() * (n + 5)));
  return [...counts].filter((c) => c >= 1);
}

function uniqueSorted(items: Uint8Array[]): Uint8Array[] {
  const seen = new Map<string, Uint8Array>();
  for (const m of items) seen.set(hex(m), m);
  return [...seen.values()].sort(compareBytes);
}

// ---------------------------------------------------------------- sets

describe("ordered access: sets", () => {
  it("foundSetAfter matches the model on packed and hashed sets of every size", () => {
    const rnd = seededRandom(101);
    const s = new Store();
    const encodings = new Set<string>();
    for (const size of [1, 2, 5, 60, 128, 129, 300, 1500]) {
      const make = memberMaker(rnd, size > 128);
      const key = b(`set:${size}`);
      const distinct = new Map<string, Uint8Array>();
      while (distinct.size < size) {
        const m = make();
        if (size <= 128 && m.length > 64) continue; // keep the small ones packed
        distinct.set(hex(m), m);
      }
      const model = uniqueSorted([...distinct.values()]);
      assert.equal(s.setAddMany(0, key, model), model.length);
      s.find(0, key);
      encodings.add(s.foundSetEncoding());
      for (const anchor of anchorsFor(model, rnd, make)) {
        for (const reverse of [false, true]) {
          for (const count of countsFor(model.length, rnd)) {
            assert.equal(s.find(0, key), ValueType.set);
            const got = s.foundSetAfter(anchor, reverse, count).map(hex);
            const want = modelAfter(model, (m) => m, anchor, reverse, count).map(hex);
            assert.deepEqual(
              got,
              want,
              `size ${size} anchor ${anchor && hex(anchor)} reverse ${reverse} count ${count}`,
            );
          }
        }
      }
      // a full walk in steps gives every member once, in order, both ways
      for (const reverse of [false, true]) {
        const walked: string[] = [];
        let anchor: Uint8Array | null = null;
        for (;;) {
          s.find(0, key);
          const step: Uint8Array[] = s.foundSetAfter(anchor, reverse, 7);
          if (step.length === 0) break;
          walked.push(...step.map(hex));
          anchor = step[step.length - 1];
        }
        const want = model.map(hex);
        assert.deepEqual(walked, reverse ? want.reverse() : want);
      }
      assertCheck(s, `sets of ${size}`);
    }
    assert.deepEqual([...encodings].sort(), ["hashtable", "listpack"]);
  });

  it("string anchors, count 0 / negative / fractional, no key, wrong type", () => {
    const s = new Store();
    for (const m of ["b", "a", "c", "ключ"]) s.setAdd(0, b("s"), b(m));
    s.find(0, "s");
    assert.deepEqual(s.foundSetAfter("a", false, 2).map((x) => new TextDecoder().decode(x)), ["b", "c"]);
    assert.deepEqual(s.foundSetAfter("c", false, 5).map((x) => new TextDecoder().decode(x)), ["ключ"]);
    assert.deepEqual(s.foundSetAfter("ключ", false, 5), []);
    assert.deepEqual(s.foundSetAfter(null, true, 1).map((x) => new TextDecoder().decode(x)), ["ключ"]);
    assert.deepEqual(s.foundSetAfter(null, false, 0), []);
    assert.deepEqual(s.foundSetAfter(null, false, -3), []);
    assert.deepEqual(s.foundSetAfter(null, false, NaN), []);
    assert.equal(s.foundSetAfter(null, false, 2.7).length, 2);
    s.find(0, "absent");
    assert.deepEqual(s.foundSetAfter(null, false, 3), []);
    s.hashSet(0, b("h"), b("f"), b("v"));
    s.find(0, "h");
    assert.throws(() => s.foundSetAfter(null, false, 3), WrongTypeError);
    assert.throws(() => s.foundZsetAfter(null, false, 3), WrongTypeError);
    s.find(0, "s");
    assert.throws(() => s.foundHashAfter(null, false, 3), WrongTypeError);
  });
});

// ---------------------------------------------------------------- hashes

describe("ordered access: hashes", () => {
  it("foundHashAfter gives fields in byte order with their values and TTLs", () => {
    const rnd = seededRandom(202);
    const s = new Store();
    const encodings = new Set<string>();
    for (const size of [1, 3, 40, 128, 129, 700]) {
      const make = memberMaker(rnd, size > 128);
      const key = b(`hash:${size}`);
      const model = new Map<string, { field: Uint8Array; value: Uint8Array; ttl: number }>();
      while (model.size < size) {
        const field = make();
        if (size <= 128 && field.length > 64) continue;
        const value = make().subarray(0, 60);
        s.hashSet(0, key, field, value);
        model.set(hex(field), { field, value, ttl: -1 });
      }
      for (const e of model.values()) {
        if (rnd() < 0.3) {
          e.ttl = 1_000_000 + Math.floor(rnd() * 1e9);
          assert.equal(s.hashSetFieldExpire(0, key, e.field, e.ttl, 0), 1);
        }
      }
      s.find(0, key);
      encodings.add(s.foundHashEncoding()!);
      const sorted = [...model.values()].sort((x, y) => compareBytes(x.field, y.field));
      const keys = sorted.map((e) => e.field);
      for (const anchor of anchorsFor(keys, rnd, make)) {
        for (const reverse of [false, true]) {
          for (const count of countsFor(size, rnd)) {
            s.find(0, key);
            const got = s.foundHashAfter(anchor, reverse, count);
            const want = modelAfter(sorted, (e) => e.field, anchor, reverse, count);
            const label = `size ${size} anchor ${anchor && hex(anchor)} reverse ${reverse} count ${count}`;
            assert.deepEqual(got.fields.map(hex), want.map((e) => hex(e.field)), label);
            assert.deepEqual(got.values.map(hex), want.map((e) => hex(e.value)), label);
            assert.deepEqual(got.expireAts, want.map((e) => e.ttl), label);
          }
        }
      }
      assertCheck(s, `hashes of ${size}`);
    }
    assert.deepEqual([...encodings].sort(), ["hashtable", "listpack"]);
  });

  it("values rewritten in place or moved (longer values, TTL changes) are read fresh from a cached index", () => {
    const s = new Store();
    const key = b("h");
    for (let i = 0; i < 300; i++) s.hashSet(0, key, b(`f${String(i).padStart(3, "0")}`), b("v"));
    s.find(0, key);
    assert.equal(s.foundHashAfter(null, false, 2).fields.length, 2); // builds and caches the index
    s.hashSet(0, key, b("f000"), b("x".repeat(3000))); // a new, larger entry block
    s.hashSet(0, key, b("f001"), b("w")); // rewritten in place
    s.hashSetFieldExpire(0, key, b("f002"), 12345, 0);
    s.find(0, key);
    const got = s.foundHashAfter(null, false, 3);
    assert.deepEqual(got.values.map((v) => v.length), [3000, 1, 1]);
    assert.equal(new TextDecoder().decode(got.values[1]), "w");
    assert.deepEqual(got.expireAts, [-1, -1, 12345]);
    assertCheck(s, "rewrites");
  });
});

// ---------------------------------------------------------------- sorted sets

describe("ordered access: sorted sets", () => {
  it("foundZsetAfter follows (score, member) order on packed zsets and skiplists", () => {
    const rnd = seededRandom(303);
    const s = new Store();
    const encodings = new Set<string>();
    const scorePool = [-Infinity, -2.5, -0, 0, 1, 1, 1, 3.14159, 1e300, Infinity];
    for (const size of [1, 4, 50, 128, 129, 1000]) {
      const make = memberMaker(rnd, size > 128);
      const key = b(`z:${size}`);
      const model = new Map<string, { member: Uint8Array; score: number }>();
      while (model.size < size) {
        const member = make();
        if (size <= 128 && member.length > 64) continue;
        const score = rnd() < 0.6 ? scorePool[Math.floor(rnd() * scorePool.length)] : Math.floor(rnd() * 20) / 4;
        s.zsetAdd(0, key, member, score, 0);
        model.set(hex(member), { member, score: s.zsetLastScore });
      }
      s.find(0, key);
      encodings.add(s.foundZsetEncoding());
      const sorted = [...model.values()].sort((x, y) => compareScored(x.score, x.member, y.score, y.member));
      const anchors: ({ score: number; member: Uint8Array } | null)[] = [null];
      for (let i = 0; i < 12; i++) {
        const e = sorted[Math.floor(rnd() * sorted.length)];
        anchors.push(e); // present
        anchors.push({ score: e.score, member: new Uint8Array([...e.member, 0]) }); // absent, same score
        anchors.push({ score: e.score === 0 ? -0 : e.score, member: new Uint8Array(0) }); // before every tie
        anchors.push({ score: scorePool[Math.floor(rnd() * scorePool.length)], member: make() });
      }
      anchors.push({ score: -Infinity, member: new Uint8Array(0) }, {
        score: Infinity,
        member: new Uint8Array([0xff]),
      });
      for (const anchor of anchors) {
        for (const reverse of [false, true]) {
          for (const count of countsFor(size, rnd)) {
            s.find(0, key);
            const got = s.foundZsetAfter(anchor, reverse, count);
            let want = sorted.filter((e) =>
              anchor === null ||
              (reverse
                ? compareScored(e.score, e.member, anchor.score, anchor.member) < 0
                : compareScored(e.score, e.member, anchor.score, anchor.member) > 0)
            );
            want = reverse ? want.slice(Math.max(0, want.length - count)).reverse() : want.slice(0, count);
            const label = `size ${size} anchor ${
              anchor && `${anchor.score}/${hex(anchor.member)}`
            } ${reverse} ${count}`;
            assert.deepEqual(got.members.map(hex), want.map((e) => hex(e.member)), label);
            assert.deepEqual(got.scores, want.map((e) => e.score), label);
          }
        }
      }
      assertCheck(s, `zsets of ${size}`);
    }
    assert.deepEqual([...encodings].sort(), ["listpack", "skiplist"]);
  });

  it("a NaN anchor score is refused; no key gives nothing", () => {
    const s = new Store();
    s.zsetAdd(0, b("z"), b("a"), 1, 0);
    s.find(0, "z");
    assert.throws(() => s.foundZsetAfter({ score: NaN, member: "a" }, false, 1), /not a float/);
    assert.deepEqual(s.foundZsetAfter({ score: 1, member: "a" }, false, 1), { members: [], scores: [] });
    assert.deepEqual(s.foundZsetAfter({ score: 1, member: "" }, false, 1).members.map(hex), [hex(b("a"))]);
    s.find(0, "nope");
    assert.deepEqual(s.foundZsetAfter(null, false, 1), { members: [], scores: [] });
  });
});

// ---------------------------------------------------------------- keys and the index cache

/** Adds keys of mixed types to db; returns their names. */
function fillKeys(s: Store, db: number, n: number, rnd: () => number, make: () => Uint8Array): Uint8Array[] {
  const names: Uint8Array[] = [];
  for (let i = 0; i < n; i++) {
    const k = make();
    const kind = Math.floor(rnd() * 4);
    s.del(db, k); // a repeated name may hold another type
    if (kind === 0) s.set(db, k, b("v"), 0, rnd() < 0.2 ? 1 : -1); // some already expired: still listed
    else if (kind === 1) s.setAdd(db, k, b("m"));
    else if (kind === 2) s.hashSet(db, k, b("f"), b("v"));
    else s.zsetAdd(db, k, b("m"), 1, 0);
    names.push(k);
  }
  return uniqueSorted(names);
}

describe("ordered access: keys and the sorted-index cache", () => {
  it("keysAfter matches the model; bad db and empty db give nothing", () => {
    const rnd = seededRandom(404);
    const make = memberMaker(rnd, true);
    const s = new Store();
    const keys = fillKeys(s, 3, 2000, rnd, make);
    for (const anchor of anchorsFor(keys, rnd, make)) {
      for (const reverse of [false, true]) {
        for (const count of [1, 2, 10, 255, 256, 257, 1000, keys.length + 3]) {
          const got = s.keysAfter(3, anchor, reverse, count).map(hex);
          assert.deepEqual(
            got,
            modelAfter(keys, (k) => k, anchor, reverse, count).map(hex),
            `${anchor && hex(anchor)}`,
          );
        }
      }
    }
    assert.deepEqual(s.keysAfter(0, null, false, 10), []);
    assert.deepEqual(s.keysAfter(99, null, false, 10), []);
    assert.deepEqual(s.keysAfter(-1, null, false, 10), []);
    assert.ok(s.orderIndexBytes() >= keys.length * 4);
    assertCheck(s, "keysAfter");
  });

  it("writes between steps: every step answers for the data as it is then", () => {
    const rnd = seededRandom(505);
    const make = memberMaker(rnd, true);
    const s = new Store();
    const key = b("s");
    const members = new Map<string, Uint8Array>();
    const add = (m: Uint8Array) => {
      s.setAdd(0, key, m);
      members.set(hex(m), m);
    };
    const remove = (m: Uint8Array) => {
      s.setRemove(0, key, m);
      members.delete(hex(m));
    };
    for (let i = 0; i < 400; i++) add(make());
    const dbModel = new Map<string, Uint8Array>();
    for (let round = 0; round < 4; round++) {
      for (const reverse of [false, true]) {
        let anchor: Uint8Array | null = null;
        for (let step = 0; step < 200; step++) {
          s.find(0, key);
          const got = s.foundSetAfter(anchor, reverse, 5);
          const sorted = [...members.values()].sort(compareBytes);
          assert.deepEqual(got.map(hex), modelAfter(sorted, (m) => m, anchor, reverse, 5).map(hex), `step ${step}`);
          if (got.length === 0) break;
          anchor = got[got.length - 1];
          // writes that add, remove (also the anchor itself) or replace keys, touching the cached dicts
          const r = rnd();
          if (r < 0.4) add(make());
          else if (r < 0.7 && members.size > 150) remove([...members.values()][Math.floor(rnd() * members.size)]);
          else if (r < 0.8) remove(anchor);
          const k = make();
          s.set(1, k, b("x".repeat(Math.floor(rnd() * 3000))), 0, -1); // new or reallocated entries in db 1
          dbModel.set(hex(k), k);
          const dbSorted = [...dbModel.values()].sort(compareBytes);
          const probe = dbSorted[Math.floor(rnd() * dbSorted.length)];
          assert.deepEqual(
            s.keysAfter(1, probe, reverse, 3).map(hex),
            modelAfter(dbSorted, (m) => m, probe, reverse, 3).map(hex),
          );
        }
      }
      // mass removal shrinks the table (rehash in progress while iterating)
      for (const m of [...members.values()].slice(0, 200)) remove(m);
      for (let i = 0; i < 250; i++) add(make());
    }
    assertCheck(s, "writes between steps");
  });

  it("bursts of writes between reads: the cached index is patched from its log (or rebuilt past it)", () => {
    const rnd = seededRandom(707);
    const s = new Store();
    const model = new Map<string, Uint8Array>(); // db 0 keys
    const fields = new Map<string, Uint8Array>(); // fields of hash "h" in db 1
    const name = (i: number) => b(`k${String(i).padStart(5, "0")}`);
    for (let i = 0; i < 3000; i += 2) {
      s.set(0, name(i), b("v"), 0, -1);
      model.set(hex(name(i)), name(i));
      s.hashSet(1, b("h"), name(i), b("v"));
      fields.set(hex(name(i)), name(i));
    }
    const check = (label: string) => {
      const sorted = [...model.values()].sort(compareBytes);
      const probes = [null, sorted[0], sorted[Math.floor(rnd() * sorted.length)], name(Math.floor(rnd() * 3000))];
      for (const probe of probes) {
        for (const reverse of [false, true]) {
          const count = 1 + Math.floor(rnd() * 40);
          assert.deepEqual(
            s.keysAfter(0, probe, reverse, count).map(hex),
            modelAfter(sorted, (k) => k, probe, reverse, count).map(hex),
            `${label} keys ${probe && hex(probe)} ${reverse} ${count}`,
          );
        }
      }
      const fsorted = [...fields.values()].sort(compareBytes);
      const probe = fsorted[Math.floor(rnd() * fsorted.length)];
      s.find(1, "h");
      const got = s.foundHashAfter(probe, false, 25);
      assert.deepEqual(
        got.fields.map(hex),
        modelAfter(fsorted, (k) => k, probe, false, 25).map(hex),
        `${label} fields`,
      );
    };
    check("start");
    for (let round = 0; round < 60; round++) {
      // burst sizes from none to past the log limit (a 32nd of the index, at least 256 words)
      const burst = [0, 1, 2, 5, 30, 120, 400][round % 7];
      for (let w = 0; w < burst; w++) {
        const i = Math.floor(rnd() * 3000);
        const k = name(i);
        const r = rnd();
        if (r < 0.3) {
          s.set(0, k, b("v"), 0, -1);
          model.set(hex(k), k);
        } else if (r < 0.55) {
          s.del(0, k);
          model.delete(hex(k));
        } else if (r < 0.7 && model.has(hex(k))) {
          // a longer value or a TTL reallocates the entry: the dict replaces it (same key, new address)
          s.set(0, k, b("x".repeat(Math.floor(rnd() * 4000))), 0, -1);
          s.setExpire(0, k, 4_000_000_000_000);
        } else if (r < 0.8) {
          // remove then re-add at once: the allocator hands the same block back (address reuse)
          s.del(0, k);
          s.set(0, k, b("v"), 0, -1);
          model.set(hex(k), k);
        } else if (r < 0.9) {
          s.hashSet(1, b("h"), k, b("y".repeat(Math.floor(rnd() * 200))));
          fields.set(hex(k), k);
        } else if (fields.size > 1) {
          s.hashDelete(1, b("h"), k);
          fields.delete(hex(k));
        }
      }
      check(`round ${round} burst ${burst}`);
    }
    assert.ok(s.orderIndexBytes() > 0);
    assertCheck(s, "bursts");
  });

  it("DEL, FLUSHDB, SWAPDB, RENAME, MOVE of a cached key or db", () => {
    const s = new Store();
    const big = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => b(`${prefix}${i}`));
    s.setAddMany(0, b("k"), big("a", 500));
    s.find(0, "k");
    assert.deepEqual(s.foundSetAfter(null, false, 1).map(hex), [hex(b("a0"))]);
    // the freed set's blocks are reused by a new one: its index must not be the old one's
    s.del(0, b("k"));
    assert.equal(s.orderIndexBytes(), 0, "dropping the set drops its index");
    s.setAddMany(0, b("k"), big("b", 500));
    s.find(0, "k");
    assert.deepEqual(s.foundSetAfter(null, false, 2).map(hex), [hex(b("b0")), hex(b("b1"))]);
    for (let i = 0; i < 300; i++) s.set(2, b(`key${i}`), b("v"), 0, -1);
    for (let i = 0; i < 100; i++) s.set(3, b(`other${i}`), b("v"), 0, -1);
    assert.equal(s.keysAfter(2, null, false, 1)[0].length, 4);
    s.swapDb(2, 3);
    assert.deepEqual(s.keysAfter(2, null, false, 1).map(hex), [hex(b("other0"))]);
    assert.deepEqual(s.keysAfter(3, null, false, 1).map(hex), [hex(b("key0"))]);
    s.flushDb(2);
    assert.deepEqual(s.keysAfter(2, null, false, 5), []);
    for (let i = 0; i < 300; i++) s.set(2, b(`new${i}`), b("v"), 0, -1);
    assert.deepEqual(s.keysAfter(2, b("new0"), false, 1).map(hex), [hex(b("new1"))]);
    assert.equal(s.rename(3, b("key0"), b("zzz"), false), 1);
    assert.deepEqual(s.keysAfter(3, null, false, 1).map(hex), [hex(b("key1"))]);
    assert.deepEqual(s.keysAfter(3, null, true, 1).map(hex), [hex(b("zzz"))]);
    assert.equal(s.move(3, b("zzz"), 2), true);
    assert.deepEqual(s.keysAfter(3, null, true, 1).map(hex), [hex(b("key99"))]);
    assert.deepEqual(s.keysAfter(2, null, true, 1).map(hex), [hex(b("zzz"))]);
    s.flushAll();
    assert.deepEqual(s.keysAfter(2, null, false, 5), []);
    assert.equal(s.orderIndexBytes(), 0);
    s.ensureDb(40); // the db array moves: cached dict addresses change
    for (let i = 0; i < 200; i++) s.set(1, b(`after${i}`), b("v"), 0, -1);
    assert.deepEqual(s.keysAfter(1, null, false, 1).map(hex), [hex(b("after0"))]);
    s.ensureDb(200);
    s.set(1, b("after"), b("v"), 0, -1);
    assert.deepEqual(s.keysAfter(1, null, false, 1).map(hex), [hex(b("after"))]);
    assertCheck(s, "key operations");
  });

  it("many cached dicts: least recently used indexes are evicted, answers stay right", () => {
    const s = new Store();
    const n = 20;
    for (let k = 0; k < n; k++) {
      s.setAddMany(
        0,
        b(`set${k}`),
        Array.from({ length: 200 + k }, (_, i) => b(`m${k}:${String(i).padStart(4, "0")}`)),
      );
    }
    for (let round = 0; round < 3; round++) {
      for (let k = 0; k < n; k++) {
        s.find(0, `set${k}`);
        const got = s.foundSetAfter(b(`m${k}:0100`), round === 1, 2).map((x) => new TextDecoder().decode(x));
        assert.deepEqual(got, round === 1 ? [`m${k}:0099`, `m${k}:0098`] : [`m${k}:0101`, `m${k}:0102`]);
        assert.ok(s.orderIndexBytes() <= 8 * (200 + n) * 4, `at most 8 indexes: ${s.orderIndexBytes()}`);
      }
      assertCheck(s, `round ${round}`);
    }
    // deleting every set gives the cache's memory back
    for (let k = 0; k < n; k++) s.del(0, b(`set${k}`));
    assert.equal(s.orderIndexBytes(), 0);
    assertCheck(s, "after deletes");
  });

  it("memory cap: without room for an index, selection passes give the same answers", () => {
    // 100k members, then 1.5 MB strings until the cap refuses one; two of them deleted leave free
    // blocks big enough for the output and the consistency check (8 bytes a block) but not for an
    // index build's record arrays (24 bytes a member each)
    const s = new Store({ maxMemoryBytes: 20 << 20 });
    const key = b("s");
    const model: Uint8Array[] = [];
    for (let i = 0; i < 100_000; i++) model.push(b(`member-${String(i * 7).padStart(16, "0")}`));
    assert.equal(s.setAddMany(0, key, model), model.length);
    const pads: string[] = [];
    const padValue = b("p".repeat(1_500_000));
    try {
      for (let i = 0;; i++) {
        s.set(0, b(`pad${i}`), padValue, 0, -1);
        pads.push(`pad${i}`);
      }
    } catch (e) {
      assert.ok(e instanceof StoreFullError, String(e));
    }
    assert.ok(pads.length >= 3, `${pads.length} pads`);
    for (const pad of pads.splice(0, 2)) assert.equal(s.del(0, b(pad)), true);
    model.sort(compareBytes);
    for (const anchor of [null, model[777], b("member-"), b("zzz")]) {
      for (const reverse of [false, true]) {
        for (const count of [1, 256, 257, 600]) {
          s.find(0, key);
          const got = s.foundSetAfter(anchor, reverse, count).map(hex);
          assert.deepEqual(got, modelAfter(model, (m) => m, anchor, reverse, count).map(hex));
        }
      }
    }
    assert.equal(s.orderIndexBytes(), 0, "no index could be built");
    assertCheck(s, "memory cap");
    // small dicts still get an index from the free blocks: the keys of db 0
    const dbKeys = ["s", ...pads].sort();
    assert.deepEqual(s.keysAfter(0, b("pad"), false, 3).map((x) => new TextDecoder().decode(x)), dbKeys.slice(0, 3));
    assert.deepEqual(s.keysAfter(0, null, true, 2).map((x) => new TextDecoder().decode(x)), ["s", dbKeys.at(-2)]);
    assertCheck(s, "memory cap, keys");
  });

  it("the store stays consistent while iterating a dict that is being rehashed", () => {
    const s = new Store();
    const key = b("s");
    const model = new Map<string, Uint8Array>();
    for (let i = 0; i < 2000; i++) {
      const m = b(`r${i * 7919 % 10007}`);
      s.setAdd(0, key, m);
      model.set(hex(m), m);
      if (i % 97 === 0) {
        s.find(0, key);
        const sorted = [...model.values()].sort(compareBytes);
        const anchor = sorted[Math.floor(sorted.length / 2)];
        assert.deepEqual(
          s.foundSetAfter(anchor, false, 4).map(hex),
          modelAfter(sorted, (x) => x, anchor, false, 4).map(hex),
        );
        assert.deepEqual(s.keysAfter(0, null, false, 1).map(hex), [hex(key)]);
      }
    }
    assertCheck(s, "rehash");
  });
});

describe("store: cached indexes give their memory back when memory is full", () => {
  it("a write that finds memory full frees the indexes first", () => {
    const s = new Store({ maxMemoryBytes: 64 << 20 });
    const enc = new TextEncoder();
    for (let i = 0; i < 50_000; i++) s.setAdd(0, enc.encode("big"), enc.encode(`member:${i}`));
    s.find(0, "big");
    assert.equal(s.foundSetAfter(null, false, 5).length, 5);
    assert.ok(s.orderIndexBytes() > 0, "the iteration built an index");
    let written = 0;
    try {
      for (;; written++) s.set(0, enc.encode(`filler:${written}`), new Uint8Array(1000), 0, -1);
    } catch (error) {
      assert.ok(error instanceof StoreFullError, String(error));
    }
    assert.equal(s.orderIndexBytes(), 0, "the index was released before the store reported full");
    assert.ok(written > 1000);
    // (no debugCheck here: the check itself needs fresh memory; the other tests check these structures)
    s.find(0, "big");
    assert.equal(s.foundSetAfter(null, false, 5).length, 5, "iteration still works (fallback without index)");
  });
});
