/** Decoder behaviour on synthetic RDBs and on damaged input. */

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Crc64, decodeRdb, RdbDecoder, RdbError, type RdbErrorReason } from "../../src/rdb/mod.ts";
import { conv, decodeChunked, modelSink, readFixture, rng, Writer } from "./_helpers.ts";

const te = new TextEncoder();

function rejects(bytes: Uint8Array, reason: RdbErrorReason, offset?: number): RdbError {
  let err: unknown;
  try {
    decodeRdb(bytes, modelSink(true).sink, { maxStringBytes: 1 << 20 });
  } catch (e) {
    err = e;
  }
  assert.ok(err instanceof RdbError, `expected RdbError ${reason}, got ${err}`);
  assert.equal(err.reason, reason, err.message);
  if (offset !== undefined) assert.equal(err.offset, offset, err.message);
  return err;
}

describe("synthetic RDBs", () => {
  it("reads AUX, SELECTDB, RESIZEDB, second and millisecond expiries, FREQ, IDLE, int-encoded strings", () => {
    const w = new Writer().text("REDIS0011")
      .raw(250).str("repl-id").str("0123456789abcdef0123456789abcdef01234567")
      .raw(250).str("repl-offset").raw(0xc2, 0x40, 0xe2, 0x01, 0x00) // INT32 123456
      .raw(254).len(3).raw(251).len(3).len(2)
      .raw(253, 0x80, 0x43, 0x6d, 0x38).raw(0).str("s").str("v") // EXPIRETIME 946684800 s
      .raw(252).i64(4102444800123).raw(249, 7).raw(0).str("m").raw(0xc0, 0x80) // INT8 -128
      .raw(248).len(1000).raw(0).raw(0xc1, 0x39, 0x30).raw(0xc1, 0xff, 0x7f) // int-encoded key 12345, value 32767
      .raw(255);
    const bytes = w.bytes();
    const aux: Record<string, string> = {};
    const { sink, model } = modelSink(true);
    const resize: number[] = [];
    sink.onAux = (n, t) => (aux[n] = t);
    sink.onResizeDb = (db, k, e) => resize.push(db, k, e);
    const summary = decodeRdb(bytes, sink);
    assert.equal(aux["repl-offset"], "123456");
    assert.equal(summary.aux["repl-id"].length, 40);
    assert.deepEqual(resize, [3, 3, 2]);
    assert.deepEqual(model, {
      3: {
        s: { type: "string", value: "v", expire_at_ms: 946684800000 },
        m: { type: "string", value: "-128", expire_at_ms: 4102444800123 },
        "12345": { type: "string", value: "32767" },
      },
    });
    assert.ok(summary.checksumVerified);
    assert.equal(summary.bytes, bytes.length);
  });

  it("old versions (< 5) have no checksum trailer", () => {
    const bytes = new Writer().text("REDIS0004").raw(0).str("k").str("v").raw(255).bytes(false);
    const joined = new Uint8Array([...bytes, 1, 2, 3]);
    const dec = new RdbDecoder(modelSink(false).sink);
    assert.equal(dec.push(joined), bytes.length);
    assert.ok(dec.done);
  });

  it("an LZF string split at every byte", () => {
    const value = "abcabcabcabcabcabcabcabcabcabcabcabc";
    // literal "abc", then a back reference of 33 bytes at distance 3: ctrl (7<<5), extra 33-2-7=24, offset 2
    const w = new Writer().text("REDIS0011").raw(0).str("k").raw(0xc3).len(7).len(value.length)
      .raw(2, 0x61, 0x62, 0x63, 7 << 5, 24, 2).raw(255);
    const bytes = w.bytes();
    const { sink, model } = modelSink(true);
    decodeChunked(bytes, sink, () => 1);
    assert.equal(model[0]["k"].value, value);
    const bad = new Writer().text("REDIS0011").raw(0).str("k").raw(0xc3).len(7).len(value.length + 1)
      .raw(2, 0x61, 0x62, 0x63, 7 << 5, 24, 2).raw(255).bytes();
    rejects(bad, "CORRUPT", 12);
  });

  it("a module value (type 7) is skipped through its opcodes and named", () => {
    const cs = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let id = 0n;
    for (const ch of "hellotype") id = (id << 6n) | BigInt(cs.indexOf(ch));
    id <<= 10n;
    const idBytes: number[] = [];
    for (let i = 7n; i >= 0n; i--) idBytes.push(Number((id >> (8n * i)) & 255n));
    const w = new Writer().text("REDIS0009").raw(7).str("mk").raw(0x81, ...idBytes)
      .raw(1, 0x81, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe) // SINT -2 as u64
      .raw(3, 0, 0, 0x80, 0x3f).raw(4, 0, 0, 0, 0, 0, 0, 0xf0, 0x3f).raw(5).str("payload").raw(0)
      .raw(0).str("after").str("x").raw(255);
    const { sink, model } = modelSink(true);
    const summary = decodeRdb(w.bytes(), sink);
    assert.equal(model[0]["mk"].type, "hellotype");
    assert.equal(model[0]["after"].value, "x");
    assert.deepEqual(summary.placeholders, { hellotype: 1 });
  });

  it("a large string arriving in small chunks is assembled once (no re-scan)", () => {
    const big = new Uint8Array(8 << 20).map((_, i) => i * 7);
    const head = new Writer().text("REDIS0011").raw(0).str("big").len(big.length).bytes(false);
    const tail = new Writer().raw(255).bytes(false);
    const all = new Uint8Array(head.length + big.length + tail.length);
    all.set(head);
    all.set(big, head.length);
    all.set(tail, head.length + big.length);
    const c = new Crc64();
    c.update(all);
    let got: Uint8Array | null = null;
    const dec = new RdbDecoder({ onString: (_db, _k, v) => (got = v.slice()), onPlaceholder: () => {} });
    // 8192 pushes into one 8 MB string: a decoder that re-scanned would be quadratic and time the test out.
    for (let i = 0; i < all.length; i += 1024) dec.push(all.subarray(i, i + 1024));
    dec.push(new Uint8Array(8)); // zero trailer: checksum not computed
    dec.finish();
    assert.deepEqual(got, big);
  });

  it("empty collections are skipped, as Redis does", () => {
    const bytes = new Writer().text("REDIS0011").raw(1).str("l").len(0).raw(4).str("h").len(0).raw(255).bytes();
    const { sink, model } = modelSink(true);
    const summary = decodeRdb(bytes, sink);
    assert.deepEqual(model, {});
    assert.equal(summary.emptyKeysSkipped, 2);
  });

  it("type 3 zset scores: text and the 253/254/255 specials", () => {
    const w = new Writer().text("REDIS0006").raw(3).str("z").len(4)
      .str("a").raw(3).text("1.5").str("b").raw(254).str("c").raw(255).str("d").raw(4).text("-0.0").raw(255);
    const { sink, model } = modelSink(true);
    decodeChunked(w.bytes(), sink, () => 1);
    assert.deepEqual(model[0]["z"].value, [["c", -Infinity], ["d", -0], ["a", 1.5], ["b", Infinity]]);
  });
});

describe("damaged input", () => {
  const bytes = readFixture("generated/redis-unstable-4f8cdc2a.rdb");

  it("bad magic", () => {
    rejects(te.encode("RADIS0011\xff"), "BAD_MAGIC", 0);
    rejects(te.encode("REDIS00x1\xff"), "BAD_MAGIC", 0);
  });

  it("unsupported versions name the version and its offset", () => {
    const e = rejects(te.encode("REDIS0016\xff"), "UNSUPPORTED_VERSION", 5);
    assert.match(e.message, /REDIS0016/);
    rejects(te.encode("REDIS0000\xff"), "UNSUPPORTED_VERSION", 5);
    rejects(te.encode("VALKEY079\xff"), "UNSUPPORTED_VERSION", 6);
    assert.match(rejects(te.encode("VALKEY082\xff"), "UNSUPPORTED_VERSION", 6).message, /VALKEY082/);
  });

  it("unknown type byte, with its offset", () => {
    const w = new Writer().text("REDIS0011").raw(0).str("k").str("v").raw(8).str("k2").raw(255);
    const e = rejects(w.bytes(), "UNKNOWN_TYPE", 14);
    assert.match(e.message, /type 8/);
    // Redis 7.4's HASH_METADATA (24) is not a Valkey type
    rejects(new Writer().text("VALKEY080").raw(24).str("k").raw(255).bytes(), "UNKNOWN_TYPE", 9);
    rejects(new Writer().text("REDIS0011").raw(200).bytes(), "UNKNOWN_TYPE", 9);
    rejects(new Writer().text("REDIS0011").raw(243).bytes(), "UNKNOWN_OPCODE", 9);
  });

  it("a truncated file fails with TRUNCATED at finish(), wherever it is cut", () => {
    const r = rng(11);
    const cuts = [0, 1, 8, 9, 10, bytes.length - 9, bytes.length - 8, bytes.length - 1];
    for (let i = 0; i < 60; i++) cuts.push(Math.floor(r() * bytes.length));
    for (const cut of cuts) {
      const dec = new RdbDecoder(modelSink(true).sink);
      assert.equal(dec.push(bytes.subarray(0, cut)), cut);
      assert.ok(!dec.done);
      assert.throws(() => dec.finish(), (e) => e instanceof RdbError && e.reason === "TRUNCATED" && e.offset === cut);
    }
  });

  it("a flipped byte gives a typed RdbError, never a generic one", () => {
    const r = rng(5);
    const reasons = new Set<string>();
    for (let i = 0; i < 400; i++) {
      const at = 9 + Math.floor(r() * (bytes.length - 9));
      const bad = bytes.slice();
      bad[at] ^= 1 << Math.floor(r() * 8);
      try {
        // A no-op sink: a flipped key byte may legitimately produce a duplicate key.
        const nop = () => {};
        decodeRdb(bad, {
          onString: nop,
          onPlaceholder: nop,
          onCollectionStart: nop,
          onListElement: nop,
          onSetMember: nop,
          onZsetMember: nop,
          onHashField: nop,
          onCollectionEnd: nop,
        }, { maxStringBytes: 1 << 20 });
        assert.fail(`flip at ${at} was not detected`);
      } catch (e) {
        assert.ok(e instanceof RdbError, `flip at ${at}: ${e}`);
        reasons.add(e.reason);
      }
    }
    assert.ok(reasons.has("CHECKSUM"));
  });

  it("a checksum mismatch names the trailer offset", () => {
    const bad = bytes.slice();
    bad[bad.length - 1] ^= 0xff;
    rejects(bad, "CHECKSUM", bytes.length - 8);
  });

  it("a length beyond 2^53 is CORRUPT; a huge string is TRUNCATED (known size) or TOO_LARGE (streaming)", () => {
    const w = new Writer().text("REDIS0011").raw(1).str("k").raw(0x81, 0x00, 0x40, 0, 0, 0, 0, 0, 0).raw(255);
    rejects(w.bytes(), "CORRUPT", 12);
    const w2 = new Writer().text("REDIS0011").raw(0).str("k").raw(0x80, 0x7f, 0, 0, 0).raw(255);
    rejects(w2.bytes(), "TRUNCATED", 12); // decodeRdb knows the input's size
    const dec = new RdbDecoder(modelSink(true).sink, { maxStringBytes: 1 << 20 });
    assert.throws(
      () => dec.push(w2.bytes()),
      (e) => e instanceof RdbError && e.reason === "TOO_LARGE" && e.offset === 12,
    );
  });

  it("errors are sticky and sink errors pass through unchanged", () => {
    const dec = new RdbDecoder(modelSink(false).sink);
    assert.throws(() => dec.push(te.encode("NOTANRDB!")), RdbError);
    assert.throws(() => dec.push(bytes), (e) => e instanceof RdbError && e.reason === "BAD_MAGIC");
    const boom = new Error("sink failed");
    const dec2 = new RdbDecoder({
      onString: () => {
        throw boom;
      },
      onPlaceholder: () => {},
    });
    assert.throws(() => dec2.push(bytes), (e) => e === boom);
  });

  it("chunks are not retained after push (key and pending field copied out)", () => {
    const { sink, model } = modelSink(true);
    decodeChunked(bytes, sink, () => 3); // decodeChunked overwrites each chunk after push
    assert.equal(model[0][conv(te.encode("hash:small"))].type, "hash");
  });
});
