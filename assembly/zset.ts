/**
 * Sorted sets with Redis t_zset.c semantics, over two encodings chosen as
 * Redis chooses them: packed (zset_packed.ts, Redis's listpack) while a zset
 * has <= 128 members of <= 64 bytes, a skiplist + dict (skiplist.ts) beyond.
 * Conversion is one way (packed -> skiplist), as in Redis, which keeps a
 * skiplist even when it shrinks again. The encoding is observable in one
 * place only: a packed zset stores a zero score as +0 where a skiplist keeps
 * -0, exactly as Redis's listpack and skiplist do.
 *
 * Ownership: a zset structure belongs to its keyspace entry; this module
 * re-points the entry whenever the structure moves (packed growth, shrinking
 * or conversion). Key and member pointers passed in belong to the caller.
 * Every write allocates before it mutates: ST_STORE_FULL means nothing
 * changed (a conversion may have happened, which no read can tell).
 *
 * Scores are f64 from the host: nothing here parses or formats a double.
 */
import { ST_NAN, ST_STORE_FULL, ST_WRONGTYPE, T_ZSET } from "./abi";
import { collCreate, collLookup, collPtr, collRemoveKey, collSetPtr, collType } from "./collection";
import { hashBytes } from "./bytes";
import { dictAdd, dictAddHashed, dictBeforeWrite, dictExpand, dictFind, dictFindHashed, dictRemoveFound, dictReserve } from "./dict";
import { outF64, outFinish, outItem, outReset } from "./io";
import {
  slBuildAppend, slBuildBegin, slBuildEnd, slByRank, slCheck, slClone, slDeleteInRange, slDeleteRanks, slDict, slFind,
  slFirstInRange, slFoundRank, slFree, slFreeNode, slInMax, slInMin, slLastInRange, slLength, slLink, slMember,
  slMemberLen, slNew, slNewNode, slNext, slPrev, slRankOf, slRescore, slReserve, slScore, slUnlink,
} from "./skiplist";
import {
  pkAt, pkCheck, pkClone, pkCount, pkEnd, pkEntrySize, pkFind, pkFirst, pkFirstInRange, pkFree, pkIndex, pkInMax,
  pkInMin, pkInsert, pkLastInRange, pkLen, pkMember, pkNew, pkRemove, pkRescore, pkScore,
} from "./zset_packed";
import { ENC_PACKED, ENC_SKIPLIST, PACKED_MAX_ENTRIES, PACKED_MAX_VALUE, zsetEncoding } from "./zset_common";
import { checkFail, CK_ZSET } from "./check_core";

/** ZADD flags (src/_wasm/store.ts ZADD_*). */
export const ZADD_NX: u32 = 1;
export const ZADD_XX: u32 = 2;
export const ZADD_GT: u32 = 4;
export const ZADD_LT: u32 = 8;
export const ZADD_INCR: u32 = 16;
/** zsetAdd results. */
export const ZADD_NOOP: i32 = 0;
export const ZADD_ADDED: i32 = 1;
export const ZADD_UPDATED: i32 = 2;

/** The member's score after the last zsetAdd; NaN when a flag stopped it. */
export let zsetLastScore: f64 = NaN;
/** Score found by the last zsetScoreOf / zsetRankOf. */
export let zsetFoundScore: f64 = 0;

// @ts-ignore: decorator
@inline function isPacked(z: usize): bool {
  return zsetEncoding(z) == ENC_PACKED;
}

// ---------------------------------------------------------------- structure hooks

/** Frees structure z and everything it owns. */
export function zsetFree(z: usize): void {
  if (isPacked(z)) pkFree(z);
  else slFree(z);
}

/** Deep copy of structure z (same encoding); 0 when memory is full (nothing leaked). */
export function zsetClone(z: usize): usize {
  return isPacked(z) ? pkClone(z) : slClone(z);
}

/** ZCARD. */
export function zsetLength(z: usize): u32 {
  return isPacked(z) ? pkCount(z) : slLength(z);
}

/** The skiplist form of packed zset z (z untouched); 0 when memory is full. */
function toSkiplist(z: usize): usize {
  const h = slNew();
  if (h == 0) return 0;
  if (!slReserve(h)) {
    slFree(h);
    return 0;
  }
  slBuildBegin(h);
  const end = pkEnd(z);
  for (let e = pkFirst(z); e < end; e += pkEntrySize(e)) {
    const n = slNewNode(pkMember(e), pkLen(e), pkScore(e));
    if (n == 0) {
      slFree(h);
      return 0;
    }
    slBuildAppend(h, n);
  }
  slBuildEnd(h);
  return h;
}

/** Converts the packed zset of entry e to a skiplist; the new structure, or 0 (nothing changed). */
function convert(e: usize, z: usize): usize {
  const h = toSkiplist(z);
  if (h == 0) return 0;
  collSetPtr(e, h);
  pkFree(z);
  return h;
}

/** Links a fresh node into skiplist h (dict table reserved by the caller). */
function linkNew(h: usize, n: usize): void {
  slLink(h, n);
  dictAdd(slDict(h), n);
}

// ---------------------------------------------------------------- ZADD / ZINCRBY

/**
 * ZADD of one member (t_zset.c zsetAdd) with ZADD_* flags. sizeHint and
 * lenHint are Redis 7.2+'s zsetTypeCreate hints (ZADD: the number of pairs
 * and the first member's length): a key created with sizeHint > 128 or
 * lenHint > 64 starts as a skiplist, and an existing packed zset converts
 * when sizeHint > 128. Returns ZADD_NOOP / ZADD_ADDED / ZADD_UPDATED, or
 * ST_NAN (INCR reached NaN), ST_WRONGTYPE, ST_STORE_FULL.
 */
export function zsetAdd(
  db: u32, kp: usize, kl: u32, mp: usize, ml: u32, score: f64, flags: u32, sizeHint: u32, lenHint: u32,
): i32 {
  zsetLastScore = NaN;
  if (isNaN(score)) return ST_NAN;
  const e = collLookup(db, kp, kl);
  if (e == 0) {
    if ((flags & ZADD_XX) != 0) return ZADD_NOOP;
    return addToNewKey(db, kp, kl, mp, ml, score, sizeHint > PACKED_MAX_ENTRIES || lenHint > PACKED_MAX_VALUE);
  }
  if (collType(e) != T_ZSET) return ST_WRONGTYPE;
  let z = collPtr(e);
  if (isPacked(z) && sizeHint > PACKED_MAX_ENTRIES) {
    z = convert(e, z);
    if (z == 0) return ST_STORE_FULL;
  }
  return isPacked(z) ? addPacked(e, z, mp, ml, score, flags) : addSkiplist(z, mp, ml, score, flags);
}

/** A new zset structure holding one member (a skiplist when `big` or the member is long); 0 when memory is full. */
function newStructure(mp: usize, ml: u32, score: f64, big: bool): usize {
  if (big || ml > PACKED_MAX_VALUE) {
    const z = slNew();
    if (z == 0) return 0;
    const n = slNewNode(mp, ml, score);
    if (n == 0 || !slReserve(z)) {
      if (n != 0) slFreeNode(n);
      slFree(z);
      return 0;
    }
    linkNew(z, n);
    return z;
  }
  const empty = pkNew(9 + ml);
  if (empty == 0) return 0;
  return pkInsert(empty, score, mp, ml); // fits: no allocation
}

function addToNewKey(db: u32, kp: usize, kl: u32, mp: usize, ml: u32, score: f64, big: bool): i32 {
  const z = newStructure(mp, ml, score, big);
  if (z == 0) return ST_STORE_FULL;
  const r = collCreate(db, kp, kl, T_ZSET, z);
  if (r < 0) {
    zsetFree(z);
    return r;
  }
  zsetLastScore = isPacked(z) ? pkScore(pkFirst(z)) : score;
  return ZADD_ADDED;
}

/** Set by updatedScore when INCR produced NaN (an error, not a skipped update). */
let incrNan = false;

/**
 * The score an existing member (score cur) ends with under the flags, as
 * zsetAdd: NaN when NX, GT or LT stops the update or INCR reaches NaN.
 */
function updatedScore(cur: f64, score: f64, flags: u32): f64 {
  incrNan = false;
  if ((flags & ZADD_NX) != 0) return NaN;
  if ((flags & ZADD_INCR) != 0) {
    score += cur;
    if (isNaN(score)) {
      incrNan = true;
      return NaN;
    }
  }
  if (((flags & ZADD_LT) != 0 && score >= cur) || ((flags & ZADD_GT) != 0 && score <= cur)) return NaN;
  return score;
}

function addPacked(e: usize, z: usize, mp: usize, ml: u32, score: f64, flags: u32): i32 {
  const found = pkFind(z, mp, ml);
  if (found != 0) {
    const cur = pkScore(found);
    const next = updatedScore(cur, score, flags);
    if (isNaN(next)) return incrNan ? ST_NAN : ZADD_NOOP;
    if (next == cur) {
      zsetLastScore = cur;
      return ZADD_NOOP;
    }
    pkRescore(z, found, next);
    zsetLastScore = next == 0 ? 0 : next;
    return ZADD_UPDATED;
  }
  if ((flags & ZADD_XX) != 0) return ZADD_NOOP;
  if (pkCount(z) + 1 > PACKED_MAX_ENTRIES || ml > PACKED_MAX_VALUE) {
    // the node first: a failed conversion then leaves nothing behind
    const n = slNewNode(mp, ml, score);
    if (n == 0) return ST_STORE_FULL;
    const h = convert(e, z);
    if (h == 0) {
      slFreeNode(n);
      return ST_STORE_FULL;
    }
    linkNew(h, n);
    zsetLastScore = score;
    return ZADD_ADDED;
  }
  const moved = pkInsert(z, score, mp, ml);
  if (moved == 0) return ST_STORE_FULL;
  if (moved != z) collSetPtr(e, moved);
  zsetLastScore = score == 0 ? 0 : score;
  return ZADD_ADDED;
}

function addSkiplist(h: usize, mp: usize, ml: u32, score: f64, flags: u32): i32 {
  return addSkiplistHashed(h, mp, ml, score, flags, u32(hashBytes(mp, ml)));
}

/** addSkiplist with the member's hash `hv` already computed. */
function addSkiplistHashed(h: usize, mp: usize, ml: u32, score: f64, flags: u32, hv: u32): i32 {
  const d = slDict(h);
  dictBeforeWrite(d);
  const x = dictFindHashed(d, mp, ml, hv);
  if (x != 0) {
    const cur = slScore(x);
    const next = updatedScore(cur, score, flags);
    if (isNaN(next)) return incrNan ? ST_NAN : ZADD_NOOP;
    if (next == cur) {
      zsetLastScore = cur;
      return ZADD_NOOP;
    }
    slRescore(h, x, next);
    zsetLastScore = next;
    return ZADD_UPDATED;
  }
  if ((flags & ZADD_XX) != 0) return ZADD_NOOP;
  const n = slNewNode(mp, ml, score);
  if (n == 0) return ST_STORE_FULL;
  if (!dictReserve(d)) {
    slFreeNode(n);
    return ST_STORE_FULL;
  }
  slLink(h, n);
  dictAddHashed(d, n, hv);
  zsetLastScore = score;
  return ZADD_ADDED;
}

// ---------------------------------------------------------------- loading (bulk.ts)

/**
 * Loader path: adds (member, score) to zset structure z, creating it when z
 * is 0: packed while small, as ZADD, or a skiplist with a presized dict when
 * `sizeHint` (the member count the snapshot states) passes the packed limit.
 * With `hashed`, `hv` is the member's hash (computed ahead by the caller,
 * who touched its bucket). A member already there takes the new
 * score. Returns the structure (moved, converted or new), or 0 when memory
 * is full (z unchanged). The score must not be NaN (the decoder refuses it).
 */
export function zsetLoadAdd(z: usize, mp: usize, ml: u32, score: f64, sizeHint: u32, hv: u32, hashed: bool): usize {
  if (z != 0 && hashed && !isPacked(z)) return addSkiplistHashed(z, mp, ml, score, 0, hv) < 0 ? 0 : z;
  if (z == 0) {
    // as Redis's loader (zsetTypeCreate with the stated length): big from the start, its dict presized
    const big = sizeHint > PACKED_MAX_ENTRIES;
    const n = newStructure(mp, ml, score, big);
    if (n != 0 && big) dictExpand(slDict(n), sizeHint);
    return n;
  }
  if (!isPacked(z)) return addSkiplist(z, mp, ml, score, 0) < 0 ? 0 : z;
  const found = pkFind(z, mp, ml);
  if (found != 0) {
    if (pkScore(found) != score) pkRescore(z, found, score);
    return z;
  }
  if (pkCount(z) + 1 > PACKED_MAX_ENTRIES || ml > PACKED_MAX_VALUE) {
    const n = slNewNode(mp, ml, score);
    if (n == 0) return 0;
    const h = toSkiplist(z);
    if (h == 0) {
      slFreeNode(n);
      return 0;
    }
    pkFree(z);
    linkNew(h, n);
    return h;
  }
  return pkInsert(z, score, mp, ml);
}

/** The member dict of zset structure z (bulk loads touch it ahead); 0 while packed. */
export function zsetLoadDict(z: usize): usize {
  return isPacked(z) ? 0 : slDict(z);
}

// ---------------------------------------------------------------- removal

/**
 * Finishes a removal on entry e: re-points it when the structure moved and
 * deletes the key when the zset emptied (Redis never keeps an empty zset).
 */
function afterRemoval(db: u32, kp: usize, kl: u32, e: usize, z: usize, moved: usize): void {
  if (moved != z) collSetPtr(e, moved);
  if (zsetLength(moved) == 0) collRemoveKey(db, kp, kl);
}

/** Set by lookupZset when the key holds another type. */
let wrongType = false;

/** The entry of zset key (kp, kl) for a write; 0 when absent or of another type (then wrongType). */
function lookupZset(db: u32, kp: usize, kl: u32): usize {
  const e = collLookup(db, kp, kl);
  wrongType = e != 0 && collType(e) != T_ZSET;
  return wrongType ? 0 : e;
}

/** ZREM of one member: 1 removed, 0 absent. */
export function zsetRemove(db: u32, kp: usize, kl: u32, mp: usize, ml: u32): i32 {
  const e = lookupZset(db, kp, kl);
  if (e == 0) return wrongType ? ST_WRONGTYPE : 0;
  const z = collPtr(e);
  let moved = z;
  if (isPacked(z)) {
    const found = pkFind(z, mp, ml);
    if (found == 0) return 0;
    moved = pkRemove(z, found, found + pkEntrySize(found), 1);
  } else {
    const d = slDict(z);
    dictBeforeWrite(d);
    const x = dictFind(d, mp, ml);
    if (x == 0) return 0;
    slUnlink(z, x); // touches no dict: the dictFind above still stands
    dictRemoveFound(d, x);
    slFreeNode(x);
  }
  afterRemoval(db, kp, kl, e, z, moved);
  return 1;
}

/** The 0-based inclusive ranks the last sanitizeRanks kept. */
let rankStart: u32 = 0;
let rankEnd: u32 = 0;

/** Redis's index sanitizing (negative from the end, clamped); false when the range is empty. */
function sanitizeRanks(start: i64, end: i64, length: u32): bool {
  const llen = i64(length);
  if (start < 0) start += llen;
  if (end < 0) end += llen;
  if (start < 0) start = 0;
  if (start > end || start >= llen) return false;
  if (end >= llen) end = llen - 1;
  rankStart = u32(start);
  rankEnd = u32(end);
  return true;
}

/** Removes 0-based ranks [from, to] (valid, inclusive); returns the structure (moved when it shrank). */
function removeRanks(z: usize, from: u32, to: u32): usize {
  if (isPacked(z)) {
    pkIndex(z);
    return pkRemove(z, pkAt(from), pkAt(to + 1), to - from + 1);
  }
  dictBeforeWrite(slDict(z));
  slDeleteRanks(z, from + 1, to + 1);
  return z;
}

/** ZREMRANGEBYRANK: removed count. */
export function zsetRemoveRangeByRank(db: u32, kp: usize, kl: u32, start: i64, end: i64): i32 {
  const e = lookupZset(db, kp, kl);
  if (e == 0) return wrongType ? ST_WRONGTYPE : 0;
  const z = collPtr(e);
  if (!sanitizeRanks(start, end, zsetLength(z))) return 0;
  const moved = removeRanks(z, rankStart, rankEnd);
  afterRemoval(db, kp, kl, e, z, moved);
  return i32(rankEnd - rankStart + 1);
}

/** ZREMRANGEBYSCORE / ZREMRANGEBYLEX over the current range (zset_common.ts): removed count. */
export function zsetRemoveInRange(db: u32, kp: usize, kl: u32): i32 {
  const e = lookupZset(db, kp, kl);
  if (e == 0) return wrongType ? ST_WRONGTYPE : 0;
  const z = collPtr(e);
  let moved = z;
  let removed: u32 = 0;
  if (isPacked(z)) {
    const n = pkIndex(z);
    const first = pkFirstInRange(n);
    if (first < 0) return 0;
    let i = u32(first);
    while (i < n && pkInMax(i)) i++;
    removed = i - u32(first);
    moved = pkRemove(z, pkAt(u32(first)), pkAt(i), removed);
  } else {
    dictBeforeWrite(slDict(z));
    removed = slDeleteInRange(z);
  }
  if (removed != 0) afterRemoval(db, kp, kl, e, z, moved);
  return i32(removed);
}

/** ZPOPMIN / ZPOPMAX (max) of up to count members: removed count. */
export function zsetPop(db: u32, kp: usize, kl: u32, max: bool, count: i64): i32 {
  const e = lookupZset(db, kp, kl);
  if (e == 0) return wrongType ? ST_WRONGTYPE : 0;
  if (count <= 0) return 0;
  const z = collPtr(e);
  const length = zsetLength(z);
  const n = count > i64(length) ? length : u32(count);
  const moved = max ? removeRanks(z, length - n, length - 1) : removeRanks(z, 0, n - 1);
  afterRemoval(db, kp, kl, e, z, moved);
  return i32(n);
}

// ---------------------------------------------------------------- reads (structure pointer from find)

/** ZSCORE: whether member (mp, ml) is in z; its score in zsetFoundScore. */
export function zsetScoreOf(z: usize, mp: usize, ml: u32): bool {
  if (isPacked(z)) {
    const e = pkFind(z, mp, ml);
    if (e == 0) return false;
    zsetFoundScore = pkScore(e);
    return true;
  }
  const x = slFind(z, mp, ml);
  if (x == 0) return false;
  zsetFoundScore = slScore(x);
  return true;
}

/** ZRANK: 0-based rank of member (mp, ml), -1 when absent; its score in zsetFoundScore. */
export function zsetRankOf(z: usize, mp: usize, ml: u32): i64 {
  if (isPacked(z)) {
    const target = pkFind(z, mp, ml);
    if (target == 0) return -1;
    zsetFoundScore = pkScore(target);
    let rank: i64 = 0;
    for (let e = pkFirst(z); e != target; e += pkEntrySize(e)) rank++;
    return rank;
  }
  const x = slFind(z, mp, ml);
  if (x == 0) return -1;
  zsetFoundScore = slScore(x);
  return i64(slRankOf(z, x)) - 1;
}

function emitPacked(i: u32): void {
  const e = pkAt(i);
  outItem(pkMember(e), pkLen(e));
  outF64(pkScore(e));
}

function emitNode(x: usize): void {
  outItem(slMember(x), slMemberLen(x));
  outF64(slScore(x));
}

/**
 * ZRANGE by rank (Redis index rules; reverse counts from the highest) into
 * the output buffer as [u32 len][member][f64 score] items. Status of outFinish.
 */
export function zsetRangeByRank(z: usize, start: i64, end: i64, reverse: bool): i32 {
  outReset();
  const length = zsetLength(z);
  if (!sanitizeRanks(start, end, length)) return outFinish();
  let n = rankEnd - rankStart + 1;
  if (isPacked(z)) {
    pkIndex(z);
    for (let k = rankStart; k <= rankEnd; k++) emitPacked(reverse ? length - 1 - k : k);
    return outFinish();
  }
  let x = reverse ? slByRank(z, length - rankStart) : slByRank(z, rankStart + 1);
  while (n-- != 0 && x != 0) {
    emitNode(x);
    x = reverse ? slPrev(x) : slNext(x);
  }
  return outFinish();
}

/**
 * ZRANGE BYSCORE / BYLEX over the current range, ascending or reversed,
 * skipping `offset` and emitting at most `count` (< 0: all) — the LIMIT
 * semantics of genericZrangebyscoreCommand, with a negative offset giving
 * nothing (Redis 7.0 and 8.2+; 7.4-8.0 answered some from the far end on
 * skiplists, a bug since fixed). Output as zsetRangeByRank.
 */
export function zsetRangeInRange(z: usize, reverse: bool, offset: i64, count: i64): i32 {
  outReset();
  const length = zsetLength(z);
  if (offset < 0 || (offset > 0 && offset >= i64(length)) || count == 0) return outFinish();
  if (isPacked(z)) {
    const n = pkIndex(z);
    let i = i64(reverse ? pkLastInRange(n) : pkFirstInRange(n));
    if (i < 0) return outFinish();
    i = reverse ? i - offset : i + offset;
    while (i >= 0 && i < i64(n) && count-- != 0) {
      const k = u32(i);
      if (reverse ? !pkInMin(k) : !pkInMax(k)) break;
      emitPacked(k);
      i = reverse ? i - 1 : i + 1;
    }
    return outFinish();
  }
  let x = reverse ? slLastInRange(z) : slFirstInRange(z);
  if (x == 0) return outFinish();
  if (offset != 0) {
    const rank = reverse ? i64(slFoundRank) - offset : i64(slFoundRank) + offset;
    x = rank < 1 || rank > i64(length) ? 0 : slByRank(z, u32(rank));
  }
  while (x != 0 && count-- != 0) {
    if (reverse ? !slInMin(x) : !slInMax(x)) break;
    emitNode(x);
    x = reverse ? slPrev(x) : slNext(x);
  }
  return outFinish();
}

/** ZCOUNT / ZLEXCOUNT over the current range (as zcountCommand / zlexcountCommand). */
export function zsetCountInRange(z: usize): u32 {
  if (isPacked(z)) {
    const n = pkIndex(z);
    const first = pkFirstInRange(n);
    if (first < 0) return 0;
    let i = u32(first);
    while (i < n && pkInMax(i)) i++;
    return i - u32(first);
  }
  const length = slLength(z);
  if (slFirstInRange(z) == 0) return 0;
  let count = length - (slFoundRank - 1);
  if (slLastInRange(z) != 0) count -= length - slFoundRank;
  return count;
}

// ---------------------------------------------------------------- consistency check (tests)

/** Records every block of zset structure z and checks its invariants (check_core.ts). */
export function zsetCheck(z: usize): void {
  if (isPacked(z)) {
    if (!pkCheck(z, PACKED_MAX_VALUE)) checkFail(CK_ZSET, z);
  } else if (zsetEncoding(z) == ENC_SKIPLIST) {
    slCheck(z);
  } else {
    checkFail(CK_ZSET, z);
  }
}
