/**
 * Small byte helpers shared by the RDB decoder and the compact-encoding
 * readers: integer text, little-endian reads, score parsing.
 *
 * @module
 */

const F64 = new Float64Array(1);
const F64_BYTES = new Uint8Array(F64.buffer);
const F32 = new Float32Array(1);
const F32_BYTES = new Uint8Array(F32.buffer);
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** ASCII bytes of a decimal integer given as a safe number. */
export function intText(n: number): Uint8Array {
  const s = String(n);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

/** ASCII bytes of any string of code points below 128. */
export function asciiBytes(s: string): Uint8Array {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

/** Unsigned 32-bit little-endian read. */
export function u32le(b: Uint8Array, at: number): number {
  return (b[at] | (b[at + 1] << 8) | (b[at + 2] << 16) | (b[at + 3] << 24)) >>> 0;
}

/** Unsigned 16-bit little-endian read. */
export function u16le(b: Uint8Array, at: number): number {
  return b[at] | (b[at + 1] << 8);
}

/**
 * Signed 64-bit little-endian read as a number; exact within ±2^53, nearest
 * double beyond (fine for millisecond timestamps).
 */
export function i64le(b: Uint8Array, at: number): number {
  const lo = u32le(b, at);
  const hi = b[at + 4] | (b[at + 5] << 8) | (b[at + 6] << 16) | (b[at + 7] << 24);
  return hi * 4294967296 + lo;
}

/**
 * Signed 64-bit little-endian integer as its exact decimal text. BigInt is
 * used only when the value is outside the safe range.
 */
export function i64leText(b: Uint8Array, at: number): Uint8Array {
  const lo = u32le(b, at);
  const hi = b[at + 4] | (b[at + 5] << 8) | (b[at + 6] << 16) | (b[at + 7] << 24);
  if (hi >= -0x200000 && hi < 0x200000) return intText(hi * 4294967296 + lo);
  return asciiBytes(((BigInt(hi) << 32n) | BigInt(lo)).toString());
}

/** IEEE-754 double stored little-endian (as Redis writes binary scores). */
export function f64le(b: Uint8Array, at: number): number {
  if (LITTLE_ENDIAN) { for (let i = 0; i < 8; i++) F64_BYTES[i] = b[at + i]; }
  else for (let i = 0; i < 8; i++) F64_BYTES[7 - i] = b[at + i];
  return F64[0];
}

/** IEEE-754 float stored little-endian (module FLOAT values). */
export function f32le(b: Uint8Array, at: number): number {
  if (LITTLE_ENDIAN) { for (let i = 0; i < 4; i++) F32_BYTES[i] = b[at + i]; }
  else for (let i = 0; i < 4; i++) F32_BYTES[3 - i] = b[at + i];
  return F32[0];
}

/**
 * Parse a score written as text (strtod-like, as Redis reads old zset scores
 * and listpack string scores): decimal or exponent notation, `inf`,
 * `infinity`, `nan` in any case with an optional sign. Returns `undefined`
 * for anything else.
 */
export function parseScoreText(b: Uint8Array, start: number, end: number): number | undefined {
  if (end <= start || end - start > 400) return undefined;
  let s = "";
  for (let i = start; i < end; i++) s += String.fromCharCode(b[i]);
  const t = s.toLowerCase();
  const body = t[0] === "+" || t[0] === "-" ? t.slice(1) : t;
  if (body === "inf" || body === "infinity") return t[0] === "-" ? -Infinity : Infinity;
  if (body === "nan") return NaN;
  // Number() accepts things strtod would not ("0x10", "", whitespace): reject them.
  if (!/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/.test(t)) return undefined;
  return Number(t);
}

const UTF8 = new TextDecoder("utf-8");

/** UTF-8 text of bytes (invalid sequences become U+FFFD): for AUX fields and messages. */
export function utf8(b: Uint8Array): string {
  return UTF8.decode(b);
}

/** A short printable rendering of bytes for error messages. */
export function printable(b: Uint8Array, max = 40): string {
  let s = "";
  const n = Math.min(b.length, max);
  for (let i = 0; i < n; i++) {
    const c = b[i];
    s += c >= 0x20 && c < 0x7f ? String.fromCharCode(c) : "\\x" + c.toString(16).padStart(2, "0");
  }
  return b.length > max ? s + "…" : s;
}
