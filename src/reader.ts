/**
 * Readers: the read methods bound to one database and one result form
 * (strings or bytes), generated from the read table.
 *
 * @module
 */

import type { Store } from "./_wasm/store.ts";
import { NotReadyError, VeidrodelisError } from "./errors.ts";
import { type OutcomeOf, type ReadCall, runReadTx } from "./read_tx.ts";
import { type LuaReads, ReadScript, type ScriptRunOptions } from "./scripts.ts";
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
}

/**
 * The reads of one database. Every method of {@linkcode ReadMethods} is
 * available; results are strings, or bytes from {@linkcode Reader.bytes}.
 *
 * @example
 * ```ts ignore
 * const db3 = mirror.db(3);
 * db3.get("greeting");        // "hello"
 * db3.bytes.get("greeting");  // Uint8Array [104, 101, ...]
 * ```
 */
export interface Reader<T extends Text = string> extends ReadMethods<T> {}

/** @inheritdoc */
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

  /** The live store (part of the read context). */
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
  if (def.args.includes("keys")) {
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
