import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { Mirror, type RdbLoadProgress, WrongTypeError } from "../../mod.ts";
import { type RedisServer, startRedis } from "../_support/redis_server.ts";
import { caughtUp, primaryOffset, waitUntil } from "../_support/sync.ts";

for (const diskless of ["yes", "no"]) {
  describe(`mirror of a real redis-server (repl-diskless-sync ${diskless})`, () => {
    let server: RedisServer;
    let mirror: Mirror;
    let ticksDuringLoad = 0;
    let progressEvents = 0;
    let lastProgress: RdbLoadProgress | null = null;

    before(async () => {
      server = await startRedis({ config: { "repl-diskless-sync": diskless, "repl-diskless-sync-delay": 0 } });
      const writer = server.client();
      for (let batch = 0; batch < 10; batch++) {
        const pipeline = writer.pipeline();
        for (let i = batch * 10_000; i < (batch + 1) * 10_000; i++) pipeline.set(`pre:${i}`, `value-${i}`);
        await pipeline.exec();
      }
      await writer.select(3);
      await writer.set("db3:key", "in three");
      await writer.set("with:ttl", "soon", "EX", 1000);
      await writer.rpush("a:list", "x", "y"); // a type the skeleton keeps as a placeholder
      // The load must leave the event loop running: timers fire while the RDB streams in.
      mirror = new Mirror({ port: server.port });
      const ticker = setInterval(() => {
        if (mirror.state === "replicating") ticksDuringLoad++;
      }, 0);
      mirror.on("progress", (progress) => {
        progressEvents++;
        lastProgress = progress;
      });
      try {
        await mirror.ready;
      } finally {
        clearInterval(ticker);
      }
    });

    after(async () => {
      await mirror?.close();
      await server?.stop();
    });

    test("the snapshot of 100k keys is loaded and the mirror is streaming", () => {
      assert.equal(mirror.state, "streaming");
      assert.equal(mirror.dbsize(), 100_000);
      assert.equal(mirror.get("pre:0"), "value-0");
      assert.equal(mirror.get("pre:99999"), "value-99999");
      assert.equal(mirror.get("missing"), null);
      assert.equal(mirror.db(3).get("db3:key"), "in three");
      assert.equal(mirror.db(3).type("a:list"), "list");
      assert.throws(() => mirror.db(3).get("a:list"), WrongTypeError);
      assert.ok(progressEvents > 1, "the RDB arrived and was decoded in several chunks");
      const last = lastProgress as RdbLoadProgress | null;
      assert.equal(last?.keys, 100_003, "progress counts the keys loaded");
      if (diskless === "no") assert.equal(last?.bytes, last?.totalBytes, "a $<len> transfer states its size");
      else assert.equal(last?.totalBytes, null, "an EOF-marked transfer has no stated size");
      assert.ok(ticksDuringLoad > 0, "timers ran during the load");
      const pttl = mirror.db(3).pttl("with:ttl");
      assert.ok(pttl > 990_000 && pttl <= 1_000_000, `pttl ${pttl}`);
    });

    test("every write made through ioredis afterwards is readable, and offsets agree", async () => {
      const writer = server.client();
      await writer.set("live:a", "1");
      await writer.set("live:b", Buffer.from([0, 255, 1]));
      await writer.incrby("live:a", 41);
      await writer.append("live:c", "hello");
      await writer.setrange("live:c", 8, "!");
      await writer.mset("m1", "x", "m2", "y");
      await writer.msetnx("m1", "no", "m3", "no");
      await writer.set("live:px", "t", "PX", 500_000);
      await writer.expire("pre:1", 2000);
      await writer.del("pre:2", "pre:3");
      await writer.rename("pre:4", "renamed:4");
      await writer.copy("pre:5", "copied:5");
      await writer.move("pre:6", 7);
      await writer.select(3);
      await writer.persist("with:ttl");
      await writer.select(9);
      await writer.set("db9:k", "nine");
      await writer.swapdb(9, 10);
      await caughtUp(mirror, server);

      assert.equal(mirror.get("live:a"), "42");
      assert.deepEqual([...mirror.asBytes.get("live:b")!], [0, 255, 1]);
      assert.deepEqual([...mirror.asBytes.get("live:c")!], [...Buffer.from("hello\0\0\0!")]);
      assert.deepEqual(mirror.mget("m1", "m2", "m3", "nope"), ["x", "y", null, null]);
      assert.ok(mirror.pttl("live:px") > 400_000);
      assert.ok(mirror.ttl("pre:1") > 1900 && mirror.ttl("pre:1") <= 2000);
      assert.equal(mirror.exists("pre:2", "pre:3", "pre:4", "renamed:4"), 1);
      assert.equal(mirror.get("copied:5"), "value-5");
      assert.equal(mirror.get("pre:6"), null);
      assert.equal(mirror.db(7).get("pre:6"), "value-6");
      assert.equal(mirror.db(10).get("db9:k"), "nine");
      assert.equal(mirror.db(9).dbsize(), 0);
      assert.equal(mirror.db(3).pttl("with:ttl"), -1);
      assert.equal(mirror.strlen("live:c"), 9);
      assert.equal(mirror.getrange("live:c", 0, 4), "hello");
      assert.equal(mirror.type("live:a"), "string");
      assert.equal(mirror.type("nothing"), "none");
    });

    test("once idle the mirror's offset equals the primary's master_repl_offset", async () => {
      const target = await caughtUp(mirror, server);
      await new Promise((r) => setTimeout(r, 100));
      assert.equal(mirror.offset, await primaryOffset(server));
      assert.ok(mirror.offset >= target);
    });

    test("the primary sees the mirror as an online replica acknowledging its offset", async () => {
      await waitUntil(
        async () => {
          const info = await server.info("replication");
          const line = info.slave0 ?? "";
          return line.includes("state=online") && line.includes(`offset=${mirror.offset}`);
        },
        5000,
        "the replica's ACK",
      );
    });
  });
}
