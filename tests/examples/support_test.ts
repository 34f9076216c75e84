/**
 * The examples' shared helpers: connecting (and the message when nothing
 * answers), the per-runtime HTTP adapter, and the `__vdr_tx` writer.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { Mirror } from "../../mod.ts";
import { getFreePort } from "../_support/ports.ts";
import { type RedisServer, startRedis } from "../_support/redis_server.ts";
import { waitUntil } from "../_support/sync.ts";
import { connectExample, redactUrl, SetupError } from "../../examples/_support/connect.ts";
import { currentRuntime, serve } from "../../examples/_support/serve.ts";
import { VDR_TX_MARKER, withVdrTx } from "../../examples/_support/vdr_tx.ts";

test("connectExample: nothing listening gives a SetupError that says what to do", async () => {
  const port = await getFreePort();
  await assert.rejects(connectExample(`redis://127.0.0.1:${port}`), (error: unknown) => {
    assert.ok(error instanceof SetupError);
    assert.match(error.message, new RegExp(`^No Redis reachable at redis://127\\.0\\.0\\.1:${port}`));
    assert.match(error.message, /REDIS_URL/);
    return true;
  });
});

test("redactUrl hides the password only", () => {
  assert.equal(redactUrl("redis://app:secret@db.internal:6380/2"), "redis://app:***@db.internal:6380/2");
  assert.equal(redactUrl("redis://127.0.0.1:6379"), "redis://127.0.0.1:6379");
});

test(`serve: the ${currentRuntime()} server passes method, path, query, headers and body both ways`, async () => {
  const server = await serve(async (request) => {
    const url = new URL(request.url);
    return Response.json({
      method: request.method,
      path: url.pathname,
      query: url.searchParams.get("q"),
      header: request.headers.get("x-probe"),
      body: await request.text(),
    }, { status: 201, headers: { "x-answer": "42" } });
  }, { port: 0 });
  try {
    const response = await fetch(`http://127.0.0.1:${server.port}/a/b?q=%C3%BE`, {
      method: "POST",
      headers: { "x-probe": "yes" },
      body: "þorn",
    });
    assert.equal(response.status, 201);
    assert.equal(response.headers.get("x-answer"), "42");
    assert.deepEqual(await response.json(), { method: "POST", path: "/a/b", query: "þ", header: "yes", body: "þorn" });
    const failing = await serve(() => Promise.reject(new Error("boom (expected in this test)")), { port: 0 });
    const original = console.error;
    console.error = () => {}; // the adapter logs the error; keep the test output clean
    try {
      assert.equal((await fetch(`http://127.0.0.1:${failing.port}/`)).status, 500);
    } finally {
      console.error = original;
      await failing.close();
    }
  } finally {
    await server.close();
  }
});

describe("connectExample and withVdrTx on a real redis-server", () => {
  let server: RedisServer;

  before(async () => {
    server = await startRedis({ config: { "repl-diskless-sync-delay": 0 } });
  });

  after(async () => {
    await server?.stop();
  });

  test("connects a mirror and a client; withVdrTx shows its writes to the mirror at once", async () => {
    const { mirror, redis, close } = await connectExample(server.url);
    try {
      assert.ok(mirror instanceof Mirror);
      assert.equal(mirror.state, "streaming");
      let seenInside: string | null = "unset";
      await withVdrTx(redis, async () => {
        await redis.set("tx:a", "1");
        await redis.set("tx:b", "2");
        // The mirror receives both and holds them back (syncWith would wait for the end: the offset stays put).
        const primary = Number((await server.info("replication")).master_repl_offset);
        await waitUntil(() => mirror.stats().receivedOffset >= primary, 5000, "the writes to arrive");
        seenInside = mirror.get("tx:a");
      });
      assert.equal(seenInside, null, "nothing of the transaction is visible before its end");
      await mirror.syncWith(redis);
      assert.deepEqual(mirror.mget("tx:a", "tx:b"), ["1", "2"]);
      assert.equal(await redis.exists(VDR_TX_MARKER), 0, "the marker is gone");
    } finally {
      await close();
    }
  });
});
