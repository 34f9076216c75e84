/**
 * Pacing of RDB loads: decode in slices sized by measured speed, and yield
 * to the event loop once a stretch of work has run long enough, so a large
 * load never stalls timers and I/O for long.
 *
 * @module
 */

import { setImmediate } from "node:timers";
import type { Transport } from "../net/mod.ts";

/**
 * Sizes the slices fed to the decoder so that each takes about
 * TARGET_SLICE_MS: small at first (cold code runs slowly), then following
 * how fast the input actually decodes (LZF strings are much slower per byte
 * than plain elements).
 */
export class Slicer {
  /** Bytes to feed next. */
  size = 1024;

  /** A slice of `bytes` took `ms`: the next one is sized by that rate. */
  took(bytes: number, ms: number): void {
    if (bytes < this.size) return; // a short tail says nothing about the rate
    if (ms < TARGET_SLICE_MS / 2) this.size = Math.min(MAX_SLICE, this.size * 2);
    else if (ms > TARGET_SLICE_MS * 2) this.size = Math.max(MIN_SLICE, this.size >> 1);
  }
}

const TARGET_SLICE_MS = 0.5;
const MIN_SLICE = 512;
const MAX_SLICE = 256 * 1024;

/** A transport that can stop reading for a while (optional: see {@linkcode LoadPacer}). */
interface Pausable {
  pause(): void;
  resume(): void;
}

/** Longest stretch of RDB decoding before a paced load yields to the event loop, in ms. */
const PACED_BUSY_MS = 2;

/**
 * Keeps a full sync (or a backlog) from stalling the event loop: the input
 * is decoded in slices of about half a millisecond, and once a stretch of
 * work passes PACED_BUSY_MS the rest waits in the link's queue and the work
 * resumes after timers and I/O had their turn.
 *
 * The transport is only paused when the queue holds more than QUEUE_HIGH_WATER
 * bytes: pausing and resuming a socket at every yield cost Bun up to 1.7 ms
 * of idle time each, halving the throughput, while the queue between two
 * yields holds what one event-loop turn reads. Pausing at the high-water
 * mark keeps memory bounded: the primary simply waits, as for any slow
 * replica.
 *
 * Only for transports with pause()/resume(); without them each chunk is
 * decoded as it arrives.
 */
export class LoadPacer {
  readonly #transport: Pausable;
  readonly #slicer = new Slicer();
  /** When the current stretch of work began (0: none running). */
  #since = 0;
  /** Work is waiting for the event loop's turn (input queues meanwhile). */
  #waiting = false;
  /** The transport itself is paused (the queue passed its high-water mark). */
  #transportPaused = false;
  #drainPending = false;
  #ended = false;

  private constructor(transport: Pausable) {
    this.#transport = transport;
  }

  static for(transport: Transport | null): LoadPacer | null {
    const t = transport as (Transport & Partial<Pausable>) | null;
    if (t === null || typeof t.pause !== "function" || typeof t.resume !== "function") return null;
    return new LoadPacer(t as Transport & Pausable);
  }

  /** Bytes to hand the decoder next. */
  get slice(): number {
    return this.#slicer.size;
  }

  took(bytes: number, ms: number): void {
    this.#slicer.took(bytes, ms);
  }

  /** Input arrived: starts a stretch of work unless one is running. */
  begin(): void {
    if (this.#since === 0) this.#startStretch();
  }

  /**
   * A stretch lasts until the runtime gets back to its loop (an immediate
   * runs then): input that arrives in the same turn after the queue was
   * drained continues it, instead of starting with a fresh budget.
   */
  #startStretch(): void {
    this.#since = performance.now();
    setImmediate(() => {
      if (!this.#waiting) this.#since = 0;
    });
  }

  /** True once the current stretch of work has run long enough (starts one when none is running). */
  spent(): boolean {
    if (this.#since === 0) {
      this.begin();
      return false;
    }
    return performance.now() - this.#since >= PACED_BUSY_MS;
  }

  /** True while work waits for its turn (input that arrives meanwhile must queue behind it). */
  get paused(): boolean {
    return this.#waiting;
  }

  /** `queuedBytes` wait in the link: past the high-water mark, the transport stops reading. */
  queued(queuedBytes: number): void {
    if (queuedBytes <= QUEUE_HIGH_WATER || this.#transportPaused || this.#ended) return;
    this.#transportPaused = true;
    this.#transport.pause();
  }

  /** Runs `drain` after the event loop had a turn (once, however often called meanwhile). */
  pause(drain: () => void): void {
    this.#waiting = true;
    if (this.#drainPending) return;
    this.#drainPending = true;
    yieldToEventLoop().then(() => {
      this.#drainPending = false;
      if (this.#ended) return;
      this.#startStretch();
      drain();
    });
  }

  /** Everything queued ran: read again. */
  resume(): void {
    if (!this.#waiting) return;
    this.#waiting = false;
    if (this.#transportPaused && !this.#ended) this.#transport.resume();
    this.#transportPaused = false;
  }

  /** The load is over (or the link closed): reading goes on unpaced. */
  end(): void {
    this.#ended = true;
    this.#waiting = false;
    if (this.#transportPaused) {
      this.#transportPaused = false;
      this.#transport.resume();
    }
  }
}

/** Bytes the link may queue while work waits for its turn before the transport is paused. */
const QUEUE_HIGH_WATER = 4 << 20;

/**
 * Lets timers and I/O run: two macrotask turns. One is not enough on Node:
 * a load resumed by a file read runs in the poll phase, and an immediate
 * queued there runs in the same loop turn, before the timers.
 */
export async function yieldToEventLoop(): Promise<void> {
  await new Promise((resolve) => setImmediate(resolve));
  await new Promise((resolve) => setImmediate(resolve));
}
