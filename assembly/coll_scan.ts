/**
 * SSCAN / HSCAN / ZSCAN steps over a collection's member table, as Redis's
 * scanGenericCommand: a hash table is walked with the dict's reverse-binary
 * cursor (dict.ts dictScan: every member present for the whole scan is
 * returned at least once, even when the table grows, shrinks or rehashes
 * between steps), visiting buckets until `count` members were returned or
 * 10 * count steps were taken; a packed collection returns everything in
 * one step with cursor 0 (Redis does so for listpacks and intsets, whatever
 * cursor it is given).
 *
 * Output layouts as order.ts (members; field/value/TTL; member/score); the
 * next cursor is the export's to report.
 *
 * Ownership: nothing is kept between calls; the cursor is the caller's.
 */
import { dictScan, entryKeyLen, entryKeyPtr } from "./dict";
import { packedEnd as hpEnd, packedFirst as hpFirst, recSize } from "./hash_packed";
import { outF64, outItem } from "./io";
import { EMIT_FIELD, EMIT_KEY, emitEntry, emitRecord } from "./order";
import { packedCount, packedItemLen, packedItemPtr } from "./set_packed";
import { slScore } from "./skiplist";
import { pkEnd, pkEntrySize, pkFirst, pkLen, pkMember, pkScore } from "./zset_packed";

/** Members emitted by the current step (dictScan callbacks cannot capture locals). */
let emitted: u32 = 0;

function scanMember(e: usize): void {
  emitEntry(e, EMIT_KEY);
  emitted++;
}

function scanField(e: usize): void {
  emitEntry(e, EMIT_FIELD);
  emitted++;
}

function scanNode(x: usize): void {
  outItem(entryKeyPtr(x), entryKeyLen(x));
  outF64(slScore(x));
  emitted++;
}

/** Cursor steps over dict d until `count` members (or 10 * count steps); the next cursor (0: done). */
function scanDict(d: usize, cursor: u32, count: u32, fn: (e: usize) => void): u32 {
  if (count == 0) count = 1;
  let steps = u64(count) * 10;
  emitted = 0;
  do {
    cursor = dictScan(d, cursor, fn);
  } while (cursor != 0 && emitted < count && --steps > 0);
  return cursor;
}

/** SSCAN step on set structure p (member dict d, 0 when packed): the next cursor. */
export function setScanStep(p: usize, d: usize, cursor: u32, count: u32): u32 {
  if (d != 0) return scanDict(d, cursor, count, scanMember);
  const n = packedCount(p);
  for (let i: u32 = 0; i < n; i++) outItem(packedItemPtr(p, i), packedItemLen(p, i));
  return 0;
}

/** HSCAN step on hash structure h (field dict d, 0 when packed): the next cursor. */
export function hashScanStep(h: usize, d: usize, cursor: u32, count: u32): u32 {
  if (d != 0) return scanDict(d, cursor, count, scanField);
  const end = hpEnd(h);
  for (let r = hpFirst(h); r < end; r += recSize(r)) emitRecord(r);
  return 0;
}

/** ZSCAN step on zset structure z (member dict d of its skiplist, 0 when packed): the next cursor. */
export function zsetScanStep(z: usize, d: usize, cursor: u32, count: u32): u32 {
  if (d != 0) return scanDict(d, cursor, count, scanNode);
  const end = pkEnd(z);
  for (let e = pkFirst(z); e < end; e += pkEntrySize(e)) {
    outItem(pkMember(e), pkLen(e));
    outF64(pkScore(e));
  }
  return 0;
}
