// List reads (src/reads/lists.ts) against the primary as the oracle: LLEN, LRANGE, LINDEX and LPOS (RANK from the
// head and the tail, COUNT, MAXLEN) over short lists and long ones spread over many store nodes (many elements, big
// elements), lists shaped by inserts, removals and trims, binary elements, missing keys, keys of another type and
// invalid arguments (the same error text as the primary).
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { VeidrodelisError, WrongTypeError } from "../../src/errors.ts";
import type { LposCountOptions } from "../../src/reads/lists.ts";
import { seededRandom } from "../_support/random.ts";
import { type Oracle, startOracle } from "./_oracle.ts";

type Args = (string | number | Buffer)[];

let o: Oracle;
const lengths = new Map<string, number>();
const rand = seededRandom(701);
const int = (lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1));

/** Elements with many repeats (for LPOS), integers (packed as integers by Redis) and binary bytes. */
const ALPHABET = [
  Buffer.from("a"),
  Buffer.from("b"),
  Buffer.from("c"),
  Buffer.from("12"),
  Buffer.from("-7"),
  Buffer.from(""),
  Buffer.from([0, 0xff, 0x80]),
  Buffer.from("žodis"),
];
const pick = () => ALPHABET[int(0, ALPHABET.length - 1)];

function element(size: "small" | "mixed" | "big"): Buffer {
  if (size === "small" || rand() < 0.5) return pick();
  const n = size === "big" ? int(200, 3000) : int(1, 100);
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = int(0, 255);
  return b;
}

before(async () => {
  o = await startOracle();
  const plan: [string, number, "small" | "mixed" | "big"][] = [
    ["l:one", 1, "small"],
    ["l:two", 2, "small"],
    ["l:small", 10, "small"],
    ["l:mixed", 100, "mixed"],
    ["l:200", 200, "small"],
    ["l:long", 20_000, "small"],
    ["l:longmixed", 5_000, "mixed"],
    ["l:big", 400, "big"],
  ];
  for (const [key, n, size] of plan) {
    for (let i = 0; i < n; i += 500) {
      const batch = Array.from({ length: Math.min(500, n - i) }, () => element(size));
      await (rand() < 0.5 ? o.redis.rpush(key, ...batch) : o.redis.lpush(key, ...batch));
    }
  }
  // reshaped lists: inserts in the middle, removals, trims, sets
  const pipeline = o.redis.pipeline();
  for (let i = 0; i < 300; i++) {
    pipeline.call("LINSERT", "l:long", rand() < 0.5 ? "BEFORE" : "AFTER", pick(), element("mixed"));
  }
  for (let i = 0; i < 50; i++) pipeline.lrem("l:long", (rand() < 0.5 ? -1 : 1) * int(1, 3), pick());
  for (let i = 0; i < 50; i++) pipeline.lset("l:longmixed", int(-4000, 3999), element("big"));
  pipeline.ltrim("l:longmixed", 100, -100);
  pipeline.set("wrong:string", "x");
  pipeline.zadd("wrong:zset", 1, "a");
  await pipeline.exec();
  for (const key of plan.map(([k]) => k)) lengths.set(key, await o.redis.llen(key));
  await o.sync();
});
after(async () => await o?.stop());

function mine(read: () => unknown): { value?: unknown; error?: Error } {
  try {
    return { value: read() };
  } catch (error) {
    return { error: error as Error };
  }
}

async function theirs(commands: Args[], binary: boolean): Promise<{ value?: unknown; error?: Error }[]> {
  const pipeline = o.redis.pipeline();
  for (const [name, ...args] of commands) {
    if (binary) pipeline.callBuffer(String(name), ...args);
    else pipeline.call(String(name), ...args);
  }
  return (await pipeline.exec())!.map(([error, value]) => error ? { error } : { value });
}

/** Buffers (nested) as Uint8Arrays, the bytes reader's form. */
function asBytes(value: unknown): unknown {
  if (value instanceof Buffer) return new Uint8Array(value);
  if (Array.isArray(value)) return value.map(asBytes);
  return value;
}

function sameAnswer(got: { value?: unknown; error?: Error }, want: { value?: unknown; error?: Error }, what: string) {
  if (want.error) {
    assert.ok(got.error, `${what}: expected error ${want.error.message}, got ${JSON.stringify(got.value)}`);
    if (want.error.message.startsWith("WRONGTYPE")) assert.ok(got.error instanceof WrongTypeError, what);
    else {
      assert.ok(got.error instanceof VeidrodelisError && got.error.code === "ARGUMENT", `${what}: ${got.error}`);
      assert.equal(got.error.message, want.error.message, what);
    }
    return;
  }
  if (got.error) throw new Error(`${what}: mirror threw ${got.error.message}, primary answered ${want.value}`);
  assert.deepEqual(got.value, asBytes(want.value), what);
}

async function check(cases: { read: () => unknown; command: Args }[], binary = true): Promise<void> {
  for (let i = 0; i < cases.length; i += 500) {
    const batch = cases.slice(i, i + 500);
    const want = await theirs(batch.map((c) => c.command), binary);
    batch.forEach((c, j) =>
      sameAnswer(
        mine(c.read),
        want[j],
        c.command.map((a) => a instanceof Buffer ? `<${a.toString("hex")}>` : a).join(" "),
      )
    );
  }
}

const allKeys = () => [...lengths.keys(), "missing", "wrong:string"];

describe("LLEN, LINDEX, LRANGE", () => {
  test("short packed lists and long lists spread over many nodes are both covered", () => {
    assert.ok(lengths.get("l:long")! > 20_000, `${lengths.get("l:long")}`);
    assert.equal(o.mirror.llen("l:big"), 400);
    for (const k of ["l:one", "l:small", "l:mixed"]) assert.equal(o.mirror.objectEncoding(k), "listpack", k);
    for (const k of ["l:long", "l:longmixed", "l:big"]) assert.equal(o.mirror.objectEncoding(k), "quicklist", k);
  });
  test("LLEN of every key", async () => {
    await check(allKeys().map((k) => ({ read: () => o.mirror.llen(k), command: ["LLEN", k] })), false);
  });
  test("LINDEX at random indexes, negative and out of range", async () => {
    const m = o.mirror.asBytes;
    const cases = [];
    for (const k of allKeys()) {
      const n = lengths.get(k) ?? 3;
      for (let i = 0; i < 60; i++) {
        const index = int(-n - 3, n + 2);
        cases.push({ read: () => m.lindex(k, index), command: ["LINDEX", k, index] as Args });
      }
      for (const index of [0, -1, n - 1, -n, n, -n - 1, 2 ** 53, -(2 ** 53)]) {
        cases.push({ read: () => m.lindex(k, index), command: ["LINDEX", k, index] as Args });
      }
    }
    await check(cases);
  });
  test("LRANGE over random ranges, negative, reversed and out of range", async () => {
    const m = o.mirror.asBytes;
    const cases = [];
    for (const k of allKeys()) {
      const n = lengths.get(k) ?? 3;
      const span = Math.min(n, 300);
      for (let i = 0; i < 40; i++) {
        const start = int(-n - 3, n + 2);
        const stop = rand() < 0.7 ? start + int(-3, span) : int(-n - 3, n + 2);
        cases.push({ read: () => m.lrange(k, start, stop), command: ["LRANGE", k, start, stop] as Args });
      }
      for (const [start, stop] of [[0, -1], [-1, 0], [0, 0], [-5, -1], [2 ** 53, -1], [-(2 ** 53), 2 ** 53]]) {
        cases.push({ read: () => m.lrange(k, start, stop), command: ["LRANGE", k, start, stop] as Args });
      }
    }
    await check(cases);
  });
  test("string results decode UTF-8", async () => {
    for (const k of ["l:small", "l:mixed"]) {
      const want = (await o.redis.lrangeBuffer(k, 0, -1)).map((b) => new TextDecoder().decode(b));
      assert.deepEqual(o.mirror.lrange(k, 0, -1), want);
      assert.equal(o.mirror.lindex(k, 0), want[0]);
    }
  });
  test("errors as the primary's", async () => {
    const m = o.mirror;
    await check([
      { read: () => m.lrange("l:small", 0.5, 1), command: ["LRANGE", "l:small", "0.5", 1] },
      { read: () => m.lrange("missing", 0, 1.5), command: ["LRANGE", "missing", 0, "1.5"] },
      { read: () => m.lrange("wrong:zset", 0, -1), command: ["LRANGE", "wrong:zset", 0, -1] },
      { read: () => m.lindex("l:small", 1.5), command: ["LINDEX", "l:small", "1.5"] },
      { read: () => m.lindex("missing", 1.5), command: ["LINDEX", "missing", "1.5"] },
      { read: () => m.lindex("wrong:zset", 0), command: ["LINDEX", "wrong:zset", 0] },
      { read: () => m.llen("wrong:zset"), command: ["LLEN", "wrong:zset"] },
    ], false);
  });
});

/** LPOS's Redis arguments for the options. */
function lposArgs(options: Partial<LposCountOptions> | undefined): Args {
  const args: Args = [];
  if (options?.rank !== undefined) args.push("RANK", options.rank);
  if (options?.count !== undefined) args.push("COUNT", options.count);
  if (options?.maxlen !== undefined) args.push("MAXLEN", options.maxlen);
  return args;
}

describe("LPOS", () => {
  test("random elements with RANK (both directions), COUNT and MAXLEN", async () => {
    const m = o.mirror;
    const cases = [];
    for (const k of allKeys()) {
      const n = lengths.get(k) ?? 3;
      for (let i = 0; i < 80; i++) {
        const wanted = rand() < 0.9 ? pick() : Buffer.from("absent");
        const options: Partial<LposCountOptions> = {};
        if (rand() < 0.6) options.rank = (rand() < 0.5 ? -1 : 1) * int(1, rand() < 0.8 ? 4 : 3000);
        if (rand() < 0.5) options.count = rand() < 0.3 ? 0 : int(1, 6);
        if (rand() < 0.4) options.maxlen = rand() < 0.2 ? 0 : int(1, Math.max(1, n));
        const opts = rand() < 0.1 ? undefined : options;
        cases.push({
          read: () => m.lpos(k, new Uint8Array(wanted), opts as LposCountOptions),
          command: ["LPOS", k, wanted, ...lposArgs(opts)] as Args,
        });
      }
    }
    await check(cases, false);
  });
  test("every match of every element of long lists, from both ends", async () => {
    const m = o.mirror;
    const cases = [];
    for (const k of ["l:long", "l:longmixed", "l:200"]) {
      for (const wanted of ALPHABET) {
        for (const rank of [1, -1, 2, -3]) {
          const opts = { rank, count: 0 };
          cases.push({ read: () => m.lpos(k, wanted, opts), command: ["LPOS", k, wanted, ...lposArgs(opts)] as Args });
        }
      }
    }
    await check(cases, false);
  });
  test("string elements and text", () => {
    const m = o.mirror;
    assert.equal(m.lpos("l:small", "absent"), null);
    assert.deepEqual(m.lpos("l:small", "absent", { count: 2 }), []);
    assert.equal(m.lpos("missing", "a"), null);
    assert.deepEqual(m.lpos("missing", "a", { count: 0 }), []);
  });
  test("errors as the primary's", async () => {
    const m = o.mirror;
    const bad: Partial<LposCountOptions>[] = [
      { rank: 0 },
      { count: -1 },
      { maxlen: -1 },
      { rank: 1.5 },
      { count: 1.5 },
      { rank: 0, count: -1 },
    ];
    const cases: { read: () => unknown; command: Args }[] = bad.map((opts) => ({
      read: () => m.lpos("l:small", "a", opts as LposCountOptions),
      command: ["LPOS", "l:small", "a", ...lposArgs(opts)] as Args,
    }));
    cases.push({ read: () => m.lpos("missing", "a", { rank: 0 }), command: ["LPOS", "missing", "a", "RANK", 0] });
    cases.push({ read: () => m.lpos("wrong:string", "a"), command: ["LPOS", "wrong:string", "a"] });
    cases.push({
      read: () => m.lpos("wrong:string", "a", { count: -1 }),
      command: ["LPOS", "wrong:string", "a", "COUNT", -1],
    });
    await check(cases, false);
  });
});

describe("expired keys", () => {
  test("list reads hide a list whose TTL passed", async () => {
    await o.redis.rpush("ttl:list", "a", "b");
    await o.redis.pexpire("ttl:list", 60_000);
    await o.sync();
    const { Mirror } = await import("../../mod.ts");
    const later = await Mirror.connect({ port: o.server.port, clock: () => Date.now() + 120_000 });
    try {
      assert.equal(later.llen("ttl:list"), 0);
      assert.deepEqual(later.lrange("ttl:list", 0, -1), []);
      assert.equal(later.lindex("ttl:list", 0), null);
      assert.equal(later.lpos("ttl:list", "b"), null);
      assert.equal(o.mirror.lpos("ttl:list", "b"), 1);
    } finally {
      await later.close();
    }
  });
});
