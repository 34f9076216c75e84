/**
 * TLS transport over `node:tls`, used on Node and Bun (and on Deno for the
 * settings `Deno.connectTls` lacks).
 *
 * @module
 */

import { connect } from "node:tls";
import { socketTransport } from "./node.ts";
import { tlsClosed, tlsFailure, type TlsOptions, tlsSettings } from "./tls_options.ts";
import type { Connector, Endpoint, Transport, TransportHandlers } from "./transport.ts";

/**
 * A connector that opens TLS connections with `node:tls`; the server's
 * certificate is verified unless `rejectUnauthorized: false`.
 *
 * @example
 * ```ts ignore
 * import { tlsNodeConnector } from "./tls_node.ts";
 * const connector = tlsNodeConnector({ ca: caPem });
 * const t = await connector({ host: "127.0.0.1", port: 6380 }, { onData() {}, onClose() {} });
 * t.close();
 * ```
 */
export function tlsNodeConnector(options: TlsOptions = {}): Connector {
  const settings = tlsSettings(options);
  return (endpoint: Endpoint, handlers: TransportHandlers): Promise<Transport> => {
    const socket = connect({
      host: endpoint.host,
      port: endpoint.port,
      ca: settings.ca,
      cert: settings.cert,
      key: settings.key,
      // Node derives the name to check from `host` (an IP is checked against the IP SANs).
      ...(settings.servername === undefined ? {} : { servername: settings.servername }),
      rejectUnauthorized: settings.rejectUnauthorized,
    });
    // Only an error after the TCP connection is a TLS failure (a refused port stays as it is).
    let tcpOpen = false;
    socket.once("connect", () => tcpOpen = true);
    const explained = { onData: handlers.onData, onClose: (error?: Error) => handlers.onClose(tlsClosed(error)) };
    return socketTransport(socket, "secureConnect", explained, (error) => tcpOpen ? tlsFailure(error) : error);
  };
}
