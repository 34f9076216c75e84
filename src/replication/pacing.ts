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
 * Keeps a full sync from stalling the event loop: the RDB is decoded in
 * slices of about half a millisecond, and once a stretch of work (all the
 * input the runtime hands over in one go: Node reads up to 32 chunks of
 * 64 KiB per socket event) passes PACED_BUSY_MS, the transport is paused,
 * the rest waits, and the load resumes after timers and I/O had their turn.
 * Pausing the transport keeps memory bounded: the primary simply waits, as
 * for any slow replica.
 *
 * Only for transports with pause()/resume(); without them each chunk is
 * decoded as it arrives.
 */
export class LoadPacer {
  readonly #transport: Pausable;
  readonly #slicer = new Slicer();
  /** When the current stretch of work began (0: none running). */
  #since = 0;
  #paused = false;
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
    if (this.#since !== 0) return;
    this.#since = performance.now();
    // The stretch ends when the runtime gets back to its loop (an immediate runs then).
    setImmediate(() => {
      if (!this.#paused) this.#since = 0;
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

  /** True while reading is paused (input that still arrives must wait behind the queue). */
  get paused(): boolean {
    return this.#paused;
  }

  /** Stops reading and runs `drain` after the event loop had a turn (once, however often called meanwhile). */
  pause(drain: () => void): void {
    if (!this.#paused) this.#transport.pause();
    this.#paused = true;
    if (this.#drainPending) return;
    this.#drainPending = true;
    yieldToEventLoop().then(() => {
      this.#drainPending = false;
      if (this.#ended) return;
      this.#since = performance.now();
      drain();
    });
  }

  /** Everything queued ran: read again. */
  resume(): void {
    if (!this.#paused) return;
    this.#paused = false;
    this.#since = 0;
    if (!this.#ended) this.#transport.resume();
  }

  /** The load is over (or the link closed): reading goes on unpaced. */
  end(): void {
    this.#ended = true;
    if (this.#paused) {
      this.#paused = false;
      this.#transport.resume();
    }
  }
}

/** Wraps anything thrown while processing input into a typed error. */
/**
 * Lets timers and I/O run: two macrotask turns. One is not enough on Node:
 * a load resumed by a file read runs in the poll phase, and an immediate
 * queued there runs in the same loop turn, before the timers.
 */
export async function yieldToEventLoop(): Promise<void> {
  await new Promise((resolve) => setImmediate(resolve));
  await new Promise((resolve) => setImmediate(resolve));
}
