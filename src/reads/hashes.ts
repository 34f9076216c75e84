/**
 * Reads of hashes: fields and values, lengths, random picks, HSCAN, field
 * TTLs (Redis 7.4) and byte-ordered iteration.
 *
 * Fields whose TTL has passed are hidden from every read here (unless the
 * reader shows expired data), as a Redis 7.4+ replica hides them until the
 * primary's HDEL arrives — except HLEN, which counts them as Redis's does.
 *
 * @module
 */

import { type HashEntries, ValueType } from "../_wasm/store.ts";

import {
  asText,
  asTexts,
  decodeText,
  findOfType,
  type KeyInput,
  type ReadContext,
  type ReadTable,
  type Text,
} from "./context.ts";
import { argumentError, arityError, countArg, cursorArg, iteratorCount } from "./arguments.ts";
import { scanMatches, type ScanOptions, type ScanPage, scanRequest } from "./scan.ts";

/**
 * A field of a hash with its value.
 *
 * @example
 * ```ts
 * import type { HashEntry } from "../../mod.ts";
 * const entries: HashEntry<string>[] = [{ field: "name", value: "Alice" }];
 * // const entries = mirror.hrandfield("user:1", 2, { withValues: true });
 * console.log(Object.fromEntries(entries.map((e) => [e.field, e.value]))); // { name: "Alice" }
 * ```
 */
export interface HashEntry<T extends Text> {
  /** The field's name. */
  field: T;
  /** The field's value. */
  value: T;
}

/**
 * Options of {@linkcode HashReads.hrandfield}.
 *
 * @example
 * ```ts
 * import type { HrandfieldOptions } from "../../mod.ts";
 * const options: HrandfieldOptions = { withValues: true };
 * // mirror.hrandfield("user:1", 2, { withValues: true }); // [{ field, value }, …]
 * console.log(options.withValues);
 * ```
 */
export interface HrandfieldOptions {
  /** Return `{ field, value }` entries instead of field names (Redis `WITHVALUES`). */
  withValues?: boolean;
}

/**
 * Options of {@linkcode HashReads.hscan}: Redis's `MATCH`, `COUNT` and (7.4) `NOVALUES`.
 *
 * @example
 * ```ts
 * import type { HscanOptions } from "../../mod.ts";
 * const namesOnly: HscanOptions = { match: "addr:*", noValues: true };
 * // mirror.hscan("user:1", 0, { match: "addr:*", noValues: true }).items; // field names
 * console.log(namesOnly.noValues);
 * ```
 */
export interface HscanOptions extends ScanOptions {
  /** Return field names only (Redis 7.4 `NOVALUES`). */
  noValues?: boolean;
}

/**
 * Reads of hashes.
 *
 * @example
 * ```ts
 * import { Mirror, type HashReads } from "../../mod.ts";
 * const emptyRdb = new Uint8Array([...new TextEncoder().encode("REDIS0011"), 0xff, 0, 0, 0, 0, 0, 0, 0, 0]);
 * const mirror = await Mirror.fromRdb(emptyRdb);
 * const reads: HashReads<string> = mirror;
 * console.log(reads.hget("user:1", "name"), reads.hgetall("user:1")); // null {}
 * await mirror.close();
 * ```
 */
export interface HashReads<T extends Text> {
  /**
   * The value of `field`, or `null` when the field or the key does not exist (Redis `HGET`).
   *
   * @example
   * ```ts ignore
   * mirror.hget("user:1", "name"); // "Alice"
   * ```
   */
  hget(key: KeyInput, field: KeyInput): T | null;
  /** The values of the fields, `null` for each missing one (all `null` for a missing key) (Redis `HMGET`). */
  hmget(key: KeyInput, ...fields: KeyInput[]): (T | null)[];
  /**
   * Every field and value as an object; `{}` for a missing key (Redis
   * `HGETALL`). Field names are decoded as UTF-8 even from a bytes reader
   * (values follow the reader); use {@linkcode HashReads.hfirst} and friends
   * for binary field names.
   *
   * @example
   * ```ts ignore
   * mirror.hgetall("user:1"); // { name: "Alice", age: "42" }
   * ```
   */
  hgetall(key: KeyInput): Record<string, T>;
  /** Every field name, in byte order; `[]` for a missing key (Redis `HKEYS`, whose order is unspecified). */
  hkeys(key: KeyInput): T[];
  /** Every value, in the byte order of their fields; `[]` for a missing key (Redis `HVALS`). */
  hvals(key: KeyInput): T[];
  /**
   * Number of fields, 0 for a missing key (Redis `HLEN`). As Redis's HLEN,
   * it counts fields whose TTL passed but that the primary has not deleted yet.
   */
  hlen(key: KeyInput): number;
  /** 1 when the field exists, else 0 (Redis `HEXISTS`). */
  hexists(key: KeyInput, field: KeyInput): 0 | 1;
  /** Byte length of the field's value, 0 when the field or key does not exist (Redis `HSTRLEN`). */
  hstrlen(key: KeyInput, field: KeyInput): number;
  /**
   * A random field name, or `null` for a missing key (Redis `HRANDFIELD key`).
   * With `count` (Redis `HRANDFIELD key count [WITHVALUES]`): `count > 0`
   * gives min(count, fields) distinct fields, `count < 0` gives `-count`
   * fields that may repeat, 0 gives `[]`; `{ withValues: true }` gives
   * `{ field, value }` entries.
   *
   * @example
   * ```ts ignore
   * mirror.hrandfield("user:1");                           // "age"
   * mirror.hrandfield("user:1", 2, { withValues: true });  // [{ field: "name", value: "Alice" }, …]
   * ```
   */
  hrandfield(key: KeyInput): T | null;
  /** With `count`: fields (distinct for `count > 0`, possibly repeated for `count < 0`). */
  hrandfield(key: KeyInput, count: number, options?: HrandfieldOptions & { withValues?: false }): T[];
  /** With `count` and `{ withValues: true }`: `{ field, value }` entries. */
  hrandfield(key: KeyInput, count: number, options: HrandfieldOptions & { withValues: true }): HashEntry<T>[];
  /** With the option only known at run time: either result. */
  hrandfield(key: KeyInput, count: number, options?: HrandfieldOptions): T[] | HashEntry<T>[];
  /**
   * One step of a cursor scan over the fields (Redis `HSCAN key cursor
   * [MATCH pattern] [COUNT count] [NOVALUES]`; MATCH applies to field
   * names): start with cursor 0 and pass each returned cursor back until it
   * is 0. Every field present for the whole scan is returned at least once.
   * Items are `{ field, value }`, or field names with `{ noValues: true }`.
   *
   * @example
   * ```ts ignore
   * let cursor = 0;
   * do {
   *   const page = mirror.hscan("user:1", cursor, { match: "a*" });
   *   for (const { field, value } of page.items) console.log(field, value);
   *   cursor = page.cursor;
   * } while (cursor !== 0);
   * ```
   */
  hscan(key: KeyInput, cursor: number, options?: HscanOptions & { noValues?: false }): ScanPage<HashEntry<T>>;
  /** With `{ noValues: true }`: field names only. */
  hscan(key: KeyInput, cursor: number, options: HscanOptions & { noValues: true }): ScanPage<T>;
  /** With the option only known at run time: either result. */
  hscan(key: KeyInput, cursor: number, options?: HscanOptions): ScanPage<HashEntry<T>> | ScanPage<T>;
  /**
   * Seconds each field has to live, rounded up: -2 when the field (or key)
   * does not exist, -1 when it has no TTL (Redis 7.4 `HTTL key FIELDS n field …`).
   *
   * @example
   * ```ts ignore
   * mirror.httl("session:1", "token", "user"); // [3599, -1]
   * ```
   */
  httl(key: KeyInput, ...fields: KeyInput[]): number[];
  /** Milliseconds each field has to live: -2 no such field, -1 no TTL (Redis 7.4 `HPTTL`). */
  hpttl(key: KeyInput, ...fields: KeyInput[]): number[];
  /** Absolute expiry of each field in unix seconds, rounded up: -2 no such field, -1 no TTL (Redis 7.4 `HEXPIRETIME`). */
  hexpiretime(key: KeyInput, ...fields: KeyInput[]): number[];
  /** Absolute expiry of each field in unix ms: -2 no such field, -1 no TTL (Redis 7.4 `HPEXPIRETIME`). */
  hpexpiretime(key: KeyInput, ...fields: KeyInput[]): number[];
  /**
   * The first `count` fields in byte order, with their values (fewer when the
   * hash is smaller; `[]` for a missing key). Redis has no such read.
   *
   * @example
   * ```ts ignore
   * mirror.hfirst("user:1", 2); // [{ field: "age", value: "42" }, { field: "name", value: "Alice" }]
   * ```
   */
  hfirst(key: KeyInput, count?: number): HashEntry<T>[];
  /** The last `count` fields in byte order with their values, the last one first. Redis has no such read. */
  hlast(key: KeyInput, count?: number): HashEntry<T>[];
  /**
   * Up to `count` fields strictly after `field` in byte order, with their
   * values (`field` need not exist); `[]` at the end. Redis has no such read.
   */
  hnext(key: KeyInput, field: KeyInput, count?: number): HashEntry<T>[];
  /** Up to `count` fields strictly before `field` in byte order, nearest first; `[]` at the start. Redis has no such read. */
  hprev(key: KeyInput, field: KeyInput, count?: number): HashEntry<T>[];
}

/** Finds a hash key: false when missing (or expired), WrongTypeError for another type. */
function findHash(ctx: ReadContext, key: KeyInput): boolean {
  return findOfType(ctx, key, ValueType.hash, "hash");
}

/**
 * The instant at or before which a field TTL counts as passed (the rule of
 * `findLive` for keys), or -Infinity when the reader shows expired data.
 */
function fieldCutoff(ctx: ReadContext): number {
  return ctx.showExpired ? -Infinity : ctx.now();
}

/** True when a field with absolute TTL `at` (-1: none) is visible at `cutoff`. */
function fieldLive(at: number, cutoff: number): boolean {
  return at === -1 || at > cutoff;
}

/** True when the found hash's `field` exists and is visible (its TTL, if any, has not passed). */
function foundFieldVisible(ctx: ReadContext, field: KeyInput): boolean {
  const at = ctx.store.foundHashFieldExpireAt(field);
  if (at === -1) return true;
  return at !== -2 && (ctx.showExpired || at > ctx.now());
}

/** The value of a visible field of the found hash, in the reader's text form; null otherwise. One lookup. */
function visibleValue(ctx: ReadContext, field: KeyInput): Text | null {
  const store = ctx.store;
  const value = ctx.bytes ? store.foundHashValue(field) : store.foundHashValue(field, true);
  if (value === null) return null;
  const at = store.foundFieldExpireAt;
  return at === -1 || ctx.showExpired || at > ctx.now() ? value : null;
}

/** The entries whose fields are visible (the same object when all are). */
function liveEntries<T>(entries: HashEntries<T>, cutoff: number): HashEntries<T> {
  const ats = entries.expireAts;
  let i = 0;
  while (i < ats.length && fieldLive(ats[i], cutoff)) i++;
  if (i === ats.length) return entries;
  const live: HashEntries<T> = { fields: [], values: [], expireAts: [] };
  for (i = 0; i < ats.length; i++) {
    if (!fieldLive(ats[i], cutoff)) continue;
    live.fields.push(entries.fields[i]);
    live.values.push(entries.values[i]);
    live.expireAts.push(ats[i]);
  }
  return live;
}

/** The visible entries of the found hash. */
function foundLiveEntries(ctx: ReadContext): HashEntries {
  return liveEntries(ctx.store.foundHashEntries(), fieldCutoff(ctx));
}

/** The visible entries of the found hash in the reader's text form (decoded by the store: fastest). */
function foundLiveTexts(ctx: ReadContext): HashEntries<Text> {
  const entries: HashEntries<Text> = ctx.bytes ? ctx.store.foundHashEntries() : ctx.store.foundHashEntries(true);
  return liveEntries(entries, fieldCutoff(ctx));
}

/** `{ field, value }` items in the reader's text form. */
function asEntries(ctx: ReadContext, entries: HashEntries): HashEntry<Text>[] {
  const n = entries.fields.length;
  const out: HashEntry<Text>[] = new Array(n);
  for (let i = 0; i < n; i++) {
    out[i] = { field: asText(ctx, entries.fields[i]), value: asText(ctx, entries.values[i]) };
  }
  return out;
}

/** True when any TTL among `ats` has passed at the reader's clock. */
function anyExpired(ctx: ReadContext, ats: readonly number[]): boolean {
  if (ctx.showExpired) return false;
  let now = NaN;
  for (const at of ats) {
    if (at === -1) continue;
    if (now !== now) now = ctx.now();
    if (at <= now) return true;
  }
  return false;
}

/**
 * HRANDFIELD's picks from `entries` (the visible ones), by Redis's count
 * rules: used only when the store's own pick met fields whose TTL passed.
 */
function pickEntries(entries: HashEntries, count: number): HashEntries {
  const size = entries.fields.length;
  const picked: HashEntries = { fields: [], values: [], expireAts: [] };
  const take = (i: number) => {
    picked.fields.push(entries.fields[i]);
    picked.values.push(entries.values[i]);
    picked.expireAts.push(entries.expireAts[i]);
  };
  if (size === 0) return picked;
  if (count < 0) {
    for (let n = 0; n < -count; n++) take(Math.floor(Math.random() * size));
  } else if (count >= size) {
    return entries;
  } else {
    // a partial Fisher–Yates shuffle of the indexes: `count` distinct picks
    const order = Array.from({ length: size }, (_, i) => i);
    for (let n = 0; n < count; n++) {
      const j = n + Math.floor(Math.random() * (size - n));
      const t = order[n];
      order[n] = order[j];
      order[j] = t;
      take(order[n]);
    }
  }
  return picked;
}

/** The per-field TTL reads (HTTL and friends): -2 missing/passed, -1 none, else `convert(at, now)`. */
function fieldTtls(
  ctx: ReadContext,
  key: KeyInput,
  fields: readonly KeyInput[],
  convert: (at: number, now: number) => number,
): number[] {
  const found = findHash(ctx, key); // Redis checks the type before the field count
  if (fields.length === 0) throw argumentError("ERR Number of fields must be a positive integer");
  const out: number[] = new Array(fields.length);
  const now = ctx.now();
  for (let i = 0; i < fields.length; i++) {
    const at = found ? ctx.store.foundHashFieldExpireAt(fields[i]) : -2;
    out[i] = at < 0 ? at : !ctx.showExpired && at <= now ? -2 : convert(at, now);
  }
  return out;
}

// How the field-TTL reads report a live field's TTL `at` (unix ms) at `now`. Seconds round UP, as
// t_hash.c's httlGenericCommand does ((expire + 999 - basetime) / 1000), unlike the key TTL's rounding.
// A passed TTL shown anyway (showExpired) reports 0 left, as the key reads do.
const secondsLeft = (at: number, now: number): number => Math.max(0, Math.floor((at + 999 - now) / 1000));
const msLeft = (at: number, now: number): number => Math.max(0, at - now);
const unixSeconds = (at: number): number => Math.floor((at + 999) / 1000);
const unixMs = (at: number): number => at;

/** hfirst/hlast/hnext/hprev: up to `count` visible entries after (before) `anchor`, skipping passed fields. */
function hashAfter(
  ctx: ReadContext,
  key: KeyInput,
  anchor: KeyInput | null,
  reverse: boolean,
  count: unknown,
): HashEntry<Text>[] {
  const n = iteratorCount(count);
  if (!findHash(ctx, key) || n < 1) return [];
  const store = ctx.store;
  const batch = store.foundHashAfter(anchor, reverse, n);
  if (!anyExpired(ctx, batch.expireAts)) return asEntries(ctx, batch);
  // fields whose TTL passed are skipped: keep reading past them until `n` visible ones came or the end
  const cutoff = fieldCutoff(ctx);
  const out: HashEntry<Text>[] = [];
  let step = batch;
  for (;;) {
    const want = n - out.length;
    const got = step.fields.length;
    for (let i = 0; i < got && out.length < n; i++) {
      if (!fieldLive(step.expireAts[i], cutoff)) continue;
      out.push({ field: asText(ctx, step.fields[i]), value: asText(ctx, step.values[i]) });
    }
    if (got < want || out.length >= n) return out;
    store.find(ctx.database, key); // a fresh find: the iteration call may reuse what find() left
    step = store.foundHashAfter(step.fields[got - 1], reverse, n - out.length);
  }
}

/** Adds a field to an HGETALL result; `__proto__` as an own property, never as the prototype. */
function putField(out: Record<string, Text>, name: string, value: Text): void {
  if (name === "__proto__") {
    Object.defineProperty(out, name, { value, enumerable: true, writable: true, configurable: true });
  } else {
    out[name] = value;
  }
}

/** 2^62: C's LONG_MAX / 2 as a double, HRANDFIELD's bound on a count WITHVALUES. */
const HALF_LONG = 2 ** 62;

/** The declarations of {@linkcode HashReads}. */
export const hashReads: ReadTable<HashReads<Text>> = {
  hget: {
    args: ["key", "value"],
    redis: "HGET",
    run: (ctx: ReadContext, key: KeyInput, field: KeyInput): Text | null => {
      return findHash(ctx, key) ? visibleValue(ctx, field) : null;
    },
  },
  hmget: {
    args: ["key", "values"],
    redis: "HMGET",
    run: (ctx: ReadContext, key: KeyInput, ...fields: KeyInput[]): (Text | null)[] => {
      if (fields.length === 0) throw arityError("hmget");
      const found = findHash(ctx, key);
      const out: (Text | null)[] = new Array(fields.length);
      for (let i = 0; i < fields.length; i++) {
        out[i] = found ? visibleValue(ctx, fields[i]) : null;
      }
      return out;
    },
  },
  hgetall: {
    args: ["key"],
    redis: "HGETALL",
    run: (ctx: ReadContext, key: KeyInput): Record<string, Text> => {
      const out: Record<string, Text> = {};
      if (!findHash(ctx, key)) return out;
      const cutoff = fieldCutoff(ctx);
      if (ctx.bytes) {
        const { fields, values, expireAts } = ctx.store.foundHashEntries();
        for (let i = 0; i < fields.length; i++) {
          if (fieldLive(expireAts[i], cutoff)) putField(out, decodeText(fields[i]), values[i]);
        }
      } else {
        const { fields, values, expireAts } = ctx.store.foundHashEntries(true);
        for (let i = 0; i < fields.length; i++) {
          if (fieldLive(expireAts[i], cutoff)) putField(out, fields[i], values[i]);
        }
      }
      return out;
    },
  },
  hkeys: {
    args: ["key"],
    redis: "HKEYS",
    run: (ctx: ReadContext, key: KeyInput): Text[] => findHash(ctx, key) ? foundLiveTexts(ctx).fields : [],
  },
  hvals: {
    args: ["key"],
    redis: "HVALS",
    run: (ctx: ReadContext, key: KeyInput): Text[] => findHash(ctx, key) ? foundLiveTexts(ctx).values : [],
  },
  hlen: {
    args: ["key"],
    redis: "HLEN",
    // Redis's HLEN is hashTypeLength(o, 0): fields whose TTL passed still count until deleted
    run: (ctx: ReadContext, key: KeyInput): number => findHash(ctx, key) ? ctx.store.foundHashLength() : 0,
  },
  hexists: {
    args: ["key", "value"],
    redis: "HEXISTS",
    run: (ctx: ReadContext, key: KeyInput, field: KeyInput): 0 | 1 =>
      findHash(ctx, key) && foundFieldVisible(ctx, field) ? 1 : 0,
  },
  hstrlen: {
    args: ["key", "value"],
    redis: "HSTRLEN",
    run: (ctx: ReadContext, key: KeyInput, field: KeyInput): number => {
      if (!findHash(ctx, key)) return 0;
      const value = ctx.store.foundHashValue(field); // bytes: HSTRLEN counts bytes, not UTF-16 units
      if (value === null) return 0;
      const at = ctx.store.foundFieldExpireAt;
      return at === -1 || ctx.showExpired || at > ctx.now() ? value.length : 0;
    },
  },
  hrandfield: {
    args: ["key", "int?", "options?"],
    redis: "HRANDFIELD",
    run: (
      ctx: ReadContext,
      key: KeyInput,
      count?: number,
      options?: HrandfieldOptions,
    ): Text | null | Text[] | HashEntry<Text>[] => {
      const store = ctx.store;
      if (count === undefined) {
        if (options?.withValues) throw argumentError("ERR syntax error"); // WITHVALUES needs a count
        if (!findHash(ctx, key)) return null;
        const one = store.foundHashRandom(1);
        if (one.fields.length === 1 && !anyExpired(ctx, one.expireAts)) return asText(ctx, one.fields[0]);
        const live = pickEntries(foundLiveEntries(ctx), 1);
        return live.fields.length === 0 ? null : asText(ctx, live.fields[0]);
      }
      const n = countArg(count); // Redis checks the arguments before the key
      const withValues = options?.withValues === true;
      if (withValues && Math.abs(n) >= HALF_LONG) throw argumentError("ERR value is out of range");
      if (!findHash(ctx, key) || n === 0) return [];
      let picked = store.foundHashRandom(n);
      if (anyExpired(ctx, picked.expireAts)) picked = pickEntries(foundLiveEntries(ctx), n);
      return withValues ? asEntries(ctx, picked) : asTexts(ctx, picked.fields);
    },
  },
  hscan: {
    args: ["key", "int", "options?"],
    redis: "HSCAN",
    run: (
      ctx: ReadContext,
      key: KeyInput,
      cursor: number,
      options?: HscanOptions,
    ): ScanPage<HashEntry<Text> | Text> => {
      const from = cursorArg(cursor);
      // as Redis: the options are only looked at when the key exists
      if (!findHash(ctx, key)) return { cursor: 0, items: [] };
      const request = scanRequest(options);
      const noValues = options?.noValues === true;
      const step = ctx.store.foundHashScan(from, request.count);
      const { fields, values, expireAts } = step.entries;
      const cutoff = fieldCutoff(ctx);
      const items: (HashEntry<Text> | Text)[] = [];
      for (let i = 0; i < fields.length; i++) {
        if (!fieldLive(expireAts[i], cutoff) || !scanMatches(request, fields[i])) continue;
        const field = asText(ctx, fields[i]);
        items.push(noValues ? field : { field, value: asText(ctx, values[i]) });
      }
      return { cursor: step.cursor, items };
    },
  },
  httl: {
    args: ["key", "values"],
    redis: "HTTL",
    run: (ctx: ReadContext, key: KeyInput, ...fields: KeyInput[]): number[] => fieldTtls(ctx, key, fields, secondsLeft),
  },
  hpttl: {
    args: ["key", "values"],
    redis: "HPTTL",
    run: (ctx: ReadContext, key: KeyInput, ...fields: KeyInput[]): number[] => fieldTtls(ctx, key, fields, msLeft),
  },
  hexpiretime: {
    args: ["key", "values"],
    redis: "HEXPIRETIME",
    run: (ctx: ReadContext, key: KeyInput, ...fields: KeyInput[]): number[] => fieldTtls(ctx, key, fields, unixSeconds),
  },
  hpexpiretime: {
    args: ["key", "values"],
    redis: "HPEXPIRETIME",
    run: (ctx: ReadContext, key: KeyInput, ...fields: KeyInput[]): number[] => fieldTtls(ctx, key, fields, unixMs),
  },
  hfirst: {
    args: ["key", "int?"],
    redis: "",
    run: (ctx: ReadContext, key: KeyInput, count?: number): HashEntry<Text>[] =>
      hashAfter(ctx, key, null, false, count),
  },
  hlast: {
    args: ["key", "int?"],
    redis: "",
    run: (ctx: ReadContext, key: KeyInput, count?: number): HashEntry<Text>[] => hashAfter(ctx, key, null, true, count),
  },
  hnext: {
    args: ["key", "value", "int?"],
    redis: "",
    run: (ctx: ReadContext, key: KeyInput, field: KeyInput, count?: number): HashEntry<Text>[] =>
      hashAfter(ctx, key, field, false, count),
  },
  hprev: {
    args: ["key", "value", "int?"],
    redis: "",
    run: (ctx: ReadContext, key: KeyInput, field: KeyInput, count?: number): HashEntry<Text>[] =>
      hashAfter(ctx, key, field, true, count),
  },
};
