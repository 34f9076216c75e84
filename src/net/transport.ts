/**
 * The contract between the replication layer and a runtime's sockets.
 * Each runtime gets a tiny adapter; nothing above this file knows which.
 *
 * @module
 */

/**
 * Where to connect.
 *
 * @example
 * ```ts
 * import type { Endpoint } from "../../mod.ts";
 * const primary: Endpoint = { host: "127.0.0.1", port: 6379 };
 * console.log(`${primary.host}:${primary.port}`);
 * ```
 */
export interface Endpoint {
  /** Host name or address. */
  host: string;
  /** TCP port. */
  port: number;
}

/**
 * Callbacks a transport drives.
 *
 * @example
 * ```ts
 * import type { TransportHandlers } from "../../mod.ts";
 * const received: Uint8Array[] = [];
 * const handlers: TransportHandlers = {
 *   onData: (chunk) => received.push(chunk),
 *   onClose: (error) => console.log("closed", error?.message ?? "cleanly"),
 * };
 * handlers.onData(new TextEncoder().encode("+PONG\r\n"));
 * handlers.onClose();
 * ```
 */
export interface TransportHandlers {
  /** A chunk of input. The transport never reuses the memory of a chunk it handed over. */
  onData(chunk: Uint8Array): void;
  /** The connection ended; `error` is set when it ended by failure. Called once. */
  onClose(error?: Error): void;
}

/**
 * An open, bidirectional byte stream.
 *
 * @example
 * ```ts
 * import type { Transport } from "../../mod.ts";
 * // A transport that records what the mirror writes (a test double, or the base of a proxy adapter).
 * const written: Uint8Array[] = [];
 * const transport: Transport = { write: (bytes) => written.push(bytes), close: () => {} };
 * transport.write(new TextEncoder().encode("PING\r\n"));
 * console.log(written.length); // 1
 * ```
 */
export interface Transport {
  /** Queues bytes for sending; failures surface through `onClose`. */
  write(bytes: Uint8Array): void;
  /** Closes the connection and releases every handle; `onClose` is not called after this. */
  close(): void;
  /**
   * Stops handing over input until {@linkcode Transport.resume} (the peer
   * then waits: TCP flow control). Optional: a transport without it makes a
   * full sync decode each chunk as it arrives, with longer event-loop pauses.
   */
  pause?(): void;
  /** Hands over input again after {@linkcode Transport.pause}. */
  resume?(): void;
}

/**
 * Opens a transport; rejects when the connection cannot be made.
 *
 * @example
 * ```ts
 * import type { Connector, MirrorOptions } from "../../mod.ts";
 * // A connector that refuses every connection (e.g. to test how an application copes).
 * const refuse: Connector = (endpoint) => Promise.reject(new Error(`${endpoint.host}:${endpoint.port} unreachable`));
 * const options: MirrorOptions = { port: 6379, connector: refuse };
 * console.log(typeof options.connector);
 * ```
 */
export type Connector = (endpoint: Endpoint, handlers: TransportHandlers) => Promise<Transport>;
