/**
 * Pushing JS values onto the Lua stack (rules in `values.ts`). Pushing
 * allocates in Lua, so it must run inside a protected call.
 *
 * @module
 */
import type { LuaContext } from "./from_lua.ts";
import { MAX_DEPTH } from "./values.ts";
import type { LuaTable, LuaValue } from "./values.ts";

const MIN_INT64 = -(2n ** 63n), MAX_INT64 = 2n ** 63n - 1n;

/**
 * Pushes `value` converted to Lua. Throws a `TypeError` for values with no
 * Lua form (functions, symbols, class instances other than `Uint8Array`)
 * and a `RangeError` for bigints beyond 64 bits or nesting beyond
 * `MAX_DEPTH`.
 *
 * @example
 * ```ts ignore
 * pushValue({ api, heap, L }, { name: "x", tags: ["a", "b"] });
 * ```
 */
export function pushValue(cx: LuaContext, value: LuaValue | readonly LuaValue[] | undefined, depth = 0): void {
  const api = cx.api, L = cx.L;
  switch (typeof value) {
    case "string": {
      const heap = cx.heap;
      const len = heap.putString(value);
      api._lua_pushlstring(L, heap.scratch, len);
      return;
    }
    case "number":
      // integral numbers become Lua integers (tostring gives "3", not "3.0"); -0 keeps its sign as a float
      if (Number.isSafeInteger(value) && (value !== 0 || 1 / value > 0)) api._lua_pushinteger(L, BigInt(value));
      else api._lua_pushnumber(L, value);
      return;
    case "boolean":
      api._lua_pushboolean(L, value ? 1 : 0);
      return;
    case "undefined":
      api._lua_pushnil(L);
      return;
    case "bigint":
      if (value < MIN_INT64 || value > MAX_INT64) throw new RangeError(`${value} does not fit a Lua integer (64 bits)`);
      api._lua_pushinteger(L, value);
      return;
    case "object":
      if (value === null) api._lua_pushnil(L);
      else if (value instanceof Uint8Array) {
        const heap = cx.heap;
        const len = heap.putBytes(value);
        api._lua_pushlstring(L, heap.scratch, len);
      } else if (Array.isArray(value)) pushArray(cx, value, depth);
      else if (isPlainObject(value)) pushObject(cx, value, depth);
      else throw new TypeError(`a ${(value as object).constructor?.name ?? "object"} cannot be passed to Lua`);
      return;
    default:
      throw new TypeError(`a ${typeof value} cannot be passed to Lua`);
  }
}

function isPlainObject(value: object): value is LuaTable {
  // class instances (Date, Map, ...) have no obvious Lua form: refused rather than guessed
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function enter(cx: LuaContext, depth: number): void {
  if (depth >= MAX_DEPTH) {
    throw new RangeError(`a value nested more than ${MAX_DEPTH} levels deep cannot be passed to Lua`);
  }
  if (cx.api._lua_checkstack(cx.L, 3) === 0) throw new RangeError("Lua stack overflow while converting a value");
}

function pushArray(cx: LuaContext, array: readonly LuaValue[], depth: number): void {
  enter(cx, depth);
  const api = cx.api, L = cx.L;
  const n = array.length;
  api._lua_createtable(L, n, 0);
  for (let i = 0; i < n; i++) {
    const item = array[i];
    // null elements become false so the sequence keeps its length (as Redis does for nil reply elements)
    if (item === null || item === undefined) api._lua_pushboolean(L, 0);
    else pushValue(cx, item, depth + 1);
    api._lua_rawseti(L, -2, BigInt(i + 1));
  }
}

function pushObject(cx: LuaContext, object: LuaTable, depth: number): void {
  enter(cx, depth);
  const api = cx.api, L = cx.L;
  const keys = Object.keys(object);
  api._lua_createtable(L, 0, keys.length);
  const heap = cx.heap;
  for (const key of keys) {
    const item = object[key];
    if (item === null || item === undefined) continue; // a nil value is no entry
    const len = heap.putString(key); // first: it may move the scratch block
    api._lua_pushlstring(L, heap.scratch, len);
    pushValue(cx, item, depth + 1);
    api._lua_rawset(L, -3);
  }
}
