// `veidrodelis mirror`: one-shot reads (--read, --eval, --json) against a real redis-server and an RDB file, and the
// one-line errors of a wrong URL, a refused port and refused credentials, run as a subprocess.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { getFreePort } from "../_support/ports.ts";
import { type RedisServer, startRedis } from "../_support/redis_server.ts";
import { fixturePath } from "../_support/fixtures.ts";
import { makeTestCertificates, tlsServerConfig } from "../_support/tls.ts";
import { runCli, startCli } from "./_cli_process.ts";

describe("veidrodelis mirror: one-shot reads against a real redis-server", () => {
  let server: RedisServer;

  before(async () => {
    server = await startRedis({ config: { "repl-diskless-sync-delay": 0 } });
    const redis = server.client();
    await redis.set("greeting", "hello world");
    await redis.hset("user:1", { name: "Alice", age: "42" });
    await redis.zadd("board", 10, "ann", 2.5, "bob");
    await redis.select(3);
    await redis.rpush("events", "a", "b", "c");
  });

  after(async () => {
    await server?.stop();
  });

  test("--read: every read in one transaction, printed as redis-cli does; a failed read gives exit 1", async () => {
    const run = await runCli([
      "mirror",
      server.url,
      "--read",
      "get greeting",
      "--read",
      "HGET user:1 name",
      "--read",
      'zrange board 0 -1 {"withScores": true}',
      "--read",
      "lrange greeting 0 -1",
      "--read",
      "get missing",
    ]);
    assert.equal(run.code, 1, run.stderr);
    assert.equal(
      run.stdout,
      [
        "> get greeting",
        '"hello world"',
        "> HGET user:1 name",
        '"Alice"',
        '> zrange board 0 -1 {"withScores": true}',
        '1) 1# "member" => "bob"',
        '   2# "score" => (double) 2.5',
        '2) 1# "member" => "ann"',
        '   2# "score" => (integer) 10',
        "> lrange greeting 0 -1",
        "(error) WRONGTYPE Operation against a key holding the wrong kind of value (expected list, key holds string)",
        "> get missing",
        "(nil)",
        "",
      ].join("\n"),
    );
    assert.match(run.stderr, /^live from 127\.0\.0\.1:\d+: \d+ keys, /);
  });

  test("--json and --eval on another database: a Lua read script with KEYS and ARGV", async () => {
    const run = await runCli([
      "mirror",
      `${server.url}/3`,
      "--quiet",
      "--json",
      "--read",
      "llen events",
      "--eval",
      "return {ts.lrange(KEYS[1], 0, -1), ARGV[1]}",
      "events",
      ",",
      "x y",
    ]);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stderr, "");
    assert.deepEqual(JSON.parse(run.stdout), [
      { read: "llen events", ok: true, value: 3 },
      { read: "eval return {ts.lrange(KEYS[1], 0, -1), ARGV[1]}", ok: true, value: [["a", "b", "c"], "x y"] },
    ]);
  });

  test("following: a status line every second with the keys and commands applied; Ctrl-C closes cleanly", async () => {
    const cli = startCli(["mirror", server.url]);
    try {
      await cli.waitForStdout(/^streaming {2}offset [\d,]+ {2}lag [^\n]* {2}4 keys {2}/m);
      await server.client().set("one-more", "x");
      // not a terminal: one line per second, the new key in a later one
      await cli.waitForStdout(/^streaming {2}offset [\d,]+ {2}lag [^\n]* {2}\d+ cmd\/s {2}5 keys {2}/m);
    } finally {
      cli.child.kill("SIGINT");
    }
    const code = await cli.exited;
    // (Deno's child_process reports a child it signalled as killed by the signal, whatever the child did)
    if (typeof Deno === "undefined") assert.equal(code, 0, cli.output.stderr);
    assert.match(
      cli.output.stderr,
      /^live from 127\.0\.0\.1:\d+: 4 keys, .*\nfollowing 127\.0\.0\.1:\d+ \(Ctrl-C to stop\)\nstopped: the mirror is closed\n$/,
    );
  });

  test("an RDB file as source: reads offline, no server", async () => {
    const run = await runCli([
      "mirror",
      fixturePath("rdb/generated/redis-7.0.15.rdb"),
      "--db",
      "15",
      "--quiet",
      "--read",
      "dbsize",
      "--eval",
      "return ts.type(KEYS[1])",
      "nothing-here",
    ]);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout, '> dbsize\n(integer) 6\n> eval return ts.type(KEYS[1])\n"none"\n');
  });
});

describe("veidrodelis mirror: errors are one line with an exit code", () => {
  test("a wrong URL: exit 2, nothing connects", async () => {
    let run = await runCli(["mirror", "http://127.0.0.1:6379"]);
    assert.equal(run.code, 2);
    assert.equal(run.stderr, "veidrodelis mirror: unsupported URL scheme http: (expected redis: or rediss:)\n");
    run = await runCli(["mirror", "localhost:6379", "--read", "get k"]);
    assert.equal(run.code, 2);
    assert.equal(
      run.stderr,
      "veidrodelis mirror: not a URL: localhost:6379, did you mean redis://localhost:6379? (see --help)\n",
    );
  });

  test("a refused port: exit 1, ECONNREFUSED explained", async () => {
    const port = await getFreePort(); // free a moment ago: nothing listens there
    const run = await runCli(["mirror", `redis://127.0.0.1:${port}`, "--read", "get k"]);
    assert.equal(run.code, 1);
    assert.equal(
      run.stderr,
      `veidrodelis mirror: cannot connect to 127.0.0.1:${port}: connection refused: is the server running, ` +
        "is the port right? (ECONNREFUSED)\n",
    );
  });

  test("refused credentials (requirepass): exit 1 with the server's reply; the right password works", async () => {
    const server = await startRedis({ config: { "repl-diskless-sync-delay": 0 } });
    await server.command("CONFIG", "SET", "requirepass", "s3cret");
    try {
      const host = `127.0.0.1:${server.port}`;
      let run = await runCli(["mirror", `redis://:wrong@${host}`, "--read", "dbsize"]);
      assert.equal(run.code, 1);
      assert.match(
        run.stderr,
        /^veidrodelis mirror: authentication failed: WRONGPASS .*\(give the password in the URL/,
      );
      assert.equal(run.stderr.split("\n").length, 2); // one line
      run = await runCli(["mirror", `redis://${host}`, "--read", "dbsize"]);
      assert.equal(run.code, 1);
      assert.match(run.stderr, /^veidrodelis mirror: authentication failed: NOAUTH /);
      run = await runCli(["mirror", `redis://${host}`, "--quiet", "--read", "dbsize"], {
        env: { VEIDRODELIS_PASSWORD: "s3cret" },
      });
      assert.equal(run.code, 0, run.stderr);
      assert.equal(run.stdout, "(integer) 0\n");
    } finally {
      // stop() shuts the server down through a connection without the password
      await server.client({ password: "s3cret" }).call("CONFIG", "SET", "requirepass", "");
      await server.stop();
    }
  });

  test("TLS: rediss:// with --tls-ca/--tls-cert/--tls-key (mutual TLS) reads; an unknown CA fails in one line", async () => {
    const certs = makeTestCertificates();
    const tlsPort = await getFreePort();
    const server = await startRedis({
      config: { ...tlsServerConfig(certs, tlsPort, true), "repl-diskless-sync-delay": 0 },
    });
    try {
      await server.client().set("over", "tls");
      const url = `rediss://127.0.0.1:${tlsPort}`;
      const files = ["--tls-ca", certs.caFile, "--tls-cert", certs.clientCertFile, "--tls-key", certs.clientKeyFile];
      let run = await runCli(["mirror", url, ...files, "--quiet", "--read", "get over"]);
      assert.equal(run.code, 0, run.stderr);
      assert.equal(run.stdout, '"tls"\n');
      run = await runCli(["mirror", url, "--tls-cert", certs.clientCertFile, "--tls-key", certs.clientKeyFile]);
      assert.equal(run.code, 1);
      assert.match(run.stderr, /^veidrodelis mirror: .*certificate.*\n$/i);
      run = await runCli(["mirror", url, "--tls-cert", certs.clientCertFile]);
      assert.equal(run.code, 2);
      assert.equal(run.stderr, "veidrodelis mirror: --tls-cert and --tls-key go together (see --help)\n");
    } finally {
      await server.stop();
      certs.remove();
    }
  });

  test("--help and --version", async () => {
    let run = await runCli(["mirror", "--help"]);
    assert.equal(run.code, 0);
    assert.match(run.stdout, /^usage: veidrodelis mirror <redis-url \| file\.rdb>/);
    assert.match(run.stdout, /--tls-ca <FILE>/);
    run = await runCli(["--version"]);
    assert.equal(run.code, 0);
    assert.match(run.stdout, /^veidrodelis \d+\.\d+\.\d+ \((node|deno|bun) [\d.]+\)\n$/);
  });
});
