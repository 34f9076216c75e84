// The npm package as a user gets it: `build.ts --npm`, `npm pack`, `npm install <tarball> ioredis` in a scratch
// folder, then a script importing "veidrodelis" mirrors a real redis-server on Node (no tsx) and on Bun, and a
// TypeScript consumer type-checks against the published .d.ts files.
// Runs on Node only (once per suite: the package does not depend on the runtime running the suite).
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync, type SpawnSyncReturns } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { startRedis } from "../_support/redis_server.ts";
import { runtimeName } from "../_support/leaks.ts";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const BIN = path.join(ROOT, "node_modules", ".bin");

/** What the installed package must do: a replica of the server at REDIS_URL, written with ioredis. */
const CONSUMER_SCRIPT = `
import assert from "node:assert/strict";
import { Mirror, WrongTypeError } from "veidrodelis";
import { Redis } from "ioredis";

const url = process.env.REDIS_URL;
const runtime = typeof Bun !== "undefined" ? "bun" : "node";
const redis = new Redis(url);
await redis.set("greeting:" + runtime, "hello");
const mirror = await Mirror.connect(url);
try {
  assert.equal(mirror.get("greeting:" + runtime), "hello");
  await redis.hset("user:" + runtime, "name", "Alice", "age", "42");
  await redis.zadd("scores", 1, "a", 2, "b");
  await mirror.syncWith(redis);
  assert.deepEqual(mirror.hgetall("user:" + runtime), { name: "Alice", age: "42" });
  assert.deepEqual(mirror.zrange("scores", 0, -1, { withScores: true }), [
    { member: "a", score: 1 },
    { member: "b", score: 2 },
  ]);
  assert.throws(() => mirror.llen("scores"), WrongTypeError);
  assert.equal(await mirror.eval("return ts.hget(KEYS[1], 'name')", { keys: ["user:" + runtime] }), "Alice");
  assert.equal(mirror.stats().state, "streaming");
  console.log("mirrored on " + runtime);
} finally {
  await mirror.close();
  redis.disconnect();
}
`;

/** A TypeScript user of the package: resolves "veidrodelis" through `exports.types`, strict mode. */
const CONSUMER_TYPES = `
import { Mirror, type MirrorOptions, type ScoredMember, VeidrodelisError } from "veidrodelis";
const options: MirrorOptions = { url: "redis://127.0.0.1:6379", timeoutMs: 1000 };
export async function top(): Promise<ScoredMember[]> {
  const mirror = await Mirror.connect(options);
  const name: string | null = mirror.get("k");
  const scores: ScoredMember[] = mirror.zrange("z", 0, 2, { rev: true, withScores: true });
  if (name === null) throw new VeidrodelisError("ARGUMENT", "no k");
  await mirror.close();
  return scores;
}
`;

function run(command: string, args: string[], cwd: string, env: Record<string, string> = {}): SpawnSyncReturns<string> {
  const result = spawnSync(command, args, {
    cwd,
    encoding: "utf8",
    timeout: 120_000,
    env: { ...process.env, ...env, NO_COLOR: "1", npm_config_update_notifier: "false", npm_config_fund: "false" },
  });
  const shown = `${path.basename(command)} ${args.join(" ")}`;
  assert.ifError(result.error);
  assert.equal(result.status, 0, `${shown} exited ${result.status}:\n${result.stdout}\n${result.stderr}`);
  return result;
}

test(
  "npm package: built, packed, installed with ioredis, mirrors a real redis-server on Node and Bun",
  { skip: runtimeName !== "node" ? `runs once per suite, under Node (this is ${runtimeName})` : false },
  async () => {
    const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "veidrodelis-npm-"));
    const server = await startRedis();
    try {
      run(process.execPath, ["--import", "tsx", "build.ts", "--npm"], ROOT);
      const packed = run(
        "npm",
        ["pack", path.join(ROOT, "dist", "npm"), "--json", "--pack-destination", scratch],
        ROOT,
      );
      const [{ filename, files }] = JSON.parse(packed.stdout) as { filename: string; files: { path: string }[] }[];
      const paths = files.map((f) => f.path);
      for (const expected of ["package.json", "mod.js", "mod.d.ts", "README.md", "src/mirror.js"]) {
        assert.ok(paths.includes(expected), `${expected} is in the tarball`);
      }
      assert.ok(!paths.some((p) => p.endsWith(".ts") && !p.endsWith(".d.ts")), "no TypeScript sources are shipped");

      fs.writeFileSync(path.join(scratch, "package.json"), JSON.stringify({ private: true, type: "module" }));
      run("npm", ["install", path.join(scratch, filename), "ioredis", "--prefer-offline", "--no-audit"], scratch);
      fs.writeFileSync(path.join(scratch, "check.mjs"), CONSUMER_SCRIPT);

      const node = run(process.execPath, ["check.mjs"], scratch, { REDIS_URL: server.url });
      assert.match(node.stdout, /mirrored on node/);
      const bun = run(path.join(BIN, "bun"), ["check.mjs"], scratch, { REDIS_URL: server.url });
      assert.match(bun.stdout, /mirrored on bun/);

      // The CLI ships when src/cli/main.ts exists (build.ts adds `bin` then): installed as an executable.
      const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, "dist", "npm", "package.json"), "utf8"));
      if (manifest.bin !== undefined) {
        const help = run(path.join(scratch, "node_modules", ".bin", "veidrodelis"), ["--help"], scratch);
        assert.match(help.stdout, /usage: veidrodelis/);
      }

      fs.writeFileSync(path.join(scratch, "consumer.ts"), CONSUMER_TYPES);
      const typeRoots = path.join(ROOT, "node_modules", "@types"); // the package's .d.ts refer to node's types
      run(path.join(BIN, "tsc"), [
        "consumer.ts",
        "--noEmit",
        "--strict",
        "--module",
        "nodenext",
        "--moduleResolution",
        "nodenext",
        "--target",
        "es2022",
        "--typeRoots",
        typeRoots,
        "--types",
        "node",
      ], scratch);
    } finally {
      await server.stop();
      fs.rmSync(scratch, { recursive: true, force: true });
    }
  },
);
