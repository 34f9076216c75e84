// The mirror finds its primary through three real redis-sentinel processes and follows a failover:
// reads never fail, the end state equals the new primary, and Sentinel never picks the mirror as a
// replica to promote (it announces listening-port 0, so Sentinel cannot reach it).
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import type { Redis } from "ioredis";
import { Mirror } from "../../mod.ts";
import { type RedisServer, startRedis } from "../_support/redis_server.ts";
import { type Sentinels, startSentinels } from "../_support/sentinel.ts";
import { caughtUp, primaryOffset, waitUntil } from "../_support/sync.ts";
import { compareSnapshots, describeMismatch, snapshotPrimary, snapshotStore } from "../_support/compare.ts";
import { activeResources, leakedSince } from "../_support/leaks.ts";

const DATABASES = 2;
const STABLE_KEYS = 200;

describe("Sentinel: discovery and failover with real processes", () => {
  let primary: RedisServer;
  let replica: RedisServer;
  let sentinels: Sentinels;
  let oldClient: Redis;
  let newClient: Redis;

  before(async () => {
    const config = { "repl-diskless-sync-delay": 0, "repl-ping-replica-period": 1 };
    primary = await startRedis({ config });
    replica = await startRedis({ config: { ...config, replicaof: ["127.0.0.1", primary.port] } });
    oldClient = primary.client();
    newClient = replica.client();
    const pipeline = oldClient.pipeline();
    for (let i = 0; i < STABLE_KEYS; i++) pipeline.set(`stable:${i}`, `v${i}`);
    pipeline.hset("h", "a", "1", "b", "2").zadd("z", 1, "one", 2.5, "two").rpush("l", "x", "y");
    pipeline.select(1).sadd("s", "m1", "m2").set("ttl", "t", "EX", 3600).select(0);
    await pipeline.exec();
    await waitUntil(
      async () => (await replica.info("replication")).master_link_status === "up",
      10_000,
      "the replica to sync",
    );
    sentinels = await startSentinels({ count: 3, primaryPort: primary.port, quorum: 2 });
    await sentinels.waitForQuorum({ replicas: 1 });
  });

  after(async () => {
    await sentinels?.stop();
    await replica?.stop();
    await primary?.stop();
  });

  test("connects through the sentinels, follows a failover, ends equal to the new primary", async () => {
    const resourcesBefore = activeResources();
    const mirror = await Mirror.connect({
      sentinels: { sentinels: sentinels.endpoints, name: "mymaster" },
      databases: DATABASES,
      reconnectDelayMs: 50,
    });
    const journal = syncJournal(mirror);
    let reads = 0;
    const failures: string[] = [];
    const reader = setInterval(() => {
      // reads are served by the current projection during the whole failover
      try {
        for (let i = 0; i < STABLE_KEYS; i += 7) {
          const value = mirror.get(`stable:${i}`);
          if (value !== `v${i}`) failures.push(`stable:${i} read ${value} in state ${mirror.state}`);
        }
        reads++;
      } catch (error) {
        failures.push(`read threw ${String(error)} in state ${mirror.state}`);
      }
    }, 2);
    try {
      assert.equal(mirror.get("stable:0"), "v0");
      await oldClient.set("before-failover", "1");
      await caughtUp(mirror, oldClient);
      assert.equal(mirror.get("before-failover"), "1");

      // Sentinel learns about the mirror from the primary's INFO (ip=127.0.0.1,port=0) and cannot reach it.
      await waitUntil(
        async () => {
          const mirrorEntry = (await sentinels.replicas(0)).find((r) => r.port === "0");
          return mirrorEntry !== undefined && /s_down/.test(mirrorEntry.flags);
        },
        20_000,
        "Sentinel to list the mirror (port 0) as down",
      );

      // the real replica has everything before it is promoted
      const target = await primaryOffset(oldClient);
      await waitUntil(
        async () => Number((await replica.info("replication")).slave_repl_offset) >= target,
        10_000,
        "the replica to catch up",
      );
      const firstFailover = journal.mark();
      await sentinels.command(0, "SENTINEL", "failover", "mymaster");
      const promoted = `127.0.0.1:${replica.port}`;
      for (let i = 0; i < 3; i++) {
        await waitUntil(async () => (await sentinels.primaryOf(i)) === promoted, 20_000, `sentinel ${i} to switch`);
      }
      await waitUntil(async () => (await newClient.role())[0] === "master", 10_000, "the replica to be promoted");

      // writes made on the new primary after the failover reach the mirror
      await newClient.set("after-failover", "yes");
      await newClient.hset("h", "c", "3");
      await newClient.del("stable:1");
      await newClient.select(1);
      await newClient.sadd("s", "m3");
      await newClient.select(0);
      await waitUntil(() => mirror.get("after-failover") === "yes", 20_000, "the mirror to follow the new primary");
      await caughtUp(mirror, newClient);
      clearInterval(reader);

      assert.deepEqual(failures.slice(0, 5), []);
      assert.ok(reads > 0);
      const mismatches = compareSnapshots(
        await snapshotPrimary(newClient, DATABASES),
        snapshotStore(mirror.store, DATABASES),
      );
      assert.deepEqual(mismatches.map(describeMismatch), []);

      // Sentinel promoted the real replica, never the mirror; the mirror stays unreachable to it
      for (let i = 0; i < 3; i++) assert.equal(await sentinels.primaryOf(i), promoted);
      const replicas = await sentinels.replicas(0);
      const mirrorEntry = replicas.find((r) => r.port === "0");
      if (mirrorEntry !== undefined) assert.match(mirrorEntry.flags, /disconnected|s_down/);
      // One resync, of the kind the new primary's own rule allows: usually FULL, because after the promotion
      // the old primary still streams (PINGs, Sentinel hellos) to the mirror, whose offset then passes the point
      // where the new primary took over; PARTIAL when nothing came in between.
      await journal.expectOneResync(firstFailover, newClient);

      // Second failover: the new primary crashes (SIGKILL); the sentinels agree it is down and promote the
      // old primary, which they turned into a replica of the new one meanwhile.
      await waitUntil(
        async () => {
          const info = await infoUnlessCut(primary);
          return info !== null && info.role === "slave" && info.master_link_status === "up" &&
            Number(info.slave_repl_offset) >= await primaryOffset(newClient);
        },
        30_000,
        "the old primary to be reconfigured as an up-to-date replica",
      );
      const crashFailover = journal.mark();
      process.kill(replica.pid, "SIGKILL");
      newClient.disconnect(); // (ioredis would keep a reconnect timer running)
      const back = `127.0.0.1:${primary.port}`;
      await waitUntil(async () => (await sentinels.primaryOf(0)) === back, 30_000, "the failover back");
      await waitUntil(async () => (await oldClient.role())[0] === "master", 10_000, "the old primary's promotion");
      await oldClient.set("after-crash", "yes");
      await waitUntil(() => mirror.get("after-crash") === "yes", 20_000, "the mirror to follow the crash failover");
      await caughtUp(mirror, oldClient);
      clearInterval(reader);
      assert.deepEqual(failures.slice(0, 5), []);
      assert.deepEqual(
        compareSnapshots(await snapshotPrimary(oldClient, DATABASES), snapshotStore(mirror.store, DATABASES))
          .map(describeMismatch),
        [],
      );
      // The old primary was an up-to-date replica of the crashed one, so it holds the history the mirror
      // followed and continues from the mirror's offset: one PARTIAL resync (unless the crashed primary got a
      // last PING to the mirror and not to it, which the rule below tells).
      await journal.expectOneResync(crashFailover, oldClient);
      const stats = mirror.stats();
      assert.equal(stats.fullSyncs + stats.partialSyncs, 3, "the counters agree: the first sync and two resyncs");
    } finally {
      clearInterval(reader);
      await mirror.close();
    }
    assert.deepEqual(await leakedSince(resourcesBefore), {});
  });
});

/** What the mirror did at each failover: the offset it left its primary at, and the syncs that went live. */
function syncJournal(mirror: Mirror) {
  const departures: number[] = [];
  const syncs: { partial: boolean; offset: number }[] = [];
  mirror.on("state", (state) => {
    if (state === "reconnecting") departures.push(mirror.offset);
  });
  mirror.on("live", (info) => syncs.push({ partial: info.partial, offset: info.offset }));
  return {
    mark: () => ({ departures: departures.length, syncs: syncs.length }),
    /**
     * Exactly one sync went live since `mark`, partial exactly when the new primary's PSYNC rule allows it:
     * the mirror asks for `offset + 1`, accepted under the old replication id up to `second_repl_offset`.
     */
    async expectOneResync(mark: { departures: number; syncs: number }, newPrimary: Redis): Promise<void> {
      const leftAt = departures[mark.departures];
      const info = await newPrimary.info("replication");
      const handover = Number(/second_repl_offset:(-?\d+)/.exec(info)?.[1]);
      const since = syncs.slice(mark.syncs);
      const context = `left the old primary at offset ${leftAt}, the new one took over at ${handover}, ` +
        `syncs since: ${JSON.stringify(since)}`;
      assert.ok(leftAt !== undefined && handover > 0, context);
      assert.deepEqual(since.map((sync) => sync.partial), [leftAt + 1 <= handover], context);
    },
  };
}

/** INFO replication, or null when Sentinel's `CLIENT KILL TYPE normal` (part of each reconfiguration) cut it. */
async function infoUnlessCut(server: RedisServer): Promise<Record<string, string> | null> {
  try {
    return await server.info("replication");
  } catch (error) {
    if (/closed before a reply|ECONNRESET/.test(String(error))) return null;
    throw error;
  }
}
