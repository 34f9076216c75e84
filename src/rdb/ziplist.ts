/**
 * Ziplist reader (Redis `src/ziplist.c`, RDB < 10): small lists, hashes and
 * zsets, and quicklist v1 nodes.
 *
 * Layout: total bytes (u32 LE), offset of the last element (u32 LE), element
 * count (u16 LE, 65535 = unknown), elements, 0xFF. Element: previous element
 * length (1 byte, or 0xFE + u32 LE), encoding, data. Encodings: `00xxxxxx`
 * 6-bit string length, `01xxxxxx yyyyyyyy` 14-bit (big-endian), `10000000` +
 * u32 BE; `11000000` int16, `11010000` int32, `11100000` int64, `11110000`
 * int24, `11111110` int8, `1111xxxx` an immediate 0..12 (xxxx - 1).
 * The previous-length chain and the tail offset are checked.
 *
 * @module
 */

import { i64le, i64leText, u16le, u32le } from "./bytes.ts";
import { IntOrBytesCursor } from "./entries.ts";

const HEADER = 10;

/**
 * Cursor over the elements of a ziplist.
 *
 * @example
 * ```ts
 * import { ZiplistCursor } from "./ziplist.ts";
 * // 17 bytes, last element at 14, 2 elements: "ab" and the immediate 7
 * const zl = new Uint8Array([17, 0, 0, 0, 14, 0, 0, 0, 2, 0, 0, 0x02, 0x61, 0x62, 4, 0xf8, 0xff]);
 * const c = new ZiplistCursor(zl, 0);
 * while (c.next()) console.log(new TextDecoder().decode(c.bytes())); // "ab", "7"
 * ```
 */
export class ZiplistCursor extends IntOrBytesCursor {
  protected readonly kind = "ziplist";
  /** Declared element count, or 65535 when unknown. */
  readonly declared: number;
  private readonly tail: number;
  private p = HEADER;
  private prevLen = 0;
  private lastStart = HEADER;
  private finished = false;

  constructor(buf: Uint8Array, base: number, exact = true) {
    super(buf, base, exact);
    if (buf.length < HEADER + 1) throw this.corrupt(`blob of ${buf.length} bytes is too short`, 0);
    const total = u32le(buf, 0);
    if (total !== buf.length) throw this.corrupt(`header says ${total} bytes, blob has ${buf.length}`, 0);
    if (buf[buf.length - 1] !== 0xff) throw this.corrupt("missing 0xFF terminator", buf.length - 1);
    this.tail = u32le(buf, 4);
    this.declared = u16le(buf, 8);
  }

  next(): boolean {
    if (this.finished) return false;
    const b = this.buf, p = this.p, last = b.length - 1;
    if (b[p] === 0xff) {
      if (p !== last) throw this.corrupt("terminator before the end of the blob", p);
      if (this.declared !== 65535 && this.declared !== this.count) {
        throw this.corrupt(`header counts ${this.declared} elements, found ${this.count}`, 8);
      }
      if (this.tail !== this.lastStart) throw this.corrupt(`tail offset ${this.tail} is not the last element`, 4);
      this.finished = true;
      return false;
    }
    let q = p;
    let prev: number;
    if (b[q] < 254) {
      prev = b[q++];
    } else {
      if (q + 5 > last) throw this.corrupt("previous-length runs past the end", p);
      prev = u32le(b, q + 1);
      q += 5;
    }
    if (prev !== this.prevLen) throw this.corrupt(`previous-length ${prev}, expected ${this.prevLen}`, p);
    if (q >= last) throw this.corrupt("element runs past the end", p);
    const e = b[q++];
    this.bigText = null;
    let dataLen: number;
    switch (e >> 6) {
      case 0:
        this.isInt = false;
        dataLen = e & 0x3f;
        break;
      case 1:
        if (q >= last) throw this.corrupt("element header runs past the end", p);
        this.isInt = false;
        dataLen = ((e & 0x3f) << 8) | b[q++];
        break;
      case 2:
        if (e !== 0x80 || q + 4 > last) throw this.corrupt(`invalid string encoding 0x${e.toString(16)}`, p);
        this.isInt = false;
        dataLen = ((b[q] << 24) | (b[q + 1] << 16) | (b[q + 2] << 8) | b[q + 3]) >>> 0;
        q += 4;
        break;
      default:
        this.isInt = true;
        dataLen = this.intSize(e, p);
    }
    const end = q + dataLen;
    if (end > last) throw this.corrupt(`element of ${dataLen} bytes runs past the end`, p);
    if (this.isInt) this.readInt(e, q);
    else {
      this.sStart = q;
      this.sEnd = end;
    }
    this.lastStart = p;
    this.prevLen = end - p;
    this.p = end;
    this.count++;
    return true;
  }

  private intSize(e: number, p: number): number {
    switch (e) {
      case 0xc0:
        return 2;
      case 0xd0:
        return 4;
      case 0xe0:
        return 8;
      case 0xf0:
        return 3;
      case 0xfe:
        return 1;
      default:
        if (e >= 0xf1 && e <= 0xfd) return 0;
        throw this.corrupt(`invalid element encoding 0x${e.toString(16)}`, p);
    }
  }

  private readInt(e: number, q: number): void {
    const b = this.buf;
    switch (e) {
      case 0xc0:
        this.int = (b[q] | (b[q + 1] << 8)) << 16 >> 16;
        return;
      case 0xd0:
        this.int = b[q] | (b[q + 1] << 8) | (b[q + 2] << 16) | (b[q + 3] << 24);
        return;
      case 0xf0:
        this.int = (b[q] | (b[q + 1] << 8) | (b[q + 2] << 16)) << 8 >> 8;
        return;
      case 0xfe:
        this.int = b[q] << 24 >> 24;
        return;
      case 0xe0: {
        const n = i64le(b, q);
        if (Number.isSafeInteger(n)) this.int = n;
        else this.bigText = i64leText(b, q);
        return;
      }
      default:
        this.int = (e & 0x0f) - 1;
    }
  }
}
