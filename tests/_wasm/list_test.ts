// Unit tests of the store's lists (assembly/list.ts through src/_wasm/store.ts): the type API, node
// boundaries, values bigger than a node, payload hooks (COPY/RENAME/MOVE/...), memory accounting, and a
// seeded randomized model test against plain JS arrays.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { Store, ValueType } from "../../src/_wasm/store.ts";
import { StoreFullError, VeidrodelisError, WrongTypeError } from "../../src/errors.ts";
import { seededRandom } from "../_support/random.ts";

const te = new TextEncoder();
const td = new TextDecoder();
const b = (s: string) => te.encode(s);
const K = b("k");

function range(s: Store, key: string | Uint8Array, db = 0): string[] | null {
  if (s.find(db, key) !== ValueType.list) return null;
  return s.foundListRange(0, -1).map((x) => td.decode(x));
}

function rpush(s: Store, key: Uint8Array, ...values: string[]): number {
  let n = 0;
  for (const v of values) n = s.listPush(0, key, b(v), true, false);
  return n;
}

function assertArgError(fn: () => unknown, message: string) {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof VeidrodelisError, String(e));
    assert.equal(e.message, message);
    return true;
  });
}

/** A value of `len` bytes whose content depends on `seed` (to catch misplaced bytes). */
function pattern(len: number, seed: number): Uint8Array {
  const v = new Uint8Array(len);
  for (let i = 0; i < len; i++) v[i] = (i * 31 + seed * 7) & 0xff;
  return v;
}

describe("store: lists, basics", () => {
  it("push / pop / length / index / range", () => {
    const s = new Store();
    assert.equal(s.listPush(0, K, b("b"), true, false), 1);
    assert.equal(s.listPush(0, K, b("c"), true, false), 2);
    assert.equal(s.listPush(0, K, b("a"), false, false), 3);
    assert.equal(s.find(0, "k"), ValueType.list);
    assert.equal(s.foundTypeName(), "list");
    assert.equal(s.foundListLength(), 3);
    assert.deepEqual(range(s, "k"), ["a", "b", "c"]);
    assert.equal(s.find(0, "k"), ValueType.list);
    assert.equal(td.decode(s.foundListIndex(0)!), "a");
    assert.equal(td.decode(s.foundListIndex(-1)!), "c");
    assert.equal(td.decode(s.foundListIndex(-3)!), "a");
    assert.equal(s.foundListIndex(3), null);
    assert.equal(s.foundListIndex(-4), null);
    // the found structure survives an index read
    assert.equal(s.foundListLength(), 3);
    assert.deepEqual(s.foundListRange(1, 1).map((x) => td.decode(x)), ["b"]);
    assert.deepEqual(s.foundListRange(-2, 100).map((x) => td.decode(x)), ["b", "c"]);
    assert.deepEqual(s.foundListRange(-100, 0).map((x) => td.decode(x)), ["a"]);
    assert.deepEqual(s.foundListRange(2, 1), []);
    assert.deepEqual(s.foundListRange(3, 5), []);
    assert.deepEqual(s.foundListRange(-1, -2), []);
    assert.equal(td.decode(s.listPop(0, K, false)!), "a");
    assert.equal(td.decode(s.listPop(0, K, true)!), "c");
    assert.equal(td.decode(s.listPop(0, K, true)!), "b");
    assert.equal(s.find(0, "k"), ValueType.none, "an emptied list is deleted");
    assert.equal(s.dbSize(0), 0);
    assert.equal(s.listPop(0, K, true), null);
  });

  it("pushx only on existing lists", () => {
    const s = new Store();
    assert.equal(s.listPush(0, K, b("a"), true, true), 0);
    assert.equal(s.find(0, "k"), ValueType.none);
    s.listPush(0, K, b("a"), true, false);
    assert.equal(s.listPush(0, K, b("b"), true, true), 2);
    assert.equal(s.listPush(0, K, b("z"), false, true), 3);
    assert.deepEqual(range(s, "k"), ["z", "a", "b"]);
  });

  it("binary-safe values: empty, NUL bytes, invalid UTF-8", () => {
    const s = new Store();
    const values = [new Uint8Array(0), new Uint8Array([0, 0, 0]), new Uint8Array([0xff, 0x00, 0x80]), b("ž😀")];
    for (const v of values) s.listPush(0, new Uint8Array([0, 1]), v, true, false);
    s.find(0, new Uint8Array([0, 1]));
    assert.deepEqual(s.foundListRange(0, -1), values);
    assert.equal(s.listRemove(0, new Uint8Array([0, 1]), 0, new Uint8Array(0)), 1);
    assert.equal(s.listInsert(0, new Uint8Array([0, 1]), true, new Uint8Array([0, 0, 0]), new Uint8Array(0)), 4);
    s.find(0, new Uint8Array([0, 1]));
    assert.deepEqual(s.foundListRange(0, -1), values);
  });

  it("popMany from either end, deleting the key when it empties", () => {
    const s = new Store();
    rpush(s, K, "a", "b", "c", "d", "e");
    assert.equal(s.listPopMany(0, K, false, 2), 2);
    assert.deepEqual(range(s, "k"), ["c", "d", "e"]);
    assert.equal(s.listPopMany(0, K, true, 0), 0);
    assert.equal(s.listPopMany(0, K, true, 1), 1);
    assert.deepEqual(range(s, "k"), ["c", "d"]);
    assert.equal(s.listPopMany(0, K, true, 100), 2);
    assert.equal(s.find(0, "k"), ValueType.none);
    assert.equal(s.listPopMany(0, K, true, 100), 0);
  });

  it("LSET: errors as Redis, in-place and resizing replacements", () => {
    const s = new Store();
    assertArgError(() => s.listSet(0, K, 0, b("x")), "ERR no such key");
    rpush(s, K, "a", "b", "c");
    assertArgError(() => s.listSet(0, K, 3, b("x")), "ERR index out of range");
    assertArgError(() => s.listSet(0, K, -4, b("x")), "ERR index out of range");
    s.listSet(0, K, 0, b("A"));
    s.listSet(0, K, -1, b("a much longer value"));
    s.listSet(0, K, 1, b(""));
    assert.deepEqual(range(s, "k"), ["A", "", "a much longer value"]);
  });

  it("LINSERT: before/after the first match, -1 without pivot, 0 without key", () => {
    const s = new Store();
    assert.equal(s.listInsert(0, K, true, b("a"), b("x")), 0);
    rpush(s, K, "a", "b", "a");
    assert.equal(s.listInsert(0, K, true, b("a"), b("x")), 4);
    assert.equal(s.listInsert(0, K, false, b("a"), b("y")), 5);
    assert.equal(s.listInsert(0, K, false, b("b"), b("z")), 6);
    assert.equal(s.listInsert(0, K, false, b("nope"), b("z")), -1);
    assert.deepEqual(range(s, "k"), ["x", "a", "y", "b", "z", "a"]);
  });

  it("LREM: 0 all, > 0 from the head, < 0 from the tail", () => {
    const s = new Store();
    const init = ["a", "x", "a", "b", "a", "c", "a"];
    rpush(s, K, ...init);
    assert.equal(s.listRemove(0, K, 2, b("a")), 2);
    assert.deepEqual(range(s, "k"), ["x", "b", "a", "c", "a"]);
    assert.equal(s.listRemove(0, K, -1, b("a")), 1);
    assert.deepEqual(range(s, "k"), ["x", "b", "a", "c"]);
    assert.equal(s.listRemove(0, K, 0, b("zz")), 0);
    assert.equal(s.listRemove(0, K, 0, b("a")), 1);
    assert.deepEqual(range(s, "k"), ["x", "b", "c"]);
    assert.equal(s.listRemove(0, K, -100, b("b")), 1);
    assert.equal(s.listRemove(0, K, 0, b("x")), 1);
    assert.equal(s.listRemove(0, K, 1, b("c")), 1);
    assert.equal(s.find(0, "k"), ValueType.none);
    assert.equal(s.listRemove(0, K, 1, b("c")), 0);
  });

  it("LTRIM with Redis index rules", () => {
    const cases: [number, number, string[]][] = [
      [1, 2, ["b", "c"]],
      [0, -1, ["a", "b", "c", "d", "e"]],
      [-2, -1, ["d", "e"]],
      [-100, 1, ["a", "b"]],
      [3, 100, ["d", "e"]],
      [2, 1, []],
      [5, 10, []],
      [-1, -2, []],
      [Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER, []],
      [-Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER, ["a", "b", "c", "d", "e"]],
    ];
    for (const [start, stop, want] of cases) {
      const s = new Store();
      rpush(s, K, "a", "b", "c", "d", "e");
      s.listTrim(0, K, start, stop);
      assert.deepEqual(range(s, "k"), want.length === 0 ? null : want, `${start} ${stop}`);
    }
    const s = new Store();
    s.listTrim(0, K, 0, 1); // absent: nothing
    assert.equal(s.dbSize(0), 0);
  });

  it("LMOVE: both ends, rotation, new destination, source emptied", () => {
    const s = new Store();
    rpush(s, K, "a", "b", "c");
    assert.equal(s.listMove(0, K, K, false, true), true); // LEFT RIGHT rotation
    assert.deepEqual(range(s, "k"), ["b", "c", "a"]);
    assert.equal(s.listMove(0, K, K, true, false), true); // RIGHT LEFT rotation
    assert.deepEqual(range(s, "k"), ["a", "b", "c"]);
    assert.equal(s.listMove(0, K, K, true, true), true);
    assert.equal(s.listMove(0, K, K, false, false), true);
    assert.deepEqual(range(s, "k"), ["a", "b", "c"]);
    assert.equal(s.listMove(0, K, b("d"), true, false), true);
    assert.equal(s.listMove(0, K, b("d"), false, true), true);
    assert.deepEqual(range(s, "d"), ["c", "a"]);
    assert.equal(s.listMove(0, K, b("d"), false, false), true);
    assert.equal(s.find(0, "k"), ValueType.none);
    assert.deepEqual(range(s, "d"), ["b", "c", "a"]);
    assert.equal(s.listMove(0, K, b("d"), false, false), false);
    // one element rotating onto itself stays
    rpush(s, b("one"), "x");
    assert.equal(s.listMove(0, b("one"), b("one"), false, true), true);
    assert.deepEqual(range(s, "one"), ["x"]);
  });

  it("WRONGTYPE on other types, nothing changed", () => {
    const s = new Store();
    s.set(0, b("str"), b("v"), 0, -1);
    const wrong = (fn: () => unknown) =>
      assert.throws(fn, (e: unknown) => e instanceof WrongTypeError && e.expected === "list" && e.actual === "string");
    wrong(() => s.listPush(0, b("str"), b("x"), true, false));
    wrong(() => s.listPush(0, b("str"), b("x"), true, true));
    wrong(() => s.listPop(0, b("str"), true));
    wrong(() => s.listPopMany(0, b("str"), true, 2));
    wrong(() => s.listSet(0, b("str"), 0, b("x")));
    wrong(() => s.listInsert(0, b("str"), true, b("v"), b("x")));
    wrong(() => s.listRemove(0, b("str"), 0, b("v")));
    wrong(() => s.listTrim(0, b("str"), 0, 1));
    wrong(() => s.listMove(0, b("str"), b("l"), true, false));
    rpush(s, b("l"), "a");
    wrong(() => s.listMove(0, b("l"), b("str"), true, false));
    assert.deepEqual(range(s, "l"), ["a"]);
    // an absent source never checks the destination (Redis replies nil)
    assert.equal(s.listMove(0, b("absent"), b("str"), true, false), false);
    assert.equal(s.find(0, "str"), ValueType.string);
    assert.equal(s.foundString(), "v");
    // reads on a non-list found entry answer empty
    assert.equal(s.foundListLength(), 0);
    assert.equal(s.foundListIndex(0), null);
    assert.deepEqual(s.foundListRange(0, -1), []);
  });
});

describe("store: lists, nodes", () => {
  it("many small values across node boundaries, every index from both ends", () => {
    const s = new Store();
    const model: string[] = [];
    for (let i = 0; i < 6000; i++) {
      const v = `value-${i}-${"x".repeat(i % 23)}`;
      if (i % 3 === 0) {
        s.listPush(0, K, b(v), false, false);
        model.unshift(v);
      } else {
        s.listPush(0, K, b(v), true, false);
        model.push(v);
      }
    }
    s.find(0, "k");
    assert.equal(s.foundListLength(), model.length);
    for (let i = 0; i < model.length; i += 7) {
      assert.equal(td.decode(s.foundListIndex(i)!), model[i]);
      assert.equal(td.decode(s.foundListIndex(i - model.length)!), model[i]);
    }
    assert.deepEqual(s.foundListRange(0, -1).map((x) => td.decode(x)), model);
    assert.deepEqual(s.foundListRange(2500, 3700).map((x) => td.decode(x)), model.slice(2500, 3701));
    // drain from both ends
    while (model.length > 0) {
      const tail = model.length % 2 === 0;
      const want = tail ? model.pop() : model.shift();
      assert.equal(td.decode(s.listPop(0, K, tail)!), want);
    }
    assert.equal(s.find(0, "k"), ValueType.none);
  });

  it("values bigger than a node get nodes of their own", () => {
    const s = new Store();
    const big = [pattern(9000, 1), pattern(20000, 2), pattern(1 << 20, 3)];
    const model: Uint8Array[] = [];
    for (let i = 0; i < 300; i++) {
      const v = i % 50 === 7 ? big[(i / 50) % 3 | 0] : pattern(i % 40, i);
      s.listPush(0, K, v, i % 2 === 0, false);
      if (i % 2 === 0) model.push(v);
      else model.unshift(v);
    }
    const check = () => {
      s.find(0, "k");
      assert.equal(s.foundListLength(), model.length);
      assert.deepEqual(s.foundListRange(0, -1), model);
    };
    check();
    // LSET small <-> huge, LINSERT huge in the middle, LREM a huge one
    s.listSet(0, K, 10, big[1]);
    model[10] = big[1];
    s.listSet(0, K, 10, b("small"));
    model[10] = b("small");
    s.listSet(0, K, 100, big[0]);
    model[100] = big[0];
    check();
    assert.equal(s.listInsert(0, K, true, b("small"), big[2]), model.length + 1);
    model.splice(10, 0, big[2]);
    assert.equal(s.listInsert(0, K, false, big[2], big[0]), model.length + 1);
    model.splice(11, 0, big[0]);
    check();
    const removed = s.listRemove(0, K, 0, big[0]);
    const before = model.length;
    for (let i = model.length - 1; i >= 0; i--) if (model[i] === big[0]) model.splice(i, 1);
    assert.equal(removed, before - model.length);
    check();
    s.listTrim(0, K, 5, -5);
    model.splice(0, 5);
    model.splice(model.length - 4, 4);
    check();
    while (model.length > 0) {
      assert.deepEqual(s.listPop(0, K, false), model.shift());
    }
    assert.equal(s.find(0, "k"), ValueType.none);
  });

  it("LINSERT/LSET splitting full nodes in the middle", () => {
    const s = new Store();
    const model: string[] = [];
    for (let i = 0; i < 3000; i++) {
      const v = `e${i}`.padEnd(40, "-");
      s.listPush(0, K, b(v), true, false);
      model.push(v);
    }
    for (let i = 0; i < 400; i++) {
      const at = (i * 977) % model.length;
      const pivot = model[at];
      const v = `ins${i}`.repeat(1 + (i % 60));
      const before = i % 2 === 0;
      assert.equal(s.listInsert(0, K, before, b(pivot), b(v)), model.length + 1);
      model.splice(model.indexOf(pivot) + (before ? 0 : 1), 0, v);
      const j = (i * 613) % model.length;
      const w = `set${i}`.repeat(1 + (i % 90));
      s.listSet(0, K, j, b(w));
      model[j] = w;
    }
    assert.deepEqual(range(s, "k"), model);
  });
});

describe("store: lists, keyspace hooks and memory", () => {
  it("COPY (deep), RENAME, MOVE, SWAPDB, DEL and FLUSHDB of lists", () => {
    const s = new Store();
    const values = Array.from({ length: 2000 }, (_, i) => `v${i}`);
    rpush(s, K, ...values);
    assert.equal(s.copy(0, K, 0, b("c"), false), true);
    s.listPush(0, K, b("only-in-k"), true, false);
    s.listSet(0, b("c"), 0, b("only-in-c"));
    assert.deepEqual(range(s, "c"), ["only-in-c", ...values.slice(1)]);
    assert.deepEqual(range(s, "k"), [...values, "only-in-k"]);
    assert.equal(s.copy(0, b("c"), 3, b("c3"), false), true);
    assert.equal(s.rename(0, b("c"), b("r"), false), 1);
    assert.equal(range(s, "c"), null);
    assert.deepEqual(range(s, "r"), ["only-in-c", ...values.slice(1)]);
    assert.equal(s.move(0, b("r"), 1), true);
    assert.deepEqual(range(s, "r", 1), ["only-in-c", ...values.slice(1)]);
    s.swapDb(0, 1);
    assert.deepEqual(range(s, "k", 1), [...values, "only-in-k"]);
    assert.equal(s.listPop(1, K, true) !== null, true);
    assert.equal(s.del(1, K), true);
    s.flushDb(0);
    assert.equal(s.dbSize(0), 0);
    assert.deepEqual(range(s, "c3", 3), ["only-in-c", ...values.slice(1)]);
    s.flushAll();
    assert.equal(s.dbSize(3), 0);
  });

  it("returns every byte: create/mutate/delete cycles leave usedBytes flat", () => {
    const s = new Store();
    const cycle = (seed: number) => {
      const rnd = seededRandom(seed);
      for (let i = 0; i < 3000; i++) {
        const len = rnd() < 0.01 ? 9000 + Math.floor(rnd() * 5000) : Math.floor(rnd() * 60);
        s.listPush(0, K, pattern(len, i), rnd() < 0.5, false);
      }
      s.copy(0, K, 0, b("copy"), true);
      s.listInsert(0, K, true, pattern(5, 5), pattern(20000, 1));
      s.listRemove(0, K, 0, pattern(3, 3));
      s.listSet(0, K, 1500, pattern(12000, 2));
      s.listTrim(0, K, 100, -100);
      s.listMove(0, K, b("other"), true, false);
      s.listPopMany(0, K, false, 500);
      s.find(0, "k");
      s.foundListRange(0, -1);
      s.del(0, K);
      s.del(0, b("copy"));
      s.del(0, b("other"));
    };
    cycle(1); // warms the keyspace table and the output buffer
    const base = s.usedBytes();
    for (let i = 2; i < 6; i++) {
      cycle(i);
      assert.equal(s.usedBytes(), base, `cycle ${i}`);
    }
  });

  it("memory full: a failing write changes nothing", () => {
    const s = new Store({ maxMemoryBytes: 2 << 20 });
    const model: Uint8Array[] = [];
    let full = false;
    for (let i = 0; i < 100000 && !full; i++) {
      const v = pattern(i % 7 === 0 ? 9000 : 100, i);
      try {
        s.listPush(0, K, v, i % 2 === 0, false);
        if (i % 2 === 0) model.push(v);
        else model.unshift(v);
      } catch (e) {
        assert.ok(e instanceof StoreFullError);
        full = true;
      }
    }
    assert.ok(full, "the store should fill up");
    for (
      const op of [
        () => s.listInsert(0, K, true, model[model.length >> 1], pattern(200000, 9)),
        () => s.listSet(0, K, model.length >> 1, pattern(300000, 9)),
        () => s.copy(0, K, 0, b("copy"), false),
      ]
    ) {
      assert.throws(op, StoreFullError);
      s.find(0, "k");
      assert.equal(s.foundListLength(), model.length);
    }
    assert.equal(s.find(0, "copy"), ValueType.none);
    // compared element by element: LINDEX allocates nothing (a range would need output memory)
    const same = () => {
      s.find(0, "k");
      assert.equal(s.foundListLength(), model.length);
      for (let i = 0; i < model.length; i++) assert.deepEqual(s.foundListIndex(i), model[i]);
    };
    same();
    // removing still works
    assert.equal(s.listPopMany(0, K, true, 10), 10);
    model.length -= 10;
    same();
  });
});

describe("store: lists, randomized against a model", () => {
  for (const seed of [1, 2, 3, 4]) {
    it(`seed ${seed}`, () => runModel(seed, 4000));
  }
});

/** Thousands of random operations on a few keys, mirrored on JS arrays, compared after every batch. */
function runModel(seed: number, ops: number): void {
  const rnd = seededRandom(seed);
  const int = (n: number) => Math.floor(rnd() * n);
  const s = new Store();
  const keys = ["a", "b", "c"];
  const model = new Map<string, string[]>();
  const pool = Array.from({ length: 12 }, (_, i) => `p${i}`);
  const value = (): string => {
    const r = rnd();
    if (r < 0.6) return pool[int(pool.length)];
    if (r < 0.97) return `v${int(1e6)}`.repeat(1 + int(20));
    return "H".repeat(8000 + int(12000)); // bigger than a node
  };
  const get = (k: string) => model.get(k) ?? [];
  const put = (k: string, l: string[]) => {
    if (l.length === 0) model.delete(k);
    else model.set(k, l);
  };
  const norm = (i: number, len: number) => (i < 0 ? len + i : i);

  for (let op = 0; op < ops; op++) {
    const k = keys[int(keys.length)];
    const kb = b(k);
    const l = get(k);
    const r = rnd();
    if (r < 0.35) {
      // bursts of pushes make lists span many nodes
      const tail = rnd() < 0.5;
      const n = 1 + int(rnd() < 0.1 ? 400 : 8);
      for (let i = 0; i < n; i++) {
        const v = value();
        assert.equal(s.listPush(0, kb, b(v), tail, false), l.length + 1);
        if (tail) l.push(v);
        else l.unshift(v);
      }
      put(k, l);
    } else if (r < 0.4) {
      const v = value();
      const tail = rnd() < 0.5;
      const got = s.listPush(0, kb, b(v), tail, true);
      if (l.length === 0) assert.equal(got, 0);
      else {
        if (tail) l.push(v);
        else l.unshift(v);
        assert.equal(got, l.length);
      }
    } else if (r < 0.5) {
      const tail = rnd() < 0.5;
      const got = s.listPop(0, kb, tail);
      const want = l.length === 0 ? undefined : tail ? l.pop() : l.shift();
      assert.equal(got === null ? undefined : td.decode(got), want);
      put(k, l);
    } else if (r < 0.55) {
      const tail = rnd() < 0.5;
      const n = int(50);
      const k2 = Math.min(n, l.length);
      assert.equal(s.listPopMany(0, kb, tail, n), k2);
      if (tail) l.splice(l.length - k2, k2);
      else l.splice(0, k2);
      put(k, l);
    } else if (r < 0.65) {
      const idx = int(l.length * 2 + 2) - l.length - 1;
      const v = value();
      const i = norm(idx, l.length);
      if (l.length === 0) assert.throws(() => s.listSet(0, kb, idx, b(v)), /no such key/);
      else if (i < 0 || i >= l.length) assert.throws(() => s.listSet(0, kb, idx, b(v)), /index out of range/);
      else {
        s.listSet(0, kb, idx, b(v));
        l[i] = v;
      }
    } else if (r < 0.75) {
      const pivot = rnd() < 0.8 && l.length > 0 ? l[int(l.length)] : value();
      const v = value();
      const before = rnd() < 0.5;
      const got = s.listInsert(0, kb, before, b(pivot), b(v));
      const at = l.indexOf(pivot);
      if (l.length === 0) assert.equal(got, 0);
      else if (at < 0) assert.equal(got, -1);
      else {
        l.splice(at + (before ? 0 : 1), 0, v);
        assert.equal(got, l.length);
      }
    } else if (r < 0.82) {
      const v = rnd() < 0.8 && l.length > 0 ? l[int(l.length)] : pool[int(pool.length)];
      const count = int(7) - 3;
      let removed = 0;
      const limit = count === 0 ? Infinity : Math.abs(count);
      if (count >= 0) {
        for (let i = 0; i < l.length && removed < limit;) {
          if (l[i] === v) {
            l.splice(i, 1);
            removed++;
          } else i++;
        }
      } else {
        for (let i = l.length - 1; i >= 0 && removed < limit; i--) {
          if (l[i] === v) {
            l.splice(i, 1);
            removed++;
          }
        }
      }
      assert.equal(s.listRemove(0, kb, count, b(v)), removed);
      put(k, l);
    } else if (r < 0.86) {
      const len = l.length;
      let start = int(len * 2 + 4) - len - 2;
      let stop = int(len * 2 + 4) - len - 2;
      if (rnd() < 0.5) stop = start + int(2000);
      s.listTrim(0, kb, start, stop);
      start = Math.max(0, norm(start, len));
      stop = norm(stop, len);
      put(k, start > stop || start >= len ? [] : l.slice(start, Math.min(stop, len - 1) + 1));
    } else if (r < 0.95) {
      const dst = keys[int(keys.length)];
      const fromTail = rnd() < 0.5, toTail = rnd() < 0.5;
      const moved = s.listMove(0, kb, b(dst), fromTail, toTail);
      assert.equal(moved, l.length > 0);
      if (moved) {
        const v = fromTail ? l.pop()! : l.shift()!;
        put(k, l);
        const d = get(dst);
        if (toTail) d.push(v);
        else d.unshift(v);
        put(dst, d);
      }
    } else if (r < 0.97) {
      const dst = keys[int(keys.length)];
      if (dst !== k && l.length > 0) {
        assert.equal(s.copy(0, kb, 0, b(dst), true), true);
        put(dst, [...l]);
      }
    } else if (r < 0.98) {
      const dst = keys[int(keys.length)];
      if (dst !== k && l.length > 0) {
        assert.equal(s.rename(0, kb, b(dst), false), 1);
        put(dst, l);
        model.delete(k);
      }
    } else {
      s.del(0, kb);
      model.delete(k);
    }
    if (op % 25 === 0 || op === ops - 1) {
      for (const key of keys) {
        const want = model.get(key) ?? null;
        const got = range(s, key);
        assert.deepEqual(got, want, `seed ${seed} op ${op} key ${key}`);
        if (want !== null) {
          s.find(0, key);
          assert.equal(s.foundListLength(), want.length);
          const i = int(want.length);
          assert.equal(td.decode(s.foundListIndex(i)!), want[i]);
          assert.equal(td.decode(s.foundListIndex(i - want.length)!), want[i]);
        }
      }
    }
  }
}
