/**
 * A replaying primary in its own process, so that the bench's event-loop
 * probe measures the replica only (writing tens of MiB from the same
 * process would stall the loop it measures): serves an RDB on PSYNC, then
 * writes a recorded command stream to every replica when told to.
 *
 *   node --import tsx bench/replay_primary.ts <rdb file> <stream file>
 *
 * Prints `port <n>` once listening. Reads lines on stdin: `go` writes the
 * stream to every connected replica and prints `written` once the kernel
 * took it all; end of input exits.
 */
import fs from "node:fs";
import type net from "node:net";
import process from "node:process";
import readline from "node:readline";
import { startFakePrimary } from "../tests/_support/fake_primary.ts";

const [rdbFile, streamFile] = process.argv.slice(2);
const rdb = fs.readFileSync(rdbFile);
const stream = fs.readFileSync(streamFile);
const REPLID = "0123456789abcdef0123456789abcdef01234567";

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
