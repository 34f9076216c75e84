/**
 * Hashes (T_HASH) with Redis t_hash.c write semantics, binary safe, with
 * field TTLs (Redis 7.4+ hash field expiration).
 *
 * Two representations, told apart by the structure's first byte:
 * - packed (hash_packed.ts): one sorted block while the hash has at most 128
 *   fields and every field and value is at most 64 bytes (Redis's
 *   hash-max-listpack-entries / hash-max-listpack-value defaults);
 * - table (hash_table.ts): a dict of field entries, once either limit is
 *   passed. Never converted back, as Redis.
 * Empty hashes never exist: a write that removes the last field deletes the key.
 *
 * Field TTLs are stored, never applied: a primary sends HDEL when a field
 * expires, and Redis's own replica treats passed fields as present for its
 * master's writes (t_hash.c hashTypeGetValue: CLIENT_MASTER -> GETF_OK;
 * expire.c checkAlreadyExpired is false on a replica). Readers hide passed
 * fields themselves.
 *
 * Ownership: the keyspace entry owns the structure (its u32 payload, see
 * collection.ts); the structure owns everything below it. Writes that move
 * the structure repoint the entry (collSetPtr). (ptr, len) arguments belong
 * to the caller. Every write allocates before it mutates: ST_STORE_FULL
 * leaves the fields unchanged (a packed hash may have become a table holding
 * the same fields).
 */
import { ST_HASH_NOT_INTEGER, ST_NOT_INTEGER, ST_OK, ST_OVERFLOW, ST_STORE_FULL, ST_WRONGTYPE, T_HASH } from "./abi";
import { hashBytes, intTextLen, parsedInt, parseStrictInt, writeIntText } from "./bytes";
import { collCreate, collLookup, collPtr, collRemoveKey, collSetPtr, collType } from "./collection";
import { dictAddHashed, dictBeforeWrite, dictExpand, dictFind, dictFindHashed, dictRemoveFound, dictReserve } from "./dict";
import { outF64, outFinish, outItem, outReset } from "./io";
import { alloc, free } from "./memory";
import { checkFail, CK_HASH } from "./check_core";
import {
  HASH_PACKED, packedCheck, packedClone, packedCount, packedEnd, packedFind, packedFirst, packedFree, packedInsert,
  packedInsertAt, packedNew, packedRemove, packedReplace, packedSetExpire, recExpire, recFieldLen, recFieldPtr,
  recHasTtl, recSize, recSizeFor, recValueLen, recValuePtr,
} from "./hash_packed";
import {
  feExpire, feFieldLen, feFieldPtr, feFree, feReplace, feSetExpire, feSizeFor, feValueLen, feValuePtr, feWrite,
  HASH_TABLE, tableCheck, tableClone, tableCount, tableDict, tableFree, tableLinkBuilding, tableNew, tableSorted,
} from "./hash_table";

/** Redis hash-max-listpack-entries default: more fields make a table. */
// @ts-ignore: decorator
@inline const MAX_PACKED_FIELDS: u32 = 128;
/** Redis hash-max-listpack-value default: a longer field or value makes a table. */
// @ts-ignore: decorator
@inline const MAX_PACKED_LEN: u32 = 64;
// @ts-ignore: decorator
@inline const NO_TTL: i64 = -1;

/** hashSetField flags: keep an existing field's TTL (HSETEX KEEPTTL, HINCRBY). */
export const HSET_KEEPTTL: u32 = 1;
/** hashSetField flags: only when the field is absent (HSETNX). */
export const HSET_NX: u32 = 2;

/** HPEXPIREAT conditions (host HFE_*). */
export const HFE_NX: u32 = 1;
export const HFE_XX: u32 = 2;
export const HFE_GT: u32 = 3;
export const HFE_LT: u32 = 4;

/** hashSetFieldExpire results (non-negative, so they never read as ST_* statuses). */
export const HEXP_NO_FIELD: i32 = 0;
export const HEXP_NOT_MET: i32 = 1;
export const HEXP_SET: i32 = 2;
export const HEXP_DELETED: i32 = 3;

/** hashPersistField results. */
export const HPERSIST_NO_FIELD: i32 = 0;
export const HPERSIST_NO_TTL: i32 = 1;
export const HPERSIST_DONE: i32 = 2;

/** The structure after the last write (it may have moved or changed representation). */
let cur: usize = 0;

// @ts-ignore: decorator
@inline function isPacked(h: usize): bool {
  return load<u8>(h) == HASH_PACKED;
}

// ---------------------------------------------------------------- reads

/** Number of fields (passed TTLs included: the primary deletes those). */
export function hashLength(h: usize): u32 {
  return isPacked(h) ? packedCount(h) : tableCount(h);
}

/** Value and TTL of the field the last hashLookup found. */
export let foundValuePtr: usize = 0;
export let foundValueLen: u32 = 0;
export let foundExpire: i64 = NO_TTL;

/** Looks a field up without moving anything; fills foundValuePtr/Len and foundExpire. */
export function hashLookup(h: usize, fp: usize, fl: u32): bool {
  if (isPacked(h)) {
    const r = packedFind(h, fp, fl);
    if (r == 0) return false;
    foundValuePtr = recValuePtr(r);
    foundValueLen = recValueLen(r);
    foundExpire = recExpire(r);
    return true;
  }
  const e = dictFind(tableDict(h), fp, fl);
  if (e == 0) return false;
  foundValuePtr = feValuePtr(e);
  foundValueLen = feValueLen(e);
  foundExpire = feExpire(e);
  return true;
}

/**
 * Writes every field in byte order to the output buffer, as items
 * field, value, each pair followed by an f64 TTL (absolute unix ms, -1 none):
 * [u32 len][field][u32 len][value][f64]. Status (ST_STORE_FULL: incomplete).
 */
export function hashWriteEntries(h: usize): i32 {
  outReset();
  if (isPacked(h)) {
    for (let r = packedFirst(h), end = packedEnd(h); r < end; r += recSize(r)) {
      outItem(recFieldPtr(r), recFieldLen(r));
      outItem(recValuePtr(r), recValueLen(r));
      outF64(f64(recExpire(r)));
    }
    return outFinish();
  }
  const n = tableCount(h);
  const arr = tableSorted(h);
  if (arr == 0) return n == 0 ? outFinish() : ST_STORE_FULL;
  for (let i: u32 = 0; i < n; i++) {
    const e = usize(load<u32>(arr + (i << 2)));
    outItem(feFieldPtr(e), feFieldLen(e));
    outItem(feValuePtr(e), feValueLen(e));
    outF64(f64(feExpire(e)));
  }
  free(arr, n << 2);
  return outFinish();
}

// ---------------------------------------------------------------- structure-level writes

/** Moves a packed hash's fields into a new table; the table or 0 when memory is full (h untouched). */
function convertToTable(h: usize): usize {
  const t = tableNew();
  if (t == 0) return 0;
  for (let r = packedFirst(h), end = packedEnd(h); r < end; r += recSize(r)) {
    const fl = recFieldLen(r);
    const vl = recValueLen(r);
    const expire = recExpire(r);
    const e = alloc(feSizeFor(fl, vl, expire >= 0));
    if (e == 0) {
      tableFree(t);
      return 0;
    }
    feWrite(e, recFieldPtr(r), fl, recValuePtr(r), vl, expire);
    tableLinkBuilding(t, e);
  }
  packedFree(h);
  return t;
}

/**
 * Adds a field known to be absent from table h (`hv`: its hash): 1, or
 * ST_STORE_FULL. A resize this starts proceeds incrementally with later
 * writes, as Redis's: finishing it here would stall one HSET (or a load)
 * for as long as moving every field takes.
 */
function tableAdd(h: usize, fp: usize, fl: u32, vp: usize, vl: u32, hv: u32): i32 {
  if (!dictReserve(tableDict(h))) return ST_STORE_FULL;
  const e = alloc(feSizeFor(fl, vl, false));
  if (e == 0) return ST_STORE_FULL;
  feWrite(e, fp, fl, vp, vl, NO_TTL);
  dictAddHashed(tableDict(h), e, hv);
  return 1;
}

/**
 * Sets a field in structure h (Redis hashTypeSet): 1 added, 0 updated (or,
 * with HSET_NX, present and left alone), or ST_STORE_FULL. An update drops
 * the field's TTL unless HSET_KEEPTTL. Leaves the structure in `cur`.
 */
function hashPut(h: usize, fp: usize, fl: u32, vp: usize, vl: u32, flags: u32): i32 {
  cur = h;
  if (isPacked(h)) {
    const r = packedFind(h, fp, fl);
    if (r != 0 && (flags & HSET_NX) != 0) return 0;
    const fits = fl <= MAX_PACKED_LEN && vl <= MAX_PACKED_LEN && (r != 0 || packedCount(h) < MAX_PACKED_FIELDS);
    if (fits) {
      if (r == 0) {
        const n = packedInsert(h, packedInsertAt, fp, fl, vp, vl, NO_TTL);
        if (n == 0) return ST_STORE_FULL;
        cur = n;
        return 1;
      }
      const expire = (flags & HSET_KEEPTTL) != 0 ? recExpire(r) : NO_TTL;
      const n = packedReplace(h, r, vp, vl, expire);
      if (n == 0) return ST_STORE_FULL;
      cur = n;
      return 0;
    }
    const t = convertToTable(h);
    if (t == 0) return ST_STORE_FULL;
    cur = h = t;
  }
  return tablePut(h, fp, fl, vp, vl, flags, u32(hashBytes(fp, fl)));
}

/** hashPut on table h, the field's hash `hv` already computed. */
function tablePut(h: usize, fp: usize, fl: u32, vp: usize, vl: u32, flags: u32, hv: u32): i32 {
  const d = tableDict(h);
  dictBeforeWrite(d);
  const e = dictFindHashed(d, fp, fl, hv);
  if (e == 0) return tableAdd(h, fp, fl, vp, vl, hv);
  if ((flags & HSET_NX) != 0) return 0;
  const expire = (flags & HSET_KEEPTTL) != 0 ? feExpire(e) : NO_TTL;
  return feReplace(e, vp, vl, expire) < 0 ? ST_STORE_FULL : 0;
}

/** Removes a field from structure h: 1 removed, 0 absent. Leaves the structure in `cur`. */
function hashRemove(h: usize, fp: usize, fl: u32): i32 {
  cur = h;
  if (isPacked(h)) {
    const r = packedFind(h, fp, fl);
    if (r == 0) return 0;
    cur = packedRemove(h, r);
    return 1;
  }
  const d = tableDict(h);
  dictBeforeWrite(d);
  const e = dictFind(d, fp, fl);
  if (e == 0) return 0;
  dictRemoveFound(d, e);
  feFree(e);
  return 1;
}

/** A new one-field hash structure, or 0 when memory is full. */
function hashNewWith(fp: usize, fl: u32, vp: usize, vl: u32): usize {
  if (fl <= MAX_PACKED_LEN && vl <= MAX_PACKED_LEN) {
    const h = packedNew(recSizeFor(fl, vl, false));
    if (h == 0) return 0;
    return packedInsert(h, packedFirst(h), fp, fl, vp, vl, NO_TTL); // fits: no move, no failure
  }
  const t = tableNew();
  if (t == 0) return 0;
  if (tableAdd(t, fp, fl, vp, vl, u32(hashBytes(fp, fl))) < 0) {
    tableFree(t);
    return 0;
  }
  return t;
}

// ---------------------------------------------------------------- loading (bulk.ts)

/**
 * Loader path: sets a field (with its TTL, -1 none) in hash structure h,
 * creating the structure when h is 0 (a table presized for `sizeHint`
 * fields when that passes the packed limit). With `hashed`, `hv` is the
 * field's hash (computed ahead by the caller, who touched its bucket). A field already there takes the new
 * value and TTL. Returns the structure (moved, converted or new), or 0 when
 * memory is full (h keeps its fields then, possibly as a table).
 */
export function hashLoadPut(
  h: usize, fp: usize, fl: u32, vp: usize, vl: u32, expire: i64, sizeHint: u32, hv: u32, hashed: bool,
): usize {
  if (h != 0 && hashed && !isPacked(h)) {
    cur = h;
    if (tablePut(h, fp, fl, vp, vl, 0, hv) < 0) return 0;
  } else if (h == 0 && sizeHint > MAX_PACKED_FIELDS) {
    // as Redis's loader: a hash the snapshot says is big starts as a table sized for all of it
    h = tableNew();
    if (h == 0) return 0;
    dictExpand(tableDict(h), sizeHint);
    if (tableAdd(h, fp, fl, vp, vl, u32(hashBytes(fp, fl))) < 0) {
      tableFree(h);
      return 0;
    }
    cur = h;
  } else if (h == 0) {
    h = hashNewWith(fp, fl, vp, vl);
    if (h == 0) return 0;
    cur = h;
  } else if (hashPut(h, fp, fl, vp, vl, 0) < 0) {
    return 0;
  }
  if (expire < 0) return cur;
  h = cur;
  if (isPacked(h)) {
    const n = packedSetExpire(h, packedFind(h, fp, fl), expire);
    return n == 0 ? 0 : n;
  }
  return feSetExpire(dictFind(tableDict(h), fp, fl), expire) < 0 ? 0 : h;
}

/** The field table of hash structure h (bulk loads touch it ahead); 0 while packed. */
export function hashLoadDict(h: usize): usize {
  return isPacked(h) ? 0 : tableDict(h);
}

// ---------------------------------------------------------------- key-level writes

/**
 * HSET / HSETNX (HSET_NX) / HSETEX KEEPTTL (HSET_KEEPTTL) of one field of
 * key (kp, kl), creating the hash: 1 added, 0 updated or not set,
 * ST_WRONGTYPE, ST_STORE_FULL.
 */
export function hashSetField(db: u32, kp: usize, kl: u32, fp: usize, fl: u32, vp: usize, vl: u32, flags: u32): i32 {
  const e = collLookup(db, kp, kl);
  if (e == 0) {
    const h = hashNewWith(fp, fl, vp, vl);
    if (h == 0) return ST_STORE_FULL;
    const r = collCreate(db, kp, kl, T_HASH, h);
    if (r < 0) {
      hashFree(h);
      return r;
    }
    return 1;
  }
  if (collType(e) != T_HASH) return ST_WRONGTYPE;
  const h = collPtr(e);
  const r = hashPut(h, fp, fl, vp, vl, flags);
  if (cur != h) collSetPtr(e, cur);
  return r;
}

/** HDEL of one field: 1 removed, 0 absent, ST_WRONGTYPE. The key goes with its last field. */
export function hashDeleteField(db: u32, kp: usize, kl: u32, fp: usize, fl: u32): i32 {
  const e = collLookup(db, kp, kl);
  if (e == 0) return 0;
  if (collType(e) != T_HASH) return ST_WRONGTYPE;
  const h = collPtr(e);
  const r = hashRemove(h, fp, fl);
  if (cur != h) collSetPtr(e, cur);
  if (r == 1 && hashLength(cur) == 0) collRemoveKey(db, kp, kl);
  return r;
}

/** The decimal text the last successful hashIncrByField stored. */
export const incrText: usize = memory.data(24);
export let incrTextLen: u32 = 0;

/**
 * HINCRBY: delta is decimal text parsed like Redis string2ll (ST_NOT_INTEGER
 * otherwise); the stored value must be a strict integer
 * (ST_HASH_NOT_INTEGER); overflow is ST_OVERFLOW. Keeps the field's TTL
 * (HASH_SET_KEEP_TTL in hincrbyCommand). ST_OK with the new text at incrText.
 */
export function hashIncrByField(db: u32, kp: usize, kl: u32, fp: usize, fl: u32, dp: usize, dl: u32): i32 {
  if (!parseStrictInt(dp, dl)) return ST_NOT_INTEGER;
  const delta = parsedInt;
  const e = collLookup(db, kp, kl);
  let value: i64 = 0;
  if (e != 0) {
    if (collType(e) != T_HASH) return ST_WRONGTYPE;
    if (hashLookup(collPtr(e), fp, fl)) {
      if (!parseStrictInt(foundValuePtr, foundValueLen)) return ST_HASH_NOT_INTEGER;
      value = parsedInt;
    }
  }
  if ((delta < 0 && value < 0 && delta < i64.MIN_VALUE - value) ||
      (delta > 0 && value > 0 && delta > i64.MAX_VALUE - value)) {
    return ST_OVERFLOW;
  }
  value += delta;
  const n = intTextLen(value);
  writeIntText(incrText, value);
  const r = hashSetField(db, kp, kl, fp, fl, incrText, n, HSET_KEEPTTL);
  if (r < 0) return r;
  incrTextLen = n;
  return ST_OK;
}

/** Redis's NX/XX/GT/LT rules for a field TTL; a field without one counts as infinite. */
function expireConditionHolds(prev: i64, at: i64, cond: u32): bool {
  if (prev < 0) return cond != HFE_XX && cond != HFE_GT; // NX and LT pass, as "no TTL" is infinite
  if (cond == HFE_NX) return false;
  if (cond == HFE_GT) return at > prev;
  if (cond == HFE_LT) return at < prev;
  return true;
}

/**
 * HPEXPIREAT of one field (Redis hashTypeSetEx): HEXP_NO_FIELD (or no key),
 * HEXP_NOT_MET (condition), HEXP_SET, HEXP_DELETED; or ST_WRONGTYPE /
 * ST_STORE_FULL. `now` >= 0 deletes the field when at <= now, as a primary
 * does; a replica passes -1 (Redis's checkAlreadyExpired is false there: the
 * passed TTL is stored and the primary's HDEL follows).
 */
export function hashSetFieldExpire(db: u32, kp: usize, kl: u32, fp: usize, fl: u32, at: i64, cond: u32, now: i64): i32 {
  const e = collLookup(db, kp, kl);
  if (e == 0) return HEXP_NO_FIELD;
  if (collType(e) != T_HASH) return ST_WRONGTYPE;
  const h = collPtr(e);
  if (isPacked(h)) {
    const r = packedFind(h, fp, fl);
    if (r == 0) return HEXP_NO_FIELD;
    if (!expireConditionHolds(recExpire(r), at, cond)) return HEXP_NOT_MET;
    if (now >= 0 && at <= now) return deleteExpired(db, kp, kl, e, h, fp, fl);
    const n = packedSetExpire(h, r, at);
    if (n == 0) return ST_STORE_FULL;
    if (n != h) collSetPtr(e, n);
    return HEXP_SET;
  }
  const d = tableDict(h);
  dictBeforeWrite(d);
  const fe = dictFind(d, fp, fl);
  if (fe == 0) return HEXP_NO_FIELD;
  if (!expireConditionHolds(feExpire(fe), at, cond)) return HEXP_NOT_MET;
  if (now >= 0 && at <= now) return deleteExpired(db, kp, kl, e, h, fp, fl);
  return feSetExpire(fe, at) < 0 ? ST_STORE_FULL : HEXP_SET;
}

function deleteExpired(db: u32, kp: usize, kl: u32, e: usize, h: usize, fp: usize, fl: u32): i32 {
  hashRemove(h, fp, fl);
  if (cur != h) collSetPtr(e, cur);
  if (hashLength(cur) == 0) collRemoveKey(db, kp, kl);
  return HEXP_DELETED;
}

/**
 * HPERSIST of one field: HPERSIST_NO_FIELD (or no key), HPERSIST_NO_TTL,
 * HPERSIST_DONE; or ST_WRONGTYPE / ST_STORE_FULL. A passed TTL is removed
 * too (Redis answers "no field" there but its primary never counts such a
 * field as persisted, and HDEL follows for it).
 */
export function hashPersistField(db: u32, kp: usize, kl: u32, fp: usize, fl: u32): i32 {
  const e = collLookup(db, kp, kl);
  if (e == 0) return HPERSIST_NO_FIELD;
  if (collType(e) != T_HASH) return ST_WRONGTYPE;
  const h = collPtr(e);
  if (isPacked(h)) {
    const r = packedFind(h, fp, fl);
    if (r == 0) return HPERSIST_NO_FIELD;
    if (!recHasTtl(r)) return HPERSIST_NO_TTL;
    const n = packedSetExpire(h, r, NO_TTL);
    if (n == 0) return ST_STORE_FULL;
    if (n != h) collSetPtr(e, n);
    return HPERSIST_DONE;
  }
  const d = tableDict(h);
  dictBeforeWrite(d);
  const fe = dictFind(d, fp, fl);
  if (fe == 0) return HPERSIST_NO_FIELD;
  if (feExpire(fe) < 0) return HPERSIST_NO_TTL;
  return feSetExpire(fe, NO_TTL) < 0 ? ST_STORE_FULL : HPERSIST_DONE;
}

// ---------------------------------------------------------------- payload hooks

/** Frees structure h and everything it owns. */
export function hashFree(h: usize): void {
  if (isPacked(h)) packedFree(h);
  else tableFree(h);
}

/** Deep copy of structure h; 0 when memory is full (nothing leaked). */
export function hashClone(h: usize): usize {
  return isPacked(h) ? packedClone(h) : tableClone(h);
}

// ---------------------------------------------------------------- consistency check (tests)

/** Records every block of hash structure h and checks its invariants (check_core.ts). */
export function hashCheck(h: usize): void {
  if (isPacked(h)) {
    if (!packedCheck(h, MAX_PACKED_FIELDS, MAX_PACKED_LEN)) checkFail(CK_HASH, h);
  } else if (load<u8>(h) == HASH_TABLE) {
    tableCheck(h);
  } else {
    checkFail(CK_HASH, h);
  }
}
