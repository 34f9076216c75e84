// Partial resync, link health and full-sync loops against a scripted primary: what the mirror asks for
// (PSYNC <replid> <offset+1>), what it keeps on +CONTINUE (the store, the offset of the last applied unit, the db),
// and what it counts.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { Mirror } from "../../mod.ts";
import { encodeCommand } from "../../src/resp/encode.ts";
import { Store } from "../../src/_wasm/store.ts";
import { FullSyncLoopError } from "../../src/replication/sync_loop.ts";
import type { VeidrodelisError } from "../../src/errors.ts";
import { type FakeReplicaConnection, startFakePrimary } from "../_support/fake_primary.ts";
import { readFixture } from "../_support/fixtures.ts";
import { activeResources, leakedSince } from "../_support/leaks.ts";
import { waitUntil } from "../_support/sync.ts";

const rdb = readFixture("rdb/generated/redis-7.0.15.rdb");
const REPL_A = "a".repeat(40);
const REPL_B = "b".repeat(40);
const START = 1000;

const bytes = (...commands: string[][]): Buffer => Buffer.concat(commands.map((c) => Buffer.from(encodeCommand(c))));
const fullResync = (replId: string, offset: number): Buffer =>
  Buffer.concat([Buffer.from(`+FULLRESYNC ${replId} ${offset}\r\n$${rdb.length}\r\n`), rdb]);

type Script = (conn: FakeReplicaConnection, psync: string[]) => Promise<void> | void;

/** A primary running `scripts[i]` on the i-th PSYNC (the last one repeats); returns the PSYNC arguments seen. */
async function scriptedPrimary(scripts: Script[]) {
  const psyncs: string[][] = [];
  const primary = await startFakePrimary({
    onPsync: (conn, args) => {
      psyncs.push(args);
      return scripts[Math.min(psyncs.length, scripts.length) - 1](conn, args);
    },
  });
  return { primary, psyncs };
}

function connectTo(port: number, extra: Record<string, unknown> = {}): Promise<Mirror> {
  return Mirror.connect({ port, reconnectDelayMs: 5, maxReconnectDelayMs: 50, ...extra });
}

describe("partial resync", () => {
  test("a cut link resumes with PSYNC <replid> <offset+1>: same store, same db, counted as partial", async () => {
    const before = activeResources();
    const first = bytes(["SELECT", "3"], ["SET", "a", "1"]);
    const { primary, psyncs } = await scriptedPrimary([
      async (conn) => {
        await conn.write(fullResync(REPL_A, START));
        await conn.waitForAck();
        await conn.write(first);
      },
      // no SELECT after +CONTINUE: the mirror must still be in db 3
      (conn) => conn.write(Buffer.concat([Buffer.from("+CONTINUE\r\n"), bytes(["SET", "b", "2"])])),
    ]);
    const mirror = await connectTo(primary.port);
    const keysBefore = mirror.dbsize();
    await waitUntil(() => mirror.db(3).get("a") === "1");
    const lives: boolean[] = [];
    mirror.on("live", (info) => lives.push(info.partial));
    primary.connections[0].destroy();
    await waitUntil(() => mirror.db(3).get("b") === "2", 10_000, "the backlog applied after +CONTINUE");
    assert.deepEqual(psyncs, [["?", "-1"], [REPL_A, String(START + first.length + 1)]]);
    assert.equal(mirror.dbsize(), keysBefore, "the snapshot's keys were kept (no reload)");
    assert.deepEqual(lives, [true]);
    const stats = mirror.stats();
    assert.equal(stats.fullSyncs, 1);
    assert.equal(stats.partialSyncs, 1);
    assert.equal(stats.reconnects, 1);
    assert.equal(stats.replId, REPL_A);
    const second = bytes(["SET", "b", "2"]).length;
    assert.equal(stats.offset, START + first.length + second);
    assert.equal(stats.bytesApplied, first.length + second);
    assert.equal(stats.commands.set, 2);
    assert.deepEqual(stats.primary, { host: "127.0.0.1", port: primary.port });
    await mirror.close();
    await primary.stop();
    assert.deepEqual(await leakedSince(before), {});
  });

  test("a cut inside MULTI drops the partial unit and resumes before it; +CONTINUE <id> adopts the new id", async () => {
    const applied = bytes(["SET", "x", "0"]);
    const unit = bytes(["MULTI"], ["SET", "x", "1"], ["SET", "y", "1"], ["EXEC"]);
    const { primary, psyncs } = await scriptedPrimary([
      async (conn) => {
        await conn.write(fullResync(REPL_A, START));
        await conn.waitForAck();
        await conn.write(Buffer.concat([applied, unit.subarray(0, unit.length - 10)]));
      },
      (conn) => conn.write(Buffer.concat([Buffer.from(`+CONTINUE ${REPL_B}\r\n`), unit])),
    ]);
    const mirror = await connectTo(primary.port);
    await waitUntil(() => mirror.stats().receivedOffset === START + applied.length + unit.length - 10);
    assert.equal(mirror.get("x"), "0", "half a MULTI is not applied");
    primary.connections[0].destroy();
    await waitUntil(() => mirror.get("y") === "1");
    assert.equal(mirror.get("x"), "1");
    assert.deepEqual(psyncs[1], [REPL_A, String(START + applied.length + 1)]);
    assert.equal(mirror.stats().replId, REPL_B);
    assert.equal(mirror.offset, START + applied.length + unit.length);
    await mirror.close();
    await primary.stop();
  });

  test("a cut inside a __vdr_tx transaction resumes from the last applied unit; the primary resends it", async () => {
    const applied = bytes(["SET", "t", "before"]);
    const tx = bytes(["SET", "__vdr_tx", "1", "PX", "60000"], ["SET", "t", "inside"], ["DEL", "__vdr_tx"]);
    const open = bytes(["SET", "__vdr_tx", "1", "PX", "60000"], ["SET", "t", "inside"]).length;
    const { primary, psyncs } = await scriptedPrimary([
      async (conn) => {
        await conn.write(fullResync(REPL_A, START));
        await conn.waitForAck();
        await conn.write(Buffer.concat([applied, tx.subarray(0, open)]));
      },
      (conn) => conn.write(Buffer.concat([Buffer.from(`+CONTINUE ${REPL_A}\r\n`), tx])),
    ]);
    const mirror = await connectTo(primary.port);
    await waitUntil(() => mirror.stats().receivedOffset === START + applied.length + open);
    assert.equal(mirror.get("t"), "before");
    assert.equal(mirror.stats().lagBytes, open, "the buffered transaction is received, not applied");
    primary.connections[0].destroy();
    await waitUntil(() => mirror.get("t") === "inside");
    assert.deepEqual(psyncs[1], [REPL_A, String(START + applied.length + 1)]);
    assert.equal(mirror.exists("__vdr_tx"), 0);
    assert.equal(mirror.offset, START + applied.length + tx.length);
    await mirror.close();
    await primary.stop();
  });

  test("+FULLRESYNC on reconnect loads a fresh store and swaps it in once live; resync() never asks to resume", async (t) => {
    const disposed = t.mock.method(Store.prototype, "dispose");
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    const { primary, psyncs } = await scriptedPrimary([
      async (conn) => {
        await conn.write(fullResync(REPL_A, START));
        await conn.waitForAck();
        await conn.write(bytes(["SET", "gen", "1"]));
      },
      async (conn) => {
        const reply = fullResync(REPL_B, 5000);
        await conn.write(reply.subarray(0, reply.length - 30));
        await released;
        await conn.write(reply.subarray(reply.length - 30));
        await conn.waitForAck();
        await conn.write(bytes(["SET", "gen", "2"]));
      },
    ]);
    const mirror = await connectTo(primary.port);
    await waitUntil(() => mirror.get("gen") === "1");
    primary.connections[0].destroy();
    await waitUntil(() => mirror.state === "replicating", 10_000, "the second RDB transfer");
    assert.equal(mirror.get("gen"), "1", "the old projection serves reads during the transfer");
    assert.equal(disposed.mock.callCount(), 0);
    release();
    await waitUntil(() => mirror.get("gen") === "2");
    assert.equal(disposed.mock.callCount(), 1, "the old store was disposed once the new one went live");
    assert.equal(psyncs[1][0], REPL_A, "a partial resync was asked for first");
    mirror.resync();
    await waitUntil(() => psyncs.length === 3 && mirror.stats().fullSyncs === 3);
    assert.deepEqual(psyncs[2], ["?", "-1"]);
    const stats = mirror.stats();
    assert.equal(stats.partialSyncs, 0);
    assert.equal(stats.replId, REPL_B);
    await mirror.close();
    await primary.stop();
  });
});

describe("link health", () => {
  test("a primary silent for timeoutMs is dropped and the mirror resumes partially", async () => {
    const { primary, psyncs } = await scriptedPrimary([
      async (conn) => {
        await conn.write(fullResync(REPL_A, START));
        await conn.waitForAck();
        await conn.write(bytes(["SET", "k", "1"]));
        // then nothing: no PING, the socket stays open
      },
      (conn) => conn.write(Buffer.concat([Buffer.from("+CONTINUE\r\n"), bytes(["SET", "k", "2"])])),
    ]);
    const errors: VeidrodelisError[] = [];
    const mirror = await connectTo(primary.port, { timeoutMs: 300 });
    mirror.on("error", (e) => errors.push(e));
    await waitUntil(() => mirror.get("k") === "2", 10_000, "the stalled link replaced");
    assert.equal(psyncs.length, 2);
    assert.match(errors[0].message, /no data from the primary/);
    assert.equal(mirror.stats().partialSyncs, 1);
    await mirror.close();
    await primary.stop();
  });

  test("the timeout applies during the RDB transfer too: a transfer that stops is dropped", async () => {
    const { primary } = await scriptedPrimary([
      async (conn) => {
        const reply = fullResync(REPL_A, START);
        await conn.write(reply.subarray(0, reply.length - 50)); // then silence, the socket open
      },
    ]);
    const failed = connectTo(primary.port, { timeoutMs: 200 });
    await assert.rejects(failed, (e: VeidrodelisError) => e.code === "CONNECTION" && /no data/.test(e.message));
    await primary.stop();
  });

  test("secondsSinceLastByte grows while the primary is silent", async () => {
    const { primary } = await scriptedPrimary([async (conn) => {
      await conn.write(fullResync(REPL_A, START));
    }]);
    const mirror = await connectTo(primary.port);
    await new Promise((r) => setTimeout(r, 120));
    assert.ok(mirror.stats().secondsSinceLastByte >= 0.1, String(mirror.stats().secondsSinceLastByte));
    await mirror.close();
    await primary.stop();
  });
});

describe("a primary dropping every full resync", () => {
  test("is reported with FullSyncLoopError, keeps backing off, and reads keep working", async (t) => {
    const disposed = t.mock.method(Store.prototype, "dispose");
    const { primary, psyncs } = await scriptedPrimary([
      async (conn) => {
        await conn.write(fullResync(REPL_A, START));
        await conn.waitForAck();
        await conn.write(bytes(["SET", "k", "v"]));
      },
      // what a primary does when the replica's output buffer overflows: half the RDB, then the connection closes
      async (conn) => {
        await conn.write(fullResync(REPL_B, 9000).subarray(0, 200));
        conn.destroy();
      },
    ]);
    const mirror = await connectTo(primary.port, { reconnectDelayMs: 5, maxReconnectDelayMs: 40 });
    await waitUntil(() => mirror.get("k") === "v");
    const loops: FullSyncLoopError[] = [];
    mirror.on("error", (e) => {
      if (e instanceof FullSyncLoopError) loops.push(e);
    });
    primary.connections[0].destroy();
    await waitUntil(() => loops.length >= 2, 10_000, "two loop reports");
    assert.equal(mirror.get("k"), "v", "the previous projection keeps serving reads");
    assert.equal(loops[0].failures, 3);
    assert.equal(loops[0].code, "CONNECTION");
    assert.match(loops[0].message, /client-output-buffer-limit replica/);
    assert.ok(mirror.stats().failedFullSyncs >= 4);
    assert.equal(mirror.stats().fullSyncs, 1);
    // the first retry still asked to resume; the primary refused with +FULLRESYNC
    assert.equal(psyncs[1][0], REPL_A);
    await mirror.close();
    // every failed transfer's store was released, then the live one by close()
    assert.equal(disposed.mock.callCount(), mirror.stats().failedFullSyncs + 1);
    await primary.stop();
  });
});
