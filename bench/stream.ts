/**
 * Stream apply: a command stream recorded from a real primary (a SYNC
 * connection keeps the RDB and the propagated bytes), replayed
 *
 * - to the Applier directly (RESP parsing + apply, no network),
 * - to a mirror in a process of its own (bench/mirror_host.ts) through a
 *   replaying primary in another (bench/replay_primary.ts: `+FULLRESYNC`,
 *   the recorded RDB, then the whole stream at once: a backlog to catch up on),
 * - to a native `redis-server` replica through the same fake primary
 *   (default config and `repl-diskless-load swapdb`),
 *
 * in commands per second, from the first stream byte written to the
 * replica's offset reaching the end of the stream. The longest event-loop
 * pause during the mirror's catch-up is reported too.
 *
 *   node --import tsx bench/stream.ts [commands]
 *   deno run -A bench/stream.ts [commands]
 *   bun bench/stream.ts [commands]
 *
 * Also a section of `bench/all.ts` (`streamApply`); default 2 000 000 commands.
 */
import { Buffer } from "node:buffer";
import net from "node:net";
import { Store } from "../src/_wasm/store.ts";
import { Applier } from "../src/replication/applier.ts";
import { RespCommandParser } from "../src/resp/mod.ts";
import { startRedis } from "../tests/_support/redis_server.ts";
import { isMain, printSection, prng, runtime, type Section, sleep, verdict } from "./_util.ts";
import { type HostTiming, startMirrorHost } from "./mirror_host.ts";
import { startReplayPrimary } from "./replay_primary.ts";

const MARKER = "bench-stream-end-marker";

/** A recorded replication: the RDB as sent (`$<len>\r\n<payload>`) and the command stream after it. */
export interface Recording {
  rdb: Buffer;
  stream: Buffer;
  commands: number;
}

/** Records `commands` mixed writes (SET, HSET, ZADD, SADD, INCR over 100k keys) from a real primary. */
export async function recordStream(commands: number): Promise<Recording> {
  const primary = await startRedis({ config: { "repl-diskless-sync": "no" } });
  try {
    const socket = net.connect(primary.port, "127.0.0.1");
    const chunks: Buffer[] = [];
    let rdb: Buffer | null = null;
    let pending = Buffer.alloc(0);
    let tail = "";
    let done!: () => void;
    const finished = new Promise<void>((resolve) => (done = resolve));
    let synced!: () => void;
    const rdbReceived = new Promise<void>((resolve) => (synced = resolve));
    socket.on("data", (chunk: Buffer) => {
      if (rdb === null) {
        pending = Buffer.concat([pending, chunk]);
        let start = 0;
        while (start < pending.length && pending[start] === 10) start++; // keep-alive newlines
        const eol = pending.indexOf("\r\n", start);
        if (eol < 0) return;
        const length = Number(pending.subarray(start + 1, eol).toString());
        if (pending.length < eol + 2 + length) return;
        rdb = Buffer.from(pending.subarray(start, eol + 2 + length));
        chunk = pending.subarray(eol + 2 + length);
        synced();
      }
      if (chunk.length > 0) chunks.push(Buffer.from(chunk));
      tail = (tail + chunk.subarray(Math.max(0, chunk.length - 64)).toString("latin1")).slice(-128);
      if (tail.includes(MARKER)) done();
    });
    socket.write("SYNC\r\n");
    await rdbReceived;

    const client = primary.client();
    const random = prng(11);
    const KEYSPACE = 100_000;
    for (let start = 0; start < commands; start += 10_000) {
      const pipeline = client.pipeline();
      for (let i = start; i < Math.min(commands, start + 10_000); i++) {
        const r = random(), k = Math.floor(random() * KEYSPACE);
        if (r < 0.5) pipeline.set(`s:${k}`, `value-${i}-${"x".repeat(20)}`);
        else if (r < 0.65) pipeline.hset(`h:${k % 10_000}`, `f${k}`, `v${i}`);
        else if (r < 0.8) pipeline.zadd(`z:${k % 1000}`, i, `m${k}`);
        else if (r < 0.9) pipeline.sadd(`t:${k % 1000}`, `m${k}`);
        else pipeline.incr(`c:${k}`);
      }
      await pipeline.exec();
    }
    await client.publish(MARKER, "end");
    await finished;
    socket.destroy();
    const stream = Buffer.concat(chunks);
    let count = 0;
    new RespCommandParser(() => count++).push(stream);
    return { rdb: rdb!, stream, commands: count };
  } finally {
    await primary.stop();
  }
}

/** The Applier alone: ms to parse and apply the whole stream (64 KiB chunks). */
function applierRun(recording: Recording): number {
  const store = new Store();
  const applier = new Applier(store, 0, {
    onGetAck() {},
    onDivergence(e) {
      throw e;
    },
  }, Date.now);
  const parser = new RespCommandParser((args, size) => applier.apply(args, size));
  const start = performance.now();
  for (let at = 0; at < recording.stream.length; at += 65536) {
    parser.push(recording.stream.subarray(at, at + 65536));
  }
  const ms = performance.now() - start;
  if (applier.offset !== recording.stream.length) throw new Error(`applier stopped at ${applier.offset}`);
  store.dispose();
  return ms;
}

/**
 * The mirror, in a process of its own (bench/mirror_host.ts), catching up on the stream: ms and the longest
 * event-loop pause.
 */
async function mirrorRun(recording: Recording): Promise<HostTiming> {
  const primary = await startReplayPrimary(recording.rdb, recording.stream);
  const host = await startMirrorHost();
  try {
    await host.connect(primary.port);
    const timing = await host.catchUp(recording.stream.length, () => primary.go());
    await host.close();
    return timing;
  } finally {
    await host.stop();
    await primary.stop();
  }
}

/** A native replica catching up on the stream: ms from the first byte written to its offset at the end. */
async function nativeRun(recording: Recording, swapdb: boolean): Promise<number> {
  const primary = await startReplayPrimary(recording.rdb, recording.stream);
  const replica = await startRedis({ config: swapdb ? { "repl-diskless-load": "swapdb" } : {} });
  try {
    const client = replica.client();
    await client.replicaof("127.0.0.1", primary.port);
    for (;;) {
      const info = await client.info("replication");
      if (/master_link_status:up/.test(info) && /master_sync_in_progress:0/.test(info)) break;
      await sleep(2);
    }
    const start = performance.now();
    primary.go();
    for (;;) {
      const info = await client.info("replication");
      const offset = Number(/slave_repl_offset:(\d+)/.exec(info)?.[1] ?? 0);
      if (offset >= recording.stream.length) return performance.now() - start;
      await sleep(2);
    }
  } finally {
    await replica.stop();
    await primary.stop();
  }
}

/** Stream apply rates, the mirror vs a native replica on the same recorded bytes. */
export async function streamApply(commands: number, recording?: Recording): Promise<Section> {
  const rec = recording ?? await recordStream(commands);
  const applierMs = applierRun(rec);
  const mirror = await mirrorRun(rec);
  const native = await nativeRun(rec, false);
  const swapdb = await nativeRun(rec, true);
  const rate = (ms: number) => rec.commands / (ms / 1000);
  const best = Math.max(rate(native), rate(swapdb));
  const row = (name: string, ms: number, goal = "", ok = "") => [
    name,
    ms.toFixed(0),
    Math.round(rate(ms)).toLocaleString("en"),
    (rate(ms) / best).toFixed(2) + "x",
    goal,
    ok,
  ];
  return {
    id: "stream",
    title: `stream apply: ${rec.commands.toLocaleString("en")} recorded commands (${
      (rec.stream.length / 1048576).toFixed(1)
    } MiB), replayed at once, ${runtime}`,
    header: ["replica", "ms", "commands/s", "vs native", "goal", ""],
    rows: [
      row("Applier directly (parse + apply, no network)", applierMs),
      row(
        "mirror in its own process, via a replaying primary",
        mirror.ms,
        ">= 1.0x native",
        verdict(rate(mirror.ms) >= best),
      ),
      row("native replica (default)", native),
      row("native replica (repl-diskless-load swapdb)", swapdb),
      [
        "longest event-loop pause during the mirror's catch-up, ms",
        mirror.pause.toFixed(1),
        "",
        "",
        "<= 10 ms",
        verdict(mirror.pause <= 10),
      ],
    ],
    notes: ["(from the first stream byte written to the replica's offset at the end of the stream)"],
    data: { commands: rec.commands, bytes: rec.stream.length, applierMs, mirror, native, swapdb },
  };
}

if (isMain(import.meta.url)) printSection(await streamApply(Number(process.argv[2] ?? 2_000_000)));
