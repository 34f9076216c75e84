/**
 * Readable names of RDB value type bytes, as `type/encoding` (`hash/listpack`,
 * `list/quicklist2`, `set/hashtable`): the encoding a value was saved in.
 *
 * @module
 */

import { ValueType } from "../rdb/mod.ts";

const NAMES: Record<number, string> = {
  [ValueType.STRING]: "string",
  [ValueType.LIST]: "list/linkedlist",
  [ValueType.SET]: "set/hashtable",
  [ValueType.ZSET]: "zset/skiplist (text scores)",
  [ValueType.HASH]: "hash/hashtable",
  [ValueType.ZSET_2]: "zset/skiplist",
  [ValueType.MODULE_PRE_GA]: "module (pre-GA)",
  [ValueType.MODULE_2]: "module",
  [ValueType.HASH_ZIPMAP]: "hash/zipmap",
  [ValueType.LIST_ZIPLIST]: "list/ziplist",
  [ValueType.SET_INTSET]: "set/intset",
  [ValueType.ZSET_ZIPLIST]: "zset/ziplist",
  [ValueType.HASH_ZIPLIST]: "hash/ziplist",
  [ValueType.LIST_QUICKLIST]: "list/quicklist",
  [ValueType.STREAM_LISTPACKS]: "stream/listpacks",
  [ValueType.HASH_LISTPACK]: "hash/listpack",
  [ValueType.ZSET_LISTPACK]: "zset/listpack",
  [ValueType.LIST_QUICKLIST_2]: "list/quicklist2",
  [ValueType.STREAM_LISTPACKS_2]: "stream/listpacks2",
  [ValueType.SET_LISTPACK]: "set/listpack",
  [ValueType.STREAM_LISTPACKS_3]: "stream/listpacks3",
  [ValueType.HASH_METADATA_PRE_GA]: "hash/hashtable with field TTLs (pre-GA)",
  [ValueType.HASH_LISTPACK_EX_PRE_GA]: "hash/listpack with field TTLs (pre-GA)",
  [ValueType.HASH_METADATA]: "hash/hashtable with field TTLs",
  [ValueType.HASH_LISTPACK_EX]: "hash/listpack with field TTLs",
  [ValueType.STREAM_LISTPACKS_4]: "stream/listpacks4",
  [ValueType.STREAM_LISTPACKS_5]: "stream/listpacks5",
  [ValueType.ARRAY]: "array",
  [ValueType.HASH_TMPL_LP]: "hash/template listpack",
  [ValueType.HASH_TMPL_LP_REF]: "hash/template listpack",
  [ValueType.HASH_TMPL_ARRAY]: "hash/template",
  [ValueType.HASH_TMPL_ARRAY_REF]: "hash/template",
};

/**
 * The name of value type byte `type` in a file of `magic` ("REDIS" or
 * "VALKEY": type 22 means different things); "unknown" when not known.
 *
 * @example
 * ```ts
 * import { encodingName } from "./rdb_encodings.ts";
 * console.log(encodingName(16, "REDIS")); // "hash/listpack"
 * ```
 */
export function encodingName(type: number | undefined, magic: string): string {
  if (type === undefined) return "unknown";
  if (type === ValueType.VALKEY_HASH_2 && magic === "VALKEY") return "hash/hashtable with field TTLs";
  return NAMES[type] ?? `type ${type}`;
}
