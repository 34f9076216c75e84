import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { WatchStream } from "../../src/watch/stream.ts";

describe("WatchStream", () => {
  test("delivers in order to for await; break stops the watch", async () => {
    let stopped = 0;
    const stream = new WatchStream(() => stopped++, 10);
    stream.push({ type: "init" });
    stream.push({ type: "flush", db: 0, command: [] });
    setTimeout(() => stream.push({ type: "init" }), 5);
    const seen: string[] = [];
    for await (const event of stream) {
      seen.push(event.type);
      if (seen.length === 3) break;
    }
    assert.deepEqual(seen, ["init", "flush", "init"]);
    assert.equal(stopped, 1);
  });

  test("overflow: the queued events are replaced by one overflow event counting them", async () => {
    const stream = new WatchStream(() => {}, 3);
    for (let i = 0; i < 3; i++) stream.push({ type: "init" });
    stream.push({ type: "flush", db: 1, command: [] }); // the queue is full: the three are dropped
    for (let i = 0; i < 2; i++) stream.push({ type: "init" });
    // the second init found the queue full again: overflow(3) + flush + init dropped, overflow(5) + init
    stream.push({ type: "init" });
    assert.equal(stream.queued, 3);
    assert.deepEqual((await stream.next()).value, { type: "overflow", dropped: 5 });
    assert.deepEqual((await stream.next()).value, { type: "init" });
    stream.stop();
    assert.equal((await stream.next()).done, true);
  });

  test("an abort signal or Symbol.dispose ends it; a pending next() resolves as done", async () => {
    const controller = new AbortController();
    let stopped = 0;
    const stream = new WatchStream(() => stopped++, 10, controller.signal);
    const pending = stream.next();
    controller.abort();
    assert.equal((await pending).done, true);
    assert.equal(stopped, 1);
    const s = new WatchStream(() => stopped++, 10);
    s.push({ type: "init" });
    s[Symbol.dispose]();
    assert.equal(stopped, 2);
    const aborted = new WatchStream(() => stopped++, 10, AbortSignal.abort());
    assert.equal((await aborted.next()).done, true);
  });
});
