// Unit tests of the command line's pieces: progress bar and status line formatting, number formats, argument
// parsing, `--read` parsing, reply formatting, failure messages, the version.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import { hasFlag, integerOption, optionValues, parseArgs } from "../../src/cli/args.ts";
import { describeFailure, UsageError } from "../../src/cli/failure.ts";
import { formatBytes, formatCount, formatDuration, quoteBytes } from "../../src/cli/format.ts";
import type { Output } from "../../src/cli/io.ts";
import { formatProgress, ProgressBar } from "../../src/cli/progress.ts";
import { parseRead, splitWords } from "../../src/cli/read_calls.ts";
import { formatStatus, StatusSampler } from "../../src/cli/status_line.ts";
import { formatValue, toJson } from "../../src/cli/value_format.ts";
import { VERSION } from "../../src/cli/version.ts";
import type { MirrorStats } from "../../src/mirror.ts";
import { AuthError, ConnectionError, RdbError, VeidrodelisError } from "../../src/errors.ts";

/** An output that records what is written. */
function recorder(isTTY: boolean, columns = 100): Output & { text: string } {
  const out = {
    text: "",
    isTTY,
    columns,
    write(s: string) {
      out.text += s;
    },
  };
  return out;
}

describe("progress bar", () => {
  test("a known total: bar, percentage, bytes, keys, time, within the width", () => {
    const line = formatProgress({ bytes: 512, totalBytes: 1024, keys: 1234 }, { width: 100, elapsedMs: 1500 });
    assert.equal(line, `[${"█".repeat(15)}${"░".repeat(15)}]   50%  512 B / 1.00 KiB  1,234 keys  1.5 s`);
    const labelled = formatProgress({ bytes: 3 << 20, totalBytes: 3 << 20, keys: 7 }, {
      width: 80,
      elapsedMs: 250,
      label: "reading",
    });
    assert.match(labelled, /^reading \[█+\] {2}100% {2}3\.00 MiB \/ 3\.00 MiB {2}7 keys {2}250 ms$/);
    assert.ok(labelled.length <= 80);
  });

  test("narrow terminals drop the bar, then cut the line; an unknown total shows no bar", () => {
    const narrow = formatProgress({ bytes: 10, totalBytes: 100, keys: 1 }, { width: 40, elapsedMs: 0 });
    assert.equal(narrow, " 10%  10 B / 100 B  1 keys  0 ms");
    const tiny = formatProgress({ bytes: 10, totalBytes: 100, keys: 1 }, { width: 12, elapsedMs: 0 });
    assert.equal(tiny, " 10%  10 B …");
    assert.equal(
      formatProgress({ bytes: 2048, totalBytes: null, keys: 5 }, { width: 80, elapsedMs: 3000, label: "loading" }),
      "loading 2.00 KiB  5 keys  3.0 s",
    );
  });

  test("on a terminal it redraws in place at most every 100 ms, then gives way to the final line", () => {
    let now = 0;
    const out = recorder(true, 60);
    const bar = new ProgressBar(out, "reading", () => now);
    bar.update({ bytes: 1, totalBytes: 10, keys: 1 });
    assert.equal(out.text, ""); // not before the first period: a short load never flickers
    now = 100;
    bar.update({ bytes: 5, totalBytes: 10, keys: 5 });
    now = 150;
    bar.update({ bytes: 6, totalBytes: 10, keys: 6 }); // too soon: skipped
    const draws = out.text.split("\r\x1b[2K").filter((s) => s !== "");
    assert.equal(draws.length, 1);
    assert.match(draws[0], /^reading \[█+░+\] {3}50% {2}5 B \/ 10 B {2}5 keys {2}100 ms$/);
    bar.done("read 10 B");
    assert.ok(out.text.endsWith("\r\x1b[2Kread 10 B\n"));
  });

  test("elsewhere only the final line is written", () => {
    let now = 0;
    const out = recorder(false);
    const bar = new ProgressBar(out, "reading", () => now);
    for (now = 0; now < 1000; now += 50) bar.update({ bytes: now, totalBytes: 1000, keys: 0 });
    bar.note("connecting…");
    bar.done("done");
    assert.equal(out.text, "done\n");
  });
});

describe("formats", () => {
  test("bytes, counts, durations", () => {
    assert.deepEqual(
      [0, 1023, 1024, 1536, 10 * 1024 * 1024, 5 * 2 ** 40].map(formatBytes),
      ["0 B", "1023 B", "1.00 KiB", "1.50 KiB", "10.0 MiB", "5.00 TiB"],
    );
    assert.deepEqual([0, 999, 1000, 1234567, -42000].map(formatCount), ["0", "999", "1,000", "1,234,567", "-42,000"]);
    assert.deepEqual([12.4, 999, 3200, 65_000].map(formatDuration), ["12 ms", "999 ms", "3.2 s", "1 min 05 s"]);
  });

  test("bytes are quoted with every byte visible", () => {
    assert.equal(quoteBytes(new TextEncoder().encode('a "b"\n\\ ė')), '"a \\"b\\"\\n\\\\ ė"');
    assert.equal(quoteBytes(new Uint8Array([0x6b, 0, 0xff])), '"k\\x00\\xff"');
  });

  test("replies as redis-cli shows them", () => {
    assert.equal(formatValue(null), "(nil)");
    assert.equal(formatValue(3), "(integer) 3");
    assert.equal(formatValue(-Infinity), "(double) -inf");
    assert.equal(formatValue([]), "(empty array)");
    assert.equal(formatValue({ a: "1", b: ["x", 2] }), '1# "a" => "1"\n2# "b" => 1) "x"\n          2) (integer) 2');
    const eleven = formatValue(Array.from({ length: 11 }, (_, i) => String(i)));
    assert.ok(eleven.startsWith(' 1) "0"\n 2) "1"'));
    assert.ok(eleven.endsWith('\n11) "10"'));
    assert.deepEqual(toJson([1.5, Infinity, new Uint8Array([255]), new Map([["k", 10n]])]), [
      1.5,
      "inf",
      { base64: "/w==" },
      { k: "10" },
    ]);
  });

  test("the status line", () => {
    const stats = {
      state: "streaming",
      offset: 1234567,
      lagBytes: 2048,
      secondsSinceLastByte: 0.25,
      memoryBytes: 64 << 20,
      reconnects: 0,
      divergences: 0,
      commands: { set: 100, del: 20 },
    } as unknown as MirrorStats;
    const sampler = new StatusSampler();
    const first = sampler.sample(stats, 1200, 10_000);
    assert.equal(
      formatStatus(first),
      "streaming  offset 1,234,567  lag 2.00 KiB  - cmd/s  1,200 keys  64.0 MiB  last byte 0.3 s ago",
    );
    const later = sampler.sample({ ...stats, commands: { set: 400, del: 120 }, reconnects: 2 }, 1300, 12_000);
    assert.equal(later.commandsPerSecond, 200);
    assert.match(formatStatus(later), / {2}200 cmd\/s {2}1,300 keys {2}.* {2}2 reconnects$/);
  });
});

describe("arguments", () => {
  const specs = [
    { name: "top", value: "N", help: "" },
    { name: "read", value: "R", repeat: true, help: "" },
    { name: "json", help: "" },
    { name: "quiet", short: "q", help: "" },
  ];

  test("options, values, repeats, positionals, --", () => {
    const args = parseArgs(
      ["f.rdb", "--top=5", "-q", "--read", "get a", "--read", "get b", "-1", "--", "--json"],
      specs,
    );
    assert.deepEqual(args.positionals, ["f.rdb", "-1", "--json"]);
    assert.equal(integerOption(args, "top", 10, 0), 5);
    assert.deepEqual(optionValues(args, "read"), ["get a", "get b"]);
    assert.ok(hasFlag(args, "quiet"));
    assert.ok(!hasFlag(args, "json"));
  });

  test("mistakes are usage errors", () => {
    assert.throws(() => parseArgs(["--jsno"], specs), new UsageError("unknown option --jsno"));
    assert.throws(() => parseArgs(["--top"], specs), new UsageError("option --top needs a value (N)"));
    assert.throws(() => parseArgs(["--top", "1", "--top", "2"], specs), /given twice/);
    assert.throws(() => parseArgs(["--json=yes"], specs), /takes no value/);
    assert.throws(() => integerOption(parseArgs(["--top", "-3"], specs), "top", 10, 0), /whole number/);
  });

  test("--read: shell-like words, names case-insensitive, arguments converted to the read's kinds", () => {
    assert.deepEqual(splitWords(` hget "user 1" 'na"me'  x\\y "a\\"b\\x41\\n" `), [
      "hget",
      "user 1",
      'na"me',
      "x\\y",
      'a"bA\n',
    ]);
    assert.deepEqual(splitWords('zrange z 0 -1 {"withScores": true, "by": "score"} tail'), [
      "zrange",
      "z",
      "0",
      "-1",
      '{"withScores": true, "by": "score"}',
      "tail",
    ]);
    assert.deepEqual(parseRead("GETRANGE k 0 -1"), { text: "GETRANGE k 0 -1", name: "getrange", args: ["k", 0, -1] });
    assert.deepEqual(parseRead("objectencoding k").name, "objectEncoding");
    assert.deepEqual(parseRead("zrangebyscore z (1.5 +inf").args, ["z", "(1.5", Infinity]);
    assert.deepEqual(parseRead("zrangebylex z [a [c").args, ["z", "[a", "[c"]);
    assert.deepEqual(parseRead("mget a b c").args, ["a", "b", "c"]);
    assert.deepEqual(parseRead("zunion a,b").args, [["a", "b"]]);
    assert.deepEqual(parseRead(`zunion '["a,1","b"]' {"withScores":true}`).args, [["a,1", "b"], { withScores: true }]);
    assert.deepEqual(parseRead("geodist g a b km").args, ["g", "a", "b", "km"]);
  });

  test("--read mistakes are usage errors naming the read and the argument", () => {
    assert.throws(() => parseRead("nope k"), /unknown read "nope"/);
    assert.throws(
      () => parseRead("lrange k a 1"),
      new UsageError('read "lrange k a 1": argument 2 must be an integer, not "a"'),
    );
    assert.throws(() => parseRead("zrange z 0 1 {withScores}"), /must be a JSON object of options/);
    assert.throws(() => parseRead('get "k'), /unbalanced quote/);
    assert.throws(() => parseRead(""), /empty --read/);
  });
});

describe("failures", () => {
  test("one line and an exit code per kind of failure", () => {
    assert.deepEqual(describeFailure(new UsageError("missing <file.rdb>")), {
      message: "missing <file.rdb> (see --help)",
      exitCode: 2,
    });
    assert.equal(describeFailure(new VeidrodelisError("ARGUMENT", "not a valid URL: x")).exitCode, 2);
    const refused = new ConnectionError("cannot connect to h:1: connect ECONNREFUSED 1.2.3.4:1", {
      cause: Object.assign(new Error("connect ECONNREFUSED 1.2.3.4:1"), { code: "ECONNREFUSED" }),
    });
    assert.deepEqual(describeFailure(refused), {
      message: "cannot connect to h:1: connection refused: is the server running, is the port right? (ECONNREFUSED)",
      exitCode: 1,
    });
    assert.match(
      describeFailure(new AuthError("authentication failed: WRONGPASS nope")).message,
      /^authentication failed: WRONGPASS nope \(give/,
    );
    assert.deepEqual(describeFailure(new RdbError("CHECKSUM", "checksum mismatch", 4242)), {
      message: "cannot decode the RDB (CHECKSUM): checksum mismatch (RDB offset 4242)",
      exitCode: 1,
    });
    assert.deepEqual(describeFailure(new Error("no such file: x")), { message: "no such file: x", exitCode: 1 });
  });

  test("the version is the package's", () => {
    const pkg = JSON.parse(fs.readFileSync(new URL("../../package.json", import.meta.url), "utf8"));
    assert.equal(VERSION, pkg.version);
  });
});
