/**
 * Key iteration for SCAN and tests: walks a db with the dict's reverse-binary
 * cursor and writes the keys found into an output buffer as
 * [u32 len][bytes]... The scan module owns the buffer; it stays valid (and is
 * reused) until the next scan call.
 */
import { dictScan } from "./dict";
import { entryKeyLen, entryKeyPtr } from "./dict";
import { dbDict } from "./keyspace";
import { alloc, free } from "./memory";

export let outPtr: usize = 0;
let outCap: u32 = 0;
export let outLen: u32 = 0;
export let outCount: u32 = 0;
let outFailed = false;

function emitKey(e: usize): void {
  const kl = entryKeyLen(e);
  const need = u64(outLen) + 4 + u64(kl);
  if (need > u64(outCap)) {
    if (need > u64(u32.MAX_VALUE) || !growOut(u32(need))) {
      outFailed = true;
      return;
    }
  }
  store<u32>(outPtr + outLen, kl);
  memory.copy(outPtr + outLen + 4, entryKeyPtr(e), kl);
  outLen += 4 + kl;
  outCount++;
}

function growOut(need: u32): bool {
  let cap: u32 = outCap < 4096 ? 4096 : outCap;
  while (cap < need) cap = cap > 0x7fffffff ? need : cap << 1;
  const p = alloc(cap);
  if (p == 0) return false;
  if (outPtr != 0) {
    memory.copy(p, outPtr, outLen);
    free(outPtr, outCap);
  }
  outPtr = p;
  outCap = cap;
  return true;
}

/**
 * Visits cursor steps until `count` keys were emitted (or 10*count empty
 * steps, as Redis). Returns the next cursor (0 = done); false in `scanFailed`
 * when the output could not grow (keys missing: the caller must retry).
 */
export function ksScan(db: u32, cursor: u32, count: u32): u32 {
  outLen = 0;
  outCount = 0;
  outFailed = false;
  const d = dbDict(db);
  if (count == 0) count = 1;
  let steps = count * 10;
  do {
    cursor = dictScan(d, cursor, emitKey);
  } while (cursor != 0 && outCount < count && --steps > 0);
  return cursor;
}

export function scanFailed(): bool {
  return outFailed;
}
