/**
 * The writer's side of the `__vdr_tx` convention: writes made while the
 * marker key exists reach mirrors all at once, when it is deleted. Useful
 * when a change needs several round trips (a read between two writes), so
 * one `MULTI`/`EXEC` cannot hold it.
 *
 * @module
 */

import type { Redis } from "ioredis";

/** The marker key the mirror recognises. */
export const VDR_TX_MARKER = "__vdr_tx";

/** Options of {@linkcode withVdrTx}. */
export interface VdrTxOptions {
  /**
   * TTL of the marker in ms (default 5000): if the writer dies inside the
   * transaction, the primary expires the marker and mirrors apply what was
   * written. Keep transactions far shorter than this.
   */
  leaseMs?: number;
  /** Pause between attempts to take a marker another writer holds (default 2 ms). */
  retryMs?: number;
}

/**
 * Runs `body` inside a `__vdr_tx` transaction: takes the marker (`SET NX`,
 * waiting while another writer holds it, since there is one marker for all
 * writers), runs the writes, and deletes the marker, at which point mirrors
 * apply everything `body` wrote. Reads inside `body` must go to the primary:
 * mirrors see none of the transaction before the end.
 *
 * @example
 * ```ts ignore
 * await withVdrTx(redis, async () => {
 *   const balance = Number(await redis.get("acct:a"));
 *   await redis.decrby("acct:a", balance);
 *   await redis.incrby("acct:b", balance);
 * });
 * ```
 */
export async function withVdrTx<T>(redis: Redis, body: () => Promise<T>, options: VdrTxOptions = {}): Promise<T> {
  const leaseMs = options.leaseMs ?? 5000;
  const retryMs = options.retryMs ?? 2;
  while ((await redis.set(VDR_TX_MARKER, "1", "PX", leaseMs, "NX")) === null) {
    await new Promise((resolve) => setTimeout(resolve, retryMs));
  }
  try {
    return await body();
  } finally {
    await redis.del(VDR_TX_MARKER);
  }
}
