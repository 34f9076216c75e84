/**
 * THE boundary of the store module: every export, nothing else.
 * Conventions (see abi.ts): flat args, (ptr, len) pairs into host-owned
 * scratch, i32 results with negative ST_* statuses, times as f64 unix ms
 * (-1 = no TTL), extra results in the result area.
 */
import { ST_BAD_DB, ST_OK, ST_STORE_FULL, T_OTHER } from "./abi";
import { setHashSeed } from "./bytes";
import { NO_EXPIRE } from "./entry";
import { ioScratch, outFinish, reportEntry, reportNumber, reportValue, result } from "./io";
import {
  dbDict, ksCopy, ksDbCount, ksDbSize, ksDel, ksEnsureDb, ksFind, ksFindWrite, ksFlushDb, ksMove,
  ksRehash, ksRename, ksSetTtl, ksSwapDb,
} from "./keyspace";
import { memInit, memLive, memSetLimit, memSize } from "./memory";
import { ksScan } from "./scan";
import { lastValueLen, lastValuePtr, strAppend, strIncrBy, strSet, strSetRange, writeInline } from "./string";

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

// ---------------------------------------------------------------- sets (set.ts)

// ---------------------------------------------------------------- sorted sets (zset.ts)

// ---------------------------------------------------------------- hashes (hash.ts)
