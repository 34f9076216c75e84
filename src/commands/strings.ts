/**
 * String write commands, with the forms every primary version propagates:
 * Redis 7.0+ rewrites relative TTLs to `SET … PXAT`, older primaries send
 * `EX`/`PX`/`SETEX` verbatim, so both are understood.
 *
 * @module
 */

import { SET_KEEPTTL, SET_NX, SET_XX, ValueType } from "../_wasm/store.ts";
import { CommandError, integer, word } from "./args.ts";
import { type ApplyContext, command, type CommandSpec, FIRST_KEY, KEY_VALUE_PAIRS, unsupported } from "./spec.ts";

const NO_TTL = -1;
const ONE = new Uint8Array([49]);

/** The options of `SET`, parsed as Redis's `parseExtendedStringArgumentsOrReply` does. */
interface SetOptions {
  flags: number;
  expireAt: number;
  /** Redis 8.4 `IFEQ`/`IFNE value`: the write happens only when the current value compares so. */
  compare: { equal: boolean; value: Uint8Array } | null;
}

function parseSetOptions(ctx: ApplyContext, args: readonly Uint8Array[], from = 3): SetOptions {
  let flags = 0;
  let expireAt = NO_TTL;
  let expiry = "";
  let compare: SetOptions["compare"] = null;
  for (let i = from; i < args.length; i++) {
    const option = word(args[i]);
    switch (option) {
      case "nx":
        flags |= SET_NX;
        break;
      case "xx":
        flags |= SET_XX;
        break;
      case "get":
        break; // a replica never answers; the primary already checked the type
      case "keepttl":
        flags |= SET_KEEPTTL;
        expiry = setOnce(expiry, option);
        break;
      case "ex":
      case "px":
      case "exat":
      case "pxat":
        expiry = setOnce(expiry, option);
        if (++i >= args.length) throw new CommandError("syntax error");
        expireAt = absoluteExpiry(ctx, option, integer(args[i], "expire time"));
        break;
      case "ifeq":
      case "ifne":
        if (compare !== null || ++i >= args.length) throw new CommandError("syntax error");
        compare = { equal: option === "ifeq", value: args[i] };
        break;
      case "ifdeq":
      case "ifdne":
        throw new CommandError(
          `SET ${option.toUpperCase()} compares an XXH3 digest, which the mirror does not compute`,
        );
      default:
        throw new CommandError(`unknown SET option ${option}`);
    }
  }
  if ((flags & SET_NX) && (flags & SET_XX)) throw new CommandError("syntax error");
  if (compare !== null && (flags & (SET_NX | SET_XX))) throw new CommandError("syntax error");
  return { flags, expireAt, compare };
}

function setOnce(previous: string, option: string): string {
  if (previous) throw new CommandError("syntax error");
  return option;
}

/** Converts any of SET's expiry forms to absolute unix ms. */
function absoluteExpiry(ctx: ApplyContext, unit: string, amount: number): number {
  if (amount <= 0) throw new CommandError("invalid expire time in 'set' command");
  switch (unit) {
    case "ex":
      return ctx.now() + amount * 1000;
    case "px":
      return ctx.now() + amount;
    case "exat":
      return amount * 1000;
    default:
      return amount;
  }
}

/** Every string write command, declared once. */
export const stringCommands: readonly CommandSpec[] = [
  command({
    name: "set",
    arity: -3,
    group: "string",
    kind: "write",
    keys: FIRST_KEY,
    summary: "all options (NX, XX, GET, KEEPTTL, EX, PX, EXAT, PXAT, IFEQ, IFNE)",
    partial: "not IFDEQ/IFDNE (XXH3 digests)",
    apply(ctx, args) {
      const { flags, expireAt, compare } = parseSetOptions(ctx, args);
      if (compare !== null && !valueCompares(ctx, args[1], compare.value, compare.equal)) return;
      ctx.store.set(ctx.db, args[1], args[2], flags, expireAt);
    },
  }),
  command({
    name: "msetex",
    arity: -4,
    group: "string",
    kind: "write",
    keys: msetexKeys,
    summary: "several keys with one TTL, NX/XX over all (Redis 8.4, Valkey 9.1)",
    apply(ctx, args) {
      const n = integer(args[1], "numkeys");
      if (n < 1 || 2 + 2 * n > args.length) throw new CommandError("invalid numkeys value");
      const { flags, expireAt } = parseSetOptions(ctx, args, 2 + 2 * n);
      if (flags & SET_NX) {
        for (let i = 2; i < 2 + 2 * n; i += 2) if (ctx.store.find(ctx.db, args[i]) !== 0) return;
      }
      if (flags & SET_XX) {
        for (let i = 2; i < 2 + 2 * n; i += 2) if (ctx.store.find(ctx.db, args[i]) === 0) return;
      }
      const keepTtl = flags & SET_KEEPTTL;
      for (let i = 2; i < 2 + 2 * n; i += 2) ctx.store.set(ctx.db, args[i], args[i + 1], keepTtl, expireAt);
    },
  }),
  command({
    name: "getex",
    arity: -2,
    group: "string",
    kind: "write",
    keys: FIRST_KEY,
    summary: "the TTL part (primaries send PEXPIREAT/PERSIST instead)",
    apply(ctx, args) {
      if (args.length === 2) return;
      const option = word(args[2]);
      if (ctx.store.find(ctx.db, args[1]) === 0) return;
      if (option === "persist" && args.length === 3) {
        ctx.store.persist(ctx.db, args[1]);
        return;
      }
      if (args.length !== 4 || !["ex", "px", "exat", "pxat"].includes(option)) throw new CommandError("syntax error");
      ctx.store.setExpire(ctx.db, args[1], absoluteExpiry(ctx, option, integer(args[3], "expire time")));
    },
  }),
  unsupported(
    "incrbyfloat",
    3,
    "string",
    "primaries propagate it as SET … KEEPTTL; re-executing needs C long double arithmetic",
  ),
  command({
    name: "setnx",
    arity: 3,
    group: "string",
    kind: "write",
    keys: FIRST_KEY,
    summary: "set when absent",
    apply(ctx, args) {
      ctx.store.set(ctx.db, args[1], args[2], SET_NX, NO_TTL);
    },
  }),
  relativeTtlSetCommand("setex", "ex"),
  relativeTtlSetCommand("psetex", "px"),
  command({
    name: "getset",
    arity: 3,
    group: "string",
    kind: "write",
    keys: FIRST_KEY,
    summary: "as SET (drops the TTL)",
    apply(ctx, args) {
      ctx.store.set(ctx.db, args[1], args[2], 0, NO_TTL);
    },
  }),
  command({
    name: "mset",
    arity: -3,
    group: "string",
    kind: "write",
    keys: KEY_VALUE_PAIRS,
    summary: "several keys",
    apply(ctx, args) {
      if (args.length % 2 !== 1) throw new CommandError("wrong number of arguments for 'mset'");
      for (let i = 1; i < args.length; i += 2) ctx.store.set(ctx.db, args[i], args[i + 1], 0, NO_TTL);
    },
  }),
  command({
    name: "msetnx",
    arity: -3,
    group: "string",
    kind: "write",
    keys: KEY_VALUE_PAIRS,
    summary: "all or none",
    apply(ctx, args) {
      if (args.length % 2 !== 1) throw new CommandError("wrong number of arguments for 'msetnx'");
      for (let i = 1; i < args.length; i += 2) if (ctx.store.find(ctx.db, args[i]) !== 0) return;
      for (let i = 1; i < args.length; i += 2) ctx.store.set(ctx.db, args[i], args[i + 1], 0, NO_TTL);
    },
  }),
  command({
    name: "append",
    arity: 3,
    group: "string",
    kind: "write",
    keys: FIRST_KEY,
    summary: "append bytes",
    apply(ctx, args) {
      ctx.store.append(ctx.db, args[1], args[2]);
    },
  }),
  command({
    name: "setrange",
    arity: 4,
    group: "string",
    kind: "write",
    keys: FIRST_KEY,
    summary: "overwrite at an offset, zero padding",
    apply(ctx, args) {
      const offset = integer(args[2], "offset");
      if (offset < 0) throw new CommandError("offset is out of range");
      ctx.store.setRange(ctx.db, args[1], offset, args[3]);
    },
  }),
  incrementCommand("incr", 2, false, "add 1"),
  incrementCommand("decr", 2, true, "subtract 1"),
  incrementCommand("incrby", 3, false, "add an integer"),
  incrementCommand("decrby", 3, true, "subtract an integer"),
];

/** Whether the key holds a string equal (or not, `equal` false) to `value`; an absent key is "not equal". */
function valueCompares(ctx: ApplyContext, key: Uint8Array, value: Uint8Array, equal: boolean): boolean {
  const type = ctx.store.find(ctx.db, key);
  if (type === 0) return !equal;
  if (type !== ValueType.string) {
    throw new CommandError("WRONGTYPE Operation against a key holding the wrong kind of value");
  }
  return sameBytes(ctx.store.foundBytes(), value) === equal;
}

/** Keys of `MSETEX numkeys key value …`. */
function msetexKeys(args: readonly Uint8Array[]): number[] {
  const keys: number[] = [];
  const n = Number.parseInt(new TextDecoder().decode(args[1]), 10);
  for (let i = 0; i < n && 2 + 2 * i < args.length; i++) keys.push(2 + 2 * i);
  return keys;
}

/** Byte equality. */
export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** `SETEX`/`PSETEX key amount value`: what older primaries send instead of `SET … PXAT`. */
function relativeTtlSetCommand(name: string, unit: "ex" | "px"): CommandSpec {
  return command({
    name,
    arity: 4,
    group: "string",
    kind: "write",
    keys: FIRST_KEY,
    summary: "older primaries' relative TTL form",
    apply(ctx, args) {
      ctx.store.set(ctx.db, args[1], args[3], 0, absoluteExpiry(ctx, unit, integer(args[2], "expire time")));
    },
  });
}

function incrementCommand(name: string, arity: number, negate: boolean, summary: string): CommandSpec {
  return command({
    name,
    arity,
    group: "string",
    kind: "write",
    keys: FIRST_KEY,
    summary: `${summary} (64-bit, overflow checked)`,
    apply(ctx, args) {
      ctx.store.incrBy(ctx.db, args[1], arity === 2 ? ONE : args[2], negate);
    },
  });
}
