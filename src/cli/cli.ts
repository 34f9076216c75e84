/**
 * The `veidrodelis` command line: picks the command, prints help and
 * version, and turns failures into one line on stderr and an exit code.
 *
 * @module
 */

import process from "node:process";
import type { CliContext, Command } from "./command.ts";
import { describeFailure, EXIT_USAGE } from "./failure.ts";
import { inspectCommand } from "./inspect.ts";
import type { CliIo } from "./io.ts";
import { mirrorCommand } from "./mirror_command.ts";
import { VERSION } from "./version.ts";

const COMMANDS: readonly Command[] = [inspectCommand, mirrorCommand];

function mainHelp(): string {
  const rows = [...COMMANDS.map((c) => [c.name, c.summary]), ["help [command]", "this help, or a command's"]];
  const width = Math.max(...rows.map(([name]) => name.length)) + 2;
  return `veidrodelis ${VERSION}: an in-process Redis/Valkey replica, from the command line

usage: veidrodelis <command> [arguments] [options]

commands:
${rows.map(([name, summary]) => `  ${name.padEnd(width)}${summary}`).join("\n")}

options:
  -h, --help      show this help
  -V, --version   show the version

examples:
  veidrodelis inspect dump.rdb --top 20
  veidrodelis mirror redis://127.0.0.1:6379
  veidrodelis mirror rediss://:secret@cache.example:6380 --tls-ca ca.pem
  veidrodelis mirror redis://127.0.0.1:6379 --read "get foo" --read "hgetall user:1"
  veidrodelis mirror dump.rdb --eval 'return ts.zrange(KEYS[1], 0, 9)' leaderboard

Run \`veidrodelis <command> --help\` for a command's options.
`;
}

/** Options of {@linkcode runCli}. */
export interface RunCliOptions {
  /** Path of wasmoon's `glue.wasm` when it is not in the wasmoon package folder (the compiled binary's). */
  luaWasmFile?: string;
}

/**
 * Runs the command line `argv` (the words after the program's name) and
 * resolves to the exit code; failures are printed on `io.stderr` as one line.
 *
 * @example
 * ```ts ignore
 * import { processIo } from "./io.ts";
 * process.exitCode = await runCli(["inspect", "dump.rdb"], processIo());
 * ```
 */
export async function runCli(argv: readonly string[], io: CliIo, options: RunCliOptions = {}): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined || first === "-h" || first === "--help") {
    (first === undefined ? io.stderr : io.stdout).write(mainHelp());
    return first === undefined ? EXIT_USAGE : 0;
  }
  if (first === "-V" || first === "--version") {
    io.stdout.write(`veidrodelis ${VERSION} (${runtimeName()})\n`);
    return 0;
  }
  if (first === "help") return help(rest[0], io);
  const command = COMMANDS.find((c) => c.name === first);
  if (command === undefined) {
    io.stderr.write(`veidrodelis: unknown command ${JSON.stringify(first)} (see --help)\n`);
    return EXIT_USAGE;
  }
  const context: CliContext = { io, luaWasmFile: options.luaWasmFile, interrupted: onceInterrupted };
  try {
    return await command.run(rest, context);
  } catch (error) {
    const failure = describeFailure(error);
    io.stderr.write(`veidrodelis ${command.name}: ${failure.message}\n`);
    return failure.exitCode;
  }
}

function help(name: string | undefined, io: CliIo): number {
  if (name === undefined) {
    io.stdout.write(mainHelp());
    return 0;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (command === undefined) {
    io.stderr.write(`veidrodelis: unknown command ${JSON.stringify(name)} (see --help)\n`);
    return EXIT_USAGE;
  }
  io.stdout.write(command.help());
  return 0;
}

let interruption: Promise<void> | null = null;

/** Resolves on the first SIGINT or SIGTERM; the handlers are installed on the first call only. */
function onceInterrupted(): Promise<void> {
  return interruption ??= new Promise<void>((resolve) => {
    const stop = () => {
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
      resolve(); // a second signal finds no handler: the process ends at once
    };
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
  });
}

function runtimeName(): string {
  const g = globalThis as { Deno?: { version: { deno: string } }; Bun?: { version: string } };
  if (g.Deno !== undefined) return `deno ${g.Deno.version.deno}`;
  if (g.Bun !== undefined) return `bun ${g.Bun.version}`;
  return `node ${process.versions.node}`;
}
