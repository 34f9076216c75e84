// A live mirror whose projection runs out of memory (a small `maxMemoryBytes` stands in for the 4 GiB a 32-bit
// WASM memory can address). The documented behaviour, end to end against a real redis-server:
//   - the write that does not fit raises StoreFullError as an "error" event, never a trap or a crash;
//   - reads keep serving the projection as of the write before;
//   - the mirror resyncs into a fresh store; while the data does not fit, every full sync fails the same way
//     and FullSyncLoopError reports the loop;
//   - once the primary's data fits again, the next full sync goes live and the projection equals the primary.
import { test } from "node:test";
import assert from "node:assert/strict";
import { FullSyncLoopError, Mirror, StoreFullError } from "../../mod.ts";
import { startRedis } from "../_support/redis_server.ts";
import { caughtUp, waitUntil } from "../_support/sync.ts";
import { compareSnapshots, describeMismatch, snapshotPrimary, snapshotStore } from "../_support/compare.ts";

const MIB = 1 << 20;

test("a projection that outgrows its memory reports StoreFullError, keeps serving, and recovers when data fits", async () => {
  const server = await startRedis({ config: { "repl-diskless-sync-delay": 0 } });
  const client = server.client();
  const mirror = await Mirror.connect({
    port: server.port,
    maxMemoryBytes: 20 * MIB,
    reconnectDelayMs: 10,
    maxReconnectDelayMs: 50,
  });
  const errors: Error[] = [];
  const stop = mirror.on("error", (error) => errors.push(error));
  try {
    await client.set("before", "still here");
    await caughtUp(mirror, client);
    assert.equal(mirror.get("before"), "still here");

    // ~40 MiB of values: far more than the cap.
    const big = "x".repeat(100_000);
    for (let i = 0; i < 400; i += 50) {
      const pipeline = client.pipeline();
      for (let j = i; j < i + 50; j++) pipeline.set(`big:${j}`, big);
      await pipeline.exec();
    }
    await waitUntil(() => errors.some((e) => e instanceof StoreFullError), 10_000, "StoreFullError");
    assert.equal(mirror.get("before"), "still here", "the last projection keeps serving");
    await waitUntil(() => errors.some((e) => e instanceof FullSyncLoopError), 20_000, "FullSyncLoopError");
    assert.equal(mirror.get("before"), "still here");
    assert.ok(mirror.stats().memoryBytes <= 20 * MIB);

    await client.del(...Array.from({ length: 400 }, (_, i) => `big:${i}`));
    await client.set("after", "fits again");
    await waitUntil(() => mirror.get("after") === "fits again", 20_000, "a full sync that fits");
    await caughtUp(mirror, client);
    const diff = compareSnapshots(await snapshotPrimary(client, 1), snapshotStore(mirror.store, 1));
    assert.deepEqual(diff.map(describeMismatch), []);
    assert.equal(mirror.state, "streaming");
  } finally {
    stop();
    await mirror.close();
    client.disconnect();
    await server.stop();
  }
});
