/**
 * Fuzz the RDB decoder by hand, for large runs:
 *
 * ```
 * node_modules/.bin/tsx tests/rdb/fuzz.ts --cases 200000 --seed 7 [--store-every 10] [--only 1234] [--out DIR] [--corpus synthetic/]
 * deno run -A tests/rdb/fuzz.ts --cases 50000 --seed 8
 * bun tests/rdb/fuzz.ts --cases 50000 --seed 9
 * ```
 *
 * Prints progress and a JSON summary; each failing case is written to
 * `<out>/<seed>-<index>.bin` (default /tmp/rdb-fuzz) with its description, and
 * can be replayed alone with `--seed S --only INDEX`. Exit status 1 when a
 * case failed. See tests/rdb/_fuzz.ts for what is checked.
 */

import { mkdirSync, writeFileSync } from "node:fs";
import process from "node:process";
import { runFuzz } from "./_fuzz.ts";

function arg(name: string, fallback?: number): number | undefined {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const v = Number(process.argv[i + 1]);
  if (!Number.isInteger(v) || v < 0) throw new Error(`--${name} needs a non-negative integer`);
  return v;
}

const cases = arg("cases", 10000)!;
const seed = arg("seed", Date.now() % 1000000)!;
const storeEvery = arg("store-every", 10);
const only = arg("only");
const outIdx = process.argv.indexOf("--out");
const out = outIdx >= 0 ? process.argv[outIdx + 1] : "/tmp/rdb-fuzz";
const corpusIdx = process.argv.indexOf("--corpus");
const corpusFilter = corpusIdx >= 0 ? process.argv[corpusIdx + 1] : undefined;

console.log(
  `fuzzing: ${only !== undefined ? `case ${only}` : `${cases} cases`}, seed ${seed}, store every ${storeEvery}` +
    (corpusFilter ? `, corpus "${corpusFilter}"` : ""),
);
const report = runFuzz({
  cases,
  seed,
  storeEvery,
  only,
  corpusFilter,
  progress: (done, r) =>
    console.log(
      `${done} cases, ${r.failures.length} failures, ${JSON.stringify(r.outcomes)}, max ${r.maxCaseMs} ms/case`,
    ),
});
if (report.failures.length > 0) mkdirSync(out, { recursive: true });
for (const f of report.failures) {
  const base = `${out}/${seed}-${f.index}`;
  writeFileSync(`${base}.bin`, f.input);
  writeFileSync(`${base}.txt`, `${f.source}\n${f.mutations.join(" ")}\n${f.mode}\n${f.error}\n`);
  console.log(`FAILED case ${f.index} (${f.source}; ${f.mutations.join(" ")}; ${f.mode}): ${f.error.split("\n")[0]}`);
}
const { failures, ...summary } = report;
console.log(JSON.stringify({ ...summary, failures: failures.length }, null, 1));
process.exitCode = failures.length > 0 ? 1 : 0;
