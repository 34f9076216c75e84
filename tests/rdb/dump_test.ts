/** DUMP payloads: one value + RDB version + CRC-64, decoded into the same sink as a snapshot's keys. */

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { decodeDumpPayload, type DumpPayloadInfo, RdbError, type RdbErrorReason } from "../../src/rdb/mod.ts";
import { replayCapture } from "../_support/fake_primary.ts";
import { RespCommandParser } from "../_support/resp.ts";
import { conv, type Entry, modelSink, Writer } from "./_helpers.ts";
import { keyMetaSpec, listpack } from "./_synthetic.ts";

const te = new TextEncoder();
const KEY = te.encode("the-key");

/** `[type][value]` of `w` + the version footer + the CRC-64 of both. */
function payload(w: Writer, version = 10, crc = true): Uint8Array {
  w.raw(version & 255, version >> 8);
  if (crc) return w.bytes(true);
  const b = w.bytes(false);
  const out = new Uint8Array(b.length + 8);
  out.set(b);
  return out;
}

/** Decodes a payload into a fresh model; returns the single key's entry and the info. */
function decode(
  p: Uint8Array,
  full = true,
  expireAtMs: number | null = null,
): { entry: Entry; info: DumpPayloadInfo } {
  const { sink, model } = modelSink(full);
  const info = decodeDumpPayload(p, sink, { db: 3, key: KEY, expireAtMs });
  assert.deepEqual(Object.keys(model), ["3"]);
  assert.deepEqual(Object.keys(model[3]), ["the-key"]);
  return { entry: model[3]["the-key"], info };
}

function rejects(p: Uint8Array, reason: RdbErrorReason, offset?: number): RdbError {
  let err: unknown;
  try {
    decodeDumpPayload(p, modelSink(true).sink, { db: 0, key: KEY, expireAtMs: null });
  } catch (e) {
    err = e;
  }
  assert.ok(err instanceof RdbError, `expected RdbError ${reason}, got ${err}`);
  assert.equal(err.reason, reason, err.message);
  if (offset !== undefined) assert.equal(err.offset, offset, err.message);
  return err;
}

/** The 64-bit module type id of a 9-character name (inverse of moduleTypeName). */
function moduleId(name: string, encver: number): number[] {
  const charset = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  let id = 0n;
  for (const c of name) id = (id << 6n) | BigInt(charset.indexOf(c));
  id = (id << 10n) | BigInt(encver);
  const out = [0x81];
  for (let i = 7n; i >= 0n; i--) out.push(Number((id >> (8n * i)) & 255n));
  return out;
}

describe("DUMP payloads built by hand", () => {
  it("a string, reported with the target's db, key and expiry", () => {
    const { entry, info } = decode(payload(new Writer().raw(0).str("hello")), true, 4102444800000);
    assert.deepEqual(entry, { type: "string", value: "hello", expire_at_ms: 4102444800000 });
    assert.deepEqual(info, { typeName: "string", version: 10, flavor: "redis", checksumVerified: true });
  });

  it("a real Redis 7.0 DUMP (from redis-cli)", () => {
    const p = new Uint8Array([0, 2, 104, 105, 10, 0, 175, 107, 159, 232, 142, 49, 27, 20]);
    assert.deepEqual(decode(p).entry, { type: "string", value: "hi" });
  });

  it("every collection layout of the old formats: list 1, set 2, zset 3 and 5, hash 4", () => {
    assert.deepEqual(decode(payload(new Writer().raw(1).len(3).str("a").str("b").str("a"), 6)).entry, {
      type: "list",
      value: ["a", "b", "a"],
    });
    assert.deepEqual(decode(payload(new Writer().raw(2).len(2).str("y").str("x"), 6)).entry, {
      type: "set",
      value: ["x", "y"],
    });
    const z3 = new Writer().raw(3).len(2).str("m").raw(3).text("2.5").str("n").raw(254);
    assert.deepEqual(decode(payload(z3, 6)).entry, { type: "zset", value: [["m", 2.5], ["n", Infinity]] });
    const z5 = new Writer().raw(5).len(2).str("hi").raw(...f64(1e300)).str("lo").raw(...f64(-0.5));
    assert.deepEqual(decode(payload(z5, 9)).entry, { type: "zset", value: [["lo", -0.5], ["hi", 1e300]] });
    assert.deepEqual(decode(payload(new Writer().raw(4).len(1).str("f").str("v"), 9)).entry, {
      type: "hash",
      value: { f: "v" },
    });
  });

  it("a Redis 7.4 hash with field TTLs (type 24: TTLs relative to the minimum, +1)", () => {
    const min = 4102444800000;
    const w = new Writer().raw(24).i64(min).len(2)
      .len(0).str("plain").str("1")
      .len(1001).str("ttl").str("2");
    const { entry, info } = decode(payload(w, 12));
    assert.deepEqual(entry, {
      type: "hash",
      value: { plain: "1", ttl: "2" },
      field_expire_at_ms: { ttl: min + 1000 },
    });
    assert.equal(info.version, 12);
  });

  it("Valkey 9's version 80 reads type 22 as HASH_2 (field, value, int64 expiry)", () => {
    const w = new Writer().raw(22).len(2).str("a").str("1").i64(-1).str("b").str("2").i64(4102444800123);
    const { entry, info } = decode(payload(w, 80));
    assert.equal(info.flavor, "valkey");
    assert.deepEqual(entry, { type: "hash", value: { a: "1", b: "2" }, field_expire_at_ms: { b: 4102444800123 } });
  });

  it("streams and module values become placeholders with their type name", () => {
    // STREAM_LISTPACKS: no listpacks, length 0, last id 0-0, no consumer groups.
    const stream = decode(payload(new Writer().raw(15).len(0).len(0).len(0).len(0).len(0), 9), true, 5);
    assert.deepEqual(stream.entry, { type: "stream", expire_at_ms: 5 });
    // MODULE_2 of `test___dt`: a signed int, a string, then the EOF opcode.
    const mod = new Writer().raw(7, ...moduleId("test___dt", 1)).len(1).len(42).len(5).str("module-string").len(0);
    const { entry, info } = decode(payload(mod, 10));
    assert.deepEqual(entry, { type: "test___dt" });
    assert.equal(info.typeName, "test___dt");
  });

  it("collections decoded as placeholders when the sink asks for no elements", () => {
    const p = payload(new Writer().raw(1).len(2).str("a").str("b"));
    assert.deepEqual(decode(p, false).entry, { type: "list" });
  });

  it("a zero CRC is not checked (recent Redis writes it when skipping the checksum)", () => {
    const { info } = decode(payload(new Writer().raw(0).str("v"), 12, false));
    assert.equal(info.checksumVerified, false);
  });
});

describe("DUMP payloads of Redis 8.6–8.10 (RDB 13–15)", () => {
  it("module key metadata (243) before the type byte is skipped", () => {
    const w = new Writer().raw(243).len(1).raw(...keyMetaSpec("KMT1", 1, 1)).len(2).len(7).len(0).raw(0).str("v");
    const { entry, info } = decode(payload(w, 13));
    assert.deepEqual(entry, { type: "string", value: "v" });
    assert.deepEqual(info, { typeName: "string", version: 13, flavor: "redis", checksumVerified: true });
    // Before RDB 13 the byte is no value type.
    rejects(payload(new Writer().raw(243).len(0).raw(0).str("v"), 12), "UNKNOWN_TYPE", 0);
  });

  it("self-contained template hashes (29, 31): the bytes of Redis's hash-templates.tcl", () => {
    const names = listpack(["field1", "field2"]);
    assert.deepEqual([...names.subarray(0, 8)], [0x17, 0, 0, 0, 2, 0, 0x86, 0x66]);
    const lp = decode(payload(new Writer().raw(29).len(0).str(names).str(listpack([0, "1", "2"])), 15));
    assert.deepEqual(lp.entry, { type: "hash", value: { field1: "1", field2: "2" } });
    assert.equal(lp.info.version, 15);
    const arr = new Writer().raw(0x1f, 0x01, 0x02).str("field1").str("field2").raw(0xc0, 0x01, 0xc0, 0x02);
    assert.deepEqual(decode(payload(arr, 15)).entry, { type: "hash", value: { field1: "1", field2: "2" } });
    // The tcl test's deliberately short values listpack: id + 1 value for 2 fields.
    const short = new Writer().raw(29).len(0).str(names).raw(0x0b, 0x0b, 0, 0, 0, 2, 0, 0, 1, 1, 1, 0xff);
    rejects(payload(short, 15), "CORRUPT", undefined);
  });

  it("the REF forms (30, 32) are refused, as Redis refuses them in a DUMP payload", () => {
    const e = rejects(payload(new Writer().raw(30).str(listpack([0, "1"])), 15), "CORRUPT", 0);
    assert.match(e.message, /not valid in a DUMP payload/);
    rejects(payload(new Writer().raw(32).len(0).str("v"), 15), "CORRUPT", 0);
  });

  it("an array (28) is a placeholder", () => {
    const w = new Writer().raw(28).len(1).len(0).len(3).len(1).i64(5);
    assert.deepEqual(decode(payload(w, 14)).entry, { type: "array" });
  });
});

describe("damaged DUMP payloads", () => {
  const good = () => payload(new Writer().raw(1).len(2).str("ab").str("cd"));

  it("a flipped byte fails the checksum, with the CRC's offset", () => {
    const p = good();
    p[3] ^= 1;
    const e = rejects(p, "CHECKSUM", p.length - 8);
    assert.match(e.message, /checksum mismatch/);
  });

  it("versions the decoder does not know are refused before anything else", () => {
    for (const v of [16, 79, 82, 0xffff]) {
      const p = payload(new Writer().raw(0).str("v"), v);
      const e = rejects(p, "UNSUPPORTED_VERSION", p.length - 10);
      assert.match(e.message, new RegExp(`version ${v}`));
    }
  });

  it("too short to hold a type byte and the footer", () => {
    rejects(new Uint8Array(10), "CORRUPT", 0);
    rejects(new Uint8Array(0), "CORRUPT", 0);
  });

  it("bytes after the value", () => {
    rejects(payload(new Writer().raw(0).str("v").raw(0)), "CORRUPT", 3);
  });

  it("a value cut short", () => {
    rejects(payload(new Writer().raw(0).len(10).text("abc")), "TRUNCATED");
    rejects(payload(new Writer().raw(1).len(3).str("a").str("b")), "TRUNCATED");
  });

  it("an empty collection (Redis: Bad data format)", () => {
    rejects(payload(new Writer().raw(2).len(0)), "CORRUPT", 0);
  });

  it("unknown type bytes and record opcodes where the type belongs", () => {
    rejects(payload(new Writer().raw(8).str("v")), "UNKNOWN_TYPE", 0);
    rejects(payload(new Writer().raw(0xff).str("v")), "UNKNOWN_TYPE", 0);
    rejects(payload(new Writer().raw(0xfe).len(0)), "UNKNOWN_TYPE", 0);
    // 24 is Redis 7.4's hash with TTLs, unknown to Valkey 9
    rejects(payload(new Writer().raw(24).i64(0).len(0), 80), "UNKNOWN_TYPE", 0);
  });

  it("a NaN score (Redis refuses it on load)", () => {
    rejects(payload(new Writer().raw(3).len(1).str("m").raw(253)), "CORRUPT");
    rejects(payload(new Writer().raw(5).len(1).str("m").raw(...f64(NaN))), "CORRUPT");
  });

  it("errors thrown by the sink propagate unchanged", () => {
    const { sink } = modelSink(true);
    const boom = new Error("sink says no");
    sink.onListElement = () => {
      throw boom;
    };
    assert.throws(() => decodeDumpPayload(good(), sink, { db: 0, key: KEY, expireAtMs: null }), (e) => e === boom);
  });
});

describe("DUMP payloads of the replication captures (RESTORE commands)", () => {
  const captures: [string, number][] = [
    ["redis-7.0.15", 10],
    ["redis-unstable-4f8cdc2a", 12],
    ["valkey-unstable-55bbbe09", 11],
  ];
  for (const [name, version] of captures) {
    it(`${name}: every payload decodes, version ${version}`, () => {
      const restores = new RespCommandParser().push(replayCapture(name).commandStream)
        .filter((c) => c[0].toString("latin1").toLowerCase() === "restore");
      const got: Record<string, { type: string; size: number }> = {};
      for (const args of restores) {
        const p = new Uint8Array(args[3]);
        const { sink, model } = modelSink(true);
        const info = decodeDumpPayload(p, sink, { db: 0, key: args[1], expireAtMs: null });
        assert.equal(info.version, version);
        assert.equal(info.checksumVerified, true);
        const entry = model[0][conv(args[1])];
        const value = entry.value;
        const size = Array.isArray(value) ? value.length : typeof value === "object" ? Object.keys(value!).length : 1;
        got[`${conv(args[1])} ${entry.type}`] = { type: info.typeName, size };
        if (entry.type === "string") assert.equal(value, "-9223372036854775808");
      }
      assert.deepEqual(Object.keys(got).sort(), [
        "restored:hash hash",
        "restored:list list",
        "restored:list set",
        "restored:str string",
        "restored:zset zset",
      ]);
      assert.equal(got["restored:hash hash"].size, 400);
    });
  }
});

function f64(v: number): number[] {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setFloat64(0, v, true);
  return [...b];
}
