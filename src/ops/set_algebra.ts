/**
 * Set algebra as Redis's `SINTER`/`SUNION`/`SDIFF` compute it (t_set.c):
 * an absent key is an empty set. The results are sets (member order carries
 * no meaning); they are returned in the order members were first met, which
 * keeps the computations deterministic.
 *
 * @module
 */

import { bytesKey } from "./bytes.ts";

/** The members of one input set, or null when the key does not exist. */
export type SetInput = readonly Uint8Array[] | null;

/** Members present in every input (empty as soon as one input is absent or empty). */
export function setIntersection(inputs: readonly SetInput[]): Uint8Array[] {
  if (inputs.length === 0) return [];
  for (const input of inputs) if (input === null || input.length === 0) return [];
  const ordered = [...inputs as readonly (readonly Uint8Array[])[]].sort((a, b) => a.length - b.length);
  const others = ordered.slice(1).map(memberSet);
  const out: Uint8Array[] = [];
  for (const member of unique(ordered[0])) {
    const key = bytesKey(member);
    if (others.every((set) => set.has(key))) out.push(member);
  }
  return out;
}

/** Members present in at least one input. */
export function setUnion(inputs: readonly SetInput[]): Uint8Array[] {
  const seen = new Set<string>();
  const out: Uint8Array[] = [];
  for (const input of inputs) {
    if (input === null) continue;
    for (const member of input) {
      const key = bytesKey(member);
      if (seen.has(key)) continue;
      seen.add(key);
      out.push(member);
    }
  }
  return out;
}

/** Members of the first input present in none of the others (empty when the first is absent). */
export function setDifference(inputs: readonly SetInput[]): Uint8Array[] {
  const first = inputs[0];
  if (first === undefined || first === null) return [];
  const removed = new Set<string>();
  for (let i = 1; i < inputs.length; i++) {
    const input = inputs[i];
    if (input !== null) { for (const member of input) removed.add(bytesKey(member)); }
  }
  return unique(first).filter((member) => !removed.has(bytesKey(member)));
}

function memberSet(members: readonly Uint8Array[]): Set<string> {
  return new Set(members.map(bytesKey));
}

/** The members without repeats (inputs are sets already; this only guards callers). */
function unique(members: readonly Uint8Array[]): Uint8Array[] {
  const seen = new Set<string>();
  const out: Uint8Array[] = [];
  for (const member of members) {
    const key = bytesKey(member);
    if (!seen.has(key)) {
      seen.add(key);
      out.push(member);
    }
  }
  return out;
}
