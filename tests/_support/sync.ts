/**
 * Waiting for a mirror to catch up with a real primary.
 */
import type { Mirror } from "../../mod.ts";
import { Redis } from "ioredis";
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

/** Something that can tell the primary's replication offset: a started server or a (logged-in) client. */
export type OffsetSource = RedisServer | Redis;

/** The primary's `master_repl_offset`. */
export async function primaryOffset(primary: OffsetSource): Promise<number> {
  if (primary instanceof Redis) {
    const info = await primary.info("replication");
    return Number(/master_repl_offset:(\d+)/.exec(info)?.[1]);
  }
  return Number((await primary.info("replication")).master_repl_offset);
}

/** Waits until the mirror has applied everything the primary has propagated so far. */
export async function caughtUp(mirror: Mirror, primary: OffsetSource, timeoutMs = 10_000): Promise<number> {
  const target = await primaryOffset(primary);
  await waitUntil(() => mirror.offset >= target, timeoutMs, `mirror offset ${mirror.offset} to reach ${target}`);
  return target;
}
