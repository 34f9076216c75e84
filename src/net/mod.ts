/**
 * Picks the transport adapter for the running runtime.
 *
 * @module
 */

import { connectDeno } from "./deno.ts";
import { connectNode } from "./node.ts";
import type { Connector } from "./transport.ts";

export type { Connector, Endpoint, Transport, TransportHandlers } from "./transport.ts";

/**
 * The fastest connector for this runtime: `Deno.connect` on Deno, `node:net` elsewhere.
 *
 * @example
 * ```ts
 * import { defaultConnector } from "./mod.ts";
 * console.log(typeof defaultConnector());
 * ```
 */
export function defaultConnector(): Connector {
  const deno = (globalThis as { Deno?: { connect?: unknown } }).Deno;
  return typeof deno?.connect === "function" ? connectDeno : connectNode;
}
