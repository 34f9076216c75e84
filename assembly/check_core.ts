/**
 * Consistency checking, shared part (tests only: the `debugCheck` export in
 * index.ts runs it; no write path calls anything here).
 *
 * A check walks every structure the store owns. Each structure reports the
 * blocks it owns with checkBlock (address + the size it would pass to
 * free()); check.ts adds the allocator's free blocks and verifies that live
 * and free blocks tile the heap exactly (an overlap is a block handed out
 * twice or freed while still in use; a gap is a leak or a block freed with
 * the wrong size) and that the live total matches the allocator's count.
 * Structure-level invariants (counts, order, links, dict placement) are
 * checked by the owning modules, which report the first violation with
 * checkFail.
 *
 * Ownership: the record array belongs to check.ts for the duration of one
 * check; nothing here keeps pointers past it.
 */
import { SMALL_MAX } from "./memory";

/** Check results (host: src/_wasm/store.ts CHECK_MESSAGES). 0 = consistent. */
export const CK_OK: i32 = 0;
export const CK_OVERLAP: i32 = 1;
export const CK_GAP: i32 = 2;
export const CK_LIVE_BYTES: i32 = 3;
export const CK_LARGE_HEADER: i32 = 4;
export const CK_FREE_LIST: i32 = 5;
export const CK_DICT_TABLE: i32 = 6;
export const CK_DICT_PLACE: i32 = 7;
export const CK_DICT_CHAIN: i32 = 8;
export const CK_DICT_COUNT: i32 = 9;
export const CK_DICT_FIND: i32 = 10;
export const CK_ENTRY: i32 = 11;
export const CK_SET: i32 = 12;
export const CK_HASH: i32 = 13;
export const CK_ZSET: i32 = 14;
export const CK_SKIPLIST: i32 = 15;
export const CK_LIST: i32 = 16;
export const CK_NO_MEMORY: i32 = 17;
export const CK_RECORDS: i32 = 18;

/** First violation found (CK_*) and the address it concerns. */
export let checkError: i32 = CK_OK;
export let checkAt: usize = 0;

/** Block records [u64 (start << 32) | bytes]; 0 while only counting. */
let recBuf: usize = 0;
let recCap: u32 = 0;
/** Records reported so far (counted even when recBuf is 0 or full). */
export let recCount: u32 = 0;
/** Bytes of live blocks as the allocator counts them (class size or large capacity). */
export let liveSum: u64 = 0;

/** Starts a walk: records go to buf (room for cap), or are only counted when buf is 0. */
export function checkBegin(buf: usize, cap: u32): void {
  recBuf = buf;
  recCap = cap;
  recCount = 0;
  liveSum = 0;
}

/** Resets the result before a whole check. */
export function checkReset(): void {
  checkError = CK_OK;
  checkAt = 0;
  recBuf = 0;
}

/** Records the first violation (later ones are usually consequences). */
export function checkFail(code: i32, at: usize): void {
  if (checkError == CK_OK) {
    checkError = code;
    checkAt = at;
  }
}

/** Whether the check has failed (walkers stop following links then). */
// @ts-ignore: decorator
@inline export function checkFailed(): bool {
  return checkError != CK_OK;
}

/** Records a region [p, p + bytes) of the heap (live or free). */
export function checkRecord(p: usize, bytes: u32): void {
  if (recBuf != 0 && recCount < recCap) {
    store<u64>(recBuf + (usize(recCount) << 3), (u64(p) << 32) | u64(bytes));
  }
  recCount++;
}

/**
 * Records a live block at p that its owner would free with free(p, size):
 * small blocks take their 8-byte class, large ones their header and capacity
 * (which must hold `size`).
 */
export function checkBlock(p: usize, size: u32): void {
  if (p == 0 || (p & 7) != 0) {
    checkFail(CK_ENTRY, p);
    return;
  }
  if (size <= SMALL_MAX) {
    const sz = size == 0 ? 8 : (size + 7) & ~u32(7);
    checkRecord(p, sz);
    liveSum += sz;
    return;
  }
  const cap = load<u32>(p - 8);
  if (cap < size || (cap & 7) != 0 || load<u32>(p - 4) != 0) {
    checkFail(CK_LARGE_HEADER, p);
    return;
  }
  checkRecord(p - 8, cap + 8);
  liveSum += cap;
}

/** The record array after a filling walk: record i. */
// @ts-ignore: decorator
@inline export function checkRecordAt(i: u32): u64 {
  return load<u64>(recBuf + (usize(i) << 3));
}
