/**
 * The shape of a subcommand (`inspect`, `mirror`): its name, help and run.
 *
 * @module
 */

import type { CliIo } from "./io.ts";

/** What the entry point hands every command besides its arguments. */
export interface CliContext {
  /** Where the command line writes. */
  readonly io: CliIo;
  /**
   * Path of wasmoon's `glue.wasm` for Lua reads, when it is not in the
   * wasmoon package folder (the compiled binary embeds it); absent: wasmoon's own.
   */
  readonly luaWasmFile?: string;
  /**
   * Resolves when the user asks the command to stop (Ctrl-C, SIGTERM).
   * Called only by commands that stop cleanly: until then those signals end
   * the process at once.
   */
  interrupted(): Promise<void>;
}

/** One subcommand. */
export interface Command {
  /** What the user types (`inspect`). */
  readonly name: string;
  /** One line for the list of commands. */
  readonly summary: string;
  /** The full `--help` text of the command. */
  help(): string;
  /** Runs with the arguments after the command's name; resolves to the exit code. */
  run(argv: readonly string[], context: CliContext): Promise<number>;
}
