/**
 * Reads of geospatial indexes (sorted sets of geohashes).
 *
 * @module
 */

import type { ReadTable, Text } from "./context.ts";

/** Reads of geospatial indexes (sorted sets of geohashes). */
// deno-lint-ignore no-empty-interface
export interface GeoReads<T extends Text> {}

/** The declarations of {@linkcode GeoReads}. */
export const geoReads: ReadTable<GeoReads<Text>> = {};
