// The real ceiling: a 32-bit WASM memory addresses 4 GiB. Filling it must end in StoreFullError with a consistent
// store (pointers near 2^32 included), never in a trap. Touches 4 GiB of memory, so it runs under Node only.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Store, ValueType } from "../../src/_wasm/store.ts";
import { StoreFullError } from "../../src/errors.ts";
import { runtimeName } from "../_support/leaks.ts";

const b = (s: string) => new TextEncoder().encode(s);
const GIB = 2 ** 30;

test("filling the whole 4 GiB WASM memory gives StoreFullError, never a trap", {
  skip: runtimeName !== "node" && "touches 4 GiB: once per suite, under Node",
}, () => {
  const s = new Store();
  s.set(0, b("keep"), b("me"), 0, -1);
  // SETRANGE builds 64 MiB values from a 1-byte argument: the host copies nothing big.
  const chunk = 64 << 20;
  let i = 0;
  let error: unknown = null;
  try {
    for (; i < 100; i++) s.setRange(0, b(`huge${i}`), chunk - 1, b("x"));
  } catch (e) {
    error = e;
  }
  assert.ok(error instanceof StoreFullError, String(error));
  assert.ok(s.usedBytes() > 3.9 * GIB, `only ${s.usedBytes()} bytes in use (${i} values)`);
  assert.ok(s.memoryBytes() > 3.9 * GIB && s.memoryBytes() <= 4 * GIB, `memory ${s.memoryBytes()}`);
  assert.equal(s.find(0, `huge${i}`), 0);
  assert.equal(s.find(0, `huge${i - 1}`), ValueType.string);
  assert.deepEqual(s.foundRange(-2, -1), new Uint8Array([0, 120]));
  // small writes fill what is left, then fail the same way
  let n = 0;
  try {
    for (; n < 10_000_000; n++) s.set(1, b(`small:${n}`), b("some value bytes"), 0, -1);
    assert.fail("4 GiB never filled");
  } catch (e) {
    assert.ok(e instanceof StoreFullError, String(e));
  }
  assert.equal(s.dbSize(1), n);
  assert.equal(s.find(0, "keep"), ValueType.string);
  // freeing makes room again (the consistency check, too, needs memory of its own)
  s.flushDb(1);
  s.del(0, b("huge0"));
  s.set(0, b("again"), b("works"), 0, -1);
  assert.equal(s.find(0, "again"), ValueType.string);
  assert.equal(s.debugCheck(), null);
  s.dispose();
});
