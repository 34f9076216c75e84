/**
 * Packed sorted byte array: a small collection of distinct byte strings kept
 * in memcmp order (a shorter string sorts before any string it prefixes) in
 * ONE allocation, found by binary search. Small sets use it (set.ts); it is
 * generic over what the strings mean.
 *
 * Block layout (no alignment needed, all fields little-endian):
 *
 *     +0  u8   tag       the owner's byte (set.ts stores its encoding kind); kept as is
 *     +1  u8   reserved
 *     +2  u16  count     number of items
 *     +4  u16  dataLen   bytes of item data
 *     +6  u16  reserved
 *     +8  u32  size      bytes asked from alloc() for this block (free() needs it back)
 *     +12 u16  ends[count]   end offset (exclusive) of item i inside the data
 *     ...      data      the items back to back, sorted; item i = [ends[i-1] or 0, ends[i])
 *
 * Limits: count and dataLen are u16 (the owner keeps them far below:
 * set.ts converts to a hash table beyond 128 items of 64 bytes).
 *
 * Ownership: the block belongs to the caller of packedNew/packedClone (set.ts
 * via its keyspace entry). Inserts and removals may move it to a new block
 * and free the old one: they return the block's current address, which the
 * owner stores. (ptr, len) arguments belong to the caller and are only read.
 */
import { compareBytes, copyBytes } from "./bytes";
import { alloc, capacityOf, free, shrinkSmall, SMALL_MAX } from "./memory";
import { checkBlock } from "./check_core";

// @ts-ignore: decorator
@inline const P_COUNT: usize = 2;
// @ts-ignore: decorator
@inline const P_DATALEN: usize = 4;
// @ts-ignore: decorator
@inline const P_SIZE: usize = 8;
// @ts-ignore: decorator
@inline export const PACKED_HEADER: u32 = 12;

// ---------------------------------------------------------------- byte order


// ---------------------------------------------------------------- fields

// @ts-ignore: decorator
@inline export function packedCount(p: usize): u32 {
  return u32(load<u16>(p + P_COUNT));
}

// @ts-ignore: decorator
@inline export function packedDataLen(p: usize): u32 {
  return u32(load<u16>(p + P_DATALEN));
}

/** Bytes asked from alloc() for block p. */
// @ts-ignore: decorator
@inline export function packedAllocSize(p: usize): u32 {
  return load<u32>(p + P_SIZE);
}

// @ts-ignore: decorator
@inline function endsAt(p: usize): usize {
  return p + PACKED_HEADER;
}

// @ts-ignore: decorator
@inline function dataAt(p: usize, count: u32): usize {
  return p + PACKED_HEADER + (count << 1);
}

// @ts-ignore: decorator
@inline function endOf(p: usize, i: u32): u32 {
  return u32(load<u16>(endsAt(p) + (usize(i) << 1)));
}

// @ts-ignore: decorator
@inline function startOf(p: usize, i: u32): u32 {
  return i == 0 ? 0 : endOf(p, i - 1);
}

/** Bytes block p uses (header, ends and data). */
// @ts-ignore: decorator
@inline export function packedUsed(p: usize): u32 {
  const c = packedCount(p);
  return PACKED_HEADER + (c << 1) + packedDataLen(p);
}

/** Address of item i's bytes. */
// @ts-ignore: decorator
@inline export function packedItemPtr(p: usize, i: u32): usize {
  return dataAt(p, packedCount(p)) + startOf(p, i);
}

/** Length of item i. */
// @ts-ignore: decorator
@inline export function packedItemLen(p: usize, i: u32): u32 {
  return endOf(p, i) - startOf(p, i);
}

// ---------------------------------------------------------------- lookup

/**
 * Binary search: the index of (mp, ml) when present, else -(insertion index) - 1.
 */
export function packedFind(p: usize, mp: usize, ml: u32): i32 {
  const count = packedCount(p);
  const data = dataAt(p, count);
  let lo: u32 = 0;
  let hi: u32 = count;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    const s = startOf(p, mid);
    const c = compareBytes(data + s, endOf(p, mid) - s, mp, ml);
    if (c == 0) return i32(mid);
    if (c < 0) lo = mid + 1;
    else hi = mid;
  }
  return -i32(lo) - 1;
}

// ---------------------------------------------------------------- blocks

/** Rounds an allocation request up so small blocks use their whole 8-byte class. */
// @ts-ignore: decorator
@inline function roundSize(n: u32): u32 {
  return (n + 7) & ~u32(7);
}

/** A block holding the single item (mp, ml); 0 when memory is full. */
export function packedNew(tag: u8, mp: usize, ml: u32): usize {
  const size = roundSize(PACKED_HEADER + 2 + ml);
  const p = alloc(size);
  if (p == 0) return 0;
  store<u8>(p, tag);
  store<u8>(p + 1, 0);
  store<u16>(p + P_COUNT, 1);
  store<u16>(p + P_DATALEN, u16(ml));
  store<u16>(p + 6, 0);
  store<u32>(p + P_SIZE, size);
  store<u16>(endsAt(p), u16(ml));
  copyBytes(dataAt(p, 1), mp, ml);
  return p;
}

/** Frees block p. */
export function packedFree(p: usize): void {
  free(p, packedAllocSize(p));
}

/** An exact-size copy of block p; 0 when memory is full. */
export function packedClone(p: usize): usize {
  const used = packedUsed(p);
  const size = roundSize(used);
  const q = alloc(size);
  if (q == 0) return 0;
  copyBytes(q, p, used);
  store<u32>(q + P_SIZE, size);
  return q;
}

/**
 * Inserts (mp, ml) at index i (from packedFind: the caller checked it is
 * absent and the limits allow it). Returns the block's address (p, or a
 * bigger block when p was full: p is freed then), or 0 when memory is full
 * (p unchanged).
 */
export function packedInsert(p: usize, i: u32, mp: usize, ml: u32): usize {
  const count = packedCount(p);
  const dataLen = packedDataLen(p);
  const need = PACKED_HEADER + ((count + 1) << 1) + dataLen + ml;
  const start = startOf(p, i);
  if (need <= capacityOf(p, packedAllocSize(p))) {
    insertInPlace(p, i, start, mp, ml);
    return p;
  }
  // grow by a quarter so a set filled one member at a time copies O(n) bytes per
  // add only every few adds (the block never exceeds ~8.5 KB: set.ts converts)
  const size = roundSize(need + (need >> 2));
  const q = alloc(size);
  if (q == 0) return 0;
  copyWithGap(q, p, i, start, ml);
  store<u32>(q + P_SIZE, size);
  copyBytes(dataAt(q, count + 1) + start, mp, ml);
  packedFree(p);
  return q;
}

function insertInPlace(p: usize, i: u32, start: u32, mp: usize, ml: u32): void {
  const count = packedCount(p);
  const dataLen = packedDataLen(p);
  const data = dataAt(p, count);
  const newData = data + 2;
  // tail moves right by 2 + ml first (it goes furthest), then the head by 2
  copyBytes(newData + start + ml, data + start, dataLen - start);
  copyBytes(newData, data, start);
  const ends = endsAt(p);
  for (let j = count; j > i; j--) {
    const at = ends + (usize(j) << 1);
    store<u16>(at, load<u16>(at - 2) + u16(ml));
  }
  store<u16>(ends + (usize(i) << 1), u16(start + ml));
  copyBytes(newData + start, mp, ml);
  store<u16>(p + P_COUNT, u16(count + 1));
  store<u16>(p + P_DATALEN, u16(dataLen + ml));
}

/**
 * Copies p into the fresh block q leaving room for an item of ml bytes at
 * index i (data offset start): header, ends (shifted), data with a gap.
 */
function copyWithGap(q: usize, p: usize, i: u32, start: u32, ml: u32): void {
  const count = packedCount(p);
  const dataLen = packedDataLen(p);
  copyBytes(q, p, PACKED_HEADER);
  store<u16>(q + P_COUNT, u16(count + 1));
  store<u16>(q + P_DATALEN, u16(dataLen + ml));
  const pe = endsAt(p);
  const qe = endsAt(q);
  copyBytes(qe, pe, usize(i) << 1);
  store<u16>(qe + (usize(i) << 1), u16(start + ml));
  for (let j = i; j < count; j++) {
    store<u16>(qe + (usize(j + 1) << 1), load<u16>(pe + (usize(j) << 1)) + u16(ml));
  }
  const pd = dataAt(p, count);
  const qd = dataAt(q, count + 1);
  copyBytes(qd, pd, start);
  copyBytes(qd + start + ml, pd + start, dataLen - start);
}

/**
 * Removes item i. Never fails; returns the block's address (a smaller copy
 * when p became mostly empty and one could be had, p freed then).
 */
export function packedRemove(p: usize, i: u32): usize {
  const count = packedCount(p);
  const dataLen = packedDataLen(p);
  const start = startOf(p, i);
  const ml = endOf(p, i) - start;
  const ends = endsAt(p);
  for (let j = i; j + 1 < count; j++) {
    const at = ends + (usize(j) << 1);
    store<u16>(at, load<u16>(at + 2) - u16(ml));
  }
  const data = dataAt(p, count);
  const newData = data - 2;
  // head moves left by 2 over the freed last end slot, then the tail closes the gap
  copyBytes(newData, data, start);
  copyBytes(newData + start, data + start + ml, dataLen - start - ml);
  store<u16>(p + P_COUNT, u16(count - 1));
  store<u16>(p + P_DATALEN, u16(dataLen - ml));
  return maybeShrink(p);
}

/** Gives memory back when a block is less than half used. */
function maybeShrink(p: usize): usize {
  const size = packedAllocSize(p);
  const used = packedUsed(p);
  if (used + 64 > size >> 1) return p;
  const want = roundSize(used + (used >> 2));
  if (size <= SMALL_MAX) {
    shrinkSmall(p, size, want);
    store<u32>(p + P_SIZE, want);
    return p;
  }
  const q = alloc(want);
  if (q == 0) return p; // keep the roomy block: shrinking is optional
  copyBytes(q, p, used);
  store<u32>(q + P_SIZE, want);
  packedFree(p);
  return q;
}

// ---------------------------------------------------------------- consistency check (tests)

/**
 * Records block p (check_core.ts) and checks its layout: the items fit the
 * block, their ends never decrease, they are strictly increasing in byte
 * order, at most maxCount items of at most maxLen bytes, at least one.
 * False on a violation.
 */
export function packedCheck(p: usize, maxCount: u32, maxLen: u32): bool {
  const size = packedAllocSize(p);
  checkBlock(p, size);
  const count = packedCount(p);
  if (count == 0 || count > maxCount || packedUsed(p) > capacityOf(p, size)) return false;
  let prevEnd: u32 = 0;
  for (let i: u32 = 0; i < count; i++) {
    const e = endOf(p, i);
    if (e < prevEnd || e - prevEnd > maxLen) return false;
    if (i > 0) {
      const a = packedItemPtr(p, i - 1);
      const al = packedItemLen(p, i - 1);
      if (compareBytes(a, al, packedItemPtr(p, i), packedItemLen(p, i)) >= 0) return false;
    }
    prevEnd = e;
  }
  return prevEnd == packedDataLen(p);
}
