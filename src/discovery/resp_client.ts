/**
 * A tiny request/response RESP client over the project's transports: enough
 * for Sentinel queries, `ROLE` checks and one pub/sub subscription. Replies
 * are matched to commands in order; a reply no command waits for (a pub/sub
 * message) goes to `onPush`.
 *
 * @module
 */

import { ConnectionError, VeidrodelisError } from "../errors.ts";
import type { Connector, Endpoint, Transport } from "../net/mod.ts";
import { encodeCommand } from "../resp/mod.ts";
import { type Reply, ReplyParser } from "./reply_parser.ts";

/** How a {@linkcode RespClient} connects and what it reports. */
export interface RespClientOptions {
  connector: Connector;
  endpoint: Endpoint;
  /** Longest wait for the connection and for each reply, in ms. */
  timeoutMs: number;
  /** Aborting closes the client (and fails what it waits for). */
  signal?: AbortSignal;
  /** Tells pushed messages apart from replies (default: none is a push). */
  isPush?(reply: Reply): boolean;
  /** A pushed message, or a reply no command waits for. */
  onPush?(reply: Reply): void;
  /** The connection ended by itself or by a failure (not by `close()`). */
  onClose?(error: VeidrodelisError): void;
}

interface Pending {
  resolve(reply: Reply): void;
  reject(error: VeidrodelisError): void;
  timer: ReturnType<typeof setTimeout>;
}

/**
 * One connection, commands answered in order.
 *
 * @example
 * ```ts ignore
 * import { RespClient } from "./resp_client.ts";
 * import { defaultConnector } from "../net/mod.ts";
 * const client = await RespClient.open({
 *   connector: defaultConnector(),
 *   endpoint: { host: "127.0.0.1", port: 26379 },
 *   timeoutMs: 1000,
 * });
 * console.log(await client.command(["SENTINEL", "get-master-addr-by-name", "mymaster"]));
 * client.close();
 * ```
 */
export class RespClient {
  readonly #options: RespClientOptions;
  readonly #parser = new ReplyParser();
  readonly #pending: Pending[] = [];
  readonly #onAbort = () => this.#fail(new VeidrodelisError("CLOSED", "closed while waiting for a reply"));
  #transport: Transport | null = null;
  #closed = false;

  private constructor(options: RespClientOptions) {
    this.#options = options;
  }

  /** Connects; rejects with a `ConnectionError` on failure or after `timeoutMs`. */
  static async open(options: RespClientOptions): Promise<RespClient> {
    const client = new RespClient(options);
    const { endpoint, timeoutMs, signal } = options;
    const where = `${endpoint.host}:${endpoint.port}`;
    if (signal?.aborted) throw new VeidrodelisError("CLOSED", "closed before connecting");
    const connecting = options.connector(endpoint, {
      onData: (chunk) => client.#onData(chunk),
      onClose: (error) => client.#fail(new ConnectionError(`connection to ${where} lost`, { cause: error })),
    });
    let timer: ReturnType<typeof setTimeout> | undefined;
    let onAbort = () => {};
    const stop = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new ConnectionError(`no connection to ${where} within ${timeoutMs} ms`)),
        timeoutMs,
      );
      onAbort = () => reject(new VeidrodelisError("CLOSED", "closed while connecting"));
      signal?.addEventListener("abort", onAbort);
    });
    try {
      client.#transport = await Promise.race([connecting, stop]);
    } catch (error) {
      // a connection that opens after the deadline is closed at once
      connecting.then((transport) => transport.close(), () => {});
      if (error instanceof VeidrodelisError) throw error;
      throw new ConnectionError(`cannot connect to ${where}: ${messageOf(error)}`, { cause: error });
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
    }
    signal?.addEventListener("abort", client.#onAbort);
    return client;
  }

  /** True once closed or failed. */
  get closed(): boolean {
    return this.#closed;
  }

  /**
   * Sends a command; resolves with its reply (an error reply is a
   * `ReplyError` value). No reply within `timeoutMs` fails the connection:
   * a peer that does not answer is not trusted with the next command either.
   */
  command(args: readonly string[]): Promise<Reply> {
    if (this.#closed || this.#transport === null) {
      return Promise.reject(new ConnectionError("the connection is closed"));
    }
    const { endpoint, timeoutMs } = this.#options;
    return new Promise<Reply>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#fail(
          new ConnectionError(`${endpoint.host}:${endpoint.port} did not answer ${args[0]} within ${timeoutMs} ms`),
        );
      }, timeoutMs);
      this.#pending.push({ resolve, reject, timer });
      this.#transport!.write(encodeCommand(args));
    });
  }

  /** Closes the connection; pending commands fail with a `CLOSED` error. */
  close(): void {
    if (this.#closed) return;
    this.#transport?.close();
    this.#release(new VeidrodelisError("CLOSED", "the connection was closed"));
  }

  #onData(chunk: Uint8Array): void {
    if (this.#closed) return;
    let replies: Reply[];
    try {
      replies = this.#parser.push(chunk);
    } catch (error) {
      const { host, port } = this.#options.endpoint;
      this.#fail(new ConnectionError(`${host}:${port} sent bad RESP: ${messageOf(error)}`));
      return;
    }
    for (const reply of replies) {
      if (this.#closed) return;
      const pending = this.#options.isPush?.(reply) ? undefined : this.#pending.shift();
      if (pending === undefined) {
        this.#options.onPush?.(reply);
        continue;
      }
      clearTimeout(pending.timer);
      pending.resolve(reply);
    }
  }

  /** Ends the connection because of `error`, telling the owner. */
  #fail(error: VeidrodelisError): void {
    if (this.#closed) return;
    this.#transport?.close();
    this.#release(error);
    this.#options.onClose?.(error);
  }

  #release(error: VeidrodelisError): void {
    this.#closed = true;
    this.#options.signal?.removeEventListener("abort", this.#onAbort);
    for (const pending of this.#pending.splice(0)) {
      clearTimeout(pending.timer);
      pending.reject(error);
    }
  }
}

/** The message of anything thrown. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
