/**
 * Sorted-set write commands with Redis t_zset.c semantics: ZADD (NX, XX,
 * GT, LT, CH, INCR), ZINCRBY, ZREM, ZREMRANGEBYSCORE/RANK/LEX, ZPOPMIN/MAX.
 * Primaries rewrite BZPOPMIN/BZPOPMAX/ZMPOP/BZMPOP to ZPOPMIN/ZPOPMAX, but
 * the verbatim forms are applied too (as a non-blocking pop of the first
 * non-empty key: a replica never blocks).
 *
 * @module
 */

import { type Store, ValueType, ZADD_GT, ZADD_INCR, ZADD_LT, ZADD_NX, ZADD_XX } from "../_wasm/store.ts";
import { WrongTypeError } from "../errors.ts";
import { CommandError, double, word } from "./args.ts";
import { type ApplyContext, command, type CommandSpec, FIRST_KEY, numkeysKeys } from "./spec.ts";
import { parseLexRange, parseLong, parseRankRange, parseScoreRange } from "./zset_range.ts";

const SYNTAX = "syntax error";

/** ZADD's options, as `zaddGenericCommand` parses them. */
interface ZaddOptions {
  flags: number;
  /** Index of the first score. */
  first: number;
  scores: number[];
}

/** ZADD's option words (CH changes only the reply). */
const ZADD_WORDS = new Map<string, number>([
  ["nx", ZADD_NX],
  ["xx", ZADD_XX],
  ["gt", ZADD_GT],
  ["lt", ZADD_LT],
  ["incr", ZADD_INCR],
  ["ch", 0],
]);

function both(flags: number, a: number, b: number): boolean {
  return (flags & a) !== 0 && (flags & b) !== 0;
}

function parseZadd(args: readonly Uint8Array[], flags: number): ZaddOptions {
  let i = 2;
  for (; i < args.length && args[i].length <= 4; i++) {
    const flag = ZADD_WORDS.get(word(args[i]));
    if (flag === undefined) break;
    flags |= flag;
  }
  const rest = args.length - i;
  if (rest === 0 || rest % 2 !== 0) throw new CommandError(SYNTAX);
  if (both(flags, ZADD_NX, ZADD_XX)) throw new CommandError("XX and NX options at the same time are not compatible");
  if (both(flags, ZADD_GT, ZADD_NX) || both(flags, ZADD_LT, ZADD_NX) || both(flags, ZADD_GT, ZADD_LT)) {
    throw new CommandError("GT, LT, and/or NX options at the same time are not compatible");
  }
  if ((flags & ZADD_INCR) !== 0 && rest > 2) {
    throw new CommandError("INCR option supports a single increment-element pair");
  }
  // every score is checked before anything is added: the command applies fully or not at all
  const scores: number[] = [];
  for (let j = i; j < args.length; j += 2) scores.push(double(args[j]));
  return { flags, first: i, scores };
}

/** ZADD / ZINCRBY: each pair in order, with Redis 7.2+'s encoding hints (pairs, first member's length). */
function applyZadd(ctx: ApplyContext, args: readonly Uint8Array[], incr: boolean): void {
  const { flags, first, scores } = parseZadd(args, incr ? ZADD_INCR : 0);
  const key = args[1];
  const firstLength = args[first + 1].length;
  for (let j = 0; j < scores.length; j++) {
    ctx.store.zsetAdd(ctx.db, key, args[first + 1 + 2 * j], scores[j], flags, scores.length, firstLength);
  }
}

/** A pop count (`getPositiveLongFromObjectOrReply`, or a numkeys/COUNT range check). */
function positiveCount(arg: Uint8Array, minimum: number, message: string): number {
  const n = parseLong(arg);
  if (n < minimum) throw new CommandError(message);
  return n;
}

/** A blocking command's timeout (seconds, a non-negative float). */
function checkTimeout(arg: Uint8Array): void {
  if (double(arg, "timeout") < 0) throw new CommandError("timeout is negative");
}

/**
 * Pops from the first key that exists (`genericZpopCommand`: an existing zset
 * is never empty); another type there is WRONGTYPE, as on the primary.
 */
function popFirstExisting(store: Store, db: number, keys: readonly Uint8Array[], max: boolean, count: number): void {
  for (const key of keys) {
    const type = store.find(db, key);
    if (type === ValueType.none) continue;
    if (type !== ValueType.zset) throw new WrongTypeError("zset", store.foundTypeName());
    store.zsetPop(db, key, max, count);
    return;
  }
}

/** `ZMPOP numkeys key… MIN|MAX [COUNT n]` (BZMPOP: after a timeout), as `zmpopGenericCommand`. */
function applyZmpop(ctx: ApplyContext, args: readonly Uint8Array[], numkeysAt: number): void {
  const numkeys = positiveCount(args[numkeysAt], 1, "numkeys should be greater than 0");
  const whereAt = numkeysAt + numkeys + 1;
  if (whereAt >= args.length) throw new CommandError(SYNTAX);
  const where = args[whereAt].length === 3 ? word(args[whereAt]) : "";
  if (where !== "min" && where !== "max") throw new CommandError(SYNTAX);
  let count = -1;
  for (let j = whereAt + 1; j < args.length; j++) {
    if (count === -1 && args[j].length === 5 && word(args[j]) === "count" && j + 1 < args.length) {
      count = positiveCount(args[++j], 1, "count should be greater than 0");
    } else {
      throw new CommandError(SYNTAX);
    }
  }
  if (numkeysAt === 2) checkTimeout(args[1]);
  popFirstExisting(ctx.store, ctx.db, args.slice(numkeysAt + 1, whereAt), where === "max", count === -1 ? 1 : count);
}

function popCommand(name: string, max: boolean): CommandSpec {
  return command({
    name,
    arity: -2,
    group: "sorted-set",
    kind: "write",
    keys: FIRST_KEY,
    summary: `pop the ${max ? "highest" : "lowest"} [count] members`,
    apply(ctx, args) {
      if (args.length > 3) throw new CommandError(SYNTAX);
      const count = args.length === 3 ? positiveCount(args[2], 0, "value is out of range, must be positive") : 1;
      ctx.store.zsetPop(ctx.db, args[1], max, count);
    },
  });
}

function blockingPopCommand(name: string, max: boolean): CommandSpec {
  return command({
    name,
    arity: -3,
    group: "sorted-set",
    kind: "write",
    keys: { first: 1, last: -2, step: 1 },
    summary: "as ZPOP" + (max ? "MAX" : "MIN") + " of the first non-empty key (primaries send that instead)",
    apply(ctx, args) {
      checkTimeout(args[args.length - 1]);
      popFirstExisting(ctx.store, ctx.db, args.slice(1, -1), max, 1);
    },
  });
}

function removeRangeCommand(name: string, summary: string, parse: typeof parseScoreRange): CommandSpec {
  return command({
    name,
    arity: 4,
    group: "sorted-set",
    kind: "write",
    keys: FIRST_KEY,
    summary,
    apply(ctx, args) {
      ctx.store.zsetRemoveRange(ctx.db, args[1], parse(args[2], args[3]));
    },
  });
}

/** Every sorted-set write command, declared once. */
export const zsetCommands: readonly CommandSpec[] = [
  command({
    name: "zadd",
    arity: -4,
    group: "sorted-set",
    kind: "write",
    keys: FIRST_KEY,
    summary: "all options (NX, XX, GT, LT, CH, INCR)",
    apply(ctx, args) {
      applyZadd(ctx, args, false);
    },
  }),
  command({
    name: "zincrby",
    arity: 4,
    group: "sorted-set",
    kind: "write",
    keys: FIRST_KEY,
    summary: "add to a member's score (NaN refused)",
    apply(ctx, args) {
      applyZadd(ctx, args, true);
    },
  }),
  command({
    name: "zrem",
    arity: -3,
    group: "sorted-set",
    kind: "write",
    keys: FIRST_KEY,
    summary: "remove members",
    apply(ctx, args) {
      for (let i = 2; i < args.length; i++) ctx.store.zsetRemove(ctx.db, args[1], args[i]);
    },
  }),
  removeRangeCommand("zremrangebyscore", "remove a score range (`(` exclusive, ±inf)", parseScoreRange),
  removeRangeCommand("zremrangebyrank", "remove a rank range (negative from the end)", parseRankRange),
  removeRangeCommand("zremrangebylex", "remove a lex range (`[`, `(`, `-`, `+`)", parseLexRange),
  popCommand("zpopmin", false),
  popCommand("zpopmax", true),
  blockingPopCommand("bzpopmin", false),
  blockingPopCommand("bzpopmax", true),
  command({
    name: "zmpop",
    arity: -4,
    group: "sorted-set",
    kind: "write",
    keys: numkeysKeys(1),
    summary: "as ZPOPMIN/ZPOPMAX of the first non-empty key (primaries send that instead)",
    apply(ctx, args) {
      applyZmpop(ctx, args, 1);
    },
  }),
  command({
    name: "bzmpop",
    arity: -5,
    group: "sorted-set",
    kind: "write",
    keys: numkeysKeys(2),
    summary: "as ZMPOP (primaries send ZPOPMIN/ZPOPMAX instead)",
    apply(ctx, args) {
      applyZmpop(ctx, args, 2);
    },
  }),
];
