/**
 * Zipmap reader (Redis `src/zipmap.c`, RDB < 4 hashes).
 *
 * Layout: a count byte (254 = "walk to count", otherwise the pair count), then entries
 * `<len>key<len><free>value<free bytes>` and a final 0xFF. A length is one
 * byte below 254, or 254 followed by a u32 (little-endian, as written on x86).
 * The cursor yields field, value, field, value…
 *
 * @module
 */

import { u32le } from "./bytes.ts";
import { IntOrBytesCursor } from "./entries.ts";

/**
 * Cursor over a zipmap, yielding keys and values alternately.
 *
 * @example
 * ```ts
 * import { ZipmapCursor } from "./zipmap.ts";
 * const zm = new Uint8Array([1, 1, 0x61, 1, 0, 0x62, 0xff]); // {a: b}
 * const c = new ZipmapCursor(zm, 0);
 * while (c.next()) console.log(new TextDecoder().decode(c.bytes())); // "a", "b"
 * ```
 */
export class ZipmapCursor extends IntOrBytesCursor {
  protected readonly kind = "zipmap";
  /** Declared pair count, or 254 when unknown. */
  readonly declared: number;
  private p = 1;
  private onValue = false;
  private finished = false;

  constructor(buf: Uint8Array, base: number, exact = true) {
    super(buf, base, exact);
    if (buf.length < 2) throw this.corrupt(`blob of ${buf.length} bytes is too short`, 0);
    this.declared = buf[0];
  }

  next(): boolean {
    if (this.finished) return false;
    const b = this.buf, last = b.length - 1;
    let q = this.p;
    if (q > last) throw this.corrupt("missing 0xFF terminator", last);
    if (b[q] === 0xff) {
      if (this.onValue) throw this.corrupt("key without a value", q);
      if (q !== last) throw this.corrupt("terminator before the end of the blob", q);
      // As Redis's zipmapValidateIntegrity: at least one pair, and a count
      // byte that is either 254 ("walk to count") or the pair count.
      if (this.count === 0) throw this.corrupt("empty zipmap", 0);
      if (this.declared !== 254 && this.declared * 2 !== this.count) {
        throw this.corrupt(`header counts ${this.declared} pairs, found ${this.count >> 1}`, 0);
      }
      this.finished = true;
      return false;
    }
    let len: number;
    if (b[q] < 254) len = b[q++];
    else if (b[q] === 254) {
      if (q + 5 > last) throw this.corrupt("length runs past the end", q);
      len = u32le(b, q + 1);
      q += 5;
    } else throw this.corrupt("invalid length byte", q);
    let free = 0;
    if (this.onValue) {
      if (q >= last) throw this.corrupt("free byte runs past the end", q);
      free = b[q++];
    }
    const end = q + len;
    if (end + free > last) throw this.corrupt(`entry of ${len} bytes runs past the end`, this.p);
    this.isInt = false;
    this.sStart = q;
    this.sEnd = end;
    this.p = end + free;
    this.onValue = !this.onValue;
    this.count++;
    return true;
  }
}
