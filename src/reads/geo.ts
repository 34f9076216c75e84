/**
 * Reads of geospatial indexes (sorted sets of geohashes): positions,
 * distances, geohash strings, and searches by radius or box (Redis geo.c).
 *
 * Distances come back as Redis replies them: rounded to 4 decimals in the
 * requested unit (`addReplyDoubleDistance`'s `%.4f`); coordinates too: the
 * centre of the stored 52-bit cell printed with 17 decimals
 * (`addReplyHumanLongDouble`), which changes only coordinates below 0.1 in
 * magnitude (in their 18th significant digit). The search
 * reuses GEOSEARCHSTORE's implementation (`src/ops/geo.ts`), so a search
 * here selects exactly the members the primary would store.
 *
 * @module
 */

import type { Store } from "../_wasm/store.ts";
import {
  geoDistance,
  type GeoPoint,
  geoSearch,
  type GeoShape,
  type ScoreRangeQuery,
  unitToMeters,
} from "../ops/geo.ts";
import { decodeScore, GEO_LAT_MAX, GEO_LAT_MIN, GEO_LONG_MAX, GEO_LONG_MIN } from "../ops/geohash.ts";
import { asText, type KeyInput, type ReadContext, type ReadTable, type Text } from "./context.ts";
import { errReply, findZset, integerArg } from "./zsets.ts";

/**
 * A distance unit (any case, as Redis): metres, kilometres, feet, miles.
 *
 * @example
 * ```ts
 * import type { GeoUnit } from "../../mod.ts";
 * const unit: GeoUnit = "km";
 * // mirror.geodist("Sicily", "Palermo", "Catania", unit); // 166.2742
 * console.log(unit);
 * ```
 */
export type GeoUnit = "m" | "km" | "ft" | "mi" | "M" | "KM" | "FT" | "MI";

/**
 * A position: `[longitude, latitude]` in degrees.
 *
 * @example
 * ```ts
 * import type { GeoPosition } from "../../mod.ts";
 * const [longitude, latitude]: GeoPosition = [13.361389, 38.115556];
 * // const [position] = mirror.geopos("Sicily", "Palermo");
 * console.log(longitude, latitude);
 * ```
 */
export type GeoPosition = [number, number];

/**
 * What a search returns per member and how many (Redis's ASC/DESC, COUNT [ANY], WITH* flags).
 *
 * @example
 * ```ts
 * import type { GeoReplyOptions } from "../../mod.ts";
 * const nearestFive: GeoReplyOptions = { asc: true, count: 5, withDist: true };
 * // mirror.georadiusRo("Sicily", 15, 37, 200, "km", nearestFive);
 * console.log(nearestFive.count);
 * ```
 */
export interface GeoReplyOptions {
  /** Nearest first (Redis ASC). */
  asc?: boolean;
  /** Farthest first (Redis DESC). */
  desc?: boolean;
  /** At most this many members (> 0); the nearest ones unless `any`. */
  count?: number;
  /** With `count`: stop as soon as `count` members matched, in no particular order (Redis ANY). */
  any?: boolean;
  /** Include each member's position. */
  withCoord?: boolean;
  /** Include each member's distance from the centre, in the search unit. */
  withDist?: boolean;
  /** Include each member's raw 52-bit geohash score. */
  withHash?: boolean;
}

/**
 * GEOSEARCH's options: one centre, one shape, a unit, and what to return.
 *
 * @example
 * ```ts
 * import type { GeoSearchOptions } from "../../mod.ts";
 * const around: GeoSearchOptions = { fromLonLat: [15, 37], byRadius: 200, unit: "km", asc: true };
 * // mirror.geosearch("Sicily", around); // members within 200 km, nearest first
 * console.log(around.byRadius);
 * ```
 */
export interface GeoSearchOptions extends GeoReplyOptions {
  /** Centre on this member's position (Redis FROMMEMBER). */
  fromMember?: KeyInput;
  /** Centre on `[longitude, latitude]` (Redis FROMLONLAT). */
  fromLonLat?: readonly [number, number];
  /** A circle of this radius (Redis BYRADIUS). */
  byRadius?: number;
  /** An axis-aligned box of this width and height, centred (Redis BYBOX). */
  byBox?: { width: number; height: number };
  /** Unit of the radius, box and returned distances; metres when absent. */
  unit?: GeoUnit;
}

/**
 * A search result with the details asked for.
 *
 * @example
 * ```ts
 * import type { GeoMatch } from "../../mod.ts";
 * const match: GeoMatch = { member: "Palermo", dist: 190.4424 };
 * // const [match] = mirror.geosearch("Sicily", { fromLonLat: [15, 37], byRadius: 200, unit: "km", withDist: true });
 * console.log(match.member, match.dist);
 * ```
 */
export interface GeoMatch<T extends Text = string> {
  /** The member's name. */
  member: T;
  /** Distance from the centre in the search unit (rounded to 4 decimals, as Redis replies it). */
  dist?: number;
  /** The member's 52-bit geohash score. */
  hash?: number;
  /** The member's `[longitude, latitude]` (as Redis replies it: 17 decimals). */
  coord?: GeoPosition;
}

/**
 * Options asking for at least one WITH* detail.
 *
 * @example
 * ```ts
 * import type { GeoWithDetails } from "../../mod.ts";
 * const details: GeoWithDetails = { withDist: true }; // results are GeoMatch objects
 * console.log(details);
 * ```
 */
export type WithDetails = { withCoord: true } | { withDist: true } | { withHash: true };
/**
 * Options asking for no WITH* detail.
 *
 * @example
 * ```ts
 * import type { GeoWithoutDetails } from "../../mod.ts";
 * const plain: GeoWithoutDetails = {}; // results are member names
 * console.log(plain);
 * ```
 */
export type WithoutDetails = { withCoord?: false; withDist?: false; withHash?: false };

/**
 * Reads of geospatial indexes (sorted sets of geohashes).
 *
 * @example
 * ```ts
 * import { Mirror, type GeoReads } from "../../mod.ts";
 * const emptyRdb = new Uint8Array([...new TextEncoder().encode("REDIS0011"), 0xff, 0, 0, 0, 0, 0, 0, 0, 0]);
 * const mirror = await Mirror.fromRdb(emptyRdb);
 * const reads: GeoReads<string> = mirror;
 * console.log(reads.geopos("places", "Palermo")); // [null]
 * await mirror.close();
 * ```
 */
export interface GeoReads<T extends Text> {
  /**
   * The `[longitude, latitude]` of each member, `null` for missing members
   * (Redis `GEOPOS`): the centre of the stored cell, printed with 17
   * decimals as Redis replies it.
   *
   * @example
   * ```ts ignore
   * mirror.geopos("Sicily", "Palermo"); // [[13.36138933897018433, 38.11555639549629859]]
   * ```
   */
  geopos(key: KeyInput, ...members: KeyInput[]): (GeoPosition | null)[];
  /**
   * Distance between two members in `unit` (metres by default), rounded to 4
   * decimals as Redis replies it; `null` when either is missing (Redis `GEODIST`).
   *
   * @example
   * ```ts ignore
   * mirror.geodist("Sicily", "Palermo", "Catania", "km"); // 166.2742
   * ```
   */
  geodist(key: KeyInput, member1: KeyInput, member2: KeyInput, unit?: GeoUnit): number | null;
  /** The 11-character standard geohash of each member, `null` for missing members (Redis `GEOHASH`). */
  geohash(key: KeyInput, ...members: KeyInput[]): (string | null)[];
  /**
   * Members inside a circle or box around a member or a position (Redis
   * `GEOSEARCH`): exactly one of `fromMember`/`fromLonLat` and one of
   * `byRadius`/`byBox`. Plain members without WITH* options, else
   * `{ member, dist?, hash?, coord? }` objects.
   *
   * @example
   * ```ts ignore
   * mirror.geosearch("Sicily", { fromLonLat: [15, 37], byRadius: 200, unit: "km", asc: true });
   * mirror.geosearch("Sicily", { fromMember: "Palermo", byBox: { width: 400, height: 400 }, unit: "km",
   *   count: 5, withDist: true, withCoord: true });
   * ```
   */
  geosearch(key: KeyInput, options: GeoSearchOptions & WithoutDetails): T[];
  /** With a WITH* option: `{ member, dist?, hash?, coord? }` objects. */
  geosearch(key: KeyInput, options: GeoSearchOptions & WithDetails): GeoMatch<T>[];
  /** With the option only known at run time: either result. */
  geosearch(key: KeyInput, options: GeoSearchOptions): T[] | GeoMatch<T>[];
  /** Members within `radius` of a position (Redis `GEORADIUS_RO`); results as {@linkcode GeoReads.geosearch}. */
  georadiusRo(
    key: KeyInput,
    longitude: number,
    latitude: number,
    radius: number,
    unit: GeoUnit,
    options?: GeoReplyOptions & WithoutDetails,
  ): T[];
  /** With a WITH* option: `{ member, dist?, hash?, coord? }` objects. */
  georadiusRo(
    key: KeyInput,
    longitude: number,
    latitude: number,
    radius: number,
    unit: GeoUnit,
    options: GeoReplyOptions & WithDetails,
  ): GeoMatch<T>[];
  /** With the option only known at run time: either result. */
  georadiusRo(
    key: KeyInput,
    longitude: number,
    latitude: number,
    radius: number,
    unit: GeoUnit,
    options?: GeoReplyOptions,
  ): T[] | GeoMatch<T>[];
  /** Members within `radius` of a member (Redis `GEORADIUSBYMEMBER_RO`); results as {@linkcode GeoReads.geosearch}. */
  georadiusbymemberRo(
    key: KeyInput,
    member: KeyInput,
    radius: number,
    unit: GeoUnit,
    options?: GeoReplyOptions & WithoutDetails,
  ): T[];
  /** With a WITH* option: `{ member, dist?, hash?, coord? }` objects. */
  georadiusbymemberRo(
    key: KeyInput,
    member: KeyInput,
    radius: number,
    unit: GeoUnit,
    options: GeoReplyOptions & WithDetails,
  ): GeoMatch<T>[];
  /** With the option only known at run time: either result. */
  georadiusbymemberRo(
    key: KeyInput,
    member: KeyInput,
    radius: number,
    unit: GeoUnit,
    options?: GeoReplyOptions,
  ): T[] | GeoMatch<T>[];
}

const SYNTAX = "syntax error";
const NOT_FLOAT = "value is not a valid float";
const decoder = new TextDecoder();

// ------------------------------------------------------------------ argument checks (geo.c extract*OrReply)

/** `extractUnitOrReply`: metres per unit. */
function unitArg(unit: unknown): number {
  const name = typeof unit === "string" ? unit : unit instanceof Uint8Array ? decoder.decode(unit) : "";
  const meters = unitToMeters(name);
  if (meters === null) throw errReply("unsupported unit provided. please use M, KM, FT, MI");
  return meters;
}

/** `getDoubleFromObjectOrReply` for a JavaScript number: NaN (or a non-number) is refused. */
function doubleArg(value: unknown, message = NOT_FLOAT): number {
  if (typeof value !== "number" || Number.isNaN(value)) throw errReply(message);
  return value;
}

/** C's `%f`: six decimals. */
function fixed6(value: number): string {
  return value.toFixed(6);
}

/** `extractLongLatOrReply`: a position within Redis's limits (latitude ±85.05112878). */
function lonLatArg(lon: unknown, lat: unknown): GeoPosition {
  const x = doubleArg(lon), y = doubleArg(lat);
  if (x < GEO_LONG_MIN || x > GEO_LONG_MAX || y < GEO_LAT_MIN || y > GEO_LAT_MAX) {
    throw errReply(`invalid longitude,latitude pair ${fixed6(x)},${fixed6(y)}`);
  }
  return [x, y];
}

/** `extractDistanceOrReply`: a non-negative radius. */
function radiusArg(radius: unknown): number {
  const r = doubleArg(radius, "need numeric radius");
  if (r < 0) throw errReply("radius cannot be negative");
  return r;
}

/** The found member's decoded position (`longLatFromMember`), or Redis's error. */
function memberPosition(store: Store, member: KeyInput): GeoPosition {
  const score = store.foundZsetScore(member);
  if (score === null) throw errReply("could not decode requested zset member");
  return decodeScore(score);
}

/** What to return and how many, checked as `georadiusGeneric` checks them. */
interface ReplyShape {
  count: number;
  any: boolean;
  sort: "none" | "asc" | "desc";
  withCoord: boolean;
  withDist: boolean;
  withHash: boolean;
}

/** COUNT must be > 0; ASC and DESC together are ambiguous in an object (Redis takes the last one given). */
function replyShape(options: GeoReplyOptions | undefined): ReplyShape {
  let count = 0;
  if (options?.count !== undefined) {
    count = integerArg(options.count);
    if (count <= 0) throw errReply("COUNT must be > 0");
  }
  const asc = options?.asc === true, desc = options?.desc === true;
  if (asc && desc) throw errReply(SYNTAX);
  return {
    count,
    any: options?.any === true,
    sort: asc ? "asc" : desc ? "desc" : "none",
    withCoord: options?.withCoord === true,
    withDist: options?.withDist === true,
    withHash: options?.withHash === true,
  };
}

// ------------------------------------------------------------------ search and replies

/** The found sorted set's members with scores in [min, max): the search's cell lookup. */
let queried: Store | null = null;
const rangeOfFound: ScoreRangeQuery = (min, max) =>
  queried!.foundZsetRange({ by: "score", min, minExclusive: false, max, maxExclusive: true });

/**
 * Runs a search over the found sorted set and shapes the reply: plain
 * members without WITH* options, else objects with member, dist, hash and
 * coord (Redis's reply order).
 */
function search(ctx: ReadContext, shape: GeoShape, reply: ReplyShape): Text[] | GeoMatch<Text>[] {
  queried = ctx.store;
  let points: GeoPoint[];
  try {
    points = geoSearch(shape, rangeOfFound, reply);
  } finally {
    queried = null;
  }
  const plain = !reply.withCoord && !reply.withDist && !reply.withHash;
  if (plain) {
    const out = new Array<Text>(points.length);
    for (let i = 0; i < points.length; i++) out[i] = asText(ctx, points[i].member);
    return out;
  }
  const out = new Array<GeoMatch<Text>>(points.length);
  for (let i = 0; i < points.length; i++) {
    const point = points[i];
    const match: GeoMatch<Text> = { member: asText(ctx, point.member) };
    if (reply.withDist) match.dist = redisDistance(point.dist / shape.conversion);
    if (reply.withHash) match.hash = point.score;
    if (reply.withCoord) match.coord = [redisCoordinate(point.lon), redisCoordinate(point.lat)];
    out[i] = match;
  }
  return out;
}

/**
 * A distance as Redis replies it (`addReplyDoubleDistance`: `%.4f`), read
 * back as a number. `toFixed` rounds exact ties up where glibc rounds them
 * to even; an exact tie at 4 decimals is an odd multiple of 1/32, so only
 * those are corrected.
 */
export function redisDistance(value: number): number {
  const x32 = value * 32; // exact: a power of two
  if (Number.isInteger(x32) && x32 % 2 !== 0) {
    const scaled = value * 10000; // exact for such values: an odd multiple of 312.5
    const floor = Math.floor(scaled);
    return (floor % 2 === 0 ? floor : floor + 1) / 10000;
  }
  return Number(value.toFixed(4));
}

/**
 * A coordinate as Redis replies it (`ld2string(…, LD_STR_HUMAN)`: `%.17Lf`,
 * trailing zeros dropped), read back as a number. From 0.1 up, 17 decimals
 * are 17 or more significant digits, which read back as the same double.
 */
export function redisCoordinate(value: number): number {
  return value < 0.1 && value > -0.1 ? Number(value.toFixed(17)) : value;
}

/** A decoded position as Redis replies it. */
function replyPosition(score: number): GeoPosition {
  const [lon, lat] = decodeScore(score);
  return [redisCoordinate(lon), redisCoordinate(lat)];
}

// ------------------------------------------------------------------ GEOHASH

const GEO_ALPHABET = "0123456789bcdefghjkmnpqrstuvwxyz";

/**
 * GEOHASH's string for a score: the position decoded from Redis's internal
 * ranges (latitude ±85.05112878) re-encoded over the standard ones (±90) at
 * 26 steps, as 10 base-32 characters of the 52 bits plus a final "0" (Redis
 * keeps the 11-character form of older versions).
 */
export function standardGeohash(score: number): string {
  const [lon, lat] = decodeScore(score);
  // geohashEncode over [-180, 180] x [-90, 90], offsets truncated to u32 as C does
  const ilat = Math.trunc(((lat - -90) / (90 - -90)) * 67108864) >>> 0;
  const ilon = Math.trunc(((lon - -180) / (180 - -180)) * 67108864) >>> 0;
  // interleave64: latitude on even bits, longitude on odd bits; 52 bits fit a double exactly
  let bits = 0;
  for (let k = 25; k >= 0; k--) bits = bits * 4 + ((ilon >>> k) & 1) * 2 + ((ilat >>> k) & 1);
  let out = "";
  for (let i = 0; i < 10; i++) out += GEO_ALPHABET[Math.floor(bits / 2 ** (47 - 5 * i)) % 32];
  return out + "0";
}

/** Each member's geohash score through `convert`; null for members (or a key) that do not exist. */
function perMember<R>(
  ctx: ReadContext,
  key: KeyInput,
  members: KeyInput[],
  convert: (score: number) => R,
): (R | null)[] {
  const out = new Array<R | null>(members.length).fill(null);
  if (!findZset(ctx, key)) return out;
  const store = ctx.store;
  for (let i = 0; i < members.length; i++) {
    const score = store.foundZsetScore(members[i]);
    if (score !== null) out[i] = convert(score);
  }
  return out;
}

// ------------------------------------------------------------------ the table

/** The declarations of {@linkcode GeoReads}. */
export const geoReads: ReadTable<GeoReads<Text>> = {
  geopos: {
    args: ["key", "values"],
    redis: "GEOPOS",
    run: (ctx: ReadContext, key: KeyInput, ...members: KeyInput[]): (GeoPosition | null)[] =>
      perMember(ctx, key, members, replyPosition),
  },
  geodist: {
    args: ["key", "value", "value", "value?"],
    redis: "GEODIST",
    run: (ctx: ReadContext, key: KeyInput, member1: KeyInput, member2: KeyInput, unit?: GeoUnit): number | null => {
      const conversion = unit === undefined ? 1 : unitArg(unit);
      if (!findZset(ctx, key)) return null;
      const store = ctx.store;
      const score1 = store.foundZsetScore(member1);
      if (score1 === null) return null;
      const score2 = store.foundZsetScore(member2);
      if (score2 === null) return null;
      const [lon1, lat1] = decodeScore(score1);
      const [lon2, lat2] = decodeScore(score2);
      return redisDistance(geoDistance(lon1, lat1, lon2, lat2) / conversion);
    },
  },
  geohash: {
    args: ["key", "values"],
    redis: "GEOHASH",
    run: (ctx: ReadContext, key: KeyInput, ...members: KeyInput[]): (string | null)[] =>
      perMember(ctx, key, members, standardGeohash),
  },
  geosearch: {
    args: ["key", "options"],
    redis: "GEOSEARCH",
    run: (ctx: ReadContext, key: KeyInput, options: GeoSearchOptions) => {
      // the key is looked up first: WRONGTYPE comes before argument errors, as in georadiusGeneric
      const exists = findZset(ctx, key);
      if (options === null || typeof options !== "object") throw errReply(SYNTAX);
      let center: GeoPosition | null = null;
      if (options.fromMember !== undefined && options.fromLonLat !== undefined) throw errReply(SYNTAX);
      if (options.fromMember !== undefined) {
        if (exists) center = memberPosition(ctx.store, options.fromMember);
      } else if (options.fromLonLat !== undefined) {
        const lonLat = options.fromLonLat;
        if (!Array.isArray(lonLat) || lonLat.length !== 2) throw errReply(SYNTAX);
        center = lonLatArg(lonLat[0], lonLat[1]);
      }
      if (options.byRadius !== undefined && options.byBox !== undefined) throw errReply(SYNTAX);
      let radius = 0, width = 0, height = 0, conversion = 1;
      if (options.byRadius !== undefined) {
        radius = radiusArg(options.byRadius);
        conversion = unitArg(options.unit ?? "m");
      } else if (options.byBox !== undefined) {
        const box = options.byBox;
        if (box === null || typeof box !== "object") throw errReply(SYNTAX);
        width = doubleArg(box.width, "need numeric width");
        height = doubleArg(box.height, "need numeric height");
        if (height < 0 || width < 0) throw errReply("height or width cannot be negative");
        conversion = unitArg(options.unit ?? "m");
      }
      const reply = replyShape(options);
      if (options.fromMember === undefined && options.fromLonLat === undefined) {
        throw errReply("exactly one of FROMMEMBER or FROMLONLAT can be specified for geosearch");
      }
      if (options.byRadius === undefined && options.byBox === undefined) {
        throw errReply("exactly one of BYRADIUS and BYBOX can be specified for geosearch");
      }
      if (reply.any && reply.count === 0) throw errReply("the ANY argument requires COUNT argument");
      if (!exists) return [];
      const [lon, lat] = center!;
      const shape: GeoShape = options.byRadius !== undefined
        ? { type: "radius", lon, lat, conversion, radius }
        : { type: "box", lon, lat, conversion, width, height };
      return search(ctx, shape, reply);
    },
  },
  georadiusRo: {
    args: ["key", "number", "number", "number", "value", "options?"],
    redis: "GEORADIUS_RO",
    run: (
      ctx: ReadContext,
      key: KeyInput,
      longitude: number,
      latitude: number,
      radius: number,
      unit: GeoUnit,
      options?: GeoReplyOptions,
    ) => {
      const exists = findZset(ctx, key);
      const [lon, lat] = lonLatArg(longitude, latitude);
      const r = radiusArg(radius);
      const conversion = unitArg(unit);
      const reply = replyShape(options);
      if (reply.any && reply.count === 0) throw errReply("the ANY argument requires COUNT argument");
      if (!exists) return [];
      return search(ctx, { type: "radius", lon, lat, conversion, radius: r }, reply);
    },
  },
  georadiusbymemberRo: {
    args: ["key", "value", "number", "value", "options?"],
    redis: "GEORADIUSBYMEMBER_RO",
    run: (
      ctx: ReadContext,
      key: KeyInput,
      member: KeyInput,
      radius: number,
      unit: GeoUnit,
      options?: GeoReplyOptions,
    ) => {
      // as Redis, a missing key skips the member and the radius: only the options are checked
      const exists = findZset(ctx, key);
      let center: GeoPosition = [0, 0], r = 0, conversion = 1;
      if (exists) {
        center = memberPosition(ctx.store, member);
        r = radiusArg(radius);
        conversion = unitArg(unit);
      }
      const reply = replyShape(options);
      if (reply.any && reply.count === 0) throw errReply("the ANY argument requires COUNT argument");
      if (!exists) return [];
      return search(ctx, { type: "radius", lon: center[0], lat: center[1], conversion, radius: r }, reply);
    },
  },
};
