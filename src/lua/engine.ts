/**
 * The Lua engine: compiles scripts once and runs them synchronously, in a
 * sandbox, under an instruction budget and an optional memory cap, with one
 * table of host functions (`ts`).
 *
 * How the bridge stays fast: every host function is the same C closure (a
 * JS function in the wasm table) told apart by an upvalue holding its index;
 * arguments are read straight off the Lua stack and results pushed with
 * `lua_pushlstring` from a scratch block, all through the module's raw
 * exports. Every Lua call that may allocate runs inside `lua_pcallk` of a
 * single trampoline C function, so no Lua error can hit an unprotected state.
 *
 * @module
 */
import { VeidrodelisError } from "../errors.ts";
import { LuaBudgetError, LuaMemoryError, LuaScriptError } from "./errors.ts";
import { type LuaContext, readValue, readValues } from "./from_lua.ts";
import { WasmHeap } from "./heap.ts";
import { InstructionBudget, MemoryCap } from "./limits.ts";
import { SANDBOX_SOURCE } from "./sandbox.ts";
import { ScriptCache } from "./script_cache.ts";
import { pushValue } from "./to_lua.ts";
import { type HostFunction, LuaMultiReturn, type LuaValue } from "./values.ts";
import {
  FIRST_UPVALUE,
  loadLuaApi,
  LUA_MULTRET,
  LUA_REGISTRYINDEX,
  type LuaApi,
  type LuaState,
  LuaStatus,
  LuaType,
} from "./wasm.ts";

/** Options of {@linkcode LuaEngine.create}. */
export interface LuaEngineOptions {
  /** Host functions, exposed to scripts in the global table named by `hostTable`. */
  readonly functions?: Readonly<Record<string, HostFunction>>;
  /** Global name of the host function table. Default "ts". */
  readonly hostTable?: string;
  /**
   * Lua instructions one run may execute (counted in steps of 1000), unless
   * the run asks for another budget. Default 100,000,000 (roughly 0.3–1 s);
   * `Infinity` disables the budget.
   */
  readonly instructionLimit?: number;
  /**
   * Cap on the bytes the Lua state holds (libraries, compiled scripts and
   * data of the running script together; the empty sandbox takes ~30 KB).
   * Default 64 MiB. `Infinity` removes the cap, which makes runs 10–30%
   * faster (Lua's own allocator instead of a counting one) but lets one
   * script grow the Lua module's memory, shared by all engines and never
   * given back, up to its 2 GiB limit.
   */
  readonly memoryLimitBytes?: number;
  /** Path or `file:` URL of wasmoon's `glue.wasm` (default: the file in the wasmoon package). */
  readonly wasmFile?: string | URL;
  /**
   * In bytes mode, hand host functions their string arguments as views into
   * Lua's memory instead of copies: valid only until the function returns,
   * so only for functions that do not keep them. Saves an allocation per
   * argument (about 0.8 µs each on Deno 2.9). Default false.
   */
  readonly borrowHostArgs?: boolean;
}

/** Options of one run. */
export interface LuaRunOptions {
  /** The script's global `KEYS` (a sequence; empty when absent). */
  readonly keys?: readonly LuaValue[];
  /** The script's global `ARGV` (a sequence; empty when absent), also passed as the chunk's `...`. */
  readonly args?: readonly LuaValue[];
  /** Lua strings reach JS (results and host function arguments) as `Uint8Array` instead of strings. */
  readonly bytes?: boolean;
  /** This run's instruction budget, instead of the engine's. */
  readonly instructionLimit?: number;
}

/**
 * A compiled script, kept in the engine until {@linkcode LuaScript.free}
 * (or until the script object is garbage-collected).
 *
 * @example
 * ```ts
 * import { LuaEngine } from "./engine.ts";
 * const lua = await LuaEngine.create();
 * const script = lua.compile("return #KEYS", "count");
 * console.log(lua.run(script, { keys: ["a", "b"] })); // 2
 * script.free();
 * lua.close();
 * ```
 */
export class LuaScript {
  /** The chunk name used in error messages. */
  readonly name: string;
  /** @internal Registry reference of the loaded chunk. */
  ref: bigint;
  /** @internal The engine that compiled it. */
  readonly engine: LuaEngine;

  /** Scripts are made by {@linkcode LuaEngine.compile}. */
  constructor(engine: LuaEngine, name: string, ref: bigint) {
    this.engine = engine;
    this.name = name;
    this.ref = ref;
  }

  /** Releases the compiled chunk; the script cannot run afterwards. */
  free(): void {
    this.engine.free(this);
  }
}

const DEFAULT_INSTRUCTION_LIMIT = 100_000_000;
const DEFAULT_MEMORY_LIMIT = 64 << 20;
const EVAL_CACHE_SIZE = 64;
const NO_ARGS: readonly LuaValue[] = [];
const NO_OPTIONS: LuaRunOptions = {};
const BUDGET_VALUE = "the Lua script exceeded its instruction budget";
const NO_MEMORY = "not enough memory";

/** What the trampoline runs inside the protected call. */
const Op = { Setup: 0, Compile: 1, Run: 2, Free: 3 } as const;
type Op = typeof Op[keyof typeof Op];

/**
 * A Lua 5.4 state with its sandbox. Create it once (async), then compile
 * and run scripts synchronously. Not reentrant: a host function cannot run
 * scripts on the engine that called it.
 *
 * @example
 * ```ts
 * import { LuaEngine } from "./engine.ts";
 * const data = new Map([["user:1", "Alice"]]);
 * const lua = await LuaEngine.create({
 *   functions: { get: ([key]) => data.get(key as string) ?? null },
 * });
 * const greet = lua.compile(`return "hello " .. ts.get(KEYS[1])`, "greet");
 * console.log(lua.run(greet, { keys: ["user:1"] })); // "hello Alice"
 * console.log(lua.eval("return 1, 'two', {3}")); // 1
 * console.log(lua.evalMulti("return 1, 'two', {3}")); // [1, "two", [3]]
 * lua.close();
 * ```
 */
export class LuaEngine {
  readonly #api: LuaApi;
  readonly #heap: WasmHeap;
  readonly #cx: LuaContext;
  readonly #L: LuaState;
  readonly #functions: HostFunction[];
  readonly #functionNames: string[];
  readonly #hostTable: string;
  readonly #instructionLimit: number;
  readonly #borrowArgs: boolean;
  readonly #budget: InstructionBudget;
  readonly #memory: MemoryCap | undefined;
  readonly #pointers: number[] = [];
  readonly #cTextMode: number;
  // registry references (set up by the sandbox chunk)
  #runnerRef = 0n;
  #budgetValueRef = 0n;
  // the operation the trampoline runs, and its inputs/outputs
  #op: Op = Op.Setup;
  #script: LuaScript | undefined;
  #options: LuaRunOptions = NO_OPTIONS;
  #source: Uint8Array | string = "";
  #chunkName = 0;
  #loadStatus = 0;
  #compiledRef = 0;
  #freeRef = 0n;
  readonly #evalScripts = new ScriptCache<LuaScript>(EVAL_CACHE_SIZE);
  /** Frees the chunks of scripts dropped without free(). */
  readonly #scripts = new FinalizationRegistry<bigint>((ref) => this.#collected(ref));
  #jsError: unknown = undefined;
  #hostError: Error | undefined;
  #bytes = false;
  #busy = false;
  #closed = false;

  /**
   * Loads the Lua module (once per process and wasm file) and builds a state
   * with its sandbox and host functions.
   *
   * @example
   * ```ts
   * import { LuaEngine } from "./engine.ts";
   * const lua = await LuaEngine.create({ instructionLimit: 1e6, memoryLimitBytes: 8 << 20 });
   * console.log(lua.eval("return 6 * 7")); // 42
   * lua.close();
   * ```
   */
  static async create(options: LuaEngineOptions = {}): Promise<LuaEngine> {
    return new LuaEngine(await loadLuaApi(options.wasmFile), options);
  }

  private constructor(api: LuaApi, options: LuaEngineOptions) {
    const limit = options.instructionLimit ?? DEFAULT_INSTRUCTION_LIMIT;
    checkLimit(limit, "instructionLimit");
    const memoryLimit = options.memoryLimitBytes ?? DEFAULT_MEMORY_LIMIT;
    checkLimit(memoryLimit, "memoryLimitBytes");
    this.#api = api;
    this.#instructionLimit = limit;
    this.#borrowArgs = options.borrowHostArgs === true;
    this.#hostTable = options.hostTable ?? "ts";
    const functions = Object.entries(options.functions ?? {});
    this.#functionNames = functions.map(([name]) => name);
    this.#functions = functions.map(([, fn]) => fn);
    this.#heap = new WasmHeap(api);
    this.#memory = memoryLimit === Infinity ? undefined : new MemoryCap(api, memoryLimit);
    const L = this.#memory === undefined ? api._luaL_newstate() : api._lua_newstate(this.#memory.allocPtr, 0);
    if (L === 0) {
      this.#memory?.dispose();
      this.#heap.free();
      throw new LuaMemoryError(memoryLimit);
    }
    this.#L = L;
    this.#cx = { api, heap: this.#heap, L };
    this.#budget = new InstructionBudget(api, (L) => this.#raise(L, this.#budgetValueRef));
    this.#pointers.push(
      api.addFunction((L: number) => this.#trampoline(L), "ii"),
      api.addFunction((L: number) => this.#callHost(L), "ii"),
      api.addFunction((L: number) => this.#budgetSpent(L), "ii"),
      api.addFunction((L: number) => this.#panic(L), "ii"),
    );
    api._lua_atpanic(L, this.#pointers[3]);
    const heap = this.#heap;
    this.#cTextMode = heap.cString("t");
    this.#chunkName = heap.cString("=sandbox");
    const status = this.#protect(Op.Setup);
    if (status !== LuaStatus.ok) {
      const error = this.#failure(status, "runtime", "sandbox");
      this.close();
      throw error;
    }
  }

  /** Bytes the Lua state holds (undefined when the engine has no memory cap). */
  get memoryUsed(): number | undefined {
    return this.#memory?.used;
  }

  /**
   * Compiles `source` (text; binary chunks are refused) once; run the
   * result any number of times. `name` appears in error messages as
   * `name:line:` (default "script"). Throws a {@linkcode LuaScriptError}
   * with phase "compile" on a syntax error.
   *
   * @example
   * ```ts
   * import { LuaEngine } from "./engine.ts";
   * const lua = await LuaEngine.create();
   * const add = lua.compile("local a, b = ... return a + b", "add");
   * console.log(lua.run(add, { args: [1, 2] }), lua.run(add, { args: [40, 2] })); // 3 42
   * lua.close();
   * ```
   */
  compile(source: string | Uint8Array, name = "script"): LuaScript {
    this.#enter();
    const api = this.#api;
    let chunkName = 0;
    try {
      chunkName = this.#heap.cString("=" + name);
      this.#source = source;
      this.#chunkName = chunkName;
      const status = this.#protect(Op.Compile);
      if (status !== LuaStatus.ok) {
        throw this.#failure(this.#loadStatus !== LuaStatus.ok ? this.#loadStatus : status, "compile", name);
      }
      const script = new LuaScript(this, name, BigInt(this.#compiledRef));
      this.#scripts.register(script, script.ref, script);
      return script;
    } finally {
      this.#source = "";
      this.#heap.freeCString(chunkName);
      api._lua_settop(this.#L, 0);
      this.#busy = false;
    }
  }

  /**
   * Runs `script` and returns its first result (`null` when it returns
   * nothing). Throws {@linkcode LuaScriptError} (an uncaught Lua error),
   * {@linkcode LuaBudgetError} or {@linkcode LuaMemoryError}; the engine
   * stays usable after any of them.
   *
   * @example
   * ```ts
   * import { LuaEngine } from "./engine.ts";
   * const lua = await LuaEngine.create();
   * const script = lua.compile("return ARGV[1] .. KEYS[1]");
   * console.log(lua.run(script, { keys: ["b"], args: ["a"] })); // "ab"
   * console.log(lua.run(script, { keys: ["b"], args: ["a"], bytes: true })); // Uint8Array [97, 98]
   * lua.close();
   * ```
   */
  run(script: LuaScript, options: LuaRunOptions = NO_OPTIONS): LuaValue {
    this.#start(script, options);
    try {
      this.#finishRun();
      const api = this.#api;
      return api._lua_gettop(this.#L) === 0 ? null : readValue(this.#cx, 1, options.bytes === true);
    } finally {
      this.#end();
    }
  }

  /**
   * Runs `script` and returns all its results.
   *
   * @example
   * ```ts
   * import { LuaEngine } from "./engine.ts";
   * const lua = await LuaEngine.create();
   * const script = lua.compile("return 1, nil, 'x'");
   * console.log(lua.runMulti(script)); // [1, null, "x"]
   * lua.close();
   * ```
   */
  runMulti(script: LuaScript, options: LuaRunOptions = NO_OPTIONS): LuaValue[] {
    this.#start(script, options);
    try {
      this.#finishRun();
      return readValues(this.#cx, 1, options.bytes === true);
    } finally {
      this.#end();
    }
  }

  /**
   * Runs `source` once and returns its first result. The last 64 distinct
   * sources given as strings stay compiled (chunk name "eval"), so
   * evaluating the same text again costs about a run.
   *
   * @example
   * ```ts
   * import { LuaEngine } from "./engine.ts";
   * const lua = await LuaEngine.create();
   * console.log(lua.eval("return {1, 2, x = 3}")); // { "1": 1, "2": 2, x: 3 }
   * lua.close();
   * ```
   */
  eval(source: string | Uint8Array, options?: LuaRunOptions): LuaValue {
    if (typeof source === "string") {
      return this.run(this.#evalScripts.get(source, () => this.compile(source, "eval")), options);
    }
    const script = this.compile(source, "eval");
    try {
      return this.run(script, options);
    } finally {
      this.free(script);
    }
  }

  /**
   * Runs `source` once and returns all its results (compiled scripts are
   * kept as for {@linkcode LuaEngine.eval}).
   *
   * @example
   * ```ts
   * import { LuaEngine } from "./engine.ts";
   * const lua = await LuaEngine.create();
   * console.log(lua.evalMulti("return ...", { args: ["a", 2] })); // ["a", 2]
   * lua.close();
   * ```
   */
  evalMulti(source: string | Uint8Array, options?: LuaRunOptions): LuaValue[] {
    if (typeof source === "string") {
      return this.runMulti(this.#evalScripts.get(source, () => this.compile(source, "eval")), options);
    }
    const script = this.compile(source, "eval");
    try {
      return this.runMulti(script, options);
    } finally {
      this.free(script);
    }
  }

  /**
   * Releases a compiled script (same as {@linkcode LuaScript.free}); freeing
   * twice does nothing.
   *
   * @example
   * ```ts
   * import { LuaEngine } from "./engine.ts";
   * const lua = await LuaEngine.create();
   * const script = lua.compile("return 1");
   * lua.free(script);
   * lua.close();
   * ```
   */
  free(script: LuaScript): void {
    if (script.engine !== this) throw new TypeError("the script belongs to another Lua engine");
    if (script.ref === 0n || this.#closed) return;
    this.#enter();
    this.#unref(script.ref);
    script.ref = 0n;
    this.#scripts.unregister(script);
  }

  /**
   * Closes the Lua state and releases its memory; the engine and its
   * scripts cannot be used afterwards.
   *
   * @example
   * ```ts
   * import { LuaEngine } from "./engine.ts";
   * const lua = await LuaEngine.create();
   * lua.close();
   * ```
   */
  close(): void {
    if (this.#closed) return;
    if (this.#busy) throw new VeidrodelisError("ARGUMENT", "a Lua engine cannot be closed while it runs a script");
    this.#closed = true;
    const api = this.#api;
    api._lua_close(this.#L);
    for (const ptr of this.#pointers) api.removeFunction(ptr);
    this.#budget.dispose();
    this.#memory?.dispose();
    this.#heap.free();
  }

  // ---- running

  #enter(): void {
    if (this.#closed) throw new VeidrodelisError("CLOSED", "the Lua engine is closed");
    if (this.#busy) {
      throw new VeidrodelisError("ARGUMENT", "the Lua engine is already running a script (not reentrant)");
    }
    this.#busy = true;
  }

  #start(script: LuaScript, options: LuaRunOptions): void {
    if (script.engine !== this) throw new TypeError("the script belongs to another Lua engine");
    if (script.ref === 0n) throw new VeidrodelisError("ARGUMENT", `the Lua script "${script.name}" was freed`);
    const limit = options.instructionLimit ?? this.#instructionLimit;
    if (limit !== this.#instructionLimit) checkLimit(limit, "instructionLimit");
    this.#enter();
    this.#script = script;
    this.#options = options;
    this.#bytes = options.bytes === true;
    this.#hostError = undefined;
    this.#budget.arm(this.#L, limit);
  }

  /** Drops a chunk's registry reference (the caller has entered). */
  #unref(ref: bigint): void {
    try {
      this.#freeRef = ref;
      this.#protect(Op.Free);
    } finally {
      this.#api._lua_settop(this.#L, 0);
      this.#busy = false;
    }
  }

  /** A script was garbage-collected without free(): finalization callbacks never run inside a run. */
  #collected(ref: bigint): void {
    if (this.#closed || this.#busy) return;
    this.#busy = true;
    this.#unref(ref);
  }

  #finishRun(): void {
    const status = this.#protect(Op.Run);
    if (status !== LuaStatus.ok) throw this.#failure(status, "runtime", this.#script!.name);
  }

  #end(): void {
    this.#api._lua_settop(this.#L, 0);
    this.#script = undefined;
    this.#options = NO_OPTIONS;
    this.#busy = false;
  }

  /** Calls the trampoline (which runs `op`) in protected mode; returns the status. */
  #protect(op: Op): number {
    const api = this.#api, L = this.#L;
    this.#op = op;
    this.#jsError = undefined;
    api._lua_settop(L, 0);
    api._lua_pushcclosure(L, this.#pointers[0], 0);
    return api._lua_pcallk(L, 0, LUA_MULTRET, 0, 0, 0);
  }

  #trampoline(L: LuaState): number {
    try {
      switch (this.#op) {
        case Op.Run:
          return this.#runChunk(L);
        case Op.Compile:
          return this.#loadChunk(L);
        case Op.Free:
          this.#api._luaL_unref(L, LUA_REGISTRYINDEX, Number(this.#freeRef));
          return 0;
        case Op.Setup:
          return this.#buildSandbox(L);
      }
    } catch (e) {
      if (e === Infinity) throw e; // a Lua error unwinding: not ours to catch
      this.#jsError = e;
    }
    this.#api._lua_settop(L, 0);
    this.#api._lua_pushnil(L);
    return this.#api._lua_error(L);
  }

  /** Calls the sandbox's runner: run(chunk, KEYS, ARGV, ...args); leaves the results. */
  #runChunk(L: LuaState): number {
    const api = this.#api, cx = this.#cx, options = this.#options;
    api._lua_rawgeti(L, LUA_REGISTRYINDEX, this.#runnerRef);
    api._lua_rawgeti(L, LUA_REGISTRYINDEX, this.#script!.ref);
    const keys = options.keys, args = options.args ?? NO_ARGS;
    // absent lists are nil here: the runner makes them empty tables without leaving Lua
    if (keys === undefined || keys.length === 0) api._lua_pushnil(L);
    else pushValue(cx, keys);
    if (args.length === 0) api._lua_pushnil(L);
    else {
      pushValue(cx, args);
      if (api._lua_checkstack(L, args.length) === 0) throw new RangeError("too many arguments for a Lua script");
      for (const arg of args) pushValue(cx, arg);
    }
    api._lua_callk(L, 3 + args.length, LUA_MULTRET, 0, 0);
    return api._lua_gettop(L);
  }

  #loadChunk(L: LuaState): number {
    const api = this.#api, heap = this.#heap, source = this.#source;
    const len = typeof source === "string" ? heap.putString(source) : heap.putBytes(source);
    const status = api._luaL_loadbufferx(L, heap.scratch, len, this.#chunkName, this.#cTextMode);
    this.#loadStatus = status;
    if (status !== LuaStatus.ok) return api._lua_error(L);
    this.#compiledRef = api._luaL_ref(L, LUA_REGISTRYINDEX);
    return 0;
  }

  /** Opens the libraries, builds the host table and runs the sandbox chunk (see sandbox.ts). */
  #buildSandbox(L: LuaState): number {
    const api = this.#api, heap = this.#heap;
    api._luaL_openlibs(L);
    const len = heap.putString(SANDBOX_SOURCE); // first: it may move the scratch block
    const status = api._luaL_loadbufferx(L, heap.scratch, len, this.#chunkName, this.#cTextMode);
    if (status !== LuaStatus.ok) return api._lua_error(L);
    api._lua_createtable(L, 0, this.#functionNames.length);
    for (const [id, name] of this.#functionNames.entries()) {
      this.#pushString(L, name);
      api._lua_pushnumber(L, id);
      api._lua_pushcclosure(L, this.#pointers[1], 1);
      api._lua_rawset(L, 2);
    }
    this.#pushString(L, this.#hostTable);
    api._lua_pushcclosure(L, this.#pointers[2], 0);
    this.#pushString(L, BUDGET_VALUE);
    api._lua_pushvalue(L, -1);
    this.#budgetValueRef = BigInt(api._luaL_ref(L, LUA_REGISTRYINDEX));
    api._lua_callk(L, 4, 1, 0, 0);
    this.#runnerRef = BigInt(api._luaL_ref(L, LUA_REGISTRYINDEX));
    return 0;
  }

  #pushString(L: LuaState, s: string): void {
    const heap = this.#heap;
    const len = heap.putString(s);
    this.#api._lua_pushlstring(L, heap.scratch, len);
  }

  // ---- C functions called by Lua

  /** Every host function: upvalue 1 is its index. */
  #callHost(L: LuaState): number {
    const api = this.#api, cx = this.#cx;
    let error: unknown;
    try {
      const fn = this.#functions[api._lua_tonumberx(L, FIRST_UPVALUE, 0)];
      const n = api._lua_gettop(L);
      const args: LuaValue[] = new Array(n);
      for (let i = 0; i < n; i++) args[i] = readValue(cx, i + 1, this.#bytes, 0, this.#borrowArgs);
      const result = fn(args);
      if (result === undefined) return 0;
      if (!(result instanceof LuaMultiReturn)) {
        pushValue(cx, result);
        return 1;
      }
      const values = result.values;
      if (api._lua_checkstack(L, values.length) === 0) throw new RangeError("too many results for Lua");
      for (const value of values) pushValue(cx, value);
      return values.length;
    } catch (e) {
      if (e === Infinity) throw e; // a Lua error unwinding: not ours to catch
      error = e;
    }
    api._lua_settop(L, 0);
    if (error instanceof LuaBudgetError) {
      this.#budget.spend();
      return this.#raise(L, this.#budgetValueRef);
    }
    if (error instanceof LuaMemoryError) return this.#raiseString(L, NO_MEMORY);
    const hostError = this.#hostError = error instanceof Error ? error : new Error(String(error));
    return this.#raiseString(L, errorText(hostError));
  }

  /** The sandbox asks, after a caught error, whether the budget is spent. */
  #budgetSpent(L: LuaState): number {
    this.#api._lua_pushboolean(L, this.#budget.spent ? 1 : 0);
    return 1;
  }

  /** An error outside any protected call: the state cannot go on (throwing avoids the module's abort()). */
  #panic(L: LuaState): number {
    const message = this.#errorMessage(L, -1);
    this.#closed = true;
    throw new LuaScriptError(`Lua panic (the engine is now unusable): ${message}`, "runtime");
  }

  #raise(L: LuaState, ref: bigint): number {
    this.#api._lua_rawgeti(L, LUA_REGISTRYINDEX, ref);
    return this.#api._lua_error(L);
  }

  #raiseString(L: LuaState, message: string): number {
    this.#pushString(L, message);
    return this.#api._lua_error(L);
  }

  // ---- errors

  /** The error to throw for a failed protected call (the error value is on the top of the stack). */
  #failure(status: number, phase: "compile" | "runtime", chunk: string): Error {
    const jsError = this.#jsError;
    if (jsError !== undefined) {
      this.#jsError = undefined;
      return jsError instanceof Error ? jsError : new Error(String(jsError));
    }
    if (phase === "runtime" && this.#budget.spent) return new LuaBudgetError(this.#budget.limit);
    const message = this.#errorMessage(this.#L, -1);
    if (status === LuaStatus.memory || message === NO_MEMORY) return new LuaMemoryError(this.#memory?.limit);
    const host = this.#hostError;
    const cause = host !== undefined && message.includes(host.message) ? host : undefined;
    return new LuaScriptError(message || `${chunk}: error`, phase, cause === undefined ? undefined : { cause });
  }

  /** A printable form of an error value, without calling into Lua (no __tostring: it could fail). */
  #errorMessage(L: LuaState, index: number): string {
    const api = this.#api;
    switch (api._lua_type(L, index)) {
      case LuaType.string: {
        const heap = this.#heap;
        const ptr = api._lua_tolstring(L, index, heap.lenPtr);
        return heap.decode(ptr, heap.len);
      }
      case LuaType.number:
        return String(api._lua_tonumberx(L, index, 0));
      case LuaType.nil:
        return "nil";
      case LuaType.boolean:
        return String(api._lua_toboolean(L, index) !== 0);
      default:
        return `(error object is a ${typeName(api._lua_type(L, index))} value)`;
    }
  }
}

/** A host error as Lua sees it: "CODE message", as Redis error replies read (unless the message starts with its code). */
function errorText(error: Error): string {
  const code = (error as { code?: unknown }).code;
  return typeof code === "string" && code !== "" && !error.message.startsWith(code)
    ? `${code} ${error.message}`
    : error.message;
}

function typeName(type: number): string {
  return ["nil", "boolean", "userdata", "number", "string", "table", "function", "userdata", "thread"][type] ?? "?";
}

function checkLimit(value: number, name: string): void {
  if (!(value === Infinity || (Number.isSafeInteger(value) && value > 0))) {
    throw new VeidrodelisError("ARGUMENT", `${name} must be a positive integer or Infinity, got ${value}`);
  }
}
