/**
 * Picks the transport adapter for the running runtime.
 *
 * @module
 */

import { connectDeno } from "./deno.ts";
import { connectNode } from "./node.ts";
import { tlsDenoConnector } from "./tls_deno.ts";
import { tlsNodeConnector } from "./tls_node.ts";
import type { TlsOptions } from "./tls_options.ts";
import type { Connector } from "./transport.ts";

export type { Connector, Endpoint, Transport, TransportHandlers } from "./transport.ts";
export type { Pem, TlsOptions } from "./tls_options.ts";

/**
 * The fastest connector for this runtime: `Deno.connect` / `Deno.connectTls`
 * on Deno, `node:net` / `node:tls` elsewhere. TLS when `tls` is given
 * (`true`: verify against the system's roots).
 *
 * @example
 * ```ts
 * import { defaultConnector } from "./mod.ts";
 * console.log(typeof defaultConnector());
 * console.log(typeof defaultConnector({ rejectUnauthorized: true }));
 * ```
 */
export function defaultConnector(tls?: TlsOptions | true): Connector {
  const deno = (globalThis as { Deno?: { connect?: unknown; connectTls?: unknown } }).Deno;
  if (tls === undefined) return typeof deno?.connect === "function" ? connectDeno : connectNode;
  const options = tls === true ? {} : tls;
  return typeof deno?.connectTls === "function" ? tlsDenoConnector(options) : tlsNodeConnector(options);
}
