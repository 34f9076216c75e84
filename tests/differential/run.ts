/**
 * Big differential runs from the command line:
 *
 *   node_modules/.bin/tsx tests/differential/run.ts --commands 100000 --seed 42 [--minimum 3] [--no-fresh]
 *     [--no-self-test] [--record stream.resp]
 *
 * `--record` writes every unit the mirror applies to a file that `replay.ts`
 * re-applies to a bare store (to reproduce a failure without a server).
 *
 * Prints the seed, the coverage counts, the mismatches and the time; exits 1
 * when the mirror differs from the primary (or diverged, or coverage is low).
 * Also works with `deno run -A` and `bun`.
 *
 * @module
 */
import { formatReport, passed, runDifferential, seedFromEnv } from "./harness.ts";

function usage(message?: string): never {
  if (message) console.error(`run.ts: ${message}`);
  console.error(
    "usage: tsx tests/differential/run.ts [--commands N] [--seed N] [--minimum N] [--no-fresh] [--no-self-test]" +
      " [--record FILE]",
  );
  process.exit(2);
}

function parseArgs(argv: string[]) {
  const options = {
    commands: Number(process.env.VEIDRODELIS_DIFF_COMMANDS ?? 100_000),
    seed: seedFromEnv(),
    minimum: 3,
    fresh: true,
    selfTest: true,
    record: undefined as string | undefined,
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      const n = Number(argv[++i]);
      if (!Number.isFinite(n) || n < 0) usage(`bad value for ${arg}`);
      return n;
    };
    if (arg === "--commands") options.commands = value();
    else if (arg === "--seed") options.seed = value() >>> 0;
    else if (arg === "--minimum") options.minimum = value();
    else if (arg === "--no-fresh") options.fresh = false;
    else if (arg === "--no-self-test") options.selfTest = false;
    else if (arg === "--record") options.record = argv[++i] ?? usage("--record needs a file");
    else usage(`unknown argument ${arg}`);
  }
  return options;
}

const options = parseArgs(process.argv.slice(2));
console.log(`seed ${options.seed}, ${options.commands} commands`);
const report = await runDifferential({
  seed: options.seed,
  commands: options.commands,
  minimumReceived: options.minimum,
  selfTest: options.selfTest,
  freshMirror: options.fresh,
  record: options.record,
  log: (line) => console.log(line),
});
console.log(formatReport(report, { maxMismatches: 200, verbose: true }));
const ok = passed(report);
console.log(ok ? "PASS" : "FAIL");
process.exit(ok ? 0 : 1);
