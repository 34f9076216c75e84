// PFADD / PFMERGE / PFCOUNT / PFDEBUG against a real redis-server: seeded random sequences run on the server, the
// commands it propagates (captured by a SYNC replication tap) are applied to a Store through the command table, and
// every key's raw bytes and TTL are compared byte for byte after each batch. Also: the cached cardinality bytes
// through PFCOUNT/PFADD/PFMERGE (destination among the sources, sparse and dense), HLLs damaged by string commands,
// and the one unreplicable case (a PFADD refused midway keeps its first changes and propagates nothing).
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { Store } from "../../src/_wasm/store.ts";
import { lookupCommand } from "../../src/commands/table.ts";
import { CommandError } from "../../src/commands/args.ts";
import { type RedisServer, startRedis } from "../_support/redis_server.ts";
import { applyStream, ReplicationTap } from "../_support/replication_tap.ts";
import { seededRandom } from "../_support/random.ts";
import { Draw } from "../_support/workload.ts";
import { HLL_DENSE_SIZE, hllPatLen } from "../../src/ops/hyperloglog.ts";
import type { Redis } from "ioredis";

/** What differs between the server's db 0 and the store's: one line per key (raw bytes, absolute TTL, presence). */
async function differingKeys(client: Redis, store: Store): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const keys = await client.keysBuffer("*");
  if (store.dbSize(0) !== keys.length) out.set("*", `key count: redis ${keys.length}, store ${store.dbSize(0)}`);
  for (const key of keys) {
    const [value, expireAt] = await Promise.all([
      client.getBuffer(key),
      client.call("PEXPIRETIME", key) as Promise<number>,
    ]);
    const name = key.toString("latin1");
    if (store.find(0, key) !== 1) {
      out.set(name, "not a string in the store");
      continue;
    }
    const mine = Buffer.from(store.foundBytes());
    if (!mine.equals(value!)) out.set(name, `redis: ${value!.toString("hex")}\nstore: ${mine.toString("hex")}`);
    else if (store.foundExpireAt !== expireAt) out.set(name, `TTL: redis ${expireAt}, store ${store.foundExpireAt}`);
  }
  return out;
}

/** Every key of db 0 on the server equals the store's: raw bytes and absolute TTL; same key count. */
async function assertSameKeys(client: Redis, store: Store, context: string): Promise<void> {
  const differences = await differingKeys(client, store);
  for (const [key, what] of differences) assert.fail(`${context}: ${key} differs\n${what}`);
}

type Arg = string | Buffer;

/**
 * Runs a batch on the server (errors are expected for some: the server then propagates nothing). Returns the keys
 * that may hold changes the server did not propagate: those of PFADDs refused as corrupted (INVALIDOBJ, inside
 * MULTI … EXEC included), and the keys COPY, RENAME or PFMERGE later filled from them.
 */
async function runBatch(client: Redis, batch: Arg[][]): Promise<Set<string>> {
  const pipe = client.pipeline();
  for (const [name, ...rest] of batch) pipe.call(name as string, ...rest);
  const results = (await pipe.exec())!;
  const tainted = new Set<string>();
  const executed = (cmd: Arg[], error: unknown) => {
    const name = String(cmd[0]).toLowerCase();
    const keys = cmd.slice(1).map(String);
    if (name === "pfadd" && error instanceof Error && error.message.startsWith("INVALIDOBJ")) tainted.add(keys[0]);
    if (error) return;
    if ((name === "copy" || name === "rename") && tainted.has(keys[0])) tainted.add(keys[1]);
    if (name === "pfmerge" && keys.some((k) => tainted.has(k))) tainted.add(keys[0]);
  };
  let queued: Arg[][] | null = null;
  batch.forEach((cmd, i) => {
    const name = String(cmd[0]).toLowerCase();
    if (name === "multi" && queued === null) queued = [];
    else if (name === "exec" && queued !== null) {
      const replies = results[i][1];
      if (Array.isArray(replies)) {
        queued.forEach((q, j) => executed(q, replies[j] instanceof Error ? replies[j] : null));
      }
      queued = null;
    } else if (queued !== null) queued.push(cmd);
    else executed(cmd, results[i][0]);
  });
  return tainted;
}

// ---------------------------------------------------------------- the random sequences

const enc = new TextEncoder();
/** Bits of a dense HLL value (SETBIT offsets up to the end). */
const HLL_BITS = HLL_DENSE_SIZE * 8;

function elementPool(rnd: () => number, n: number): Buffer[] {
  const pool: Buffer[] = [];
  for (let i = 0; i < n; i++) {
    const len = Math.floor(rnd() * 24);
    const b = Buffer.alloc(len);
    for (let j = 0; j < len; j++) b[j] = Math.floor(rnd() * 256);
    pool.push(b);
  }
  return pool;
}

describe("HyperLogLog commands replay bit-exactly against redis-server", () => {
  let server: RedisServer;
  let client: Redis;
  let tap: ReplicationTap;

  before(async () => {
    server = await startRedis({ config: { "repl-diskless-sync": "no" } });
    client = server.client();
    tap = await ReplicationTap.open(server.port);
  });

  after(async () => {
    tap?.close();
    await server?.stop();
  });

  let marker = 0;
  async function replay(store: Store, state: { db: number }, batch: Arg[][], context: string): Promise<void> {
    const token = `m${++marker}`;
    await runBatch(client, [...batch, ["PUBLISH", "__tap__", token]]);
    const commands = await tap.until(token);
    applyStream(store, commands, state);
    await assertSameKeys(client, store, context);
  }

  for (const seed of [1, 2, 3]) {
    test(`random PFADD/PFMERGE/PFCOUNT sequence, seed ${seed}`, async () => {
      await client.flushall();
      const store = new Store();
      const state = { db: 0 };
      const rnd = seededRandom(seed);
      const pick = <T>(a: readonly T[]) => a[Math.floor(rnd() * a.length)];
      const pool = elementPool(rnd, 6000);
      // "big" receives many elements, so it crosses the 3000-byte sparse limit; the others stay small or medium
      const keys = ["big", "h1", "h2", "h3", "h4", "h5"];
      let steps = 0;
      for (let round = 0; round < 60; round++) {
        const batch: Arg[][] = [];
        for (let k = 0; k < 10; k++) {
          const r = rnd();
          steps++;
          if (r < 0.45) {
            const key = rnd() < 0.4 ? "big" : pick(keys);
            const n = key === "big" ? 1 + Math.floor(rnd() * 120) : Math.floor(rnd() * 12);
            const els: Buffer[] = [];
            for (let i = 0; i < n; i++) els.push(pick(pool));
            batch.push(["PFADD", key, ...els]);
          } else if (r < 0.6) {
            batch.push(["PFCOUNT", pick(keys)]);
          } else if (r < 0.67) {
            batch.push(["PFCOUNT", pick(keys), pick(keys), pick(keys)]);
          } else if (r < 0.8) {
            const srcs = Array.from({ length: 1 + Math.floor(rnd() * 3) }, () => pick([...keys, "absent"]));
            batch.push(["PFMERGE", pick([...keys, "m1", "m2"]), ...srcs]);
          } else if (r < 0.84) {
            batch.push(["PEXPIRE", pick(keys), String(3_600_000 + Math.floor(rnd() * 1000))]);
          } else if (r < 0.87) {
            batch.push(["DEL", pick([...keys, "m1", "m2"])]);
          } else if (r < 0.9) {
            batch.push(["PFDEBUG", "TODENSE", pick(keys)]);
          } else if (r < 0.93) {
            batch.push(["PFADD", pick(["m1", "m2", "h5"])]); // no elements: creates or changes nothing
          } else {
            // an element set large enough to promote a fresh key in one command
            const els = Array.from({ length: 400 + Math.floor(rnd() * 2000) }, () => pick(pool));
            batch.push(["PFADD", pick(["h4", "h5"]), ...els]);
          }
        }
        await replay(store, state, batch, `seed ${seed} round ${round}`);
      }
      assert.ok(steps >= 600);
      // the sequence did reach both encodings
      const encodings = await Promise.all(keys.map(async (k) => (await client.getrangeBuffer(k, 4, 4))[0]));
      assert.ok(encodings.includes(0), "a dense HLL");
      store.dispose();
    });
  }

  test("promotion at exactly the sparse limit, mixed-encoding PFMERGE, cache reuse", async () => {
    await client.flushall();
    const store = new Store();
    const state = { db: 0 };
    // One element per PFADD. With these element names the sparse value reaches 2999 or 3000 bytes and the next
    // split would make it 3001: that command promotes to dense (a limit off by one would not), so keys are
    // compared after every command around the boundary (afterwards both encodings converge again).
    for (let i = 0; i < 1760;) {
      const step = i >= 1640 && i < 1710 ? 1 : 80;
      const batch: Arg[][] = [];
      for (let j = i; j < i + step; j++) {
        for (const prefix of ["a", "k", "r"]) batch.push(["PFADD", prefix, prefix + j]);
      }
      i += step;
      await replay(store, state, batch, `growing, element ${i}`);
    }
    for (const prefix of ["a", "k", "r"]) assert.equal((await client.getrangeBuffer(prefix, 4, 4))[0], 0, "promoted");
    await client.rename("a", "s");
    await replay(store, state, [["PFADD", "small", "a", "b", "c"], ["PFMERGE", "small2", "small"]], "sparse merge");
    await replay(store, state, [["PFMERGE", "mixed", "small", "s"], ["PFMERGE", "small", "s"]], "mixed merge");
    await replay(store, state, [["PFCOUNT", "s"], ["PFCOUNT", "s"], ["PFCOUNT", "small2"]], "counts");
    await replay(store, state, [["PFCOUNT", "s", "small2"], ["PFCOUNT", "absent"]], "no writes");
    // a HLL copied by SET (cache valid) then counted: nothing to write; then invalidated by PFADD
    const copy = await client.getBuffer("s");
    await replay(store, state, [["SET", "copy", copy!], ["PFCOUNT", "copy"], ["PFADD", "copy", "zz"]], "copy");
    await replay(store, state, [["PFCOUNT", "copy"]], "copy counted");
    store.dispose();
  });

  test("the cached cardinality through PFCOUNT, PFADD and PFMERGE with the destination among the sources", async () => {
    // Redis 7.0 (and every later Redis and Valkey): PFCOUNT of one key writes the 8 cache bytes (top bit clear);
    // PFADD that changes a register and PFMERGE only set the top bit (the stale count stays in bytes 8..14);
    // hllSparseToDense (PFMERGE with a dense input, promotion, PFDEBUG) copies the header, stale count included;
    // a destination PFMERGE creates starts from zeros. Each command is compared on its own.
    await client.flushall();
    const store = new Store();
    const state = { db: 0 };
    const els = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}${i}`);
    const cache = async (key: string) => [...await client.getrangeBuffer(key, 8, 15)];
    const encoding = async (key: string) => (await client.getrangeBuffer(key, 4, 4))[0];
    const stale = (counted: number[]) => [...counted.slice(0, 7), counted[7] | 0x80];
    let n = 0;
    const step = (...batch: Arg[][]) => replay(store, state, batch, `step ${++n}: ${batch.map((c) => c[0]).join(" ")}`);

    // sparse destination, sparse sources
    await step(["PFADD", "hll:0", ...els("a", 40)]);
    await step(["PFADD", "hll:2", ...els("b", 9)]);
    await step(["PFCOUNT", "hll:0"]);
    const counted0 = await cache("hll:0");
    assert.equal(counted0[7] & 0x80, 0, "PFCOUNT leaves a valid cache");
    assert.notDeepEqual(counted0.slice(0, 7), [0, 0, 0, 0, 0, 0, 0]);
    await step(["PFCOUNT", "hll:2"]);
    await step(["PFADD", "hll:0", "late"]);
    assert.deepEqual(await cache("hll:0"), stale(counted0), "PFADD only sets the invalid bit");
    await step(["PFMERGE", "hll:0", "hll:2", "hll:0"]);
    assert.deepEqual(await cache("hll:0"), stale(counted0), "PFMERGE only sets the invalid bit");
    assert.equal(await encoding("hll:0"), 1);
    await step(["PFMERGE", "hll:0", "hll:0"]);
    await step(["PFCOUNT", "hll:2"], ["PFMERGE", "hll:2"]); // nothing to merge: the valid cache becomes stale anyway
    await step(["PFCOUNT", "hll:0"], ["PFMERGE", "hll:0", "hll:2", "hll:0", "hll:2"]);
    await step(["PFMERGE", "hll:4", "hll:2"]); // created: zero cache, invalid, sparse
    assert.deepEqual(await cache("hll:4"), [0, 0, 0, 0, 0, 0, 0, 0x80]);

    // dense destination (sparse source), then a sparse destination with a dense source (converted, header kept)
    await step(["PFADD", "hll:1", ...els("c", 3000)]);
    assert.equal(await encoding("hll:1"), 0);
    await step(["PFCOUNT", "hll:1"]);
    const counted1 = await cache("hll:1");
    await step(["PFADD", "hll:1", "late", "later"]);
    await step(["PFMERGE", "hll:1", "hll:2", "hll:1"]);
    assert.deepEqual(await cache("hll:1"), stale(counted1));
    await step(["PFCOUNT", "hll:0"]);
    const counted0b = await cache("hll:0");
    await step(["PFADD", "hll:0", "x1", "x2"]);
    await step(["PFMERGE", "hll:0", "hll:1", "hll:0"]);
    assert.equal(await encoding("hll:0"), 0, "a dense input converts the destination");
    assert.deepEqual(await cache("hll:0"), stale(counted0b), "the conversion keeps the stale count");
    await step(["PFMERGE", "hll:3", "hll:0", "hll:2"]); // created, then converted: zero cache
    assert.deepEqual(await cache("hll:3"), [0, 0, 0, 0, 0, 0, 0, 0x80]);
    await step(["PFCOUNT", "hll:3"], ["PFADD", "hll:3", "y"], ["PFMERGE", "hll:3", "hll:3", "hll:1", "hll:3"]);

    // a sparse destination promoted by size in the middle of the merge
    await step(["PFADD", "hll:5", ...els("d", 900)], ["PFADD", "hll:6", ...els("e", 900)]);
    assert.equal(await encoding("hll:5"), 1);
    await step(["PFCOUNT", "hll:5"]);
    const counted5 = await cache("hll:5");
    await step(["PFADD", "hll:5", "z"]);
    await step(["PFMERGE", "hll:5", "hll:6", "hll:5"]);
    assert.equal(await encoding("hll:5"), 0, "promoted while merging");
    assert.deepEqual(await cache("hll:5"), stale(counted5));

    // PFDEBUG TODENSE keeps a stale count too
    await step(["PFCOUNT", "hll:6"], ["PFADD", "hll:6", "w"], ["PFDEBUG", "TODENSE", "hll:6"]);
    await step(["PFCOUNT", "hll:6"], ["PFCOUNT", "hll:5"], ["PFCOUNT", "hll:0"]);
    store.dispose();
  });

  for (const seed of [18, 35]) {
    test(`HLLs damaged by string writes: every propagated command replays; a refused PFADD does not (seed ${seed})`, async () => {
      // As in the differential workload, other commands write HLL keys as plain strings (APPEND, SETRANGE, SETBIT,
      // SET). Redis accepts a damaged sparse HLL until an operation needs all 16384 registers. One case cannot be
      // replicated: a PFADD that updates registers for its first elements and then meets the damage (an index
      // beyond the opcodes, or a promotion that fails) answers INVALIDOBJ with the earlier registers already
      // changed, and propagates nothing. A real replica misses the change as well; such keys are re-read from the
      // server here and counted.
      await client.flushall();
      const store = new Store();
      const state = { db: 0 };
      const d = new Draw(seed);
      const keys = ["hll:0", "hll:1", "hll:2", "hll:3"];
      const k = () => d.pick(keys);
      const els = (n: number) => Array.from({ length: n }, () => `e${d.int(0, 5000)}`);
      const offset = () => String(d.chance(0.5) ? d.int(0, 40) : d.int(16, 12303));
      const bit = () => String(d.chance(0.5) ? d.int(0, 300) : d.int(128, HLL_BITS - 1));
      const draw = (inMulti = false): Arg[][] => {
        const r = inMulti ? d.float() * 0.86 : d.float();
        if (r < 0.2) return [["PFADD", k(), ...els(d.chance(0.05) ? d.int(200, 2500) : d.int(0, 6))]];
        if (r < 0.35) {
          const key = k();
          return [["PFADD", key, ...els(d.int(1, 4))], ["PFCOUNT", key]];
        }
        if (r < 0.5) return [["PFMERGE", k(), ...Array.from({ length: d.int(0, 3) }, k)]];
        if (r < 0.55) {
          const key = k();
          return [["PFADD", key, ...els(d.int(1, 3))], ["PFDEBUG", d.pick(["TODENSE", "GETREG"]), key]];
        }
        if (r < 0.6) return [["PFCOUNT", k()]];
        if (r < 0.63) return [["APPEND", k(), d.value()]];
        if (r < 0.66) return [["SETRANGE", k(), offset(), d.chance(0.5) ? d.value() : Buffer.from([d.int(0, 255)])]];
        if (r < 0.7) return [["SETBIT", k(), bit(), d.pick(["0", "1"])]];
        if (r < 0.72) return [["SET", k(), d.value()]];
        if (r < 0.75) return [["DEL", k()]];
        if (r < 0.78) return [["COPY", k(), k(), "REPLACE"]];
        if (r < 0.8) return [["RENAME", k(), k()]];
        if (r < 0.83) return [["PEXPIRE", k(), String(d.int(100_000, 1_000_000))]];
        if (r < 0.86) return [["PFCOUNT", k(), k()]];
        return [["MULTI"], ...draw(true), ...draw(true), ["EXEC"]];
      };
      let unreplicable = 0;
      for (let round = 0; round < 250; round++) {
        const batch: Arg[][] = [];
        for (let i = 0; i < 8; i++) batch.push(...draw());
        const token = `m${++marker}`;
        const tainted = await runBatch(client, [...batch, ["PUBLISH", "__tap__", token]]);
        applyStream(store, await tap.until(token), state);
        for (const [key, what] of await differingKeys(client, store)) {
          assert.ok(
            tainted.has(key),
            `round ${round}: ${key} differs (tainted: ${[...tainted]})\n${what}`,
          );
          unreplicable++;
          const value = await client.getBuffer(key);
          if (value === null) store.del(0, Buffer.from(key));
          else store.set(0, Buffer.from(key), value, 0, await client.call("PEXPIRETIME", key) as number);
        }
      }
      assert.ok(unreplicable < 20, `${unreplicable} keys changed by refused PFADDs`);
      store.dispose();
    });
  }

  test("a PFADD refused midway changes the primary and propagates nothing", async () => {
    await client.flushall();
    const store = new Store();
    const state = { db: 0 };
    // a sparse HLL whose single XZERO covers registers 0..8191 only
    const damaged = Buffer.concat([
      Buffer.from("HYLL\x01\0\0\0", "latin1"),
      Buffer.alloc(8),
      Buffer.from([0x5f, 0xff]),
    ]);
    const index = (e: string) => hllPatLen(enc.encode(e)) >> 6;
    const names = Array.from({ length: 64 }, (_, i) => `p${i}`);
    const inside = names.find((e) => index(e) < 8192)!, beyond = names.find((e) => index(e) >= 8192)!;
    await replay(store, state, [["SET", "hll:0", damaged]], "damaged");
    const token = `m${++marker}`;
    const refused = await runBatch(client, [["PFADD", "hll:0", inside, beyond], ["PUBLISH", "__tap__", token]]);
    assert.deepEqual([...refused], ["hll:0"], "answered INVALIDOBJ");
    assert.deepEqual(await tap.until(token), [], "nothing propagated");
    const differences = await differingKeys(client, store);
    assert.ok(differences.has("hll:0"), "the primary kept the register set for the first element");
    assert.notDeepEqual(await client.getBuffer("hll:0"), damaged);
    // given the command, the store refuses it as the primary did (and changes nothing)
    assert.throws(
      () =>
        lookupCommand(enc.encode("pfadd"))!.apply(
          { store, db: 0, now: () => 0 },
          ["pfadd", "hll:0", inside, beyond].map((w) => enc.encode(w)),
        ),
      /INVALIDOBJ/,
    );
    store.find(0, "hll:0");
    assert.deepEqual(Buffer.from(store.foundBytes()), damaged);
    store.dispose();
  });

  test("the store refuses what the primary would refuse", () => {
    const store = new Store();
    const apply = (...words: Arg[]) => {
      const args = words.map((w) => typeof w === "string" ? enc.encode(w) : new Uint8Array(w));
      lookupCommand(args[0])!.apply({ store, db: 0, now: () => 0 }, args);
    };
    apply("SET", "notll", "just a string value");
    assert.throws(
      () => apply("PFADD", "notll", "x"),
      (e: Error) => e instanceof CommandError && /WRONGTYPE/.test(e.message),
    );
    assert.throws(() => apply("PFMERGE", "d", "notll"), /not a valid HyperLogLog/);
    assert.throws(() => apply("PFCOUNT", "notll"), /not a valid HyperLogLog/);
    store.setPlaceholder(0, enc.encode("stream"), enc.encode("stream"), -1);
    assert.throws(() => apply("PFADD", "stream", "x"), /WRONGTYPE Operation/);
    // a sparse HLL whose opcodes do not cover 16384 registers
    const corrupt = Buffer.from("HYLL\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x80\x7f\xfe", "latin1");
    apply("SET", "bad", corrupt);
    assert.throws(() => apply("PFCOUNT", "bad"), /INVALIDOBJ/);
    store.dispose();
  });
});
