/**
 * Reading Lua stack slots as JS values (rules in `values.ts`). Reading never
 * allocates in Lua (numbers are never turned into strings in place), so it
 * is safe outside a protected call.
 *
 * @module
 */
import { LuaScriptError } from "./errors.ts";
import type { WasmHeap } from "./heap.ts";
import { MAX_DEPTH } from "./values.ts";
import type { LuaTable, LuaValue } from "./values.ts";
import { type LuaApi, type LuaState, LuaType } from "./wasm.ts";

/** What reading needs: the module, its scratch/codec and the state. */
export interface LuaContext {
  readonly api: LuaApi;
  readonly heap: WasmHeap;
  readonly L: LuaState;
}

/**
 * The JS value of stack slot `index` (an absolute, positive index); strings
 * as `Uint8Array` copies when `bytes` is set.
 *
 * @example
 * ```ts ignore
 * api._lua_pushinteger(L, 42n);
 * readValue({ api, heap, L }, api._lua_gettop(L), false); // 42
 * ```
 */
export function readValue(cx: LuaContext, index: number, bytes: boolean, depth = 0, borrow = false): LuaValue {
  const api = cx.api, L = cx.L;
  switch (api._lua_type(L, index)) {
    case LuaType.string: {
      const heap = cx.heap;
      const ptr = api._lua_tolstring(L, index, heap.lenPtr);
      return bytes ? (borrow ? heap.view(ptr, heap.len) : heap.copy(ptr, heap.len)) : heap.decode(ptr, heap.len);
    }
    case LuaType.number: {
      const n = api._lua_tonumberx(L, index, 0);
      // a float is exact as it is; an integer is exact as a number up to 2^53
      if (Number.isSafeInteger(n) || api._lua_isinteger(L, index) === 0) return n;
      return api._lua_tointegerx(L, index, 0);
    }
    case LuaType.boolean:
      return api._lua_toboolean(L, index) !== 0;
    case LuaType.table:
      return readTable(cx, index, bytes, depth, borrow);
    default:
      return null;
  }
}

/** Reads stack slots `from`..top as an array (results of a call). */
export function readValues(cx: LuaContext, from: number, bytes: boolean): LuaValue[] {
  const top = cx.api._lua_gettop(cx.L);
  const values: LuaValue[] = new Array(Math.max(0, top - from + 1));
  for (let i = from; i <= top; i++) values[i - from] = readValue(cx, i, bytes);
  return values;
}

function readTable(
  cx: LuaContext,
  index: number,
  bytes: boolean,
  depth: number,
  borrow = false,
): LuaValue[] | LuaTable {
  const api = cx.api, L = cx.L;
  if (depth >= MAX_DEPTH) {
    throw new LuaScriptError(
      `a table nested more than ${MAX_DEPTH} levels deep (a cycle?) cannot be converted`,
      "runtime",
    );
  }
  if (api._lua_checkstack(L, 3) === 0) {
    throw new LuaScriptError("Lua stack overflow while converting a table", "runtime");
  }
  const keys: (number | string)[] = [];
  const values: LuaValue[] = [];
  let sequence = true;
  api._lua_pushnil(L);
  while (api._lua_next(L, index) !== 0) {
    const top = api._lua_gettop(L);
    const key = readKey(cx, top - 1);
    if (key !== undefined) {
      keys.push(key);
      values.push(readValue(cx, top, bytes, depth + 1, borrow));
      if (typeof key !== "number" || !Number.isInteger(key) || key < 1) sequence = false;
    }
    api._lua_settop(L, top - 1);
  }
  const n = keys.length;
  if (sequence) {
    const array: LuaValue[] = new Array(n);
    let filled = 0;
    for (let i = 0; i < n; i++) {
      const k = keys[i] as number;
      if (k > n) break;
      array[k - 1] = values[i];
      filled++;
    }
    if (filled === n) return array;
  }
  const object: LuaTable = {};
  for (let i = 0; i < n; i++) {
    const k = String(keys[i]);
    if (k === "__proto__") Object.defineProperty(object, k, { value: values[i], enumerable: true, writable: true });
    else object[k] = values[i];
  }
  return object;
}

/** A table key as JS: numbers as they are, strings decoded, booleans spelled; other types skipped. */
function readKey(cx: LuaContext, index: number): number | string | undefined {
  const api = cx.api, L = cx.L;
  switch (api._lua_type(L, index)) {
    case LuaType.string: {
      const heap = cx.heap;
      const ptr = api._lua_tolstring(L, index, heap.lenPtr);
      return heap.decode(ptr, heap.len);
    }
    case LuaType.number:
      return api._lua_tonumberx(L, index, 0);
    case LuaType.boolean:
      return api._lua_toboolean(L, index) !== 0 ? "true" : "false";
    default:
      return undefined;
  }
}
