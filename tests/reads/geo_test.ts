// Geo reads (src/reads/geo.ts) against a real primary: seeded random points (clusters, duplicates, shared
// longitudes, high latitudes, the antimeridian) in a small (listpack) and a large (skiplist) index; GEOPOS,
// GEODIST, GEOHASH, GEOSEARCH and GEORADIUS[BYMEMBER]_RO compared with the primary over many random
// arguments. Distances are compared as Redis replies them (4 decimals) with a tolerance of one unit in the
// last decimal: the primary's libm and the JavaScript engine may differ in the last bit, which can flip a
// rounding; coordinates and hashes must be identical.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import type { GeoMatch, GeoReplyOptions, GeoSearchOptions, GeoUnit } from "../../src/reads/geo.ts";
import { redisCoordinate, redisDistance } from "../../src/reads/geo.ts";
import { seededRandom } from "../_support/random.ts";
import { type Oracle, startOracle } from "./_oracle.ts";
import { mirrorCall, sameOutcome } from "../_support/outcomes.ts";

const random = seededRandom(0x9e0);
const int = (n: number) => Math.floor(random() * n);
const pick = <T>(items: readonly T[]): T => items[int(items.length)];

let o: Oracle;

const CENTERS: [number, number][] = [
  [13.361389, 38.115556],
  [15.087269, 37.502669],
  [0, 0],
  [179.95, 10],
  [-179.9, -20],
  [-73.98, 40.75],
  [2.35, 48.85],
  [20, 84.5],
  [10, -84.9],
];
const UNITS: GeoUnit[] = ["m", "km", "ft", "mi", "KM"];
/** Metres per unit. */
const scaleOf = (unit: GeoUnit): number => ({ m: 1, km: 1000, ft: 0.3048, mi: 1609.34 })[unit.toLowerCase() as "m"];
const keys = ["geo:small", "geo:big", "geo:bin"];
const membersOf = new Map<string, string[]>();

function randomPoint(): [number, number] {
  const r = random();
  if (r < 0.15) return [random() * 360 - 180, random() * 170.1 - 85.05];
  const [lon, lat] = pick(CENTERS);
  const spread = pick([0.001, 0.05, 0.5, 3]);
  const x = Math.max(-180, Math.min(180, lon + (random() - 0.5) * spread));
  const y = Math.max(-85.05, Math.min(85.05, lat + (random() - 0.5) * spread));
  return [Number(x.toFixed(6)), Number(y.toFixed(6))];
}

async function writeIndex(key: string, size: number): Promise<void> {
  const args: (string | number)[] = [];
  const members: string[] = [];
  let previous: [number, number] = [0, 0];
  for (let i = 0; i < size; i++) {
    // some duplicate positions and shared longitudes
    const r = random();
    const point: [number, number] = r < 0.05 ? previous : r < 0.1 ? [previous[0], randomPoint()[1]] : randomPoint();
    const member = `p${i}:${int(1000)}`;
    args.push(point[0], point[1], member);
    members.push(member);
    previous = point;
  }
  for (let i = 0; i < args.length; i += 3000) await o.redis.call("geoadd", key, ...args.slice(i, i + 3000));
  membersOf.set(key, members);
}

before(async () => {
  o = await startOracle();
  await writeIndex("geo:small", 60);
  await writeIndex("geo:big", 3000);
  await o.redis.geoadd(
    Buffer.from("geo:bin"),
    13.361389,
    38.115556,
    Buffer.from([0x61, 0, 0x62]),
    15.087269,
    37.502669,
    Buffer.from([0xff]),
  );
  membersOf.set("geo:bin", []);
  await o.redis.set("str", "v");
  await o.sync();
});

after(async () => {
  await o?.stop();
});

async function redis(...args: (string | number | Buffer)[]): Promise<unknown> {
  try {
    return await o.redis.call(String(args[0]), ...args.slice(1));
  } catch (error) {
    return error;
  }
}

function closeDistance(mine: number | undefined, theirs: string, what: string): void {
  assert.ok(mine !== undefined, what);
  assert.ok(
    Math.abs(mine - Number(theirs)) <= 1.0001e-4 * Math.max(1, Math.abs(mine) / 1e6),
    `${what}: ${mine} vs ${theirs}`,
  );
}

function randomMemberOf(key: string): string {
  const members = membersOf.get(key) ?? [];
  return members.length > 0 && random() < 0.9 ? pick(members) : "nobody";
}

/** Redis's reply of a search with WITH* flags, checked against the mirror's objects. */
function compareMatches(mine: GeoMatch[], theirs: unknown[], flags: GeoReplyOptions, what: string): void {
  assert.equal(mine.length, theirs.length, `${what}: count`);
  for (let i = 0; i < mine.length; i++) {
    const item = theirs[i] as unknown[];
    let at = 0;
    assert.equal(mine[i].member, item[at++], `${what}: member ${i}`);
    if (flags.withDist) closeDistance(mine[i].dist, item[at++] as string, `${what}: dist ${i}`);
    else assert.equal(mine[i].dist, undefined);
    if (flags.withHash) assert.equal(mine[i].hash, item[at++], `${what}: hash ${i}`);
    if (flags.withCoord) {
      const [lon, lat] = item[at++] as string[];
      assert.deepEqual(mine[i].coord, [Number(lon), Number(lat)], `${what}: coord ${i}`);
    }
  }
}

/** Random ASC/DESC, COUNT [ANY], WITH* flags: the options object and Redis's arguments. */
function randomReply(): { options: GeoReplyOptions; args: (string | number)[] } {
  const options: GeoReplyOptions = {};
  const args: (string | number)[] = [];
  const sort = pick(["none", "asc", "desc"]);
  if (sort === "asc") (options.asc = true, args.push("ASC"));
  if (sort === "desc") (options.desc = true, args.push("DESC"));
  if (random() < 0.5) {
    options.count = 1 + int(random() < 0.5 ? 5 : 200);
    args.push("COUNT", options.count);
    if (random() < 0.3) (options.any = true, args.push("ANY"));
  }
  if (random() < 0.4) (options.withDist = true, args.push("WITHDIST"));
  if (random() < 0.3) (options.withHash = true, args.push("WITHHASH"));
  if (random() < 0.3) (options.withCoord = true, args.push("WITHCOORD"));
  return { options, args };
}

function withDetails(options: GeoReplyOptions): boolean {
  return options.withDist === true || options.withHash === true || options.withCoord === true;
}

function compareSearch(mine: unknown, theirs: unknown, options: GeoReplyOptions, what: string): void {
  if (!sameOutcome(mine, theirs, what)) return;
  if (withDetails(options)) compareMatches(mine as GeoMatch[], theirs as unknown[], options, what);
  else assert.deepEqual(mine, theirs, what);
}

describe("geo reads against the primary", () => {
  it("covers both encodings", async () => {
    assert.equal(await o.redis.object("ENCODING", "geo:small"), "listpack");
    assert.equal(await o.redis.object("ENCODING", "geo:big"), "skiplist");
  });

  it("geopos and geohash", async () => {
    for (const key of [...keys, "missing"]) {
      for (let i = 0; i < 30; i++) {
        const members = Array.from({ length: int(5) }, () => randomMemberOf(key));
        const theirs = await o.redis.call("geopos", key, ...members) as ([string, string] | null)[];
        assert.deepEqual(
          o.mirror.geopos(key, ...members),
          theirs.map((p) => p === null ? null : [Number(p[0]), Number(p[1])]),
          `geopos ${key} ${members}`,
        );
        assert.deepEqual(o.mirror.geohash(key, ...members), await o.redis.call("geohash", key, ...members));
      }
    }
    // binary members, and geohash strings from a bytes reader
    const bin = [Buffer.from([0x61, 0, 0x62]), Buffer.from([0xff]), Buffer.from("none")];
    const theirs = await o.redis.callBuffer("geopos", "geo:bin", ...bin) as ([Buffer, Buffer] | null)[];
    assert.deepEqual(
      o.mirror.asBytes.geopos("geo:bin", ...bin),
      theirs.map((p) => p === null ? null : [Number(p[0].toString()), Number(p[1].toString())]),
    );
    assert.deepEqual(o.mirror.asBytes.geohash("geo:bin", ...bin), await o.redis.call("geohash", "geo:bin", ...bin));
  });

  it("geodist in every unit", async () => {
    for (const key of [...keys, "missing"]) {
      for (let i = 0; i < 150; i++) {
        const a = randomMemberOf(key), b = random() < 0.1 ? a : randomMemberOf(key);
        const unit = random() < 0.2 ? undefined : pick(UNITS);
        const theirs = await redis("geodist", key, a, b, ...(unit ? [unit] : []));
        const mine = mirrorCall(() => o.mirror.geodist(key, a, b, unit));
        if (!sameOutcome(mine, theirs, `geodist ${key} ${a} ${b} ${unit}`)) continue;
        if (theirs === null) assert.equal(mine, null);
        else closeDistance(mine as number, theirs as string, `geodist ${key} ${a} ${b} ${unit}`);
      }
    }
  });

  it("rounds distances as %.4f (ties to even) and coordinates as %.17Lf", () => {
    assert.equal(redisDistance(0.03125), 0.0312);
    assert.equal(redisDistance(0.09375), 0.0938);
    assert.equal(redisDistance(1.15625), 1.1562);
    assert.equal(redisDistance(166274.15156960033), 166274.1516);
    assert.equal(redisDistance(0), 0);
    assert.equal(redisDistance(12.34565), 12.3456); // 12.34565 is below the tie as a double
    assert.equal(redisCoordinate(-0.000496208667755127), -0.00049620866775513);
    assert.equal(redisCoordinate(13.36138933897018433), 13.36138933897018433);
  });

  it("geosearch over random centres, shapes, units and flags", async () => {
    // how many searches found something, and how many were cut by COUNT (Redis's partial sort)
    let found = 0, cut = 0;
    for (const key of [...keys.slice(0, 2), "missing"]) {
      for (let i = 0; i < 250; i++) {
        const options: GeoSearchOptions = {};
        const args: (string | number)[] = [];
        if (random() < 0.4) {
          options.fromMember = randomMemberOf(key);
          args.push("FROMMEMBER", options.fromMember);
        } else {
          const [lon, lat] = randomPoint();
          options.fromLonLat = [lon, lat];
          args.push("FROMLONLAT", lon, lat);
        }
        const unit = pick(UNITS);
        const scale = scaleOf(unit);
        const size = pick([0, 100, 5000, 80_000, 600_000, 3_000_000]) * random() / scale;
        if (random() < 0.5) {
          options.byRadius = Number(size.toFixed(3));
          args.push("BYRADIUS", options.byRadius, unit);
        } else {
          options.byBox = { width: Number((size * 2).toFixed(3)), height: Number((size * random() * 3).toFixed(3)) };
          args.push("BYBOX", options.byBox.width, options.byBox.height, unit);
        }
        options.unit = unit;
        const reply = randomReply();
        Object.assign(options, reply.options);
        const what = `geosearch ${key} ${args.join(" ")} ${reply.args.join(" ")}`;
        const theirs = await redis("geosearch", key, ...args, ...reply.args);
        compareSearch(mirrorCall(() => o.mirror.geosearch(key, options)), theirs, reply.options, what);
        if (Array.isArray(theirs) && theirs.length > 0) found++;
        if (Array.isArray(theirs) && options.count !== undefined && theirs.length === options.count) cut++;
      }
    }
    assert.ok(found > 150 && cut > 30, `searches with results: ${found}, cut by COUNT: ${cut}`);
  });

  it("georadius_ro and georadiusbymember_ro", async () => {
    for (const key of [...keys.slice(0, 2), "missing"]) {
      for (let i = 0; i < 120; i++) {
        const unit = pick(UNITS);
        const scale = scaleOf(unit);
        const radius = Number((pick([0, 100, 5000, 80_000, 600_000]) * random() / scale).toFixed(3));
        const reply = randomReply();
        const [lon, lat] = randomPoint();
        const what = `georadius_ro ${key} ${lon} ${lat} ${radius} ${unit} ${reply.args.join(" ")}`;
        compareSearch(
          mirrorCall(() => o.mirror.georadiusRo(key, lon, lat, radius, unit, reply.options)),
          await redis("georadius_ro", key, lon, lat, radius, unit, ...reply.args),
          reply.options,
          what,
        );
        const member = randomMemberOf(key);
        compareSearch(
          mirrorCall(() => o.mirror.georadiusbymemberRo(key, member, radius, unit, reply.options)),
          await redis("georadiusbymember_ro", key, member, radius, unit, ...reply.args),
          reply.options,
          `georadiusbymember_ro ${key} ${member} ${radius} ${unit} ${reply.args.join(" ")}`,
        );
      }
    }
  });

  it("replies Redis's errors for invalid arguments", async () => {
    const k = "geo:small";
    const m = membersOf.get(k)![0];
    const cases: [() => unknown, (string | number)[]][] = [
      [() => o.mirror.geodist(k, m, m, "yd" as GeoUnit), ["geodist", k, m, m, "yd"]],
      // GEOSEARCH's arity needs 7 arguments: flags pad the shorter forms
      [() => o.mirror.geosearch(k, { byRadius: 10, withDist: true, asc: true }), [
        "geosearch",
        k,
        "BYRADIUS",
        10,
        "m",
        "WITHDIST",
        "ASC",
      ]],
      [() => o.mirror.geosearch(k, { fromMember: m, withDist: true, asc: true, withHash: true }), [
        "geosearch",
        k,
        "FROMMEMBER",
        m,
        "WITHDIST",
        "ASC",
        "WITHHASH",
      ]],
      [() => o.mirror.geosearch("missing", { fromMember: m, withDist: true, asc: true, withHash: true }), [
        "geosearch",
        "missing",
        "FROMMEMBER",
        m,
        "WITHDIST",
        "ASC",
        "WITHHASH",
      ]],
      [() => o.mirror.geosearch(k, { fromMember: "nobody", byRadius: 1 }), [
        "geosearch",
        k,
        "FROMMEMBER",
        "nobody",
        "BYRADIUS",
        1,
        "m",
      ]],
      [() => o.mirror.geosearch(k, { fromMember: m, fromLonLat: [1, 2], byRadius: 1 }), [
        "geosearch",
        k,
        "FROMMEMBER",
        m,
        "FROMLONLAT",
        1,
        2,
        "BYRADIUS",
        1,
        "m",
      ]],
      [() => o.mirror.geosearch(k, { fromLonLat: [1, 2], byRadius: 1, byBox: { width: 1, height: 1 } }), [
        "geosearch",
        k,
        "FROMLONLAT",
        1,
        2,
        "BYRADIUS",
        1,
        "m",
        "BYBOX",
        1,
        1,
        "m",
      ]],
      [() => o.mirror.geosearch(k, { fromLonLat: [200, 2], byRadius: 1 }), [
        "geosearch",
        k,
        "FROMLONLAT",
        200,
        2,
        "BYRADIUS",
        1,
        "m",
      ]],
      [() => o.mirror.geosearch(k, { fromLonLat: [1.5, 86], byRadius: 1 }), [
        "geosearch",
        k,
        "FROMLONLAT",
        1.5,
        86,
        "BYRADIUS",
        1,
        "m",
      ]],
      [() => o.mirror.geosearch(k, { fromLonLat: [1, 2], byRadius: -1 }), [
        "geosearch",
        k,
        "FROMLONLAT",
        1,
        2,
        "BYRADIUS",
        -1,
        "m",
      ]],
      [() => o.mirror.geosearch(k, { fromLonLat: [1, 2], byBox: { width: 1, height: -2 } }), [
        "geosearch",
        k,
        "FROMLONLAT",
        1,
        2,
        "BYBOX",
        1,
        -2,
        "m",
      ]],
      [() => o.mirror.geosearch(k, { fromLonLat: [1, 2], byRadius: 1, unit: "cm" as GeoUnit }), [
        "geosearch",
        k,
        "FROMLONLAT",
        1,
        2,
        "BYRADIUS",
        1,
        "cm",
      ]],
      [() => o.mirror.geosearch(k, { fromLonLat: [1, 2], byRadius: 1, count: 0 }), [
        "geosearch",
        k,
        "FROMLONLAT",
        1,
        2,
        "BYRADIUS",
        1,
        "m",
        "COUNT",
        0,
      ]],
      [() => o.mirror.geosearch(k, { fromLonLat: [1, 2], byRadius: 1, any: true }), [
        "geosearch",
        k,
        "FROMLONLAT",
        1,
        2,
        "BYRADIUS",
        1,
        "m",
        "ANY",
      ]],
      [() => o.mirror.geosearch(k, { fromLonLat: [NaN, 2], byRadius: 1 }), [
        "geosearch",
        k,
        "FROMLONLAT",
        "nan",
        2,
        "BYRADIUS",
        1,
        "m",
      ]],
      [() => o.mirror.geosearch(k, { fromLonLat: [1, 2], byRadius: NaN }), [
        "geosearch",
        k,
        "FROMLONLAT",
        1,
        2,
        "BYRADIUS",
        "nan",
        "m",
      ]],
      [() => o.mirror.georadiusRo(k, 1, 2, -5, "m"), ["georadius_ro", k, 1, 2, -5, "m"]],
      [() => o.mirror.georadiusRo(k, 1, 2, 5, "m", { any: true }), ["georadius_ro", k, 1, 2, 5, "m", "ANY"]],
      [() => o.mirror.georadiusbymemberRo(k, "nobody", 5, "m"), ["georadiusbymember_ro", k, "nobody", 5, "m"]],
      [() => o.mirror.georadiusbymemberRo("missing", "x", 5, "m", { count: -1 }), [
        "georadiusbymember_ro",
        "missing",
        "x",
        5,
        "m",
        "COUNT",
        -1,
      ]],
    ];
    for (const [mine, args] of cases) {
      const theirs = await redis(...args);
      assert.ok(theirs instanceof Error, `${args} errs on the primary`);
      sameOutcome(mirrorCall(mine), theirs, args.join(" "));
    }
  });

  it("through read transactions and Lua scripts (argument kinds)", async () => {
    const [a, b] = membersOf.get("geo:small")!;
    const outcomes = o.mirror.readTx([
      ["geopos", "geo:small", a, b],
      ["geodist", "geo:small", a, b, "km"],
      ["geohash", "geo:small", a],
      ["geosearch", "geo:small", { fromMember: a, byRadius: 100, unit: "km", withDist: true }],
      ["georadiusRo", "geo:small", 13, 38, 100, "km", { count: 3 }],
      ["georadiusbymemberRo", "geo:small", a, 100, "km"],
    ]);
    for (const outcome of outcomes) assert.ok(outcome.ok, String(!outcome.ok && outcome.error));
    assert.deepEqual(
      await o.mirror.eval(
        "return ts.geosearch(KEYS[1], { fromLonLat = { 13.36, 38.11 }, byRadius = 300, unit = 'km', asc = true })",
        { keys: ["geo:small"] },
      ),
      await o.redis.call("geosearch", "geo:small", "FROMLONLAT", 13.36, 38.11, "BYRADIUS", 300, "km", "ASC"),
    );
  });

  it("wrong types throw WrongTypeError, missing keys give Redis's empty replies", async () => {
    const reads: [() => unknown, (string | number)[]][] = [
      [() => o.mirror.geopos("str", "a"), ["geopos", "str", "a"]],
      [() => o.mirror.geodist("str", "a", "b"), ["geodist", "str", "a", "b"]],
      [() => o.mirror.geohash("str", "a"), ["geohash", "str", "a"]],
      [() => o.mirror.geosearch("str", { fromLonLat: [1, 2], byRadius: 1 }), [
        "geosearch",
        "str",
        "FROMLONLAT",
        1,
        2,
        "BYRADIUS",
        1,
        "m",
      ]],
      [() => o.mirror.georadiusRo("str", 1, 2, 1, "m"), ["georadius_ro", "str", 1, 2, 1, "m"]],
      [() => o.mirror.georadiusbymemberRo("str", "a", 1, "m"), ["georadiusbymember_ro", "str", "a", 1, "m"]],
    ];
    for (const [mine, args] of reads) sameOutcome(mirrorCall(mine), await redis(...args), args.join(" "));
    assert.deepEqual(o.mirror.geopos("missing", "a", "b"), [null, null]);
    assert.deepEqual(o.mirror.geopos("geo:small"), []);
    assert.equal(o.mirror.geodist("missing", "a", "b"), null);
    assert.deepEqual(o.mirror.geohash("missing", "a"), [null]);
    assert.deepEqual(o.mirror.geosearch("missing", { fromMember: "a", byRadius: 1, withDist: true }), []);
    assert.deepEqual(await o.redis.call("georadiusbymember_ro", "missing", "a", -1, "nope"), []);
    assert.deepEqual(o.mirror.georadiusbymemberRo("missing", "a", -1, "nope" as GeoUnit), []);
  });
});
