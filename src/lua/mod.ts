/**
 * Lua read transactions: a sandboxed Lua 5.4 engine (wasmoon's WebAssembly
 * build) whose scripts call host functions through one global table.
 *
 * @example
 * ```ts
 * import { LuaEngine } from "./mod.ts";
 * const lua = await LuaEngine.create({ functions: { upper: ([s]) => String(s).toUpperCase() } });
 * console.log(lua.eval("return ts.upper('hi')")); // "HI"
 * lua.close();
 * ```
 *
 * @module
 */
export { LuaEngine, type LuaEngineOptions, type LuaRunOptions, LuaScript } from "./engine.ts";
export { LuaBudgetError, LuaError, type LuaErrorCode, LuaMemoryError, LuaScriptError } from "./errors.ts";
export { type HostFunction, LuaMultiReturn, type LuaTable, type LuaValue } from "./values.ts";
