/**
 * String commands with Redis t_string.c semantics. Values are stored inline
 * in the key's entry ([varint len][bytes]); integers are stored as their
 * decimal text.
 *
 * Pointers passed in (keys, values, deltas) belong to the caller. Every
 * function allocates before it mutates: ST_STORE_FULL means nothing changed.
 * Writes replace keys of any type, like Redis (SET over a list).
 */
import {
  MAX_STRING, SET_KEEPTTL, SET_NX, SET_XX, ST_DECR_OVERFLOW, ST_NOT_INTEGER, ST_OUT_OF_RANGE,
  ST_OVERFLOW, ST_STORE_FULL, ST_TOO_LARGE, ST_WRONGTYPE, T_STRING,
} from "./abi";
import { intTextLen, parsedInt, parseStrictInt, varintSize, writeIntText, writeVarint, copyBytes } from "./bytes";
import { dictReserve } from "./dict";
import {
  entryExpire, entrySize, entryType, freeShell, inlineEntrySize, inlineLen, inlinePtr, isInlineType,
  NO_EXPIRE, writeHead,
} from "./entry";
import { dbDict, fitsInPlace, ksFindWrite, ksInstall } from "./keyspace";
import { alloc, SMALL_MAX } from "./memory";
import { dictReplaceFound } from "./dict";

/** Where the last write left its value (for the result area). */
export let lastValuePtr: usize = 0;
export let lastValueLen: u32 = 0;

/**
 * Stores an inline value (string or placeholder name) for a key, replacing
 * whatever the key held (`old`, from the ksFindWrite just done on d).
 * Reuses the old block when the size class allows.
 */
export function writeInline(d: usize, old: usize, type: u8, kp: usize, kl: u32, expire: i64, vp: usize, vl: u32): i32 {
  const size = inlineEntrySize(kl, expire >= 0, vl);
  let e = old;
  if (old != 0 && isInlineType(entryType(old)) && fitsInPlace(old, entrySize(old), size)) {
    // key bytes are identical: rewrite in place
  } else {
    if (old == 0 && !dictReserve(d)) return ST_STORE_FULL;
    e = alloc(size);
    if (e == 0) return ST_STORE_FULL;
  }
  const p = writeInlineLenAndHead(e, type, kp, kl, expire, vl);
  copyBytes(p, vp, vl);
  lastValuePtr = p;
  lastValueLen = vl;
  if (e != old) ksInstall(d, old, e);
  return 1;
}

function writeInlineLenAndHead(e: usize, type: u8, kp: usize, kl: u32, expire: i64, vl: u32): usize {
  return writeVarint(writeHead(e, type, kp, kl, expire), vl);
}

/** SET with NX / XX / KEEPTTL; expire < 0 means no TTL. Returns 1 set, 0 not set. */
export function strSet(db: u32, kp: usize, kl: u32, vp: usize, vl: u32, flags: u32, expire: i64): i32 {
  const d = dbDict(db);
  const old = ksFindWrite(d, kp, kl);
  if ((flags & SET_NX) != 0 && old != 0) return 0;
  if ((flags & SET_XX) != 0 && old == 0) return 0;
  if ((flags & SET_KEEPTTL) != 0 && old != 0 && expire < 0) expire = entryExpire(old);
  return writeInline(d, old, T_STRING, kp, kl, expire, vp, vl);
}

/**
 * Makes string entry e (found by the last ksFindWrite on d) hold newLen
 * bytes: old bytes kept, [oldLen, newLen) zeroed. Returns the (possibly new)
 * entry or 0 when memory is full (e untouched then).
 */
function growString(e: usize, newLen: u32): usize {
  const oldLen = inlineLen(e);
  const oldSize = entrySize(e);
  const lenAt = inlinePtr(e) - varintSize(oldLen);
  const headLen = u32(lenAt - e);
  const newSize = headLen + varintSize(newLen) + newLen;
  if (varintSize(newLen) == varintSize(oldLen) && fitsInPlace(e, oldSize, newSize)) {
    writeVarint(lenAt, newLen);
    memory.fill(lenAt + varintSize(newLen) + oldLen, 0, newLen - oldLen);
    return e;
  }
  // large values grow greedily (like sds): repeated APPENDs stay linear
  let want = newSize;
  if (newSize > SMALL_MAX) want += newSize < 1048576 ? newSize : 1048576;
  if (want < newSize) want = newSize;
  let n = alloc(want);
  if (n == 0 && want != newSize) n = alloc(newSize);
  if (n == 0) return 0;
  copyBytes(n, e, headLen);
  const p = writeVarint(n + headLen, newLen);
  copyBytes(p, inlinePtr(e), oldLen);
  memory.fill(p + oldLen, 0, newLen - oldLen);
  dictReplaceFound(e, n);
  freeShell(e);
  return n;
}

/** APPEND: new length, or ST_WRONGTYPE / ST_TOO_LARGE / ST_STORE_FULL. */
export function strAppend(db: u32, kp: usize, kl: u32, vp: usize, vl: u32): i32 {
  const d = dbDict(db);
  const e = ksFindWrite(d, kp, kl);
  if (e == 0) {
    const r = writeInline(d, 0, T_STRING, kp, kl, NO_EXPIRE, vp, vl);
    return r < 0 ? r : i32(vl);
  }
  if (entryType(e) != T_STRING) return ST_WRONGTYPE;
  const oldLen = inlineLen(e);
  if (u64(oldLen) + u64(vl) > MAX_STRING) return ST_TOO_LARGE;
  if (vl == 0) return i32(oldLen);
  const n = growString(e, oldLen + vl);
  if (n == 0) return ST_STORE_FULL;
  copyBytes(inlinePtr(n) + oldLen, vp, vl);
  return i32(oldLen + vl);
}

/** SETRANGE: new length, or ST_OUT_OF_RANGE / ST_WRONGTYPE / ST_TOO_LARGE / ST_STORE_FULL. */
export function strSetRange(db: u32, kp: usize, kl: u32, offset: f64, vp: usize, vl: u32): i32 {
  if (offset < 0) return ST_OUT_OF_RANGE;
  const d = dbDict(db);
  const e = ksFindWrite(d, kp, kl);
  if (e != 0 && entryType(e) != T_STRING) return ST_WRONGTYPE;
  const oldLen: u32 = e != 0 ? inlineLen(e) : 0;
  if (vl == 0) return i32(oldLen);
  if (offset + f64(vl) > f64(MAX_STRING)) return ST_TOO_LARGE;
  const off = u32(offset);
  const end = off + vl;
  let n = e;
  if (e == 0) {
    if (!dictReserve(d)) return ST_STORE_FULL;
    const size = inlineEntrySize(kl, false, end);
    n = alloc(size);
    if (n == 0) return ST_STORE_FULL;
    const p = writeInlineLenAndHead(n, T_STRING, kp, kl, NO_EXPIRE, end);
    memory.fill(p, 0, off);
    ksInstall(d, 0, n);
  } else if (end > oldLen) {
    n = growString(e, end);
    if (n == 0) return ST_STORE_FULL;
  }
  copyBytes(inlinePtr(n) + off, vp, vl);
  return i32(end > oldLen ? end : oldLen);
}

/** Scratch for the decimal text of INCR results. */
const intBuf: usize = memory.data(24);

/**
 * INCRBY / DECRBY (negate): delta is decimal text parsed like Redis string2ll.
 * Keeps the TTL. On success the new text is at lastValuePtr/lastValueLen.
 */
export function strIncrBy(db: u32, kp: usize, kl: u32, dp: usize, dl: u32, negate: bool): i32 {
  if (!parseStrictInt(dp, dl)) return ST_NOT_INTEGER;
  let delta = parsedInt;
  if (negate) {
    if (delta == i64.MIN_VALUE) return ST_DECR_OVERFLOW;
    delta = -delta;
  }
  const d = dbDict(db);
  const e = ksFindWrite(d, kp, kl);
  let value: i64 = 0;
  let expire = NO_EXPIRE;
  if (e != 0) {
    if (entryType(e) != T_STRING) return ST_WRONGTYPE;
    if (!parseStrictInt(inlinePtr(e), inlineLen(e))) return ST_NOT_INTEGER;
    value = parsedInt;
    expire = entryExpire(e);
  }
  if ((delta < 0 && value < 0 && delta < i64.MIN_VALUE - value) ||
      (delta > 0 && value > 0 && delta > i64.MAX_VALUE - value)) {
    return ST_OVERFLOW;
  }
  value += delta;
  const n = intTextLen(value);
  writeIntText(intBuf, value);
  const r = writeInline(d, e, T_STRING, kp, kl, expire, intBuf, n);
  return r < 0 ? r : 0;
}
