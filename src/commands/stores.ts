/**
 * Commands that store a computed result: SINTERSTORE, SUNIONSTORE,
 * SDIFFSTORE, ZUNIONSTORE, ZINTERSTORE, ZDIFFSTORE, ZRANGESTORE and
 * SORT … STORE. The primary propagates them verbatim, so the mirror
 * recomputes them with Redis's rules (the computations live in `src/ops/`).
 *
 * Shared rules, as in Redis: every input is read before the destination is
 * written (the destination may be one of the inputs); the destination is
 * replaced whatever it held and has no TTL afterwards; an empty result
 * deletes it; an input of the wrong type fails the command (the primary
 * would not have propagated it, so it means divergence).
 *
 * @module
 */

import { type Store, ValueType, type ZsetRange } from "../_wasm/store.ts";
import { setDifference, type SetInput, setIntersection, setUnion } from "../ops/set_algebra.ts";
import { redisDouble } from "../ops/strtod.ts";
import { type PatternLookup, sortForStore, type SortOptions, SortScoreError, type SortSource } from "../ops/sort.ts";
import {
  type Aggregate,
  zsetDiff,
  type ZsetInput,
  zsetInter,
  type ZsetResult,
  zsetUnion,
} from "../ops/zset_aggregate.ts";
import { CommandError, printable, word } from "./args.ts";
import { parseLexRange, parseLong, parseRankRange, parseScoreRange } from "./zset_range.ts";
import { ALL_KEYS, type ApplyContext, command, type CommandSpec, type KeyFinder, numkeysKeys } from "./spec.ts";

const WRONGTYPE = "WRONGTYPE Operation against a key holding the wrong kind of value";
const ALL: ZsetRange = { by: "rank", start: 0, stop: -1 };

// ------------------------------------------------------------------ reading inputs

/** A set input: its members, null when absent; WRONGTYPE for anything but a set. */
function readSet(store: Store, db: number, key: Uint8Array): SetInput {
  const type = store.find(db, key);
  if (type === ValueType.none) return null;
  if (type !== ValueType.set) throw new CommandError(WRONGTYPE);
  return store.foundSetMembers();
}

/** A ZUNIONSTORE/ZINTERSTORE/ZDIFFSTORE input: a sorted set or a plain set (scores 1), null when absent. */
function readZsetOrSet(store: Store, db: number, key: Uint8Array): ZsetInput {
  const type = store.find(db, key);
  if (type === ValueType.none) return null;
  if (type === ValueType.set) return { members: store.foundSetMembers(), scores: null };
  if (type !== ValueType.zset) throw new CommandError(WRONGTYPE);
  return store.foundZsetRange(ALL);
}

// ------------------------------------------------------------------ writing the destination

/** Replaces `dst` with a set of `members` (deleted when empty). */
function storeSet(store: Store, db: number, dst: Uint8Array, members: readonly Uint8Array[]): void {
  store.del(db, dst);
  if (members.length > 0) store.setAddMany(db, dst, members);
}

/**
 * Replaces `dst` with a sorted set (deleted when empty). The encoding hints
 * default to what ZUNIONSTORE/ZINTERSTORE/ZDIFFSTORE and the geo stores do:
 * build the whole result, then convert it to a listpack when it is small
 * (the encoding decides whether a score of -0 survives).
 */
export function storeZset(
  store: Store,
  db: number,
  dst: Uint8Array,
  result: ZsetResult,
  sizeHint = result.members.length,
  lengthHint = longestMember(result.members),
): void {
  store.del(db, dst);
  for (let i = 0; i < result.members.length; i++) {
    store.zsetAdd(db, dst, result.members[i], result.scores[i], 0, sizeHint, lengthHint);
  }
}

function longestMember(members: readonly Uint8Array[]): number {
  let longest = 0;
  for (const member of members) if (member.length > longest) longest = member.length;
  return longest;
}

/** Replaces `dst` with a list of `items` in order (deleted when empty). */
function storeList(store: Store, db: number, dst: Uint8Array, items: readonly Uint8Array[]): void {
  store.del(db, dst);
  for (const item of items) store.listPush(db, dst, item, true, false);
}

// ------------------------------------------------------------------ set stores

function setStoreCommand(
  name: string,
  compute: (inputs: SetInput[]) => Uint8Array[],
  summary: string,
): CommandSpec {
  return command({
    name,
    arity: -3,
    group: "set",
    kind: "write",
    keys: ALL_KEYS,
    summary,
    apply(ctx, args) {
      const inputs = args.slice(2).map((key) => readSet(ctx.store, ctx.db, key));
      storeSet(ctx.store, ctx.db, args[1], compute(inputs));
    },
  });
}

// ------------------------------------------------------------------ zset stores

interface ZsetStoreArgs {
  keys: Uint8Array[];
  weights: number[];
  aggregate: Aggregate;
}

/** Parses `numkeys key… [WEIGHTS w…] [AGGREGATE SUM|MIN|MAX]` as `zunionInterDiffGenericCommand` (from args[2]). */
function parseZsetStoreArgs(args: readonly Uint8Array[], diff: boolean, commandName: string): ZsetStoreArgs {
  const numkeys = parseLong(args[2]);
  if (numkeys < 1) throw new CommandError(`at least 1 input key is needed for '${commandName}' command`);
  if (numkeys > args.length - 3) throw new CommandError("syntax error");
  const keys = args.slice(3, 3 + numkeys);
  const weights = keys.map(() => 1);
  let aggregate: Aggregate = "sum";
  let j = 3 + numkeys;
  while (j < args.length) {
    const remaining = args.length - j;
    const option = word(args[j]);
    if (!diff && option === "weights" && remaining >= numkeys + 1) {
      j++;
      for (let i = 0; i < numkeys; i++, j++) weights[i] = weight(args[j]);
    } else if (!diff && option === "aggregate" && remaining >= 2) {
      const kind = word(args[j + 1]);
      if (kind !== "sum" && kind !== "min" && kind !== "max") throw new CommandError("syntax error");
      aggregate = kind;
      j += 2;
    } else {
      throw new CommandError("syntax error");
    }
  }
  return { keys, weights, aggregate };
}

/** A WEIGHTS value (`getDoubleFromObjectOrReply`, either Redis version's syntax). */
function weight(arg: Uint8Array): number {
  const value = redisDouble(arg);
  if (value === null) throw new CommandError(`weight value is not a float: ${printable(arg)}`);
  return value;
}

function zsetStoreCommand(name: string, op: "union" | "inter" | "diff", summary: string): CommandSpec {
  return command({
    name,
    arity: -4,
    group: "sorted-set",
    kind: "write",
    keys: numkeysKeys(2, [1]),
    summary,
    apply(ctx, args) {
      const { keys, weights, aggregate } = parseZsetStoreArgs(args, op === "diff", name);
      const inputs = keys.map((key) => readZsetOrSet(ctx.store, ctx.db, key));
      const result = op === "union"
        ? zsetUnion(inputs, weights, aggregate)
        : op === "inter"
        ? zsetInter(inputs, weights, aggregate)
        : zsetDiff(inputs);
      storeZset(ctx.store, ctx.db, args[1], result);
    },
  });
}

// ------------------------------------------------------------------ ZRANGESTORE

/**
 * ZRANGESTORE dst src min max [BYSCORE|BYLEX] [REV] [LIMIT offset count],
 * parsed as `zrangeGenericCommand` (REV swaps min and max for score and lex
 * ranges; LIMIT only with BYSCORE/BYLEX; a negative offset selects nothing).
 */
function applyZrangestore(ctx: ApplyContext, args: readonly Uint8Array[]): void {
  let reverse = false;
  let by: "rank" | "score" | "lex" = "rank";
  let byGiven = false;
  let offset = 0;
  let limit = -1;
  for (let j = 5; j < args.length; j++) {
    const option = word(args[j]);
    const left = args.length - j - 1;
    if (option === "limit" && left >= 2) {
      offset = parseLong(args[j + 1]);
      limit = parseLong(args[j + 2]);
      j += 2;
    } else if (!reverse && option === "rev") reverse = true;
    else if (!byGiven && option === "bylex") [by, byGiven] = ["lex", true];
    else if (!byGiven && option === "byscore") [by, byGiven] = ["score", true];
    else throw new CommandError("syntax error");
  }
  if (limit !== -1 && by === "rank") {
    throw new CommandError("syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX");
  }
  let [min, max] = [args[3], args[4]];
  if (reverse && by !== "rank") [min, max] = [max, min];
  const range = parseRange(by, min, max);

  const store = ctx.store;
  const type = store.find(ctx.db, args[2]);
  let result: ZsetResult = { members: [], scores: [] };
  if (type !== ValueType.none) {
    if (type !== ValueType.zset) throw new CommandError(WRONGTYPE);
    if (by === "rank" || offset >= 0) {
      result = store.foundZsetRange(
        range,
        reverse,
        by === "rank" ? 0 : offset,
        by === "rank" || limit < 0 ? -1 : limit,
      );
    }
  }
  // zrangeResultBeginStore: sized by the rank range's length (unknown for score and lex ranges), no length hint
  storeZset(store, ctx.db, args[1], result, by === "rank" ? result.members.length : 0, 0);
}

function parseRange(by: "rank" | "score" | "lex", min: Uint8Array, max: Uint8Array): ZsetRange {
  if (by === "rank") return parseRankRange(min, max);
  return by === "score" ? parseScoreRange(min, max) : parseLexRange(min, max);
}

// ------------------------------------------------------------------ SORT … STORE

interface ParsedSort {
  options: SortOptions;
  store: Uint8Array | null;
}

/** SORT's options as `sortCommandGeneric` parses them (from args[2]). */
function parseSort(args: readonly Uint8Array[]): ParsedSort {
  const options: SortOptions = { by: null, gets: [], desc: false, alpha: false, limitStart: 0, limitCount: -1 };
  let store: Uint8Array | null = null;
  for (let j = 2; j < args.length; j++) {
    const left = args.length - j - 1;
    const option = word(args[j]);
    if (option === "asc") options.desc = false;
    else if (option === "desc") options.desc = true;
    else if (option === "alpha") options.alpha = true;
    else if (option === "limit" && left >= 2) {
      options.limitStart = parseLong(args[j + 1]);
      options.limitCount = parseLong(args[j + 2]);
      j += 2;
    } else if (option === "store" && left >= 1) store = args[++j];
    else if (option === "by" && left >= 1) options.by = args[++j];
    else if (option === "get" && left >= 1) options.gets.push(args[++j]);
    else throw new CommandError("syntax error");
  }
  return { options, store };
}

/** Reads what a SORT pattern names: a string value, or a hash field with `field`. */
function patternLookup(store: Store, db: number): PatternLookup {
  return (key, field) => {
    const type = store.find(db, key);
    if (field === null) return type === ValueType.string ? store.foundBytes() : null;
    return type === ValueType.hash ? store.foundHashGet(field) : null;
  };
}

/** The sorted value's elements in the order Redis loads them. */
function readSortSource(store: Store, db: number, key: Uint8Array): SortSource {
  switch (store.find(db, key)) {
    case ValueType.none:
      return { type: "none", elements: [] };
    case ValueType.list:
      return { type: "list", elements: store.foundListRange(0, -1) };
    case ValueType.set:
      return { type: "set", elements: store.foundSetMembers() };
    case ValueType.zset:
      return { type: "zset", elements: store.foundZsetRange(ALL).members };
    default:
      throw new CommandError(WRONGTYPE);
  }
}

function applySort(ctx: ApplyContext, args: readonly Uint8Array[]): void {
  const { options, store: dst } = parseSort(args);
  // without STORE, SORT only reads: nothing to apply
  if (dst === null) return;
  const source = readSortSource(ctx.store, ctx.db, args[1]);
  let items: Uint8Array[];
  try {
    items = sortForStore(source, options, patternLookup(ctx.store, ctx.db));
  } catch (error) {
    if (error instanceof SortScoreError) throw new CommandError(error.message);
    throw error;
  }
  storeList(ctx.store, ctx.db, dst, items);
}

/** SORT's keys as Redis's `sortGetKeys`: the sorted key and the last STORE destination. */
const sortKeys: KeyFinder = (args) => {
  let stored = -1;
  for (let i = 2; i < args.length; i++) {
    const option = word(args[i]);
    if (option === "limit") i += 2;
    else if (option === "get" || option === "by") i++;
    else if (option === "store" && i + 1 < args.length) stored = i + 1;
  }
  return stored < 0 ? [1] : [1, stored];
};

/** Every command that stores a computed result, declared once. */
export const storeCommands: readonly CommandSpec[] = [
  setStoreCommand("sinterstore", setIntersection, "store the intersection of sets"),
  setStoreCommand("sunionstore", setUnion, "store the union of sets"),
  setStoreCommand("sdiffstore", setDifference, "store the difference of sets"),
  zsetStoreCommand("zunionstore", "union", "store a weighted union of sorted sets and sets (SUM/MIN/MAX)"),
  zsetStoreCommand("zinterstore", "inter", "store a weighted intersection of sorted sets and sets (SUM/MIN/MAX)"),
  zsetStoreCommand("zdiffstore", "diff", "store the difference of sorted sets and sets"),
  command({
    name: "zrangestore",
    arity: -5,
    group: "sorted-set",
    kind: "write",
    keys: { first: 1, last: 2, step: 1 },
    summary: "store a rank, score or lex range of a sorted set (REV, LIMIT)",
    apply: applyZrangestore,
  }),
  command({
    name: "sort",
    arity: -2,
    group: "list",
    kind: "write",
    keys: sortKeys,
    summary: "store a sorted list, set or sorted set (BY, GET, LIMIT, ALPHA) as a list",
    apply: applySort,
  }),
];
