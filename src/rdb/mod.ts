/**
 * RDB decoding: a streaming decoder for Redis/Valkey snapshots, the CRC-64
 * and LZF it relies on, and readers for the compact encodings.
 *
 * Reads `REDIS0001`–`REDIS0015` (Redis up to 8.10: key metadata, streams
 * 26/27 and arrays as placeholders, hash templates decoded), `VALKEY080`/
 * `VALKEY081` (Valkey 9), Valkey 9.2's `VKCS` LZ4 envelope, and DUMP
 * payloads of the same versions. Anything else stops with a typed
 * {@linkcode RdbError} naming what and where.
 *
 * @example
 * ```ts
 * import { decodeRdb } from "./mod.ts";
 * const bytes = new Uint8Array(0); // an RDB file's bytes
 * try {
 *   const summary = decodeRdb(bytes, {
 *     onString: (db, key, value, expireAtMs) => {},
 *     onPlaceholder: (db, key, typeName, expireAtMs) => {},
 *   });
 *   console.log(summary.keys);
 * } catch (e) {
 *   console.log((e as Error).message); // TRUNCATED: an empty input is not an RDB
 * }
 * ```
 *
 * @module
 */

import { RdbDecoder, type RdbDecoderOptions } from "./decoder.ts";
import type { RdbSink, RdbSummary } from "./sink.ts";

export { RdbDecoder, type RdbDecoderOptions } from "./decoder.ts";
export { decodeDumpPayload, type DumpPayloadInfo, dumpPayloadVersion, type DumpTarget } from "./dump.ts";
export { RdbError, type RdbErrorReason } from "../errors.ts";
export type { ExpireAt, RdbLoadProgress, RdbSink, RdbSummary } from "./sink.ts";
export {
  type CollectionTypeName,
  MAX_REDIS_RDB_VERSION,
  ModuleOpcode,
  Opcode,
  type RdbFlavor,
  StringEncoding,
  typeNameOf,
  unknownTypeNote,
  VALKEY_RDB_VERSIONS,
  ValueType,
} from "./constants.ts";
export { Crc64, crc64, type RunningCrc64 } from "./crc64.ts";
export { lzfCompress, lzfDecompress } from "./lzf.ts";
export { lz4DecompressBlock, Lz4FrameDecoder, parseVkcsEnvelope, type VkcsEnvelope, Xxh32, xxh32 } from "./lz4.ts";
export type { EntryCursor } from "./entries.ts";
export { ListpackCursor } from "./listpack.ts";
export { ZiplistCursor } from "./ziplist.ts";
export { IntsetCursor } from "./intset.ts";
export { ZipmapCursor } from "./zipmap.ts";
export { moduleEncVer, moduleTypeName } from "./module_id.ts";

/**
 * Decode a complete RDB held in memory, feeding it to a {@linkcode RdbDecoder}
 * in chunks of `chunkSize` bytes. Bytes after the RDB's end are ignored
 * (`summary.bytes` says where it ended). Throws `RdbError` on bad input,
 * `TRUNCATED` when the bytes end before the RDB does (or a length points
 * past them: the input's size is known here).
 */
export function decodeRdb(
  bytes: Uint8Array,
  sink: RdbSink,
  options: RdbDecoderOptions & { chunkSize?: number } = {},
): RdbSummary {
  const dec = new RdbDecoder(sink, { totalBytes: bytes.length, ...options });
  const step = Math.max(1, options.chunkSize ?? 1 << 16);
  for (let at = 0; at < bytes.length && !dec.done; at += step) {
    dec.push(bytes.subarray(at, Math.min(at + step, bytes.length)));
  }
  return dec.finish();
}
