/**
 * Feeds decoded RDB records (a snapshot, or one RESTORE payload) into a
 * store: strings, lists, sets, sorted sets and hashes (with field TTLs) in
 * full; streams and module values as placeholders holding their type name.
 *
 * @module
 */

import { DuplicateKeyError, type Store } from "../_wasm/store.ts";
import { RdbError } from "../errors.ts";
import type { CollectionTypeName, ExpireAt, RdbSink } from "../rdb/mod.ts";

const encoder = new TextEncoder();

/** Options of {@linkcode StoreLoader}. */
export interface StoreLoaderOptions {
  /**
   * Buffer strings and write many per store call (a snapshot load). The
   * owner must then call {@linkcode StoreLoader.finish} once the decoder is
   * done, or the last strings are not written. Default false (a RESTORE
   * payload: its one value is written before the decoder returns).
   */
  batchStrings?: boolean;
  /**
   * The decoder's position (bytes consumed), used as the offset of the
   * `RdbError` for a key named twice. Default: offset 0.
   */
  position?: () => number;
}

/**
 * An RDB sink writing into one store, as a Redis replica loads: every key is
 * kept whatever its TTL (a replica never drops expired keys or fields
 * itself; the primary sends the deletions).
 *
 * Collections go through the store's bulk builder: elements are packed and
 * handed over many per call, and the key appears, with its TTL, only once
 * the collection is complete. A load that fails half way (bad input, store
 * full) leaves no half-built key: {@linkcode StoreLoader.abort} (or the next
 * collection) drops it.
 *
 * A key the store already holds fails the load with an `RdbError`
 * (CORRUPT): a snapshot names each key once, and Redis refuses a file that
 * does not. (A fresh store holds nothing; RESTORE deletes first.)
 *
 * @example
 * ```ts ignore
 * const loader = new StoreLoader(new Store(), { batchStrings: true });
 * decodeRdb(bytes, loader);
 * loader.finish();
 * ```
 */
export class StoreLoader implements RdbSink {
  readonly #store: Store;
  readonly #batch: boolean;
  readonly #position: () => number;
  readonly #typeNames = new Map<string, Uint8Array>();

  constructor(store: Store, options: StoreLoaderOptions = {}) {
    this.#store = store;
    this.#batch = options.batchStrings ?? false;
    this.#position = options.position ?? (() => 0);
  }

  onSelectDb(db: number): void {
    this.#store.ensureDb(db);
  }

  onResizeDb(db: number, keys: number, _expires: number): void {
    // Strings still buffered belong to this db's table too: sizing it first is what saves the rehash.
    this.#store.loadReserve(db, keys);
  }

  onString(db: number, key: Uint8Array, value: Uint8Array, expireAtMs: ExpireAt): void {
    try {
      if (this.#batch) {
        this.#store.loadString(db, key, value, ttl(expireAtMs));
      } else {
        this.#refuseExisting(db, key);
        this.#store.set(db, key, value, 0, ttl(expireAtMs));
      }
    } catch (error) {
      throw this.#located(error);
    }
  }

  onPlaceholder(db: number, key: Uint8Array, typeName: string, expireAtMs: ExpireAt): void {
    let name = this.#typeNames.get(typeName);
    if (name === undefined) this.#typeNames.set(typeName, name = encoder.encode(typeName));
    try {
      this.#store.loadFlush();
      this.#refuseExisting(db, key);
    } catch (error) {
      throw this.#located(error);
    }
    this.#store.setPlaceholder(db, key, name, ttl(expireAtMs));
  }

  /**
   * `sizeHint`, when the decoder passes it, is the element count the
   * snapshot states (Redis presizes big collections from it).
   */
  onCollectionStart(
    db: number,
    key: Uint8Array,
    type: CollectionTypeName,
    expireAtMs: ExpireAt,
    sizeHint = 0,
  ): void {
    try {
      this.#store.loadCollection(db, key, type, ttl(expireAtMs), sizeHint);
    } catch (error) {
      throw this.#located(error);
    }
  }

  onListElement(value: Uint8Array): void {
    this.#store.loadElement(value);
  }

  onSetMember(member: Uint8Array): void {
    this.#store.loadElement(member);
  }

  onZsetMember(member: Uint8Array, score: number): void {
    this.#store.loadMember(member, score);
  }

  onHashField(field: Uint8Array, value: Uint8Array, expireAtMs: ExpireAt): void {
    this.#store.loadField(field, value, expireAtMs ?? -1);
  }

  onCollectionEnd(_count: number): void {
    this.#store.loadCollectionEnd();
  }

  /**
   * Writes what is buffered so far (strings, or the elements of the
   * collection being loaded, which stays open): a paced load calls it at the
   * end of each slice, so that slice sizes bound the store's work.
   */
  flush(): void {
    try {
      this.#store.loadWriteBuffered();
    } catch (error) {
      throw this.#located(error);
    }
  }

  /** Writes what is still buffered; call it once the decoder finished (required with `batchStrings`). */
  finish(): void {
    try {
      this.#store.loadFlush();
    } catch (error) {
      throw this.#located(error);
    }
  }

  /** Drops what a failed load left unfinished (buffered strings, a half-built collection). */
  abort(): void {
    this.#store.loadAbort();
  }

  #refuseExisting(db: number, key: Uint8Array): void {
    if (db < this.#store.databases && this.#store.find(db, key) !== 0) throw new DuplicateKeyError(db, key.slice());
  }

  /** A key named twice is bad input: an RdbError at the decoder's position. Other errors pass unchanged. */
  #located(error: unknown): unknown {
    if (!(error instanceof DuplicateKeyError)) return error;
    return new RdbError("CORRUPT", `${error.message}: the snapshot names it twice`, this.#position());
  }
}

/**
 * A key TTL for the store: -1 for none; a time before 1970 is kept as 0 (a
 * TTL long past), never confused with "no TTL".
 */
function ttl(expireAtMs: ExpireAt): number {
  return expireAtMs === null ? -1 : Math.max(0, expireAtMs);
}
