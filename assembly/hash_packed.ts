/**
 * The packed representation of small hashes (hash.ts chooses it): one block
 * holding every field, sorted by field bytes (memcmp order; a prefix sorts
 * first), like Redis's listpack encoding but kept ordered.
 *
 *     +0  u8  HASH_PACKED (the representation tag shared with hash_table.ts)
 *     +1  u8  0
 *     +2  u16 count      number of fields
 *     +4  u32 cap        block capacity: what free() gets back
 *     +8  u32 used       bytes in use, header included
 *     +12 records: [u8 flen][u8 vlen | REC_TTL][field][value][i64 expireAt if REC_TTL]
 *
 * Fields and values are at most 64 bytes here (hash.ts converts before), so
 * their lengths fit a byte with a bit to spare for the TTL flag.
 *
 * Ownership: the hash owns the block. Functions that may move it return the
 * new address (0 when memory is full, the old block then untouched); record
 * addresses are invalid after a move, offsets from the block start are not.
 * (ptr, len) arguments belong to the caller and never point into the block.
 */
import { alloc, capacityOf, free } from "./memory";
import { compareBytes, copyBytes } from "./bytes";
import { checkBlock } from "./check_core";

/** Representation tag of a packed hash (first byte of the structure). */
export const HASH_PACKED: u8 = 1;
// @ts-ignore: decorator
@inline const P_COUNT: usize = 2;
// @ts-ignore: decorator
@inline const P_CAP: usize = 4;
// @ts-ignore: decorator
@inline const P_USED: usize = 8;
/** Header bytes before the first record. */
// @ts-ignore: decorator
@inline export const P_HEAD: u32 = 12;
// @ts-ignore: decorator
@inline const REC_TTL: u8 = 0x80;
// @ts-ignore: decorator
@inline const MIN_CAP: u32 = 32;

// ---------------------------------------------------------------- records

// @ts-ignore: decorator
@inline export function recFieldLen(r: usize): u32 {
  return load<u8>(r);
}
// @ts-ignore: decorator
@inline export function recFieldPtr(r: usize): usize {
  return r + 2;
}
// @ts-ignore: decorator
@inline export function recValueLen(r: usize): u32 {
  return load<u8>(r + 1) & ~REC_TTL;
}
// @ts-ignore: decorator
@inline export function recValuePtr(r: usize): usize {
  return r + 2 + load<u8>(r);
}
// @ts-ignore: decorator
@inline export function recHasTtl(r: usize): bool {
  return (load<u8>(r + 1) & REC_TTL) != 0;
}

/** The record's field TTL (absolute unix ms), -1 without. */
export function recExpire(r: usize): i64 {
  return recHasTtl(r) ? load<i64>(r + 2 + recFieldLen(r) + recValueLen(r)) : -1;
}

// @ts-ignore: decorator
@inline export function recSize(r: usize): u32 {
  return 2 + recFieldLen(r) + recValueLen(r) + (recHasTtl(r) ? 8 : 0);
}

// @ts-ignore: decorator
@inline export function recSizeFor(fl: u32, vl: u32, ttl: bool): u32 {
  return 2 + fl + vl + (ttl ? 8 : 0);
}

function recWrite(r: usize, fp: usize, fl: u32, vp: usize, vl: u32, expire: i64): void {
  store<u8>(r, u8(fl));
  store<u8>(r + 1, u8(vl) | (expire >= 0 ? REC_TTL : 0));
  copyBytes(r + 2, fp, fl);
  copyBytes(r + 2 + fl, vp, vl);
  if (expire >= 0) store<i64>(r + 2 + fl + vl, expire);
}

// ---------------------------------------------------------------- block

// @ts-ignore: decorator
@inline export function packedCount(h: usize): u32 {
  return load<u16>(h + P_COUNT);
}
// @ts-ignore: decorator
@inline export function packedFirst(h: usize): usize {
  return h + P_HEAD;
}
// @ts-ignore: decorator
@inline export function packedEnd(h: usize): usize {
  return h + load<u32>(h + P_USED);
}

/** An empty packed hash able to hold `bytes` of records without moving; 0 when memory is full. */
export function packedNew(bytes: u32): usize {
  let want = (P_HEAD + bytes + 7) & ~u32(7);
  if (want < MIN_CAP) want = MIN_CAP;
  const h = alloc(want);
  if (h == 0) return 0;
  store<u32>(h, u32(HASH_PACKED)); // kind, pad, count 0
  store<u32>(h + P_CAP, capacityOf(h, want));
  store<u32>(h + P_USED, P_HEAD);
  return h;
}

export function packedFree(h: usize): void {
  free(h, load<u32>(h + P_CAP));
}

/** A compact copy (capacity = bytes used); 0 when memory is full. */
export function packedClone(h: usize): usize {
  const used = load<u32>(h + P_USED);
  const n = alloc(used);
  if (n == 0) return 0;
  copyBytes(n, h, used);
  store<u32>(n + P_CAP, capacityOf(n, used));
  return n;
}

/** Where packedFind stopped when the field is absent: the insertion point keeping the order. */
export let packedInsertAt: usize = 0;

/** The record holding field (fp, fl), or 0 (then packedInsertAt is where it belongs). */
export function packedFind(h: usize, fp: usize, fl: u32): usize {
  let r = h + P_HEAD;
  const end = h + load<u32>(h + P_USED);
  while (r < end) {
    const c = compareBytes(r + 2, recFieldLen(r), fp, fl);
    if (c == 0) return r;
    if (c > 0) break;
    r += recSize(r);
  }
  packedInsertAt = r;
  return 0;
}

/** Makes room for `extra` more bytes: the block (maybe moved) or 0 when memory is full. */
function reserve(h: usize, extra: u32): usize {
  const used = load<u32>(h + P_USED);
  const cap = load<u32>(h + P_CAP);
  const need = used + extra;
  if (need <= cap) return h;
  // grow by half so a run of inserts stays linear
  let want = cap + (cap >> 1);
  if (want < need) want = need;
  want = (want + 7) & ~u32(7);
  let n = alloc(want);
  if (n == 0 && want != need) {
    want = need;
    n = alloc(want);
  }
  if (n == 0) return 0;
  copyBytes(n, h, used);
  store<u32>(n + P_CAP, capacityOf(n, want));
  free(h, cap);
  return n;
}

/** Gives memory back when at most a quarter of a sizeable block is used (after deletes). */
function shrink(h: usize): usize {
  const used = load<u32>(h + P_USED);
  const cap = load<u32>(h + P_CAP);
  if (cap <= 256 || used > cap >> 2) return h;
  const want = ((used << 1) + 7) & ~u32(7);
  const n = alloc(want);
  if (n == 0) return h; // keeping the big block is fine
  copyBytes(n, h, used);
  store<u32>(n + P_CAP, capacityOf(n, want));
  free(h, cap);
  return n;
}

/**
 * Inserts a new record at offset `at` (from packedInsertAt of the last
 * packedFind on h). The block (maybe moved) or 0 when memory is full.
 */
export function packedInsert(h: usize, at: usize, fp: usize, fl: u32, vp: usize, vl: u32, expire: i64): usize {
  const size = recSizeFor(fl, vl, expire >= 0);
  const off = at - h;
  const n = reserve(h, size);
  if (n == 0) return 0;
  const used = load<u32>(n + P_USED);
  const r = n + off;
  copyBytes(r + size, r, used - u32(off));
  recWrite(r, fp, fl, vp, vl, expire);
  store<u32>(n + P_USED, used + size);
  store<u16>(n + P_COUNT, load<u16>(n + P_COUNT) + 1);
  return n;
}

/**
 * Resizes record r to newSize bytes, keeping its first min(old, new) bytes
 * (header and field) and moving the records after it. Returns the block
 * (maybe moved; the record stays at the same offset) or 0 when memory is full.
 */
function resizeRecord(h: usize, r: usize, newSize: u32): usize {
  const off = u32(r - h);
  const oldSize = recSize(r);
  const used = load<u32>(h + P_USED);
  let n = h;
  if (newSize > oldSize) {
    n = reserve(h, newSize - oldSize);
    if (n == 0) return 0;
  }
  const at = n + off;
  copyBytes(at + newSize, at + oldSize, used - off - oldSize);
  store<u32>(n + P_USED, used - oldSize + newSize);
  return n;
}

/**
 * Replaces the value of record r (and its TTL: expire -1 drops it). The block
 * (maybe moved) or 0 when memory is full.
 */
export function packedReplace(h: usize, r: usize, vp: usize, vl: u32, expire: i64): usize {
  const fl = recFieldLen(r);
  const off = r - h;
  const n = resizeRecord(h, r, recSizeFor(fl, vl, expire >= 0));
  if (n == 0) return 0;
  const at = n + off;
  store<u8>(at + 1, u8(vl) | (expire >= 0 ? REC_TTL : 0));
  copyBytes(at + 2 + fl, vp, vl);
  if (expire >= 0) store<i64>(at + 2 + fl + vl, expire);
  return n;
}

/** Sets (expire >= 0) or drops (-1) record r's TTL. The block (maybe moved) or 0 when memory is full. */
export function packedSetExpire(h: usize, r: usize, expire: i64): usize {
  const had = recHasTtl(r);
  const want = expire >= 0;
  const base = 2 + recFieldLen(r) + recValueLen(r);
  if (had && want) {
    store<i64>(r + base, expire);
    return h;
  }
  if (!had && !want) return h;
  const off = r - h;
  const n = resizeRecord(h, r, base + (want ? 8 : 0));
  if (n == 0) return 0;
  const at = n + off;
  if (want) {
    store<i64>(at + base, expire);
    store<u8>(at + 1, load<u8>(at + 1) | REC_TTL);
  } else {
    store<u8>(at + 1, load<u8>(at + 1) & ~REC_TTL);
  }
  return n;
}

/** Removes record r. The block (maybe moved to a smaller one). Never fails. */
export function packedRemove(h: usize, r: usize): usize {
  const size = recSize(r);
  const end = h + load<u32>(h + P_USED);
  copyBytes(r, r + size, end - (r + size));
  store<u32>(h + P_USED, load<u32>(h + P_USED) - size);
  store<u16>(h + P_COUNT, load<u16>(h + P_COUNT) - 1);
  return shrink(h);
}

// ---------------------------------------------------------------- consistency check (tests)

/**
 * Records block h (check_core.ts) and checks its layout: used within the
 * capacity, records parse exactly to `used` and number `count` (1..maxCount),
 * fields strictly increasing, fields and values at most maxLen bytes.
 * False on a violation.
 */
export function packedCheck(h: usize, maxCount: u32, maxLen: u32): bool {
  const cap = load<u32>(h + P_CAP);
  checkBlock(h, cap);
  const used = load<u32>(h + P_USED);
  const count = packedCount(h);
  if (used < P_HEAD || used > cap || count == 0 || count > maxCount || load<u8>(h + 1) != 0) return false;
  const end = h + used;
  let prev: usize = 0;
  let n: u32 = 0;
  for (let r = h + P_HEAD; r < end; r += recSize(r)) {
    if (r + 2 > end || r + recSize(r) > end) return false;
    if (recFieldLen(r) > maxLen || recValueLen(r) > maxLen) return false;
    if (prev != 0 && compareBytes(recFieldPtr(prev), recFieldLen(prev), recFieldPtr(r), recFieldLen(r)) >= 0) {
      return false;
    }
    prev = r;
    n++;
  }
  return n == count;
}
