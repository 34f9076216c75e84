/**
 * Point reads on N keys (16-byte keys, 32-byte values, random order over all
 * keys): the mirror vs a JS Map vs ioredis GET over loopback, in one run; and
 * memory per key vs the Map's heap and Redis's `used_memory`.
 *
 *   deno run -A --v8-flags=--expose-gc bench/reads.ts [keys]
 *   bun bench/reads.ts [keys]
 *   node --expose-gc --import tsx bench/reads.ts [keys]
 *
 * Fairness: every contender gets a freshly built JS string key per lookup
 * (so no contender reuses a cached string hash) and returns a JS string.
 */
import { Mirror } from "../mod.ts";
import { startRedis } from "../tests/_support/redis_server.ts";
import { heapUsed, medianNs, medianNsAsync, printTable, prng, runtime } from "./_util.ts";

const KEYS = Number(process.argv[2] ?? 1_000_000);
const LOOKUPS_PER_BATCH = 100_000;
const BATCHES = 21;
const REMOTE_LOOKUPS = 200;
const REMOTE_BATCHES = 25;

const keyOf = (i: number) => "key:" + String(i).padStart(12, "0"); // 16 bytes
const valueOf = (i: number) => "val:" + String(i * 2654435761 % 1e12).padStart(28, "0"); // 32 bytes

// Random key indices, drawn up front so all contenders walk the same order.
const random = prng(42);
const order = Uint32Array.from({ length: LOOKUPS_PER_BATCH }, () => Math.floor(random() * KEYS));

const server = await startRedis({ config: { "repl-diskless-sync": "yes", "repl-diskless-sync-delay": 0 } });
const redis = server.client();
const emptyUsed = Number((await server.info("memory")).used_memory);
for (let start = 0; start < KEYS; start += 10_000) {
  const pipeline = redis.pipeline();
  for (let i = start; i < Math.min(KEYS, start + 10_000); i++) pipeline.set(keyOf(i), valueOf(i));
  await pipeline.exec();
}
const redisBytesPerKey = (Number((await server.info("memory")).used_memory) - emptyUsed) / KEYS;

// --- the mirror
const heapBeforeMirror = heapUsed();
const mirror = await Mirror.connect({ port: server.port });
const mirrorHeap = heapUsed() - heapBeforeMirror;
const mirrorWasm = mirror.stats().memoryBytes;
const mirrorBytesPerKey = (mirrorWasm + Math.max(0, mirrorHeap)) / KEYS;
if (mirror.get(keyOf(KEYS - 1)) !== valueOf(KEYS - 1)) throw new Error("mirror content is wrong");

// --- a JS Map holding the same strings
const heapBeforeMap = heapUsed();
const map = new Map<string, string>();
for (let i = 0; i < KEYS; i++) map.set(keyOf(i), valueOf(i));
const mapBytesPerKey = (heapUsed() - heapBeforeMap) / KEYS;

let sink = 0;
const keyBuildNs = medianNs(BATCHES, LOOKUPS_PER_BATCH, () => {
  for (let i = 0; i < LOOKUPS_PER_BATCH; i++) sink += keyOf(order[i]).length;
});
const mirrorNs = medianNs(BATCHES, LOOKUPS_PER_BATCH, () => {
  for (let i = 0; i < LOOKUPS_PER_BATCH; i++) sink += mirror.get(keyOf(order[i]))!.length;
});
const mapNs = medianNs(BATCHES, LOOKUPS_PER_BATCH, () => {
  for (let i = 0; i < LOOKUPS_PER_BATCH; i++) sink += map.get(keyOf(order[i]))!.length;
});
const redisNs = await medianNsAsync(REMOTE_BATCHES, REMOTE_LOOKUPS, async (b) => {
  for (let i = 0; i < REMOTE_LOOKUPS; i++) sink += (await redis.get(keyOf(order[b * REMOTE_LOOKUPS + i])))!.length;
});

console.log(`\npoint reads, ${KEYS.toLocaleString("en")} keys (16-byte keys, 32-byte values), ${runtime}`);
console.log(`median ns per lookup (fresh key string each time; building it alone: ${keyBuildNs.toFixed(0)} ns)\n`);
printTable(["contender", "ns/get", "vs mirror"], [
  ["mirror.get", mirrorNs.toFixed(0), "1.00x"],
  ["JS Map.get", mapNs.toFixed(0), `${(mapNs / mirrorNs).toFixed(2)}x`],
  ["ioredis GET (loopback)", redisNs.toFixed(0), `${(redisNs / mirrorNs).toFixed(1)}x`],
]);
console.log(
  `\nmirror/Map time ratio: ${(mirrorNs / mapNs).toFixed(2)} (goal <= 1.0); ioredis/mirror: ${
    (redisNs / mirrorNs).toFixed(0)
  }x (goal >= 50x)\n`,
);
printTable(["memory per key", "bytes", "vs Redis"], [
  [
    "mirror (WASM memory + host heap)",
    mirrorBytesPerKey.toFixed(1),
    (mirrorBytesPerKey / redisBytesPerKey).toFixed(2) + "x",
  ],
  ["JS Map (heap delta)", mapBytesPerKey.toFixed(1), (mapBytesPerKey / redisBytesPerKey).toFixed(2) + "x"],
  ["Redis used_memory", redisBytesPerKey.toFixed(1), "1.00x"],
]);
console.log(
  `(mirror: ${(mirrorWasm / KEYS).toFixed(1)} bytes/key of WASM memory, ${
    (mirrorHeap / KEYS).toFixed(1)
  } of host heap)`,
);
console.log(`\nmirror/Redis memory ratio: ${(mirrorBytesPerKey / redisBytesPerKey).toFixed(2)} (goal <= 0.6)`);
if (sink === 42) console.log("");

await mirror.close();
await server.stop();
