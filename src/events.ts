/**
 * A minimal typed event emitter (runtime-neutral: no `node:events`).
 *
 * @module
 */

/**
 * Listener of one event.
 *
 * @example
 * ```ts
 * import { type Listener, Mirror, type MirrorState } from "../mod.ts";
 * const emptyRdb = new Uint8Array([...new TextEncoder().encode("REDIS0011"), 0xff, 0, 0, 0, 0, 0, 0, 0, 0]);
 * const mirror = await Mirror.fromRdb(emptyRdb);
 * const onState: Listener<MirrorState> = (state) => console.log("mirror is", state);
 * mirror.on("state", onState);
 * await mirror.close(); // mirror is closed
 * ```
 */
export type Listener<A> = (payload: A) => void;

/**
 * Typed events keyed by name.
 *
 * @example
 * ```ts
 * import { Emitter } from "./events.ts";
 * const e = new Emitter<{ tick: number }>();
 * const off = e.on("tick", (n) => console.log(n));
 * e.emit("tick", 1);
 * off();
 * ```
 */
export class Emitter<Events extends Record<string, unknown>> {
  #listeners: { [K in keyof Events]?: Set<Listener<Events[K]>> } = {};

  /** Adds a listener; returns a function that removes it. */
  on<K extends keyof Events>(name: K, listener: Listener<Events[K]>): () => void {
    (this.#listeners[name] ??= new Set()).add(listener);
    return () => this.off(name, listener);
  }

  /** Removes a listener. */
  off<K extends keyof Events>(name: K, listener: Listener<Events[K]>): void {
    this.#listeners[name]?.delete(listener);
  }

  /** Calls every listener of `name`; a throwing listener does not stop the others. */
  emit<K extends keyof Events>(name: K, payload: Events[K]): void {
    const set = this.#listeners[name];
    if (!set) return;
    for (const listener of [...set]) {
      try {
        listener(payload);
      } catch (error) {
        queueMicrotask(() => {
          throw error;
        });
      }
    }
  }

  /** True when `name` has listeners. */
  has<K extends keyof Events>(name: K): boolean {
    return (this.#listeners[name]?.size ?? 0) > 0;
  }
}
