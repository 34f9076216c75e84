/**
 * The progress bar of an RDB load (inspect, and the full sync of `mirror`):
 * redrawn in place on a terminal, at most every 100 ms; nothing but the
 * final line when the output is a file or a pipe.
 *
 * @module
 */

import type { RdbLoadProgress } from "../rdb/mod.ts";
import { formatBytes, formatCount, formatDuration } from "./format.ts";
import type { Output } from "./io.ts";

/** Widest bar drawn, in characters (a wider one shows nothing more). */
const MAX_BAR = 30;
/** Narrowest bar worth drawing; with less room the line goes without it. */
const MIN_BAR = 10;
/** Time between redraws, in ms. */
const REDRAW_MS = 100;

/**
 * One line of progress, at most `width` characters: a bar and a percentage
 * when the total is known, then bytes, keys and time taken.
 *
 * @example
 * ```ts
 * import { formatProgress } from "./progress.ts";
 * formatProgress({ bytes: 512, totalBytes: 1024, keys: 10 }, { width: 80, elapsedMs: 1500 });
 * // "[███████████████░░░░░░░░░░░░░░░]  50%  512 B / 1.00 KiB  10 keys  1.5 s"
 * ```
 */
export function formatProgress(
  progress: RdbLoadProgress,
  options: { width: number; elapsedMs: number; label?: string },
): string {
  const { bytes, totalBytes, keys } = progress;
  const label = options.label === undefined ? "" : `${options.label} `;
  const tail = `${formatCount(keys)} keys  ${formatDuration(options.elapsedMs)}`;
  if (totalBytes === null || totalBytes <= 0) {
    return fit(`${label}${formatBytes(bytes)}  ${tail}`, options.width);
  }
  const ratio = Math.min(1, Math.max(0, bytes / totalBytes));
  const figures = `${String(Math.floor(ratio * 100)).padStart(3)}%  ${formatBytes(bytes)} / ${
    formatBytes(totalBytes)
  }  ${tail}`;
  const room = options.width - label.length - figures.length - 4; // brackets and two spaces
  if (room < MIN_BAR) return fit(`${label}${figures}`, options.width);
  return `${label}[${bar(ratio, Math.min(MAX_BAR, room))}]  ${figures}`;
}

/** `width` cells, the first `ratio` of them full. */
function bar(ratio: number, width: number): string {
  const full = Math.round(ratio * width);
  return "█".repeat(full) + "░".repeat(width - full);
}

function fit(line: string, width: number): string {
  return line.length <= width ? line : line.slice(0, Math.max(0, width - 1)) + "…";
}

/**
 * A progress bar on one output: {@linkcode ProgressBar.update} redraws it
 * (on a terminal, throttled), {@linkcode ProgressBar.done} replaces it with a
 * final line (printed on any output).
 *
 * @example
 * ```ts ignore
 * const bar = new ProgressBar(io.stderr, "loading");
 * bar.update({ bytes: 10, totalBytes: 100, keys: 1 });
 * bar.done("loaded 100 B, 12 keys");
 * ```
 */
export class ProgressBar {
  readonly #out: Output;
  readonly #label: string | undefined;
  readonly #now: () => number;
  readonly #started: number;
  #drawnAt: number;
  #drawn = false;

  /** `label` starts the line; `now` is the clock in ms (tests give their own). */
  constructor(out: Output, label?: string, now: () => number = () => performance.now()) {
    this.#out = out;
    this.#label = label;
    this.#now = now;
    this.#started = now();
    // the first draw waits one period: a load that is over by then never flickers a bar
    this.#drawnAt = this.#started;
  }

  /** Milliseconds since the bar was created. */
  get elapsedMs(): number {
    return this.#now() - this.#started;
  }

  /** Redraws the bar with `progress` (on a terminal, at most every 100 ms). */
  update(progress: RdbLoadProgress): void {
    if (!this.#out.isTTY) return;
    const now = this.#now();
    if (now - this.#drawnAt < REDRAW_MS) return;
    this.#drawnAt = now;
    const line = formatProgress(progress, {
      width: this.#out.columns - 1,
      elapsedMs: now - this.#started,
      label: this.#label,
    });
    this.#out.write(`\r\x1b[2K${line}`);
    this.#drawn = true;
  }

  /** Shows `text` in the bar's place until the next update (on a terminal only): what is awaited before any progress. */
  note(text: string): void {
    if (!this.#out.isTTY) return;
    this.#out.write(`\r\x1b[2K${fit(text, this.#out.columns - 1)}`);
    this.#drawn = true;
  }

  /** Removes the bar (if drawn) and prints `line` in its place, or nothing when `line` is absent. */
  done(line?: string): void {
    this.clear();
    if (line !== undefined) this.#out.write(`${line}\n`);
  }

  /** Removes the bar from the terminal, if drawn. */
  clear(): void {
    if (!this.#drawn) return;
    this.#out.write("\r\x1b[2K");
    this.#drawn = false;
  }
}
