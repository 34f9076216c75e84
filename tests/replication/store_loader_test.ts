/**
 * RDB files loaded into a store through StoreLoader: the store's whole
 * content (every db and key, types, values in order, scores, TTLs, hash field
 * TTLs, placeholders by type name) equals the fixture's expected content, in
 * both directions.
 */

import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { Store } from "../../src/_wasm/store.ts";
import { type CollectionTypeName, decodeRdb, RdbError } from "../../src/rdb/mod.ts";
import { StoreLoader } from "../../src/replication/store_loader.ts";
import { loadExpected, readFixture } from "../_support/fixtures.ts";
import { assertMatchesExpected, hasFixture, listRdb, storeModel, Writer } from "../rdb/_helpers.ts";

/** Loads an RDB into a fresh store (in chunks, as a replication link does) and compares it. */
function loadAndCompare(rdb: string, expected: string, chunkSize = 4096): void {
  const store = new Store();
  try {
    const loader = new StoreLoader(store, { batchStrings: true });
    const summary = decodeRdb(readFixture(rdb), loader, { chunkSize });
    loader.finish();
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

describe("bulk loading through StoreLoader", () => {
  /** An RDB 11 file: `strings` string keys, then a set of `members` members, then a hash. */
  function rdbWith(strings: number, members: number): Uint8Array {
    const w = new Writer().text("REDIS0011").raw(0xfe, 0).raw(0xfb).len(strings + 2).len(1);
    for (let i = 0; i < strings; i++) {
      if (i === 0) w.raw(0xfc).i64(4_000_000_000_000); // a TTL on the first key
      w.raw(0).str(`string:${i}`).str(`value ${i}`);
    }
    w.raw(2).str("set").len(members);
    for (let i = 0; i < members; i++) w.str(`member:${i}`);
    w.raw(4).str("hash").len(2).str("f1").str("v1").str("f2").str("v2");
    return w.raw(0xff).bytes();
  }

  test("batched strings are all written by finish(); the result equals the unbatched load", () => {
    const bytes = rdbWith(5000, 3000);
    const batched = new Store();
    const plain = new Store();
    try {
      const loader = new StoreLoader(batched, { batchStrings: true });
      const summary = decodeRdb(bytes, loader, { chunkSize: 1000 });
      loader.finish();
      decodeRdb(bytes, new StoreLoader(plain), { chunkSize: 777 });
      assert.equal(summary.keys, 5002);
      assert.deepEqual(storeModel(batched), storeModel(plain));
      assert.equal(batched.find(0, "string:0"), 1);
      assert.equal(batched.foundExpireAt, 4_000_000_000_000);
      assert.equal(batched.debugCheck(), null);
    } finally {
      batched.dispose();
      plain.dispose();
    }
  });

  test("a load failing inside a collection leaves no part of it (abort), the keys before it stay", () => {
    const whole = rdbWith(100, 5000);
    const cut = whole.subarray(0, Math.floor(whole.length * 0.7)); // inside the set
    const store = new Store();
    try {
      const loader = new StoreLoader(store, { batchStrings: true });
      assert.throws(() => decodeRdb(cut, loader, { chunkSize: 512 }), (e: unknown) => {
        assert.ok(e instanceof RdbError, String(e));
        assert.equal(e.reason, "TRUNCATED");
        return true;
      });
      loader.abort();
      loader.finish(); // the buffered strings went with the abort: nothing to write
      assert.equal(store.find(0, "set"), 0, "no half-built set");
      assert.equal(store.find(0, "hash"), 0);
      assert.ok(store.dbSize(0) <= 100);
      assert.equal(store.debugCheck(), null);
    } finally {
      store.dispose();
    }
  });

  test("a key named twice fails the load with a typed RdbError at an offset inside the file", () => {
    const w = new Writer().text("REDIS0011").raw(0xfe, 0);
    for (let i = 0; i < 50; i++) w.raw(0).str(`k${i}`).str("v");
    const strings = w.raw(0).str("k7").str("again").raw(0xff).bytes();
    const w2 = new Writer().text("REDIS0011").raw(0xfe, 0).raw(2).str("s").len(1).str("m");
    const collection = w2.raw(2).str("s").len(1).str("n").raw(0xff).bytes();
    const w3 = new Writer().text("REDIS0011").raw(0xfe, 1).raw(0).str("k").str("v").raw(0xfe, 2).raw(0).str("k");
    const otherDbs = w3.str("v").raw(0xff).bytes();
    for (const [bytes, key] of [[strings, "k7"], [collection, "s"]] as const) {
      for (const batchStrings of [true, false]) {
        const store = new Store();
        try {
          const loader = new StoreLoader(store, { batchStrings, position: () => bytes.length - 1 });
          assert.throws(() => {
            decodeRdb(bytes, loader);
            loader.finish();
          }, (e: unknown) => {
            assert.ok(e instanceof RdbError, String(e));
            assert.equal(e.reason, "CORRUPT");
            assert.match(e.message, new RegExp(`duplicate key "${key}" in db 0`));
            assert.ok(e.offset >= 0 && e.offset < bytes.length);
            return true;
          });
        } finally {
          store.dispose();
        }
      }
    }
    const store = new Store();
    try {
      const loader = new StoreLoader(store, { batchStrings: true });
      decodeRdb(otherDbs, loader);
      loader.finish();
      assert.equal(store.dbSize(1) + store.dbSize(2), 2, "the same key in two dbs is fine");
    } finally {
      store.dispose();
    }
  });

  test("the decoder's size hint (the value's stated count) gives the same content as none", () => {
    const bytes = rdbWith(10, 2000);
    const unhinted = new Store();
    const hinted = new Store();
    try {
      const loader = new StoreLoader(unhinted, { batchStrings: true });
      const sink = {
        onString: loader.onString.bind(loader),
        onPlaceholder: loader.onPlaceholder.bind(loader),
        onCollectionStart: (db: number, key: Uint8Array, type: CollectionTypeName, exp: number | null) =>
          loader.onCollectionStart(db, key, type, exp, 0),
        onListElement: loader.onListElement.bind(loader),
        onSetMember: loader.onSetMember.bind(loader),
        onZsetMember: loader.onZsetMember.bind(loader),
        onHashField: loader.onHashField.bind(loader),
        onCollectionEnd: loader.onCollectionEnd.bind(loader),
      };
      decodeRdb(bytes, sink);
      loader.finish();
      const hints: number[] = [];
      const hintedLoader = new StoreLoader(hinted);
      decodeRdb(bytes, {
        ...sink,
        onString: hintedLoader.onString.bind(hintedLoader),
        onPlaceholder: hintedLoader.onPlaceholder.bind(hintedLoader),
        onCollectionStart: (db, key, type, exp, hint) => {
          hints.push(hint);
          hintedLoader.onCollectionStart(db, key, type, exp, hint);
        },
        onListElement: hintedLoader.onListElement.bind(hintedLoader),
        onSetMember: hintedLoader.onSetMember.bind(hintedLoader),
        onZsetMember: hintedLoader.onZsetMember.bind(hintedLoader),
        onHashField: hintedLoader.onHashField.bind(hintedLoader),
        onCollectionEnd: hintedLoader.onCollectionEnd.bind(hintedLoader),
      });
      assert.deepEqual(hints, [2000, 2], "the set's and the hash's stated counts");
      assert.deepEqual(storeModel(unhinted), storeModel(hinted));
      assert.equal(unhinted.debugCheck(), null);
    } finally {
      unhinted.dispose();
      hinted.dispose();
    }
  });
});
