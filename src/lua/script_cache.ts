/**
 * The compiled scripts of `eval`, kept by source so that evaluating the same
 * text again skips compiling it (most of eval's cost), as Redis keeps the
 * scripts of EVAL.
 *
 * @module
 */

/** What the cache holds: anything that can be freed. */
export interface Freeable {
  free(): void;
}

/**
 * A least-recently-used map from source text to compiled script; evicted
 * scripts are freed.
 *
 * @example
 * ```ts
 * import { ScriptCache } from "./script_cache.ts";
 * const cache = new ScriptCache<{ free(): void }>(2);
 * const script = cache.get("return 1", () => ({ free() {} }));
 * console.log(cache.get("return 1", () => ({ free() {} })) === script); // true
 * ```
 */
export class ScriptCache<T extends Freeable> {
  readonly #capacity: number;
  // a Map iterates in insertion order: re-inserting on use keeps the least recently used first
  readonly #scripts = new Map<string, T>();

  constructor(capacity: number) {
    this.#capacity = capacity;
  }

  /** The script compiled from `source`, compiling it with `compile` when absent. */
  get(source: string, compile: () => T): T {
    const scripts = this.#scripts;
    let script = scripts.get(source);
    if (script !== undefined) {
      scripts.delete(source);
    } else {
      script = compile();
      if (scripts.size >= this.#capacity) {
        const [oldest, evicted] = scripts.entries().next().value!;
        scripts.delete(oldest);
        evicted.free();
      }
    }
    scripts.set(source, script);
    return script;
  }
}
