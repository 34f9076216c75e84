/**
 * BITOP's byte arithmetic (src/bitops.c `bitopCommand`), independent of the
 * store: AND, OR, XOR, NOT and Redis 8.2's DIFF, DIFF1, ANDOR and ONE over
 * strings of different lengths (missing bytes read as 0). Redis's word-wide
 * and AVX2 paths compute the same bytes as its byte loop, which this follows.
 *
 * @module
 */

/** BITOP operations, by their lower-case name. */
export type BitopName = "and" | "or" | "xor" | "not" | "diff" | "diff1" | "andor" | "one";

const NAMES: ReadonlySet<string> = new Set<BitopName>(["and", "or", "xor", "not", "diff", "diff1", "andor", "one"]);

/** True when `name` (lower case) is an operation BITOP knows. */
export function isBitopName(name: string): name is BitopName {
  return NAMES.has(name);
}

/**
 * The result of BITOP `op` over `sources` (null = absent key, an empty
 * string): as long as the longest source, or null when every source is empty
 * (BITOP then deletes the destination).
 */
export function bitop(op: BitopName, sources: readonly (Uint8Array | null)[]): Uint8Array | null {
  let maxlen = 0;
  for (const s of sources) if (s !== null && s.length > maxlen) maxlen = s.length;
  if (maxlen === 0) return null;
  const res = new Uint8Array(maxlen);
  const first = sources[0] ?? EMPTY;
  switch (op) {
    case "not":
      for (let j = 0; j < maxlen; j++) res[j] = ~byteAt(first, j) & 0xff;
      return res;
    case "and":
    case "or":
    case "xor":
      res.set(first);
      for (let i = 1; i < sources.length; i++) combine(op, res, sources[i] ?? EMPTY);
      return res;
    case "one":
      return exactlyOne(res, sources);
    default:
      return againstDisjunction(op, res, first, sources);
  }
}

const EMPTY = new Uint8Array(0);

function byteAt(s: Uint8Array, j: number): number {
  return j < s.length ? s[j] : 0;
}

/** res = res op src, byte by byte over the whole result (src zero-extended). */
function combine(op: "and" | "or" | "xor", res: Uint8Array, src: Uint8Array): void {
  const n = res.length, m = src.length;
  if (op === "and") {
    for (let j = 0; j < m; j++) res[j] &= src[j];
    res.fill(0, m);
  } else if (op === "or") {
    for (let j = 0; j < m; j++) res[j] |= src[j];
  } else {
    for (let j = 0; j < m && j < n; j++) res[j] ^= src[j];
  }
}

/** ONE: bits set in exactly one source. */
function exactlyOne(res: Uint8Array, sources: readonly (Uint8Array | null)[]): Uint8Array {
  const common = new Uint8Array(res.length);
  res.set(sources[0] ?? EMPTY);
  for (let i = 1; i < sources.length; i++) {
    const src = sources[i] ?? EMPTY;
    for (let j = 0; j < src.length; j++) {
      common[j] |= res[j] & src[j];
      res[j] ^= src[j];
    }
  }
  for (let j = 0; j < res.length; j++) res[j] &= ~common[j];
  return res;
}

/** DIFF, DIFF1, ANDOR: the first source against the OR of all the others. */
function againstDisjunction(
  op: BitopName,
  res: Uint8Array,
  first: Uint8Array,
  sources: readonly (Uint8Array | null)[],
): Uint8Array {
  for (let i = 1; i < sources.length; i++) {
    const src = sources[i] ?? EMPTY;
    for (let j = 0; j < src.length; j++) res[j] |= src[j];
  }
  for (let j = 0; j < res.length; j++) {
    const x = byteAt(first, j);
    const d = res[j];
    res[j] = op === "diff" ? x & ~d : op === "diff1" ? ~x & d : x & d;
  }
  return res;
}
