/**
 * Bounded mutation fuzzing of the RDB decoder for CI (see tests/rdb/_fuzz.ts
 * for the mutations and the rules every case must keep; tests/rdb/fuzz.ts
 * runs large campaigns by hand). `VEIDRODELIS_FUZZ_CASES` and
 * `VEIDRODELIS_FUZZ_SEED` override the size and the seed.
 */

import assert from "node:assert/strict";
import process from "node:process";
import { describe, it } from "node:test";
import { fuzzCorpus, runFuzz } from "./_fuzz.ts";

const CASES = Number(process.env.VEIDRODELIS_FUZZ_CASES ?? 4000);
const SEED = Number(process.env.VEIDRODELIS_FUZZ_SEED ?? 20260601);

describe("RDB decoder fuzzing", () => {
  it("the corpus holds every kind of input", () => {
    const corpus = fuzzCorpus();
    assert.ok(corpus.length > 100, `${corpus.length} inputs`);
    for (const prefix of ["generated/", "public/", "synthetic/redis-8.10", "synthetic/vkcs-", "dump/"]) {
      assert.ok(corpus.some((c) => c.name.startsWith(prefix)), prefix);
    }
  });

  it(`${CASES} mutated inputs (seed ${SEED}): only RdbError, offsets inside the input, bounded memory and time`, () => {
    const report = runFuzz({ cases: CASES, seed: SEED, storeEvery: 10 });
    const failures = report.failures.map((f) =>
      `case ${f.index} (${f.source}; ${f.mutations.join(" ")}; ${f.mode}): ${
        f.error.split("\n").slice(0, 4).join(" | ")
      }`
    );
    assert.deepEqual(failures, [], `replay with: tsx tests/rdb/fuzz.ts --seed ${SEED} --only <index>`);
    assert.equal(report.cases, CASES);
    assert.ok(report.storeCases >= Math.floor(CASES / 10));
    // The run is worth its time only if inputs get past the first bytes in every way.
    for (const outcome of ["ok", "refused:CORRUPT", "refused:TRUNCATED", "refused:CHECKSUM", "refused:UNKNOWN_TYPE"]) {
      assert.ok((report.outcomes[outcome] ?? 0) > 0, `no case ended ${outcome}: ${JSON.stringify(report.outcomes)}`);
    }
    console.log(`fuzz: ${JSON.stringify({ ...report, failures: report.failures.length })}`);
  });
});
