/**
 * Small helpers shared by the benchmarks: timing by batches, heap measurement
 * per runtime, table printing.
 */

import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { seededRandom } from "../tests/_support/random.ts";

/** Which runtime runs the bench. */
export const runtime: string = typeof (globalThis as { Bun?: unknown }).Bun !== "undefined"
  ? "bun"
  : typeof (globalThis as { Deno?: unknown }).Deno !== "undefined"
  ? "deno"
  : "node";

/** Runs `body(batch)` for `batches` batches of `perBatch` operations; returns the median ns per operation. */
export function medianNs(batches: number, perBatch: number, body: (batch: number) => void): number {
  const samples: number[] = [];
  for (let b = 0; b < batches; b++) {
    const start = performance.now();
    body(b);
    samples.push(((performance.now() - start) * 1e6) / perBatch);
  }
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)];
}

/**
 * Like {@link medianNs} for several contenders at once, their batches taking
 * turns (a, b, c, a, b, c, …): the median ns per operation of each.
 */
export function interleavedMedianNs(batches: number, perBatch: number, bodies: (() => void)[]): number[] {
  const samples: number[][] = bodies.map(() => []);
  for (let b = 0; b < batches; b++) {
    bodies.forEach((body, i) => {
      const start = performance.now();
      body();
      samples[i].push(((performance.now() - start) * 1e6) / perBatch);
    });
  }
  return samples.map((s) => median(s));
}

/** Async variant of {@link medianNs}. */
export async function medianNsAsync(
  batches: number,
  perBatch: number,
  body: (batch: number) => Promise<void>,
): Promise<number> {
  const samples: number[] = [];
  for (let b = 0; b < batches; b++) {
    const start = performance.now();
    await body(b);
    samples.push(((performance.now() - start) * 1e6) / perBatch);
  }
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)];
}

/** Forces a full garbage collection where the runtime allows it. */
export function collectGarbage(): void {
  const g = globalThis as { gc?: () => void; Bun?: { gc(sync: boolean): void } };
  if (g.Bun) g.Bun.gc(true);
  else if (typeof g.gc === "function") g.gc();
}

/**
 * Bytes of JS heap in use, after a collection. Bun's `heapUsed` includes
 * external memory (ArrayBuffers, the WASM memory itself, counted per view),
 * so it is taken out there: the WASM memory is counted on its own.
 */
export function heapUsed(): number {
  collectGarbage();
  collectGarbage();
  const usage = process.memoryUsage();
  return runtime === "bun" ? usage.heapUsed - usage.external : usage.heapUsed;
}

/** A deterministic PRNG (mulberry32). */
export { seededRandom as prng };

/** Prints rows as an aligned table. */
export function printTable(header: string[], rows: (string | number)[][]): void {
  const cells = [header, ...rows.map((r) => r.map(String))];
  const widths = header.map((_, i) => Math.max(...cells.map((r) => r[i].length)));
  for (const [n, row] of cells.entries()) {
    console.log(row.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  "));
    if (n === 0) console.log(widths.map((w) => "-".repeat(w)).join("  "));
  }
}

/**
 * Measures how long the event loop stays blocked: a 1 ms timer chain
 * records the longest gap between its ticks (a gap includes the timer's own
 * millisecond).
 */
export class PauseProbe {
  #last = 0;
  #max = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #running = false;

  /** Starts (or restarts) measuring. */
  start(): void {
    this.#max = 0;
    this.#running = true;
    this.#last = performance.now();
    const tick = () => {
      const now = performance.now();
      if (now - this.#last > this.#max) this.#max = now - this.#last;
      this.#last = now;
      if (this.#running) this.#timer = setTimeout(tick, 1);
    };
    this.#timer = setTimeout(tick, 1);
  }

  /** Stops; returns the longest gap seen, in ms. */
  stop(): number {
    this.#running = false;
    clearTimeout(this.#timer);
    const now = performance.now();
    return Math.max(this.#max, now - this.#last);
  }
}

/**
 * The calling thread's time spent ready to run but waiting for a CPU so
 * far, in ms (Linux schedstat; null where /proc does not tell).
 */
export function runQueueWait(): number | null {
  try {
    return Number(fs.readFileSync("/proc/thread-self/schedstat", "utf8").split(" ")[1]) / 1e6;
  } catch {
    return null;
  }
}

/** The median of some numbers. */
export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** One table of results: what `bench/all.ts` prints and writes to JSON. */
export interface Section {
  /** Short id (`reads`, `sync`, ...). */
  id: string;
  title: string;
  header: string[];
  rows: (string | number)[][];
  /** Lines printed under the table. */
  notes?: string[];
  /** Raw figures for the JSON file. */
  data?: Record<string, unknown>;
}

/** Prints a section: title, table, notes. */
export function printSection(section: Section): void {
  console.log(`\n## ${section.title}\n`);
  printTable(section.header, section.rows);
  for (const note of section.notes ?? []) console.log(note);
}

/** True when `moduleUrl` (pass `import.meta.url`) is the script the runtime was started with. */
export function isMain(moduleUrl: string): boolean {
  const script = process.argv[1];
  if (script === undefined) return false;
  const strip = (p: string) => p.replace(/\.(ts|js|mjs)$/, "");
  return strip(fileURLToPath(moduleUrl)) === strip(path.resolve(script));
}

/** `a / b` as `0.00x`. */
export const times = (a: number, b: number, digits = 2): string => `${(a / b).toFixed(digits)}x`;

/** "ok" / "MISS" for a goal check. */
export const verdict = (ok: boolean): string => (ok ? "ok" : "MISS");

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Enables `gc()` on Node when it was not started with `--expose-gc`, then collects. */
export async function settleHeap(): Promise<void> {
  if (runtime !== "bun" && typeof (globalThis as { gc?: unknown }).gc !== "function") {
    try {
      const v8 = await import("node:v8");
      const vm = await import("node:vm");
      v8.setFlagsFromString("--expose-gc");
      (globalThis as { gc?: unknown }).gc = vm.runInNewContext("gc");
    } catch {
      // no way to collect
    }
  }
  collectGarbage();
}
