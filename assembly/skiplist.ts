/**
 * Large sorted sets: a skiplist with spans (ranks) plus a member -> node hash
 * table, as Redis's zset (t_zset.c zsl* functions). One allocation per member
 * serves both: a node starts with the dict's entry prefix (dict.ts), so the
 * dict finds nodes by member directly.
 *
 * Header (HEADER_BYTES):
 *     +0  u8  ENC_SKIPLIST
 *     +4  u32 length
 *     +8  u32 level            1..MAX_LEVEL
 *     +12 u32 tail node        0 when empty
 *     +16 dict header          DICT_BYTES
 *     +48 header links         MAX_LEVEL x [u32 forward][u32 span]
 * Node:
 *     [u32 dict next][u8 level][varint len][member][f64 score][u32 backward]
 *     [level x (u32 forward, u32 span)]
 *
 * Spans as in Redis: a link's span counts the nodes it jumps over (a link to
 * nothing spans the nodes left after it), so summing spans along a search
 * gives 1-based ranks. Links are addressed by "level bases" (the address of
 * a node's link array; the header's is header + 48) so the header needs no
 * node of its own.
 *
 * Ownership: the header owns its dict tables and every node (the keyspace
 * entry owns the header). Member pointers passed in belong to the caller.
 */
import { readVarint, varintSize, writeVarint, copyBytes } from "./bytes";
import {
  DICT_BYTES, dictAdd, dictCheck, dictClear, dictCount, dictFind, dictInit, dictRemoveFound, dictReserve,
  entryKeyLen, entryKeyPtr,
} from "./dict";
import { alloc, free } from "./memory";
import { checkBlock, checkFail, checkFailed, CK_SKIPLIST } from "./check_core";
import { compareBytes } from "./bytes";
import { compareScored, ENC_SKIPLIST, inRangeMax, inRangeMin, rangeIsEmpty } from "./zset_common";

// @ts-ignore: decorator
@inline const MAX_LEVEL: u32 = 32;
// @ts-ignore: decorator
@inline const H_LENGTH: usize = 4;
// @ts-ignore: decorator
@inline const H_LEVEL: usize = 8;
// @ts-ignore: decorator
@inline const H_TAIL: usize = 12;
// @ts-ignore: decorator
@inline export const H_DICT: usize = 16;
// @ts-ignore: decorator
@inline const H_LINKS: usize = 16 + DICT_BYTES;
// @ts-ignore: decorator
@inline const HEADER_BYTES: u32 = u32(H_LINKS) + MAX_LEVEL * 8;

/** Search path of the last descent: level base and node (0 = header) per level, and ranks. */
const updBase: usize = memory.data(4 * MAX_LEVEL);
const updNode: usize = memory.data(4 * MAX_LEVEL);
const rankAt: usize = memory.data(4 * MAX_LEVEL);
/** Builder state: level base and rank of the last node appended per level. */
const lastBase: usize = memory.data(4 * MAX_LEVEL);
const lastRank: usize = memory.data(4 * MAX_LEVEL);

/** 1-based rank of the node the last slFirstInRange / slLastInRange returned. */
export let slFoundRank: u32 = 0;

// ---------------------------------------------------------------- nodes

/** Address right after the member: score, backward, then the links. */
// @ts-ignore: decorator
@inline function fixedOf(n: usize): usize {
  const l = readVarint(n + 5);
  return n + 5 + varintSize(l) + l;
}
// @ts-ignore: decorator
@inline function baseOf(n: usize): usize {
  return fixedOf(n) + 12;
}
// @ts-ignore: decorator
@inline function fwd(base: usize, i: u32): usize {
  return load<u32>(base + (usize(i) << 3));
}
// @ts-ignore: decorator
@inline function setFwd(base: usize, i: u32, n: usize): void {
  store<u32>(base + (usize(i) << 3), u32(n));
}
// @ts-ignore: decorator
@inline function span(base: usize, i: u32): u32 {
  return load<u32>(base + (usize(i) << 3) + 4);
}
// @ts-ignore: decorator
@inline function setSpan(base: usize, i: u32, s: u32): void {
  store<u32>(base + (usize(i) << 3) + 4, s);
}
// @ts-ignore: decorator
@inline function nodeLevel(n: usize): u32 {
  return load<u8>(n + 4);
}

// @ts-ignore: decorator
@inline export function slScore(n: usize): f64 {
  return load<f64>(fixedOf(n));
}
export function slSetScore(n: usize, s: f64): void {
  store<f64>(fixedOf(n), s);
}
// @ts-ignore: decorator
@inline export function slMember(n: usize): usize {
  return entryKeyPtr(n);
}
// @ts-ignore: decorator
@inline export function slMemberLen(n: usize): u32 {
  return entryKeyLen(n);
}
/** The node before n (0 for the first). */
// @ts-ignore: decorator
@inline export function slPrev(n: usize): usize {
  return load<u32>(fixedOf(n) + 8);
}
// @ts-ignore: decorator
@inline function setPrev(n: usize, p: usize): void {
  store<u32>(fixedOf(n) + 8, u32(p));
}
/** The node after n (0 for the last). */
// @ts-ignore: decorator
@inline export function slNext(n: usize): usize {
  return fwd(baseOf(n), 0);
}

function nodeSize(n: usize): u32 {
  return u32(fixedOf(n) - n) + 12 + (nodeLevel(n) << 3);
}

/** Frees a node that is linked nowhere. */
export function slFreeNode(n: usize): void {
  free(n, nodeSize(n));
}

/** Order of node n against (score, member), as compareScored. */
function compareNode(n: usize, score: f64, mp: usize, ml: u32): i32 {
  const l = readVarint(n + 5);
  const p = n + 5 + varintSize(l);
  const s = load<f64>(p + l);
  if (s < score) return -1;
  if (s > score) return 1;
  return compareBytes(p, l, mp, ml);
}

/** Node n is past the current range's min. */
export function slInMin(n: usize): bool {
  return inRangeMin(slScore(n), slMember(n), slMemberLen(n));
}

/** Node n is not past the current range's max. */
export function slInMax(n: usize): bool {
  return inRangeMax(slScore(n), slMember(n), slMemberLen(n));
}

// Redis draws levels with P = 1/4; any generator with that distribution will
// do (the layout is not observable), so a fixed-seed xorshift keeps runs reproducible.
let rng: u32 = 0x2545f491;

function randomLevel(): u32 {
  let level: u32 = 1;
  while (level < MAX_LEVEL) {
    rng ^= rng << 13;
    rng ^= rng >> 17;
    rng ^= rng << 5;
    if ((rng >> 16) >= 0x4000) break;
    level++;
  }
  return level;
}

/** A node for (member, score) with a random level, not linked; 0 when memory is full. */
export function slNewNode(mp: usize, ml: u32, score: f64): usize {
  const level = randomLevel();
  const size = 5 + varintSize(ml) + ml + 12 + (level << 3);
  const n = alloc(size);
  if (n == 0) return 0;
  store<u32>(n, 0);
  store<u8>(n + 4, u8(level));
  const p = writeVarint(n + 5, ml);
  copyBytes(p, mp, ml);
  store<f64>(p + ml, score);
  store<u32>(p + ml + 8, 0);
  return n;
}

// ---------------------------------------------------------------- header

// @ts-ignore: decorator
@inline export function slLength(h: usize): u32 {
  return load<u32>(h + H_LENGTH);
}
// @ts-ignore: decorator
@inline export function slFirst(h: usize): usize {
  return fwd(h + H_LINKS, 0);
}
// @ts-ignore: decorator
@inline export function slLast(h: usize): usize {
  return load<u32>(h + H_TAIL);
}
// @ts-ignore: decorator
@inline export function slDict(h: usize): usize {
  return h + H_DICT;
}

/** An empty skiplist; 0 when memory is full. */
export function slNew(): usize {
  const h = alloc(HEADER_BYTES);
  if (h == 0) return 0;
  memory.fill(h, 0, HEADER_BYTES);
  store<u8>(h, ENC_SKIPLIST);
  store<u32>(h + H_LEVEL, 1);
  dictInit(h + H_DICT);
  return h;
}

/** Frees the header, the dict tables and every node. */
export function slFree(h: usize): void {
  dictClear(h + H_DICT, slFreeNode);
  free(h, HEADER_BYTES);
}

/** The node of member (mp, ml), or 0. */
export function slFind(h: usize, mp: usize, ml: u32): usize {
  return dictFind(h + H_DICT, mp, ml);
}

// ---------------------------------------------------------------- linking

/** Links node x (not linked, its score set) at its place (zslInsert). */
export function slLink(h: usize, x: usize): void {
  const score = slScore(x);
  const mp = slMember(x);
  const ml = slMemberLen(x);
  let level = load<u32>(h + H_LEVEL);
  let base = h + H_LINKS;
  let node: usize = 0;
  for (let i = i32(level) - 1; i >= 0; i--) {
    const li = u32(i);
    let r: u32 = li == level - 1 ? 0 : load<u32>(rankAt + ((usize(li) + 1) << 2));
    let f = fwd(base, li);
    while (f != 0 && compareNode(f, score, mp, ml) < 0) {
      r += span(base, li);
      node = f;
      base = baseOf(f);
      f = fwd(base, li);
    }
    store<u32>(rankAt + (usize(li) << 2), r);
    store<u32>(updNode + (usize(li) << 2), u32(node));
    store<u32>(updBase + (usize(li) << 2), u32(base));
  }
  const xLevel = nodeLevel(x);
  if (xLevel > level) {
    const length = slLength(h);
    for (let i = level; i < xLevel; i++) {
      store<u32>(rankAt + (usize(i) << 2), 0);
      store<u32>(updNode + (usize(i) << 2), 0);
      store<u32>(updBase + (usize(i) << 2), u32(h + H_LINKS));
      setSpan(h + H_LINKS, i, length);
    }
    level = xLevel;
    store<u32>(h + H_LEVEL, level);
  }
  const xb = baseOf(x);
  const r0 = load<u32>(rankAt);
  for (let i: u32 = 0; i < xLevel; i++) {
    const ub: usize = load<u32>(updBase + (usize(i) << 2));
    const ri = load<u32>(rankAt + (usize(i) << 2));
    setFwd(xb, i, fwd(ub, i));
    setFwd(ub, i, x);
    setSpan(xb, i, span(ub, i) - (r0 - ri));
    setSpan(ub, i, r0 - ri + 1);
  }
  for (let i = xLevel; i < level; i++) {
    const ub: usize = load<u32>(updBase + (usize(i) << 2));
    setSpan(ub, i, span(ub, i) + 1);
  }
  setPrev(x, load<u32>(updNode));
  const next = fwd(xb, 0);
  if (next != 0) setPrev(next, x);
  else store<u32>(h + H_TAIL, u32(x));
  store<u32>(h + H_LENGTH, slLength(h) + 1);
}

/** Fills the search path to (score, member): the last nodes ordered before it. */
function findPath(h: usize, score: f64, mp: usize, ml: u32): void {
  const level = load<u32>(h + H_LEVEL);
  let base = h + H_LINKS;
  for (let i = i32(level) - 1; i >= 0; i--) {
    const li = u32(i);
    let f = fwd(base, li);
    while (f != 0 && compareNode(f, score, mp, ml) < 0) {
      base = baseOf(f);
      f = fwd(base, li);
    }
    store<u32>(updBase + (usize(li) << 2), u32(base));
  }
}

/** Unlinks x using the search path just filled (zslDeleteNode). */
function unlinkOnPath(h: usize, x: usize): void {
  let level = load<u32>(h + H_LEVEL);
  const xb = baseOf(x);
  for (let i: u32 = 0; i < level; i++) {
    const ub: usize = load<u32>(updBase + (usize(i) << 2));
    if (fwd(ub, i) == x) {
      setSpan(ub, i, span(ub, i) + span(xb, i) - 1);
      setFwd(ub, i, fwd(xb, i));
    } else {
      setSpan(ub, i, span(ub, i) - 1);
    }
  }
  const next = fwd(xb, 0);
  if (next != 0) setPrev(next, slPrev(x));
  else store<u32>(h + H_TAIL, u32(slPrev(x)));
  while (level > 1 && fwd(h + H_LINKS, level - 1) == 0) level--;
  store<u32>(h + H_LEVEL, level);
  store<u32>(h + H_LENGTH, slLength(h) - 1);
}

/** Unlinks node x from the skiplist (it stays in the dict). */
export function slUnlink(h: usize, x: usize): void {
  findPath(h, slScore(x), slMember(x), slMemberLen(x));
  unlinkOnPath(h, x);
}

/**
 * Gives node x a new score, moving it when its place changes (the node is
 * reused: no allocation). As zslUpdateScore.
 */
export function slRescore(h: usize, x: usize, score: f64): void {
  const prev = slPrev(x);
  const next = slNext(x);
  if ((prev == 0 || slScore(prev) < score) && (next == 0 || slScore(next) > score)) {
    slSetScore(x, score);
    return;
  }
  slUnlink(h, x);
  slSetScore(x, score);
  slLink(h, x);
}

/** Unlinks x, drops it from the dict and frees it. */
export function slDelete(h: usize, x: usize): void {
  slUnlink(h, x);
  dropFromDict(h, x);
}

function dropFromDict(h: usize, x: usize): void {
  const d = h + H_DICT;
  if (dictFind(d, slMember(x), slMemberLen(x)) == x) dictRemoveFound(d, x);
  slFreeNode(x);
}

// ---------------------------------------------------------------- ranks

/** 1-based rank of node x (zslGetRank, by identity once the order matches). */
export function slRankOf(h: usize, x: usize): u32 {
  const score = slScore(x);
  const mp = slMember(x);
  const ml = slMemberLen(x);
  const level = load<u32>(h + H_LEVEL);
  let base = h + H_LINKS;
  let node: usize = 0;
  let rank: u32 = 0;
  for (let i = i32(level) - 1; i >= 0; i--) {
    const li = u32(i);
    let f = fwd(base, li);
    while (f != 0 && compareNode(f, score, mp, ml) <= 0) {
      rank += span(base, li);
      node = f;
      base = baseOf(f);
      f = fwd(base, li);
    }
    if (node == x) return rank;
  }
  return 0;
}

/** The node of 1-based rank r, or 0 (zslGetElementByRank). */
export function slByRank(h: usize, r: u32): usize {
  const level = load<u32>(h + H_LEVEL);
  let base = h + H_LINKS;
  let node: usize = 0;
  let traversed: u32 = 0;
  for (let i = i32(level) - 1; i >= 0; i--) {
    const li = u32(i);
    let f = fwd(base, li);
    while (f != 0 && traversed + span(base, li) <= r) {
      traversed += span(base, li);
      node = f;
      base = baseOf(f);
      f = fwd(base, li);
    }
    if (traversed == r) return node;
  }
  return 0;
}

/** Removes ranks [start, end] (1-based, inclusive) from list and dict; the count removed. */
export function slDeleteRanks(h: usize, start: u32, end: u32): u32 {
  const level = load<u32>(h + H_LEVEL);
  let base = h + H_LINKS;
  let traversed: u32 = 0;
  for (let i = i32(level) - 1; i >= 0; i--) {
    const li = u32(i);
    let f = fwd(base, li);
    while (f != 0 && traversed + span(base, li) < start) {
      traversed += span(base, li);
      base = baseOf(f);
      f = fwd(base, li);
    }
    store<u32>(updBase + (usize(li) << 2), u32(base));
  }
  traversed++;
  let x = fwd(load<u32>(updBase), 0);
  let removed: u32 = 0;
  while (x != 0 && traversed <= end) {
    const next = slNext(x);
    unlinkOnPath(h, x);
    dropFromDict(h, x);
    removed++;
    traversed++;
    x = next;
  }
  return removed;
}

// ---------------------------------------------------------------- ranges
// Over the current range of zset_common.ts (score or lex).

/** zslIsInRange / zslIsInLexRange: not empty, the last reaches min, the first is within max. */
function isInRange(h: usize): bool {
  if (slLength(h) == 0 || rangeIsEmpty()) return false;
  return slInMin(slLast(h)) && slInMax(slFirst(h));
}

/** First node in the current range, or 0; its rank in slFoundRank. */
export function slFirstInRange(h: usize): usize {
  if (!isInRange(h)) return 0;
  const level = load<u32>(h + H_LEVEL);
  let base = h + H_LINKS;
  let rank: u32 = 0;
  for (let i = i32(level) - 1; i >= 0; i--) {
    const li = u32(i);
    let f = fwd(base, li);
    while (f != 0 && !slInMin(f)) {
      rank += span(base, li);
      base = baseOf(f);
      f = fwd(base, li);
    }
  }
  const x = fwd(base, 0);
  if (x == 0 || !slInMax(x)) return 0;
  slFoundRank = rank + 1;
  return x;
}

/** Last node in the current range, or 0; its rank in slFoundRank. */
export function slLastInRange(h: usize): usize {
  if (!isInRange(h)) return 0;
  const level = load<u32>(h + H_LEVEL);
  let base = h + H_LINKS;
  let node: usize = 0;
  let rank: u32 = 0;
  for (let i = i32(level) - 1; i >= 0; i--) {
    const li = u32(i);
    let f = fwd(base, li);
    while (f != 0 && slInMax(f)) {
      rank += span(base, li);
      node = f;
      base = baseOf(f);
      f = fwd(base, li);
    }
  }
  if (node == 0 || !slInMin(node)) return 0;
  slFoundRank = rank;
  return node;
}

/** Removes every node in the current range (zslDeleteRangeByScore / ByLex); the count removed. */
export function slDeleteInRange(h: usize): u32 {
  const level = load<u32>(h + H_LEVEL);
  let base = h + H_LINKS;
  for (let i = i32(level) - 1; i >= 0; i--) {
    const li = u32(i);
    let f = fwd(base, li);
    while (f != 0 && !slInMin(f)) {
      base = baseOf(f);
      f = fwd(base, li);
    }
    store<u32>(updBase + (usize(li) << 2), u32(base));
  }
  let x = fwd(load<u32>(updBase), 0);
  let removed: u32 = 0;
  while (x != 0 && slInMax(x)) {
    const next = slNext(x);
    unlinkOnPath(h, x);
    dropFromDict(h, x);
    removed++;
    x = next;
  }
  return removed;
}

// ---------------------------------------------------------------- building in order
// Appending nodes already in order (a conversion or a copy) links each one in
// O(its level), with no search.

/** Starts appending to the empty skiplist h. */
export function slBuildBegin(h: usize): void {
  for (let i: u32 = 0; i < MAX_LEVEL; i++) {
    store<u32>(lastBase + (usize(i) << 2), u32(h + H_LINKS));
    store<u32>(lastRank + (usize(i) << 2), 0);
  }
}

/** Appends node x (ordered after every node so far) and adds it to the dict (reserved by the caller). */
export function slBuildAppend(h: usize, x: usize): void {
  const r = slLength(h) + 1;
  const xLevel = nodeLevel(x);
  const xb = baseOf(x);
  for (let i: u32 = 0; i < xLevel; i++) {
    const lb: usize = load<u32>(lastBase + (usize(i) << 2));
    setFwd(lb, i, x);
    setSpan(lb, i, r - load<u32>(lastRank + (usize(i) << 2)));
    setFwd(xb, i, 0);
    setSpan(xb, i, 0);
    store<u32>(lastBase + (usize(i) << 2), u32(xb));
    store<u32>(lastRank + (usize(i) << 2), r);
  }
  setPrev(x, slLast(h));
  store<u32>(h + H_TAIL, u32(x));
  store<u32>(h + H_LENGTH, r);
  if (xLevel > load<u32>(h + H_LEVEL)) store<u32>(h + H_LEVEL, xLevel);
  dictAdd(h + H_DICT, x);
}

/** Finishes appending: links to nothing span the nodes after them. */
export function slBuildEnd(h: usize): void {
  const level = load<u32>(h + H_LEVEL);
  const length = slLength(h);
  for (let i: u32 = 0; i < level; i++) {
    setSpan(load<u32>(lastBase + (usize(i) << 2)), i, length - load<u32>(lastRank + (usize(i) << 2)));
  }
}

/** Reserves the dict's first table (before building or the first add). */
export function slReserve(h: usize): bool {
  return dictReserve(h + H_DICT);
}

/** Deep copy; 0 when memory is full (nothing leaked). */
export function slClone(h: usize): usize {
  const c = slNew();
  if (c == 0) return 0;
  if (!slReserve(c)) {
    slFree(c);
    return 0;
  }
  slBuildBegin(c);
  let x = slFirst(h);
  while (x != 0) {
    const n = slNewNode(slMember(x), slMemberLen(x), slScore(x));
    if (n == 0) {
      slFree(c);
      return 0;
    }
    slBuildAppend(c, n);
    x = slNext(x);
  }
  slBuildEnd(c);
  return c;
}

// ---------------------------------------------------------------- consistency check (tests)

/** Per level: the level base of the last node reached at that level, and its rank. */
const checkBase: usize = memory.data(4 * MAX_LEVEL);
const checkRank: usize = memory.data(4 * MAX_LEVEL);

function nodeCheck(n: usize): void {
  const level = nodeLevel(n);
  if (level < 1 || level > MAX_LEVEL) {
    checkFail(CK_SKIPLIST, n);
    return;
  }
  checkBlock(n, nodeSize(n));
}

/**
 * Records every block of skiplist h and checks it (check_core.ts): the dict
 * (each node recorded once through it), then the list: strictly increasing
 * (score, member) with no NaN, backward links and tail, every link at every
 * level pointing at the next node of that level with the span the ranks
 * give (a link to nothing spans the nodes after it), length == dict count,
 * and every listed node is the one the dict finds for its member.
 */
export function slCheck(h: usize): void {
  checkBlock(h, HEADER_BYTES);
  const d = h + H_DICT;
  dictCheck(d, nodeCheck);
  if (checkFailed()) return;
  const level = load<u32>(h + H_LEVEL);
  const length = slLength(h);
  if (level < 1 || level > MAX_LEVEL || length == 0 || length != dictCount(d)) {
    checkFail(CK_SKIPLIST, h);
    return;
  }
  for (let i: u32 = 0; i < level; i++) {
    store<u32>(checkBase + (usize(i) << 2), u32(h + H_LINKS));
    store<u32>(checkRank + (usize(i) << 2), 0);
  }
  let prev: usize = 0;
  let rank: u32 = 0;
  let x = slFirst(h);
  while (x != 0) {
    const mp = slMember(x);
    const ml = slMemberLen(x);
    if (++rank > length || nodeLevel(x) > level || slPrev(x) != prev || dictFind(d, mp, ml) != x) {
      checkFail(CK_SKIPLIST, x);
      return;
    }
    const s = slScore(x);
    if (isNaN(s) || (prev != 0 && compareScored(slScore(prev), slMember(prev), slMemberLen(prev), s, mp, ml) >= 0)) {
      checkFail(CK_SKIPLIST, x);
      return;
    }
    const xl = nodeLevel(x);
    for (let i: u32 = 0; i < xl; i++) {
      const b: usize = load<u32>(checkBase + (usize(i) << 2));
      if (fwd(b, i) != x || span(b, i) != rank - load<u32>(checkRank + (usize(i) << 2))) {
        checkFail(CK_SKIPLIST, x);
        return;
      }
      store<u32>(checkBase + (usize(i) << 2), u32(baseOf(x)));
      store<u32>(checkRank + (usize(i) << 2), rank);
    }
    prev = x;
    x = slNext(x);
  }
  if (rank != length || slLast(h) != prev) {
    checkFail(CK_SKIPLIST, h);
    return;
  }
  for (let i: u32 = 0; i < level; i++) {
    const b: usize = load<u32>(checkBase + (usize(i) << 2));
    if (fwd(b, i) != 0 || span(b, i) != length - load<u32>(checkRank + (usize(i) << 2))) {
      checkFail(CK_SKIPLIST, h);
      return;
    }
  }
  if (fwd(h + H_LINKS, level - 1) == 0 && level > 1) checkFail(CK_SKIPLIST, h);
}

// ---------------------------------------------------------------- ordered access (order.ts)

/** First node ordered strictly after (score, member), or 0: a ZRANGEBYSCORE-style descent. */
export function slFirstAfter(h: usize, score: f64, mp: usize, ml: u32): usize {
  const level = load<u32>(h + H_LEVEL);
  let base = h + H_LINKS;
  for (let i = i32(level) - 1; i >= 0; i--) {
    const li = u32(i);
    let f = fwd(base, li);
    while (f != 0 && compareNode(f, score, mp, ml) <= 0) {
      base = baseOf(f);
      f = fwd(base, li);
    }
  }
  return fwd(base, 0);
}

/** Last node ordered strictly before (score, member), or 0. */
export function slLastBefore(h: usize, score: f64, mp: usize, ml: u32): usize {
  const level = load<u32>(h + H_LEVEL);
  let base = h + H_LINKS;
  let node: usize = 0;
  for (let i = i32(level) - 1; i >= 0; i--) {
    const li = u32(i);
    let f = fwd(base, li);
    while (f != 0 && compareNode(f, score, mp, ml) < 0) {
      node = f;
      base = baseOf(f);
      f = fwd(base, li);
    }
  }
  return node;
}
