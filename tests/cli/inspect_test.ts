// `veidrodelis inspect`: the report of fixture RDBs (text and JSON, checked against the fixtures' expected content)
// and its one-line errors (missing file, corrupt file, wrong usage), run as a subprocess.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fixturePath, readFixtureJson } from "../_support/fixtures.ts";
import { runCli } from "./_cli_process.ts";

const REDIS_70 = "rdb/generated/redis-7.0.15.rdb";

interface Expected {
  databases: Record<string, Record<string, { type: string; expire_at_ms?: number }>>;
}

describe("veidrodelis inspect", () => {
  test("--json: keys per database and type, TTLs, AUX fields, skipped values, the biggest keys", async () => {
    const run = await runCli(["inspect", fixturePath(REDIS_70), "--json", "--top", "100"]);
    assert.equal(run.code, 0, run.stderr);
    const report = JSON.parse(run.stdout);
    const expected = readFixtureJson<Expected>("rdb/generated/redis-7.0.15.expected.json");

    assert.equal(report.magic, "REDIS");
    assert.equal(report.version, 10);
    assert.equal(report.checksumVerified, true);
    assert.equal(report.aux["redis-ver"], "7.0.15");
    for (const [db, keys] of Object.entries(expected.databases)) {
      const entry = report.databases.find((d: { db: number }) => d.db === Number(db));
      const types: Record<string, number> = {};
      for (const key of Object.values(keys)) types[key.type] = (types[key.type] ?? 0) + 1;
      assert.equal(entry.keys, Object.keys(keys).length, `db ${db}`);
      assert.deepEqual(entry.types, types, `db ${db}`);
      assert.equal(entry.expires, Object.values(keys).filter((k) => k.expire_at_ms !== undefined).length);
    }
    assert.deepEqual(report.skipped, { stream: 1, test___dt: 1 });
    assert.equal(report.functions, 1);
    assert.equal(report.encodings["list/quicklist2"], 9);
    assert.equal(report.encodings["set/intset"], 4);

    // biggest first, every key of the file within --top 100, a binary key with its exact bytes
    assert.equal(report.biggest.length, report.keys);
    const sizes = report.biggest.map((k: { bytes: number }) => k.bytes);
    assert.deepEqual(sizes, [...sizes].sort((a, b) => b - a));
    assert.deepEqual(
      { key: report.biggest[0].key, type: report.biggest[0].type, elements: report.biggest[0].elements },
      { key: "list:plain-node", type: "list", elements: 5 },
    );
    const binary = report.biggest.find((k: { keyBase64?: string }) => k.keyBase64 !== undefined);
    assert.equal(`$b64:${binary.keyBase64}`, Object.keys(expected.databases["0"]).find((k) => k.startsWith("$b64:")));
    // not a terminal: no progress bar, one final line on stderr
    assert.match(run.stderr, /^read 57\.2 KiB, 74 keys in \d+/);
    assert.ok(!run.stderr.includes("\r") && !run.stderr.includes("\x1b"), "no redrawing");
  });

  test("text: sections for people, --top limits the list", async () => {
    const run = await runCli(["inspect", fixturePath("rdb/generated/valkey-unstable-55bbbe09.rdb"), "--top", "2"]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^format {6}REDIS version 11, checksum verified$/m);
    assert.match(run.stdout, /^keys {8}74 in 3 databases, 7 with a TTL$/m);
    assert.match(run.stdout, /^skipped {5}stream 1, test___dt 1 /m);
    assert.match(run.stdout, /^ {2}valkey-ver {2}255\.255\.255$/m);
    assert.match(run.stdout, /^ {2}db 15 {4}6 keys: /m);
    const biggest = run.stdout.split("biggest keys")[1].split("\n\n")[0].split("\n").slice(1);
    assert.equal(biggest.length, 3); // the header and two keys
    assert.match(biggest[1], /^ +0 +list +list\/quicklist2 +28\.4 KiB +5 +"list:plain-node"$/);
  });

  test("a missing file: one line, exit 1", async () => {
    const run = await runCli(["inspect", "no/such/dump.rdb"]);
    assert.equal(run.code, 1);
    assert.equal(run.stderr, "veidrodelis inspect: no such file: no/such/dump.rdb\n");
    assert.equal(run.stdout, "");
  });

  test("a corrupt file: the decoder's reason and offset, exit 1, no stack trace", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "veidrodelis-cli-"));
    try {
      const bytes = fs.readFileSync(fixturePath(REDIS_70));
      const truncated = path.join(dir, "truncated.rdb");
      fs.writeFileSync(truncated, bytes.subarray(0, 1000));
      const notRdb = path.join(dir, "not.rdb");
      fs.writeFileSync(notRdb, "hello, world");

      let run = await runCli(["inspect", truncated]);
      assert.equal(run.code, 1);
      assert.match(run.stderr, /^veidrodelis inspect: cannot decode the RDB \(TRUNCATED\): .* \(RDB offset \d+\)\n$/);
      run = await runCli(["inspect", notRdb]);
      assert.equal(run.code, 1);
      assert.equal(
        run.stderr,
        'veidrodelis inspect: cannot decode the RDB (BAD_MAGIC): not an RDB file: starts with "hello, wo" (RDB offset 0)\n',
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test("wrong usage: exit 2 with a pointer to --help", async () => {
    const run = await runCli(["inspect", fixturePath(REDIS_70), "--top", "x"]);
    assert.equal(run.code, 2);
    assert.equal(run.stderr, 'veidrodelis inspect: --top must be a whole number of at least 0, not "x" (see --help)\n');
  });
});
