/**
 * Lists, laid out as Redis's quicklist: a doubly linked list of packed nodes.
 *
 * Ownership: a T_LIST keyspace entry owns the list header; the header owns
 * every node; each node owns its payload. Value pointers reported to the
 * host (listIndex) point into a node and are valid until the next write.
 * Pointers passed in (keys, values, pivots) belong to the caller.
 *
 * Header (LIST_BYTES):  [u32 head][u32 tail][u32 count][u32 nodes]
 * Node (NODE_HDR + cap): [u32 prev][u32 next][u32 cap][u32 off][u32 used][u32 count][payload]
 *
 * The entries of a node are packed in payload[off, off + used), each as
 * [varint len][bytes][back-varint len]: the back length (the varint's bytes
 * in reverse order) lets a node be walked from its end, as listpack's
 * backlen does, so both ends of a list are O(1). Free room may sit on both
 * sides of the packed run: pushes at the head consume the front room
 * (`off`), pushes at the tail the back room, so neither moves the payload.
 *
 * Nodes hold up to NODE_LIMIT payload bytes (Redis list-max-listpack-size -2,
 * 8 KB); a value whose entry is bigger gets a node of its own (Redis's
 * "plain" node). A one-node list is the small encoding: one block of
 * NODE_HDR + entries, grown x1.5 as needed. Index access walks nodes from
 * the nearer end, then entries from the nearer end of the node.
 *
 * Memory: every mutation allocates what it needs before changing anything
 * and returns ST_STORE_FULL with the list untouched when it cannot; shrinking
 * and merging nodes are best-effort (skipped when memory is full). Empty
 * lists never exist: the write that removes the last element deletes the key.
 */
import { ST_INDEX_OUT_OF_RANGE, ST_NO_KEY, ST_OK, ST_STORE_FULL, ST_WRONGTYPE, T_LIST } from "./abi";
import { R_OUT_PTR } from "./abi";
import { bytesEqual, readVarint, varintSize, writeVarint, copyBytes } from "./bytes";
import { collCreate, collLookup, collPtr, collRemoveKey, collType } from "./collection";
import { outFinish, outItem, outReset, reportOut, result } from "./io";
import { alloc, capacityOf, free } from "./memory";
import { checkBlock, checkFail, checkFailed, CK_LIST } from "./check_core";

// ---------------------------------------------------------------- layout

// @ts-ignore: decorator
@inline const L_HEAD: usize = 0;
// @ts-ignore: decorator
@inline const L_TAIL: usize = 4;
// @ts-ignore: decorator
@inline const L_COUNT: usize = 8;
// @ts-ignore: decorator
@inline const L_NODES: usize = 12;
// @ts-ignore: decorator
@inline const LIST_BYTES: u32 = 16;

// @ts-ignore: decorator
@inline const N_PREV: usize = 0;
// @ts-ignore: decorator
@inline const N_NEXT: usize = 4;
// @ts-ignore: decorator
@inline const N_CAP: usize = 8;
// @ts-ignore: decorator
@inline const N_OFF: usize = 12;
// @ts-ignore: decorator
@inline const N_USED: usize = 16;
// @ts-ignore: decorator
@inline const N_COUNT: usize = 20;
// @ts-ignore: decorator
@inline const NODE_HDR: u32 = 24;

/** Payload bytes a packed node may hold (Redis list-max-listpack-size -2). */
// @ts-ignore: decorator
@inline export const NODE_LIMIT: u32 = 8192;
/** Nodes at least this big are shrunk when 3/4 of their room is free. */
// @ts-ignore: decorator
@inline const SHRINK_MIN_CAP: u32 = 512;

// @ts-ignore: decorator
@inline function lHead(l: usize): usize { return load<u32>(l + L_HEAD); }
// @ts-ignore: decorator
@inline function lTail(l: usize): usize { return load<u32>(l + L_TAIL); }
// @ts-ignore: decorator
@inline function lCount(l: usize): u32 { return load<u32>(l + L_COUNT); }
// @ts-ignore: decorator
@inline function lAddCount(l: usize, d: i32): void { store<u32>(l + L_COUNT, u32(i32(lCount(l)) + d)); }

// @ts-ignore: decorator
@inline function nPrev(n: usize): usize { return load<u32>(n + N_PREV); }
// @ts-ignore: decorator
@inline function nNext(n: usize): usize { return load<u32>(n + N_NEXT); }
// @ts-ignore: decorator
@inline function nCap(n: usize): u32 { return load<u32>(n + N_CAP); }
// @ts-ignore: decorator
@inline function nOff(n: usize): u32 { return load<u32>(n + N_OFF); }
// @ts-ignore: decorator
@inline function nUsed(n: usize): u32 { return load<u32>(n + N_USED); }
// @ts-ignore: decorator
@inline function nCount(n: usize): u32 { return load<u32>(n + N_COUNT); }
/** Address of the node's first entry. */
// @ts-ignore: decorator
@inline function nStart(n: usize): usize { return n + NODE_HDR + load<u32>(n + N_OFF); }
/** Address right after the node's last entry. */
// @ts-ignore: decorator
@inline function nEnd(n: usize): usize { return nStart(n) + load<u32>(n + N_USED); }

// ---------------------------------------------------------------- entries

/** Bytes an entry of a `len`-byte value takes. */
// @ts-ignore: decorator
@inline function entSize(len: u32): u32 {
  return (varintSize(len) << 1) + len;
}

/** Address after the entry at p. */
// @ts-ignore: decorator
@inline function entNext(p: usize): usize {
  return p + entSize(readVarint(p));
}

/** Start of the entry that ends at `end` (read through its back length). */
// @ts-ignore: decorator
@inline function entPrev(end: usize): usize {
  const b = u32(load<u8>(end - 1));
  if (b < 0x80) return end - 2 - b;
  return entPrevSlow(end);
}

function entPrevSlow(end: usize): usize {
  let q = end;
  let v: u32 = 0;
  let shift: u32 = 0;
  let b: u32;
  do {
    b = u32(load<u8>(--q));
    v |= (b & 0x7f) << shift;
    shift += 7;
  } while ((b & 0x80) != 0);
  return q - v - varintSize(v);
}

/** Writes the entry for value (vp, vl) at p; returns the address after it. */
function writeEntry(p: usize, vp: usize, vl: u32): usize {
  const q = writeVarint(p, vl);
  copyBytes(q, vp, vl);
  const n = varintSize(vl);
  const r = q + vl;
  // back length: the forward varint's bytes, last one first
  let v = vl;
  for (let i: u32 = 0; i < n; i++) {
    const b = i + 1 < n ? (v & 0x7f) | 0x80 : v;
    store<u8>(r + n - 1 - i, u8(b));
    v >>= 7;
  }
  return r + n;
}

/** Whether the entry at p holds exactly (vp, vl). */
// @ts-ignore: decorator
@inline function entEquals(p: usize, vp: usize, vl: u32): bool {
  const len = readVarint(p);
  return len == vl && bytesEqual(p + varintSize(len), vp, vl);
}

// ---------------------------------------------------------------- nodes

/** A fresh node of at least `cap` payload bytes (prev/next/off/used/count left to the caller), or 0. */
function nodeAlloc(cap: u32): usize {
  const size = NODE_HDR + cap;
  const n = alloc(size);
  if (n == 0) return 0;
  store<u32>(n + N_CAP, capacityOf(n, size) - NODE_HDR);
  return n;
}

// @ts-ignore: decorator
@inline function nodeFree(n: usize): void {
  free(n, NODE_HDR + nCap(n));
}

/** Sets a fresh node's fields. */
// @ts-ignore: decorator
@inline function nodeInit(n: usize, off: u32, used: u32, count: u32): void {
  store<u32>(n + N_PREV, 0);
  store<u32>(n + N_NEXT, 0);
  store<u32>(n + N_OFF, off);
  store<u32>(n + N_USED, used);
  store<u32>(n + N_COUNT, count);
}

/** Links n after `at` (0: as the new head). */
function linkAfter(l: usize, at: usize, n: usize): void {
  const next = at == 0 ? lHead(l) : nNext(at);
  store<u32>(n + N_PREV, u32(at));
  store<u32>(n + N_NEXT, u32(next));
  if (at == 0) store<u32>(l + L_HEAD, u32(n));
  else store<u32>(at + N_NEXT, u32(n));
  if (next == 0) store<u32>(l + L_TAIL, u32(n));
  else store<u32>(next + N_PREV, u32(n));
  store<u32>(l + L_NODES, load<u32>(l + L_NODES) + 1);
}

/** Unlinks n (the caller frees it). */
function unlink(l: usize, n: usize): void {
  const prev = nPrev(n);
  const next = nNext(n);
  if (prev == 0) store<u32>(l + L_HEAD, u32(next));
  else store<u32>(prev + N_NEXT, u32(next));
  if (next == 0) store<u32>(l + L_TAIL, u32(prev));
  else store<u32>(next + N_PREV, u32(prev));
  store<u32>(l + L_NODES, load<u32>(l + L_NODES) - 1);
}

/** Puts m (a fresh copy of n) in n's place in the chain; n is freed. */
function replaceNode(l: usize, n: usize, m: usize): void {
  const prev = nPrev(n);
  const next = nNext(n);
  store<u32>(m + N_PREV, u32(prev));
  store<u32>(m + N_NEXT, u32(next));
  if (prev == 0) store<u32>(l + L_HEAD, u32(m));
  else store<u32>(prev + N_NEXT, u32(m));
  if (next == 0) store<u32>(l + L_TAIL, u32(m));
  else store<u32>(next + N_PREV, u32(m));
  nodeFree(n);
}

/** Unlinks and frees n (its entries already uncounted). */
function dropNode(l: usize, n: usize): void {
  unlink(l, n);
  nodeFree(n);
}

/** Room a node should grow to when it must hold `want` payload bytes (x1.5, capped at the node limit). */
function grownCap(cap: u32, want: u32): u32 {
  let c = cap + (cap >> 1);
  if (c < want) c = want;
  if (c > NODE_LIMIT) c = want > NODE_LIMIT ? want : NODE_LIMIT;
  return c;
}

/**
 * Opens a gap of `gap` bytes at payload offset `pos` of node n (existing
 * bytes from pos move up) and counts it in `used`. `toward` says where free
 * room is wanted: -1 front (head pushes), 1 back (tail pushes), 0 around a
 * middle insert. Uses the room already there when it can (pushes into the
 * room on their side move nothing; a middle insert moves the smaller side),
 * else re-lays the payload out with all room on the wanted side (so
 * alternating ends do not move the payload on every push), else moves the
 * node to a bigger block. Returns the node (possibly moved) or 0 when memory
 * is full (n untouched).
 */
function nodeOpen(l: usize, n: usize, pos: u32, gap: u32, toward: i32): usize {
  const cap = nCap(n);
  const off = nOff(n);
  const used = nUsed(n);
  const start = n + NODE_HDR + off;
  const back = cap - off - used;
  if (pos == 0 && gap <= off) {
    store<u32>(n + N_OFF, off - gap);
  } else if (pos == used && gap <= back) {
    // the room after the entries is the gap
  } else if (toward == 0 && gap <= off && (gap > back || pos <= used - pos)) {
    copyBytes(start - gap, start, pos);
    store<u32>(n + N_OFF, off - gap);
  } else if (toward == 0 && gap <= back) {
    copyBytes(start + pos + gap, start + pos, used - pos);
  } else if (gap <= off + back) {
    relayout(n, pos, gap, roomOffset(off + back - gap, toward));
  } else {
    const want = used + gap;
    let m = nodeAlloc(grownCap(cap, want));
    if (m == 0) m = nodeAlloc(want);
    if (m == 0) return 0;
    const mOff = roomOffset(nCap(m) - want, toward);
    const mStart = m + NODE_HDR + mOff;
    copyBytes(mStart, start, pos);
    copyBytes(mStart + pos + gap, start + pos, used - pos);
    store<u32>(m + N_OFF, mOff);
    store<u32>(m + N_COUNT, nCount(n));
    replaceNode(l, n, m);
    n = m;
  }
  store<u32>(n + N_USED, used + gap);
  return n;
}

/** Where the entries start when `room` free bytes go to the `toward` side (-1 front, 1 back, 0 split). */
// @ts-ignore: decorator
@inline function roomOffset(room: u32, toward: i32): u32 {
  return toward < 0 ? room : toward > 0 ? 0 : room >> 1;
}

/**
 * Moves node n's entries in place so they start at offset newOff with a
 * gap of `gap` bytes at pos (the block has room for it). The two parts move
 * in the order that never overwrites bytes not yet moved.
 */
function relayout(n: usize, pos: u32, gap: u32, newOff: u32): void {
  const base = n + NODE_HDR;
  const start = base + nOff(n);
  const used = nUsed(n);
  const to = base + newOff;
  if (to <= start) {
    copyBytes(to, start, pos);
    copyBytes(to + pos + gap, start + pos, used - pos);
  } else {
    copyBytes(to + pos + gap, start + pos, used - pos);
    copyBytes(to, start, pos);
  }
  store<u32>(n + N_OFF, newOff);
}

/** Removes payload bytes [pos, pos + len) of node n in place (moving the smaller side). */
function nodeCut(n: usize, pos: u32, len: u32): void {
  const used = nUsed(n);
  const start = nStart(n);
  if (pos < used - pos - len) {
    copyBytes(start + len, start, pos);
    store<u32>(n + N_OFF, nOff(n) + len);
  } else {
    copyBytes(start + pos, start + pos + len, used - pos - len);
  }
  store<u32>(n + N_USED, used - len);
}

/** Best effort: moves n to a smaller block when 3/4 of its room is unused. Returns the node. */
function nodeMaybeShrink(l: usize, n: usize): usize {
  const cap = nCap(n);
  const used = nUsed(n);
  if (cap < SHRINK_MIN_CAP || used > cap >> 2) return n;
  const m = nodeAlloc(used + (used >> 1));
  if (m == 0) return n;
  const mOff = (nCap(m) - used) >> 1;
  copyBytes(m + NODE_HDR + mOff, nStart(n), used);
  store<u32>(m + N_OFF, mOff);
  store<u32>(m + N_USED, used);
  store<u32>(m + N_COUNT, nCount(n));
  replaceNode(l, n, m);
  return m;
}

/**
 * Best effort: merges node b into its predecessor a when both fit in one
 * node. Returns the surviving node holding a's entries (a, possibly moved).
 */
function tryMerge(l: usize, a: usize, b: usize): usize {
  const au = nUsed(a);
  const bu = nUsed(b);
  if (au + bu > NODE_LIMIT) return a;
  const m = nodeOpen(l, a, au, bu, 1);
  if (m == 0) return a;
  copyBytes(nStart(m) + au, nStart(b), bu);
  store<u32>(m + N_COUNT, nCount(m) + nCount(b));
  dropNode(l, b);
  return m;
}

/** A new unlinked node holding one entry, with its room on the `toward` side. 0 when memory is full. */
function nodeWithEntry(vp: usize, vl: u32, toward: i32): usize {
  const s = entSize(vl);
  const n = nodeAlloc(s);
  if (n == 0) return 0;
  const room = nCap(n) - s;
  const off = toward < 0 ? room : toward > 0 ? 0 : room >> 1;
  nodeInit(n, off, s, 1);
  writeEntry(n + NODE_HDR + off, vp, vl);
  return n;
}

/** A new unlinked node holding a copy of `len` packed bytes at p (`count` entries). 0 when memory is full. */
function nodeWithBytes(p: usize, len: u32, count: u32): usize {
  const n = nodeAlloc(len);
  if (n == 0) return 0;
  nodeInit(n, 0, len, count);
  copyBytes(n + NODE_HDR, p, len);
  return n;
}

// ---------------------------------------------------------------- list level

/** A new list holding one value, or 0 when memory is full. */
function listWith(vp: usize, vl: u32): usize {
  const l = alloc(LIST_BYTES);
  if (l == 0) return 0;
  const n = nodeWithEntry(vp, vl, 0);
  if (n == 0) {
    free(l, LIST_BYTES);
    return 0;
  }
  store<u32>(l + L_HEAD, u32(n));
  store<u32>(l + L_TAIL, u32(n));
  store<u32>(l + L_COUNT, 1);
  store<u32>(l + L_NODES, 1);
  return l;
}

/** Pushes a value at the head or tail. False when memory is full (nothing changed). */
function pushValue(l: usize, vp: usize, vl: u32, tail: bool): bool {
  const s = entSize(vl);
  let n = tail ? lTail(l) : lHead(l);
  if (nUsed(n) + s <= NODE_LIMIT) {
    const pos = tail ? nUsed(n) : 0;
    n = nodeOpen(l, n, pos, s, tail ? 1 : -1);
    if (n == 0) return false;
    writeEntry(nStart(n) + pos, vp, vl);
    store<u32>(n + N_COUNT, nCount(n) + 1);
  } else {
    const m = nodeWithEntry(vp, vl, tail ? 1 : -1);
    if (m == 0) return false;
    linkAfter(l, tail ? n : 0, m);
  }
  lAddCount(l, 1);
  return true;
}

/** Removes k (1 <= k <= count) entries from the head; frees emptied nodes. */
function dropHead(l: usize, k: u32): void {
  lAddCount(l, -i32(k));
  while (k > 0) {
    const n = lHead(l);
    const c = nCount(n);
    if (k >= c) {
      k -= c;
      dropNode(l, n);
      continue;
    }
    let p = nStart(n);
    for (let i: u32 = 0; i < k; i++) p = entNext(p);
    const bytes = u32(p - nStart(n));
    store<u32>(n + N_OFF, nOff(n) + bytes);
    store<u32>(n + N_USED, nUsed(n) - bytes);
    store<u32>(n + N_COUNT, c - k);
    nodeMaybeShrink(l, n);
    return;
  }
}

/** Removes k (1 <= k <= count) entries from the tail; frees emptied nodes. */
function dropTail(l: usize, k: u32): void {
  lAddCount(l, -i32(k));
  while (k > 0) {
    const n = lTail(l);
    const c = nCount(n);
    if (k >= c) {
      k -= c;
      dropNode(l, n);
      continue;
    }
    let p: usize;
    if (k <= c >> 1) {
      p = nEnd(n);
      for (let i: u32 = 0; i < k; i++) p = entPrev(p);
    } else {
      p = nStart(n);
      for (let i: u32 = k; i < c; i++) p = entNext(p);
    }
    store<u32>(n + N_USED, u32(p - nStart(n)));
    store<u32>(n + N_COUNT, c - k);
    nodeMaybeShrink(l, n);
    return;
  }
}

/** Node and entry address of the last seek. */
let seekNode: usize = 0;
let seekEntry: usize = 0;

/** Finds element idx (< count), walking from the nearer end: sets seekNode / seekEntry. */
function seek(l: usize, idx: u32): void {
  const count = lCount(l);
  let n: usize;
  if (idx < count >> 1) {
    n = lHead(l);
    while (idx >= nCount(n)) {
      idx -= nCount(n);
      n = nNext(n);
    }
  } else {
    let r = count - 1 - idx;
    n = lTail(l);
    while (r >= nCount(n)) {
      r -= nCount(n);
      n = nPrev(n);
    }
    idx = nCount(n) - 1 - r;
  }
  const c = nCount(n);
  let p: usize;
  if (idx <= c >> 1) {
    p = nStart(n);
    for (let i: u32 = 0; i < idx; i++) p = entNext(p);
  } else {
    p = nEnd(n);
    for (let i = c - idx; i > 0; i--) p = entPrev(p);
  }
  seekNode = n;
  seekEntry = p;
}

/** Number of entries in node n before payload offset pos (an entry boundary). */
function entriesBefore(n: usize, pos: u32): u32 {
  const start = nStart(n);
  const stop = start + pos;
  let p = start;
  let k: u32 = 0;
  while (p < stop) {
    p = entNext(p);
    k++;
  }
  return k;
}

/**
 * Replaces payload bytes [pos, pos + del) of node n (del = 0: nothing, or
 * exactly one entry) by one new entry for (vp, vl), splitting n when the
 * result would not fit a node. ST_OK or ST_STORE_FULL (nothing changed).
 */
function spliceEntry(l: usize, n: usize, pos: u32, del: u32, vp: usize, vl: u32): i32 {
  const s = entSize(vl);
  const used = nUsed(n);
  const delCount: u32 = del > 0 ? 1 : 0;
  if (used - del + s <= NODE_LIMIT || nCount(n) == delCount) {
    if (s > del) {
      n = nodeOpen(l, n, pos + del, s - del, 0);
      if (n == 0) return ST_STORE_FULL;
    } else if (s < del) {
      nodeCut(n, pos + s, del - s);
    }
    writeEntry(nStart(n) + pos, vp, vl);
    store<u32>(n + N_COUNT, nCount(n) + 1 - delCount);
    lAddCount(l, 1 - i32(delCount));
    if (s < del) nodeMaybeShrink(l, n);
    return ST_OK;
  }
  // too big for one node: left part [0, pos), the new entry, right part [pos + del, used)
  const rPos = pos + del;
  const rBytes = used - rPos;
  if (pos == 0) {
    const prev = nPrev(n);
    if (prev != 0 && nUsed(prev) + s <= NODE_LIMIT) {
      const p = nodeOpen(l, prev, nUsed(prev), s, 1);
      if (p == 0) return ST_STORE_FULL;
      writeEntry(nStart(p) + nUsed(p) - s, vp, vl);
      store<u32>(p + N_COUNT, nCount(p) + 1);
    } else {
      const m = nodeWithEntry(vp, vl, -1);
      if (m == 0) return ST_STORE_FULL;
      linkAfter(l, prev, m);
    }
    finishSplice(l, n, 0, del, delCount);
    return ST_OK;
  }
  if (rBytes == 0) {
    const next = nNext(n);
    if (next != 0 && nUsed(next) + s <= NODE_LIMIT) {
      const q = nodeOpen(l, next, 0, s, -1);
      if (q == 0) return ST_STORE_FULL;
      writeEntry(nStart(q), vp, vl);
      store<u32>(q + N_COUNT, nCount(q) + 1);
    } else {
      const m = nodeWithEntry(vp, vl, 1);
      if (m == 0) return ST_STORE_FULL;
      linkAfter(l, n, m);
    }
    finishSplice(l, n, pos, del, delCount);
    return ST_OK;
  }
  const lCnt = entriesBefore(n, pos);
  const rCnt = nCount(n) - lCnt - delCount;
  const start = nStart(n);
  if (s + rBytes <= NODE_LIMIT) {
    // n keeps the left part; one new node holds the entry and the right part
    const m = nodeAlloc(s + rBytes);
    if (m == 0) return ST_STORE_FULL;
    nodeInit(m, 0, s + rBytes, 1 + rCnt);
    const after = writeEntry(m + NODE_HDR, vp, vl);
    copyBytes(after, start + rPos, rBytes);
    linkAfter(l, n, m);
  } else {
    // the entry and the right part go to two new nodes
    const m = nodeWithEntry(vp, vl, 0);
    if (m == 0) return ST_STORE_FULL;
    const r = nodeWithBytes(start + rPos, rBytes, rCnt);
    if (r == 0) {
      nodeFree(m);
      return ST_STORE_FULL;
    }
    linkAfter(l, n, m);
    linkAfter(l, m, r);
  }
  store<u32>(n + N_USED, pos);
  store<u32>(n + N_COUNT, lCnt);
  lAddCount(l, 1 - i32(delCount));
  nodeMaybeShrink(l, n);
  return ST_OK;
}

/** After the new entry went to a neighbour: removes the replaced entry (if any) from n and counts. */
function finishSplice(l: usize, n: usize, pos: u32, del: u32, delCount: u32): void {
  lAddCount(l, 1 - i32(delCount));
  if (delCount == 0) return;
  store<u32>(n + N_COUNT, nCount(n) - 1);
  if (nCount(n) == 0) {
    dropNode(l, n);
    return;
  }
  nodeCut(n, pos, del);
  nodeMaybeShrink(l, n);
}

/**
 * Removes from node n the entries equal to (vp, vl), skipping the first
 * `skip` matches and removing at most `max`. Returns how many it removed;
 * frees n when it empties (removedNodeGone is set then).
 */
let removedNodeGone = false;

function filterNode(l: usize, n: usize, vp: usize, vl: u32, skip: u32, max: u32): u32 {
  removedNodeGone = false;
  const start = nStart(n);
  const end = start + nUsed(n);
  let r = start;
  let w = start;
  let seen: u32 = 0;
  let removed: u32 = 0;
  while (r < end) {
    const len = readVarint(r);
    const s = entSize(len);
    if (removed < max && len == vl && bytesEqual(r + varintSize(len), vp, vl) && seen++ >= skip) {
      removed++;
    } else {
      if (w != r) copyBytes(w, r, s);
      w += s;
    }
    r += s;
  }
  if (removed == 0) return 0;
  const count = nCount(n) - removed;
  lAddCount(l, -i32(removed));
  if (count == 0) {
    dropNode(l, n);
    removedNodeGone = true;
    return removed;
  }
  store<u32>(n + N_COUNT, count);
  store<u32>(n + N_USED, u32(w - start));
  return removed;
}

/** Matches of (vp, vl) in node n. */
function countMatches(n: usize, vp: usize, vl: u32): u32 {
  let p = nStart(n);
  const end = p + nUsed(n);
  let k: u32 = 0;
  while (p < end) {
    if (entEquals(p, vp, vl)) k++;
    p = entNext(p);
  }
  return k;
}

/** Writes the value of the entry at p to the output buffer: ST_OK or ST_STORE_FULL. */
function outEntry(p: usize): void {
  const len = readVarint(p);
  outItem(p + varintSize(len), len);
}

/** Redis's index clamp: a negative index counts from the end. */
// @ts-ignore: decorator
@inline function fromEnd(i: i64, count: i64): i64 {
  return i < 0 ? count + i : i;
}

// ---------------------------------------------------------------- loading (bulk.ts)

/**
 * Loader path: appends a value at the tail of list l, creating the list
 * when l is 0. Returns the list, or 0 when memory is full (l unchanged).
 *
 * A load fills node after node, so once the tail node is full the next one
 * starts at the node limit instead of growing x1.5 through reallocations
 * (listLoadDone gives the last node's unused room back).
 */
export function listLoadPush(l: usize, vp: usize, vl: u32): usize {
  if (l == 0) return listWith(vp, vl);
  const s = entSize(vl);
  const tail = lTail(l);
  if (nUsed(tail) + s > NODE_LIMIT && s <= NODE_LIMIT) {
    const m = nodeAlloc(NODE_LIMIT);
    if (m != 0) {
      nodeInit(m, 0, s, 1);
      writeEntry(m + NODE_HDR, vp, vl);
      linkAfter(l, tail, m);
      lAddCount(l, 1);
      return l;
    }
  }
  return pushValue(l, vp, vl, true) ? l : 0;
}

/** Loader path: the list is complete; best effort, the tail node shrinks to what it holds. */
export function listLoadDone(l: usize): void {
  nodeMaybeShrink(l, lTail(l));
}

// ---------------------------------------------------------------- payload hooks

/** Frees list l and every node it owns. */
export function listFree(l: usize): void {
  let n = lHead(l);
  while (n != 0) {
    const next = nNext(n);
    nodeFree(n);
    n = next;
  }
  free(l, LIST_BYTES);
}

/** Deep copy of list l (nodes compacted to their entries); 0 when memory is full (nothing leaked). */
export function listClone(l: usize): usize {
  const c = alloc(LIST_BYTES);
  if (c == 0) return 0;
  memory.fill(c, 0, LIST_BYTES);
  let n = lHead(l);
  while (n != 0) {
    const m = nodeWithBytes(nStart(n), nUsed(n), nCount(n));
    if (m == 0) {
      listFree(c);
      return 0;
    }
    linkAfter(c, lTail(c), m);
    n = nNext(n);
  }
  store<u32>(c + L_COUNT, lCount(l));
  return c;
}

// ---------------------------------------------------------------- type API

/**
 * The list at key (kp, kl) for a write: its header, 0 when absent; sets
 * `lookupStatus` to ST_WRONGTYPE when the key holds another type.
 */
let lookupStatus: i32 = ST_OK;

function listAt(db: u32, kp: usize, kl: u32): usize {
  lookupStatus = ST_OK;
  const e = collLookup(db, kp, kl);
  if (e == 0) return 0;
  if (collType(e) != T_LIST) {
    lookupStatus = ST_WRONGTYPE;
    return 0;
  }
  return collPtr(e);
}

/** Creates key (kp, kl) as a one-element list. ST_OK or ST_STORE_FULL (nothing changed). */
function createWith(db: u32, kp: usize, kl: u32, vp: usize, vl: u32): i32 {
  const l = listWith(vp, vl);
  if (l == 0) return ST_STORE_FULL;
  const r = collCreate(db, kp, kl, T_LIST, l);
  if (r < 0) listFree(l);
  return r;
}

/** LPUSH/RPUSH of one value (LPUSHX/RPUSHX with onlyIfExists): the new length, 0 when absent and not created. */
export function listPush(db: u32, kp: usize, kl: u32, vp: usize, vl: u32, tail: bool, onlyIfExists: bool): i32 {
  const l = listAt(db, kp, kl);
  if (l == 0) {
    if (lookupStatus != ST_OK) return lookupStatus;
    if (onlyIfExists) return 0;
    const r = createWith(db, kp, kl, vp, vl);
    return r < 0 ? r : 1;
  }
  return pushValue(l, vp, vl, tail) ? i32(lCount(l)) : ST_STORE_FULL;
}

/**
 * LPOP/RPOP of one value: 1 with the value as the only item of the output
 * buffer, 0 when the key is absent. Deletes the key when the list empties.
 */
export function listPop(db: u32, kp: usize, kl: u32, tail: bool): i32 {
  const l = listAt(db, kp, kl);
  if (l == 0) return lookupStatus;
  const p = tail ? entPrev(nEnd(lTail(l))) : nStart(lHead(l));
  outReset();
  outEntry(p);
  if (outFinish() < 0) return ST_STORE_FULL;
  removeEnds(db, kp, kl, l, tail ? 0 : 1, tail ? 1 : 0);
  return 1;
}

/** LPOP/RPOP with a count (values discarded): how many were removed (0: absent). */
export function listPopMany(db: u32, kp: usize, kl: u32, tail: bool, count: f64): i32 {
  const l = listAt(db, kp, kl);
  if (l == 0) return lookupStatus;
  const len = lCount(l);
  const k = count >= f64(len) ? len : count <= 0 ? 0 : u32(count);
  if (k == 0) return 0;
  removeEnds(db, kp, kl, l, tail ? 0 : k, tail ? k : 0);
  return i32(k);
}

/** Drops `head` entries from the head and `tail` from the tail; deletes the key when nothing is left. */
function removeEnds(db: u32, kp: usize, kl: u32, l: usize, head: u32, tail: u32): void {
  if (u64(head) + u64(tail) >= u64(lCount(l))) {
    collRemoveKey(db, kp, kl);
    return;
  }
  if (head > 0) dropHead(l, head);
  if (tail > 0) dropTail(l, tail);
}

/** LTRIM with Redis's index rules; deletes the key when the result is empty. ST_OK / ST_WRONGTYPE. */
export function listTrim(db: u32, kp: usize, kl: u32, startF: f64, stopF: f64): i32 {
  const l = listAt(db, kp, kl);
  if (l == 0) return lookupStatus;
  const len = i64(lCount(l));
  let start = fromEnd(i64(startF), len);
  let stop = fromEnd(i64(stopF), len);
  if (start < 0) start = 0;
  let ltrim: i64;
  let rtrim: i64;
  if (start > stop || start >= len) {
    ltrim = len;
    rtrim = 0;
  } else {
    if (stop >= len) stop = len - 1;
    ltrim = start;
    rtrim = len - stop - 1;
  }
  removeEnds(db, kp, kl, l, u32(ltrim), u32(rtrim));
  return ST_OK;
}

/** LSET: ST_OK, ST_NO_KEY, ST_INDEX_OUT_OF_RANGE, ST_WRONGTYPE or ST_STORE_FULL. */
export function listSet(db: u32, kp: usize, kl: u32, indexF: f64, vp: usize, vl: u32): i32 {
  const l = listAt(db, kp, kl);
  if (l == 0) return lookupStatus != ST_OK ? lookupStatus : ST_NO_KEY;
  const len = i64(lCount(l));
  const idx = fromEnd(i64(indexF), len);
  if (idx < 0 || idx >= len) return ST_INDEX_OUT_OF_RANGE;
  seek(l, u32(idx));
  const n = seekNode;
  const p = seekEntry;
  const old = entSize(readVarint(p));
  if (old == entSize(vl)) {
    writeEntry(p, vp, vl);
    return ST_OK;
  }
  return spliceEntry(l, n, u32(p - nStart(n)), old, vp, vl);
}

/**
 * LINSERT BEFORE/AFTER the first entry equal to the pivot: the new length
 * (>= 2), 1 when the pivot is missing (no change), 0 when the key is absent.
 */
export function listInsert(db: u32, kp: usize, kl: u32, before: bool, pp: usize, pl: u32, vp: usize, vl: u32): i32 {
  const l = listAt(db, kp, kl);
  if (l == 0) return lookupStatus;
  let n = lHead(l);
  while (n != 0) {
    let p = nStart(n);
    const end = p + nUsed(n);
    while (p < end) {
      const next = entNext(p);
      if (entEquals(p, pp, pl)) {
        const pos = u32((before ? p : next) - nStart(n));
        const r = spliceEntry(l, n, pos, 0, vp, vl);
        return r < 0 ? r : i32(lCount(l));
      }
      p = next;
    }
    n = nNext(n);
  }
  return 1;
}

/**
 * LREM: removes entries equal to (vp, vl), all of them (count 0), the first
 * count (> 0) or the last -count (< 0). Returns how many; deletes the key
 * when the list empties.
 */
export function listRemove(db: u32, kp: usize, kl: u32, countF: f64, vp: usize, vl: u32): i32 {
  const l = listAt(db, kp, kl);
  if (l == 0) return lookupStatus;
  const len = f64(lCount(l));
  const abs = countF < 0 ? -countF : countF;
  const limit: u32 = countF == 0 || abs >= len ? u32.MAX_VALUE : u32(abs);
  let removed: u32 = 0;
  if (countF >= 0) {
    let n = lHead(l);
    while (n != 0 && removed < limit) {
      const next = nNext(n);
      const k = filterNode(l, n, vp, vl, 0, limit - removed);
      if (k > 0 && !removedNodeGone && lCount(l) > 0) {
        const prev = nPrev(n);
        n = prev != 0 ? tryMerge(l, prev, n) : n;
        nodeMaybeShrink(l, n);
      }
      removed += k;
      n = next;
    }
  } else {
    let n = lTail(l);
    while (n != 0 && removed < limit) {
      const prev = nPrev(n);
      const matches = countMatches(n, vp, vl);
      const take = matches < limit - removed ? matches : limit - removed;
      if (take > 0) {
        filterNode(l, n, vp, vl, matches - take, take);
        if (!removedNodeGone && lCount(l) > 0) {
          const next = nNext(n);
          if (next != 0) n = tryMerge(l, n, next);
          nodeMaybeShrink(l, n);
        }
        removed += take;
      }
      n = prev;
    }
  }
  if (removed > 0 && lCount(l) == 0) collRemoveKey(db, kp, kl);
  return i32(removed);
}

/**
 * LMOVE (RPOPLPUSH is RIGHT LEFT): moves the value at one end of the source
 * to one end of the destination (the same key rotates). 1 moved (the value
 * is the only item of the output buffer), 0 when the source is absent,
 * ST_WRONGTYPE for either key, ST_STORE_FULL (nothing changed).
 */
export function listMove(db: u32, sp: usize, sl: u32, dp: usize, dl: u32, fromTail: bool, toTail: bool): i32 {
  const src = listAt(db, sp, sl);
  if (src == 0) return lookupStatus;
  const dst = listAt(db, dp, dl);
  if (lookupStatus != ST_OK) return lookupStatus;
  // the value is copied out first: pushing may move the node it sits in
  const p = fromTail ? entPrev(nEnd(lTail(src))) : nStart(lHead(src));
  outReset();
  outEntry(p);
  if (outFinish() < 0) return ST_STORE_FULL;
  const vp = load<u32>(result + R_OUT_PTR) + 4;
  const vl = load<u32>(vp - 4);
  if (dst == 0) {
    const r = createWith(db, dp, dl, vp, vl);
    if (r < 0) return r;
  } else if (!pushValue(dst, vp, vl, toTail)) {
    return ST_STORE_FULL;
  }
  removeEnds(db, sp, sl, src, fromTail ? 0 : 1, fromTail ? 1 : 0);
  return 1;
}

// ---------------------------------------------------------------- reads (on a found list)

// LLEN needs no call: the host reads the header's count (store.ts LIST_COUNT_SLOT).

/**
 * LINDEX: 1 with the value (pointing into the list) reported in the output
 * slots R_OUT_PTR / R_OUT_LEN (the found-entry slots keep the structure), 0 out of range.
 */
export function listIndex(l: usize, indexF: f64): i32 {
  const len = i64(lCount(l));
  const idx = fromEnd(i64(indexF), len);
  if (idx < 0 || idx >= len) return 0;
  seek(l, u32(idx));
  const len2 = readVarint(seekEntry);
  reportOut(seekEntry + varintSize(len2), len2, 1);
  return 1;
}

/** LRANGE with Redis's index rules into the output buffer: ST_OK or ST_STORE_FULL. */
export function listRange(l: usize, startF: f64, stopF: f64): i32 {
  outReset();
  const len = i64(lCount(l));
  let start = fromEnd(i64(startF), len);
  let stop = fromEnd(i64(stopF), len);
  if (start < 0) start = 0;
  if (start > stop || start >= len) return outFinish();
  if (stop >= len) stop = len - 1;
  let k = u32(stop - start + 1);
  seek(l, u32(start));
  let n = seekNode;
  let p = seekEntry;
  let end = nEnd(n);
  while (k > 0) {
    if (p == end) {
      n = nNext(n);
      p = nStart(n);
      end = nEnd(n);
    }
    outEntry(p);
    p = entNext(p);
    k--;
  }
  return outFinish();
}

// ---------------------------------------------------------------- consistency check (tests)

/**
 * Records every block of list l and checks it (check_core.ts): prev/next
 * links and tail, each node's entries inside its room and parsing exactly
 * to `used` with `count` entries (at least one), node and element totals.
 */
export function listCheck(l: usize): void {
  checkBlock(l, LIST_BYTES);
  const total = lCount(l);
  const nodes = load<u32>(l + L_NODES);
  let prev: usize = 0;
  let n = lHead(l);
  let seenNodes: u32 = 0;
  let seen: u32 = 0;
  while (n != 0) {
    if (++seenNodes > nodes || nPrev(n) != prev) {
      checkFail(CK_LIST, n);
      return;
    }
    checkBlock(n, NODE_HDR + nCap(n));
    if (checkFailed()) return;
    if (u64(nOff(n)) + u64(nUsed(n)) > u64(nCap(n)) || nCount(n) == 0) {
      checkFail(CK_LIST, n);
      return;
    }
    const end = nEnd(n);
    let k: u32 = 0;
    let p = nStart(n);
    while (p < end) {
      p = entNext(p);
      k++;
    }
    if (p != end || k != nCount(n)) {
      checkFail(CK_LIST, n);
      return;
    }
    seen += k;
    prev = n;
    n = nNext(n);
  }
  if (seenNodes != nodes || seen != total || total == 0 || lTail(l) != prev) checkFail(CK_LIST, l);
}
