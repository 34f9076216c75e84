/**
 * Databases of keys: db index -> dict of entries (entry.ts).
 *
 * Ownership: the keyspace owns the db header array (`dbs`, DICT_BYTES per db)
 * and every entry linked into a db. Key/value pointers passed in belong to
 * the caller and are only read during the call.
 *
 * Expiry is stored, never applied here: callers decide (a replica keeps
 * logically expired keys until the primary deletes them, as Redis does for
 * writes coming from its master).
 *
 * Every mutation allocates what it needs first and returns ST_STORE_FULL with
 * nothing changed when that fails.
 */
import { ST_NO_KEY, ST_STORE_FULL } from "./abi";
import {
  dictAdd, dictBeforeWrite, dictClear, dictCount, dictFind, dictInit, dictRehash,
  dictRemoveFound, dictReplaceFound, dictReserve, DICT_BYTES,
} from "./dict";
import {
  entryAfterKey, entryHasTtl, entryPayload, entrySize, entryType, freeEntry, freeShell, headSize,
  isInlineType, payloadSize, TAG_TTL, writeHead,
} from "./entry";
import { payloadClone } from "./payload";
import { alloc, capacityOf, free, shrinkSmall, SMALL_MAX } from "./memory";
import { bytesEqual, copyBytes } from "./bytes";

let dbs: usize = 0;
let dbCount: u32 = 0;

// ---------------------------------------------------------------- databases

export function ksDbCount(): u32 {
  return dbCount;
}

/** Grows the db array to at least n dbs. False when memory is full. */
export function ksEnsureDb(n: u32): bool {
  if (n <= dbCount) return true;
  const bytes = n * DICT_BYTES;
  const p = alloc(bytes);
  if (p == 0) return false;
  if (dbs != 0) {
    copyBytes(p, dbs, dbCount * DICT_BYTES);
    free(dbs, dbCount * DICT_BYTES);
  }
  for (let i = dbCount; i < n; i++) dictInit(p + i * DICT_BYTES);
  dbs = p;
  dbCount = n;
  return true;
}

// @ts-ignore: decorator
@inline export function dbDict(db: u32): usize {
  return dbs + db * DICT_BYTES;
}

/** The db header array (DICT_BYTES per db), for a consistency check. */
export function ksDbArray(): usize {
  return dbs;
}

export function ksDbSize(db: u32): u32 {
  return dictCount(dbDict(db));
}

export function ksFlushDb(db: u32): void {
  dictClear(dbDict(db), freeEntry);
}

export function ksSwapDb(a: u32, b: u32): void {
  if (a == b) return;
  const pa = dbDict(a);
  const pb = dbDict(b);
  for (let i: u32 = 0; i < DICT_BYTES; i += 4) {
    const t = load<u32>(pa + i);
    store<u32>(pa + i, load<u32>(pb + i));
    store<u32>(pb + i, t);
  }
}

/** Advances pending rehashes by up to n buckets per db; true while any remains. */
export function ksRehash(n: u32): bool {
  let pending = false;
  for (let i: u32 = 0; i < dbCount; i++) {
    if (dictRehash(dbDict(i), n)) pending = true;
  }
  return pending;
}

// ---------------------------------------------------------------- lookups

/** Read lookup: never moves anything. */
// @ts-ignore: decorator
@inline export function ksFind(db: u32, kp: usize, kl: u32): usize {
  return dictFind(dbDict(db), kp, kl);
}

/** Write lookup: advances a pending rehash first; leaves foundLink set. */
export function ksFindWrite(d: usize, kp: usize, kl: u32): usize {
  dictBeforeWrite(d);
  return dictFind(d, kp, kl);
}

/**
 * Whether an entry allocated with oldSize can hold newSize bytes in place:
 * same small class, or a large block at least half used.
 */
export function fitsInPlace(e: usize, oldSize: u32, newSize: u32): bool {
  if (oldSize <= SMALL_MAX) return newSize <= SMALL_MAX && ((oldSize + 7) >> 3) == ((newSize + 7) >> 3);
  const cap = capacityOf(e, oldSize);
  return newSize > SMALL_MAX && newSize <= cap && newSize >= cap >> 1;
}

// ---------------------------------------------------------------- key operations

export function ksDel(db: u32, kp: usize, kl: u32): i32 {
  const d = dbDict(db);
  const e = ksFindWrite(d, kp, kl);
  if (e == 0) return 0;
  dictRemoveFound(d, e);
  freeEntry(e);
  return 1;
}

/**
 * Sets (expire >= 0) or removes (expire < 0) the TTL of an existing key.
 * Returns 1, 0 when the key is absent (or persist found no TTL), or STORE_FULL.
 */
export function ksSetTtl(db: u32, kp: usize, kl: u32, expire: i64): i32 {
  const d = dbDict(db);
  const e = ksFindWrite(d, kp, kl);
  if (e == 0) return 0;
  const had = entryHasTtl(e);
  const want = expire >= 0;
  if (had && want) {
    store<i64>(entryAfterKey(e), expire);
    return 1;
  }
  if (!had && !want) return 0;
  const oldSize = entrySize(e);
  const newSize = want ? oldSize + 8 : oldSize - 8;
  const at = entryAfterKey(e);
  const pl = payloadSize(e);
  if (fitsInPlace(e, oldSize, newSize) || (!want && oldSize <= SMALL_MAX)) {
    if (want) {
      copyBytes(at + 8, at, pl);
      store<i64>(at, expire);
    } else {
      copyBytes(at, at + 8, pl);
    }
    store<u8>(e + 4, want ? load<u8>(e + 4) | TAG_TTL : load<u8>(e + 4) & ~TAG_TTL);
    // only a small block may give its tail back: a large one keeps its capacity
    if (!want && oldSize <= SMALL_MAX) shrinkSmall(e, oldSize, newSize);
    return 1;
  }
  const n = alloc(newSize);
  if (n == 0) return ST_STORE_FULL;
  const headLen = u32(at - e);
  copyBytes(n, e, headLen);
  if (want) {
    store<i64>(n + headLen, expire);
    copyBytes(n + headLen + 8, at, pl);
    store<u8>(n + 4, load<u8>(e + 4) | TAG_TTL);
  } else {
    copyBytes(n + headLen, at + 8, pl);
    store<u8>(n + 4, load<u8>(e + 4) & ~TAG_TTL);
  }
  dictReplaceFound(e, n);
  freeShell(e);
  return 1;
}

/**
 * A copy of entry e under key (kp, kl): same tag, TTL and payload. With
 * `deep` a collection's structure is cloned too (COPY); without, the new
 * entry takes over e's structure (RENAME: e is then freed as a shell).
 * 0 when memory is full.
 */
function cloneWithKey(e: usize, kp: usize, kl: u32, deep: bool): usize {
  const ttl = entryHasTtl(e);
  const tail = entryAfterKey(e);
  const tailLen = (ttl ? 8 : 0) + payloadSize(e);
  const n = alloc(headSize(kl, false) + tailLen);
  if (n == 0) return 0;
  const p = writeHead(n, entryType(e), kp, kl, -1);
  store<u8>(n + 4, load<u8>(e + 4));
  copyBytes(p, tail, tailLen);
  const type = entryType(e);
  if (deep && !isInlineType(type)) {
    const at = entryPayload(n);
    const copy = payloadClone(type, load<u32>(at));
    if (copy == 0) {
      free(n, entrySize(n));
      return 0;
    }
    store<u32>(at, copy);
  }
  return n;
}

/** RENAME / RENAMENX: 1 renamed, 0 blocked by NX, ST_NO_KEY, ST_STORE_FULL. */
export function ksRename(db: u32, sp: usize, sl: u32, dp: usize, dl: u32, nx: bool): i32 {
  const d = dbDict(db);
  const e = ksFindWrite(d, sp, sl);
  if (e == 0) return ST_NO_KEY;
  if (sl == dl && bytesEqual(sp, dp, sl)) return nx ? 0 : 1;
  const old = dictFind(d, dp, dl);
  if (old != 0 && nx) return 0;
  const n = cloneWithKey(e, dp, dl, false);
  if (n == 0) return ST_STORE_FULL;
  if (old != 0) {
    dictFind(d, dp, dl);
    dictRemoveFound(d, old);
    freeEntry(old);
  }
  dictFind(d, sp, sl);
  dictRemoveFound(d, e);
  freeShell(e); // the payload now belongs to n
  dictAdd(d, n);
  return 1;
}

/** COPY: 1 copied, 0 when the source is absent or the target exists without REPLACE. */
export function ksCopy(db: u32, sp: usize, sl: u32, dstDb: u32, dp: usize, dl: u32, replace: bool): i32 {
  const dd = dbDict(dstDb);
  dictBeforeWrite(dd);
  const e = ksFind(db, sp, sl);
  if (e == 0) return 0;
  const old = dictFind(dd, dp, dl);
  if (old != 0 && !replace) return 0;
  if (old == 0 && !dictReserve(dd)) return ST_STORE_FULL;
  const n = cloneWithKey(e, dp, dl, true);
  if (n == 0) return ST_STORE_FULL;
  if (old != 0) {
    dictFind(dd, dp, dl);
    dictRemoveFound(dd, old);
    freeEntry(old);
  }
  dictAdd(dd, n);
  return 1;
}

/** MOVE: 1 moved, 0 when absent here or present in the target db. The entry is relinked, not copied. */
export function ksMove(db: u32, kp: usize, kl: u32, dstDb: u32): i32 {
  if (db == dstDb) return 0;
  const d = dbDict(db);
  const dd = dbDict(dstDb);
  dictBeforeWrite(dd);
  if (ksFindWrite(d, kp, kl) == 0) return 0;
  if (dictFind(dd, kp, kl) != 0) return 0;
  if (!dictReserve(dd)) return ST_STORE_FULL;
  const e = dictFind(d, kp, kl);
  dictRemoveFound(d, e);
  dictAdd(dd, e);
  return 1;
}

/**
 * Stores a fresh entry n for key (kp, kl) in d, replacing `old` (the entry
 * the last ksFindWrite returned, or 0).
 */
export function ksInstall(d: usize, old: usize, n: usize): void {
  if (old != 0) {
    dictReplaceFound(old, n);
    freeEntry(old);
  } else {
    dictAdd(d, n);
  }
}
