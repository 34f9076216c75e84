/**
 * Redis's HyperLogLog (src/hyperloglog.c), bit-exact, independent of the
 * store: a replica re-executes PFADD, PFMERGE and PFCOUNT and must end with
 * the very bytes the primary holds (a HLL is a plain string value).
 *
 * Layout: a 16-byte header ("HYLL", encoding, 3 unused bytes, the cached
 * cardinality as a little-endian u64 whose top bit marks it invalid), then
 * either 16384 dense 6-bit registers (12288 bytes) or the sparse run-length
 * opcodes ZERO `00xxxxxx` (1..64 zero registers), XZERO `01xxxxxx yyyyyyyy`
 * (1..16384 zero registers) and VAL `1vvvvvxx` (1..4 registers of value
 * 1..32). Element hashing is MurmurHash64A (seed 0xadc83b19), done here on
 * 32-bit halves: BigInt would cost far more per element.
 *
 * The sparse algorithms follow the C step by step (including which opcode a
 * split produces and the bounded merge of adjacent VALs) because any other
 * valid encoding of the same registers would still be different bytes.
 * Sources compared: Redis 7.0.15 (the installed server, tested byte for byte),
 * Redis's source of October 2024 (8.0-m01) and Valkey's current source. They
 * produce the same bytes for valid HLLs: 7.2+ only reserves sparse capacity
 * greedily (allocation, not content), and Valkey writes a dense PFMERGE result
 * in one SIMD pass instead of register by register, which ends with the same
 * registers since the destination is itself one of the merged inputs. PFMERGE
 * has kept an all-sparse result sparse since 7.0 (no version difference to
 * select). Valkey also rejects more corrupted sparse HLLs in merges; those
 * commands fail on the primary and are never propagated.
 *
 * The cached cardinality (header bytes 8..15), the same in every version:
 * only PFCOUNT of one key writes it (all 8 bytes, top bit clear); a PFADD
 * that changes a register and every PFMERGE only set the top bit, so the last
 * count stays in bytes 8..14 while invalid; `hllSparseToDense` (PFMERGE with a
 * dense input, promotion, PFDEBUG) copies the whole header, stale count
 * included; a destination that PFMERGE or PFADD creates starts from zeros.
 *
 * What no replica can follow (a real Redis replica included): a PFADD on a
 * damaged sparse HLL (other string commands can write HLL keys) that changes
 * registers for its first elements and then fails on a later one (an index
 * past the opcodes, or a promotion of opcodes that do not cover exactly 16384
 * registers) answers INVALIDOBJ, keeps those changes and propagates nothing.
 *
 * Values are passed as {@linkcode HllValue}: a buffer with one spare zero byte
 * after `len`, standing in for the sds terminator the C reads past the end.
 *
 * @module
 */

import type { ByteAccess } from "./bitfield.ts";

/** Number of registers (2^14). */
export const HLL_REGISTERS = 16384;
/** Header size in bytes. */
export const HLL_HDR_SIZE = 16;
/** Exact length of a dense HLL. */
export const HLL_DENSE_SIZE = HLL_HDR_SIZE + (HLL_REGISTERS * 6) / 8;
/** Encoding byte values. */
export const HLL_DENSE = 0, HLL_SPARSE = 1;
/**
 * Redis's `hll-sparse-max-bytes` (default 3000): a sparse HLL that would grow
 * beyond it is promoted to dense. It MUST match the primary's configuration,
 * or the replica promotes at a different moment and its bytes diverge.
 */
export const HLL_SPARSE_MAX_BYTES = 3000;

const HLL_P = 14;
const HLL_Q = 64 - HLL_P;
const HLL_P_MASK = HLL_REGISTERS - 1;
const REGISTER_MAX = 63;
const SPARSE_VAL_MAX_VALUE = 32;
const SPARSE_VAL_MAX_LEN = 4;
const SPARSE_ZERO_MAX_LEN = 64;
const SPARSE_XZERO_MAX_LEN = 16384;
const ALPHA_INF = 0.721347520444481703680; // 0.5/ln(2)
const CARD_INVALID_BIT = 0x80; // in header byte 15, the cached cardinality's top byte

/** A HLL string being worked on: `buf[0..len)` is the value, `buf[len]` is always 0. */
export interface HllValue {
  buf: Uint8Array;
  len: number;
}

/** Wraps a copy of `bytes` as a {@linkcode HllValue} (with room for a sparse split). */
export function hllValue(bytes: Uint8Array): HllValue {
  const buf = new Uint8Array(bytes.length + 8);
  buf.set(bytes);
  return { buf, len: bytes.length };
}

/** The value's bytes (a view: copy before keeping it past the next change). */
export function hllBytes(h: HllValue): Uint8Array {
  return h.buf.subarray(0, h.len);
}

// ------------------------------------------------------------------ hashing

const M_HI = 0xc6a4a793 | 0, M_LO = 0x5bd1e995 | 0;
const M_LO0 = M_LO & 0xffff, M_LO1 = M_LO >>> 16;
const SEED = 0xadc83b19 | 0;
/**
 * Result of mulM and of the hash: [high, low] 32-bit halves as int32. A typed
 * array, not module variables: V8 boxes numbers above 2^31 kept in variables
 * (measured: the hash took twice as long).
 */
const R = new Int32Array(2);

/** R = low 64 bits of (hi:lo) * m, on 32-bit halves with 16-bit partial products. */
function mulM(hi: number, lo: number): void {
  const a0 = lo & 0xffff, a1 = lo >>> 16;
  const p00 = a0 * M_LO0, p01 = a0 * M_LO1, p10 = a1 * M_LO0, p11 = a1 * M_LO1;
  const mid = (p00 >>> 16) + (p01 & 0xffff) + (p10 & 0xffff);
  R[1] = (mid << 16) | (p00 & 0xffff);
  const high = p11 + (p01 >>> 16) + (p10 >>> 16) + (mid >>> 16); // high word of lo * M_LO, < 2^33
  R[0] = high + Math.imul(hi, M_LO) + Math.imul(lo, M_HI); // the typed array keeps it modulo 2^32
}

/** MurmurHash64A into R. */
function murmur(data: Uint8Array, seed: number): void {
  const len = data.length;
  mulM(0, len);
  let hh = R[0], hl = R[1] ^ seed;
  const blocks = len - (len & 7);
  for (let i = 0; i < blocks; i += 8) {
    const klo = data[i] | (data[i + 1] << 8) | (data[i + 2] << 16) | (data[i + 3] << 24);
    const khi = data[i + 4] | (data[i + 5] << 8) | (data[i + 6] << 16) | (data[i + 7] << 24);
    mulM(khi, klo); // k *= m
    const kh = R[0];
    mulM(kh, R[1] ^ (kh >>> 15)); // k ^= k >> 47; k *= m
    mulM(hh ^ R[0], hl ^ R[1]); // h ^= k; h *= m
    hh = R[0];
    hl = R[1];
  }
  const t = blocks;
  switch (len & 7) {
    case 7:
      hh ^= data[t + 6] << 16;
      // falls through
    case 6:
      hh ^= data[t + 5] << 8;
      // falls through
    case 5:
      hh ^= data[t + 4];
      // falls through
    case 4:
      hl ^= data[t + 3] << 24;
      // falls through
    case 3:
      hl ^= data[t + 2] << 16;
      // falls through
    case 2:
      hl ^= data[t + 1] << 8;
      // falls through
    case 1:
      hl ^= data[t];
      mulM(hh, hl);
      hh = R[0];
      hl = R[1];
  }
  mulM(hh, hl ^ (hh >>> 15)); // h ^= h >> r; h *= m
  R[1] ^= R[0] >>> 15; // h ^= h >> r
}

/** High and low 32 bits (unsigned) of the last {@linkcode murmurHash64A}. */
export const lastHash = { hi: 0, lo: 0 };

/**
 * MurmurHash64A as Redis modified it (endian neutral), with Redis's HLL seed
 * by default; the result is in {@linkcode lastHash}.
 */
export function murmurHash64A(data: Uint8Array, seed = SEED): void {
  murmur(data, seed | 0);
  lastHash.hi = R[0] >>> 0;
  lastHash.lo = R[1] >>> 0;
}

function ctz32(x: number): number {
  return 31 - Math.clz32(x & -x);
}

/**
 * `hllPatLen`: the register an element hashes to and the length of its
 * "000…1" pattern, packed as `index << 6 | count` (count 1..51).
 */
export function hllPatLen(element: Uint8Array): number {
  murmur(element, SEED);
  const hi = R[0], lo = R[1];
  const index = lo & HLL_P_MASK;
  // hash >>= P, then bit Q set so the count stops at Q+1
  const low = (lo >>> HLL_P) | (hi << (32 - HLL_P));
  const high = (hi >>> HLL_P) | (1 << (HLL_Q - 32));
  const count = (low !== 0 ? ctz32(low) : 32 + ctz32(high)) + 1;
  return (index << 6) | count;
}

// ------------------------------------------------------------------ header

/** True when `header` (the value's first 16 bytes) and `len` form a valid HLL, as `isHLLObjectOrReply`. */
export function isValidHll(header: Uint8Array, len: number): boolean {
  if (len < HLL_HDR_SIZE || header.length < HLL_HDR_SIZE) return false;
  if (header[0] !== 72 || header[1] !== 89 || header[2] !== 76 || header[3] !== 76) return false; // "HYLL"
  const encoding = header[4];
  if (encoding > HLL_SPARSE) return false;
  return encoding !== HLL_DENSE || len === HLL_DENSE_SIZE;
}

/** The message Redis replies for a string that is not a HLL. */
export const INVALID_HLL_TYPE = "WRONGTYPE Key is not a valid HyperLogLog string value.";
/** The message Redis replies for a corrupted HLL. */
export const INVALID_HLL_OBJECT = "INVALIDOBJ Corrupted HLL object detected";

/** True when the cached cardinality is valid (top bit of byte 15 clear). */
export function hllCacheValid(header: Uint8Array): boolean {
  return (header[15] & CARD_INVALID_BIT) === 0;
}

function invalidateCache(h: HllValue): void {
  h.buf[15] |= CARD_INVALID_BIT;
}

/** A new empty HLL: sparse, a single XZERO covering the 16384 registers, cache 0 and valid. */
export function createHll(): HllValue {
  const len = HLL_HDR_SIZE + Math.ceil(HLL_REGISTERS / SPARSE_XZERO_MAX_LEN) * 2;
  const buf = new Uint8Array(len + 8);
  buf.set([72, 89, 76, 76, HLL_SPARSE]);
  let p = HLL_HDR_SIZE;
  for (let left = HLL_REGISTERS; left > 0;) {
    const run = Math.min(left, SPARSE_XZERO_MAX_LEN);
    setXzero(buf, p, run);
    p += 2;
    left -= run;
  }
  return { buf, len };
}

// ------------------------------------------------------------------ dense registers

/** Dense register `regnum` of the registers starting at byte `base` of `p`. */
export function denseGet(p: ByteAccess, base: number, regnum: number): number {
  const byte = base + ((regnum * 6) >> 3);
  const fb = (regnum * 6) & 7;
  return ((p.get(byte) >> fb) | (p.get(byte + 1) << (8 - fb))) & REGISTER_MAX;
}

/**
 * `HLL_DENSE_SET_REGISTER`. The second byte is only written when bits of the
 * register live there: for the last register the C touches the sds
 * terminator without changing it, which must not grow a patched value.
 */
export function denseSetRegister(p: ByteAccess, base: number, regnum: number, val: number): void {
  const byte = base + ((regnum * 6) >> 3);
  const fb = (regnum * 6) & 7;
  const fb8 = 8 - fb;
  p.set(byte, ((p.get(byte) & ~(REGISTER_MAX << fb)) | (val << fb)) & 0xff);
  if (REGISTER_MAX >> fb8) p.set(byte + 1, ((p.get(byte + 1) & ~(REGISTER_MAX >> fb8)) | (val >> fb8)) & 0xff);
}

/** `hllDenseSet`: raises register `index` to `count`; 1 when it changed, else 0. */
export function denseSet(p: ByteAccess, base: number, index: number, count: number): number {
  if (count > denseGet(p, base, index)) {
    denseSetRegister(p, base, index, count);
    return 1;
  }
  return 0;
}

function denseGetArray(buf: Uint8Array, regnum: number): number {
  const byte = HLL_HDR_SIZE + ((regnum * 6) >> 3);
  const fb = (regnum * 6) & 7;
  return ((buf[byte] >> fb) | (buf[byte + 1] << (8 - fb))) & REGISTER_MAX;
}

/** {@linkcode denseSet} on a whole value in memory (`buf` has the zero byte after the registers). */
function denseSetArray(buf: Uint8Array, index: number, count: number): number {
  if (count <= denseGetArray(buf, index)) return 0;
  const byte = HLL_HDR_SIZE + ((index * 6) >> 3);
  const fb = (index * 6) & 7;
  const fb8 = 8 - fb;
  buf[byte] = (buf[byte] & ~(REGISTER_MAX << fb)) | (count << fb);
  buf[byte + 1] = (buf[byte + 1] & ~(REGISTER_MAX >> fb8)) | (count >> fb8);
  return 1;
}

// ------------------------------------------------------------------ sparse opcodes

const isZero = (b: number) => (b & 0xc0) === 0;
const isXzero = (b: number) => (b & 0xc0) === 0x40;
const isVal = (b: number) => (b & 0x80) !== 0;
const zeroLen = (b: number) => (b & 0x3f) + 1;
const xzeroLen = (b: number, b2: number) => (((b & 0x3f) << 8) | b2) + 1;
const valValue = (b: number) => ((b >> 2) & 0x1f) + 1;
const valLen = (b: number) => (b & 0x3) + 1;
const valByte = (val: number, len: number) => ((((val - 1) << 2) | (len - 1)) | 0x80) & 0xff;

function setXzero(buf: Uint8Array, p: number, len: number): void {
  const l = len - 1;
  buf[p] = (l >> 8) | 0x40;
  buf[p + 1] = l & 0xff;
}

/** Grows the buffer so `len + extra` bytes and the terminator fit. */
function reserve(h: HllValue, extra: number): void {
  if (h.len + extra + 1 <= h.buf.length) return;
  const buf = new Uint8Array(Math.max(h.len + extra + 1, h.buf.length * 2));
  buf.set(h.buf.subarray(0, h.len));
  h.buf = buf;
}

/** Sets the length as `sdsIncrLen` does (the terminator follows). */
function setLen(h: HllValue, len: number): void {
  h.len = len;
  h.buf[len] = 0;
}

/**
 * `hllSparseToDense`: converts in place (the header, cached cardinality
 * included, is kept); false when the sparse data is corrupted. A dense value
 * is left as it is.
 */
export function sparseToDense(h: HllValue): boolean {
  const src = h.buf;
  if (src[4] === HLL_DENSE) return true;
  const dense = new Uint8Array(HLL_DENSE_SIZE + 1);
  dense.set(src.subarray(0, HLL_HDR_SIZE));
  dense[4] = HLL_DENSE;
  let idx = 0;
  let p = HLL_HDR_SIZE;
  const end = h.len;
  while (p < end) {
    const b = src[p];
    if (isZero(b)) {
      idx += zeroLen(b);
      p++;
    } else if (isXzero(b)) {
      idx += xzeroLen(b, src[p + 1]);
      p += 2;
    } else {
      let runlen = valLen(b);
      const regval = valValue(b);
      if (runlen + idx > HLL_REGISTERS) break; // overflow
      while (runlen--) denseSetArray(dense, idx++, regval); // registers start at 0 and regval >= 1: always set
      p++;
    }
  }
  if (idx !== HLL_REGISTERS) return false;
  h.buf = dense;
  h.len = HLL_DENSE_SIZE;
  return true;
}

/**
 * `hllSparseSet`: raises register `index` to `count` in a sparse HLL,
 * splitting the covering opcode and merging adjacent VALs exactly as the C,
 * promoting to dense when `count` exceeds 32 or the value would outgrow
 * `maxBytes`. Returns 1 when a register changed, 0 when not, -1 when the
 * sparse data is corrupted.
 */
export function sparseSet(h: HllValue, index: number, count: number, maxBytes = HLL_SPARSE_MAX_BYTES): number {
  if (count > SPARSE_VAL_MAX_VALUE) return promote(h, index, count);
  reserve(h, 3);
  let buf = h.buf;
  const sparse = HLL_HDR_SIZE;
  let end = h.len;

  // Step 1: find the opcode covering `index`
  let p = sparse;
  let first = 0;
  let prev = -1;
  let span = 0;
  while (p < end) {
    const b = buf[p];
    let oplen = 1;
    if (isZero(b)) span = zeroLen(b);
    else if (isVal(b)) span = valLen(b);
    else {
      span = xzeroLen(b, buf[p + 1]);
      oplen = 2;
    }
    if (index <= first + span - 1) break;
    prev = p;
    p += oplen;
    first += span;
  }
  if (span === 0 || p >= end) return -1;

  const op = buf[p];
  let next = isXzero(op) ? p + 2 : p + 1;
  if (next >= end) next = -1;
  const opIsZero = isZero(op), opIsXzero = isXzero(op);
  const runlen = opIsZero ? zeroLen(op) : opIsXzero ? xzeroLen(op, buf[p + 1]) : valLen(op);

  updated: {
    // Step 2: the trivial cases A, B, C
    if (!opIsZero && !opIsXzero) {
      if (valValue(op) >= count) return 0; // A
      if (runlen === 1) { // B
        buf[p] = valByte(count, 1);
        break updated;
      }
    }
    if (opIsZero && runlen === 1) { // C
      buf[p] = valByte(count, 1);
      break updated;
    }

    // D: split the opcode into up to three (at most 5 bytes)
    const seq: number[] = [];
    const last = first + span - 1;
    if (opIsZero || opIsXzero) {
      if (index !== first) pushZeros(seq, index - first);
      seq.push(valByte(count, 1));
      if (index !== last) pushZeros(seq, last - index);
    } else {
      const curval = valValue(op);
      if (index !== first) seq.push(valByte(curval, index - first));
      seq.push(valByte(count, 1));
      if (index !== last) seq.push(valByte(curval, last - index));
    }

    // Step 3: put the sequence in place of the old opcode
    const oldlen = opIsXzero ? 2 : 1;
    const deltalen = seq.length - oldlen;
    if (deltalen > 0 && h.len + deltalen > maxBytes) return promote(h, index, count);
    if (deltalen !== 0 && next !== -1) buf.copyWithin(next + deltalen, next, end);
    setLen(h, h.len + deltalen);
    for (let i = 0; i < seq.length; i++) buf[p + i] = seq[i];
    end += deltalen;
  }

  // Step 4: merge adjacent VALs of equal value, scanning up to 5 opcodes from prev
  buf = h.buf;
  p = prev !== -1 ? prev : sparse;
  let scanlen = 5;
  while (p < end && scanlen-- !== 0) {
    const b = buf[p];
    if (isXzero(b)) {
      p += 2;
      continue;
    } else if (isZero(b)) {
      p++;
      continue;
    }
    if (p + 1 < end && isVal(buf[p + 1])) {
      const v1 = valValue(b);
      const v2 = valValue(buf[p + 1]);
      if (v1 === v2) {
        const len = valLen(b) + valLen(buf[p + 1]);
        if (len <= SPARSE_VAL_MAX_LEN) {
          buf[p + 1] = valByte(v1, len);
          buf.copyWithin(p, p + 1, end + 1); // memmove(p, p+1, end-p): the terminator moves too
          setLen(h, h.len - 1);
          end--;
          continue; // try to merge the merged VAL with the next one
        }
      }
    }
    p++;
  }
  invalidateCache(h);
  return 1;
}

function pushZeros(seq: number[], len: number): void {
  if (len > SPARSE_ZERO_MAX_LEN) {
    const l = len - 1;
    seq.push((l >> 8) | 0x40, l & 0xff);
  } else {
    seq.push(len - 1);
  }
}

/** The `promote:` path: convert to dense, then set the register (always a change there). */
function promote(h: HllValue, index: number, count: number): number {
  if (!sparseToDense(h)) return -1;
  return denseSetArray(h.buf, index, count);
}

// ------------------------------------------------------------------ add / merge / count

/**
 * `hllAdd`: adds one element to a whole HLL value (sparse or dense); 1 when a
 * register changed, 0 when not, -1 when corrupted. The cache is not
 * invalidated here (PFADD does it once, as Redis).
 */
export function hllAdd(h: HllValue, element: Uint8Array, maxBytes = HLL_SPARSE_MAX_BYTES): number {
  const pat = hllPatLen(element);
  const index = pat >> 6, count = pat & 63;
  switch (h.buf[4]) {
    case HLL_DENSE:
      return denseSetArray(h.buf, index, count);
    case HLL_SPARSE:
      return sparseSet(h, index, count, maxBytes);
    default:
      return -1;
  }
}

/**
 * `hllMerge`: max[i] = MAX(max[i], register i) over a valid HLL's registers;
 * false when a sparse HLL is corrupted.
 */
export function hllMerge(max: Uint8Array, h: HllValue): boolean {
  const buf = h.buf;
  if (buf[4] === HLL_DENSE) {
    for (let i = 0; i < HLL_REGISTERS; i++) {
      const val = denseGetArray(buf, i);
      if (val > max[i]) max[i] = val;
    }
    return true;
  }
  let i = 0;
  let p = HLL_HDR_SIZE;
  const end = h.len;
  while (p < end) {
    const b = buf[p];
    if (isZero(b)) {
      i += zeroLen(b);
      p++;
    } else if (isXzero(b)) {
      i += xzeroLen(b, buf[p + 1]);
      p += 2;
    } else {
      let runlen = valLen(b);
      const regval = valValue(b);
      if (runlen + i > HLL_REGISTERS) break; // overflow
      while (runlen--) {
        if (regval > max[i]) max[i] = regval;
        i++;
      }
      p++;
    }
  }
  return i === HLL_REGISTERS;
}

/** `hllSigma` (Ertl, arXiv:1702.01284). */
function hllSigma(x: number): number {
  if (x === 1) return Infinity;
  let zPrime: number;
  let y = 1;
  let z = x;
  do {
    x *= x;
    zPrime = z;
    z += x * y;
    y += y;
  } while (zPrime !== z);
  return z;
}

/** `hllTau` (Ertl). C's `pow(1 - x, 2)` is folded by gcc into a product: so is it here. */
function hllTau(x: number): number {
  if (x === 0 || x === 1) return 0;
  let zPrime: number;
  let y = 1.0;
  let z = 1 - x;
  do {
    x = Math.sqrt(x);
    zPrime = z;
    y *= 0.5;
    const d = 1 - x;
    z -= d * d * y;
  } while (zPrime !== z);
  return z / 3;
}

/**
 * The cardinality estimate from a register histogram, as `hllCount` computes
 * it (same operation order, so the same doubles as an x86-64 build, where gcc
 * has no FMA to fuse `z += x * y`; an aarch64 build may fuse it, which can move
 * the last bit of an intermediate and, rarely, the rounded estimate that
 * PFCOUNT caches). Returns a bigint: the C
 * result is a uint64 (2^63 when the estimate is not finite, as llroundl
 * yields on x86-64 and the cast keeps).
 */
export function estimateFromHistogram(reghisto: Int32Array | number[]): bigint {
  const m = HLL_REGISTERS;
  let z = m * hllTau((m - reghisto[HLL_Q + 1]) / m);
  for (let j = HLL_Q; j >= 1; --j) {
    z += reghisto[j];
    z *= 0.5;
  }
  z += m * hllSigma(reghisto[0] / m);
  const e = (ALPHA_INF * m * m) / z;
  if (!(e < 9223372036854775807)) return 1n << 63n; // llroundl overflow (or NaN): LLONG_MIN, cast to uint64
  return BigInt(Math.round(e)); // e > 0: Math.round rounds halves up, as llroundl does away from zero
}

/** Register histogram of a HLL; `invalid` is set when a sparse HLL does not cover exactly 16384 registers. */
export function registerHistogram(h: HllValue): { reghisto: Int32Array; invalid: boolean } {
  const reghisto = new Int32Array(64);
  const buf = h.buf;
  if (buf[4] === HLL_DENSE) {
    for (let i = 0; i < HLL_REGISTERS; i++) reghisto[denseGetArray(buf, i)]++;
    return { reghisto, invalid: false };
  }
  let idx = 0;
  let p = HLL_HDR_SIZE;
  const end = h.len;
  while (p < end) {
    const b = buf[p];
    if (isZero(b)) {
      const runlen = zeroLen(b);
      idx += runlen;
      reghisto[0] += runlen;
      p++;
    } else if (isXzero(b)) {
      const runlen = xzeroLen(b, buf[p + 1]);
      idx += runlen;
      reghisto[0] += runlen;
      p += 2;
    } else {
      const runlen = valLen(b);
      idx += runlen;
      reghisto[valValue(b)] += runlen;
      p++;
    }
  }
  return { reghisto, invalid: idx !== HLL_REGISTERS };
}

/** `hllCount` of one HLL; null when a sparse HLL is corrupted. */
export function hllCount(h: HllValue): bigint | null {
  const { reghisto, invalid } = registerHistogram(h);
  return invalid ? null : estimateFromHistogram(reghisto);
}

/** Cardinality of the union of raw registers (one byte each), as multi-key PFCOUNT. */
export function hllCountRaw(max: Uint8Array): bigint {
  const reghisto = new Int32Array(64);
  for (let i = 0; i < HLL_REGISTERS; i++) reghisto[max[i]]++;
  return estimateFromHistogram(reghisto);
}

/** The 8 little-endian cache bytes for `card` (header bytes 8..15). */
export function cardinalityBytes(card: bigint): Uint8Array {
  const out = new Uint8Array(8);
  for (let i = 0; i < 8; i++) out[i] = Number((card >> BigInt(8 * i)) & 0xffn);
  return out;
}

// ------------------------------------------------------------------ whole commands on values

/**
 * PFADD on a value (null: the key is absent and is created). Returns the new
 * value and whether PFADD reported an update; throws nothing: a corrupted
 * value gives `corrupted` true (Redis then replies INVALIDOBJ and does not
 * propagate).
 */
export function pfadd(
  value: Uint8Array | null,
  elements: readonly Uint8Array[],
  maxBytes = HLL_SPARSE_MAX_BYTES,
): { value: Uint8Array; updated: boolean; corrupted: boolean } {
  const h = value === null ? createHll() : hllValue(value);
  let updated = value === null;
  for (const e of elements) {
    const r = hllAdd(h, e, maxBytes);
    if (r === -1) return { value: hllBytes(h), updated, corrupted: true };
    if (r === 1) updated = true;
  }
  if (updated) invalidateCache(h);
  return { value: hllBytes(h), updated, corrupted: false };
}

/**
 * PFMERGE's register writing: the merged registers `max` (destination
 * included) written into the destination `dest` (null: created), dense when
 * any input was dense, register by register through the sparse algorithm
 * otherwise; the cache is invalidated. Null when the destination is corrupted.
 */
export function pfmergeInto(
  dest: Uint8Array | null,
  max: Uint8Array,
  useDense: boolean,
  maxBytes = HLL_SPARSE_MAX_BYTES,
): Uint8Array | null {
  const h = dest === null ? createHll() : hllValue(dest);
  if (useDense && !sparseToDense(h)) return null;
  for (let j = 0; j < HLL_REGISTERS; j++) {
    if (max[j] === 0) continue;
    // Redis ignores hllSparseSet's result here (the inputs were validated by the merge)
    if (h.buf[4] === HLL_DENSE) denseSetArray(h.buf, j, max[j]);
    else sparseSet(h, j, max[j], maxBytes);
  }
  invalidateCache(h);
  return hllBytes(h);
}
