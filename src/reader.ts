/**
 * Readers: the read methods bound to one database and one result form
 * (strings or bytes), generated from the read table.
 *
 * @module
 */

import type { KeyInput, Store } from "./_wasm/store.ts";
import { NotReadyError, VeidrodelisError } from "./errors.ts";
import { type OutcomeOf, type ReadCall, runReadTx } from "./read_tx.ts";
import { type LuaReads, ReadScript, type ScriptRunOptions } from "./scripts.ts";
import type { WatchCallback } from "./watch/events.ts";
import type { Unwatch, WatchRegistry } from "./watch/registry.ts";
import { WatchStream } from "./watch/stream.ts";
import { type ReadContext, type ReadDef, type ReadMethods, readNames, readTable, type Text } from "./reads/mod.ts";

/** Where a reader finds the live store and its policies (shared by all readers of a mirror). */
export interface ReadSource {
  /** The live store; null before the first sync and after close. */
  store: Store | null;
  /** The clock used to hide expired keys. */
  now(): number;
  /** Whether expired keys stay visible. */
  readonly showExpired: boolean;
  /** The mirror's Lua engine for read scripts, loaded on first use (absent: scripts are unavailable). */
  lua?: () => Promise<LuaReads>;
  /** The mirror's watches (absent: watching is unavailable, as on an offline mirror). */
  watches?: WatchRegistry;
}

/**
 * Options of a watch.
 *
 * @example
 * ```ts
 * import type { WatchOptions } from "../mod.ts";
 * const stop = new AbortController();
 * const options: WatchOptions = { signal: stop.signal };
 * // mirror.watch("user:1", (event) => console.log(event.type), options);
 * stop.abort(); // ends the watch
 * console.log(options.signal?.aborted); // true
 * ```
 */
export interface WatchOptions {
  /** Stops the watch when aborted. */
  signal?: AbortSignal;
}

/**
 * Options of a watch as an async iterator.
 *
 * @example
 * ```ts
 * import type { WatchStreamOptions } from "../mod.ts";
 * const options: WatchStreamOptions = { maxQueued: 1000 };
 * // for await (const event of mirror.changes({ prefix: "user:" }, options)) console.log(event.type);
 * console.log(options.maxQueued);
 * ```
 */
export interface WatchStreamOptions extends WatchOptions {
  /** Events the iterator queues before it drops them for one `overflow` event (default 10,000). */
  maxQueued?: number;
}

/**
 * The reads of one database. Every method of {@linkcode ReadMethods} is
 * available; results are strings, or bytes from {@linkcode Reader.asBytes}.
 *
 * @example
 * ```ts ignore
 * const db3 = mirror.db(3);
 * db3.get("greeting");          // "hello"
 * db3.asBytes.get("greeting");  // Uint8Array [104, 101, ...]
 * ```
 */
export interface Reader<T extends Text = string> extends ReadMethods<T> {}

/**
 * The reads of one database (a mirror is the reader of its `db` option;
 * `mirror.db(n)` gives the others): every method of
 * {@linkcode ReadMethods}, read transactions, watches and Lua read scripts.
 *
 * @example
 * ```ts
 * import { Mirror } from "../mod.ts";
 * // An empty RDB (version 11): the smallest snapshot a primary can send.
 * const empty = new Uint8Array([...new TextEncoder().encode("REDIS0011"), 0xff, 0, 0, 0, 0, 0, 0, 0, 0]);
 * const mirror = await Mirror.fromRdb(empty);
 * const db2 = mirror.db(2);
 * console.log(db2.database, db2.dbsize(), db2.get("missing")); // 2 0 null
 * console.log(db2.asBytes.bytes); // true
 * await mirror.close();
 * ```
 */
export class Reader<T extends Text = string> implements ReadContext {
  readonly #source: ReadSource;
  /** The database this reader reads. */
  readonly database: number;
  /** True when string results come back as bytes. */
  readonly bytes: boolean;
  #other: Reader<Text> | undefined;

  /** Readers are made by a mirror (`mirror.db(n)`), not directly. */
  constructor(source: ReadSource, db: number, bytes: boolean) {
    this.#source = source;
    this.database = db;
    this.bytes = bytes;
  }

  /**
   * The live store (part of the read context: what read implementations
   * receive); internal, not part of the public API.
   *
   * @ignore
   */
  get store(): Store {
    const store = this.#source.store;
    if (store === null) throw new NotReadyError();
    return store;
  }

  /** True when keys whose TTL passed stay visible. */
  get showExpired(): boolean {
    return this.#source.showExpired;
  }

  /** The clock used to hide expired keys. */
  now(): number {
    return this.#source.now();
  }

  /** The same database, with bytes instead of strings as results. */
  get asBytes(): Reader<Uint8Array> {
    return this.#sibling(true) as Reader<Uint8Array>;
  }

  /** The same database, with strings as results. */
  get asStrings(): Reader<string> {
    return this.#sibling(false) as Reader<string>;
  }

  /**
   * Runs several reads against one state of the projection (a read
   * transaction) and returns one outcome per read, in order: `{ ok: true,
   * value }`, or `{ ok: false, error }` for a read that failed (a wrong type,
   * a bad argument, an unknown read), which does not fail the others.
   * Throws `NotReadyError` before the first sync.
   *
   * @example
   * ```ts ignore
   * const [name, age, events] = mirror.readTx([
   *   ["get", "user:1:name"],
   *   ["hget", "user:1", "age"],
   *   ["llen", "user:1:events"],
   * ] as const);
   * if (name.ok) console.log(name.value);
   * ```
   */
  readTx<const C extends readonly ReadCall<T>[]>(calls: C): { -readonly [I in keyof C]: OutcomeOf<T, C[I]> } {
    return runReadTx(this, calls) as { -readonly [I in keyof C]: OutcomeOf<T, C[I]> };
  }

  /**
   * Compiles a Lua read script (loading Lua on first use): its `ts` table
   * has every read (`ts.get`, `ts.hgetall`, `ts.zrange`, …) on this
   * reader's database, `KEYS` and `ARGV` are given per run, and
   * `run()` is synchronous and sees one state of the projection.
   *
   * @example
   * ```ts ignore
   * const owner = await mirror.compile("local id = ts.get(KEYS[1]) return ts.hget('user:' .. id, 'name')");
   * owner.run({ keys: ["item:456"] }); // "Alice"
   * ```
   */
  async compile(source: string, name?: string): Promise<ReadScript> {
    const lua = await this.#lua();
    return new ReadScript(lua, lua.compile(source, name), this as unknown as Reader<Text>);
  }

  /**
   * Runs a Lua read script once (compiled scripts are cached by source):
   * its first result, as strings (bytes from a bytes reader).
   *
   * @example
   * ```ts ignore
   * await mirror.eval("return {ts.get(KEYS[1]), ts.hget(KEYS[2], 'age')}", { keys: ["user:1:name", "user:1"] });
   * ```
   */
  async eval(source: string, options: ScriptRunOptions = {}): Promise<unknown> {
    const lua = await this.#lua();
    return lua.eval(this as unknown as Reader<Text>, source, options);
  }

  /**
   * Calls `callback` after every applied write of `key` in this database
   * (the change is readable inside the callback), on `init` after each full
   * resync and on `flush` (FLUSHDB, FLUSHALL, SWAPDB). Writes inside a
   * `MULTI`/`EXEC` or a `__vdr_tx` transaction are reported once the whole
   * unit is applied. Stop it by calling the result, with `using`, or with
   * `options.signal`.
   *
   * @example
   * ```ts ignore
   * const stop = mirror.watch("config:flags", (event) => {
   *   if (event.type === "update" || event.type === "init") reload(mirror.hgetall("config:flags"));
   * });
   * ```
   */
  watch(key: KeyInput, callback: WatchCallback, options: WatchOptions = {}): Unwatch {
    return stopOnAbort(this.#watches().watchKey(this.database, keyBytes(key), callback), options.signal);
  }

  /** As {@linkcode Reader.watch}, for every key starting with `prefix` ("" watches the whole database). */
  watchPrefix(prefix: KeyInput, callback: WatchCallback, options: WatchOptions = {}): Unwatch {
    return stopOnAbort(this.#watches().watchPrefix(this.database, keyBytes(prefix), callback), options.signal);
  }

  /**
   * The events of a key (`{ key }`) or a prefix (`{ prefix }`) as an async
   * iterator. Its queue is bounded: a consumer that falls `maxQueued` events
   * behind gets one `overflow` event in place of the dropped ones. Ends on
   * `break`, `stop()`, `using` or the signal.
   *
   * @example
   * ```ts ignore
   * for await (const event of mirror.changes({ prefix: "orders:" })) {
   *   if (event.type === "update") console.log("order changed:", new TextDecoder().decode(event.key));
   * }
   * ```
   */
  changes(target: { key: KeyInput } | { prefix: KeyInput }, options: WatchStreamOptions = {}): WatchStream {
    let stream: WatchStream | null = null;
    const push: WatchCallback = (event) => stream?.push(event);
    const unwatch = "key" in target
      ? this.#watches().watchKey(this.database, keyBytes(target.key), push)
      : this.#watches().watchPrefix(this.database, keyBytes(target.prefix), push);
    return stream = new WatchStream(unwatch, options.maxQueued, options.signal);
  }

  #watches(): WatchRegistry {
    const watches = this.#source.watches;
    if (watches === undefined) throw new VeidrodelisError("ARGUMENT", "this mirror has no replication to watch");
    return watches;
  }

  #lua(): Promise<LuaReads> {
    const lua = this.#source.lua;
    if (lua === undefined) {
      return Promise.reject(new VeidrodelisError("ARGUMENT", "read scripts are not available on this reader"));
    }
    return lua();
  }

  #sibling(bytes: boolean): Reader<Text> {
    if (bytes === this.bytes) return this as Reader<Text>;
    return this.#other ??= new Reader<Text>(this.#source, this.database, bytes);
  }
}

/** A method calling `run` with the reader as context; fixed arities avoid rest-argument allocation on hot reads. */
function method(def: ReadDef): (this: Reader<Text>, ...args: any[]) => unknown {
  const run = def.run;
  if (def.args.includes("keys") || def.args.includes("values")) {
    return function (this: Reader<Text>, ...args: any[]) {
      return run(this, ...args);
    };
  }
  switch (def.args.length) {
    case 0:
      return function (this: Reader<Text>) {
        return run(this);
      };
    case 1:
      return function (this: Reader<Text>, a: any) {
        return run(this, a);
      };
    case 2:
      return function (this: Reader<Text>, a: any, b: any) {
        return run(this, a, b);
      };
    default:
      return function (this: Reader<Text>, a: any, b: any, c: any, ...rest: any[]) {
        return run(this, a, b, c, ...rest);
      };
  }
}

for (const name of readNames) {
  Object.defineProperty(Reader.prototype, name, { value: method(readTable[name]), writable: true, configurable: true });
}

const encoder = new TextEncoder();

function keyBytes(key: KeyInput): Uint8Array {
  return typeof key === "string" ? encoder.encode(key) : key;
}

/** Ties a watch to an abort signal (stopping it when aborted, at once if already). */
function stopOnAbort(unwatch: Unwatch, signal: AbortSignal | undefined): Unwatch {
  if (signal === undefined) return unwatch;
  if (signal.aborted) unwatch();
  else signal.addEventListener("abort", () => unwatch(), { once: true });
  return unwatch;
}
