/**
 * RDB files loaded into a store through StoreLoader: the store's whole
 * content (every db and key, types, values in order, scores, TTLs, hash field
 * TTLs, placeholders by type name) equals the fixture's expected content, in
 * both directions.
 */

import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { Store } from "../../src/_wasm/store.ts";
import { decodeRdb } from "../../src/rdb/mod.ts";
import { StoreLoader } from "../../src/replication/store_loader.ts";
import { loadExpected, readFixture } from "../_support/fixtures.ts";
import { assertMatchesExpected, hasFixture, listRdb, storeModel } from "../rdb/_helpers.ts";

/** Loads an RDB into a fresh store (in chunks, as a replication link does) and compares it. */
function loadAndCompare(rdb: string, expected: string, chunkSize = 4096): void {
  const store = new Store();
  try {
    const summary = decodeRdb(readFixture(rdb), new StoreLoader(store), { chunkSize });
    const want = loadExpected(expected);
    assertMatchesExpected(storeModel(store), want, true, rdb);
    const total = Object.values(want.databases).reduce((n, keys) => n + Object.keys(keys).length, 0);
    assert.equal(summary.keys, total);
  } finally {
    store.dispose();
  }
}

describe("generated RDB fixtures loaded into a store", () => {
  const files: [rdb: string, expected: string][] = [
    ["redis-7.0.15.rdb", "redis-7.0.15.expected.json"],
    ["redis-unstable-4f8cdc2a.rdb", "redis-unstable-4f8cdc2a.expected.json"],
    ["redis-unstable-4f8cdc2a.nocompress-nochecksum.rdb", "redis-unstable-4f8cdc2a.expected.json"],
    ["valkey-unstable-55bbbe09.rdb", "valkey-unstable-55bbbe09.expected.json"],
    ["valkey-unstable-55bbbe09.nocompress-nochecksum.rdb", "valkey-unstable-55bbbe09.expected.json"],
  ];
  for (const [rdb, expected] of files) {
    test(rdb, () => loadAndCompare(`rdb/generated/${rdb}`, `rdb/generated/${expected}`));
  }

  test("1-byte chunks give the same store", () => {
    loadAndCompare(
      "rdb/generated/redis-unstable-4f8cdc2a.rdb",
      "rdb/generated/redis-unstable-4f8cdc2a.expected.json",
      1,
    );
  });
});

describe("RDB payloads of the replication captures", () => {
  for (const name of ["redis-7.0.15", "redis-unstable-4f8cdc2a", "valkey-unstable-55bbbe09"]) {
    // The README: each rdb-payload.rdb holds exactly the generated dataset of the same server.
    test(name, () => loadAndCompare(`replication/${name}/rdb-payload.rdb`, `rdb/generated/${name}.expected.json`));
  }
});

/** Public fixtures the decoder refuses (as the servers do); see tests/rdb/fixtures_test.ts. */
const REFUSED = new Set([
  "valkey-io__valkey/corrupt_ziplist.rdb",
  "leonchen83__redis-replicator/module.rdb",
  "leonchen83__redis-replicator/function.rdb",
]);

describe("public RDB fixtures loaded into a store", () => {
  const dirs = [
    "sripathikrishnan__redis-rdb-tools",
    "valkey-io__valkey",
    "HDT3213__rdb",
    "badboy__rdb-rs",
    "leonchen83__redis-replicator",
  ];
  for (const dir of dirs) {
    for (const file of listRdb(`public/${dir}`)) {
      const rel = `${dir}/${file}`;
      const expected = `public/${dir}/${file.replace(/\.rdb$/, ".expected.json")}`;
      if (REFUSED.has(rel) || !hasFixture(expected)) continue;
      test(rel, () => loadAndCompare(`rdb/public/${rel}`, `rdb/${expected}`));
    }
  }
});
