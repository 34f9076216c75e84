/**
 * Reads of lists.
 *
 * @module
 */

import type { ReadTable, Text } from "./context.ts";

/** Reads of lists. */
// deno-lint-ignore no-empty-interface
export interface ListReads<T extends Text> {}

/** The declarations of {@linkcode ListReads}. */
export const listReads: ReadTable<ListReads<Text>> = {};
