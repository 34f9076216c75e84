/**
 * Where the command line writes: the two output streams, whether each is a
 * terminal (progress bars and live status lines redraw only there) and its
 * width. Commands receive it instead of using `process` directly, so tests
 * can capture what they print.
 *
 * @module
 */

import process from "node:process";

/** One output stream. */
export interface Output {
  /** Writes text as is (no newline added). */
  write(text: string): void;
  /** True when the stream is a terminal. */
  readonly isTTY: boolean;
  /** Columns of the terminal (80 when unknown). */
  readonly columns: number;
}

/** The command line's surroundings. */
export interface CliIo {
  /** Results. */
  readonly stdout: Output;
  /** Progress, status lines and error messages. */
  readonly stderr: Output;
  /** Environment variables (the password can come from `VEIDRODELIS_PASSWORD`). */
  readonly env: Readonly<Record<string, string | undefined>>;
}

/**
 * The process's own streams and environment.
 *
 * @example
 * ```ts ignore
 * import { processIo } from "./io.ts";
 * processIo().stdout.write("hello\n");
 * ```
 */
export function processIo(): CliIo {
  return { stdout: outputOf(process.stdout), stderr: outputOf(process.stderr), env: process.env };
}

function outputOf(stream: NodeJS.WriteStream): Output {
  return {
    write: (text) => void stream.write(text),
    get isTTY() {
      return stream.isTTY === true;
    },
    get columns() {
      return stream.columns > 0 ? stream.columns : 80;
    },
  };
}
