/**
 * Who watches what: exact keys and key prefixes, per database. The applier
 * reports each written key once its unit is applied; the registry finds the
 * callbacks in O(1) for exact keys (one map lookup, whatever the number of
 * watches) and O(key length) for prefixes (a walk down a byte trie that stops
 * where no watched prefix continues).
 *
 * @module
 */

import type { WatchCallback, WatchEvent } from "./events.ts";

/** A node of the prefix trie: the watchers of the prefix it spells, and its continuations by next byte. */
interface PrefixNode {
  watchers: Set<WatchCallback> | null;
  children: Map<number, PrefixNode> | null;
}

/** The watches of one database. */
interface DbWatches {
  /** Exact keys, by their bytes read as latin1 (a 1:1 mapping, so binary keys are exact). */
  keys: Map<string, Set<WatchCallback>>;
  /** Prefixes; the root's watchers watch every key of the database. */
  prefixes: PrefixNode;
  /** Watches of this database (both kinds). */
  count: number;
}

/**
 * Stops a watch: call it, or let `using` dispose of it. Idempotent.
 *
 * @example
 * ```ts
 * import type { Unwatch, WatchCallback } from "../../mod.ts";
 * const watches: Unwatch[] = [];
 * const log: WatchCallback = (event) => console.log(event.type);
 * // watches.push(mirror.watch("user:1", log), mirror.watchPrefix("session:", log));
 * for (const unwatch of watches) unwatch();
 * console.log(typeof log);
 * ```
 */
export type Unwatch = (() => void) & Disposable;

/**
 * The watch table of a mirror.
 *
 * @example
 * ```ts
 * import { WatchRegistry } from "./registry.ts";
 * const watches = new WatchRegistry();
 * const key = new TextEncoder().encode("user:1");
 * const stop = watches.watchKey(0, key, (event) => console.log(event.type));
 * watches.keyWritten(0, key, []); // "update"
 * stop();
 * ```
 */
export class WatchRegistry {
  readonly #dbs = new Map<number, DbWatches>();
  #count = 0;

  /** True when nothing is watched (the applier then skips key extraction entirely). */
  get empty(): boolean {
    return this.#count === 0;
  }

  /** Watches one key of `db`. */
  watchKey(db: number, key: Uint8Array, callback: WatchCallback): Unwatch {
    const watches = this.#db(db);
    const name = latin1(key);
    let set = watches.keys.get(name);
    if (set === undefined) watches.keys.set(name, set = new Set());
    const entry = unique(callback);
    set.add(entry);
    return this.#added(watches, () => {
      set.delete(entry);
      if (set.size === 0) watches.keys.delete(name);
    });
  }

  /** Watches every key of `db` that starts with `prefix` (the empty prefix: every key). */
  watchPrefix(db: number, prefix: Uint8Array, callback: WatchCallback): Unwatch {
    const watches = this.#db(db);
    const path: PrefixNode[] = [watches.prefixes];
    let node = watches.prefixes;
    for (const byte of prefix) {
      node.children ??= new Map();
      let next = node.children.get(byte);
      if (next === undefined) node.children.set(byte, next = { watchers: null, children: null });
      node = next;
      path.push(node);
    }
    const entry = unique(callback);
    (node.watchers ??= new Set()).add(entry);
    return this.#added(watches, () => {
      node.watchers!.delete(entry);
      if (node.watchers!.size === 0) node.watchers = null;
      prune(path, prefix);
    });
  }

  /** A replicated command wrote `key` in `db` (called after it is applied). */
  keyWritten(db: number, key: Uint8Array, command: readonly Uint8Array[]): void {
    const watches = this.#dbs.get(db);
    if (watches === undefined) return;
    let event: WatchEvent | null = null;
    const exact = watches.keys.size > 0 ? watches.keys.get(latin1(key)) : undefined;
    if (exact !== undefined) deliver(exact, event ??= update(db, key, command));
    let node: PrefixNode | undefined = watches.prefixes;
    for (let i = 0; node !== undefined; i++) {
      if (node.watchers !== null) deliver(node.watchers, event ??= update(db, key, command));
      if (i === key.length || node.children === null) break;
      node = node.children.get(key[i]);
    }
  }

  /** `db` was flushed or swapped (`db` null: every database, FLUSHALL). */
  flushed(db: number | null, command: readonly Uint8Array[]): void {
    const event: WatchEvent = { type: "flush", db, command };
    if (db === null) this.#all(event);
    else {
      const watches = this.#dbs.get(db);
      if (watches !== undefined) deliverDb(watches, event);
    }
  }

  /** The projection was replaced by a full resync. */
  replaced(): void {
    this.#all({ type: "init" });
  }

  #all(event: WatchEvent): void {
    for (const watches of this.#dbs.values()) deliverDb(watches, event);
  }

  #db(db: number): DbWatches {
    let watches = this.#dbs.get(db);
    if (watches === undefined) {
      this.#dbs.set(db, watches = { keys: new Map(), prefixes: { watchers: null, children: null }, count: 0 });
    }
    return watches;
  }

  #added(watches: DbWatches, remove: () => void): Unwatch {
    watches.count++;
    this.#count++;
    let active = true;
    const stop = () => {
      if (!active) return;
      active = false;
      remove();
      watches.count--;
      this.#count--;
    };
    return Object.assign(stop, { [Symbol.dispose]: stop });
  }
}

/**
 * A registration of its own for each watch, so the same function watching
 * twice is two watches (each stopped on its own) and called twice.
 */
function unique(callback: WatchCallback): WatchCallback {
  return (event) => callback(event);
}

function update(db: number, key: Uint8Array, command: readonly Uint8Array[]): WatchEvent {
  return { type: "update", db, key: key.slice(), command };
}

/** Calls each watcher; one that throws does not stop the others (its error is rethrown asynchronously). */
function deliver(watchers: Set<WatchCallback>, event: WatchEvent): void {
  for (const watcher of watchers) {
    try {
      watcher(event);
    } catch (error) {
      queueMicrotask(() => {
        throw error;
      });
    }
  }
}

function deliverDb(watches: DbWatches, event: WatchEvent): void {
  if (watches.count === 0) return;
  for (const set of watches.keys.values()) deliver(set, event);
  const stack: PrefixNode[] = [watches.prefixes];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (node.watchers !== null) deliver(node.watchers, event);
    if (node.children !== null) { for (const child of node.children.values()) stack.push(child); }
  }
}

/** Removes trie nodes left without watchers or children, from the end of `path` up. */
function prune(path: PrefixNode[], prefix: Uint8Array): void {
  for (let i = path.length - 1; i > 0; i--) {
    const node = path[i];
    if (node.watchers !== null || (node.children !== null && node.children.size > 0)) return;
    path[i - 1].children!.delete(prefix[i - 1]);
  }
}

/** The bytes as a string of code points 0–255 (exact for any bytes). */
function latin1(bytes: Uint8Array): string {
  if (bytes.length <= 64) {
    let s = "";
    for (let i = 0; i < bytes.length; i++) s += String.fromCharCode(bytes[i]);
    return s;
  }
  let s = "";
  for (let i = 0; i < bytes.length; i += 4096) {
    s += String.fromCharCode.apply(null, bytes.subarray(i, i + 4096) as unknown as number[]);
  }
  return s;
}
