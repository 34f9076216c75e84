/**
 * TLS settings shared by the Node/Bun and Deno TLS adapters.
 *
 * @module
 */

/**
 * PEM text, as a string or its bytes.
 *
 * @example
 * ```ts
 * import type { Pem } from "../../mod.ts";
 * const ca: Pem = "-----BEGIN CERTIFICATE-----\nMIIB...\n-----END CERTIFICATE-----\n";
 * const caBytes: Pem = new TextEncoder().encode(ca); // e.g. the bytes of a file read
 * console.log(caBytes.length === ca.length);
 * ```
 */
export type Pem = string | Uint8Array;

/**
 * How to secure the connection to the primary. Certificate verification is on
 * unless `rejectUnauthorized` is `false`.
 *
 * @example
 * ```ts
 * import type { MirrorOptions, TlsOptions } from "../../mod.ts";
 * const tls: TlsOptions = {
 *   ca: "-----BEGIN CERTIFICATE-----\n...\n-----END CERTIFICATE-----\n",
 *   servername: "redis.internal",
 * };
 * const options: MirrorOptions = { host: "10.0.0.5", port: 6380, tls };
 * console.log(options.tls === tls);
 * ```
 */
export interface TlsOptions {
  /** CA certificate(s) in PEM that sign the server's certificate, in addition to the system's roots. */
  ca?: Pem;
  /** Client certificate chain in PEM, for servers with `tls-auth-clients yes` (mutual TLS). */
  cert?: Pem;
  /** Private key in PEM of `cert`. */
  key?: Pem;
  /** Name sent as SNI and checked against the certificate (default: the host). */
  servername?: string;
  /** Verify the server's certificate chain and name (default true). `false` accepts any certificate. */
  rejectUnauthorized?: boolean;
}

/** {@linkcode TlsOptions} with every PEM as text. */
export interface TlsSettings {
  ca: string | undefined;
  cert: string | undefined;
  key: string | undefined;
  servername: string | undefined;
  rejectUnauthorized: boolean;
}

/**
 * Normalises TLS options (PEM bytes become text; verification on by default).
 *
 * @example
 * ```ts
 * import { tlsSettings } from "./tls_options.ts";
 * tlsSettings({}).rejectUnauthorized; // true
 * ```
 */
export function tlsSettings(options: TlsOptions): TlsSettings {
  if ((options.cert === undefined) !== (options.key === undefined)) {
    throw new TypeError("tls.cert and tls.key go together (mutual TLS needs both)");
  }
  return {
    ca: pemText(options.ca),
    cert: pemText(options.cert),
    key: pemText(options.key),
    servername: options.servername,
    rejectUnauthorized: options.rejectUnauthorized ?? true,
  };
}

function pemText(pem: Pem | undefined): string | undefined {
  if (pem === undefined || typeof pem === "string") return pem;
  return new TextDecoder().decode(pem);
}

/**
 * Explains a failed TLS handshake: what went wrong and which option fixes it.
 *
 * @example
 * ```ts
 * import { tlsFailure } from "./tls_options.ts";
 * tlsFailure(new Error("unable to verify the first certificate")).message;
 * ```
 */
export function tlsFailure(error: unknown): Error {
  const base = error instanceof Error ? error : new Error(String(error));
  const code = (base as { code?: unknown }).code;
  const detail = typeof code === "string" && !base.message.includes(code) ? `${base.message} (${code})` : base.message;
  const hint = /certificate|cert|verify|issuer|self.signed/i.test(detail) && !/required|alert/i.test(detail)
    ? ": the server's certificate was not accepted; pass tls.ca (the CA that signed it) or tls.servername (the name in it)"
    : "";
  return new Error(`TLS handshake failed: ${detail}${hint}`, { cause: base });
}

/**
 * Explains why the server ended an open TLS connection when it asked for a
 * client certificate (TLS 1.3 reports that after the client's handshake).
 *
 * @example
 * ```ts
 * import { tlsClosed } from "./tls_options.ts";
 * tlsClosed(new Error("received fatal alert: CertificateRequired"))?.message;
 * ```
 */
export function tlsClosed(error: Error | undefined): Error | undefined {
  if (error === undefined || !/certificate.?required/i.test(error.message)) return error;
  return new Error(`the server requires a client certificate (pass tls.cert and tls.key): ${error.message}`, {
    cause: error,
  });
}
