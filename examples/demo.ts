/**
 * Demo: starts a throwaway redis-server, writes through ioredis, reads through
 * the mirror, and prints the read latency of both side by side.
 *
 *   npx tsx examples/demo.ts        (Node)
 *   deno run -A examples/demo.ts    (Deno)
 *   bun examples/demo.ts            (Bun)
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { connect, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import { Mirror } from "../mod.ts";

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    });
  });
}

/** Resolves once something accepts connections on `port` (the server just started). */
async function waitForPort(port: number): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect({ port, host: "127.0.0.1" });
      socket.once("connect", () => (socket.destroy(), resolve(true)));
      socket.once("error", () => resolve(false));
    });
    if (open) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`redis-server did not start on port ${port}`);
}

const port = await freePort();
const dir = mkdtempSync(join(tmpdir(), "veidrodelis-demo-"));
const server = spawn("redis-server", [
  "--port",
  String(port),
  "--bind",
  "127.0.0.1",
  "--save",
  "",
  "--dir",
  dir,
  "--repl-diskless-sync-delay",
  "0",
], {
  stdio: "ignore",
});
await waitForPort(port);
const writer = new Redis({ port });
console.log(`redis-server ${(await writer.info("server")).match(/redis_version:(\S+)/)?.[1]} on port ${port}`);

const KEYS = 10_000;
const pipeline = writer.pipeline();
for (let i = 0; i < KEYS; i++) pipeline.set(`user:${i}:name`, `name-${i}`);
await pipeline.exec();

const mirror = await Mirror.connect({ port });
console.log(`mirror is ${mirror.state}: ${mirror.dbsize()} keys loaded from the snapshot`);

await writer.set("greeting", "hello from the primary");
while (mirror.get("greeting") === null) await new Promise((r) => setTimeout(r, 1));
console.log(`written with ioredis, read from the mirror: ${JSON.stringify(mirror.get("greeting"))}`);

const ROUNDS = 20_000;
const keys = Array.from({ length: ROUNDS }, (_, i) => `user:${(i * 7919) % KEYS}:name`);
let start = performance.now();
let found = 0;
for (const key of keys) if (mirror.get(key) !== null) found++;
const mirrorNs = ((performance.now() - start) * 1e6) / ROUNDS;

const REMOTE = 2_000;
start = performance.now();
for (let i = 0; i < REMOTE; i++) if ((await writer.get(keys[i])) !== null) found++;
const redisNs = ((performance.now() - start) * 1e6) / REMOTE;

console.log("");
console.log("read latency (GET of a random key, one at a time)");
console.log(`  mirror.get   ${mirrorNs.toFixed(0).padStart(8)} ns`);
console.log(`  ioredis.get  ${redisNs.toFixed(0).padStart(8)} ns   (${(redisNs / mirrorNs).toFixed(0)}x slower)`);
if (found !== ROUNDS + REMOTE) throw new Error("some reads missed");

await mirror.close();
writer.disconnect();
server.kill();
await new Promise((r) => server.once("exit", r));
rmSync(dir, { recursive: true, force: true });
