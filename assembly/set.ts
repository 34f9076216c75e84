/**
 * Sets with Redis t_set.c write semantics (SADD, SREM, SMOVE), binary safe:
 * members are compared as bytes (Redis's intset only takes canonical integer
 * text, so byte equality is exactly its equality).
 *
 * Two encodings, told apart by the structure's first byte:
 *
 * - PACKED (small sets): a packed sorted byte array (set_packed.ts) while the
 *   set has at most 128 members of at most 64 bytes each (Redis's
 *   set-max-listpack-entries / set-max-listpack-value defaults).
 * - HASHED (large sets): a 40-byte header [u8 kind][7 reserved][dict header
 *   (dict.ts, 32 bytes)] whose dict links one member entry per member:
 *       [u32 next][u8 tag = 0][varint len][member bytes]
 *
 * A set converts from PACKED to HASHED when an add would pass either limit,
 * and never back (as Redis). Empty sets never exist: a write that empties a
 * set deletes its key.
 *
 * Ownership: the keyspace entry owns the structure (its u32 payload, see
 * collection.ts); the structure owns its packed block, or its dict tables and
 * member entries. (ptr, len) arguments belong to the caller. Every write
 * allocates before it mutates: ST_STORE_FULL means nothing changed (for the
 * multi-member writes: nothing changed by the member that failed).
 */
import { ST_STORE_FULL, ST_WRONGTYPE, T_SET } from "./abi";
import { hashBytes, readVarint, varintSize, writeVarint, copyBytes } from "./bytes";
import { collCreate, collLookup, collPtr, collRemoveKey, collSetPtr, collType } from "./collection";
import {
  dictAdd, dictAddHashed, dictBeforeWrite, dictCheck, dictClear, dictCount, dictExpand, dictFind, dictFindHashed, dictInit, dictRemoveFound, dictReserve,
  dictScan, DICT_BYTES, entryKeyLen, entryKeyPtr,
} from "./dict";
import { outFinish, outItem, outReset } from "./io";
import { alloc, free } from "./memory";
import {
  packedCheck, packedClone, packedCount, packedFind, packedFree, packedInsert, packedItemLen, packedItemPtr, packedNew,
  packedRemove,
} from "./set_packed";
import { checkBlock, checkFail, CK_SET } from "./check_core";
import { sortRecordFill, sortRecordLen, sortRecordPtr, SORT_RECORD, sortRecords } from "./set_sort";

/** Redis set-max-listpack-entries default: more members make a hash table. */
// @ts-ignore: decorator
@inline export const SET_MAX_PACKED_COUNT: u32 = 128;
/** Redis set-max-listpack-value default: a longer member makes a hash table. */
// @ts-ignore: decorator
@inline export const SET_MAX_PACKED_MEMBER: u32 = 64;

// @ts-ignore: decorator
@inline const KIND_PACKED: u8 = 1;
// @ts-ignore: decorator
@inline const KIND_HASHED: u8 = 2;
// @ts-ignore: decorator
@inline const HASHED_BYTES: u32 = 8 + DICT_BYTES;

// @ts-ignore: decorator
@inline function isPacked(p: usize): bool {
  return load<u8>(p) == KIND_PACKED;
}

// @ts-ignore: decorator
@inline function dictOf(h: usize): usize {
  return h + 8;
}

// ---------------------------------------------------------------- member entries (HASHED)

// @ts-ignore: decorator
@inline function memberSize(ml: u32): u32 {
  return 5 + varintSize(ml) + ml;
}

/** A member entry holding (mp, ml), unlinked; 0 when memory is full. */
function memberNew(mp: usize, ml: u32): usize {
  const m = alloc(memberSize(ml));
  if (m == 0) return 0;
  store<u32>(m, 0);
  store<u8>(m + 4, 0);
  copyBytes(writeVarint(m + 5, ml), mp, ml);
  return m;
}

function memberFree(m: usize): void {
  free(m, memberSize(readVarint(m + 5)));
}

// ---------------------------------------------------------------- HASHED structure

/** An empty hash-table set with its first bucket table; 0 when memory is full. */
function hashedNew(): usize {
  const h = alloc(HASHED_BYTES);
  if (h == 0) return 0;
  memory.fill(h, 0, 8);
  store<u8>(h, KIND_HASHED);
  dictInit(dictOf(h));
  if (!dictReserve(dictOf(h))) {
    free(h, HASHED_BYTES);
    return 0;
  }
  return h;
}

function hashedFree(h: usize): void {
  dictClear(dictOf(h), memberFree);
  free(h, HASHED_BYTES);
}

/**
 * Links a new member into hashed set h, which must not hold it. Moves one
 * rehash bucket first so a set filled in one go keeps short chains.
 */
function hashedLinkNew(h: usize, mp: usize, ml: u32): bool {
  const d = dictOf(h);
  if (!dictReserve(d)) return false;
  const m = memberNew(mp, ml);
  if (m == 0) return false;
  dictBeforeWrite(d);
  dictAdd(d, m);
  return true;
}

/** SADD on a hashed set: 1 added, 0 already there, ST_STORE_FULL. The member is hashed once. */
function hashedAdd(h: usize, mp: usize, ml: u32): i32 {
  return hashedAddHashed(h, mp, ml, u32(hashBytes(mp, ml)));
}

/** hashedAdd with the member's hash `hv` already computed. */
function hashedAddHashed(h: usize, mp: usize, ml: u32, hv: u32): i32 {
  const d = dictOf(h);
  dictBeforeWrite(d);
  if (dictFindHashed(d, mp, ml, hv) != 0) return 0;
  if (!dictReserve(d)) return ST_STORE_FULL;
  const m = memberNew(mp, ml);
  if (m == 0) return ST_STORE_FULL;
  dictAddHashed(d, m, hv);
  return 1;
}

/** SREM on a hashed set: 1 removed, 0 absent. Never allocates. */
function hashedRemove(h: usize, mp: usize, ml: u32): i32 {
  const d = dictOf(h);
  dictBeforeWrite(d);
  const m = dictFind(d, mp, ml);
  if (m == 0) return 0;
  dictRemoveFound(d, m);
  memberFree(m);
  return 1;
}

/**
 * The hashed form of packed set p plus the new member (mp, ml) (absent from
 * p); 0 when memory is full (everything allocated is released, p untouched).
 */
function hashedFromPacked(p: usize, mp: usize, ml: u32): usize {
  const h = hashedNew();
  if (h == 0) return 0;
  const n = packedCount(p);
  for (let i: u32 = 0; i < n; i++) {
    if (!hashedLinkNew(h, packedItemPtr(p, i), packedItemLen(p, i))) {
      hashedFree(h);
      return 0;
    }
  }
  if (!hashedLinkNew(h, mp, ml)) {
    hashedFree(h);
    return 0;
  }
  return h;
}

// dictScan callbacks cannot capture locals: their state lives here.
let cloneTarget: usize = 0;
let cloneFailed = false;

function cloneMember(m: usize): void {
  if (cloneFailed) return;
  if (!hashedLinkNew(cloneTarget, entryKeyPtr(m), entryKeyLen(m))) cloneFailed = true;
}

function hashedClone(h: usize): usize {
  const c = hashedNew();
  if (c == 0) return 0;
  cloneTarget = c;
  cloneFailed = false;
  // the source is not modified during the scan: every member is visited exactly once
  let cursor: u32 = 0;
  do {
    cursor = dictScan(dictOf(h), cursor, cloneMember);
  } while (cursor != 0 && !cloneFailed);
  if (cloneFailed) {
    hashedFree(c);
    return 0;
  }
  return c;
}

// ---------------------------------------------------------------- payload hooks

/** Frees structure p and everything it owns. */
export function setFree(p: usize): void {
  if (isPacked(p)) packedFree(p);
  else hashedFree(p);
}

/** Deep copy of structure p; 0 when memory is full (nothing leaked). */
export function setClone(p: usize): usize {
  return isPacked(p) ? packedClone(p) : hashedClone(p);
}

// ---------------------------------------------------------------- reads (structure pointer from find)

/** SCARD of structure p. */
export function setCardOf(p: usize): u32 {
  return isPacked(p) ? packedCount(p) : dictCount(dictOf(p));
}

/** Encoding of structure p, as OBJECT ENCODING would name it: 1 listpack (packed), 2 hashtable. */
export function setEncodingOf(p: usize): u32 {
  return isPacked(p) ? 1 : 2;
}

/** SISMEMBER on structure p. */
export function setHasMember(p: usize, mp: usize, ml: u32): bool {
  if (isPacked(p)) return ml <= SET_MAX_PACKED_MEMBER && packedFind(p, mp, ml) >= 0;
  return dictFind(dictOf(p), mp, ml) != 0;
}

// sort buffer fill state (dictScan callback)
let fillAt: usize = 0;
let fillEnd: usize = 0;

function fillRecord(m: usize): void {
  // a scan of an unchanging dict visits each entry once; the bound only guards the buffer
  if (fillAt >= fillEnd) return;
  sortRecordFill(fillAt, entryKeyPtr(m), entryKeyLen(m));
  fillAt += SORT_RECORD;
}

/**
 * Writes the members of structure p to the output buffer in byte order
 * (items [u32 len][bytes]); ST_OK, or ST_STORE_FULL when the sort buffers or
 * the output could not be allocated.
 */
export function setWriteMembers(p: usize): i32 {
  outReset();
  if (isPacked(p)) {
    const n = packedCount(p);
    for (let i: u32 = 0; i < n; i++) outItem(packedItemPtr(p, i), packedItemLen(p, i));
    return outFinish();
  }
  const d = dictOf(p);
  const n = dictCount(d);
  const bytes = u64(n) * SORT_RECORD;
  if (bytes > u64(u32.MAX_VALUE)) return ST_STORE_FULL;
  const a = alloc(u32(bytes));
  if (a == 0) return ST_STORE_FULL;
  const b = alloc(u32(bytes));
  if (b == 0) {
    free(a, u32(bytes));
    return ST_STORE_FULL;
  }
  fillAt = a;
  fillEnd = a + usize(bytes);
  let cursor: u32 = 0;
  do {
    cursor = dictScan(d, cursor, fillRecord);
  } while (cursor != 0);
  const sorted = sortRecords(a, b, n);
  for (let i: u32 = 0; i < n; i++) {
    const r = sorted + usize(i) * SORT_RECORD;
    outItem(sortRecordPtr(r), sortRecordLen(r));
  }
  free(a, u32(bytes));
  free(b, u32(bytes));
  return outFinish();
}

// ---------------------------------------------------------------- writes on a structure

/** A new set holding one member; 0 when memory is full. */
function setNew(mp: usize, ml: u32): usize {
  if (ml <= SET_MAX_PACKED_MEMBER) return packedNew(KIND_PACKED, mp, ml);
  const h = hashedNew();
  if (h == 0) return 0;
  if (!hashedLinkNew(h, mp, ml)) {
    hashedFree(h);
    return 0;
  }
  return h;
}

/** The structure after the last addToSet (it may have moved or become a hash table). */
let setCur: usize = 0;

/**
 * Adds a member to set structure p: 1 added, 0 already there, ST_STORE_FULL
 * (p unchanged). The structure is in `setCur` afterwards.
 */
function addToSet(p: usize, mp: usize, ml: u32): i32 {
  setCur = p;
  if (!isPacked(p)) return hashedAdd(p, mp, ml);
  const i = ml <= SET_MAX_PACKED_MEMBER ? packedFind(p, mp, ml) : -1;
  if (i >= 0) return 0;
  if (ml > SET_MAX_PACKED_MEMBER || packedCount(p) >= SET_MAX_PACKED_COUNT) {
    const h = hashedFromPacked(p, mp, ml);
    if (h == 0) return ST_STORE_FULL;
    packedFree(p);
    setCur = h;
    return 1;
  }
  const q = packedInsert(p, u32(-i - 1), mp, ml);
  if (q == 0) return ST_STORE_FULL;
  setCur = q;
  return 1;
}

/** Adds a member to the set of entry e: 1 added, 0 already there, ST_STORE_FULL. */
function addToEntry(e: usize, mp: usize, ml: u32): i32 {
  const p = collPtr(e);
  const r = addToSet(p, mp, ml);
  if (setCur != p) collSetPtr(e, setCur);
  return r;
}

/**
 * Loader path (bulk.ts): adds a member to set structure p, creating the
 * structure when p is 0 (a table presized for `sizeHint` members when that
 * passes the packed limit). Returns the structure (moved, converted or new), or
 * 0 when memory is full (p unchanged then). A member already there is left
 * alone. With `hashed`, `hv` is the member's hash (computed ahead by the
 * caller, who touched its bucket).
 */
export function setLoadAdd(p: usize, mp: usize, ml: u32, sizeHint: u32, hv: u32, hashed: bool): usize {
  if (p != 0 && hashed && !isPacked(p)) return hashedAddHashed(p, mp, ml, hv) < 0 ? 0 : p;
  if (p == 0) {
    if (sizeHint <= SET_MAX_PACKED_COUNT) return setNew(mp, ml);
    // as Redis's loader: a set the snapshot says is big starts as a table sized for all of it
    const h = hashedNew();
    if (h == 0) return 0;
    dictExpand(dictOf(h), sizeHint);
    if (!hashedLinkNew(h, mp, ml)) {
      hashedFree(h);
      return 0;
    }
    return h;
  }
  return addToSet(p, mp, ml) < 0 ? 0 : setCur;
}

/** The member dict of set structure p (bulk loads touch it ahead); 0 while packed. */
export function setLoadDict(p: usize): usize {
  return isPacked(p) ? 0 : dictOf(p);
}

/** Removes a member from the set of entry e: 1 removed, 0 absent. Never allocates. */
function removeFromEntry(e: usize, mp: usize, ml: u32): i32 {
  const p = collPtr(e);
  if (!isPacked(p)) return hashedRemove(p, mp, ml);
  if (ml > SET_MAX_PACKED_MEMBER) return 0;
  const i = packedFind(p, mp, ml);
  if (i < 0) return 0;
  const q = packedRemove(p, u32(i));
  if (q != p) collSetPtr(e, q);
  return 1;
}

/** Creates key (kp, kl) as a set of one member: ST_OK or ST_STORE_FULL (nothing changed). */
function createSet(db: u32, kp: usize, kl: u32, mp: usize, ml: u32): i32 {
  const p = setNew(mp, ml);
  if (p == 0) return ST_STORE_FULL;
  const r = collCreate(db, kp, kl, T_SET, p);
  if (r < 0) setFree(p);
  return r;
}

// ---------------------------------------------------------------- commands

/** SADD of one member: 1 added, 0 already there, ST_WRONGTYPE, ST_STORE_FULL. */
export function setAddOne(db: u32, kp: usize, kl: u32, mp: usize, ml: u32): i32 {
  const e = collLookup(db, kp, kl);
  if (e == 0) {
    const r = createSet(db, kp, kl, mp, ml);
    return r < 0 ? r : 1;
  }
  if (collType(e) != T_SET) return ST_WRONGTYPE;
  return addToEntry(e, mp, ml);
}

/**
 * SADD of n members given as items [u32 len][bytes] at ip: how many were
 * added, ST_WRONGTYPE (nothing changed) or ST_STORE_FULL (members before the
 * failing one stay added).
 */
export function setAddItems(db: u32, kp: usize, kl: u32, ip: usize, n: u32): i32 {
  if (n == 0) return 0;
  let e = collLookup(db, kp, kl);
  let added: i32 = 0;
  let i: u32 = 0;
  let q = ip;
  if (e == 0) {
    const l = load<u32>(q);
    const r = createSet(db, kp, kl, q + 4, l);
    if (r < 0) return r;
    added = 1;
    i = 1;
    q += 4 + usize(l);
    e = collLookup(db, kp, kl);
  } else if (collType(e) != T_SET) {
    return ST_WRONGTYPE;
  }
  for (; i < n; i++) {
    const l = load<u32>(q);
    const r = addToEntry(e, q + 4, l);
    if (r < 0) return r;
    added += r;
    q += 4 + usize(l);
  }
  return added;
}

/** SREM of one member: 1 removed, 0 absent, ST_WRONGTYPE. Deletes the key when the set empties. */
export function setRemoveOne(db: u32, kp: usize, kl: u32, mp: usize, ml: u32): i32 {
  const e = collLookup(db, kp, kl);
  if (e == 0) return 0;
  if (collType(e) != T_SET) return ST_WRONGTYPE;
  const r = removeFromEntry(e, mp, ml);
  if (r != 0 && setCardOf(collPtr(e)) == 0) collRemoveKey(db, kp, kl);
  return r;
}

/**
 * SREM of n members given as items [u32 len][bytes] at ip: how many were
 * removed, or ST_WRONGTYPE. Stops when the set empties (its key is deleted),
 * as Redis does.
 */
export function setRemoveItems(db: u32, kp: usize, kl: u32, ip: usize, n: u32): i32 {
  const e = collLookup(db, kp, kl);
  if (e == 0) return 0;
  if (collType(e) != T_SET) return ST_WRONGTYPE;
  let removed: i32 = 0;
  let q = ip;
  for (let i: u32 = 0; i < n; i++) {
    const l = load<u32>(q);
    if (removeFromEntry(e, q + 4, l) != 0) {
      removed++;
      if (setCardOf(collPtr(e)) == 0) {
        collRemoveKey(db, kp, kl);
        break;
      }
    }
    q += 4 + usize(l);
  }
  return removed;
}

/**
 * SMOVE src dst member with t_set.c's order of checks: absent source -> 0
 * (whatever dst holds); a non-set source or destination -> ST_WRONGTYPE;
 * src == dst -> no change (1 when member is in it, Redis's reply); member not
 * in src -> 0. Otherwise the member leaves src (deleted when empty) and joins
 * dst (created when absent): 1. The add to dst runs first, because it is the
 * only step that can fail (ST_STORE_FULL leaves both keys unchanged).
 */
export function setMoveMember(db: u32, sp: usize, sl: u32, dp: usize, dl: u32, mp: usize, ml: u32): i32 {
  const src = collLookup(db, sp, sl);
  if (src == 0) return 0;
  const dst = collLookup(db, dp, dl);
  if (collType(src) != T_SET) return ST_WRONGTYPE;
  if (dst != 0 && collType(dst) != T_SET) return ST_WRONGTYPE;
  const has = setHasMember(collPtr(src), mp, ml);
  if (src == dst || !has) return has ? 1 : 0;
  if (dst == 0) {
    const r = createSet(db, dp, dl, mp, ml);
    if (r < 0) return r;
  } else {
    const r = addToEntry(dst, mp, ml);
    if (r < 0) return r;
  }
  removeFromEntry(src, mp, ml);
  if (setCardOf(collPtr(src)) == 0) collRemoveKey(db, sp, sl);
  return 1;
}

// ---------------------------------------------------------------- consistency check (tests)

function memberCheck(m: usize): void {
  checkBlock(m, memberSize(readVarint(m + 5)));
  if (load<u8>(m + 4) != 0) checkFail(CK_SET, m);
}

/** Records every block of set structure p and checks its invariants (check_core.ts). */
export function setCheck(p: usize): void {
  if (isPacked(p)) {
    if (!packedCheck(p, SET_MAX_PACKED_COUNT, SET_MAX_PACKED_MEMBER)) checkFail(CK_SET, p);
    return;
  }
  if (load<u8>(p) != KIND_HASHED) {
    checkFail(CK_SET, p);
    return;
  }
  checkBlock(p, HASHED_BYTES);
  if (dictCount(dictOf(p)) == 0) checkFail(CK_SET, p);
  dictCheck(dictOf(p), memberCheck);
}
