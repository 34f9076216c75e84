/**
 * Reads of sorted sets: scores, ranks, counts, every ZRANGE form, random
 * members, ZUNION/ZINTER/ZDIFF/ZINTERCARD, ZSCAN, and ordered iterators.
 *
 * Arguments follow Redis's parsing (t_zset.c): score bounds as numbers or
 * Redis's text (`"(1.5"`, `"-inf"`), lex bounds as text (`"[a"`, `"(a"`,
 * `"-"`, `"+"`), and the errors Redis replies for invalid ones, thrown as
 * `VeidrodelisError("ARGUMENT", <Redis's text>)` before the key is read, as
 * Redis checks them before looking the key up.
 *
 * @module
 */

import { type ScoredMembers, type Store, ValueType, type ZsetRange } from "../_wasm/store.ts";
import { parseLexBound, parseScoreBound } from "../commands/zset_range.ts";
import { VeidrodelisError, WrongTypeError } from "../errors.ts";
import { globMatch } from "../ops/glob.ts";
import { compareBytes } from "../ops/bytes.ts";
import {
  type Aggregate,
  zsetDiff,
  type ZsetInput,
  zsetInter,
  type ZsetResult,
  zsetUnion,
} from "../ops/zset_aggregate.ts";
import {
  asText,
  asTexts,
  findLive,
  findOfType,
  type KeyInput,
  type ReadContext,
  type ReadTable,
  type Text,
} from "./context.ts";

/**
 * A score bound: a number (inclusive) or Redis's text form: `"1.5"`, `"(1.5"` (exclusive), `"-inf"`, `"+inf"`.
 *
 * @example
 * ```ts
 * import type { ScoreBound } from "../../mod.ts";
 * const bounds: ScoreBound[] = [10, "(10", "-inf", "+inf"]; // inclusive, exclusive, open ends
 * // mirror.zcount("scores", "(10", "+inf"); // members scoring above 10
 * console.log(bounds.length);
 * ```
 */
export type ScoreBound = number | string | Uint8Array;

/**
 * A lex bound, Redis's text form: `"[a"` (inclusive), `"(a"` (exclusive), `"-"`, `"+"` (as text or bytes).
 *
 * @example
 * ```ts
 * import type { LexBoundInput } from "../../mod.ts";
 * const from: LexBoundInput = "[a";
 * const to: LexBoundInput = "(c";
 * // mirror.zrangebylex("names", from, to); // members from "a" (included) to "c" (excluded)
 * console.log(from, to);
 * ```
 */
export type LexBoundInput = string | Uint8Array;

/**
 * A member with its score.
 *
 * @example
 * ```ts
 * import type { ScoredMember } from "../../mod.ts";
 * const top: ScoredMember[] = [{ member: "alice", score: 1200 }];
 * // const top = mirror.zrange("leaderboard", 0, 9, { rev: true, withScores: true });
 * for (const { member, score } of top) console.log(member, score);
 * ```
 */
export interface ScoredMember<T extends Text = string> {
  /** The member. */
  member: T;
  /** Its score. */
  score: number;
}

/**
 * LIMIT of the score and lex ranges: skip `offset` members, return at most `count` (negative: all).
 *
 * @example
 * ```ts
 * import type { RangeLimit } from "../../mod.ts";
 * const secondPage: RangeLimit = { offset: 10, count: 10 };
 * // mirror.zrangebyscore("scores", "-inf", "+inf", { limit: secondPage });
 * console.log(secondPage);
 * ```
 */
export interface RangeLimit {
  /** Members to skip. */
  offset: number;
  /** Most members returned (negative: all). */
  count: number;
}

/**
 * Options of {@linkcode ZsetReads.zrange} (Redis 6.2+ ZRANGE's flags).
 *
 * @example
 * ```ts
 * import type { ZrangeOptions } from "../../mod.ts";
 * const topByScore: ZrangeOptions = { by: "score", rev: true, limit: { offset: 0, count: 3 } };
 * // mirror.zrange("scores", "+inf", "-inf", topByScore); // the three highest scores
 * console.log(topByScore.by);
 * ```
 */
export interface ZrangeOptions {
  /** Range by score (`start`/`stop` are score bounds) or by lex (lex bounds); by rank (indexes) when absent. */
  by?: "score" | "lex";
  /** Reverse order; with `by`, `start` is then the high bound and `stop` the low one, as Redis. */
  rev?: boolean;
  /** LIMIT offset count: only with `by` (Redis refuses it by rank unless count is -1). */
  limit?: RangeLimit;
  /** Include scores (not with `by: "lex"`, as Redis). */
  withScores?: boolean;
}

/**
 * Options of ZUNION and ZINTER.
 *
 * @example
 * ```ts
 * import type { ZsetAlgebraOptions } from "../../mod.ts";
 * const options: ZsetAlgebraOptions = { weights: [1, 0.5], aggregate: "max" };
 * // mirror.zunion(["scores:a", "scores:b"], options);
 * console.log(options.aggregate);
 * ```
 */
export interface ZsetAlgebraOptions {
  /** One multiplication factor per key (Redis WEIGHTS), default 1 each. */
  weights?: readonly number[];
  /** How the scores of a member present in several inputs combine (Redis AGGREGATE), default "sum". */
  aggregate?: Aggregate;
  /** Include scores. */
  withScores?: boolean;
}

/**
 * A ZSCAN step's result.
 *
 * @example
 * ```ts
 * import type { ZscanResult } from "../../mod.ts";
 * const step: ZscanResult = { cursor: 0, items: [{ member: "alice", score: 1200 }] };
 * // const step = mirror.zscan("scores", cursor);
 * console.log(step.cursor === 0 ? "done" : "more"); // "done"
 * ```
 */
export interface ZscanResult<T extends Text = string> {
  /** The cursor for the next call; 0 when the scan is complete. */
  cursor: number;
  /** Members found by this step, with their scores. */
  items: ScoredMember<T>[];
}

/**
 * Reads of sorted sets.
 *
 * @example
 * ```ts
 * import { Mirror, type ZsetReads } from "../../mod.ts";
 * const emptyRdb = new Uint8Array([...new TextEncoder().encode("REDIS0011"), 0xff, 0, 0, 0, 0, 0, 0, 0, 0]);
 * const mirror = await Mirror.fromRdb(emptyRdb);
 * const reads: ZsetReads<string> = mirror;
 * console.log(reads.zcard("scores"), reads.zrange("scores", 0, -1)); // 0 []
 * await mirror.close();
 * ```
 */
export interface ZsetReads<T extends Text> {
  /**
   * The score of `member`, or `null` when the member or the key does not exist (Redis `ZSCORE`).
   *
   * @example
   * ```ts ignore
   * mirror.zscore("leaderboard", "alice"); // 1200
   * ```
   */
  zscore(key: KeyInput, member: KeyInput): number | null;
  /** The score of each member, `null` for missing members; all `null` for a missing key (Redis `ZMSCORE`). */
  zmscore(key: KeyInput, ...members: KeyInput[]): (number | null)[];
  /** Number of members, 0 for a missing key (Redis `ZCARD`). */
  zcard(key: KeyInput): number;
  /**
   * 0-based rank of `member` in ascending (score, member) order, or `null`
   * when absent (Redis `ZRANK`); `{ withScore: true }` gives `{ rank, score }`
   * (Redis 7.2+ `ZRANK … WITHSCORE`).
   */
  zrank(key: KeyInput, member: KeyInput, options?: { withScore?: false }): number | null;
  /** With `{ withScore: true }`: `{ rank, score }`, or `null`. */
  zrank(key: KeyInput, member: KeyInput, options: { withScore: true }): { rank: number; score: number } | null;
  /** With the option only known at run time: either result. */
  zrank(
    key: KeyInput,
    member: KeyInput,
    options?: { withScore?: boolean },
  ): number | { rank: number; score: number } | null;
  /** Rank in descending order (Redis `ZREVRANK`); `{ withScore: true }` as {@linkcode ZsetReads.zrank}. */
  zrevrank(key: KeyInput, member: KeyInput, options?: { withScore?: false }): number | null;
  /** With `{ withScore: true }`: `{ rank, score }`, or `null`. */
  zrevrank(key: KeyInput, member: KeyInput, options: { withScore: true }): { rank: number; score: number } | null;
  /** With the option only known at run time: either result. */
  zrevrank(
    key: KeyInput,
    member: KeyInput,
    options?: { withScore?: boolean },
  ): number | { rank: number; score: number } | null;
  /**
   * Members with a score between `min` and `max` (Redis `ZCOUNT`). Bounds are
   * numbers or Redis's text (`"(1"` exclusive, `"-inf"`, `"+inf"`).
   */
  zcount(key: KeyInput, min: ScoreBound, max: ScoreBound): number;
  /** Members between two lex bounds (`"[a"`, `"(a"`, `"-"`, `"+"`), assuming equal scores (Redis `ZLEXCOUNT`). */
  zlexcount(key: KeyInput, min: LexBoundInput, max: LexBoundInput): number;
  /**
   * Redis 6.2+ `ZRANGE` with all its forms: by rank (indexes, negative from
   * the end), `by: "score"` (score bounds) or `by: "lex"` (lex bounds);
   * `rev` reverses the order (with `by`, `start` is the high bound, as Redis);
   * `limit` (only with `by`) skips and caps; `withScores` returns
   * `{ member, score }` objects (not with `by: "lex"`). Invalid combinations
   * throw Redis's errors.
   *
   * @example
   * ```ts ignore
   * mirror.zrange("z", 0, -1);                                   // every member, lowest score first
   * mirror.zrange("z", 0, 2, { rev: true, withScores: true });   // top three with scores
   * mirror.zrange("z", "(10", "+inf", { by: "score", limit: { offset: 0, count: 5 } });
   * mirror.zrange("z", "[a", "(c", { by: "lex" });
   * ```
   */
  zrange(key: KeyInput, start: ScoreBound, stop: ScoreBound, options?: ZrangeOptions & { withScores?: false }): T[];
  /** With `withScores: true`: `{ member, score }` objects. */
  zrange(
    key: KeyInput,
    start: ScoreBound,
    stop: ScoreBound,
    options: ZrangeOptions & { withScores: true },
  ): ScoredMember<T>[];
  /** With the option only known at run time: either result. */
  zrange(key: KeyInput, start: ScoreBound, stop: ScoreBound, options?: ZrangeOptions): T[] | ScoredMember<T>[];
  /** Members by rank in descending order (Redis `ZREVRANGE`). */
  zrevrange(key: KeyInput, start: number, stop: number, options?: { withScores?: false }): T[];
  /** With `{ withScores: true }`: `{ member, score }` objects. */
  zrevrange(key: KeyInput, start: number, stop: number, options: { withScores: true }): ScoredMember<T>[];
  /** With the option only known at run time: either result. */
  zrevrange(key: KeyInput, start: number, stop: number, options?: { withScores?: boolean }): T[] | ScoredMember<T>[];
  /**
   * Members with `min <= score <= max` (bounds as {@linkcode ZsetReads.zcount}),
   * ascending (Redis `ZRANGEBYSCORE`).
   *
   * @example
   * ```ts ignore
   * mirror.zrangebyscore("z", "(1", "+inf", { limit: { offset: 0, count: 10 }, withScores: true });
   * ```
   */
  zrangebyscore(
    key: KeyInput,
    min: ScoreBound,
    max: ScoreBound,
    options?: { limit?: RangeLimit; withScores?: false },
  ): T[];
  /** With `withScores: true`: `{ member, score }` objects. */
  zrangebyscore(
    key: KeyInput,
    min: ScoreBound,
    max: ScoreBound,
    options: { limit?: RangeLimit; withScores: true },
  ): ScoredMember<T>[];
  /** With the option only known at run time: either result. */
  zrangebyscore(
    key: KeyInput,
    min: ScoreBound,
    max: ScoreBound,
    options?: { limit?: RangeLimit; withScores?: boolean },
  ): T[] | ScoredMember<T>[];
  /** As {@linkcode ZsetReads.zrangebyscore}, descending, high bound first (Redis `ZREVRANGEBYSCORE`). */
  zrevrangebyscore(
    key: KeyInput,
    max: ScoreBound,
    min: ScoreBound,
    options?: { limit?: RangeLimit; withScores?: false },
  ): T[];
  /** With `withScores: true`: `{ member, score }` objects. */
  zrevrangebyscore(
    key: KeyInput,
    max: ScoreBound,
    min: ScoreBound,
    options: { limit?: RangeLimit; withScores: true },
  ): ScoredMember<T>[];
  /** With the option only known at run time: either result. */
  zrevrangebyscore(
    key: KeyInput,
    max: ScoreBound,
    min: ScoreBound,
    options?: { limit?: RangeLimit; withScores?: boolean },
  ): T[] | ScoredMember<T>[];
  /** Members between two lex bounds, ascending, assuming equal scores (Redis `ZRANGEBYLEX`). */
  zrangebylex(key: KeyInput, min: LexBoundInput, max: LexBoundInput, options?: { limit?: RangeLimit }): T[];
  /** As {@linkcode ZsetReads.zrangebylex}, descending, high bound first (Redis `ZREVRANGEBYLEX`). */
  zrevrangebylex(key: KeyInput, max: LexBoundInput, min: LexBoundInput, options?: { limit?: RangeLimit }): T[];
  /**
   * Random members (Redis `ZRANDMEMBER`): without `count` one member or
   * `null`; `count` > 0 gives up to `count` distinct members, `count` < 0
   * gives exactly -`count` members that may repeat; `withScores` returns
   * `{ member, score }` objects.
   */
  zrandmember(key: KeyInput): T | null;
  /** With `count`: distinct members for `count > 0`, possibly repeated ones for `count < 0`. */
  zrandmember(key: KeyInput, count: number, options?: { withScores?: false }): T[];
  /** With `count` and `{ withScores: true }`: `{ member, score }` objects. */
  zrandmember(key: KeyInput, count: number, options: { withScores: true }): ScoredMember<T>[];
  /** With the option only known at run time: either result. */
  zrandmember(key: KeyInput, count?: number, options?: { withScores?: boolean }): T | null | T[] | ScoredMember<T>[];
  /**
   * Members present in every key, in (score, member) order (Redis `ZINTER`):
   * scores weighted and aggregated (sum by default); plain sets count as
   * sorted sets of score 1, missing keys as empty.
   *
   * @example
   * ```ts ignore
   * mirror.zinter(["a", "b"], { weights: [1, 2], aggregate: "max", withScores: true });
   * ```
   */
  zinter(keys: readonly KeyInput[], options?: ZsetAlgebraOptions & { withScores?: false }): T[];
  /** With `withScores: true`: `{ member, score }` objects. */
  zinter(keys: readonly KeyInput[], options: ZsetAlgebraOptions & { withScores: true }): ScoredMember<T>[];
  /** With the option only known at run time: either result. */
  zinter(keys: readonly KeyInput[], options?: ZsetAlgebraOptions): T[] | ScoredMember<T>[];
  /** Members present in any key, as {@linkcode ZsetReads.zinter} (Redis `ZUNION`). */
  zunion(keys: readonly KeyInput[], options?: ZsetAlgebraOptions & { withScores?: false }): T[];
  /** With `withScores: true`: `{ member, score }` objects. */
  zunion(keys: readonly KeyInput[], options: ZsetAlgebraOptions & { withScores: true }): ScoredMember<T>[];
  /** With the option only known at run time: either result. */
  zunion(keys: readonly KeyInput[], options?: ZsetAlgebraOptions): T[] | ScoredMember<T>[];
  /** Members of the first key absent from the others, with their own scores (Redis `ZDIFF`). */
  zdiff(keys: readonly KeyInput[], options?: { withScores?: false }): T[];
  /** With `{ withScores: true }`: `{ member, score }` objects. */
  zdiff(keys: readonly KeyInput[], options: { withScores: true }): ScoredMember<T>[];
  /** With the option only known at run time: either result. */
  zdiff(keys: readonly KeyInput[], options?: { withScores?: boolean }): T[] | ScoredMember<T>[];
  /** Size of the intersection, counting up to `limit` when given and not 0 (Redis `ZINTERCARD`). */
  zintercard(keys: readonly KeyInput[], options?: { limit?: number }): number;
  /**
   * One ZSCAN step: start with cursor 0, continue with the returned cursor
   * until it is 0. Every member present for the whole scan is returned at
   * least once; `match` filters by a glob pattern, `count` hints the work
   * per step (Redis `ZSCAN`).
   */
  zscan(key: KeyInput, cursor: number, options?: { match?: KeyInput; count?: number }): ZscanResult<T>;
  /**
   * The `count` lowest members in (score, member) order; an empty array for
   * a missing key or a count below 1 (the library's iterators; Redis has none).
   */
  zfirst(key: KeyInput, count?: number): ScoredMember<T>[];
  /** The `count` highest members, highest first. */
  zlast(key: KeyInput, count?: number): ScoredMember<T>[];
  /**
   * Up to `count` members strictly after (`score`, `member`) in (score,
   * member) order; the anchor need not exist. With {@linkcode ZsetReads.zfirst},
   * pages through a sorted set without ranks.
   *
   * @example
   * ```ts ignore
   * let page = mirror.zfirst("z", 100);
   * while (page.length > 0) {
   *   const last = page[page.length - 1];
   *   page = mirror.znext("z", last.score, last.member, 100);
   * }
   * ```
   */
  znext(key: KeyInput, score: number, member: KeyInput, count?: number): ScoredMember<T>[];
  /** Up to `count` members strictly before (`score`, `member`), nearest first. */
  zprev(key: KeyInput, score: number, member: KeyInput, count?: number): ScoredMember<T>[];
}

// ------------------------------------------------------------------ shared helpers (geo.ts uses them too)

/** An invalid argument: Redis's error reply `ERR <message>`. */
export function errReply(message: string): VeidrodelisError {
  return new VeidrodelisError("ARGUMENT", `ERR ${message}`);
}

const SYNTAX = "syntax error";
const NOT_INTEGER = "value is not an integer or out of range";
const SCORE_ERROR = "min or max is not a float";
const LEX_ERROR = "min or max not valid string range item";

const encoder = new TextEncoder();

/** The bytes of a key, member or pattern. */
export function bytesOf(input: KeyInput): Uint8Array {
  return typeof input === "string" ? encoder.encode(input) : input;
}

/** Finds a sorted set: false when missing (or expired), WrongTypeError for another type. */
export function findZset(ctx: ReadContext, key: KeyInput): boolean {
  return findOfType(ctx, key, ValueType.zset, "zset");
}

/** An integer argument (Redis's `getLongFromObject`), as a number or decimal text. */
export function integerArg(value: unknown, message = NOT_INTEGER): number {
  if (typeof value === "number") {
    if (Number.isSafeInteger(value)) return value;
    throw errReply(message);
  }
  if (typeof value === "string" && /^(0|-?[1-9][0-9]{0,15})$/.test(value)) return Number(value);
  throw errReply(message);
}

/** Members with their scores as `{ member, score }` objects. */
function scoredOf(
  ctx: ReadContext,
  found: ScoredMembers | ScoredMembers<string> | ZsetResult,
): ScoredMember<Text>[] {
  const members: Text[] = typeof found.members[0] === "string"
    ? found.members as string[]
    : asTexts(ctx, found.members as Uint8Array[]);
  const scores = found.scores;
  const out = new Array<ScoredMember<Text>>(members.length);
  for (let i = 0; i < members.length; i++) out[i] = { member: members[i], score: scores[i] };
  return out;
}

// ------------------------------------------------------------------ ranges

/** The last bound read by {@linkcode readScoreBound} (module state: no allocation per bound). */
let boundValue = 0;
let boundExclusive = false;

/**
 * Plain decimal bounds and the usual infinities, which JavaScript's
 * correctly rounded `Number()` reads exactly as C `strtod` does (overflow to
 * ±inf included); anything else takes Redis's full parser.
 */
const SIMPLE_BOUND = /^(\(?)([+-]?(?:(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|inf))$/;

/** Reads one score bound as `zslParseRange` (into boundValue/boundExclusive); false when invalid. */
function readScoreBound(input: unknown): boolean {
  if (typeof input === "number") {
    boundValue = input;
    boundExclusive = false;
    return !Number.isNaN(input);
  }
  if (typeof input === "string") {
    const simple = SIMPLE_BOUND.exec(input);
    if (simple !== null) {
      const body = simple[2];
      boundExclusive = simple[1] !== "";
      boundValue = body.endsWith("inf") ? (body.charCodeAt(0) === 0x2d ? -Infinity : Infinity) : Number(body);
      return true;
    }
  } else if (!(input instanceof Uint8Array)) return false;
  const bound = parseScoreBound(bytesOf(input as string | Uint8Array));
  if (bound === null) return false;
  boundValue = bound.value;
  boundExclusive = bound.exclusive;
  return true;
}

/** A score range from two bounds, as `zslParseRange`; throws Redis's error for an invalid bound. */
function scoreRange(min: unknown, max: unknown): ZsetRange {
  if (!readScoreBound(min)) throw errReply(SCORE_ERROR);
  const lo = boundValue, loExclusive = boundExclusive;
  if (!readScoreBound(max)) throw errReply(SCORE_ERROR);
  return { by: "score", min: lo, minExclusive: loExclusive, max: boundValue, maxExclusive: boundExclusive };
}

/** A lex range from two bounds, as `zslParseLexRange`; throws Redis's error for an invalid bound. */
function lexRange(min: unknown, max: unknown): ZsetRange {
  const lo = lexBound(min), hi = lexBound(max);
  if (lo === null || hi === null) throw errReply(LEX_ERROR);
  return { by: "lex", min: lo, max: hi };
}

function lexBound(input: unknown): ReturnType<typeof parseLexBound> {
  if (input === "-" || input === "+") return input;
  if (typeof input === "string" || input instanceof Uint8Array) return parseLexBound(bytesOf(input));
  return null;
}

/** A rank range (indexes as numbers or decimal text). */
function rankRange(start: unknown, stop: unknown): ZsetRange {
  return { by: "rank", start: integerArg(start), stop: integerArg(stop) };
}

/** How a range read was asked for. */
const enum By {
  rank,
  score,
  lex,
}

/**
 * The core of every ZRANGE form (`zrangeGenericCommand`): options checked
 * with Redis's errors, then the range read in one store call. `a`/`b` are
 * the bounds as given (high bound first for reversed score and lex forms).
 */
function rangeRead(
  ctx: ReadContext,
  key: KeyInput,
  by: By,
  reverse: boolean,
  a: unknown,
  b: unknown,
  limit: RangeLimit | undefined,
  withScores: boolean,
): Text[] | ScoredMember<Text>[] {
  let offset = 0, count = -1;
  if (limit !== undefined) {
    offset = integerArg(limit.offset);
    count = integerArg(limit.count);
    if (by === By.rank && count !== -1) {
      throw errReply("syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX");
    }
  }
  if (withScores && by === By.lex) {
    throw errReply("syntax error, WITHSCORES not supported in combination with BYLEX");
  }
  // reversed score and lex ranges are given high bound first
  const low = reverse && by !== By.rank ? b : a;
  const high = reverse && by !== By.rank ? a : b;
  const range = by === By.rank ? rankRange(low, high) : by === By.score ? scoreRange(low, high) : lexRange(low, high);
  if (!findZset(ctx, key)) return [];
  // the store decodes strings itself (all at once when ASCII): several times faster than one by one
  const found = ctx.bytes
    ? ctx.store.foundZsetRange(range, reverse, offset, count)
    : ctx.store.foundZsetRange(range, reverse, offset, count, true);
  return withScores ? scoredOf(ctx, found) : found.members;
}

/** ZRANGE's `by` option. */
function byOption(by: unknown): By {
  if (by === undefined) return By.rank;
  if (by === "score") return By.score;
  if (by === "lex") return By.lex;
  throw errReply(SYNTAX);
}

// ------------------------------------------------------------------ ZUNION / ZINTER / ZDIFF

/**
 * The inputs of an algebra read, as `zunionInterDiffGenericCommand` reads
 * them: at least one key; every key missing (null), a sorted set, or a set
 * (scores 1); any other type is WRONGTYPE.
 */
function algebraInputs(ctx: ReadContext, keys: readonly KeyInput[], command: string): ZsetInput[] {
  if (!Array.isArray(keys) || keys.length < 1) {
    throw errReply(`at least 1 input key is needed for '${command}' command`);
  }
  const store = ctx.store;
  const inputs: ZsetInput[] = new Array(keys.length);
  for (let i = 0; i < keys.length; i++) {
    const type = findLive(ctx, keys[i]);
    if (type === ValueType.none) inputs[i] = null;
    else if (type === ValueType.zset) inputs[i] = store.foundZsetRange(ALL, false, 0, -1);
    else if (type === ValueType.set) inputs[i] = { members: store.foundSetMembers(), scores: null };
    else throw new WrongTypeError("zset", store.foundTypeName());
  }
  return inputs;
}

const ALL: ZsetRange = { by: "rank", start: 0, stop: -1 };

/** WEIGHTS: one double per key (Redis: a WEIGHTS of another length is a syntax error). */
function weightsOption(weights: readonly number[] | undefined, keys: number): number[] {
  if (weights === undefined) return [];
  if (!Array.isArray(weights) || weights.length !== keys) throw errReply(SYNTAX);
  for (const weight of weights) {
    if (typeof weight !== "number" || Number.isNaN(weight)) throw errReply("weight value is not a float");
  }
  return weights as number[];
}

/** AGGREGATE SUM|MIN|MAX (any case, as Redis). */
function aggregateOption(aggregate: unknown): Aggregate {
  if (aggregate === undefined) return "sum";
  const name = typeof aggregate === "string" ? aggregate.toLowerCase() : "";
  if (name === "sum" || name === "min" || name === "max") return name;
  throw errReply(SYNTAX);
}

/** A computed sorted set in Redis's reply order: (score, member) ascending, as its skiplist holds it. */
function sortedReply(ctx: ReadContext, result: ZsetResult, withScores: boolean): Text[] | ScoredMember<Text>[] {
  const order = result.members.map((_, i) => i);
  const { members, scores } = result;
  order.sort((i, j) => scores[i] - scores[j] || compareBytes(members[i], members[j]));
  const sorted: ZsetResult = { members: order.map((i) => members[i]), scores: order.map((i) => scores[i]) };
  return withScores ? scoredOf(ctx, sorted) : asTexts(ctx, sorted.members);
}

// ------------------------------------------------------------------ ZSCAN and iterators

/** An iterator's count: an integer, 1 when omitted; below 1 gives nothing (as the other iterators). */
function iteratorCount(count: unknown): number {
  return count === undefined ? 1 : integerArg(count);
}

/** Members after (or before, `reverse`) an anchor, as `{ member, score }` objects. */
function after(
  ctx: ReadContext,
  key: KeyInput,
  anchor: { score: number; member: KeyInput } | null,
  reverse: boolean,
  count: unknown,
): ScoredMember<Text>[] {
  const n = iteratorCount(count);
  if (anchor !== null && (typeof anchor.score !== "number" || Number.isNaN(anchor.score))) {
    throw errReply("value is not a valid float");
  }
  if (!findZset(ctx, key) || n < 1) return [];
  return scoredOf(ctx, ctx.store.foundZsetAfter(anchor, reverse, n));
}

/** ZSCAN's MATCH filter over one step's entries (Redis skips filtering for the pattern `*`). */
function matching(entries: ScoredMembers, pattern: Uint8Array | null): ScoredMembers {
  if (pattern === null || (pattern.length === 1 && pattern[0] === 0x2a)) return entries;
  const members: Uint8Array[] = [];
  const scores: number[] = [];
  for (let i = 0; i < entries.members.length; i++) {
    if (!globMatch(pattern, entries.members[i])) continue;
    members.push(entries.members[i]);
    scores.push(entries.scores[i]);
  }
  return { members, scores };
}

// ------------------------------------------------------------------ the table

function rank(
  ctx: ReadContext,
  key: KeyInput,
  member: KeyInput,
  reverse: boolean,
  options: { withScore?: boolean } | undefined,
): number | { rank: number; score: number } | null {
  if (!findZset(ctx, key)) return null;
  const store: Store = ctx.store;
  const r = store.foundZsetRank(member, reverse);
  if (r === null || options?.withScore !== true) return r;
  return { rank: r, score: store.foundZsetScore(member)! };
}

/** The declarations of {@linkcode ZsetReads}. */
export const zsetReads: ReadTable<ZsetReads<Text>> = {
  zscore: {
    args: ["key", "value"],
    redis: "ZSCORE",
    run: (ctx: ReadContext, key: KeyInput, member: KeyInput): number | null =>
      findZset(ctx, key) ? ctx.store.foundZsetScore(member) : null,
  },
  zmscore: {
    args: ["key", "values"],
    redis: "ZMSCORE",
    run: (ctx: ReadContext, key: KeyInput, ...members: KeyInput[]): (number | null)[] => {
      if (members.length === 0) throw errReply("wrong number of arguments for 'zmscore' command");
      const out = new Array<number | null>(members.length).fill(null);
      if (!findZset(ctx, key)) return out;
      for (let i = 0; i < members.length; i++) out[i] = ctx.store.foundZsetScore(members[i]);
      return out;
    },
  },
  zcard: {
    args: ["key"],
    redis: "ZCARD",
    run: (ctx: ReadContext, key: KeyInput): number => findZset(ctx, key) ? ctx.store.foundZsetCard() : 0,
  },
  zrank: {
    args: ["key", "value", "options?"],
    redis: "ZRANK",
    run: (ctx: ReadContext, key: KeyInput, member: KeyInput, options?: { withScore?: boolean }) =>
      rank(ctx, key, member, false, options),
  },
  zrevrank: {
    args: ["key", "value", "options?"],
    redis: "ZREVRANK",
    run: (ctx: ReadContext, key: KeyInput, member: KeyInput, options?: { withScore?: boolean }) =>
      rank(ctx, key, member, true, options),
  },
  zcount: {
    args: ["key", "bound", "bound"],
    redis: "ZCOUNT",
    run: (ctx: ReadContext, key: KeyInput, min: ScoreBound, max: ScoreBound): number => {
      const range = scoreRange(min, max);
      return findZset(ctx, key) ? ctx.store.foundZsetCount(range) : 0;
    },
  },
  zlexcount: {
    args: ["key", "lex", "lex"],
    redis: "ZLEXCOUNT",
    run: (ctx: ReadContext, key: KeyInput, min: LexBoundInput, max: LexBoundInput): number => {
      const range = lexRange(min, max);
      return findZset(ctx, key) ? ctx.store.foundZsetCount(range) : 0;
    },
  },
  zrange: {
    args: ["key", "bound", "bound", "options?"],
    redis: "ZRANGE",
    run: (ctx: ReadContext, key: KeyInput, start: ScoreBound, stop: ScoreBound, options?: ZrangeOptions) =>
      rangeRead(
        ctx,
        key,
        byOption(options?.by),
        options?.rev === true,
        start,
        stop,
        options?.limit,
        options?.withScores === true,
      ),
  },
  zrevrange: {
    args: ["key", "int", "int", "options?"],
    redis: "ZREVRANGE",
    run: (ctx: ReadContext, key: KeyInput, start: number, stop: number, options?: { withScores?: boolean }) =>
      rangeRead(ctx, key, By.rank, true, start, stop, undefined, options?.withScores === true),
  },
  zrangebyscore: {
    args: ["key", "bound", "bound", "options?"],
    redis: "ZRANGEBYSCORE",
    run: (
      ctx: ReadContext,
      key: KeyInput,
      min: ScoreBound,
      max: ScoreBound,
      options?: { limit?: RangeLimit; withScores?: boolean },
    ) => rangeRead(ctx, key, By.score, false, min, max, options?.limit, options?.withScores === true),
  },
  zrevrangebyscore: {
    args: ["key", "bound", "bound", "options?"],
    redis: "ZREVRANGEBYSCORE",
    run: (
      ctx: ReadContext,
      key: KeyInput,
      max: ScoreBound,
      min: ScoreBound,
      options?: { limit?: RangeLimit; withScores?: boolean },
    ) => rangeRead(ctx, key, By.score, true, max, min, options?.limit, options?.withScores === true),
  },
  zrangebylex: {
    args: ["key", "lex", "lex", "options?"],
    redis: "ZRANGEBYLEX",
    run: (ctx: ReadContext, key: KeyInput, min: LexBoundInput, max: LexBoundInput, options?: { limit?: RangeLimit }) =>
      rangeRead(ctx, key, By.lex, false, min, max, options?.limit, false),
  },
  zrevrangebylex: {
    args: ["key", "lex", "lex", "options?"],
    redis: "ZREVRANGEBYLEX",
    run: (ctx: ReadContext, key: KeyInput, max: LexBoundInput, min: LexBoundInput, options?: { limit?: RangeLimit }) =>
      rangeRead(ctx, key, By.lex, true, max, min, options?.limit, false),
  },
  zrandmember: {
    args: ["key", "int?", "options?"],
    redis: "ZRANDMEMBER",
    run: (ctx: ReadContext, key: KeyInput, count?: number, options?: { withScores?: boolean }) => {
      if (count === undefined) {
        if (!findZset(ctx, key)) return null;
        const picked = ctx.store.foundZsetRandom(1);
        return picked.members.length === 0 ? null : asText(ctx, picked.members[0]);
      }
      const n = integerArg(count);
      if (!findZset(ctx, key) || n === 0) return [];
      const picked = ctx.store.foundZsetRandom(n);
      return options?.withScores === true ? scoredOf(ctx, picked) : asTexts(ctx, picked.members);
    },
  },
  zinter: {
    args: ["keyList", "options?"],
    redis: "ZINTER",
    run: (ctx: ReadContext, keys: readonly KeyInput[], options?: ZsetAlgebraOptions) => {
      const inputs = algebraInputs(ctx, keys, "zinter");
      const weights = weightsOption(options?.weights, keys.length);
      const result = zsetInter(inputs, weights, aggregateOption(options?.aggregate));
      return sortedReply(ctx, result, options?.withScores === true);
    },
  },
  zunion: {
    args: ["keyList", "options?"],
    redis: "ZUNION",
    run: (ctx: ReadContext, keys: readonly KeyInput[], options?: ZsetAlgebraOptions) => {
      const inputs = algebraInputs(ctx, keys, "zunion");
      const weights = weightsOption(options?.weights, keys.length);
      const result = zsetUnion(inputs, weights, aggregateOption(options?.aggregate));
      return sortedReply(ctx, result, options?.withScores === true);
    },
  },
  zdiff: {
    args: ["keyList", "options?"],
    redis: "ZDIFF",
    run: (ctx: ReadContext, keys: readonly KeyInput[], options?: { withScores?: boolean }) =>
      sortedReply(ctx, zsetDiff(algebraInputs(ctx, keys, "zdiff")), options?.withScores === true),
  },
  zintercard: {
    args: ["keyList", "options?"],
    redis: "ZINTERCARD",
    run: (ctx: ReadContext, keys: readonly KeyInput[], options?: { limit?: number }): number => {
      const inputs = algebraInputs(ctx, keys, "zintercard");
      const limit = options?.limit === undefined ? 0 : integerArg(options.limit);
      if (limit < 0) throw errReply("LIMIT can't be negative");
      const card = zsetInter(inputs, [], "sum").members.length;
      return limit !== 0 && card > limit ? limit : card;
    },
  },
  zscan: {
    args: ["key", "int", "options?"],
    redis: "ZSCAN",
    run: (ctx: ReadContext, key: KeyInput, cursor: number, options?: { match?: KeyInput; count?: number }) => {
      // an unsigned 64-bit cursor, as parseScanCursorOrReply
      if (typeof cursor !== "number" || !Number.isInteger(cursor) || cursor < 0 || cursor >= 2 ** 64) {
        throw errReply("invalid cursor");
      }
      // as zscanCommand: a missing key answers before the options are read
      if (!findZset(ctx, key)) return { cursor: 0, items: [] };
      const count = options?.count === undefined ? 10 : integerArg(options.count);
      if (count < 1) throw errReply(SYNTAX);
      const pattern = options?.match === undefined ? null : bytesOf(options.match);
      const step = ctx.store.foundZsetScan(cursor, count);
      return { cursor: step.cursor, items: scoredOf(ctx, matching(step.entries, pattern)) };
    },
  },
  zfirst: {
    args: ["key", "int?"],
    redis: "",
    run: (ctx: ReadContext, key: KeyInput, count?: number) => after(ctx, key, null, false, count),
  },
  zlast: {
    args: ["key", "int?"],
    redis: "",
    run: (ctx: ReadContext, key: KeyInput, count?: number) => after(ctx, key, null, true, count),
  },
  znext: {
    args: ["key", "number", "value", "int?"],
    redis: "",
    run: (ctx: ReadContext, key: KeyInput, score: number, member: KeyInput, count?: number) =>
      after(ctx, key, { score, member }, false, count),
  },
  zprev: {
    args: ["key", "number", "value", "int?"],
    redis: "",
    run: (ctx: ReadContext, key: KeyInput, score: number, member: KeyInput, count?: number) =>
      after(ctx, key, { score, member }, true, count),
  },
};
