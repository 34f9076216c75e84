import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { defaultConnector } from "../../src/net/mod.ts";
import { tlsNodeConnector } from "../../src/net/tls_node.ts";
import { denoTlsCovers, tlsDenoConnector } from "../../src/net/tls_deno.ts";
import { type TlsOptions, tlsSettings } from "../../src/net/tls_options.ts";
import type { Connector, Transport } from "../../src/net/transport.ts";
import { parseRedisUrl, resolveOptions } from "../../src/options.ts";
import { VeidrodelisError } from "../../src/errors.ts";
import { type RedisServer, startRedis } from "../_support/redis_server.ts";
import { getFreePort } from "../_support/ports.ts";
import { makeTestCertificates, type TestCertificates, tlsServerConfig } from "../_support/tls.ts";
import { runtimeName } from "../_support/leaks.ts";

/** Sends PING and resolves with what came back (or the close error). */
function ping(connector: Connector, port: number, host = "127.0.0.1"): Promise<string> {
  return new Promise((resolve, reject) => {
    let transport: Transport | undefined;
    let text = "";
    connector({ host, port }, {
      onData(chunk) {
        text += new TextDecoder().decode(chunk);
        if (text.endsWith("\r\n")) {
          transport?.close();
          resolve(text);
        }
      },
      onClose: (error) => reject(error ?? new Error("closed")),
    }).then((t) => {
      transport = t;
      t.write(new TextEncoder().encode("*1\r\n$4\r\nPING\r\n"));
    }, reject);
  });
}

describe("TLS options", () => {
  test("rediss:// turns TLS on; redis:// leaves it off", () => {
    assert.equal(parseRedisUrl("rediss://h:6380").tls, true);
    assert.equal(parseRedisUrl("redis://h:6380").tls, undefined);
    assert.deepEqual(resolveOptions({ url: "rediss://h:6380" }).tls, {});
    assert.equal(resolveOptions({ url: "redis://h:6380" }).tls, undefined);
  });

  test("explicit tls wins over the URL", () => {
    assert.deepEqual(resolveOptions({ url: "rediss://h", tls: { servername: "x" } }).tls, { servername: "x" });
    assert.equal(resolveOptions({ url: "rediss://h", tls: false }).tls, undefined);
    assert.deepEqual(resolveOptions({ url: "redis://h", tls: true }).tls, {});
  });

  test("verification is on by default; PEM bytes become text", () => {
    const settings = tlsSettings({ ca: new TextEncoder().encode("PEM") });
    assert.equal(settings.rejectUnauthorized, true);
    assert.equal(settings.ca, "PEM");
  });

  test("a client certificate without its key is an argument error", () => {
    assert.throws(
      () => resolveOptions({ tls: { cert: "x" } }),
      (e: unknown) => e instanceof VeidrodelisError && e.code === "ARGUMENT" && /cert and tls.key/.test(e.message),
    );
  });

  test("Deno's native TLS is used unless a setting needs node:tls", () => {
    assert.equal(denoTlsCovers(tlsSettings({ ca: "x" }), "127.0.0.1"), true);
    assert.equal(denoTlsCovers(tlsSettings({ servername: "127.0.0.1" }), "127.0.0.1"), true);
    assert.equal(denoTlsCovers(tlsSettings({ servername: "localhost" }), "127.0.0.1"), false);
    assert.equal(denoTlsCovers(tlsSettings({ rejectUnauthorized: false }), "127.0.0.1"), false);
  });
});

describe("TLS transports against a real redis-server", () => {
  let certs: TestCertificates;
  let server: RedisServer;
  let tlsPort: number;
  let mutual: RedisServer;
  let mutualPort: number;

  before(async () => {
    certs = makeTestCertificates();
    tlsPort = await getFreePort();
    server = await startRedis({ config: tlsServerConfig(certs, tlsPort) });
    mutualPort = await getFreePort();
    mutual = await startRedis({ config: tlsServerConfig(certs, mutualPort, true) });
  });

  after(async () => {
    await server?.stop();
    await mutual?.stop();
    certs?.remove();
  });

  const connectors: Array<[string, (options: TlsOptions) => Connector]> = [
    ["node:tls", tlsNodeConnector],
    ["default for this runtime", (options) => defaultConnector(options)],
  ];
  if (runtimeName === "deno") connectors.push(["Deno.connectTls", tlsDenoConnector]);

  for (const [name, make] of connectors) {
    describe(name, () => {
      test("verifies the server with the given CA", async () => {
        assert.equal(await ping(make({ ca: certs.caPem }), tlsPort), "+PONG\r\n");
      });

      test("checks the name given as servername", async () => {
        assert.equal(await ping(make({ ca: certs.caPem, servername: "localhost" }), tlsPort), "+PONG\r\n");
        await assert.rejects(
          ping(make({ ca: certs.caPem, servername: "wrong.example" }), tlsPort),
          /TLS handshake failed/,
        );
      });

      test("refuses a server whose certificate is not signed by a trusted CA", async () => {
        await assert.rejects(ping(make({}), tlsPort), /TLS handshake failed: .*pass tls\.ca/s);
        await assert.rejects(ping(make({ ca: certs.otherCaPem }), tlsPort), /TLS handshake failed/);
      });

      test("rejectUnauthorized: false accepts any certificate", async () => {
        assert.equal(await ping(make({ rejectUnauthorized: false }), tlsPort), "+PONG\r\n");
      });

      test("a refused port is a connection error, not a TLS one", async () => {
        const closed = await getFreePort();
        await assert.rejects(ping(make({ ca: certs.caPem }), closed), (e: Error) => !/TLS/.test(e.message));
      });

      test("mutual TLS: the client certificate is presented", async () => {
        const options = { ca: certs.caPem, cert: certs.clientCertPem, key: certs.clientKeyPem };
        assert.equal(await ping(make(options), mutualPort), "+PONG\r\n");
        // Without one the server ends the connection (TLS 1.3: after the client's side of the handshake).
        await assert.rejects(ping(make({ ca: certs.caPem }), mutualPort));
      });

      test("pause() and resume() exist and input sent while paused arrives after resume()", async () => {
        const received: string[] = [];
        let arrived: () => void = () => {};
        const transport = await make({ ca: certs.caPem })({ host: "127.0.0.1", port: tlsPort }, {
          onData(chunk) {
            received.push(new TextDecoder().decode(chunk));
            if (received.join("").split("\r\n").length > 2) arrived();
          },
          onClose() {},
        });
        try {
          assert.ok(transport.pause && transport.resume, "the TLS transport can pause");
          const both = new Promise<void>((resolve) => arrived = resolve);
          transport.pause();
          transport.write(new TextEncoder().encode("*1\r\n$4\r\nPING\r\n*2\r\n$4\r\nECHO\r\n$2\r\nhi\r\n"));
          transport.resume();
          await both;
          assert.equal(received.join(""), "+PONG\r\n$2\r\nhi\r\n");
        } finally {
          transport.close();
        }
      });
    });
  }
});
