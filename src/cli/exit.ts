/**
 * Ending the command line's process once its output is written: a pipe's
 * writes are asynchronous on Node, and an exit right away would cut them.
 *
 * @module
 */

import process from "node:process";

/**
 * Waits until stdout and stderr have flushed what was written, then exits with `code`.
 * (An explicit exit: nothing left behind, such as a timer of a closed link, can keep the process alive.)
 *
 * @example
 * ```ts ignore
 * await exitAfterOutput(0);
 * ```
 */
export async function exitAfterOutput(code: number): Promise<never> {
  await Promise.all([flushed(process.stdout), flushed(process.stderr)]);
  process.exit(code);
}

function flushed(stream: NodeJS.WriteStream): Promise<void> {
  return new Promise((resolve) => {
    try {
      stream.write("", () => resolve());
    } catch {
      resolve(); // a closed stream has nothing left to flush
    }
  });
}
