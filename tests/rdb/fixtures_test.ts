/**
 * Every RDB fixture with an `.expected.json` decodes to that content, with
 * collections decoded in full and as placeholders, whole and in 1-byte and
 * random chunks.
 */

import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { decodeRdb, RdbError } from "../../src/rdb/mod.ts";
import {
  assertMatchesExpected,
  decodeChunked,
  fixturePath,
  hasFixture,
  listRdb,
  modelSink,
  readFixture,
  rng,
} from "./_helpers.ts";

const GENERATED = listRdb("generated");

/** The generated README: `nocompress-nochecksum` variants share their base file's expected content. */
function expectedFor(dir: string, file: string) {
  const base = file.replace(/\.nocompress-nochecksum\.rdb$/, ".rdb").replace(/\.rdb$/, ".expected.json");
  const rel = `${dir}/${base}`;
  return hasFixture(rel) ? JSON.parse(readFileSync(fixturePath(rel), "utf8")) : null;
}

describe("generated fixtures", () => {
  it("are all present", () => assert.equal(GENERATED.length, 5));
  for (const f of GENERATED) {
    const bytes = readFixture(`generated/${f}`);
    const expected = expectedFor("generated", f);
    for (const full of [true, false]) {
      it(`${f} (${full ? "full" : "placeholders"}, whole buffer)`, () => {
        const { sink, model } = modelSink(full);
        const summary = decodeRdb(bytes, sink);
        assert.equal(summary.bytes, bytes.length);
        assertMatchesExpected(model, expected, full, f);
        const dbs = expected.databases as Record<string, object>;
        const total = Object.values(dbs).reduce((n, d) => n + Object.keys(d).length, 0);
        assert.equal(summary.keys, total);
        assert.equal(summary.functions, 1);
        assert.equal(summary.checksumVerified, !f.includes("nochecksum"));
        assert.equal(summary.placeholders["stream"], 1);
        assert.equal(summary.placeholders["test___dt"], 1);
        assert.ok(summary.aux["redis-ver"] ?? summary.aux["valkey-ver"]);
      });
    }
    it(`${f}: 1-byte and random chunks give the same events`, () => {
      const whole = modelSink(true);
      decodeRdb(bytes, whole.sink);
      const one = modelSink(true);
      const r1 = decodeChunked(bytes, one.sink, () => 1);
      assert.equal(r1.consumed, bytes.length);
      assert.deepEqual(one.events, whole.events);
      assert.deepEqual(one.model, whole.model);
      for (const seed of [1, 2, 3]) {
        const rand = rng(seed);
        const r = modelSink(true);
        decodeChunked(bytes, r.sink, () => 1 + Math.floor(rand() * (rand() < 0.5 ? 16 : 5000)));
        assert.deepEqual(r.model, whole.model, `seed ${seed}`);
        assert.deepEqual(r.events, whole.events, `seed ${seed}`);
      }
    });
  }

  it("stops exactly at the end of the RDB and leaves trailing bytes", () => {
    const bytes = readFixture("generated/redis-7.0.15.rdb");
    const tail = new TextEncoder().encode("*1\r\n$4\r\nPING\r\n");
    const joined = new Uint8Array(bytes.length + tail.length);
    joined.set(bytes);
    joined.set(tail, bytes.length);
    for (const step of [1, 7, 4096, joined.length]) {
      const { consumed } = decodeChunked(joined, modelSink(false).sink, () => step);
      assert.equal(consumed, bytes.length, `step ${step}`);
    }
  });
});

/** Public fixtures we expect to fail, and why (the servers refuse them too). */
const KNOWN_FAILURES: Record<string, string> = {
  "valkey-io__valkey/corrupt_ziplist.rdb": "CORRUPT", // deliberately corrupt ziplist (Redis issue #3505)
  "leonchen83__redis-replicator/module.rdb": "UNKNOWN_TYPE", // MODULE_PRE_GA value, cannot be skipped
  "leonchen83__redis-replicator/function.rdb": "UNKNOWN_OPCODE", // FUNCTION_PRE_GA (Redis 7.0 RC)
  "HDT3213__rdb/zipmap_big_len.rdb": "CORRUPT", // zipmap count byte 255: Redis's integrity check refuses it
};

describe("public fixtures", () => {
  const dirs = [
    "sripathikrishnan__redis-rdb-tools",
    "valkey-io__valkey",
    "HDT3213__rdb",
    "badboy__rdb-rs",
    "leonchen83__redis-replicator",
  ];
  for (const dir of dirs) {
    for (const f of listRdb(`public/${dir}`)) {
      const rel = `${dir}/${f}`;
      const bytes = readFixture(`public/${rel}`);
      if (KNOWN_FAILURES[rel]) {
        it(`${rel} is refused with ${KNOWN_FAILURES[rel]}`, () => {
          assert.throws(() => decodeRdb(bytes, modelSink(true).sink), (e) => {
            assert.ok(e instanceof RdbError);
            assert.equal(e.reason, KNOWN_FAILURES[rel]);
            assert.ok(e.offset > 0 && e.offset < bytes.length);
            return true;
          });
        });
        continue;
      }
      const expected = expectedFor(`public/${dir}`, f);
      for (const full of [true, false]) {
        it(`${rel} (${full ? "full" : "placeholders"})`, () => {
          const { sink, model } = modelSink(full);
          const summary = decodeRdb(bytes, sink);
          if (expected) assertMatchesExpected(model, expected, full, rel);
          else assert.ok(summary.bytes > 9);
        });
      }
      it(`${rel} in 1-byte chunks`, () => {
        const whole = modelSink(true);
        decodeRdb(bytes, whole.sink);
        const one = modelSink(true);
        decodeChunked(bytes, one.sink, () => 1);
        assert.deepEqual(one.events, whole.events);
        assert.deepEqual(one.model, whole.model);
      });
    }
  }

  it("redis_40_with_module.rdb ends before the diskless EOF marker that follows it", () => {
    const bytes = readFixture("public/sripathikrishnan__redis-rdb-tools/redis_40_with_module.rdb");
    const { sink, model } = modelSink(false);
    const summary = decodeRdb(bytes, sink);
    assert.equal(bytes.length - summary.bytes, 40);
    assert.equal(model[0]["foo"].type, "ReJSON-RL");
  });

  it("Valkey 9 HASH_2 (type 22 under VALKEY080) with field TTLs", () => {
    const bytes = readFixture("public/HDT3213__rdb/valkey_hash2_with_hfe.rdb");
    const { sink, model } = modelSink(true);
    const summary = decodeRdb(bytes, sink);
    assert.equal(summary.magic, "VALKEY");
    assert.equal(summary.version, 80);
    assert.deepEqual(model[0]["hash2-hfe"], {
      type: "hash",
      value: { F1: "V1", F2: "V2", F3: "V3" },
      field_expire_at_ms: { F1: 2715785640000, F2: 2400425640000 },
    });
  });

  it("MODULE_AUX records are skipped and counted", () => {
    const bytes = readFixture("public/sripathikrishnan__redis-rdb-tools/redis_60_with_module_aux.rdb");
    const summary = decodeRdb(bytes, modelSink(true).sink);
    assert.deepEqual(summary.moduleAux, { "test__rdb": 1 });
  });

  it("SLOT_INFO records are consumed", () => {
    const bytes = readFixture("public/leonchen83__redis-replicator/dump-slot.rdb");
    const summary = decodeRdb(bytes, modelSink(true).sink);
    assert.equal(summary.keys, 5);
  });
});
