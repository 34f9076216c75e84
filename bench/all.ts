/**
 * Every benchmark of issue 8 in one run: one table per section, the goal next
 * to each figure, and the results as JSON in `bench/results/<runtime>-<date>.json`.
 *
 *   node --import tsx bench/all.ts [--quick | --full] [--only reads,sync,...] [--keys N] ...
 *   deno run -A bench/all.ts ...
 *   bun bench/all.ts ...
 *
 * Sizes: `--quick` (a few minutes: 100k keys, 100k-element syncs run once,
 * a 200k-command stream, 200k redis-benchmark requests); default (1M keys,
 * 1M-element syncs, median of 3, a 2M-command stream, 1M requests);
 * `--full` (the default plus the 10M-key point: `--keys 10000000`, and the
 * unpaced/offline full-sync extras). Each size can be set on its own:
 * `--keys`, `--sync-elements`, `--runs`, `--stream-commands`, `--requests`.
 *
 * Sections (`--only`, comma-separated; default all):
 *   reads       point reads: mirror vs JS Map vs ioredis GET; load time at --keys
 *   memory      memory per key (same run as reads): mirror, store used bytes, Map, Redis used_memory
 *   kinds       100-element reads, hget/zscore, read tx, Lua from a script vs ioredis
 *   sync        full sync of strings / set / sorted set vs native replicas (default and swapdb), longest pause
 *   stream      a recorded command stream replayed: Applier, mirror, native replicas; pause during catch-up
 *   keepup      keeping up with redis-benchmark -P 16 -t set; memory peak of a full resync (resync_memory)
 *   lua         Lua call and script costs
 *   watch       watch overhead per applied command
 */
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { fullSync } from "./full_sync.ts";
import { keepUp } from "./keepup.ts";
import { luaCosts } from "./lua.ts";
import { pointReads } from "./reads.ts";
import { readKinds } from "./read_kinds.ts";
import { streamApply } from "./stream.ts";
import { watchOverhead } from "./watch.ts";
import { printSection, runtime, type Section } from "./_util.ts";

const ALL = ["reads", "memory", "kinds", "sync", "stream", "keepup", "lua", "watch"];

function flag(name: string): string | undefined {
  const args = process.argv.slice(2);
  const i = args.indexOf(`--${name}`);
  if (i >= 0) return args[i + 1];
  return args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
}
const has = (name: string) => process.argv.slice(2).includes(`--${name}`);
const num = (name: string, fallback: number) => {
  const v = flag(name);
  if (v === undefined) return fallback;
  const n = Number(v.replace(/_/g, ""));
  if (!(n > 0)) throw new Error(`--${name} needs a positive number, got ${v}`);
  return n;
};

const quick = has("quick");
const full = has("full");
const only = (flag("only") ?? ALL.join(",")).split(",").map((s) => s.trim()).filter(Boolean);
for (const name of only) {
  if (!ALL.includes(name)) throw new Error(`unknown section ${name} (sections: ${ALL.join(", ")})`);
}
const sizes = {
  keys: num("keys", quick ? 100_000 : full ? 10_000_000 : 1_000_000),
  syncElements: num("sync-elements", quick ? 100_000 : 1_000_000),
  runs: num("runs", quick ? 1 : 3),
  streamCommands: num("stream-commands", quick ? 200_000 : 2_000_000),
  requests: num("requests", quick ? 200_000 : 1_000_000),
};
const mode = quick ? "quick" : full ? "full" : "default";
console.log(`bench/all.ts on ${runtime} (${mode}): sections ${only.join(", ")}; sizes ${JSON.stringify(sizes)}`);

const sections: Section[] = [];
const errors: { section: string; error: string }[] = [];
const started = performance.now();
const want = (...names: string[]) => names.some((n) => only.includes(n));

async function run(name: string, body: () => Promise<Section[]> | Section[]): Promise<void> {
  const t = performance.now();
  try {
    for (const section of await body()) {
      if (!only.includes(section.id) && !only.includes(name)) continue;
      printSection(section);
      sections.push(section);
    }
  } catch (e) {
    console.log(`\n## ${name}: FAILED: ${e instanceof Error ? e.stack ?? e.message : String(e)}`);
    errors.push({ section: name, error: String(e) });
  }
  console.error(`(${name}: ${((performance.now() - t) / 1000).toFixed(1)} s)`);
}

if (want("reads", "memory")) await run("reads", () => pointReads(sizes.keys));
if (want("kinds")) await run("kinds", async () => [await readKinds()]);
if (want("sync")) {
  await run("sync", () => fullSync({ elements: sizes.syncElements, runs: sizes.runs, extras: full, populate: !quick }));
}
if (want("stream")) await run("stream", async () => [await streamApply(sizes.streamCommands)]);
if (want("keepup")) await run("keepup", () => keepUp(sizes.requests));
if (want("lua")) await run("lua", async () => [await luaCosts()]);
if (want("watch")) await run("watch", () => [watchOverhead(quick)]);

const versions = process.versions as Record<string, string | undefined>;
const stamp = new Date().toISOString().replace(/:/g, "-").replace(/\..*$/, "");
const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), "results");
fs.mkdirSync(dir, { recursive: true });
const file = path.join(dir, `${runtime}-${stamp}.json`);
fs.writeFileSync(
  file,
  JSON.stringify(
    {
      runtime,
      version: versions.bun ?? versions.deno ?? versions.node,
      mode,
      sizes,
      sections,
      errors,
      seconds: (performance.now() - started) / 1000,
      date: new Date().toISOString(),
    },
    null,
    2,
  ) + "\n",
);
console.log(
  `\nresults: ${path.relative(process.cwd(), file)} (${((performance.now() - started) / 1000).toFixed(0)} s)`,
);
if (errors.length > 0) process.exitCode = 1;
process.exit();
