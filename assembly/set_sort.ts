/**
 * Sorting byte strings in memcmp order (shorter first on a common prefix),
 * for listing large sets (hash tables) in byte order.
 *
 * Works on arrays of 24-byte records the caller owns:
 *
 *     [u64 prefix0][u64 prefix1][u32 ptr][u32 len]
 *
 * where prefix0/prefix1 are the string's bytes 0..7 and 8..15 read
 * big-endian and zero padded (sortRecordFill writes them), so nearly every
 * comparison is integer compares on the records themselves (members often
 * share a long prefix such as "user:"; dereferencing the strings would miss
 * the cache at every step). Only strings equal over 16 bytes are compared
 * byte by byte. Bottom-up merge sort: O(n log n) whatever the input (members
 * can be chosen by anyone), needs a second array of the same size. Nothing
 * here allocates.
 */
import { compareBytes, copyBytes } from "./bytes";

// @ts-ignore: decorator
@inline export const SORT_RECORD: u32 = 24;
// @ts-ignore: decorator
@inline const RUN: u32 = 16;

/** Up to 8 bytes of (p, len) from offset `at`, big-endian, zero padded. */
function prefixAt(p: usize, len: u32, at: u32): u64 {
  if (len >= at + 8) return bswap<u64>(load<u64>(p + at));
  if (len <= at) return 0;
  // fewer than 8 bytes left: read the string's last 8 when it has them, else byte by byte
  const rest = len - at;
  if (len >= 8) return bswap<u64>(load<u64>(p + len - 8)) << (u64(8 - rest) << 3);
  let v: u64 = 0;
  for (let i: u32 = 0; i < rest; i++) v |= u64(load<u8>(p + at + i)) << (56 - (i << 3));
  return v;
}

/** Writes record r for the string (p, len). */
export function sortRecordFill(r: usize, p: usize, len: u32): void {
  store<u64>(r, prefixAt(p, len, 0));
  store<u64>(r + 8, prefixAt(p, len, 8));
  store<u32>(r + 16, u32(p));
  store<u32>(r + 20, len);
}

// @ts-ignore: decorator
@inline export function sortRecordPtr(r: usize): usize {
  return load<u32>(r + 16);
}

// @ts-ignore: decorator
@inline export function sortRecordLen(r: usize): u32 {
  return load<u32>(r + 20);
}

/** True when record a sorts strictly after record b. */
// @ts-ignore: decorator
@inline function after(a: usize, b: usize): bool {
  const x = load<u64>(a);
  const y = load<u64>(b);
  return x > y || (x == y && tieAfter(a, b));
}

/** Order of two records with equal first prefixes. */
function tieAfter(a: usize, b: usize): bool {
  const x = load<u64>(a + 8);
  const y = load<u64>(b + 8);
  if (x != y) return x > y;
  const al = load<u32>(a + 20);
  const bl = load<u32>(b + 20);
  // equal over 16 zero-padded bytes: a string that fits in them is a prefix of the other
  if (al <= 16 || bl <= 16) return al > bl;
  return compareBytes(load<u32>(a + 16) + 16, al - 16, load<u32>(b + 16) + 16, bl - 16) > 0;
}

// @ts-ignore: decorator
@inline function copyRecord(dst: usize, src: usize): void {
  store<u64>(dst, load<u64>(src));
  store<u64>(dst + 8, load<u64>(src + 8));
  store<u64>(dst + 16, load<u64>(src + 16));
}
/** Insertion sort of records [lo, hi) (short runs). */
function insertionSort(a: usize, lo: u32, hi: u32, hold: usize): void {
  for (let i = lo + 1; i < hi; i++) {
    const r = a + usize(i) * SORT_RECORD;
    if (!after(r - SORT_RECORD, r)) continue;
    copyRecord(hold, r);
    let j = i;
    while (j > lo && after(a + usize(j - 1) * SORT_RECORD, hold)) {
      copyRecord(a + usize(j) * SORT_RECORD, a + usize(j - 1) * SORT_RECORD);
      j--;
    }
    copyRecord(a + usize(j) * SORT_RECORD, hold);
  }
}

/** Merges sorted runs src[lo, mid) and src[mid, hi) into dst[lo, hi). */
function merge(src: usize, dst: usize, lo: u32, mid: u32, hi: u32): void {
  let a = src + usize(lo) * SORT_RECORD;
  const aEnd = src + usize(mid) * SORT_RECORD;
  let b = aEnd;
  const bEnd = src + usize(hi) * SORT_RECORD;
  let k = dst + usize(lo) * SORT_RECORD;
  if (a < aEnd && b < bEnd) {
    let x = load<u64>(a);
    let y = load<u64>(b);
    for (;;) {
      if (x > y || (x == y && tieAfter(a, b))) {
        copyRecord(k, b);
        k += SORT_RECORD;
        b += SORT_RECORD;
        if (b == bEnd) break;
        y = load<u64>(b);
      } else {
        copyRecord(k, a);
        k += SORT_RECORD;
        a += SORT_RECORD;
        if (a == aEnd) break;
        x = load<u64>(a);
      }
    }
  }
  if (a < aEnd) copyBytes(k, a, aEnd - a);
  if (b < bEnd) copyBytes(k, b, bEnd - b);
}

/** Scratch record for insertion sort. */
const hold: usize = memory.data(SORT_RECORD, 8);

/**
 * Sorts n records held in `a`, using `b` (room for n records) as the merge
 * buffer. Returns the array that holds the sorted result (a or b).
 */
export function sortRecords(a: usize, b: usize, n: u32): usize {
  for (let lo: u32 = 0; lo < n; lo += RUN) insertionSort(a, lo, lo + RUN < n ? lo + RUN : n, hold);
  let src = a;
  let dst = b;
  for (let width: u32 = RUN; width < n; width <<= 1) {
    for (let lo: u32 = 0; lo < n; lo += width << 1) {
      const mid = lo + width < n ? lo + width : n;
      const hi = mid + width < n ? mid + width : n;
      if (mid >= hi) {
        copyBytes(dst + usize(lo) * SORT_RECORD, src + usize(lo) * SORT_RECORD, usize(hi - lo) * SORT_RECORD);
      } else {
        merge(src, dst, lo, mid, hi);
      }
    }
    const t = src;
    src = dst;
    dst = t;
  }
  return src;
}
