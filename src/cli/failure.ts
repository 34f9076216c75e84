/**
 * What the command line prints when something fails: one line, no stack
 * trace, and an exit code (2 for a wrong command line, 1 for anything that
 * failed while running).
 *
 * @module
 */

import { AuthError, ConnectionError, RdbError, VeidrodelisError } from "../errors.ts";

/** Exit code of a command line that cannot be run as written (unknown option, bad URL, missing argument). */
export const EXIT_USAGE = 2;
/** Exit code of a command that ran and failed (refused connection, corrupt file, failed read). */
export const EXIT_FAILURE = 1;

/**
 * A command line that cannot be run as written: printed with a pointer to
 * `--help`, exit code 2.
 *
 * @example
 * ```ts
 * import { UsageError } from "./failure.ts";
 * const e = new UsageError("unknown option --jsno");
 * console.log(e.message);
 * ```
 */
export class UsageError extends Error {
  /** `message`: what is wrong with the command line, as one sentence without final period. */
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

/** A failure as the command line reports it. */
export interface Failure {
  /** One line, without the program name. */
  readonly message: string;
  /** The process's exit code. */
  readonly exitCode: number;
}

/** What the socket errors people meet most mean, by their code. */
const SOCKET_ERRORS: Record<string, string> = {
  ECONNREFUSED: "connection refused: is the server running, is the port right?",
  ENOTFOUND: "the host name does not resolve",
  EAI_AGAIN: "the host name could not be resolved (DNS unavailable?)",
  ETIMEDOUT: "the connection timed out",
  EHOSTUNREACH: "the host is unreachable",
  ECONNRESET: "the server closed the connection",
};

/**
 * Turns anything thrown by a command into its one-line message and exit
 * code: typed library errors get a sentence saying what to check, anything
 * else its message.
 *
 * @example
 * ```ts
 * import { describeFailure, UsageError } from "./failure.ts";
 * console.log(describeFailure(new UsageError("missing <file.rdb>"))); // { message: "...", exitCode: 2 }
 * ```
 */
export function describeFailure(error: unknown): Failure {
  if (error instanceof UsageError) {
    return { message: `${error.message} (see --help)`, exitCode: EXIT_USAGE };
  }
  if (error instanceof AuthError) {
    const reply = error.message.replace(/^authentication failed: /, "");
    return {
      message: `authentication failed: ${reply} (give the password in the URL, redis://[user]:password@host, ` +
        `or with --password / $VEIDRODELIS_PASSWORD)`,
      exitCode: EXIT_FAILURE,
    };
  }
  if (error instanceof ConnectionError) {
    return { message: connectionMessage(error), exitCode: EXIT_FAILURE };
  }
  if (error instanceof RdbError) {
    return { message: `cannot decode the RDB (${error.reason}): ${error.message}`, exitCode: EXIT_FAILURE };
  }
  if (error instanceof VeidrodelisError) {
    // ARGUMENT errors come from what the user typed (a URL, a TLS file): a usage problem
    return { message: error.message, exitCode: error.code === "ARGUMENT" ? EXIT_USAGE : EXIT_FAILURE };
  }
  return { message: error instanceof Error ? error.message : String(error), exitCode: EXIT_FAILURE };
}

/** "cannot connect to host:port: connection refused: … (ECONNREFUSED)" instead of the socket's own wording. */
function connectionMessage(error: ConnectionError): string {
  const code = socketCode(error);
  const meaning = code === undefined ? undefined : SOCKET_ERRORS[code];
  if (meaning === undefined) return error.message;
  const cause = error.cause instanceof Error ? error.cause.message : "";
  const what = cause !== "" && error.message.endsWith(`: ${cause}`)
    ? error.message.slice(0, -cause.length - 2)
    : error.message;
  return `${what}: ${meaning} (${code})`;
}

/** The `code` of the socket error behind a connection error (`ECONNREFUSED`, …), if any. */
function socketCode(error: Error): string | undefined {
  for (let e: unknown = error; e instanceof Error; e = e.cause) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string" && code.startsWith("E")) return code;
  }
  return /\b(E[A-Z]+)\b/.exec(error.message)?.[1];
}
