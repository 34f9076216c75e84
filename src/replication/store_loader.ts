/**
 * Feeds decoded RDB records (a snapshot, or one RESTORE payload) into a
 * store: strings, lists, sets, sorted sets and hashes (with field TTLs) in
 * full; streams and module values as placeholders holding their type name.
 * {@linkcode loadRdb} drives a whole offline load (a file, bytes or a
 * stream) in time slices.
 *
 * @module
 */

import { type FileHandle, open } from "node:fs/promises";
import { setImmediate } from "node:timers";
import type { Store } from "../_wasm/store.ts";
import { VeidrodelisError } from "../errors.ts";
import {
  type CollectionTypeName,
  type ExpireAt,
  RdbDecoder,
  type RdbDecoderOptions,
  type RdbSink,
  type RdbSummary,
} from "../rdb/mod.ts";

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
 * A key that already exists is replaced (a fresh store has none; RESTORE
 * deletes first).
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
  readonly #typeNames = new Map<string, Uint8Array>();

  constructor(store: Store, options: StoreLoaderOptions = {}) {
    this.#store = store;
    this.#batch = options.batchStrings ?? false;
  }

  onSelectDb(db: number): void {
    this.#store.ensureDb(db);
  }

  onResizeDb(db: number, keys: number, _expires: number): void {
    // Strings still buffered belong to this db's table too: sizing it first is what saves the rehash.
    this.#store.loadReserve(db, keys);
  }

  onString(db: number, key: Uint8Array, value: Uint8Array, expireAtMs: ExpireAt): void {
    if (this.#batch) this.#store.loadString(db, key, value, ttl(expireAtMs));
    else this.#store.set(db, key, value, 0, ttl(expireAtMs));
  }

  onPlaceholder(db: number, key: Uint8Array, typeName: string, expireAtMs: ExpireAt): void {
    let name = this.#typeNames.get(typeName);
    if (name === undefined) this.#typeNames.set(typeName, name = encoder.encode(typeName));
    this.#store.loadFlush();
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
    this.#store.loadCollection(db, key, type, ttl(expireAtMs), sizeHint);
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

  /** Writes what is still buffered; call it once the decoder finished (required with `batchStrings`). */
  finish(): void {
    this.#store.loadFlush();
  }

  /** Drops what a failed load left unfinished (buffered strings, a half-built collection). */
  abort(): void {
    this.#store.loadAbort();
  }
}

/**
 * A key TTL for the store: -1 for none; a time before 1970 is kept as 0 (a
 * TTL long past), never confused with "no TTL".
 */
function ttl(expireAtMs: ExpireAt): number {
  return expireAtMs === null ? -1 : Math.max(0, expireAtMs);
}

// ---------------------------------------------------------------- offline loads

/** How far an offline load got (see {@linkcode loadRdb}). */
export interface RdbLoadProgress {
  /** Bytes of the RDB consumed so far. */
  bytes: number;
  /** The input's size when known (a file, bytes in memory), else null. */
  totalBytes: number | null;
  /** Keys loaded so far. */
  keys: number;
}

/** Where an offline load reads an RDB from: a file path, the bytes, or a stream of chunks. */
export type RdbSource = string | Uint8Array | AsyncIterable<Uint8Array>;

/** Options of {@linkcode loadRdb}. */
export interface LoadRdbOptions {
  /** Called as the load advances (at most once per yield to the event loop) and once at the end. */
  onProgress?: (progress: RdbLoadProgress) => void;
  /**
   * Longest stretch of decoding, in ms, before the load yields to the event
   * loop (default 3). The input is fed in slices sized to take about half a
   * millisecond each, so the longest pause is about this plus one slice
   * (more only for one value that is huge on its own, e.g. a 100 MB string).
   */
  maxBusyMs?: number;
  /** Bytes read from a file at a time, the host memory a file load holds (default 256 KiB). */
  readBytes?: number;
  /** Stops the load (it rejects; nothing of it stays in the store). */
  signal?: AbortSignal;
  /** Decoder limits (largest string, databases). */
  decoder?: Omit<RdbDecoderOptions, "totalBytes">;
}

/**
 * Loads an RDB (a file, bytes, or a stream of chunks) into `store` without
 * blocking the event loop for long: the input is decoded a slice at a time
 * and the load yields between slices once `maxBusyMs` have passed. A file
 * is read in `readBytes` pieces (bounded memory whatever its size).
 *
 * On failure (`RdbError` for bad input, `StoreFullError`, a read error) the
 * load rejects and leaves no half-built collection; the caller discards the
 * store (keys loaded before the failure are in it).
 *
 * @example
 * ```ts ignore
 * const store = new Store();
 * const summary = await loadRdb("dump.rdb", store, { onProgress: (p) => console.log(p.bytes, p.keys) });
 * ```
 */
export async function loadRdb(source: RdbSource, store: Store, options: LoadRdbOptions = {}): Promise<RdbSummary> {
  const loader = new StoreLoader(store, { batchStrings: true });
  const busyMs = options.maxBusyMs ?? 3;
  const slicer = new Slicer();
  let totalBytes: number | null = null;
  let decoder: RdbDecoder | null = null;
  let lastYield = performance.now();

  const report = (): void => {
    if (options.onProgress === undefined || decoder === null) return;
    const s = decoder.summary;
    options.onProgress({ bytes: s.bytes, totalBytes, keys: s.keys });
  };
  const start = (total: number | null): RdbDecoder => {
    totalBytes = total;
    decoder = new RdbDecoder(loader, { ...options.decoder, totalBytes: total ?? undefined });
    return decoder;
  };
  /** Feeds one chunk a slice at a time, yielding when the budget is spent. */
  const feed = async (dec: RdbDecoder, chunk: Uint8Array): Promise<void> => {
    for (let at = 0, n = 0; at < chunk.length && !dec.done; at += n) {
      n = Math.min(slicer.size, chunk.length - at);
      const t = performance.now();
      dec.push(chunk.subarray(at, at + n));
      const now = performance.now();
      slicer.took(n, now - t);
      if (now - lastYield >= busyMs) {
        report();
        await yieldToEventLoop();
        checkAborted(options.signal);
        lastYield = performance.now();
      }
    }
  };

  try {
    checkAborted(options.signal);
    if (typeof source === "string") {
      await readFile(source, options.readBytes ?? 256 * 1024, start, feed, () => {
        checkAborted(options.signal);
        lastYield = performance.now(); // a read is a yield
      });
    } else if (source instanceof Uint8Array) {
      await feed(start(source.length), source);
    } else {
      const dec = start(null);
      // No reset of the busy time per chunk: an iterator may hand chunks over without a macrotask turn.
      for await (const chunk of source) {
        checkAborted(options.signal);
        await feed(dec, chunk);
        if (dec.done) break;
      }
    }
    const summary = decoder!.finish();
    loader.finish();
    report();
    return summary;
  } catch (error) {
    loader.abort();
    throw error;
  }
}

/**
 * Sizes the slices fed to the decoder so that each takes about
 * TARGET_SLICE_MS: small at first (cold code runs slowly), then following
 * how fast the input actually decodes (LZF strings are much slower per byte
 * than plain elements).
 */
export class Slicer {
  /** Bytes to feed next. */
  size = 1024;

  /** A slice of `bytes` took `ms`: the next one is sized by that rate. */
  took(bytes: number, ms: number): void {
    if (bytes < this.size) return; // a short tail says nothing about the rate
    if (ms < TARGET_SLICE_MS / 2) this.size = Math.min(MAX_SLICE, this.size * 2);
    else if (ms > TARGET_SLICE_MS * 2) this.size = Math.max(MIN_SLICE, this.size >> 1);
  }
}

const TARGET_SLICE_MS = 0.5;
const MIN_SLICE = 512;
const MAX_SLICE = 256 * 1024;

/** Reads a file in pieces into `feed` (one reused buffer); `afterRead` runs after each read. */
async function readFile(
  path: string,
  readBytes: number,
  start: (total: number | null) => RdbDecoder,
  feed: (dec: RdbDecoder, chunk: Uint8Array) => Promise<void>,
  afterRead: () => void,
): Promise<void> {
  let handle: FileHandle;
  try {
    handle = await open(path, "r");
  } catch (error) {
    throw new VeidrodelisError("ARGUMENT", `cannot open the RDB file ${path}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  try {
    const size = (await handle.stat()).size;
    const dec = start(size);
    // The decoder copies whatever it keeps past a push: one buffer serves every read.
    const buffer = new Uint8Array(Math.max(1, Math.min(readBytes, size)));
    let position = 0;
    while (position < size && !dec.done) {
      const { bytesRead } = await readAt(handle, buffer, position, path);
      if (bytesRead === 0) break; // the file shrank: finish() reports the truncation
      position += bytesRead;
      afterRead();
      await feed(dec, buffer.subarray(0, bytesRead));
    }
  } finally {
    await handle.close();
  }
}

async function readAt(handle: FileHandle, buffer: Uint8Array, position: number, path: string) {
  try {
    return await handle.read(buffer, 0, buffer.length, position);
  } catch (error) {
    throw new VeidrodelisError("ARGUMENT", `cannot read the RDB file ${path}: ${(error as Error).message}`, {
      cause: error,
    });
  }
}

function checkAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new VeidrodelisError("CLOSED", "the RDB load was aborted", { cause: signal.reason });
}

/**
 * Lets timers and I/O run: two macrotask turns. One is not enough on Node:
 * a load resumed by a file read runs in the poll phase, and an immediate
 * queued there runs in the same loop turn, before the timers.
 */
export async function yieldToEventLoop(): Promise<void> {
  await new Promise((resolve) => setImmediate(resolve));
  await new Promise((resolve) => setImmediate(resolve));
}
