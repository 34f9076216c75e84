/**
 * Hash write commands with Redis t_hash.c semantics, field TTLs included
 * (Redis 7.4+ / 8.x, Valkey 9).
 *
 * What primaries send: HSET/HMSET/HSETNX/HDEL/HINCRBY verbatim; HINCRBYFLOAT
 * as HSET (7.0–7.4) or `HSETEX key KEEPTTL FIELDS 1 f v` (8.x); the expire
 * family as `HPEXPIREAT key ms [NX|XX|GT|LT] FIELDS n f…` (only the fields
 * the primary updated) or HDEL; HSETEX with PXAT; HGETEX as
 * HPEXPIREAT/HPERSIST/HDEL; HGETDEL as HDEL. The relative and verbatim forms
 * are understood too (older primaries, AOF-style streams), relative times
 * against `ctx.now()`.
 *
 * Field TTLs are stored, never applied: like Redis's own replica (expire.c
 * `checkAlreadyExpired` is false on a replica, t_hash.c `hashTypeGetValue`
 * treats passed fields as present for the master's writes), a TTL already in
 * the past is stored and the primary's HDEL follows.
 *
 * @module
 */

import { HFE_GT, HFE_LT, HFE_NONE, HFE_NX, HFE_XX, ValueType } from "../_wasm/store.ts";
import { WrongTypeError } from "../errors.ts";
import { CommandError, integer, printable, word } from "./args.ts";
import { type ApplyContext, command, type CommandSpec, FIRST_KEY } from "./spec.ts";

/** Redis t_hash.c HFE_MAX_ABS_TIME_MSEC: EB_EXPIRE_TIME_MAX (2^48 - 1) >> 2. */
const HFE_MAX_ABS_TIME_MSEC = 2 ** 46 - 1;
const NO_TTL = -1;
const encoder = new TextEncoder();

/** True when the key holds a hash, false when absent; WRONGTYPE otherwise. */
function hashExists(ctx: ApplyContext, key: Uint8Array): boolean {
  const type = ctx.store.find(ctx.db, key);
  if (type === ValueType.none) return false;
  if (type !== ValueType.hash) throw new WrongTypeError("hash", ctx.store.foundTypeName());
  return true;
}

/**
 * A field expire time as t_hash.c `parseExpireTime` reads it: a non-negative
 * integer in `unitMs` units, plus `base` (now for the relative forms, 0 for
 * the *AT forms), at most HFE_MAX_ABS_TIME_MSEC. Absolute unix ms.
 */
function fieldExpireTime(arg: Uint8Array, unitMs: 1 | 1000, base: number): number {
  let value = integer(arg, "expire time");
  if (value < 0) throw new CommandError("invalid expire time, must be >= 0");
  if (unitMs === 1000) {
    if (value > Math.floor(HFE_MAX_ABS_TIME_MSEC / 1000)) throw new CommandError("invalid expire time");
    value *= 1000;
  }
  if (value > HFE_MAX_ABS_TIME_MSEC - base) throw new CommandError("invalid expire time");
  return value + base;
}

/**
 * Checks `FIELDS numfields f…` with FIELDS at `at - 1` and numfields at
 * `at`, the fields running to the last argument; returns numfields.
 */
function fieldsClause(args: readonly Uint8Array[], at: number): number {
  if (at >= args.length || word(args[at - 1]) !== "fields") {
    throw new CommandError("Mandatory argument FIELDS is missing or not at the right position");
  }
  const count = integer(args[at], "numfields");
  if (count < 1) throw new CommandError("numfields must be a positive integer");
  if (count !== args.length - at - 1) {
    throw new CommandError("The `numfields` parameter must match the number of arguments");
  }
  return count;
}

const CONDITIONS: Record<string, number> = { nx: HFE_NX, xx: HFE_XX, gt: HFE_GT, lt: HFE_LT };

/** HEXPIRE / HPEXPIRE / HEXPIREAT / HPEXPIREAT (t_hash.c `hexpireGenericCommand`). */
function fieldExpireCommand(name: string, unitMs: 1 | 1000, relative: boolean, summary: string): CommandSpec {
  return command({
    name,
    arity: -6,
    group: "hash",
    kind: "write",
    keys: FIRST_KEY,
    summary,
    apply(ctx, args) {
      const exists = hashExists(ctx, args[1]);
      const expireAt = fieldExpireTime(args[2], unitMs, relative ? ctx.now() : 0);
      const condition = CONDITIONS[word(args[3])] ?? HFE_NONE;
      const at = condition === HFE_NONE ? 4 : 5;
      fieldsClause(args, at);
      if (!exists) return;
      for (let i = at + 1; i < args.length; i++) {
        ctx.store.hashSetFieldExpire(ctx.db, args[1], args[i], expireAt, condition);
      }
    },
  });
}

// ---------------------------------------------------------------- HSETEX

/** HSETEX options (Redis 8 t_hash.c `hsetexParseArgs`; NX/XX are Valkey 9's key conditions). */
interface HsetexOptions {
  keyCondition: "" | "nx" | "xx";
  fieldCondition: "" | "fnx" | "fxx";
  /** Absolute unix ms, or -1: no new TTL. */
  expireAt: number;
  keepTtl: boolean;
  firstField: number;
}

function parseHsetex(ctx: ApplyContext, args: readonly Uint8Array[]): HsetexOptions {
  const options: HsetexOptions = {
    keyCondition: "",
    fieldCondition: "",
    expireAt: NO_TTL,
    keepTtl: false,
    firstField: 0,
  };
  let expiry = "";
  for (let i = 2; i < args.length; i++) {
    const option = word(args[i]);
    switch (option) {
      case "fields": {
        if (i >= args.length - 3) throw new CommandError("wrong number of arguments for 'hsetex'");
        const count = integer(args[i + 1], "numfields");
        const remaining = args.length - i - 2;
        if (count < 1) throw new CommandError("invalid number of fields");
        if (remaining % 2 !== 0 || count !== remaining / 2) {
          throw new CommandError("wrong number of arguments for 'hsetex'");
        }
        options.firstField = i + 2;
        return options;
      }
      case "ex":
      case "px":
      case "exat":
      case "pxat": {
        if (expiry) throw new CommandError("Only one of EX, PX, EXAT, PXAT or KEEPTTL arguments can be specified");
        if (++i >= args.length) throw new CommandError("missing expire time");
        expiry = option;
        const unitMs = option === "ex" || option === "exat" ? 1000 : 1;
        const base = option === "ex" || option === "px" ? ctx.now() : 0;
        options.expireAt = fieldExpireTime(args[i], unitMs, base);
        break;
      }
      case "keepttl":
        if (expiry) throw new CommandError("Only one of EX, PX, EXAT, PXAT or KEEPTTL arguments can be specified");
        expiry = option;
        options.keepTtl = true;
        break;
      case "fnx":
      case "fxx":
        if (options.fieldCondition) throw new CommandError("Only one of FXX or FNX arguments can be specified");
        options.fieldCondition = option;
        break;
      case "nx":
      case "xx":
        if (options.keyCondition) throw new CommandError("Only one of NX or XX arguments can be specified");
        options.keyCondition = option;
        break;
      default:
        throw new CommandError(`unknown argument: ${printable(args[i])}`);
    }
  }
  throw new CommandError("Mandatory argument FIELDS is missing");
}

/** Redis 8 t_hash.c `hsetexCommand`: FNX/FXX judge all the fields before any is set. */
function applyHsetex(ctx: ApplyContext, args: readonly Uint8Array[]): void {
  const options = parseHsetex(ctx, args);
  const key = args[1];
  const exists = hashExists(ctx, key);
  if ((options.keyCondition === "nx" && exists) || (options.keyCondition === "xx" && !exists)) return;
  if (options.fieldCondition !== "") {
    if (!exists) {
      if (options.fieldCondition === "fxx") return;
    } else {
      const wantPresent = options.fieldCondition === "fxx";
      for (let i = options.firstField; i < args.length; i += 2) {
        if ((ctx.store.foundHashGet(args[i]) !== null) !== wantPresent) return;
      }
    }
  }
  const setsTtl = options.expireAt !== NO_TTL;
  for (let i = options.firstField; i < args.length; i += 2) {
    // a TTL about to be set need not be dropped first (HASH_SET_KEEP_TTL), as Redis
    ctx.store.hashSet(ctx.db, key, args[i], args[i + 1], options.keepTtl || setsTtl);
    if (setsTtl) ctx.store.hashSetFieldExpire(ctx.db, key, args[i], options.expireAt, HFE_NONE);
  }
}

// ---------------------------------------------------------------- HINCRBYFLOAT

/** An exact binary value m / 2^k (k >= 0 minimal). */
interface Dyadic {
  m: bigint;
  k: number;
}

/** Mantissa bits every long double has (macOS arm64's long double is a double). */
const EXACT_BITS = 53;
/** `%.17Lf` prints 17 decimals: a value with at most 17 binary fraction digits prints exactly. */
const MAX_FRACTION_BITS = 17;
const DECIMAL = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d{1,4}))?$/;

function latin1(arg: Uint8Array): string {
  let s = "";
  for (let i = 0; i < arg.length; i++) s += String.fromCharCode(arg[i]);
  return s;
}

function bitLength(n: bigint): number {
  return n === 0n ? 0 : (n < 0n ? -n : n).toString(2).length;
}

function normalize(m: bigint, k: number): Dyadic {
  while (k > 0 && m % 2n === 0n) {
    m /= 2n;
    k--;
  }
  return { m, k };
}

/** Whether every long double format (64- or 113-bit x87/quad, or double) holds x exactly. */
function fitsEveryLongDouble(x: Dyadic): boolean {
  let odd = x.m < 0n ? -x.m : x.m;
  if (odd === 0n) return true;
  while (odd % 2n === 0n) odd /= 2n;
  return bitLength(odd) <= EXACT_BITS && bitLength(x.m) - x.k < 1000;
}

/**
 * The exact value of a decimal text when it is a binary fraction that every
 * long double holds exactly; null otherwise (0.1, hex floats, inf, junk).
 */
function exactValue(arg: Uint8Array): Dyadic | null {
  if (arg.length > 400) return null;
  const match = DECIMAL.exec(latin1(arg));
  if (match === null) return null;
  const [, sign, int, frac = "", exp = "0"] = match;
  if (int === "" && frac === "") return null;
  let m = BigInt(int + frac || "0");
  if (sign === "-") m = -m;
  const e = Number(exp) - frac.length; // value = m * 10^e
  let value: Dyadic;
  if (e >= 0) {
    value = { m: m * 10n ** BigInt(e), k: 0 };
  } else {
    const five = 5n ** BigInt(-e);
    if (m % five !== 0n) return null; // not a binary fraction: long double rounds it
    value = normalize(m / five, -e);
  }
  return fitsEveryLongDouble(value) ? value : null;
}

function addExact(a: Dyadic, b: Dyadic): Dyadic {
  const k = Math.max(a.k, b.k);
  return normalize(a.m * 2n ** BigInt(k - a.k) + b.m * 2n ** BigInt(k - b.k), k);
}

/** `%.17Lf` of an exact value with at most 17 fraction bits, trailing zeros trimmed (Redis ld2string LD_STR_HUMAN). */
function humanText(x: Dyadic): string {
  const negative = x.m < 0n;
  const digits = ((negative ? -x.m : x.m) * 5n ** BigInt(x.k)).toString().padStart(x.k + 1, "0");
  const int = digits.slice(0, digits.length - x.k);
  const frac = digits.slice(digits.length - x.k).replace(/0+$/, "");
  const text = frac ? `${int}.${frac}` : int;
  return negative && text !== "0" ? `-${text}` : text;
}

/**
 * HINCRBYFLOAT arriving verbatim (no Redis or Valkey primary sends it: they
 * propagate the result as HSET/HSETEX). The primary computed in long double
 * (x87 80-bit, 128-bit quad or plain double depending on its platform) and
 * printed `%.17Lf`; the mirror re-executes only when that result is the same
 * on every platform: both operands and the sum are binary fractions held
 * exactly by a 53-bit mantissa, with at most 17 fraction bits. Anything else
 * is reported (CommandError) rather than guessed.
 */
function applyHincrbyfloat(ctx: ApplyContext, args: readonly Uint8Array[]): void {
  const [, key, field, incrArg] = args;
  const incr = exactValue(incrArg);
  if (incr === null) {
    throw new CommandError(
      `HINCRBYFLOAT increment ${
        printable(incrArg)
      } is not reproducible exactly (long double arithmetic on the primary)`,
    );
  }
  let current: Dyadic = { m: 0n, k: 0 };
  if (hashExists(ctx, key)) {
    const stored = ctx.store.foundHashGet(field);
    if (stored !== null) {
      const value = exactValue(stored);
      if (value === null) {
        throw new CommandError(
          `HINCRBYFLOAT on value ${
            printable(stored)
          } is not reproducible exactly (long double arithmetic on the primary)`,
        );
      }
      current = value;
    }
  }
  const sum = addExact(current, incr);
  if (!fitsEveryLongDouble(sum) || sum.k > MAX_FRACTION_BITS) {
    throw new CommandError("HINCRBYFLOAT result is not reproducible exactly (long double arithmetic on the primary)");
  }
  ctx.store.hashSet(ctx.db, key, field, encoder.encode(humanText(sum)), true);
}

// ---------------------------------------------------------------- the table

/** HSET / HMSET (t_hash.c `hsetCommand`): field value pairs, each set dropping its field TTL. */
function hashSetCommand(name: string, summary: string): CommandSpec {
  return command({
    name,
    arity: -4,
    group: "hash",
    kind: "write",
    keys: FIRST_KEY,
    summary,
    apply(ctx, args) {
      if (args.length % 2 !== 0) throw new CommandError(`wrong number of arguments for '${name}'`);
      // a WRONGTYPE key fails on the first field, before anything is written
      for (let i = 2; i < args.length; i += 2) ctx.store.hashSet(ctx.db, args[1], args[i], args[i + 1]);
    },
  });
}

/** Every hash write command, declared once. */
export const hashCommands: readonly CommandSpec[] = [
  hashSetCommand("hset", "field value pairs (drops the fields' TTLs)"),
  hashSetCommand("hmset", "as HSET"),
  command({
    name: "hsetnx",
    arity: 4,
    group: "hash",
    kind: "write",
    keys: FIRST_KEY,
    summary: "set a field when absent",
    apply(ctx, args) {
      ctx.store.hashSetIfAbsent(ctx.db, args[1], args[2], args[3]);
    },
  }),
  command({
    name: "hdel",
    arity: -3,
    group: "hash",
    kind: "write",
    keys: FIRST_KEY,
    summary: "delete fields (the key goes with its last field)",
    apply(ctx, args) {
      for (let i = 2; i < args.length; i++) ctx.store.hashDelete(ctx.db, args[1], args[i]);
    },
  }),
  command({
    name: "hincrby",
    arity: 4,
    group: "hash",
    kind: "write",
    keys: FIRST_KEY,
    summary: "add an integer (64-bit, overflow checked, keeps the field TTL)",
    apply(ctx, args) {
      ctx.store.hashIncrBy(ctx.db, args[1], args[2], args[3]);
    },
  }),
  command({
    name: "hincrbyfloat",
    arity: 4,
    group: "hash",
    kind: "write",
    keys: FIRST_KEY,
    summary: "verbatim form applied only when exact (primaries send HSET/HSETEX)",
    partial: "only when the sum is exact in every float format (primaries send HSET/HSETEX)",
    apply: applyHincrbyfloat,
  }),
  command({
    name: "hsetex",
    arity: -6,
    group: "hash",
    kind: "write",
    keys: FIRST_KEY,
    summary: "FNX/FXX, EX/PX/EXAT/PXAT/KEEPTTL (Redis 8; Valkey 9 NX/XX)",
    apply: applyHsetex,
  }),
  fieldExpireCommand("hpexpireat", 1, false, "field TTLs, NX/XX/GT/LT (what 7.4+ primaries send)"),
  fieldExpireCommand("hexpireat", 1000, false, "verbatim form of HPEXPIREAT in seconds"),
  fieldExpireCommand("hpexpire", 1, true, "verbatim relative form"),
  fieldExpireCommand("hexpire", 1000, true, "verbatim relative form"),
  command({
    name: "hpersist",
    arity: -5,
    group: "hash",
    kind: "write",
    keys: FIRST_KEY,
    summary: "drop field TTLs",
    apply(ctx, args) {
      const exists = hashExists(ctx, args[1]);
      fieldsClause(args, 3);
      if (!exists) return;
      for (let i = 4; i < args.length; i++) ctx.store.hashPersistField(ctx.db, args[1], args[i]);
    },
  }),
  command({
    name: "hgetdel",
    arity: -5,
    group: "hash",
    kind: "write",
    keys: FIRST_KEY,
    summary: "verbatim form: deletes the fields (primaries send HDEL)",
    apply(ctx, args) {
      const exists = hashExists(ctx, args[1]);
      fieldsClause(args, 3);
      if (!exists) return;
      for (let i = 4; i < args.length; i++) ctx.store.hashDelete(ctx.db, args[1], args[i]);
    },
  }),
  command({
    name: "hgetex",
    arity: -5,
    group: "hash",
    kind: "write",
    keys: FIRST_KEY,
    summary: "verbatim form: EX/PX/EXAT/PXAT/PERSIST on the fields (primaries send HPEXPIREAT/HPERSIST/HDEL)",
    apply(ctx, args) {
      const exists = hashExists(ctx, args[1]);
      const option = word(args[2]);
      let at = 3;
      let expireAt = NO_TTL;
      if (option === "ex" || option === "px" || option === "exat" || option === "pxat") {
        at = 5;
        const unitMs = option === "ex" || option === "exat" ? 1000 : 1;
        expireAt = fieldExpireTime(args[3], unitMs, option === "ex" || option === "px" ? ctx.now() : 0);
      } else if (option === "persist") {
        at = 4;
      }
      fieldsClause(args, at);
      if (!exists || at === 3) return; // plain HGETEX only reads
      for (let i = at + 1; i < args.length; i++) {
        if (expireAt === NO_TTL) ctx.store.hashPersistField(ctx.db, args[1], args[i]);
        else ctx.store.hashSetFieldExpire(ctx.db, args[1], args[i], expireAt, HFE_NONE);
      }
    },
  }),
];
