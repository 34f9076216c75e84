/**
 * TLS transport over `Deno.connectTls` (native rustls: much faster reads
 * under Deno than `node:tls`).
 *
 * @module
 */

import { type DenoConn, denoTransport } from "./deno.ts";
import { tlsClosed, tlsFailure, type TlsOptions, type TlsSettings, tlsSettings } from "./tls_options.ts";
import { tlsNodeConnector } from "./tls_node.ts";
import type { Connector, Endpoint, Transport, TransportHandlers } from "./transport.ts";

/** The part of `Deno.connectTls` this adapter uses (typed here so Node and Bun type-check too). */
interface DenoTlsConn extends DenoConn {
  handshake(): Promise<unknown>;
}
interface DenoTls {
  connectTls(options: {
    hostname: string;
    port: number;
    caCerts?: string[];
    cert?: string;
    key?: string;
  }): Promise<DenoTlsConn>;
}

/**
 * Whether `Deno.connectTls` can honour these settings: it checks the
 * certificate against the host it connects to and cannot skip verification,
 * so a separate `servername` or `rejectUnauthorized: false` need `node:tls`.
 *
 * @example
 * ```ts
 * import { denoTlsCovers } from "./tls_deno.ts";
 * import { tlsSettings } from "./tls_options.ts";
 * denoTlsCovers(tlsSettings({ rejectUnauthorized: false }), "localhost"); // false
 * ```
 */
export function denoTlsCovers(settings: TlsSettings, host: string): boolean {
  return settings.rejectUnauthorized && (settings.servername === undefined || settings.servername === host);
}

/**
 * A connector that opens TLS connections with `Deno.connectTls` (falling
 * back to `node:tls` for settings it lacks, see {@linkcode denoTlsCovers}).
 * The handshake completes before the promise resolves, so a certificate
 * that fails verification rejects the connection.
 *
 * @example
 * ```ts ignore
 * import { tlsDenoConnector } from "./tls_deno.ts";
 * const connector = tlsDenoConnector({ ca: caPem });
 * const t = await connector({ host: "127.0.0.1", port: 6380 }, { onData() {}, onClose() {} });
 * t.close();
 * ```
 */
export function tlsDenoConnector(options: TlsOptions = {}): Connector {
  const settings = tlsSettings(options);
  const fallback = tlsNodeConnector(options);
  return async (endpoint: Endpoint, handlers: TransportHandlers): Promise<Transport> => {
    if (!denoTlsCovers(settings, endpoint.host)) return fallback(endpoint, handlers);
    const deno = (globalThis as unknown as { Deno: DenoTls }).Deno;
    const conn = await deno.connectTls({
      hostname: endpoint.host,
      port: endpoint.port,
      ...(settings.ca === undefined ? {} : { caCerts: [settings.ca] }),
      ...(settings.cert === undefined ? {} : { cert: settings.cert, key: settings.key }),
    });
    try {
      await conn.handshake();
    } catch (error) {
      try {
        conn.close();
      } catch { /* already closed */ }
      throw tlsFailure(error);
    }
    conn.setNoDelay?.(true);
    return denoTransport(conn, { onData: handlers.onData, onClose: (error) => handlers.onClose(tlsClosed(error)) });
  };
}
