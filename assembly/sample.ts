/**
 * Random picks, with the semantics of Redis's SRANDMEMBER / HRANDFIELD /
 * ZRANDMEMBER with a count (t_set.c srandmemberWithCountCommand, t_hash.c
 * hrandfieldWithCountCommand, t_zset.c zrandmemberWithCountCommand) and
 * RANDOMKEY (db.c dbRandomKey):
 *
 * - count < 0: -count picks that may repeat, each uniform;
 * - count >= size: every item once (Redis's "case 2");
 * - 3 * count > size: a selection pass (Knuth's algorithm S) over all items,
 *   each kept with probability needed / left: a uniform sample in O(size)
 *   with no memory (Redis copies the set and removes random items: "case 3");
 * - otherwise: uniform picks until `count` distinct ones, duplicates told
 *   apart by a small open-addressing set ("case 4"), O(count).
 *
 * Items are addressed either by position (packed encodings; skiplists by
 * rank) or by dict entry (hashed sets, table hashes, keys). A dict pick
 * draws a bucket slot uniformly and keeps the j-th entry of its chain for a
 * uniform j < max(chain length, CHAIN_FAIR): every entry of a chain of up to
 * CHAIN_FAIR entries has the same chance (Redis's dictGetRandomKey favours
 * entries of short chains; its dictGetFairRandomKey narrows the gap).
 *
 * Results go to io's output buffer in the layouts of order.ts (members,
 * hash field/value/TTL, member/score). The generator is a splitmix64 stream,
 * seeded from the store's hash seed (so it differs per store) unless
 * sampleSeed fixes it (tests).
 *
 * Ownership: the duplicate set is static up to DEDUP_STATIC slots, else
 * allocated and freed within the call (when it cannot be had, the selection
 * pass answers instead).
 */
import { hashBytes } from "./bytes";
import { dictCount, dictFirstSlot, dictSlotHead, dictSlots, entryKeyLen, entryKeyPtr, entryNext } from "./dict";
import {
  packedEnd as hpEnd, packedFirst as hpFirst, recSize,
} from "./hash_packed";
import { outCount, outF64, outFinish, outItem, outReset } from "./io";
import { alloc, free } from "./memory";
import { EMIT_FIELD, EMIT_KEY, emitEntry, emitRecord } from "./order";
import { packedCount, packedItemLen, packedItemPtr } from "./set_packed";
import { slByRank, slFirst, slLength, slMember, slMemberLen, slNext, slScore } from "./skiplist";
import { ENC_PACKED, zsetEncoding } from "./zset_common";
import { pkAt, pkIndex, pkLen, pkMember, pkScore } from "./zset_packed";

// ---------------------------------------------------------------- generator

let state: u64 = 0;
let seeded = false;

/** Fixes the generator's seed (tests); otherwise it starts from the store's hash seed. */
export function sampleSeed(seed: u64): void {
  state = seed;
  seeded = true;
}

function next64(): u64 {
  if (!seeded) {
    state = hashBytes(0, 0); // the per-store hash seed, mixed: no reads (length 0)
    seeded = true;
  }
  state += 0x9e3779b97f4a7c15;
  let z = state;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9;
  z = (z ^ (z >> 27)) * 0x94d049bb133111eb;
  return z ^ (z >> 31);
}

/** Uniform in [0, n) for n > 0 (multiply-shift; the bias, n / 2^32, is negligible). */
export function randomBelow(n: u32): u32 {
  return u32(((next64() >> 32) * u64(n)) >> 32);
}

// ---------------------------------------------------------------- sources
// An item source: its kind, structure and size, set by the export being run.

// @ts-ignore: decorator
@inline const SRC_SET_PACKED: u32 = 0;
// @ts-ignore: decorator
@inline const SRC_HASH_PACKED: u32 = 1;
// @ts-ignore: decorator
@inline const SRC_ZSET_PACKED: u32 = 2;
// @ts-ignore: decorator
@inline const SRC_SKIPLIST: u32 = 3;
// @ts-ignore: decorator
@inline const SRC_DICT: u32 = 4;

let srcKind: u32 = 0;
let srcPtr: usize = 0;
let srcSize: u32 = 0;
/** For SRC_DICT: EMIT_KEY or EMIT_FIELD (order.ts). */
let srcEmit: u32 = 0;

// @ts-ignore: decorator
@inline const RECORDS_MAX: u32 = 256;
/** Record addresses of the packed hash being sampled (it has at most 128). */
const records: usize = memory.data(RECORDS_MAX * 4);

/** Sets up a source; returns its size. */
function useSource(kind: u32, p: usize, emit: u32): u32 {
  srcKind = kind;
  srcPtr = p;
  srcEmit = emit;
  let n: u32 = 0;
  if (kind == SRC_SET_PACKED) n = packedCount(p);
  else if (kind == SRC_ZSET_PACKED) n = pkIndex(p);
  else if (kind == SRC_SKIPLIST) n = slLength(p);
  else if (kind == SRC_DICT) n = dictCount(p);
  else {
    const end = hpEnd(p);
    for (let r = hpFirst(p); r < end && n < RECORDS_MAX; r += recSize(r)) store<u32>(records + (usize(n++) << 2), u32(r));
  }
  srcSize = n;
  return n;
}

function emitZset(m: usize, ml: u32, score: f64): void {
  outItem(m, ml);
  outF64(score);
}

/** Emits item i (position sources) or entry i (SRC_DICT). */
function emitItem(i: usize): void {
  switch (srcKind) {
    case SRC_SET_PACKED:
      outItem(packedItemPtr(srcPtr, u32(i)), packedItemLen(srcPtr, u32(i)));
      break;
    case SRC_HASH_PACKED:
      emitRecord(load<u32>(records + (i << 2)));
      break;
    case SRC_ZSET_PACKED: {
      const e = pkAt(u32(i));
      emitZset(pkMember(e), pkLen(e), pkScore(e));
      break;
    }
    case SRC_SKIPLIST: {
      const x = slByRank(srcPtr, u32(i) + 1);
      emitZset(slMember(x), slMemberLen(x), slScore(x));
      break;
    }
    default:
      emitEntry(i, srcEmit);
  }
}

/** One uniform pick: a position, or a dict entry. */
function pick(): usize {
  return srcKind == SRC_DICT ? fairEntry(srcPtr) : usize(randomBelow(srcSize));
}

// ---------------------------------------------------------------- dict picks

/**
 * Chains up to this length are sampled exactly uniformly. At load factor
 * <= 1 a chain of 9 is a one-in-a-million bucket; 4 was measurably unfair
 * (chains of 5+ hold about 2% of the entries: a chi-square test caught it).
 * A pick costs about slots * CHAIN_FAIR / entries bucket reads (8 to 16).
 */
// @ts-ignore: decorator
@inline const CHAIN_FAIR: u32 = 8;

/**
 * A random entry of dict d (not empty): rejection sampling over
 * (slot, position) pairs. Tries are bounded (a table can be sparse after a
 * size hint or a failed shrink): past the bound, the first non-empty slot
 * from a random one answers, biased but O(slots) at worst.
 */
export function fairEntry(d: usize): usize {
  const first = dictFirstSlot(d);
  const span = dictSlots(d) - first;
  const n = dictCount(d);
  let tries = u64(span) * CHAIN_FAIR * 8 / u64(n);
  if (tries < 64) tries = 64;
  if (tries > 65536) tries = 65536;
  for (let t: u64 = 0; t < tries; t++) {
    const head = dictSlotHead(d, first + randomBelow(span));
    if (head == 0) continue;
    const len = chainLength(head);
    const j = randomBelow(len > CHAIN_FAIR ? len : CHAIN_FAIR);
    if (j < len) return chainAt(head, j);
  }
  let s = randomBelow(span);
  for (let k: u32 = 0; k < span; k++) {
    const head = dictSlotHead(d, first + s);
    if (head != 0) return chainAt(head, randomBelow(chainLength(head)));
    s = s + 1 == span ? 0 : s + 1;
  }
  return 0;
}

function chainLength(e: usize): u32 {
  let n: u32 = 0;
  for (; e != 0; e = entryNext(e)) n++;
  return n;
}

function chainAt(e: usize, j: u32): usize {
  while (j-- > 0) e = entryNext(e);
  return e;
}

// ---------------------------------------------------------------- in order (every item, or algorithm S)

/** Walks every item in storage order, emitting each with probability need / left (need == size: all). */
function selectInOrder(need: u32): void {
  let left = srcSize;
  if (srcKind == SRC_DICT) {
    const d = srcPtr;
    const slots = dictSlots(d);
    for (let i = dictFirstSlot(d); i < slots && need > 0; i++) {
      for (let e = dictSlotHead(d, i); e != 0 && need > 0; e = entryNext(e)) {
        if (randomBelow(left--) < need) {
          emitEntry(e, srcEmit);
          need--;
        }
      }
    }
    return;
  }
  if (srcKind == SRC_SKIPLIST) {
    for (let x = slFirst(srcPtr); x != 0 && need > 0; x = slNext(x)) {
      if (randomBelow(left--) < need) {
        emitZset(slMember(x), slMemberLen(x), slScore(x));
        need--;
      }
    }
    return;
  }
  const n = srcSize;
  for (let i: u32 = 0; i < n && need > 0; i++) {
    if (randomBelow(left--) < need) {
      emitItem(usize(i));
      need--;
    }
  }
}

// ---------------------------------------------------------------- distinct picks

// @ts-ignore: decorator
@inline const DEDUP_STATIC: u32 = 512;
const dedupStatic: usize = memory.data(DEDUP_STATIC * 4);
let dedup: usize = 0;
let dedupMask: u32 = 0;
let dedupShift: u32 = 0;

/** Adds id (non-zero) to the duplicate set; false when it was there. */
function dedupAdd(id: u32): bool {
  // Fibonacci hashing takes the product's high bits: entry addresses are multiples of 8
  let i = (id * 0x9e3779b1) >> dedupShift;
  // the set is at most half full: the probe always ends
  let v = load<u32>(dedup + (usize(i) << 2));
  while (v != 0) {
    if (v == id) return false;
    i = (i + 1) & dedupMask;
    v = load<u32>(dedup + (usize(i) << 2));
  }
  store<u32>(dedup + (usize(i) << 2), id);
  return true;
}

/** `count` distinct uniform picks (3 * count <= size); algorithm S when the set cannot be allocated. */
function distinctPicks(count: u32): void {
  let slots: u32 = 16;
  while (slots < count * 2) slots <<= 1;
  const bytes = slots << 2;
  dedup = slots <= DEDUP_STATIC ? dedupStatic : alloc(bytes);
  if (dedup == 0) {
    selectInOrder(count);
    return;
  }
  memory.fill(dedup, 0, bytes);
  dedupMask = slots - 1;
  dedupShift = clz(slots) + 1;
  const positional = srcKind != SRC_DICT;
  for (let got: u32 = 0; got < count;) {
    const i = pick();
    // positions are stored + 1 (0 marks an empty slot); entry addresses are never 0
    if (!dedupAdd(positional ? u32(i) + 1 : u32(i))) continue;
    emitItem(i);
    got++;
  }
  if (dedup != dedupStatic) free(dedup, bytes);
}

// ---------------------------------------------------------------- the cases

/** Redis's random-with-count cases over the current source (size > 0). */
function sampleSource(count: i64): void {
  const n = srcSize;
  if (n == 0 || count == 0) return;
  if (count < 0) {
    const reps = u64(-count);
    for (let k: u64 = 0; k < reps; k++) {
      const before = outCount();
      emitItem(pick());
      if (outCount() == before) return; // the output cannot grow: stop (reported as STORE_FULL)
    }
    return;
  }
  if (count >= i64(n)) selectInOrder(n);
  else if (count * 3 > i64(n)) selectInOrder(u32(count));
  else distinctPicks(u32(count));
}

/** SRANDMEMBER on set structure p (member dict d, 0 when packed). Status. */
export function setRandom(p: usize, d: usize, count: i64): i32 {
  outReset();
  if (d == 0) useSource(SRC_SET_PACKED, p, EMIT_KEY);
  else useSource(SRC_DICT, d, EMIT_KEY);
  sampleSource(count);
  return outFinish();
}

/** HRANDFIELD on hash structure h (field dict d, 0 when packed). Status. */
export function hashRandom(h: usize, d: usize, count: i64): i32 {
  outReset();
  if (d == 0) useSource(SRC_HASH_PACKED, h, EMIT_FIELD);
  else useSource(SRC_DICT, d, EMIT_FIELD);
  sampleSource(count);
  return outFinish();
}

/** ZRANDMEMBER on zset structure z. Status. */
export function zsetRandom(z: usize, count: i64): i32 {
  outReset();
  useSource(zsetEncoding(z) == ENC_PACKED ? SRC_ZSET_PACKED : SRC_SKIPLIST, z, EMIT_KEY);
  sampleSource(count);
  return outFinish();
}

/** RANDOMKEY over the db dict d: 1 with the key as the output's only item, 0 when empty. */
export function randomKeyIn(d: usize): i32 {
  outReset();
  if (dictCount(d) == 0) return 0;
  const e = fairEntry(d);
  outItem(entryKeyPtr(e), entryKeyLen(e));
  const r = outFinish();
  return r < 0 ? r : 1;
}
