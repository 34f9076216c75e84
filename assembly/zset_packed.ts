/**
 * Small sorted sets: one block of entries sorted by (score, member), the
 * counterpart of Redis's listpack encoding (t_zset.c zzl* functions).
 *
 *     +0  u8  ENC_PACKED
 *     +4  u32 count
 *     +8  u32 used     entry bytes
 *     +12 u32 cap      block capacity, header included (what free() gets back)
 *     +16 entries      [f64 score][u8 len][member bytes] ...
 *
 * Ownership: the block belongs to the keyspace entry that points at it
 * (zset.ts keeps that pointer current when a block moves). Member pointers
 * passed in belong to the caller.
 *
 * Invariants kept by zset.ts: count <= PACKED_MAX_ENTRIES and every member
 * <= PACKED_MAX_VALUE bytes (it converts to a skiplist before either would
 * break), so an entry is at most 73 bytes and indexing fits a static table.
 * A zero score is stored as +0: Redis's listpack stores an integral score as
 * an integer, which turns -0 into 0 (the skiplist keeps -0).
 */
import { bytesEqual, copyBytes } from "./bytes";
import { alloc, capacityOf, free, shrinkSmall, SMALL_MAX } from "./memory";
import { checkBlock } from "./check_core";
import { compareScored, ENC_PACKED, inRangeMax, inRangeMin, PACKED_MAX_ENTRIES, rangeIsEmpty } from "./zset_common";

// @ts-ignore: decorator
@inline const P_COUNT: usize = 4;
// @ts-ignore: decorator
@inline const P_USED: usize = 8;
// @ts-ignore: decorator
@inline const P_CAP: usize = 12;
// @ts-ignore: decorator
@inline export const P_DATA: u32 = 16;
/** Fixed bytes of an entry: score + length byte. */
// @ts-ignore: decorator
@inline const E_FIXED: u32 = 9;

/** Entry addresses of the last pkIndex'ed block: entry i at offs[i], offs[count] = end. */
const offs: usize = memory.data(4 * (PACKED_MAX_ENTRIES + 2));

// ---------------------------------------------------------------- entries

// @ts-ignore: decorator
@inline export function pkScore(e: usize): f64 {
  return load<f64>(e);
}
// @ts-ignore: decorator
@inline export function pkLen(e: usize): u32 {
  return load<u8>(e + 8);
}
// @ts-ignore: decorator
@inline export function pkMember(e: usize): usize {
  return e + E_FIXED;
}
// @ts-ignore: decorator
@inline export function pkEntrySize(e: usize): u32 {
  return E_FIXED + load<u8>(e + 8);
}

// ---------------------------------------------------------------- block

// @ts-ignore: decorator
@inline export function pkCount(z: usize): u32 {
  return load<u32>(z + P_COUNT);
}
// @ts-ignore: decorator
@inline export function pkUsed(z: usize): u32 {
  return load<u32>(z + P_USED);
}
// @ts-ignore: decorator
@inline export function pkFirst(z: usize): usize {
  return z + P_DATA;
}
// @ts-ignore: decorator
@inline export function pkEnd(z: usize): usize {
  return z + P_DATA + load<u32>(z + P_USED);
}

/** An empty packed zset with room for `room` entry bytes; 0 when memory is full. */
export function pkNew(room: u32): usize {
  const size = P_DATA + room;
  const z = alloc(size);
  if (z == 0) return 0;
  store<u32>(z, ENC_PACKED);
  store<u32>(z + P_COUNT, 0);
  store<u32>(z + P_USED, 0);
  store<u32>(z + P_CAP, capacityOf(z, size));
  return z;
}

export function pkFree(z: usize): void {
  free(z, load<u32>(z + P_CAP));
}

/** Exact-size copy; 0 when memory is full. */
export function pkClone(z: usize): usize {
  const used = pkUsed(z);
  const c = pkNew(used);
  if (c == 0) return 0;
  copyBytes(c + P_DATA, z + P_DATA, used);
  store<u32>(c + P_COUNT, pkCount(z));
  store<u32>(c + P_USED, used);
  return c;
}

/** Fills the index table (entry i at offs[i]); returns the count. Valid until the block changes. */
export function pkIndex(z: usize): u32 {
  const n = pkCount(z);
  let e = pkFirst(z);
  for (let i: u32 = 0; i < n; i++) {
    store<u32>(offs + (i << 2), e);
    e += pkEntrySize(e);
  }
  store<u32>(offs + (n << 2), e);
  return n;
}

/** Address of entry i after pkIndex (i == count: the end). */
// @ts-ignore: decorator
@inline export function pkAt(i: u32): usize {
  return load<u32>(offs + (i << 2));
}

/** Entry holding member (mp, ml), or 0. */
export function pkFind(z: usize, mp: usize, ml: u32): usize {
  let e = pkFirst(z);
  const end = pkEnd(z);
  while (e < end) {
    const l = pkLen(e);
    if (l == ml && bytesEqual(e + E_FIXED, mp, ml)) return e;
    e += E_FIXED + l;
  }
  return 0;
}

/** Where (score, member) belongs: the first entry ordered after it, or the end. */
function insertPosition(z: usize, score: f64, mp: usize, ml: u32): usize {
  let e = pkFirst(z);
  const end = pkEnd(z);
  while (e < end && compareScored(pkScore(e), pkMember(e), pkLen(e), score, mp, ml) < 0) e += pkEntrySize(e);
  return e;
}

/** Writes a new entry at its place; the block has room (callers checked). */
function insertInPlace(z: usize, score: f64, mp: usize, ml: u32): void {
  if (score == 0) score = 0; // -0 -> +0, as the listpack's integer encoding
  const at = insertPosition(z, score, mp, ml);
  const size = E_FIXED + ml;
  copyBytes(at + size, at, pkEnd(z) - at);
  store<f64>(at, score);
  store<u8>(at + 8, u8(ml));
  copyBytes(at + E_FIXED, mp, ml);
  store<u32>(z + P_COUNT, pkCount(z) + 1);
  store<u32>(z + P_USED, pkUsed(z) + size);
}

/**
 * Inserts a member that is absent (the caller checked, and that the
 * invariants hold after). Returns the block, moved when it had to grow, or 0
 * when memory is full (z untouched then).
 */
export function pkInsert(z: usize, score: f64, mp: usize, ml: u32): usize {
  const need = P_DATA + pkUsed(z) + E_FIXED + ml;
  const cap = load<u32>(z + P_CAP);
  if (need > cap) {
    const size = need + (need >> 1);
    const n = alloc(size);
    if (n == 0) return 0;
    copyBytes(n, z, P_DATA + pkUsed(z));
    store<u32>(n + P_CAP, capacityOf(n, size));
    free(z, cap);
    z = n;
  }
  insertInPlace(z, score, mp, ml);
  return z;
}

/** Scratch for a member while its entry moves (members are <= 64 bytes). */
const moving: usize = memory.data(256);

/** Gives entry e a new score and moves it to its place (no allocation). */
export function pkRescore(z: usize, e: usize, score: f64): void {
  const ml = pkLen(e);
  copyBytes(moving, pkMember(e), ml);
  removeBytes(z, e, e + E_FIXED + ml, 1);
  insertInPlace(z, score, moving, ml);
}

function removeBytes(z: usize, from: usize, to: usize, n: u32): void {
  const end = pkEnd(z);
  copyBytes(from, to, end - to);
  store<u32>(z + P_COUNT, pkCount(z) - n);
  store<u32>(z + P_USED, pkUsed(z) - u32(to - from));
}

/**
 * Removes the n entries in [from, to). Returns the block, which moves when a
 * large block is worth shrinking (a failed shrink just keeps the old one).
 */
export function pkRemove(z: usize, from: usize, to: usize, n: u32): usize {
  if (n == 0) return z;
  removeBytes(z, from, to, n);
  return pkCount(z) == 0 ? z : maybeShrink(z); // an emptied zset is about to be freed
}

/** Gives back memory when less than half the block is used. */
function maybeShrink(z: usize): usize {
  const cap = load<u32>(z + P_CAP);
  const need = P_DATA + pkUsed(z);
  if (cap <= 64 || need << 1 >= cap) return z;
  const want = need + (need >> 1);
  if (cap <= SMALL_MAX) {
    shrinkSmall(z, cap, want);
    store<u32>(z + P_CAP, capacityOf(z, want));
    return z;
  }
  const n = alloc(want);
  if (n == 0) return z;
  copyBytes(n, z, need);
  store<u32>(n + P_CAP, capacityOf(n, want));
  free(z, cap);
  return n;
}

// ---------------------------------------------------------------- ranges
// The listpack algorithms (zzlIsInRange, zzlFirstInRange, ...), over the
// current range of zset_common.ts, so lex ranges over members that are not
// in byte order answer exactly as Redis's listpack does.

function inMin(e: usize): bool {
  return inRangeMin(pkScore(e), pkMember(e), pkLen(e));
}

function inMax(e: usize): bool {
  return inRangeMax(pkScore(e), pkMember(e), pkLen(e));
}

/** zzlIsInRange: the range is not empty, the last entry reaches min, the first is within max. */
function isInRange(n: u32): bool {
  if (n == 0 || rangeIsEmpty()) return false;
  return inMin(pkAt(n - 1)) && inMax(pkAt(0));
}

/** Index of the first entry in range (-1: none). Needs pkIndex first (n = count). */
export function pkFirstInRange(n: u32): i32 {
  if (!isInRange(n)) return -1;
  for (let i: u32 = 0; i < n; i++) {
    const e = pkAt(i);
    if (inMin(e)) return inMax(e) ? i32(i) : -1;
  }
  return -1;
}

/** Index of the last entry in range (-1: none). Needs pkIndex first. */
export function pkLastInRange(n: u32): i32 {
  if (!isInRange(n)) return -1;
  for (let i = i32(n) - 1; i >= 0; i--) {
    const e = pkAt(u32(i));
    if (inMax(e)) return inMin(e) ? i : -1;
  }
  return -1;
}

/** Whether entry i (after pkIndex) is within the current range's max / min. */
export function pkInMax(i: u32): bool {
  return inMax(pkAt(i));
}
export function pkInMin(i: u32): bool {
  return inMin(pkAt(i));
}

// ---------------------------------------------------------------- consistency check (tests)

/**
 * Records block z (check_core.ts) and checks its layout: entries fit the
 * capacity and parse exactly to `used`, count 1..PACKED_MAX_ENTRIES, members
 * at most maxLen bytes, no NaN, strictly increasing (score, member), no -0.
 * False on a violation.
 */
export function pkCheck(z: usize, maxLen: u32): bool {
  const cap = load<u32>(z + P_CAP);
  checkBlock(z, cap);
  const count = pkCount(z);
  if (P_DATA + pkUsed(z) > cap || count == 0 || count > PACKED_MAX_ENTRIES) return false;
  const end = pkEnd(z);
  let prev: usize = 0;
  let n: u32 = 0;
  for (let e = pkFirst(z); e < end; e += pkEntrySize(e)) {
    if (e + E_FIXED > end || e + pkEntrySize(e) > end || pkLen(e) > maxLen) return false;
    const s = pkScore(e);
    if (isNaN(s) || (s == 0 && 1 / s < 0)) return false;
    if (prev != 0 && compareScored(pkScore(prev), pkMember(prev), pkLen(prev), s, pkMember(e), pkLen(e)) >= 0) {
      return false;
    }
    prev = e;
    n++;
  }
  return n == count;
}
