/**
 * The leaderboard example against a real redis-server: standings kept from
 * watch events equal a full recompute from Redis after a random workload
 * (every kind of write to player keys, TTLs, MULTI, `__vdr_tx`, a FLUSHDB, a
 * forced full resync), and listeners never see a `__vdr_tx` match half
 * applied, even with two writers.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import type { Redis } from "ioredis";
import { Mirror } from "../../mod.ts";
import { type RedisServer, startRedis } from "../_support/redis_server.ts";
import { seededRandom } from "../_support/random.ts";
import {
  clearPlayers,
  computeStandings,
  playerKey,
  playersInRedis,
  playMatch,
} from "../../examples/leaderboard/players.ts";
import { LiveStandings } from "../../examples/leaderboard/standings.ts";

const NAMES = ["ada", "bo", "cy", "dee", "eli", "fay", "gus", "hal", "ivy", "jo"];
const TEAMS = ["red", "blue", "green"];
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("examples/leaderboard", () => {
  let server: RedisServer;
  let mirror: Mirror;
  let redis: Redis;

  before(async () => {
    server = await startRedis({ config: { "repl-diskless-sync-delay": 0 } });
    mirror = await Mirror.connect({ port: server.port });
    redis = server.client();
  });

  after(async () => {
    await mirror?.close();
    await server?.stop();
  });

  /** Lets TTLs pass and has the primary delete expired keys, waits for the mirror and the standings' microtask. */
  async function settle(): Promise<void> {
    await sleep(40);
    for (const name of NAMES) await redis.exists(playerKey(name)); // a lazy expiry propagates a DEL
    await mirror.syncWith(redis, { timeoutMs: 8000 });
    await sleep(0);
  }

  async function reference() {
    return computeStandings(await playersInRedis(redis));
  }

  test("after a random workload the standings equal a full recompute from Redis", async () => {
    const random = seededRandom(9);
    const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)];
    const int = (low: number, high: number) => low + Math.floor(random() * (high - low + 1));
    for (const name of NAMES.slice(0, 5)) await redis.hset(playerKey(name), "team", pick(TEAMS), "score", 50);
    await mirror.syncWith(redis);
    const standings = new LiveStandings(mirror);
    assert.deepEqual(standings.snapshot(), await reference(), "the initial snapshot");
    const checkpoint = async (when: string) => {
      await settle();
      assert.deepEqual(standings.snapshot(), await reference(), when);
    };
    let kinds = 0;
    for (let step = 1; step <= 600; step++) {
      const key = playerKey(pick(NAMES));
      const r = random();
      const write = r < 0.18
        ? redis.hset(key, "team", pick(TEAMS), "score", int(0, 100))
        : r < 0.32
        ? redis.hincrby(key, "score", int(-10, 10))
        : r < 0.42
        ? redis.hset(key, "team", pick(TEAMS))
        : r < 0.48
        ? redis.del(key)
        : r < 0.52
        ? redis.hdel(key, "team")
        : r < 0.57
        ? redis.rename(key, playerKey(pick(NAMES)))
        : r < 0.64
        ? redis.multi().hset(key, "team", pick(TEAMS)).hincrby(key, "score", int(1, 5)).exec()
        : r < 0.76
        ? playMatch(redis, pick(NAMES), pick(NAMES), int(1, 30))
        : r < 0.80
        ? redis.pexpire(key, int(1, 30))
        : r < 0.82
        ? redis.set(key, "not a player") // a string under the prefix
        : r < 0.84
        ? redis.hset(key, "score", "n/a")
        : r < 0.92
        ? redis.set(`elsewhere:${int(0, 9)}`, step) // outside the prefix
        : redis.hset(key, "nickname", `n${step}`); // a field the standings ignore
      await write.then(() => kinds++, () => {}); // WRONGTYPE, RENAME of a missing key, HINCRBY of "n/a"
      if (step % 100 === 0) await checkpoint(`after step ${step}`);
      if (step === 250) {
        await redis.flushdb(); // a flush event: the standings reload
        await checkpoint("after FLUSHDB");
      }
      if (step === 420) {
        // Writes made while the mirror resyncs arrive in the new snapshot, with no update event: only init tells.
        mirror.resync();
        await Promise.allSettled(NAMES.map((name) => redis.hset(playerKey(name), "team", pick(TEAMS), "score", step)));
        await checkpoint("after a full resync");
      }
    }
    assert.ok(kinds > 400, `most writes succeeded (${kinds})`);
    assert.equal(mirror.stats().fullSyncs, 2, "the forced resync happened");
    assert.ok(Object.keys(standings.teams()).length > 0, "the workload ends with players");
    standings.stop();
  });

  test("with __vdr_tx, listeners never see a match half applied, even with two writers", async () => {
    await clearPlayers(redis);
    const seed = redis.multi();
    for (const [i, name] of NAMES.entries()) seed.hset(playerKey(name), "team", TEAMS[i % 3], "score", 100);
    await seed.exec();
    await mirror.syncWith(redis);
    const standings = new LiveStandings(mirror);
    const total = NAMES.length * 100;
    let updates = 0, inFlight = 0;
    standings.onChange((live) => {
      updates++;
      if (Object.values(live.teams()).reduce((sum, team) => sum + team.points, 0) !== total) inFlight++;
    });
    const writer = async (seed: number) => {
      const client = server.client();
      const random = seededRandom(seed);
      for (let i = 0; i < 60; i++) {
        const a = Math.floor(random() * NAMES.length);
        const b = (a + 1 + Math.floor(random() * (NAMES.length - 1))) % NAMES.length;
        await playMatch(client, NAMES[a], NAMES[b], 1 + Math.floor(random() * 25));
      }
    };
    await Promise.all([writer(1), writer(2)]);
    await settle();
    assert.ok(updates >= 60, `the standings changed (${updates} times)`);
    assert.equal(inFlight, 0, "no listener saw points in flight");
    assert.deepEqual(standings.snapshot(), await reference());
    standings.stop();
  });
});
