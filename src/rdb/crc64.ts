/**
 * CRC-64/Jones as Redis computes it (`src/crc64.c`): reflected polynomial
 * 0xad93d23594c935a9, initial value 0, no final xor. `"123456789"` gives
 * 0xe9c6d914c4b8d9ca.
 *
 * The state is kept as two unsigned 32-bit halves so the hot loop never touches
 * BigInt; bytes are folded eight at a time with slicing-by-8 tables.
 *
 * @module
 */

// Eight 256-entry tables per half; table k maps a byte that is k positions
// further from the end of an 8-byte block.
// Int32Array, not Uint32Array: values above 2^31 would leave V8's small-integer
// fast path and make the hot loop several times slower.
const LO = new Int32Array(8 * 256);
const HI = new Int32Array(8 * 256);

(function buildTables() {
  // The bit-reversed form of 0xad93d23594c935a9, split into halves.
  const polyLo = 0xac4bc9b5;
  const polyHi = 0x95ac9329;
  for (let i = 0; i < 256; i++) {
    let lo = i, hi = 0;
    for (let b = 0; b < 8; b++) {
      const odd = lo & 1;
      lo = ((lo >>> 1) | ((hi & 1) << 31)) >>> 0;
      hi = hi >>> 1;
      if (odd) {
        lo = (lo ^ polyLo) >>> 0;
        hi = (hi ^ polyHi) >>> 0;
      }
    }
    LO[i] = lo;
    HI[i] = hi;
  }
  for (let k = 1; k < 8; k++) {
    for (let i = 0; i < 256; i++) {
      const plo = LO[(k - 1) * 256 + i], phi = HI[(k - 1) * 256 + i];
      const t = plo & 0xff;
      LO[k * 256 + i] = ((plo >>> 8) | (phi << 24)) ^ LO[t];
      HI[k * 256 + i] = (phi >>> 8) ^ HI[t];
    }
  }
})();

/**
 * A running CRC-64 as the decoder needs it: {@linkcode Crc64} here, or a
 * faster one (the store's WebAssembly kernel) passed in the decoder options.
 */
export interface RunningCrc64 {
  /** Folds `buf[start..end)` into the CRC. */
  update(buf: Uint8Array, start?: number, end?: number): void;
  /** True when the CRC equals the 8 little-endian bytes at `buf[at..at+8)`. */
  equalsLE(buf: Uint8Array, at: number): boolean;
  /** The CRC as 16 lowercase hex digits. */
  hex(): string;
}

/**
 * An incremental CRC-64 (Redis flavour).
 *
 * @example
 * ```ts
 * import { Crc64 } from "./crc64.ts";
 * const c = new Crc64();
 * c.update(new TextEncoder().encode("123456789"));
 * console.log(c.hex()); // "e9c6d914c4b8d9ca"
 * ```
 */
export class Crc64 implements RunningCrc64 {
  /** Low 32 bits of the running CRC. */
  lo = 0;
  /** High 32 bits of the running CRC. */
  hi = 0;

  /** Fold `buf[start..end)` into the CRC. */
  update(buf: Uint8Array, start = 0, end = buf.length): void {
    let lo = this.lo | 0, hi = this.hi | 0, i = start;
    const fast = end - 8;
    while (i <= fast) {
      const a = lo ^ (buf[i] | (buf[i + 1] << 8) | (buf[i + 2] << 16) | (buf[i + 3] << 24));
      const b = hi ^ (buf[i + 4] | (buf[i + 5] << 8) | (buf[i + 6] << 16) | (buf[i + 7] << 24));
      const i7 = 7 * 256 + (a & 0xff), i6 = 6 * 256 + ((a >>> 8) & 0xff);
      const i5 = 5 * 256 + ((a >>> 16) & 0xff), i4 = 4 * 256 + (a >>> 24);
      const i3 = 3 * 256 + (b & 0xff), i2 = 2 * 256 + ((b >>> 8) & 0xff);
      const i1 = 256 + ((b >>> 16) & 0xff), i0 = b >>> 24;
      lo = LO[i7] ^ LO[i6] ^ LO[i5] ^ LO[i4] ^ LO[i3] ^ LO[i2] ^ LO[i1] ^ LO[i0];
      hi = HI[i7] ^ HI[i6] ^ HI[i5] ^ HI[i4] ^ HI[i3] ^ HI[i2] ^ HI[i1] ^ HI[i0];
      i += 8;
    }
    while (i < end) {
      const t = (lo ^ buf[i++]) & 0xff;
      lo = ((lo >>> 8) | (hi << 24)) ^ LO[t];
      hi = (hi >>> 8) ^ HI[t];
    }
    this.lo = lo >>> 0;
    this.hi = hi >>> 0;
  }

  /** True when the CRC equals the 8 little-endian bytes at `buf[at..at+8)`. */
  equalsLE(buf: Uint8Array, at: number): boolean {
    const lo = (buf[at] | (buf[at + 1] << 8) | (buf[at + 2] << 16) | (buf[at + 3] << 24)) >>> 0;
    const hi = (buf[at + 4] | (buf[at + 5] << 8) | (buf[at + 6] << 16) | (buf[at + 7] << 24)) >>> 0;
    return lo === this.lo && hi === this.hi;
  }

  /** The CRC as 16 lowercase hex digits. */
  hex(): string {
    return this.hi.toString(16).padStart(8, "0") + this.lo.toString(16).padStart(8, "0");
  }

  /** The CRC as a BigInt (for tests and diagnostics, not the hot path). */
  value(): bigint {
    return (BigInt(this.hi) << 32n) | BigInt(this.lo);
  }
}

/**
 * CRC-64 of a whole buffer.
 *
 * @example
 * ```ts
 * import { crc64 } from "./crc64.ts";
 * console.log(crc64(new TextEncoder().encode("123456789")).toString(16)); // "e9c6d914c4b8d9ca"
 * ```
 */
export function crc64(buf: Uint8Array): bigint {
  const c = new Crc64();
  c.update(buf);
  return c.value();
}
