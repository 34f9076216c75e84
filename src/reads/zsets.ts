/**
 * Reads of sorted sets.
 *
 * @module
 */

import type { ReadTable, Text } from "./context.ts";

/** Reads of sorted sets. */
// deno-lint-ignore no-empty-interface
export interface ZsetReads<T extends Text> {}

/** The declarations of {@linkcode ZsetReads}. */
export const zsetReads: ReadTable<ZsetReads<Text>> = {};
