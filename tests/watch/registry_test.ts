import { describe, test } from "node:test";
import assert from "node:assert/strict";
import type { WatchEvent } from "../../src/watch/events.ts";
import { WatchRegistry } from "../../src/watch/registry.ts";

const b = (s: string) => new TextEncoder().encode(s);
const SET = [b("SET"), b("k"), b("v")];

function recorder() {
  const events: WatchEvent[] = [];
  return { events, cb: (e: WatchEvent) => void events.push(e) };
}

describe("WatchRegistry", () => {
  test("a key watch sees writes of its key in its db only, with the key and the command", () => {
    const w = new WatchRegistry();
    const r = recorder();
    w.watchKey(0, b("user:1"), r.cb);
    w.keyWritten(0, b("user:1"), SET);
    w.keyWritten(0, b("user:10"), SET);
    w.keyWritten(1, b("user:1"), SET);
    assert.equal(r.events.length, 1);
    assert.deepEqual(r.events[0], { type: "update", db: 0, key: b("user:1"), command: SET });
  });

  test("prefix watches: every prefix of the key matches, the empty prefix matches all, binary bytes exact", () => {
    const w = new WatchRegistry();
    const all = recorder(), user = recorder(), user1 = recorder(), bin = recorder();
    w.watchPrefix(0, b(""), all.cb);
    w.watchPrefix(0, b("user:"), user.cb);
    w.watchPrefix(0, b("user:1"), user1.cb);
    w.watchPrefix(0, new Uint8Array([0xff, 0]), bin.cb);
    w.keyWritten(0, b("user:12"), SET);
    w.keyWritten(0, b("user:2"), SET);
    w.keyWritten(0, b("order:1"), SET);
    w.keyWritten(0, new Uint8Array([0xff, 0, 7]), SET);
    w.keyWritten(0, new Uint8Array([0xff, 1]), SET);
    assert.equal(all.events.length, 5);
    assert.equal(user.events.length, 2);
    assert.equal(user1.events.length, 1);
    assert.equal(bin.events.length, 1);
  });

  test("stopping: the returned function, Symbol.dispose; idempotent; the same callback twice is two watches", () => {
    const w = new WatchRegistry();
    const r = recorder();
    const a = w.watchKey(0, b("k"), r.cb);
    const c = w.watchKey(0, b("k"), r.cb);
    const p = w.watchPrefix(0, b("k"), r.cb);
    w.keyWritten(0, b("k"), SET);
    assert.equal(r.events.length, 3);
    a();
    a();
    c[Symbol.dispose]();
    w.keyWritten(0, b("k"), SET);
    assert.equal(r.events.length, 4);
    p[Symbol.dispose]();
    w.keyWritten(0, b("k"), SET);
    assert.equal(r.events.length, 4);
    assert.equal(w.empty, true);
  });

  test("flushes reach the watches of their db (FLUSHALL: all); init reaches everyone", () => {
    const w = new WatchRegistry();
    const d0 = recorder(), d1 = recorder();
    w.watchKey(0, b("k"), d0.cb);
    w.watchPrefix(1, b("x"), d1.cb);
    w.flushed(1, [b("FLUSHDB")]);
    assert.equal(d0.events.length, 0);
    assert.equal(d1.events[0].type, "flush");
    w.flushed(null, [b("FLUSHALL")]);
    w.replaced();
    assert.deepEqual(d0.events.map((e) => e.type), ["flush", "init"]);
    assert.deepEqual(d1.events.map((e) => e.type), ["flush", "flush", "init"]);
  });

  test("a throwing callback does not stop the others; its error is rethrown asynchronously", () => {
    const w = new WatchRegistry();
    const r = recorder();
    w.watchKey(0, b("k"), () => {
      throw new Error("boom");
    });
    w.watchKey(0, b("k"), r.cb);
    const queued: (() => void)[] = [];
    const original = globalThis.queueMicrotask;
    globalThis.queueMicrotask = (fn: () => void) => void queued.push(fn);
    try {
      w.keyWritten(0, b("k"), SET);
    } finally {
      globalThis.queueMicrotask = original;
    }
    assert.equal(r.events.length, 1);
    assert.equal(queued.length, 1);
    assert.throws(queued[0], /boom/);
  });
});
