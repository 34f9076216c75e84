/**
 * Where the primary is: a fixed address, or one found and followed through
 * Sentinel (src/discovery/sentinel.ts). The replicator asks before every
 * connection and reconnects when the source says the primary moved.
 *
 * @module
 */

import type { Endpoint } from "../net/mod.ts";

/** Tells the replicator where the primary is now, and when that changes. */
export interface EndpointSource {
  /** The primary's address for the next connection (may ask a discovery service). */
  current(): Promise<Endpoint>;
  /** Calls `moved` when the primary changes (a failover); returns an unsubscribe function. */
  onMoved?(moved: (endpoint: Endpoint) => void): () => void;
  /** Releases connections the source holds. */
  close?(): void;
}

/**
 * A primary at a fixed address.
 *
 * @example
 * ```ts
 * import { fixedEndpoint } from "./endpoints.ts";
 * const source = fixedEndpoint({ host: "127.0.0.1", port: 6379 });
 * console.log((await source.current()).port); // 6379
 * ```
 */
export function fixedEndpoint(endpoint: Endpoint): EndpointSource {
  return { current: () => Promise.resolve(endpoint) };
}
