// The differential test at CI size: a seeded random workload on a real redis-server while a Mirror
// replicates it; afterwards the mirror must equal the primary key by key, without a single divergence,
// and every write command of the table must have reached it (exemptions in harness.ts).
//
//   VEIDRODELIS_DIFF_SEED=123 VEIDRODELIS_DIFF_COMMANDS=20000 node tests/run.mjs node ./tests/differential/differential_test.ts
//
// Without VEIDRODELIS_DIFF_SEED two fixed seeds run: one with Redis's default encodings, one with tiny
// encoding thresholds and lazy-free deletes (UNLINK in the stream). Big runs: tests/differential/run.ts.
import { before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { describeMismatch } from "../_support/compare.ts";
import { type DifferentialReport, formatReport, runDifferential, serverConfig } from "./harness.ts";

const MINIMUM_RECEIVED = 3;
const commands = Number(process.env.VEIDRODELIS_DIFF_COMMANDS ?? 3000);
const envSeed = process.env.VEIDRODELIS_DIFF_SEED;
/** 20250600 % 4 = 0 (default encodings); 20250603 % 4 = 3 (tiny encodings, lazy-free). */
const seeds = envSeed !== undefined && envSeed !== "" ? [Number(envSeed) >>> 0] : [20250600, 20250603];

const list = (lines: string[], max = 30) =>
  lines.slice(0, max).join("\n") + (lines.length > max ? `\n… ${lines.length - max} more` : "");

for (const seed of seeds) {
  const config = serverConfig(seed);
  const variant = `${"set-max-intset-entries" in config ? "tiny" : "default"} encodings` +
    ("lazyfree-lazy-expire" in config ? ", lazy-free deletes" : "");
  describe(`differential: mirror vs real primary, seed ${seed}, ${commands} commands (${variant})`, () => {
    let report: DifferentialReport;

    before(async () => {
      console.log(`differential seed ${seed} (VEIDRODELIS_DIFF_SEED=${seed} to repeat)`);
      report = await runDifferential({
        seed,
        commands,
        minimumReceived: MINIMUM_RECEIVED,
        selfTest: true,
        freshMirror: true,
      });
      console.log(formatReport(report));
    });

    test("the mirror reported no divergence and its link never failed", () => {
      const divergences = report.divergences.map((g) => `${g.command} ×${g.count}: ${g.example}`);
      assert.deepEqual(divergences, [], `divergences:\n${list(divergences)}`);
      assert.deepEqual(report.linkErrors, []);
      assert.equal(report.fullSyncs, 1, "one full sync, no resync");
    });

    test("the mirror's offset equals the primary's master_repl_offset", () => {
      assert.equal(report.offsets.mirror, report.offsets.primary);
    });

    test("every key of every database is equal: type, value and absolute TTL (both directions)", () => {
      const lines = report.mismatches.map(describeMismatch);
      assert.deepEqual(lines, [], `${lines.length} mismatches:\n${list(lines)}`);
      assert.ok(report.keysCompared > 50, `only ${report.keysCompared} keys compared`);
    });

    test(`every write command of the table reached the mirror at least ${MINIMUM_RECEIVED} times`, () => {
      const low = report.coverage.filter((r) => r.status === "low").map((r) => `${r.name}: ${r.received}`);
      assert.deepEqual(low, [], `commands received too rarely: ${low.join(", ")}`);
    });

    test("a fresh mirror synced from the final RDB equals the primary too", () => {
      const fresh = report.freshMirror!;
      assert.equal(fresh.error, null, `the fresh mirror did not sync: ${fresh.error}`);
      const lines = fresh.mismatches.map(describeMismatch);
      assert.deepEqual(lines, [], `${lines.length} mismatches:\n${list(lines)}`);
    });

    test("self-test: one key corrupted in the mirror's store is reported, and only that key", () => {
      const self = report.selfTest!;
      assert.ok(self.corrupted !== null, self.note);
      const reported = self.newMismatches.map(describeMismatch);
      assert.ok(self.ok, `corrupted ${JSON.stringify(self.corrupted)}, reported:\n${list(reported)}`);
    });
  });
}
