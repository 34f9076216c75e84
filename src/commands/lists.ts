/**
 * List write commands, with Redis `t_list.c` semantics.
 *
 * Primaries rewrite the blocking and multi-key pops before propagating them
 * (`BLPOP`/`BRPOP`/`LMPOP`/`BLMPOP` → `LPOP`/`RPOP key [count]`, `BLMOVE` →
 * `LMOVE`, `BRPOPLPUSH` → `RPOPLPUSH`); the verbatim forms are understood too,
 * applied as the primary would have run them without blocking. A command
 * that failed on the primary is never propagated, so any error here (wrong
 * type, bad index, syntax) means divergence and is thrown.
 *
 * @module
 */

import { CommandError, double, integer, printable, word } from "./args.ts";
import {
  type ApplyContext,
  command,
  type CommandSpec,
  FIRST_KEY,
  type KeyFinder,
  numkeysKeys,
  TWO_KEYS,
} from "./spec.ts";

const MAX_I64 = 0x7fffffffffffffffn;

/** Strict decimal text of a C `long` as Redis's `string2ll` accepts it, as a BigInt. */
function longText(arg: Uint8Array, what: string): bigint {
  let text = "";
  for (let i = 0; i < arg.length && i < 21; i++) text += String.fromCharCode(arg[i]);
  if (arg.length > 20 || !/^(?:0|-?[1-9][0-9]*)$/.test(text)) {
    throw new CommandError(`${what} is not an integer or out of range: ${printable(arg)}`);
  }
  const v = BigInt(text);
  if (v > MAX_I64 || v < -MAX_I64 - 1n) {
    throw new CommandError(`${what} is not an integer or out of range: ${printable(arg)}`);
  }
  return v;
}

/**
 * A `long` argument (index, count) as `getLongFromObjectOrReply` reads it.
 * Values beyond JavaScript's safe integers are clamped: for a list (fewer
 * than 2^32 elements) every such index or count has the same effect.
 */
function long(arg: Uint8Array, what = "value"): number {
  if (arg.length <= 15) return integer(arg, what);
  const v = longText(arg, what);
  const max = BigInt(Number.MAX_SAFE_INTEGER);
  return Number(v > max ? max : v < -max ? -max : v);
}

/**
 * LSET's index. Redis 7.2+ and Valkey pass it to `listTypeReplaceAtIndex(…,
 * int index, …)`, so a `long` is truncated to 32 bits (4294967296 sets
 * element 0). Redis 7.0 keeps the long, where every index truncation changes
 * is out of range, an error a primary never propagates: truncating always
 * matches what the primary did.
 */
function lsetIndex(arg: Uint8Array): number {
  return Number(BigInt.asIntN(32, longText(arg, "index")));
}

/** A pop count as `getPositiveLongFromObjectOrReply` reads it (0..LONG_MAX). */
function popCount(arg: Uint8Array): number {
  const n = long(arg, "count");
  if (n < 0) throw new CommandError("value is out of range, must be positive");
  return n;
}

/** LEFT / RIGHT: true for the tail (RIGHT). */
function side(arg: Uint8Array): boolean {
  const w = word(arg);
  if (w === "right") return true;
  if (w === "left") return false;
  throw new CommandError(`syntax error: expected LEFT or RIGHT, got ${printable(arg)}`);
}

/** A blocking command's timeout in seconds, checked as `getTimeoutFromObjectOrReply` does (then unused). */
function checkTimeout(arg: Uint8Array): void {
  const ms = Math.ceil(double(arg, "timeout") * 1000);
  if (!(ms < 2 ** 63)) throw new CommandError("timeout is out of range"); // LLONG_MAX ms
  if (ms < 0) throw new CommandError("timeout is negative");
}

/** Pushes every value from args[2] on; the X forms stop at once when the key is absent. */
function push(ctx: ApplyContext, args: readonly Uint8Array[], tail: boolean, onlyIfExists: boolean): void {
  const { store, db } = ctx;
  const key = args[1];
  for (let i = 2; i < args.length; i++) {
    if (store.listPush(db, key, args[i], tail, onlyIfExists) === 0) return;
  }
}

/**
 * Pops up to `count` elements from the first of `keys` holding a list, as
 * Redis's blocking and multi-key pops do when they need not block: absent
 * keys are skipped, a key of another type is an error.
 */
function popFirst(ctx: ApplyContext, keys: readonly Uint8Array[], tail: boolean, count: number): void {
  for (const key of keys) {
    if (ctx.store.listPopMany(ctx.db, key, tail, count) > 0) return;
  }
}

/** LMPOP / BLMPOP arguments from the numkeys position on: `numkeys key… LEFT|RIGHT [COUNT n]`. */
function parseMpop(
  args: readonly Uint8Array[],
  numkeysAt: number,
): { keys: Uint8Array[]; tail: boolean; count: number } {
  const numkeys = long(args[numkeysAt], "numkeys");
  if (numkeys < 1) throw new CommandError("numkeys should be greater than 0");
  const sideAt = numkeysAt + numkeys + 1;
  if (sideAt >= args.length) throw new CommandError("syntax error");
  const tail = side(args[sideAt]);
  let count = -1;
  for (let i = sideAt + 1; i < args.length; i++) {
    if (count === -1 && word(args[i]) === "count" && i + 1 < args.length) {
      count = long(args[++i], "count");
      if (count < 1) throw new CommandError("count should be greater than 0");
    } else {
      throw new CommandError("syntax error");
    }
  }
  return { keys: args.slice(numkeysAt + 1, sideAt), tail, count: count === -1 ? 1 : count };
}

/** Keys of `BLPOP key… timeout`: every argument but the command and the timeout. */
const allButLast: KeyFinder = (args) => {
  const keys: number[] = [];
  for (let i = 1; i < args.length - 1; i++) keys.push(i);
  return keys;
};

function pushCommand(name: string, tail: boolean, onlyIfExists: boolean, summary: string): CommandSpec {
  return command({
    name,
    arity: -3,
    group: "list",
    kind: "write",
    keys: FIRST_KEY,
    summary,
    apply(ctx, args) {
      push(ctx, args, tail, onlyIfExists);
    },
  });
}

function popCommand(name: string, tail: boolean, summary: string): CommandSpec {
  return command({
    name,
    arity: -2,
    group: "list",
    kind: "write",
    keys: FIRST_KEY,
    summary,
    apply(ctx, args) {
      if (args.length > 3) throw new CommandError(`wrong number of arguments for '${name}' command`);
      const count = args.length === 3 ? popCount(args[2]) : 1;
      // type checked even for count 0, as Redis does
      ctx.store.listPopMany(ctx.db, args[1], tail, count);
    },
  });
}

function blockingPopCommand(name: string, tail: boolean, summary: string): CommandSpec {
  return command({
    name,
    arity: -3,
    group: "list",
    kind: "write",
    keys: allButLast,
    summary,
    apply(ctx, args) {
      checkTimeout(args[args.length - 1]);
      popFirst(ctx, args.slice(1, -1), tail, 1);
    },
  });
}

/** Every list write command, declared once. */
export const listCommands: readonly CommandSpec[] = [
  pushCommand("lpush", false, false, "prepend values, creating the list"),
  pushCommand("rpush", true, false, "append values, creating the list"),
  pushCommand("lpushx", false, true, "prepend values to an existing list"),
  pushCommand("rpushx", true, true, "append values to an existing list"),
  command({
    name: "linsert",
    arity: 5,
    group: "list",
    kind: "write",
    keys: FIRST_KEY,
    summary: "BEFORE/AFTER the first match of a pivot",
    apply(ctx, args) {
      const where = word(args[2]);
      if (where !== "before" && where !== "after") throw new CommandError("syntax error");
      ctx.store.listInsert(ctx.db, args[1], where === "before", args[3], args[4]);
    },
  }),
  command({
    name: "lset",
    arity: 4,
    group: "list",
    kind: "write",
    keys: FIRST_KEY,
    summary: "replace the element at an index",
    apply(ctx, args) {
      ctx.store.listSet(ctx.db, args[1], lsetIndex(args[2]), args[3]);
    },
  }),
  command({
    name: "lrem",
    arity: 4,
    group: "list",
    kind: "write",
    keys: FIRST_KEY,
    summary: "remove matches: all, from the head (count > 0) or the tail (count < 0)",
    apply(ctx, args) {
      ctx.store.listRemove(ctx.db, args[1], long(args[2], "count"), args[3]);
    },
  }),
  command({
    name: "ltrim",
    arity: 4,
    group: "list",
    kind: "write",
    keys: FIRST_KEY,
    summary: "keep an index range",
    apply(ctx, args) {
      ctx.store.listTrim(ctx.db, args[1], long(args[2], "start"), long(args[3], "stop"));
    },
  }),
  popCommand("lpop", false, "pop from the head, optional count (what blocking/multi pops become)"),
  popCommand("rpop", true, "pop from the tail, optional count (what blocking/multi pops become)"),
  command({
    name: "lmove",
    arity: 5,
    group: "list",
    kind: "write",
    keys: TWO_KEYS,
    summary: "move an element between lists (LEFT|RIGHT LEFT|RIGHT; same key rotates)",
    apply(ctx, args) {
      const fromTail = side(args[3]);
      const toTail = side(args[4]);
      ctx.store.listMove(ctx.db, args[1], args[2], fromTail, toTail);
    },
  }),
  command({
    name: "rpoplpush",
    arity: 3,
    group: "list",
    kind: "write",
    keys: TWO_KEYS,
    summary: "as LMOVE src dst RIGHT LEFT",
    apply(ctx, args) {
      ctx.store.listMove(ctx.db, args[1], args[2], true, false);
    },
  }),
  blockingPopCommand("blpop", false, "as LPOP of the first non-empty list (primaries send LPOP)"),
  blockingPopCommand("brpop", true, "as RPOP of the first non-empty list (primaries send RPOP)"),
  command({
    name: "blmove",
    arity: 6,
    group: "list",
    kind: "write",
    keys: TWO_KEYS,
    summary: "as LMOVE (primaries send LMOVE)",
    apply(ctx, args) {
      const fromTail = side(args[3]);
      const toTail = side(args[4]);
      checkTimeout(args[5]);
      ctx.store.listMove(ctx.db, args[1], args[2], fromTail, toTail);
    },
  }),
  command({
    name: "brpoplpush",
    arity: 4,
    group: "list",
    kind: "write",
    keys: TWO_KEYS,
    summary: "as RPOPLPUSH (primaries send RPOPLPUSH)",
    apply(ctx, args) {
      checkTimeout(args[3]);
      ctx.store.listMove(ctx.db, args[1], args[2], true, false);
    },
  }),
  command({
    name: "lmpop",
    arity: -4,
    group: "list",
    kind: "write",
    keys: numkeysKeys(1),
    summary: "pop from the first non-empty list, COUNT (primaries send LPOP/RPOP)",
    apply(ctx, args) {
      const { keys, tail, count } = parseMpop(args, 1);
      popFirst(ctx, keys, tail, count);
    },
  }),
  command({
    name: "blmpop",
    arity: -5,
    group: "list",
    kind: "write",
    keys: numkeysKeys(2),
    summary: "as LMPOP (primaries send LPOP/RPOP)",
    apply(ctx, args) {
      const { keys, tail, count } = parseMpop(args, 2);
      checkTimeout(args[1]);
      popFirst(ctx, keys, tail, count);
    },
  }),
];
