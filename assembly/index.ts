/**
 * THE boundary of the store module: every export, nothing else.
 * Conventions (see abi.ts): flat args, (ptr, len) pairs into host-owned
 * scratch, i32 results with negative ST_* statuses, times as f64 unix ms
 * (-1 = no TTL), extra results in the result area.
 */
import { ST_BAD_DB, ST_OK, ST_STORE_FULL, T_OTHER } from "./abi";
import { setHashSeed } from "./bytes";
import { NO_EXPIRE } from "./entry";
import { ioScratch, outFinish, reportEntry, reportNumber, reportOut, reportValue, result } from "./io";
import {
  dbDict, ksCopy, ksDbCount, ksDbSize, ksDel, ksEnsureDb, ksFind, ksFindWrite, ksFlushDb, ksMove,
  ksRehash, ksRename, ksSetTtl, ksSwapDb,
} from "./keyspace";
import {
  listIndex as lIndex, listInsert as lInsert, listMove as lMove, listPop as lPop, listPopMany as lPopMany,
  listPush as lPush, listRange as lRange, listRemove as lRemove, listSet as lSet, listTrim as lTrim,
} from "./list";
import {
  foundExpire, foundValueLen, foundValuePtr, hashDeleteField, hashIncrByField, hashLength, hashLookup,
  hashPersistField, hashSetField, hashSetFieldExpire, hashWriteEntries, incrText, incrTextLen,
} from "./hash";
import { memInit, memLive, memSetLimit, memSize } from "./memory";
import { dictExpand } from "./dict";
import { ksScan } from "./scan";
import {
  setAddItems, setAddOne, setCardOf, setEncodingOf, setHasMember, setMoveMember, setRemoveItems, setRemoveOne,
  setWriteMembers,
} from "./set";
import { lastValueLen, lastValuePtr, strAppend, strIncrBy, strSet, strSetRange, writeInline } from "./string";
import {
  zsetAdd as zAdd, zsetCountInRange, zsetFoundScore, zsetLastScore, zsetLength, zsetPop as zPop,
  zsetRangeByRank, zsetRangeInRange, zsetRankOf, zsetRemove as zRemove, zsetRemoveInRange, zsetRemoveRangeByRank,
  zsetScoreOf,
} from "./zset";
import { setLexRange, setScoreRange, zsetEncoding } from "./zset_common";
import { R_COUNT, R_NUMBER } from "./abi";
import { storeCheck, storeCheckAt } from "./check";
import { loadAbort as bAbort, loadBuffer as bBuffer, loadBegin as bBegin, loadEnd as bEnd, loadItems as bItems, loadStrings as bStrings } from "./bulk";
import { crc64Update } from "./crc64";
import { hashAfter as oHashAfter, keysAfterIn, setAfter as oSetAfter, zsetAfter as oZsetAfter } from "./order";
import { orderCacheBytes } from "./order_cache";
import {
  hashRandom as sHashRandom, randomKeyIn, sampleSeed, setRandom as sSetRandom, zsetRandom as sZsetRandom,
} from "./sample";
import { hashScanStep, setScanStep, zsetScanStep } from "./coll_scan";
import { outReset } from "./io";
import { setLoadDict } from "./set";
import { hashLoadDict } from "./hash";
import { zsetLoadDict } from "./zset";

// @ts-ignore: decorator
@inline function badDb(db: u32): bool {
  return db >= ksDbCount();
}

// @ts-ignore: decorator
@inline function toExpire(ms: f64): i64 {
  return ms < 0 ? NO_EXPIRE : i64(ms);
}

// ---------------------------------------------------------------- lifecycle

/** Must be called once, first. maxPages caps memory in 64 KiB pages (0 = 4 GiB). */
export function init(seedLo: u32, seedHi: u32, databases: u32, maxPages: u32): i32 {
  memInit();
  memSetLimit(maxPages);
  setHashSeed((u64(seedHi) << 32) | u64(seedLo));
  return ksEnsureDb(databases < 1 ? 1 : databases) ? ST_OK : ST_STORE_FULL;
}

export function scratch(size: u32): usize {
  return ioScratch(size);
}

export function resultPtr(): usize {
  return result;
}

export function ensureDb(n: u32): i32 {
  return ksEnsureDb(n) ? ST_OK : ST_STORE_FULL;
}

export function dbCount(): u32 {
  return ksDbCount();
}

/** Bytes allocated by the store (entries, tables, buffers). */
export function usedBytes(): f64 {
  return f64(memLive());
}

export function heapBytes(): f64 {
  return f64(memSize());
}

/** Advances pending rehashes by n buckets per db; 1 while work remains. */
export function rehash(n: u32): i32 {
  return ksRehash(n) ? 1 : 0;
}

// ---------------------------------------------------------------- reads

/** Type of the key (0 absent); fills type, expire and inline value in the result area. */
export function find(db: u32, kp: usize, kl: u32): i32 {
  if (badDb(db)) return reportEntry(0);
  return reportEntry(ksFind(db, kp, kl));
}

export function dbSize(db: u32): u32 {
  return badDb(db) ? 0 : ksDbSize(db);
}

/** One SCAN call: status; next cursor in R_NUMBER, keys in R_OUT_* ([u32 len][bytes]...). */
export function scan(db: u32, cursor: u32, count: u32): i32 {
  if (badDb(db)) return ST_BAD_DB;
  const next = ksScan(db, cursor, count);
  reportNumber(f64(next));
  return outFinish();
}

// ---------------------------------------------------------------- string writes

export function set(db: u32, kp: usize, kl: u32, vp: usize, vl: u32, flags: u32, expireMs: f64): i32 {
  if (badDb(db)) return ST_BAD_DB;
  return strSet(db, kp, kl, vp, vl, flags, toExpire(expireMs));
}

export function append(db: u32, kp: usize, kl: u32, vp: usize, vl: u32): i32 {
  if (badDb(db)) return ST_BAD_DB;
  return strAppend(db, kp, kl, vp, vl);
}

export function setRange(db: u32, kp: usize, kl: u32, offset: f64, vp: usize, vl: u32): i32 {
  if (badDb(db)) return ST_BAD_DB;
  return strSetRange(db, kp, kl, offset, vp, vl);
}

/** INCRBY/DECRBY; on success the stored decimal text is reported as the value. */
export function incrBy(db: u32, kp: usize, kl: u32, dp: usize, dl: u32, negate: i32): i32 {
  if (badDb(db)) return ST_BAD_DB;
  const r = strIncrBy(db, kp, kl, dp, dl, negate != 0);
  if (r >= 0) reportValue(lastValuePtr, lastValueLen);
  return r;
}

// ---------------------------------------------------------------- key writes

export function del(db: u32, kp: usize, kl: u32): i32 {
  if (badDb(db)) return ST_BAD_DB;
  return ksDel(db, kp, kl);
}

/** A key of a type the mirror does not project: keeps the type name and TTL. */
export function setPlaceholder(db: u32, kp: usize, kl: u32, np: usize, nl: u32, expireMs: f64): i32 {
  if (badDb(db)) return ST_BAD_DB;
  const d = dbDict(db);
  const old = ksFindWrite(d, kp, kl);
  return writeInline(d, old, T_OTHER, kp, kl, toExpire(expireMs), np, nl);
}

export function setExpire(db: u32, kp: usize, kl: u32, expireMs: f64): i32 {
  if (badDb(db)) return ST_BAD_DB;
  return ksSetTtl(db, kp, kl, expireMs < 0 ? 0 : i64(expireMs));
}

export function persist(db: u32, kp: usize, kl: u32): i32 {
  if (badDb(db)) return ST_BAD_DB;
  return ksSetTtl(db, kp, kl, NO_EXPIRE);
}

export function rename(db: u32, sp: usize, sl: u32, dp: usize, dl: u32, nx: i32): i32 {
  if (badDb(db)) return ST_BAD_DB;
  return ksRename(db, sp, sl, dp, dl, nx != 0);
}

export function copy(db: u32, sp: usize, sl: u32, dstDb: u32, dp: usize, dl: u32, replace: i32): i32 {
  if (badDb(db) || badDb(dstDb)) return ST_BAD_DB;
  return ksCopy(db, sp, sl, dstDb, dp, dl, replace != 0);
}

export function move(db: u32, kp: usize, kl: u32, dstDb: u32): i32 {
  if (badDb(db) || badDb(dstDb)) return ST_BAD_DB;
  return ksMove(db, kp, kl, dstDb);
}

export function flushDb(db: u32): i32 {
  if (badDb(db)) return ST_BAD_DB;
  ksFlushDb(db);
  return ST_OK;
}

export function flushAll(): void {
  for (let i: u32 = 0; i < ksDbCount(); i++) ksFlushDb(i);
}

export function swapDb(a: u32, b: u32): i32 {
  if (badDb(a) || badDb(b)) return ST_BAD_DB;
  ksSwapDb(a, b);
  return ST_OK;
}

// ---------------------------------------------------------------- lists (list.ts)

/** LPUSH/RPUSH (tail != 0) of one value; LPUSHX/RPUSHX with onlyIfExists: new length, 0 when absent. */
export function listPush(db: u32, kp: usize, kl: u32, vp: usize, vl: u32, tail: i32, onlyIfExists: i32): i32 {
  if (badDb(db)) return ST_BAD_DB;
  return lPush(db, kp, kl, vp, vl, tail != 0, onlyIfExists != 0);
}

/** LPOP/RPOP of one value: 1 with the value as the output buffer's only item, 0 when absent. */
export function listPop(db: u32, kp: usize, kl: u32, tail: i32): i32 {
  if (badDb(db)) return ST_BAD_DB;
  return lPop(db, kp, kl, tail != 0);
}

/** LPOP/RPOP with a count, values discarded: how many were removed. */
export function listPopMany(db: u32, kp: usize, kl: u32, tail: i32, count: f64): i32 {
  if (badDb(db)) return ST_BAD_DB;
  return lPopMany(db, kp, kl, tail != 0, count);
}

/** LSET: ST_OK, ST_NO_KEY, ST_INDEX_OUT_OF_RANGE, ST_WRONGTYPE, ST_STORE_FULL. */
export function listSet(db: u32, kp: usize, kl: u32, index: f64, vp: usize, vl: u32): i32 {
  if (badDb(db)) return ST_BAD_DB;
  return lSet(db, kp, kl, index, vp, vl);
}

/** LINSERT: new length (>= 2), 1 when the pivot is missing, 0 when the key is absent. */
export function listInsert(
  db: u32, kp: usize, kl: u32, before: i32, pp: usize, pl: u32, vp: usize, vl: u32,
): i32 {
  if (badDb(db)) return ST_BAD_DB;
  return lInsert(db, kp, kl, before != 0, pp, pl, vp, vl);
}

/** LREM: how many were removed. */
export function listRemove(db: u32, kp: usize, kl: u32, count: f64, vp: usize, vl: u32): i32 {
  if (badDb(db)) return ST_BAD_DB;
  return lRemove(db, kp, kl, count, vp, vl);
}

/** LTRIM: ST_OK. */
export function listTrim(db: u32, kp: usize, kl: u32, start: f64, stop: f64): i32 {
  if (badDb(db)) return ST_BAD_DB;
  return lTrim(db, kp, kl, start, stop);
}

/** LMOVE: 1 moved (value in the output buffer), 0 when the source is absent. */
export function listMove(db: u32, sp: usize, sl: u32, dp: usize, dl: u32, fromTail: i32, toTail: i32): i32 {
  if (badDb(db)) return ST_BAD_DB;
  return lMove(db, sp, sl, dp, dl, fromTail != 0, toTail != 0);
}

/** LINDEX on list structure p (from find): 1 with the value reported, 0 out of range. */
export function listIndex(p: usize, index: f64): i32 {
  return lIndex(p, index);
}

/** LRANGE on list structure p into the output buffer: status. */
export function listRange(p: usize, start: f64, stop: f64): i32 {
  return lRange(p, start, stop);
}

// ---------------------------------------------------------------- sets (set.ts)

/** SADD of one member: 1 added, 0 already a member. */
export function setAdd(db: u32, kp: usize, kl: u32, mp: usize, ml: u32): i32 {
  if (badDb(db)) return ST_BAD_DB;
  return setAddOne(db, kp, kl, mp, ml);
}

/** SADD of n members, items [u32 len][bytes] at ip: how many were added. */
export function setAddMany(db: u32, kp: usize, kl: u32, ip: usize, n: u32): i32 {
  if (badDb(db)) return ST_BAD_DB;
  return setAddItems(db, kp, kl, ip, n);
}

/** SREM of one member: 1 removed, 0 absent (an emptied set's key is deleted). */
export function setRemove(db: u32, kp: usize, kl: u32, mp: usize, ml: u32): i32 {
  if (badDb(db)) return ST_BAD_DB;
  return setRemoveOne(db, kp, kl, mp, ml);
}

/** SREM of n members, items [u32 len][bytes] at ip: how many were removed. */
export function setRemoveMany(db: u32, kp: usize, kl: u32, ip: usize, n: u32): i32 {
  if (badDb(db)) return ST_BAD_DB;
  return setRemoveItems(db, kp, kl, ip, n);
}

/** SMOVE src dst member: Redis's reply (1 / 0) or ST_WRONGTYPE (either key). */
export function setMove(db: u32, sp: usize, sl: u32, dp: usize, dl: u32, mp: usize, ml: u32): i32 {
  if (badDb(db)) return ST_BAD_DB;
  return setMoveMember(db, sp, sl, dp, dl, mp, ml);
}

/** SCARD of the set structure p (from find). */
export function setCard(p: usize): u32 {
  return setCardOf(p);
}

/** Encoding of the set structure p (from find): 1 listpack (packed), 2 hashtable. */
export function setEncoding(p: usize): u32 {
  return setEncodingOf(p);
}

/** SISMEMBER on the set structure p (from find): 1 or 0. */
export function setHas(p: usize, mp: usize, ml: u32): i32 {
  return setHasMember(p, mp, ml) ? 1 : 0;
}

/** Members of the set structure p in byte order, to the output buffer ([u32 len][bytes] items). */
export function setMembers(p: usize): i32 {
  return setWriteMembers(p);
}

// ---------------------------------------------------------------- sorted sets (zset.ts)

// @ts-ignore: decorator
@inline function toIndex(x: f64): i64 {
  // the host passes safe integers; clamping keeps any other value harmless
  return x < -4.6e18 ? -4611686018427387904 : x > 4.6e18 ? 4611686018427387904 : i64(x);
}

/**
 * ZADD / ZINCRBY of one member with ZADD_* flags; sizeHint / lenHint as
 * Redis's zsetTypeCreate (0 when unknown). Result ZADD_NOOP / ADDED /
 * UPDATED or a status; the member's resulting score in R_NUMBER (NaN when a
 * flag stopped it).
 */
export function zsetAdd(
  db: u32, kp: usize, kl: u32, mp: usize, ml: u32, score: f64, flags: u32, sizeHint: u32, lenHint: u32,
): i32 {
  if (badDb(db)) return ST_BAD_DB;
  const r = zAdd(db, kp, kl, mp, ml, score, flags, sizeHint, lenHint);
  reportNumber(zsetLastScore);
  return r;
}

/** ZREM of one member: 1 removed, 0 absent (the key goes when the zset empties). */
export function zsetRem(db: u32, kp: usize, kl: u32, mp: usize, ml: u32): i32 {
  if (badDb(db)) return ST_BAD_DB;
  return zRemove(db, kp, kl, mp, ml);
}

/** ZREMRANGEBYRANK (Redis index rules): removed count. */
export function zsetRemRank(db: u32, kp: usize, kl: u32, start: f64, stop: f64): i32 {
  if (badDb(db)) return ST_BAD_DB;
  return zsetRemoveRangeByRank(db, kp, kl, toIndex(start), toIndex(stop));
}

/** Makes a score range current for the next *In call (min/max exclusive when minEx/maxEx != 0). */
export function zsetScoreRange(min: f64, minEx: i32, max: f64, maxEx: i32): void {
  setScoreRange(min, minEx != 0, max, maxEx != 0);
}

/**
 * Makes a lex range current for the next *In call. Kinds: 0 inclusive value,
 * 1 exclusive value, 2 `-`, 3 `+`. The values must stay in place (scratch)
 * until that call.
 */
export function zsetLexRange(minP: usize, minL: u32, minKind: u32, maxP: usize, maxL: u32, maxKind: u32): void {
  setLexRange(minP, minL, minKind, maxP, maxL, maxKind);
}

/** ZREMRANGEBYSCORE / ZREMRANGEBYLEX over the current range: removed count. */
export function zsetRemInRange(db: u32, kp: usize, kl: u32): i32 {
  if (badDb(db)) return ST_BAD_DB;
  return zsetRemoveInRange(db, kp, kl);
}

/** ZPOPMIN / ZPOPMAX (max != 0) of up to count members: removed count. */
export function zsetPop(db: u32, kp: usize, kl: u32, max: i32, count: f64): i32 {
  if (badDb(db)) return ST_BAD_DB;
  return zPop(db, kp, kl, max != 0, toIndex(count));
}

/** ZCARD of zset structure p (from find). */
export function zsetCard(p: usize): u32 {
  return zsetLength(p);
}

/** ZSCORE on structure p: 1 found (score in R_NUMBER), 0 absent. */
export function zsetScore(p: usize, mp: usize, ml: u32): i32 {
  if (!zsetScoreOf(p, mp, ml)) return 0;
  reportNumber(zsetFoundScore);
  return 1;
}

/** ZRANK on structure p: 1 found (0-based rank in R_COUNT, score in R_NUMBER), 0 absent. */
export function zsetRank(p: usize, mp: usize, ml: u32): i32 {
  const rank = zsetRankOf(p, mp, ml);
  if (rank < 0) return 0;
  store<u32>(result + R_COUNT, u32(rank));
  reportNumber(zsetFoundScore);
  return 1;
}

/** ZRANGE by rank on structure p into the output buffer ([u32 len][member][f64 score] items). Status. */
export function zsetRangeRank(p: usize, start: f64, stop: f64, reverse: i32): i32 {
  return zsetRangeByRank(p, toIndex(start), toIndex(stop), reverse != 0);
}

/** ZRANGE BYSCORE/BYLEX [REV] LIMIT offset count (count < 0: all) over the current range. Status. */
export function zsetRangeIn(p: usize, reverse: i32, offset: f64, count: f64): i32 {
  return zsetRangeInRange(p, reverse != 0, toIndex(offset), toIndex(count));
}

/** ZCOUNT / ZLEXCOUNT over the current range on structure p. */
export function zsetCountIn(p: usize): u32 {
  return zsetCountInRange(p);
}

/** Encoding of zset structure p: 1 packed (Redis's listpack), 2 skiplist. */
export function zsetEncodingOf(p: usize): u32 {
  return zsetEncoding(p);
}

// ---------------------------------------------------------------- hashes (hash.ts)

/**
 * HSET / HSETNX / HSETEX-KEEPTTL of one field (flags: 1 keep the field's TTL,
 * 2 only when absent): 1 added, 0 updated or not set, or a status.
 */
export function hashSet(db: u32, kp: usize, kl: u32, fp: usize, fl: u32, vp: usize, vl: u32, flags: u32): i32 {
  if (badDb(db)) return ST_BAD_DB;
  return hashSetField(db, kp, kl, fp, fl, vp, vl, flags);
}

/** HDEL of one field: 1 removed, 0 absent (the key goes with its last field). */
export function hashDel(db: u32, kp: usize, kl: u32, fp: usize, fl: u32): i32 {
  if (badDb(db)) return ST_BAD_DB;
  return hashDeleteField(db, kp, kl, fp, fl);
}

/** HINCRBY (delta as decimal text): ST_OK with the stored text as the value (R_VAL_PTR/LEN), or a status. */
export function hashIncrBy(db: u32, kp: usize, kl: u32, fp: usize, fl: u32, dp: usize, dl: u32): i32 {
  if (badDb(db)) return ST_BAD_DB;
  const r = hashIncrByField(db, kp, kl, fp, fl, dp, dl);
  if (r >= 0) reportValue(incrText, incrTextLen);
  return r;
}

/**
 * HPEXPIREAT of one field with condition (0 none, 1 NX, 2 XX, 3 GT, 4 LT):
 * 0 no field, 1 condition not met, 2 set, 3 deleted (only when nowMs >= 0
 * and expireMs <= nowMs; a replica passes -1), or a status.
 */
export function hashFieldExpire(db: u32, kp: usize, kl: u32, fp: usize, fl: u32, expireMs: f64, cond: u32, nowMs: f64): i32 {
  if (badDb(db)) return ST_BAD_DB;
  return hashSetFieldExpire(db, kp, kl, fp, fl, i64(expireMs), cond, nowMs < 0 ? -1 : i64(nowMs));
}

/** HPERSIST of one field: 0 no field, 1 no TTL, 2 TTL removed, or a status. */
export function hashFieldPersist(db: u32, kp: usize, kl: u32, fp: usize, fl: u32): i32 {
  if (badDb(db)) return ST_BAD_DB;
  return hashPersistField(db, kp, kl, fp, fl);
}

/** HLEN of the hash structure p (from find). */
export function hashLen(p: usize): u32 {
  return hashLength(p);
}

/** Representation of the hash structure p (from find): 1 packed, 2 table (OBJECT ENCODING's listpack / hashtable). */
export function hashKind(p: usize): u32 {
  return load<u8>(p);
}

/**
 * HGET on the hash structure p (from find): 1 found, 0 absent. The value is
 * reported in R_OUT_PTR/R_OUT_LEN and the field TTL (unix ms, -1 none) in
 * R_NUMBER, leaving R_VAL_PTR (the structure) and R_EXPIRE (the key's TTL)
 * of the find intact.
 */
export function hashGet(p: usize, fp: usize, fl: u32): i32 {
  if (!hashLookup(p, fp, fl)) return 0;
  reportOut(foundValuePtr, foundValueLen, 0);
  reportNumber(f64(foundExpire));
  return 1;
}

/**
 * Every field of the hash structure p in byte order to the output buffer:
 * [u32 len][field][u32 len][value][f64 TTL (-1 none)] per field (two items
 * counted per field). Status.
 */
export function hashEntries(p: usize): i32 {
  return hashWriteEntries(p);
}

// ---------------------------------------------------------------- bulk loading (bulk.ts)

/** The bulk-load record buffer, of at least `size` bytes (not preserved when it grows); 0 when memory is full. */
export function loadBuffer(size: u32): usize {
  return bBuffer(size);
}

/**
 * Opens a collection builder for key (kp, kl) of `type` (T_LIST..T_HASH)
 * whose TTL (unix ms, -1 none) is set at install, with the element count
 * the snapshot states (0 unknown); drops an unfinished one.
 * ST_OK, ST_BAD_DB, ST_STORE_FULL, ST_DUPLICATE_KEY (the key exists).
 */
export function loadBegin(db: u32, kp: usize, kl: u32, type: u32, expireMs: f64, sizeHint: u32): i32 {
  return bBegin(db, kp, kl, u8(type), expireMs, sizeHint);
}

/** Sizes db's table for `keys` keys ahead of a load (RESIZEDB); best effort. */
export function loadReserve(db: u32, keys: u32): i32 {
  if (badDb(db)) return ST_BAD_DB;
  dictExpand(dbDict(db), keys);
  return ST_OK;
}

/** Appends n element records at ip to the open builder (layouts in bulk.ts). ST_OK or ST_STORE_FULL. */
export function loadItems(ip: usize, n: u32): i32 {
  return bItems(ip, n);
}

/** Installs the built collection (replacing the key): 1, 0 when empty (no key), ST_STORE_FULL (dropped). */
export function loadEnd(): i32 {
  return bEnd();
}

/** Drops an unfinished builder and what it built (nothing of it was visible). */
export function loadAbort(): void {
  bAbort();
}

/**
 * Adds n new string keys from records [u32 len][key][u32 len][value][f64 expire] at ip: n, or
 * ST_STORE_FULL / ST_BAD_DB / ST_DUPLICATE_KEY (failing record's index at R_NUMBER).
 */
export function loadStrings(db: u32, ip: usize, n: u32): i32 {
  return bStrings(db, ip, n);
}

/**
 * CRC-64 (Redis's) of the n bytes at p, continuing from the CRC (lo, hi):
 * the new CRC as a raw u64 in the result area's R_NUMBER slot.
 */
export function crc64(lo: u32, hi: u32, p: usize, n: u32): void {
  store<u64>(result + R_NUMBER, crc64Update((u64(hi) << 32) | u64(lo), p, n));
}

// ---------------------------------------------------------------- testing

/**
 * Walks the whole store and checks every structure and the allocator
 * (check.ts): 0 when consistent, else a CK_* code (check_core.ts) with the
 * address concerned in R_NUMBER. Tests only: O(everything).
 */
export function debugCheck(): i32 {
  const r = storeCheck();
  reportNumber(f64(storeCheckAt));
  return r;
}

// ---------------------------------------------------------------- ordered access, sampling, scans
// (order.ts, sample.ts, coll_scan.ts). Structure pointers come from find();
// anchors are (ptr, len) in scratch (hasAnchor 0: from the first / last
// item); results go to the output buffer (R_OUT_*) in the layouts of
// order.ts, leaving the find's R_VAL_PTR / R_EXPIRE intact. Each returns a
// status (ST_STORE_FULL: the output could not grow).

/** Members of set structure p strictly after the anchor in byte order (before it when reverse). */
export function setAfter(p: usize, ap: usize, al: u32, hasAnchor: i32, reverse: i32, count: u32): i32 {
  return oSetAfter(p, setLoadDict(p), ap, al, hasAnchor != 0, reverse != 0, count);
}

/** Fields of hash structure h after the anchor: [len][field][len][value][f64 TTL] per field. */
export function hashAfter(h: usize, ap: usize, al: u32, hasAnchor: i32, reverse: i32, count: u32): i32 {
  return oHashAfter(h, hashLoadDict(h), ap, al, hasAnchor != 0, reverse != 0, count);
}

/** Members of zset structure z strictly after (score, member) in (score, member) order: [len][member][f64]. */
export function zsetAfter(z: usize, score: f64, ap: usize, al: u32, hasAnchor: i32, reverse: i32, count: u32): i32 {
  return oZsetAfter(z, score, ap, al, hasAnchor != 0, reverse != 0, count);
}

/** Keys of db strictly after the anchor in byte order (expired ones included). */
export function keysAfter(db: u32, ap: usize, al: u32, hasAnchor: i32, reverse: i32, count: u32): i32 {
  if (badDb(db)) return ST_BAD_DB;
  return keysAfterIn(dbDict(db), ap, al, hasAnchor != 0, reverse != 0, count);
}

/** SRANDMEMBER with a count (negative: may repeat) on set structure p. */
export function setRandom(p: usize, count: f64): i32 {
  return sSetRandom(p, setLoadDict(p), toIndex(count));
}

/** HRANDFIELD with a count on hash structure h (layout as hashAfter). */
export function hashRandom(h: usize, count: f64): i32 {
  return sHashRandom(h, hashLoadDict(h), toIndex(count));
}

/** ZRANDMEMBER with a count on zset structure z (layout as zsetAfter). */
export function zsetRandom(z: usize, count: f64): i32 {
  return sZsetRandom(z, toIndex(count));
}

/** RANDOMKEY: 1 with the key as the only output item, 0 when the db is empty, or a status. */
export function randomKey(db: u32): i32 {
  if (badDb(db)) return ST_BAD_DB;
  return randomKeyIn(dbDict(db));
}

/** Fixes the random picks' generator seed (tests; a store starts from its hash seed). */
export function randomSeed(lo: u32, hi: u32): void {
  sampleSeed((u64(hi) << 32) | u64(lo));
}

/** SSCAN step on set structure p: status; the next cursor in R_NUMBER. */
export function setScan(p: usize, cursor: u32, count: u32): i32 {
  outReset();
  reportNumber(f64(setScanStep(p, setLoadDict(p), cursor, count)));
  return outFinish();
}

/** HSCAN step on hash structure h (layout as hashAfter): status; the next cursor in R_NUMBER. */
export function hashScan(h: usize, cursor: u32, count: u32): i32 {
  outReset();
  reportNumber(f64(hashScanStep(h, hashLoadDict(h), cursor, count)));
  return outFinish();
}

/** ZSCAN step on zset structure z (layout as zsetAfter): status; the next cursor in R_NUMBER. */
export function zsetScan(z: usize, cursor: u32, count: u32): i32 {
  outReset();
  reportNumber(f64(zsetScanStep(z, zsetLoadDict(z), cursor, count)));
  return outFinish();
}

/** Bytes held by cached sorted indexes (order_cache.ts). */
export function orderIndexBytes(): f64 {
  return f64(orderCacheBytes());
}
