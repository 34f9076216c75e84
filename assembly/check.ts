/**
 * Whole-store consistency check (tests only; the `debugCheck` export).
 *
 * Walks every db, entry and structure (each module checks its own
 * invariants and records the blocks it owns, check_core.ts), then adds the
 * allocator's free blocks and bump region and verifies that all of them tile
 * [heap start, memory end) exactly and that the live bytes match the
 * allocator's count. Cost: O(everything), plus one record array of 8 bytes
 * per block (allocated and freed here).
 *
 * Ownership: the record array is this module's for the duration of the call.
 */
import { T_HASH, T_LIST, T_OTHER, T_SET, T_STRING, T_ZSET } from "./abi";
import {
  checkAt, checkBegin, checkBlock, checkError, checkFail, checkFailed, checkRecord, checkRecordAt, checkReset,
  CK_ENTRY, CK_FREE_LIST, CK_GAP, CK_LIVE_BYTES, CK_NO_MEMORY, CK_OK, CK_OVERLAP, CK_RECORDS, liveSum, recCount,
} from "./check_core";
import { DICT_BYTES, dictCheck } from "./dict";
import { entryPayload, entrySize, entryTag, isInlineType, TAG_TTL, TYPE_MASK } from "./entry";
import { hashCheck } from "./hash";
import { loadCheck } from "./bulk";
import { ioCheck } from "./io";
import { orderCacheCheck } from "./order_cache";
import { dbDict, ksDbArray, ksDbCount } from "./keyspace";
import { listCheck } from "./list";
import { alloc, free, memHeapStart, memLive, memSize, memWalkFree } from "./memory";
import { setCheck } from "./set";
import { zsetCheck } from "./zset";

/** Address of the first violation of the last storeCheck. */
export let storeCheckAt: usize = 0;

function entryCheck(e: usize): void {
  const tag = entryTag(e);
  const type = tag & TYPE_MASK;
  if ((tag & ~(TYPE_MASK | TAG_TTL)) != 0 || type < T_STRING || type > T_OTHER) {
    checkFail(CK_ENTRY, e);
    return;
  }
  checkBlock(e, entrySize(e));
  if (isInlineType(type)) return;
  const p: usize = load<u32>(entryPayload(e));
  if (p == 0) {
    checkFail(CK_ENTRY, e);
    return;
  }
  switch (type) {
    case T_LIST: listCheck(p); break;
    case T_SET: setCheck(p); break;
    case T_ZSET: zsetCheck(p); break;
    case T_HASH: hashCheck(p); break;
  }
}

function freeRegion(p: usize, bytes: u32): void {
  checkRecord(p, bytes);
}

/** One walk over everything live, then the free regions. */
function walk(): void {
  const n = ksDbCount();
  checkBlock(ksDbArray(), n * DICT_BYTES);
  ioCheck();
  orderCacheCheck();
  loadCheck();
  for (let db: u32 = 0; db < n && !checkFailed(); db++) dictCheck(dbDict(db), entryCheck);
  if (!checkFailed() && !memWalkFree(freeRegion)) checkFail(CK_FREE_LIST, 0);
}

// @ts-ignore: decorator
@inline function recStart(r: u64): u64 {
  return r >> 32;
}
// @ts-ignore: decorator
@inline function recEnd(r: u64): u64 {
  return (r >> 32) + (r & 0xffffffff);
}

function siftDown(a: usize, i: u32, n: u32): void {
  while (true) {
    const l: u32 = 2 * i + 1;
    if (l >= n) return;
    let m = l;
    if (l + 1 < n && load<u64>(a + (usize(l + 1) << 3)) > load<u64>(a + (usize(l) << 3))) m = l + 1;
    const x = load<u64>(a + (usize(i) << 3));
    const y = load<u64>(a + (usize(m) << 3));
    if (y <= x) return;
    store<u64>(a + (usize(i) << 3), y);
    store<u64>(a + (usize(m) << 3), x);
    i = m;
  }
}

function sortRecords(a: usize, n: u32): void {
  if (n < 2) return;
  for (let i = i32(n >> 1) - 1; i >= 0; i--) siftDown(a, u32(i), n);
  for (let end = n - 1; end > 0; end--) {
    const t = load<u64>(a);
    store<u64>(a, load<u64>(a + (usize(end) << 3)));
    store<u64>(a + (usize(end) << 3), t);
    siftDown(a, 0, end);
  }
}

/**
 * Checks the whole store: CK_OK, or the first violation's CK_* code (its
 * address in storeCheckAt). CK_NO_MEMORY when the record array could not
 * be allocated.
 */
export function storeCheck(): i32 {
  checkReset();
  checkBegin(0, 0);
  walk();
  if (checkFailed()) return finish();
  const cap = recCount + 64; // the array itself may add a record or split a free block
  const bytes = u64(cap) << 3;
  if (bytes > 0xffffffff) return CK_NO_MEMORY;
  const a = alloc(u32(bytes));
  if (a == 0) return CK_NO_MEMORY;
  checkBegin(a, cap);
  checkBlock(a, u32(bytes));
  walk();
  const n = recCount;
  if (!checkFailed() && n > cap) checkFail(CK_RECORDS, 0);
  if (!checkFailed()) {
    sortRecords(a, n);
    let at = memHeapStart();
    for (let i: u32 = 0; i < n && !checkFailed(); i++) {
      const r = checkRecordAt(i);
      if (recStart(r) < at) checkFail(CK_OVERLAP, usize(recStart(r)));
      else if (recStart(r) > at) checkFail(CK_GAP, usize(at));
      at = recEnd(r);
    }
    if (!checkFailed() && at != memSize()) checkFail(CK_GAP, usize(at));
    if (!checkFailed() && liveSum != memLive()) checkFail(CK_LIVE_BYTES, 0);
  }
  free(a, u32(bytes));
  return finish();
}

function finish(): i32 {
  storeCheckAt = checkAt;
  return checkError == CK_OK ? CK_OK : checkError;
}
