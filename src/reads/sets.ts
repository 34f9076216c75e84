/**
 * Reads of sets.
 *
 * @module
 */

import type { ReadTable, Text } from "./context.ts";

/** Reads of sets. */
// deno-lint-ignore no-empty-interface
export interface SetReads<T extends Text> {}

/** The declarations of {@linkcode SetReads}. */
export const setReads: ReadTable<SetReads<Text>> = {};
