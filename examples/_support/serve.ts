/**
 * A tiny HTTP server adapter, in the spirit of hono: the application is a
 * web-standard `(Request) => Promise<Response>` function, and each runtime
 * serves it with its own native server (`Deno.serve`, `Bun.serve`,
 * `node:http`), chosen at run time. The application code never sees which.
 *
 * @module
 */

import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { Buffer } from "node:buffer";

/** A web-standard request handler. */
export type FetchHandler = (request: Request) => Promise<Response>;

/** Where to listen. */
export interface ServeOptions {
  /** TCP port; 0 picks a free one (see {@linkcode RunningServer.port}). */
  port: number;
  /** Interface to bind (default 127.0.0.1). */
  hostname?: string;
}

/** A server that is listening. */
export interface RunningServer {
  /** The runtime whose server is in use. */
  readonly runtime: Runtime;
  /** The port actually bound (useful with port 0). */
  readonly port: number;
  /** Stops accepting connections and closes open ones. */
  close(): Promise<void>;
}

/** The JavaScript runtimes the examples run on. */
export type Runtime = "deno" | "bun" | "node";

/**
 * The runtime running this code (Deno and Bun also provide `node:*` modules, so they are asked first).
 *
 * @example
 * ```ts ignore
 * console.log(`running on ${currentRuntime()}`); // "running on deno"
 * ```
 */
export function currentRuntime(): Runtime {
  if (denoGlobal() !== undefined) return "deno";
  if (bunGlobal() !== undefined) return "bun";
  return "node";
}

/**
 * Serves `handler` with the current runtime's native HTTP server.
 *
 * @example
 * ```ts ignore
 * const server = await serve(async () => new Response("hello"), { port: 0 });
 * console.log(await (await fetch(`http://127.0.0.1:${server.port}/`)).text()); // "hello"
 * await server.close();
 * ```
 */
export function serve(handler: FetchHandler, options: ServeOptions): Promise<RunningServer> {
  const hostname = options.hostname ?? "127.0.0.1";
  const guarded = guard(handler);
  const deno = denoGlobal();
  if (deno !== undefined) {
    const server = deno.serve({ port: options.port, hostname, onListen: () => {} }, guarded);
    return Promise.resolve({ runtime: "deno", port: server.addr.port, close: () => server.shutdown() });
  }
  const bun = bunGlobal();
  if (bun !== undefined) {
    const server = bun.serve({ port: options.port, hostname, fetch: guarded });
    return Promise.resolve({ runtime: "bun", port: server.port, close: async () => void await server.stop(true) });
  }
  return serveWithNodeHttp(guarded, options.port, hostname);
}

/** A handler that answers 500 instead of letting an exception reach the runtime's server. */
function guard(handler: FetchHandler): FetchHandler {
  return async (request) => {
    try {
      return await handler(request);
    } catch (error) {
      console.error(error);
      return new Response("internal error\n", { status: 500 });
    }
  };
}

// ---------------------------------------------------------------- Deno and Bun (only the parts used here)

interface DenoLike {
  serve(
    options: { port: number; hostname: string; onListen: () => void },
    handler: FetchHandler,
  ): { addr: { port: number }; shutdown(): Promise<void> };
}

interface BunLike {
  serve(options: { port: number; hostname: string; fetch: FetchHandler }): {
    port: number;
    stop(closeActiveConnections?: boolean): Promise<void> | void;
  };
}

function denoGlobal(): DenoLike | undefined {
  return (globalThis as { Deno?: DenoLike }).Deno;
}

function bunGlobal(): BunLike | undefined {
  return (globalThis as { Bun?: BunLike }).Bun;
}

// ---------------------------------------------------------------- Node: node:http <-> Request/Response

function serveWithNodeHttp(handler: FetchHandler, port: number, hostname: string): Promise<RunningServer> {
  const server = createServer((incoming, outgoing) => {
    toRequest(incoming, hostname)
      .then(handler)
      .then((response) => send(response, outgoing))
      .catch(() => outgoing.destroy());
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, hostname, () => {
      server.off("error", reject);
      resolve({
        runtime: "node",
        port: (server.address() as AddressInfo).port,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeAllConnections(); // keep-alive connections would hold close() open
          }),
      });
    });
  });
}

async function toRequest(incoming: IncomingMessage, hostname: string): Promise<Request> {
  const url = new URL(incoming.url ?? "/", `http://${incoming.headers.host ?? hostname}`);
  const headers = new Headers();
  for (const [name, value] of Object.entries(incoming.headers)) {
    if (value === undefined) continue;
    for (const one of Array.isArray(value) ? value : [value]) headers.append(name, one);
  }
  const method = incoming.method ?? "GET";
  const hasBody = method !== "GET" && method !== "HEAD";
  const chunks: Buffer[] = [];
  if (hasBody) { for await (const chunk of incoming) chunks.push(chunk as Buffer); }
  return new Request(url, { method, headers, body: hasBody ? Buffer.concat(chunks) : undefined });
}

async function send(response: Response, outgoing: ServerResponse): Promise<void> {
  const body = new Uint8Array(await response.arrayBuffer());
  outgoing.writeHead(response.status, Object.fromEntries(response.headers));
  outgoing.end(body);
}
