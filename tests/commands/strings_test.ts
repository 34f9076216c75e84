// String forms newer than the installed Redis 7.0 (MSETEX, SET IFEQ/IFNE, DELEX, DELIFEQ) and verbatim GETEX,
// checked against the semantics in Redis 8.4 t_string.c / db.c and Valkey 9 t_string.c.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Store } from "../../src/_wasm/store.ts";
import { lookupCommand } from "../../src/commands/table.ts";
import { CommandError } from "../../src/commands/args.ts";

const enc = new TextEncoder();
const NOW = 1_700_000_000_000;

function run(store: Store, ...words: string[]): void {
  const args = words.map((w) => enc.encode(w));
  const spec = lookupCommand(args[0]);
  assert.ok(spec, words[0]);
  spec.apply({ store, db: 0, now: () => NOW }, args);
}

function value(store: Store, key: string): string | null {
  return store.find(0, key) === 0 ? null : store.foundString();
}

test("SET IFEQ / IFNE write only when the current value compares", () => {
  const store = new Store();
  run(store, "SET", "k", "a");
  run(store, "SET", "k", "b", "IFEQ", "x");
  assert.equal(value(store, "k"), "a");
  run(store, "SET", "k", "b", "IFEQ", "a");
  assert.equal(value(store, "k"), "b");
  run(store, "SET", "k", "c", "IFNE", "b");
  assert.equal(value(store, "k"), "b");
  run(store, "SET", "absent", "v", "IFEQ", "x");
  assert.equal(value(store, "absent"), null);
  run(store, "SET", "absent", "v", "IFNE", "x");
  assert.equal(value(store, "absent"), "v");
  assert.throws(() => run(store, "SET", "k", "v", "IFDEQ", "0123"), CommandError);
});

test("MSETEX sets all keys with one TTL, NX/XX over the whole group", () => {
  const store = new Store();
  run(store, "MSETEX", "2", "a", "1", "b", "2", "PXAT", String(NOW + 5000));
  assert.equal(value(store, "a"), "1");
  assert.equal(store.foundExpireAt, NOW + 5000);
  run(store, "MSETEX", "2", "a", "x", "c", "y", "NX");
  assert.equal(value(store, "a"), "1", "NX: a exists, nothing written");
  assert.equal(value(store, "c"), null);
  run(store, "MSETEX", "2", "a", "x", "b", "y", "XX", "KEEPTTL");
  assert.equal(value(store, "b"), "y");
  assert.equal(store.foundExpireAt, NOW + 5000);
  run(store, "MSETEX", "1", "a", "z", "EX", "10");
  assert.equal(value(store, "a"), "z");
  assert.equal(store.foundExpireAt, NOW + 10_000);
  assert.throws(() => run(store, "MSETEX", "3", "a", "1"), CommandError);
  assert.deepEqual(lookupCommand(enc.encode("msetex"))!.keys instanceof Function, true);
});

test("DELEX and DELIFEQ delete only on a matching string", () => {
  const store = new Store();
  run(store, "SET", "k", "v");
  run(store, "DELIFEQ", "k", "other");
  assert.equal(value(store, "k"), "v");
  run(store, "DELIFEQ", "k", "v");
  assert.equal(value(store, "k"), null);
  run(store, "SET", "k", "v");
  run(store, "DELEX", "k", "IFNE", "v");
  assert.equal(value(store, "k"), "v");
  run(store, "DELEX", "k", "IFEQ", "v");
  assert.equal(value(store, "k"), null);
  run(store, "SET", "k", "v");
  run(store, "DELEX", "k");
  assert.equal(value(store, "k"), null);
  assert.throws(() => run(store, "DELEX", "k", "IFDEQ", "abcd"), CommandError);
});

test("verbatim GETEX changes only the TTL; INCRBYFLOAT is reported, not guessed", () => {
  const store = new Store();
  run(store, "SET", "k", "v");
  run(store, "GETEX", "k", "PX", "1500");
  assert.equal(value(store, "k"), "v");
  assert.equal(store.foundExpireAt, NOW + 1500);
  run(store, "GETEX", "k", "PERSIST");
  value(store, "k");
  assert.equal(store.foundExpireAt, -1);
  run(store, "GETEX", "absent", "EX", "5");
  assert.equal(value(store, "absent"), null);
  assert.throws(() => run(store, "INCRBYFLOAT", "k", "1.5"), /not applied by the mirror/);
});
