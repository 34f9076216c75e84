/**
 * list: data structure, type API and commands (to be written).
 */

/** Frees structure p and everything it owns. */
export function listFree(p: usize): void {}

/** Deep copy of structure p; 0 when memory is full (nothing leaked). */
export function listClone(p: usize): usize {
  return 0;
}
