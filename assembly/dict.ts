/**
 * Chained hash table with incremental rehash (after Redis dict.c), generic over
 * entries that share one prefix:
 *
 *     [u32 next][u8 tag][varint keyLen][key bytes] ...owner's payload...
 *
 * The dict links and unlinks entries but never allocates or frees them: the
 * owner (keyspace, later large sets/hashes) owns entry memory. The dict owns
 * its bucket tables (arrays of u32 entry pointers, 0 = empty).
 *
 * A dict header lives in memory owned by its owner (DICT_BYTES bytes):
 *   +0  u32 table0   +4  u32 mask0   (table0 == 0: no table yet)
 *   +8  u32 table1   +12 u32 mask1   (table1 != 0: rehashing into table1)
 *   +16 u32 rehashIdx (next table0 bucket to move)
 *   +20 u32 count
 *   +24 u64 stamp     (changes whenever the set of linked entries changes)
 *   +32 u32 order slot (order_cache.ts slot number + 1 of this dict's sorted index; a hint)
 *   +36 u32 0
 *
 * Reads never move anything (so a scan cursor and found pointers stay valid
 * between writes); every write first moves one bucket (dictBeforeWrite), and
 * `dictRehash` lets the host finish a pending rehash while idle.
 * Load factor 1: grow x2 when count reaches the table size, shrink when the
 * table is less than 1/8 full. A table that cannot be allocated is simply not
 * resized (chains get longer); inserts never fail because of the table.
 */
import { alloc, allocWasFresh, free } from "./memory";
import { bytesEqual, hashBytes, readVarint, varintSize } from "./bytes";
import { orderForget, orderNote } from "./order_cache";
import {
  checkBlock, checkFail, checkFailed, CK_DICT_CHAIN, CK_DICT_COUNT, CK_DICT_FIND, CK_DICT_PLACE, CK_DICT_TABLE,
} from "./check_core";

export const DICT_BYTES: u32 = 40;
// @ts-ignore: decorator
@inline const MIN_SIZE: u32 = 4;
// @ts-ignore: decorator
@inline const D_T0: usize = 0;
// @ts-ignore: decorator
@inline const D_M0: usize = 4;
// @ts-ignore: decorator
@inline const D_T1: usize = 8;
// @ts-ignore: decorator
@inline const D_M1: usize = 12;
// @ts-ignore: decorator
@inline const D_IDX: usize = 16;
// @ts-ignore: decorator
@inline const D_COUNT: usize = 20;
// @ts-ignore: decorator
@inline const D_STAMP: usize = 24;
// @ts-ignore: decorator
@inline const D_ORDER: usize = 32;

/** Address of the u32 slot that points at the entry the last dictFind returned. */
export let foundLink: usize = 0;
/** The dict the last dictFind searched (dictReplaceFound stamps it). */
let foundDict: usize = 0;

// ---------------------------------------------------------------- stamps
// Cached views of a dict's entries (the sorted indexes of order_cache.ts)
// describe it exactly while its stamp is the one they recorded: every link,
// unlink or replacement gives the dict a new stamp. Stamps come from ONE
// store-wide counter (u64: never wraps), so no two dicts ever share one: a
// dict created where a freed one lived, or swapped into its place (SWAPDB),
// cannot match what was cached for the old one. Rehash steps move entries
// between buckets without changing them and keep the stamp. A dict whose
// header names an order slot reports each change to it (orderNote), so
// its index is patched rather than rebuilt.

let stampClock: u64 = 0;

// @ts-ignore: decorator
@inline function restamp(d: usize): void {
  store<u64>(d + D_STAMP, ++stampClock);
}

/** A new stamp for d after linking `added` and/or unlinking `removed` (0: none), told to its index. */
// @ts-ignore: decorator
@inline function changed(d: usize, added: usize, removed: usize): void {
  const old = load<u64>(d + D_STAMP);
  const stamp = ++stampClock;
  store<u64>(d + D_STAMP, stamp);
  const slot = load<u32>(d + D_ORDER);
  if (slot != 0) store<u32>(d + D_ORDER, orderNote(d, slot, old, stamp, added, removed));
}

/** Records the order slot (+ 1) holding d's sorted index (order.ts, after building it). */
export function dictSetOrderSlot(d: usize, slot: u32): void {
  store<u32>(d + D_ORDER, slot);
}

/** The dict's stamp: equal stamps mean the same entries (same addresses, same keys). */
// @ts-ignore: decorator
@inline export function dictStamp(d: usize): u64 {
  return load<u64>(d + D_STAMP);
}

// ---------------------------------------------------------------- entry prefix

// @ts-ignore: decorator
@inline export function entryNext(e: usize): usize {
  return load<u32>(e);
}
// @ts-ignore: decorator
@inline export function entryKeyLen(e: usize): u32 {
  return readVarint(e + 5);
}
// @ts-ignore: decorator
@inline export function entryKeyPtr(e: usize): usize {
  return e + 5 + varintSize(readVarint(e + 5));
}

// ---------------------------------------------------------------- header

export function dictInit(d: usize): void {
  memory.fill(d, 0, DICT_BYTES);
  restamp(d);
}

// @ts-ignore: decorator
@inline export function dictCount(d: usize): u32 {
  return load<u32>(d + D_COUNT);
}

// @ts-ignore: decorator
@inline export function dictIsRehashing(d: usize): bool {
  return load<u32>(d + D_T1) != 0;
}

// ---------------------------------------------------------------- lookup

function findInChain(link: usize, kp: usize, kl: u32): usize {
  let e = load<u32>(link);
  while (e != 0) {
    const l = readVarint(e + 5);
    if (l == kl && bytesEqual(e + 5 + varintSize(l), kp, kl)) {
      foundLink = link;
      return e;
    }
    link = e;
    e = load<u32>(e);
  }
  return 0;
}

/** Entry holding key (kp, kl), or 0. Sets foundLink on success. */
export function dictFind(d: usize, kp: usize, kl: u32): usize {
  if (load<u32>(d + D_T0) == 0) return 0;
  return dictFindHashed(d, kp, kl, u32(hashBytes(kp, kl)));
}

/**
 * dictFind with the key's hash already computed (`u32(hashBytes(kp, kl))`):
 * a write that finds, then adds with dictAddHashed, hashes the key once.
 */
export function dictFindHashed(d: usize, kp: usize, kl: u32, h: u32): usize {
  const t0 = load<u32>(d + D_T0);
  if (t0 == 0) return 0;
  foundDict = d;
  const i0 = h & load<u32>(d + D_M0);
  const t1 = load<u32>(d + D_T1);
  if (t1 == 0 || i0 >= load<u32>(d + D_IDX)) {
    const e = findInChain(t0 + (i0 << 2), kp, kl);
    if (e != 0 || t1 == 0) return e;
  }
  return findInChain(t1 + ((h & load<u32>(d + D_M1)) << 2), kp, kl);
}

/**
 * Warms the cache for a coming lookup of hash h: reads its bucket and the
 * chain's first entry (the value is returned only so the reads stay).
 * Lookups one after the other wait for each cache miss in turn; touching a
 * batch of keys first keeps many independent reads in flight at once, so
 * the lookups that follow mostly hit the cache (bulk loads: bulk.ts).
 */
export function dictTouch(d: usize, h: u32): u32 {
  const t0 = load<u32>(d + D_T0);
  if (t0 == 0) return 0;
  const e = load<u32>(t0 + ((h & load<u32>(d + D_M0)) << 2));
  let v: u32 = e == 0 ? 0 : load<u32>(e);
  const t1 = load<u32>(d + D_T1);
  if (t1 != 0) {
    const e1 = load<u32>(t1 + ((h & load<u32>(d + D_M1)) << 2));
    if (e1 != 0) v ^= load<u32>(e1);
  }
  return v;
}

// ---------------------------------------------------------------- mutation

/** Prepares a write: moves one bucket when rehashing. Call before dictFind in write paths. */
export function dictBeforeWrite(d: usize): void {
  if (load<u32>(d + D_T1) != 0) dictRehash(d, 1);
}

/**
 * Makes sure the dict has a table (first insert). False when it cannot be
 * allocated: the caller reports STORE_FULL before mutating anything.
 */
export function dictReserve(d: usize): bool {
  if (load<u32>(d + D_T0) != 0) return true;
  const t = allocTable(MIN_SIZE);
  if (t == 0) return false;
  store<u32>(d + D_T0, t);
  store<u32>(d + D_M0, MIN_SIZE - 1);
  return true;
}

/**
 * Links a new entry (whose key is absent: the caller just checked with
 * dictFind, and dictReserve succeeded) and grows the table if due.
 */
export function dictAdd(d: usize, e: usize): void {
  dictAddHashed(d, e, u32(hashBytes(entryKeyPtr(e), entryKeyLen(e))));
}

/** dictAdd with the entry key's hash already computed (`u32(hashBytes(key))`). */
export function dictAddHashed(d: usize, e: usize, h: u32): void {
  const t1 = load<u32>(d + D_T1);
  const slot = t1 != 0
    ? t1 + ((h & load<u32>(d + D_M1)) << 2)
    : load<u32>(d + D_T0) + ((h & load<u32>(d + D_M0)) << 2);
  store<u32>(e, load<u32>(slot));
  store<u32>(slot, e);
  const n = load<u32>(d + D_COUNT) + 1;
  store<u32>(d + D_COUNT, n);
  changed(d, e, 0);
  if (t1 == 0 && n > load<u32>(d + D_M0)) startRehash(d, (load<u32>(d + D_M0) + 1) << 1);
}

/** Replaces the entry the last dictFind returned by e2 (same key, e.g. after a realloc). */
export function dictReplaceFound(old: usize, e2: usize): void {
  store<u32>(e2, load<u32>(old));
  store<u32>(foundLink, e2);
  changed(foundDict, e2, old);
}

/** Unlinks the entry the last dictFind returned (the caller frees it), shrinking if due. */
export function dictRemoveFound(d: usize, e: usize): void {
  store<u32>(foundLink, load<u32>(e));
  const n = load<u32>(d + D_COUNT) - 1;
  store<u32>(d + D_COUNT, n);
  changed(d, 0, e);
  const size = load<u32>(d + D_M0) + 1;
  if (load<u32>(d + D_T1) == 0 && size > MIN_SIZE && n < size >> 3) {
    startRehash(d, n < MIN_SIZE ? MIN_SIZE : nextPow2(n));
  }
}

/**
 * Moves up to n non-empty buckets from table0 to table1 (visiting at most
 * 10n empty ones). Returns true while a rehash is still pending.
 */
export function dictRehash(d: usize, n: u32): bool {
  const t1 = load<u32>(d + D_T1);
  if (t1 == 0) return false;
  const t0 = load<u32>(d + D_T0);
  const m0 = load<u32>(d + D_M0);
  const m1 = load<u32>(d + D_M1);
  let idx = load<u32>(d + D_IDX);
  let emptyVisits = n * 10;
  while (n > 0 && idx <= m0) {
    const slot = t0 + (idx << 2);
    let e = load<u32>(slot);
    if (e == 0) {
      idx++;
      if (--emptyVisits == 0) break;
      continue;
    }
    while (e != 0) {
      const next = load<u32>(e);
      const h = u32(hashBytes(entryKeyPtr(e), entryKeyLen(e)));
      const dst = t1 + ((h & m1) << 2);
      store<u32>(e, load<u32>(dst));
      store<u32>(dst, e);
      e = next;
    }
    store<u32>(slot, 0);
    idx++;
    n--;
  }
  if (idx <= m0) {
    store<u32>(d + D_IDX, idx);
    return true;
  }
  free(t0, (m0 + 1) << 2);
  store<u32>(d + D_T0, t1);
  store<u32>(d + D_M0, m1);
  store<u32>(d + D_T1, 0);
  store<u32>(d + D_M1, 0);
  store<u32>(d + D_IDX, 0);
  return false;
}

/** Largest table a size hint may ask for (2^24 buckets, 64 MiB): a corrupt count cannot reserve more. */
// @ts-ignore: decorator
@inline const MAX_HINT: u32 = 1 << 24;

/**
 * Sizes the table for n entries ahead of a bulk fill (Redis's dictExpand on
 * RESIZEDB, or on a collection whose length the snapshot states), so the
 * fill never rehashes. A dict without a table gets one at once (fresh
 * memory needs no zeroing); a smaller table starts an incremental grow.
 * Best effort: nothing changes when memory is full, or when rehashing.
 */
export function dictExpand(d: usize, n: u32): void {
  if (n > MAX_HINT) n = MAX_HINT;
  const size = nextPow2(n < MIN_SIZE ? MIN_SIZE : n);
  if (load<u32>(d + D_T0) == 0) {
    const t = allocTable(size);
    if (t == 0) return;
    store<u32>(d + D_T0, t);
    store<u32>(d + D_M0, size - 1);
    return;
  }
  if (load<u32>(d + D_T1) == 0 && size > load<u32>(d + D_M0) + 1) startRehash(d, size);
}

function startRehash(d: usize, size: u32): void {
  const t = allocTable(size);
  if (t == 0) return;
  store<u32>(d + D_T1, t);
  store<u32>(d + D_M1, size - 1);
  store<u32>(d + D_IDX, 0);
}

function allocTable(size: u32): usize {
  const bytes = size << 2;
  const t = alloc(bytes);
  // fresh memory is zero already: skipping the fill keeps a 64 MiB table
  // allocation (10M+ keys) from touching every page inside one write
  if (t != 0 && !allocWasFresh) memory.fill(t, 0, bytes);
  return t;
}

function nextPow2(n: u32): u32 {
  return n <= 1 ? 1 : u32(1) << (32 - clz(n - 1));
}

/**
 * Calls fn on every entry, then drops the tables: the dict is empty after.
 * fn may free the entry (its next pointer is read first).
 */
export function dictClear(d: usize, fn: (e: usize) => void): void {
  orderForget(d); // its cached index would point at the entries freed below
  clearTable(load<u32>(d + D_T0), load<u32>(d + D_M0), fn);
  clearTable(load<u32>(d + D_T1), load<u32>(d + D_M1), fn);
  dictInit(d);
}

function clearTable(t: usize, mask: u32, fn: (e: usize) => void): void {
  if (t == 0) return;
  for (let i: u32 = 0; i <= mask; i++) {
    let e = load<u32>(t + (i << 2));
    while (e != 0) {
      const next = load<u32>(e);
      fn(e);
      e = next;
    }
  }
  free(t, (mask + 1) << 2);
}

// ---------------------------------------------------------------- scan
// Reverse-binary cursor (Redis dictScan): every entry present for the whole
// scan is reported at least once, even across resizes; exactly once when no
// resize happens in between.

function rev32(v: u32): u32 {
  v = ((v >> 1) & 0x55555555) | ((v & 0x55555555) << 1);
  v = ((v >> 2) & 0x33333333) | ((v & 0x33333333) << 2);
  v = ((v >> 4) & 0x0f0f0f0f) | ((v & 0x0f0f0f0f) << 4);
  return bswap<u32>(v);
}

function visitChain(e: usize, fn: (e: usize) => void): void {
  while (e != 0) {
    const next = load<u32>(e);
    fn(e);
    e = next;
  }
}

/** Visits one cursor step; returns the next cursor (0 = done). */
export function dictScan(d: usize, v: u32, fn: (e: usize) => void): u32 {
  let t0 = load<u32>(d + D_T0);
  if (t0 == 0) return 0;
  let m0 = load<u32>(d + D_M0);
  let t1 = load<u32>(d + D_T1);
  if (t1 == 0) {
    visitChain(load<u32>(t0 + ((v & m0) << 2)), fn);
    v |= ~m0;
    return rev32(rev32(v) + 1);
  }
  let m1 = load<u32>(d + D_M1);
  if (m0 > m1) {
    const t = t0; t0 = t1; t1 = t;
    const m = m0; m0 = m1; m1 = m;
  }
  visitChain(load<u32>(t0 + ((v & m0) << 2)), fn);
  do {
    visitChain(load<u32>(t1 + ((v & m1) << 2)), fn);
    v |= ~m1;
    v = rev32(rev32(v) + 1);
  } while ((v & (m0 ^ m1)) != 0);
  return v;
}

// ---------------------------------------------------------------- consistency check (tests)

/**
 * Checks dict d (check_core.ts): its tables are blocks of the right size,
 * every entry sits in the bucket its hash selects (buckets below the rehash
 * index are empty), chains end, the count matches, and dictFind finds each
 * entry itself (a second entry with the same key fails that). Calls visit on
 * every entry so the owner checks and records it.
 */
export function dictCheck(d: usize, visit: (e: usize) => void): void {
  const t0 = load<u32>(d + D_T0);
  const m0 = load<u32>(d + D_M0);
  const t1 = load<u32>(d + D_T1);
  const m1 = load<u32>(d + D_M1);
  const idx = load<u32>(d + D_IDX);
  const count = load<u32>(d + D_COUNT);
  if (t0 == 0) {
    if (count != 0 || t1 != 0 || idx != 0) checkFail(CK_DICT_TABLE, d);
    return;
  }
  if ((m0 & (m0 + 1)) != 0 || m0 + 1 < MIN_SIZE) {
    checkFail(CK_DICT_TABLE, d);
    return;
  }
  checkBlock(t0, (m0 + 1) << 2);
  if (t1 != 0) {
    if ((m1 & (m1 + 1)) != 0 || m1 + 1 < MIN_SIZE || idx > m0) {
      checkFail(CK_DICT_TABLE, d);
      return;
    }
    checkBlock(t1, (m1 + 1) << 2);
  } else if (idx != 0 || m1 != 0) {
    checkFail(CK_DICT_TABLE, d);
    return;
  }
  let seen = checkTable(d, t0, m0, t1 != 0 ? idx : 0, count, 0, visit);
  if (t1 != 0) seen = checkTable(d, t1, m1, 0, count, seen, visit);
  if (!checkFailed() && seen != count) checkFail(CK_DICT_COUNT, d);
}

/** Checks one table; returns the entries seen so far (stops past `count`: a cycle or a stray chain). */
function checkTable(
  d: usize, t: usize, mask: u32, movedBelow: u32, count: u32, seen: u32, visit: (e: usize) => void,
): u32 {
  for (let i: u32 = 0; i <= mask; i++) {
    let e = load<u32>(t + (i << 2));
    if (e != 0 && i < movedBelow) {
      checkFail(CK_DICT_PLACE, e);
      return seen;
    }
    while (e != 0) {
      if (++seen > count) {
        checkFail(CK_DICT_CHAIN, d);
        return seen;
      }
      const kl = entryKeyLen(e);
      const kp = entryKeyPtr(e);
      if ((u32(hashBytes(kp, kl)) & mask) != i) {
        checkFail(CK_DICT_PLACE, e);
        return seen;
      }
      if (dictFind(d, kp, kl) != e) {
        checkFail(CK_DICT_FIND, e);
        return seen;
      }
      visit(e);
      if (checkFailed()) return seen;
      e = load<u32>(e);
    }
  }
  return seen;
}

// ---------------------------------------------------------------- slots (order.ts, sample.ts)
// The buckets of both tables seen as one array of slots, table0's first:
// walking every slot visits every entry once (nothing moves during a read),
// and a uniformly drawn slot is a uniformly drawn bucket.

/** Number of slots: table0's buckets, plus table1's while rehashing (0 without a table). */
export function dictSlots(d: usize): u32 {
  if (load<u32>(d + D_T0) == 0) return 0;
  const n0 = load<u32>(d + D_M0) + 1;
  return load<u32>(d + D_T1) == 0 ? n0 : n0 + load<u32>(d + D_M1) + 1;
}

/** First slot that can hold entries: table0's buckets below the rehash index are empty. */
export function dictFirstSlot(d: usize): u32 {
  return load<u32>(d + D_T1) == 0 ? 0 : load<u32>(d + D_IDX);
}

/** First entry of slot i (< dictSlots(d)), 0 when the bucket is empty; follow entryNext. */
export function dictSlotHead(d: usize, i: u32): usize {
  const n0 = load<u32>(d + D_M0) + 1;
  if (i < n0) return load<u32>(load<u32>(d + D_T0) + (usize(i) << 2));
  return load<u32>(load<u32>(d + D_T1) + (usize(i - n0) << 2));
}
