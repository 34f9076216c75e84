/**
 * `veidrodelis inspect <file.rdb>`: what an RDB file holds, as text or JSON.
 *
 * @module
 */

import { hasFlag, integerOption, optionHelp, type OptionSpec, parseArgs } from "./args.ts";
import type { CliContext, Command } from "./command.ts";
import { UsageError } from "./failure.ts";
import { formatBytes, formatCount, formatDuration } from "./format.ts";
import { renderInspectText } from "./inspect_text.ts";
import { ProgressBar } from "./progress.ts";
import { inspectRdbFile } from "./rdb_inspector.ts";

const OPTIONS: readonly OptionSpec[] = [
  { name: "top", value: "N", help: "how many of the biggest keys to list (default 10, 0 for none)" },
  { name: "json", help: "print the report as JSON (keys that are not UTF-8 also as base64)" },
  { name: "quiet", short: "q", help: "no progress bar and no final line on stderr" },
  { name: "help", short: "h", help: "show this help" },
];

/**
 * The `inspect` command.
 *
 * @example
 * ```ts ignore
 * const code = await inspectCommand.run(["dump.rdb", "--json"], context);
 * ```
 */
export const inspectCommand: Command = {
  name: "inspect",
  summary: "what an RDB file holds: keys per database and type, encodings, biggest keys",
  help: () =>
    `usage: veidrodelis inspect <file.rdb> [options]

Reads an RDB snapshot (Redis RDB 1-15, Valkey 80/81) with the library's decoder, without loading it anywhere, and
reports: format and AUX fields, keys per database and type, the encodings values were stored in, values skipped
without decoding (streams, arrays, module types), and the biggest keys by bytes of key and value data. A progress
bar is drawn on stderr when it is a terminal; otherwise one final line is printed there.

options:
${optionHelp(OPTIONS)}
`,
  run: runInspect,
};

async function runInspect(argv: readonly string[], { io }: CliContext): Promise<number> {
  const args = parseArgs(argv, OPTIONS);
  if (hasFlag(args, "help")) {
    io.stdout.write(inspectCommand.help());
    return 0;
  }
  if (args.positionals.length !== 1) {
    throw new UsageError(args.positionals.length === 0 ? "missing <file.rdb>" : "inspect takes one file");
  }
  const file = args.positionals[0];
  const top = integerOption(args, "top", 10, 0);
  const quiet = hasFlag(args, "quiet");
  const bar = new ProgressBar(io.stderr, "reading");
  let report;
  try {
    report = await inspectRdbFile(file, { top, onProgress: quiet ? undefined : (p) => bar.update(p) });
  } finally {
    bar.clear();
  }
  if (!quiet) {
    bar.done(
      `read ${formatBytes(report.fileBytes)}, ${formatCount(report.keys)} keys in ${formatDuration(report.elapsedMs)}`,
    );
  }
  io.stdout.write(hasFlag(args, "json") ? JSON.stringify(report, null, 2) + "\n" : renderInspectText(report));
  return 0;
}
