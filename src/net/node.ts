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
  new Promise((resolve, reject) => {
    const socket: Socket = createConnection({ host: endpoint.host, port: endpoint.port });
    socket.setNoDelay(true);
    let open = false;
    let closed = false;
    const finish = (error?: Error) => {
      if (closed) return;
      closed = true;
      if (open) handlers.onClose(error);
      else reject(error ?? new Error("connection closed before it opened"));
    };
    socket.once("connect", () => {
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
