import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { Store, ValueType } from "../../src/_wasm/store.ts";
import { decodeRdb } from "../../src/rdb/mod.ts";
import { StoreLoader } from "../../src/replication/store_loader.ts";
import { decodeJsonString, expectedKeys, loadExpected, readFixture } from "../_support/fixtures.ts";

const files: [rdb: string, expected: string][] = [
  ["redis-7.0.15.rdb", "redis-7.0.15.expected.json"],
  ["redis-unstable-4f8cdc2a.rdb", "redis-unstable-4f8cdc2a.expected.json"],
  ["redis-unstable-4f8cdc2a.nocompress-nochecksum.rdb", "redis-unstable-4f8cdc2a.expected.json"],
  ["valkey-unstable-55bbbe09.rdb", "valkey-unstable-55bbbe09.expected.json"],
  ["valkey-unstable-55bbbe09.nocompress-nochecksum.rdb", "valkey-unstable-55bbbe09.expected.json"],
];

/** Scans every key of a database. */
function allKeys(store: Store, db: number): string[] {
  const keys: string[] = [];
  let cursor = 0;
  do {
    const page = store.scan(db, cursor, 100);
    for (const key of page.keys) keys.push(Buffer.from(key).toString("base64"));
    cursor = page.cursor;
  } while (cursor !== 0);
  return keys.sort();
}

describe("generated RDB fixtures loaded into a store", () => {
  for (const [rdbFile, expectedFile] of files) {
    test(rdbFile, () => {
      const store = new Store();
      const summary = decodeRdb(readFixture(`rdb/generated/${rdbFile}`), new StoreLoader(store), { chunkSize: 4096 });
      const expected = loadExpected(`rdb/generated/${expectedFile}`);
      const keys = expectedKeys(expected);
      assert.equal(summary.keys, keys.length);

      for (const { db, key, keyString, entry } of keys) {
        const type = store.find(db, key);
        assert.notEqual(type, ValueType.none, `${keyString} is missing`);
        assert.equal(store.foundTypeName(), entry.type, `type of ${keyString}`);
        assert.equal(store.foundExpireAt, entry.expire_at_ms ?? -1, `expiry of ${keyString}`);
        if (entry.type === "string") {
          assert.deepEqual(store.foundBytes(), decodeJsonString(entry.value as string), `value of ${keyString}`);
        }
      }

      // Nothing more than expected: compare the full key sets per database.
      for (const db of Object.keys(expected.databases).map(Number)) {
        const want = keys.filter((k) => k.db === db).map((k) => Buffer.from(k.key).toString("base64")).sort();
        assert.deepEqual(allKeys(store, db), want, `keys of db ${db}`);
        assert.equal(store.dbSize(db), want.length);
      }
      store.dispose();
    });
  }
});
