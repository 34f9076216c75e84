/**
 * What a watch reports.
 *
 * @module
 */

/** A key (or a key under a watched prefix) was written by a replicated command, now applied and readable. */
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

/** The projection was replaced by a full resync: anything derived from it must be rebuilt. */
export interface WatchInit {
  /** The kind of event. */
  type: "init";
}

/** A database (`db`) or every database (`db` null) was emptied or swapped: `FLUSHDB`, `FLUSHALL`, `SWAPDB`. */
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
 */
export interface WatchOverflow {
  /** The kind of event. */
  type: "overflow";
  /** How many events were dropped. */
  dropped: number;
}

/** Everything a watch delivers. */
export type WatchEvent = WatchUpdate | WatchInit | WatchFlush | WatchOverflow;

/** A watch callback. It runs synchronously after the change is applied; reads inside it see the new state. */
export type WatchCallback = (event: WatchEvent) => void;
