/**
 * Geo write commands (Redis `geo.c`): GEOADD, GEOSEARCHSTORE and the STORE /
 * STOREDIST forms of GEORADIUS and GEORADIUSBYMEMBER. A geo index is a
 * sorted set whose scores are 52-bit geohashes.
 *
 * Redis 7.0+ propagates GEOADD as the ZADD it turns into, and the searches
 * that store verbatim, so the mirror recomputes a search with Redis's cell
 * covering, distances and selection rules (`src/ops/geo.ts`). Arguments are
 * parsed in Redis's order, including its quirks (options may repeat, the
 * last one wins; GEORADIUSBYMEMBER over an absent key does not look at its
 * radius).
 *
 * @module
 */

import { type Store, ValueType, ZADD_NX, ZADD_XX } from "../_wasm/store.ts";
import {
  type GeoPoint,
  geoSearch,
  type GeoSearchOptions,
  type GeoShape,
  type ScoreRangeQuery,
  unitToMeters,
} from "../ops/geo.ts";
import { redisDouble } from "../ops/strtod.ts";
import { decodeScore, GEO_LAT_MAX, GEO_LAT_MIN, GEO_LONG_MAX, GEO_LONG_MIN, geohashScore } from "../ops/geohash.ts";
import { CommandError, printable, word } from "./args.ts";
import { storeZset } from "./stores.ts";
import { parseLong } from "./zset_range.ts";
import { type ApplyContext, command, type CommandSpec, FIRST_KEY, type KeyFinder } from "./spec.ts";

const WRONGTYPE = "WRONGTYPE Operation against a key holding the wrong kind of value";

/** `getDoubleFromObjectOrReply` (either Redis version's syntax, see redisDouble). */
function double(arg: Uint8Array, message = "value is not a valid float"): number {
  const value = redisDouble(arg);
  if (value === null) throw new CommandError(`${message}: ${printable(arg)}`);
  return value;
}

/** `extractLongLatOrReply`: a longitude/latitude pair within Redis's limits. */
function lonLat(lonArg: Uint8Array, latArg: Uint8Array): [number, number] {
  const lon = double(lonArg);
  const lat = double(latArg);
  if (lon < GEO_LONG_MIN || lon > GEO_LONG_MAX || lat < GEO_LAT_MIN || lat > GEO_LAT_MAX) {
    throw new CommandError(`invalid longitude,latitude pair ${printable(lonArg)},${printable(latArg)}`);
  }
  return [lon, lat];
}

/** `extractUnitOrReply`. */
function unit(arg: Uint8Array): number {
  const meters = unitToMeters(word(arg));
  if (meters === null) throw new CommandError("unsupported unit provided. please use M, KM, FT, MI");
  return meters;
}

/** `extractDistanceOrReply`: radius and unit. */
function radius(args: readonly Uint8Array[], at: number): { radius: number; conversion: number } {
  const r = double(args[at], "need numeric radius");
  if (r < 0) throw new CommandError("radius cannot be negative");
  return { radius: r, conversion: unit(args[at + 1]) };
}

/** `extractBoxOrReply`: width, height and unit. */
function box(args: readonly Uint8Array[], at: number): { width: number; height: number; conversion: number } {
  const width = double(args[at], "need numeric width");
  const height = double(args[at + 1], "need numeric height");
  if (height < 0 || width < 0) throw new CommandError("height or width cannot be negative");
  return { width, height, conversion: unit(args[at + 2]) };
}

// ------------------------------------------------------------------ GEOADD

/** GEOADD key [NX|XX] [CH] lon lat member …: validated as a whole, then applied as Redis's ZADD. */
function applyGeoadd(ctx: ApplyContext, args: readonly Uint8Array[]): void {
  let flags = 0;
  let at = 2;
  for (; at < args.length; at++) {
    const option = word(args[at]);
    if (option === "nx") flags |= ZADD_NX;
    else if (option === "xx") flags |= ZADD_XX;
    else if (option !== "ch") break;
  }
  if ((args.length - at) % 3 !== 0 || (flags & ZADD_NX && flags & ZADD_XX) || at === args.length) {
    throw new CommandError("syntax error");
  }
  const scores: number[] = [];
  const members: Uint8Array[] = [];
  for (; at < args.length; at += 3) {
    const [lon, lat] = lonLat(args[at], args[at + 1]);
    scores.push(geohashScore(lon, lat)!);
    members.push(args[at + 2]);
  }
  const store = ctx.store;
  const type = store.find(ctx.db, args[1]);
  if (type !== ValueType.none && type !== ValueType.zset) throw new CommandError(WRONGTYPE);
  // the encoding hints ZADD gives: its number of pairs and its first member's length
  for (let i = 0; i < members.length; i++) {
    store.zsetAdd(ctx.db, args[1], members[i], scores[i], flags, members.length, members[0].length);
  }
}

// ------------------------------------------------------------------ searches

/** How a search command names its source and centre. */
type SearchKind = "georadius" | "georadiusbymember" | "geosearchstore";

interface ParsedSearch {
  shape: GeoShape | null;
  options: GeoSearchOptions;
  storeKey: Uint8Array | null;
  storeDist: boolean;
}

/** Reads the centre member's position: Redis's "could not decode requested zset member". */
function memberPosition(store: Store, db: number, src: Uint8Array, member: Uint8Array): [number, number] {
  store.find(db, src);
  const score = store.foundZsetScore(member);
  if (score === null) throw new CommandError("could not decode requested zset member");
  return decodeScore(score);
}

/**
 * `georadiusGeneric`'s argument handling for the three storing forms:
 * the centre and shape, COUNT/ANY/ASC/DESC, and the destination. `exists`
 * says whether the source key exists (Redis skips member lookups otherwise).
 */
function parseSearch(
  ctx: ApplyContext,
  kind: SearchKind,
  args: readonly Uint8Array[],
  exists: boolean,
): ParsedSearch {
  const src = kind === "geosearchstore" ? args[2] : args[1];
  let center: [number, number] | null = null;
  let extent: Omit<GeoShape, "lon" | "lat"> | null = null;
  let base: number;
  let storeKey: Uint8Array | null = null;
  let storeDist = false;
  if (kind === "georadius") {
    base = 6;
    center = lonLat(args[2], args[3]);
    extent = { type: "radius", ...radius(args, 4) };
  } else if (kind === "georadiusbymember") {
    base = 5;
    if (exists) {
      center = memberPosition(ctx.store, ctx.db, src, args[2]);
      extent = { type: "radius", ...radius(args, 3) };
    }
  } else {
    base = 3;
    storeKey = args[1];
  }

  const search = kind === "geosearchstore";
  let withOption = false;
  let fromMember = false, fromLonLat = false, byRadius = false, byBox = false;
  let sort: GeoSearchOptions["sort"] = "none";
  let any = false;
  let count = 0;
  const remaining = args.length - base;
  for (let i = 0; i < remaining; i++) {
    const at = base + i;
    const option = word(args[at]);
    if (option === "withdist" || option === "withhash" || option === "withcoord") withOption = true;
    else if (option === "any") any = true;
    else if (option === "asc") sort = "asc";
    else if (option === "desc") sort = "desc";
    else if (option === "count" && i + 1 < remaining) {
      count = parseLong(args[at + 1]);
      if (count <= 0) throw new CommandError("COUNT must be > 0");
      i++;
    } else if ((option === "store" || option === "storedist") && i + 1 < remaining && !search) {
      storeKey = args[at + 1];
      storeDist = option === "storedist";
      i++;
    } else if (option === "storedist" && search) storeDist = true;
    else if (option === "frommember" && i + 1 < remaining && search && !fromLonLat) {
      if (exists) center = memberPosition(ctx.store, ctx.db, src, args[at + 1]);
      fromMember = true;
      i++;
    } else if (option === "fromlonlat" && i + 2 < remaining && search && !fromMember) {
      center = lonLat(args[at + 1], args[at + 2]);
      fromLonLat = true;
      i += 2;
    } else if (option === "byradius" && i + 2 < remaining && search && !byBox) {
      extent = { type: "radius", ...radius(args, at + 1) };
      byRadius = true;
      i += 2;
    } else if (option === "bybox" && i + 3 < remaining && search && !byRadius) {
      extent = { type: "box", ...box(args, at + 1) };
      byBox = true;
      i += 3;
    } else throw new CommandError("syntax error");
  }

  if (storeKey !== null && withOption) {
    throw new CommandError(
      `${
        search ? "GEOSEARCHSTORE" : "STORE option in GEORADIUS"
      } is not compatible with WITHDIST, WITHHASH and WITHCOORD options`,
    );
  }
  if (search && !(fromMember || fromLonLat)) {
    throw new CommandError("exactly one of FROMMEMBER or FROMLONLAT can be specified for geosearchstore");
  }
  if (search && !(byRadius || byBox)) {
    throw new CommandError("exactly one of BYRADIUS and BYBOX can be specified for geosearchstore");
  }
  if (any && !count) throw new CommandError("the ANY argument requires COUNT argument");
  const shape = center && extent ? { ...extent, lon: center[0], lat: center[1] } as GeoShape : null;
  return { shape, options: { count, any, sort }, storeKey, storeDist };
}

/** The source sorted set's members with scores in [min, max), in sorted-set order. */
function rangeQuery(store: Store, db: number, src: Uint8Array): ScoreRangeQuery {
  return (min, max) => {
    store.find(db, src);
    return store.foundZsetRange({ by: "score", min, minExclusive: false, max, maxExclusive: true });
  };
}

/** Replaces the destination with the found points (scores: geohash, or distance in the search unit). */
function storeResults(ctx: ApplyContext, dst: Uint8Array, points: GeoPoint[], dist: boolean, conversion: number) {
  const members = points.map((point) => point.member);
  const scores = points.map((point) => dist ? point.dist / conversion : point.score);
  storeZset(ctx.store, ctx.db, dst, { members, scores });
}

function applySearch(kind: SearchKind, ctx: ApplyContext, args: readonly Uint8Array[]): void {
  const store = ctx.store;
  const src = kind === "geosearchstore" ? args[2] : args[1];
  const type = store.find(ctx.db, src);
  if (type !== ValueType.none && type !== ValueType.zset) throw new CommandError(WRONGTYPE);
  const exists = type === ValueType.zset;
  const parsed = parseSearch(ctx, kind, args, exists);
  // GEORADIUS without STORE only answered the client: nothing was written
  if (parsed.storeKey === null) return;
  if (!exists || parsed.shape === null) {
    store.del(ctx.db, parsed.storeKey);
    return;
  }
  const points = geoSearch(parsed.shape, rangeQuery(store, ctx.db, src), parsed.options);
  storeResults(ctx, parsed.storeKey, points, parsed.storeDist, parsed.shape.conversion);
}

/** GEORADIUS[BYMEMBER]'s keys as Redis's `georadiusGetKeys`: the source and the last STORE/STOREDIST key. */
const radiusKeys: KeyFinder = (args) => {
  let stored = -1;
  for (let i = 5; i < args.length; i++) {
    const option = word(args[i]);
    if ((option === "store" || option === "storedist") && i + 1 < args.length) stored = ++i;
  }
  return stored < 0 ? [1] : [1, stored];
};

/** Every geo write command, declared once. */
export const geoCommands: readonly CommandSpec[] = [
  command({
    name: "geoadd",
    arity: -5,
    group: "geo",
    kind: "write",
    keys: FIRST_KEY,
    summary: "add points as 52-bit geohash scores (NX/XX/CH; primaries usually send the ZADD it becomes)",
    apply: applyGeoadd,
  }),
  command({
    name: "geosearchstore",
    arity: -8,
    group: "geo",
    kind: "write",
    keys: { first: 1, last: 2, step: 1 },
    summary: "store the members inside a radius or box (COUNT/ANY, ASC/DESC, STOREDIST)",
    apply: (ctx, args) => applySearch("geosearchstore", ctx, args),
  }),
  command({
    name: "georadius",
    arity: -6,
    group: "geo",
    kind: "write",
    keys: radiusKeys,
    summary: "STORE/STOREDIST form: store the members within a radius of a point",
    apply: (ctx, args) => applySearch("georadius", ctx, args),
  }),
  command({
    name: "georadiusbymember",
    arity: -5,
    group: "geo",
    kind: "write",
    keys: radiusKeys,
    summary: "STORE/STOREDIST form: store the members within a radius of a member",
    apply: (ctx, args) => applySearch("georadiusbymember", ctx, args),
  }),
];
