import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { Mirror, ProtocolError, RdbError, type VeidrodelisError } from "../../mod.ts";
import { encodeCommand } from "../../src/resp/encode.ts";
import { type FakePrimary, type FakeReplicaConnection, startFakePrimary } from "../_support/fake_primary.ts";
import { readFixture } from "../_support/fixtures.ts";
import { waitUntil } from "../_support/sync.ts";

const REPL_ID = "a".repeat(40);
const rdb = readFixture("rdb/generated/redis-7.0.15.rdb");
const concat = (...parts: (Uint8Array | string)[]) =>
  Buffer.concat(parts.map((p) => (typeof p === "string" ? Buffer.from(p) : Buffer.from(p))));

function fullResync(payload: Uint8Array, declaredLength = payload.length): Buffer {
  return concat(`+FULLRESYNC ${REPL_ID} 0\r\n\n\n$${declaredLength}\r\n`, payload);
}

/** What each successive connection gets, in order. */
const scenarios: ((conn: FakeReplicaConnection) => Promise<void>)[] = [
  // 1: a good sync, a write, then a garbled frame.
  async (conn) => {
    await conn.write(concat(fullResync(rdb), encodeCommand(["SET", "str:short", "first"])));
    await conn.waitForAck({ minOffset: 1 });
    await conn.write("*2\r\n$3\r\nSET\r\n:1\r\n");
  },
  // 2: a truncated RDB: the transfer says it is shorter than the RDB really is.
  async (conn) => {
    await conn.write(fullResync(rdb.subarray(0, rdb.length - 100)));
  },
  // 3: a CRC mismatch.
  async (conn) => {
    const corrupt = Uint8Array.from(rdb);
    corrupt[corrupt.length - 1] ^= 0xff;
    await conn.write(fullResync(corrupt));
  },
  // 4: good again, with a new value.
  async (conn) => {
    await conn.write(concat(fullResync(rdb), encodeCommand(["SET", "str:short", "second"])));
  },
];

describe("bad input from a primary", () => {
  let primary: FakePrimary;
  let mirror: Mirror;
  const errors: VeidrodelisError[] = [];
  const states: string[] = [];

  before(async () => {
    let next = 0;
    primary = await startFakePrimary({ onPsync: (conn) => scenarios[Math.min(next++, scenarios.length - 1)](conn) });
  });

  after(async () => {
    await mirror?.close();
    await primary?.stop();
  });

  test("each bad input gives a typed error event and a reconnect; reads keep working", async () => {
    mirror = new Mirror({ port: primary.port, reconnectDelayMs: 5, maxReconnectDelayMs: 20 });
    mirror.on("error", (e) => errors.push(e));
    mirror.on("state", (s) => states.push(s));
    await mirror.ready;
    await waitUntil(() => mirror.get("str:short") === "first" || errors.length > 0, 5000, "the first write");

    const readsDuringFaults: (string | null)[] = [];
    await waitUntil(
      () => {
        readsDuringFaults.push(mirror.db(0).type("str:short"));
        return mirror.get("str:short") === "second";
      },
      10_000,
      "recovery after three bad inputs",
    );

    assert.equal(primary.connectionCount, 4);
    assert.ok(errors[0] instanceof ProtocolError, String(errors[0]));
    // The garbled frame starts right after the SET: its replication offset is that command's size.
    const setSize = encodeCommand(["SET", "str:short", "first"]).length;
    const offset = (errors[0] as ProtocolError).offset;
    assert.ok(offset >= setSize && offset < setSize + 20, `the protocol error names replication offset ${offset}`);
    assert.ok(errors[1] instanceof RdbError && errors[1].reason === "TRUNCATED", String(errors[1]));
    assert.ok(errors[2] instanceof RdbError && errors[2].reason === "CHECKSUM", String(errors[2]));
    assert.equal(errors.length, 3);
    assert.ok(readsDuringFaults.every((t) => t === "string"), "reads never failed while reconnecting");
    assert.deepEqual(states.filter((s) => s === "streaming").length, 2);
    assert.ok(states.includes("reconnecting"));
    assert.equal(mirror.state, "streaming");
  });
});

describe("a refused first sync", () => {
  test("connect() rejects with the typed error and leaves nothing running", async () => {
    const primary = await startFakePrimary({
      onPsync: (conn) => conn.write(fullResync(Uint8Array.from([...rdb.subarray(0, 9), 0x63]))),
    });
    try {
      await assert.rejects(Mirror.connect({ port: primary.port }), (e: unknown) => e instanceof RdbError);
    } finally {
      await primary.stop();
    }
  });

  test("a wrong password is an AuthError", async () => {
    const primary = await startFakePrimary({
      onCommand(conn, args) {
        if (args[0].toUpperCase() !== "AUTH") return false;
        void conn.write("-WRONGPASS invalid username-password pair or user is disabled.\r\n");
        return true;
      },
    });
    try {
      await assert.rejects(Mirror.connect({ port: primary.port, password: "nope" }), { code: "AUTH" });
    } finally {
      await primary.stop();
    }
  });
});
