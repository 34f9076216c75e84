/**
 * The table representation of large hashes (hash.ts converts to it, never
 * back, as Redis): a header block and one entry per field in a dict.
 *
 *     header (TABLE_BYTES): +0 u8 HASH_TABLE  +1..7 0  +8 dict header (dict.ts)
 *     field entry:          [u32 next][u8 tag][varint flen][field][i64 expireAt if TAG_TTL][varint vlen][value]
 *
 * The entry prefix is dict.ts's generic one (the field is the dict key); tag
 * bit TAG_TTL (entry.ts) says a field TTL follows the field.
 *
 * Ownership: the hash owns the header and every field entry; the dict owns
 * its bucket tables. Entry rewrites that need a new block relink it with
 * dictReplaceFound, so they must follow the dictFind that found the entry
 * with no other dictFind in between. (ptr, len) arguments belong to the
 * caller.
 */
import { compareBytes, readVarint, varintSize, writeVarint, copyBytes } from "./bytes";
import {
  dictAdd, dictCheck, dictClear, dictCount, dictInit, dictIsRehashing, dictRehash, dictReplaceFound, dictReserve,
  dictScan, DICT_BYTES,
} from "./dict";
import { TAG_TTL } from "./entry";
import { fitsInPlace } from "./keyspace";
import { alloc, free, shrinkSmall, SMALL_MAX } from "./memory";
import { checkBlock, checkFail, CK_HASH } from "./check_core";

/** Representation tag of a table hash (first byte of the structure). */
export const HASH_TABLE: u8 = 2;
/** Header bytes: tag word + dict header. */
export const TABLE_BYTES: u32 = 8 + DICT_BYTES;

// ---------------------------------------------------------------- field entries

// @ts-ignore: decorator
@inline export function feFieldLen(e: usize): u32 {
  return readVarint(e + 5);
}
// @ts-ignore: decorator
@inline export function feFieldPtr(e: usize): usize {
  return e + 5 + varintSize(readVarint(e + 5));
}
// @ts-ignore: decorator
@inline export function feHasTtl(e: usize): bool {
  return (load<u8>(e + 4) & TAG_TTL) != 0;
}
// @ts-ignore: decorator
@inline function feAfterField(e: usize): usize {
  const fl = readVarint(e + 5);
  return e + 5 + varintSize(fl) + fl;
}

/** The field's TTL (absolute unix ms), -1 without. */
export function feExpire(e: usize): i64 {
  return feHasTtl(e) ? load<i64>(feAfterField(e)) : -1;
}

/** Address of the value's varint length. */
// @ts-ignore: decorator
@inline function feValueAt(e: usize): usize {
  return feAfterField(e) + (feHasTtl(e) ? 8 : 0);
}
export function feValueLen(e: usize): u32 {
  return readVarint(feValueAt(e));
}
export function feValuePtr(e: usize): usize {
  const p = feValueAt(e);
  return p + varintSize(readVarint(p));
}

export function feSizeFor(fl: u32, vl: u32, ttl: bool): u32 {
  return 5 + varintSize(fl) + fl + (ttl ? 8 : 0) + varintSize(vl) + vl;
}

export function feSize(e: usize): u32 {
  const p = feValueAt(e);
  const vl = readVarint(p);
  return u32(p - e) + varintSize(vl) + vl;
}

/** Writes tag, field, TTL and value into block e (next is the dict's). */
export function feWrite(e: usize, fp: usize, fl: u32, vp: usize, vl: u32, expire: i64): void {
  store<u8>(e + 4, expire >= 0 ? TAG_TTL : 0);
  let p = writeVarint(e + 5, fl);
  copyBytes(p, fp, fl);
  p += fl;
  if (expire >= 0) {
    store<i64>(p, expire);
    p += 8;
  }
  p = writeVarint(p, vl);
  copyBytes(p, vp, vl);
}

export function feFree(e: usize): void {
  free(e, feSize(e));
}

/**
 * Replaces entry e's value and TTL (e found by the last dictFind on its
 * dict). ST-style: 0, or -1 when memory is full (e untouched). The source
 * bytes must not lie inside e.
 */
export function feReplace(e: usize, vp: usize, vl: u32, expire: i64): i32 {
  const fl = feFieldLen(e);
  const fp = feFieldPtr(e);
  const oldSize = feSize(e);
  const newSize = feSizeFor(fl, vl, expire >= 0);
  if (fitsInPlace(e, oldSize, newSize)) {
    feWrite(e, fp, fl, vp, vl, expire); // the field is copied onto itself
    return 0;
  }
  const n = alloc(newSize);
  if (n == 0) return -1;
  feWrite(n, fp, fl, vp, vl, expire);
  dictReplaceFound(e, n);
  free(e, oldSize);
  return 0;
}

/**
 * Sets (expire >= 0) or drops (-1) entry e's TTL, keeping its value (e found
 * by the last dictFind on its dict). 0, or -1 when memory is full.
 */
export function feSetExpire(e: usize, expire: i64): i32 {
  const had = feHasTtl(e);
  const want = expire >= 0;
  const at = feAfterField(e);
  if (had && want) {
    store<i64>(at, expire);
    return 0;
  }
  if (!had && !want) return 0;
  const oldSize = feSize(e);
  const head = u32(at - e);
  const tail = oldSize - head - (had ? 8 : 0); // the value's varint and bytes
  const newSize = want ? oldSize + 8 : oldSize - 8;
  if (fitsInPlace(e, oldSize, newSize) || (!want && oldSize <= SMALL_MAX)) {
    if (want) {
      copyBytes(at + 8, at, tail);
      store<i64>(at, expire);
      store<u8>(e + 4, load<u8>(e + 4) | TAG_TTL);
    } else {
      copyBytes(at, at + 8, tail);
      store<u8>(e + 4, load<u8>(e + 4) & ~TAG_TTL);
      if (oldSize <= SMALL_MAX) shrinkSmall(e, oldSize, newSize); // a large block keeps its capacity
    }
    return 0;
  }
  const n = alloc(newSize);
  if (n == 0) return -1;
  copyBytes(n, e, head);
  if (want) {
    store<i64>(n + head, expire);
    copyBytes(n + head + 8, at, tail);
    store<u8>(n + 4, load<u8>(e + 4) | TAG_TTL);
  } else {
    copyBytes(n + head, at + 8, tail);
    store<u8>(n + 4, load<u8>(e + 4) & ~TAG_TTL);
  }
  dictReplaceFound(e, n);
  free(e, oldSize);
  return 0;
}

// ---------------------------------------------------------------- table

// @ts-ignore: decorator
@inline export function tableDict(h: usize): usize {
  return h + 8;
}

export function tableCount(h: usize): u32 {
  return dictCount(h + 8);
}

/** An empty table hash with its first bucket table; 0 when memory is full. */
export function tableNew(): usize {
  const h = alloc(TABLE_BYTES);
  if (h == 0) return 0;
  store<u64>(h, u64(HASH_TABLE));
  dictInit(h + 8);
  if (!dictReserve(h + 8)) {
    free(h, TABLE_BYTES);
    return 0;
  }
  return h;
}

export function tableFree(h: usize): void {
  dictClear(h + 8, feFree);
  free(h, TABLE_BYTES);
}

/**
 * Links a new entry (field absent, checked by the caller) and finishes any
 * rehash its growth started: bulk builds (conversion, clone) stay compact.
 */
export function tableLinkBuilding(h: usize, e: usize): void {
  const d = h + 8;
  dictAdd(d, e);
  while (dictIsRehashing(d)) dictRehash(d, 1024);
}

let cloneDst: usize = 0;
let cloneFailed = false;

function cloneOne(e: usize): void {
  if (cloneFailed) return;
  const size = feSize(e);
  const n = alloc(size);
  if (n == 0) {
    cloneFailed = true;
    return;
  }
  copyBytes(n, e, size);
  tableLinkBuilding(cloneDst, n);
}

/** Deep copy; 0 when memory is full (nothing leaked). */
export function tableClone(h: usize): usize {
  const t = tableNew();
  if (t == 0) return 0;
  cloneDst = t;
  cloneFailed = false;
  // a full scan of an unchanging dict reports every entry exactly once
  let cursor: u32 = 0;
  do {
    cursor = dictScan(h + 8, cursor, cloneOne);
  } while (cursor != 0 && !cloneFailed);
  if (cloneFailed) {
    tableFree(t);
    return 0;
  }
  return t;
}

// ---------------------------------------------------------------- byte-order listing

let gatherAt: usize = 0;
let gatherCap: u32 = 0;
let gathered: u32 = 0;

function gatherOne(e: usize): void {
  if (gathered < gatherCap) store<u32>(gatherAt + (gathered << 2), u32(e));
  gathered++;
}

// @ts-ignore: decorator
@inline function fieldAt(arr: usize, i: u32): usize {
  return load<u32>(arr + (i << 2));
}

function fieldCompare(a: usize, b: usize): i32 {
  return compareBytes(feFieldPtr(a), feFieldLen(a), feFieldPtr(b), feFieldLen(b));
}

function swap(arr: usize, i: u32, j: u32): void {
  const t = load<u32>(arr + (i << 2));
  store<u32>(arr + (i << 2), load<u32>(arr + (j << 2)));
  store<u32>(arr + (j << 2), t);
}

function siftDown(arr: usize, i: u32, n: u32): void {
  while (true) {
    const l: u32 = 2 * i + 1;
    if (l >= n) return;
    let m = l;
    if (l + 1 < n && fieldCompare(fieldAt(arr, l + 1), fieldAt(arr, l)) > 0) m = l + 1;
    if (fieldCompare(fieldAt(arr, m), fieldAt(arr, i)) <= 0) return;
    swap(arr, i, m);
    i = m;
  }
}

/** Heapsort: O(n log n) in place, no recursion, no extra memory. */
function sortByField(arr: usize, n: u32): void {
  if (n < 2) return;
  for (let i = i32(n >> 1) - 1; i >= 0; i--) siftDown(arr, u32(i), n);
  for (let end = n - 1; end > 0; end--) {
    swap(arr, 0, end);
    siftDown(arr, 0, end);
  }
}

/**
 * The table's entries sorted by field bytes, in a u32 array the caller frees
 * with free(arr, tableCount(h) << 2); 0 when memory is full (or empty).
 */
export function tableSorted(h: usize): usize {
  const n = dictCount(h + 8);
  if (n == 0) return 0;
  const arr = alloc(n << 2);
  if (arr == 0) return 0;
  gatherAt = arr;
  gatherCap = n;
  gathered = 0;
  let cursor: u32 = 0;
  do {
    cursor = dictScan(h + 8, cursor, gatherOne);
  } while (cursor != 0);
  sortByField(arr, n);
  return arr;
}

// ---------------------------------------------------------------- consistency check (tests)

function fieldCheck(e: usize): void {
  checkBlock(e, feSize(e));
  if ((load<u8>(e + 4) & ~TAG_TTL) != 0) checkFail(CK_HASH, e);
}

/** Records every block of table hash h and checks its dict (check_core.ts). */
export function tableCheck(h: usize): void {
  checkBlock(h, TABLE_BYTES);
  if (load<u64>(h) != u64(HASH_TABLE) || dictCount(h + 8) == 0) checkFail(CK_HASH, h);
  dictCheck(h + 8, fieldCheck);
}
