/**
 * Offline loads: an RDB file, bytes or a stream of chunks into a store,
 * without a server, in time slices (the event loop keeps running) and with
 * bounded host memory (a file is read a piece at a time).
 *
 * @module
 */

import { type FileHandle, open } from "node:fs/promises";
import { type Store, WasmCrc64 } from "./_wasm/store.ts";
import { VeidrodelisError } from "./errors.ts";
import { RdbDecoder, type RdbDecoderOptions, type RdbLoadProgress, type RdbSummary } from "./rdb/mod.ts";
import { Slicer, yieldToEventLoop } from "./replication/pacing.ts";
import { StoreLoader } from "./replication/store_loader.ts";

export type { RdbLoadProgress };

/**
 * Where an offline load reads an RDB from: a file path, the bytes, or a stream of chunks.
 *
 * @example
 * ```ts
 * import type { RdbSource } from "../mod.ts";
 * const fromFile: RdbSource = "/var/lib/redis/dump.rdb"; // read in pieces
 * const bytes = new Uint8Array([...new TextEncoder().encode("REDIS0011"), 0xff, 0, 0, 0, 0, 0, 0, 0, 0]);
 * async function* chunks(): AsyncIterable<Uint8Array> {
 *   yield bytes; // e.g. a ReadableStream of a download
 * }
 * const fromBytes: RdbSource = bytes;
 * const fromStream: RdbSource = chunks();
 * console.log(typeof fromFile, fromBytes.length, Symbol.asyncIterator in fromStream);
 * ```
 */
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
  const loader = new StoreLoader(store, { batchStrings: true, position: () => decoder?.bytesConsumed ?? 0 });
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
    decoder = new RdbDecoder(loader, { ...options.decoder, totalBytes: total ?? undefined, crc: new WasmCrc64() });
    return decoder;
  };
  /** Feeds one chunk a slice at a time, yielding when the budget is spent. */
  const feed = async (dec: RdbDecoder, chunk: Uint8Array): Promise<void> => {
    for (let at = 0, n = 0; at < chunk.length && !dec.done; at += n) {
      n = Math.min(slicer.size, chunk.length - at);
      const t = performance.now();
      dec.push(chunk.subarray(at, at + n));
      loader.flush(); // the slice's store work belongs to the slice
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
