/**
 * Read transactions from a list of reads: one outcome per read, failures
 * isolated, arguments checked by the read table's kinds.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { Store } from "../src/_wasm/store.ts";
import { NotReadyError, VeidrodelisError, WrongTypeError } from "../src/errors.ts";
import { Reader } from "../src/reader.ts";

const b = (s: string) => new TextEncoder().encode(s);

function readerOf(store: Store | null): Reader<string> {
  return new Reader<string>({ store, now: () => 1_000, showExpired: false }, 0, false);
}

describe("readTx", () => {
  const store = new Store();
  store.set(0, b("name"), b("Alice"), 0, -1);
  store.set(0, b("gone"), b("x"), 0, 500); // expired by the reader's clock
  store.listPush(0, b("list"), b("a"), true, false);
  const reader = readerOf(store);

  test("one outcome per read, in order, typed by the read", () => {
    const [name, missing, len, range] = reader.readTx(
      [
        ["get", "name"],
        ["get", "gone"],
        ["strlen", "name"],
        ["getrange", "name", 0, 2],
      ] as const,
    );
    assert.deepEqual(name, { ok: true, value: "Alice" });
    assert.deepEqual(missing, { ok: true, value: null });
    assert.deepEqual(len, { ok: true, value: 5 });
    assert.deepEqual(range, { ok: true, value: "Ali" });
    if (name.ok) {
      const text: string | null = name.value; // the outcome's value has the read's result type
      assert.equal(text, "Alice");
    }
  });

  test("a failing read does not fail the others", () => {
    const outcomes = reader.readTx([["get", "list"], ["exists", "name", "list", "nope"]]);
    assert.equal(outcomes[0].ok, false);
    assert.ok(!outcomes[0].ok && outcomes[0].error instanceof WrongTypeError);
    assert.deepEqual(outcomes[1], { ok: true, value: 2 });
  });

  test("unknown reads and arguments of the wrong kind are ARGUMENT errors naming the read", () => {
    const calls = [["nosuchread", "k"], ["getrange", "name", "0", 1], ["get"], ["get", "a", "b"], ["get", 42]];
    // deno-lint-ignore no-explicit-any
    for (const outcome of reader.readTx(calls as any)) {
      assert.equal(outcome.ok, false);
      assert.ok(!outcome.ok && outcome.error instanceof VeidrodelisError && outcome.error.code === "ARGUMENT");
    }
    // deno-lint-ignore no-explicit-any
    const [unknown, badInt] = reader.readTx(calls as any);
    assert.match(!unknown.ok ? unknown.error.message : "", /unknown read "nosuchread"/);
    assert.match(!badInt.ok ? badInt.error.message : "", /getrange: argument 2 must be an integer/);
  });

  test("bytes readers give bytes; before the first sync the whole transaction throws NotReadyError", () => {
    const [value] = reader.asBytes.readTx([["get", "name"]]);
    assert.deepEqual(value, { ok: true, value: b("Alice") });
    assert.throws(() => readerOf(null).readTx([["get", "name"]]), NotReadyError);
  });
});
