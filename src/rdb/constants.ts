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

/** Record opcodes (the byte that precedes every record of the file). */
export const Opcode = {
  SLOT_IMPORT: 243, // Valkey 9 only; framing unknown to us, refused
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
} as const;

/** Special string encodings (the low 6 bits of a length byte whose top bits are `11`). */
export const StringEncoding = { INT8: 0, INT16: 1, INT32: 2, LZF: 3 } as const;

/** Module value opcodes (type 7 values and MODULE_AUX records). */
export const ModuleOpcode = { EOF: 0, SINT: 1, UINT: 2, FLOAT: 3, DOUBLE: 4, STRING: 5 } as const;

/** Quicklist v2 node containers. */
export const QuicklistContainer = { PLAIN: 1, PACKED: 2 } as const;

/** Which server family wrote the file: decides the meaning of reused byte values. */
export type RdbFlavor = "redis" | "valkey";

/** Highest `REDIS%04d` version this decoder understands. */
export const MAX_REDIS_RDB_VERSION = 12;
/** `VALKEY%03d` versions this decoder understands. */
export const VALKEY_RDB_VERSIONS: readonly number[] = [80, 81];

/** Logical type of a key, as `TYPE` reports it (modules: their 9-char type name). */
export type CollectionTypeName = "list" | "set" | "zset" | "hash";

/**
 * Logical type name of a value type byte, or `undefined` when the byte is not a
 * value type for that flavour.
 */
export function typeNameOf(type: number, flavor: RdbFlavor): string | undefined {
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
    case 6:
    case 7:
      return "module";
    default:
      return undefined;
  }
}
