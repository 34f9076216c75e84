/**
 * Typed errors. Every failure the library reports is a {@linkcode VeidrodelisError}
 * with a stable `code`, so callers can branch without parsing messages.
 *
 * @module
 */

/**
 * Stable machine-readable error codes.
 *
 * @example
 * ```ts
 * import { Mirror, VeidrodelisError } from "../mod.ts";
 * try {
 *   await Mirror.fromRdb(new TextEncoder().encode("not an rdb"));
 * } catch (error) {
 *   if (error instanceof VeidrodelisError) console.log(error.code); // "RDB"
 * }
 * ```
 */
export type ErrorCode =
  | "WRONGTYPE"
  | "NOT_READY"
  | "PROTOCOL"
  | "RDB"
  | "CONNECTION"
  | "AUTH"
  | "DIVERGED"
  | "STORE_FULL"
  | "CLOSED"
  | "ARGUMENT"
  | "TIMEOUT"
  | "LUA_SCRIPT"
  | "LUA_BUDGET"
  | "LUA_MEMORY";

/**
 * Base class of every error this library throws or emits.
 *
 * @example
 * ```ts
 * import { VeidrodelisError } from "./errors.ts";
 * try {
 *   throw new VeidrodelisError("NOT_READY", "no projection yet");
 * } catch (e) {
 *   if (e instanceof VeidrodelisError && e.code === "NOT_READY") console.log("retry later");
 * }
 * ```
 */
export class VeidrodelisError extends Error {
  /** Stable code of the failure. */
  readonly code: ErrorCode;
  /** An error with a stable `code`; `options.cause` keeps what led to it. */
  constructor(code: ErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/**
 * A read touched a key holding another type, as Redis's `WRONGTYPE` reply.
 *
 * @example
 * ```ts
 * import { WrongTypeError } from "./errors.ts";
 * const e = new WrongTypeError("string", "list");
 * console.log(e.message);
 * ```
 */
export class WrongTypeError extends VeidrodelisError {
  /** The type the operation expected. */
  readonly expected: string;
  /** The type the key holds. */
  readonly actual: string;
  /** `expected`: the type the read needs; `actual`: the key's type. */
  constructor(expected: string, actual: string) {
    super(
      "WRONGTYPE",
      `WRONGTYPE Operation against a key holding the wrong kind of value (expected ${expected}, key holds ${actual})`,
    );
    this.expected = expected;
    this.actual = actual;
  }
}

/**
 * A read was made before any projection was live.
 *
 * @example
 * ```ts
 * import { NotReadyError } from "./errors.ts";
 * console.log(new NotReadyError().code); // "NOT_READY"
 * ```
 */
export class NotReadyError extends VeidrodelisError {
  /** The message defaults to saying there is no live projection yet. */
  constructor(message = "the mirror has no live projection yet") {
    super("NOT_READY", message);
  }
}

/**
 * The primary sent bytes that are not valid replication protocol.
 * `offset` counts bytes of the connection's input at which the problem was found.
 *
 * @example
 * ```ts
 * import { ProtocolError } from "./errors.ts";
 * const e = new ProtocolError("expected '*'", 120, "+OK");
 * console.log(e.offset, e.context);
 * ```
 */
export class ProtocolError extends VeidrodelisError {
  /** Byte offset in the input where the problem was found. */
  readonly offset: number;
  /** A short printable excerpt of the offending bytes. */
  readonly context: string;
  /** `offset`: where in the stream the bad bytes are; `context`: the bytes around them, printable. */
  constructor(message: string, offset: number, context = "") {
    super("PROTOCOL", `${message} at byte ${offset}${context ? ` near ${JSON.stringify(context)}` : ""}`);
    this.offset = offset;
    this.context = context;
  }
}

/**
 * An RDB snapshot could not be decoded: corrupt, truncated, of an unknown
 * version, or holding a type the decoder does not know.
 *
 * @example
 * ```ts
 * import { RdbError } from "./errors.ts";
 * const e = new RdbError("UNKNOWN_TYPE", "unknown value type 99", 4242);
 * console.log(e.reason, e.offset);
 * ```
 */
export class RdbError extends VeidrodelisError {
  /** Why the load stopped. */
  readonly reason: RdbErrorReason;
  /** Byte offset inside the RDB where the problem was found. */
  readonly offset: number;
  /** `reason`: why the load stopped; `offset`: where in the RDB. */
  constructor(reason: RdbErrorReason, message: string, offset: number) {
    super("RDB", `${message} (RDB offset ${offset})`);
    this.reason = reason;
    this.offset = offset;
  }
}

/**
 * Why an RDB load stopped.
 *
 * @example
 * ```ts
 * import { Mirror, RdbError } from "../mod.ts";
 * try {
 *   await Mirror.fromRdb(new TextEncoder().encode("not an rdb"));
 * } catch (error) {
 *   if (error instanceof RdbError) console.log(error.reason); // "BAD_MAGIC"
 * }
 * ```
 */
export type RdbErrorReason =
  | "BAD_MAGIC"
  | "UNSUPPORTED_VERSION"
  | "UNKNOWN_TYPE"
  | "UNKNOWN_OPCODE"
  | "CHECKSUM"
  | "TRUNCATED"
  | "CORRUPT"
  | "TOO_LARGE";

/**
 * The connection to the primary failed or was refused.
 *
 * @example
 * ```ts
 * import { ConnectionError } from "./errors.ts";
 * console.log(new ConnectionError("connection refused").code); // "CONNECTION"
 * ```
 */
export class ConnectionError extends VeidrodelisError {
  /** `options.cause`: the underlying socket or DNS error. */
  constructor(message: string, options?: ErrorOptions) {
    super("CONNECTION", message, options);
  }
}

/**
 * The primary refused the credentials or the replica handshake.
 *
 * @example
 * ```ts
 * import { AuthError } from "./errors.ts";
 * console.log(new AuthError("WRONGPASS").code); // "AUTH"
 * ```
 */
export class AuthError extends VeidrodelisError {
  /** `message`: the server's reply (WRONGPASS, NOPERM, …). */
  constructor(message: string) {
    super("AUTH", message);
  }
}

/**
 * The mirror could not apply a command the primary accepted: the projection
 * no longer equals the primary's content.
 *
 * @example
 * ```ts
 * import { DivergenceError } from "./errors.ts";
 * const e = new DivergenceError("unknown command", ["XYZ", "k"], 100);
 * console.log(e.command, e.offset);
 * ```
 */
export class DivergenceError extends VeidrodelisError {
  /** The command as received (printable form of its arguments). */
  readonly command: string[];
  /** Replication offset of the command. */
  readonly offset: number;
  /** `command`: the command as received (printable); `offset`: its replication offset. */
  constructor(message: string, command: string[], offset: number) {
    super("DIVERGED", `${message}: ${command.slice(0, 4).join(" ")} (replication offset ${offset})`);
    this.command = command;
    this.offset = offset;
  }
}

/**
 * The store's 32-bit WebAssembly memory cannot grow any further.
 *
 * @example
 * ```ts
 * import { StoreFullError } from "./errors.ts";
 * console.log(new StoreFullError().code); // "STORE_FULL"
 * ```
 */
export class StoreFullError extends VeidrodelisError {
  /** The message defaults to the 4 GiB limit of a 32-bit WebAssembly memory. */
  constructor(message = "the store's WebAssembly memory is full (4 GiB limit)") {
    super("STORE_FULL", message);
  }
}
