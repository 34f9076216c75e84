/**
 * The HTTP face of the item cache, as a web-standard `fetch` handler that
 * any runtime's server (or a test, without any server) can call:
 *
 *   GET /items/:id   the item (from the mirror, or loaded from the database and cached)
 *   PUT /items/:id   replaces the item (JSON body); answers with the mirror's copy: read-your-writes
 *   GET /stats       the cache's counters and `mirror.stats()`
 *
 * @module
 */

import type { Mirror } from "../../mod.ts";
import type { FetchHandler } from "../_support/serve.ts";
import { ItemCache, type ItemCacheOptions } from "./cache.ts";
import type { Item } from "./database.ts";

/** The service: its handler and the cache behind it. */
export interface ItemService {
  /** Answers one request. */
  fetch: FetchHandler;
  /** The cache (for its counters, or direct use). */
  cache: ItemCache;
}

/**
 * Builds the item service over a mirror, an ioredis client and a database.
 *
 * @example
 * ```ts ignore
 * const service = createItemService({ mirror, redis, database: new SlowDatabase() });
 * const response = await service.fetch(new Request("http://localhost/items/1"));
 * console.log(await response.json()); // { source: "database", item: { id: "1", ... }, tookMs: 51.2 }
 * ```
 */
export function createItemService(options: ItemCacheOptions): ItemService {
  const cache = new ItemCache(options);
  const mirror = options.mirror;
  const fetch: FetchHandler = async (request) => {
    const { pathname } = new URL(request.url);
    if (pathname === "/stats") {
      if (request.method !== "GET") return json({ error: "method not allowed" }, 405);
      return json(stats(cache, mirror));
    }
    const id = /^\/items\/([\w-]{1,64})$/.exec(pathname)?.[1];
    if (id === undefined) return json({ error: "not found" }, 404);
    const started = performance.now();
    const tookMs = () => Math.round((performance.now() - started) * 1000) / 1000;
    if (request.method === "GET") {
      const { item, source } = await cache.read(id);
      if (item === null) return json({ error: `no item ${id}` }, 404);
      return json({ source, item, tookMs: tookMs() });
    }
    if (request.method === "PUT") {
      const item = itemFromBody(id, await request.json().catch(() => undefined));
      if (typeof item === "string") return json({ error: item }, 400);
      return json({ source: "mirror", item: await cache.write(item), tookMs: tookMs() });
    }
    return json({ error: "method not allowed" }, 405);
  };
  return { fetch, cache };
}

function stats(cache: ItemCache, mirror: Mirror): unknown {
  return { cache: cache.counters(), keys: mirror.dbsize(), mirror: mirror.stats() };
}

/** The item a PUT body describes, or what is wrong with it. */
function itemFromBody(id: string, body: unknown): Item | string {
  if (typeof body !== "object" || body === null) return "the body must be a JSON object";
  const { name, priceCents, stock } = body as Record<string, unknown>;
  if (typeof name !== "string" || name === "") return "name: a non-empty string";
  if (!Number.isSafeInteger(priceCents) || (priceCents as number) < 0) return "priceCents: an integer >= 0";
  if (!Number.isSafeInteger(stock) || (stock as number) < 0) return "stock: an integer >= 0";
  return { id, name, priceCents: priceCents as number, stock: stock as number };
}

function json(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body, null, 2) + "\n", {
    status,
    headers: { "content-type": "application/json; charset=utf-8" },
  });
}
