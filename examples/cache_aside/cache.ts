/**
 * Cache-aside over a mirror: reads come from the mirror (synchronous, no
 * round trip); a miss loads from the database and fills Redis through
 * ioredis with a TTL; a write goes to the database, then to Redis. After
 * each write to Redis the cache waits until the mirror has applied it
 * (`mirror.syncWith`), so the next read of that item is served by the mirror
 * and a client that just wrote reads its own write.
 *
 * @module
 */

import type { Redis } from "ioredis";
import type { Mirror } from "../../mod.ts";
import type { Item, ItemDatabase } from "./database.ts";

/** What an {@linkcode ItemCache} works with. */
export interface ItemCacheOptions {
  /** The mirror of the primary `redis` writes to. */
  mirror: Mirror;
  /** A client of the primary. */
  redis: Redis;
  /** The source of truth. */
  database: ItemDatabase;
  /** Lifetime of a cached item in ms (default 60 000): bounds how stale it can be if the database changes behind the cache. */
  ttlMs?: number;
  /** Prefix of the cache's keys (default "example:item:"). */
  keyPrefix?: string;
}

/** Where an item came from. */
export type ItemSource = "mirror" | "database";

/** The outcome of a read. */
export interface Lookup {
  /** The item, or null when the database has none. */
  item: Item | null;
  /** "mirror": a cache hit; "database": a miss, now cached. */
  source: ItemSource;
}

/** What the cache did so far. */
export interface CacheCounters {
  /** Reads answered by the mirror. */
  hits: number;
  /** Reads that went to the database (concurrent misses of one item count once each, but load once). */
  misses: number;
  /** Database loads (at most one at a time per item). */
  loads: number;
  /** Items written through. */
  writes: number;
}

/**
 * Fills the cache only if the key is absent: a load that started before a
 * write finished must not replace the written value with the older one it
 * read. (Redis 5+ replicates the script's effects, which the mirror applies
 * as one unit.)
 */
const FILL_IF_ABSENT = `
if redis.call('exists', KEYS[1]) == 1 then return 0 end
redis.call('hset', KEYS[1], unpack(ARGV, 2))
redis.call('pexpire', KEYS[1], ARGV[1])
return 1`;

/**
 * Items cached in Redis hashes, read from the mirror.
 *
 * @example
 * ```ts ignore
 * const cache = new ItemCache({ mirror, redis, database: new SlowDatabase() });
 * await cache.read("1"); // { source: "database", item: { id: "1", ... } }  (50 ms)
 * await cache.read("1"); // { source: "mirror", item: { id: "1", ... } }    (microseconds)
 * ```
 */
export class ItemCache {
  readonly #mirror: Mirror;
  readonly #redis: Redis;
  readonly #database: ItemDatabase;
  readonly #ttlMs: number;
  readonly #prefix: string;
  /** Loads under way, by id: concurrent misses of one item share one database load. */
  readonly #loading = new Map<string, Promise<Item | null>>();
  readonly #counters: CacheCounters = { hits: 0, misses: 0, loads: 0, writes: 0 };

  /** A cache over `options.database`. */
  constructor(options: ItemCacheOptions) {
    this.#mirror = options.mirror;
    this.#redis = options.redis;
    this.#database = options.database;
    this.#ttlMs = options.ttlMs ?? 60_000;
    this.#prefix = options.keyPrefix ?? "example:item:";
  }

  /** The Redis key of an item. */
  keyOf(id: string): string {
    return this.#prefix + id;
  }

  /** The cached item, from the mirror (synchronous), or null when it is not cached. */
  cached(id: string): Item | null {
    return itemFromHash(id, this.#mirror.hgetall(this.keyOf(id)));
  }

  /** The item: from the mirror when cached, else loaded from the database and cached. */
  async read(id: string): Promise<Lookup> {
    const hit = this.cached(id);
    if (hit !== null) {
      this.#counters.hits++;
      return { item: hit, source: "mirror" };
    }
    this.#counters.misses++;
    let loading = this.#loading.get(id);
    if (loading === undefined) {
      loading = this.#load(id).finally(() => this.#loading.delete(id));
      this.#loading.set(id, loading);
    }
    return { item: await loading, source: "database" };
  }

  /** Saves the item to the database, then to the cache; resolves with the item as the mirror now has it. */
  async write(item: Item): Promise<Item> {
    await this.#database.save(item);
    const key = this.keyOf(item.id);
    // One MULTI: the mirror applies it as one unit, so no read sees the item without its TTL or half-written.
    await this.#redis.multi().del(key).hset(key, ...fieldsOf(item)).pexpire(key, this.#ttlMs).exec();
    await this.#mirror.syncWith(this.#redis);
    this.#counters.writes++;
    return this.cached(item.id) ?? item;
  }

  /** Copies of the counters. */
  counters(): CacheCounters {
    return { ...this.#counters };
  }

  async #load(id: string): Promise<Item | null> {
    this.#counters.loads++;
    const item = await this.#database.load(id);
    if (item === null) return null; // (a real service might cache the absence too, with a short TTL)
    await this.#redis.eval(FILL_IF_ABSENT, 1, this.keyOf(id), this.#ttlMs, ...fieldsOf(item));
    // The item is loaded either way: a mirror that lags (reconnecting) only costs the next read another miss.
    await this.#mirror.syncWith(this.#redis, { timeoutMs: 1000 }).catch(() => {});
    // A write that overtook this load won: answer with what the cache holds now.
    return this.cached(id) ?? item;
  }
}

/** An item as the fields of its hash. */
function fieldsOf(item: Item): string[] {
  return ["name", item.name, "priceCents", String(item.priceCents), "stock", String(item.stock)];
}

/** The item a cached hash holds; null when the hash is missing (hgetall gives {}). */
function itemFromHash(id: string, hash: Record<string, string>): Item | null {
  if (hash.name === undefined) return null;
  return { id, name: hash.name, priceCents: Number(hash.priceCents), stock: Number(hash.stock) };
}
