/**
 * The cache-aside example against a real redis-server: a miss loads and
 * caches, the next read is a mirror hit, a PUT is read back at once, a load
 * overtaken by a write does not undo it, and the runtime's own HTTP server
 * serves the same handler.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { Mirror } from "../../mod.ts";
import { type RedisServer, startRedis } from "../_support/redis_server.ts";
import { type Item, SAMPLE_ITEMS, SlowDatabase } from "../../examples/cache_aside/database.ts";
import { createItemService, type ItemService } from "../../examples/cache_aside/service.ts";
import { currentRuntime, serve } from "../../examples/_support/serve.ts";
import type { Redis } from "ioredis";

describe("examples/cache_aside", () => {
  let server: RedisServer;
  let mirror: Mirror;
  let redis: Redis;
  let database: SlowDatabase;
  let service: ItemService;

  before(async () => {
    server = await startRedis({ config: { "repl-diskless-sync-delay": 0 } });
    mirror = await Mirror.connect({ port: server.port });
    redis = server.client();
    database = new SlowDatabase(SAMPLE_ITEMS, { loadDelayMs: 40, saveDelayMs: 5 });
    service = createItemService({ mirror, redis, database, ttlMs: 30_000 });
  });

  after(async () => {
    await mirror?.close();
    await server?.stop();
  });

  const get = (id: string) => service.fetch(new Request(`http://example.test/items/${id}`));
  const put = (id: string, body: unknown) =>
    service.fetch(new Request(`http://example.test/items/${id}`, { method: "PUT", body: JSON.stringify(body) }));

  test("a miss loads from the database and caches with a TTL; the next read is a mirror hit", async () => {
    const loads = database.loads;
    const first = await get("1");
    assert.equal(first.status, 200);
    const miss = await first.json();
    assert.equal(miss.source, "database");
    assert.deepEqual(miss.item, SAMPLE_ITEMS[0]);
    assert.equal(database.loads, loads + 1);

    // Cached in Redis with its TTL, and already in the mirror (the load waited for it).
    const key = service.cache.keyOf("1");
    assert.equal(await redis.hget(key, "name"), SAMPLE_ITEMS[0].name);
    assert.ok((await redis.pttl(key)) > 0);
    assert.ok(mirror.pttl(key) > 0 && mirror.pttl(key) <= 30_000);

    const hit = await (await get("1")).json();
    assert.equal(hit.source, "mirror");
    assert.deepEqual(hit.item, SAMPLE_ITEMS[0]);
    assert.equal(database.loads, loads + 1, "a hit does not touch the database");
  });

  test("PUT writes through, and the writer reads its own write from the mirror", async () => {
    const updated: Item = { id: "2", name: "Brass compass (boxed)", priceCents: 3999, stock: 11 };
    await get("2"); // cached with the old value
    const response = await put("2", { name: updated.name, priceCents: updated.priceCents, stock: updated.stock });
    assert.equal(response.status, 200);
    assert.deepEqual((await response.json()).item, updated);
    // Right after the PUT, without waiting: the mirror already holds it.
    assert.deepEqual(service.cache.cached("2"), updated);
    const read = await (await get("2")).json();
    assert.deepEqual(read, { ...read, source: "mirror", item: updated });
    assert.deepEqual(await database.load("2"), updated, "the database has it too");
  });

  test("concurrent misses of one item load it once", async () => {
    const loads = database.loads;
    const answers = await Promise.all(Array.from({ length: 8 }, () => get("3")));
    const bodies = await Promise.all(answers.map((a) => a.json()));
    assert.equal(database.loads, loads + 1);
    for (const body of bodies) assert.equal(body.item.name, SAMPLE_ITEMS[2].name);
  });

  test("a load overtaken by a write does not put the older value back", async () => {
    const reading = get("4"); // loads the old row (40 ms)...
    await new Promise((resolve) => setTimeout(resolve, 5));
    const newer = { name: "Fountain pen (blue)", priceCents: 6100, stock: 6 };
    assert.equal((await put("4", newer)).status, 200); // ...while this write finishes first
    const raced = await (await reading).json();
    assert.deepEqual(raced.item, { id: "4", ...newer }, "the overtaken read answers with what the cache holds");
    assert.deepEqual(service.cache.cached("4"), { id: "4", ...newer });
  });

  test("errors: unknown item, bad body, unknown route, wrong method", async () => {
    assert.equal((await get("nope")).status, 404);
    assert.equal(service.cache.cached("nope"), null);
    assert.equal((await put("1", { name: "", priceCents: 1, stock: 1 })).status, 400);
    assert.equal((await put("1", "not json at all")).status, 400);
    assert.equal((await service.fetch(new Request("http://example.test/elsewhere"))).status, 404);
    const del = await service.fetch(new Request("http://example.test/items/1", { method: "DELETE" }));
    assert.equal(del.status, 405);
  });

  test("/stats gives the cache's counters and mirror.stats()", async () => {
    const stats = await (await service.fetch(new Request("http://example.test/stats"))).json();
    assert.deepEqual(stats.cache, service.cache.counters());
    assert.ok(stats.cache.hits > 0 && stats.cache.misses > 0 && stats.cache.writes > 0);
    assert.equal(stats.mirror.state, "streaming");
    assert.equal(stats.mirror.offset, mirror.offset);
    assert.equal(stats.keys, mirror.dbsize());
  });

  test(`served over HTTP by this runtime's own server (${currentRuntime()})`, async () => {
    const http = await serve(service.fetch, { port: 0 });
    try {
      assert.equal(http.runtime, currentRuntime());
      const base = `http://127.0.0.1:${http.port}`;
      const body = { name: "Linen notebook (A5)", priceCents: 999, stock: 200 };
      const written = await fetch(`${base}/items/3`, { method: "PUT", body: JSON.stringify(body) });
      assert.equal(written.status, 200);
      assert.equal(written.headers.get("content-type"), "application/json; charset=utf-8");
      assert.deepEqual((await written.json()).item, { id: "3", ...body });
      const read = await (await fetch(`${base}/items/3`)).json();
      assert.equal(read.source, "mirror");
      assert.deepEqual(read.item, { id: "3", ...body });
      assert.equal((await fetch(`${base}/missing`)).status, 404);
    } finally {
      await http.close();
    }
  });
});
