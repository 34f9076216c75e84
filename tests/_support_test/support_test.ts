// Tests of the test-support code itself. Run: node tests/run.mjs all tests/_support_test/support_test.ts
import { describe, it, test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import net from "node:net";
import { Buffer } from "node:buffer";
import { startRedis } from "../_support/redis_server.ts";
import { chunkSizes, type FakeReplicaConnection, replayCapture, startFakePrimary } from "../_support/fake_primary.ts";
import { getFreePort, isPortClosed } from "../_support/ports.ts";
import {
  decodeJsonString,
  encodeJsonString,
  expectedKeys,
  fixturePath,
  loadExpected,
  readFixture,
} from "../_support/fixtures.ts";
import { encodeCommand, RespCommandParser } from "../_support/resp.ts";
import { activeResources, leakedSince, runtimeName } from "../_support/leaks.ts";

const delay = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** A bare-bones replica: sends the handshake, collects everything the primary sends. */
class RawReplica {
  socket: net.Socket;
  received: Buffer = Buffer.alloc(0);
  private waiters: Array<() => void> = [];
  constructor(port: number) {
    this.socket = net.connect({ port, host: "127.0.0.1" });
    this.socket.on("data", (d: Buffer) => {
      this.received = Buffer.concat([this.received, d]);
      for (const w of this.waiters.splice(0)) w();
    });
    this.socket.on("error", () => {});
  }
  send(...args: string[]): void {
    this.socket.write(encodeCommand(args));
  }
  /** Waits until at least n bytes were received (or throws after timeoutMs). */
  async waitBytes(n: number, timeoutMs = 10000): Promise<Buffer> {
    const deadline = Date.now() + timeoutMs;
    while (this.received.length < n) {
      if (Date.now() > deadline) throw new Error(`got ${this.received.length} of ${n} bytes`);
      await Promise.race([new Promise<void>((r) => this.waiters.push(r)), delay(50)]);
    }
    return this.received;
  }
  close(): Promise<void> {
    return new Promise((r) => {
      if (this.socket.destroyed) return r();
      this.socket.once("close", () => r());
      this.socket.destroy();
    });
  }
}

describe("startRedis", () => {
  it("starts a server on a free port, set/get through the tracked client, stop leaves nothing", async () => {
    const before = activeResources();
    const srv = await startRedis();
    assert.notEqual(srv.port, 6379);
    assert.equal(srv.host, "127.0.0.1");
    assert.equal(srv.url, `redis://127.0.0.1:${srv.port}`);
    assert.ok(fs.existsSync(srv.dir));
    assert.ok(processAlive(srv.pid));
    const c = srv.client();
    assert.equal(await c.set("k", "v"), "OK");
    assert.equal(await c.get("k"), "v");
    const info = await srv.info("server");
    assert.match(info.redis_version, /^\d+\.\d+\.\d+$/);
    assert.equal(info.process_id, String(srv.pid));
    assert.equal(info.tcp_port, String(srv.port));
    assert.deepEqual(await srv.command("CONFIG", "GET", "save"), [Buffer.from("save"), Buffer.from("")]);
    assert.deepEqual(await srv.command("CONFIG", "GET", "appendonly"), [Buffer.from("appendonly"), Buffer.from("no")]);
    await assert.rejects(srv.command("NOSUCHCOMMAND"), /unknown command/i);

    await srv.stop();
    await srv.stop(); // idempotent
    assert.equal(srv.running, false);
    assert.equal(processAlive(srv.pid), false);
    assert.equal(fs.existsSync(srv.dir), false);
    assert.equal(await isPortClosed(srv.port), true);
    assert.equal(c.status, "end");
    assert.throws(() => srv.client(), /stopping/);
    assert.deepEqual(await leakedSince(before), {}, "handles left open after stop()");
  });

  it("passes config and args; several servers run side by side", async () => {
    const servers = await Promise.all([
      startRedis({ config: { "maxmemory-policy": "allkeys-lru", databases: 4 } }),
      startRedis({ config: { save: ["900", "1"] } }),
      startRedis({ args: ["--hz", "50"] }),
    ]);
    try {
      assert.equal(new Set(servers.map((s) => s.port)).size, 3);
      assert.deepEqual(await servers[0].command("CONFIG", "GET", "maxmemory-policy"), [
        Buffer.from("maxmemory-policy"),
        Buffer.from("allkeys-lru"),
      ]);
      assert.deepEqual(await servers[0].command("CONFIG", "GET", "databases"), [
        Buffer.from("databases"),
        Buffer.from("4"),
      ]);
      assert.deepEqual(await servers[1].command("CONFIG", "GET", "save"), [Buffer.from("save"), Buffer.from("900 1")]);
      assert.deepEqual(await servers[2].command("CONFIG", "GET", "hz"), [Buffer.from("hz"), Buffer.from("50")]);
    } finally {
      await Promise.all(servers.map((s) => s.stop()));
    }
    for (const s of servers) assert.equal(processAlive(s.pid), false);
  });

  it("fails clearly for a missing binary or a bad config", async () => {
    await assert.rejects(startRedis({ binary: "/nonexistent/redis-server" }), /cannot run .*ENOENT|cannot run/);
    await assert.rejects(
      startRedis({ config: { "no-such-directive": "1" } }),
      /exited .*during start-up[\s\S]*no-such-directive/i,
    );
  });

  it("getFreePort gives a port that can be bound", async () => {
    const p = await getFreePort();
    assert.ok(p > 0 && p < 65536);
    const srv = net.createServer();
    await new Promise<void>((res, rej) => srv.once("error", rej).listen(p, "127.0.0.1", () => res()));
    assert.equal(await isPortClosed(p), false);
    await new Promise<void>((res) => srv.close(() => res()));
    assert.equal(await isPortClosed(p), true);
  });
});

describe("RespCommandParser", () => {
  it("parses commands split at every byte, plus inline commands", () => {
    const bytes = Buffer.concat([
      encodeCommand(["REPLCONF", "ACK", "123"]),
      Buffer.from("PING\r\n"),
      encodeCommand(["SET", "k\r\n", Buffer.from([0, 255]) as unknown as string]),
      encodeCommand(["EMPTY", ""]),
    ]);
    const p = new RespCommandParser();
    const got: Buffer[][] = [];
    for (let i = 0; i < bytes.length; i++) got.push(...p.push(bytes.subarray(i, i + 1)));
    assert.deepEqual(got.map((c) => c.map((b) => b.toString("latin1"))), [
      ["REPLCONF", "ACK", "123"],
      ["PING"],
      ["SET", "k\r\n", "\x00\xff"],
      ["EMPTY", ""],
    ]);
    assert.equal(p.pending, 0);
  });
});

describe("fake primary", () => {
  it("answers the handshake, records commands and ACKs, runs the PSYNC scenario", async () => {
    const before = activeResources();
    let scenarioConn: FakeReplicaConnection | undefined;
    const primary = await startFakePrimary({
      async onPsync(conn, args) {
        scenarioConn = conn;
        assert.deepEqual(args, ["?", "-1"]);
        await conn.write("+FULLRESYNC 0123456789012345678901234567890123456789 0\r\n");
        const off = await conn.waitForAck();
        await conn.writeChunked(`+GOT ${off}\r\n`, [1, 2]);
      },
    });
    const r = new RawReplica(primary.port);
    r.send("PING");
    await r.waitBytes(7);
    r.send("AUTH", "secret");
    r.send("REPLCONF", "listening-port", "0");
    r.send("REPLCONF", "capa", "eof", "capa", "psync2");
    const psync = primary.waitForPsync();
    r.send("PSYNC", "?", "-1");
    await psync;
    const head = "+PONG\r\n+OK\r\n+OK\r\n+OK\r\n+FULLRESYNC 0123456789012345678901234567890123456789 0\r\n";
    assert.equal((await r.waitBytes(head.length)).toString(), head);
    const ack = primary.waitForAck({ minOffset: 10 });
    r.send("REPLCONF", "ACK", "7");
    r.send("REPLCONF", "ACK", "12", "FACK", "3");
    assert.equal(await ack, 12);
    assert.equal((await r.waitBytes(head.length + "+GOT 7\r\n".length)).toString(), head + "+GOT 7\r\n");
    await delay(50);
    assert.equal(r.received.length, head.length + 8, "REPLCONF ACK must never be answered");
    assert.deepEqual(primary.commands, [
      ["PING"],
      ["AUTH", "secret"],
      ["REPLCONF", "listening-port", "0"],
      ["REPLCONF", "capa", "eof", "capa", "psync2"],
      ["PSYNC", "?", "-1"],
      ["REPLCONF", "ACK", "7"],
      ["REPLCONF", "ACK", "12", "FACK", "3"],
    ]);
    assert.deepEqual(primary.acks, [7, 12]);
    assert.equal(primary.connectionCount, 1);
    assert.equal(scenarioConn?.id, 1);
    assert.deepEqual(scenarioConn?.acks, [7, 12]);
    assert.deepEqual(primary.scenarioErrors, []);

    // a second connection is counted; a waiting ACK is rejected when the primary stops
    const r2 = new RawReplica(primary.port);
    r2.send("PING");
    await r2.waitBytes(7);
    assert.equal(primary.connectionCount, 2);
    const pending = assert.rejects(primary.connections[1].waitForAck(), /closed/);
    await primary.stop();
    await pending;
    await r.close();
    await r2.close();
    assert.deepEqual(await leakedSince(before), {}, "handles left open after stop()");
  });

  it("feeds a real redis-server replica (RDB from a real SAVE, then commands)", async () => {
    // make an RDB with a real server
    const src = await startRedis();
    let rdb: Buffer;
    try {
      const c = src.client();
      await c.set("from-rdb", "yes");
      await c.rpush("list", "a", "b", "c");
      await c.save();
      rdb = fs.readFileSync(`${src.dir}/dump.rdb`);
    } finally {
      await src.stop();
    }
    const cmds = Buffer.concat([
      encodeCommand(["SELECT", "0"]),
      encodeCommand(["SET", "from-stream", "yes"]),
      encodeCommand(["RPUSH", "list", "d"]),
    ]);
    const primary = await startFakePrimary({
      async onPsync(conn) {
        await conn.write(
          Buffer.concat([Buffer.from(`+FULLRESYNC ${"a".repeat(40)} 0\r\n\n\n$${rdb.length}\r\n`), rdb]),
        );
        await conn.writeChunked(cmds, { seed: 42, min: 1, max: 7 });
      },
    });
    const replica = await startRedis({ config: { replicaof: ["127.0.0.1", primary.port] } });
    try {
      assert.equal(await primary.waitForAck({ minOffset: cmds.length, timeoutMs: 15000 }), cmds.length);
      const c = replica.client();
      assert.equal(await c.get("from-rdb"), "yes");
      assert.equal(await c.get("from-stream"), "yes");
      assert.deepEqual(await c.lrange("list", 0, -1), ["a", "b", "c", "d"]);
      const info = await replica.info("replication");
      assert.equal(info.role, "slave");
      assert.equal(info.master_link_status, "up");
      assert.equal(info.master_replid, "a".repeat(40));
      assert.equal(info.slave_repl_offset, String(cmds.length));
      assert.deepEqual(primary.commands.find((x) => x[0].toUpperCase() === "PSYNC")?.slice(1), ["?", "-1"]);
    } finally {
      await replica.stop();
      await primary.stop();
    }
  });
});

describe("replayCapture", () => {
  const names = ["redis-7.0.15", "redis-unstable-4f8cdc2a", "valkey-unstable-55bbbe09"];
  for (const name of names) {
    it(`${name}: splits stream.bin into FULLRESYNC+RDB transfer and command stream`, () => {
      const cap = replayCapture(name);
      const { capture, head, commandStream, stream } = cap;
      assert.equal(head.length + commandStream.length, stream.length);
      assert.equal(commandStream.length, capture.master_repl_offset_at_end - capture.initial_offset);
      const h = Buffer.from(head);
      const line = capture.fullresync_line + "\r\n";
      assert.equal(h.subarray(0, line.length).toString("latin1"), line);
      const rdb = Buffer.from(cap.rdbPayload());
      assert.equal(rdb.length, capture.rdb_payload_bytes);
      assert.equal(rdb.subarray(0, 9).toString("latin1"), capture.rdb_magic);
      let rest = h.subarray(line.length + capture.newlines_before_rdb);
      if (capture.rdb_transfer_format === "length") {
        const hdr = `$${rdb.length}\r\n`;
        assert.equal(rest.subarray(0, hdr.length).toString("latin1"), hdr);
        assert.ok(rest.subarray(hdr.length).equals(rdb));
      } else {
        const m = /^\$EOF:(.{40})\r\n/s.exec(rest.subarray(0, 47).toString("latin1"));
        assert.ok(m, "EOF-mark header");
        rest = rest.subarray(47);
        assert.ok(rest.subarray(0, rdb.length).equals(rdb));
        assert.equal(rest.subarray(rdb.length).toString("latin1"), m![1]);
      }
      assert.match(Buffer.from(commandStream.subarray(0, 40)).toString("latin1"), /^\*2\r\n\$6\r\nSELECT\r\n/i);
      assert.ok(Object.keys(cap.finalExpected().databases).length > 0);
    });
  }

  it("faithful mode holds the command stream back until the first ACK (eof-marker capture)", async () => {
    const cap = replayCapture("valkey-unstable-55bbbe09");
    const primary = await startFakePrimary({ onPsync: cap.faithful() });
    const r = new RawReplica(primary.port);
    try {
      r.send("PSYNC", "?", "-1");
      await r.waitBytes(cap.head.length);
      await delay(100);
      assert.equal(r.received.length, cap.head.length, "command stream sent before the ACK");
      r.send("REPLCONF", "ACK", "0");
      const all = await r.waitBytes(cap.stream.length);
      assert.ok(all.equals(Buffer.from(cap.stream)));
      assert.deepEqual(primary.scenarioErrors, []);
    } finally {
      await r.close();
      await primary.stop();
    }
  });

  it("faithful mode for a $<len> capture sends everything without waiting", async () => {
    const cap = replayCapture("redis-7.0.15");
    const primary = await startFakePrimary({ onPsync: cap.faithful() });
    const r = new RawReplica(primary.port);
    try {
      r.send("PSYNC", "?", "-1");
      assert.ok((await r.waitBytes(cap.stream.length)).equals(Buffer.from(cap.stream)));
    } finally {
      await r.close();
      await primary.stop();
    }
  });

  it("robust mode delivers the same bytes in seeded random chunks", async () => {
    const cap = replayCapture("redis-unstable-4f8cdc2a");
    assert.deepEqual(chunkSizes(1000, { seed: 3, max: 100 }), chunkSizes(1000, { seed: 3, max: 100 }));
    assert.notDeepEqual(chunkSizes(1000, { seed: 3, max: 100 }), chunkSizes(1000, { seed: 4, max: 100 }));
    assert.equal(chunkSizes(1000, { seed: 3, max: 100 }).reduce((a, b) => a + b, 0), 1000);
    assert.deepEqual(chunkSizes(10, [3, 4]), [3, 4, 3]);
    const primary = await startFakePrimary({ onPsync: cap.robust({ seed: 9, max: 8192 }) });
    const r = new RawReplica(primary.port);
    try {
      r.send("PSYNC", "?", "-1");
      assert.ok((await r.waitBytes(cap.stream.length)).equals(Buffer.from(cap.stream)));
      assert.deepEqual(primary.scenarioErrors, []);
    } finally {
      await r.close();
      await primary.stop();
    }
  });
});

test("fixtures: paths, $b64: strings, expected.json loader", () => {
  assert.ok(fixturePath("replication/README.md").endsWith("/fixtures/replication/README.md"));
  assert.throws(() => fixturePath("nope/nothing.bin"), /fixture not found/);
  assert.equal(Buffer.from(decodeJsonString("$b64:JGI2NDpBQUFB")).toString("latin1"), "$b64:AAAA");
  assert.deepEqual([...decodeJsonString("$b64:/3Y=")], [0xff, 0x76]);
  assert.deepEqual([...decodeJsonString("\u0000f")], [0, 0x66]);
  assert.equal(encodeJsonString(Buffer.from("$b64:AAAA")), "$b64:JGI2NDpBQUFB");
  assert.equal(encodeJsonString(Buffer.from([0xff, 0x76])), "$b64:/3Y=");
  assert.equal(encodeJsonString(Buffer.from("héllo")), "héllo");
  const dump = loadExpected("rdb/generated/redis-7.0.15.expected.json");
  const keys = expectedKeys(dump);
  const lookalike = keys.find((k) => Buffer.from(k.key).toString("latin1") === "str:b64-lookalike");
  assert.ok(lookalike);
  assert.equal(Buffer.from(decodeJsonString(lookalike!.entry.value as string)).toString("latin1"), "$b64:AAAA");
  assert.equal(
    Buffer.from(readFixture("rdb/generated/redis-7.0.15.rdb").subarray(0, 9)).toString("latin1"),
    "REDIS0010",
  );
});

test(`runtime detection (${runtimeName})`, () => {
  assert.ok(["node", "deno", "bun"].includes(runtimeName));
});
