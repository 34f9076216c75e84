/**
 * Argument checks the reads share, failing with the texts Redis replies.
 *
 * @module
 */

import { VeidrodelisError } from "../errors.ts";

/** An invalid argument, with the text Redis replies for it. */
export function argumentError(message: string): VeidrodelisError {
  return new VeidrodelisError("ARGUMENT", message);
}

/** Redis's reply when a command is given too few arguments. */
export function arityError(command: string): VeidrodelisError {
  return argumentError(`ERR wrong number of arguments for '${command}' command`);
}

/** 2^63: the first magnitude a C `long` cannot hold (as a double, LONG_MAX rounds to it). */
export const LONG_LIMIT = 2 ** 63;

/**
 * Checks a count as Redis's `getRangeLongFromObjectOrReply(-LONG_MAX,
 * LONG_MAX)` does (SRANDMEMBER, HRANDFIELD): an integer a C long holds.
 */
export function countArg(n: unknown): number {
  // as doubles, LONG_MAX and 2^63 are one value: treat it as the overflow it most likely is
  if (typeof n !== "number" || !Number.isInteger(n) || n >= LONG_LIMIT || n < -LONG_LIMIT) {
    throw argumentError("ERR value is not an integer or out of range");
  }
  if (n === -LONG_LIMIT) {
    throw argumentError("ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807");
  }
  return n;
}

/** The count of an ordered iterator (sfirst, hnext, …): an integer, 1 when omitted; < 1 gives nothing. */
export function iteratorCount(count: unknown): number {
  if (count === undefined) return 1;
  if (typeof count !== "number" || !Number.isInteger(count)) {
    throw argumentError("ERR value is not an integer or out of range");
  }
  return count;
}

/** Checks a SCAN cursor as Redis's `parseScanCursorOrReply`: an unsigned integer. */
export function cursorArg(cursor: unknown): number {
  if (typeof cursor !== "number" || !Number.isInteger(cursor) || cursor < 0 || cursor >= 2 ** 64) {
    throw argumentError("ERR invalid cursor");
  }
  return cursor;
}
