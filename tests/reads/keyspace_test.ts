// Keyspace reads (src/reads/keyspace.ts) against the primary as the oracle: EXPIRETIME/PEXPIRETIME, SCAN (full
// coverage with MATCH, TYPE and COUNT, compared as sets with the primary's SCAN), KEYS, RANDOMKEY, the byte-ordered
// iterators kfirst/klast/knext/kprev and OBJECT ENCODING, over thousands of keys of every type, binary keys and the
// empty key, with TTLs; keys whose TTL passed are checked through a second mirror whose clock is ahead.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { VeidrodelisError } from "../../src/errors.ts";
import { Mirror } from "../../mod.ts";
import { seededRandom } from "../_support/random.ts";
import { caughtUp } from "../_support/sync.ts";
import { type Oracle, startOracle } from "./_oracle.ts";

let o: Oracle;
/** A mirror whose clock runs AHEAD ms ahead: keys with a TTL under it are expired there. */
let later: Mirror;
const AHEAD = 500_000;
const rand = seededRandom(901);
const int = (lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1));
const TYPES = ["string", "list", "set", "zset", "hash", "stream"] as const;

/** latin1 text of key bytes: a Map key that keeps every byte. */
const id = (b: Uint8Array) => Buffer.from(b).toString("latin1");
const bytesOf = (s: string) => Buffer.from(s, "latin1");

/** Every key of db 0, by latin1 id: its type and absolute expiry (-1: none). */
const keyspace = new Map<string, { type: string; expireAt: number }>();

function randomKeyName(i: number): Buffer {
  const prefixes = ["user:", "session:", "a", "b*", "[x]", "", "ž", "\\"];
  const prefix = Buffer.from(prefixes[int(0, prefixes.length - 1)]);
  const tail = rand() < 0.1 ? Buffer.from([0, 0xff, int(0, 255)]) : Buffer.from(String(i));
  return Buffer.concat([prefix, tail]);
}

before(async () => {
  o = await startOracle({ config: { "hash-max-listpack-entries": 128 } });
  const p = o.redis.pipeline();
  p.set(Buffer.alloc(0), "the empty key");
  keyspace.set("", { type: "string", expireAt: -1 });
  for (let i = 0; i < 3000; i++) {
    const key = randomKeyName(i);
    if (keyspace.has(id(key))) continue;
    const type = TYPES[int(0, TYPES.length - 1)];
    if (type === "string") p.set(key, String(int(0, 1000)));
    else if (type === "list") p.rpush(key, "a", "b");
    else if (type === "set") p.sadd(key, "m");
    else if (type === "zset") p.zadd(key, 1, "m");
    else if (type === "hash") p.hset(key, "f", "v");
    else p.xadd(key, "*", "f", "v");
    // TTLs well away from AHEAD, so that the later mirror's view is unambiguous
    const ttl = rand() < 0.5 ? -1 : rand() < 0.5 ? int(60_000, 300_000) : int(700_000, 5_000_000);
    if (ttl !== -1) p.pexpire(key, ttl);
    keyspace.set(id(key), { type, expireAt: ttl === -1 ? -1 : Date.now() + ttl });
  }
  await p.exec();
  // exact expiry times from the primary
  const keys = [...keyspace.keys()];
  const q = o.redis.pipeline();
  for (const k of keys) q.pexpiretime(bytesOf(k));
  const times = (await q.exec())!.map(([, v]) => v as number);
  keys.forEach((k, i) => keyspace.get(k)!.expireAt = times[i]);
  await o.sync();
  later = await Mirror.connect({ port: o.server.port, clock: () => Date.now() + AHEAD });
});
after(async () => {
  await later?.close();
  await o?.stop();
});

const liveLater = () =>
  [...keyspace].filter(([, v]) => v.expireAt === -1 || v.expireAt > Date.now() + AHEAD).map(([k]) => k);

/** Full SCAN of a reader: every key returned (deduplicated), as latin1 ids. */
function scanAll(reader: Mirror | ReturnType<Mirror["db"]>, options: Parameters<Mirror["scan"]>[1] = {}): Set<string> {
  const seen = new Set<string>();
  let cursor = 0, steps = 0;
  do {
    const page = reader.asBytes.scan(cursor, options);
    for (const key of page.items) seen.add(id(key));
    cursor = page.cursor;
    assert.ok(++steps < 1_000_000);
  } while (cursor !== 0);
  return seen;
}

/** Full SCAN on the primary with the same options. */
async function primaryScan(args: (string | number | Buffer)[]): Promise<Set<string>> {
  const seen = new Set<string>();
  let cursor = "0";
  do {
    const [next, keys] = await o.redis.callBuffer("SCAN", cursor, ...args, "COUNT", 1000) as [Buffer, Buffer[]];
    for (const key of keys) seen.add(id(key));
    cursor = next.toString();
  } while (cursor !== "0");
  return seen;
}

const sorted = (ids: Iterable<string>) => [...ids].sort((a, b) => Buffer.compare(bytesOf(a), bytesOf(b)));

const PATTERNS = [
  "*",
  "user:*",
  "a?",
  "a??",
  "*1*",
  "[ab]*",
  "[^u]*",
  "b\\*1*",
  "\\[x]*",
  "*\\\\*",
  "ž*",
  "",
  "session:1[0-5]",
];

describe("EXPIRETIME and PEXPIRETIME", () => {
  test("every key, and missing keys, as the primary", async () => {
    const keys = [...keyspace.keys(), "missing"];
    const p = o.redis.pipeline();
    for (const k of keys) p.expiretime(bytesOf(k)).pexpiretime(bytesOf(k));
    const replies = (await p.exec())!.map(([, v]) => v);
    keys.forEach((k, i) => {
      assert.equal(o.mirror.expiretime(bytesOf(k)), replies[2 * i], k);
      assert.equal(o.mirror.pexpiretime(bytesOf(k)), replies[2 * i + 1], k);
    });
  });
  test("a key whose TTL passed reads as missing", () => {
    for (const [k, { expireAt }] of keyspace) {
      if (expireAt === -1 || expireAt > Date.now() + AHEAD) continue;
      assert.equal(later.expiretime(bytesOf(k)), -2);
      assert.equal(later.pexpiretime(bytesOf(k)), -2);
      break;
    }
  });
});

describe("SCAN", () => {
  test("a full scan returns every key, for any COUNT", () => {
    const all = new Set(keyspace.keys());
    for (const count of [1, 3, 10, 100, 5000]) assert.deepEqual(scanAll(o.mirror, { count }), all, `COUNT ${count}`);
    assert.deepEqual(scanAll(o.mirror), all);
  });
  test("MATCH and TYPE filter as the primary's SCAN", async () => {
    for (const match of PATTERNS) {
      const want = await primaryScan(["MATCH", match]);
      assert.deepEqual(scanAll(o.mirror, { match, count: int(1, 50) }), want, `MATCH ${match}`);
      assert.deepEqual(scanAll(o.mirror, { match: new TextEncoder().encode(match) }), want, `MATCH ${match}`);
    }
    for (const type of [...TYPES, "STRING", "Hash", "none", "bogus"]) {
      const want = await primaryScan(["TYPE", type]);
      assert.deepEqual(scanAll(o.mirror, { type, count: int(1, 50) }), want, `TYPE ${type}`);
      const match = PATTERNS[int(0, PATTERNS.length - 1)];
      assert.deepEqual(scanAll(o.mirror, { type, match }), await primaryScan(["MATCH", match, "TYPE", type]));
    }
  });
  test("binary patterns", async () => {
    const match = Buffer.from([0x2a, 0, 0xff, 0x2a]);
    const want = await primaryScan(["MATCH", match]);
    assert.ok(want.size > 0);
    assert.deepEqual(scanAll(o.mirror, { match: new Uint8Array(match) }), want);
  });
  test("expired keys are hidden, with and without filters", () => {
    const live = liveLater();
    assert.ok(live.length < keyspace.size && live.length > 0);
    assert.deepEqual(scanAll(later, { count: 7 }), new Set(live));
    assert.deepEqual(
      scanAll(later, { type: "hash" }),
      new Set(live.filter((k) => keyspace.get(k)!.type === "hash")),
    );
  });
  test("steps return strings by default, and an empty database ends at once", () => {
    const page = o.mirror.scan(0, { count: 5000 });
    assert.equal(page.cursor, 0);
    assert.ok(page.items.includes("")); // the empty key
    assert.ok(page.items.every((k) => typeof k === "string"));
    assert.deepEqual(o.mirror.db(7).scan(0), { cursor: 0, items: [] });
  });
  test("errors as the primary's", async () => {
    // a negative cursor is refused as Redis 7.4+ does (7.0's strtoul takes "-1" as 2^64 - 1)
    assert.throws(
      () => o.mirror.scan(-1),
      (e: unknown) => e instanceof VeidrodelisError && e.message === "ERR invalid cursor",
    );
    const cases: [() => unknown, (string | number)[]][] = [
      [() => o.mirror.scan(1.5), ["1.5"]],
      [() => o.mirror.scan(0, { count: 0 }), ["0", "COUNT", 0]],
      [() => o.mirror.scan(0, { count: -3 }), ["0", "COUNT", -3]],
      [() => o.mirror.scan(0, { count: 2.5 }), ["0", "COUNT", "2.5"]],
    ];
    for (const [read, args] of cases) {
      const error = await o.redis.call("SCAN", ...args).then(() => null, (e: Error) => e);
      assert.ok(error, args.join(" "));
      assert.throws(read, (e: unknown) => e instanceof VeidrodelisError && e.message === error.message);
    }
  });
});

describe("KEYS", () => {
  test("the same keys as the primary, for many patterns", async () => {
    for (const pattern of PATTERNS) {
      const want = new Set((await o.redis.callBuffer("KEYS", pattern) as Buffer[]).map(id));
      const got = o.mirror.asBytes.keys(pattern);
      assert.equal(got.length, want.size, `KEYS ${pattern}`);
      assert.deepEqual(new Set(got.map(id)), want, `KEYS ${pattern}`);
    }
    const strings = o.mirror.keys("user:*");
    assert.ok(strings.length > 0 && strings.every((k) => typeof k === "string" && k.startsWith("user:")));
  });
  test("keys whose TTL passed are left out", () => {
    assert.deepEqual(new Set(later.asBytes.keys("*").map(id)), new Set(liveLater()));
    const users = liveLater().filter((k) => k.startsWith("user:"));
    assert.deepEqual(new Set(later.asBytes.keys("user:*").map(id)), new Set(users));
  });
});

describe("RANDOMKEY", () => {
  test("live keys, spread over the keyspace; null for an empty database", () => {
    const seen = new Set<string>();
    for (let i = 0; i < 2000; i++) {
      const key = o.mirror.asBytes.randomkey();
      assert.ok(key !== null && keyspace.has(id(key)));
      seen.add(id(key));
    }
    assert.ok(seen.size > 500, `${seen.size} distinct keys`);
    const live = new Set(liveLater());
    for (let i = 0; i < 500; i++) assert.ok(live.has(id(later.asBytes.randomkey()!)));
    assert.equal(o.mirror.db(9).randomkey(), null);
  });
  test("a database of almost only expired keys still gives its live keys; all expired gives null", async () => {
    const db5 = o.server.client({ db: 5 });
    const p = db5.pipeline();
    for (let i = 0; i < 400; i++) p.set(`gone:${i}`, "x", "PX", 100_000);
    p.set("alive:1", "x");
    p.set("alive:2", "x", "PX", 10_000_000);
    await p.exec();
    const db6 = o.server.client({ db: 6 });
    const q = db6.pipeline();
    for (let i = 0; i < 300; i++) q.set(`gone:${i}`, "x", "PX", 100_000);
    await q.exec();
    await o.sync();
    await caughtUp(later, o.redis);
    const seen = new Set<string>();
    for (let i = 0; i < 50; i++) seen.add(later.db(5).randomkey()!);
    assert.deepEqual(seen, new Set(["alive:1", "alive:2"]));
    assert.equal(later.db(6).randomkey(), null);
    assert.ok(o.mirror.db(6).randomkey()!.startsWith("gone:"));
  });
});

describe("kfirst, klast, knext, kprev", () => {
  test("match the keys sorted by bytes, from any anchor, for any count", () => {
    const all = sorted(keyspace.keys());
    const m = o.mirror.asBytes;
    const ids = (keys: Uint8Array[]) => keys.map(id);
    assert.deepEqual(ids(m.kfirst()), all.slice(0, 1));
    assert.deepEqual(ids(m.klast()), all.slice(-1));
    for (const count of [1, 2, 7, 100, all.length, all.length + 5]) {
      assert.deepEqual(ids(m.kfirst(count)), all.slice(0, count));
      assert.deepEqual(ids(m.klast(count)), all.slice(-count).reverse());
    }
    assert.deepEqual(m.kfirst(0), []);
    assert.deepEqual(m.klast(-2), []);
    for (let i = 0; i < 300; i++) {
      // anchors present and absent (a present key with a byte appended sorts right after it)
      const at = int(0, all.length - 1);
      const present = rand() < 0.5;
      const anchor = present ? bytesOf(all[at]) : Buffer.concat([bytesOf(all[at]), Buffer.from([int(0, 255)])]);
      const count = int(1, 12);
      const after = all.filter((k) => Buffer.compare(bytesOf(k), anchor) > 0).slice(0, count);
      const before = all.filter((k) => Buffer.compare(bytesOf(k), anchor) < 0).reverse().slice(0, count);
      assert.deepEqual(ids(m.knext(new Uint8Array(anchor), count)), after);
      assert.deepEqual(ids(m.kprev(new Uint8Array(anchor), count)), before);
    }
    assert.deepEqual(m.knext(new Uint8Array(bytesOf(all[all.length - 1]))), []);
    assert.deepEqual(m.kprev(new Uint8Array(0)), []);
  });
  test("a walk with knext visits every key once; strings by default", () => {
    const all = sorted(keyspace.keys());
    const walked: string[] = [];
    let page = o.mirror.asBytes.kfirst(37);
    while (page.length > 0) {
      walked.push(...page.map(id));
      page = o.mirror.asBytes.knext(page[page.length - 1], 37);
    }
    assert.deepEqual(walked, all);
    assert.ok(o.mirror.kfirst(3).every((k) => typeof k === "string"));
  });
  test("expired keys are skipped and count live keys still come back", () => {
    const live = sorted(liveLater());
    const m = later.asBytes;
    const ids = (keys: Uint8Array[]) => keys.map(id);
    for (const count of [1, 3, 50, live.length + 1]) {
      assert.deepEqual(ids(m.kfirst(count)), live.slice(0, count));
      assert.deepEqual(ids(m.klast(count)), live.slice(-count).reverse());
    }
    const walked: string[] = [];
    let page = m.klast(5);
    while (page.length > 0) {
      walked.push(...ids(page));
      page = m.kprev(page[page.length - 1], 5);
    }
    assert.deepEqual(walked, live.slice().reverse());
  });
  test("a database of expired keys: the iterators find its few live keys", () => {
    assert.deepEqual(later.db(5).kfirst(10), ["alive:1", "alive:2"]);
    assert.deepEqual(later.db(5).klast(1), ["alive:2"]);
    assert.deepEqual(later.db(5).knext("alive:1", 3), ["alive:2"]);
    assert.deepEqual(later.db(6).kfirst(10), []);
  });
  test("invalid counts", () => {
    assert.throws(() => o.mirror.kfirst(1.5), /ERR value is not an integer or out of range/);
  });
});

describe("OBJECT ENCODING", () => {
  before(async () => {
    const p = o.redis.pipeline();
    const strings = [
      "0",
      "1",
      "-1",
      "12345678901234567890",
      "9223372036854775807",
      "-9223372036854775808",
      "9223372036854775808",
      "01",
      "-0",
      "+1",
      " 1",
      "1.5",
      "",
      "x".repeat(44),
      "x".repeat(45),
      "y".repeat(1000),
      "123456789012345678901",
    ];
    strings.forEach((s, i) => p.set(`enc:s:${i}`, s));
    p.sadd("enc:set:int", ...Array.from({ length: 100 }, (_, i) => i * 7 - 50));
    p.sadd("enc:set:int512", ...Array.from({ length: 512 }, (_, i) => i));
    p.sadd("enc:set:int513", ...Array.from({ length: 513 }, (_, i) => i));
    p.sadd("enc:set:big", ...Array.from({ length: 300 }, (_, i) => `m${i}`));
    p.sadd("enc:set:small", "a", "b");
    p.zadd("enc:zset:small", 1, "a", 2, "b");
    p.zadd("enc:zset:big", ...Array.from({ length: 129 }, (_, i) => [i, `m${i}`]).flat());
    p.zadd("enc:zset:long", 1, "x".repeat(65));
    p.hset("enc:hash:small", "f", "v");
    p.hset("enc:hash:big", ...Array.from({ length: 129 }, (_, i) => [`f${i}`, "v"]).flat());
    p.hset("enc:hash:long", "f", "v".repeat(65));
    p.rpush("enc:list:small", "a", "b", "3");
    p.rpush("enc:list:big", ...Array.from({ length: 100 }, () => "z".repeat(100)));
    p.rpush("enc:list:many", ...Array.from({ length: 5000 }, (_, i) => i % 100));
    p.xadd("enc:stream", "*", "f", "v");
    await p.exec();
    await o.sync();
  });
  test("the primary's names for strings, integer sets, big sets, sorted sets and hashes", async () => {
    const keys = (await o.redis.keys("enc:*")).filter((k) => !k.startsWith("enc:list") && k !== "enc:set:small");
    assert.ok(keys.length > 25);
    for (const key of keys) {
      assert.equal(o.mirror.objectEncoding(key), await o.redis.object("ENCODING", key), key);
    }
    assert.equal(o.mirror.objectEncoding("missing"), null);
    assert.equal(o.mirror.objectEncoding("enc:stream"), "stream");
  });
  test("Redis 7.2+ names where 7.0 differs: packed small sets and lists", () => {
    assert.equal(o.mirror.objectEncoding("enc:set:small"), "listpack"); // 7.0: hashtable
    assert.equal(o.mirror.objectEncoding("enc:list:small"), "listpack"); // 7.0: quicklist
    assert.equal(o.mirror.objectEncoding("enc:list:big"), "quicklist"); // 100 x 100 bytes: over 8 KB packed
    assert.equal(o.mirror.objectEncoding("enc:list:many"), "quicklist");
  });
});
