// PFADD / PFMERGE / PFCOUNT / PFDEBUG against a real redis-server: seeded random sequences run on the server, the
// commands it propagates (captured by a SYNC replication tap) are applied to a Store through the command table, and
// every key's raw bytes and TTL are compared byte for byte after each batch.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import net from "node:net";
import { Store } from "../../src/_wasm/store.ts";
import { lookupCommand } from "../../src/commands/table.ts";
import { CommandError } from "../../src/commands/args.ts";
import { type RedisServer, startRedis } from "../_support/redis_server.ts";
import { RespCommandParser } from "../_support/resp.ts";
import { seededRandom } from "../_support/random.ts";
import type { Redis } from "ioredis";

// ---------------------------------------------------------------- replication tap (same helper in bitmaps_test.ts)

/** A pre-PSYNC replica connection (SYNC): skips the RDB, then collects the propagated commands. */
class ReplicationTap {
  private parser = new RespCommandParser();
  private pending: Buffer = Buffer.alloc(0);
  private rdbLeft = -1; // -1: waiting for the `$len` line
  private waiters: Array<() => void> = [];
  private closed = false;
  private onSynced: (ok: boolean) => void = () => {};
  readonly commands: Buffer[][] = [];

  private constructor(private readonly socket: net.Socket) {
    socket.on("data", (chunk: Buffer) => this.onData(chunk));
    socket.on("error", () => {});
    socket.on("close", () => {
      this.closed = true;
      this.onSynced(false);
      for (const w of this.waiters.splice(0)) w();
    });
  }

  /** Connects and waits for the RDB; retries when the server drops the sync (a failed BGSAVE fork). */
  static async open(port: number): Promise<ReplicationTap> {
    for (let attempt = 1;; attempt++) {
      const socket = net.connect(port, "127.0.0.1");
      const tap = new ReplicationTap(socket);
      const synced = new Promise<boolean>((resolve) => {
        tap.onSynced = resolve;
        setTimeout(() => resolve(false), 15_000);
      });
      socket.write("SYNC\r\n");
      if (await synced) return tap;
      tap.close();
      if (attempt === 5) throw new Error("tap: SYNC failed 5 times");
      await new Promise((r) => setTimeout(r, 300));
    }
  }

  private onData(chunk: Buffer): void {
    if (this.rdbLeft !== 0) {
      this.pending = Buffer.concat([this.pending, chunk]);
      if (this.rdbLeft === -1) {
        let start = 0;
        while (start < this.pending.length && this.pending[start] === 10) start++; // keep-alive newlines
        const eol = this.pending.indexOf("\r\n", start);
        if (eol < 0) return;
        if (this.pending[start] !== 36) return this.close(); // not `$<len>`: an error reply
        this.rdbLeft = Number(this.pending.subarray(start + 1, eol).toString());
        this.pending = this.pending.subarray(eol + 2);
      }
      const skip = Math.min(this.rdbLeft, this.pending.length);
      this.rdbLeft -= skip;
      chunk = this.pending.subarray(skip);
      this.pending = Buffer.alloc(0);
      if (this.rdbLeft !== 0) return;
      this.onSynced(true);
    }
    for (const cmd of this.parser.push(chunk)) this.commands.push(cmd);
    for (const w of this.waiters.splice(0)) w();
  }

  /** Waits for a `PUBLISH <channel> <token>` marker and returns the commands before it (removed from the queue). */
  async until(token: string): Promise<Buffer[][]> {
    for (;;) {
      const i = this.commands.findIndex((c) =>
        c[0].toString().toLowerCase() === "publish" && c.length === 3 && c[2].toString() === token
      );
      if (i >= 0) return this.commands.splice(0, i + 1).slice(0, i);
      if (this.closed) throw new Error("tap: the server closed the replication link");
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`tap: no marker ${token}`)), 10_000);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  close(): void {
    this.socket.destroy();
  }
}

/** Applies propagated commands to the store as the replication layer would (SELECT tracked, no-ops skipped). */
function applyStream(store: Store, commands: Buffer[][], state: { db: number }): void {
  for (const cmd of commands) {
    const spec = lookupCommand(cmd[0]);
    assert.ok(spec, `no spec for ${cmd[0].toString()}`);
    if (spec.name === "select") {
      state.db = Number(cmd[1].toString());
      continue;
    }
    if (spec.kind !== "write") continue;
    spec.apply({ store, db: state.db, now: () => Date.now() }, cmd);
  }
}

/** Every key of db 0 on the server equals the store's: raw bytes and absolute TTL; same key count. */
async function assertSameKeys(client: Redis, store: Store, context: string): Promise<void> {
  const keys = await client.keysBuffer("*");
  assert.equal(store.dbSize(0), keys.length, `${context}: key count`);
  for (const key of keys) {
    const [value, expireAt] = await Promise.all([
      client.getBuffer(key),
      client.call("PEXPIRETIME", key) as Promise<number>,
    ]);
    assert.equal(store.find(0, key), 1, `${context}: ${key} is a string in the store`);
    const mine = Buffer.from(store.foundBytes());
    if (!mine.equals(value!)) {
      assert.fail(`${context}: ${key} differs\nredis: ${value!.toString("hex")}\nstore: ${mine.toString("hex")}`);
    }
    assert.equal(store.foundExpireAt, expireAt, `${context}: ${key} TTL`);
  }
}

type Arg = string | Buffer;

/** Runs a batch on the server (errors are expected for some: the server then propagates nothing). */
async function runBatch(client: Redis, batch: Arg[][]): Promise<void> {
  const pipe = client.pipeline();
  for (const [name, ...rest] of batch) pipe.call(name as string, ...rest);
  await pipe.exec();
}

// ---------------------------------------------------------------- the random sequences

const enc = new TextEncoder();

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
