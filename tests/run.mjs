#!/usr/bin/env node
// Test runner front-end: runs tests/**/*_test.ts on Node, Deno and/or Bun.
//
//   node tests/run.mjs [node|deno|bun|all] [--timeout <seconds>] [--deno-check] [files...]
//
// Default runtime: all (node, then deno, then bun). Default files: every tests/**/*_test.ts, sorted.
// Each runtime's run is killed (whole process group) after --timeout seconds (default 600, or
// $VEIDRODELIS_TEST_TIMEOUT; $VEIDRODELIS_TEST_TIMEOUT_NODE / _DENO / _BUN set one runtime's): a leaked handle
// that keeps a runner alive fails the run instead of hanging it.
// The last line printed is always `tests: <passed> passed, <failed> failed` (sum over runtimes; a runtime that
// exits non-zero, times out or prints no summary without reporting a failed test counts as 1 failure).
// Exit status: 0 only if every runtime exited 0 and nothing failed.
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const BIN = path.join(ROOT, "node_modules", ".bin");
const RUNTIMES = ["node", "deno", "bun"];

function usage(msg) {
  if (msg) console.error(`run.mjs: ${msg}`);
  console.error("usage: node tests/run.mjs [node|deno|bun|all] [--timeout <seconds>] [--deno-check] [files...]");
  process.exit(2);
}

// ---- arguments
let selected = RUNTIMES;
let timeoutS = Number(process.env.VEIDRODELIS_TEST_TIMEOUT ?? 600);
let denoCheck = process.env.VEIDRODELIS_DENO_CHECK === "1";
const fileArgs = [];
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i++) {
  const a = argv[i];
  if (i === 0 && (a === "all" || RUNTIMES.includes(a))) selected = a === "all" ? RUNTIMES : [a];
  else if (a === "--timeout") timeoutS = Number(argv[++i]);
  else if (a.startsWith("--timeout=")) timeoutS = Number(a.slice(10));
  else if (a === "--deno-check") denoCheck = true;
  else if (a === "-h" || a === "--help") usage();
  else if (a.startsWith("-")) usage(`unknown option ${a}`);
  else fileArgs.push(a);
}
if (!(timeoutS > 0)) usage("bad --timeout");

/** Seconds `rt` may run: its own $VEIDRODELIS_TEST_TIMEOUT_<RT> when set, else --timeout. */
function timeoutFor(rt) {
  const own = Number(process.env[`VEIDRODELIS_TEST_TIMEOUT_${rt.toUpperCase()}`]);
  return own > 0 ? own : timeoutS;
}

// ---- test files
function findTests(dir, out) {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    if (e.name === "node_modules" || e.name.startsWith(".")) continue;
    const p = path.join(dir, e.name);
    if (e.isDirectory()) findTests(p, out);
    else if (e.isFile() && e.name.endsWith("_test.ts")) out.push(p);
  }
  return out;
}
let files;
if (fileArgs.length > 0) {
  files = fileArgs.map((f) => {
    const p = path.resolve(f);
    if (!fs.existsSync(p)) usage(`no such file: ${f}`);
    return p;
  });
} else {
  files = findTests(path.join(ROOT, "tests"), []);
}
files = files.map((p) => "./" + path.relative(ROOT, p).split(path.sep).join("/")).sort();
if (files.length === 0) {
  console.log("run.mjs: no test files found (tests/**/*_test.ts)");
  console.log("tests: 0 passed, 1 failed");
  process.exit(1);
}

// ---- per-runtime commands and summary parsers
// deno-lint-ignore no-control-regex
const stripAnsi = (s) => s.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, "");

function commandFor(rt) {
  switch (rt) {
    case "node":
      // Node 20: no globs in --test, explicit files; tsx loader. No --test-force-exit: with it the runner
      // can lose the reports of a file's last tests, exiting 0 with fewer tests counted (nodejs/node#64833;
      // seen here: 7 tests of tests/replication/store_loader_test.ts gone from one CI run). A stray
      // handle that keeps a file alive is caught by the leak checks, and by the timeout as a backstop.
      return [process.execPath, ["--import", "tsx", "--test", "--test-reporter=spec", ...files]];
    case "deno":
      return [path.join(BIN, "deno"), ["test", "-A", ...(denoCheck ? [] : ["--no-check"]), ...files]];
    case "bun":
      // paths must look like paths (./...) or bun treats them as name filters; bun's default per-test
      // timeout is 5 s (Node and Deno have none), raise it.
      return [path.join(BIN, "bun"), ["test", "--timeout", "300000", ...files]];
  }
}

function parseNode(lines) {
  let pass, fail, skip = 0;
  for (const l of lines) {
    let m;
    if ((m = /^(?:ℹ|#) pass (\d+)\s*$/.exec(l))) pass = Number(m[1]);
    else if ((m = /^(?:ℹ|#) fail (\d+)\s*$/.exec(l))) fail = Number(m[1]);
    else if ((m = /^(?:ℹ|#) cancelled (\d+)\s*$/.exec(l))) fail = (fail ?? 0) + Number(m[1]);
    else if ((m = /^(?:ℹ|#) (?:skipped|todo) (\d+)\s*$/.exec(l))) skip += Number(m[1]);
  }
  return pass === undefined || fail === undefined ? undefined : { pass, fail, skip };
}

function parseDeno(lines) {
  // Count leaves: "name ... ok|FAILED|ignored" lines that do not close a "name ..." group header.
  let pass = 0, fail = 0, skip = 0, summary;
  const open = [];
  for (const l of lines) {
    if (/^(ok|FAILED) \| /.test(l)) summary = l;
    const head = /^(\s*)(.*) \.\.\.$/.exec(l);
    if (head) {
      open.push(head[1] + head[2]);
      continue;
    }
    const res = /^(\s*)(.*) \.\.\. (ok|FAILED|ignored)\b/.exec(l);
    if (!res) continue;
    if (open.length > 0 && open[open.length - 1] === res[1] + res[2]) {
      open.pop(); // a group result
      continue;
    }
    if (res[3] === "ok") pass++;
    else if (res[3] === "FAILED") fail++;
    else skip++;
  }
  if (summary === undefined) return undefined;
  if (pass + fail + skip === 0) {
    // fall back to the summary line
    const n = (re) => Number(re.exec(summary)?.[1] ?? 0);
    return { pass: n(/(\d+) passed/), fail: n(/(\d+) failed/), skip: n(/(\d+) ignored/) };
  }
  if (/^FAILED/.test(summary) && fail === 0) fail = Number(/(\d+) failed/.exec(summary)?.[1] ?? 1);
  return { pass, fail, skip };
}

function parseBun(lines) {
  let pass, fail, skip = 0, errors = 0;
  for (const l of lines) {
    let m;
    if ((m = /^\s*(\d+) pass\s*$/.exec(l))) pass = Number(m[1]);
    else if ((m = /^\s*(\d+) fail\s*$/.exec(l))) fail = Number(m[1]);
    else if ((m = /^\s*(\d+) (?:skip|todo)\s*$/.exec(l))) skip += Number(m[1]);
    else if ((m = /^\s*(\d+) errors?\s*$/.exec(l))) errors = Number(m[1]); // e.g. a file that failed to load
  }
  if (pass === undefined && fail === undefined) return undefined;
  return { pass: pass ?? 0, fail: Math.max(fail ?? 0, errors), skip };
}

const PARSERS = { node: parseNode, deno: parseDeno, bun: parseBun };

// ---- running
let current; // the child process group being run
function killGroup(child, sig) {
  try {
    process.kill(-child.pid, sig);
  } catch {
    try {
      child.kill(sig);
    } catch {
      // gone
    }
  }
}
for (const sig of ["SIGINT", "SIGTERM"]) {
  process.on(sig, () => {
    if (current) killGroup(current, "SIGKILL");
    process.exit(130);
  });
}

function runOne(rt) {
  const [cmd, args] = commandFor(rt);
  console.log(
    `\n===== ${rt}: ${rt === "node" ? "node" : path.relative(ROOT, cmd)} ${
      args.filter((a) => !files.includes(a)).join(" ")
    } <${files.length} test file(s)>`,
  );
  const started = Date.now();
  if (rt !== "node" && !fs.existsSync(cmd)) {
    console.log(`run.mjs: ${cmd} not found (run npm ci)`);
    return Promise.resolve({ rt, code: 127, timedOut: false, secs: 0, counts: undefined });
  }
  return new Promise((resolve) => {
    const child = spawn(cmd, args, {
      cwd: ROOT,
      stdio: ["ignore", "pipe", "pipe"],
      detached: true, // own process group, so a timeout kills grandchildren too
      env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: "0", DENO_NO_UPDATE_CHECK: "1", DENO_NO_PROMPT: "1" },
    });
    current = child;
    const lines = [];
    let partial = "";
    const onData = (stream) => (d) => {
      stream.write(d);
      const text = partial + stripAnsi(d.toString("utf8"));
      const parts = text.split(/\r?\n/);
      partial = parts.pop();
      lines.push(...parts);
      if (lines.length > 200000) lines.splice(0, lines.length - 100000);
    };
    child.stdout.on("data", onData(process.stdout));
    child.stderr.on("data", onData(process.stderr));
    let timedOut = false;
    let killTimer;
    const limitS = timeoutFor(rt);
    const timer = setTimeout(() => {
      timedOut = true;
      console.log(`\nrun.mjs: ${rt} still running after ${limitS} s: killing it (a leaked handle or a hung test?)`);
      killGroup(child, "SIGTERM");
      killTimer = setTimeout(() => killGroup(child, "SIGKILL"), 5000);
    }, limitS * 1000);
    child.on("error", (e) => {
      console.log(`run.mjs: cannot start ${cmd}: ${e.message}`);
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      clearTimeout(killTimer);
      current = undefined;
      // whatever is left in the group (e.g. redis-servers of a killed run) goes too
      killGroup(child, "SIGKILL");
      if (partial) lines.push(partial);
      resolve({
        rt,
        code: code ?? (signal ? 128 : 1),
        signal,
        timedOut,
        secs: (Date.now() - started) / 1000,
        counts: PARSERS[rt](lines),
      });
    });
  });
}

const results = [];
for (const rt of selected) results.push(await runOne(rt));

console.log("\n===== summary");
let passed = 0, failed = 0, ok = true;
for (const r of results) {
  const c = r.counts ?? { pass: 0, fail: 0, skip: 0 };
  let fail = c.fail;
  const bad = r.code !== 0 || r.timedOut || !r.counts || c.fail > 0;
  if (bad) ok = false;
  if (bad && fail === 0) fail = 1; // the run itself failed (crash, timeout, no summary, non-zero exit)
  passed += c.pass;
  failed += fail;
  const notes = [];
  if (r.timedOut) notes.push(`TIMED OUT after ${timeoutFor(r.rt)} s`);
  if (!r.counts) notes.push("no test summary found");
  if (r.code !== 0) notes.push(`exit ${r.code}${r.signal ? ` (${r.signal})` : ""}`);
  console.log(
    `${bad ? "FAIL" : "ok  "} ${r.rt.padEnd(5)} pass=${c.pass} fail=${c.fail} skip=${c.skip} time=${
      r.secs.toFixed(1)
    }s${notes.length ? "  " + notes.join(", ") : ""}`,
  );
}
console.log(`tests: ${passed} passed, ${failed} failed`);
process.exit(ok ? 0 : 1);
