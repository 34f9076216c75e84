/**
 * What every example does first: take `REDIS_URL`, connect a mirror (reads)
 * and an ioredis client (writes) to that primary, and turn the failures a
 * user meets first (nothing listening, wrong password) into a plain message.
 *
 * @module
 */

import process from "node:process";
import { Redis } from "ioredis";
import { AuthError, ConnectionError, Mirror } from "../../mod.ts";

/** Where the examples look for Redis when `REDIS_URL` is not set. */
export const DEFAULT_REDIS_URL = "redis://127.0.0.1:6379";

/** A failure of the set-up, with a message meant for the person running the example. */
export class SetupError extends Error {}

/** The mirror and the client of one primary. */
export interface Connections {
  /** Synchronous reads. */
  readonly mirror: Mirror;
  /** Writes (and anything the mirror does not do). */
  readonly redis: Redis;
  /** Closes both. */
  close(): Promise<void>;
}

/**
 * `REDIS_URL` from the environment, or {@linkcode DEFAULT_REDIS_URL}.
 *
 * @example
 * ```ts ignore
 * const url = redisUrl(); // "redis://127.0.0.1:6379" unless REDIS_URL says otherwise
 * ```
 */
export function redisUrl(): string {
  return process.env.REDIS_URL || DEFAULT_REDIS_URL;
}

/**
 * Connects a mirror and an ioredis client to the primary at `url`. Rejects
 * with a {@linkcode SetupError} explaining what to do when nothing answers
 * there or the credentials are refused.
 *
 * @example
 * ```ts ignore
 * const { mirror, redis, close } = await connectExample("redis://127.0.0.1:6379");
 * await redis.set("greeting", "hi");
 * await mirror.syncWith(redis);
 * console.log(mirror.get("greeting")); // "hi"
 * await close();
 * ```
 */
export async function connectExample(url: string): Promise<Connections> {
  let mirror: Mirror;
  try {
    mirror = await Mirror.connect(url);
  } catch (error) {
    throw explain(error, url);
  }
  const redis = new Redis(url);
  return {
    mirror,
    redis,
    close: async () => {
      await mirror.close();
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}

/**
 * The line an example prints before connecting: where, and why the first
 * sync may take a few seconds.
 *
 * @example
 * ```ts ignore
 * console.log(connectingMessage(redisUrl()));
 * ```
 */
export function connectingMessage(url: string): string {
  return `connecting a mirror to ${redactUrl(url)} (a primary with diskless sync first waits ` +
    "repl-diskless-sync-delay, 5 s by default)…";
}

/**
 * Runs an example's `main`, printing a {@linkcode SetupError}'s message
 * (without a stack trace: it is advice, not a bug) and exiting with status 1.
 *
 * @example
 * ```ts ignore
 * await runExample(async () => {
 *   const connections = await connectExample(redisUrl());
 *   await connections.close();
 * });
 * ```
 */
export async function runExample(main: () => Promise<void>): Promise<void> {
  try {
    await main();
  } catch (error) {
    if (!(error instanceof SetupError)) throw error;
    console.error(error.message);
    process.exit(1);
  }
}

/**
 * The URL without its password, for messages.
 *
 * @example
 * ```ts ignore
 * redactUrl("redis://app:secret@db:6379/2"); // "redis://app:***@db:6379/2"
 * ```
 */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== "") parsed.password = "***";
    return parsed.toString();
  } catch {
    return url;
  }
}

function explain(error: unknown, url: string): unknown {
  const where = redactUrl(url);
  if (error instanceof ConnectionError) {
    return new SetupError(
      `No Redis reachable at ${where} (${error.message}).\n` +
        "Start one (e.g. `redis-server --repl-diskless-sync-delay 0`) or point REDIS_URL at yours:\n" +
        "  REDIS_URL=redis://[user:password@]host:port[/db]",
    );
  }
  if (error instanceof AuthError) {
    return new SetupError(
      `Redis at ${where} refused the credentials (${error.message}).\n` +
        "Put them in REDIS_URL (redis://user:password@host:port); the mirror's user needs +psync +replconf +ping.",
    );
  }
  return error;
}
