/**
 * DUMP payloads: one RDB-encoded value, as `DUMP` produces and `RESTORE`
 * consumes (Redis `cluster.c`, `createDumpPayload` / `verifyDumpPayload`):
 *
 * ```
 * [0xF3 key metadata]? [type byte][value, RDB encoding][u16 LE RDB version][u64 LE CRC-64 of everything before it]
 * ```
 *
 * Redis ≥ 8.6 (RDB ≥ 13) may put the key's module metadata (opcode 243)
 * before the type byte; it is skipped and counted like in a file. Redis 8.10
 * (RDB 15) writes template hashes as the self-contained types 29 and 31; the
 * REF forms 30 and 32, which name templates of an RDB file, are refused as
 * Redis refuses them.
 *
 * The value is decoded by the RDB decoder in single-value mode, so a payload
 * reaches the same {@linkcode RdbSink} callbacks as a key of an RDB file.
 *
 * @module
 */

import { RdbError } from "../errors.ts";
import { MAX_REDIS_RDB_VERSION, type RdbFlavor, VALKEY_RDB_VERSIONS } from "./constants.ts";
import { Crc64 } from "./crc64.ts";
import { RdbDecoder, type RdbDecoderOptions } from "./decoder.ts";
import type { ExpireAt, RdbSink } from "./sink.ts";

/** Bytes after the value: 2 of RDB version, 8 of CRC-64. */
const FOOTER = 10;

/** Where a payload's value goes and what the sink is told about it. */
export interface DumpTarget {
  /** Database reported to the sink. */
  db: number;
  /** Key reported to the sink (a payload carries no key). Must stay unchanged during the call. */
  key: Uint8Array;
  /** Expiry reported to the sink (absolute unix ms), or null. */
  expireAtMs: ExpireAt;
}

/** What a decoded payload was. */
export interface DumpPayloadInfo {
  /** Logical type: "string", "list", "set", "zset", "hash", "stream" or a module's type name. */
  typeName: string;
  /** RDB version from the footer. */
  version: number;
  /** Which server family that version belongs to. */
  flavor: RdbFlavor;
  /**
   * False when the payload's CRC was zero: written without a checksum, which
   * recent Redis (`createDumpPayload(…, skip_checksum)`) does and its
   * `verifyDumpPayload` then does not check.
   */
  checksumVerified: boolean;
}

/**
 * The RDB version in a payload's footer and the flavour it implies: Redis
 * versions up to {@linkcode MAX_REDIS_RDB_VERSION} (Redis accepts any version
 * not above its own; 13–15 are Redis 8.6–8.10), Valkey 9's 80/81. Anything
 * else is refused, since the meaning of its type bytes is unknown.
 */
export function dumpPayloadVersion(payload: Uint8Array): { version: number; flavor: RdbFlavor } {
  checkLength(payload);
  const at = payload.length - FOOTER;
  const version = payload[at] | (payload[at + 1] << 8);
  if (version <= MAX_REDIS_RDB_VERSION) return { version, flavor: "redis" };
  if (VALKEY_RDB_VERSIONS.includes(version)) return { version, flavor: "valkey" };
  // Redis answers "DUMP payload version or checksum are wrong" for both failures.
  throw new RdbError(
    "UNSUPPORTED_VERSION",
    `DUMP payload version or checksum are wrong: unsupported RDB version ${version}`,
    at,
  );
}

/**
 * Decodes a DUMP payload into `sink`, as the value of `target.key`:
 * checks the version and the CRC-64 (skipped when it is zero), then decodes
 * the value, which must fill the payload exactly.
 *
 * Throws {@linkcode RdbError} (with the offset inside the payload) when the
 * payload is too short, of an unsupported version, fails its checksum, is
 * corrupt or truncated, has bytes after its value, or holds an empty
 * collection (Redis refuses those: "Bad data format"). Errors thrown by the
 * sink propagate unchanged. Collections reach the sink element by element:
 * a failure in the middle leaves what the sink already received, so callers
 * that must stay atomic validate first (e.g. with a sink that does nothing).
 *
 * @example
 * ```ts
 * import { decodeDumpPayload } from "./dump.ts";
 * // DUMP of the string "hi" by Redis 7.0 (RDB 10)
 * const payload = new Uint8Array([0, 2, 104, 105, 10, 0, 175, 107, 159, 232, 142, 49, 27, 20]);
 * const info = decodeDumpPayload(payload, {
 *   onString: (_db, _key, value) => console.log(new TextDecoder().decode(value)), // "hi"
 *   onPlaceholder: () => {},
 * }, { db: 0, key: new TextEncoder().encode("k"), expireAtMs: null });
 * console.log(info.typeName, info.version); // "string" 10
 * ```
 */
export function decodeDumpPayload(
  payload: Uint8Array,
  sink: RdbSink,
  target: DumpTarget,
  options: RdbDecoderOptions = {},
): DumpPayloadInfo {
  const { version, flavor } = dumpPayloadVersion(payload);
  const checksumVerified = verifyChecksum(payload);
  const body = payload.subarray(0, payload.length - FOOTER);
  const decoder = new RdbDecoder(sink, { ...options, totalBytes: body.length });
  decoder.expectValue(target.db, target.key, target.expireAtMs, flavor, version);
  const consumed = decoder.push(body);
  if (!decoder.done) {
    throw new RdbError("TRUNCATED", "the DUMP payload ends inside its value", body.length);
  }
  if (consumed !== body.length) {
    throw new RdbError("CORRUPT", `${body.length - consumed} bytes after the DUMP payload's value`, consumed);
  }
  const summary = decoder.finish();
  if (summary.emptyKeysSkipped > 0) {
    throw new RdbError("CORRUPT", "the DUMP payload holds an empty collection", 0);
  }
  const typeName = Object.keys(summary.keysByType)[0];
  return { typeName, version, flavor, checksumVerified };
}

function checkLength(payload: Uint8Array): void {
  if (payload.length < FOOTER + 1) {
    throw new RdbError("CORRUPT", `a DUMP payload of ${payload.length} bytes is too short`, 0);
  }
}

/** Checks the trailing CRC-64; false when it is zero (not computed by the writer). */
function verifyChecksum(payload: Uint8Array): boolean {
  const at = payload.length - 8;
  let zero = true;
  for (let i = at; i < payload.length; i++) if (payload[i] !== 0) zero = false;
  if (zero) return false;
  const crc = new Crc64();
  crc.update(payload, 0, at);
  if (!crc.equalsLE(payload, at)) {
    let stored = "";
    for (let i = payload.length - 1; i >= at; i--) stored += payload[i].toString(16).padStart(2, "0");
    throw new RdbError(
      "CHECKSUM",
      `DUMP payload version or checksum are wrong: checksum mismatch, stored ${stored}, computed ${crc.hex()}`,
      at,
    );
  }
  return true;
}
