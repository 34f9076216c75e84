/**
 * The shape of one write command's declaration. Every command the mirror
 * understands is declared once, as data, in the table (`table.ts`); that
 * declaration drives dispatch, divergence reporting, key watches and the docs.
 *
 * @module
 */

import type { Store } from "../_wasm/store.ts";

/** What a command's `apply` may use and change. */
export interface ApplyContext {
  /** The store being written. */
  store: Store;
  /** The database selected by the stream (`SELECT`). */
  db: number;
  /** Wall clock in unix ms, for the relative TTLs older primaries send. */
  now(): number;
}

/**
 * Which arguments are keys (for watches): Redis's first/last/step triple;
 * `last` -1 means "through the last argument".
 */
export interface KeyPositions {
  first: number;
  last: number;
  step: number;
}

/** The data type or area a command belongs to (the docs table groups by it). */
export type CommandGroup =
  | "string"
  | "bitmap"
  | "hyperloglog"
  | "list"
  | "set"
  | "sorted-set"
  | "geo"
  | "hash"
  | "keyspace"
  | "server"
  | "stream";

/** How a command relates to the projection. */
export type CommandKind =
  /** Changes data in the store. */
  | "write"
  /** Stream control with no effect on data (PING, PUBLISH, FUNCTION, …). */
  | "noop"
  /** Handled by the replication layer itself (SELECT, MULTI, EXEC, REPLCONF). */
  | "control";

/** One write command, declared once. */
export interface CommandSpec {
  /** Lower-case name as matched against the stream. */
  name: string;
  /** Redis-style arity: n exact argument count (name included), -n at least n. */
  arity: number;
  /** The command's group, used in the docs table. */
  group: CommandGroup;
  /** What the command does to the projection. */
  kind: CommandKind;
  /** Key arguments, when the command has any. */
  keys?: KeyPositions;
  /** A one-line summary for the supported-commands table. */
  summary: string;
  /** Applies the command; throws `CommandError` when it cannot apply as the primary did. */
  apply(ctx: ApplyContext, args: readonly Uint8Array[]): void;
}

/** Declares a command (identity; keeps the declarations terse and type-checked). */
export function command(spec: CommandSpec): CommandSpec {
  return spec;
}

/** Key positions of commands whose only key is the first argument. */
export const FIRST_KEY: KeyPositions = { first: 1, last: 1, step: 1 };
/** Key positions of commands whose arguments are all keys. */
export const ALL_KEYS: KeyPositions = { first: 1, last: -1, step: 1 };
/** Key positions of `key value key value …` commands. */
export const KEY_VALUE_PAIRS: KeyPositions = { first: 1, last: -1, step: 2 };
/** Key positions of `src dst …` commands. */
export const TWO_KEYS: KeyPositions = { first: 1, last: 2, step: 1 };
