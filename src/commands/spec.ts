/**
 * The shape of one write command's declaration. Every command the mirror
 * understands is declared once, as data, in the table (`table.ts`); that
 * declaration drives dispatch, divergence reporting, key watches and the docs.
 *
 * @module
 */

import type { Store } from "../_wasm/store.ts";
import { CommandError } from "./args.ts";

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

/**
 * Finds the key arguments of commands whose keys are not one simple range
 * (`numkeys` forms, `STORE dst` options): returns their indexes in `args`.
 */
export type KeyFinder = (args: readonly Uint8Array[]) => number[];

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
  keys?: KeyPositions | KeyFinder;
  /** A one-line summary for the supported-commands table. */
  summary: string;
  /**
   * Set when the mirror deliberately does not apply this command: why. Its
   * `apply` reports divergence with that reason (and the docs list it).
   */
  unsupported?: string;
  /** Set when some forms of the command are reported as divergence instead of applied: which. */
  partial?: string;
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

/**
 * Declares a command the mirror recognises but does not apply, with the
 * reason; receiving it is reported as divergence (and triggers a resync).
 */
export function unsupported(name: string, arity: number, group: CommandGroup, reason: string): CommandSpec {
  return {
    name,
    arity,
    group,
    kind: "write",
    keys: FIRST_KEY,
    summary: "not applied",
    unsupported: reason,
    apply() {
      throw new CommandError(`${name.toUpperCase()} is not applied by the mirror: ${reason}`);
    },
  };
}

/**
 * Keys of `[fixed keys…] numkeys key… [options]` commands: the argument at
 * `numkeysAt` counts the keys that follow it; `fixed` are other key indexes
 * (a destination).
 */
export function numkeysKeys(numkeysAt: number, fixed: readonly number[] = []): KeyFinder {
  return (args) => {
    const keys = [...fixed];
    const n = Number.parseInt(new TextDecoder().decode(args[numkeysAt] ?? new Uint8Array()), 10);
    for (let i = 1; i <= n && numkeysAt + i < args.length; i++) keys.push(numkeysAt + i);
    return keys;
  };
}
