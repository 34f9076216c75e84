// Starts a throw-away real redis-server for tests. Works on Node (>= 20), Deno and Bun: only node:* APIs.
//
//   const srv = await startRedis({ config: { "repl-diskless-sync": "yes" } });
//   const c = srv.client();            // ioredis, quit automatically by stop()
//   await c.set("k", "v");
//   await srv.stop();                  // SHUTDOWN NOSAVE (SIGKILL fallback), temp dir removed, no handle left
import { type ChildProcess, spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Buffer } from "node:buffer";
import { Redis, type RedisOptions } from "ioredis";
import { getFreePort } from "./ports.ts";
import { parseInfo, rawCommand, RespError, type RespValue } from "./resp.ts";

export interface StartRedisOptions {
  /**
   * Extra config directives, passed as `--<name> <value>` after the defaults (so they override them).
   * A value is ONE argument (Redis quotes it): give multi-word directives as an array,
   * e.g. `{ replicaof: ["127.0.0.1", port] }`, `{ save: ["900", "1"] }`.
   */
  config?: Record<string, string | number | Array<string | number>>;
  /** Extra raw command-line arguments appended last. */
  args?: string[];
  /** redis-server binary (default: $REDIS_SERVER_BIN or `redis-server` on PATH). */
  binary?: string;
  /** How long to wait for the first PONG (default 15000 ms). */
  startTimeoutMs?: number;
}

export interface RedisServer {
  readonly host: string; // always "127.0.0.1"
  readonly port: number;
  readonly url: string; // redis://127.0.0.1:<port>
  readonly pid: number;
  /** The server's private working directory (removed by stop()). */
  readonly dir: string;
  /** A new ioredis client connected to this server; tracked and quit (then disconnected) by stop(). */
  client(options?: RedisOptions): Redis;
  /** `INFO <section>` parsed into key/value pairs (through a short-lived raw connection). */
  info(section?: string): Promise<Record<string, string>>;
  /** Sends one raw command on a short-lived connection; error replies are thrown as RespError. */
  command(...args: Array<string | number | Uint8Array>): Promise<RespValue>;
  /** What the server printed on stdout/stderr so far (last 256 KiB). */
  logs(): string;
  /** True until the process has exited. */
  readonly running: boolean;
  /** Idempotent. Quits tracked clients, SHUTDOWN NOSAVE (SIGKILL after 5 s), removes the temp dir. */
  stop(): Promise<void>;
}

const HOST = "127.0.0.1";
const LOG_LIMIT = 256 * 1024;
const live = new Set<ChildProcess>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // Last resort so a crashed/aborted test run does not leave redis-servers behind.
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

const delay = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

function waitExit(child: ChildProcess, ms: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
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

class AddrInUse extends Error {}

export async function startRedis(options: StartRedisOptions = {}): Promise<RedisServer> {
  let lastErr: unknown;
  for (let attempt = 0; attempt < 8; attempt++) {
    try {
      return await startOnce(options, await getFreePort(HOST));
    } catch (e) {
      lastErr = e;
      if (!(e instanceof AddrInUse)) throw e;
    }
  }
  throw new Error(`startRedis: could not bind a free port after several attempts: ${String(lastErr)}`);
}

async function startOnce(options: StartRedisOptions, port: number): Promise<RedisServer> {
  const binary = options.binary ?? process.env.REDIS_SERVER_BIN ?? "redis-server";
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "veidrodelis-redis-"));
  const argv = [
    "--port",
    String(port),
    "--bind",
    HOST,
    "--save",
    "",
    "--appendonly",
    "no",
    "--dir",
    dir,
    "--daemonize",
    "no",
    "--logfile",
    "",
    "--protected-mode",
    "no",
  ];
  for (const [k, v] of Object.entries(options.config ?? {})) {
    argv.push(`--${k}`, ...(Array.isArray(v) ? v.map(String) : [String(v)]));
  }
  argv.push(...(options.args ?? []));

  installExitHook();
  let log = "";
  const child = spawn(binary, argv, { cwd: dir, stdio: ["ignore", "pipe", "pipe"] });
  const onOut = (d: Buffer) => {
    log += d.toString("utf8");
    if (log.length > LOG_LIMIT) log = log.slice(-LOG_LIMIT);
  };
  child.stdout!.on("data", onOut);
  child.stderr!.on("data", onOut);
  let spawnError: Error | undefined;
  child.once("error", (e) => {
    spawnError = e;
  });
  const closed = new Promise<void>((r) => child.once("close", () => r()));
  live.add(child);
  child.once("exit", () => live.delete(child));
  const exited = () => child.exitCode !== null || child.signalCode !== null || spawnError !== undefined;

  const cleanupFailed = async () => {
    if (!exited()) {
      child.kill("SIGKILL");
      await waitExit(child, 5000);
    }
    live.delete(child);
    child.stdout?.destroy();
    child.stderr?.destroy();
    fs.rmSync(dir, { recursive: true, force: true });
  };

  // Wait until *our* process answers PING (check process_id: another process may own the port).
  const deadline = Date.now() + (options.startTimeoutMs ?? 15000);
  for (;;) {
    if (spawnError) {
      await cleanupFailed();
      throw new Error(
        `startRedis: cannot run ${binary}: ${spawnError.message}` +
          ((spawnError as NodeJS.ErrnoException).code === "ENOENT"
            ? " (is redis-server installed? apt-get install redis-server)"
            : ""),
      );
    }
    if (exited()) {
      // give stdout/stderr a moment to deliver the last lines
      await delay(20);
      await cleanupFailed();
      if (/Address already in use|EADDRINUSE/i.test(log)) throw new AddrInUse(log);
      throw new Error(
        `startRedis: redis-server exited (code ${child.exitCode}, signal ${child.signalCode}) during start-up:\n${log}`,
      );
    }
    if (Date.now() > deadline) {
      await cleanupFailed();
      throw new Error(`startRedis: no PONG from redis-server on port ${port} within the time limit:\n${log}`);
    }
    try {
      const pong = await rawCommand(port, ["PING"], { timeoutMs: 1000 });
      if (pong === "PONG") {
        const info = await rawCommand(port, ["INFO", "server"], { timeoutMs: 1000 });
        const pid = Buffer.isBuffer(info) ? parseInfo(info.toString("utf8")).process_id : undefined;
        if (pid === String(child.pid)) break;
        // someone else answers on this port: ours will fail with EADDRINUSE (or already did)
        await cleanupFailed();
        throw new AddrInUse(`port ${port} is served by process ${pid}`);
      }
    } catch (e) {
      if (e instanceof AddrInUse) throw e;
      // not listening yet (ECONNREFUSED) or -LOADING: retry
    }
    await delay(20);
  }

  const clients = new Set<Redis>();
  let stopping: Promise<void> | undefined;

  const server: RedisServer = {
    host: HOST,
    port,
    url: `redis://${HOST}:${port}`,
    pid: child.pid!,
    dir,
    get running() {
      return !exited();
    },
    client(opts?: RedisOptions): Redis {
      if (stopping) throw new Error("RedisServer.client(): server is stopping");
      const c = new Redis({ host: HOST, port, ...opts });
      // Avoid "Unhandled error event" noise when the server goes away under a live client.
      if (c.listenerCount("error") === 0) c.on("error", () => {});
      clients.add(c);
      return c;
    },
    async info(section = "default") {
      const v = await server.command("INFO", section);
      if (!Buffer.isBuffer(v)) throw new Error(`INFO returned ${String(v)}`);
      return parseInfo(v.toString("utf8"));
    },
    async command(...args) {
      const v = await rawCommand(port, args, { timeoutMs: 5000 });
      if (v instanceof RespError) throw v;
      return v;
    },
    logs: () => log,
    stop() {
      stopping ??= (async () => {
        for (const c of clients) {
          try {
            if (c.status !== "end") {
              let timer: ReturnType<typeof setTimeout> | undefined;
              await Promise.race([
                c.quit().catch(() => {}),
                new Promise<void>((r) => (timer = setTimeout(r, 1000))),
              ]);
              clearTimeout(timer);
            }
          } catch {
            // ignore
          }
          c.disconnect();
        }
        clients.clear();
        if (!exited()) {
          try {
            await rawCommand(port, ["SHUTDOWN", "NOSAVE"], { timeoutMs: 2000 });
          } catch {
            // SHUTDOWN closes the connection without a reply: expected
          }
          if (!(await waitExit(child, 5000))) {
            child.kill("SIGKILL");
            await waitExit(child, 5000);
          }
        }
        live.delete(child);
        child.stdout?.destroy();
        child.stderr?.destroy();
        // 'close' = exited and stdio closed: after it no handle of ours remains
        let timer: ReturnType<typeof setTimeout> | undefined;
        await Promise.race([closed, new Promise<void>((r) => (timer = setTimeout(r, 2000)))]);
        clearTimeout(timer);
        fs.rmSync(dir, { recursive: true, force: true });
      })();
      return stopping;
    },
  };
  return server;
}
