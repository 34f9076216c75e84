/**
 * Per-type hooks for the structures collection entries own (lists, sets,
 * sorted sets, hashes): the keyspace frees and clones them through here and
 * never needs to know their layout.
 */
import { T_HASH, T_LIST, T_SET, T_ZSET } from "./abi";
import { hashClone, hashFree } from "./hash";
import { listClone, listFree } from "./list";
import { setClone, setFree } from "./set";
import { zsetClone, zsetFree } from "./zset";

/** Frees the structure p of a collection of the given type (and everything it owns). */
export function payloadFree(type: u8, p: usize): void {
  if (p == 0) return;
  switch (type) {
    case T_LIST: listFree(p); break;
    case T_SET: setFree(p); break;
    case T_ZSET: zsetFree(p); break;
    case T_HASH: hashFree(p); break;
    default: unreachable();
  }
}

/** A deep copy of structure p (COPY); 0 when memory is full (nothing leaked). */
export function payloadClone(type: u8, p: usize): usize {
  switch (type) {
    case T_LIST: return listClone(p);
    case T_SET: return setClone(p);
    case T_ZSET: return zsetClone(p);
    case T_HASH: return hashClone(p);
    default: unreachable();
  }
  return 0;
}
