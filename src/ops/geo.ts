/**
 * Redis's geo search (`geo.c`, `geohash_helper.c`): the search shape, the
 * nine geohash cells that cover it, the haversine distance with Redis's
 * earth radius, and the selection of results (COUNT, ANY, ASC/DESC with
 * Redis's partial quicksort). The sorted set is read through a callback
 * returning the members of a score range, so this module stays pure.
 *
 * Floating point: every operation follows the C code in order. `sin`, `cos`
 * and `asin` come from the JavaScript engine, not from the primary's libm;
 * they can differ in the last bit, which shows as a one-ulp difference in a
 * stored distance or, at the exact edge of a radius, in membership.
 *
 * @module
 */

import {
  decodeScore,
  geohashAlign52Bits,
  type GeoHashArea,
  type GeoHashBits,
  geohashDecode,
  geohashEncode,
  type GeoHashNeighbors,
  geohashNeighbors,
} from "./geohash.ts";
import { pqsort } from "./pqsort.ts";

/** Redis's earth radius (quadratic mean radius of WGS-84), metres. */
export const EARTH_RADIUS_IN_METERS = 6372797.560856;
const MERCATOR_MAX = 20037726.37;
const D_R = Math.PI / 180.0;

/** `extractUnitOrReply`: metres per unit, or null for an unknown unit (case-insensitive m/km/ft/mi). */
export function unitToMeters(unit: string): number | null {
  switch (unit.toLowerCase()) {
    case "m":
      return 1;
    case "km":
      return 1000;
    case "ft":
      return 0.3048;
    case "mi":
      return 1609.34;
    default:
      return null;
  }
}

/** A search area: a circle (BYRADIUS) or an axis-aligned box (BYBOX), around `lon`/`lat`. */
export type GeoShape =
  | { type: "radius"; lon: number; lat: number; conversion: number; radius: number }
  | { type: "box"; lon: number; lat: number; conversion: number; width: number; height: number };

function degRad(ang: number): number {
  return ang * D_R;
}

function radDeg(ang: number): number {
  return ang / D_R;
}

/** `geohashGetLatDistance`: metres between two latitudes on one meridian. */
export function latDistance(lat1: number, lat2: number): number {
  return EARTH_RADIUS_IN_METERS * Math.abs(degRad(lat2) - degRad(lat1));
}

/**
 * `geohashGetDistance`: haversine distance in metres (Redis 7.2+ and Valkey:
 * points on one meridian take the exact latitude shortcut; Redis 7.0 used
 * the full formula there, which can differ in the last bits).
 */
export function geoDistance(lon1: number, lat1: number, lon2: number, lat2: number): number {
  const lon1r = degRad(lon1);
  const lon2r = degRad(lon2);
  const v = Math.sin((lon2r - lon1r) / 2);
  if (v === 0.0) return latDistance(lat1, lat2);
  const lat1r = degRad(lat1);
  const lat2r = degRad(lat2);
  const u = Math.sin((lat2r - lat1r) / 2);
  const a = u * u + Math.cos(lat1r) * Math.cos(lat2r) * v * v;
  return 2.0 * EARTH_RADIUS_IN_METERS * Math.asin(Math.sqrt(a));
}

/** `geohashEstimateStepsByRadius`: cell precision for a search of this size at this latitude. */
export function estimateStepsByRadius(rangeMeters: number, lat: number): number {
  if (rangeMeters === 0) return 26;
  let step = 1;
  while (rangeMeters < MERCATOR_MAX) {
    rangeMeters *= 2;
    step++;
  }
  step -= 2;
  if (lat > 66 || lat < -66) {
    step--;
    if (lat > 80 || lat < -80) step--;
  }
  if (step < 1) step = 1;
  if (step > 26) step = 26;
  return step;
}

/** `geohashBoundingBox`: [minLon, minLat, maxLon, maxLat] of the shape. */
export function boundingBox(shape: GeoShape): [number, number, number, number] {
  const { lon, lat } = shape;
  const height = shape.conversion * (shape.type === "radius" ? shape.radius : shape.height / 2);
  const width = shape.conversion * (shape.type === "radius" ? shape.radius : shape.width / 2);
  const latDelta = radDeg(height / EARTH_RADIUS_IN_METERS);
  const longDeltaTop = radDeg(width / EARTH_RADIUS_IN_METERS / Math.cos(degRad(lat + latDelta)));
  const longDeltaBottom = radDeg(width / EARTH_RADIUS_IN_METERS / Math.cos(degRad(lat - latDelta)));
  const southern = lat < 0;
  return [
    southern ? lon - longDeltaBottom : lon - longDeltaTop,
    lat - latDelta,
    southern ? lon + longDeltaBottom : lon + longDeltaTop,
    lat + latDelta,
  ];
}

/** The centre cell and its neighbours covering a shape; excluded neighbours are null (Redis's GZERO). */
export interface GeoHashRadius {
  hash: GeoHashBits;
  area: GeoHashArea;
  neighbors: { [K in keyof GeoHashNeighbors]: GeoHashBits | null };
}

/** `geohashCalculateAreasByShapeWGS84`. */
export function areasByShape(shape: GeoShape): GeoHashRadius {
  const [minLon, minLat, maxLon, maxLat] = boundingBox(shape);
  const { lon, lat } = shape;
  let radiusMeters = shape.type === "radius"
    ? shape.radius
    : Math.sqrt((shape.width / 2) * (shape.width / 2) + (shape.height / 2) * (shape.height / 2));
  radiusMeters *= shape.conversion;

  let steps = estimateStepsByRadius(radiusMeters, lat);
  let hash = geohashEncode(lon, lat, steps)!;
  let neighbors = geohashNeighbors(hash);
  let area = geohashDecode(hash);

  // a neighbour too close to the search area to cover it: one step coarser
  const north = geohashDecode(neighbors.north);
  const south = geohashDecode(neighbors.south);
  const east = geohashDecode(neighbors.east);
  const west = geohashDecode(neighbors.west);
  const decreaseStep = north.latitude.max < maxLat || south.latitude.min > minLat ||
    east.longitude.max < maxLon || west.longitude.min > minLon;
  if (steps > 1 && decreaseStep) {
    steps--;
    hash = geohashEncode(lon, lat, steps)!;
    neighbors = geohashNeighbors(hash);
    area = geohashDecode(hash);
  }

  const kept: GeoHashRadius["neighbors"] = { ...neighbors };
  if (steps >= 2) {
    if (area.latitude.min < minLat) kept.south = kept.south_west = kept.south_east = null;
    if (area.latitude.max > maxLat) kept.north = kept.north_east = kept.north_west = null;
    if (area.longitude.min < minLon) kept.west = kept.south_west = kept.north_west = null;
    if (area.longitude.max > maxLon) kept.east = kept.south_east = kept.north_east = null;
  }
  return { hash, area, neighbors: kept };
}

/**
 * `geoWithinShape` for a decoded point: its distance in metres from the
 * centre, or null when outside (a box tests latitude then longitude extent).
 */
export function distanceIfWithin(shape: GeoShape, lon: number, lat: number): number | null {
  if (shape.type === "radius") {
    const distance = geoDistance(shape.lon, shape.lat, lon, lat);
    return distance > shape.radius * shape.conversion ? null : distance;
  }
  const widthM = shape.width * shape.conversion;
  const heightM = shape.height * shape.conversion;
  if (latDistance(lat, shape.lat) > heightM / 2) return null;
  if (geoDistance(lon, lat, shape.lon, lat) > widthM / 2) return null;
  return geoDistance(shape.lon, shape.lat, lon, lat);
}

/** One search result. */
export interface GeoPoint {
  member: Uint8Array;
  /** The member's score (its geohash). */
  score: number;
  /** Distance from the centre in metres. */
  dist: number;
  lon: number;
  lat: number;
}

/**
 * Members of the sorted set with `min <= score < max`, in sorted-set order
 * (score, then member bytes).
 */
export type ScoreRangeQuery = (
  min: number,
  max: number,
) => { members: readonly Uint8Array[]; scores: readonly number[] };

/** Search options: COUNT (0: none), ANY, and the requested order. */
export interface GeoSearchOptions {
  count: number;
  any: boolean;
  sort: "none" | "asc" | "desc";
}

/** The nine cells in Redis's visiting order: centre, N, S, E, W, NE, NW, SE, SW. */
function visitingOrder(r: GeoHashRadius): (GeoHashBits | null)[] {
  const n = r.neighbors;
  return [r.hash, n.north, n.south, n.east, n.west, n.north_east, n.north_west, n.south_east, n.south_west];
}

/**
 * `membersOfAllNeighbors`: every member inside the shape, cell by cell,
 * stopping once `limit` points were found (ANY; 0: no limit). A cell equal
 * to the one processed just before is skipped (huge radii), as in Redis.
 */
export function membersInShape(shape: GeoShape, query: ScoreRangeQuery, limit: number): GeoPoint[] {
  const found: GeoPoint[] = [];
  const cells = visitingOrder(areasByShape(shape));
  let lastProcessed = 0;
  for (let i = 0; i < cells.length; i++) {
    const cell = cells[i];
    if (cell === null) continue;
    const last = cells[lastProcessed]!;
    if (lastProcessed && cell.bits === last.bits && cell.step === last.step) continue;
    if (found.length && limit && found.length >= limit) break;
    membersOfBox(cell, shape, query, limit, found);
    lastProcessed = i;
  }
  return found;
}

/** `membersOfGeoHashBox` + `geoGetPointsInRange`: the cell's score range [min, max). */
function membersOfBox(cell: GeoHashBits, shape: GeoShape, query: ScoreRangeQuery, limit: number, out: GeoPoint[]) {
  const min = Number(geohashAlign52Bits(cell));
  const max = Number(geohashAlign52Bits({ bits: cell.bits + 1n, step: cell.step }));
  const { members, scores } = query(min, max);
  for (let i = 0; i < members.length; i++) {
    const [lon, lat] = decodeScore(scores[i]);
    const dist = distanceIfWithin(shape, lon, lat);
    if (dist !== null) out.push({ member: members[i], score: scores[i], dist, lon, lat });
    if (out.length && limit && out.length >= limit) break;
  }
}

/** Redis's `sort_gp_asc`: by distance, ties equal. */
function byDistance(a: GeoPoint, b: GeoPoint): number {
  return a.dist > b.dist ? 1 : a.dist === b.dist ? 0 : -1;
}

/**
 * `georadiusGeneric`'s search and selection: the points returned (or
 * stored), in reply order. COUNT without ANY sorts ascending by default;
 * a COUNT smaller than the matches selects with Redis's partial quicksort,
 * which decides which of equally distant points are kept.
 */
export function geoSearch(shape: GeoShape, query: ScoreRangeQuery, options: GeoSearchOptions): GeoPoint[] {
  const { count, any } = options;
  let sort = options.sort;
  if (count !== 0 && sort === "none" && !any) sort = "asc";
  const points = membersInShape(shape, query, any ? count : 0);
  const returned = count === 0 || points.length < count ? points.length : count;
  if (sort !== "none") {
    const compare = sort === "asc" ? byDistance : (a: GeoPoint, b: GeoPoint) => -byDistance(a, b);
    if (returned === points.length) points.sort(compare);
    else pqsort(points, compare, 0, returned - 1);
  }
  return points.slice(0, returned);
}
