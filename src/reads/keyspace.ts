/**
 * Reads about keys of any type: existence, type, TTLs, database size.
 *
 * @module
 */

import { ValueType } from "../_wasm/store.ts";
import { findLive, type KeyInput, type ReadContext, type ReadTable, remaining } from "./context.ts";

/** Reads about keys of any type. */
export interface KeyspaceReads {
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

/** The declarations of {@linkcode KeyspaceReads}. */
export const keyspaceReads: ReadTable<KeyspaceReads> = {
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
