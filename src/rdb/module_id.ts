/**
 * Module type ids (Redis `src/module.c`, `moduleTypeNameByID`): a 64-bit id
 * whose top 54 bits are a 9-character name in a 64-symbol charset and whose
 * low 10 bits are the encoding version.
 *
 * @module
 */

const CHARSET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/**
 * Name of the module type from its id given as two unsigned 32-bit halves
 * (the id does not fit a double exactly).
 *
 * @example
 * ```ts
 * import { moduleTypeName } from "./module_id.ts";
 * console.log(moduleTypeName(0, 0)); // "AAAAAAAAA"
 * ```
 */
export function moduleTypeName(hi: number, lo: number): string {
  let name = "";
  for (let i = 0; i < 9; i++) {
    // Bits [63 - 6i .. 58 - 6i] of the id.
    const shift = 58 - 6 * i;
    let six: number;
    if (shift >= 32) six = (hi >>> (shift - 32)) & 63;
    else if (shift + 6 <= 32) six = (lo >>> shift) & 63;
    else six = ((lo >>> shift) | (hi << (32 - shift))) & 63;
    name += CHARSET[six];
  }
  return name;
}

/** Encoding version of a module type id (its low 10 bits). */
export function moduleEncVer(lo: number): number {
  return lo & 1023;
}
