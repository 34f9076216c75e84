/**
 * Detection of a primary that keeps dropping the mirror during full
 * resyncs. The usual cause: the primary's `client-output-buffer-limit
 * replica` (256 MB hard, 64 MB for 60 s soft by default) is exceeded while
 * the replica loads the RDB, so the primary closes the connection and the
 * next attempt starts over, forever.
 *
 * @module
 */

import { ConnectionError } from "../errors.ts";

/** Full resyncs ending before going live, in a row, from which each further one is reported. */
export const REPEATED_FULL_SYNC_FAILURES = 3;

/**
 * Several full resyncs in a row failed before going live. Emitted as an
 * "error" event at each further failure; the mirror keeps retrying with a
 * growing delay (and the previous projection keeps serving reads).
 *
 * @example
 * ```ts
 * import { FullSyncLoopError } from "./sync_loop.ts";
 * const error = new FullSyncLoopError(3, "10.0.0.5:6379");
 * console.log(error.code, error.failures); // "CONNECTION" 3
 * ```
 */
export class FullSyncLoopError extends ConnectionError {
  /** Full resyncs in a row that failed. */
  readonly failures: number;
  /** `failures` resyncs in a row from `primary` (`host:port`, for the message) failed. */
  constructor(failures: number, primary: string) {
    super(
      `${failures} full resyncs in a row from ${primary} were dropped before the snapshot went live. ` +
        `The primary most likely closes the replica connection when its output buffer for the replica ` +
        `outgrows 'client-output-buffer-limit replica' (writes pile up while the snapshot transfers): ` +
        `raise it on the primary, e.g. CONFIG SET client-output-buffer-limit "replica 1gb 512mb 120", ` +
        `or check the primary's log for "scheduled to be closed ASAP for overcoming of output buffer limits". ` +
        `The mirror keeps retrying with a growing delay.`,
    );
    this.failures = failures;
  }
}
