/**
 * The Lua 5.4 WebAssembly module of npm `wasmoon`, used through its raw C
 * exports (`_lua_*`) instead of wasmoon's high-level classes: those convert
 * every value through `ccall`, cost 2.5–6.2 µs per host call and cut strings
 * at the first NUL byte.
 *
 * Calling rules every user of {@linkcode LuaApi} must keep:
 * - A Lua error is a C `longjmp`, which this build implements by throwing the
 *   JS value `Infinity` through every JS frame between `lua_error` and the
 *   nearest protected call. JS code called from Lua must rethrow `Infinity`
 *   untouched and must not let any other exception escape into wasm (it would
 *   skip Lua's unwinding and corrupt the state).
 * - A Lua call that may allocate must run inside a protected call: an error
 *   raised with no protected call active makes Lua panic and abort the module.
 * - Any call that may allocate can grow the wasm memory, which replaces
 *   `HEAPU8`: read `api.HEAPU8` again after such calls, never keep it.
 * - `lua_Integer` arguments and results are 64-bit: they cross as bigint.
 *
 * @module
 */
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { LuaWasm } from "wasmoon";
import { VeidrodelisError } from "../errors.ts";

/** A `lua_State*`. */
export type LuaState = number;

/** The raw exports of the wasmoon module used by this engine (C signatures of Lua 5.4, wasm32). */
export interface LuaApi {
  /** Byte view of the module's memory; replaced when the memory grows. */
  readonly HEAPU8: Uint8Array;
  /** 32-bit view of the module's memory; replaced when the memory grows. */
  readonly HEAPU32: Uint32Array;
  _malloc(size: number): number;
  _free(ptr: number): void;
  _realloc(ptr: number, size: number): number;
  /** Puts a JS function in the wasm function table; `signature` as Emscripten's ("ii", "vii", ...). */
  addFunction(fn: (...args: number[]) => number | void, signature: string): number;
  removeFunction(ptr: number): void;

  _luaL_newstate(): LuaState;
  _lua_newstate(alloc: number, ud: number): LuaState;
  _lua_close(L: LuaState): void;
  _lua_atpanic(L: LuaState, fn: number): number;
  _luaL_openlibs(L: LuaState): void;
  _luaL_loadbufferx(L: LuaState, buf: number, size: number, name: number, mode: number): number;
  _luaL_ref(L: LuaState, table: number): number;
  _luaL_unref(L: LuaState, table: number, ref: number): void;

  _lua_gettop(L: LuaState): number;
  _lua_settop(L: LuaState, index: number): void;
  _lua_pushvalue(L: LuaState, index: number): void;
  _lua_checkstack(L: LuaState, n: number): number;
  _lua_type(L: LuaState, index: number): number;
  _lua_isinteger(L: LuaState, index: number): number;
  _lua_tonumberx(L: LuaState, index: number, isnum: number): number;
  _lua_tointegerx(L: LuaState, index: number, isnum: number): bigint;
  _lua_toboolean(L: LuaState, index: number): number;
  /** Returns a `const char*`; writes the length (size_t, 32-bit) at `len`. */
  _lua_tolstring(L: LuaState, index: number, len: number): number;
  _lua_rawlen(L: LuaState, index: number): bigint;
  _lua_next(L: LuaState, index: number): number;

  _lua_pushnil(L: LuaState): void;
  _lua_pushnumber(L: LuaState, n: number): void;
  _lua_pushinteger(L: LuaState, n: bigint): void;
  _lua_pushlstring(L: LuaState, s: number, len: number): number;
  _lua_pushboolean(L: LuaState, b: number): void;
  _lua_pushcclosure(L: LuaState, fn: number, upvalues: number): void;
  _lua_createtable(L: LuaState, narr: number, nrec: number): void;
  _lua_rawgeti(L: LuaState, index: number, n: bigint): number;
  _lua_rawseti(L: LuaState, index: number, n: bigint): void;
  _lua_rawset(L: LuaState, index: number): void;
  _lua_setfield(L: LuaState, index: number, key: number): void;
  _lua_setmetatable(L: LuaState, index: number): number;
  _lua_setupvalue(L: LuaState, funcIndex: number, n: number): number;

  _lua_callk(L: LuaState, nargs: number, nresults: number, ctx: number, k: number): void;
  _lua_pcallk(L: LuaState, nargs: number, nresults: number, errfunc: number, ctx: number, k: number): number;
  _lua_error(L: LuaState): number;
  _lua_sethook(L: LuaState, fn: number, mask: number, count: number): void;
}

/** Pseudo-index of the registry (`LUA_REGISTRYINDEX` for LUAI_MAXSTACK = 1e6). */
export const LUA_REGISTRYINDEX = -1_000_000 - 1000;
/** `lua_upvalueindex(1)`. */
export const FIRST_UPVALUE = LUA_REGISTRYINDEX - 1;
/** `LUA_MULTRET`. */
export const LUA_MULTRET = -1;
/** `LUA_MASKCOUNT`. */
export const LUA_MASKCOUNT = 8;

/** Lua type tags (`LUA_T*`). */
export const LuaType = {
  nil: 0,
  boolean: 1,
  lightUserdata: 2,
  number: 3,
  string: 4,
  table: 5,
  function: 6,
  userdata: 7,
  thread: 8,
} as const;

/** Status codes of `lua_pcallk`/`luaL_loadbufferx` (`LUA_OK`, `LUA_ERR*`). */
export const LuaStatus = { ok: 0, yield: 1, runtime: 2, syntax: 3, memory: 4, handler: 5 } as const;

// One module instance per wasm file, shared by every engine: each engine has its own lua_State.
const modules = new Map<string, Promise<LuaApi>>();
// Loads one at a time, so that each sees only its own instantiation (see captureExports).
let loading: Promise<unknown> = Promise.resolve();

/**
 * The wasmoon Lua module, loaded once per process and per `wasmFile`
 * (path or `file:` URL of wasmoon's `glue.wasm`; default: the copy in the
 * wasmoon package folder). Engines share it, each with its own `lua_State`.
 *
 * @example
 * ```ts
 * import { loadLuaApi } from "./wasm.ts";
 * const api = await loadLuaApi();
 * const L = api._luaL_newstate();
 * console.log(api._lua_gettop(L)); // 0
 * api._lua_close(L);
 * ```
 */
export function loadLuaApi(wasmFile?: string | URL): Promise<LuaApi> {
  const location = wasmFile instanceof URL ? wasmFile.href : wasmFile;
  if (location !== undefined) {
    // checked here: the module's own failure prints to stderr and aborts that instance
    const file = location.startsWith("file:") ? fileURLToPath(location) : location;
    if (!existsSync(file)) return Promise.reject(new VeidrodelisError("ARGUMENT", `no Lua wasm file at ${file}`));
  }
  const key = location ?? "";
  let api = modules.get(key);
  if (api === undefined) {
    api = loading.then(() => load(location));
    loading = api.catch(() => undefined);
    // a failed load (wrong path) must not poison later attempts
    api.catch(() => modules.delete(key));
    modules.set(key, api);
  }
  return api;
}

async function load(location: string | undefined): Promise<LuaApi> {
  const capture = captureExports();
  let lua: LuaWasm;
  try {
    lua = await LuaWasm.initialize(location);
  } finally {
    capture.stop();
  }
  const module = lua.module as unknown as LuaApi;
  const exports = capture.exports.find((e) =>
    (e.memory as WebAssembly.Memory | undefined)?.buffer === module.HEAPU8.buffer
  );
  return exports === undefined ? module : withRawExports(module, exports);
}

/**
 * Watches `WebAssembly.instantiate` while wasmoon loads, to get the raw
 * exports of its instance: the module only offers them behind debug-build
 * wrappers (an assertion and `apply` per call) that make every C call
 * 1.3x (Node) to 5x (Bun) slower. Calls pass through unchanged; if nothing
 * is seen (another wasmoon build), the wrappers are used.
 */
function captureExports(): { exports: Record<string, unknown>[]; stop(): void } {
  const exports: Record<string, unknown>[] = [];
  const original = WebAssembly.instantiate;
  const watcher = async function (this: unknown, ...args: unknown[]): Promise<unknown> {
    const result = await (original as (...a: unknown[]) => Promise<unknown>).apply(this, args);
    const instance = (result as { instance?: WebAssembly.Instance }).instance ?? (result as WebAssembly.Instance);
    const found = instance?.exports as Record<string, unknown> | undefined;
    if (found !== undefined && typeof found.lua_pushcclosure === "function") exports.push(found);
    return result;
  };
  (WebAssembly as { instantiate: unknown }).instantiate = watcher;
  return {
    exports,
    stop() {
      if (WebAssembly.instantiate === (watcher as unknown)) WebAssembly.instantiate = original;
    },
  };
}

/** The module, with its `_lua*`, `_malloc`, `_free`, `_realloc` taken straight from the instance's exports. */
function withRawExports(module: LuaApi, exports: Record<string, unknown>): LuaApi {
  const api = Object.create(module) as Record<string, unknown>;
  for (const [name, value] of Object.entries(exports)) {
    if (typeof value === "function" && /^(lua_|luaL_|luaopen_|malloc$|free$|realloc$)/.test(name)) {
      api["_" + name] = value;
    }
  }
  return api as unknown as LuaApi;
}
