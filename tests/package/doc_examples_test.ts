// The JSDoc examples of the published API (mod.ts and src/) run as Deno doc tests: `deno test --doc` type-checks
// every example not marked `ignore` and runs it (those that need a live Redis are `ignore`; the rest work offline,
// e.g. on a mirror built from RDB bytes). Runs on Node only (once per suite), as a child `deno test` process.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import path from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { runtimeName } from "../_support/leaks.ts";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");

test(
  "JSDoc examples of mod.ts and src/ type-check and run (deno test --doc)",
  { skip: runtimeName !== "node" ? `runs once per suite, under Node (this is ${runtimeName})` : false },
  () => {
    const deno = path.join(ROOT, "node_modules", ".bin", "deno");
    const result = spawnSync(deno, ["test", "-A", "--doc", "mod.ts", "src/"], {
      cwd: ROOT,
      encoding: "utf8",
      timeout: 180_000,
      env: { ...process.env, NO_COLOR: "1", DENO_NO_UPDATE_CHECK: "1", DENO_NO_PROMPT: "1" },
    });
    assert.ifError(result.error);
    // Colours may be forced by the environment (FORCE_COLOR) despite NO_COLOR.
    // deno-lint-ignore no-control-regex
    const stdout = result.stdout.replace(/\x1b\[[0-9;]*m/g, "");
    const summary = /^(ok|FAILED) \| (\d+) passed.*$/m.exec(stdout);
    assert.equal(
      result.status,
      0,
      `deno test --doc failed:\n${result.stdout.slice(-20_000)}\n${result.stderr.slice(-5_000)}`,
    );
    assert.ok(summary !== null && Number(summary[2]) > 0, `no doc test ran:\n${stdout.slice(-2_000)}`);
  },
);
