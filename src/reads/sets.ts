/**
 * Reads of sets: membership, cardinality, members, random picks, set
 * algebra, SSCAN and byte-ordered iteration.
 *
 * @module
 */

import { ValueType } from "../_wasm/store.ts";

import { setDifference, setUnion } from "../ops/set_algebra.ts";
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
import { argumentError, arityError, countArg, cursorArg, iteratorCount, LONG_LIMIT } from "./arguments.ts";
import { scanMatches, type ScanOptions, type ScanPage, scanRequest } from "./scan.ts";

/**
 * Options of {@linkcode SetReads.sintercard}.
 *
 * @example
 * ```ts
 * import type { SintercardOptions } from "../../mod.ts";
 * const options: SintercardOptions = { limit: 10 };
 * // mirror.sintercard(["tags:a", "tags:b"], options) >= 10; // at least 10 tags in common?
 * console.log(options.limit);
 * ```
 */
export interface SintercardOptions {
  /** Stop counting at this many members (Redis `LIMIT`; 0, the default, means no limit). */
  limit?: number;
}

/**
 * Reads of sets.
 *
 * @example
 * ```ts
 * import { Mirror, type SetReads } from "../../mod.ts";
 * const emptyRdb = new Uint8Array([...new TextEncoder().encode("REDIS0011"), 0xff, 0, 0, 0, 0, 0, 0, 0, 0]);
 * const mirror = await Mirror.fromRdb(emptyRdb);
 * const reads: SetReads<string> = mirror;
 * console.log(reads.scard("tags"), reads.sismember("tags", "red")); // 0 0
 * await mirror.close();
 * ```
 */
export interface SetReads<T extends Text> {
  /**
   * Every member of the set, in byte order; `[]` when the key does not exist
   * (Redis `SMEMBERS`, whose order is unspecified).
   *
   * @example
   * ```ts ignore
   * mirror.smembers("tags"); // ["blue", "red"]
   * ```
   */
  smembers(key: KeyInput): T[];
  /** Number of members, 0 when the key does not exist (Redis `SCARD`). */
  scard(key: KeyInput): number;
  /**
   * 1 when `member` is in the set, else 0 (also for a missing key) (Redis `SISMEMBER`).
   *
   * @example
   * ```ts ignore
   * mirror.sismember("tags", "red"); // 1
   * ```
   */
  sismember(key: KeyInput, member: KeyInput): 0 | 1;
  /** For each member, 1 when it is in the set, else 0; all 0 for a missing key (Redis `SMISMEMBER`). */
  smismember(key: KeyInput, ...members: KeyInput[]): (0 | 1)[];
  /**
   * A random member, or `null` when the key does not exist (Redis `SRANDMEMBER key`).
   * With `count` (Redis `SRANDMEMBER key count`): `count > 0` gives
   * min(count, SCARD) distinct members, `count < 0` gives `-count` members that
   * may repeat, 0 gives `[]`; `[]` for a missing key.
   *
   * @example
   * ```ts ignore
   * mirror.srandmember("tags");     // "red"
   * mirror.srandmember("tags", -3); // ["red", "red", "blue"]
   * ```
   */
  srandmember(key: KeyInput): T | null;
  /** With `count`: distinct members for `count > 0`, possibly repeated ones for `count < 0`. */
  srandmember(key: KeyInput, count: number): T[];
  /**
   * Members of at least one of the sets; missing keys count as empty sets
   * (Redis `SUNION`; the order is unspecified).
   *
   * @example
   * ```ts ignore
   * mirror.sunion("tags:a", "tags:b"); // ["red", "blue", "green"]
   * ```
   */
  sunion(...keys: KeyInput[]): T[];
  /** Members of every one of the sets; `[]` when any key is missing (Redis `SINTER`; the order is unspecified). */
  sinter(...keys: KeyInput[]): T[];
  /** Members of the first set that are in none of the others; missing keys count as empty (Redis `SDIFF`). */
  sdiff(...keys: KeyInput[]): T[];
  /**
   * Size of the intersection of the sets, counting up to `limit` when it is
   * given and not 0 (Redis `SINTERCARD numkeys key … [LIMIT limit]`: the keys
   * are one array, whose length is `numkeys`).
   *
   * @example
   * ```ts ignore
   * mirror.sintercard(["tags:a", "tags:b"], { limit: 10 }); // 2
   * ```
   */
  sintercard(keys: KeyInput[], options?: SintercardOptions): number;
  /**
   * One step of a cursor scan over the members (Redis `SSCAN key cursor
   * [MATCH pattern] [COUNT count]`): start with cursor 0 and pass each
   * returned cursor back until it is 0. Every member present for the whole
   * scan is returned at least once; a member may be returned more than once.
   * A small set comes whole in one step. A missing key gives `{ cursor: 0, items: [] }`.
   *
   * @example
   * ```ts ignore
   * let cursor = 0;
   * do {
   *   const page = mirror.sscan("tags", cursor, { match: "r*" });
   *   for (const member of page.items) console.log(member);
   *   cursor = page.cursor;
   * } while (cursor !== 0);
   * ```
   */
  sscan(key: KeyInput, cursor: number, options?: ScanOptions): ScanPage<T>;
  /**
   * The first `count` members in byte order (fewer when the set is smaller;
   * `[]` for a missing key). Redis has no such read.
   *
   * @example
   * ```ts ignore
   * mirror.sfirst("tags", 2); // ["blue", "green"]
   * ```
   */
  sfirst(key: KeyInput, count?: number): T[];
  /** The last `count` members in byte order, the last one first. Redis has no such read. */
  slast(key: KeyInput, count?: number): T[];
  /**
   * Up to `count` members strictly after `member` in byte order (`member`
   * need not be in the set); `[]` at the end. Redis has no such read.
   *
   * @example
   * ```ts ignore
   * let page = mirror.sfirst("tags", 100);
   * while (page.length > 0) {
   *   for (const m of page) console.log(m);
   *   page = mirror.snext("tags", page[page.length - 1], 100);
   * }
   * ```
   */
  snext(key: KeyInput, member: KeyInput, count?: number): T[];
  /** Up to `count` members strictly before `member` in byte order, nearest first; `[]` at the start. Redis has no such read. */
  sprev(key: KeyInput, member: KeyInput, count?: number): T[];
}

// ------------------------------------------------------------ sets

/** Finds a set key: false when missing (or expired), WrongTypeError for another type. */
function findSet(ctx: ReadContext, key: KeyInput): boolean {
  return findOfType(ctx, key, ValueType.set, "set");
}

/** A set input of SUNION/SINTER/SDIFF: the key found live, checked to be a set (or missing). */
function checkedSets(ctx: ReadContext, keys: readonly KeyInput[], command: string): boolean[] {
  if (keys.length === 0) throw arityError(command);
  // Redis type-checks every key before it answers (a missing first key does not hide a later WRONGTYPE)
  const present: boolean[] = new Array(keys.length);
  for (let i = 0; i < keys.length; i++) present[i] = findSet(ctx, keys[i]);
  return present;
}

/** Members of the set at `key`, or null when it does not exist (its type was checked before). */
function membersOf(ctx: ReadContext, key: KeyInput): Uint8Array[] | null {
  return findLive(ctx, key) === ValueType.set ? ctx.store.foundSetMembers() : null;
}

/**
 * SINTER / SINTERCARD as Redis computes them: the members of the smallest
 * set that every other set holds, checked one by one against the others
 * (smallest first), stopping at `limit` members (0: no limit).
 */
function intersect(ctx: ReadContext, keys: readonly KeyInput[], present: boolean[], limit: number): Uint8Array[] {
  for (const p of present) if (!p) return [];
  const store = ctx.store;
  const cards: number[] = new Array(keys.length);
  const order: number[] = new Array(keys.length);
  for (let i = 0; i < keys.length; i++) {
    findLive(ctx, keys[i]);
    cards[i] = store.foundSetCard();
    order[i] = i;
  }
  order.sort((a, b) => cards[a] - cards[b]);
  findLive(ctx, keys[order[0]]);
  let candidates = store.foundSetMembers();
  for (let j = 1; j < order.length && candidates.length > 0; j++) {
    findLive(ctx, keys[order[j]]);
    const kept: Uint8Array[] = [];
    for (const member of candidates) if (store.foundSetHas(member)) kept.push(member);
    candidates = kept;
  }
  return limit > 0 && candidates.length > limit ? candidates.slice(0, limit) : candidates;
}

/**
 * SDIFF as Redis picks its algorithm: checking each member of the first set
 * against the others when that is less work than reading every other set.
 */
function difference(ctx: ReadContext, keys: readonly KeyInput[], present: boolean[]): Uint8Array[] {
  if (!present[0]) return [];
  const store = ctx.store;
  let probeWork = 0, readWork = 0;
  findLive(ctx, keys[0]);
  const firstCard = store.foundSetCard();
  for (let i = 0; i < keys.length; i++) {
    if (!present[i]) continue;
    findLive(ctx, keys[i]);
    probeWork += firstCard;
    readWork += store.foundSetCard();
  }
  if (probeWork / 2 > readWork) {
    return setDifference(keys.map((key, i) => present[i] ? membersOf(ctx, key) : null));
  }
  findLive(ctx, keys[0]);
  let candidates = store.foundSetMembers();
  for (let i = 1; i < keys.length && candidates.length > 0; i++) {
    if (!present[i]) continue;
    findLive(ctx, keys[i]);
    const kept: Uint8Array[] = [];
    for (const member of candidates) if (!store.foundSetHas(member)) kept.push(member);
    candidates = kept;
  }
  return candidates;
}

/** sfirst/slast/snext/sprev: up to `count` members after (before) `anchor` in byte order. */
function setAfter(ctx: ReadContext, key: KeyInput, anchor: KeyInput | null, reverse: boolean, count: unknown): Text[] {
  const n = iteratorCount(count);
  if (!findSet(ctx, key) || n < 1) return [];
  return asTexts(ctx, ctx.store.foundSetAfter(anchor, reverse, n));
}

/** The declarations of {@linkcode SetReads}. */
export const setReads: ReadTable<SetReads<Text>> = {
  smembers: {
    args: ["key"],
    redis: "SMEMBERS",
    run: (ctx: ReadContext, key: KeyInput): Text[] =>
      !findSet(ctx, key) ? [] : ctx.bytes ? ctx.store.foundSetMembers() : ctx.store.foundSetMembers(true),
  },
  scard: {
    args: ["key"],
    redis: "SCARD",
    run: (ctx: ReadContext, key: KeyInput): number => findSet(ctx, key) ? ctx.store.foundSetCard() : 0,
  },
  sismember: {
    args: ["key", "value"],
    redis: "SISMEMBER",
    run: (ctx: ReadContext, key: KeyInput, member: KeyInput): 0 | 1 =>
      findSet(ctx, key) && ctx.store.foundSetHas(member) ? 1 : 0,
  },
  smismember: {
    args: ["key", "values"],
    redis: "SMISMEMBER",
    run: (ctx: ReadContext, key: KeyInput, ...members: KeyInput[]): (0 | 1)[] => {
      if (members.length === 0) throw arityError("smismember");
      const found = findSet(ctx, key);
      const out: (0 | 1)[] = new Array(members.length);
      for (let i = 0; i < members.length; i++) out[i] = found && ctx.store.foundSetHas(members[i]) ? 1 : 0;
      return out;
    },
  },
  srandmember: {
    args: ["key", "int?"],
    redis: "SRANDMEMBER",
    run: (ctx: ReadContext, key: KeyInput, count?: number): Text | null | Text[] => {
      if (count === undefined) {
        if (!findSet(ctx, key)) return null;
        return asText(ctx, ctx.store.foundSetRandom(1)[0]);
      }
      const n = countArg(count); // Redis checks the count before the key
      if (!findSet(ctx, key) || n === 0) return [];
      return asTexts(ctx, ctx.store.foundSetRandom(n));
    },
  },
  sunion: {
    args: ["keys"],
    redis: "SUNION",
    run: (ctx: ReadContext, ...keys: KeyInput[]): Text[] => {
      const present = checkedSets(ctx, keys, "sunion");
      if (keys.length === 1) return present[0] ? asTexts(ctx, ctx.store.foundSetMembers()) : [];
      return asTexts(ctx, setUnion(keys.map((key, i) => present[i] ? membersOf(ctx, key) : null)));
    },
  },
  sinter: {
    args: ["keys"],
    redis: "SINTER",
    run: (ctx: ReadContext, ...keys: KeyInput[]): Text[] =>
      asTexts(ctx, intersect(ctx, keys, checkedSets(ctx, keys, "sinter"), 0)),
  },
  sdiff: {
    args: ["keys"],
    redis: "SDIFF",
    run: (ctx: ReadContext, ...keys: KeyInput[]): Text[] =>
      asTexts(ctx, difference(ctx, keys, checkedSets(ctx, keys, "sdiff"))),
  },
  sintercard: {
    args: ["keyList", "options?"],
    redis: "SINTERCARD",
    run: (ctx: ReadContext, keys: KeyInput[], options?: SintercardOptions): number => {
      if (!Array.isArray(keys) || keys.length === 0) throw argumentError("ERR numkeys should be greater than 0");
      let limit = 0;
      if (options?.limit !== undefined) {
        limit = options.limit;
        if (typeof limit !== "number" || !Number.isInteger(limit) || limit < 0 || limit >= LONG_LIMIT) {
          throw argumentError("ERR LIMIT can't be negative");
        }
      }
      return intersect(ctx, keys, checkedSets(ctx, keys, "sintercard"), limit).length;
    },
  },
  sscan: {
    args: ["key", "int", "options?"],
    redis: "SSCAN",
    run: (ctx: ReadContext, key: KeyInput, cursor: number, options?: ScanOptions): ScanPage<Text> => {
      const from = cursorArg(cursor);
      // as Redis: the options are only looked at when the key exists
      if (!findSet(ctx, key)) return { cursor: 0, items: [] };
      const request = scanRequest(options);
      const step = ctx.store.foundSetScan(from, request.count);
      let members = step.members;
      if (request.pattern !== null) members = members.filter((member) => scanMatches(request, member));
      return { cursor: step.cursor, items: asTexts(ctx, members) };
    },
  },
  sfirst: {
    args: ["key", "int?"],
    redis: "",
    run: (ctx: ReadContext, key: KeyInput, count?: number): Text[] => setAfter(ctx, key, null, false, count),
  },
  slast: {
    args: ["key", "int?"],
    redis: "",
    run: (ctx: ReadContext, key: KeyInput, count?: number): Text[] => setAfter(ctx, key, null, true, count),
  },
  snext: {
    args: ["key", "value", "int?"],
    redis: "",
    run: (ctx: ReadContext, key: KeyInput, member: KeyInput, count?: number): Text[] =>
      setAfter(ctx, key, member, false, count),
  },
  sprev: {
    args: ["key", "value", "int?"],
    redis: "",
    run: (ctx: ReadContext, key: KeyInput, member: KeyInput, count?: number): Text[] =>
      setAfter(ctx, key, member, true, count),
  },
};
