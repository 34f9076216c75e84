/**
 * The cache of sorted indexes (order.ts builds and reads them): byte-ordered
 * arrays of entry pointers, one per dict, so that reading "the next `count`
 * keys after X" of a large dict costs a binary search instead of a sort.
 *
 * Validity: a slot describes its dict while the slot's stamp equals the
 * dict's (dict.ts: a new stamp on every link, unlink or replacement, from
 * one store-wide counter, so a new dict at a freed dict's address, or a dict
 * swapped into its place, never matches). Writes to a cached dict do not
 * throw the index away: dict.ts reports each one (orderNote), the slot logs
 * it ([entry | LOG_ADD] / [entry | LOG_REMOVE] words) and takes the new
 * stamp; the next read patches the index from the log in one sequential
 * pass (order.ts) instead of sorting again. A log longer than a 32nd of the
 * index (at least LOG_MIN) costs about as much as a rebuild: the slot is
 * dropped instead. The dict's header keeps the number of its slot as a hint
 * (checked against the slot's dict and stamp before use, never trusted).
 *
 * At most CACHE_SLOTS indexes are kept, least recently used evicted first,
 * CACHE_CAP bytes in all (a single index larger than that is kept alone: it
 * is a quarter of the size of its dict's own entries at most, and without
 * it every step of an iteration would sort again). dictClear drops the index
 * of the dict it clears (orderForget), so freed collections give their
 * index memory back at once.
 *
 * This module imports only the allocator and the checker, so dict.ts can
 * call it without an
 * import cycle.
 *
 * Ownership: the cache owns every index block (allocated by order.ts, handed
 * over with orderKeep / slotSetIndex) and every log block. Cached pointers
 * are only read while the stamp matches.
 */
import { copyBytes } from "./bytes";
import { alloc, free, onMemoryFull } from "./memory";
import { checkBlock } from "./check_core";

// @ts-ignore: decorator
@inline const CACHE_SLOTS: u32 = 8;
/** Total bytes of indexes kept (one larger index may stand alone). */
// @ts-ignore: decorator
@inline export const CACHE_CAP: u64 = 64 << 20;
/** Log words (entry pointers are 8-aligned: the low bits say what happened). */
// @ts-ignore: decorator
@inline export const LOG_ADD: u32 = 1;
// @ts-ignore: decorator
@inline export const LOG_REMOVE: u32 = 2;
// @ts-ignore: decorator
@inline const LOG_MIN: u32 = 256;

// slot layout:
//   +0  u32 dict (0 = free)   +4  u32 index     +8  u64 stamp      +16 u64 last use
//   +24 u32 count             +28 u32 index bytes (as allocated)
//   +32 u32 log               +36 u32 log words  +40 u32 log capacity (words)
//   +44 u32 hint: position of the last item a read emitted + 1 (0 = none)
// @ts-ignore: decorator
@inline const SLOT_BYTES: u32 = 48;
const slots: usize = memory.data(CACHE_SLOTS * SLOT_BYTES, 8);

let useClock: u64 = 0;
let heldBytes: u64 = 0;

// @ts-ignore: decorator
@inline function slotAt(i: u32): usize {
  return slots + usize(i * SLOT_BYTES);
}

// ---------------------------------------------------------------- slot fields (order.ts)

// @ts-ignore: decorator
@inline export function slotIndex(s: usize): usize {
  return load<u32>(s + 4);
}
// @ts-ignore: decorator
@inline export function slotCount(s: usize): u32 {
  return load<u32>(s + 24);
}
// @ts-ignore: decorator
@inline export function slotIndexBytes(s: usize): u32 {
  return load<u32>(s + 28);
}
// @ts-ignore: decorator
@inline export function slotLog(s: usize): usize {
  return load<u32>(s + 32);
}
// @ts-ignore: decorator
@inline export function slotLogLength(s: usize): u32 {
  return load<u32>(s + 36);
}
/** Position of the item the last read of this index emitted last, or -1. */
// @ts-ignore: decorator
@inline export function slotHint(s: usize): i64 {
  return i64(load<u32>(s + 44)) - 1;
}
// @ts-ignore: decorator
@inline export function slotSetHint(s: usize, pos: u32): void {
  store<u32>(s + 44, pos + 1);
}

/** Installs a patched index (the old block is the caller's to free when different) and empties the log. */
export function slotSetIndex(s: usize, index: usize, count: u32, bytes: u32): void {
  heldBytes -= load<u32>(s + 28);
  heldBytes += bytes;
  store<u32>(s + 4, u32(index));
  store<u32>(s + 24, count);
  store<u32>(s + 28, bytes);
  store<u32>(s + 36, 0);
  store<u32>(s + 44, 0);
}

// ---------------------------------------------------------------- lookup and upkeep

function dropSlot(s: usize): void {
  const bytes = load<u32>(s + 28);
  free(load<u32>(s + 4), bytes);
  heldBytes -= bytes;
  const log = load<u32>(s + 32);
  if (log != 0) {
    const logBytes = load<u32>(s + 40) << 2;
    free(log, logBytes);
    heldBytes -= logBytes;
  }
  memory.fill(s, 0, SLOT_BYTES);
}

/** Drops the slot at s (a patch that failed). */
export function slotDrop(s: usize): void {
  dropSlot(s);
}

/** The slot of dict d if it matches `stamp` (its log may need applying), else 0 (a stale one is dropped). */
export function orderCached(d: usize, stamp: u64): usize {
  for (let i: u32 = 0; i < CACHE_SLOTS; i++) {
    const s = slotAt(i);
    if (load<u32>(s) != u32(d)) continue;
    if (load<u64>(s + 8) != stamp) {
      dropSlot(s);
      return 0;
    }
    store<u64>(s + 16, ++useClock);
    return s;
  }
  return 0;
}

/** Drops the index of dict d, if any (the dict is being cleared or freed). */
export function orderForget(d: usize): void {
  for (let i: u32 = 0; i < CACHE_SLOTS; i++) {
    const s = slotAt(i);
    if (load<u32>(s) == u32(d)) dropSlot(s);
  }
}

/** Drops every index (before retrying an allocation that failed). */
export function orderForgetAll(): void {
  for (let i: u32 = 0; i < CACHE_SLOTS; i++) {
    const s = slotAt(i);
    if (load<u32>(s) != 0) dropSlot(s);
  }
}

/** The least recently used occupied slot, or 0 when the cache is empty. */
function oldestSlot(): usize {
  let best: usize = 0;
  let bestUse = u64.MAX_VALUE;
  for (let i: u32 = 0; i < CACHE_SLOTS; i++) {
    const s = slotAt(i);
    if (load<u32>(s) != 0 && load<u64>(s + 16) < bestUse) {
      best = s;
      bestUse = load<u64>(s + 16);
    }
  }
  return best;
}

function freeSlotIndex(): i32 {
  for (let i: u32 = 0; i < CACHE_SLOTS; i++) {
    if (load<u32>(slotAt(i)) == 0) return i32(i);
  }
  return -1;
}

/** Evicts least recently used indexes until one of `bytes` fits the cap and a slot is free. */
export function orderMakeRoom(bytes: u32): void {
  while (heldBytes > 0 && heldBytes + u64(bytes) > CACHE_CAP) {
    const s = oldestSlot();
    if (s == 0) break;
    dropSlot(s);
  }
  if (freeSlotIndex() < 0) dropSlot(oldestSlot());
}

/**
 * Takes ownership of index block `index` (`bytes` as allocated, `count`
 * entries) for dict d at `stamp`; returns the slot number + 1, the hint the
 * dict's header keeps (dict.ts dictSetOrderSlot). Call orderMakeRoom first.
 */
export function orderKeep(d: usize, stamp: u64, index: usize, count: u32, bytes: u32): u32 {
  let i = freeSlotIndex();
  if (i < 0) {
    dropSlot(oldestSlot());
    i = freeSlotIndex();
  }
  const s = slotAt(u32(i));
  store<u32>(s, u32(d));
  store<u32>(s + 4, u32(index));
  store<u64>(s + 8, stamp);
  store<u64>(s + 16, ++useClock);
  store<u32>(s + 24, count);
  store<u32>(s + 28, bytes);
  heldBytes += bytes;
  return u32(i) + 1;
}

// ---------------------------------------------------------------- the write log

/** Makes room for `more` log words; false when the log would be too long (or memory is short). */
function logReserve(s: usize, more: u32): bool {
  const used = load<u32>(s + 36);
  const cap = load<u32>(s + 40);
  if (used + more <= cap) return true;
  let limit = load<u32>(s + 24) >> 5;
  if (limit < LOG_MIN) limit = LOG_MIN;
  if (used + more > limit) return false;
  let newCap: u32 = cap == 0 ? 64 : cap << 1;
  if (newCap > limit) newCap = limit;
  const log = alloc(newCap << 2);
  if (log == 0) return false;
  const old = load<u32>(s + 32);
  if (old != 0) {
    copyBytes(log, old, usize(used) << 2);
    free(old, cap << 2);
  }
  heldBytes += u64(newCap - cap) << 2;
  store<u32>(s + 32, u32(log));
  store<u32>(s + 40, newCap);
  return true;
}

/**
 * A write to dict d, whose header hints at slot number `hint` (+ 1): the
 * dict went from stamp `oldStamp` to `newStamp` by linking `added` and/or
 * unlinking `removed` (entry addresses, 0 for none; a replacement is both).
 * Logs it when the slot is d's and was current; returns the hint the header
 * keeps (0: no index of d is current any more).
 */
export function orderNote(d: usize, hint: u32, oldStamp: u64, newStamp: u64, added: usize, removed: usize): u32 {
  if (hint == 0 || hint > CACHE_SLOTS) return 0;
  cacheBusy = true;
  const kept = noteInSlot(d, hint, oldStamp, newStamp, added, removed);
  cacheBusy = false;
  return kept;
}

function noteInSlot(d: usize, hint: u32, oldStamp: u64, newStamp: u64, added: usize, removed: usize): u32 {
  const s = slotAt(hint - 1);
  if (load<u32>(s) != u32(d) || load<u64>(s + 8) != oldStamp) return 0;
  const more: u32 = (added != 0 ? 1 : 0) + (removed != 0 ? 1 : 0);
  if (!logReserve(s, more)) {
    dropSlot(s);
    return 0;
  }
  const log = load<u32>(s + 32);
  let used = load<u32>(s + 36);
  // the removal first: a replacement's new entry may live at the address just freed
  if (removed != 0) store<u32>(log + (usize(used++) << 2), u32(removed) | LOG_REMOVE);
  if (added != 0) store<u32>(log + (usize(used++) << 2), u32(added) | LOG_ADD);
  store<u32>(s + 36, used);
  store<u64>(s + 8, newStamp);
  return hint;
}

// ---------------------------------------------------------------- diagnostics

/** True while an index is being built, read or patched: it must not be freed under the reader. */
let cacheBusy = false;

/** Marks the cache busy (true) or free (false) around an operation on a cached index. */
export function orderBusy(busy: bool): void {
  cacheBusy = busy;
}

/** Drops every cached index when memory is full (unless one is in use); true when something was freed. */
function releaseIndexes(): bool {
  if (cacheBusy || orderCacheBytes() == 0) return false;
  orderForgetAll();
  return true;
}

onMemoryFull(releaseIndexes);

/** Bytes held by cached indexes and their logs. */
export function orderCacheBytes(): u64 {
  return heldBytes;
}

/** Records the cached index and log blocks for a consistency check (check_core.ts). */
export function orderCacheCheck(): void {
  for (let i: u32 = 0; i < CACHE_SLOTS; i++) {
    const s = slotAt(i);
    if (load<u32>(s) == 0) continue;
    checkBlock(load<u32>(s + 4), load<u32>(s + 28));
    const log = load<u32>(s + 32);
    if (log != 0) checkBlock(log, load<u32>(s + 40) << 2);
  }
}
