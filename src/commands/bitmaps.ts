/**
 * Bitmap write commands on string values (src/bitops.c): SETBIT, BITFIELD
 * (SET/INCRBY with OVERFLOW WRAP|SAT|FAIL; its GETs read nothing a replica
 * needs) and BITOP (AND, OR, XOR, NOT and Redis 8.2's DIFF, DIFF1, ANDOR,
 * ONE).
 *
 * SETBIT and BITFIELD read the few bytes they touch and write back only the
 * changed ones (SETRANGE semantics: zero padding, TTL kept), so a big bitmap
 * is never copied per command. A replica is a master client for Redis: the
 * 512 MB offset limit (`proto-max-bulk-len`) is not checked here, as Redis
 * does not check it for its primary; the store refuses what it cannot hold.
 *
 * @module
 */

import { type Store, ValueType } from "../_wasm/store.ts";
import {
  applyBitfieldOp,
  type BitfieldOp,
  BytePatch,
  OVERFLOW_FAIL,
  OVERFLOW_SAT,
  OVERFLOW_WRAP,
  parseInt64,
  parseShortInt,
} from "../ops/bitfield.ts";
import { bitop, isBitopName } from "../ops/bitop.ts";
import { CommandError, word } from "./args.ts";
import { type ApplyContext, command, type CommandSpec, FIRST_KEY } from "./spec.ts";

const NO_TTL = -1;
const WRONGTYPE = "WRONGTYPE Operation against a key holding the wrong kind of value";
const BAD_OFFSET = "bit offset is not an integer or out of range";
const BAD_BIT = "bit is not an integer or out of range";
const BAD_TYPE = "Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.";
const EMPTY = new Uint8Array(0);

/**
 * `getBitOffsetFromArgument`: a non-negative int64, optionally `#n` (times
 * `bits`) for BITFIELD. Offsets past 2^53 bits cannot be held anyway.
 */
function bitOffset(arg: Uint8Array, bits = 0): number {
  const hash = bits > 0 && arg.length > 0 && arg[0] === 35; // '#'
  const text = hash ? arg.subarray(1) : arg;
  const short = parseShortInt(text);
  if (short !== null && short >= 0 && (short * Math.max(bits, 1)) < 2 ** 53) return hash ? short * bits : short;
  let v = parseInt64(text);
  if (v === null) throw new CommandError(BAD_OFFSET);
  if (hash) v = BigInt.asIntN(64, v * BigInt(bits)); // C multiplies in a long long
  if (v < 0n || v >= 1n << 53n) throw new CommandError(BAD_OFFSET);
  return Number(v);
}

/** Finds `key` for a bit write: its length, -1 when absent; WRONGTYPE for non-strings. */
function findBitmap(store: Store, db: number, key: Uint8Array): number {
  const t = store.find(db, key);
  if (t === ValueType.none) return -1;
  if (t !== ValueType.string) throw new CommandError(WRONGTYPE);
  return store.foundStrlen();
}

/** SETBIT key offset 0|1: rewrites the one byte (creating or zero-padding the string). */
function applySetbit(ctx: ApplyContext, args: readonly Uint8Array[]): void {
  const offset = bitOffset(args[2]);
  const on = args[3].length === 1 ? args[3][0] - 48 : -1; // string2l then `on & ~1`: only "0" and "1"
  if (on !== 0 && on !== 1) throw new CommandError(BAD_BIT);
  const { store, db } = ctx;
  const len = Math.max(0, findBitmap(store, db, args[1]));
  const byte = Math.floor(offset / 8);
  const mask = 1 << (7 - (offset % 8));
  const old = byte < len ? store.foundRange(byte, byte)[0] : 0;
  const next = on ? old | mask : old & ~mask;
  if (byte >= len || next !== old) store.setRange(db, args[1], byte, Uint8Array.of(next));
}

/** `getBitfieldTypeFromArgument`: i1..i64 or u1..u63. */
function bitfieldType(arg: Uint8Array): { signed: boolean; bits: number } {
  const c = arg.length > 0 ? arg[0] : 0;
  if (c !== 105 && c !== 117) throw new CommandError(BAD_TYPE); // 'i' | 'u', case-sensitive as Redis
  const signed = c === 105;
  const bits = parseShortInt(arg.subarray(1)); // longer numbers are out of range anyway
  if (bits === null || bits < 1 || bits > (signed ? 64 : 63)) throw new CommandError(BAD_TYPE);
  return { signed, bits };
}

/** Parses BITFIELD's subcommands as `bitfieldGeneric` does, in order. */
function parseBitfield(args: readonly Uint8Array[]): BitfieldOp[] {
  const ops: BitfieldOp[] = [];
  let policy = OVERFLOW_WRAP;
  for (let j = 2; j < args.length; j++) {
    const remaining = args.length - j - 1;
    const sub = word(args[j]);
    let kind: BitfieldOp["kind"];
    if (sub === "get" && remaining >= 2) kind = "get";
    else if (sub === "set" && remaining >= 3) kind = "set";
    else if (sub === "incrby" && remaining >= 3) kind = "incrby";
    else if (sub === "overflow" && remaining >= 1) {
      const name = word(args[++j]);
      if (name === "wrap") policy = OVERFLOW_WRAP;
      else if (name === "sat") policy = OVERFLOW_SAT;
      else if (name === "fail") policy = OVERFLOW_FAIL;
      else throw new CommandError("Invalid OVERFLOW type specified");
      continue;
    } else {
      throw new CommandError("syntax error");
    }
    const { signed, bits } = bitfieldType(args[j + 1]);
    const offset = bitOffset(args[j + 2], bits);
    let value = 0n;
    if (kind !== "get") {
      const v = parseInt64(args[j + 3]);
      if (v === null) throw new CommandError("value is not an integer or out of range");
      value = v;
    }
    ops.push({ kind, signed, bits, offset, value, policy });
    j += kind === "get" ? 2 : 3;
  }
  return ops;
}

/**
 * BITFIELD key …: the string first grows (zero padded) to reach the farthest
 * written bit, even when a FAIL overflow then skips that write, as
 * `lookupStringForBitCommand` does; then SET/INCRBY run in order on the
 * touched bytes. A BITFIELD of GETs only writes nothing.
 */
function applyBitfield(ctx: ApplyContext, args: readonly Uint8Array[]): void {
  const writes = parseBitfield(args).filter((op) => op.kind !== "get");
  if (writes.length === 0) return;
  const { store, db } = ctx;
  const key = args[1];
  const found = findBitmap(store, db, key);
  const len = Math.max(0, found);
  const patch = new BytePatch((start, end) => found > 0 ? store.foundRange(start, end - 1) : EMPTY);
  let highestBit = 0;
  for (const op of writes) highestBit = Math.max(highestBit, op.offset + op.bits - 1);
  const highestByte = Math.floor(highestBit / 8);
  if (highestByte >= len) patch.touch(highestByte);
  for (const op of writes) {
    patch.preload(Math.floor(op.offset / 8), Math.floor((op.offset + op.bits - 1) / 8) + 1);
    applyBitfieldOp(patch, op);
  }
  for (const run of patch.runs()) store.setRange(db, key, run.offset, run.bytes);
}

/** BITOP op dest src…: dest gets the result without TTL, or is deleted when every source is empty. */
function applyBitop(ctx: ApplyContext, args: readonly Uint8Array[]): void {
  const op = word(args[1]);
  if (!isBitopName(op)) throw new CommandError("syntax error");
  if (op === "not" && args.length !== 4) throw new CommandError("BITOP NOT must be called with a single source key.");
  if ((op === "diff" || op === "diff1" || op === "andor") && args.length < 5) {
    throw new CommandError(`BITOP ${op.toUpperCase()} must be called with at least two source keys.`);
  }
  const { store, db } = ctx;
  const sources: (Uint8Array | null)[] = [];
  for (let j = 3; j < args.length; j++) {
    const t = store.find(db, args[j]);
    if (t === ValueType.none) sources.push(null);
    else if (t !== ValueType.string) throw new CommandError(WRONGTYPE);
    else sources.push(store.foundBytes());
  }
  const result = bitop(op, sources);
  if (result === null) store.del(db, args[2]);
  else store.set(db, args[2], result, 0, NO_TTL);
}

/** Every bitmap write command, declared once. */
export const bitmapCommands: readonly CommandSpec[] = [
  command({
    name: "setbit",
    arity: 4,
    group: "bitmap",
    kind: "write",
    keys: FIRST_KEY,
    summary: "one byte rewritten (zero padding, TTL kept)",
    apply: applySetbit,
  }),
  command({
    name: "bitfield",
    arity: -2,
    group: "bitmap",
    kind: "write",
    keys: FIRST_KEY,
    summary: "SET/INCRBY with OVERFLOW WRAP|SAT|FAIL, `#n` offsets (GETs ignored)",
    apply: applyBitfield,
  }),
  command({
    name: "bitop",
    arity: -4,
    group: "bitmap",
    kind: "write",
    keys: { first: 2, last: -1, step: 1 },
    summary: "AND, OR, XOR, NOT, DIFF, DIFF1, ANDOR, ONE (dest loses its TTL; empty result deletes it)",
    apply: applyBitop,
  }),
];
