/**
 * Point reads on N keys (16-byte keys, 32-byte values, random order over all
 * keys): the mirror vs a JS Map vs ioredis GET over loopback, in one run; and
 * memory per key vs the Map's heap and Redis's `used_memory`; and the time
 * the mirror took to load the N keys (its full sync).
 *
 *   deno run -A --v8-flags=--expose-gc bench/reads.ts [keys]
 *   bun bench/reads.ts [keys]
 *   node --expose-gc --import tsx bench/reads.ts [keys]
 *
 * Also a section of `bench/all.ts` (`pointReads`), where `--keys N` (or
 * `--full`: 10 000 000) sets the key count.
 *
 * Fairness: every contender gets a freshly built JS string key per lookup
 * (so no contender reuses a cached string hash) and returns a JS string.
 */
import { Mirror } from "../mod.ts";
import { startRedis } from "../tests/_support/redis_server.ts";
import {
  heapUsed,
  interleavedMedianNs,
  isMain,
  medianNsAsync,
  printSection,
  prng,
  runtime,
  type Section,
  settleHeap,
  times,
  verdict,
} from "./_util.ts";

const LOOKUPS_PER_BATCH = 100_000;
const BATCHES = 21;
const REMOTE_LOOKUPS = 200;
const REMOTE_BATCHES = 25;

const keyOf = (i: number) => "key:" + String(i).padStart(12, "0"); // 16 bytes
const valueOf = (i: number) => "val:" + String(i * 2654435761 % 1e12).padStart(28, "0"); // 32 bytes

/** Point reads and memory per key at `keys` keys: two sections (reads, memory). */
export async function pointReads(keys: number): Promise<Section[]> {
  await settleHeap();
  // Random key indices over the whole key set, drawn up front so all contenders walk the same order.
  const random = prng(42);
  const order = Uint32Array.from({ length: LOOKUPS_PER_BATCH }, () => Math.floor(random() * keys));

  const server = await startRedis({ config: { "repl-diskless-sync": "yes", "repl-diskless-sync-delay": 0 } });
  const redis = server.client();
  try {
    const emptyUsed = Number((await server.info("memory")).used_memory);
    for (let start = 0; start < keys; start += 10_000) {
      const pipeline = redis.pipeline();
      for (let i = start; i < Math.min(keys, start + 10_000); i++) pipeline.set(keyOf(i), valueOf(i));
      await pipeline.exec();
    }
    const redisBytesPerKey = (Number((await server.info("memory")).used_memory) - emptyUsed) / keys;

    // --- the mirror
    const heapBeforeMirror = heapUsed();
    const loadStart = performance.now();
    const mirror = await Mirror.connect({ port: server.port });
    const loadMs = performance.now() - loadStart;
    const mirrorHeap = Math.max(0, heapUsed() - heapBeforeMirror);
    const mirrorWasm = mirror.stats().memoryBytes;
    const mirrorUsed = mirror.stats().memoryUsedBytes;
    if (mirror.get(keyOf(keys - 1)) !== valueOf(keys - 1)) throw new Error("mirror content is wrong");

    // --- a JS Map holding the same strings
    const heapBeforeMap = heapUsed();
    let map: Map<string, string> | null = new Map<string, string>();
    for (let i = 0; i < keys; i++) map.set(keyOf(i), valueOf(i));
    const mapBytesPerKey = (heapUsed() - heapBeforeMap) / keys;

    let sink = 0;
    const m = map;
    // interleaved batches: a drift of the machine (this VM varies by tens of percent) hits every contender alike
    const [keyBuildNs, mirrorNs, mapNs] = interleavedMedianNs(BATCHES, LOOKUPS_PER_BATCH, [
      () => {
        for (let i = 0; i < LOOKUPS_PER_BATCH; i++) sink += keyOf(order[i]).length;
      },
      () => {
        for (let i = 0; i < LOOKUPS_PER_BATCH; i++) sink += mirror.get(keyOf(order[i]))!.length;
      },
      () => {
        for (let i = 0; i < LOOKUPS_PER_BATCH; i++) sink += m.get(keyOf(order[i]))!.length;
      },
    ]);
    map = null;
    const redisNs = await medianNsAsync(REMOTE_BATCHES, REMOTE_LOOKUPS, async (b) => {
      for (let i = 0; i < REMOTE_LOOKUPS; i++) sink += (await redis.get(keyOf(order[b * REMOTE_LOOKUPS + i])))!.length;
    });
    await mirror.close();
    if (sink === 42) console.log("");

    const n = keys.toLocaleString("en");
    const mirrorPerKey = (mirrorUsed + mirrorHeap) / keys;
    const mirrorReservedPerKey = (mirrorWasm + mirrorHeap) / keys;
    const reads: Section = {
      id: "reads",
      title: `point reads, ${n} keys (16-byte keys, 32-byte values, random keys), median ns per lookup, ${runtime}`,
      header: ["contender", "ns/get", "mirror vs it", "goal", ""],
      rows: [
        ["mirror.get", mirrorNs.toFixed(0), "", "", ""],
        ["JS Map.get", mapNs.toFixed(0), times(mirrorNs, mapNs), "<= 1.0x Map", verdict(mirrorNs <= mapNs)],
        [
          "ioredis GET (loopback)",
          redisNs.toFixed(0),
          `${(redisNs / mirrorNs).toFixed(0)}x faster`,
          ">= 50x faster",
          verdict(redisNs / mirrorNs >= 50),
        ],
        [`mirror load (full sync of ${n} keys), ms`, loadMs.toFixed(0), "", "", ""],
      ],
      notes: [`(a fresh key string per lookup; building it alone: ${keyBuildNs.toFixed(0)} ns)`],
      data: { keys, mirrorNs, mapNs, redisNs, keyBuildNs, loadMs },
    };
    const memory: Section = {
      id: "memory",
      title: `memory per key, ${n} keys, ${runtime}`,
      header: ["holder", "bytes/key", "vs Redis", "goal", ""],
      rows: [
        [
          "mirror: WASM memory in use + host heap",
          mirrorPerKey.toFixed(1),
          times(mirrorPerKey, redisBytesPerKey),
          "<= 0.6x Redis",
          verdict(mirrorPerKey <= 0.6 * redisBytesPerKey),
        ],
        [
          "mirror: WASM memory reserved + host heap",
          mirrorReservedPerKey.toFixed(1),
          times(mirrorReservedPerKey, redisBytesPerKey),
          "",
          "",
        ],
        ["JS Map (heap delta)", mapBytesPerKey.toFixed(1), times(mapBytesPerKey, redisBytesPerKey), "", ""],
        ["Redis used_memory delta", redisBytesPerKey.toFixed(1), "1.00x", "", ""],
      ],
      notes: [
        `(mirror: ${(mirrorUsed / keys).toFixed(1)} bytes/key in use of ${(mirrorWasm / keys).toFixed(1)} reserved, ${
          (mirrorHeap / keys).toFixed(1)
        } of host heap; WASM memory grows by a quarter, at least 16 MiB, and untouched pages are not resident)`,
      ],
      data: {
        keys,
        mirrorPerKey,
        mirrorReservedPerKey,
        mirrorWasm,
        mirrorUsed,
        mirrorHeap,
        mapBytesPerKey,
        redisBytesPerKey,
      },
    };
    return [reads, memory];
  } finally {
    await server.stop();
  }
}

if (isMain(import.meta.url)) {
  for (const section of await pointReads(Number(process.argv[2] ?? 1_000_000))) printSection(section);
}
