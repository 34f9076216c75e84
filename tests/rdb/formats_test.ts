/**
 * The formats no real server of ours could write: Redis 8.6–8.10 (RDB 13–15),
 * Valkey 9 records and Valkey 9.2's VKCS/LZ4 envelope, built by hand from the
 * published layouts (tests/rdb/_synthetic.ts), and the decoder's limits on
 * lengths and allocations.
 */

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { decodeRdb, lz4DecompressBlock, RdbDecoder, RdbError, type RdbErrorReason, xxh32 } from "../../src/rdb/mod.ts";
import { Store } from "../../src/_wasm/store.ts";
import { StoreLoader } from "../../src/replication/store_loader.ts";
import { assertMatchesExpected, decodeChunked, modelSink, rng, storeModel, Writer } from "./_helpers.ts";
import {
  allSynthetic,
  envelopePlain,
  FRAMES,
  fromB64,
  keyMetaSpec,
  listpack,
  rawFrame,
  rdb13,
  type Synthetic,
  valkey80,
  vkcs,
  withCrc,
} from "./_synthetic.ts";

const te = new TextEncoder();

function rejects(bytes: Uint8Array, reason: RdbErrorReason, offset?: number, message?: RegExp): RdbError {
  let err: unknown;
  try {
    decodeRdb(bytes, modelSink(true).sink);
  } catch (e) {
    err = e;
  }
  assert.ok(err instanceof RdbError, `expected RdbError ${reason}, got ${err}`);
  assert.equal(err.reason, reason, err.message);
  if (offset !== undefined) assert.equal(err.offset, offset, err.message);
  if (message) assert.match(err.message, message);
  assert.ok(err.offset >= 0 && err.offset <= bytes.length, `offset ${err.offset} inside ${bytes.length} bytes`);
  return err;
}

/** A file: header, then `body`, then EOF and CRC. */
function file(header: string, body: (w: Writer) => Writer): Uint8Array {
  return body(new Writer().text(header)).raw(255).bytes();
}

describe("Redis 8.6–8.10 and Valkey 9 files built from the published layouts", () => {
  for (const syn of allSynthetic()) {
    for (const full of [true, false]) {
      it(`${syn.name} (${full ? "full" : "placeholders"})`, () => {
        const { sink, model } = modelSink(full);
        const summary = decodeRdb(syn.bytes, sink);
        assertMatchesExpected(model, { databases: syn.model as never }, full, syn.name);
        assert.equal(summary.bytes, syn.bytes.length);
        assert.ok(summary.checksumVerified);
        assert.deepEqual(summary.keyMeta, syn.keyMeta ?? {});
        assert.deepEqual(summary.placeholders, placeholders(syn, full));
        assert.equal(summary.hashTemplates, syn.hashTemplates ?? 0);
      });
    }
    it(`${syn.name}: 1-byte and random chunks give the same events`, () => {
      const whole = modelSink(true);
      decodeRdb(syn.bytes, whole.sink);
      for (const seed of [0, 1, 2]) {
        const r = rng(seed);
        const m = modelSink(true);
        decodeChunked(syn.bytes, m.sink, seed === 0 ? () => 1 : () => 1 + Math.floor(r() * 7));
        assert.deepEqual(m.events, whole.events);
        assert.deepEqual(m.model, whole.model);
      }
    });
    it(`${syn.name}: loaded into a store`, () => {
      const store = new Store();
      try {
        decodeRdb(syn.bytes, new StoreLoader(store), { chunkSize: 3 });
        assertMatchesExpected(storeModel(store), { databases: syn.model as never }, true, syn.name);
      } finally {
        store.dispose();
      }
    });
  }

  it("type bytes of newer versions are refused in older files, naming type, version and offset", () => {
    const cases: [string, number, RegExp][] = [
      ["REDIS0012", 26, /type 26 in REDIS version 12: it first appears in RDB 13/],
      ["REDIS0013", 27, /type 27 in REDIS version 13: it first appears in RDB 14/],
      ["REDIS0013", 28, /type 28 .*RDB 14/],
      ["REDIS0014", 29, /type 29 in REDIS version 14: GCRA/],
      ["REDIS0014", 32, /type 32 .*RDB 15/],
      ["REDIS0015", 33, /type 33 in REDIS version 15: GCRA/],
      ["REDIS0015", 34, /type 34 in REDIS version 15$/],
      ["VALKEY081", 23, /type 23 in VALKEY version 81: Valkey 9.2's PATH_HASH/],
      ["VALKEY080", 26, /type 26 in VALKEY version 80: a Redis type number/],
    ];
    for (const [header, type, message] of cases) {
      const e = rejects(file(header, (w) => w.raw(type).str("k")), "UNKNOWN_TYPE", 9);
      assert.match(e.message.replace(/ \(RDB offset \d+\)$/, ""), message);
    }
  });

  it("opcodes 242 and 243 by magic and version", () => {
    rejects(file("REDIS0014", (w) => w.raw(242).len(0).len(1).str("f")), "UNKNOWN_OPCODE", 9, /need RDB 15/);
    rejects(file("REDIS0012", (w) => w.raw(243).len(0).raw(0)), "UNKNOWN_OPCODE", 9, /needs RDB 13/);
    rejects(file("VALKEY081", (w) => w.raw(242).text("*1\r\n$4\r\nPING\r\n")), "UNKNOWN_OPCODE", 9, /Valkey UPDATE/);
    rejects(file("VALKEY080", (w) => w.raw(242)), "UNKNOWN_OPCODE", 9);
    // Valkey's 243 is a stand-alone record (decoded in valkey80 above), Redis's a prefix of one key's type byte:
    // the Valkey framing read as Redis key metadata fails.
    const v = valkey80().bytes.slice();
    v.set(te.encode("REDIS0013"), 0);
    rejects(withCrc(v.subarray(0, v.length - 8)), "CORRUPT");
  });
});

function placeholders(syn: Synthetic, full: boolean): Record<string, number> {
  if (full) return syn.placeholders ?? {};
  const out: Record<string, number> = {};
  for (const db of Object.values(syn.model)) {
    for (const e of Object.values(db)) if (e.type !== "string") out[e.type] = (out[e.type] ?? 0) + 1;
  }
  return out;
}

describe("damaged Redis 8.6–8.10 values", () => {
  it("key metadata: class count, module opcodes, the byte after it", () => {
    const spec = keyMetaSpec("KMT1", 1, 1);
    rejects(file("REDIS0013", (w) => w.raw(243).len(8)), "CORRUPT", 10, /8 key metadata classes/);
    rejects(file("REDIS0013", (w) => w.raw(243).len(1).raw(...spec).len(6)), "CORRUPT", 15, /unknown module opcode 6/);
    rejects(file("REDIS0013", (w) => w.raw(243).len(1).raw(...spec).len(0).raw(252)), "UNKNOWN_TYPE", 16);
    rejects(file("REDIS0013", (w) => w.raw(243).len(0).raw(243)), "UNKNOWN_TYPE", 11);
    // No classes at all is accepted (the type byte follows at once).
    const ok = file("REDIS0013", (w) => w.raw(243).len(0).raw(0).str("k").str("v"));
    const { sink, model } = modelSink(true);
    decodeRdb(ok, sink);
    assert.deepEqual(model, { 0: { k: { type: "string", value: "v" } } });
  });

  it("arrays: empty, bad flag, bad tag, long small string, index 2^64-1", () => {
    const arr = (body: (w: Writer) => Writer) => file("REDIS0014", (w) => body(w.raw(28).str("a")));
    rejects(arr((w) => w.len(0)), "CORRUPT", 12, /empty array/);
    rejects(arr((w) => w.len(1).len(2)), "CORRUPT", 13, /insert-index flag 2/);
    rejects(arr((w) => w.len(1).len(0).len(0).len(4)), "CORRUPT", 15, /element tag 4/);
    rejects(arr((w) => w.len(1).len(0).len(0).len(3).str("12345678")), "CORRUPT", 16, /small string of 8/);
    rejects(arr((w) => w.len(1).len(0).raw(0x81, 255, 255, 255, 255, 255, 255, 255, 255)), "CORRUPT", 14);
  });

  it("hash templates: records and references are checked as Redis checks them", () => {
    const rec = (w: Writer) => w.raw(242).len(5).len(2).str("field1").str("field2");
    rejects(file("REDIS0015", (w) => rec(w).raw(242).len(5).len(1).str("x")), "CORRUPT", 27, /duplicate/);
    rejects(file("REDIS0015", (w) => w.raw(242).len(0).len(0)), "CORRUPT", 11, /zero fields/);
    rejects(
      file("REDIS0015", (w) => w.raw(242).len(0).len(2).str("bb").str("a")),
      "CORRUPT",
      15,
      /not strictly sorted/,
    );
    rejects(file("REDIS0015", (w) => w.raw(242).len(0).len(2).str("b").str("b")), "CORRUPT", 14, /not strictly sorted/);
    // References to a template the file does not define (the tcl test patches the id to 5).
    rejects(file("REDIS0015", (w) => w.raw(32).str("k").len(5)), "CORRUPT", 12, /invalid hash template id 5/);
    rejects(
      file("REDIS0015", (w) => w.raw(30).str("k").str(listpack([5, "1"]))),
      "CORRUPT",
      12,
      /invalid hash template id 5/,
    );
    // Values count must match the template's fields (+1 for the id).
    rejects(
      file("REDIS0015", (w) => rec(w).raw(30).str("k").str(listpack([5, "1"]))),
      "CORRUPT",
      undefined,
      /1 values for a template of 2 fields/,
    );
    rejects(
      file("REDIS0015", (w) => rec(w).raw(30).str("k").str(listpack(["5", "1", "2"]))),
      "CORRUPT",
      undefined,
      /not an integer/,
    );
    const selfContained = (fmt: number) => file("REDIS0015", (w) => w.raw(31).str("k").len(fmt));
    rejects(selfContained(2), "CORRUPT", 12, /unknown template fields format 2/);
    rejects(file("REDIS0015", (w) => w.raw(31).str("k").len(1).len(0)), "CORRUPT", 13, /zero fields/);
    rejects(
      file("REDIS0015", (w) => w.raw(29).str("k").len(0).str(listpack(["b", "a"]))),
      "CORRUPT",
      13,
      /not strictly sorted/,
    );
    // Templates only exist from RDB 15 on; a REF type in RDB 14 is unknown.
    rejects(file("REDIS0014", (w) => w.raw(30).str("k")), "UNKNOWN_TYPE", 9);
  });

  it("hash field TTLs out of range (Redis: expireAt > EB_EXPIRE_TIME_MAX; Valkey: below -1)", () => {
    rejects(file("REDIS0012", (w) => w.raw(24).str("h").i64(2 ** 48).len(1).len(5)), "CORRUPT", 21);
    rejects(file("VALKEY080", (w) => w.raw(22).str("h").len(1).str("f").str("v").i64(-2)), "CORRUPT", 17);
  });

  it("streams 26/27 cut anywhere are TRUNCATED, never misread", () => {
    const bytes = rdb13().bytes;
    for (let cut = 10; cut < bytes.length - 1; cut += 3) {
      const dec = new RdbDecoder(modelSink(true).sink);
      dec.push(bytes.subarray(0, cut));
      assert.throws(() => dec.finish(), (e) => e instanceof RdbError && e.reason === "TRUNCATED");
    }
  });
});

describe("lengths pointing past the input, and allocation", () => {
  it("with the input's size known, a string or count past the end is TRUNCATED at its length field", () => {
    rejects(file("REDIS0011", (w) => w.raw(0).str("k").raw(0x80, 0, 0, 0x10, 0)), "TRUNCATED", 12, /runs past the end/);
    rejects(
      file("REDIS0011", (w) => w.raw(1).str("k").raw(0x80, 0xff, 0xff, 0xff, 0xff)),
      "TRUNCATED",
      12,
      /cannot fit/,
    );
    // An LZF string whose compressed length runs past the end.
    rejects(file("REDIS0011", (w) => w.raw(0).str("k").raw(0xc3).len(5000).len(6000)), "TRUNCATED", 12);
  });

  it("an LZF string claiming more than its compressed bytes can hold fails before allocating", () => {
    const bytes = file(
      "REDIS0011",
      (w) => w.raw(0).str("k").raw(0xc3).len(3).raw(0x80, 0x20, 0, 0, 0).raw(0, 0x61, 0x61),
    );
    rejects(bytes, "CORRUPT", 12, /cannot hold 536870912 bytes/);
  });

  it("streaming (size unknown), a claimed 900 MB string allocates only what arrives", () => {
    const dec = new RdbDecoder(modelSink(true).sink);
    const head = new Writer().text("REDIS0011").raw(0).str("k").raw(0x80, 0x35, 0xa4, 0xe9, 0x00).bytes(false);
    const before = arrayBuffers();
    dec.push(head);
    for (let i = 0; i < 16; i++) dec.push(new Uint8Array(4096).fill(0x61));
    const grown = arrayBuffers() - before;
    assert.ok(grown < 64 << 20, `${grown} bytes of ArrayBuffers after 64 KiB of a 900 MB string`);
    assert.throws(() => dec.finish(), (e) => e instanceof RdbError && e.reason === "TRUNCATED");
  });

  it("a large string split in many chunks is still assembled exactly", () => {
    const big = new Uint8Array(300_000).map((_, i) => (i * 31) & 255);
    const bytes = new Writer().text("REDIS0011").raw(0).str("big").str(big).raw(255).bytes();
    let got: Uint8Array | null = null;
    const dec = new RdbDecoder({ onString: (_d, _k, v) => (got = v.slice()), onPlaceholder: () => {} });
    for (let i = 0; i < bytes.length; i += 777) dec.push(bytes.subarray(i, i + 777));
    dec.finish();
    assert.deepEqual(got, big);
  });
});

/** ArrayBuffer memory of the process, where the runtime reports it. */
function arrayBuffers(): number {
  const p = (globalThis as { process?: { memoryUsage?: () => { arrayBuffers?: number } } }).process;
  return p?.memoryUsage?.().arrayBuffers ?? 0;
}

describe("Valkey 9.2's VKCS envelope (LZ4-compressed RDB)", () => {
  const plain = envelopePlain();
  const expected = (() => {
    const m = modelSink(true);
    decodeRdb(plain, m.sink);
    return m;
  })();

  it("xxHash32 known values", () => {
    assert.equal(xxh32(new Uint8Array(0)), 0x02cc5d05);
    assert.equal(xxh32(te.encode("abc")), 0x32d153ff);
    assert.equal(xxh32(te.encode("Nobody inspects the spammish repetition")), 0xe2293b2f);
  });

  const streams: [string, Uint8Array][] = FRAMES.map(([name, b64]) => [name, vkcs(fromB64(b64), name === "b" ? 0 : 1)]);
  streams.push(["raw blocks", vkcs(rawFrame(plain))]);
  streams.push([
    "raw blocks, block and content checksums",
    vkcs(rawFrame(plain, { blockSum: true, contentSum: true }), 1),
  ]);
  for (const [name, bytes] of streams) {
    it(`frame ${name}: same content as the plain RDB, whole and in 1-byte / random chunks`, () => {
      const m = modelSink(true);
      const summary = decodeRdb(bytes, m.sink);
      assert.deepEqual(m.model, expected.model);
      assert.equal(summary.compression, "lz4");
      assert.equal(summary.magic, "VALKEY");
      assert.equal(summary.version, 81);
      assert.equal(summary.bytes, bytes.length);
      assert.ok(summary.checksumVerified);
      const one = modelSink(true);
      assert.equal(decodeChunked(bytes, one.sink, () => 1).consumed, bytes.length);
      assert.deepEqual(one.events, expected.events);
      const r = rng(bytes.length);
      const rand = modelSink(true);
      decodeChunked(bytes, rand.sink, () => 1 + Math.floor(r() * 300));
      assert.deepEqual(rand.model, expected.model);
    });
  }

  it("the bytes after the frame are the caller's", () => {
    const bytes = streams[0][1];
    const joined = new Uint8Array(bytes.length + 5);
    joined.set(bytes);
    const dec = new RdbDecoder(modelSink(false).sink);
    assert.equal(dec.push(joined), bytes.length);
    assert.ok(dec.done);
  });

  it("an envelope of another version, codec, flag or stream kind is refused", () => {
    const frame = fromB64(FRAMES[0][1]);
    rejects(vkcs(frame, 0, [2, 1, 0, 0]), "UNSUPPORTED_VERSION", 4, /envelope version 2/);
    rejects(vkcs(frame, 0, [1, 2, 0, 0]), "UNSUPPORTED_VERSION", 5, /codec 2/);
    rejects(vkcs(frame, 0, [1, 1, 2, 0]), "UNSUPPORTED_VERSION", 6);
    rejects(vkcs(frame, 0, [1, 1, 0, 1]), "UNSUPPORTED_VERSION", 7, /stream kind 1/);
  });

  it("damaged frames: checksums, sizes, dictionary, truncation", () => {
    const good = streams[0][1];
    const hc = good.slice();
    hc[14] ^= 1; // header checksum byte (magic 4 + FLG + BD after the 8-byte envelope)
    rejects(hc, "CHECKSUM", 14, /header checksum/);
    const body = good.slice();
    body[40] ^= 1; // inside the first block: its block checksum catches it
    rejects(body, "CHECKSUM", undefined, /block checksum/);
    const content = vkcs(rawFrame(plain, { contentSum: true }));
    content[content.length - 1] ^= 1;
    rejects(content, "CHECKSUM", content.length - 4, /content checksum/);
    const dict = vkcs(rawFrame(plain)).slice();
    dict[12] |= 1; // DictID flag (HC no longer matters: checked after)
    rejects(dict, "UNSUPPORTED_VERSION", 12, /dictionary/);
    const big = vkcs(rawFrame(plain)).slice();
    big.set([0x01, 0x00, 0x01, 0x80], 15); // a raw block of 65537 bytes in a 64 KiB frame
    rejects(big, "CORRUPT", 15, /exceeds the frame's maximum/);
    for (const cut of [9, 14, 15, 40, good.length - 5, good.length - 1]) {
      rejects(good.subarray(0, cut), "TRUNCATED", cut);
    }
  });

  it("errors of the RDB inside name the compressed block's offset", () => {
    const bad = plain.slice();
    bad[bad.length - 1] ^= 1; // the inner CRC
    const bytes = vkcs(rawFrame(bad));
    const e = rejects(bytes, "CHECKSUM");
    assert.match(e.message, /of the decompressed RDB/);
    // Plain text after the RDB's EOF inside the frame, and a frame ending before the EOF.
    const longer = new Uint8Array(plain.length + 3);
    longer.set(plain);
    rejects(vkcs(rawFrame(longer)), "CORRUPT", undefined, /after the RDB's end/);
    rejects(vkcs(rawFrame(plain.subarray(0, plain.length - 9))), "TRUNCATED", undefined, /ended before the RDB/);
  });

  it("LZ4 block decoding: literals, overlapping matches, malformed blocks", () => {
    // "abc" then a match of length 9 at offset 3 -> "abcabcabcabc"
    const block = new Uint8Array([0x35, 0x61, 0x62, 0x63, 0x03, 0x00, 0x00]);
    const out = new Uint8Array(12);
    assert.equal(lz4DecompressBlock(block, 0, block.length, out, 0), 12);
    assert.equal(new TextDecoder().decode(out), "abcabcabcabc");
    assert.equal(lz4DecompressBlock(new Uint8Array([0x10, 0x61, 0x05, 0x00]), 0, 4, new Uint8Array(20), 0), -1);
    assert.equal(lz4DecompressBlock(block, 0, block.length, new Uint8Array(8), 0), -2);
  });
});
