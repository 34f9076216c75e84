/**
 * What both sorted-set encodings share (zset_packed.ts, skiplist.ts):
 * encoding tags, Redis's listpack thresholds, the (score, member) order and
 * the current range of a range operation.
 *
 * Ownership: nothing here owns memory. The lex range bounds point into
 * host-owned scratch and are only valid during the export call that set them.
 */
import { compareBytes } from "./bytes";

/** First byte of every zset structure: which encoding it uses. */
export const ENC_PACKED: u8 = 1;
export const ENC_SKIPLIST: u8 = 2;

/** Redis zset-max-listpack-entries / zset-max-listpack-value defaults. */
export const PACKED_MAX_ENTRIES: u32 = 128;
export const PACKED_MAX_VALUE: u32 = 64;

// @ts-ignore: decorator
@inline export function zsetEncoding(z: usize): u8 {
  return load<u8>(z);
}

// ---------------------------------------------------------------- order

/** Order of (s1, m1) against (s2, m2): score first (-0 == 0), then member bytes. */
export function compareScored(s1: f64, p1: usize, l1: u32, s2: f64, p2: usize, l2: u32): i32 {
  if (s1 < s2) return -1;
  if (s1 > s2) return 1;
  return compareBytes(p1, l1, p2, l2);
}

// ---------------------------------------------------------------- ranges
// One range is current at a time (set by the export about to run a range
// operation); byLex says which kind the predicates test.

/** Lex bound kinds, as the host encodes them. */
export const LEX_INCLUSIVE: u32 = 0;
export const LEX_EXCLUSIVE: u32 = 1;
/** `-`: below every member. */
export const LEX_MIN: u32 = 2;
/** `+`: above every member. */
export const LEX_MAX: u32 = 3;

export let byLex = false;

let minScore: f64 = 0;
let maxScore: f64 = 0;
let minEx = false;
let maxEx = false;

let minP: usize = 0;
let minL: u32 = 0;
let minKind: u32 = 0;
let maxP: usize = 0;
let maxL: u32 = 0;
let maxKind: u32 = 0;

/** Makes [min, max] (either end exclusive) the current score range. */
export function setScoreRange(min: f64, minExclusive: bool, max: f64, maxExclusive: bool): void {
  byLex = false;
  minScore = min;
  maxScore = max;
  minEx = minExclusive;
  maxEx = maxExclusive;
}

/** Makes a lex range current (bounds are (ptr, len, LEX_* kind)). */
export function setLexRange(mnP: usize, mnL: u32, mnKind: u32, mxP: usize, mxL: u32, mxKind: u32): void {
  byLex = true;
  minP = mnP;
  minL = mnL;
  minKind = mnKind;
  maxP = mxP;
  maxL = mxL;
  maxKind = mxKind;
}

// @ts-ignore: decorator
@inline export function scoreGteMin(s: f64): bool {
  return minEx ? s > minScore : s >= minScore;
}

// @ts-ignore: decorator
@inline export function scoreLteMax(s: f64): bool {
  return maxEx ? s < maxScore : s <= maxScore;
}

/** Member (p, n) at or above the lex min (Redis zslLexValueGteMin). */
export function lexGteMin(p: usize, n: u32): bool {
  if (minKind == LEX_MIN) return true;
  if (minKind == LEX_MAX) return false;
  const c = compareBytes(p, n, minP, minL);
  return minKind == LEX_EXCLUSIVE ? c > 0 : c >= 0;
}

/** Member (p, n) at or below the lex max (Redis zslLexValueLteMax). */
export function lexLteMax(p: usize, n: u32): bool {
  if (maxKind == LEX_MAX) return true;
  if (maxKind == LEX_MIN) return false;
  const c = compareBytes(p, n, maxP, maxL);
  return maxKind == LEX_EXCLUSIVE ? c < 0 : c <= 0;
}

/** Redis sdscmplex of the two lex bounds (`-` / `+` compare below / above everything). */
function compareLexBounds(): i32 {
  const minInf = minKind >= LEX_MIN;
  const maxInf = maxKind >= LEX_MIN;
  if (minInf && maxInf && minKind == maxKind) return 0;
  if (minKind == LEX_MIN || maxKind == LEX_MAX) return -1;
  if (minKind == LEX_MAX || maxKind == LEX_MIN) return 1;
  return compareBytes(minP, minL, maxP, maxL);
}

/** The current range can hold nothing (min above max, or equal with an open end). */
export function rangeIsEmpty(): bool {
  if (!byLex) return minScore > maxScore || (minScore == maxScore && (minEx || maxEx));
  const c = compareLexBounds();
  // '-' and '+' count as exclusive bounds, as in Redis
  return c > 0 || (c == 0 && (minKind != LEX_INCLUSIVE || maxKind != LEX_INCLUSIVE));
}

/** An element (score, member) is past the current range's min. */
export function inRangeMin(s: f64, p: usize, n: u32): bool {
  return byLex ? lexGteMin(p, n) : scoreGteMin(s);
}

/** An element is not past the current range's max. */
export function inRangeMax(s: f64, p: usize, n: u32): bool {
  return byLex ? lexLteMax(p, n) : scoreLteMax(s);
}
