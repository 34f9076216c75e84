/**
 * LZ4 frames (the LZ4 frame format, v1.6.x spec) and xxHash32: what Valkey
 * 9.2 wraps a whole RDB in when it writes with `rdbcompression lz4`, after an
 * 8-byte `VKCS` envelope (see {@linkcode parseVkcsEnvelope}).
 *
 * The decoder is streaming and push-based like the RDB decoder: compressed
 * bytes arrive in chunks split anywhere, decompressed blocks are handed to a
 * callback as soon as each block is complete. Memory is bounded by the
 * frame's declared maximum block size (64 KiB … 4 MiB) plus, for linked
 * blocks, a 64 KiB history window: a corrupt block size never allocates more.
 *
 * Supported: independent and linked blocks, block checksums, content size,
 * content checksum. Not supported (typed error): dictionaries (DictID), and
 * anything after the first frame.
 *
 * @module
 */

import { RdbError } from "../errors.ts";

const P1 = 0x9e3779b1 | 0;
const P2 = 0x85ebca77 | 0;
const P3 = 0xc2b2ae3d | 0;
const P4 = 0x27d4eb2f | 0;
const P5 = 0x165667b1 | 0;

function rotl(x: number, r: number): number {
  return (x << r) | (x >>> (32 - r));
}

function u32at(b: Uint8Array, p: number): number {
  return b[p] | (b[p + 1] << 8) | (b[p + 2] << 16) | (b[p + 3] << 24);
}

/**
 * Incremental xxHash32 (seed 0 by default), as LZ4 frames use it for their
 * header, block and content checksums.
 *
 * @example
 * ```ts
 * import { Xxh32 } from "./lz4.ts";
 * const h = new Xxh32();
 * console.log(h.digest().toString(16)); // "2cc5d05" (the empty input)
 * ```
 */
export class Xxh32 {
  private v1: number;
  private v2: number;
  private v3: number;
  private v4: number;
  private readonly seed: number;
  private total = 0;
  private readonly mem = new Uint8Array(16);
  private memLen = 0;

  constructor(seed = 0) {
    this.seed = seed | 0;
    this.v1 = (this.seed + P1 + P2) | 0;
    this.v2 = (this.seed + P2) | 0;
    this.v3 = this.seed;
    this.v4 = (this.seed - P1) | 0;
  }

  /** Fold `b[start..end)` into the hash. */
  update(b: Uint8Array, start = 0, end = b.length): this {
    this.total += end - start;
    let p = start;
    if (this.memLen > 0) {
      while (this.memLen < 16 && p < end) this.mem[this.memLen++] = b[p++];
      if (this.memLen < 16) return this;
      this.stripe(this.mem, 0);
      this.memLen = 0;
    }
    for (; p + 16 <= end; p += 16) this.stripe(b, p);
    while (p < end) this.mem[this.memLen++] = b[p++];
    return this;
  }

  /** The 32-bit hash of everything folded so far (unsigned). */
  digest(): number {
    let h: number;
    if (this.total >= 16) {
      h = (rotl(this.v1, 1) + rotl(this.v2, 7) + rotl(this.v3, 12) + rotl(this.v4, 18)) | 0;
    } else {
      h = (this.seed + P5) | 0;
    }
    h = (h + this.total) | 0; // the low 32 bits of the length, as the reference does
    let p = 0;
    const m = this.mem, n = this.memLen;
    for (; p + 4 <= n; p += 4) h = Math.imul(rotl((h + Math.imul(u32at(m, p), P3)) | 0, 17), P4);
    for (; p < n; p++) h = Math.imul(rotl((h + Math.imul(m[p], P5)) | 0, 11), P1);
    h = Math.imul(h ^ (h >>> 15), P2);
    h = Math.imul(h ^ (h >>> 13), P3);
    return (h ^ (h >>> 16)) >>> 0;
  }

  private stripe(b: Uint8Array, p: number): void {
    this.v1 = Math.imul(rotl((this.v1 + Math.imul(u32at(b, p), P2)) | 0, 13), P1);
    this.v2 = Math.imul(rotl((this.v2 + Math.imul(u32at(b, p + 4), P2)) | 0, 13), P1);
    this.v3 = Math.imul(rotl((this.v3 + Math.imul(u32at(b, p + 8), P2)) | 0, 13), P1);
    this.v4 = Math.imul(rotl((this.v4 + Math.imul(u32at(b, p + 12), P2)) | 0, 13), P1);
  }
}

/** xxHash32 of `b[start..end)`. */
export function xxh32(b: Uint8Array, start = 0, end = b.length, seed = 0): number {
  return new Xxh32(seed).update(b, start, end).digest();
}

/**
 * Decompress one LZ4 block `src[start..end)` into `out` at `op`, where
 * `out[0..op)` is the history matches may reach back into (the previous 64
 * KiB for linked blocks, nothing for independent ones). Returns the new end
 * of output, or a negative number when the block is malformed (-1) or would
 * overflow `out` (-2).
 */
export function lz4DecompressBlock(src: Uint8Array, start: number, end: number, out: Uint8Array, op: number): number {
  let ip = start;
  const outEnd = out.length;
  while (ip < end) {
    const token = src[ip++];
    let lit = token >>> 4;
    if (lit === 15) {
      let b: number;
      do {
        if (ip >= end) return -1;
        b = src[ip++];
        lit += b;
      } while (b === 255);
    }
    if (lit > 0) {
      if (ip + lit > end) return -1;
      if (op + lit > outEnd) return -2;
      out.set(src.subarray(ip, ip + lit), op);
      ip += lit;
      op += lit;
    }
    if (ip === end) return op; // the last sequence has literals only
    if (ip + 2 > end) return -1;
    const offset = src[ip] | (src[ip + 1] << 8);
    ip += 2;
    if (offset === 0 || offset > op) return -1;
    let len = (token & 15) + 4;
    if ((token & 15) === 15) {
      let b: number;
      do {
        if (ip >= end) return -1;
        b = src[ip++];
        len += b;
      } while (b === 255);
    }
    if (op + len > outEnd) return -2;
    let from = op - offset;
    if (offset >= len) {
      out.copyWithin(op, from, from + len);
      op += len;
    } else {
      for (let k = 0; k < len; k++) out[op++] = out[from++]; // overlapping: a run
    }
  }
  return -1; // an empty block, or one ending right after a match
}

const FRAME_MAGIC = 0x184d2204;
const WINDOW = 64 * 1024;
const BLOCK_MAX = [0, 0, 0, 0, 64 * 1024, 256 * 1024, 1024 * 1024, 4 * 1024 * 1024];

// Frame states.
const F_MAGIC = 0;
const F_DESC = 1;
const F_OPT = 2;
const F_BSIZE = 3;
const F_BDATA = 4;
const F_BSUM = 5;
const F_CSUM = 6;
const F_DONE = 7;

/**
 * Streaming decoder of one LZ4 frame. Errors are `RdbError`s whose offset is
 * the absolute input offset (`base` + bytes pushed) of the faulty field.
 *
 * @example
 * ```ts
 * import { Lz4FrameDecoder } from "./lz4.ts";
 * // An empty frame: magic, FLG 0x60 (v1, independent blocks), BD 0x40 (64 KiB), HC, end mark.
 * const frame = new Uint8Array([0x04, 0x22, 0x4d, 0x18, 0x60, 0x40, 0x82, 0, 0, 0, 0]);
 * const dec = new Lz4FrameDecoder(0, (bytes) => console.log(bytes.length));
 * dec.push(frame, 0, frame.length);
 * console.log(dec.done); // true
 * ```
 */
export class Lz4FrameDecoder {
  private st = F_MAGIC;
  private readonly emit: (bytes: Uint8Array) => void;
  /** Absolute input offset of the next byte. */
  private at: number;
  private readonly tok = new Uint8Array(16);
  private tokHave = 0;
  private need = 4;

  private independent = true;
  private blockSum = false;
  private contentSum = false;
  private contentSize = -1;
  private blockMax = 0;
  private descLen = 0;
  private readonly desc = new Uint8Array(11);

  private blockLen = 0;
  private blockRaw = false;
  private blockAt = 0;
  private blockBuf: Uint8Array | null = null;
  private blockHave = 0;
  private block: Uint8Array = new Uint8Array(0);
  private blockStart = 0;
  /** History window + the block being decoded (linked blocks keep up to 64 KiB of history). */
  private out: Uint8Array | null = null;
  private hist = 0;
  private content: Xxh32 | null = null;
  private produced = 0;

  constructor(base: number, emit: (bytes: Uint8Array) => void) {
    this.at = base;
    this.emit = emit;
  }

  /** True once the end mark (and content checksum, if any) was consumed. */
  get done(): boolean {
    return this.st === F_DONE;
  }

  /** Absolute input offset of the next byte the decoder expects. */
  get offset(): number {
    return this.at;
  }

  /** Absolute input offset where the block being decoded starts (for errors found downstream). */
  get blockOffset(): number {
    return this.blockAt;
  }

  /**
   * Consume `chunk[start..end)`; returns how many bytes belong to the frame
   * (fewer than offered once the frame is done).
   */
  push(chunk: Uint8Array, start: number, end: number): number {
    let p = start;
    while (p < end && this.st !== F_DONE) {
      if (this.st === F_BDATA) {
        p = this.blockData(chunk, p, end);
        continue;
      }
      const k = Math.min(this.need - this.tokHave, end - p);
      this.tok.set(chunk.subarray(p, p + k), this.tokHave);
      this.tokHave += k;
      p += k;
      this.at += k;
      if (this.tokHave < this.need) break;
      this.tokHave = 0;
      this.field();
    }
    return p - start;
  }

  private corrupt(what: string, at: number): RdbError {
    return new RdbError("CORRUPT", `LZ4 frame: ${what}`, at);
  }

  /** A complete fixed-size field sits in `tok[0..need)`, ending at `this.at`. */
  private field(): void {
    const t = this.tok, at = this.at - this.need;
    switch (this.st) {
      case F_MAGIC: {
        const magic = u32at(t, 0) >>> 0;
        if (magic !== FRAME_MAGIC) throw this.corrupt(`bad magic 0x${magic.toString(16)}`, at);
        this.st = F_DESC;
        this.need = 2;
        return;
      }
      case F_DESC: {
        const flg = t[0], bd = t[1];
        if (flg >> 6 !== 1) throw this.corrupt(`unsupported frame version ${flg >> 6}`, at);
        if (flg & 0x02 || bd & 0x8f) throw this.corrupt("reserved descriptor bits are set", at);
        if (flg & 0x01) {
          throw new RdbError("UNSUPPORTED_VERSION", "LZ4 frame needs a dictionary (DictID): not supported", at);
        }
        const max = BLOCK_MAX[(bd >> 4) & 7];
        if (max === 0) throw this.corrupt(`invalid block maximum size id ${(bd >> 4) & 7}`, at + 1);
        this.independent = (flg & 0x20) !== 0;
        this.blockSum = (flg & 0x10) !== 0;
        this.contentSum = (flg & 0x04) !== 0;
        this.blockMax = max;
        this.desc[0] = flg;
        this.desc[1] = bd;
        this.descLen = 2;
        this.st = F_OPT;
        this.need = (flg & 0x08 ? 8 : 0) + 1; // content size, then the header checksum
        return;
      }
      case F_OPT: {
        const n = this.need - 1;
        this.desc.set(t.subarray(0, n), 2);
        this.descLen = 2 + n;
        if (n === 8) {
          const lo = u32at(t, 0) >>> 0, hi = u32at(t, 4) >>> 0;
          this.contentSize = hi * 4294967296 + lo;
        }
        const hc = (xxh32(this.desc, 0, this.descLen) >>> 8) & 0xff;
        if (hc !== t[n]) {
          throw new RdbError("CHECKSUM", `LZ4 frame header checksum ${t[n]}, computed ${hc}`, at + n);
        }
        if (this.contentSum) this.content = new Xxh32();
        this.st = F_BSIZE;
        this.need = 4;
        return;
      }
      case F_BSIZE: {
        const v = u32at(t, 0) >>> 0;
        if (v === 0) {
          this.endOfBlocks(at);
          return;
        }
        this.blockRaw = v >= 0x80000000;
        this.blockLen = v & 0x7fffffff;
        if (this.blockLen > this.blockMax) {
          throw this.corrupt(`block of ${this.blockLen} bytes exceeds the frame's maximum ${this.blockMax}`, at);
        }
        this.blockAt = this.at;
        this.blockHave = 0;
        this.st = F_BDATA;
        return;
      }
      case F_BSUM: {
        const want = u32at(t, 0) >>> 0;
        const got = xxh32(this.block, this.blockStart, this.blockStart + this.blockLen);
        if (want !== got) throw new RdbError("CHECKSUM", "LZ4 block checksum mismatch", at);
        this.decodeBlock();
        return;
      }
      case F_CSUM: {
        const want = u32at(t, 0) >>> 0;
        const got = this.content!.digest();
        if (want !== got) throw new RdbError("CHECKSUM", "LZ4 content checksum mismatch", at);
        this.st = F_DONE;
        return;
      }
    }
  }

  /** Gathers a block's bytes (a view when the whole block is inside the chunk). */
  private blockData(chunk: Uint8Array, p: number, end: number): number {
    if (this.blockHave === 0 && end - p >= this.blockLen) {
      this.block = chunk;
      this.blockStart = p;
      p += this.blockLen;
      this.at += this.blockLen;
    } else {
      // A block is at most the frame's declared maximum (≤ 4 MiB), checked with its size.
      if (this.blockBuf === null || this.blockBuf.length < this.blockLen) {
        const size = Math.min(this.blockMax, Math.max(this.blockLen, 64 * 1024));
        const grown = new Uint8Array(size);
        if (this.blockBuf !== null) grown.set(this.blockBuf.subarray(0, this.blockHave));
        this.blockBuf = grown;
      }
      const k = Math.min(this.blockLen - this.blockHave, end - p);
      this.blockBuf.set(chunk.subarray(p, p + k), this.blockHave);
      this.blockHave += k;
      p += k;
      this.at += k;
      if (this.blockHave < this.blockLen) return p;
      this.block = this.blockBuf;
      this.blockStart = 0;
    }
    if (this.blockSum) {
      this.st = F_BSUM;
      this.need = 4;
      // The block (possibly a view into this chunk) must be checked before the chunk is gone.
      if (this.block !== this.blockBuf) this.keepBlock();
    } else {
      this.decodeBlock();
    }
    return p;
  }

  /** Copies a block that is a view into the caller's chunk (its checksum is still to come). */
  private keepBlock(): void {
    if (this.blockBuf === null || this.blockBuf.length < this.blockLen) {
      this.blockBuf = new Uint8Array(Math.min(this.blockMax, Math.max(this.blockLen, 64 * 1024)));
    }
    this.blockBuf.set(this.block.subarray(this.blockStart, this.blockStart + this.blockLen));
    this.block = this.blockBuf;
    this.blockStart = 0;
  }

  private decodeBlock(): void {
    const src = this.block, s = this.blockStart, e = s + this.blockLen;
    if (this.out === null) this.out = new Uint8Array((this.independent ? 0 : WINDOW) + this.blockMax);
    const out = this.out;
    const from = this.hist;
    let to: number;
    if (this.blockRaw) {
      out.set(src.subarray(s, e), from);
      to = from + this.blockLen;
    } else {
      // At most blockMax bytes per block, whatever room the history leaves.
      to = lz4DecompressBlock(src, s, e, out.subarray(0, from + this.blockMax), from);
      if (to === -2) throw this.corrupt(`block decompresses past the ${this.blockMax}-byte maximum`, this.blockAt);
      if (to < 0) throw this.corrupt("malformed compressed block", this.blockAt);
    }
    this.produced += to - from;
    if (this.contentSize >= 0 && this.produced > this.contentSize) {
      throw this.corrupt(`more than the declared ${this.contentSize} content bytes`, this.blockAt);
    }
    this.content?.update(out, from, to);
    this.st = F_BSIZE;
    this.need = 4;
    if (to > from) this.emit(out.subarray(from, to));
    if (!this.independent) {
      // Keep the last 64 KiB as the history of the next block.
      const keep = Math.min(WINDOW, to);
      out.copyWithin(0, to - keep, to);
      this.hist = keep;
    }
  }

  private endOfBlocks(at: number): void {
    if (this.contentSize >= 0 && this.produced !== this.contentSize) {
      throw this.corrupt(`${this.produced} content bytes, the header declared ${this.contentSize}`, at);
    }
    this.out = null;
    this.blockBuf = null;
    if (this.contentSum) {
      this.st = F_CSUM;
      this.need = 4;
    } else {
      this.st = F_DONE;
    }
  }
}

/** What the 8-byte `VKCS` envelope of a Valkey 9.2 compressed stream says. */
export interface VkcsEnvelope {
  version: number;
  codec: number;
  flags: number;
  kind: number;
}

/**
 * Checks a Valkey `VKCS` envelope (`"VKCS"`, version 1, codec 1 = LZ4, flags
 * bit 0 = codec checksum, stream kind 0 = RDB), as Valkey's reader does:
 * unknown versions, codecs, flag bits and stream kinds are refused.
 */
export function parseVkcsEnvelope(b: Uint8Array, at: number): VkcsEnvelope {
  const env = { version: b[at + 4], codec: b[at + 5], flags: b[at + 6], kind: b[at + 7] };
  if (env.version !== 1) {
    throw new RdbError("UNSUPPORTED_VERSION", `VKCS compressed stream of envelope version ${env.version}`, 4);
  }
  if (env.codec !== 1) {
    throw new RdbError("UNSUPPORTED_VERSION", `VKCS compressed stream with codec ${env.codec} (only 1 = LZ4)`, 5);
  }
  if (env.flags & 0xfe) throw new RdbError("UNSUPPORTED_VERSION", `VKCS envelope flags 0x${env.flags.toString(16)}`, 6);
  if (env.kind !== 0) {
    throw new RdbError("UNSUPPORTED_VERSION", `VKCS stream kind ${env.kind} is not an RDB (0)`, 7);
  }
  return env;
}
