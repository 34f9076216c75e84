/**
 * Offline mirrors: Mirror.fromRdb builds a read-only projection from an RDB
 * file, its bytes or a stream of chunks, without any server. Content equals
 * the fixtures' expected content; progress is reported; the load yields to
 * the event loop; bad input rejects with a typed RdbError and leaves nothing.
 */

import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { Mirror, NotReadyError, RdbError, type RdbLoadProgress, VeidrodelisError } from "../mod.ts";
import { loadExpected } from "./_support/fixtures.ts";
import { seededRandom } from "./_support/random.ts";
import { assertMatchesExpected, fixturePath, readFixture, storeModel, Writer } from "./rdb/_helpers.ts";

const GENERATED: [rdb: string, expected: string][] = [
  ["redis-7.0.15.rdb", "redis-7.0.15.expected.json"],
  ["redis-unstable-4f8cdc2a.rdb", "redis-unstable-4f8cdc2a.expected.json"],
  ["redis-unstable-4f8cdc2a.nocompress-nochecksum.rdb", "redis-unstable-4f8cdc2a.expected.json"],
  ["valkey-unstable-55bbbe09.rdb", "valkey-unstable-55bbbe09.expected.json"],
  ["valkey-unstable-55bbbe09.nocompress-nochecksum.rdb", "valkey-unstable-55bbbe09.expected.json"],
];

/** The bytes as a stream of chunks of random sizes (1 byte to 64 KiB). */
async function* chunked(bytes: Uint8Array, seed: number): AsyncGenerator<Uint8Array> {
  const r = seededRandom(seed);
  for (let at = 0; at < bytes.length;) {
    const n = 1 + Math.floor(r() * (r() < 0.3 ? 16 : 65536));
    yield bytes.slice(at, at + n);
    at += n;
  }
}

/** Compares a mirror's whole content (expired keys included) with an `.expected.json`. */
function assertContent(mirror: Mirror, expected: string, label: string): void {
  const want = loadExpected(`rdb/generated/${expected}`);
  assertMatchesExpected(storeModel(mirror.store), want, true, label);
}

/** A synthetic RDB 11 file with `n` string keys and one set of `n` members (a few MiB for n = 100 000). */
function bigRdb(n: number): Uint8Array {
  const w = new Writer().text("REDIS0011").raw(0xfe, 0);
  for (let i = 0; i < n; i++) w.raw(0).str(`key:${i}`).str(`value:${i}:${"x".repeat(i % 50)}`);
  w.raw(2).str("set").len(n);
  for (let i = 0; i < n; i++) w.str(`member:${i}`);
  return w.raw(0xff).bytes();
}

describe("Mirror.fromRdb", () => {
  for (const [rdb, expected] of GENERATED) {
    test(`${rdb}: a file, its bytes and a stream of chunks give the fixture's content`, async () => {
      const file = fixturePath(`generated/${rdb}`);
      const sources = [file, readFixture(`generated/${rdb}`), chunked(readFixture(`generated/${rdb}`), rdb.length)];
      for (const [i, source] of sources.entries()) {
        const mirror = await Mirror.fromRdb(source, { showExpired: true });
        try {
          assert.equal(mirror.state, "offline");
          assertContent(mirror, expected, `${rdb} (source ${i})`);
          const summary = mirror.rdbSummary!;
          assert.ok(summary.keys > 0);
          assert.equal(mirror.stats().replId, summary.aux["repl-id"] ?? "");
        } finally {
          await mirror.close();
        }
      }
    });
  }

  test("reads follow the mirror's options; an offline mirror cannot resync; close releases it", async () => {
    const mirror = await Mirror.fromRdb(fixturePath("generated/redis-7.0.15.rdb"), { db: 0 });
    await mirror.ready;
    assert.equal(mirror.state, "offline");
    assert.ok(mirror.dbsize() > 0);
    assert.ok(mirror.stats().memoryBytes > 0);
    assert.throws(() => mirror.resync(), VeidrodelisError);
    const states: string[] = [];
    mirror.on("state", (s) => states.push(s));
    await mirror.close();
    assert.equal(mirror.state, "closed");
    assert.deepEqual(states, ["closed"]);
    assert.throws(() => mirror.dbsize(), NotReadyError);
    await mirror.close(); // idempotent
  });

  test("progress: bytes grow to the input's size, keys to the RDB's; total known for files and bytes", async () => {
    const bytes = bigRdb(20_000);
    const dir = mkdtempSync(path.join(os.tmpdir(), "offline-test-"));
    try {
      const file = path.join(dir, "big.rdb");
      writeFileSync(file, bytes);
      for (
        const [label, source, total] of [
          ["file", file, statSync(file).size],
          ["bytes", bytes, bytes.length],
          ["stream", chunked(bytes, 9), null],
        ] as const
      ) {
        const seen: RdbLoadProgress[] = [];
        const mirror = await Mirror.fromRdb(source, { onProgress: (p) => seen.push({ ...p }) });
        try {
          assert.ok(seen.length >= 2, `${label}: ${seen.length} progress events`);
          for (let i = 1; i < seen.length; i++) {
            assert.ok(seen[i].bytes >= seen[i - 1].bytes, `${label}: bytes never go back`);
            assert.ok(seen[i].keys >= seen[i - 1].keys, `${label}: keys never go back`);
          }
          const last = seen[seen.length - 1];
          assert.equal(last.bytes, bytes.length, label);
          assert.equal(last.keys, 20_001, label);
          assert.equal(last.totalBytes, total, label);
          assert.equal(mirror.dbsize(), 20_001);
          assert.equal(mirror.get("key:19999"), `value:19999:${"x".repeat(19999 % 50)}`);
          assert.equal(mirror.type("set"), "set");
          assert.equal(mirror.store.find(0, "set"), 3);
          assert.equal(mirror.store.foundSetCard(), 20_000);
        } finally {
          await mirror.close();
        }
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("the load yields to the event loop (timers run before it resolves)", async () => {
    const bytes = bigRdb(100_000);
    let ticks = 0;
    let running = true;
    const tick = () => {
      ticks++;
      if (running) setTimeout(tick, 0);
    };
    setTimeout(tick, 0);
    const mirror = await Mirror.fromRdb(bytes, { maxBusyMs: 1 });
    running = false;
    try {
      assert.ok(ticks >= 3, `a timer ran ${ticks} times during the load`);
      assert.equal(mirror.dbsize(), 100_001);
    } finally {
      await mirror.close();
    }
  });

  test("corrupt or truncated input rejects with a typed RdbError", async () => {
    const good = readFixture("generated/redis-7.0.15.rdb");
    const flipped = good.slice();
    flipped[Math.floor(good.length / 2)] ^= 0xff; // the checksum, at least, no longer matches
    const cases: [string, Uint8Array, string[]][] = [
      ["bad magic", new TextEncoder().encode("NOTANRDB0011\xff"), ["BAD_MAGIC"]],
      ["truncated", good.subarray(0, good.length - 100), ["TRUNCATED"]],
      ["flipped byte", flipped, ["CHECKSUM", "CORRUPT", "UNKNOWN_TYPE", "TRUNCATED", "TOO_LARGE"]],
    ];
    for (const [label, bytes, reasons] of cases) {
      for (const source of [bytes, chunked(bytes, 3)]) {
        await assert.rejects(Mirror.fromRdb(source), (e: unknown) => {
          assert.ok(e instanceof RdbError, `${label}: ${e}`);
          assert.ok(reasons.includes(e.reason), `${label}: reason ${e.reason}`);
          assert.ok(Number.isInteger(e.offset) && e.offset >= 0 && e.offset <= bytes.length, `${label}: offset`);
          return true;
        });
      }
    }
  });

  test("a failure inside a big collection or an abort leaves no mirror (nothing half-visible)", async () => {
    const bytes = bigRdb(50_000);
    const cut = bytes.subarray(0, bytes.length - 5000); // inside the set
    await assert.rejects(Mirror.fromRdb(cut), (e: unknown) => e instanceof RdbError && e.reason === "TRUNCATED");
    const controller = new AbortController();
    const pending = Mirror.fromRdb(bytes, {
      signal: controller.signal,
      maxBusyMs: 1,
      onProgress: (p) => {
        if (p.keys > 1000) controller.abort();
      },
    });
    await assert.rejects(pending, (e: unknown) => e instanceof VeidrodelisError && e.code === "CLOSED");
  });

  test("a missing file rejects with a typed error", async () => {
    await assert.rejects(
      Mirror.fromRdb(path.join(os.tmpdir(), "no-such-dir-veidrodelis", "dump.rdb")),
      (e: unknown) => e instanceof VeidrodelisError && e.code === "ARGUMENT" && /cannot open/.test(e.message),
    );
  });
});
