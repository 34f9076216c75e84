/**
 * The mirror in a process of its own, as an application hosts it, so that
 * the event-loop probe sees the mirror's pauses and not the collection of
 * the bench's own heap: in the bench process, recordings, fills and ioredis
 * pipelines leave 21-25 ms mark-compact finalizations (`--trace-gc`) that
 * land in whatever is being measured (a 55 ms pause during a stream
 * catch-up), where a process holding only the mirror collects in 5-10 ms.
 *
 * Run by {@linkcode startMirrorHost} with the bench's own runtime. Prints
 * `{"ready": true}` once loaded, then reads one JSON request per line on
 * stdin and answers one JSON line on stdout:
 *
 *     {"connect": {"port": 6379, "paced": true}}  -> {"ms", "pause", "keys", "runQueueWaitMs"}
 *     {"catchUp": {"offset": 123456}}              -> {"ms", "pause", "runQueueWaitMs"}
 *     {"close": true}                              -> {}
 *
 * `connect` times `Mirror.connect` to resolved (a full sync); `catchUp` times
 * from the request to the mirror's offset reaching `offset` (the parent tells
 * the primary to send right after asking). `pause` is the longest event-loop
 * stall meanwhile; `runQueueWaitMs` is how long the main thread was ready to
 * run but waited for a CPU (Linux schedstat; null elsewhere): on a machine
 * with fewer cores than busy processes, that wait is part of every pause.
 */
import { spawn } from "node:child_process";
import path from "node:path";
import process from "node:process";
import readline from "node:readline";
import { fileURLToPath } from "node:url";
import { Mirror } from "../mod.ts";
import { type Connector, defaultConnector } from "../src/net/mod.ts";
import { isMain, PauseProbe, runQueueWait, runtime } from "./_util.ts";

/** What a timed request answers. */
export interface HostTiming {
  ms: number;
  pause: number;
  /** Time the main thread waited for a CPU while measured, ms (null: not Linux). */
  runQueueWaitMs: number | null;
  /** Keys once synced (`connect` only). */
  keys?: number;
}

/** A mirror host process. */
export interface MirrorHost {
  /** Full sync from the primary at `port` (over a transport without pause()/resume() when `paced` is false). */
  connect(port: number, paced?: boolean): Promise<HostTiming>;
  /** Catch-up to `offset`: call `send` (which makes the primary send) right after the host started its clock. */
  catchUp(offset: number, send: () => void): Promise<HostTiming>;
  /** Closes the mirror (the host stays). */
  close(): Promise<void>;
  /** Ends the process. */
  stop(): Promise<void>;
}

/** Starts a mirror host with the runtime running the bench. */
export async function startMirrorHost(): Promise<MirrorHost> {
  const file = fileURLToPath(import.meta.url);
  const [command, args] = runtime === "deno"
    ? [process.execPath, ["run", "-A", file]]
    : runtime === "bun"
    ? [process.execPath, [file]]
    : [process.execPath, ["--import", "tsx", file]];
  const child = spawn(command, args, {
    cwd: path.resolve(path.dirname(file), ".."),
    stdio: ["pipe", "pipe", "inherit"],
  });
  const replies = readline.createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  const exited = new Promise<void>((resolve) => child.on("exit", () => resolve()));
  const ready = await replies.next();
  if (ready.done || !JSON.parse(ready.value).ready) throw new Error("the mirror host did not start");
  const request = async (body: unknown, afterSend?: () => void): Promise<HostTiming> => {
    child.stdin!.write(JSON.stringify(body) + "\n");
    afterSend?.();
    const reply = await replies.next();
    if (reply.done) throw new Error("the mirror host exited");
    const parsed = JSON.parse(reply.value);
    if (parsed.error) throw new Error(`mirror host: ${parsed.error}`);
    return parsed;
  };
  return {
    connect: (port, paced = true) => request({ connect: { port, paced } }),
    catchUp: (offset, send) => request({ catchUp: { offset } }, send),
    close: async () => {
      await request({ close: true });
    },
    stop: async () => {
      child.stdin!.end();
      await exited;
    },
  };
}

/** The runtime's own transport without pause()/resume(): each chunk is decoded as it arrives. */
const unpacedConnector: Connector = async (endpoint, handlers) => {
  const transport = await defaultConnector()(endpoint, handlers);
  return { write: (bytes) => transport.write(bytes), close: () => transport.close() };
};

/** Runs `work` with the probe on: its duration, longest pause and run-queue wait. */
async function timed<T>(work: () => Promise<T>): Promise<HostTiming & { result: T }> {
  const probe = new PauseProbe();
  const waitBefore = runQueueWait();
  probe.start();
  const start = performance.now();
  const result = await work();
  const ms = performance.now() - start;
  const pause = probe.stop();
  const waitAfter = runQueueWait();
  const runQueueWaitMs = waitBefore === null || waitAfter === null ? null : waitAfter - waitBefore;
  return { ms, pause, runQueueWaitMs, result };
}

async function serve(): Promise<void> {
  let mirror: Mirror | null = null;
  process.stdout.write(JSON.stringify({ ready: true }) + "\n");
  for await (const line of readline.createInterface({ input: process.stdin })) {
    if (line.trim() === "") continue;
    let reply: unknown;
    try {
      const request = JSON.parse(line);
      if (request.connect) {
        const { port, paced } = request.connect;
        const connector = paced === false ? unpacedConnector : undefined;
        const { result, ...timing } = await timed(() => Mirror.connect({ port, connector }));
        mirror = result;
        reply = { ...timing, keys: mirror.dbsize() };
      } else if (request.catchUp) {
        const target: Mirror = mirror ?? (() => {
          throw new Error("catchUp before connect");
        })();
        const { result: _, ...timing } = await timed(() =>
          target.waitForOffset(request.catchUp.offset, { timeoutMs: 600_000 })
        );
        reply = timing;
      } else if (request.close) {
        await mirror?.close();
        mirror = null;
        reply = {};
      } else {
        reply = { error: `unknown request ${line}` };
      }
    } catch (error) {
      reply = { error: String(error) };
    }
    process.stdout.write(JSON.stringify(reply) + "\n");
  }
  await mirror?.close();
}

if (isMain(import.meta.url)) await serve();
