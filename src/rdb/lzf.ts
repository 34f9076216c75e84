/**
 * LZF, the compression Redis applies to RDB strings longer than 20 bytes
 * (`src/lzf_d.c`, `src/lzf_c.c`). Decompression is what the decoder needs;
 * the compressor exists for tests and for producing DUMP payloads.
 *
 * Format: a control byte `c`. `c < 32`: a literal run of `c + 1` bytes follows.
 * Otherwise a back reference: length `(c >> 5) + 2` (when `c >> 5 == 7` one
 * more byte adds to it), distance `((c & 31) << 8) + next byte + 1`.
 *
 * @module
 */

/**
 * Decompress `src[start..end)` into `out` (exactly sized to the expected
 * length). Returns the number of bytes produced, or -1 when the input is
 * malformed (a reference before the output start, or output overflow), so
 * the caller can report the error with its own offset.
 *
 * @example
 * ```ts
 * import { lzfCompress, lzfDecompress } from "./lzf.ts";
 * const data = new TextEncoder().encode("abcabcabcabcabcabcabcabc");
 * const packed = lzfCompress(data)!;
 * const out = new Uint8Array(data.length);
 * console.log(lzfDecompress(packed, 0, packed.length, out) === data.length);
 * ```
 */
export function lzfDecompress(src: Uint8Array, start: number, end: number, out: Uint8Array): number {
  let ip = start, op = 0;
  const outEnd = out.length;
  while (ip < end) {
    const ctrl = src[ip++];
    if (ctrl < 32) {
      const len = ctrl + 1;
      if (op + len > outEnd || ip + len > end) return -1;
      // Short literal runs dominate; a loop beats set(subarray) for them.
      if (len < 16) {
        for (let k = 0; k < len; k++) out[op++] = src[ip++];
      } else {
        out.set(src.subarray(ip, ip + len), op);
        op += len;
        ip += len;
      }
    } else {
      let len = ctrl >> 5;
      if (len === 7) {
        if (ip >= end) return -1;
        len += src[ip++];
      }
      if (ip >= end) return -1;
      const ref = op - ((ctrl & 0x1f) << 8) - src[ip++] - 1;
      len += 2;
      if (ref < 0 || op + len > outEnd) return -1;
      // Overlapping copies are the point (runs): copy byte by byte.
      for (let k = 0; k < len; k++) out[op++] = out[ref + k];
    }
  }
  return op;
}

const HLOG = 14;
const MAX_OFF = 1 << 13;
const MAX_REF = (1 << 8) + (1 << 3);
const MAX_LIT = 1 << 5;

/**
 * Compress with LZF. Returns `null` when the output would not be smaller than
 * the input (Redis then stores the string raw).
 *
 * @example
 * ```ts
 * import { lzfCompress } from "./lzf.ts";
 * console.log(lzfCompress(new Uint8Array(100))!.length < 100); // true
 * ```
 */
export function lzfCompress(input: Uint8Array): Uint8Array | null {
  const len = input.length;
  if (len < 4) return null;
  const out = new Uint8Array(len + (len >> 5) + 16);
  const htab = new Int32Array(1 << HLOG).fill(-1);
  let ip = 0, op = 1, lit = 0; // out[0] is reserved for the first literal run's control byte
  while (ip < len - 2) {
    const h = ((input[ip] << 16) | (input[ip + 1] << 8) | input[ip + 2]) * 2654435761 >>> (32 - HLOG);
    const ref = htab[h];
    htab[h] = ip;
    const off = ip - ref - 1;
    if (
      ref >= 0 && off < MAX_OFF && input[ref] === input[ip] && input[ref + 1] === input[ip + 1] &&
      input[ref + 2] === input[ip + 2]
    ) {
      const maxLen = Math.min(MAX_REF, len - ip);
      let l = 3;
      while (l < maxLen && input[ref + l] === input[ip + l]) l++;
      if (lit) out[op - lit - 1] = lit - 1;
      else op--; // drop the unused reserved control byte
      const enc = l - 2;
      if (enc < 7) {
        out[op++] = (off >> 8) + (enc << 5);
      } else {
        out[op++] = (off >> 8) + (7 << 5);
        out[op++] = enc - 7;
      }
      out[op++] = off & 0xff;
      ip += l;
      lit = 0;
      op++;
    } else {
      lit++;
      out[op++] = input[ip++];
      if (lit === MAX_LIT) {
        out[op - lit - 1] = MAX_LIT - 1;
        lit = 0;
        op++;
      }
    }
    if (op >= len) return null;
  }
  while (ip < len) {
    lit++;
    out[op++] = input[ip++];
    if (lit === MAX_LIT) {
      out[op - lit - 1] = MAX_LIT - 1;
      lit = 0;
      op++;
    }
  }
  if (lit) out[op - lit - 1] = lit - 1;
  else op--;
  return op < len ? out.slice(0, op) : null;
}
