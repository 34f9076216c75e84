/**
 * Watch events as an async iterator (`for await`), with a bounded queue.
 *
 * Overflow policy: when `maxQueued` events wait and another arrives, the
 * queued events are dropped and replaced by one `overflow` event counting
 * them; new events queue behind it. A consumer that sees `overflow` fell
 * behind and re-reads what it watches, as after `init`. Memory stays
 * bounded however slow the consumer is, and no change goes unnoticed.
 *
 * @module
 */

import type { WatchEvent } from "./events.ts";

/** Default bound of a watch iterator's queue. */
export const DEFAULT_MAX_QUEUED = 10_000;

/**
 * An async iterator fed by a watch callback.
 *
 * @example
 * ```ts
 * import { WatchStream } from "./stream.ts";
 * const stream = new WatchStream(() => {}, 100);
 * stream.push({ type: "init" });
 * const { value } = await stream.next();
 * console.log(value.type); // "init"
 * stream.stop();
 * ```
 */
export class WatchStream implements AsyncIterableIterator<WatchEvent>, Disposable {
  readonly #unwatch: () => void;
  readonly #max: number;
  #queue: WatchEvent[] = [];
  #waiting: ((result: IteratorResult<WatchEvent>) => void) | null = null;
  #done = false;

  /** `unwatch` stops the underlying watch when the iterator ends. */
  constructor(unwatch: () => void, maxQueued: number = DEFAULT_MAX_QUEUED, signal?: AbortSignal) {
    this.#unwatch = unwatch;
    this.#max = Math.max(1, maxQueued);
    if (signal?.aborted) this.stop();
    else signal?.addEventListener("abort", () => this.stop(), { once: true });
  }

  /** Delivers an event (the watch callback). */
  push(event: WatchEvent): void {
    if (this.#done) return;
    if (this.#waiting !== null) {
      const resolve = this.#waiting;
      this.#waiting = null;
      resolve({ value: event, done: false });
      return;
    }
    if (this.#queue.length >= this.#max) {
      const dropped = this.#queue.reduce((n, e) => n + (e.type === "overflow" ? e.dropped : 1), 0);
      this.#queue = [{ type: "overflow", dropped }];
    }
    this.#queue.push(event);
  }

  /** Events waiting to be taken. */
  get queued(): number {
    return this.#queue.length;
  }

  /** The next event; waits for one, or resolves as done once the stream stopped. */
  next(): Promise<IteratorResult<WatchEvent>> {
    if (this.#queue.length > 0) return Promise.resolve({ value: this.#queue.shift()!, done: false });
    if (this.#done) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve) => this.#waiting = resolve);
  }

  /** Ends the iteration (a `break` out of `for await` calls it). */
  return(): Promise<IteratorResult<WatchEvent>> {
    this.stop();
    return Promise.resolve({ value: undefined, done: true });
  }

  /** Stops watching; a pending `next()` resolves as done, queued events are dropped. */
  stop(): void {
    if (this.#done) return;
    this.#done = true;
    this.#queue = [];
    this.#unwatch();
    const resolve = this.#waiting;
    this.#waiting = null;
    resolve?.({ value: undefined, done: true });
  }

  /** The stream itself (`for await`). */
  [Symbol.asyncIterator](): AsyncIterableIterator<WatchEvent> {
    return this;
  }

  /** Stops the stream (`using`). */
  [Symbol.dispose](): void {
    this.stop();
  }
}
