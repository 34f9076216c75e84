/**
 * Waiting for a mirror to catch up with a real primary.
 */
import type { Mirror } from "../../mod.ts";
import type { RedisServer } from "./redis_server.ts";

/** Polls until `predicate` holds, or fails after `timeoutMs`. */
export async function waitUntil(
  predicate: () => boolean | Promise<boolean>,
  timeoutMs = 10_000,
  what = "condition",
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** The primary's `master_repl_offset`. */
export async function primaryOffset(server: RedisServer): Promise<number> {
  return Number((await server.info("replication")).master_repl_offset);
}

/** Waits until the mirror has applied everything the primary has propagated so far. */
export async function caughtUp(mirror: Mirror, server: RedisServer, timeoutMs = 10_000): Promise<number> {
  const target = await primaryOffset(server);
  await waitUntil(() => mirror.offset >= target, timeoutMs, `mirror offset ${mirror.offset} to reach ${target}`);
  return target;
}
