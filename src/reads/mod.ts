/**
 * THE table of reads. Each read is declared once, in the file of its type:
 * its signature (in that file's interface, with the docs users see) and its
 * implementation, argument kinds and Redis counterpart (in that file's
 * table). Reader methods, read transactions, Lua's `ts` table and the
 * README's table are all generated from these declarations, and TypeScript
 * keeps each interface and its table in step.
 *
 * @module
 */

import type { ReadDef, Text } from "./context.ts";
import { type GeoReads, geoReads } from "./geo.ts";
import { type HashReads, hashReads } from "./hashes.ts";
import { type KeyspaceReads, keyspaceReads } from "./keyspace.ts";
import { type ListReads, listReads } from "./lists.ts";
import { type SetReads, setReads } from "./sets.ts";
import { type StringReads, stringReads } from "./strings.ts";
import { type ZsetReads, zsetReads } from "./zsets.ts";

export type { ArgKind, KeyInput, ReadContext, ReadDef, ReadTable, Text } from "./context.ts";
export type { GeoReads, HashReads, KeyspaceReads, ListReads, SetReads, StringReads, ZsetReads };

/**
 * Every read, as a method of a reader bound to one database.
 *
 * @example
 * ```ts
 * import { Mirror, type ReadMethods } from "../../mod.ts";
 * const emptyRdb = new Uint8Array([...new TextEncoder().encode("REDIS0011"), 0xff, 0, 0, 0, 0, 0, 0, 0, 0]);
 * const mirror = await Mirror.fromRdb(emptyRdb);
 * // Code that only reads can take any reader: a mirror, `mirror.db(n)`, or its `asBytes` twin.
 * const userName = (reads: ReadMethods<string>, id: number) => reads.hget(`user:${id}`, "name") ?? "anonymous";
 * console.log(userName(mirror, 1), userName(mirror.db(3), 1)); // "anonymous" "anonymous"
 * await mirror.close();
 * ```
 */
export interface ReadMethods<T extends Text>
  extends StringReads<T>, KeyspaceReads<T>, ListReads<T>, SetReads<T>, HashReads<T>, ZsetReads<T>, GeoReads<T> {}

/** The declaration of every read in {@linkcode ReadMethods}. */
export const readTable: { readonly [K in keyof ReadMethods<Text>]: ReadDef } = {
  ...stringReads,
  ...keyspaceReads,
  ...listReads,
  ...setReads,
  ...hashReads,
  ...zsetReads,
  ...geoReads,
};

/** Names of every read, in declaration order. */
export const readNames: readonly (keyof ReadMethods<Text>)[] = Object.keys(readTable) as (keyof ReadMethods<Text>)[];
