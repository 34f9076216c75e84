/**
 * Host-facing buffers: the scratch region (host writes keys/values there and
 * passes (ptr, len) pairs) and the result area (host reads extra results).
 *
 * Ownership: io owns both. The scratch block moves only when the host asks
 * for more capacity (ioScratch), so the host re-reads its address then. The
 * result area is static and never moves.
 */
import {
  R_COUNT, R_EXPIRE, R_NUMBER, R_OUT_ASCII, R_OUT_LEN, R_OUT_PTR, R_SIZE, R_TYPE, R_VAL_LEN, R_VAL_PTR,
} from "./abi";
import { ST_OK, ST_STORE_FULL } from "./abi";
import { readVarint, varintSize } from "./bytes";
import { entryHasTtl, entryAfterKey, entryTag, isInlineType, TYPE_MASK } from "./entry";
import { alloc, free } from "./memory";
import { checkBlock } from "./check_core";

export const result: usize = memory.data(R_SIZE, 8);

let scratchPtr: usize = 0;
let scratchCap: u32 = 0;

/** Scratch of at least `size` bytes (contents not preserved on growth); 0 when memory is full. */
export function ioScratch(size: u32): usize {
  if (size <= scratchCap && scratchPtr != 0) return scratchPtr;
  let cap: u32 = scratchCap < 4096 ? 4096 : scratchCap;
  while (cap < size) cap = cap >= 0x80000000 ? size : cap << 1;
  const p = alloc(cap);
  if (p == 0) return 0;
  if (scratchPtr != 0) free(scratchPtr, scratchCap);
  scratchPtr = p;
  scratchCap = cap;
  return p;
}

/** Reports entry e (or absence) in the result area; returns its type. */
export function reportEntry(e: usize): i32 {
  if (e == 0) {
    store<u32>(result + R_TYPE, 0);
    return 0;
  }
  const tag = entryTag(e);
  const type = tag & TYPE_MASK;
  store<u32>(result + R_TYPE, type);
  let p = entryAfterKey(e);
  if ((tag & 0x08) != 0) {
    store<f64>(result + R_EXPIRE, f64(load<i64>(p)));
    p += 8;
  } else {
    store<f64>(result + R_EXPIRE, -1);
  }
  if (isInlineType(type)) {
    const n = readVarint(p);
    store<u32>(result + R_VAL_PTR, p + varintSize(n));
    store<u32>(result + R_VAL_LEN, n);
  } else {
    store<u32>(result + R_VAL_PTR, load<u32>(p));
    store<u32>(result + R_VAL_LEN, 0);
  }
  return i32(type);
}

export function reportValue(p: usize, n: u32): void {
  store<u32>(result + R_VAL_PTR, p);
  store<u32>(result + R_VAL_LEN, n);
}

export function reportNumber(v: f64): void {
  store<f64>(result + R_NUMBER, v);
}

export function reportOut(p: usize, len: u32, count: u32, ascii: bool = false): void {
  store<u32>(result + R_OUT_PTR, p);
  store<u32>(result + R_OUT_LEN, len);
  store<u32>(result + R_COUNT, count);
  store<u32>(result + R_OUT_ASCII, ascii ? 1 : 0);
}

// ---------------------------------------------------------------- output buffer
//
// Multi-value results (SCAN keys, list ranges, set members, zset ranges...)
// are written to one growing buffer owned by io and reported with
// reportOut: items are [u32 len][bytes]; a producer may append fixed fields
// after an item (e.g. an f64 score, unaligned) and documents that layout.
// The buffer is reused: valid until the next call that produces output.

let outBuf: usize = 0;
let outCap: u32 = 0;
let outUsed: u32 = 0;
let outItems: u32 = 0;
let outBroken = false;
/** True while every item byte written since outReset is ASCII (the host then decodes all items at once). */
let outAscii = true;

/** Starts a new output (previous content discarded). */
export function outReset(): void {
  outUsed = 0;
  outItems = 0;
  outBroken = false;
  outAscii = true;
}

function outReserve(n: u32): bool {
  const need = u64(outUsed) + u64(n);
  if (need <= u64(outCap)) return true;
  if (outBroken || need > u64(u32.MAX_VALUE)) {
    outBroken = true;
    return false;
  }
  let cap: u32 = outCap < 4096 ? 4096 : outCap;
  while (u64(cap) < need) cap = cap > 0x7fffffff ? u32(need) : cap << 1;
  const p = alloc(cap);
  if (p == 0) {
    outBroken = true;
    return false;
  }
  if (outBuf != 0) {
    memory.copy(p, outBuf, outUsed);
    free(outBuf, outCap);
  }
  outBuf = p;
  outCap = cap;
  return true;
}

/** Appends one item [u32 len][bytes] and counts it. */
export function outItem(p: usize, n: u32): void {
  if (!outReserve(4 + n)) return;
  const dst = outBuf + outUsed + 4;
  store<u32>(dst - 4, n);
  let high: u64;
  if (n <= SHORT_ITEM) {
    high = copyShort(dst, p, n);
  } else {
    memory.copy(dst, p, n);
    high = outAscii ? highBits(p, n) : 0;
  }
  if (high != 0) outAscii = false;
  outUsed += 4 + n;
  outItems++;
}

/**
 * Items up to this size are copied eight bytes at a time: memory.copy is a
 * call out of the module, several times the cost of a short copy (measured:
 * 52 ns per 10-byte element of an LRANGE).
 */
// @ts-ignore: decorator
@inline const SHORT_ITEM: u32 = 64;

/** Copies n (<= SHORT_ITEM) bytes from src to dst; returns the OR of their high bits (0: all ASCII). */
function copyShort(dst: usize, src: usize, n: u32): u64 {
  let acc: u64 = 0;
  let i: usize = 0;
  for (; i + 8 <= usize(n); i += 8) {
    const w = load<u64>(src + i);
    store<u64>(dst + i, w);
    acc |= w;
  }
  for (; i < usize(n); i++) {
    const c = load<u8>(src + i);
    store<u8>(dst + i, c);
    acc |= u64(c);
  }
  return acc & 0x8080808080808080;
}

/** The OR of the high bits of the n bytes at p (0: all ASCII), eight at a time. */
function highBits(p: usize, n: u32): u64 {
  const end = p + n;
  let acc: u64 = 0;
  for (; p + 8 <= end; p += 8) acc |= load<u64>(p);
  for (; p < end; p++) acc |= u64(load<u8>(p));
  return acc & 0x8080808080808080;
}

/** Appends an f64 (unaligned) to the current item. */
export function outF64(v: f64): void {
  if (!outReserve(8)) return;
  store<f64>(outBuf + outUsed, v);
  outUsed += 8;
}

/** Appends a u32 to the current item (or a bare number). */
export function outU32(v: u32): void {
  if (!outReserve(4)) return;
  store<u32>(outBuf + outUsed, v);
  outUsed += 4;
}

/** Items written since outReset. */
export function outCount(): u32 {
  return outItems;
}

/** Reports the output in the result area: ST_OK, or ST_STORE_FULL when it could not grow (incomplete). */
export function outFinish(): i32 {
  reportOut(outBuf, outUsed, outItems, outAscii);
  return outBroken ? ST_STORE_FULL : ST_OK;
}

/** Records io's blocks (scratch, output buffer) for a consistency check (check_core.ts). */
export function ioCheck(): void {
  if (scratchPtr != 0) checkBlock(scratchPtr, scratchCap);
  if (outBuf != 0) checkBlock(outBuf, outCap);
}
