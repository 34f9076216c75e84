import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { AuthError, Mirror } from "../../mod.ts";
import { type RedisServer, startRedis } from "../_support/redis_server.ts";
import { caughtUp } from "../_support/sync.ts";

describe("authentication against a real redis-server", () => {
  let server: RedisServer;

  before(async () => {
    server = await startRedis({ config: { "repl-diskless-sync-delay": 0 } });
    await server.command("CONFIG", "SET", "requirepass", "s3cret");
    const admin = server.client({ password: "s3cret" });
    // The least a replica needs: nothing but the replication handshake.
    await admin.call("ACL", "SETUSER", "mirror", "on", ">mirror-pw", "-@all", "+psync", "+replconf", "+ping");
    await admin.set("k", "v");
  });

  after(async () => {
    await server?.client({ password: "s3cret" }).call("CONFIG", "SET", "requirepass", "");
    await server?.stop();
  });

  test("with the default user's password", async () => {
    const mirror = await Mirror.connect(`redis://:s3cret@127.0.0.1:${server.port}`);
    try {
      assert.equal(mirror.get("k"), "v");
    } finally {
      await mirror.close();
    }
  });

  test("with an ACL user allowed only +psync +replconf +ping", async () => {
    const mirror = await Mirror.connect({ port: server.port, username: "mirror", password: "mirror-pw" });
    try {
      const admin = server.client({ password: "s3cret" });
      await admin.set("k2", "v2");
      await caughtUp(mirror, admin);
      assert.equal(mirror.get("k2"), "v2");
    } finally {
      await mirror.close();
    }
  });

  test("a wrong password is an AuthError from connect()", async () => {
    await assert.rejects(Mirror.connect({ port: server.port, password: "wrong" }), AuthError);
  });
});
