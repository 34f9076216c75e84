/**
 * The two limits of a Lua engine: an instruction budget per run (a count
 * hook) and a memory cap for the whole state (a counting allocator).
 *
 * @module
 */
import { LUA_MASKCOUNT, type LuaApi, type LuaState } from "./wasm.ts";

/** Instructions between two hook calls: the budget's granularity (the hook costs ~0.1 µs). */
const HOOK_STEP = 1000;

/**
 * Counts a run's instructions with `lua_sethook(LUA_MASKCOUNT)` and raises
 * an error once the budget is spent. From then on the hook fires on every
 * instruction and raises again each time, so a script that catches the
 * error cannot go on (the sandbox's `pcall` also re-raises it at once).
 *
 * @example
 * ```ts ignore
 * const budget = new InstructionBudget(api, (L) => raiseBudgetError(L));
 * budget.arm(L, 1_000_000); // before each run
 * ```
 */
export class InstructionBudget {
  readonly #api: LuaApi;
  readonly #raise: (L: LuaState) => void;
  readonly #hookPtr: number;
  #step = HOOK_STEP;
  /** The current run's budget. */
  limit = Infinity;
  /** Instructions counted so far in this run (in steps of the hook interval). */
  used = 0;
  /** True once the budget is spent; stays true until the next `arm`. */
  spent = false;

  /** `raise` must push the error value and call `lua_error` (it does not return). */
  constructor(api: LuaApi, raise: (L: LuaState) => void) {
    this.#api = api;
    this.#raise = raise;
    this.#hookPtr = api.addFunction((L: number) => this.#hook(L), "vii");
  }

  /** Resets the count for a run of at most `limit` instructions (Infinity: no hook). */
  arm(L: LuaState, limit: number): void {
    this.limit = limit;
    this.used = 0;
    this.spent = false;
    if (limit === Infinity) {
      this.#api._lua_sethook(L, 0, 0, 0);
      return;
    }
    this.#step = Math.min(HOOK_STEP, limit);
    // also resets the thread's countdown, so a run never inherits the previous run's
    this.#api._lua_sethook(L, this.#hookPtr, LUA_MASKCOUNT, this.#step);
  }

  /** Marks the budget spent without waiting for the hook (a host function said so). */
  spend(): void {
    this.spent = true;
  }

  /** Removes the hook from the function table. */
  dispose(): void {
    this.#api.removeFunction(this.#hookPtr);
  }

  #hook(L: LuaState): void {
    this.used += this.#step;
    if (this.used <= this.limit && !this.spent) return;
    this.spent = true;
    // every instruction from now on raises again (threads created later copy this setting)
    this.#api._lua_sethook(L, this.#hookPtr, LUA_MASKCOUNT, 1);
    this.#raise(L);
  }
}

/**
 * A `lua_Alloc` that counts the state's live bytes and refuses growth past
 * `limit`. Lua answers a refusal with an emergency collection and a retry,
 * then with an out-of-memory error.
 *
 * @example
 * ```ts ignore
 * const cap = new MemoryCap(api, 16 << 20);
 * const L = api._lua_newstate(cap.allocPtr, 0);
 * ```
 */
export class MemoryCap {
  readonly #api: LuaApi;
  /** The allocator, for `lua_newstate`. */
  readonly allocPtr: number;
  /** The cap in bytes. */
  readonly limit: number;
  /** Bytes the state holds now. */
  used = 0;

  constructor(api: LuaApi, limit: number) {
    this.#api = api;
    this.limit = limit;
    this.allocPtr = api.addFunction(
      // sizes are size_t: unsigned
      (_ud: number, ptr: number, oldSize: number, newSize: number) => this.#alloc(ptr, oldSize >>> 0, newSize >>> 0),
      "iiiii",
    );
  }

  /** Removes the allocator from the function table (after `lua_close`). */
  dispose(): void {
    this.#api.removeFunction(this.allocPtr);
  }

  #alloc(ptr: number, oldSize: number, newSize: number): number {
    const api = this.#api;
    if (newSize === 0) {
      if (ptr !== 0) {
        this.used -= oldSize;
        api._free(ptr);
      }
      return 0;
    }
    // for a new block Lua passes the object's type in oldSize, not a size
    const growth = ptr === 0 ? newSize : newSize - oldSize;
    if (growth > 0 && this.used + growth > this.limit) return 0;
    const block = api._realloc(ptr, newSize);
    if (block !== 0) this.used += growth;
    return block;
  }
}
