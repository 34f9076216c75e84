/**
 * What the RDB decoder reports, and to whom: the {@linkcode RdbSink}
 * callbacks and the {@linkcode RdbSummary} of a load.
 *
 * Byte arrays handed to a sink are **borrowed**: they may be views into the
 * chunk being pushed or into a decoder buffer, and are valid only until the
 * callback returns. Copy what you keep.
 *
 * @module
 */

import type { CollectionTypeName } from "./constants.ts";

/** Absolute expiry time in Unix milliseconds, or `null` for no expiry. */
export type ExpireAt = number | null;

/**
 * Receiver of decoded records. `onString` and `onPlaceholder` are required;
 * the rest are optional.
 *
 * Collections (list, set, zset, hash) are either decoded in full — when the
 * sink has `onCollectionStart` (then it must have every element method and
 * `onCollectionEnd`) — or reported with one `onPlaceholder` call after their
 * bytes were consumed and validated. Streams, arrays (Redis 8.8) and module
 * values are always placeholders. Empty collections are skipped, as Redis
 * skips them on load.
 */
export interface RdbSink {
  /** A string value (type 0). Integer-encoded strings arrive as their decimal text. */
  onString(db: number, key: Uint8Array, value: Uint8Array, expireAtMs: ExpireAt): void;
  /**
   * A value consumed without being decoded: `typeName` is "list" | "set" |
   * "zset" | "hash" | "stream" | "array" | a module's 9-character type name.
   */
  onPlaceholder(db: number, key: Uint8Array, typeName: string, expireAtMs: ExpireAt): void;
  /** An AUX field (`redis-ver`, `repl-id`, `repl-offset`, …). `value` is the raw bytes, `text` their UTF-8 reading. */
  onAux?(name: string, text: string, value: Uint8Array): void;
  /** A SELECTDB record. */
  onSelectDb?(db: number): void;
  /** A RESIZEDB hint for the current db. */
  onResizeDb?(db: number, keys: number, expires: number): void;
  /** A function library (FUNCTION2 record): its source code as stored. */
  onFunction?(code: Uint8Array): void;

  /**
   * Start of a non-empty collection; its elements follow, then
   * `onCollectionEnd`. `sizeHint` is the element count the value's header
   * states (0 when it has none, as for compact encodings and quicklists):
   * a hint for presizing, not a promise (a corrupt file may lie).
   */
  onCollectionStart?(
    db: number,
    key: Uint8Array,
    type: CollectionTypeName,
    expireAtMs: ExpireAt,
    sizeHint: number,
  ): void;
  /** One list element, in list order. */
  onListElement?(value: Uint8Array): void;
  /** One set member. */
  onSetMember?(member: Uint8Array): void;
  /** One zset member with its score (stored order, which for RDB files is rank order). */
  onZsetMember?(member: Uint8Array, score: number): void;
  /** One hash field; `expireAtMs` is the field's own TTL (Redis 7.4+ / Valkey 9), or null. */
  onHashField?(field: Uint8Array, value: Uint8Array, expireAtMs: ExpireAt): void;
  /** End of the collection started last; `count` elements (pairs for hashes and zsets) were reported. */
  onCollectionEnd?(count: number): void;
}

/**
 * What a load saw, available while decoding and after `finish()`.
 *
 * @example
 * ```ts
 * import { Mirror, type RdbSummary } from "../../mod.ts";
 * const emptyRdb = new Uint8Array([...new TextEncoder().encode("REDIS0011"), 0xff, 0, 0, 0, 0, 0, 0, 0, 0]);
 * const mirror = await Mirror.fromRdb(emptyRdb);
 * const summary: RdbSummary | null = mirror.rdbSummary;
 * console.log(summary?.magic, summary?.version, summary?.keys); // "REDIS" 11 0
 * await mirror.close();
 * ```
 */
export interface RdbSummary {
  /** "REDIS" or "VALKEY" ("" before the header was read). */
  magic: string;
  /** The RDB version from the header. */
  version: number;
  /** AUX fields, UTF-8 decoded (includes `repl-id`, `repl-offset`, `repl-stream-db` when present). */
  aux: Record<string, string>;
  /** Keys reported (strings, collections, placeholders). */
  keys: number;
  /** Keys per logical type name. */
  keysByType: Record<string, number>;
  /** `onPlaceholder` calls per type name. */
  placeholders: Record<string, number>;
  /** FUNCTION2 records. */
  functions: number;
  /** Empty collections skipped (Redis skips them too). */
  emptyKeysSkipped: number;
  /** MODULE_AUX records skipped, by module name. */
  moduleAux: Record<string, number>;
  /**
   * Key metadata skipped (Redis ≥ 8.6, opcode 243 before a key's type): one
   * count per class, named `<4-char class>/v<version>`.
   */
  keyMeta: Record<string, number>;
  /** Hash-template records read (Redis ≥ 8.10, opcode 242). */
  hashTemplates: number;
  /** Bytes of the input consumed so far (of the compressed input when `compression` is set). */
  bytes: number;
  /** True when the file carried a non-zero checksum and it matched. */
  checksumVerified: boolean;
  /** "lz4" when the RDB came inside a Valkey `VKCS` envelope, else null. */
  compression: "lz4" | null;
}

/**
 * How far an RDB load got: reported during a full sync and an offline load.
 *
 * @example
 * ```ts
 * import { Mirror, type RdbLoadProgress } from "../../mod.ts";
 * const emptyRdb = new Uint8Array([...new TextEncoder().encode("REDIS0011"), 0xff, 0, 0, 0, 0, 0, 0, 0, 0]);
 * const seen: RdbLoadProgress[] = [];
 * const mirror = await Mirror.fromRdb(emptyRdb, { onProgress: (progress) => seen.push(progress) });
 * console.log(seen.at(-1)); // { bytes: 18, totalBytes: 18, keys: 0 }
 * await mirror.close();
 * ```
 */
export interface RdbLoadProgress {
  /** Bytes of the RDB consumed so far. */
  bytes: number;
  /** The input's size when known (a file, bytes in memory, a `$<len>` transfer), else null. */
  totalBytes: number | null;
  /** Keys loaded so far. */
  keys: number;
}
