/**
 * Lua read transactions: scripts on a sandboxed Lua 5.4 (wasmoon) whose
 * global table `ts` offers every read of the read table, generated from it
 * (`ts.get`, `ts.hget`, `ts.zrange`, …: the same names, arguments and
 * results as the reader methods). A script sees one state of the projection
 * (nothing is applied while it runs), and a failing script never touches
 * replication.
 *
 * Keys, members and other text reach the reads as bytes (binary-safe); read
 * results reach Lua as Lua strings, numbers, `nil` (`false` inside arrays),
 * and tables (arrays, and `{ member = …, score = … }` style records). What
 * the script returns comes back as strings, or as bytes from a bytes reader.
 *
 * @module
 */

import { VeidrodelisError } from "./errors.ts";
import { type HostFunction, LuaEngine, type LuaScript, type LuaValue } from "./lua/mod.ts";
import { checkReadArgs } from "./reads/args.ts";
import { type ReadContext, type ReadDef, readNames, readTable, type Text } from "./reads/mod.ts";

/**
 * Limits and files of the Lua engine (mirror option `lua`).
 *
 * @example
 * ```ts
 * import type { LuaOptions, MirrorOptions } from "../mod.ts";
 * const lua: LuaOptions = { instructionLimit: 10_000_000, memoryLimitBytes: 16 * 1024 * 1024 };
 * const options: MirrorOptions = { url: "redis://127.0.0.1:6379", lua };
 * console.log(options.lua?.instructionLimit);
 * ```
 */
export interface LuaOptions {
  /** Lua instructions one run may execute (default 100,000,000); the run then fails with `LuaBudgetError`. */
  instructionLimit?: number;
  /** Cap on the memory the Lua state holds, in bytes (default 64 MiB); beyond it runs fail with `LuaMemoryError`. */
  memoryLimitBytes?: number;
  /** Path or `file:` URL of wasmoon's `glue.wasm` (default: the file in the wasmoon package). */
  wasmFile?: string | URL;
}

/**
 * Inputs of one run: `KEYS` and `ARGV` as Redis scripts have them.
 *
 * @example
 * ```ts
 * import { Mirror, type ScriptRunOptions } from "../mod.ts";
 * const emptyRdb = new Uint8Array([...new TextEncoder().encode("REDIS0011"), 0xff, 0, 0, 0, 0, 0, 0, 0, 0]);
 * const mirror = await Mirror.fromRdb(emptyRdb);
 * const run: ScriptRunOptions = { keys: ["user:1"], args: ["name", 42] };
 * console.log(await mirror.eval("return { KEYS[1], ARGV[1], ARGV[2] }", run)); // ["user:1", "name", 42]
 * await mirror.close();
 * ```
 */
export interface ScriptRunOptions {
  /** The script's `KEYS`. */
  keys?: readonly (string | Uint8Array)[];
  /** The script's `ARGV` (also its `...`). */
  args?: readonly LuaValue[];
  /** This run's instruction budget instead of the engine's. */
  instructionLimit?: number;
}

/** What a read context must offer to run scripts: a bytes-form twin of itself. */
export interface ScriptContext extends ReadContext {
  /** The same database, reading bytes. */
  readonly asBytes: ReadContext;
}

/**
 * The Lua engine of one mirror with the read table as its `ts` functions.
 *
 * @example
 * ```ts ignore
 * const lua = await LuaReads.create();
 * const script = lua.compile("return ts.get(KEYS[1])");
 * lua.run(mirror, script, { keys: ["user:1:name"] }); // "Alice"
 * ```
 */
export class LuaReads {
  readonly #engine: LuaEngine;
  /** The context of the run in progress (the `ts` functions read through it). */
  #ctx: ReadContext | null = null;

  private constructor(engine: LuaEngine) {
    this.#engine = engine;
  }

  /** Loads Lua (once per process) and builds the engine. */
  static async create(options: LuaOptions = {}): Promise<LuaReads> {
    const functions: Record<string, HostFunction> = {};
    let self: LuaReads | null = null;
    for (const name of readNames) {
      const def = readTable[name] as ReadDef;
      // only score bounds and options tables need converting; everything else passes as Lua gave it
      const convert = def.args.some((kind) => kind === "bound" || kind.startsWith("options"));
      functions[name] = (args) => self!.#call(name, def, convert ? fromLua(def, args) : args);
    }
    const engine = await LuaEngine.create({
      functions,
      instructionLimit: options.instructionLimit,
      memoryLimitBytes: options.memoryLimitBytes,
      wasmFile: options.wasmFile,
      // the reads copy their arguments into the store at once and keep nothing
      borrowHostArgs: true,
    });
    return self = new LuaReads(engine);
  }

  /** Compiles a script once; run it many times with {@linkcode LuaReads.run}. Throws `LuaScriptError` on bad syntax. */
  compile(source: string, name?: string): LuaScript {
    return this.#engine.compile(source, name);
  }

  /** Runs a compiled script against `ctx`'s database; returns its first result. */
  run(ctx: ScriptContext, script: LuaScript, options: ScriptRunOptions = {}): unknown {
    return this.#within(ctx, () => this.#engine.run(script, runOptions(options)));
  }

  /** Compiles (cached by source) and runs a script. */
  eval(ctx: ScriptContext, source: string, options: ScriptRunOptions = {}): unknown {
    return this.#within(ctx, () => this.#engine.eval(source, runOptions(options)));
  }

  /** Releases the Lua state. */
  close(): void {
    this.#engine.close();
  }

  #within(ctx: ScriptContext, run: () => LuaValue): unknown {
    void ctx.store; // NotReadyError before the first sync, not from inside the script
    if (this.#ctx !== null) throw new VeidrodelisError("ARGUMENT", "a read script cannot run another read script");
    this.#ctx = borrowing(ctx.asBytes);
    try {
      const result = run();
      return ctx.bytes ? result : textOf(result);
    } finally {
      this.#ctx = null;
    }
  }

  #call(name: string, def: ReadDef, args: unknown[]): LuaValue {
    const ctx = this.#ctx!;
    checkReadArgs(name, def, args);
    const run = def.run;
    // fixed arities avoid the spread on the hot path (ts.get, ts.hget)
    switch (args.length) {
      case 1:
        return toLua(run(ctx, args[0]));
      case 2:
        return toLua(run(ctx, args[0], args[1]));
      default:
        return toLua(run(ctx, ...args));
    }
  }
}

/**
 * The bytes context of a run, with `borrowed` set: string values may be
 * views into the store, since the bridge copies each result into Lua at
 * once.
 */
function borrowing(ctx: ReadContext): ReadContext {
  return {
    get store() {
      return ctx.store;
    },
    database: ctx.database,
    bytes: true,
    borrowed: true,
    showExpired: ctx.showExpired,
    now: () => ctx.now(),
  };
}

function runOptions(options: ScriptRunOptions) {
  return { keys: options.keys, args: options.args, instructionLimit: options.instructionLimit, bytes: true };
}

const decoder = new TextDecoder();

/**
 * Lua's arguments as the reads take them: bytes stay bytes where text is
 * expected (keys, members, lex bounds), but score bounds and the values of
 * an options table become strings (`{ by = "score" }`, `"(1.5"`).
 */
function fromLua(def: ReadDef, args: LuaValue[]): unknown[] {
  const kinds = def.args;
  const out: unknown[] = new Array(args.length);
  for (let i = 0; i < args.length; i++) {
    const kind = kinds[Math.min(i, kinds.length - 1)] ?? "value";
    const arg = args[i];
    if (kind === "bound" && arg instanceof Uint8Array) out[i] = decoder.decode(arg);
    else if ((kind === "options" || kind === "options?") && isTable(arg)) out[i] = optionsOf(arg);
    else out[i] = arg;
  }
  return out;
}

function isTable(value: unknown): value is Record<string, LuaValue> {
  return typeof value === "object" && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array);
}

function optionsOf(table: Record<string, LuaValue>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(table)) {
    out[key] = value instanceof Uint8Array ? decoder.decode(value) : isTable(value) ? optionsOf(value) : value;
  }
  return out;
}

/** A read's result as a Lua value (`undefined` as nil). */
function toLua(value: unknown): LuaValue {
  return value === undefined ? null : value as LuaValue;
}

/** A script's result with its Lua strings (bytes) decoded as UTF-8, deeply. */
function textOf(value: unknown): unknown {
  if (value instanceof Uint8Array) return decoder.decode(value);
  if (Array.isArray(value)) return value.map(textOf);
  if (isTable(value)) {
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(value)) out[key] = textOf(v);
    return out;
  }
  return value;
}

/**
 * A compiled read script bound to a reader (its database and result form):
 * compile once, run many times, synchronously.
 *
 * @example
 * ```ts ignore
 * const script = await mirror.compile("return ts.hget(KEYS[1], ARGV[1])");
 * script.run({ keys: ["user:1"], args: ["name"] }); // "Alice"
 * script.free();
 * ```
 *
 * @example
 * ```ts
 * import { Mirror } from "../mod.ts";
 * const emptyRdb = new Uint8Array([...new TextEncoder().encode("REDIS0011"), 0xff, 0, 0, 0, 0, 0, 0, 0, 0]);
 * const mirror = await Mirror.fromRdb(emptyRdb);
 * const script = await mirror.compile("return ts.exists(KEYS[1]) == 1 and 'yes' or 'no'");
 * console.log(script.run({ keys: ["user:1"] })); // "no"
 * script.free();
 * await mirror.close();
 * ```
 */
export class ReadScript {
  readonly #lua: LuaReads;
  readonly #script: LuaScript;
  readonly #ctx: ScriptContext;

  /** Made by a reader's `compile`. */
  constructor(lua: LuaReads, script: LuaScript, ctx: ScriptContext) {
    this.#lua = lua;
    this.#script = script;
    this.#ctx = ctx;
  }

  /** Runs the script and returns its first result (strings, or bytes from a bytes reader). */
  run(options: ScriptRunOptions = {}): unknown {
    return this.#lua.run(this.#ctx, this.#script, options);
  }

  /** Releases the compiled script. */
  free(): void {
    this.#script.free();
  }
}

export type { Text };
