/**
 * The README's results table, from the JSON files `bench/all.ts` writes: one
 * column per runtime (its newest default-mode run; the 10M-key row comes
 * from its newest `--full` run, when there is one).
 *
 *   node --import tsx bench/report.ts [results/*.json ...]
 */
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

interface Section {
  id: string;
  rows: (string | number)[][];
  data?: Record<string, any>;
}
interface Run {
  runtime: string;
  version: string;
  mode: string;
  sections: Section[];
  date: string;
}

const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), "results");
const files = process.argv.slice(2).length > 0
  ? process.argv.slice(2)
  : fs.readdirSync(dir).filter((f) => f.endsWith(".json")).map((f) => path.join(dir, f));
const runs: Run[] = files.map((f) => JSON.parse(fs.readFileSync(f, "utf8"))).sort((a, b) => a.date < b.date ? -1 : 1);

const RUNTIMES = ["deno", "bun", "node"];
/** The newest run of `runtime` in `mode` that has section `id` (a `--quick` run stands in for a missing default one). */
function sectionOf(runtime: string, mode: string, id: string): Section | undefined {
  const modes = mode === "default" ? ["default", "quick"] : [mode];
  for (const wanted of modes) {
    const found = newest(runtime, wanted, id);
    if (found) return found;
  }
}
function newest(runtime: string, mode: string, id: string): Section | undefined {
  for (const run of [...runs].reverse()) {
    if (run.runtime !== runtime || run.mode !== mode) continue;
    const section = run.sections.find((s) => s.id === id);
    if (section) return section;
  }
}
const versionOf = (runtime: string) => [...runs].reverse().find((r) => r.runtime === runtime)?.version ?? "";

const x = (a: number, b: number) => `${(a / b).toFixed(2)}×`;
const ms = (n: number) => `${Math.round(n).toLocaleString("en")} ms`;
const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1];
const rowOf = (section: Section | undefined, label: string) =>
  section?.rows.find((r) => String(r[0]).startsWith(label));

type Cell = (runtime: string) => string | undefined;
const figures: [string, string, Cell][] = [
  ["`get`, 1M keys: mirror / JS `Map` (ns)", "≤ 1.0×", (rt) => {
    const d = sectionOf(rt, "default", "reads")?.data;
    return d && `${d.mirrorNs.toFixed(0)} / ${d.mapNs.toFixed(0)} = ${x(d.mirrorNs, d.mapNs)}`;
  }],
  ["`get` vs ioredis `GET` on loopback", "≥ 50× faster", (rt) => {
    const d = sectionOf(rt, "default", "reads")?.data;
    return d && `${(d.redisNs / d.mirrorNs).toFixed(0)}× (${(d.redisNs / 1000).toFixed(0)} µs)`;
  }],
  ["100-element reads vs ioredis: `lrange` / `zrange` / `hgetall` (µs)", "", (rt) => {
    const s = sectionOf(rt, "default", "read_kinds");
    const cells = ["lrange 100", "zrange 100 ", "hgetall 100"].map((l) => rowOf(s, l));
    if (cells.some((c) => c === undefined)) return undefined;
    return cells.map((c) => `${c![1]} vs ${Number(c![2]).toFixed(0)}`).join(" / ");
  }],
  ...[
    ["strings, 100 B random values", "1M strings, 100 B values (109 MB RDB)"],
    ["strings, DEBUG POPULATE (LZF)", "1M strings, LZF (34 MB RDB)"],
    ["set", "a 1M-member set (13 MB RDB)"],
    ["sorted set", "a 1M-member sorted set (21 MB RDB)"],
  ].map(([name, label]): [string, string, Cell] => [
    `full sync of ${label}: mirror ms, ÷ native default / ÷ native swapdb`,
    "≤ 1.0×",
    (rt) => {
      const d = sectionOf(rt, "default", "sync")?.data?.datasets?.find((e: any) => e.dataset === name);
      if (!d) return undefined;
      const mirror = median(d.mirror.map((m: any) => m.ms));
      return `${ms(mirror)}: ${x(mirror, median(d.native))} / ${x(mirror, median(d.swapdb))}`;
    },
  ]),
  ["stream apply (2M recorded commands): mirror vs native replica (commands/s)", "≥ 1.0×", (rt) => {
    const d = sectionOf(rt, "default", "stream")?.data;
    if (!d) return undefined;
    const rate = (t: number) => d.commands / (t / 1000);
    const native = Math.max(rate(d.native), rate(d.swapdb));
    return `${(rate(d.mirror.ms) / 1000).toFixed(0)}k vs ${(native / 1000).toFixed(0)}k = ${
      x(rate(d.mirror.ms), native)
    }`;
  }],
  ["`redis-benchmark -P 16 -t set`, 1M requests: lag back to 0 after it ends", "≤ 1 s", (rt) => {
    const d = sectionOf(rt, "default", "keepup")?.data;
    return d &&
      `${ms(d.catchUpMs)} (max lag ${(Math.max(...d.samples.map((s: any) => s.lag)) / 1048576).toFixed(1)} MiB)`;
  }],
  ["memory per key, 1M keys: mirror / Redis `used_memory` / JS `Map` (bytes)", "≤ 0.6× Redis", (rt) => {
    const d = sectionOf(rt, "default", "memory")?.data;
    return d &&
      `${d.mirrorPerKey.toFixed(0)} / ${d.redisBytesPerKey.toFixed(0)} / ${d.mapBytesPerKey.toFixed(0)} = ${
        x(d.mirrorPerKey, d.redisBytesPerKey)
      }`;
  }],
  ["10M keys: load, bytes/key, `get` (ns)", "linear", (rt) => {
    const r = sectionOf(rt, "full", "reads")?.data, m = sectionOf(rt, "full", "memory")?.data;
    return r && m && `${ms(r.loadMs)}, ${m.mirrorPerKey.toFixed(0)} B, ${r.mirrorNs.toFixed(0)} ns`;
  }],
  [
    "longest event-loop pause: full sync beside the primary (from a replaying primary) / stream catch-up / keeping up",
    "≤ 10 ms",
    (rt) => {
      const sync = sectionOf(rt, "default", "sync")?.data?.datasets;
      const stream = sectionOf(rt, "default", "stream")?.data, keep = sectionOf(rt, "default", "keepup")?.data;
      if (!sync || !stream || !keep) return undefined;
      const longest = (key: string) => Math.max(...sync.flatMap((d: any) => (d[key] ?? []).map((m: any) => m.pause)));
      const replayed = sync.some((d: any) => d.replayed) ? ` (${longest("replayed").toFixed(1)})` : "";
      return `${longest("mirror").toFixed(1)}${replayed} / ${stream.mirror.pause.toFixed(1)} / ${
        keep.pause.toFixed(1)
      } ms`;
    },
  ],
  ["full resync replacing the projection: WASM memory peak / before", "", (rt) => {
    const d = sectionOf(rt, "default", "resync_memory")?.data;
    return d &&
      `${(d.peakWasm / 1048576).toFixed(0)} / ${(d.wasmBefore / 1048576).toFixed(0)} MiB = ${
        x(d.peakWasm, d.wasmBefore)
      }`;
  }],
  ["Lua: one `ts.get` call / a precompiled `return ts.get(KEYS[1])`", "", (rt) => {
    const d = sectionOf(rt, "default", "lua")?.data;
    return d && `${(d.luaLoopNs - d.luaLoopBaseNs).toFixed(0)} ns / ${(d.runNs / 1000).toFixed(1)} µs`;
  }],
  ["watch overhead per applied SET: none / 1 key watch / 100k key watches (ns)", "", (rt) => {
    const s = sectionOf(rt, "default", "watch");
    const cells = ["no watches", "1 key watches", "100,000 key watches"].map((l) => rowOf(s, l)?.[1]);
    return cells.every((c) => c !== undefined) ? cells.join(" / ") : undefined;
  }],
];

const present = RUNTIMES.filter((rt) => runs.some((r) => r.runtime === rt));
const header = ["figure", "goal", ...present.map((rt) => `${rt[0].toUpperCase()}${rt.slice(1)} ${versionOf(rt)}`)];
const lines = [header, header.map(() => "---")];
for (const [label, goal, cell] of figures) lines.push([label, goal, ...present.map((rt) => cell(rt) ?? "–")]);
console.log(lines.map((cells) => `| ${cells.join(" | ")} |`).join("\n"));
