/**
 * Feeds decoded RDB records into a fresh store.
 *
 * @module
 */

import type { Store } from "../_wasm/store.ts";
import type { ExpireAt, RdbSink } from "../rdb/mod.ts";

const encoder = new TextEncoder();

/**
 * An RDB sink writing into one store. Keys of types the store does not
 * project yet are kept as placeholders (type name and TTL).
 *
 * @example
 * ```ts ignore
 * const loader = new StoreLoader(new Store());
 * decodeRdb(bytes, loader);
 * ```
 */
export class StoreLoader implements RdbSink {
  readonly #store: Store;
  readonly #typeNames = new Map<string, Uint8Array>();

  constructor(store: Store) {
    this.#store = store;
  }

  onSelectDb(db: number): void {
    this.#store.ensureDb(db);
  }

  onString(db: number, key: Uint8Array, value: Uint8Array, expireAtMs: ExpireAt): void {
    this.#store.set(db, key, value, 0, expireAtMs ?? -1);
  }

  onPlaceholder(db: number, key: Uint8Array, typeName: string, expireAtMs: ExpireAt): void {
    let name = this.#typeNames.get(typeName);
    if (name === undefined) this.#typeNames.set(typeName, name = encoder.encode(typeName));
    this.#store.setPlaceholder(db, key, name, expireAtMs ?? -1);
  }
}
