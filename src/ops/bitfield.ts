/**
 * Bit-level arithmetic of Redis's bitmap commands (src/bitops.c), independent
 * of the store: strict int64 parsing, BITFIELD's integer get/set over any
 * bit offset (most significant bit first), its WRAP/SAT/FAIL overflow rules
 * with C's exact 64-bit wrap-around, and {@linkcode BytePatch}, the few bytes
 * of a string value a command reads and rewrites.
 *
 * 64-bit values are `bigint`: BITFIELD is rare on a replication stream and
 * each operation touches at most 64 bits, so BigInt's cost (well under a
 * microsecond per operation) buys exactness with code that reads like the C.
 *
 * @module
 */

const INT64_MIN = -(1n << 63n);
const INT64_MAX = (1n << 63n) - 1n;
const UINT64_MASK = (1n << 64n) - 1n;

/** Overflow policies of BITFIELD's `OVERFLOW` subcommand. */
export const OVERFLOW_WRAP = 0, OVERFLOW_SAT = 1, OVERFLOW_FAIL = 2;

/** Byte access for the bit helpers: a whole value or a {@linkcode BytePatch}. */
export interface ByteAccess {
  /** The byte at `index` (0 past the end, as a zero-padded string). */
  get(index: number): number;
  /** Writes the byte at `index` (0..255). */
  set(index: number, value: number): void;
}

/** A contiguous run of changed bytes, to be written back at `offset`. */
export interface ByteRun {
  offset: number;
  bytes: Uint8Array;
}

/**
 * The bytes of a string value a command touches, read lazily from the value
 * (through `read`, which must stay valid until the command stops reading) and
 * changed locally; {@linkcode BytePatch.runs} lists what to write back, so a
 * big bitmap is never copied for a few changed bytes.
 */
export class BytePatch implements ByteAccess {
  private readonly original = new Map<number, number>();
  private readonly current = new Map<number, number>();
  private readonly forced = new Set<number>();

  /**
   * @param read reads bytes [start, end) of the value (fewer when the value is
   *   shorter: missing bytes read as 0)
   */
  constructor(private readonly read: (start: number, end: number) => Uint8Array) {}

  /** Loads bytes [start, end) in one read (optional: `get` loads what it misses). */
  preload(start: number, end: number): void {
    let first = start;
    while (first < end && this.original.has(first)) first++;
    if (first >= end) return;
    const bytes = this.read(first, end);
    for (let i = first; i < end; i++) {
      if (this.original.has(i)) continue;
      const b = i - first < bytes.length ? bytes[i - first] : 0;
      this.original.set(i, b);
      this.current.set(i, b);
    }
  }

  get(index: number): number {
    const v = this.current.get(index);
    if (v !== undefined) return v;
    this.preload(index, index + 1);
    return this.current.get(index)!;
  }

  set(index: number, value: number): void {
    if (!this.original.has(index)) this.preload(index, index + 1);
    this.current.set(index, value & 0xff);
  }

  /** Makes `index` part of the write-back even when unchanged (a string that must grow to reach it). */
  touch(index: number): void {
    if (!this.original.has(index)) this.preload(index, index + 1);
    this.forced.add(index);
  }

  /** Changed (or touched) bytes as contiguous runs, in offset order. */
  runs(): ByteRun[] {
    const changed: number[] = [];
    for (const [i, v] of this.current) if (v !== this.original.get(i) || this.forced.has(i)) changed.push(i);
    changed.sort((a, b) => a - b);
    const out: ByteRun[] = [];
    let k = 0;
    while (k < changed.length) {
      let end = k + 1;
      while (end < changed.length && changed[end] === changed[end - 1] + 1) end++;
      const bytes = new Uint8Array(end - k);
      for (let j = k; j < end; j++) bytes[j - k] = this.current.get(changed[j])!;
      out.push({ offset: changed[k], bytes });
      k = end;
    }
    return out;
  }
}

/** A {@linkcode ByteAccess} over a whole value held in memory. */
export function arrayAccess(bytes: Uint8Array): ByteAccess {
  return {
    get: (i) => i < bytes.length ? bytes[i] : 0,
    set: (i, v) => {
      bytes[i] = v;
    },
  };
}

/**
 * Parses a signed 64-bit integer as Redis's `string2ll` does (no `+`, no
 * spaces, no leading zeros, `-0` refused, at most int64's range); null when
 * the argument is not one.
 */
export function parseInt64(arg: Uint8Array): bigint | null {
  const n = arg.length;
  if (n <= 15) {
    const v = parseShortInt(arg);
    return v === null ? null : BigInt(v);
  }
  if (n > 20) return null;
  const negative = arg[0] === 45;
  const i = negative ? 1 : 0;
  if (arg[i] < 49 || arg[i] > 57) return null; // first digit 1-9
  let text = "";
  for (let j = i; j < n; j++) {
    const c = arg[j];
    if (c < 48 || c > 57) return null;
    text += String.fromCharCode(c);
  }
  const v = negative ? -BigInt(text) : BigInt(text);
  return v < INT64_MIN || v > INT64_MAX ? null : v;
}

/**
 * {@linkcode parseInt64} for arguments of at most 15 characters (always exact
 * as a number); null when invalid or longer.
 */
export function parseShortInt(arg: Uint8Array): number | null {
  const n = arg.length;
  if (n === 0 || n > 15) return null;
  if (n === 1 && arg[0] === 48) return 0;
  const negative = arg[0] === 45;
  let i = negative ? 1 : 0;
  if (i === n || arg[i] < 49 || arg[i] > 57) return null; // first digit 1-9
  let v = 0;
  for (; i < n; i++) {
    const d = arg[i] - 48;
    if (d < 0 || d > 9) return null;
    v = v * 10 + d;
  }
  return negative ? -v : v;
}

/**
 * The bytes covering bits [offset, offset + bits) as one big-endian integer
 * (at most 9 bytes), with the shift that aligns the field's last bit.
 */
function coveringBytes(
  p: ByteAccess,
  offset: number,
  bits: number,
): { acc: bigint; first: number; count: number; shift: bigint } {
  const first = Math.floor(offset / 8);
  const lastBit = offset + bits - 1;
  const last = Math.floor(lastBit / 8);
  let acc = 0n;
  for (let i = first; i <= last; i++) acc = (acc << 8n) | BigInt(p.get(i));
  return { acc, first, count: last - first + 1, shift: BigInt(7 - (lastBit % 8)) };
}

/** Unsigned value of `bits` bits at bit `offset` (bit 0 = most significant bit of byte 0). */
export function getUnsignedBits(p: ByteAccess, offset: number, bits: number): bigint {
  const { acc, shift } = coveringBytes(p, offset, bits);
  return (acc >> shift) & ((1n << BigInt(bits)) - 1n);
}

/** Signed (two's complement) value of `bits` bits at bit `offset`. */
export function getSignedBits(p: ByteAccess, offset: number, bits: number): bigint {
  return BigInt.asIntN(bits, getUnsignedBits(p, offset, bits));
}

/** Writes the low `bits` bits of `value` (any sign: taken modulo 2^64) at bit `offset`, MSB first. */
export function setBits(p: ByteAccess, offset: number, bits: number, value: bigint): void {
  const { acc, first, count, shift } = coveringBytes(p, offset, bits);
  const mask = ((1n << BigInt(bits)) - 1n) << shift;
  let next = (acc & ~mask) | ((BigInt.asUintN(bits, value) << shift) & mask);
  for (let i = first + count - 1; i >= first; i--) {
    p.set(i, Number(next & 0xffn));
    next >>= 8n;
  }
}

/** Outcome of an overflow check: 0 none, 1 above max, -1 below min; `limit` the WRAP/SAT result. */
export interface OverflowCheck {
  overflow: -1 | 0 | 1;
  limit: bigint;
}

const asI64 = (v: bigint) => BigInt.asIntN(64, v);
const asU64 = (v: bigint) => BigInt.asUintN(64, v);

/**
 * `checkUnsignedBitfieldOverflow`: `value` is a uint64, `incr` an int64; the
 * comparisons run on int64 differences wrapped as C computes them.
 */
export function checkUnsignedOverflow(value: bigint, incr: bigint, bits: number, policy: number): OverflowCheck {
  const max = bits === 64 ? UINT64_MASK : (1n << BigInt(bits)) - 1n;
  const maxincr = asI64(max - value);
  const minincr = asI64(-value);
  let overflow: -1 | 0 | 1 = 0;
  if (value > max || (incr > 0n && incr > maxincr)) overflow = 1;
  else if (incr < 0n && incr < minincr) overflow = -1;
  if (overflow === 0) return { overflow, limit: 0n };
  if (policy === OVERFLOW_WRAP) {
    const mask = asU64(UINT64_MASK << BigInt(bits));
    return { overflow, limit: asU64(value + incr) & ~mask & UINT64_MASK };
  }
  return { overflow, limit: overflow > 0 ? max : 0n };
}

/**
 * `checkSignedBitfieldOverflow`: `value` and `incr` are int64; `maxincr` is
 * computed as a uint64 difference and `minincr` wraps as gcc's code does.
 */
export function checkSignedOverflow(value: bigint, incr: bigint, bits: number, policy: number): OverflowCheck {
  const max = bits === 64 ? INT64_MAX : (1n << BigInt(bits - 1)) - 1n;
  const min = -max - 1n;
  const maxincr = asI64(asU64(max) - asU64(value));
  const minincr = asI64(min - value);
  let overflow: -1 | 0 | 1 = 0;
  if (value > max || (bits !== 64 && incr > maxincr) || (value >= 0n && incr > 0n && incr > maxincr)) overflow = 1;
  else if (value < min || (bits !== 64 && incr < minincr) || (value < 0n && incr < 0n && incr < minincr)) {
    overflow = -1;
  }
  if (overflow === 0) return { overflow, limit: 0n };
  if (policy === OVERFLOW_WRAP) {
    let c = asU64(value + incr);
    if (bits < 64) {
      const msb = 1n << BigInt(bits - 1);
      const mask = asU64(UINT64_MASK << BigInt(bits));
      c = (c & msb) !== 0n ? c | mask : c & ~mask & UINT64_MASK;
    }
    return { overflow, limit: asI64(c) };
  }
  return { overflow, limit: overflow > 0 ? max : min };
}

/** One BITFIELD subcommand after parsing. */
export interface BitfieldOp {
  kind: "get" | "set" | "incrby";
  signed: boolean;
  bits: number;
  /** Bit offset (already multiplied for the `#n` form). */
  offset: number;
  /** SET value or INCRBY increment (0n for GET). */
  value: bigint;
  policy: number;
}

/** Result of applying one write op: whether it wrote (FAIL overflow skips) and whether the bits changed. */
export interface BitfieldOutcome {
  written: boolean;
  changed: boolean;
}

/** Applies one SET/INCRBY op to `p` as bitfieldGeneric does (GET ops are not passed here). */
export function applyBitfieldOp(p: ByteAccess, op: BitfieldOp): BitfieldOutcome {
  const old = op.signed ? getSignedBits(p, op.offset, op.bits) : getUnsignedBits(p, op.offset, op.bits);
  let next: bigint;
  let check: OverflowCheck;
  if (op.signed) {
    if (op.kind === "incrby") {
      check = checkSignedOverflow(old, op.value, op.bits, op.policy);
      next = check.overflow ? check.limit : asI64(old + op.value);
    } else {
      check = checkSignedOverflow(op.value, 0n, op.bits, op.policy);
      next = check.overflow ? check.limit : op.value;
    }
  } else {
    // the SET value and the increment are int64 arguments taken as uint64 where C does so
    if (op.kind === "incrby") {
      check = checkUnsignedOverflow(old, op.value, op.bits, op.policy);
      next = check.overflow ? check.limit : asU64(old + op.value);
    } else {
      const v = asU64(op.value);
      check = checkUnsignedOverflow(v, 0n, op.bits, op.policy);
      next = check.overflow ? check.limit : v;
    }
  }
  if (check.overflow !== 0 && op.policy === OVERFLOW_FAIL) return { written: false, changed: false };
  setBits(p, op.offset, op.bits, next);
  return { written: true, changed: old !== next };
}
