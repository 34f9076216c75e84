/**
 * The three recorded full resyncs (../shared/fixtures/replication) replayed
 * by a fake primary into a Mirror, faithfully and in random chunks: the
 * mirror must end at the capture's final offset without reporting any
 * command as divergence, holding exactly final.expected.json — every
 * database, every key, type, value (in order), scores, TTLs and hash field
 * TTLs — in both directions.
 */

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Mirror } from "../../mod.ts";
import type { DivergenceError, VeidrodelisError } from "../../src/errors.ts";
import { replayCapture, startFakePrimary } from "../_support/fake_primary.ts";
import { waitUntil } from "../_support/sync.ts";
import { assertMatchesExpected, storeModel } from "../rdb/_helpers.ts";

const CAPTURES = ["redis-7.0.15", "redis-unstable-4f8cdc2a", "valkey-unstable-55bbbe09"];

type Mode = "faithful" | "robust";

async function replay(name: string, mode: Mode): Promise<void> {
  const cap = replayCapture(name);
  const end = cap.capture.master_repl_offset_at_end;
  const primary = await startFakePrimary({
    onPsync: mode === "faithful" ? cap.faithful() : cap.robust({ seed: 11, min: 1, max: 2048 }),
  });
  const divergences: DivergenceError[] = [];
  const errors: VeidrodelisError[] = [];
  // The capture's TTLs are absolute and some pass within days: freeze the clock
  // at the end of the capture and show expired keys, as the fixtures' README asks.
  const mirror = new Mirror({
    port: primary.port,
    clock: () => cap.capture.capture_ended_ms,
    showExpired: true,
    onDivergence: "continue",
    ackIntervalMs: 50,
  });
  mirror.on("divergence", (e) => divergences.push(e));
  mirror.on("error", (e) => errors.push(e));
  try {
    await mirror.ready;
    await waitUntil(
      () => mirror.offset >= end || errors.length > 0,
      30_000,
      `${name}: offset ${mirror.offset} to reach ${end}`,
    );
    assert.deepEqual(errors.map((e) => e.message), [], "link errors");
    const report = divergences.map((d) => `${d.command.slice(0, 3).join(" ")}: ${d.message}`);
    assert.deepEqual(report, [], "commands reported as divergence");
    assert.equal(mirror.offset, end);
    assert.equal(mirror.stats().divergences, 0);
    await primary.waitForAck({ minOffset: end, timeoutMs: 10_000 });
    assert.equal(primary.connectionCount, 1, "one sync, no reconnect");
    assertMatchesExpected(storeModel(mirror.store), cap.finalExpected(), true, `${name} (${mode})`);
  } finally {
    await mirror.close();
    await primary.stop();
  }
}

describe("replays of captured full resyncs", () => {
  for (const name of CAPTURES) {
    for (const mode of ["faithful", "robust"] as const) {
      it(`${name}, ${mode}: the projection equals final.expected.json`, () => replay(name, mode));
    }
  }
});
