/**
 * Bulk loading (an RDB snapshot, a RESTORE payload): many writes per call
 * from records the host packs into the record buffer (loadBuffer, apart
 * from scratch), and a collection builder that looks its key up once
 * instead of once per element.
 *
 * Builder: loadBegin names the key (db, bytes, type, TTL); loadItems
 * appends elements to a structure the builder owns and no key points at
 * yet; loadEnd installs the key with its TTL, replacing whatever the key
 * held. Until loadEnd the key is not in the keyspace, so a load that fails
 * half way (bad input, memory full) leaves nothing half-built visible:
 * loadAbort (or the next loadBegin) frees the structure. A key that is
 * already in the db is refused (ST_DUPLICATE_KEY): a snapshot never names a
 * key twice, and Redis refuses such a file.
 *
 * Records (little-endian, unaligned, back to back):
 *   list, set   [u32 len][bytes]
 *   zset        [u32 len][member][f64 score]
 *   hash        [u32 len][field][u32 len][value][f64 field TTL, -1 none]
 *   strings     [u32 len][key][u32 len][value][f64 expire, -1 none]
 *
 * Ownership: this module owns the record buffer (the host writes into it
 * between calls), the builder's key copy and, until loadEnd hands it to the
 * keyspace entry, the structure under construction. Records are only read.
 */
import { R_NUMBER, ST_BAD_DB, ST_DUPLICATE_KEY, ST_OK, ST_STORE_FULL, T_HASH, T_LIST, T_SET, T_STRING, T_ZSET } from "./abi";
import { hashBytes, writeVarint, copyBytes } from "./bytes";
import { dictAddHashed, dictBeforeWrite, dictFind, dictFindHashed, dictReserve, dictTouch } from "./dict";
import { headSize, inlineEntrySize, NO_EXPIRE, writeHead } from "./entry";
import { hashCheck, hashLoadDict, hashLoadPut } from "./hash";
import { dbDict, ksDbCount, ksFindWrite, ksInstall } from "./keyspace";
import { listCheck, listLoadDone, listLoadPush } from "./list";
import { alloc, free } from "./memory";
import { payloadFree } from "./payload";
import { setCheck, setLoadAdd, setLoadDict } from "./set";
import { zsetCheck, zsetLoadAdd, zsetLoadDict } from "./zset";
import { checkBlock } from "./check_core";
import { result } from "./io";

/** Type of the collection being built (T_LIST..T_HASH), 0 when no builder is open. */
let bType: u8 = 0;
let bDb: u32 = 0;
/** The builder's copy of the key (alloc(bKeyLen)). */
let bKey: usize = 0;
let bKeyLen: u32 = 0;
let bExpire: i64 = NO_EXPIRE;
/** Elements the snapshot says the collection has (0: unknown): big collections start big. */
let bHint: u32 = 0;
/** The structure under construction, 0 until the first element. */
let bPtr: usize = 0;

// @ts-ignore: decorator
@inline function toExpire(ms: f64): i64 {
  return ms < 0 ? NO_EXPIRE : i64(ms);
}

/** The host's record buffer (loadBuffer): apart from scratch, so other calls never clobber pending records. */
let lbPtr: usize = 0;
let lbCap: u32 = 0;

/**
 * The record buffer, of at least `size` bytes (contents not preserved when
 * it grows); 0 when memory is full. The host packs records there and passes
 * their address to loadItems / loadStrings.
 */
export function loadBuffer(size: u32): usize {
  if (size <= lbCap && lbPtr != 0) return lbPtr;
  let cap: u32 = lbCap < 65536 ? 65536 : lbCap;
  while (cap < size) cap = cap >= 0x80000000 ? size : cap << 1;
  const p = alloc(cap);
  if (p == 0) return 0;
  if (lbPtr != 0) free(lbPtr, lbCap);
  lbPtr = p;
  lbCap = cap;
  return p;
}

/** Frees what an unfinished builder holds; no builder is open afterwards. */
export function loadAbort(): void {
  if (bType == 0) return;
  if (bPtr != 0) payloadFree(bType, bPtr);
  free(bKey, bKeyLen);
  bType = 0;
  bPtr = 0;
  bKey = 0;
}

/**
 * Opens a builder for key (kp, kl) of db, of collection type `type`, whose
 * TTL (unix ms, < 0 none) is set when it is installed. `sizeHint` is the
 * element count the snapshot states (0 unknown): a set, zset or hash
 * bigger than the packed limits starts as a table sized for it, as Redis
 * loads (a wrong hint only costs memory or a rehash). An unfinished builder
 * is dropped first. ST_OK, ST_BAD_DB or ST_STORE_FULL.
 */
export function loadBegin(db: u32, kp: usize, kl: u32, type: u8, expireMs: f64, sizeHint: u32): i32 {
  loadAbort();
  if (db >= ksDbCount()) return ST_BAD_DB;
  if (type < T_LIST || type > T_HASH) return ST_BAD_DB;
  if (dictFind(dbDict(db), kp, kl) != 0) return ST_DUPLICATE_KEY;
  const k = alloc(kl);
  if (k == 0) return ST_STORE_FULL;
  copyBytes(k, kp, kl);
  bType = type;
  bDb = db;
  bKey = k;
  bKeyLen = kl;
  bExpire = toExpire(expireMs);
  bHint = sizeHint;
  bPtr = 0;
  return ST_OK;
}

/**
 * Appends n element records at ip (layout by the builder's type) to the
 * open builder. ST_OK, or ST_STORE_FULL: the elements before the failing
 * one are in (the builder stays open; the host normally aborts).
 *
 * Once the structure has a member table, records go by groups: the group's
 * members are hashed and their buckets touched first (dictTouch), then
 * added with those hashes.
 */
export function loadItems(ip: usize, n: u32): i32 {
  const type = bType;
  if (type == 0) return ST_BAD_DB;
  let p = bPtr;
  let q = ip;
  let d: usize = 0;
  for (let i: u32 = 0; i < n; i++) {
    const g = i & (TOUCH_GROUP - 1);
    if (g == 0 && type != T_LIST) {
      d = memberDict(type, p);
      if (d != 0) touchItems(type, d, q, n - i < TOUCH_GROUP ? n - i : TOUCH_GROUP);
    }
    const hv = d != 0 ? load<u32>(touched + (usize(g) << 2)) : 0;
    const l = load<u32>(q);
    const vp = q + 4;
    let next: usize;
    if (type == T_LIST) {
      next = listLoadPush(p, vp, l);
      q = vp + l;
    } else if (type == T_SET) {
      next = setLoadAdd(p, vp, l, bHint, hv, d != 0);
      q = vp + l;
    } else if (type == T_ZSET) {
      next = zsetLoadAdd(p, vp, l, load<f64>(vp + l), bHint, hv, d != 0);
      q = vp + l + 8;
    } else {
      const fl = l;
      const vl = load<u32>(vp + fl);
      const valueAt = vp + fl + 4;
      next = hashLoadPut(p, vp, fl, valueAt, vl, toExpire(load<f64>(valueAt + vl)), bHint, hv, d != 0);
      q = valueAt + vl + 8;
    }
    if (next == 0) {
      bPtr = p;
      return ST_STORE_FULL;
    }
    p = next;
  }
  bPtr = p;
  return ST_OK;
}

/** The member table of a set, zset or hash structure (0 while packed or not built yet). */
function memberDict(type: u8, p: usize): usize {
  if (p == 0) return 0;
  if (type == T_SET) return setLoadDict(p);
  if (type == T_ZSET) return zsetLoadDict(p);
  return hashLoadDict(p);
}

/** Hashes the members (fields) of the next n (<= TOUCH_GROUP) element records at q and warms their buckets in d. */
function touchItems(type: u8, d: usize, q: usize, n: u32): void {
  let sink = touchSink;
  for (let i: u32 = 0; i < n; i++) {
    const l = load<u32>(q);
    const h = u32(hashBytes(q + 4, l));
    store<u32>(touched + (usize(i) << 2), h);
    sink ^= dictTouch(d, h);
    q += 4 + usize(l);
    if (type == T_ZSET) q += 8;
    else if (type == T_HASH) q += 4 + usize(load<u32>(q)) + 8;
  }
  touchSink = sink;
}

/**
 * Installs the built collection as the builder's key (replacing what the
 * key held) with its TTL, and closes the builder. 1 installed, 0 nothing
 * was built (no element: no key, as Redis never keeps an empty
 * collection), ST_STORE_FULL (the builder is dropped, the keyspace
 * unchanged), ST_BAD_DB when no builder is open.
 */
export function loadEnd(): i32 {
  if (bType == 0) return ST_BAD_DB;
  if (bPtr == 0) {
    loadAbort();
    return 0;
  }
  if (bType == T_LIST) listLoadDone(bPtr);
  const d = dbDict(bDb);
  const old = ksFindWrite(d, bKey, bKeyLen);
  if (old == 0 && !dictReserve(d)) {
    loadAbort();
    return ST_STORE_FULL;
  }
  const e = alloc(headSize(bKeyLen, bExpire >= 0) + 4);
  if (e == 0) {
    loadAbort();
    return ST_STORE_FULL;
  }
  store<u32>(writeHead(e, bType, bKey, bKeyLen, bExpire), u32(bPtr));
  ksInstall(d, old, e); // the foundLink of ksFindWrite still stands: nothing above looked a key up
  bPtr = 0; // the entry owns it now
  loadAbort();
  return 1;
}

/**
 * Adds n string records at ip as new keys. Returns n, ST_STORE_FULL, or
 * ST_DUPLICATE_KEY with the failing record's index at R_NUMBER (a key
 * already in the db: a snapshot never names a key twice). The records
 * before the failing one are written. Each key is hashed once.
 */
export function loadStrings(db: u32, ip: usize, n: u32): i32 {
  if (db >= ksDbCount()) return ST_BAD_DB;
  const d = dbDict(db);
  let q = ip;
  for (let i: u32 = 0; i < n; i++) {
    if ((i & (TOUCH_GROUP - 1)) == 0) touchStrings(d, q, n - i < TOUCH_GROUP ? n - i : TOUCH_GROUP);
    const kl = load<u32>(q);
    const kp = q + 4;
    const vl = load<u32>(kp + kl);
    const vp = kp + kl + 4;
    const expire = toExpire(load<f64>(vp + vl));
    q = vp + vl + 8;
    dictBeforeWrite(d);
    const h = load<u32>(touched + (usize(i & (TOUCH_GROUP - 1)) << 2));
    if (dictFindHashed(d, kp, kl, h) != 0) {
      store<f64>(result + R_NUMBER, f64(i));
      return ST_DUPLICATE_KEY;
    }
    if (!dictReserve(d)) return ST_STORE_FULL;
    const e = alloc(inlineEntrySize(kl, expire >= 0, vl));
    if (e == 0) return ST_STORE_FULL;
    copyBytes(writeVarint(writeHead(e, T_STRING, kp, kl, expire), vl), vp, vl);
    dictAddHashed(d, e, h);
  }
  return i32(n);
}

/** Records whose keys are hashed and touched ahead of their lookups (dictTouch). */
// @ts-ignore: decorator
@inline const TOUCH_GROUP: u32 = 16;
/** The hashes of the group being written. */
const touched: usize = memory.data(4 * TOUCH_GROUP);
/** Sink of the touches' values (keeps the reads from being optimized away). */
let touchSink: u32 = 0;

/** Hashes the keys of the next n (<= TOUCH_GROUP) string records at q and warms their buckets. */
function touchStrings(d: usize, q: usize, n: u32): void {
  let sink = touchSink;
  for (let i: u32 = 0; i < n; i++) {
    const kl = load<u32>(q);
    const h = u32(hashBytes(q + 4, kl));
    store<u32>(touched + (usize(i) << 2), h);
    sink ^= dictTouch(d, h);
    q += 4 + usize(kl);
    q += 4 + usize(load<u32>(q)) + 8;
  }
  touchSink = sink;
}

/** Records the blocks this module owns (check_core.ts): the record buffer, an open builder's key copy and structure. */
export function loadCheck(): void {
  if (lbPtr != 0) checkBlock(lbPtr, lbCap);
  if (bType == 0) return;
  checkBlock(bKey, bKeyLen);
  if (bPtr == 0) return;
  switch (bType) {
    case T_LIST: listCheck(bPtr); break;
    case T_SET: setCheck(bPtr); break;
    case T_ZSET: zsetCheck(bPtr); break;
    case T_HASH: hashCheck(bPtr); break;
  }
}
