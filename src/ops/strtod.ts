/**
 * C `strtod` as glibc implements it, for the places where Redis converts
 * arbitrary stored strings with it and checks only `*endptr`, `ERANGE` and
 * NaN (SORT's numeric weights): leading white space, a sign, decimal and
 * hexadecimal forms, `inf`/`infinity`, and the C string ending at the first
 * NUL byte.
 *
 * @module
 */

const TWO_POW_1022 = 2 ** -1022;

/**
 * Redis SORT's numeric conversion of a value: the number, or null when
 * Redis reports "One or more scores can't be converted into double".
 *
 * Redis 7.x converts with glibc `strtod` and refuses anything left over,
 * ERANGE (overflow, underflow) and NaN; Redis 8 converts with fast_float,
 * which reads no leading spaces and no hexadecimal form but reports no range
 * error. A replica only sees SORTs its primary accepted, so a value is
 * accepted when either version accepts it, with the value that version
 * gives (they never accept the same text with different values). An empty
 * string is 0 in both (nothing converted, the end pointer is at the NUL).
 * Integer-encoded weights (a string key's INT encoding, a listpack hash's
 * integer) are cast instead; their canonical text converts to the same value.
 *
 * Neither version clears errno before converting: an ERANGE left by an
 * earlier command (a subnormal ZADD score, or such a score read back from a
 * listpack) makes the primary refuse every SORT with a sds weight until some
 * command clears errno. Those SORTs are not propagated, so only the refusals
 * that depend on the weight itself matter to a replica.
 */
export function sortScore(bytes: Uint8Array): number | null {
  const end = cString(bytes);
  const parsed = strtod(bytes);
  if (parsed === null) return end === 0 ? 0 : null;
  if (parsed.end !== end || Number.isNaN(parsed.value)) return null;
  if (!parsed.range) return parsed.value;
  // out of range: only fast_float (Redis 8) accepts it, and only in its own syntax
  return isSpace(bytes[0]) || parsed.hex ? null : parsed.value;
}

/**
 * Redis's `getDoubleFromObject` (command arguments such as weights,
 * coordinates and radii): the number, or null where Redis answers "value
 * is not a valid float". Redis 7.x reads with glibc `strtod` (hexadecimal
 * accepted; overflow and underflow to zero refused, subnormals accepted);
 * Redis 8 with fast_float (no hexadecimal form, no range errors). Both
 * refuse an empty string, a leading space, anything left over (an embedded
 * NUL included) and NaN. A replica only sees arguments its primary
 * accepted, so a value either version accepts is accepted, with that
 * version's value.
 */
export function redisDouble(bytes: Uint8Array): number | null {
  if (bytes.length === 0 || isSpace(bytes[0])) return null;
  const small = smallInteger(bytes);
  if (small !== null) return small;
  const parsed = strtod(bytes);
  if (parsed === null || parsed.end !== bytes.length || Number.isNaN(parsed.value)) return null;
  if (!parsed.range) return parsed.value;
  // strtod's ERANGE: Redis 7 refuses ±inf and zero only; fast_float (Redis 8) reports no range error
  if (Number.isFinite(parsed.value) && parsed.value !== 0) return parsed.value;
  return parsed.hex ? null : parsed.value;
}

/**
 * Scores are mostly short integers: up to 15 digits with an optional minus
 * sign convert exactly, so they skip the general parser (and its result
 * object). Null for anything else.
 */
function smallInteger(bytes: Uint8Array): number | null {
  const n = bytes.length;
  const negative = bytes[0] === 45;
  let i = negative ? 1 : 0;
  if (n - i < 1 || n - i > 15) return null;
  let value = 0;
  for (; i < n; i++) {
    const d = bytes[i] - 48;
    if (d < 0 || d > 9) return null;
    value = value * 10 + d;
  }
  return negative ? -value : value;
}

/** Result of {@linkcode strtod}: the value, where conversion stopped, and whether errno would be ERANGE. */
export interface StrtodResult {
  value: number;
  end: number;
  range: boolean;
  /** The hexadecimal form was read. */
  hex?: boolean;
}

/** Length of the bytes as a C string (up to the first NUL). */
export function cString(bytes: Uint8Array): number {
  const nul = bytes.indexOf(0);
  return nul < 0 ? bytes.length : nul;
}

function isSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13);
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  const l = c | 0x20;
  return l >= 97 && l <= 102 ? l - 87 : -1;
}

function matchWord(bytes: Uint8Array, at: number, end: number, word: string): boolean {
  if (at + word.length > end) return false;
  for (let k = 0; k < word.length; k++) if ((bytes[at + k] | 0x20) !== word.charCodeAt(k)) return false;
  return true;
}

/** glibc `strtod` over the C string in `bytes`: null when no conversion was performed. */
export function strtod(bytes: Uint8Array): StrtodResult | null {
  const end = cString(bytes);
  let i = 0;
  while (i < end && isSpace(bytes[i])) i++;
  let negative = false;
  if (i < end && (bytes[i] === 43 || bytes[i] === 45)) negative = bytes[i++] === 45;
  const sign = negative ? -1 : 1;
  if (matchWord(bytes, i, end, "inf")) {
    const stop = matchWord(bytes, i, end, "infinity") ? i + 8 : i + 3;
    return { value: sign * Infinity, end: stop, range: false };
  }
  if (matchWord(bytes, i, end, "nan")) return { value: NaN, end: nanEnd(bytes, i + 3, end), range: false };
  if (isHexPrefix(bytes, i, end)) return hexFloat(bytes, i + 2, end, negative);
  return decimal(bytes, i, end, negative);
}

/** "0x" followed by a hex digit, or by "." and a hex digit (else strtod reads just the "0"). */
function isHexPrefix(bytes: Uint8Array, i: number, end: number): boolean {
  if (i + 2 >= end || bytes[i] !== 48 || (bytes[i + 1] | 0x20) !== 120) return false;
  if (hexValue(bytes[i + 2]) >= 0) return true;
  return bytes[i + 2] === 46 && i + 3 < end && hexValue(bytes[i + 3]) >= 0;
}

/** `nan(n-char-sequence)`: the parenthesised part is consumed only when well formed. */
function nanEnd(bytes: Uint8Array, at: number, end: number): number {
  if (at >= end || bytes[at] !== 40) return at;
  let k = at + 1;
  while (k < end && (isDigit(bytes[k]) || hexValue(bytes[k]) >= 0 || isLetter(bytes[k]) || bytes[k] === 95)) k++;
  return k < end && bytes[k] === 41 ? k + 1 : at;
}

function isLetter(c: number): boolean {
  const l = c | 0x20;
  return l >= 97 && l <= 122;
}

function decimal(bytes: Uint8Array, start: number, end: number, negative: boolean): StrtodResult | null {
  let i = start;
  let digits = 0;
  let nonZero = false;
  while (i < end && isDigit(bytes[i])) {
    nonZero ||= bytes[i] !== 48;
    i++;
    digits++;
  }
  if (i < end && bytes[i] === 46) {
    i++;
    while (i < end && isDigit(bytes[i])) {
      nonZero ||= bytes[i] !== 48;
      i++;
      digits++;
    }
  }
  if (digits === 0) return null;
  if (i < end && (bytes[i] | 0x20) === 101) {
    let k = i + 1;
    if (k < end && (bytes[k] === 43 || bytes[k] === 45)) k++;
    if (k < end && isDigit(bytes[k])) {
      while (k < end && isDigit(bytes[k])) k++;
      i = k;
    }
  }
  let text = "";
  for (let k = start; k < i; k++) text += String.fromCharCode(bytes[k]);
  // JavaScript's decimal conversion is correctly rounded, as glibc's is
  const magnitude = Number(normalise(text));
  return finish(negative ? -magnitude : magnitude, i, nonZero, true);
}

/** Spellings strtod accepts that `Number()` refuses: ".5", "5.", "5.e3". */
function normalise(text: string): string {
  return (text.startsWith(".") ? "0" + text : text).replace(/\.(?=[eE]|$)/, ".0");
}

/** ERANGE as glibc sets it: overflow, or a tiny (subnormal or zero) result from a non-zero inexact input. */
function finish(value: number, end: number, nonZero: boolean, inexact: boolean): StrtodResult {
  const magnitude = Math.abs(value);
  const range = magnitude === Infinity || (nonZero && magnitude === 0) ||
    (inexact && magnitude !== 0 && magnitude < TWO_POW_1022);
  return { value, end, range };
}

/** Hexadecimal floating point (`0x1.8p3`), rounded to nearest even like glibc. */
function hexFloat(bytes: Uint8Array, start: number, end: number, negative: boolean): StrtodResult {
  let i = start;
  let mantissa = 0n;
  let exponent = 0;
  while (i < end && hexValue(bytes[i]) >= 0) mantissa = mantissa * 16n + BigInt(hexValue(bytes[i++]));
  if (i < end && bytes[i] === 46) {
    i++;
    while (i < end && hexValue(bytes[i]) >= 0) {
      mantissa = mantissa * 16n + BigInt(hexValue(bytes[i++]));
      exponent -= 4;
    }
  }
  if (i < end && (bytes[i] | 0x20) === 112) {
    let k = i + 1;
    let expNegative = false;
    if (k < end && (bytes[k] === 43 || bytes[k] === 45)) expNegative = bytes[k++] === 45;
    if (k < end && isDigit(bytes[k])) {
      let e = 0;
      while (k < end && isDigit(bytes[k])) e = Math.min(e * 10 + bytes[k++] - 48, 1e6);
      exponent += expNegative ? -e : e;
      i = k;
    }
  }
  const { value, inexact } = binaryToDouble(mantissa, exponent);
  return { ...finish(negative ? -value : value, i, mantissa !== 0n, inexact), hex: true };
}

/** mantissa × 2^exponent rounded to the nearest double (ties to even). */
export function binaryToDouble(mantissa: bigint, exponent: number): { value: number; inexact: boolean } {
  if (mantissa === 0n) return { value: 0, inexact: false };
  const top = mantissa.toString(2).length - 1 + exponent; // weight of the leading bit
  if (top > 1023) return { value: Infinity, inexact: true };
  // weight of the last bit a double keeps: 53 significant bits, never below 2^-1074
  const unit = Math.max(top - 52, -1074);
  const drop = unit - exponent;
  if (drop <= 0) return { value: Number(mantissa) * 2 ** exponent, inexact: false };
  let q = mantissa >> BigInt(drop);
  const rest = mantissa - (q << BigInt(drop));
  const half = 1n << BigInt(drop - 1);
  if (rest > half || (rest === half && (q & 1n) === 1n)) q += 1n;
  // q has at most 54 bits and 2^unit is a normal or subnormal power of two: one exact product
  return { value: Number(q) * 2 ** unit, inexact: rest !== 0n };
}
