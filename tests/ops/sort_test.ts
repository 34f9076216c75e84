// Unit tests of src/ops/sort.ts: SORT … STORE's computation (sort.c).
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  limitRange,
  lookupByPattern,
  type PatternLookup,
  sortForStore,
  type SortOptions,
  SortScoreError,
  type SortSource,
} from "../../src/ops/sort.ts";

const te = new TextEncoder();
const td = new TextDecoder();
const b = (s: string) => te.encode(s);
const strs = (items: Uint8Array[]) => items.map((x) => td.decode(x));

/** A keyspace of strings ("k" → "v") and hashes ("h" → {f: v}). */
function keyspace(strings: Record<string, string>, hashes: Record<string, Record<string, string>> = {}): PatternLookup {
  return (key, field) => {
    const k = td.decode(key);
    if (field === null) return k in strings ? b(strings[k]) : null;
    const h = hashes[k];
    const f = td.decode(field);
    return h && f in h ? b(h[f]) : null;
  };
}

const list = (...e: string[]): SortSource => ({ type: "list", elements: e.map(b) });
const set = (...e: string[]): SortSource => ({ type: "set", elements: e.map(b) });
const zset = (...e: string[]): SortSource => ({ type: "zset", elements: e.map(b) });
const opts = (o: Partial<Omit<SortOptions, "by" | "gets">> & { by?: string; gets?: string[] } = {}): SortOptions => ({
  desc: o.desc ?? false,
  alpha: o.alpha ?? false,
  limitStart: o.limitStart ?? 0,
  limitCount: o.limitCount ?? -1,
  by: o.by === undefined ? null : b(o.by),
  gets: (o.gets ?? []).map(b),
});
const none = keyspace({});

describe("ops/sort", () => {
  it("numeric sort; ties broken by the elements' bytes", () => {
    assert.deepEqual(strs(sortForStore(list("3", "1", "2", "10"), opts(), none)), ["1", "2", "3", "10"]);
    assert.deepEqual(strs(sortForStore(list("1.0", "1", "01", "-0"), opts(), none)), ["-0", "01", "1", "1.0"]);
    assert.deepEqual(strs(sortForStore(list("3", "1", "2"), opts({ desc: true }), none)), ["3", "2", "1"]);
    assert.deepEqual(strs(sortForStore(list("inf", "-inf", "0"), opts(), none)), ["-inf", "0", "inf"]);
  });

  it("a value that is not a number fails the whole sort", () => {
    assert.throws(() => sortForStore(list("1", "x"), opts(), none), SortScoreError);
    assert.throws(() => sortForStore(list("1", "nan"), opts(), none), SortScoreError);
    assert.deepEqual(strs(sortForStore(list("2", ""), opts(), none)), ["", "2"]);
  });

  it("ALPHA compares bytes (STORE never uses the locale)", () => {
    assert.deepEqual(strs(sortForStore(list("b", "B", "a", "ab"), opts({ alpha: true }), none)), ["B", "a", "ab", "b"]);
  });

  it("BY a pattern: weights from strings, missing ones count as 0", () => {
    const ks = keyspace({ w_a: "3", w_b: "1", w_c: "2" });
    assert.deepEqual(strs(sortForStore(list("a", "b", "c", "d"), opts({ by: "w_*" }), ks)), ["d", "b", "c", "a"]);
    assert.throws(() => sortForStore(list("a"), opts({ by: "w_*" }), keyspace({ w_a: "x" })), SortScoreError);
  });

  it("BY with ALPHA: missing weights first, ties keep the source order (stable sort)", () => {
    const ks = keyspace({ w_a: "x", w_b: "x", w_c: "a" });
    const r = sortForStore(list("a", "d", "b", "c", "e"), opts({ by: "w_*", alpha: true }), ks);
    assert.deepEqual(strs(r), ["d", "e", "c", "a", "b"]);
  });

  it("BY a hash field (->)", () => {
    const ks = keyspace({}, { h_a: { f: "2" }, h_b: { f: "1" } });
    assert.deepEqual(strs(sortForStore(list("a", "b"), opts({ by: "h_*->f" }), ks)), ["b", "a"]);
  });

  it("BY without '*' keeps the native order of lists and sorted sets (DESC reverses, LIMIT windows it)", () => {
    assert.deepEqual(strs(sortForStore(list("c", "a", "b"), opts({ by: "nosort" }), none)), ["c", "a", "b"]);
    assert.deepEqual(strs(sortForStore(list("c", "a", "b"), opts({ by: "nosort", desc: true }), none)), [
      "b",
      "a",
      "c",
    ]);
    assert.deepEqual(
      strs(
        sortForStore(list("c", "a", "b", "d"), opts({ by: "nosort", desc: true, limitStart: 1, limitCount: 2 }), none),
      ),
      ["b", "a"],
    );
    assert.deepEqual(
      strs(sortForStore(zset("x", "y", "z"), opts({ by: "nosort", desc: true, limitStart: 1, limitCount: 5 }), none)),
      ["y", "x"],
    );
  });

  it("BY without '*' on a set sorts it ALPHA (so the stored list is deterministic)", () => {
    assert.deepEqual(strs(sortForStore(set("b", "10", "a", "2"), opts({ by: "nosort" }), none)), ["10", "2", "a", "b"]);
    assert.deepEqual(strs(sortForStore(set("b", "a"), opts({ by: "nosort", desc: true }), none)), ["b", "a"]);
  });

  it("GET patterns: # is the element, missing values are empty strings", () => {
    const ks = keyspace({ n_a: "A" }, { h_b: { f: "B" } });
    const r = sortForStore(list("b", "a"), opts({ alpha: true, gets: ["#", "n_*", "h_*->f", "fixed"] }), ks);
    assert.deepEqual(strs(r), ["a", "A", "", "", "b", "", "B", ""]);
  });

  it("LIMIT", () => {
    const src = list("5", "4", "3", "2", "1");
    assert.deepEqual(strs(sortForStore(src, opts({ limitStart: 1, limitCount: 2 }), none)), ["2", "3"]);
    assert.deepEqual(strs(sortForStore(src, opts({ limitStart: -3, limitCount: 2 }), none)), ["1", "2"]);
    assert.deepEqual(strs(sortForStore(src, opts({ limitStart: 4, limitCount: 10 }), none)), ["5"]);
    assert.deepEqual(sortForStore(src, opts({ limitStart: 5, limitCount: 1 }), none), []);
    assert.deepEqual(sortForStore(src, opts({ limitStart: 0, limitCount: 0 }), none), []);
    assert.deepEqual(strs(sortForStore(src, opts({ limitStart: 3, limitCount: -7 }), none)), ["4", "5"]);
    assert.deepEqual(limitRange(0, -1, 0), { start: -1, end: -2 });
  });

  it("BY with a LIMIT uses the partial sort; the window is what a full sort gives", () => {
    const ks = keyspace(Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`w_${i}`, String((i * 37) % 50)])));
    const elements = Array.from({ length: 50 }, (_, i) => String(i));
    const full = strs(sortForStore(list(...elements), opts({ by: "w_*" }), ks));
    const part = strs(sortForStore(list(...elements), opts({ by: "w_*", limitStart: 10, limitCount: 7 }), ks));
    assert.deepEqual(part, full.slice(10, 17));
  });

  it("an absent key sorts to nothing", () => {
    assert.deepEqual(sortForStore({ type: "none", elements: [] }, opts({ by: "nosort" }), none), []);
  });

  it("lookupByPattern: substitution, hash fields, C-string rules", () => {
    const seen: string[] = [];
    const spy: PatternLookup = (key, field) => {
      seen.push(`${td.decode(key)}|${field === null ? "" : td.decode(field)}`);
      return null;
    };
    assert.equal(td.decode(lookupByPattern(b("#"), b("el"), spy)!), "el");
    assert.equal(lookupByPattern(b("nostar"), b("el"), spy), null);
    lookupByPattern(b("pre_*_post"), b("el"), spy);
    lookupByPattern(b("h_*->field"), b("el"), spy);
    lookupByPattern(b("h_*->"), b("el"), spy); // empty field: a plain key named "h_el->"
    lookupByPattern(b("a->b*c"), b("el"), spy); // the arrow must follow the star
    assert.deepEqual(seen, ["pre_el_post|", "h_el|field", "h_el->|", "a->bel c".replace(" ", "") + "|"]);
  });
});
