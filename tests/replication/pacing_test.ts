/**
 * The paced full sync: a snapshot arriving in one huge chunk is decoded a
 * slice at a time, the transport is paused (past the queue's high-water mark) while the event loop gets its
 * turns, and the load still ends with the right content. An in-memory
 * transport plays the primary so that the whole RDB arrives at once (a TCP
 * socket would cut it into 64 KiB reads).
 */

import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { Mirror } from "../../mod.ts";
import type { Connector, Transport, TransportHandlers } from "../../src/net/mod.ts";
import { LoadPacer, Slicer } from "../../src/replication/pacing.ts";
import { Writer } from "../rdb/_helpers.ts";

const KEYS = 200_000;

function bigRdb(keys = KEYS): Uint8Array {
  const w = new Writer().text("REDIS0011").raw(0xfe, 0);
  for (let i = 0; i < keys; i++) w.raw(0).str(`key:${i}`).str(`value:${i}:${"x".repeat(i % 40)}`);
  return w.raw(0xff).bytes();
}

interface Counts {
  pauses: number;
  resumes: number;
}

/** A primary in memory: answers the handshake, then sends the whole transfer as one chunk. */
function inMemoryPrimary(rdb: Uint8Array, pausable: boolean, counts: Counts): Connector {
  return (_endpoint, handlers: TransportHandlers): Promise<Transport> => {
    let open = true;
    const reply = (bytes: Uint8Array) => setTimeout(() => open && handlers.onData(bytes), 0);
    const text = (s: string) => new TextEncoder().encode(s);
    const transport: Transport = {
      write(bytes) {
        const command = new TextDecoder().decode(bytes);
        if (command.includes("PING")) reply(text("+PONG\r\n"));
        else if (command.includes("PSYNC")) {
          const header = text(`+FULLRESYNC ${"a".repeat(40)} 0\r\n$${rdb.length}\r\n`);
          const all = new Uint8Array(header.length + rdb.length);
          all.set(header);
          all.set(rdb, header.length);
          reply(all);
        } else if (!command.includes("ACK")) reply(text("+OK\r\n"));
      },
      close() {
        open = false;
      },
    };
    if (pausable) {
      transport.pause = () => void counts.pauses++;
      transport.resume = () => void counts.resumes++;
    }
    return Promise.resolve(transport);
  };
}

async function syncWith(pausable: boolean, keys = KEYS): Promise<{ counts: Counts; ticks: number; keys: number }> {
  const counts = { pauses: 0, resumes: 0 };
  const mirror = new Mirror({ connector: inMemoryPrimary(bigRdb(keys), pausable, counts) });
  let ticks = 0;
  const ticker = setInterval(() => {
    if (mirror.state === "replicating") ticks++;
  }, 0);
  try {
    await mirror.ready;
    return { counts, ticks, keys: mirror.dbsize() };
  } finally {
    clearInterval(ticker);
    await mirror.close();
  }
}

describe("paced full sync", () => {
  test("a transport that can pause: the load is cut into slices, paused and resumed, timers run", async () => {
    const { counts, ticks, keys } = await syncWith(true);
    assert.equal(keys, KEYS);
    assert.ok(counts.pauses >= 1, `paused ${counts.pauses} times`);
    assert.equal(counts.resumes, counts.pauses, "every pause was resumed");
    assert.ok(ticks >= 1, `a timer ran ${ticks} times during the load`);
  });

  test("input under the queue's high-water mark (4 MiB) waits in the queue: yields, but no pause", async () => {
    const { counts, ticks, keys } = await syncWith(true, 20_000);
    assert.equal(keys, 20_000);
    assert.equal(counts.pauses, 0);
    assert.ok(ticks >= 1, `a timer ran ${ticks} times during the load`);
  });

  test("a transport without pause/resume: the chunk is decoded as it comes, with the same content", async () => {
    const { keys } = await syncWith(false);
    assert.equal(keys, KEYS);
  });
});

describe("LoadPacer", () => {
  const busy = (ms: number) => {
    const until = performance.now() + ms;
    while (performance.now() < until) { /* work */ }
  };
  const pausable = (): Transport => ({ write() {}, close() {}, pause() {}, resume() {} });

  test("input arriving in the same turn after a drain continues the stretch: no fresh budget", async () => {
    const pacer = LoadPacer.for(pausable())!;
    pacer.begin();
    busy(3);
    assert.equal(pacer.spent(), true);
    const afterDrain = await new Promise<boolean>((resolve) =>
      pacer.pause(() => {
        busy(3); // the queued input
        pacer.resume();
        pacer.begin(); // more input in the same turn
        resolve(pacer.spent());
      })
    );
    assert.equal(afterDrain, true, "the turn's budget is spent");
    await new Promise((resolve) => setTimeout(resolve, 5));
    assert.equal(pacer.spent(), false, "a new turn starts a new stretch");
  });
});

describe("Slicer", () => {
  test("grows slices while they are fast, shrinks them when slow, ignores short tails", () => {
    const slicer = new Slicer();
    const first = slicer.size;
    slicer.took(first, 0.01);
    assert.equal(slicer.size, first * 2);
    slicer.took(slicer.size, 5);
    assert.equal(slicer.size, first);
    slicer.took(10, 50); // a short tail
    assert.equal(slicer.size, first);
    for (let i = 0; i < 40; i++) slicer.took(slicer.size, 0);
    assert.equal(slicer.size, 256 * 1024, "capped");
    for (let i = 0; i < 40; i++) slicer.took(slicer.size, 100);
    assert.equal(slicer.size, 512, "floored");
  });
});
