/**
 * The contract between the replication layer and a runtime's sockets.
 * Each runtime gets a tiny adapter; nothing above this file knows which.
 *
 * @module
 */

/** Where to connect. */
export interface Endpoint {
  /** Host name or address. */
  host: string;
  /** TCP port. */
  port: number;
}

/** Callbacks a transport drives. */
export interface TransportHandlers {
  /** A chunk of input. The transport never reuses the memory of a chunk it handed over. */
  onData(chunk: Uint8Array): void;
  /** The connection ended; `error` is set when it ended by failure. Called once. */
  onClose(error?: Error): void;
}

/** An open, bidirectional byte stream. */
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

/** Opens a transport; rejects when the connection cannot be made. */
export type Connector = (endpoint: Endpoint, handlers: TransportHandlers) => Promise<Transport>;
