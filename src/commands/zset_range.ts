/**
 * Parsing of sorted-set range arguments exactly as Redis parses them
 * (t_zset.c `zslParseRange`, `zslParseLexRange`, `getLongFromObject`), for
 * every command that takes one: ZREMRANGEBY*, ZRANGESTORE, and the reads.
 *
 * A replica only ever sees arguments its primary accepted, so where Redis
 * versions differ the union of what they accept is accepted here, each with
 * the value every accepting version gives it: Redis 7.0 reads score bounds
 * with C `strtod` (leading spaces, hexadecimal floats, overflow to ±inf),
 * Redis 7.2+ with fast_float (no leading spaces, no hexadecimal form).
 *
 * @module
 */

import type { LexBound, ZsetRange } from "../_wasm/store.ts";
import { strtod } from "../ops/strtod.ts";
import { CommandError } from "./args.ts";

/** One end of a score range. */
export interface ScoreBound {
  value: number;
  exclusive: boolean;
}

const SCORE_ERROR = "min or max is not a float";
const LEX_ERROR = "min or max not valid string range item";
const INTEGER_ERROR = "value is not an integer or out of range";

/**
 * A score range bound (`1.5`, `(1.5`, `-inf`, `+inf`, `(inf`…) as
 * `zslParseRange`: an optional `(` makes it exclusive, then C `strtod` must
 * consume everything up to the end of the C string (an embedded NUL ends
 * it), so an empty bound reads as 0, and NaN is refused. Null when invalid.
 */
export function parseScoreBound(arg: Uint8Array): ScoreBound | null {
  let end = arg.indexOf(0);
  if (end < 0) end = arg.length;
  const exclusive = end > 0 && arg[0] === 0x28; // '('
  const value = wholeStrtod(arg, exclusive ? 1 : 0, end);
  return value === null ? null : { value, exclusive };
}

/** `min max` of ZREMRANGEBYSCORE / ZRANGE … BYSCORE; throws Redis's error when either is invalid. */
export function parseScoreRange(min: Uint8Array, max: Uint8Array): ZsetRange {
  const lo = parseScoreBound(min);
  const hi = parseScoreBound(max);
  if (lo === null || hi === null) throw new CommandError(SCORE_ERROR);
  return { by: "score", min: lo.value, minExclusive: lo.exclusive, max: hi.value, maxExclusive: hi.exclusive };
}

/**
 * A lex range bound as `zslParseLexRangeItem`: `-` / `+` (alone, up to a
 * NUL: Redis looks at the C string), `[value` inclusive, `(value` exclusive
 * (the value is binary-safe). Null when invalid.
 */
export function parseLexBound(arg: Uint8Array): LexBound | null {
  if (arg.length === 0) return null;
  switch (arg[0]) {
    case 0x2b: // '+'
      return arg.length === 1 || arg[1] === 0 ? "+" : null;
    case 0x2d: // '-'
      return arg.length === 1 || arg[1] === 0 ? "-" : null;
    case 0x28: // '('
      return { value: arg.slice(1), exclusive: true };
    case 0x5b: // '['
      return { value: arg.slice(1), exclusive: false };
    default:
      return null;
  }
}

/** `min max` of ZREMRANGEBYLEX / ZRANGE … BYLEX; throws Redis's error when either is invalid. */
export function parseLexRange(min: Uint8Array, max: Uint8Array): ZsetRange {
  const lo = parseLexBound(min);
  const hi = parseLexBound(max);
  if (lo === null || hi === null) throw new CommandError(LEX_ERROR);
  return { by: "lex", min: lo, max: hi };
}

/** `start stop` of ZREMRANGEBYRANK / ZRANGE by rank. */
export function parseRankRange(start: Uint8Array, stop: Uint8Array): ZsetRange {
  return { by: "rank", start: parseLong(start), stop: parseLong(stop) };
}

/**
 * A C `long` as Redis's `getLongFromObject` (`string2ll`: optional `-`, no
 * `+`, no spaces, no leading zeros, 64-bit range), clamped to ±2^53: every
 * rank, offset and count means the same beyond any zset's size, so the
 * clamp keeps Redis's result while staying a safe JavaScript integer.
 */
export function parseLong(arg: Uint8Array, message = INTEGER_ERROR): number {
  const n = arg.length;
  const negative = n > 0 && arg[0] === 0x2d;
  const first = negative ? 1 : 0;
  const leading = (n === 1 && arg[0] === 0x30) || (arg[first] >= 0x31 && arg[first] <= 0x39);
  const valid = n > first && n <= 20 && leading && allDigits(arg, first);
  if (!valid) throw new CommandError(message);
  if (n - first <= 15) {
    let v = 0;
    for (let i = first; i < n; i++) v = v * 10 + arg[i] - 0x30;
    return negative ? -v : v;
  }
  let big = 0n;
  for (let i = first; i < n; i++) big = big * 10n + BigInt(arg[i] - 0x30);
  if (negative ? big > 2n ** 63n : big >= 2n ** 63n) throw new CommandError(message);
  const limit = 2 ** 53;
  const v = big > BigInt(limit) ? limit : Number(big);
  return negative ? -v : v;
}

function allDigits(arg: Uint8Array, from: number): boolean {
  for (let i = from; i < arg.length; i++) if (arg[i] < 0x30 || arg[i] > 0x39) return false;
  return true;
}

/**
 * `strtod(s, &end)` followed by Redis's `end[0] == '\0' && !isnan(v)` over
 * bytes [from, to) (Redis ignores ERANGE here: overflow gives ±inf). An
 * empty string converts nothing and leaves `end` at the terminator, so it
 * reads as 0. Null when anything is left over.
 */
function wholeStrtod(arg: Uint8Array, from: number, to: number): number | null {
  if (from === to) return 0;
  const parsed = strtod(arg.subarray(from, to));
  if (parsed === null || parsed.end !== to - from || Number.isNaN(parsed.value)) return null;
  return parsed.value;
}
