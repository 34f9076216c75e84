import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { Mirror, NotReadyError } from "../mod.ts";
import { encodeCommand } from "../src/resp/encode.ts";
import { type FakePrimary, startFakePrimary } from "./_support/fake_primary.ts";
import { readFixture } from "./_support/fixtures.ts";
import { activeResources, leakedSince } from "./_support/leaks.ts";
import { waitUntil } from "./_support/sync.ts";

const rdb = readFixture("rdb/generated/redis-7.0.15.rdb");
const T0 = 1_800_000_000_000;

function primaryWith(...commands: string[][]): Promise<FakePrimary> {
  return startFakePrimary({
    onPsync: (conn) =>
      conn.write(Buffer.concat([
        Buffer.from(`+FULLRESYNC ${"b".repeat(40)} 100\r\n$${rdb.length}\r\n`),
        rdb,
        ...commands.map((c) => encodeCommand(c)),
      ])),
  });
}

describe("expiry as reads see it", () => {
  let primary: FakePrimary;
  let now = T0;
  let hiding: Mirror;
  let showing: Mirror;

  before(async () => {
    primary = await primaryWith(["SET", "session", "s", "PXAT", String(T0 + 1000)], ["SET", "plain", "p"]);
    hiding = await Mirror.connect({ port: primary.port, clock: () => now });
    showing = await Mirror.connect({ port: primary.port, clock: () => now, showExpired: true });
    await waitUntil(() => hiding.get("plain") !== null && showing.get("plain") !== null);
  });

  after(async () => {
    await hiding?.close();
    await showing?.close();
    await primary?.stop();
  });

  test("a key is visible until its TTL passes on the injected clock, then hidden", () => {
    assert.equal(hiding.get("session"), "s");
    assert.equal(hiding.pttl("session"), 1000);
    now = T0 + 1000;
    assert.equal(hiding.get("session"), null);
    assert.equal(hiding.exists("session"), 0);
    assert.equal(hiding.type("session"), "none");
    assert.equal(hiding.pttl("session"), -2);
    assert.equal(hiding.dbsize(), showing.dbsize(), "DBSIZE counts logically expired keys, as Redis does");
  });

  test("showExpired keeps it visible until the primary deletes it", () => {
    now = T0 + 5000;
    assert.equal(showing.get("session"), "s");
    assert.equal(showing.pttl("session"), 0);
  });
});

describe("lifecycle", () => {
  test("reads before the first sync give NotReadyError; close() leaves no handle open", async () => {
    const before = activeResources();
    const primary = await primaryWith(["SET", "k", "v"]);
    const mirror = new Mirror({ port: primary.port, ackIntervalMs: 10 });
    assert.equal(mirror.state, "initializing");
    assert.throws(() => mirror.get("k"), NotReadyError);
    await mirror.ready;
    await waitUntil(() => mirror.get("k") === "v");
    await waitUntil(() => primary.acks.length >= 3, 5000, "periodic ACKs");
    await mirror.close();
    assert.equal(mirror.state, "closed");
    assert.throws(() => mirror.get("k"), NotReadyError);
    await primary.stop();
    assert.deepEqual(await leakedSince(before), {});
  });

  test("a forced resync swaps in a fresh projection while the old one keeps answering", async () => {
    let syncs = 0;
    const primary = await startFakePrimary({
      onPsync: (conn) => {
        syncs++;
        return conn.write(Buffer.concat([
          Buffer.from(`+FULLRESYNC ${"c".repeat(40)} 0\r\n$${rdb.length}\r\n`),
          rdb,
          encodeCommand(["SET", "generation", String(syncs)]),
        ]));
      },
    });
    const mirror = await Mirror.connect({ port: primary.port });
    await waitUntil(() => mirror.get("generation") === "1");
    const states: string[] = [];
    mirror.on("state", (s) => states.push(s));
    mirror.resync();
    assert.equal(mirror.get("generation"), "1", "the old projection serves reads during the resync");
    await waitUntil(() => mirror.get("generation") === "2");
    assert.deepEqual(states, ["reconnecting", "replicating", "streaming"]);
    assert.equal(mirror.stats().fullSyncs, 2);
    await mirror.close();
    await primary.stop();
  });

  test("stats count the memory of both stores while a resync loads (the double peak)", async () => {
    let syncs = 0;
    let release!: () => void;
    const rest = new Promise<void>((resolve) => (release = resolve));
    const primary = await startFakePrimary({
      onPsync: async (conn) => {
        syncs++;
        const header = Buffer.from(`+FULLRESYNC ${"d".repeat(40)} 0\r\n$${rdb.length}\r\n`);
        if (syncs === 1) return conn.write(Buffer.concat([header, rdb]));
        await conn.write(Buffer.concat([header, rdb.subarray(0, rdb.length >> 1)]));
        await rest;
        await conn.write(Buffer.concat([rdb.subarray(rdb.length >> 1), encodeCommand(["SET", "generation", "2"])]));
      },
    });
    const mirror = await Mirror.connect({ port: primary.port });
    const live = mirror.stats();
    assert.equal(live.syncMemoryBytes, 0);
    assert.ok(live.memoryUsedBytes > 0 && live.memoryUsedBytes <= live.memoryBytes, JSON.stringify(live));
    mirror.resync();
    await waitUntil(() => mirror.stats().syncMemoryBytes > 0, 5000, "the second store");
    assert.ok(mirror.stats().memoryBytes > 0, "the old store still serves");
    release();
    await waitUntil(() => mirror.get("generation") === "2");
    assert.equal(mirror.stats().syncMemoryBytes, 0);
    await mirror.close();
    await primary.stop();
  });
});
