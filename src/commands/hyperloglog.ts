/**
 * HyperLogLog write commands: PFADD, PFMERGE, PFCOUNT (single key: it writes
 * the cached cardinality) and PFDEBUG GETREG/TODENSE, re-executed bit-exactly
 * (src/ops/hyperloglog.ts) on the plain string values that hold HLLs.
 *
 * The primary propagates PFADD when it changed a register (or created the
 * key), PFMERGE always, PFCOUNT of one key when it recomputed the cache, and
 * PFDEBUG when it converted a sparse HLL to dense. Changes keep the key's TTL.
 * A dense PFADD of a few elements patches only the bytes it changes; anything
 * else rewrites the whole value (at most 12304 bytes).
 *
 * @module
 */

import { SET_KEEPTTL, type Store, ValueType } from "../_wasm/store.ts";
import { BytePatch } from "../ops/bitfield.ts";
import {
  cardinalityBytes,
  denseSet,
  HLL_DENSE,
  HLL_HDR_SIZE,
  HLL_REGISTERS,
  hllCacheValid,
  hllCount,
  hllMerge,
  hllPatLen,
  hllValue,
  INVALID_HLL_OBJECT,
  INVALID_HLL_TYPE,
  isValidHll,
  pfadd,
  pfmergeInto,
  sparseToDense,
} from "../ops/hyperloglog.ts";
import { CommandError, word } from "./args.ts";
import { ALL_KEYS, type ApplyContext, command, type CommandSpec, FIRST_KEY } from "./spec.ts";

const NO_TTL = -1;
const WRONGTYPE = "WRONGTYPE Operation against a key holding the wrong kind of value";
/** Above this many elements a dense PFADD rewrites the value instead of patching bytes. */
const PATCH_MAX_ELEMENTS = 32;

/**
 * Finds `key` and checks it holds a valid HLL: false when absent; throws as
 * Redis replies (WRONGTYPE) otherwise. The found entry stays current.
 */
function findHll(store: Store, db: number, key: Uint8Array): boolean {
  const t = store.find(db, key);
  if (t === ValueType.none) return false;
  if (t !== ValueType.string) throw new CommandError(WRONGTYPE);
  if (!isValidHll(store.foundRange(0, HLL_HDR_SIZE - 1), store.foundStrlen())) {
    throw new CommandError(INVALID_HLL_TYPE);
  }
  return true;
}

/** PFADD key element…: the sparse path and big batches rewrite the value, small dense adds patch bytes. */
function applyPfadd(ctx: ApplyContext, args: readonly Uint8Array[]): void {
  const { store, db } = ctx;
  const key = args[1];
  const elements = args.slice(2);
  const exists = findHll(store, db, key);
  if (exists && store.foundRange(4, 4)[0] === HLL_DENSE && elements.length <= PATCH_MAX_ELEMENTS) {
    patchDenseAdd(store, db, key, elements);
    return;
  }
  const result = pfadd(exists ? store.foundBytes() : null, elements);
  if (result.corrupted) throw new CommandError(INVALID_HLL_OBJECT);
  if (result.updated) store.set(db, key, result.value, exists ? SET_KEEPTTL : 0, NO_TTL);
}

/** Dense PFADD touching only the register bytes (and the cache flag) it changes. */
function patchDenseAdd(store: Store, db: number, key: Uint8Array, elements: readonly Uint8Array[]): void {
  const patch = new BytePatch((start, end) => store.foundRange(start, end - 1));
  let updated = false;
  for (const e of elements) {
    const pat = hllPatLen(e);
    if (denseSet(patch, HLL_HDR_SIZE, pat >> 6, pat & 63) === 1) updated = true;
  }
  if (!updated) return;
  patch.set(15, patch.get(15) | 0x80); // HLL_INVALIDATE_CACHE
  for (const run of patch.runs()) store.setRange(db, key, run.offset, run.bytes);
}

/** PFCOUNT: one key recomputes an invalid cache and stores it; several keys only read. */
function applyPfcount(ctx: ApplyContext, args: readonly Uint8Array[]): void {
  // The union of several keys is never written (nor propagated by the primary).
  if (args.length > 2) return;
  const { store, db } = ctx;
  const key = args[1];
  if (!findHll(store, db, key)) return;
  if (hllCacheValid(store.foundRange(0, HLL_HDR_SIZE - 1))) return;
  const card = hllCount(hllValue(store.foundBytes()));
  if (card === null) throw new CommandError(INVALID_HLL_OBJECT);
  store.setRange(db, key, 8, cardinalityBytes(card));
}

/** PFMERGE dest src…: registers merged over every key, dest included, then written into dest. */
function applyPfmerge(ctx: ApplyContext, args: readonly Uint8Array[]): void {
  const { store, db } = ctx;
  const max = new Uint8Array(HLL_REGISTERS);
  let useDense = false;
  let dest: Uint8Array | null = null;
  for (let j = 1; j < args.length; j++) {
    if (!findHll(store, db, args[j])) continue;
    const value = store.foundBytes();
    if (j === 1) dest = value;
    if (value[4] === HLL_DENSE) useDense = true;
    if (!hllMerge(max, hllValue(value))) throw new CommandError(INVALID_HLL_OBJECT);
  }
  const result = pfmergeInto(dest, max, useDense);
  if (result === null) throw new CommandError(INVALID_HLL_OBJECT);
  store.set(db, args[1], result, dest !== null ? SET_KEEPTTL : 0, NO_TTL);
}

/** PFDEBUG GETREG|TODENSE key converts a sparse HLL to dense (propagated); the other forms only read. */
function applyPfdebug(ctx: ApplyContext, args: readonly Uint8Array[]): void {
  const sub = word(args[1]);
  if ((sub !== "getreg" && sub !== "todense") || args.length !== 3) return;
  const { store, db } = ctx;
  if (!findHll(store, db, args[2])) throw new CommandError("The specified key does not exist");
  if (store.foundRange(4, 4)[0] === HLL_DENSE) return;
  const h = hllValue(store.foundBytes());
  if (!sparseToDense(h)) throw new CommandError(INVALID_HLL_OBJECT);
  store.set(db, args[2], h.buf.subarray(0, h.len), SET_KEEPTTL, NO_TTL);
}

/** Every HyperLogLog write command, declared once. */
export const hyperloglogCommands: readonly CommandSpec[] = [
  command({
    name: "pfadd",
    arity: -2,
    group: "hyperloglog",
    kind: "write",
    keys: FIRST_KEY,
    summary: "bit-exact sparse/dense registers, promotion at hll-sparse-max-bytes 3000",
    apply: applyPfadd,
  }),
  command({
    name: "pfmerge",
    arity: -2,
    group: "hyperloglog",
    kind: "write",
    keys: ALL_KEYS,
    summary: "bit-exact (sparse kept unless an input is dense)",
    apply: applyPfmerge,
  }),
  command({
    name: "pfcount",
    arity: -2,
    group: "hyperloglog",
    kind: "write",
    keys: ALL_KEYS,
    summary: "one key: stores the recomputed cached cardinality; several keys: no write",
    apply: applyPfcount,
  }),
  command({
    name: "pfdebug",
    arity: -3,
    group: "hyperloglog",
    kind: "write",
    keys: { first: 2, last: 2, step: 1 },
    summary: "GETREG/TODENSE convert a sparse HLL to dense",
    apply: applyPfdebug,
  }),
];
