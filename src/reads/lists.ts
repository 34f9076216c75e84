/**
 * Reads of lists: length, ranges, single elements and LPOS searches, with
 * Redis's index rules and error texts.
 *
 * @module
 */

import { type Store, ValueType } from "../_wasm/store.ts";

import { asText, findOfType, type KeyInput, type ReadContext, type ReadTable, type Text } from "./context.ts";
import { argumentError } from "./arguments.ts";

/**
 * Options of {@linkcode ListReads.lpos}: Redis's `RANK`, `COUNT` and `MAXLEN`.
 *
 * @example
 * ```ts
 * import type { LposOptions } from "../../mod.ts";
 * const lastMatch: LposOptions = { rank: -1 };
 * // mirror.lpos("letters", "b", lastMatch); // index of the last "b"
 * console.log(lastMatch.rank);
 * ```
 */
export interface LposOptions {
  /**
   * Which match to start from: 1 (the default) the first, 2 the second …;
   * negative counts from the tail (-1 the last match). Never 0.
   */
  rank?: number;
  /** Compare at most this many elements (from the end the search starts at); 0, the default, means all. */
  maxlen?: number;
}

/**
 * Options of {@linkcode ListReads.lpos} with `count`: every position is returned as an array.
 *
 * @example
 * ```ts
 * import type { LposCountOptions } from "../../mod.ts";
 * const everyMatch: LposCountOptions = { count: 0, maxlen: 1000 };
 * // mirror.lpos("letters", "b", everyMatch); // indexes of every "b" among the first 1000 elements
 * console.log(everyMatch.count);
 * ```
 */
export interface LposCountOptions extends LposOptions {
  /** Return up to this many matches (0: all of them). */
  count: number;
}

/**
 * Reads of lists.
 *
 * @example
 * ```ts
 * import { Mirror, type ListReads } from "../../mod.ts";
 * const emptyRdb = new Uint8Array([...new TextEncoder().encode("REDIS0011"), 0xff, 0, 0, 0, 0, 0, 0, 0, 0]);
 * const mirror = await Mirror.fromRdb(emptyRdb);
 * const reads: ListReads<string> = mirror;
 * console.log(reads.llen("queue"), reads.lrange("queue", 0, -1)); // 0 []
 * await mirror.close();
 * ```
 */
export interface ListReads<T extends Text> {
  /** Number of elements, 0 when the key does not exist (Redis `LLEN`). */
  llen(key: KeyInput): number;
  /**
   * Elements from `start` to `stop` inclusive, negative indexes counting
   * from the tail (-1 the last), out-of-range indexes clamped; `[]` when the
   * key does not exist (Redis `LRANGE`).
   *
   * @example
   * ```ts ignore
   * mirror.lrange("queue", 0, -1); // every element
   * mirror.lrange("queue", -3, -1); // the last three
   * ```
   */
  lrange(key: KeyInput, start: number, stop: number): T[];
  /**
   * The element at `index` (negative from the tail), or `null` when out of
   * range or when the key does not exist (Redis `LINDEX`).
   *
   * @example
   * ```ts ignore
   * mirror.lindex("queue", -1); // the last element
   * ```
   */
  lindex(key: KeyInput, index: number): T | null;
  /**
   * Index of the first element equal to `element`, or `null` (Redis `LPOS key
   * element [RANK rank] [MAXLEN len]`); with `count`, the indexes of up to
   * `count` matches (0: all), `[]` when none (Redis `LPOS … COUNT count`).
   * Indexes always count from the head, whatever the direction of the search.
   *
   * @example
   * ```ts ignore
   * mirror.lpos("letters", "b");                      // 1
   * mirror.lpos("letters", "b", { rank: -1 });        // index of the last "b"
   * mirror.lpos("letters", "b", { count: 0 });        // every index of "b"
   * ```
   */
  lpos(key: KeyInput, element: KeyInput, options?: LposOptions): number | null;
  /** With `count`: the indexes of up to `count` matches (0: all), `[]` when none. */
  lpos(key: KeyInput, element: KeyInput, options: LposCountOptions): number[];
}

const NOT_INTEGER = "ERR value is not an integer or out of range";
/** 2^63: the first magnitude a C `long` cannot hold. */
const LONG_LIMIT = 2 ** 63;

/** A `long` argument (Redis's `getLongFromObjectOrReply`). */
function long(value: unknown): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value >= LONG_LIMIT || value < -LONG_LIMIT) {
    throw argumentError(NOT_INTEGER);
  }
  return value;
}

/** `getPositiveLongFromObjectOrReply` with its message: the message also for what is not an integer at all. */
function positiveLong(value: unknown, message: string): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < 0 || value >= LONG_LIMIT) {
    throw argumentError(message);
  }
  return value;
}

/** Finds a list key: false when missing (or expired), WrongTypeError for another type. */
function findList(ctx: ReadContext, key: KeyInput): boolean {
  return findOfType(ctx, key, ValueType.list, "list");
}

/** The declarations of {@linkcode ListReads}. */
export const listReads: ReadTable<ListReads<Text>> = {
  llen: {
    args: ["key"],
    redis: "LLEN",
    run: (ctx: ReadContext, key: KeyInput): number => findList(ctx, key) ? ctx.store.foundListLength() : 0,
  },
  lrange: {
    args: ["key", "int", "int"],
    redis: "LRANGE",
    run: (ctx: ReadContext, key: KeyInput, start: number, stop: number): Text[] => {
      long(start);
      long(stop);
      if (!findList(ctx, key)) return [];
      // the store decodes strings itself (all at once when ASCII): several times faster than one by one
      return ctx.bytes ? ctx.store.foundListRange(start, stop) : ctx.store.foundListRange(start, stop, true);
    },
  },
  lindex: {
    args: ["key", "int"],
    redis: "LINDEX",
    run: (ctx: ReadContext, key: KeyInput, index: number): Text | null => {
      // as Redis: a missing key answers before the index is looked at
      if (!findList(ctx, key)) return null;
      const element = ctx.store.foundListIndex(long(index));
      return element === null ? null : asText(ctx, element);
    },
  },
  lpos: {
    args: ["key", "value", "options?"],
    redis: "LPOS",
    run: lpos,
  },
};

// ------------------------------------------------------------------ LPOS

/** LPOS's options checked in Redis's order, with its error texts. */
interface LposRequest {
  rank: number;
  /** -1 when COUNT was not given. */
  count: number;
  maxlen: number;
}

function lposRequest(options: Partial<LposCountOptions> | undefined): LposRequest {
  let rank = 1, count = -1, maxlen = 0;
  if (options !== undefined && options !== null) {
    if (options.rank !== undefined) {
      rank = long(options.rank);
      if (rank === 0 || rank === -LONG_LIMIT) {
        throw argumentError(
          "ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... " +
            "or use negative to start from the end of the list",
        );
      }
    }
    if (options.count !== undefined) count = positiveLong(options.count, "ERR COUNT can't be negative");
    if (options.maxlen !== undefined) maxlen = positiveLong(options.maxlen, "ERR MAXLEN can't be negative");
  }
  return { rank, count, maxlen };
}

const encoder = new TextEncoder();

/** First and largest number of elements LPOS fetches per store call (chunks double: few index seeks on long lists). */
const FIRST_CHUNK = 64, MAX_CHUNK = 65536;

function lpos(
  ctx: ReadContext,
  key: KeyInput,
  element: KeyInput,
  options?: Partial<LposCountOptions>,
): number | null | number[] {
  const { rank, count, maxlen } = lposRequest(options);
  if (!findList(ctx, key)) return count === -1 ? null : [];
  const wanted = typeof element === "string" ? encoder.encode(element) : element;
  const positions: number[] = [];
  const fromHead = rank > 0;
  const skip = Math.abs(rank) - 1; // matches passed over before the first one reported
  const store = ctx.store;
  const length = store.foundListLength();
  const limit = maxlen === 0 ? length : Math.min(maxlen, length);
  let matches = 0;
  for (let done = 0, chunk = FIRST_CHUNK; done < limit; done += chunk, chunk = Math.min(chunk * 2, MAX_CHUNK)) {
    const n = Math.min(chunk, limit - done);
    const items = chunkOf(store, fromHead, done, n);
    for (let i = 0; i < n; i++) {
      const item = items[fromHead ? i : n - 1 - i];
      if (!sameBytes(item, wanted) || matches++ < skip) continue;
      const at = done + i; // elements compared before this one
      const index = fromHead ? at : length - at - 1;
      if (count === -1) return index;
      positions.push(index);
      if (count !== 0 && positions.length >= count) return positions;
    }
  }
  return count === -1 ? null : positions;
}

/** `n` elements after the first `done` from the head (or, from the tail, before the last `done`), in list order. */
function chunkOf(store: Store, fromHead: boolean, done: number, n: number): Uint8Array[] {
  return fromHead ? store.foundListRange(done, done + n - 1) : store.foundListRange(-done - n, -done - 1);
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  const n = a.length;
  if (n !== b.length) return false;
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return false;
  return true;
}
