/**
 * What a watch reports.
 *
 * @module
 */

/**
 * A key (or a key under a watched prefix) was written by a replicated command, now applied and readable.
 *
 * @example
 * ```ts
 * import type { WatchUpdate } from "../../mod.ts";
 * const enc = (s: string) => new TextEncoder().encode(s);
 * const event: WatchUpdate = { type: "update", db: 0, key: enc("k"), command: [enc("SET"), enc("k"), enc("v")] };
 * console.log(new TextDecoder().decode(event.key)); // "k"
 * ```
 */
export interface WatchUpdate {
  /** The kind of event. */
  type: "update";
  /** The database the command was applied in. */
  db: number;
  /** The key, as bytes (a copy the callback may keep). */
  key: Uint8Array;
  /** The replicated command as received: name first, then its arguments. */
  command: readonly Uint8Array[];
}

/**
 * The projection was replaced by a full resync: anything derived from it must be rebuilt.
 *
 * @example
 * ```ts
 * import type { WatchEvent } from "../../mod.ts";
 * const cache = new Map<string, string>();
 * const onEvent = (event: WatchEvent) => {
 *   if (event.type === "init") cache.clear(); // a full resync: rebuild from the new projection
 * };
 * onEvent({ type: "init" });
 * ```
 */
export interface WatchInit {
  /** The kind of event. */
  type: "init";
}

/**
 * A database (`db`) or every database (`db` null) was emptied or swapped: `FLUSHDB`, `FLUSHALL`, `SWAPDB`.
 *
 * @example
 * ```ts
 * import type { WatchFlush } from "../../mod.ts";
 * const flushedAll = (event: WatchFlush) => event.db === null;
 * console.log(flushedAll({ type: "flush", db: null, command: [new TextEncoder().encode("FLUSHALL")] })); // true
 * ```
 */
export interface WatchFlush {
  /** The kind of event. */
  type: "flush";
  /** The database flushed (for SWAPDB, one event per database swapped); null for FLUSHALL. */
  db: number | null;
  /** The command as received. */
  command: readonly Uint8Array[];
}

/**
 * An async iterator's queue was full and events were dropped in its place:
 * the consumer fell behind and must re-read what it watches (as after init).
 *
 * @example
 * ```ts
 * import type { WatchEvent } from "../../mod.ts";
 * const onEvent = (event: WatchEvent) => {
 *   if (event.type === "overflow") console.log(`${event.dropped} events dropped: re-read everything watched`);
 * };
 * onEvent({ type: "overflow", dropped: 42 });
 * ```
 */
export interface WatchOverflow {
  /** The kind of event. */
  type: "overflow";
  /** How many events were dropped. */
  dropped: number;
}

/**
 * Everything a watch delivers.
 *
 * @example
 * ```ts
 * import type { WatchEvent } from "../../mod.ts";
 * function describe(event: WatchEvent): string {
 *   switch (event.type) {
 *     case "update":
 *       return `key ${new TextDecoder().decode(event.key)} changed in db ${event.db}`;
 *     case "flush":
 *       return event.db === null ? "every database emptied" : `database ${event.db} emptied`;
 *     case "init":
 *       return "new projection";
 *     case "overflow":
 *       return `${event.dropped} events dropped`;
 *   }
 * }
 * console.log(describe({ type: "init" })); // "new projection"
 * ```
 */
export type WatchEvent = WatchUpdate | WatchInit | WatchFlush | WatchOverflow;

/**
 * A watch callback. It runs synchronously after the change is applied; reads inside it see the new state.
 *
 * @example
 * ```ts
 * import type { WatchCallback } from "../../mod.ts";
 * const log: WatchCallback = (event) => console.log(event.type);
 * log({ type: "init" });
 * // const unwatch = mirror.watchPrefix("session:", log);
 * ```
 */
export type WatchCallback = (event: WatchEvent) => void;
