/**
 * Full sync: how long a snapshot takes to reach a ready projection, the
 * mirror against native `redis-server` replicas syncing the same data from
 * the same primary in the same run; and the offline load of the same
 * snapshot as a file (`Mirror.fromRdb`) against `redis-server` loading it
 * at startup. The longest event-loop pause is measured during the mirror's
 * loads.
 *
 *   node_modules/.bin/tsx bench/full_sync.ts [elements] [runs]
 *   deno run -A bench/full_sync.ts [elements] [runs]
 *   bun bench/full_sync.ts [elements] [runs]
 *
 * Also a section of `bench/all.ts` (`fullSync`).
 *
 * Datasets (elements default 1 000 000): strings with 100-byte random values
 * (pipelined SETs); the same count from DEBUG POPULATE (100-byte values the
 * RDB stores LZF-compressed); one set; one sorted set (random scores).
 *
 * Timing: the mirror from `Mirror.connect` to resolved (handshake, transfer,
 * decode, load); a native replica from `REPLICAOF` to `master_link_status:up`
 * with nothing loading (`INFO replication` / `INFO persistence`, polled
 * every 2 ms), with the default `repl-diskless-load disabled` (the RDB goes
 * to disk, then loads) and with `swapdb` (loads from the socket). The
 * primary uses diskless sync without delay, so both sides start at once.
 * Each figure is the median of `runs` runs, each against a fresh replica.
 * The mirror syncs in a process of its own (bench/mirror_host.ts), as the
 * native replicas do, over the runtime's transport, which can pause (the
 * paced link, src/replication/pacing.ts), and once more over the same
 * transport without pause()/resume() (each chunk decoded as it arrives).
 */
import { copyFileSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import v8 from "node:v8";
import vm from "node:vm";
import { Mirror } from "../mod.ts";
import { type HostTiming, type MirrorHost, startMirrorHost } from "./mirror_host.ts";
import { rdbTransfer, startReplayPrimary } from "./replay_primary.ts";
import { type RedisServer, startRedis } from "../tests/_support/redis_server.ts";
import {
  collectGarbage,
  isMain,
  median,
  PauseProbe,
  printSection,
  prng,
  runtime,
  type Section,
  times,
  verdict,
} from "./_util.ts";

let ELEMENTS = 1_000_000;
const BATCH = 5_000;

interface Dataset {
  name: string;
  /** Fills the (flushed) primary. */
  fill(primary: RedisServer): Promise<void>;
}

const random = prng(7);
const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
/** 100 random characters: LZF finds nothing to compress. */
function randomValue(): string {
  let s = "";
  for (let i = 0; i < 100; i++) s += ALPHABET[Math.floor(random() * 64)];
  return s;
}

const datasets: Dataset[] = [
  {
    name: "strings, 100 B random values",
    async fill(primary) {
      const client = primary.client();
      for (let start = 0; start < ELEMENTS; start += BATCH) {
        const pipeline = client.pipeline();
        for (let i = start; i < Math.min(ELEMENTS, start + BATCH); i++) pipeline.set(`key:${i}`, randomValue());
        await pipeline.exec();
      }
    },
  },
  {
    name: "strings, DEBUG POPULATE (LZF)",
    async fill(primary) {
      await primary.command("DEBUG", "POPULATE", ELEMENTS, "key", 100);
    },
  },
  {
    name: "set",
    async fill(primary) {
      await fillCollection(primary, (pipeline, from, to) => {
        const members: string[] = [];
        for (let i = from; i < to; i++) members.push(`member:${i}`);
        pipeline.sadd("set", ...members);
      });
    },
  },
  {
    name: "sorted set",
    async fill(primary) {
      await fillCollection(primary, (pipeline, from, to) => {
        const args: (string | number)[] = [];
        for (let i = from; i < to; i++) args.push(random() * 1e6, `member:${i}`);
        pipeline.zadd("zset", ...args);
      });
    },
  },
];

type Pipeline = ReturnType<ReturnType<RedisServer["client"]>["pipeline"]>;

/** One collection filled by commands of 1 000 elements, pipelined. */
async function fillCollection(primary: RedisServer, add: (p: Pipeline, from: number, to: number) => void) {
  const client = primary.client();
  for (let start = 0; start < ELEMENTS; start += BATCH) {
    const pipeline = client.pipeline();
    for (let i = start; i < Math.min(ELEMENTS, start + BATCH); i += 1000) {
      add(pipeline, i, Math.min(ELEMENTS, start + BATCH, i + 1000));
    }
    await pipeline.exec();
  }
}

/**
 * A full collection before each measured load, so that the garbage of
 * filling the primary (millions of pipelined commands) is not collected in
 * the middle of the load and counted as the mirror's pause. Node and Deno
 * need `--expose-gc`, which `setFlagsFromString` enables at run time (Bun
 * has `Bun.gc`).
 */
function settleHeap(): void {
  if (runtime !== "bun" && typeof (globalThis as { gc?: unknown }).gc !== "function") {
    try {
      v8.setFlagsFromString("--expose-gc");
      (globalThis as { gc?: unknown }).gc = vm.runInNewContext("gc");
    } catch {
      // no way to collect: the measurement just includes whatever GC happens
    }
  }
  collectGarbage();
}

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Waits until the primary has no snapshot child running (the previous sync's). */
async function primaryIdle(primary: RedisServer): Promise<void> {
  for (;;) {
    const info = await primary.info("persistence");
    if (info.rdb_bgsave_in_progress === "0") return;
    await delay(10);
  }
}

/** One mirror full sync in the host process: ms from connect to ready, the longest event-loop pause meanwhile. */
async function mirrorSync(host: MirrorHost, primary: RedisServer, paced = true): Promise<HostTiming> {
  await primaryIdle(primary);
  const timing = await host.connect(primary.port, paced);
  await host.close();
  return timing;
}

/** Mirror full syncs of the RDB `file` served by a replaying primary (bench/replay_primary.ts). */
async function replayedSyncs(host: MirrorHost, file: string, runs: number): Promise<HostTiming[]> {
  const primary = await startReplayPrimary(rdbTransfer(readFileSync(file)), new Uint8Array(0));
  try {
    const timings: HostTiming[] = [];
    for (let run = 0; run < runs; run++) {
      timings.push(await host.connect(primary.port));
      await host.close();
    }
    return timings;
  } finally {
    await primary.stop();
  }
}

/** One native replica full sync: ms from REPLICAOF to link up with nothing loading. */
async function nativeSync(primary: RedisServer, diskless: boolean): Promise<number> {
  await primaryIdle(primary);
  const replica = await startRedis({ config: diskless ? { "repl-diskless-load": "swapdb" } : {} });
  try {
    const client = replica.client();
    await client.ping();
    const start = performance.now();
    await client.replicaof("127.0.0.1", primary.port);
    for (;;) {
      const replication = await client.info("replication");
      if (/master_link_status:up/.test(replication) && /master_sync_in_progress:0/.test(replication)) {
        const persistence = await client.info("persistence");
        if (/loading:0/.test(persistence)) return performance.now() - start;
      }
      await delay(2);
    }
  } finally {
    await replica.stop();
  }
}

/** The offline load of an RDB file: ms, longest pause, keys. */
async function offlineLoad(file: string): Promise<{ ms: number; pause: number; keys: number }> {
  settleHeap();
  const probe = new PauseProbe();
  probe.start();
  const start = performance.now();
  const mirror = await Mirror.fromRdb(file);
  const ms = performance.now() - start;
  const pause = probe.stop();
  const keys = mirror.dbsize();
  await mirror.close();
  return { ms, pause, keys };
}

/** redis-server loading the same file at startup, as its log reports it ("DB loaded from disk: N seconds"). */
async function nativeStartupLoad(file: string): Promise<number> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "full-sync-"));
  try {
    copyFileSync(file, path.join(dir, "dump.rdb"));
    const server = await startRedis({ config: { dir, dbfilename: "dump.rdb" }, startTimeoutMs: 120_000 });
    const logs = server.logs();
    await server.stop();
    const m = /DB loaded from disk: ([\d.]+) seconds/.exec(logs);
    if (!m) throw new Error(`redis-server did not report loading ${file}:\n${logs}`);
    return Number(m[1]) * 1000;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Options of {@link fullSync}. */
export interface FullSyncOptions {
  /** Elements per dataset (default 1 000 000). */
  elements?: number;
  /** Runs per figure, the median is reported (default 3). */
  runs?: number;
  /** Also the unpaced link and the offline load (default true). */
  extras?: boolean;
  /** Also the DEBUG POPULATE dataset (default true). */
  populate?: boolean;
}

/** Full sync of each dataset, the mirror vs native replicas: sections sync (and sync_unpaced, offline_load). */
export async function fullSync(options: FullSyncOptions = {}): Promise<Section[]> {
  ELEMENTS = options.elements ?? 1_000_000;
  const RUNS = options.runs ?? 3;
  const extras = options.extras ?? true;
  const chosen = datasets.filter((d) => options.populate !== false || !d.name.includes("POPULATE"));
  const host = await startMirrorHost();
  const primary = await startRedis({
    config: { "repl-diskless-sync": "yes", "repl-diskless-sync-delay": 0, "enable-debug-command": "yes" },
  });
  const syncRows: (string | number)[][] = [];
  const unpacedRows: (string | number)[][] = [];
  const offlineRows: (string | number)[][] = [];
  const data: Record<string, unknown>[] = [];
  const fmt = (ms: number) => ms.toFixed(0);

  try {
    for (const dataset of chosen) {
      await primary.command("FLUSHALL");
      const fillStart = performance.now();
      await dataset.fill(primary);
      await primary.command("SAVE");
      const file = path.join(primary.dir, "dump.rdb");
      const rdbMiB = statSync(file).size / 1048576;
      console.error(
        `${dataset.name}: filled in ${fmt(performance.now() - fillStart)} ms, RDB ${rdbMiB.toFixed(1)} MiB`,
      );

      const mirror: HostTiming[] = [];
      const unpaced: HostTiming[] = [];
      const native: number[] = [];
      const swapdb: number[] = [];
      for (let run = 0; run < RUNS; run++) {
        mirror.push(await mirrorSync(host, primary));
        if (extras) unpaced.push(await mirrorSync(host, primary, false));
        native.push(await nativeSync(primary, false));
        swapdb.push(await nativeSync(primary, true));
      }
      const replayed = await replayedSyncs(host, file, RUNS);
      const m = median(mirror.map((r) => r.ms)), n = median(native), s = median(swapdb);
      const worst = mirror.reduce((a, b) => (b.pause > a.pause ? b : a));
      const pause = worst.pause;
      syncRows.push([
        dataset.name,
        rdbMiB.toFixed(1),
        fmt(m),
        fmt(n),
        fmt(s),
        times(m, n),
        times(m, s),
        verdict(m <= Math.min(n, s)),
        pause.toFixed(1),
        verdict(pause <= 10),
        worst.runQueueWaitMs === null ? "-" : worst.runQueueWaitMs.toFixed(0),
        Math.max(...replayed.map((r) => r.pause)).toFixed(1),
      ]);
      const entry: Record<string, unknown> = { dataset: dataset.name, rdbMiB, mirror, native, swapdb, replayed };
      data.push(entry);
      if (!extras) continue;
      const u = median(unpaced.map((r) => r.ms));
      unpacedRows.push([dataset.name, fmt(u), Math.max(...unpaced.map((r) => r.pause)).toFixed(1)]);

      const offline: { ms: number; pause: number; keys: number }[] = [];
      const startup: number[] = [];
      for (let run = 0; run < RUNS; run++) {
        offline.push(await offlineLoad(file));
        startup.push(await nativeStartupLoad(file));
      }
      const o = median(offline.map((r) => r.ms)), st = median(startup);
      offlineRows.push([
        dataset.name,
        fmt(o),
        fmt(st),
        times(o, st),
        Math.max(...offline.map((r) => r.pause)).toFixed(1),
      ]);
      Object.assign(entry, { unpaced, offline, startup });
    }
  } finally {
    await primary.stop();
    await host.stop();
  }

  const sections: Section[] = [{
    id: "sync",
    title: `full sync, ${ELEMENTS.toLocaleString("en")} elements per dataset, median of ${RUNS} runs, ${runtime}`,
    header: [
      "dataset",
      "RDB MiB",
      "mirror ms",
      "native ms",
      "swapdb ms",
      "vs native",
      "vs swapdb",
      "<= 1.0x",
      "max pause ms",
      "<= 10 ms",
      "CPU wait ms",
      "pause, replayed",
    ],
    rows: syncRows,
    notes: [
      "(mirror: Mirror.connect to ready, in a process of its own; native: REPLICAOF to link up, default /",
      " repl-diskless-load swapdb; goal: the mirror no slower than the faster native; max pause: longest",
      " event-loop stall during the mirror's syncs; CPU wait: in that sync, the time the mirror's main thread",
      " was ready to run but waited for a CPU, the primary's snapshot child and its relay being busy too;",
      " pause, replayed: the longest stall when the same RDB comes from a replaying primary, which leaves",
      " the mirror a CPU of its own)",
    ],
    data: { elements: ELEMENTS, runs: RUNS, datasets: data },
  }];
  if (extras) {
    sections.push({
      id: "sync_unpaced",
      title: "full sync over a transport without pause()/resume() (each chunk decoded as it arrives)",
      header: ["unpaced link", "mirror ms", "max pause ms"],
      rows: unpacedRows,
    }, {
      id: "offline_load",
      title: "offline load of the same RDB file",
      header: ["offline load", "Mirror.fromRdb ms", "redis-server ms", "ratio", "max pause ms"],
      rows: offlineRows,
      notes: ['(redis-server: its own "DB loaded from disk" time at startup)'],
    });
  }
  return sections;
}

if (isMain(import.meta.url)) {
  const sections = await fullSync({
    elements: Number(process.argv[2] ?? 1_000_000),
    runs: Number(process.argv[3] ?? 3),
  });
  for (const section of sections) printSection(section);
}
