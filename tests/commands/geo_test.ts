// Geo write commands (src/commands/geo.ts) against a real redis-server: GEOADD scores, then GEOSEARCHSTORE and
// GEORADIUS[BYMEMBER] STORE/STOREDIST over seeded random points (clusters, duplicate coordinates, shared
// longitudes, the coordinate limits). Destinations are compared member by member; geohash scores must be
// identical. Distances (STOREDIST) come from the JavaScript engine's sin/cos/asin where the server uses
// libm, and Redis 7.0 (the server here) computes same-longitude distances with the full haversine where
// 7.2+ takes an exact shortcut: such differences are counted and must stay within a few ulps.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import type { Redis } from "ioredis";
import { Store, ValueType } from "../../src/_wasm/store.ts";
import { CommandError } from "../../src/commands/args.ts";
import { lookupCommand } from "../../src/commands/table.ts";
import { type RedisServer, startRedis } from "../_support/redis_server.ts";
import { seededRandom } from "../_support/random.ts";

const te = new TextEncoder();
const hex = (u: Uint8Array) => Buffer.from(u).toString("hex");

interface Scored {
  members: string[];
  scores: number[];
}

async function redisZset(client: Redis, key: string): Promise<Scored | string> {
  const type = await client.type(key);
  if (type !== "zset") return type;
  const flat = await client.callBuffer("zrange", key, 0, -1, "WITHSCORES") as Buffer[];
  const out: Scored = { members: [], scores: [] };
  for (let i = 0; i < flat.length; i += 2) {
    out.members.push(hex(flat[i]));
    out.scores.push(Number(flat[i + 1].toString()));
  }
  return out;
}

function storeZset(store: Store, key: string): Scored | string {
  const type = store.find(0, key);
  if (type === ValueType.none) return "none";
  if (type !== ValueType.zset) return store.foundTypeName();
  const r = store.foundZsetRange({ by: "rank", start: 0, stop: -1 });
  return { members: r.members.map(hex), scores: r.scores };
}

/** Distance in units in the last place between two doubles of the same sign. */
function ulps(a: number, b: number): number {
  const buf = new DataView(new ArrayBuffer(16));
  buf.setFloat64(0, a);
  buf.setFloat64(8, b);
  const d = buf.getBigInt64(0) - buf.getBigInt64(8);
  return Number(d < 0n ? -d : d);
}

function applyToStore(store: Store, args: string[]): unknown {
  const spec = lookupCommand(te.encode(args[0]))!;
  assert.ok(spec, `${args[0]} is declared`);
  try {
    spec.apply({ store, db: 0, now: () => Date.now() }, args.map((a) => te.encode(a)));
    return null;
  } catch (error) {
    return error;
  }
}

async function applyToRedis(client: Redis, args: string[]): Promise<unknown> {
  try {
    await client.call(args[0], ...args.slice(1));
    return null;
  } catch (error) {
    return error;
  }
}

/** What the comparisons met; printed with GEO_TEST_VERBOSE=1. */
const stats = {
  commands: 0,
  failedOnBoth: 0,
  empty: 0,
  stored: 0,
  distScores: 0,
  distExact: 0,
  distUlp: new Map<number, number>(),
  membershipDiffs: 0,
  maxCount: 0,
};

/** Runs a command on both sides; both succeed or both fail. Returns false when both failed. */
async function both(store: Store, client: Redis, args: string[]): Promise<boolean> {
  stats.commands++;
  const redisError = await applyToRedis(client, args);
  const storeError = applyToStore(store, args);
  if (redisError) {
    assert.ok(
      storeError instanceof CommandError,
      `${args.join(" ")}: redis failed (${redisError}), store: ${storeError}`,
    );
    stats.failedOnBoth++;
    return false;
  }
  assert.equal(storeError, null, `${args.join(" ")}: redis succeeded, store threw ${storeError}`);
  return true;
}

/** Compares a destination: geohash scores exactly, distances within `maxUlps`. */
async function compareDestination(store: Store, client: Redis, key: string, dist: boolean, what: string) {
  const expected = await redisZset(client, key);
  const actual = storeZset(store, key);
  if (typeof expected === "string" || typeof actual === "string") {
    assert.equal(actual, expected, `${what}: type`);
    if (expected === "none") stats.empty++;
    return;
  }
  stats.stored++;
  stats.maxCount = Math.max(stats.maxCount, expected.members.length);
  const byMember = new Map(actual.members.map((m, i) => [m, actual.scores[i]]));
  const sameMembers = expected.members.length === actual.members.length &&
    expected.members.every((m) => byMember.has(m));
  if (!sameMembers) stats.membershipDiffs++;
  assert.ok(sameMembers, `${what}: members\n redis ${expected.members}\n store ${actual.members}`);
  expected.members.forEach((m, i) => {
    const want = expected.scores[i], got = byMember.get(m)!;
    if (!dist) {
      assert.equal(got, want, `${what}: geohash score of ${m}`);
      return;
    }
    stats.distScores++;
    if (got === want) {
      stats.distExact++;
      return;
    }
    const u = ulps(got, want);
    stats.distUlp.set(u, (stats.distUlp.get(u) ?? 0) + 1);
    assert.ok(u <= 8, `${what}: distance of ${m}: redis ${want}, store ${got} (${u} ulps)`);
  });
}

interface Cluster {
  lon: number;
  lat: number;
  spread: number;
}

function clamp(v: number, lo: number, hi: number): number {
  return Math.max(lo, Math.min(hi, v));
}

/** GEOADD arguments for random points: clusters, exact duplicates, shared longitudes, limits. */
function randomPoints(random: () => number, clusters: Cluster[], n: number): string[][] {
  const commands: string[][] = [];
  const favourites: [number, number][] = clusters.map((c) => [c.lon, c.lat]);
  let batch: string[] = [];
  for (let i = 0; i < n; i++) {
    const c = clusters[Math.floor(random() * clusters.length)];
    let lon = clamp(c.lon + (random() - 0.5) * c.spread, -180, 180);
    let lat = clamp(c.lat + (random() - 0.5) * c.spread, -85.05112878, 85.05112878);
    const r = random();
    if (r < 0.15) [lon, lat] = favourites[Math.floor(random() * favourites.length)]; // same spot: equal distances
    else if (r < 0.2) lon = c.lon; // same longitude as a centre
    else if (r < 0.22) [lon, lat] = [random() < 0.5 ? 180 : -180, random() < 0.5 ? 85.05112878 : -85.05112878];
    batch.push(String(lon), String(lat), `p${i}`);
    if (batch.length >= 30 || i === n - 1) {
      commands.push(["geoadd", "g", ...batch]);
      batch = [];
    }
  }
  return commands;
}

function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)];
}

const UNITS: [string, number][] = [["m", 1], ["km", 1000], ["mi", 1609.34], ["ft", 0.3048], ["KM", 1000]];

/** A random search of one of the three storing forms, with the destination key and whether it stores distances. */
function randomSearch(random: () => number, clusters: Cluster[], members: number): { args: string[]; dist: boolean } {
  const c = pick(random, clusters);
  const [unit, meters] = pick(random, UNITS);
  // sizes from metres to thousands of km, in the chosen unit
  const sizeM = 10 ** (random() * 6.8);
  const size = String(+(sizeM / meters).toPrecision(6));
  const lon = String(clamp(c.lon + (random() - 0.5) * c.spread, -180, 180));
  const lat = String(clamp(c.lat + (random() - 0.5) * c.spread, -85.05112878, 85.05112878));
  const member = `p${Math.floor(random() * (members + 3))}`; // sometimes not a member
  const options: string[] = [];
  if (random() < 0.5) {
    options.push("COUNT", String(1 + Math.floor(random() * 25)));
    if (random() < 0.3) options.push("ANY");
  }
  if (random() < 0.5) options.push(pick(random, ["ASC", "DESC"]));
  const dist = random() < 0.5;
  const src = random() < 0.05 ? pick(random, ["missing", "str"]) : "g";
  const dst = pick(random, ["dst", "dst", "g2", "str"]);
  const form = random();
  if (form < 0.5) {
    const from = random() < 0.5 ? ["FROMMEMBER", member] : ["FROMLONLAT", lon, lat];
    const by = random() < 0.5
      ? ["BYRADIUS", size, unit]
      : ["BYBOX", size, String(+(10 ** (random() * 6.8) / meters).toPrecision(6)), unit];
    return { args: ["geosearchstore", dst, src, ...from, ...by, ...options, ...(dist ? ["STOREDIST"] : [])], dist };
  }
  const store = [dist ? "STOREDIST" : "STORE", dst];
  if (form < 0.75) return { args: ["georadius", src, lon, lat, size, unit, ...options, ...store], dist };
  return { args: ["georadiusbymember", src, member, size, unit, ...options, ...store], dist };
}

describe("geo commands: key positions", () => {
  const keysOf = (...argv: string[]) => {
    const keys = lookupCommand(te.encode(argv[0]))!.keys!;
    return typeof keys === "function" ? keys(argv.map((a) => te.encode(a))) : keys;
  };
  it("GEORADIUS[BYMEMBER] STORE/STOREDIST (the last one wins), GEOSEARCHSTORE, GEOADD", () => {
    assert.deepEqual(keysOf("georadius", "g", "0", "0", "1", "km", "STORE", "a", "STOREDIST", "b"), [1, 9]);
    assert.deepEqual(keysOf("georadiusbymember", "g", "m", "1", "km", "COUNT", "3"), [1]);
    assert.deepEqual(keysOf("georadiusbymember", "g", "m", "1", "km", "STOREDIST", "d"), [1, 6]);
    assert.deepEqual(keysOf("geosearchstore", "d", "g", "FROMMEMBER", "m", "BYRADIUS", "1", "m"), {
      first: 1,
      last: 2,
      step: 1,
    });
    assert.deepEqual(keysOf("geoadd", "g", "1", "2", "m"), { first: 1, last: 1, step: 1 });
  });
});

describe("geo commands against redis-server", () => {
  let srv: RedisServer;
  let client: Redis;
  before(async () => {
    srv = await startRedis();
    client = srv.client();
  });
  after(async () => {
    if (process.env.GEO_TEST_VERBOSE) {
      console.log(JSON.stringify({ ...stats, distUlp: Object.fromEntries(stats.distUlp) }));
    }
    await srv?.stop();
  });

  it("GEOADD stores Redis's geohash scores (NX/XX/CH, limits, invalid pairs)", async () => {
    const store = new Store();
    const random = seededRandom(11);
    await client.flushall();
    await both(store, client, ["set", "str", "x"]);
    for (let i = 0; i < 300; i++) {
      const lon = random() < 0.1 ? pick(random, ["180", "-180", "180.0000001", "0"]) : String((random() - 0.5) * 360);
      const lat = random() < 0.1
        ? pick(random, ["85.05112878", "-85.05112878", "85.05112879", "0"])
        : String((random() - 0.5) * 170.2);
      const flags = random() < 0.3
        ? [pick(random, ["NX", "XX", "CH", "nx", "XX CH"])].flatMap((f) => f.split(" "))
        : [];
      const key = random() < 0.03 ? "str" : "g";
      await both(store, client, ["geoadd", key, ...flags, lon, lat, `m${Math.floor(random() * 100)}`]);
    }
    await both(store, client, ["geoadd", "g", "NX", "XX", "1", "2", "x"]);
    await both(store, client, ["geoadd", "g", "1", "2"]);
    await both(store, client, ["geoadd", "g", "CH", "CH"]);
    await both(store, client, ["geoadd", "g", "abc", "2", "x"]);
    await both(store, client, ["geoadd", "g", "0x10", "1e-310", "hex", " 1", "2", "space", "1", "nan", "nan"]);
    await both(store, client, ["geoadd", "g", "0x10", "1e-310", "hex", "-0X1.8p3", "0x1p-2", "hex2"]);
    await compareDestination(store, client, "g", false, "geoadd");
  });

  it("searches over a sorted set whose scores are not geohashes (negative, fractional, beyond 52 bits)", async () => {
    const store = new Store();
    await client.flushall();
    const weird = [
      "-5.7",
      "1e17",
      "4503599627370495.5",
      "1.8446744073709552e19",
      "0",
      "3",
      "-1e19",
      "13510798882111488",
    ];
    await both(store, client, ["zadd", "w", ...weird.flatMap((s, i) => [s, `x${i}`])]);
    await both(store, client, [
      "geoadd",
      "w",
      "180",
      "85.05112878",
      "corner",
      "-180",
      "-85.05112878",
      "sw",
      "0",
      "0",
      "o",
    ]);
    for (let i = 0; i < weird.length; i++) {
      for (const [size, unit] of [["100", "km"], ["20000", "km"], ["1", "m"]]) {
        for (const by of [["BYRADIUS", size, unit], ["BYBOX", size, size, unit]]) {
          const args = ["geosearchstore", "d", "w", "FROMMEMBER", `x${i}`, ...by, "STOREDIST"];
          if (await both(store, client, args)) await compareDestination(store, client, "d", true, args.join(" "));
        }
        const args = ["georadiusbymember", "w", `x${i}`, size, unit, "STORE", "d"];
        if (await both(store, client, args)) await compareDestination(store, client, "d", false, args.join(" "));
      }
    }
  });

  it("GEOSEARCHSTORE / GEORADIUS / GEORADIUSBYMEMBER with STORE and STOREDIST", async () => {
    const store = new Store();
    const random = seededRandom(22);
    for (let round = 0; round < 40; round++) {
      await client.flushall();
      store.flushAll();
      await both(store, client, ["set", "str", "x"]);
      const clusters: Cluster[] = Array.from({ length: 1 + Math.floor(random() * 3) }, () => ({
        lon: (random() - 0.5) * 360,
        lat: (random() - 0.5) * 170,
        spread: pick(random, [0.001, 0.05, 1, 10, 60]),
      }));
      if (round % 8 === 0) clusters.push({ lon: 179.99, lat: 84.9, spread: 0.5 }, { lon: 0, lat: 0, spread: 0.01 });
      const n = 20 + Math.floor(random() * 300);
      for (const cmd of randomPoints(random, clusters, n)) await both(store, client, cmd);
      await compareDestination(store, client, "g", false, "points");
      for (let i = 0; i < 25; i++) {
        const { args, dist } = randomSearch(random, clusters, n);
        const dst = args[0] === "geosearchstore" ? args[1] : args[args.length - 1];
        if (await both(store, client, args)) await compareDestination(store, client, dst, dist, args.join(" "));
      }
    }
    assert.ok(stats.stored > 300 && stats.empty > 20 && stats.failedOnBoth > 20, JSON.stringify(stats));
    assert.ok(stats.maxCount > 100);
    // STOREDIST: most distances are bit-identical; the others are engine-vs-libm last-bit differences
    assert.ok(stats.distExact > stats.distScores * 0.8, `${stats.distExact} of ${stats.distScores} exact`);
  });
});
