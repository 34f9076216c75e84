// Fault tests against real redis-servers, through a fault-injecting proxy (tests/_support/fault_proxy.ts).
//
// One primary (restarted in place as the scenarios require), one mirror connected through the proxy, a reader
// reading the mirror every millisecond and a writer writing numbered updates (`upd:<n>` = n) to the primary the
// whole time. Each scenario states beforehand how many full and partial resyncs it expects; afterwards:
//   - the mirror's counters moved by exactly that,
//   - no read failed,
//   - the projection equals the primary key by key (compareSnapshots),
//   - every update the primary acknowledged is in the mirror,
// and at the end no handle is left open.
//
// Decisions:
//   - A corrupt frame (a '*' turned into '!') is a protocol error found by the parser before the command is
//     applied: every unit applied before it is intact, so a partial resync from the applied offset is safe.
//     (Corruption inside a bulk string's payload cannot be seen by any replica: RESP has no checksum.)
//   - "Kill during streaming" runs two ways: SHUTDOWN SAVE NOW then a restart from the dump (the dump carries the
//     replication id and offset, which a restarted Redis 7.0 primary keeps as its secondary id: partial), and a
//     SIGKILL with AOF persistence (appendfsync always: nothing acknowledged is lost; the AOF holds no
//     replication id, so the restarted primary has a new one: full).
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import process from "node:process";
import type { Redis } from "ioredis";
import { Mirror } from "../../mod.ts";
import { type RedisServer, startRedis } from "../_support/redis_server.ts";
import { type FaultProxy, startFaultProxy } from "../_support/fault_proxy.ts";
import { caughtUp, waitUntil } from "../_support/sync.ts";
import { compareSnapshots, describeMismatch, snapshotPrimary, snapshotStore } from "../_support/compare.ts";
import { activeResources, leakedSince } from "../_support/leaks.ts";

const DATABASES = 16;
const CONFIG = {
  "repl-diskless-sync-delay": 0,
  "repl-ping-replica-period": 1,
  appendonly: "yes",
  appendfsync: "always",
  "enable-debug-command": "local",
};
const STAR = 0x2a;
const BANG = 0x21;
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Writes `upd:<n>` = n, one at a time, counting what the primary acknowledged. */
class Writer {
  acked = 0;
  #client: Redis | null = null;
  #paused = false;
  #busy = false;
  #running = true;
  #done: Promise<void>;

  constructor(client: Redis) {
    this.#client = client;
    this.#done = this.#loop();
  }

  use(client: Redis): void {
    this.#client = client;
  }

  pause(): void {
    this.#paused = true;
  }

  resume(): void {
    this.#paused = false;
  }

  /** Pauses and resolves once no write is in flight. */
  async settle(): Promise<void> {
    this.pause();
    await waitUntil(() => !this.#busy, 10_000, "the writer to pause");
  }

  async stop(): Promise<void> {
    this.#running = false;
    await this.#done;
  }

  async #loop(): Promise<void> {
    while (this.#running) {
      if (this.#paused || this.#client === null) {
        await sleep(5);
        continue;
      }
      const n = this.acked + 1;
      this.#busy = true;
      try {
        await this.#client.set(`upd:${n}`, String(n));
        this.acked = n;
      } catch {
        await sleep(10); // the primary is down: the same update is written again later
      } finally {
        this.#busy = false;
      }
      await sleep(1);
    }
  }
}

describe("faults: the mirror through cuts, stalls, corruption and primary restarts", () => {
  const leaksBefore = activeResources();
  const copies: string[] = [];
  let primary: RedisServer;
  /** Where the primary keeps its files (a restarted one: the copy it was started on, not its own temp dir). */
  let dataDir: string;
  let proxy: FaultProxy;
  let mirror: Mirror;
  let writer: Writer;
  let checker: Redis;
  let reads = 0;
  const readFailures: string[] = [];
  const errors: string[] = [];
  let reader: ReturnType<typeof setInterval> | undefined;

  const writerClient = (server: RedisServer) =>
    server.client({ maxRetriesPerRequest: 0, enableOfflineQueue: false, retryStrategy: () => null });

  before(async () => {
    primary = await startRedis({ config: CONFIG });
    dataDir = primary.dir;
    proxy = await startFaultProxy({ port: primary.port });
    checker = primary.client();
    await checker.set("stable", "yes");
    mirror = await Mirror.connect({
      port: proxy.port,
      reconnectDelayMs: 20,
      maxReconnectDelayMs: 200,
      timeoutMs: 1500,
      databases: DATABASES,
    });
    mirror.on("error", (e) => errors.push(e.message));
    writer = new Writer(writerClient(primary));
    reader = setInterval(() => {
      try {
        const stable = mirror.get("stable");
        if (stable !== "yes") readFailures.push(`stable read ${stable} in state ${mirror.state}`);
        const first = mirror.get("upd:1");
        if (first !== null && first !== "1") readFailures.push(`upd:1 read ${first}`);
        mirror.dbsize();
        reads++;
      } catch (error) {
        readFailures.push(`read threw ${String(error)} in state ${mirror.state}`);
      }
    }, 1);
  });

  after(async () => {
    clearInterval(reader);
    await writer?.stop();
    await mirror?.close();
    await proxy?.close();
    await primary?.stop();
    for (const dir of copies) fs.rmSync(dir, { recursive: true, force: true });
    // ioredis arms a 2 s timer when a client disconnects (AbstractConnector.disconnect): let those run out
    assert.deepEqual(await leakedSince(leaksBefore, 3000), {}, "no handle is left open");
  });

  /** Stops `primary` (SHUTDOWN SAVE NOW, or SIGKILL), restarts it from a copy of its files, points the proxy at it. */
  async function restartPrimary(how: "save" | "kill", config: Record<string, string | number>): Promise<void> {
    const old = primary;
    if (how === "save") await old.command("SHUTDOWN", "SAVE", "NOW").catch(() => {});
    else process.kill(old.pid, "SIGKILL");
    await waitUntil(() => !old.running, 10_000, "the primary to exit");
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "veidrodelis-restart-"));
    copies.push(dir);
    fs.cpSync(dataDir, dir, { recursive: true });
    dataDir = dir;
    await old.stop();
    primary = await startRedis({ config: { ...config, dir } });
    checker = primary.client();
    proxy.setTarget(primary.port);
    writer.use(writerClient(primary));
  }

  /** Runs `fault`, then checks the counters, the reads, the content and the updates. */
  async function scenario(expected: { full: number; partial: number }, fault: () => Promise<void>): Promise<void> {
    const before = mirror.stats();
    const readsBefore = reads;
    await fault();
    await waitUntil(
      () => {
        const s = mirror.stats();
        return s.state === "streaming" && s.fullSyncs - before.fullSyncs >= expected.full &&
          s.partialSyncs - before.partialSyncs >= expected.partial;
      },
      20_000,
      `${expected.full} full and ${expected.partial} partial resyncs (errors: ${errors.join("; ")})`,
    );
    await sleep(50); // writes keep flowing after the resync
    await writer.settle();
    try {
      await caughtUp(mirror, primary, 20_000);
      const after = mirror.stats();
      assert.deepEqual(
        { full: after.fullSyncs - before.fullSyncs, partial: after.partialSyncs - before.partialSyncs },
        expected,
        `resyncs (errors: ${errors.join("; ")})`,
      );
      assert.ok(after.reconnects > before.reconnects);
      assert.deepEqual(readFailures, []);
      assert.ok(reads > readsBefore, "the reader kept reading");
      const mismatches = compareSnapshots(
        await snapshotPrimary(checker, DATABASES),
        snapshotStore(mirror.store, DATABASES),
      );
      assert.deepEqual(mismatches.map(describeMismatch), []);
      assert.ok(writer.acked > 0);
      const missing: number[] = [];
      for (let n = 1; n <= writer.acked; n++) if (mirror.get(`upd:${n}`) !== String(n)) missing.push(n);
      assert.deepEqual(missing.slice(0, 10), [], `${missing.length} acknowledged updates missing`);
      assert.equal(mirror.stats().lagBytes, 0);
    } finally {
      writer.resume();
    }
  }

  test("the link is cut: partial resync", async () => {
    await sleep(100);
    await scenario({ full: 0, partial: 1 }, () => {
      proxy.cut();
      return Promise.resolve();
    });
  });

  test("the link stalls past timeoutMs: dropped, then a partial resync", async () => {
    await sleep(100);
    await scenario({ full: 0, partial: 1 }, async () => {
      const seen = errors.length;
      proxy.stall();
      await waitUntil(
        () => errors.slice(seen).some((e) => /no data from the primary/.test(e)),
        10_000,
        "the stall to be detected",
      );
      proxy.unstall();
    });
  });

  test("a byte of the stream is corrupted (a frame start): protocol error, partial resync", async () => {
    await sleep(100);
    await scenario({ full: 0, partial: 1 }, async () => {
      const seen = errors.length;
      await proxy.corruptNext(STAR, BANG);
      await waitUntil(() => errors.slice(seen).some((e) => /expected '\*'/.test(e)), 10_000, "the protocol error");
    });
  });

  test("the primary shuts down (SHUTDOWN SAVE NOW) and restarts from its dump: partial resync", async () => {
    await sleep(100);
    // restarted without AOF so that it loads the dump, which carries the replication id and offset
    await scenario({ full: 0, partial: 1 }, () => restartPrimary("save", { ...CONFIG, appendonly: "no" }));
  });

  test("the primary is killed (SIGKILL, AOF) and restarts with a new replication id: full resync", async () => {
    await checker.config("SET", "appendonly", "yes");
    await waitUntil(
      async () => {
        const info = await primary.info("persistence");
        return info.aof_enabled === "1" && info.aof_rewrite_in_progress === "0" && info.aof_rewrite_scheduled === "0";
      },
      20_000,
      "the AOF to be written",
    );
    await sleep(100);
    const replId = mirror.stats().replId;
    await scenario({ full: 1, partial: 0 }, () => restartPrimary("kill", CONFIG));
    assert.notEqual(mirror.stats().replId, replId);
  });

  test("the primary is killed during the RDB transfer of a forced full resync (200k keys): full resync", async () => {
    await checker.call("DEBUG", "POPULATE", "200000");
    await caughtUp(mirror, primary);
    const failedBefore = mirror.stats().failedFullSyncs;
    await scenario({ full: 1, partial: 0 }, async () => {
      proxy.setDelay(15);
      let loaded = 0;
      const off = mirror.on("progress", (p) => (loaded = p.bytes));
      mirror.resync();
      await waitUntil(() => loaded > 256 * 1024, 20_000, "a part of the RDB to arrive");
      off();
      assert.equal(mirror.state, "replicating");
      assert.equal(mirror.get("stable"), "yes", "the previous projection serves reads during the transfer");
      // Kill first, then lift the delay: lifted first, the rest of the transfer could arrive and load before the kill.
      const restarted = restartPrimary("kill", CONFIG);
      proxy.setDelay(0);
      await restarted;
    });
    assert.equal(mirror.stats().failedFullSyncs - failedBefore, 1);
  });
});
