/**
 * Cache-aside HTTP service: product reads come from the mirror, misses load
 * from a slow database and are cached in Redis through ioredis (with a TTL),
 * writes go through and are read back from the mirror (read-your-writes).
 * The same code serves with Deno.serve, Bun.serve or node:http.
 *
 *   deno run -A examples/cache_aside.ts
 *   bun examples/cache_aside.ts
 *   node --import tsx examples/cache_aside.ts
 *
 * Environment: REDIS_URL (default redis://127.0.0.1:6379), PORT (default
 * 8787). With `--once` it takes its short tour and exits instead of serving
 * on. It writes only keys under "example:item:".
 */
import process from "node:process";
import { connectExample, connectingMessage, redisUrl, runExample } from "./_support/connect.ts";
import { serve } from "./_support/serve.ts";
import { SAMPLE_ITEMS, SlowDatabase } from "./cache_aside/database.ts";
import { createItemService } from "./cache_aside/service.ts";

const once = process.argv.includes("--once");

await runExample(async () => {
  const url = redisUrl();
  console.log(connectingMessage(url));
  const { mirror, redis, close } = await connectExample(url);
  const service = createItemService({ mirror, redis, database: new SlowDatabase(SAMPLE_ITEMS), ttlMs: 60_000 });
  // Items cached by an earlier run would turn the tour's first read into a hit.
  await redis.del(...SAMPLE_ITEMS.map((item) => service.cache.keyOf(item.id)));
  await mirror.syncWith(redis);

  const server = await serve(service.fetch, { port: Number(process.env.PORT ?? (once ? 0 : 8787)) });
  const base = `http://127.0.0.1:${server.port}`;
  console.log(`serving on ${base} with the ${server.runtime} server; mirror is ${mirror.state}\n`);

  await call("GET", `${base}/items/1`); // miss: the database (~50 ms), then cached
  await call("GET", `${base}/items/1`); // hit: the mirror (microseconds)
  await call("PUT", `${base}/items/1`, { name: "Pocket mirror (gilded)", priceCents: 1899, stock: 39 });
  await call("GET", `${base}/items/1`); // the new value, from the mirror
  await call("GET", `${base}/items/404`);
  const stats = await (await fetch(`${base}/stats`)).json();
  console.log(`GET /stats → cache ${JSON.stringify(stats.cache)}, mirror offset ${stats.mirror.offset}`);

  const stop = async () => {
    await server.close();
    await close();
  };
  if (once) return await stop();
  console.log(`\ntry: curl ${base}/items/2   curl ${base}/stats`);
  console.log(`     curl -X PUT ${base}/items/2 -d '{"name":"Compass","priceCents":3000,"stock":3}'`);
  console.log("Ctrl-C (or SIGTERM) stops the server.");
  await new Promise<void>((resolve) => {
    process.once("SIGINT", () => resolve());
    process.once("SIGTERM", () => resolve());
  });
  await stop();
});

/** One request, printed as a line: method, path, status, where the item came from, time, item. */
async function call(method: string, url: string, body?: unknown): Promise<void> {
  const response = await fetch(url, { method, body: body === undefined ? undefined : JSON.stringify(body) });
  const answer = await response.json();
  const path = new URL(url).pathname;
  const detail = answer.item === undefined
    ? answer.error
    : `${answer.source.padEnd(8)} ${answer.tookMs.toFixed(3).padStart(8)} ms  ${JSON.stringify(answer.item)}`;
  console.log(`${method.padEnd(3)} ${path.padEnd(10)} → ${response.status}  ${detail}`);
}
