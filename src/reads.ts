/**
 * THE table of reads. Each read is declared once: its signature (in
 * {@linkcode ReadMethods}, with the docs users see) and its implementation,
 * argument kinds and Redis counterpart (in {@linkcode readTable}). Reader
 * methods, read transactions, Lua's `ts` table and the README's table are all
 * generated from these two declarations, and TypeScript keeps them in step.
 *
 * @module
 */

import { type KeyInput, type Store, ValueType } from "./_wasm/store.ts";
import { WrongTypeError } from "./errors.ts";

/** A key: a string (UTF-8 encoded) or raw bytes. */
export type { KeyInput };

/** Results are strings by default, or bytes from a bytes reader. */
export type Text = string | Uint8Array;

/** Every read, as a method of a reader bound to one database. */
export interface ReadMethods<T extends Text> {
  /**
   * The string value of `key`, or `null` when it does not exist (Redis `GET`).
   *
   * @example
   * ```ts ignore
   * mirror.get("user:1:name"); // "Alice"
   * ```
   */
  get(key: KeyInput): T | null;
  /** The values of several string keys; `null` for missing keys and keys of other types (Redis `MGET`). */
  mget(...keys: KeyInput[]): (T | null)[];
  /** Length of the string value, 0 when missing (Redis `STRLEN`). */
  strlen(key: KeyInput): number;
  /** Substring by inclusive byte offsets, negative from the end (Redis `GETRANGE`). */
  getrange(key: KeyInput, start: number, end: number): T;
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
  /** Number of keys in the database, logically expired ones included (Redis `DBSIZE`). */
  dbsize(): number;
}

/** What every read implementation receives: the store, database and policies of its reader. */
export interface ReadContext {
  /** The live store. */
  readonly store: Store;
  /** The reader's database. */
  readonly database: number;
  /** True for readers returning bytes. */
  readonly bytes: boolean;
  /** True when keys whose TTL passed stay visible. */
  readonly showExpired: boolean;
  /** The clock (unix ms) used to hide expired keys. */
  now(): number;
}

/** Kinds of read arguments, used to check and convert arguments from Lua and read transactions. */
export type ArgKind = "key" | "keys" | "int";

/** The declaration of one read. */
export interface ReadDef {
  /** Argument kinds in order; "keys" takes the rest. */
  args: readonly ArgKind[];
  /** The Redis command this read answers as. */
  redis: string;
  /** Runs the read. */
  run(ctx: ReadContext, ...args: any[]): unknown;
}

/** Finds `key`, hiding it when its TTL has passed (as a Redis replica does for reads). */
export function findLive(ctx: ReadContext, key: KeyInput): number {
  const store = ctx.store;
  const type = store.find(ctx.database, key);
  if (type === ValueType.none || ctx.showExpired) return type;
  const at = store.foundExpireAt;
  return at !== -1 && at <= ctx.now() ? ValueType.none : type;
}

function findString(ctx: ReadContext, key: KeyInput): boolean {
  const type = findLive(ctx, key);
  if (type === ValueType.none) return false;
  if (type !== ValueType.string) throw new WrongTypeError("string", ctx.store.foundTypeName());
  return true;
}

function foundText(ctx: ReadContext): Text {
  return ctx.bytes ? ctx.store.foundBytes() : ctx.store.foundString();
}

const textDecoder = new TextDecoder();

function remaining(ctx: ReadContext, key: KeyInput): number {
  const type = findLive(ctx, key);
  if (type === ValueType.none) return -2;
  const at = ctx.store.foundExpireAt;
  return at === -1 ? -1 : Math.max(0, at - ctx.now());
}

/** The implementation of every read in {@linkcode ReadMethods}. */
export const readTable: { readonly [K in keyof ReadMethods<Text>]: ReadDef } = {
  get: {
    args: ["key"],
    redis: "GET",
    run: (ctx: ReadContext, key: KeyInput): Text | null => findString(ctx, key) ? foundText(ctx) : null,
  },
  mget: {
    args: ["keys"],
    redis: "MGET",
    run: (ctx: ReadContext, ...keys: KeyInput[]): (Text | null)[] =>
      keys.map((key) => findLive(ctx, key) === ValueType.string ? foundText(ctx) : null),
  },
  strlen: {
    args: ["key"],
    redis: "STRLEN",
    run: (ctx: ReadContext, key: KeyInput): number => findString(ctx, key) ? ctx.store.foundStrlen() : 0,
  },
  getrange: {
    args: ["key", "int", "int"],
    redis: "GETRANGE",
    run: (ctx: ReadContext, key: KeyInput, start: number, end: number): Text => {
      const bytes = findString(ctx, key) ? ctx.store.foundRange(start, end) : new Uint8Array(0);
      return ctx.bytes ? bytes : textDecoder.decode(bytes);
    },
  },
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
    run: (ctx: ReadContext, key: KeyInput): number =>
      findLive(ctx, key) === ValueType.none ? -2 : ctx.store.foundExpireAt,
  },
  dbsize: {
    args: [],
    redis: "DBSIZE",
    run: (ctx: ReadContext): number => ctx.store.dbSize(ctx.database),
  },
};

/** Names of every read, in declaration order. */
export const readNames: readonly (keyof ReadMethods<Text>)[] = Object.keys(readTable) as (keyof ReadMethods<
  Text
>)[];
