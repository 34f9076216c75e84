/**
 * Listpack reader (Redis `src/listpack.c`): the blob used by RDB ≥ 10 for
 * small hashes, zsets, sets, quicklist v2 nodes and stream nodes.
 *
 * Layout: total bytes (u32 LE), element count (u16 LE, 65535 = unknown),
 * elements, 0xFF. Element: encoding byte(s), data, then a "backlen" of 1..5
 * bytes holding the element's own size (7 bits per byte, read right to left)
 * so the list can be walked backwards. Every field is checked against the
 * blob bounds; the backlen is checked too, which catches most corruption.
 *
 * @module
 */

import { i64le, i64leText, u16le, u32le } from "./bytes.ts";
import { IntOrBytesCursor } from "./entries.ts";

const HEADER = 6;

/**
 * Cursor over the elements of a listpack.
 *
 * @example
 * ```ts
 * import { ListpackCursor } from "./listpack.ts";
 * // 12 bytes, 2 elements: the 7-bit int 5 and the string "a", then 0xFF
 * const lp = new Uint8Array([12, 0, 0, 0, 2, 0, 0x05, 0x01, 0x81, 0x61, 0x02, 0xff]);
 * const c = new ListpackCursor(lp, 0);
 * while (c.next()) console.log(new TextDecoder().decode(c.bytes())); // "5", "a"
 * ```
 */
export class ListpackCursor extends IntOrBytesCursor {
  protected readonly kind = "listpack";
  /** Declared element count, or 65535 when the listpack did not track it. */
  readonly declared: number;
  private p = HEADER;
  private finished = false;

  constructor(buf: Uint8Array, base: number, exact = true) {
    super(buf, base, exact);
    if (buf.length < HEADER + 1) throw this.corrupt(`blob of ${buf.length} bytes is too short`, 0);
    const total = u32le(buf, 0);
    if (total !== buf.length) throw this.corrupt(`header says ${total} bytes, blob has ${buf.length}`, 0);
    if (buf[buf.length - 1] !== 0xff) throw this.corrupt("missing 0xFF terminator", buf.length - 1);
    this.declared = u16le(buf, 4);
  }

  next(): boolean {
    if (this.finished) return false;
    const b = this.buf, p = this.p, last = b.length - 1;
    const e = b[p];
    if (e === 0xff) {
      if (p !== last) throw this.corrupt("terminator before the end of the blob", p);
      if (this.declared !== 65535 && this.declared !== this.count) {
        throw this.corrupt(`header counts ${this.declared} elements, found ${this.count}`, 4);
      }
      this.finished = true;
      return false;
    }
    let size: number; // encoding + data
    this.bigText = null;
    if (e < 0x80) {
      this.isInt = true;
      this.int = e;
      size = 1;
    } else if ((e & 0xc0) === 0x80) {
      this.isInt = false;
      this.sStart = p + 1;
      size = 1 + (e & 0x3f);
    } else if ((e & 0xe0) === 0xc0) {
      this.need(p, 2);
      const v = ((e & 0x1f) << 8) | b[p + 1];
      this.isInt = true;
      this.int = v >= 4096 ? v - 8192 : v;
      size = 2;
    } else if ((e & 0xf0) === 0xe0) {
      this.need(p, 2);
      this.isInt = false;
      this.sStart = p + 2;
      size = 2 + (((e & 0x0f) << 8) | b[p + 1]);
    } else {
      switch (e) {
        case 0xf0:
          this.need(p, 5);
          this.isInt = false;
          this.sStart = p + 5;
          size = 5 + u32le(b, p + 1);
          break;
        case 0xf1:
          this.need(p, 3);
          this.isInt = true;
          this.int = (b[p + 1] | (b[p + 2] << 8)) << 16 >> 16;
          size = 3;
          break;
        case 0xf2:
          this.need(p, 4);
          this.isInt = true;
          this.int = (b[p + 1] | (b[p + 2] << 8) | (b[p + 3] << 16)) << 8 >> 8;
          size = 4;
          break;
        case 0xf3:
          this.need(p, 5);
          this.isInt = true;
          this.int = b[p + 1] | (b[p + 2] << 8) | (b[p + 3] << 16) | (b[p + 4] << 24);
          size = 5;
          break;
        case 0xf4: {
          this.need(p, 9);
          this.isInt = true;
          const n = i64le(b, p + 1);
          if (Number.isSafeInteger(n)) this.int = n;
          else this.bigText = i64leText(b, p + 1);
          size = 9;
          break;
        }
        default:
          throw this.corrupt(`invalid element encoding 0x${e.toString(16)}`, p);
      }
    }
    const backLen = size <= 127 ? 1 : size < 16383 ? 2 : size < 2097151 ? 3 : size < 268435455 ? 4 : 5;
    const next = p + size + backLen;
    if (next > last) throw this.corrupt(`element of ${size} bytes runs past the end`, p);
    // Read the backlen the way a backwards walk would: from its last byte, low
    // 7 bits first, the high bit saying another (more significant) byte precedes.
    let v = 0, mul = 1;
    for (let k = 0; k < backLen; k++) {
      const c = b[next - 1 - k];
      const more = (c & 0x80) !== 0;
      if (more !== (k < backLen - 1)) throw this.corrupt("malformed element back-length", next - 1 - k);
      v += (c & 0x7f) * mul;
      mul *= 128;
    }
    if (v !== size) throw this.corrupt(`element back-length ${v} does not match its size ${size}`, p);
    if (!this.isInt) this.sEnd = p + size;
    this.p = next;
    this.count++;
    return true;
  }

  private need(p: number, n: number): void {
    if (p + n > this.buf.length - 1) throw this.corrupt("element header runs past the end", p);
  }
}
