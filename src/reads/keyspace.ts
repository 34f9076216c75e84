/**
 * Reads about keys of any type: existence, type, TTLs, database size,
 * listing keys (SCAN, KEYS, RANDOMKEY, byte-ordered iteration) and OBJECT
 * ENCODING.
 *
 * Keys whose TTL has passed are hidden from every read here (DBSIZE aside,
 * which counts them as Redis does) unless the mirror shows expired keys.
 *
 * @module
 */

import { type Store, ValueType } from "../_wasm/store.ts";
import { parseInt64 } from "../ops/bitfield.ts";
import { compileGlob } from "../ops/glob.ts";
import {
  asText,
  asTexts,
  findLive,
  type KeyInput,
  type ReadContext,
  type ReadTable,
  remaining,
  type Text,
} from "./context.ts";
import { argumentError, cursorArg, iteratorCount } from "./arguments.ts";
import { type ScanOptions, type ScanPage, scanRequest } from "./scan.ts";

/**
 * Options of {@linkcode KeyspaceReads.scan}: Redis's `MATCH`, `COUNT` and `TYPE`.
 *
 * @example
 * ```ts
 * import type { KeyScanOptions } from "../../mod.ts";
 * const options: KeyScanOptions = { match: "user:*", count: 100, type: "hash" };
 * // const { cursor, items } = mirror.scan(0, options);
 * console.log(options.type);
 * ```
 */
export interface KeyScanOptions extends ScanOptions {
  /** Only keys of this type (Redis `TYPE`, any case: "string", "list", "set", "zset", "hash", "stream", a module type). */
  type?: string;
}

/**
 * Encoding names of Redis's OBJECT ENCODING.
 *
 * @example
 * ```ts
 * import type { ObjectEncoding } from "../../mod.ts";
 * const compact = (encoding: ObjectEncoding | null) => encoding === "listpack" || encoding === "intset";
 * // compact(mirror.objectEncoding("small:hash"));
 * console.log(compact("listpack")); // true
 * ```
 */
export type ObjectEncoding =
  | "raw"
  | "int"
  | "embstr"
  | "listpack"
  | "listpackex"
  | "quicklist"
  | "intset"
  | "hashtable"
  | "skiplist"
  | "stream";

/**
 * Reads about keys of any type.
 *
 * @example
 * ```ts
 * import { Mirror, type KeyspaceReads } from "../../mod.ts";
 * const emptyRdb = new Uint8Array([...new TextEncoder().encode("REDIS0011"), 0xff, 0, 0, 0, 0, 0, 0, 0, 0]);
 * const mirror = await Mirror.fromRdb(emptyRdb);
 * const reads: KeyspaceReads<string> = mirror;
 * console.log(reads.exists("a", "b"), reads.dbsize(), reads.type("a")); // 0 0 "none"
 * await mirror.close();
 * ```
 */
export interface KeyspaceReads<T extends Text> {
  /** How many of the keys exist, counting repeats (Redis `EXISTS`). */
  exists(...keys: KeyInput[]): number;
  /** Type name: "string", "list", "set", "zset", "hash", "stream", a module type, or "none" (Redis `TYPE`). */
  type(key: KeyInput): string;
  /** Milliseconds to live: -1 without a TTL, -2 when missing (Redis `PTTL`). */
  pttl(key: KeyInput): number;
  /** Seconds to live, rounded as Redis does: -1 without a TTL, -2 when missing (Redis `TTL`). */
  ttl(key: KeyInput): number;
  /** Absolute expiry in unix ms: -1 without a TTL, -2 when missing (Redis `PEXPIRETIME`). */
  pexpiretime(key: KeyInput): number;
  /** Absolute expiry in unix seconds, rounded as Redis does: -1 without a TTL, -2 when missing (Redis `EXPIRETIME`). */
  expiretime(key: KeyInput): number;
  /** Number of keys in the database, logically expired ones included (Redis `DBSIZE`). */
  dbsize(): number;
  /**
   * One step of a cursor scan over the keys (Redis `SCAN cursor [MATCH
   * pattern] [COUNT count] [TYPE type]`): start with cursor 0 and pass each
   * returned cursor back until it is 0. Every key present for the whole scan
   * is returned at least once (a key may come twice); a step may return no
   * keys before the end. `count` (default 10) is how much work a step does,
   * and MATCH/TYPE filter after it, as in Redis. Cursors are the mirror's own
   * (not the primary's).
   *
   * @example
   * ```ts ignore
   * let cursor = 0;
   * do {
   *   const page = mirror.scan(cursor, { match: "user:*", type: "hash", count: 100 });
   *   for (const key of page.items) console.log(key);
   *   cursor = page.cursor;
   * } while (cursor !== 0);
   * ```
   */
  scan(cursor: number, options?: KeyScanOptions): ScanPage<T>;
  /**
   * Every key matching the glob-style `pattern` (`*`, `?`, `[a-z]`, `[^x]`,
   * `\` escapes), in no particular order (Redis `KEYS`). It walks the whole
   * database at once: prefer `scan` or `kfirst`/`knext` on big databases.
   *
   * @example
   * ```ts ignore
   * mirror.keys("session:*"); // ["session:b1", "session:a7"]
   * ```
   */
  keys(pattern: KeyInput): T[];
  /** A random key, or `null` when the database has no live key (Redis `RANDOMKEY`). */
  randomkey(): T | null;
  /**
   * The first `count` keys of the database in byte order (fewer when it has
   * fewer; `count` < 1 gives `[]`). Redis has no such read.
   *
   * @example
   * ```ts ignore
   * let page = mirror.kfirst(100);
   * while (page.length > 0) {
   *   for (const key of page) console.log(key);
   *   page = mirror.knext(page[page.length - 1], 100);
   * }
   * ```
   */
  kfirst(count?: number): T[];
  /** The last `count` keys in byte order, the last one first. Redis has no such read. */
  klast(count?: number): T[];
  /** Up to `count` keys strictly after `key` in byte order (`key` need not exist); `[]` at the end. Redis has no such read. */
  knext(key: KeyInput, count?: number): T[];
  /** Up to `count` keys strictly before `key` in byte order, nearest first; `[]` at the start. Redis has no such read. */
  kprev(key: KeyInput, count?: number): T[];
  /**
   * How the value is encoded, with Redis's OBJECT ENCODING names, or `null`
   * when the key does not exist (Redis `OBJECT ENCODING`). Strings follow
   * Redis's rule on the value ("int" for a canonical 64-bit integer,
   * "embstr" up to 44 bytes, else "raw"; Redis itself may say "raw" for a
   * short value built by APPEND or SETRANGE). Collections report the
   * mirror's own choice with Redis's default thresholds, as Redis 7.2+ names
   * them: "intset" for sets of at most 512 integers, "listpack" while
   * small (at most 128 entries of at most 64 bytes; lists: up to 8 KB of
   * packed entries; "listpackex" for small hashes with field TTLs), else
   * "hashtable", "skiplist" or "quicklist" (Redis 7.0 answers "quicklist"
   * for every list, and "hashtable" for every set that is not an intset).
   */
  objectEncoding(key: KeyInput): ObjectEncoding | null;
}

/** The declarations of {@linkcode KeyspaceReads}. */
export const keyspaceReads: ReadTable<KeyspaceReads<Text>> = {
  exists: {
    args: ["keys"],
    redis: "EXISTS",
    run: (ctx: ReadContext, ...keys: KeyInput[]): number => {
      let n = 0;
      for (const key of keys) if (findLive(ctx, key) !== ValueType.none) n++;
      return n;
    },
  },
  type: {
    args: ["key"],
    redis: "TYPE",
    run: (ctx: ReadContext, key: KeyInput): string =>
      findLive(ctx, key) === ValueType.none ? "none" : ctx.store.foundTypeName(),
  },
  pttl: {
    args: ["key"],
    redis: "PTTL",
    run: (ctx: ReadContext, key: KeyInput): number => remaining(ctx, key),
  },
  ttl: {
    args: ["key"],
    redis: "TTL",
    run: (ctx: ReadContext, key: KeyInput): number => {
      const ms = remaining(ctx, key);
      return ms < 0 ? ms : Math.floor((ms + 500) / 1000);
    },
  },
  pexpiretime: {
    args: ["key"],
    redis: "PEXPIRETIME",
    run: expireAt,
  },
  expiretime: {
    args: ["key"],
    redis: "EXPIRETIME",
    run: (ctx: ReadContext, key: KeyInput): number => {
      const at = expireAt(ctx, key);
      return at < 0 ? at : Math.floor((at + 500) / 1000);
    },
  },
  dbsize: {
    args: [],
    redis: "DBSIZE",
    run: (ctx: ReadContext): number => ctx.store.dbSize(ctx.database),
  },
  scan: {
    args: ["int", "options?"],
    redis: "SCAN",
    run: scan,
  },
  keys: {
    args: ["value"],
    redis: "KEYS",
    run: keys,
  },
  randomkey: {
    args: [],
    redis: "RANDOMKEY",
    run: randomkey,
  },
  kfirst: {
    args: ["int?"],
    redis: "",
    run: (ctx: ReadContext, count?: number): Text[] => keysAfter(ctx, null, false, count),
  },
  klast: {
    args: ["int?"],
    redis: "",
    run: (ctx: ReadContext, count?: number): Text[] => keysAfter(ctx, null, true, count),
  },
  knext: {
    args: ["key", "int?"],
    redis: "",
    run: (ctx: ReadContext, key: KeyInput, count?: number): Text[] => keysAfter(ctx, key, false, count),
  },
  kprev: {
    args: ["key", "int?"],
    redis: "",
    run: (ctx: ReadContext, key: KeyInput, count?: number): Text[] => keysAfter(ctx, key, true, count),
  },
  objectEncoding: {
    args: ["key"],
    redis: "OBJECT ENCODING",
    run: objectEncoding,
  },
};

/** Absolute expiry in ms of a live key: -2 missing, -1 none (negative times read as 0, as Redis clamps them). */
function expireAt(ctx: ReadContext, key: KeyInput): number {
  if (findLive(ctx, key) === ValueType.none) return -2;
  const at = ctx.store.foundExpireAt;
  return at === -1 ? -1 : Math.max(0, at);
}

/** Whether `key` (just listed by the store) exists and has not expired by the reader's clock. */
function isLive(ctx: ReadContext, key: Uint8Array): boolean {
  return ctx.showExpired || findLive(ctx, key) !== ValueType.none;
}

// ------------------------------------------------------------------ SCAN, KEYS

const encoder = new TextEncoder();

/** The MATCH/KEYS pattern as bytes, null for the lone `*` (Redis skips matching for it: it also takes the empty key). */
function patternBytes(pattern: KeyInput): Uint8Array | null {
  const bytes = typeof pattern === "string" ? encoder.encode(pattern) : pattern;
  return bytes.length === 1 && bytes[0] === 0x2a ? null : bytes;
}

/** TYPE as Redis compares it (case-insensitive); the empty value when not asked. */
function typeFilter(type: unknown): string {
  if (type === undefined || type === null) return "";
  if (typeof type !== "string") throw argumentError("ERR syntax error");
  return type.toLowerCase();
}

function scan(ctx: ReadContext, cursor: number, options?: KeyScanOptions): ScanPage<Text> {
  const from = cursorArg(cursor);
  const request = scanRequest(options);
  const type = typeFilter(options?.type);
  const store = ctx.store;
  const step = store.scan(ctx.database, from, request.count);
  const matches = request.pattern === null ? null : compileGlob(request.pattern);
  const found = step.keys;
  const kept: Uint8Array[] = [];
  for (let i = 0; i < found.length; i++) {
    const key = found[i];
    if (matches !== null && !matches(key)) continue;
    if (type !== "") {
      if (findLive(ctx, key) === ValueType.none || store.foundTypeName().toLowerCase() !== type) continue;
    } else if (!isLive(ctx, key)) continue;
    kept.push(key);
  }
  return { cursor: step.cursor, items: asTexts(ctx, kept) };
}

/** Keys per store step while KEYS walks the database (bounds the output buffer of one step). */
const KEYS_STEP = 1024;

function keys(ctx: ReadContext, pattern: KeyInput): Text[] {
  const bytes = patternBytes(pattern);
  const matches = bytes === null ? null : compileGlob(bytes);
  const store = ctx.store, db = ctx.database;
  const out: Uint8Array[] = [];
  // reads never move entries between tables, so one full cursor cycle meets every key exactly once
  let cursor = 0;
  do {
    const step = store.scan(db, cursor, KEYS_STEP);
    for (const key of step.keys) {
      if ((matches === null || matches(key)) && isLive(ctx, key)) out.push(key);
    }
    cursor = step.cursor;
  } while (cursor !== 0);
  return asTexts(ctx, out);
}

// ------------------------------------------------------------------ RANDOMKEY

/** Random picks before giving up on luck (db.c's dbRandomKey on a replica tries 100 times). */
const RANDOM_TRIES = 100;

function randomkey(ctx: ReadContext): Text | null {
  const store = ctx.store, db = ctx.database;
  for (let i = 0; i < RANDOM_TRIES; i++) {
    const key = store.randomKey(db);
    if (key === null) return null;
    if (isLive(ctx, key)) return asText(ctx, key);
  }
  // almost every key has expired: pick uniformly among the live ones, if any
  const key = randomLiveKey(ctx, store, db);
  return key === null ? null : asText(ctx, key);
}

/** A uniformly chosen live key by one pass over the database (reservoir sampling), or null. */
function randomLiveKey(ctx: ReadContext, store: Store, db: number): Uint8Array | null {
  let chosen: Uint8Array | null = null;
  let seen = 0;
  let cursor = 0;
  do {
    const step = store.scan(db, cursor, KEYS_STEP);
    for (const key of step.keys) {
      if (!isLive(ctx, key)) continue;
      seen++;
      if (Math.random() * seen < 1) chosen = key;
    }
    cursor = step.cursor;
  } while (cursor !== 0);
  return chosen;
}

// ------------------------------------------------------------------ ordered iteration

/** Batch size once expired keys were met: fetch ahead rather than one store call per hidden key. */
const AHEAD = 64;

/**
 * kfirst/klast/knext/kprev: up to `count` live keys after (before) `anchor`
 * in byte order, asking the store again past expired keys so that `count`
 * keys come back whenever the database has them.
 */
function keysAfter(ctx: ReadContext, anchor: KeyInput | null, reverse: boolean, count: unknown): Text[] {
  const n = iteratorCount(count);
  if (n < 1) return [];
  const store = ctx.store, db = ctx.database;
  let ask = n;
  let batch = store.keysAfter(db, anchor, reverse, ask);
  if (ctx.showExpired) return asTexts(ctx, batch);
  const out: Uint8Array[] = [];
  for (;;) {
    for (let i = 0; i < batch.length && out.length < n; i++) if (isLive(ctx, batch[i])) out.push(batch[i]);
    // done, or the store has nothing more (a short batch is the end of the database)
    if (out.length >= n || batch.length < ask) break;
    ask = Math.max(n - out.length, AHEAD);
    batch = store.keysAfter(db, batch[batch.length - 1], reverse, ask);
  }
  return asTexts(ctx, out);
}

// ------------------------------------------------------------------ OBJECT ENCODING

/** OBJ_ENCODING_EMBSTR_SIZE_LIMIT: longer strings are "raw". */
const EMBSTR_LIMIT = 44;
/** set-max-intset-entries' default. */
const INTSET_LIMIT = 512;
/** list-max-listpack-size -2: a packed list up to 8 KB. */
const LIST_PACKED_BYTES = 8192;

function objectEncoding(ctx: ReadContext, key: KeyInput): ObjectEncoding | null {
  const type = findLive(ctx, key);
  const store = ctx.store;
  switch (type) {
    case ValueType.none:
      return null;
    case ValueType.string:
      return stringEncoding(store);
    case ValueType.list:
      return listEncoding(store);
    case ValueType.set:
      return setEncoding(store);
    case ValueType.zset:
      return store.foundZsetEncoding();
    case ValueType.hash:
      return hashEncoding(store);
    default:
      // placeholders: streams, and module values (Redis names their encoding "raw")
      return store.foundTypeName() === "stream" ? "stream" : "raw";
  }
}

/** tryObjectEncoding: "int" for what string2l takes (at most 20 bytes), "embstr" up to 44 bytes, else "raw". */
function stringEncoding(store: Store): ObjectEncoding {
  const len = store.foundStrlen();
  if (len <= 20 && parseInt64(store.foundRange(0, len - 1)) !== null) return "int";
  return len <= EMBSTR_LIMIT ? "embstr" : "raw";
}

/** A list is one listpack while its packed size stays within 8 KB (Redis 7.2+; 7.0 always says "quicklist"). */
function listEncoding(store: Store): ObjectEncoding {
  // every packed entry takes at least 2 bytes: longer lists cannot fit
  if (store.foundListLength() > LIST_PACKED_BYTES / 2) return "quicklist";
  let bytes = 7; // listpack header and end mark
  for (const element of store.foundListRange(0, -1)) {
    bytes += listpackEntrySize(element);
    if (bytes > LIST_PACKED_BYTES) return "quicklist";
  }
  return "listpack";
}

/** Bytes a listpack entry takes for `element` (lpEncodeGetType, plus its back-length). */
export function listpackEntrySize(element: Uint8Array): number {
  let size: number;
  const n = element.length <= 20 ? parseInt64(element) : null;
  if (n !== null) {
    if (n >= 0n && n <= 127n) size = 1;
    else if (n >= -4096n && n <= 4095n) size = 2;
    else if (n >= -32768n && n <= 32767n) size = 3;
    else if (n >= -8388608n && n <= 8388607n) size = 4;
    else if (n >= -2147483648n && n <= 2147483647n) size = 5;
    else size = 9;
  } else {
    const len = element.length;
    size = len + (len < 64 ? 1 : len < 4096 ? 2 : 5);
  }
  const back = size <= 127 ? 1 : size < 16383 ? 2 : size < 2097151 ? 3 : size < 268435455 ? 4 : 5;
  return size + back;
}

/** "intset" for at most 512 canonical integers (Redis's rule), else the store's listpack/hashtable. */
function setEncoding(store: Store): ObjectEncoding {
  if (store.foundSetCard() <= INTSET_LIMIT) {
    let integers = true;
    for (const member of store.foundSetMembers()) {
      if (member.length > 20 || parseInt64(member) === null) {
        integers = false;
        break;
      }
    }
    if (integers) return "intset";
  }
  return store.foundSetEncoding();
}

/** The store's listpack/hashtable; "listpackex" for a packed hash with field TTLs (Redis 7.4+). */
function hashEncoding(store: Store): ObjectEncoding {
  const encoding = store.foundHashEncoding() ?? "hashtable";
  if (encoding === "listpack" && store.foundHashEntries().expireAts.some((at) => at !== -1)) return "listpackex";
  return encoding;
}
