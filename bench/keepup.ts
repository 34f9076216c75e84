/**
 * Keeping up with `redis-benchmark -P 16 -t set -n N -r N` on the primary:
 * the lag (primary `master_repl_offset` minus the mirror's applied offset)
 * sampled every 50 ms during the run, the time until the lag is back to 0
 * after redis-benchmark exits, and the longest event-loop pause meanwhile.
 * Then the memory peak of a full resync replacing that projection
 * (`mirror.resync()`: two stores alive at once), sampled every 5 ms.
 *
 *   node --import tsx bench/keepup.ts [requests]
 *   deno run -A bench/keepup.ts [requests]
 *   bun bench/keepup.ts [requests]
 *
 * Also sections of `bench/all.ts` (`keepUp`); default 1 000 000 requests.
 */
import { spawn } from "node:child_process";
import { Mirror } from "../mod.ts";
import { startRedis } from "../tests/_support/redis_server.ts";
import {
  isMain,
  PauseProbe,
  printSection,
  runQueueWait,
  runtime,
  type Section,
  settleHeap,
  sleep,
  verdict,
} from "./_util.ts";

const mib = (bytes: number) => (bytes / 1048576).toFixed(1);

/** Keep-up and resync-memory sections. */
export async function keepUp(requests: number): Promise<Section[]> {
  const primary = await startRedis({ config: { "repl-diskless-sync": "yes", "repl-diskless-sync-delay": 0 } });
  try {
    const client = primary.client();
    const primaryOffset = async () => Number(/master_repl_offset:(\d+)/.exec(await client.info("replication"))![1]);
    const mirror = await Mirror.connect({ port: primary.port });
    await settleHeap();
    const probe = new PauseProbe();
    const waitBefore = runQueueWait();
    probe.start();
    const samples: { t: number; lag: number }[] = [];
    const start = performance.now();
    const bench = spawn("redis-benchmark", [
      "-h",
      "127.0.0.1",
      "-p",
      String(primary.port),
      "-P",
      "16",
      "-t",
      "set",
      "-n",
      String(requests),
      "-r",
      String(requests),
      "-q",
    ], { stdio: ["ignore", "pipe", "inherit"] });
    let output = "";
    bench.stdout!.on("data", (d) => (output += String(d)));
    let running = true;
    const exited = new Promise<void>((resolve) =>
      bench.on("exit", () => {
        running = false;
        resolve();
      })
    );
    while (running) {
      const p = await primaryOffset();
      samples.push({ t: performance.now() - start, lag: p - mirror.offset });
      await sleep(50);
    }
    await exited;
    const benchMs = performance.now() - start;
    const finalOffset = await primaryOffset();
    const endAt = performance.now();
    await mirror.waitForOffset(finalOffset, { timeoutMs: 120_000 });
    const catchUpMs = performance.now() - endAt;
    const pause = probe.stop();
    const waitAfter = runQueueWait();
    const cpuWaitMs = waitBefore === null || waitAfter === null ? null : waitAfter - waitBefore;
    const keys = mirror.dbsize();
    const lags = samples.map((s) => s.lag);
    const maxLag = Math.max(0, ...lags);
    const meanLag = lags.reduce((a, b) => a + b, 0) / Math.max(1, lags.length);
    const rps = /SET: ([\d.]+) requests per second/.exec(output.replace(/\r/g, "\n"))?.[1] ?? "?";

    const keep: Section = {
      id: "keepup",
      title: `keeping up with redis-benchmark -P 16 -t set -n ${
        requests.toLocaleString("en")
      } (${rps} SET/s), ${runtime}`,
      header: ["figure", "value", "goal", ""],
      rows: [
        ["benchmark run, ms", benchMs.toFixed(0), "", ""],
        ["lag samples (every 50 ms)", samples.length, "", ""],
        ["max lag during the run, bytes", maxLag.toLocaleString("en"), "", ""],
        ["mean lag during the run, bytes", Math.round(meanLag).toLocaleString("en"), "", ""],
        ["time to lag 0 after the benchmark ended, ms", catchUpMs.toFixed(0), "<= 1000 ms", verdict(catchUpMs <= 1000)],
        ["longest event-loop pause (run + catch-up), ms", pause.toFixed(1), "<= 10 ms", verdict(pause <= 10)],
        ["time the main thread waited for a CPU meanwhile, ms", cpuWaitMs?.toFixed(0) ?? "-", "", ""],
      ],
      notes: [`(lag: the primary's master_repl_offset minus the mirror's applied offset; ${keys} keys at the end)`],
      data: { requests, rps, benchMs, catchUpMs, pause, cpuWaitMs, samples },
    };

    // --- a full resync replacing this projection: memory peak with two stores alive
    await settleHeap();
    const before = process.memoryUsage();
    const wasmBefore = mirror.stats().memoryBytes;
    let peakRss = before.rss, peakExternal = before.external + before.arrayBuffers, peakWasm = wasmBefore;
    const syncs = mirror.stats().fullSyncs;
    const resyncProbe = new PauseProbe();
    resyncProbe.start();
    const t0 = performance.now();
    mirror.resync();
    while (mirror.stats().fullSyncs === syncs) {
      const usage = process.memoryUsage();
      peakRss = Math.max(peakRss, usage.rss);
      peakExternal = Math.max(peakExternal, usage.external + usage.arrayBuffers);
      const stats = mirror.stats();
      peakWasm = Math.max(peakWasm, stats.memoryBytes + stats.syncMemoryBytes);
      await sleep(5);
    }
    const resyncMs = performance.now() - t0;
    const resyncPause = resyncProbe.stop();
    await settleHeap();
    const after = process.memoryUsage();
    const wasmAfter = mirror.stats().memoryBytes;
    await mirror.close();
    const resync: Section = {
      id: "resync_memory",
      title: `memory during a full resync replacing the projection (${keys.toLocaleString("en")} keys), ${runtime}`,
      header: ["figure", "before MiB", "peak MiB", "after MiB", "peak / before"],
      rows: [
        ["process RSS", mib(before.rss), mib(peakRss), mib(after.rss), (peakRss / before.rss).toFixed(2) + "x"],
        [
          "external + array buffers",
          mib(before.external + before.arrayBuffers),
          mib(peakExternal),
          mib(after.external + after.arrayBuffers),
          (peakExternal / Math.max(1, before.external + before.arrayBuffers)).toFixed(2) + "x",
        ],
        [
          "WASM memory: memoryBytes + syncMemoryBytes",
          mib(wasmBefore),
          mib(peakWasm),
          mib(wasmAfter),
          (peakWasm / wasmBefore).toFixed(2) + "x",
        ],
      ],
      notes: [
        `(resync took ${resyncMs.toFixed(0)} ms, longest event-loop pause ${
          resyncPause.toFixed(1)
        } ms; samples every 5 ms;`,
        " both stores are alive until the new one goes live)",
      ],
      data: { before, after, peakRss, peakExternal, peakWasm, wasmBefore, resyncMs, resyncPause },
    };
    return [keep, resync];
  } finally {
    await primary.stop();
  }
}

if (isMain(import.meta.url)) {
  for (const section of await keepUp(Number(process.argv[2] ?? 1_000_000))) printSection(section);
}
