/**
 * Key iteration for SCAN and tests: walks a db with the dict's reverse-binary
 * cursor and writes the keys found to io's output buffer ([u32 len][bytes]...).
 */
import { dictScan, entryKeyLen, entryKeyPtr } from "./dict";
import { outCount, outItem, outReset } from "./io";
import { dbDict } from "./keyspace";

function emitKey(e: usize): void {
  outItem(entryKeyPtr(e), entryKeyLen(e));
}

/**
 * Visits cursor steps until `count` keys were emitted (or 10*count empty
 * steps, as Redis). Returns the next cursor (0 = done); the caller reports
 * the output with outFinish (STORE_FULL: keys missing, retry).
 */
export function ksScan(db: u32, cursor: u32, count: u32): u32 {
  outReset();
  const d = dbDict(db);
  if (count == 0) count = 1;
  let steps = count * 10;
  do {
    cursor = dictScan(d, cursor, emitKey);
  } while (cursor != 0 && outCount() < count && --steps > 0);
  return cursor;
}
