/**
 * ABI shared with the host (src/_wasm/store.ts mirrors these numbers).
 *
 * Calling convention: flat i32/u32/f64 arguments; keys and values are passed as
 * (ptr, len) pairs pointing into memory the host owns for the duration of the
 * call (normally the scratch region). Exports return an i32: >= 0 is a result,
 * < 0 is one of the ST_* statuses below. Extra results land in the result area
 * (a fixed static block, address given by the `resultPtr` export).
 * Times cross the boundary as f64 (i64 would need BigInt on the JS side).
 */

// ---- statuses (negative return values) ----
export const ST_OK: i32 = 0;
export const ST_WRONGTYPE: i32 = -1;
/** Value or argument is not a strict 64-bit integer ("value is not an integer or out of range"). */
export const ST_NOT_INTEGER: i32 = -2;
/** "increment or decrement would overflow" */
export const ST_OVERFLOW: i32 = -3;
/** Memory could not grow; nothing was mutated. */
export const ST_STORE_FULL: i32 = -4;
/** "string exceeds maximum allowed size (proto-max-bulk-len)" */
export const ST_TOO_LARGE: i32 = -5;
/** "offset is out of range" */
export const ST_OUT_OF_RANGE: i32 = -6;
/** "decrement would overflow" (DECRBY LLONG_MIN) */
export const ST_DECR_OVERFLOW: i32 = -7;
/** Source key absent (RENAME "no such key"). */
export const ST_NO_KEY: i32 = -8;
/** Database index out of range. */
export const ST_BAD_DB: i32 = -9;

// ---- value types (low 3 bits of an entry tag) ----
export const T_NONE: u8 = 0;
export const T_STRING: u8 = 1;
export const T_LIST: u8 = 2;
export const T_SET: u8 = 3;
export const T_ZSET: u8 = 4;
export const T_HASH: u8 = 5;
/** Type the mirror does not project: the entry keeps only a type name (+ TTL). */
export const T_OTHER: u8 = 6;

// ---- SET flags ----
export const SET_NX: u32 = 1;
export const SET_XX: u32 = 2;
export const SET_KEEPTTL: u32 = 4;

/** Redis proto-max-bulk-len default: 512 MiB. */
export const MAX_STRING: u64 = 512 * 1024 * 1024;

// ---- result area layout (byte offsets from resultPtr) ----
export const R_TYPE: u32 = 0; // u32 type tag of the found key
export const R_VAL_PTR: u32 = 4; // u32 pointer to inline value bytes (string / type name)
export const R_VAL_LEN: u32 = 8; // u32 length of those bytes
export const R_COUNT: u32 = 12; // u32 item count (scan)
export const R_EXPIRE: u32 = 16; // f64 absolute unix ms, -1 when no TTL
export const R_NUMBER: u32 = 24; // f64 numeric result (new length, ...)
export const R_OUT_PTR: u32 = 32; // u32 pointer to an output buffer (scan)
export const R_OUT_LEN: u32 = 36; // u32 byte length of that output
export const R_OUT_ASCII: u32 = 40; // u32 1 when every item of that output is ASCII (a fast decode), else 0
export const R_SIZE: u32 = 64;
/** "index out of range" (LSET). */
export const ST_INDEX_OUT_OF_RANGE: i32 = -10;
/** "resulting score is not a number (NaN)" (ZADD INCR / ZINCRBY). */
export const ST_NAN: i32 = -11;
/** "hash value is not an integer" (HINCRBY on a non-integer field). */
export const ST_HASH_NOT_INTEGER: i32 = -12;
/** A snapshot names a key twice in one database (bulk loading; the record index is at R_NUMBER). */
export const ST_DUPLICATE_KEY: i32 = -40;
// Statuses -13..-19 free for lists/sets, -20..-29 for sorted sets, -30..-39 for hashes:
// add them here and map them in src/_wasm/store.ts fail().
