// Runs the `veidrodelis` command line as a subprocess on the runtime running the test
// (node --import tsx, deno run -A, bun), so each runtime's test run checks the CLI on that runtime.
import { type ChildProcess, spawn } from "node:child_process";
import process from "node:process";
import { fileURLToPath } from "node:url";

export const CLI_MAIN: string = fileURLToPath(new URL("../../src/cli/main.ts", import.meta.url));
const ROOT = fileURLToPath(new URL("../../", import.meta.url));

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The command and arguments that start the CLI on this runtime. */
function command(args: readonly string[]): [string, string[]] {
  const g = globalThis as { Deno?: unknown; Bun?: unknown };
  if (g.Deno !== undefined) return [process.execPath, ["run", "-A", CLI_MAIN, ...args]];
  if (g.Bun !== undefined) return [process.execPath, [CLI_MAIN, ...args]];
  return [process.execPath, ["--import", "tsx", CLI_MAIN, ...args]];
}

/** Runs `veidrodelis <args>` to completion (killed after `timeoutMs`); stdin is closed, stdout/stderr are pipes. */
export function runCli(
  args: readonly string[],
  options: { env?: Record<string, string>; timeoutMs?: number } = {},
): Promise<CliRun> {
  const [bin, argv] = command(args);
  const child = spawn(bin, argv, {
    cwd: ROOT,
    env: { ...process.env, NO_COLOR: "1", ...options.env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout!.on("data", (d) => (stdout += d.toString("utf8")));
  child.stderr!.on("data", (d) => (stderr += d.toString("utf8")));
  const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 20_000);
  return new Promise((resolve, reject) => {
    child.once("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** A CLI process left running: its output so far, a wait for a line, its exit. */
export interface RunningCli {
  readonly child: ChildProcess;
  readonly output: { stdout: string; stderr: string };
  /** Resolves when stdout matches `pattern` (rejects after `timeoutMs`). */
  waitForStdout(pattern: RegExp, timeoutMs?: number): Promise<void>;
  /** Resolves with the exit code. */
  readonly exited: Promise<number | null>;
}

/** Starts `veidrodelis <args>` and leaves it running (stdin closed). */
export function startCli(args: readonly string[]): RunningCli {
  const [bin, argv] = command(args);
  const child = spawn(bin, argv, {
    cwd: ROOT,
    env: { ...process.env, NO_COLOR: "1" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const output = { stdout: "", stderr: "" };
  child.stdout!.on("data", (d) => (output.stdout += d.toString("utf8")));
  child.stderr!.on("data", (d) => (output.stderr += d.toString("utf8")));
  const exited = new Promise<number | null>((resolve) => child.once("close", (code) => resolve(code)));
  const waitForStdout = async (pattern: RegExp, timeoutMs = 8000) => {
    const deadline = Date.now() + timeoutMs;
    while (!pattern.test(output.stdout)) {
      if (Date.now() > deadline || child.exitCode !== null) {
        throw new Error(`no ${pattern} in the CLI's stdout:\n${output.stdout}\nstderr:\n${output.stderr}`);
      }
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  return { child, output, waitForStdout, exited };
}
