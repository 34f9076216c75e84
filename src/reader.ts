/**
 * Readers: the read methods bound to one database and one result form
 * (strings or bytes), generated from the read table.
 *
 * @module
 */

import type { Store } from "./_wasm/store.ts";
import { type ReadContext, type ReadMethods, readNames, readTable, type Text } from "./reads.ts";

/** Where a reader finds the live store and its policies. */
export interface ReadSource {
  /** The live store; throws `NotReadyError` before the first sync. */
  liveStore(): Store;
  /** The clock used to hide expired keys. */
  now(): number;
  /** Whether expired keys stay visible. */
  readonly showExpired: boolean;
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
    return this.#source.liveStore();
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

  #sibling(bytes: boolean): Reader<Text> {
    if (bytes === this.bytes) return this as Reader<Text>;
    return this.#other ??= new Reader<Text>(this.#source, this.database, bytes);
  }
}

for (const name of readNames) {
  const run = readTable[name].run;
  Object.defineProperty(Reader.prototype, name, {
    value: function (this: Reader<Text>, ...args: unknown[]) {
      return run(this, ...args);
    },
    writable: true,
    configurable: true,
  });
}
