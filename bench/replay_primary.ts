/**
 * A replaying primary in its own process, so that the process measuring a
 * replica's pauses does not also write tens of MiB: serves an RDB on PSYNC,
 * then writes a recorded command stream to every replica when told to.
 *
 *   node --import tsx bench/replay_primary.ts <rdb transfer file> <stream file>
 *
 * The RDB file holds the transfer as a primary sends it (`$<len>\r\n` then
 * the RDB). Prints `port <n>` once listening. Reads lines on stdin: `go`
 * writes the stream to every connected replica and prints `written` once
 * the kernel took it all; end of input exits.
 *
 * {@linkcode startReplayPrimary} starts one from the bench.
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import type net from "node:net";
import os from "node:os";
import path from "node:path";
import process from "node:process";
import readline from "node:readline";
import { fileURLToPath } from "node:url";
import { startFakePrimary } from "../tests/_support/fake_primary.ts";
import { isMain } from "./_util.ts";

const REPLID = "0123456789abcdef0123456789abcdef01234567";

/** A replaying primary process. */
export interface ReplayPrimary {
  port: number;
  /** Makes it write the stream to every connected replica. */
  go(): void;
  stop(): Promise<void>;
}

/**
 * Starts a replaying primary (always on Node: it is the peer, not the
 * runtime measured) serving `rdbTransfer` (`$<len>\r\n<rdb>`) and then `stream`.
 */
export async function startReplayPrimary(rdbTransfer: Uint8Array, stream: Uint8Array): Promise<ReplayPrimary> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "veidrodelis-replay-"));
  fs.writeFileSync(path.join(dir, "rdb"), rdbTransfer);
  fs.writeFileSync(path.join(dir, "stream"), stream);
  const file = fileURLToPath(import.meta.url);
  const child = spawn("node", ["--import", "tsx", file, path.join(dir, "rdb"), path.join(dir, "stream")], {
    cwd: path.resolve(path.dirname(file), ".."),
    stdio: ["pipe", "pipe", "inherit"],
  });
  const lines = readline.createInterface({ input: child.stdout! });
  const port = await new Promise<number>((resolve, reject) => {
    lines.on("line", (line) => line.startsWith("port ") && resolve(Number(line.slice(5))));
    child.on("exit", (code) => reject(new Error(`replay primary exited (${code})`)));
  });
  return {
    port,
    go: () => child.stdin!.write("go\n"),
    stop: async () => {
      const exited = new Promise((resolve) => child.on("exit", resolve));
      child.stdin!.end();
      await exited;
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** An RDB file's bytes in transfer form (`$<len>\r\n<rdb>`). */
export function rdbTransfer(rdb: Uint8Array): Uint8Array {
  const header = new TextEncoder().encode(`$${rdb.length}\r\n`);
  const out = new Uint8Array(header.length + rdb.length);
  out.set(header);
  out.set(rdb, header.length);
  return out;
}

async function serve(rdbFile: string, streamFile: string): Promise<void> {
  const rdb = fs.readFileSync(rdbFile);
  const stream = fs.readFileSync(streamFile);
  const replicas: net.Socket[] = [];
  const server = await startFakePrimary({
    async onPsync(conn) {
      await conn.write(`+FULLRESYNC ${REPLID} 0\r\n`);
      await conn.write(rdb);
      replicas.push(conn.socket);
    },
  });
  console.log(`port ${server.port}`);
  for await (const line of readline.createInterface({ input: process.stdin })) {
    if (line.trim() !== "go") continue;
    await Promise.all(replicas.map((socket) => new Promise<void>((resolve) => socket.write(stream, () => resolve()))));
    console.log("written");
  }
  await server.stop();
  process.exit(0);
}

if (isMain(import.meta.url)) await serve(process.argv[2], process.argv[3]);
