// Mirroring from a replica instead of the primary (chained replication), as the README recommends to spare the
// primary: a real primary, a real redis-server replica of it, and a mirror of that replica. Writes go to the primary;
// the mirror must end equal to the primary, follow a `__vdr_tx` transaction, and resume partially after its link to
// the replica drops.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Mirror } from "../../mod.ts";
import { startRedis } from "../_support/redis_server.ts";
import { caughtUp, waitUntil } from "../_support/sync.ts";
import { compareSnapshots, describeMismatch, snapshotPrimary, snapshotStore } from "../_support/compare.ts";

test("a mirror of a replica follows the primary's writes and resumes partially", async () => {
  const config = { "repl-diskless-sync-delay": 0 };
  const primary = await startRedis({ config });
  const replica = await startRedis({ config: { ...config, replicaof: ["127.0.0.1", String(primary.port)] } });
  const writer = primary.client();
  const replicaClient = replica.client();
  await writer.set("before", "1");
  await waitUntil(async () => (await replicaClient.get("before")) === "1", 10_000, "the replica's sync");
  const mirror = await Mirror.connect({ port: replica.port, reconnectDelayMs: 10 });
  try {
    for (let i = 0; i < 200; i++) await writer.hset(`h:${i % 7}`, `f${i}`, String(i));
    await writer.zadd("z", 1, "a", 2, "b");
    await writer.multi().set("__vdr_tx", "1", "PX", 10_000).incr("n").incr("n").del("__vdr_tx").exec();
    await caughtUp(mirror, replicaClient);
    assert.equal(mirror.get("n"), "2");
    let diff = compareSnapshots(await snapshotPrimary(writer, 1), snapshotStore(mirror.store, 1));
    assert.deepEqual(diff.map(describeMismatch), []);

    // the replica drops its replica links (the mirror): the mirror comes back with a partial resync
    const partial = mirror.stats().partialSyncs;
    await replicaClient.call("CLIENT", "KILL", "TYPE", "replica");
    await writer.set("after", "2");
    await waitUntil(() => mirror.stats().partialSyncs > partial && mirror.get("after") === "2", 10_000, "resume");
    assert.equal(mirror.stats().fullSyncs, 1);
    await caughtUp(mirror, replicaClient);
    diff = compareSnapshots(await snapshotPrimary(writer, 1), snapshotStore(mirror.store, 1));
    assert.deepEqual(diff.map(describeMismatch), []);
  } finally {
    await mirror.close();
    await replica.stop();
    await primary.stop();
  }
});
