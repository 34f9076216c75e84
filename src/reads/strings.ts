/**
 * Reads of string values.
 *
 * @module
 */

import { ValueType } from "../_wasm/store.ts";
import {
  findLive,
  findString,
  foundText,
  type KeyInput,
  type ReadContext,
  type ReadTable,
  type Text,
} from "./context.ts";

/** Reads of string values. */
export interface StringReads<T extends Text> {
  /**
   * The string value of `key`, or `null` when it does not exist (Redis `GET`).
   *
   * @example
   * ```ts ignore
   * mirror.get("user:1:name"); // "Alice"
   * ```
   */
  get(key: KeyInput): T | null;
  /** The values of several string keys; `null` for missing keys and keys of other types (Redis `MGET`). */
  mget(...keys: KeyInput[]): (T | null)[];
  /** Length of the string value, 0 when missing (Redis `STRLEN`). */
  strlen(key: KeyInput): number;
  /** Substring by inclusive byte offsets, negative from the end (Redis `GETRANGE`). */
  getrange(key: KeyInput, start: number, end: number): T;
}

const textDecoder = new TextDecoder();

/** The declarations of {@linkcode StringReads}. */
export const stringReads: ReadTable<StringReads<Text>> = {
  get: {
    args: ["key"],
    redis: "GET",
    run: (ctx: ReadContext, key: KeyInput): Text | null => findString(ctx, key) ? foundText(ctx) : null,
  },
  mget: {
    args: ["keys"],
    redis: "MGET",
    run: (ctx: ReadContext, ...keys: KeyInput[]): (Text | null)[] =>
      keys.map((key) => findLive(ctx, key) === ValueType.string ? foundText(ctx) : null),
  },
  strlen: {
    args: ["key"],
    redis: "STRLEN",
    run: (ctx: ReadContext, key: KeyInput): number => findString(ctx, key) ? ctx.store.foundStrlen() : 0,
  },
  getrange: {
    args: ["key", "int", "int"],
    redis: "GETRANGE",
    run: (ctx: ReadContext, key: KeyInput, start: number, end: number): Text => {
      const bytes = findString(ctx, key) ? ctx.store.foundRange(start, end) : new Uint8Array(0);
      return ctx.bytes ? bytes : textDecoder.decode(bytes);
    },
  },
};
