/**
 * Feeds decoded RDB records (a snapshot, or one RESTORE payload) into a
 * store: strings, lists, sets, sorted sets and hashes (with field TTLs) in
 * full; streams and module values as placeholders holding their type name.
 *
 * @module
 */

import { HFE_NONE, type Store } from "../_wasm/store.ts";
import type { CollectionTypeName, ExpireAt, RdbSink } from "../rdb/mod.ts";

const encoder = new TextEncoder();
const EMPTY = new Uint8Array(0);

/**
 * An RDB sink writing into one store, as a Redis replica loads: every key is
 * kept whatever its TTL (a replica never drops expired keys or fields
 * itself; the primary sends the deletions). Collections arrive element by
 * element and are written straight into the store; the key's TTL is set
 * once the collection is complete.
 *
 * The sink writes over nothing: each key must be absent from the store
 * (true of a fresh store, and of RESTORE after its checks).
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
  // The collection being loaded (between onCollectionStart and onCollectionEnd).
  #db = 0;
  #key: Uint8Array = EMPTY;
  #expireAtMs: ExpireAt = null;

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

  onCollectionStart(db: number, key: Uint8Array, _type: CollectionTypeName, expireAtMs: ExpireAt): void {
    this.#db = db;
    // The decoder lends the key for this call only; every element write needs it.
    this.#key = key.slice();
    this.#expireAtMs = expireAtMs;
  }

  onListElement(value: Uint8Array): void {
    this.#store.listPush(this.#db, this.#key, value, true, false);
  }

  onSetMember(member: Uint8Array): void {
    this.#store.setAdd(this.#db, this.#key, member);
  }

  onZsetMember(member: Uint8Array, score: number): void {
    this.#store.zsetAdd(this.#db, this.#key, member, score, 0);
  }

  onHashField(field: Uint8Array, value: Uint8Array, expireAtMs: ExpireAt): void {
    this.#store.hashSet(this.#db, this.#key, field, value);
    if (expireAtMs !== null) this.#store.hashSetFieldExpire(this.#db, this.#key, field, expireAtMs, HFE_NONE);
  }

  onCollectionEnd(_count: number): void {
    // The key exists only once its first element was written: the TTL comes last.
    if (this.#expireAtMs !== null) this.#store.setExpire(this.#db, this.#key, this.#expireAtMs);
    this.#key = EMPTY;
    this.#expireAtMs = null;
  }
}
