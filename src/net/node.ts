/**
 * Transport over `node:net`, used on Node and Bun (fast there; slow on Deno,
 * which has its own adapter).
 *
 * @module
 */

import { createConnection, type Socket } from "node:net";
import type { Connector, Endpoint, Transport, TransportHandlers } from "./transport.ts";

/**
 * Connects with `node:net`.
 *
 * @example
 * ```ts ignore
 * import { connectNode } from "./node.ts";
 * const t = await connectNode({ host: "127.0.0.1", port: 6379 }, { onData() {}, onClose() {} });
 * t.close();
 * ```
 */
export const connectNode: Connector = (endpoint: Endpoint, handlers: TransportHandlers): Promise<Transport> =>
  socketTransport(createConnection({ host: endpoint.host, port: endpoint.port }), "connect", handlers);

/**
 * Wraps a connecting `node:net` (or `node:tls`) socket as a transport once
 * `openEvent` fires; `failure` rewords an error that happens before that.
 *
 * @example
 * ```ts ignore
 * import { createConnection } from "node:net";
 * import { socketTransport } from "./node.ts";
 * const t = await socketTransport(createConnection({ port: 6379 }), "connect", { onData() {}, onClose() {} });
 * t.close();
 * ```
 */
export function socketTransport(
  socket: Socket,
  openEvent: "connect" | "secureConnect",
  handlers: TransportHandlers,
  failure: (error: Error) => Error = (error) => error,
): Promise<Transport> {
  return new Promise((resolve, reject) => {
    socket.setNoDelay(true);
    let open = false;
    let closed = false;
    const finish = (error?: Error) => {
      if (closed) return;
      closed = true;
      if (open) handlers.onClose(error);
      else {
        socket.destroy();
        reject(failure(error ?? new Error("connection closed before it opened")));
      }
    };
    socket.once(openEvent, () => {
      open = true;
      resolve({
        write: (bytes) => {
          if (!closed) socket.write(bytes);
        },
        close: () => {
          closed = true;
          socket.destroy();
        },
        pause: () => socket.pause(),
        resume: () => socket.resume(),
      });
    });
    socket.on("data", (chunk: Uint8Array) => {
      if (!closed) handlers.onData(chunk);
    });
    socket.once("error", (error) => finish(error));
    socket.once("close", () => finish(new Error("connection closed by peer")));
  });
}
