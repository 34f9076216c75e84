import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { ConnectionError, Mirror } from "../../mod.ts";
import { type RedisServer, startRedis } from "../_support/redis_server.ts";
import { getFreePort } from "../_support/ports.ts";
import { caughtUp } from "../_support/sync.ts";
import { compareSnapshots, describeMismatch, snapshotPrimary, snapshotStore } from "../_support/compare.ts";
import { makeTestCertificates, type TestCertificates, tlsServerConfig } from "../_support/tls.ts";

const DATABASES = 4;

describe("mirror of a real redis-server over TLS", () => {
  let certs: TestCertificates;
  let server: RedisServer;
  let tlsPort: number;

  before(async () => {
    certs = makeTestCertificates();
    tlsPort = await getFreePort();
    server = await startRedis({ config: { ...tlsServerConfig(certs, tlsPort), "repl-diskless-sync-delay": 0 } });
    // Writes go through TLS as well (ioredis on the TLS port).
    const writer = server.client({ port: tlsPort, tls: { ca: certs.caPem, servername: "localhost" } });
    for (let batch = 0; batch < 5; batch++) {
      const pipeline = writer.pipeline();
      for (let i = batch * 2000; i < (batch + 1) * 2000; i++) {
        pipeline.set(`s:${i}`, `value-${i}`);
        pipeline.hset(`h:${i % 100}`, `f${i}`, i);
        pipeline.zadd(`z:${i % 50}`, i / 7, `m${i}`);
      }
      await pipeline.exec();
    }
    await writer.select(2);
    await writer.rpush("l", "a", "b", "c");
    await writer.sadd("set", "x", "y");
    await writer.set("ttl", "v", "EX", 1000);
  });

  after(async () => {
    await server?.stop();
    certs?.remove();
  });

  test("full sync, then streamed writes, verified with the CA", async () => {
    const mirror = await Mirror.connect({ port: tlsPort, tls: { ca: certs.caPem } });
    try {
      assert.equal(mirror.state, "streaming");
      assert.equal(mirror.get("s:0"), "value-0");
      const writer = server.client({ port: tlsPort, tls: { ca: certs.caPem, servername: "localhost" } });
      await writer.set("after", "sync");
      await writer.incrbyfloat("float", "1.5");
      await writer.multi().lpush("q", "1", "2").hset("h:0", "new", "field").exec();
      await writer.del("s:1");
      await caughtUp(mirror, server);
      assert.equal(mirror.get("after"), "sync");
      assert.equal(mirror.get("float"), "1.5");
      const admin = server.client();
      const mismatches = compareSnapshots(
        await snapshotPrimary(admin, DATABASES),
        snapshotStore(mirror.store!, DATABASES),
      );
      assert.deepEqual(mismatches.map(describeMismatch), []);
    } finally {
      await mirror.close();
    }
  });

  test("rediss:// with a CA and the certificate's host name", async () => {
    const mirror = await Mirror.connect({ url: `rediss://localhost:${tlsPort}/2`, tls: { ca: certs.caPem } });
    try {
      assert.deepEqual(mirror.lrange("l", 0, -1), ["a", "b", "c"]);
    } finally {
      await mirror.close();
    }
  });

  test("without the CA the connection is refused with a ConnectionError", async () => {
    await assert.rejects(
      Mirror.connect(`rediss://127.0.0.1:${tlsPort}`),
      (e: unknown) => e instanceof ConnectionError && /TLS handshake failed.*tls\.ca/s.test(e.message),
    );
    await assert.rejects(
      Mirror.connect({ port: tlsPort, tls: { ca: certs.otherCaPem } }),
      (e: unknown) => e instanceof ConnectionError && /TLS handshake failed/.test(e.message),
    );
  });

  test("a host name the certificate does not carry is refused", async () => {
    await assert.rejects(
      Mirror.connect({ port: tlsPort, tls: { ca: certs.caPem, servername: "elsewhere.example" } }),
      (e: unknown) => e instanceof ConnectionError && /TLS handshake failed/.test(e.message),
    );
  });

  test("plain TCP to the TLS port fails instead of hanging", async () => {
    await assert.rejects(Mirror.connect({ port: tlsPort, reconnectDelayMs: 10 }), ConnectionError);
  });
});

describe("mutual TLS (tls-auth-clients yes)", () => {
  let certs: TestCertificates;
  let server: RedisServer;
  let tlsPort: number;

  before(async () => {
    certs = makeTestCertificates();
    tlsPort = await getFreePort();
    server = await startRedis({ config: { ...tlsServerConfig(certs, tlsPort, true), "repl-diskless-sync-delay": 0 } });
    await server.client().set("k", "v");
  });

  after(async () => {
    await server?.stop();
    certs?.remove();
  });

  test("the mirror presents its client certificate", async () => {
    const tls = { ca: certs.caPem, cert: certs.clientCertPem, key: certs.clientKeyPem };
    const mirror = await Mirror.connect({ port: tlsPort, tls });
    try {
      assert.equal(mirror.get("k"), "v");
      const writer = server.client({ port: tlsPort, tls: { ...tls, servername: "localhost" } });
      await writer.set("k2", "v2");
      await caughtUp(mirror, server);
      assert.equal(mirror.get("k2"), "v2");
    } finally {
      await mirror.close();
    }
  });

  test("without a client certificate the server refuses the mirror", async () => {
    await assert.rejects(
      Mirror.connect({ port: tlsPort, tls: { ca: certs.caPem } }),
      (e: unknown) => e instanceof ConnectionError && /requires a client certificate/.test(e.message),
    );
  });
});
