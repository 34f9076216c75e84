/**
 * Checks the arguments of a read called by name (read transactions, Lua
 * scripts) against its declared {@linkcode ArgKind}s, so a bad call fails
 * with a clear `ARGUMENT` error naming the read and the argument instead of
 * failing somewhere inside the read. Values are passed on unchanged: a read
 * accepts the same values from JS, from a transaction and from Lua.
 *
 * @module
 */

import { VeidrodelisError } from "../errors.ts";
import type { ArgKind, ReadDef } from "./context.ts";

/**
 * Throws an `ARGUMENT` error unless `args` fit the kinds `def` declares.
 *
 * @example
 * ```ts
 * import { checkReadArgs } from "./args.ts";
 * checkReadArgs("getrange", { args: ["key", "int", "int"], redis: "GETRANGE", run: () => null }, ["k", 0, -1]);
 * ```
 */
export function checkReadArgs(name: string, def: ReadDef, args: readonly unknown[]): void {
  const kinds = def.args;
  let i = 0;
  for (const kind of kinds) {
    if (kind === "keys" || kind === "values") {
      for (; i < args.length; i++) expect(name, i, kind, args[i]);
      return;
    }
    const optional = kind.endsWith("?");
    if (i >= args.length || (optional && args[i] === undefined)) {
      if (optional) return;
      throw new VeidrodelisError("ARGUMENT", `${name}: argument ${i + 1} (${kind}) is missing`);
    }
    expect(name, i, kind, args[i]);
    i++;
  }
  if (i < args.length) {
    throw new VeidrodelisError("ARGUMENT", `${name}: takes at most ${kinds.length} arguments, got ${args.length}`);
  }
}

/** Whether `value` is of `kind` (optional kinds as their base kind). */
function fits(kind: ArgKind, value: unknown): boolean {
  switch (kind) {
    case "key":
    case "key?":
    case "keys":
    case "value":
    case "value?":
    case "values":
    case "lex":
      return typeof value === "string" || value instanceof Uint8Array;
    case "keyList":
      return Array.isArray(value) && value.every((k) => typeof k === "string" || k instanceof Uint8Array);
    case "int":
    case "int?":
      return Number.isSafeInteger(value);
    case "number":
    case "number?":
      return typeof value === "number" && !Number.isNaN(value);
    case "bound":
      return (typeof value === "number" && !Number.isNaN(value)) || typeof value === "string" ||
        value instanceof Uint8Array;
    case "options":
    case "options?":
      return typeof value === "object" && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array);
  }
}

const DESCRIPTIONS: Record<string, string> = {
  key: "a key (string or bytes)",
  keys: "a key (string or bytes)",
  keyList: "an array of keys (strings or bytes)",
  value: "a string or bytes",
  values: "a string or bytes",
  lex: "a lex bound (string or bytes)",
  int: "an integer",
  number: "a number",
  bound: "a score bound (number or text)",
  options: "an options object",
};

function expect(name: string, index: number, kind: ArgKind, value: unknown): void {
  if (fits(kind, value)) return;
  const what = DESCRIPTIONS[kind.replace("?", "")];
  throw new VeidrodelisError("ARGUMENT", `${name}: argument ${index + 1} must be ${what}, got ${describe(value)}`);
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (value instanceof Uint8Array) return "bytes";
  if (Array.isArray(value)) return "an array";
  return typeof value === "string" ? JSON.stringify(value.slice(0, 40)) : typeof value;
}
