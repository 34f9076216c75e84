/**
 * Byte values of the RDB format: record opcodes, value types and string
 * encodings (Redis `src/rdb.h`, Valkey `src/rdb.h`).
 *
 * Redis and Valkey reuse some byte values for different things (type 22 is a
 * pre-GA hash-with-TTL in Redis 7.4 RCs but Valkey 9's `HASH_2`), so the
 * meaning of a byte is decided by the file's flavour ({@linkcode RdbFlavor}).
 *
 * @module
 */

/**
 * Record opcodes (the byte that precedes every record of the file). 242 and
 * 243 mean different things by flavour: see the per-opcode notes.
 */
export const Opcode = {
  /** Redis RDB ≥ 15: a hash-template record (`len id, len n, n × str field`). */
  HASH_TEMPLATE: 242,
  /** Valkey RDB 81: an inline replication command (raw RESP) of a forkless save; not supported. */
  VALKEY_UPDATE: 242,
  /** Redis RDB ≥ 13: key metadata of module classes, a prefix of the type byte of one key. */
  KEY_META: 243,
  /** Valkey RDB ≥ 80: state of an unfinished slot import (`str job, len n, n × (len start, len end)`). */
  SLOT_IMPORT: 243,
  SLOT_INFO: 244,
  FUNCTION2: 245,
  FUNCTION_PRE_GA: 246,
  MODULE_AUX: 247,
  IDLE: 248,
  FREQ: 249,
  AUX: 250,
  RESIZEDB: 251,
  EXPIRETIME_MS: 252,
  EXPIRETIME: 253,
  SELECTDB: 254,
  EOF: 255,
} as const;

/** Value type bytes. */
export const ValueType = {
  STRING: 0,
  LIST: 1,
  SET: 2,
  ZSET: 3,
  HASH: 4,
  ZSET_2: 5,
  MODULE_PRE_GA: 6,
  MODULE_2: 7,
  HASH_ZIPMAP: 9,
  LIST_ZIPLIST: 10,
  SET_INTSET: 11,
  ZSET_ZIPLIST: 12,
  HASH_ZIPLIST: 13,
  LIST_QUICKLIST: 14,
  STREAM_LISTPACKS: 15,
  HASH_LISTPACK: 16,
  ZSET_LISTPACK: 17,
  LIST_QUICKLIST_2: 18,
  STREAM_LISTPACKS_2: 19,
  SET_LISTPACK: 20,
  STREAM_LISTPACKS_3: 21,
  /** Redis 7.4 RC: hash with field TTLs, absolute TTLs, no min-expire prefix. Valkey 9: see HASH_2. */
  HASH_METADATA_PRE_GA: 22,
  /** Valkey 9 (`VALKEY080`+): hash of (field, value, int64 LE expire-at or -1) triples. */
  VALKEY_HASH_2: 22,
  HASH_LISTPACK_EX_PRE_GA: 23,
  HASH_METADATA: 24,
  HASH_LISTPACK_EX: 25,
  /** Redis RDB ≥ 13: stream with IDMP (idempotent producers) trailer. */
  STREAM_LISTPACKS_4: 26,
  /** Redis RDB ≥ 14: stream with per-group NACKed ids. */
  STREAM_LISTPACKS_5: 27,
  /** Redis RDB ≥ 14: sparse array (ARSET/ARGET). */
  ARRAY: 28,
  /** Redis RDB ≥ 15: self-contained template hash, values in a listpack (DUMP payloads). */
  HASH_TMPL_LP: 29,
  /** Redis RDB ≥ 15: template hash referencing a HASH_TEMPLATE record, values in a listpack. */
  HASH_TMPL_LP_REF: 30,
  /** Redis RDB ≥ 15: self-contained template hash, values as strings (DUMP payloads). */
  HASH_TMPL_ARRAY: 31,
  /** Redis RDB ≥ 15: template hash referencing a HASH_TEMPLATE record, values as strings. */
  HASH_TMPL_ARRAY_REF: 32,
} as const;

/** Special string encodings (the low 6 bits of a length byte whose top bits are `11`). */
export const StringEncoding = { INT8: 0, INT16: 1, INT32: 2, LZF: 3 } as const;

/** Module value opcodes (type 7 values and MODULE_AUX records). */
export const ModuleOpcode = { EOF: 0, SINT: 1, UINT: 2, FLOAT: 3, DOUBLE: 4, STRING: 5 } as const;

/** Quicklist v2 node containers. */
export const QuicklistContainer = { PLAIN: 1, PACKED: 2 } as const;

/** Which server family wrote the file: decides the meaning of reused byte values. */
export type RdbFlavor = "redis" | "valkey";

/** Highest `REDIS%04d` version this decoder understands (15: Redis 8.10). */
export const MAX_REDIS_RDB_VERSION = 15;
/** `VALKEY%03d` versions this decoder understands. */
export const VALKEY_RDB_VERSIONS: readonly number[] = [80, 81];

/** Logical type of a key, as `TYPE` reports it (modules: their 9-char type name). */
export type CollectionTypeName = "list" | "set" | "zset" | "hash";

/**
 * Logical type name of a value type byte, or `undefined` when the byte is not
 * a value type for that flavour and version (`version` defaults to the
 * newest: the byte's meaning, not whether an older file may hold it).
 *
 * Types that appeared with a Redis version are only values from that
 * version on (26: 13, 27/28: 14, 29–32: 15), since the numbers were
 * reassigned during development (29 was GCRA in 14).
 *
 * @example
 * ```ts
 * import { typeNameOf } from "./constants.ts";
 * console.log(typeNameOf(22, "valkey"), typeNameOf(28, "redis", 14)); // "hash" "array"
 * ```
 */
export function typeNameOf(type: number, flavor: RdbFlavor, version = Infinity): string | undefined {
  switch (type) {
    case 0:
      return "string";
    case 1:
    case 10:
    case 14:
    case 18:
      return "list";
    case 2:
    case 11:
    case 20:
      return "set";
    case 3:
    case 5:
    case 12:
    case 17:
      return "zset";
    case 4:
    case 9:
    case 13:
    case 16:
      return "hash";
    case 22:
      return "hash";
    case 23:
    case 24:
    case 25:
      return flavor === "redis" ? "hash" : undefined;
    case 15:
    case 19:
    case 21:
      return "stream";
    case 26:
      return flavor === "redis" && version >= 13 ? "stream" : undefined;
    case 27:
      return flavor === "redis" && version >= 14 ? "stream" : undefined;
    case 28:
      return flavor === "redis" && version >= 14 ? "array" : undefined;
    case 29:
    case 30:
    case 31:
    case 32:
      return flavor === "redis" && version >= 15 ? "hash" : undefined;
    case 6:
    case 7:
      return "module";
    default:
      return undefined;
  }
}

/**
 * Why a type byte is not a value here, when something is known about it
 * (for the error message); `undefined` for plain unknown bytes.
 */
export function unknownTypeNote(type: number, flavor: RdbFlavor, version: number): string | undefined {
  if (flavor === "valkey") {
    if (type === 23) return "Valkey 9.2's PATH_HASH, whose layout is not published in a source we could read";
    if (type >= 24 && type <= 33) return "a Redis type number, which Valkey files do not use";
    return undefined;
  }
  if (type === 29 && version === 14) return "GCRA (ENABLE_GCRA builds of Redis 8.8 only), not supported";
  if (type === 33) return "GCRA (ENABLE_GCRA builds of Redis 8.10 only), not supported";
  if (type >= 26 && type <= 32) {
    const first = type === 26 ? 13 : type <= 28 ? 14 : 15;
    return `it first appears in RDB ${first}`;
  }
  return undefined;
}
