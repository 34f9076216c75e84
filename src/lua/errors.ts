/**
 * Typed failures of Lua scripts: `code` is "LUA_SCRIPT", "LUA_BUDGET" or
 * "LUA_MEMORY" (also in `luaCode`).
 *
 * @module
 */
import { VeidrodelisError } from "../errors.ts";

/**
 * The precise kind of a Lua failure.
 *
 * @example
 * ```ts
 * import { LuaError, Mirror } from "../../mod.ts";
 * const emptyRdb = new Uint8Array([...new TextEncoder().encode("REDIS0011"), 0xff, 0, 0, 0, 0, 0, 0, 0, 0]);
 * const mirror = await Mirror.fromRdb(emptyRdb);
 * try {
 *   await mirror.eval("error('boom')");
 * } catch (error) {
 *   if (error instanceof LuaError) console.log(error.luaCode); // "LUA_SCRIPT"
 * }
 * await mirror.close();
 * ```
 */
export type LuaErrorCode = "LUA_SCRIPT" | "LUA_BUDGET" | "LUA_MEMORY";

/**
 * Base class of the Lua engine's errors.
 *
 * @example
 * ```ts
 * import { LuaError, LuaScriptError } from "./errors.ts";
 * const e: LuaError = new LuaScriptError("script:1: boom", "runtime");
 * console.log(e.code, e.luaCode); // "LUA_SCRIPT" "LUA_SCRIPT"
 * ```
 */
export class LuaError extends VeidrodelisError {
  /** What went wrong. */
  readonly luaCode: LuaErrorCode;
  /** `luaCode` is also the error's `code`. */
  constructor(luaCode: LuaErrorCode, message: string, options?: ErrorOptions) {
    super(luaCode, message, options);
    this.luaCode = luaCode;
  }
}

/**
 * A script did not compile, raised an error it did not catch, or produced
 * a value that cannot be converted. The message is Lua's, with the chunk
 * name and line (`name:3: attempt to index a nil value`). When the error
 * came from a host function, `cause` is what that function threw.
 *
 * @example
 * ```ts
 * import { LuaScriptError } from "./errors.ts";
 * const e = new LuaScriptError("script:1: unexpected symbol near '?'", "compile");
 * if (e.phase === "compile") console.log("fix the syntax:", e.message);
 * ```
 */
export class LuaScriptError extends LuaError {
  /** Whether loading ("compile") or running ("runtime") failed. */
  readonly phase: "compile" | "runtime";
  /** `phase`: whether loading or running failed; `options.cause`: a host function's own error. */
  constructor(message: string, phase: "compile" | "runtime", options?: ErrorOptions) {
    super("LUA_SCRIPT", message, options);
    this.phase = phase;
  }
}

/**
 * A run executed more Lua instructions than its budget allows. Scripts
 * cannot catch it: `pcall`, `xpcall` and `coroutine.resume` raise it again.
 *
 * @example
 * ```ts
 * import { LuaBudgetError } from "./errors.ts";
 * const e = new LuaBudgetError(1_000_000);
 * console.log(e.luaCode, e.limit); // "LUA_BUDGET" 1000000
 * ```
 */
export class LuaBudgetError extends LuaError {
  /** The instruction budget that was exceeded. */
  readonly limit: number;
  /** `limit`: the run's instruction budget. */
  constructor(limit: number) {
    super("LUA_BUDGET", `the Lua script exceeded its budget of ${limit} instructions`);
    this.limit = limit;
  }
}

/**
 * Lua ran out of memory: its allocations reached the engine's
 * `memoryLimitBytes` (or the module's memory could not grow). Scripts
 * cannot catch it either.
 *
 * @example
 * ```ts
 * import { LuaMemoryError } from "./errors.ts";
 * const e = new LuaMemoryError(8 << 20);
 * console.log(e.luaCode, e.message);
 * ```
 */
export class LuaMemoryError extends LuaError {
  /** The engine's memory limit in bytes, when one is set. */
  readonly limit: number | undefined;
  /** `limit`: the memory cap in bytes, when known. */
  constructor(limit: number | undefined) {
    super(
      "LUA_MEMORY",
      limit === undefined ? "Lua ran out of memory" : `the Lua script exceeded the memory limit of ${limit} bytes`,
    );
    this.limit = limit;
  }
}
