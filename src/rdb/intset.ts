/**
 * Intset reader (Redis `src/intset.c`): sets of integers.
 *
 * Layout: element width in bytes (u32 LE: 2, 4 or 8), element count (u32 LE),
 * then the sorted elements, little-endian signed. An empty intset is invalid
 * (Redis rejects it on load).
 *
 * @module
 */

import { i64le, i64leText, u32le } from "./bytes.ts";
import { IntOrBytesCursor } from "./entries.ts";

/**
 * Cursor over the members of an intset.
 *
 * @example
 * ```ts
 * import { IntsetCursor } from "./intset.ts";
 * const is = new Uint8Array([2, 0, 0, 0, 2, 0, 0, 0, 0xff, 0xff, 5, 0]); // {-1, 5}
 * const c = new IntsetCursor(is, 0);
 * while (c.next()) console.log(c.number());
 * ```
 */
export class IntsetCursor extends IntOrBytesCursor {
  protected readonly kind = "intset";
  /** Element width in bytes. */
  readonly width: number;
  /** Number of members. */
  readonly length: number;
  private p = 8;

  constructor(buf: Uint8Array, base: number, exact = true) {
    super(buf, base, exact);
    if (buf.length < 8) throw this.corrupt(`blob of ${buf.length} bytes is too short`, 0);
    this.width = u32le(buf, 0);
    if (this.width !== 2 && this.width !== 4 && this.width !== 8) {
      throw this.corrupt(`invalid element width ${this.width}`, 0);
    }
    this.length = u32le(buf, 4);
    if (8 + this.width * this.length !== buf.length) {
      throw this.corrupt(`${this.length} elements of ${this.width} bytes do not fill ${buf.length} bytes`, 4);
    }
    if (this.length === 0) throw this.corrupt("empty intset", 4);
    this.isInt = true;
  }

  next(): boolean {
    if (this.count === this.length) return false;
    const b = this.buf, q = this.p;
    this.bigText = null;
    if (this.width === 2) this.int = (b[q] | (b[q + 1] << 8)) << 16 >> 16;
    else if (this.width === 4) this.int = b[q] | (b[q + 1] << 8) | (b[q + 2] << 16) | (b[q + 3] << 24);
    else {
      const n = i64le(b, q);
      if (Number.isSafeInteger(n)) this.int = n;
      else this.bigText = i64leText(b, q);
    }
    this.p += this.width;
    this.count++;
    return true;
  }
}
