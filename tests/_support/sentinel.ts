// Starts throw-away redis-sentinel processes for tests. Works on Node (>= 20), Deno and Bun: only node:* APIs.
//
//   const sentinels = await startSentinels({ count: 3, primaryPort: primary.port });
//   sentinels.endpoints;                               // [{ host: "127.0.0.1", port }, …]
//   await sentinels.waitForQuorum({ replicas: 1 });   // every sentinel knows the others and the replica
//   await sentinels.command(0, "SENTINEL", "failover", "mymaster");
//   await sentinels.stop();                            // SIGTERM (SIGKILL fallback), temp dirs removed
//
// Each sentinel gets its own directory and config file (Sentinel rewrites its config, so it must be writable).
import { type ChildProcess, spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Buffer } from "node:buffer";
import { getFreePort } from "./ports.ts";
import { rawCommand, RespError, type RespValue } from "./resp.ts";
import { waitUntil } from "./sync.ts";

export interface StartSentinelsOptions {
  /** How many sentinels (default 3). */
  count?: number;
  /** Port of the primary to monitor on 127.0.0.1. */
  primaryPort: number;
  /** Name of the monitored primary (default "mymaster"). */
  name?: string;
  /** Sentinels that must agree the primary is down (default 2). */
  quorum?: number;
  /** `down-after-milliseconds` (default 1000). */
  downAfterMs?: number;
  /** `failover-timeout` (default 5000). */
  failoverTimeoutMs?: number;
  /** Extra config lines, written after the defaults (e.g. `requirepass x`). */
  extraConfig?: string[];
  /** Password of the primary (`sentinel auth-pass`). */
  primaryPassword?: string;
  /** Binary (default: $REDIS_SENTINEL_BIN or `redis-sentinel` on PATH). */
  binary?: string;
}

export interface SentinelProcess {
  readonly port: number;
  readonly pid: number;
  readonly dir: string;
  logs(): string;
  readonly running: boolean;
}

export interface Sentinels {
  readonly name: string;
  readonly endpoints: { host: string; port: number }[];
  readonly processes: SentinelProcess[];
  /** Sends one raw command to sentinel `index` (error replies thrown as RespError). */
  command(index: number, ...args: Array<string | number>): Promise<RespValue>;
  /** `SENTINEL get-master-addr-by-name` of sentinel `index`, as host:port (null when unknown). */
  primaryOf(index: number): Promise<string | null>;
  /** `SENTINEL replicas <name>` of sentinel `index`, each entry as a field map. */
  replicas(index: number): Promise<Record<string, string>[]>;
  /** Waits until every sentinel knows the other sentinels and at least `replicas` replicas. */
  waitForQuorum(options?: { replicas?: number; timeoutMs?: number }): Promise<void>;
  /** Idempotent: SIGTERM (SIGKILL after 5 s), temp dirs removed, no handle left. */
  stop(): Promise<void>;
}

const HOST = "127.0.0.1";
const LOG_LIMIT = 256 * 1024;
const live = new Set<ChildProcess>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on("exit", () => {
    for (const child of live) {
      try {
        child.kill("SIGKILL");
      } catch {
        // already gone
      }
    }
  });
}

function exited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

function waitExit(child: ChildProcess, ms: number): Promise<boolean> {
  if (exited(child)) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      child.off("exit", onExit);
      resolve(false);
    }, ms);
    const onExit = () => {
      clearTimeout(timer);
      resolve(true);
    };
    child.once("exit", onExit);
  });
}

/** A reply map (flat [k, v, k, v…] array of bulk strings) as an object. */
export function fieldMap(value: RespValue): Record<string, string> {
  const out: Record<string, string> = {};
  if (!Array.isArray(value)) return out;
  for (let i = 0; i + 1 < value.length; i += 2) out[String(value[i])] = String(value[i + 1]);
  return out;
}

export async function startSentinels(options: StartSentinelsOptions): Promise<Sentinels> {
  const name = options.name ?? "mymaster";
  const processes: Array<SentinelProcess & { child: ChildProcess; closed: Promise<void> }> = [];
  const stopAll = async () => {
    for (const p of processes) {
      if (!exited(p.child)) {
        p.child.kill("SIGTERM");
        if (!(await waitExit(p.child, 5000))) {
          p.child.kill("SIGKILL");
          await waitExit(p.child, 5000);
        }
      }
      live.delete(p.child);
      p.child.stdout?.destroy();
      p.child.stderr?.destroy();
      let timer: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([p.closed, new Promise<void>((r) => (timer = setTimeout(r, 2000)))]);
      clearTimeout(timer);
      fs.rmSync(p.dir, { recursive: true, force: true });
    }
  };
  try {
    for (let i = 0; i < (options.count ?? 3); i++) processes.push(await startOne(options, name));
  } catch (error) {
    await stopAll();
    throw error;
  }

  let stopping: Promise<void> | undefined;
  const sentinels: Sentinels = {
    name,
    endpoints: processes.map((p) => ({ host: HOST, port: p.port })),
    processes,
    async command(index, ...args) {
      const value = await rawCommand(processes[index].port, args, { timeoutMs: 5000 });
      if (value instanceof RespError) throw value;
      return value;
    },
    async primaryOf(index) {
      const value = await sentinels.command(index, "SENTINEL", "get-master-addr-by-name", name);
      return Array.isArray(value) ? `${String(value[0])}:${String(value[1])}` : null;
    },
    async replicas(index) {
      const value = await sentinels.command(index, "SENTINEL", "replicas", name);
      return Array.isArray(value) ? value.map(fieldMap) : [];
    },
    async waitForQuorum({ replicas = 0, timeoutMs = 20_000 } = {}) {
      await waitUntil(
        async () => {
          for (let i = 0; i < processes.length; i++) {
            const master = fieldMap(await sentinels.command(i, "SENTINEL", "master", name));
            if (Number(master["num-other-sentinels"]) < processes.length - 1) return false;
            if (Number(master["num-slaves"]) < replicas) return false;
          }
          return true;
        },
        timeoutMs,
        "the sentinels to know each other and the replicas",
      );
    },
    stop() {
      return stopping ??= stopAll();
    },
  };
  return sentinels;
}

async function startOne(
  options: StartSentinelsOptions,
  name: string,
): Promise<SentinelProcess & { child: ChildProcess; closed: Promise<void> }> {
  const binary = options.binary ?? process.env.REDIS_SENTINEL_BIN ?? "redis-sentinel";
  let lastError: unknown;
  for (let attempt = 0; attempt < 8; attempt++) {
    const port = await getFreePort(HOST);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "veidrodelis-sentinel-"));
    const config = [
      `port ${port}`,
      `bind ${HOST}`,
      "daemonize no",
      'logfile ""',
      `dir ${dir}`,
      `sentinel monitor ${name} ${HOST} ${options.primaryPort} ${options.quorum ?? 2}`,
      `sentinel down-after-milliseconds ${name} ${options.downAfterMs ?? 1000}`,
      `sentinel failover-timeout ${name} ${options.failoverTimeoutMs ?? 5000}`,
      `sentinel parallel-syncs ${name} 1`,
      ...(options.primaryPassword === undefined ? [] : [`sentinel auth-pass ${name} ${options.primaryPassword}`]),
      ...(options.extraConfig ?? []),
    ];
    const file = path.join(dir, "sentinel.conf");
    fs.writeFileSync(file, config.join("\n") + "\n");
    installExitHook();
    let log = "";
    const child = spawn(binary, [file], { cwd: dir, stdio: ["ignore", "pipe", "pipe"] });
    const onOut = (d: Buffer) => {
      log += d.toString("utf8");
      if (log.length > LOG_LIMIT) log = log.slice(-LOG_LIMIT);
    };
    child.stdout!.on("data", onOut);
    child.stderr!.on("data", onOut);
    let spawnError: Error | undefined;
    child.once("error", (e) => (spawnError = e));
    const closed = new Promise<void>((r) => child.once("close", () => r()));
    live.add(child);
    child.once("exit", () => live.delete(child));
    const cleanup = async () => {
      if (!exited(child) && spawnError === undefined) {
        child.kill("SIGKILL");
        await waitExit(child, 5000);
      }
      live.delete(child);
      child.stdout?.destroy();
      child.stderr?.destroy();
      fs.rmSync(dir, { recursive: true, force: true });
    };
    const deadline = Date.now() + 15_000;
    let ready = false;
    while (!ready) {
      if (spawnError !== undefined) {
        await cleanup();
        throw new Error(`startSentinels: cannot run ${binary}: ${spawnError.message}`);
      }
      if (exited(child)) break;
      if (Date.now() > deadline) {
        await cleanup();
        throw new Error(`startSentinels: no answer from sentinel on port ${port}:\n${log}`);
      }
      try {
        const info = await rawCommand(port, ["INFO", "server"], { timeoutMs: 1000 });
        const text = info instanceof Uint8Array ? new TextDecoder().decode(info) : "";
        if (/redis_mode:sentinel/.test(text) && text.includes(`process_id:${child.pid}`)) ready = true;
        else if (text !== "") break; // someone else's server answers on this port
      } catch {
        // not listening yet
      }
      if (!ready) await new Promise((r) => setTimeout(r, 20));
    }
    if (ready) {
      return {
        port,
        pid: child.pid!,
        dir,
        logs: () => log,
        get running() {
          return !exited(child);
        },
        child,
        closed,
      };
    }
    await cleanup();
    lastError = new Error(`sentinel on port ${port} did not start:\n${log}`);
    if (!/Address already in use|EADDRINUSE/i.test(log) && exited(child)) throw lastError;
  }
  throw new Error(`startSentinels: could not bind a free port: ${String(lastError)}`);
}
