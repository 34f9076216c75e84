/**
 * Argument decoding shared by the write commands: strict integers as Redis
 * parses them, case-insensitive option words, printable command text.
 *
 * @module
 */

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

const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const INFINITY = /^([+-]?)inf(?:inity)?$/i;
const HEX_FLOAT = /^([+-]?)0x([0-9a-f]*)(?:\.([0-9a-f]*))?(?:p([+-]?\d+))?$/i;

/**
 * Parses a double as Redis's `getDoubleFromObject` does (C `strtod` over the
 * whole argument, no leading space, NaN refused): decimal and exponent forms
 * and `inf`/`infinity` with an optional sign. JavaScript's decimal
 * conversion is correctly rounded, as glibc's strtod is; overflow and
 * underflow to zero are refused as Redis refuses strtod's ERANGE. Hexadecimal floats
 * (`0x1.8p3`) are accepted too, as strtod does.
 */
export function double(arg: Uint8Array, what = "value"): number {
  const text = arg.length > 400 ? "" : latin1(arg);
  if (DECIMAL.test(text)) {
    const value = Number(text);
    // strtod's ERANGE: Redis refuses overflow and underflow to zero
    const outOfRange = !Number.isFinite(value) || (value === 0 && /[1-9]/.test(text.split(/[eE]/)[0]));
    if (!outOfRange) return value;
  }
  const inf = INFINITY.exec(text);
  if (inf) return inf[1] === "-" ? -Infinity : Infinity;
  const hex = HEX_FLOAT.exec(text);
  if (hex && (hex[2] || hex[3])) {
    const value = hexFloat(hex[1] === "-", hex[2], hex[3] ?? "", Number(hex[4] ?? 0));
    if (Number.isFinite(value) && (value !== 0 || !/[1-9a-f]/i.test(hex[2] + (hex[3] ?? "")))) return value;
  }
  throw new CommandError(`${what} is not a valid float: ${printable(arg)}`);
}

/** strtod's hexadecimal form: mantissa digits scaled by a binary exponent (BigInt keeps every digit). */
function hexFloat(negative: boolean, whole: string, fraction: string, exponent: number): number {
  const mantissa = BigInt("0x" + (whole + fraction || "0"));
  const value = Number(mantissa) * 2 ** (exponent - 4 * fraction.length);
  return negative ? -value : value;
}

function latin1(arg: Uint8Array): string {
  let s = "";
  for (let i = 0; i < arg.length; i++) s += String.fromCharCode(arg[i]);
  return s;
}
