/**
 * Ordered access: up to `count` members / fields / keys strictly after (or,
 * reversed, strictly before) an anchor, in byte order (memcmp, a prefix
 * first: compareBytes), or in (score, member) order for sorted sets. The
 * anchor need not be present; without one the walk starts at the first
 * (last) item. Results go to io's output buffer:
 *
 * - set members, keys: [u32 len][bytes] items;
 * - hash fields: [u32 len][field][u32 len][value][f64 TTL (unix ms, -1 none)]
 *   (two items counted per field, as hash.ts hashWriteEntries);
 * - sorted-set members: [u32 len][member][f64 score].
 *
 * How each encoding answers:
 * - packed sets and sorted sets: binary search on the packed array; packed
 *   hashes (at most 128 variable-size records): one linear pass;
 * - skiplists: a descent like ZRANGEBYSCORE's to the anchor, then links;
 * - dicts (hashed sets, table hashes, a database's keys): a sorted index of
 *   entry pointers, built in O(n log n) on first use and cached
 *   (order_cache.ts), then a binary search and a copy: O(log n + count),
 *   O(count) when the anchor is the last item the previous read returned
 *   (an iteration). Writes in between are patched in from the slot's log:
 *   one pass over the index comparing addresses only, plus a binary search
 *   per new entry. When no index can be allocated, a selection pass over
 *   the dict keeps the next items in a fixed heap (O(n log 256) per 256
 *   items): such a read needs memory for its output only.
 *
 * Ownership: nothing here outlives a call except the indexes handed to
 * order_cache.ts. The anchor (ptr, len) belongs to the caller; the sort and
 * patch work blocks are allocated and freed within the call.
 */
import { compareBytes, varintSize, copyBytes } from "./bytes";
import {
  dictCount, dictFirstSlot, dictSetOrderSlot, dictSlotHead, dictSlots, dictStamp, entryKeyLen, entryKeyPtr, entryNext,
} from "./dict";
import { feExpire, feValueLen, feValuePtr } from "./hash_table";
import {
  packedEnd as hpEnd, packedFirst as hpFirst, recExpire, recFieldLen, recFieldPtr, recSize,
  recValueLen, recValuePtr,
} from "./hash_packed";
import { outF64, outFinish, outItem, outReset } from "./io";
import { alloc, capacityOf, free } from "./memory";
import {
  LOG_ADD, orderCached, orderForget, orderForgetAll, orderKeep, orderMakeRoom, slotCount, slotDrop, slotHint, slotIndex,
  slotIndexBytes, slotLog, slotLogLength, slotSetHint, slotSetIndex, orderBusy } from "./order_cache";
import { packedCount, packedFind, packedItemLen, packedItemPtr } from "./set_packed";
import { SORT_RECORD, sortRecordFill, sortRecordLen, sortRecordPtr, sortRecords } from "./set_sort";
import { slFirst, slFirstAfter, slLast, slLastBefore, slMember, slMemberLen, slNext, slPrev, slScore } from "./skiplist";
import { compareScored, ENC_PACKED, zsetEncoding } from "./zset_common";
import { pkAt, pkIndex, pkLen, pkMember, pkScore } from "./zset_packed";

/** What an entry of an indexed dict yields: its key (set members, keys) ... */
export const EMIT_KEY: u32 = 0;
/** ... or a hash field entry's field, value and TTL (hash_table.ts). */
export const EMIT_FIELD: u32 = 1;

/** Writes dict entry e to the output as `kind` says. */
export function emitEntry(e: usize, kind: u32): void {
  outItem(entryKeyPtr(e), entryKeyLen(e));
  if (kind == EMIT_FIELD) {
    outItem(feValuePtr(e), feValueLen(e));
    outF64(f64(feExpire(e)));
  }
}

/** Writes packed hash record r: field, value, TTL. */
export function emitRecord(r: usize): void {
  outItem(recFieldPtr(r), recFieldLen(r));
  outItem(recValuePtr(r), recValueLen(r));
  outF64(f64(recExpire(r)));
}

// @ts-ignore: decorator
@inline function keyCompare(e: usize, ap: usize, al: u32): i32 {
  return compareBytes(entryKeyPtr(e), entryKeyLen(e), ap, al);
}

// ---------------------------------------------------------------- dicts: sorted index

// the blocks of an index build in progress
let idxBlock: usize = 0;
let recA: usize = 0;
let recB: usize = 0;

/** Allocates the index and the two sort arrays; false (nothing held) when memory is short. */
function allocBuild(idxBytes: u32, recBytes: u32): bool {
  idxBlock = alloc(idxBytes);
  recA = idxBlock == 0 ? 0 : alloc(recBytes);
  recB = recA == 0 ? 0 : alloc(recBytes);
  if (recB != 0) return true;
  if (recA != 0) free(recA, recBytes);
  if (idxBlock != 0) free(idxBlock, idxBytes);
  return false;
}

/**
 * Sorts the entries whose addresses are the n u32s at `entries` by key,
 * writing the sorted addresses to `out` (which may be `entries`), through
 * set_sort.ts records in a (n * SORT_RECORD bytes) and b (as many).
 */
function sortEntries(entries: usize, n: u32, out: usize, a: usize, b: usize): void {
  for (let i: u32 = 0; i < n; i++) {
    const e = load<u32>(entries + (usize(i) << 2));
    sortRecordFill(a + usize(i) * SORT_RECORD, entryKeyPtr(e), entryKeyLen(e));
  }
  const sorted = sortRecords(a, b, n);
  for (let i: u32 = 0; i < n; i++) {
    const rec = sorted + usize(i) * SORT_RECORD;
    // the key follows the entry's [u32 next][u8 tag][varint len] prefix (dict.ts)
    const len = sortRecordLen(rec);
    store<u32>(out + (usize(i) << 2), u32(sortRecordPtr(rec) - 5 - varintSize(len)));
  }
}

/**
 * Builds the sorted index of dict d (n > 0 entries) and hands it to the
 * cache: its slot, or 0 when memory is short even after dropping every
 * cached index.
 */
function buildIndex(d: usize, stamp: u64): usize {
  const n = dictCount(d);
  const recBytes64 = u64(n) * SORT_RECORD;
  if (recBytes64 > u64(u32.MAX_VALUE)) return 0;
  const idxBytes = n << 2;
  const recBytes = u32(recBytes64);
  orderForget(d);
  orderMakeRoom(idxBytes);
  if (!allocBuild(idxBytes, recBytes)) {
    orderForgetAll(); // freed index blocks may be what the build needs
    if (!allocBuild(idxBytes, recBytes)) return 0;
  }
  // the entry addresses (bucket order), then sorted in place
  let k: u32 = 0;
  const slots = dictSlots(d);
  for (let i = dictFirstSlot(d); i < slots; i++) {
    for (let e = dictSlotHead(d, i); e != 0 && k < n; e = entryNext(e)) {
      store<u32>(idxBlock + (usize(k++) << 2), u32(e));
    }
  }
  sortEntries(idxBlock, k, idxBlock, recA, recB);
  free(recA, recBytes);
  free(recB, recBytes);
  const slot = orderKeep(d, stamp, idxBlock, n, idxBytes);
  dictSetOrderSlot(d, slot);
  return orderCached(d, stamp);
}

// ---------------------------------------------------------------- dicts: patching an index from its log

/** Net effect of the log per entry address: the old index's entry went away ... */
// @ts-ignore: decorator
@inline const GONE: u32 = 1;
/** ... and/or an entry at that address was linked after the index was built. */
// @ts-ignore: decorator
@inline const NEW: u32 = 2;

/** Bit per (address >> 3) & 0xffff of GONE entries: most index entries skip the map. */
const goneFilter: usize = memory.data(8192, 8);
let netMap: usize = 0; // [u32 address][u32 GONE|NEW] slots, open addressing
let netMask: u32 = 0;
let netShift: u32 = 0;

/** The map slot of address p (found, or the empty one where it goes). */
function netSlot(p: u32): usize {
  let i = (p * 0x9e3779b1) >> netShift;
  // the map is at most half full: the probe always ends
  let at = netMap + (usize(i) << 3);
  let v = load<u32>(at);
  while (v != p && v != 0) {
    i = (i + 1) & netMask;
    at = netMap + (usize(i) << 3);
    v = load<u32>(at);
  }
  return at;
}

// @ts-ignore: decorator
@inline function filterHas(p: u32): bool {
  const bit = (p >> 3) & 0xffff;
  return (load<u8>(goneFilter + (bit >> 3)) & (1 << (bit & 7))) != 0;
}

/**
 * First position in idx[0, hi) whose key is above entry e's (keys of the
 * index and e differ: one dict never holds a key twice).
 */
function positionOf(idx: usize, hi: u32, e: usize): u32 {
  const ep = entryKeyPtr(e);
  const el = entryKeyLen(e);
  let lo: u32 = 0;
  while (lo < hi) {
    const mid = lo + ((hi - lo) >> 1);
    if (keyCompare(indexAt(idx, mid), ep, el) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Applies slot s's log to its index: entries gone are squeezed out in one
 * pass that compares addresses only (freed entries are never read), the new
 * ones are sorted and merged in with a binary search each. False (the slot
 * is dropped) when memory is short.
 */
function patchIndex(s: usize): bool {
  const log = slotLog(s);
  const words = slotLogLength(s);
  let cap: u32 = 16;
  while (cap < words * 2) cap <<= 1;
  const mapBytes = cap << 3;
  netMap = alloc(mapBytes);
  if (netMap == 0) {
    slotDrop(s);
    return false;
  }
  memory.fill(netMap, 0, mapBytes);
  memory.fill(goneFilter, 0, 8192);
  netMask = cap - 1;
  netShift = clz(cap) + 1;
  // net effect per address, in log order
  let fresh: u32 = 0;
  let anyGone = false;
  for (let i: u32 = 0; i < words; i++) {
    const w = load<u32>(log + (usize(i) << 2));
    const p = w & ~u32(7);
    const at = netSlot(p);
    store<u32>(at, p);
    let st = load<u32>(at + 4);
    if ((w & LOG_ADD) != 0) {
      st |= NEW;
    } else if ((st & NEW) != 0) {
      st &= ~NEW; // linked after the build and gone again
    } else {
      st |= GONE;
      anyGone = true;
      const bit = (p >> 3) & 0xffff;
      store<u8>(goneFilter + (bit >> 3), load<u8>(goneFilter + (bit >> 3)) | u8(u32(1) << (bit & 7)));
    }
    store<u32>(at + 4, st);
  }
  for (let i: u32 = 0; i <= netMask; i++) {
    if ((load<u32>(netMap + (usize(i) << 3) + 4) & NEW) != 0) fresh++;
  }
  // the new entries, sorted by key
  const recBytes = fresh * SORT_RECORD;
  const a = fresh == 0 ? 0 : alloc(recBytes);
  const b = a == 0 ? 0 : alloc(recBytes);
  const added = fresh == 0 ? 0 : alloc(fresh << 2);
  if (fresh != 0 && (a == 0 || b == 0 || added == 0)) {
    if (a != 0) free(a, recBytes);
    if (b != 0) free(b, recBytes);
    if (added != 0) free(added, fresh << 2);
    free(netMap, mapBytes);
    slotDrop(s);
    return false;
  }
  let k: u32 = 0;
  for (let i: u32 = 0; i <= netMask; i++) {
    const at = netMap + (usize(i) << 3);
    if ((load<u32>(at + 4) & NEW) != 0) store<u32>(added + (usize(k++) << 2), load<u32>(at));
  }
  if (fresh != 0) {
    sortEntries(added, fresh, added, a, b);
    free(a, recBytes);
    free(b, recBytes);
  }
  // squeeze out the entries gone (addresses only)
  const idx = slotIndex(s);
  const n = slotCount(s);
  let kept: u32 = anyGone ? 0 : n;
  for (let i: u32 = 0; anyGone && i < n; i++) {
    const p = load<u32>(idx + (usize(i) << 2));
    if (filterHas(p) && (load<u32>(netSlot(p) + 4) & GONE) != 0) continue;
    store<u32>(idx + (usize(kept++) << 2), p);
  }
  free(netMap, mapBytes);
  // merge from the back: each new entry's place by binary search, the runs between by memory.copy
  const total = kept + fresh;
  let dst = idx;
  let dstBytes = slotIndexBytes(s);
  if (u64(total) << 2 > u64(capacityOf(idx, dstBytes))) {
    const want = total + (total >> 4) + 16;
    dstBytes = want << 2;
    dst = alloc(dstBytes);
    if (dst == 0) {
      if (added != 0) free(added, fresh << 2);
      slotDrop(s);
      return false;
    }
  }
  let hi = kept;
  let w = total;
  for (let j = i32(fresh) - 1; j >= 0; j--) {
    const e = load<u32>(added + (usize(j) << 2));
    const pos = positionOf(idx, hi, e);
    const run = hi - pos;
    w -= run;
    copyBytes(dst + (usize(w) << 2), idx + (usize(pos) << 2), usize(run) << 2);
    store<u32>(dst + (usize(--w) << 2), e);
    hi = pos;
  }
  if (dst != idx) {
    copyBytes(dst, idx, usize(hi) << 2);
    free(idx, slotIndexBytes(s));
  }
  if (added != 0) free(added, fresh << 2);
  slotSetIndex(s, dst, total, dstBytes);
  return true;
}

/** The cache slot holding the sorted index of dict d (dictCount(d) entries), patched or built; 0 when none. */
function indexOf(d: usize): usize {
  const stamp = dictStamp(d);
  const s = orderCached(d, stamp);
  if (s != 0 && (slotLogLength(s) == 0 || patchIndex(s)) && slotCount(s) == dictCount(d)) return s;
  return buildIndex(d, stamp);
}

// @ts-ignore: decorator
@inline function indexAt(idx: usize, i: u32): usize {
  return load<u32>(idx + (usize(i) << 2));
}

/**
 * Up to `count` entries of dict d strictly after (ap, al) (strictly before
 * when reverse; from the start / end without anchor), emitted as `kind`.
 */
export function dictAfter(d: usize, ap: usize, al: u32, hasAnchor: bool, reverse: bool, count: u32, kind: u32): void {
  // the index must not be released (memory full) while it is built, patched or read
  orderBusy(true);
  dictAfterIndexed(d, ap, al, hasAnchor, reverse, count, kind);
  orderBusy(false);
}

function dictAfterIndexed(d: usize, ap: usize, al: u32, hasAnchor: bool, reverse: bool, count: u32, kind: u32): void {
  const n = dictCount(d);
  if (n == 0 || count == 0) return;
  const s = indexOf(d);
  if (s == 0) {
    selectAfter(d, ap, al, hasAnchor, reverse, count, kind);
    return;
  }
  const idx = slotIndex(s);
  // lo = first position past the anchor (forward), or of the first key >= anchor (reverse)
  let lo: u32 = reverse ? n : 0;
  if (hasAnchor) {
    // an iteration anchors each step at the last item of the previous one: one comparison then
    const h = slotHint(s);
    if (h >= 0 && h < i64(n) && keyCompare(indexAt(idx, u32(h)), ap, al) == 0) {
      lo = reverse ? u32(h) : u32(h) + 1;
    } else {
      lo = 0;
      let hi = n;
      while (lo < hi) {
        const mid = lo + ((hi - lo) >> 1);
        const c = keyCompare(indexAt(idx, mid), ap, al);
        if (c < 0 || (c == 0 && !reverse)) lo = mid + 1;
        else hi = mid;
      }
    }
  }
  if (!reverse) {
    const stop: u32 = n - lo < count ? n : lo + count;
    for (let i = lo; i < stop; i++) emitEntry(indexAt(idx, i), kind);
    if (stop > lo) slotSetHint(s, stop - 1);
  } else {
    const stop: u32 = lo < count ? 0 : lo - count;
    for (let i = lo; i > stop; i--) emitEntry(indexAt(idx, i - 1), kind);
    if (lo > stop) slotSetHint(s, stop);
  }
}

// ---------------------------------------------------------------- dicts: selection without memory

// @ts-ignore: decorator
@inline const HEAP_MAX: u32 = 256;
/** Candidates of a selection pass: a heap whose root comes last in output order. */
const heap: usize = memory.data(HEAP_MAX * 4);
let selReverse = false;

// @ts-ignore: decorator
@inline function heapAt(i: u32): usize {
  return load<u32>(heap + (usize(i) << 2));
}
// @ts-ignore: decorator
@inline function heapSet(i: u32, e: usize): void {
  store<u32>(heap + (usize(i) << 2), u32(e));
}

/** Whether entry a comes before entry b in output order. */
function precedes(a: usize, b: usize): bool {
  const c = compareBytes(entryKeyPtr(a), entryKeyLen(a), entryKeyPtr(b), entryKeyLen(b));
  return selReverse ? c > 0 : c < 0;
}

function siftUp(i: u32): void {
  const e = heapAt(i);
  while (i > 0) {
    const parent = (i - 1) >> 1;
    const p = heapAt(parent);
    if (!precedes(p, e)) break;
    heapSet(i, p);
    i = parent;
  }
  heapSet(i, e);
}

function siftDown(i: u32, size: u32): void {
  const e = heapAt(i);
  for (;;) {
    const l: u32 = 2 * i + 1;
    if (l >= size) break;
    let m = l;
    if (l + 1 < size && precedes(heapAt(l), heapAt(l + 1))) m = l + 1;
    if (!precedes(e, heapAt(m))) break;
    heapSet(i, heapAt(m));
    i = m;
  }
  heapSet(i, e);
}

/**
 * dictAfter without an index: passes over the dict, each keeping the next
 * (up to HEAP_MAX) entries past the anchor in the fixed heap, then emitting
 * them in order; the last one emitted anchors the next pass.
 */
function selectAfter(d: usize, ap: usize, al: u32, hasAnchor: bool, reverse: bool, count: u32, kind: u32): void {
  selReverse = reverse;
  const slots = dictSlots(d);
  let remaining = count;
  while (remaining > 0) {
    const k = remaining < HEAP_MAX ? remaining : HEAP_MAX;
    let size: u32 = 0;
    for (let i = dictFirstSlot(d); i < slots; i++) {
      for (let e = dictSlotHead(d, i); e != 0; e = entryNext(e)) {
        if (hasAnchor) {
          const c = keyCompare(e, ap, al);
          if (reverse ? c >= 0 : c <= 0) continue;
        }
        if (size < k) {
          heapSet(size, e);
          siftUp(size++);
        } else if (precedes(e, heapAt(0))) {
          heapSet(0, e);
          siftDown(0, size);
        }
      }
    }
    if (size == 0) return;
    // heap sort: the root (last in output order) goes to the end each time
    for (let end = size - 1; end > 0; end--) {
      const top = heapAt(0);
      heapSet(0, heapAt(end));
      heapSet(end, top);
      siftDown(0, end);
    }
    for (let i: u32 = 0; i < size; i++) emitEntry(heapAt(i), kind);
    remaining -= size;
    if (size < k) return;
    const last = heapAt(size - 1);
    ap = entryKeyPtr(last);
    al = entryKeyLen(last);
    hasAnchor = true;
  }
}

// ---------------------------------------------------------------- sets

/** Packed set p: members after / before the anchor, from a binary search. */
function packedSetAfter(p: usize, ap: usize, al: u32, hasAnchor: bool, reverse: bool, count: u32): void {
  const n = i64(packedCount(p));
  let i: i64 = reverse ? n - 1 : 0;
  if (hasAnchor) {
    const f = i64(packedFind(p, ap, al));
    // present at f: start next to it; absent: f = -(insertion point) - 1
    if (f >= 0) i = reverse ? f - 1 : f + 1;
    else i = reverse ? -f - 2 : -f - 1;
  }
  for (let k: u32 = 0; k < count && i >= 0 && i < n; k++) {
    outItem(packedItemPtr(p, u32(i)), packedItemLen(p, u32(i)));
    i = reverse ? i - 1 : i + 1;
  }
}

/** Set structure p (packed, or hashed with member dict d != 0): members after the anchor. Status. */
export function setAfter(p: usize, d: usize, ap: usize, al: u32, hasAnchor: bool, reverse: bool, count: u32): i32 {
  outReset();
  if (d == 0) packedSetAfter(p, ap, al, hasAnchor, reverse, count);
  else dictAfter(d, ap, al, hasAnchor, reverse, count, EMIT_KEY);
  return outFinish();
}

// ---------------------------------------------------------------- hashes

// @ts-ignore: decorator
@inline const RECORDS_MAX: u32 = 256;
/** Record addresses of a packed hash, for walking it backwards. */
const records: usize = memory.data(RECORDS_MAX * 4);

/** Packed hash h: fields after / before the anchor (records are sorted; at most 128 of them). */
function packedHashAfter(h: usize, ap: usize, al: u32, hasAnchor: bool, reverse: bool, count: u32): void {
  const end = hpEnd(h);
  if (!reverse) {
    let k: u32 = 0;
    for (let r = hpFirst(h); r < end && k < count; r += recSize(r)) {
      if (hasAnchor && compareBytes(recFieldPtr(r), recFieldLen(r), ap, al) <= 0) continue;
      emitRecord(r);
      k++;
    }
    return;
  }
  // the records strictly before the anchor, then emitted from the last one
  let n: u32 = 0;
  for (let r = hpFirst(h); r < end && n < RECORDS_MAX; r += recSize(r)) {
    if (hasAnchor && compareBytes(recFieldPtr(r), recFieldLen(r), ap, al) >= 0) break;
    store<u32>(records + (usize(n++) << 2), u32(r));
  }
  for (let k: u32 = 0; k < count && n > 0; k++) emitRecord(load<u32>(records + (usize(--n) << 2)));
}

/** Hash structure h (packed, or a table with field dict d != 0): fields after the anchor. Status. */
export function hashAfter(h: usize, d: usize, ap: usize, al: u32, hasAnchor: bool, reverse: bool, count: u32): i32 {
  outReset();
  if (d == 0) packedHashAfter(h, ap, al, hasAnchor, reverse, count);
  else dictAfter(d, ap, al, hasAnchor, reverse, count, EMIT_FIELD);
  return outFinish();
}

// ---------------------------------------------------------------- sorted sets

/** Packed zset z: members after / before (score, member), from a binary search on the entry table. */
function packedZsetAfter(z: usize, score: f64, ap: usize, al: u32, hasAnchor: bool, reverse: bool, count: u32): void {
  const n = pkIndex(z);
  // lo = first entry after the anchor (forward) / at or after it (reverse)
  let lo: u32 = reverse ? n : 0;
  if (hasAnchor) {
    lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const e = pkAt(mid);
      const c = compareScored(pkScore(e), pkMember(e), pkLen(e), score, ap, al);
      if (c < 0 || (c == 0 && !reverse)) lo = mid + 1;
      else hi = mid;
    }
  }
  let i = i64(reverse ? i64(lo) - 1 : i64(lo));
  for (let k: u32 = 0; k < count && i >= 0 && i < i64(n); k++) {
    const e = pkAt(u32(i));
    outItem(pkMember(e), pkLen(e));
    outF64(pkScore(e));
    i = reverse ? i - 1 : i + 1;
  }
}

/** Skiplist z: members after / before (score, member), from a descent to the anchor. */
function skiplistAfter(z: usize, score: f64, ap: usize, al: u32, hasAnchor: bool, reverse: bool, count: u32): void {
  let x: usize;
  if (reverse) x = hasAnchor ? slLastBefore(z, score, ap, al) : slLast(z);
  else x = hasAnchor ? slFirstAfter(z, score, ap, al) : slFirst(z);
  for (let k: u32 = 0; k < count && x != 0; k++) {
    outItem(slMember(x), slMemberLen(x));
    outF64(slScore(x));
    x = reverse ? slPrev(x) : slNext(x);
  }
}

/** Zset structure z: members strictly after (score, member) in (score, member) order (before when reverse). Status. */
export function zsetAfter(z: usize, score: f64, ap: usize, al: u32, hasAnchor: bool, reverse: bool, count: u32): i32 {
  outReset();
  if (zsetEncoding(z) == ENC_PACKED) packedZsetAfter(z, score, ap, al, hasAnchor, reverse, count);
  else skiplistAfter(z, score, ap, al, hasAnchor, reverse, count);
  return outFinish();
}

// ---------------------------------------------------------------- keys

/** Keys of the db whose dict is d, after / before the anchor. Status. */
export function keysAfterIn(d: usize, ap: usize, al: u32, hasAnchor: bool, reverse: bool, count: u32): i32 {
  outReset();
  dictAfter(d, ap, al, hasAnchor, reverse, count, EMIT_KEY);
  return outFinish();
}
