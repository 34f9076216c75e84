/**
 * Watches, transactions and read-your-writes against a real redis-server.
 *
 * The atomicity tests put a splitting proxy between the primary and the
 * mirror (a connector wrapper: every chunk is cut into pieces of 1-16 bytes
 * delivered one per macrotask), so a transaction's bytes arrive over many
 * turns of the event loop; a reader observing between those turns must
 * never see part of it.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { Mirror, type WatchEvent } from "../../mod.ts";
import { defaultConnector } from "../../src/net/mod.ts";
import type { Connector } from "../../src/net/mod.ts";
import { type RedisServer, startRedis } from "../_support/redis_server.ts";
import { seededRandom } from "../_support/random.ts";
import { waitUntil } from "../_support/sync.ts";

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

/** A connector whose input arrives in pieces of 1-16 bytes, one piece per macrotask. */
function splittingConnector(seed: number): Connector {
  const random = seededRandom(seed);
  return async (endpoint, handlers) => {
    const queue: Uint8Array[] = [];
    let draining = false;
    const drain = () => {
      const piece = queue.shift();
      if (piece === undefined) {
        draining = false;
        return;
      }
      handlers.onData(piece);
      setTimeout(drain, 0);
    };
    return await defaultConnector()(endpoint, {
      onData(chunk) {
        for (let at = 0; at < chunk.length;) {
          const n = 1 + Math.floor(random() * 16);
          queue.push(chunk.slice(at, at + n));
          at += n;
        }
        if (!draining) {
          draining = true;
          setTimeout(drain, 0);
        }
      },
      onClose: (error) => handlers.onClose(error),
    });
  };
}

describe("watches on a real redis-server", () => {
  let server: RedisServer;
  let mirror: Mirror;

  before(async () => {
    server = await startRedis({ config: { "repl-diskless-sync-delay": 0 } });
    mirror = await Mirror.connect({ port: server.port });
  });

  after(async () => {
    await mirror?.close();
    await server?.stop();
  });

  test("every kind of write fires the watch of each key it writes, after the change is readable", async () => {
    const redis = server.client();
    const writes: [keys: string[], command: (string | number)[]][] = [
      [["s"], ["SET", "s", "1"]],
      [["s"], ["APPEND", "s", "2"]],
      [["s"], ["INCR", "s"]],
      [["m1", "m2"], ["MSET", "m1", "a", "m2", "b"]],
      [["h"], ["HSET", "h", "f", "v"]],
      [["l"], ["RPUSH", "l", "a", "b"]],
      [["l", "l2"], ["LMOVE", "l", "l2", "LEFT", "RIGHT"]],
      [["st"], ["SADD", "st", "x"]],
      [["z"], ["ZADD", "z", 1, "a"]],
      [["zu", "z"], ["ZUNIONSTORE", "zu", 1, "z"]],
      [["s"], ["EXPIRE", "s", 1000]],
      [["s", "s2"], ["RENAME", "s", "s2"]],
      [["s2", "c"], ["COPY", "s2", "c"]],
      [["bits"], ["SETBIT", "bits", 7, 1]],
      [["bits"], ["BITFIELD", "bits", "SET", "u8", 8, 255]],
      [["hll"], ["PFADD", "hll", "a", "b"]],
      [["geo"], ["GEOADD", "geo", 13.361389, 38.115556, "Palermo"]],
      [["h"], ["HINCRBY", "h", "n", 2]],
      [["h"], ["HDEL", "h", "f"]],
      [["st"], ["SREM", "st", "x"]],
      [["z"], ["ZINCRBY", "z", 2, "a"]],
      [["l2"], ["LPOP", "l2"]],
      [["c"], ["PERSIST", "c"]],
      [["stream"], ["XADD", "stream", "*", "f", "v"]],
      [["m1", "m2"], ["DEL", "m1", "m2"]],
    ];
    for (const [keys, command] of writes) {
      const seen = new Map<string, WatchEvent>();
      const readable: boolean[] = [];
      const stops = keys.map((key) =>
        mirror.watch(key, (event) => {
          seen.set(key, event);
          readable.push(
            mirror.exists(key) === 1 || ["DEL", "RENAME", "HDEL", "SREM", "LPOP"].includes(String(command[0])),
          );
        })
      );
      await redis.call(String(command[0]), ...command.slice(1).map(String));
      await mirror.syncWith(redis);
      for (const stop of stops) stop();
      for (const key of keys) {
        const event = seen.get(key);
        assert.ok(event?.type === "update", `${command.join(" ")}: no update for ${key}`);
        assert.equal(text(event.key), key);
        assert.ok(event.command.length > 0); // as propagated (EXPIRE arrives as PEXPIREAT)
      }
      assert.ok(readable.every(Boolean), `${command.join(" ")}: the change was readable in the callback`);
    }
  });

  test("prefix watches, an async iterator, flush events and init after a forced resync", async () => {
    const redis = server.client();
    const prefixed: string[] = [];
    const stopPrefix = mirror.watchPrefix("orders:", (e) => e.type === "update" && prefixed.push(text(e.key)));
    const controller = new AbortController();
    const stream = mirror.changes({ prefix: "" }, { signal: controller.signal });
    await redis.set("orders:1", "a");
    await redis.set("other", "b");
    await redis.set("orders:2", "c");
    await mirror.syncWith(redis);
    assert.deepEqual(prefixed, ["orders:1", "orders:2"]);
    stopPrefix();
    const types: string[] = [];
    const flushes = (async () => {
      for await (const event of stream) {
        types.push(event.type);
        if (event.type === "init") break;
      }
    })();
    await redis.flushdb();
    await redis.swapdb(0, 1);
    await mirror.syncWith(redis); // (a resync before the SWAPDB arrived would report it as the init)
    mirror.resync();
    await flushes;
    // FLUSHDB and SWAPDB 0 1 each flush db 0 (SWAPDB's flush of db 1 reaches db 1's watches)
    assert.deepEqual(types.filter((t) => t !== "update"), ["flush", "flush", "init"]);
    controller.abort();
    await waitUntil(() => mirror.state === "streaming");
  });

  test("a resync whose snapshot holds an open __vdr_tx goes live only after the marker's deletion", async () => {
    const redis = server.client();
    await redis.set("tx:a", "old");
    await mirror.syncWith(redis);
    await redis.set("__vdr_tx", "1", "PX", 10_000);
    await redis.set("tx:a", "half"); // the snapshot of the resync will hold this, and the marker
    let lives = 0;
    const off = mirror.on("live", () => lives++);
    mirror.resync();
    await new Promise((resolve) => setTimeout(resolve, 500)); // the transfer is done, the projection held back
    assert.equal(lives, 0, "not live while the transaction is open");
    assert.equal(mirror.get("tx:a"), "old", "the previous projection keeps answering");
    await redis.set("tx:b", "rest");
    await redis.del("__vdr_tx");
    await waitUntil(() => lives === 1, 10_000, "the held projection to go live");
    off();
    assert.equal(mirror.get("tx:a"), "half");
    assert.equal(mirror.get("tx:b"), "rest");
    assert.equal(mirror.exists("__vdr_tx"), 0);
  });

  test("syncWith: whatever the client wrote before is readable right after", async () => {
    const redis = server.client();
    for (let i = 0; i < 50; i++) {
      await redis.set("ryw", String(i));
      await mirror.syncWith(redis);
      assert.equal(mirror.get("ryw"), String(i));
    }
    await assert.rejects(mirror.waitForOffset(Number.MAX_SAFE_INTEGER, { timeoutMs: 20 }), { code: "TIMEOUT" });
  });
});

describe("readers never see half a transaction, even when its bytes arrive in pieces", () => {
  let server: RedisServer;
  let mirror: Mirror;
  const KEYS = Array.from({ length: 100 }, (_, i) => `acct:${i}`);

  before(async () => {
    server = await startRedis({ config: { "repl-diskless-sync-delay": 0 } });
    mirror = await Mirror.connect({ port: server.port, connector: splittingConnector(7) });
  });

  after(async () => {
    await mirror?.close();
    await server?.stop();
  });

  /** Sets every key to `from`, then runs `transfer` (to `to`) while observing; checks each observation. */
  async function observe(from: string, to: string, transfer: () => Promise<unknown>): Promise<void> {
    const redis = server.client();
    await redis.mset(...KEYS.flatMap((k) => [k, from]));
    await mirror.syncWith(redis, { timeoutMs: 30_000 });
    const states = new Set<string>();
    let observing = true;
    const observer = (async () => {
      while (observing) {
        const values = mirror.mget(...KEYS); // one synchronous read of all 100 keys
        const distinct = new Set(values);
        assert.equal(distinct.size, 1, `partial state observed: ${[...distinct].join(", ")}`);
        states.add(values[0]!);
        await new Promise((resolve) => setTimeout(resolve, 0)); // let the stream in between reads
      }
    })();
    let observations = 0;
    const counting = setInterval(() => observations++, 0);
    await transfer();
    await mirror.syncWith(redis, { timeoutMs: 30_000 });
    await waitUntil(() => states.has(to), 5_000, "the observer to see the new state");
    clearInterval(counting);
    observing = false;
    await observer;
    assert.deepEqual([...states].sort(), [from, to].sort(), "the observer saw the state before and after");
    assert.ok(observations > 10, `the event loop turned ${observations} times while the transfer streamed in`);
  }

  test("MULTI / EXEC", async () => {
    const redis = server.client();
    await observe("m0", "m1", () => redis.multi(KEYS.map((k) => ["set", k, "m1"])).exec());
  });

  test("an EVAL script", async () => {
    const redis = server.client();
    const script = "for i, k in ipairs(KEYS) do redis.call('SET', k, ARGV[1]) end";
    await observe("e0", "e1", () => redis.eval(script, KEYS.length, ...KEYS, "e1"));
  });

  test("__vdr_tx", async () => {
    const redis = server.client();
    await observe("t0", "t1", async () => {
      await redis.set("__vdr_tx", "1", "PX", 10_000);
      for (const key of KEYS) await redis.set(key, "t1"); // separate round trips: nothing groups them
      await redis.del("__vdr_tx");
    });
  });
});
