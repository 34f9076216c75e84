/**
 * Small helpers shared by the benchmarks: timing by batches, heap measurement
 * per runtime, table printing.
 */

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
