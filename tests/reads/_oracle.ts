/**
 * The primary as the oracle for reads: a real redis-server, an ioredis
 * client writing to it (and asking it the same reads), and a mirror of it.
 *
 *   const o = await startOracle();
 *   await o.redis.zadd("z", 1, "a");
 *   await o.sync();                      // the mirror applied everything written so far
 *   assert.deepEqual(o.mirror.zrange("z", 0, -1), await o.redis.zrange("z", 0, -1));
 *   await o.stop();
 */
import type { Redis } from "ioredis";
import { Mirror } from "../../mod.ts";
import { type RedisServer, startRedis } from "../_support/redis_server.ts";
import { caughtUp } from "../_support/sync.ts";

/** A primary, a client of it, and a mirror of it. */
export interface Oracle {
  server: RedisServer;
  /** Writes and oracle reads (db 0; `select` on a second client for other dbs). */
  redis: Redis;
  /** The mirror, with keys whose TTL passed visible only when `showExpired` was asked. */
  mirror: Mirror;
  /** Waits until the mirror applied everything the primary propagated so far. */
  sync(): Promise<void>;
  stop(): Promise<void>;
}

/** Starts a redis-server and a mirror of it; `config` adds server directives. */
export async function startOracle(
  options: { config?: Record<string, string | number>; showExpired?: boolean; clock?: () => number } = {},
): Promise<Oracle> {
  const server = await startRedis({
    config: { "repl-diskless-sync-delay": 0, "enable-debug-command": "yes", ...options.config },
  });
  const redis = server.client();
  let mirror: Mirror;
  try {
    mirror = await Mirror.connect({ port: server.port, showExpired: options.showExpired, clock: options.clock });
  } catch (error) {
    await server.stop();
    throw error;
  }
  return {
    server,
    redis,
    mirror,
    sync: async () => void await caughtUp(mirror, redis),
    stop: async () => {
      await mirror.close();
      await server.stop();
    },
  };
}
