/**
 * Hand-built RDBs for the formats no fixture of ours was written by a real
 * server: Redis 8.6–8.10 (RDB 13–15: key metadata, streams 26/27, arrays,
 * hash templates), Valkey 9 records (slot imports, `slot-info` AUX between
 * keys) and old big-endian expiries. Each is built from the published
 * layouts (see /tmp/research/rdb-13-15.md in the work notes, and the sources
 * named in src/rdb/constants.ts), with the content a decoder must report.
 * Used by formats_test.ts and as fuzz corpus.
 */

import { Crc64, xxh32 } from "../../src/rdb/mod.ts";
import { type Model, Writer } from "./_helpers.ts";

const te = new TextEncoder();

/** A listpack of short strings (< 64 bytes) and integers (7-bit, else int64). */
export function listpack(entries: (string | number)[]): Uint8Array {
  const body: number[] = [];
  for (const e of entries) {
    if (typeof e === "number") {
      if (e >= 0 && e < 128) body.push(e, 1);
      else {
        const v = BigInt(e);
        body.push(0xf4);
        for (let i = 0n; i < 8n; i++) body.push(Number((v >> (8n * i)) & 255n));
        body.push(9);
      }
    } else {
      const b = te.encode(e);
      if (b.length >= 64) throw new Error("listpack(): only strings below 64 bytes");
      body.push(0x80 | b.length, ...b, 1 + b.length);
    }
  }
  const total = 6 + body.length + 1;
  return new Uint8Array([
    total & 255,
    (total >> 8) & 255,
    (total >> 16) & 255,
    total >>> 24,
    entries.length & 255,
    entries.length >> 8,
    ...body,
    0xff,
  ]);
}

/** The 4 raw (little-endian) bytes of a key-metadata class spec: 4-char name, 5-bit version, 3-bit flags. */
export function keyMetaSpec(name: string, version: number, flags: number): number[] {
  const cs = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-";
  let v = 0;
  for (const c of name) v = v * 64 + cs.indexOf(c);
  v = ((v * 32 + version) * 8 + flags) >>> 0;
  return [v & 255, (v >>> 8) & 255, (v >>> 16) & 255, v >>> 24];
}

/** 16 raw bytes of a stream id (ms, seq big-endian). */
function streamId(ms: number, seq: number): number[] {
  const out: number[] = [];
  for (const n of [ms, seq]) {
    const v = BigInt(n);
    for (let i = 7n; i >= 0n; i--) out.push(Number((v >> (8n * i)) & 255n));
  }
  return out;
}

function f64le(v: number): number[] {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setFloat64(0, v, true);
  return [...b];
}

/** A 64-bit RDB length (0x81 + big-endian u64), as Redis writes ids and counters ≥ 2^32. */
function len64(n: bigint): number[] {
  const out = [0x81];
  for (let i = 7n; i >= 0n; i--) out.push(Number((n >> (8n * i)) & 255n));
  return out;
}

/** A stream value of type 26 (IDMP trailer) or 27 (+ NACKed ids), with one group, consumer and producer. */
function stream(w: Writer, type: 26 | 27): Writer {
  const t = 1700000000000;
  w.len(1).str(new Uint8Array(streamId(t, 0))).str(listpack([1, 0, 1, "f", 0, 0, 1, "v", 2]));
  // length, last id, first id (64-bit lengths: ms > 2^32), max deleted id, entries added
  w.len(1).raw(...len64(BigInt(t))).len(0).raw(...len64(BigInt(t))).len(0).len(0).len(0).len(1);
  w.len(1).str("grp").raw(...len64(BigInt(t))).len(0).len(1); // group: name, last id, entries read
  w.len(2).raw(...streamId(t, 0)).i64(t).len(1).raw(...streamId(t, 1)).i64(t).len(3); // global PEL of 2
  w.len(1).str("alice").i64(t).i64(t + 5).len(1).raw(...streamId(t, 0)); // consumer owning one
  if (type === 27) w.len(1).raw(...streamId(t, 1)); // the other is NACKed
  w.len(100).len(1000); // IDMP duration, max entries
  w.len(2).str("producer-1").len(1).str("iid-1").raw(...len64(BigInt(t))).len(0).str("producer-2").len(0);
  w.len(7).raw(...len64(2n ** 63n)); // iids added, iids duplicates
  return w;
}

/** What the synthetic files hold, and their bytes. */
export interface Synthetic {
  name: string;
  bytes: Uint8Array;
  model: Model;
  /** Extra summary fields to check. */
  keyMeta?: Record<string, number>;
  placeholders?: Record<string, number>;
  hashTemplates?: number;
}

const EXP = 4102444800123;

/** REDIS0013 (Redis 8.6): key metadata before type bytes, stream type 26. */
export function rdb13(): Synthetic {
  const w = new Writer().text("REDIS0013").raw(250).str("redis-ver").str("8.6.0");
  w.raw(254).len(0).raw(251).len(3).len(1);
  // TTL, IDLE, then two metadata classes: one with ALLOW_IGNORE, one without, then the type.
  w.raw(252).i64(EXP).raw(248).len(12).raw(243).len(2)
    .raw(...keyMetaSpec("KMT1", 1, 1)).len(2).len(7).len(5).str("meta").len(0)
    .raw(...keyMetaSpec("ab_-", 31, 0)).len(4).raw(...f64le(1.5)).len(1).raw(...len64(2n ** 64n - 1n)).len(0)
    .raw(0).str("meta:string").str("value");
  w.raw(243).len(1).raw(...keyMetaSpec("KMT1", 1, 1)).len(3).raw(0, 0, 0x80, 0x3f).len(0)
    .raw(4).str("meta:hash").len(1).str("f").str("v");
  stream(w.raw(26).str("stream:26"), 26);
  w.raw(255);
  return {
    name: "redis-8.6-rdb13",
    bytes: w.bytes(),
    model: {
      0: {
        "meta:string": { type: "string", value: "value", expire_at_ms: EXP },
        "meta:hash": { type: "hash", value: { f: "v" } },
        "stream:26": { type: "stream" },
      },
    },
    keyMeta: { "KMT1/v1": 2, "ab_-/v31": 1 },
    placeholders: { stream: 1 },
  };
}

/** REDIS0014 (Redis 8.8): stream type 27, array type 28. */
export function rdb14(): Synthetic {
  const w = new Writer().text("REDIS0014").raw(250).str("redis-ver").str("8.8.0").raw(254).len(2);
  stream(w.raw(27).str("stream:27"), 27);
  // An array of 4 elements with an insert index: a string, an int64, a double, a small string.
  w.raw(252).i64(EXP).raw(28).str("array").len(4).len(1).raw(...len64(2n ** 40n))
    .len(0).len(0).str("hello world")
    .len(1).len(1).i64(-42)
    .len(2).len(2).raw(...f64le(2.5))
    .raw(...len64(2n ** 63n)).len(3).str("abcdefg");
  w.raw(0).str("after").str("x").raw(255);
  return {
    name: "redis-8.8-rdb14",
    bytes: w.bytes(),
    model: {
      2: {
        "stream:27": { type: "stream" },
        array: { type: "array", expire_at_ms: EXP },
        after: { type: "string", value: "x" },
      },
    },
    placeholders: { stream: 1, array: 1 },
  };
}

/** REDIS0015 (Redis 8.10): hash-template records and the four template hash types. */
export function rdb15(): Synthetic {
  const w = new Writer().text("REDIS0015").raw(250).str("redis-ver").str("8.10.0");
  // Template records (before the first SELECTDB): fields strictly ascending by length, then bytes.
  w.raw(242).len(0).len(3).str("a").str("z").str("bb");
  w.raw(242).len(5).len(2).str("field1").str("field2");
  w.raw(254).len(0).raw(251).len(5).len(1);
  // Type 30 (LP_REF), bytes from Redis's hash-templates.tcl: template 5, values "1", "2".
  w.raw(30).str("k1").raw(0x0d, 0x0d, 0, 0, 0, 0x03, 0, 0x05, 0x01, 0x01, 0x01, 0x02, 0x01, 0xff);
  // Type 32 (ARRAY_REF), as in the tcl test: template 5, values INT8 1, INT8 2.
  w.raw(252).i64(EXP).raw(32).str("k2").raw(0x05, 0xc0, 0x01, 0xc0, 0x02);
  w.raw(30).str("k3").str(listpack([0, "1", "22", "333"]));
  // Type 29 (self-contained, names as a listpack), as DUMP writes it; the values' id is the writer's.
  w.raw(29).str("k4").len(0).str(listpack([7, "x", "yy"])).str(listpack([9, "v7", "vx", "vyy"]));
  // Type 31 (self-contained, names one by one).
  w.raw(31).str("k5").len(1).len(2).str("n1").str("n22").str("1").raw(0xc1, 0x39, 0x30);
  w.raw(255);
  return {
    name: "redis-8.10-rdb15",
    bytes: w.bytes(),
    model: {
      0: {
        k1: { type: "hash", value: { field1: "1", field2: "2" } },
        k2: { type: "hash", value: { field1: "1", field2: "2" }, expire_at_ms: EXP },
        k3: { type: "hash", value: { a: "1", z: "22", bb: "333" } },
        k4: { type: "hash", value: { x: "vx", "7": "v7", yy: "vyy" } },
        k5: { type: "hash", value: { n1: "1", n22: "12345" } },
      },
    },
    hashTemplates: 2,
  };
}

/** VALKEY080 (Valkey 9.0/9.1): a slot-import record, `slot-info` AUX fields between keys, HASH_2. */
export function valkey80(version = 80): Synthetic {
  const w = new Writer().text(`VALKEY0${version}`).raw(250).str("valkey-ver").str("9.1.0");
  w.raw(243).str("0123456789012345678901234567890123456789").len(2).len(0).len(100).len(200).len(16383);
  w.raw(254).len(0).raw(251).len(2).len(1);
  w.raw(250).str("slot-info").str("866,1,0,0").raw(0).str("{a}s").str("1");
  w.raw(250).str("slot-info").str("15495,1,1,1")
    .raw(252).i64(EXP).raw(22).str("{b}h").len(2).str("f1").str("v1").i64(-1).str("f2").str("v2").i64(EXP + 1);
  w.raw(255);
  return {
    name: `valkey-rdb${version}`,
    bytes: w.bytes(),
    model: {
      0: {
        "{a}s": { type: "string", value: "1" },
        "{b}h": { type: "hash", value: { f1: "v1", f2: "v2" }, expire_at_ms: EXP, field_expire_at_ms: { f2: EXP + 1 } },
      },
    },
  };
}

/** REDIS0012 of a Redis 7.4 release candidate: hashes with field TTLs as types 22 and 23 (absolute TTLs). */
export function redis74rc(): Synthetic {
  const w = new Writer().text("REDIS0012").raw(254).len(0);
  w.raw(22).str("h22").len(2).len(0).str("plain").str("1").len(EXP).str("ttl").str("2");
  w.raw(23).str("h23").str(listpack(["a", "1", 0, "b", "2", EXP + 5]));
  w.raw(255);
  return {
    name: "redis-7.4rc-rdb12",
    bytes: w.bytes(),
    model: {
      0: {
        h22: { type: "hash", value: { plain: "1", ttl: "2" }, field_expire_at_ms: { ttl: EXP } },
        h23: { type: "hash", value: { a: "1", b: "2" }, field_expire_at_ms: { b: EXP + 5 } },
      },
    },
  };
}

/** REDIS0006 written on a big-endian host: the millisecond expiry is byte-swapped. */
export function bigEndianExpiry(): Synthetic {
  const w = new Writer().text("REDIS0006").raw(254).len(0);
  const be: number[] = [];
  const v = BigInt(EXP);
  for (let i = 7n; i >= 0n; i--) be.push(Number((v >> (8n * i)) & 255n));
  w.raw(252, ...be).raw(0).str("be").str("1");
  w.raw(252).i64(EXP).raw(0).str("le").str("2").raw(255);
  return {
    name: "redis-be-expiry-rdb6",
    bytes: w.bytes(),
    model: {
      0: {
        be: { type: "string", value: "1", expire_at_ms: EXP },
        le: { type: "string", value: "2", expire_at_ms: EXP },
      },
    },
  };
}

/**
 * The plaintext of the VKCS test streams: a VALKEY081 RDB with a 150 000-byte
 * string of a repeated pattern (three 64 KiB LZ4 blocks), a hash and a TTL.
 */
export function envelopePlain(): Uint8Array {
  const big = "0123456789abcdef".repeat(9375);
  const w = new Writer().text("VALKEY081").raw(250).str("valkey-ver").str("9.2.0").raw(254).len(0);
  w.raw(0).str("big").str(big).raw(252).i64(EXP).raw(4).str("h").len(2).str("a").str("1").str("b").str("2");
  w.raw(255);
  return w.bytes();
}

/** Every synthetic file. */
export function allSynthetic(): Synthetic[] {
  return [rdb13(), rdb14(), rdb15(), valkey80(80), valkey80(81), redis74rc(), bigEndianExpiry()];
}

/** Appends the CRC-64 of `body` (for hand-patched files). */
export function withCrc(body: Uint8Array): Uint8Array {
  const c = new Crc64();
  c.update(body);
  const out = new Uint8Array(body.length + 8);
  out.set(body);
  const v = c.value();
  for (let i = 0; i < 8; i++) out[body.length + i] = Number((v >> BigInt(8 * i)) & 0xffn);
  return out;
}

/** Bytes of a base64 text. */
export function fromB64(s: string): Uint8Array {
  const bin = atob(s);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/** LZ4 frames of envelopePlain() made with the lz4 1.9.4 command line tool. */
export const FRAMES: [name: string, base64: string][] = [
  // Valkey's settings: independent 64 KiB blocks, block checksums, no content checksum (lz4 -B4 -BX --no-frame-crc)
  [
    "a",
    "BCJNGHBArUIBAAD/KFZBTEtFWTA4MfoKdmFsa2V5LXZlcgU5LjIuMP4AAANiaWeAAAJJ8DAxMjM0NTY3ODlhYmNkZWYQAP//////" +
    "////////////////////////////////////////////////////////////////////////////////////////////////////" +
    "////////////////////////////////////////////////////////////////////////////////////////////////////" +
    "////////////////////////////////////////////////////////////////////////////////////////////////////" +
    "//////////////////////////////////+xUDQ1Njc4CzGrUxsBAAD/ATlhYmNkZWYwMTIzNDU2NzgQAP//////////////////" +
    "////////////////////////////////////////////////////////////////////////////////////////////////////" +
    "////////////////////////////////////////////////////////////////////////////////////////////////////" +
    "////////////////////////////////////////////////////////////////////////////////////////////////////" +
    "///////////////////////YUDQ1Njc4I1enrX8AAAD/ATlhYmNkZWYwMTIzNDU2NzgQAP//////////////////////////////" +
    "////////////////////////////////////////////////////////////////////PvAP/HvYwyy7AwAABAFoAgFhATEBYgEy" +
    "/zM/lo/G1TaXXXX+bwAAAAA=",
  ],
  // linked 64 KiB blocks, content size and content checksum (lz4 -B4 -BD --content-size)
  [
    "b",
    "BCJNGExANUoCAAAAAAD+QgEAAP8oVkFMS0VZMDgx+gp2YWxrZXktdmVyBTkuMi4w/gAAA2JpZ4AAAknwMDEyMzQ1Njc4OWFiY2Rl" +
    "ZhAA////////////////////////////////////////////////////////////////////////////////////////////////" +
    "////////////////////////////////////////////////////////////////////////////////////////////////////" +
    "////////////////////////////////////////////////////////////////////////////////////////////////////" +
    "/////////////////////////////////////////////7FQNDU2NzgKAQAAD9D/////////////////////////////////////" +
    "////////////////////////////////////////////////////////////////////////////////////////////////////" +
    "////////////////////////////////////////////////////////////////////////////////////////////////////" +
    "////////////////////////////////////////////////////////////////////////////////////////////////////" +
    "/////+hQNDU2Nzh/AAAA/wE5YWJjZGVmMDEyMzQ1Njc4EAD/////////////////////////////////////////////////////" +
    "/////////////////////////////////////////////z7wD/x72MMsuwMAAAQBaAIBYQExAWIBMv8zP5aPxtU2lwAAAAD8NVUC",
  ],
  // linked 256 KiB blocks, block and content checksums, content size (lz4 -B5 -BD -BX --content-size)
  [
    "c",
    "BCJNGHxQNUoCAAAAAACLqAIAAP8oVkFMS0VZMDgx+gp2YWxrZXktdmVyBTkuMi4w/gAAA2JpZ4AAAknwMDEyMzQ1Njc4OWFiY2Rl" +
    "ZhAA////////////////////////////////////////////////////////////////////////////////////////////////" +
    "////////////////////////////////////////////////////////////////////////////////////////////////////" +
    "////////////////////////////////////////////////////////////////////////////////////////////////////" +
    "////////////////////////////////////////////////////////////////////////////////////////////////////" +
    "////////////////////////////////////////////////////////////////////////////////////////////////////" +
    "////////////////////////////////////////////////////////////////////////////////////////////////////" +
    "////////////////////////////////////////////////////////////////////////////////////////////////////" +
    "////////////////////////////////////////////////////////////////////////////////////////GfAP/HvYwyy7" +
    "AwAABAFoAgFhATEBYgEy/zM/lo/G1TaXwd3mbAAAAAD8NVUC",
  ],
];

/** The VKCS envelope (version 1, LZ4, flags, kind 0 = RDB) followed by `frame`. */
export function vkcs(frame: Uint8Array, flags = 0, header = [1, 1, flags, 0]): Uint8Array {
  const out = new Uint8Array(8 + frame.length);
  out.set([0x56, 0x4b, 0x43, 0x53, ...header]);
  out.set(frame, 8);
  return out;
}

/** An LZ4 frame of raw (uncompressed) blocks, built by hand: independent 64 KiB blocks, optional checksums. */
export function rawFrame(
  plain: Uint8Array,
  opts: { blockSum?: boolean; contentSum?: boolean; blockSize?: number } = {},
): Uint8Array {
  const flg = 0x60 | (opts.blockSum ? 0x10 : 0) | (opts.contentSum ? 0x04 : 0);
  const desc = new Uint8Array([flg, 0x40]);
  const parts: number[] = [0x04, 0x22, 0x4d, 0x18, flg, 0x40, (xxh32(desc) >>> 8) & 0xff];
  const u32 = (v: number) => parts.push(v & 255, (v >>> 8) & 255, (v >>> 16) & 255, v >>> 24);
  const step = opts.blockSize ?? 65536;
  for (let at = 0; at < plain.length; at += step) {
    const block = plain.subarray(at, Math.min(at + step, plain.length));
    u32((block.length | 0x80000000) >>> 0);
    for (const b of block) parts.push(b);
    if (opts.blockSum) u32(xxh32(block));
  }
  u32(0);
  if (opts.contentSum) u32(xxh32(plain));
  return new Uint8Array(parts);
}

/** The VKCS streams of envelopePlain(): the lz4-tool frames and hand-built raw-block frames. */
export function vkcsStreams(): [string, Uint8Array][] {
  const plain = envelopePlain();
  const out: [string, Uint8Array][] = FRAMES.map((
    [name, b64],
  ) => [`vkcs-${name}`, vkcs(fromB64(b64), name === "b" ? 0 : 1)]);
  out.push(["vkcs-raw", vkcs(rawFrame(plain))]);
  out.push(["vkcs-raw-checksums", vkcs(rawFrame(plain, { blockSum: true, contentSum: true }), 1)]);
  return out;
}
