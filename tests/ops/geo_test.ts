// Unit tests of src/ops/geohash.ts and src/ops/geo.ts. Reference values come
// from redis-server 7.0.15 (GEOADD scores, GEOPOS, GEODIST) and the Redis docs.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  decodeScore,
  GEO_LAT_MAX,
  geohashDecode,
  geohashEncode,
  geohashNeighbors,
  geohashScore,
  scoreToUint64,
} from "../../src/ops/geohash.ts";
import {
  areasByShape,
  EARTH_RADIUS_IN_METERS,
  estimateStepsByRadius,
  geoDistance,
  type GeoPoint,
  geoSearch,
  type GeoShape,
  membersInShape,
  type ScoreRangeQuery,
  unitToMeters,
} from "../../src/ops/geo.ts";
import { seededRandom } from "../_support/random.ts";

const te = new TextEncoder();
const td = new TextDecoder();

/** A sorted set in memory, answering score-range queries like the store does. */
function memoryZset(points: { member: string; score: number }[]): ScoreRangeQuery {
  const sorted = [...points].sort((a, b) => a.score - b.score || (a.member < b.member ? -1 : 1));
  return (min, max) => {
    const hit = sorted.filter((p) => p.score >= min && p.score < max);
    return { members: hit.map((p) => te.encode(p.member)), scores: hit.map((p) => p.score) };
  };
}

describe("ops/geohash", () => {
  it("GEOADD scores as Redis computes them", () => {
    assert.equal(geohashScore(13.361389, 38.115556), 3479099956230698);
    assert.equal(geohashScore(15.087269, 37.502669), 3479447370796909);
    assert.equal(geohashScore(0, 0), 3377699720527872);
    assert.equal(geohashScore(-180, -85.05112878), 0);
    // the top corner sets bits 52 and 53 (offsets of exactly 2^26)
    assert.equal(geohashScore(180, GEO_LAT_MAX), 13510798882111488);
    assert.equal(geohashScore(180.0000001, 0), null);
    assert.equal(geohashScore(0, 85.06), null);
  });

  it("decodes scores to cell centres (GEOPOS)", () => {
    assert.deepEqual(decodeScore(3479099956230698), [13.361389338970184, 38.1155563954963]);
    assert.deepEqual(decodeScore(13510798882111488), [180, 85.05112878]);
    assert.deepEqual(decodeScore(0), [-179.99999731779099, -85.05112751263943]);
    assert.deepEqual(decodeScore(3377699720527872), [0.000002682209014892578, 0.0000012673605809254695]);
  });

  it("(uint64_t) of a double, as x86-64 converts it", () => {
    assert.deepEqual(scoreToUint64(2 ** 40 + 5.7), { hi: 0x100, lo: 5 });
    assert.deepEqual(scoreToUint64(-5.7), { hi: 0xffffffff, lo: 0xfffffffb });
    assert.deepEqual(scoreToUint64(-1), { hi: 0xffffffff, lo: 0xffffffff });
    assert.deepEqual(scoreToUint64(-(2 ** 32)), { hi: 0xffffffff, lo: 0 });
    assert.deepEqual(scoreToUint64(2 ** 64), { hi: 0, lo: 0 });
    assert.deepEqual(scoreToUint64(2 ** 63), { hi: 0x80000000, lo: 0 });
  });

  it("encode / decode / neighbours agree", () => {
    const hash = geohashEncode(13.361389, 38.115556, 10)!;
    const area = geohashDecode(hash);
    assert.ok(area.longitude.min <= 13.361389 && 13.361389 < area.longitude.max);
    assert.ok(area.latitude.min <= 38.115556 && 38.115556 < area.latitude.max);
    const n = geohashNeighbors(hash);
    const north = geohashDecode(n.north), east = geohashDecode(n.east);
    assert.equal(north.latitude.min, area.latitude.max);
    assert.equal(north.longitude.min, area.longitude.min);
    assert.equal(east.longitude.min, area.longitude.max);
    // moving east then west returns to the start; the world wraps around
    assert.equal(geohashNeighbors(n.east).west.bits, hash.bits);
    const edge = geohashEncode(179.9, 0, 4)!;
    assert.equal(geohashDecode(geohashNeighbors(edge).east).longitude.min, -180);
  });
});

describe("ops/geo", () => {
  it("distance: haversine with Redis's earth radius (GEODIST)", () => {
    const [a, b] = decodeScore(3479099956230698), [c, d] = decodeScore(3479447370796909);
    assert.equal(geoDistance(a, b, c, d).toFixed(4), "166274.1516");
    assert.equal(
      geoDistance(10, 20, 10, 21),
      EARTH_RADIUS_IN_METERS * Math.abs(21 * Math.PI / 180 - 20 * Math.PI / 180),
    );
    assert.equal(geoDistance(1, 2, 1, 2), 0);
  });

  it("units and steps", () => {
    assert.equal(unitToMeters("KM"), 1000);
    assert.equal(unitToMeters("mi"), 1609.34);
    assert.equal(unitToMeters("ft"), 0.3048);
    assert.equal(unitToMeters("yd"), null);
    assert.equal(estimateStepsByRadius(0, 0), 26);
    assert.equal(estimateStepsByRadius(1000, 0), 14);
    assert.equal(estimateStepsByRadius(1000, 70), 13);
    assert.equal(estimateStepsByRadius(1000, -85), 12);
    assert.equal(estimateStepsByRadius(1e8, 0), 1);
  });

  it("the covering cells find every point inside a radius or a box (brute force check)", () => {
    const random = seededRandom(42);
    for (let t = 0; t < 60; t++) {
      const lon = random() * 360 - 180, lat = random() * 160 - 80;
      const points = Array.from({ length: 300 }, (_, i) => {
        const plon = Math.max(-180, Math.min(180, lon + (random() - 0.5) * 6));
        const plat = Math.max(-85, Math.min(85, lat + (random() - 0.5) * 6));
        return { member: `p${i}`, score: geohashScore(plon, plat)! };
      });
      const shape: GeoShape = t % 2
        ? { type: "radius", lon, lat, conversion: 1000, radius: 20 + random() * 200 }
        : { type: "box", lon, lat, conversion: 1000, width: 20 + random() * 300, height: 20 + random() * 300 };
      const found = new Set(membersInShape(shape, memoryZset(points), 0).map((p) => td.decode(p.member)));
      for (const p of points) {
        const [plon, plat] = decodeScore(p.score);
        const d = geoDistance(lon, lat, plon, plat);
        if (shape.type === "radius" && d < shape.radius * 1000 * 0.999) assert.ok(found.has(p.member), `radius ${t}`);
      }
      assert.ok(areasByShape(shape).hash.step >= 1);
    }
  });

  it("COUNT sorts ascending and keeps the nearest; ANY stops at COUNT in cell order", () => {
    const points = [0.01, 0.02, 0.03, 0.04, 0.05].map((d, i) => ({ member: `m${i}`, score: geohashScore(d, 0)! }));
    const shape: GeoShape = { type: "radius", lon: 0, lat: 0, conversion: 1000, radius: 100 };
    const names = (ps: GeoPoint[]) => ps.map((p) => td.decode(p.member));
    assert.deepEqual(names(geoSearch(shape, memoryZset(points), { count: 2, any: false, sort: "none" })), ["m0", "m1"]);
    assert.deepEqual(
      names(geoSearch(shape, memoryZset(points), { count: 2, any: false, sort: "desc" })),
      ["m4", "m3"],
    );
    assert.equal(geoSearch(shape, memoryZset(points), { count: 3, any: true, sort: "none" }).length, 3);
    assert.equal(geoSearch(shape, memoryZset(points), { count: 0, any: false, sort: "none" }).length, 5);
  });
});
