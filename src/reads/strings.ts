/**
 * Reads of string values, bitmap reads included (GETBIT, BITCOUNT, BITPOS,
 * BITFIELD_RO), with Redis's argument checks and error texts.
 *
 * @module
 */

import { type Store, ValueType } from "../_wasm/store.ts";
import { VeidrodelisError } from "../errors.ts";
import { type ByteAccess, getSignedBits, getUnsignedBits, parseInt64, parseShortInt } from "../ops/bitfield.ts";
import {
  findLive,
  findString,
  foundText,
  type KeyInput,
  type ReadContext,
  type ReadTable,
  type Text,
} from "./context.ts";

/**
 * The unit of BITCOUNT and BITPOS ranges: bytes (Redis's default) or bits (Redis 7.0+).
 *
 * @example
 * ```ts
 * import type { BitUnit } from "../../mod.ts";
 * const unit: BitUnit = "bit";
 * // mirror.bitcount("flags", 0, 7, unit); // set bits among the first 8 bits
 * console.log(unit);
 * ```
 */
export type BitUnit = "byte" | "bit" | "BYTE" | "BIT";

/**
 * One token of a BITFIELD_RO call: a subcommand, a type, an offset.
 *
 * @example
 * ```ts
 * import type { BitfieldToken } from "../../mod.ts";
 * const ops: BitfieldToken[] = ["GET", "u8", 0, "GET", "i16", "#1"];
 * // mirror.bitfieldRo("counters", ...ops); // [first byte unsigned, second 16-bit field signed]
 * console.log(ops.length);
 * ```
 */
export type BitfieldToken = string | number | Uint8Array;

/**
 * Reads of string values.
 *
 * @example
 * ```ts
 * import { Mirror, type StringReads } from "../../mod.ts";
 * const emptyRdb = new Uint8Array([...new TextEncoder().encode("REDIS0011"), 0xff, 0, 0, 0, 0, 0, 0, 0, 0]);
 * const mirror = await Mirror.fromRdb(emptyRdb);
 * const reads: StringReads<string> = mirror;
 * console.log(reads.get("greeting"), reads.strlen("greeting")); // null 0
 * await mirror.close();
 * ```
 */
export interface StringReads<T extends Text> {
  /**
   * The string value of `key`, or `null` when it does not exist (Redis `GET`).
   *
   * @example
   * ```ts ignore
   * mirror.get("user:1:name"); // "Alice"
   * ```
   */
  get(key: KeyInput): T | null;
  /** The values of several string keys; `null` for missing keys and keys of other types (Redis `MGET`). */
  mget(...keys: KeyInput[]): (T | null)[];
  /** Length of the string value, 0 when missing (Redis `STRLEN`). */
  strlen(key: KeyInput): number;
  /** Substring by inclusive byte offsets, negative from the end; `""` when missing (Redis `GETRANGE`). */
  getrange(key: KeyInput, start: number, end: number): T;
  /**
   * The bit at `offset` (0 = most significant bit of the first byte): 0 or
   * 1, 0 past the end and for a missing key (Redis `GETBIT`). Unlike Redis
   * with its default `proto-max-bulk-len`, offsets of 2^32 and beyond are
   * accepted (they read 0).
   *
   * @example
   * ```ts ignore
   * mirror.getbit("visits:2024-05-01", 4711); // 1 when user 4711 visited
   * ```
   */
  getbit(key: KeyInput, offset: number): number;
  /**
   * Number of set bits, in the whole value or in the inclusive range
   * `start`..`end` (negative from the end), counted in bytes or, with unit
   * `"bit"`, in bits; 0 for a missing key (Redis `BITCOUNT key [start end
   * [BYTE|BIT]]`). `start` needs `end`, as in Redis.
   *
   * @example
   * ```ts ignore
   * mirror.bitcount("visits:2024-05-01");            // users that visited
   * mirror.bitcount("flags", 0, 11, "bit");          // set bits among the first 12
   * ```
   */
  bitcount(key: KeyInput, start?: number, end?: number, unit?: BitUnit): number;
  /**
   * Position of the first bit equal to `bit` (0 or 1), optionally within the
   * inclusive range `start`..`end` in bytes or bits (Redis `BITPOS key bit
   * [start [end [BYTE|BIT]]]`). As Redis: -1 when no such bit; looking for
   * 0 without `end` treats the value as padded with zeros on the right (all
   * ones → its length in bits); a missing key is all zeros (0 for bit 0, -1
   * for bit 1).
   */
  bitpos(key: KeyInput, bit: number, start?: number, end?: number, unit?: BitUnit): number;
  /**
   * BITFIELD_RO: the integers at the given offsets, one per `GET type
   * offset` (types `i1`..`i64`, `u1`..`u63`; offsets as numbers, or text
   * with `#n` meaning n × the type's width), as Redis's token list
   * (`OVERFLOW` is accepted and ignored, as Redis does). Fields of up to 53
   * bits come back as numbers, wider ones as bigints. A missing key reads as
   * zeros; `SET`/`INCRBY` throw as in Redis.
   *
   * @example
   * ```ts ignore
   * mirror.bitfieldRo("counters", "GET", "u8", 0, "GET", "i16", "#1"); // [200, -3]
   * ```
   */
  bitfieldRo(key: KeyInput, ...ops: BitfieldToken[]): (number | bigint)[];
}

const textDecoder = new TextDecoder();
const textEncoder = new TextEncoder();

const NOT_INTEGER = "ERR value is not an integer or out of range";
const BAD_OFFSET = "ERR bit offset is not an integer or out of range";
const SYNTAX = "ERR syntax error";
const BAD_BIT = "ERR The bit argument must be 1 or 0.";
const BAD_TYPE = "ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.";

function argumentError(message: string): VeidrodelisError {
  return new VeidrodelisError("ARGUMENT", message);
}

/** An integer argument (Redis's `getLongLongFromObjectOrReply`). */
function integer(value: number): number {
  if (!Number.isInteger(value)) throw argumentError(NOT_INTEGER);
  return value;
}

/** The declarations of {@linkcode StringReads}. */
export const stringReads: ReadTable<StringReads<Text>> = {
  get: {
    args: ["key"],
    redis: "GET",
    run: (ctx: ReadContext, key: KeyInput): Text | null => findString(ctx, key) ? foundText(ctx) : null,
  },
  mget: {
    args: ["keys"],
    redis: "MGET",
    run: (ctx: ReadContext, ...keys: KeyInput[]): (Text | null)[] => {
      const values: (Text | null)[] = new Array(keys.length);
      for (let i = 0; i < keys.length; i++) {
        values[i] = findLive(ctx, keys[i]) === ValueType.string ? foundText(ctx) : null;
      }
      return values;
    },
  },
  strlen: {
    args: ["key"],
    redis: "STRLEN",
    run: (ctx: ReadContext, key: KeyInput): number => findString(ctx, key) ? ctx.store.foundStrlen() : 0,
  },
  getrange: {
    args: ["key", "int", "int"],
    redis: "GETRANGE",
    run: (ctx: ReadContext, key: KeyInput, start: number, end: number): Text => {
      integer(start);
      integer(end);
      const bytes = findString(ctx, key) ? ctx.store.foundRange(start, end) : new Uint8Array(0);
      return ctx.bytes ? bytes : textDecoder.decode(bytes);
    },
  },
  getbit: {
    args: ["key", "int"],
    redis: "GETBIT",
    run: (ctx: ReadContext, key: KeyInput, offset: number): number => {
      if (!(Number.isSafeInteger(offset) && offset >= 0)) throw argumentError(BAD_OFFSET);
      if (!findString(ctx, key)) return 0;
      return (ctx.store.foundStringByte(Math.floor(offset / 8)) >> (7 - (offset % 8))) & 1;
    },
  },
  bitcount: {
    args: ["key", "int?", "int?", "value?"],
    redis: "BITCOUNT",
    run: bitcount,
  },
  bitpos: {
    args: ["key", "int", "int?", "int?", "value?"],
    redis: "BITPOS",
    run: bitpos,
  },
  bitfieldRo: {
    args: ["key", "values"],
    redis: "BITFIELD_RO",
    run: bitfieldRo,
  },
};

// ------------------------------------------------------------------ BITCOUNT / BITPOS

/** An inclusive range of bits of a value, after Redis's index rules; empty when `first > last`. */
interface BitRange {
  first: number;
  last: number;
}

/** Whether the optional unit argument says bits; anything but BIT/BYTE (any case) is a syntax error. */
function isBitUnit(unit: BitUnit | Uint8Array | undefined): boolean {
  if (unit === undefined) return false;
  const word = (typeof unit === "string" ? unit : textDecoder.decode(unit)).toLowerCase();
  if (word === "bit") return true;
  if (word === "byte") return false;
  throw argumentError(SYNTAX);
}

/**
 * Redis's range normalisation for BITCOUNT/BITPOS: negative indexes from
 * the end, clamped to the value; the result in bits (a byte range covers
 * its bytes' bits).
 */
function bitRange(len: number, start: number, end: number, inBits: boolean): BitRange {
  const total = inBits ? len * 8 : len;
  if (start < 0) start = total + start;
  if (end < 0) end = total + end;
  if (start < 0) start = 0;
  if (end < 0) end = 0;
  if (end >= total) end = total - 1;
  if (start > end) return { first: 1, last: 0 };
  return inBits ? { first: start, last: end } : { first: start * 8, last: end * 8 + 7 };
}

function bitcount(
  ctx: ReadContext,
  key: KeyInput,
  start?: number,
  end?: number,
  unit?: BitUnit | Uint8Array,
): number {
  // as Redis: a missing key answers 0 before the arguments are looked at
  if (!findString(ctx, key)) return 0;
  const store = ctx.store;
  const len = store.foundStrlen();
  let range: BitRange;
  if (start === undefined && end === undefined && unit === undefined) {
    range = { first: 0, last: len * 8 - 1 };
  } else {
    if (start === undefined || end === undefined) throw argumentError(SYNTAX);
    integer(start);
    integer(end);
    if (start < 0 && end < 0 && start > end) return 0;
    range = bitRange(len, start, end, isBitUnit(unit));
  }
  if (range.first > range.last) return 0;
  return countBits(store.foundStringView(), range.first, range.last);
}

function bitpos(
  ctx: ReadContext,
  key: KeyInput,
  bit: number,
  start?: number,
  end?: number,
  unit?: BitUnit | Uint8Array,
): number {
  integer(bit);
  if (bit !== 0 && bit !== 1) throw argumentError(BAD_BIT);
  // a missing key is an infinite run of zeros
  if (!findString(ctx, key)) return bit === 1 ? -1 : 0;
  const store = ctx.store;
  const len = store.foundStrlen();
  let range: BitRange;
  const endGiven = end !== undefined;
  if (start === undefined) {
    if (endGiven || unit !== undefined) throw argumentError(SYNTAX);
    range = { first: 0, last: len * 8 - 1 };
  } else {
    if (unit !== undefined && !endGiven) throw argumentError(SYNTAX);
    integer(start);
    const inBits = isBitUnit(unit); // Redis parses the unit before `end`
    if (endGiven) integer(end);
    range = bitRange(len, start, endGiven ? end : (inBits ? len * 8 : len) - 1, inBits);
  }
  if (range.first > range.last) return -1;
  const found = findBit(store.foundStringView(), range.first, range.last, bit);
  if (found !== -1 || bit === 1) return found;
  // no 0 in range: without an explicit end the value counts as zero padded on the right
  return endGiven ? -1 : range.last + 1;
}

/** Set bits per byte value. */
const POPCOUNT = /* @__PURE__ */ (() => {
  const table = new Uint8Array(256);
  for (let i = 1; i < 256; i++) table[i] = (i & 1) + table[i >> 1];
  return table;
})();

/** Bit `i` of `bytes` (0 = most significant bit of byte 0). */
function bitAt(bytes: Uint8Array, i: number): number {
  return (bytes[i >>> 3] >> (7 - (i & 7))) & 1;
}

/** Whole 32-bit words from here on: worth a word view of the memory. */
const WORD_RUN = 64;

/**
 * The 4-byte aligned words within bytes [from, to) of `bytes` (a view of
 * the wasm memory, so alignment is taken on absolute addresses): the word
 * view and the byte index (relative to `bytes`) of its first word.
 */
function wordsOf(bytes: Uint8Array, from: number, to: number): { words: Uint32Array; at: number } {
  const base = bytes.byteOffset;
  const at = ((base + from + 3) & ~3) - base;
  const count = Math.max(0, (to - at) >> 2);
  return { words: new Uint32Array(bytes.buffer, base + at, count), at };
}

/** Number of set bits in bits [first, last] of `bytes`. */
function countBits(bytes: Uint8Array, first: number, last: number): number {
  let n = 0;
  let i = first;
  while (i <= last && (i & 7) !== 0) n += bitAt(bytes, i++);
  if (i > last) return n;
  let byte = i >>> 3; // i is byte aligned from here on
  const end = (last + 1) >>> 3; // bytes [byte, end) are wholly inside the range
  if (end - byte >= WORD_RUN) {
    const { words, at } = wordsOf(bytes, byte, end);
    for (; byte < at; byte++) n += POPCOUNT[bytes[byte]];
    for (let w = 0; w < words.length; w++) {
      let v = words[w];
      v = v - ((v >>> 1) & 0x55555555);
      v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
      n += Math.imul((v + (v >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24;
    }
    byte = at + words.length * 4;
  }
  for (; byte < end; byte++) n += POPCOUNT[bytes[byte]];
  for (i = end * 8; i <= last; i++) n += bitAt(bytes, i);
  return n;
}

/** Position of the first bit equal to `bit` in bits [first, last] of `bytes`, or -1. */
function findBit(bytes: Uint8Array, first: number, last: number, bit: number): number {
  let i = first;
  for (; i <= last && (i & 7) !== 0; i++) if (bitAt(bytes, i) === bit) return i;
  if (i > last) return -1;
  let byte = i >>> 3; // i is byte aligned from here on
  const end = (last + 1) >>> 3;
  const skip = bit === 1 ? 0 : 0xff;
  if (end - byte >= WORD_RUN) {
    const { words, at } = wordsOf(bytes, byte, end);
    while (byte < at && bytes[byte] === skip) byte++;
    if (byte === at) {
      const skipWord = bit === 1 ? 0 : 0xffffffff;
      let w = 0;
      while (w < words.length && words[w] === skipWord) w++;
      byte = at + w * 4;
    }
  }
  while (byte < end && bytes[byte] === skip) byte++;
  // the first byte not skipped holds the bit (or the range's partial tail does)
  for (i = byte * 8; i <= last; i++) if (bitAt(bytes, i) === bit) return i;
  return -1;
}

// ------------------------------------------------------------------ BITFIELD_RO

/** One parsed GET of BITFIELD_RO. */
interface BitfieldGet {
  signed: boolean;
  bits: number;
  offset: number;
}

/** A token as bytes (numbers as their decimal text, as a Redis client sends them). */
function tokenBytes(token: BitfieldToken): Uint8Array {
  if (token instanceof Uint8Array) return token;
  return textEncoder.encode(typeof token === "number" ? String(token) : token);
}

/** A subcommand or option word, lower case. */
function tokenWord(token: BitfieldToken): string {
  if (typeof token === "number") return "";
  return (typeof token === "string" ? token : textDecoder.decode(token)).toLowerCase();
}

/** `getBitfieldTypeFromArgument`: i1..i64 or u1..u63 (case-sensitive, as Redis). */
function bitfieldType(token: BitfieldToken): { signed: boolean; bits: number } {
  const arg = tokenBytes(token);
  const c = arg.length > 0 ? arg[0] : 0;
  if (c !== 105 && c !== 117) throw argumentError(BAD_TYPE); // 'i' | 'u'
  const signed = c === 105;
  const bits = parseShortInt(arg.subarray(1));
  if (bits === null || bits < 1 || bits > (signed ? 64 : 63)) throw argumentError(BAD_TYPE);
  return { signed, bits };
}

/**
 * `getBitOffsetFromArgument` with `#`: a non-negative int64, `#n` meaning
 * n × `bits` (multiplied as C's long long). Offsets past 2^53 bits cannot
 * address any stored value and are refused as out of range.
 */
function bitfieldOffset(token: BitfieldToken, bits: number): number {
  if (typeof token === "number") {
    if (!(Number.isSafeInteger(token) && token >= 0)) throw argumentError(BAD_OFFSET);
    return token;
  }
  const arg = tokenBytes(token);
  const hash = arg.length > 0 && arg[0] === 35; // '#'
  let v = parseInt64(hash ? arg.subarray(1) : arg);
  if (v === null) throw argumentError(BAD_OFFSET);
  if (hash) v = BigInt.asIntN(64, v * BigInt(bits));
  if (v < 0n || v >= 1n << 53n) throw argumentError(BAD_OFFSET);
  return Number(v);
}

/** Parses the tokens as `bitfieldGeneric` does, then refuses writes as BITFIELD_RO does. */
function parseBitfieldRo(tokens: readonly BitfieldToken[]): BitfieldGet[] {
  const gets: BitfieldGet[] = [];
  let writes = false;
  for (let j = 0; j < tokens.length; j++) {
    const remaining = tokens.length - j - 1;
    const sub = tokenWord(tokens[j]);
    let width: number;
    if (sub === "get" && remaining >= 2) width = 2;
    else if ((sub === "set" || sub === "incrby") && remaining >= 3) width = 3;
    else if (sub === "overflow" && remaining >= 1) {
      const policy = tokenWord(tokens[++j]);
      if (policy !== "wrap" && policy !== "sat" && policy !== "fail") {
        throw argumentError("ERR Invalid OVERFLOW type specified");
      }
      continue;
    } else {
      throw argumentError(SYNTAX);
    }
    const { signed, bits } = bitfieldType(tokens[j + 1]);
    const offset = bitfieldOffset(tokens[j + 2], bits);
    if (width === 3) {
      writes = true;
      const value = tokens[j + 3];
      if (typeof value === "number" ? !Number.isInteger(value) : parseInt64(tokenBytes(value)) === null) {
        throw argumentError(NOT_INTEGER);
      }
    } else {
      gets.push({ signed, bits, offset });
    }
    j += width;
  }
  if (writes) throw argumentError("ERR BITFIELD_RO only supports the GET subcommand");
  return gets;
}

/** Bytes of the found string, zero padded (the reads never write). */
function foundBytesAccess(store: Store): ByteAccess {
  return { get: (i) => store.foundStringByte(i), set: () => {} };
}

/** Bytes of a missing key: all zeros. */
const ZEROS: ByteAccess = { get: () => 0, set: () => {} };

function bitfieldRo(ctx: ReadContext, key: KeyInput, ...tokens: BitfieldToken[]): (number | bigint)[] {
  const gets = parseBitfieldRo(tokens);
  const bytes = findString(ctx, key) ? foundBytesAccess(ctx.store) : ZEROS;
  const values: (number | bigint)[] = new Array(gets.length);
  for (let i = 0; i < gets.length; i++) {
    const { signed, bits, offset } = gets[i];
    const v = signed ? getSignedBits(bytes, offset, bits) : getUnsignedBits(bytes, offset, bits);
    values[i] = bits <= 53 ? Number(v) : v;
  }
  return values;
}
