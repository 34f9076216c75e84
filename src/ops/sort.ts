/**
 * The SORT command's computation (Redis `sort.c`, `sortCommandGeneric` with
 * STORE): which elements are loaded, the weights (`BY` patterns, `nosort`),
 * numeric or binary ALPHA comparison, LIMIT, and the `GET` projections.
 * The caller supplies the source elements and a key lookup; nothing here
 * touches a store.
 *
 * Ordering facts kept from Redis: the full sort is glibc's qsort, a stable
 * merge sort (JavaScript's sort is stable too); with `BY` and a LIMIT that
 * narrows the range Redis switches to its unstable partial quicksort, ported
 * in `pqsort.ts`. Numeric ties fall back to comparing the elements, so only
 * ALPHA sorts by an external pattern can tie between distinct elements;
 * for sets and sorted sets the outcome of such ties depends on the
 * primary's hash-table iteration order and cannot be reproduced (a real
 * Redis replica has the same problem).
 *
 * @module
 */

import { compareBytes } from "./bytes.ts";
import { pqsort } from "./pqsort.ts";
import { cString, sortScore } from "./strtod.ts";

/** SORT's options as parsed from the command. */
export interface SortOptions {
  /** `BY` pattern (null: sort by the elements themselves). */
  by: Uint8Array | null;
  /** `GET` patterns, in order. */
  gets: Uint8Array[];
  desc: boolean;
  alpha: boolean;
  /** LIMIT offset (0 when absent). */
  limitStart: number;
  /** LIMIT count (-1 when absent). */
  limitCount: number;
}

/** The value being sorted: its type and its elements in native order (a zset's in ascending score order). */
export interface SortSource {
  type: "list" | "set" | "zset" | "none";
  elements: readonly Uint8Array[];
}

/**
 * Reads `key` (a string value) or `key`'s hash `field` (field non-null) the
 * way `lookupKeyByPattern` does: null when the key is absent or of another
 * type, or the field is absent.
 */
export type PatternLookup = (key: Uint8Array, field: Uint8Array | null) => Uint8Array | null;

/** Thrown when a weight is not a number: Redis answers "One or more scores can't be converted into double". */
export class SortScoreError extends Error {
  constructor() {
    super("One or more scores can't be converted into double");
    this.name = "SortScoreError";
  }
}

interface SortItem {
  obj: Uint8Array;
  score: number;
  cmp: Uint8Array | null;
}

const STAR = 42;
const HASH = 35;

/**
 * Resolves a SORT pattern for one element, as `lookupKeyByPattern`: `#` is
 * the element itself; the first `*` is replaced by the element; `->field`
 * after it reads a hash field. Null when the pattern has no `*` or nothing
 * is found.
 */
export function lookupByPattern(pattern: Uint8Array, element: Uint8Array, lookup: PatternLookup): Uint8Array | null {
  // Redis reads the pattern as a C string for these tests: it ends at the first NUL
  const cLength = cString(pattern);
  if (pattern[0] === HASH && cLength === 1) return element;
  const star = pattern.subarray(0, cLength).indexOf(STAR);
  if (star < 0) return null;
  const arrow = findArrow(pattern, star + 1, cLength);
  // "->" followed by nothing is not a field reference: the arrow stays in the key name
  const hasField = arrow >= 0 && arrow + 2 < cLength;
  const fieldLength = hasField ? pattern.length - arrow - 2 : 0;
  const postfixLength = pattern.length - star - 1 - (fieldLength ? fieldLength + 2 : 0);
  const key = new Uint8Array(star + element.length + postfixLength);
  key.set(pattern.subarray(0, star), 0);
  key.set(element, star);
  key.set(pattern.subarray(star + 1, star + 1 + postfixLength), star + element.length);
  return lookup(key, fieldLength ? pattern.subarray(arrow + 2) : null);
}

function findArrow(pattern: Uint8Array, from: number, end: number): number {
  for (let i = from; i + 1 < end; i++) if (pattern[i] === 45 && pattern[i + 1] === 62) return i;
  return -1;
}

/**
 * Computes what `SORT … STORE` stores: the list of values (empty: the
 * destination is deleted). Throws {@linkcode SortScoreError} when a numeric
 * weight cannot be converted (Redis then stores nothing).
 */
export function sortForStore(source: SortSource, options: SortOptions, lookup: PatternLookup): Uint8Array[] {
  let { by, alpha } = options;
  const desc = options.desc;
  // a BY pattern without '*' means "do not sort"
  let dontSort = by !== null && !hasStarInC(by);
  if (dontSort && source.type === "set") {
    // a set has no native order: with STORE Redis sorts it binary-wise so replicas agree
    dontSort = false;
    alpha = true;
    by = null;
  }
  const total = source.type === "none" ? 0 : source.elements.length;
  const limit = limitRange(options.limitStart, options.limitCount, total);
  let { start, end } = limit;

  let vector: SortItem[];
  if (dontSort && (source.type === "list" || source.type === "zset")) {
    // native order (reversed by DESC), only the LIMIT window loaded
    const length = start !== 0 || end !== total - 1 ? end - start + 1 : total;
    vector = nativeWindow(source.elements, desc, start, length);
    if (source.type === "zset" || end >= start) {
      end -= start;
      start = 0;
    }
  } else {
    vector = source.elements.map((obj) => ({ obj, score: 0, cmp: null }));
  }

  if (!dontSort) {
    let conversionError = false;
    for (const item of vector) {
      let value: Uint8Array | null = item.obj;
      if (by !== null) {
        value = lookupByPattern(by, item.obj, lookup);
        if (value === null) continue; // missing weight: score 0, no compare object
      }
      if (alpha) {
        if (by !== null) item.cmp = value;
      } else {
        const score = sortScore(value);
        if (score === null) conversionError = true;
        else item.score = score;
      }
    }
    const compare = comparator(alpha, by !== null, desc);
    if (by !== null && (start !== 0 || end !== vector.length - 1)) pqsort(vector, compare, start, end);
    else vector.sort(compare);
    if (conversionError) throw new SortScoreError();
  }

  const out: Uint8Array[] = [];
  for (let j = start; j <= end; j++) {
    const obj = vector[j].obj;
    if (options.gets.length === 0) out.push(obj);
    for (const get of options.gets) out.push(lookupByPattern(get, obj, lookup) ?? new Uint8Array(0));
  }
  return out;
}

/** `strchr(pattern, '*')`: Redis reads the pattern as a C string. */
function hasStarInC(pattern: Uint8Array): boolean {
  return pattern.subarray(0, cString(pattern)).includes(STAR);
}

/** SORT's LIMIT sanitising: the inclusive output range over `total` elements. */
export function limitRange(limitStart: number, limitCount: number, total: number): { start: number; end: number } {
  let start = Math.min(Math.max(limitStart, 0), total);
  const count = Math.min(Math.max(limitCount, -1), total);
  let end = count < 0 ? total - 1 : start + count - 1;
  if (start >= total) {
    start = total - 1;
    end = total - 2;
  }
  if (end >= total) end = total - 1;
  return { start, end };
}

function nativeWindow(elements: readonly Uint8Array[], desc: boolean, start: number, length: number): SortItem[] {
  const out: SortItem[] = [];
  const n = elements.length;
  for (let k = 0; k < length && start + k < n; k++) {
    const obj = desc ? elements[n - 1 - start - k] : elements[start + k];
    out.push({ obj, score: 0, cmp: null });
  }
  return out;
}

/** Redis's `sortCompare` with the STORE variant (binary comparison instead of strcoll). */
function comparator(alpha: boolean, byPattern: boolean, desc: boolean): (a: SortItem, b: SortItem) => number {
  const base = (a: SortItem, b: SortItem): number => {
    if (!alpha) {
      if (a.score > b.score) return 1;
      if (a.score < b.score) return -1;
      return Math.sign(compareBytes(a.obj, b.obj));
    }
    if (byPattern) {
      if (a.cmp === null || b.cmp === null) return a.cmp === b.cmp ? 0 : a.cmp === null ? -1 : 1;
      return Math.sign(compareBytes(a.cmp, b.cmp));
    }
    return Math.sign(compareBytes(a.obj, b.obj));
  };
  return desc ? (a, b) => -base(a, b) : base;
}
