/**
 * Argument decoding shared by the write commands: strict integers as Redis
 * parses them, case-insensitive option words, printable command text.
 *
 * @module
 */

import { redisDouble } from "../ops/strtod.ts";

/** A replicated command failed locally: the caller turns it into divergence. */
export class CommandError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CommandError";
  }
}

/** Lower-case ASCII text of a short argument (command names, option words). */
export function word(arg: Uint8Array): string {
  let s = "";
  for (let i = 0; i < arg.length; i++) {
    const c = arg[i];
    s += String.fromCharCode(c >= 65 && c <= 90 ? c | 0x20 : c);
  }
  return s;
}

/**
 * Parses a strict decimal integer as Redis's `string2ll` does (no sign `+`,
 * no spaces, no leading zeros), limited to JavaScript's safe integers, which
 * covers every TTL, index and count a replica needs in the host.
 */
export function integer(arg: Uint8Array, what = "value"): number {
  const n = arg.length;
  let i = 0;
  let negative = false;
  if (n > 0 && arg[0] === 45) {
    negative = true;
    i = 1;
  }
  if (i === n || n > 17 || (arg[i] === 48 && n > i + 1) || (negative && arg[i] === 48)) {
    throw new CommandError(`${what} is not an integer or out of range: ${printable(arg)}`);
  }
  let v = 0;
  for (; i < n; i++) {
    const d = arg[i] - 48;
    if (d < 0 || d > 9) throw new CommandError(`${what} is not an integer or out of range: ${printable(arg)}`);
    v = v * 10 + d;
  }
  if (!Number.isSafeInteger(v)) throw new CommandError(`${what} is out of range: ${printable(arg)}`);
  return negative ? -v : v;
}

/** A database index argument. */
export function databaseIndex(arg: Uint8Array): number {
  const db = integer(arg, "DB index");
  if (db < 0 || db > 0xffff) throw new CommandError(`DB index is out of range: ${db}`);
  return db;
}

const decoder = new TextDecoder();

/** Printable text of an argument for error messages and events (long ones shortened). */
export function printable(arg: Uint8Array): string {
  const text = decoder.decode(arg.length > 64 ? arg.subarray(0, 64) : arg);
  return arg.length > 64 ? `${text}…(${arg.length} bytes)` : text;
}

/** Printable form of a whole command. */
export function printableCommand(args: readonly Uint8Array[]): string[] {
  return args.map(printable);
}

/**
 * Parses a double as Redis's `getDoubleFromObject` does (C `strtod` in
 * Redis 7, fast_float in Redis 8; the union of what they accept, see
 * `redisDouble`): decimal, exponent, hexadecimal and `inf` forms, no
 * leading space, NaN refused.
 */
export function double(arg: Uint8Array, what = "value"): number {
  const value = redisDouble(arg);
  if (value === null) throw new CommandError(`${what} is not a valid float: ${printable(arg)}`);
  return value;
}
