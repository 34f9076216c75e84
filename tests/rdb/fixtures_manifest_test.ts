/**
 * The public fixtures that have no `.expected.json` (no server here could
 * load them: modules, pre-release formats, corruption, Valkey 9): one
 * assertion per file of the outcome /work/shared/fixtures/rdb/public/MANIFEST.md
 * leads to expect, and why. Every such file must be listed here, so a new
 * fixture cannot go untested.
 */

import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { decodeRdb, RdbError, type RdbErrorReason, type RdbSummary } from "../../src/rdb/mod.ts";
import { Store } from "../../src/_wasm/store.ts";
import { StoreLoader } from "../../src/replication/store_loader.ts";
import { fixturePath, hasFixture, listRdb, type Model, modelSink, readFixture, storeModel } from "./_helpers.ts";

type Outcome =
  | { loads: (model: Model, summary: RdbSummary, bytes: Uint8Array) => void; why: string }
  | { refused: RdbErrorReason; offset: number; message: RegExp; why: string };

const OUTCOMES: Record<string, Outcome> = {
  "HDT3213__rdb/valkey_hash2_with_hfe.rdb": {
    why: "Valkey 9.0.1 (VALKEY080): type 22 is Valkey's HASH_2 (field, value, int64 expiry or -1), not Redis's " +
      "7.4-RC hash; its content is what HDT3213's own parser reports (.hdt3213.json)",
    loads(model, summary) {
      assert.equal(summary.magic, "VALKEY");
      assert.equal(summary.version, 80);
      const [oracle] = JSON.parse(
        readFileSync(fixturePath("public/HDT3213__rdb/valkey_hash2_with_hfe.hdt3213.json"), "utf8"),
      );
      const ttls = Object.fromEntries(
        Object.entries(oracle.expire as Record<string, number>).filter(([, t]) => t !== 0),
      );
      assert.deepEqual(model, { 0: { [oracle.key]: { type: "hash", value: oracle.hash, field_expire_at_ms: ttls } } });
    },
  },
  "HDT3213__rdb/zipmap_big_len.rdb": {
    why: "a zipmap whose count byte is 255: Redis's zipmapValidateIntegrity accepts only 254 ('unknown') or the " +
      "pair count and refuses the file ('Zipmap integrity check failed'); we follow the server, not HDT3213's parser",
    refused: "CORRUPT",
    offset: 35,
    message: /zipmap: header counts 255 pairs, found 2/,
  },
  "leonchen83__redis-replicator/dump-module-2.rdb": {
    why: "a MODULE_2 value (type 7) is self-describing: skipped through its module opcodes, kept as a placeholder " +
      "named after its module type",
    loads(model, summary) {
      assert.deepEqual(model, { 0: { modulekey: { type: "hellotype" } } });
      assert.deepEqual(summary.placeholders, { hellotype: 1 });
    },
  },
  "leonchen83__redis-replicator/function.rdb": {
    why: "FUNCTION_PRE_GA (opcode 246) of Redis 7.0 release candidates: released Redis refuses it too " +
      "('Pre-release function format not supported')",
    refused: "UNKNOWN_OPCODE",
    offset: 89,
    message: /opcode 246 \(FUNCTION_PRE_GA\)/,
  },
  "leonchen83__redis-replicator/module.rdb": {
    why: "MODULE_PRE_GA (type 6) of Redis 4.0 release candidates has no opcode framing: it cannot be skipped " +
      "without its module, and servers refuse the file",
    refused: "UNKNOWN_TYPE",
    offset: 1257,
    message: /value type 6 \(MODULE_PRE_GA/,
  },
  "sripathikrishnan__redis-rdb-tools/redis_40_with_module.rdb": {
    why: "a MODULE_2 value of ReJSON-RL is skipped by its opcodes (placeholder); the file's CRC is zero " +
      "(rdbchecksum no) and 40 bytes after the RDB are a diskless transfer's EOF mark, left to the caller",
    loads(model, summary, bytes) {
      assert.deepEqual(model, {
        0: { simplekey: { type: "string", value: "someval" }, foo: { type: "ReJSON-RL" } },
      });
      assert.equal(summary.checksumVerified, false);
      assert.equal(bytes.length - summary.bytes, 40);
    },
  },
  "sripathikrishnan__redis-rdb-tools/redis_60_with_module_aux.rdb": {
    why: "MODULE_AUX data (opcode 247) of module test__rdb is skipped and counted; the file has no keys",
    loads(model, summary) {
      assert.deepEqual(model, {});
      assert.deepEqual(summary.moduleAux, { test__rdb: 1 });
      assert.ok(summary.checksumVerified);
    },
  },
  "valkey-io__valkey/corrupt_ziplist.rdb": {
    why: "the deliberately corrupt hash ziplist of Redis issue #3505 (a 5-byte blob): the servers refuse the file",
    refused: "CORRUPT",
    offset: 489,
    message: /ziplist: blob of 5 bytes is too short/,
  },
};

const DIRS = [
  "sripathikrishnan__redis-rdb-tools",
  "valkey-io__valkey",
  "HDT3213__rdb",
  "badboy__rdb-rs",
  "leonchen83__redis-replicator",
];

describe("public fixtures without .expected.json", () => {
  it("are exactly the files listed here", () => {
    const without: string[] = [];
    for (const dir of DIRS) {
      for (const f of listRdb(`public/${dir}`)) {
        if (!hasFixture(`public/${dir}/${f.replace(/\.rdb$/, ".expected.json")}`)) without.push(`${dir}/${f}`);
      }
    }
    assert.deepEqual(without.sort(), Object.keys(OUTCOMES).sort());
  });

  for (const [rel, outcome] of Object.entries(OUTCOMES)) {
    const bytes = readFixture(`public/${rel}`);
    if ("loads" in outcome) {
      it(`${rel} loads: ${outcome.why}`, () => {
        const { sink, model } = modelSink(true);
        const summary = decodeRdb(bytes, sink);
        outcome.loads(model, summary, bytes);
        // The same content reaches a store.
        const store = new Store();
        try {
          decodeRdb(bytes, new StoreLoader(store), { chunkSize: 7 });
          assert.deepEqual(storeModel(store), model);
        } finally {
          store.dispose();
        }
      });
    } else {
      it(`${rel} is refused with ${outcome.refused} at ${outcome.offset}: ${outcome.why}`, () => {
        for (const chunkSize of [bytes.length, 1]) {
          assert.throws(() => decodeRdb(bytes, modelSink(true).sink, { chunkSize }), (e) => {
            assert.ok(e instanceof RdbError, String(e));
            assert.equal(e.reason, outcome.refused);
            assert.equal(e.offset, outcome.offset);
            assert.match(e.message, outcome.message);
            return true;
          });
        }
      });
    }
  }
});
