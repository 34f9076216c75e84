/**
 * Keyspace access for the collection types (list, set, zset, hash): their
 * entries carry a u32 pointer to a structure the entry owns (entry.ts).
 *
 * Typical write: `e = collLookup(db, k)`; wrong type -> ST_WRONGTYPE;
 * absent -> build the structure first, then `collCreate` (on failure free
 * the structure: nothing changed); when a write empties a collection,
 * `collRemoveKey` (Redis deletes empty collections).
 *
 * Note: dict.ts keeps one global `foundLink`; any dictFind on a member dict
 * (large sets/hashes) invalidates it for the keyspace, so the functions here
 * that unlink re-find the key first.
 */
import { ST_OK, ST_STORE_FULL } from "./abi";
import { dictAdd, dictFind, dictRemoveFound, dictReserve } from "./dict";
import { entryPayload, entryType, freeEntry, headSize, NO_EXPIRE, writeHead } from "./entry";
import { dbDict, ksFindWrite } from "./keyspace";
import { alloc } from "./memory";

/** The key's entry for a write (advances a pending rehash), or 0. */
export function collLookup(db: u32, kp: usize, kl: u32): usize {
  return ksFindWrite(dbDict(db), kp, kl);
}

/** Value type of entry e (abi T_*). */
// @ts-ignore: decorator
@inline export function collType(e: usize): u8 {
  return entryType(e);
}

/** The structure a collection entry owns. */
// @ts-ignore: decorator
@inline export function collPtr(e: usize): usize {
  return load<u32>(entryPayload(e));
}

/** Points entry e at structure p (after the structure moved); the old one is the caller's. */
// @ts-ignore: decorator
@inline export function collSetPtr(e: usize, p: usize): void {
  store<u32>(entryPayload(e), u32(p));
}

/**
 * Creates key (kp, kl) of `type` owning structure p, without TTL. The key
 * must be absent (just checked by collLookup). ST_OK, or ST_STORE_FULL with
 * nothing changed (p still belongs to the caller then).
 */
export function collCreate(db: u32, kp: usize, kl: u32, type: u8, p: usize): i32 {
  const d = dbDict(db);
  if (!dictReserve(d)) return ST_STORE_FULL;
  const e = alloc(headSize(kl, false) + 4);
  if (e == 0) return ST_STORE_FULL;
  const at = writeHead(e, type, kp, kl, NO_EXPIRE);
  store<u32>(at, u32(p));
  dictAdd(d, e);
  return ST_OK;
}

/** Deletes key (kp, kl) and everything it owns (a collection that became empty). */
export function collRemoveKey(db: u32, kp: usize, kl: u32): void {
  const d = dbDict(db);
  const e = dictFind(d, kp, kl);
  if (e == 0) return;
  dictRemoveFound(d, e);
  freeEntry(e);
}
