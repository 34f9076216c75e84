/**
 * Keyspace entry layout (one allocation per key; the keyspace owns it):
 *
 *     [u32 next][u8 tag][varint keyLen][key][i64 expireAt if TAG_TTL][payload]
 *
 * tag: bits 0-2 value type (abi T_*), bit 3 has-TTL, bits 4-7 reserved.
 * payload by type:
 *   T_STRING, T_OTHER   [varint len][bytes]   (T_OTHER: the type's name)
 *   T_LIST..T_HASH      [u32 ptr] to a structure owned by the entry
 *                       (per-type free/clone hooks: payload.ts)
 *
 * The first three fields are the dict's generic entry prefix (dict.ts).
 * An entry's size is always computable from its bytes (entrySize), which is
 * what the allocator needs back on free.
 */
import { T_STRING, T_OTHER } from "./abi";
import { readVarint, varintSize, writeVarint, copyBytes } from "./bytes";
import { free } from "./memory";
import { payloadFree } from "./payload";

// @ts-ignore: decorator
@inline export const TAG_TTL: u8 = 0x08;
// @ts-ignore: decorator
@inline export const TYPE_MASK: u8 = 0x07;
// @ts-ignore: decorator
@inline export const NO_EXPIRE: i64 = -1;

// @ts-ignore: decorator
@inline export function entryTag(e: usize): u8 {
  return load<u8>(e + 4);
}
// @ts-ignore: decorator
@inline export function entryType(e: usize): u8 {
  return load<u8>(e + 4) & TYPE_MASK;
}
// @ts-ignore: decorator
@inline export function entryHasTtl(e: usize): bool {
  return (load<u8>(e + 4) & TAG_TTL) != 0;
}
// @ts-ignore: decorator
@inline export function isInlineType(t: u8): bool {
  return t == T_STRING || t == T_OTHER;
}

/** Address right after the key (where expire or payload starts). */
// @ts-ignore: decorator
@inline export function entryAfterKey(e: usize): usize {
  const kl = readVarint(e + 5);
  return e + 5 + varintSize(kl) + kl;
}

export function entryExpire(e: usize): i64 {
  return entryHasTtl(e) ? load<i64>(entryAfterKey(e)) : NO_EXPIRE;
}

// @ts-ignore: decorator
@inline export function entryPayload(e: usize): usize {
  return entryAfterKey(e) + (entryHasTtl(e) ? 8 : 0);
}

/** Inline value length (strings, placeholder names). */
// @ts-ignore: decorator
@inline export function inlineLen(e: usize): u32 {
  return readVarint(entryPayload(e));
}

/** Inline value bytes (strings, placeholder names). */
export function inlinePtr(e: usize): usize {
  const p = entryPayload(e);
  return p + varintSize(readVarint(p));
}

export function payloadSize(e: usize): u32 {
  if (!isInlineType(entryType(e))) return 4;
  const n = readVarint(entryPayload(e));
  return varintSize(n) + n;
}

export function headSize(kl: u32, ttl: bool): u32 {
  return 5 + varintSize(kl) + kl + (ttl ? 8 : 0);
}

export function inlineEntrySize(kl: u32, ttl: bool, vl: u32): u32 {
  return headSize(kl, ttl) + varintSize(vl) + vl;
}

export function entrySize(e: usize): u32 {
  return u32(entryPayload(e) - e) + payloadSize(e);
}

/**
 * Writes tag, key and expire into a fresh block; returns the payload address.
 * (next is left to the dict.)
 */
export function writeHead(e: usize, type: u8, kp: usize, kl: u32, expire: i64): usize {
  const ttl = expire >= 0;
  store<u8>(e + 4, type | (ttl ? TAG_TTL : 0));
  const k = writeVarint(e + 5, kl);
  copyBytes(k, kp, kl);
  let p = k + kl;
  if (ttl) {
    store<i64>(p, expire);
    p += 8;
  }
  return p;
}

/** Writes an inline payload header; returns where the bytes go. */
// @ts-ignore: decorator
@inline export function writeInlineLen(p: usize, vl: u32): usize {
  return writeVarint(p, vl);
}

/** Frees the entry block only (payload structures, if any, moved elsewhere). */
export function freeShell(e: usize): void {
  free(e, entrySize(e));
}

/** Frees the entry and everything it owns. */
export function freeEntry(e: usize): void {
  const type = entryType(e);
  if (!isInlineType(type)) payloadFree(type, load<u32>(entryPayload(e)));
  free(e, entrySize(e));
}
