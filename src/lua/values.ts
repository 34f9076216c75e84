/**
 * Values crossing between JS and Lua, and the conversion rules both ways.
 *
 * | JS                                   | Lua                                      |
 * | ------------------------------------ | ---------------------------------------- |
 * | `null` (and `undefined` into Lua)    | `nil`                                    |
 * | `boolean`                            | boolean                                  |
 * | `number`, integral and safe          | integer (`-0` stays a float)             |
 * | other `number` (fractions, NaN, ±∞)  | float                                    |
 * | `bigint` (within 64 bits)            | integer                                  |
 * | `string`                             | string, UTF-8 encoded                    |
 * | `Uint8Array`                         | string, the bytes as they are            |
 * | array                                | sequence `{[1]=..., [2]=...}`            |
 * | plain object                         | table with string keys                   |
 *
 * Out of Lua: integers come back as `number` when within ±(2^53 − 1),
 * otherwise as `bigint` (exact); floats as `number`. Strings come back as
 * JS strings decoded as UTF-8 (invalid bytes become U+FFFD), or as
 * `Uint8Array` copies in bytes mode, which is binary-safe. A table whose
 * keys are exactly 1..n is an array (an empty table is `[]`), any other
 * table an object whose keys are strings (number and boolean keys are
 * written in decimal / as "true"/"false"; keys of other types are skipped).
 * Functions, userdata and threads come back as `null`.
 *
 * A `null` element of an array becomes `false` in Lua, as Redis turns nil
 * elements of a reply into `false`: the sequence keeps its length, `#t` and
 * `ipairs` see every element.
 *
 * @module
 */

/**
 * A value that can cross between JS and Lua.
 *
 * @example
 * ```ts
 * import type { LuaValue } from "../../mod.ts";
 * const args: LuaValue[] = [null, true, 42, 2n ** 60n, "text", new Uint8Array([0, 255]), [1, 2], { name: "Alice" }];
 * // await mirror.eval("return #ARGV", { args });
 * console.log(args.length);
 * ```
 */
export type LuaValue =
  | null
  | boolean
  | number
  | bigint
  | string
  | Uint8Array
  | LuaValue[]
  | LuaTable;

/**
 * A Lua table that is not a sequence, as a JS object.
 *
 * @example
 * ```ts
 * import type { LuaTable } from "../../mod.ts";
 * const user: LuaTable = { name: "Alice", tags: ["admin"], score: 1.5 };
 * console.log(Object.keys(user));
 * ```
 */
export interface LuaTable {
  /** A field of the table. */
  [key: string]: LuaValue;
}

/**
 * Several return values of a host function (a plain array would be one
 * table). Lua sees them as multiple results: `local a, b = ts.pair()`.
 *
 * @example
 * ```ts
 * import { LuaMultiReturn } from "./values.ts";
 * const pair = (): LuaMultiReturn => new LuaMultiReturn([1, "two"]);
 * console.log(pair().values.length); // 2
 * ```
 */
export class LuaMultiReturn {
  /** The values, in order. */
  readonly values: readonly LuaValue[];
  constructor(values: readonly LuaValue[]) {
    this.values = values;
  }
}

/**
 * A function of the host table (`ts`) callable from Lua. It receives the
 * call's arguments converted as described in this module (strings as JS
 * strings, or `Uint8Array` when the run is in bytes mode) and returns one
 * value, several in a {@linkcode LuaMultiReturn}, or nothing (no result).
 * A thrown error becomes a Lua error the script can catch with `pcall`; its
 * value in Lua is the error's message, prefixed with the error's string
 * `code` unless the message already starts with it (`"NOT_READY the mirror
 * has no live projection yet"`, `"WRONGTYPE Operation against ..."`), as
 * Redis error replies read. Throwing a `LuaBudgetError` instead ends the run
 * (scripts cannot catch it).
 *
 * @example
 * ```ts
 * import type { HostFunction } from "./values.ts";
 * const data = new Map([["k", "v"]]);
 * const get: HostFunction = ([key]) => data.get(String(key)) ?? null;
 * console.log(get(["k"])); // "v"
 * ```
 */
export type HostFunction = (args: LuaValue[]) => LuaValue | LuaMultiReturn | undefined | void;

/** Deepest table nesting converted either way; deeper structures (or cycles) are an error. */
export const MAX_DEPTH = 100;
