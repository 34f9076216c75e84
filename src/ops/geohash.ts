/**
 * Redis's geohash (`geohash.c`): the 52-bit interleaved score of a
 * longitude/latitude pair, its decoding back to the cell centre, and cell
 * neighbours. Every floating-point step follows the C code operation by
 * operation, so scores and decoded coordinates are bit-identical.
 *
 * Hashes of up to 26 steps (52 bits) are held as bigint where bit
 * arithmetic is needed (neighbours, a handful per search); the per-point
 * decoding of scores works on two 32-bit halves for speed.
 *
 * @module
 */

/** Redis's coordinate limits (EPSG:900913). */
export const GEO_LAT_MIN = -85.05112878;
export const GEO_LAT_MAX = 85.05112878;
export const GEO_LONG_MIN = -180;
export const GEO_LONG_MAX = 180;
/** 26 steps: 52 bits, the precision of stored scores. */
export const GEO_STEP_MAX = 26;

/** A geohash cell: `step` bits per coordinate, interleaved into `bits` (latitude on even bits). */
export interface GeoHashBits {
  bits: bigint;
  step: number;
}

/** A cell's extent in degrees. */
export interface GeoHashArea {
  hash: GeoHashBits;
  longitude: { min: number; max: number };
  latitude: { min: number; max: number };
}

/** The eight cells around one cell. */
export interface GeoHashNeighbors {
  north: GeoHashBits;
  east: GeoHashBits;
  west: GeoHashBits;
  south: GeoHashBits;
  north_east: GeoHashBits;
  south_east: GeoHashBits;
  north_west: GeoHashBits;
  south_west: GeoHashBits;
}

const TWO_POW_32 = 4294967296;
const LAT_SCALE = GEO_LAT_MAX - GEO_LAT_MIN;
const LONG_SCALE = GEO_LONG_MAX - GEO_LONG_MIN;

/** Spreads the 16 low bits of `v` onto the even bits of a 32-bit word. */
function spread16(v: number): number {
  v &= 0xffff;
  v = (v | (v << 8)) & 0x00ff00ff;
  v = (v | (v << 4)) & 0x0f0f0f0f;
  v = (v | (v << 2)) & 0x33333333;
  v = (v | (v << 1)) & 0x55555555;
  return v >>> 0;
}

/** Gathers the even bits of a 32-bit word into 16 bits (inverse of spread16). */
function compact16(v: number): number {
  v &= 0x55555555;
  v = (v | (v >>> 1)) & 0x33333333;
  v = (v | (v >>> 2)) & 0x0f0f0f0f;
  v = (v | (v >>> 4)) & 0x00ff00ff;
  v = (v | (v >>> 8)) & 0x0000ffff;
  return v;
}

/** `interleave64(lat, lon)` of two u32 values, as a bigint. */
function interleave(lat: number, lon: number): bigint {
  const lo = (spread16(lat) | (spread16(lon) << 1)) >>> 0;
  const hi = (spread16(lat >>> 16) | (spread16(lon >>> 16) << 1)) >>> 0;
  return (BigInt(hi) << 32n) | BigInt(lo);
}

/**
 * `geohashEncode` over Redis's coordinate ranges: null when the point is
 * outside them. The offsets are scaled doubles truncated to u32, as C does.
 */
export function geohashEncode(longitude: number, latitude: number, step: number): GeoHashBits | null {
  if (step > 32 || step === 0) return null;
  if (
    !(longitude <= GEO_LONG_MAX && longitude >= GEO_LONG_MIN && latitude <= GEO_LAT_MAX && latitude >= GEO_LAT_MIN)
  ) {
    return null;
  }
  let latOffset = (latitude - GEO_LAT_MIN) / (GEO_LAT_MAX - GEO_LAT_MIN);
  let longOffset = (longitude - GEO_LONG_MIN) / (GEO_LONG_MAX - GEO_LONG_MIN);
  latOffset *= 2 ** step;
  longOffset *= 2 ** step;
  return { bits: interleave(Math.trunc(latOffset) >>> 0, Math.trunc(longOffset) >>> 0), step };
}

/** `geohashAlign52Bits`: the cell's bits shifted to 52-bit score precision. */
export function geohashAlign52Bits(hash: GeoHashBits): bigint {
  return BigInt.asUintN(64, hash.bits << BigInt(52 - hash.step * 2));
}

/**
 * The sorted-set score GEOADD stores for a point (null outside the valid
 * ranges): the 52-bit hash as C's `long long` → decimal → `strtod`, i.e. the
 * nearest double.
 */
export function geohashScore(longitude: number, latitude: number): number | null {
  const hash = geohashEncode(longitude, latitude, GEO_STEP_MAX);
  return hash === null ? null : Number(geohashAlign52Bits(hash));
}

/** `geohashDecode` of a cell given as two 32-bit halves. */
function decodeHalves(hi: number, lo: number, step: number): {
  lonMin: number;
  lonMax: number;
  latMin: number;
  latMax: number;
} {
  // deinterleave64: latitude on the even bits, longitude on the odd bits
  const ilato = ((compact16(hi) << 16) | compact16(lo)) >>> 0;
  const ilono = ((compact16(hi >>> 1) << 16) | compact16(lo >>> 1)) >>> 0;
  const cells = 2 ** step;
  return {
    latMin: GEO_LAT_MIN + (ilato * 1.0 / cells) * LAT_SCALE,
    latMax: GEO_LAT_MIN + (((ilato + 1) >>> 0) * 1.0 / cells) * LAT_SCALE,
    lonMin: GEO_LONG_MIN + (ilono * 1.0 / cells) * LONG_SCALE,
    lonMax: GEO_LONG_MIN + (((ilono + 1) >>> 0) * 1.0 / cells) * LONG_SCALE,
  };
}

/** `geohashDecode`: the cell's extent. */
export function geohashDecode(hash: GeoHashBits): GeoHashArea {
  const bits = BigInt.asUintN(64, hash.bits);
  const d = decodeHalves(Number(bits >> 32n), Number(bits & 0xffffffffn), hash.step);
  return {
    hash,
    longitude: { min: d.lonMin, max: d.lonMax },
    latitude: { min: d.latMin, max: d.latMax },
  };
}

/**
 * `(uint64_t)score` as compiled for x86-64 (truncation toward zero; negative
 * values wrap, values of 2^64 and more give 0): the two 32-bit halves.
 * Only scores that GEOADD did not produce reach the unusual branches.
 */
export function scoreToUint64(score: number): { hi: number; lo: number } {
  const t = Math.trunc(score);
  if (t >= 0 && t < 2 ** 64) {
    const hi = Math.floor(t / TWO_POW_32);
    return { hi: hi >>> 0, lo: (t - hi * TWO_POW_32) >>> 0 };
  }
  if (t < 0 && t >= -(2 ** 63)) {
    const m = -t;
    const mhi = Math.floor(m / TWO_POW_32);
    const mlo = (m - mhi * TWO_POW_32) >>> 0;
    const lo = (~mlo + 1) >>> 0;
    return { hi: (~mhi + (lo === 0 ? 1 : 0)) >>> 0, lo };
  }
  // cvttsd2si's "integer indefinite" (0x8000000000000000), or 0 past 2^64
  return t < 0 ? { hi: 0x80000000, lo: 0 } : { hi: 0, lo: 0 };
}

/**
 * `decodeGeohash`: the longitude/latitude a score stands for (the centre of
 * its 26-step cell, clamped to the valid ranges).
 */
export function decodeScore(score: number): [number, number] {
  const { hi, lo } = scoreToUint64(score);
  const d = decodeHalves(hi, lo, GEO_STEP_MAX);
  let lon = (d.lonMin + d.lonMax) / 2;
  if (lon > GEO_LONG_MAX) lon = GEO_LONG_MAX;
  if (lon < GEO_LONG_MIN) lon = GEO_LONG_MIN;
  let lat = (d.latMin + d.latMax) / 2;
  if (lat > GEO_LAT_MAX) lat = GEO_LAT_MAX;
  if (lat < GEO_LAT_MIN) lat = GEO_LAT_MIN;
  return [lon, lat];
}

const EVEN = 0x5555555555555555n;
const ODD = 0xaaaaaaaaaaaaaaaan;

/** `geohash_move_x`: one cell east (d > 0) or west (d < 0), wrapping around. */
function moveX(hash: GeoHashBits, d: number): GeoHashBits {
  if (d === 0) return hash;
  let x = hash.bits & ODD;
  const y = hash.bits & EVEN;
  const zz = EVEN >> BigInt(64 - hash.step * 2);
  if (d > 0) x = x + (zz + 1n);
  else {
    x = x | zz;
    x = x - (zz + 1n);
  }
  x = BigInt.asUintN(64, x) & (ODD >> BigInt(64 - hash.step * 2));
  return { bits: x | y, step: hash.step };
}

/** `geohash_move_y`: one cell north (d > 0) or south (d < 0), wrapping around. */
function moveY(hash: GeoHashBits, d: number): GeoHashBits {
  if (d === 0) return hash;
  const x = hash.bits & ODD;
  let y = hash.bits & EVEN;
  const zz = ODD >> BigInt(64 - hash.step * 2);
  if (d > 0) y = y + (zz + 1n);
  else {
    y = y | zz;
    y = y - (zz + 1n);
  }
  y = BigInt.asUintN(64, y) & (EVEN >> BigInt(64 - hash.step * 2));
  return { bits: x | y, step: hash.step };
}

/** `geohashNeighbors`. */
export function geohashNeighbors(hash: GeoHashBits): GeoHashNeighbors {
  const at = (dx: number, dy: number) => moveY(moveX(hash, dx), dy);
  return {
    east: at(1, 0),
    west: at(-1, 0),
    south: at(0, -1),
    north: at(0, 1),
    north_west: at(-1, 1),
    north_east: at(1, 1),
    south_east: at(1, -1),
    south_west: at(-1, -1),
  };
}
