/**
 * RESTORE through the command table: DUMP payloads produced by a real
 * redis-server for every type and encoding it writes, restored into a Store
 * and compared with the server's own content; then the options and the
 * refusals, checked against what the server itself does.
 */

import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { after, before, describe, it } from "node:test";
import type { Redis } from "ioredis";
import { Store } from "../../src/_wasm/store.ts";
import { CommandError } from "../../src/commands/args.ts";
import { lookupCommand } from "../../src/commands/table.ts";
import { type RedisServer, startRedis } from "../_support/redis_server.ts";
import { conv, type Entry, storeEntry, Writer } from "../rdb/_helpers.ts";

const te = new TextEncoder();
const NOW = 1_700_000_000_000;
const RESTORE = lookupCommand(te.encode("RESTORE"))!;

function arg(a: string | number | Uint8Array): Uint8Array {
  return typeof a === "string" ? te.encode(a) : typeof a === "number" ? te.encode(String(a)) : a;
}

/** RESTORE key ttl payload [options…] applied to `store` (db 0) as the replication layer would. */
function restore(store: Store, key: string, ttl: number | string, payload: Uint8Array, ...options: string[]): void {
  RESTORE.apply({ store, db: 0, now: () => NOW }, ["RESTORE", key, ttl, payload, ...options].map(arg));
}

function restoreFails(
  store: Store,
  pattern: RegExp,
  key: string,
  ttl: number | string,
  payload: Uint8Array,
  ...options: string[]
) {
  assert.throws(() => restore(store, key, ttl, payload, ...options), (e) => {
    assert.ok(e instanceof CommandError, `expected CommandError, got ${e}`);
    assert.match(e.message, pattern);
    return true;
  });
}

/** Scores as numbers, -0 as 0 (listpack zsets lose the sign, skiplists keep it). */
function normalized(e: Entry): Entry {
  if (e.type !== "zset") return e;
  return { ...e, value: (e.value as [string, number][]).map(([m, s]) => [m, s === 0 ? 0 : s]) };
}

function score(text: string): number {
  if (text === "inf") return Infinity;
  if (text === "-inf") return -Infinity;
  return Number(text);
}

/** A key as the server holds it, in the fixtures' JSON shape. */
async function serverEntry(client: Redis, key: string): Promise<Entry> {
  const type = await client.type(key);
  const e: Entry = { type };
  const raw = async (name: string, ...args: string[]) => (await client.callBuffer(name, ...args)) as Buffer[];
  switch (type) {
    case "string":
      e.value = conv((await client.getBuffer(key))!);
      break;
    case "list":
      e.value = (await raw("LRANGE", key, "0", "-1")).map(conv);
      break;
    case "set":
      e.value = (await raw("SMEMBERS", key)).sort(Buffer.compare).map(conv);
      break;
    case "zset": {
      const flat = (await raw("ZRANGE", key, "0", "-1", "WITHSCORES")).flat(); // pairs under RESP3
      const pairs: [string, number][] = [];
      for (let i = 0; i < flat.length; i += 2) pairs.push([conv(flat[i]), score(flat[i + 1].toString())]);
      e.value = pairs;
      break;
    }
    case "hash": {
      const flat = await raw("HGETALL", key);
      if (!Array.isArray(flat)) throw new Error("HGETALL: expected a flat array");
      const h: Record<string, string> = {};
      for (let i = 0; i < flat.length; i += 2) h[conv(flat[i])] = conv(flat[i + 1]);
      e.value = h;
      break;
    }
  }
  const at = Number(await client.call("PEXPIRETIME", key));
  if (at >= 0) e.expire_at_ms = at;
  return e;
}

const bigText = (n: number, seed: string) => Array.from({ length: n }, (_, i) => seed[i % seed.length]).join("");

/** One key per encoding Redis 7.0 writes; `encoding` is what OBJECT ENCODING must say. */
const CASES: { key: string; encoding: string; make(c: Redis): Promise<unknown> }[] = [
  { key: "str:int", encoding: "int", make: (c) => c.set("str:int", "12345") },
  { key: "str:neg", encoding: "int", make: (c) => c.set("str:neg", "-1") },
  { key: "str:int64min", encoding: "int", make: (c) => c.set("str:int64min", "-9223372036854775808") },
  { key: "str:int32", encoding: "int", make: (c) => c.set("str:int32", "-2147483648") },
  { key: "str:embstr", encoding: "embstr", make: (c) => c.set("str:embstr", "hello") },
  { key: "str:empty", encoding: "embstr", make: (c) => c.set("str:empty", "") },
  { key: "str:binary", encoding: "embstr", make: (c) => c.set("str:binary", Buffer.from([0, 255, 1, 0, 0xc3])) },
  { key: "str:lzf", encoding: "raw", make: (c) => c.set("str:lzf", bigText(25_000, "abcabcabd")) },
  {
    key: "str:random",
    encoding: "raw",
    make: (c) => c.set("str:random", Buffer.from(Array.from({ length: 3000 }, (_, i) => (i * 7919 + 13) % 251))),
  },
  { key: "list:small", encoding: "quicklist", make: (c) => c.rpush("list:small", "a", "b", "", "a", "1", "-1") },
  {
    key: "list:ints",
    encoding: "quicklist",
    make: (c) =>
      c.rpush(
        "list:ints",
        ..."0 12 13 -1 127 128 -128 200 -5000 4095 -4096 40000 8388607 -8388608 2147483647 -2147483648 4294967296 9223372036854775807 -9223372036854775808 007 +1"
          .split(" "),
      ),
  },
  {
    key: "list:large",
    encoding: "quicklist",
    make: (c) => c.rpush("list:large", ...Array.from({ length: 600 }, (_, i) => `${i}:` + bigText(1000, `elem${i}`))),
  },
  {
    key: "list:plain",
    encoding: "quicklist",
    async make(c) {
      // Elements above the packed threshold become PLAIN quicklist nodes (container 1).
      await c.call("DEBUG", "QUICKLIST-PACKED-THRESHOLD", "1000");
      await c.rpush("list:plain", "head", bigText(20_000, "p"), "mid", bigText(9_000, "q"), "tail");
    },
  },
  { key: "list:lpushed", encoding: "quicklist", make: (c) => c.lpush("list:lpushed", "1", "2", "3") },
  { key: "set:intset16", encoding: "intset", make: (c) => c.sadd("set:intset16", 1, 2, -3, 300) },
  { key: "set:intset32", encoding: "intset", make: (c) => c.sadd("set:intset32", 70000, -70000, 5) },
  { key: "set:intset64", encoding: "intset", make: (c) => c.sadd("set:intset64", "1099511627776", "-1099511627776") },
  { key: "set:small", encoding: "hashtable", make: (c) => c.sadd("set:small", "x", "y", "z", "") },
  {
    key: "set:large",
    encoding: "hashtable",
    make: (c) => c.sadd("set:large", ...Array.from({ length: 300 }, (_, i) => `member:${i}`)),
  },
  {
    key: "set:large-ints",
    encoding: "hashtable",
    make: (c) => c.sadd("set:large-ints", ...Array.from({ length: 600 }, (_, i) => i * 37 - 5000)),
  },
  {
    key: "set:binary",
    encoding: "hashtable",
    make: (c) => c.sadd("set:binary", Buffer.from([0]), Buffer.from([255, 254]), "plain"),
  },
  {
    key: "zset:small",
    encoding: "listpack",
    make: (c) =>
      c.zadd(
        "zset:small",
        ..."inf a -inf b 0 c -0 d 1e300 e -1e-300 f 3.14159 g 2.5 h 9007199254740993 i 1 j 1 k".split(" "),
      ),
  },
  {
    key: "zset:large",
    encoding: "skiplist",
    async make(c) {
      const args: (string | number)[] = [];
      for (let i = 0; i < 200; i++) args.push(i % 3 === 0 ? i : i / 7, `m${i}`);
      args.push(
        "inf",
        "pinf",
        "-inf",
        "ninf",
        "-0",
        "negzero",
        "1e300",
        "huge",
        "3.14159",
        "pi",
        1,
        "tie-b",
        1,
        "tie-a",
      );
      await c.zadd("zset:large", ...args);
    },
  },
  {
    key: "zset:longmember",
    encoding: "skiplist",
    make: (c) => c.zadd("zset:longmember", 1, bigText(100, "L"), 2, "s"),
  },
  {
    key: "hash:small",
    encoding: "listpack",
    make: (c) => c.hset("hash:small", "a", "1", "", "empty-field", "empty-value", "", "n", "-42"),
  },
  {
    key: "hash:large",
    encoding: "hashtable",
    make: (c) => c.hset("hash:large", ...Array.from({ length: 600 }, (_, i) => [`field${i}`, `value${i}`]).flat()),
  },
  {
    key: "hash:longvalue",
    encoding: "hashtable",
    make: (c) => c.hset("hash:longvalue", "f", bigText(100, "V"), "g", "1"),
  },
  {
    key: "hash:binary",
    encoding: "listpack",
    make: (c) => c.hset("hash:binary", Buffer.from([0, 1]), Buffer.from([255]), "k", Buffer.from([0xc3, 0x28])),
  },
  { key: "stream:s", encoding: "stream", make: (c) => c.xadd("stream:s", "*", "f", "v") },
];

describe("RESTORE of real DUMP payloads (redis-server 7.0)", () => {
  let server: RedisServer;
  let client: Redis;
  const payloads = new Map<string, Buffer>();
  const expected = new Map<string, Entry>();

  before(async () => {
    server = await startRedis({ config: { "enable-debug-command": "yes", "list-compress-depth": 1 } });
    client = server.client();
    for (const c of CASES) await c.make(client);
    for (const c of CASES) {
      assert.equal(await client.call("OBJECT", "ENCODING", c.key), c.encoding, `${c.key}: encoding on the server`);
      payloads.set(c.key, (await client.dumpBuffer(c.key))!);
      expected.set(c.key, await serverEntry(client, c.key));
    }
  });

  after(async () => {
    await server?.stop();
  });

  for (const c of CASES) {
    it(`${c.key} (${c.encoding})`, () => {
      const store = new Store();
      restore(store, c.key, 0, payloads.get(c.key)!);
      const want = expected.get(c.key)!;
      const got = storeEntry(store, 0, te.encode(c.key));
      if (want.type === "stream") assert.deepEqual(got, { type: "stream" });
      else assert.deepEqual(normalized(got), normalized(want));
      store.dispose();
    });
  }

  it("LZF-compressed quicklist nodes were part of the payloads", () => {
    // list-compress-depth 1 keeps interior nodes compressed; RDB saves them as LZF blobs (0xC3).
    assert.ok(payloads.get("list:large")!.includes(0xc3));
  });

  it("list:plain is a quicklist of five nodes (type 18): its two large elements are PLAIN nodes", () => {
    const p = payloads.get("list:plain")!;
    assert.deepEqual([p[0], p[1], p[2]], [18, 5, 2]); // type, node count, first node PACKED
  });

  it("ABSTTL stores the time as given; a relative TTL counts from the clock; 0 means none", async () => {
    const store = new Store();
    restore(store, "abs", 4102444800123, payloads.get("hash:small")!, "ABSTTL");
    restore(store, "rel", 5000, payloads.get("list:small")!);
    restore(store, "none", 0, payloads.get("str:int")!, "ABSTTL");
    assert.equal(storeEntry(store, 0, te.encode("abs")).expire_at_ms, 4102444800123);
    assert.equal(storeEntry(store, 0, te.encode("rel")).expire_at_ms, NOW + 5000);
    assert.equal(storeEntry(store, 0, te.encode("none")).expire_at_ms, undefined);
    // The server agrees on the absolute form.
    await client.call("RESTORE", "srv:abs", 4102444800123, payloads.get("hash:small")!, "ABSTTL");
    assert.equal(await client.call("PEXPIRETIME", "srv:abs"), 4102444800123);
    store.dispose();
  });

  it("a TTL already in the past is stored as given (a replica waits for the primary's DEL)", () => {
    const store = new Store();
    restore(store, "past", 1000, payloads.get("zset:small")!, "ABSTTL");
    const got = storeEntry(store, 0, te.encode("past"));
    assert.equal(got.expire_at_ms, 1000);
    assert.equal(got.type, "zset");
    store.dispose();
  });

  it("without REPLACE an existing key is refused (BUSYKEY), as the server does", async () => {
    const store = new Store();
    restore(store, "k", 0, payloads.get("str:embstr")!);
    restoreFails(store, /BUSYKEY/, "k", 0, payloads.get("list:small")!);
    assert.equal(storeEntry(store, 0, te.encode("k")).value, "hello");
    await client.set("srv:busy", "x");
    await assert.rejects(client.call("RESTORE", "srv:busy", 0, payloads.get("list:small")!), /BUSYKEY/);
    store.dispose();
  });

  it("REPLACE over every type, placeholders included; the old TTL goes with the old value", () => {
    const store = new Store();
    const order = ["str:embstr", "list:large", "set:intset16", "zset:large", "hash:large", "stream:s", "set:small"];
    restore(store, "k", 4102444800000, payloads.get(order[0])!, "ABSTTL");
    for (const source of order.slice(1)) {
      restore(store, "k", 0, payloads.get(source)!, "REPLACE");
      const got = storeEntry(store, 0, te.encode("k"));
      assert.equal(got.expire_at_ms, undefined, source);
      if (source === "stream:s") assert.deepEqual(got, { type: "stream" });
      else assert.deepEqual(normalized(got), normalized(expected.get(source)!), source);
    }
    // REPLACE of an absent key just creates it
    restore(store, "fresh", 0, payloads.get("str:int")!, "REPLACE");
    assert.equal(storeEntry(store, 0, te.encode("fresh")).value, "12345");
    store.dispose();
  });

  it("options the server accepts are accepted: IDLETIME, FREQ, any case and order", async () => {
    const store = new Store();
    const p = payloads.get("str:int")!;
    const accepted: string[][] = [
      ["REPLACE", "ABSTTL"],
      ["absttl", "replace", "IDLETIME", "100"],
      ["IDLETIME", "9223372036854775807"],
      ["FREQ", "255", "REPLACE"],
      ["freq", "0"],
    ];
    for (const [i, options] of accepted.entries()) {
      restore(store, `ok${i}`, 0, p, ...options);
      assert.equal(await client.call("RESTORE", `srv:ok${i}`, 0, p, ...options), "OK", options.join(" "));
    }
    store.dispose();
  });

  it("arguments the server refuses are refused", async () => {
    const store = new Store();
    const p = payloads.get("str:int")!;
    const refused: [string, string[], RegExp][] = [
      ["-1", [], /Invalid TTL/],
      ["abc", [], /not an integer/],
      ["0", ["IDLETIME", "-1"], /IDLETIME/],
      ["0", ["FREQ", "256"], /FREQ/],
      ["0", ["FREQ", "-1"], /FREQ/],
      ["0", ["IDLETIME", "1", "FREQ", "1"], /syntax/],
      ["0", ["FREQ", "1", "IDLETIME", "1"], /syntax/],
      ["0", ["IDLETIME"], /syntax/],
      ["0", ["KEEPTTL"], /syntax/],
    ];
    for (const [i, [ttl, options, pattern]] of refused.entries()) {
      restoreFails(store, pattern, `bad${i}`, ttl, p, ...options);
      assert.equal(store.find(0, `bad${i}`), 0);
      await assert.rejects(client.call("RESTORE", `srv:bad${i}`, ttl, p, ...options), pattern, options.join(" "));
    }
    store.dispose();
  });

  it("a damaged payload is refused and leaves the existing key as it was", async () => {
    const store = new Store();
    restore(store, "k", 0, payloads.get("list:small")!);
    const before = storeEntry(store, 0, te.encode("k"));
    const damaged = Buffer.from(payloads.get("hash:large")!);
    damaged[20] ^= 1;
    restoreFails(store, /checksum/, "k", 0, damaged, "REPLACE");
    await assert.rejects(client.call("RESTORE", "srv:damaged", 0, damaged), /checksum/);
    const newer = Buffer.from(payloads.get("str:int")!);
    newer[newer.length - 10] = 16; // past the newest RDB version the decoder knows (15)
    restoreFails(store, /version/, "k", 0, newer, "REPLACE");
    // Valid checksum, broken value: a list announcing 3 elements that holds 2.
    const short = new Writer().raw(1).len(3).str("x").str("y").raw(10, 0).bytes(true);
    restoreFails(store, /bad DUMP payload/, "k", 0, short, "REPLACE");
    await assert.rejects(client.call("RESTORE", "srv:short", 0, Buffer.from(short)), /Bad data format/);
    assert.deepEqual(storeEntry(store, 0, te.encode("k")), before);
    // and nothing half-written when the key was absent
    restoreFails(store, /bad DUMP payload/, "absent", 0, short);
    assert.equal(store.find(0, "absent"), 0);
    store.dispose();
  });
});

describe("RESTORE of payloads Redis 7.0 cannot write", () => {
  it("a Redis 7.4 hash with field TTLs (type 25, listpack) keeps each field's TTL", () => {
    const store = new Store();
    const lp = listpack(["f1", "v1", "0", "f2", "v2", "4102444800123"]);
    const payload = new Writer().raw(25).i64(4102444800123).str(lp).raw(12, 0).bytes(true);
    restore(store, "h", 4102444900000, payload, "ABSTTL");
    assert.deepEqual(storeEntry(store, 0, te.encode("h")), {
      type: "hash",
      value: { f1: "v1", f2: "v2" },
      field_expire_at_ms: { f2: 4102444800123 },
      expire_at_ms: 4102444900000,
    });
    store.dispose();
  });

  it("a listpack set (type 20, Redis 7.2+)", () => {
    const store = new Store();
    const payload = new Writer().raw(20).str(listpack(["b", "a", "7"])).raw(11, 0).bytes(true);
    restore(store, "s", 0, payload);
    assert.deepEqual(storeEntry(store, 0, te.encode("s")), { type: "set", value: ["7", "a", "b"] });
    store.dispose();
  });
});

/** A listpack of short string entries (7-bit length encoding). */
function listpack(items: string[]): Uint8Array {
  const body: number[] = [];
  for (const item of items) {
    const b = te.encode(item);
    const entry = [0x80 | b.length, ...b];
    body.push(...entry, entry.length);
  }
  const total = 6 + body.length + 1;
  return new Uint8Array([
    total & 255,
    (total >> 8) & 255,
    (total >> 16) & 255,
    total >>> 24,
    items.length & 255,
    items.length >> 8,
    ...body,
    0xff,
  ]);
}
