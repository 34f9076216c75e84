/**
 * Reads of hashes.
 *
 * @module
 */

import type { ReadTable, Text } from "./context.ts";

/** Reads of hashes. */
// deno-lint-ignore no-empty-interface
export interface HashReads<T extends Text> {}

/** The declarations of {@linkcode HashReads}. */
export const hashReads: ReadTable<HashReads<Text>> = {};
