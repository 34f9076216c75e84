/**
 * What `veidrodelis mirror <source>` mirrors: a primary given by a
 * `redis://` / `rediss://` URL (with the connection options of the command
 * line), or an RDB file loaded offline.
 *
 * @module
 */

import { existsSync, readFileSync } from "node:fs";
import type { MirrorOptions } from "../options.ts";
import { parseRedisUrl } from "../options.ts";
import type { TlsOptions } from "../net/mod.ts";
import { hasFlag, type OptionSpec, optionValue, type ParsedArgs } from "./args.ts";
import { UsageError } from "./failure.ts";

/** The connection options of `mirror` (with `--help` lines). */
export const CONNECTION_OPTIONS: readonly OptionSpec[] = [
  { name: "user", value: "NAME", help: "ACL user (needs +psync +replconf +ping); overrides the URL's" },
  { name: "password", value: "PASSWORD", help: "password; overrides the URL's (or set $VEIDRODELIS_PASSWORD)" },
  { name: "db", value: "N", help: "database the reads use (default: the URL's, else 0)" },
  { name: "tls", help: "connect over TLS (implied by rediss://)" },
  { name: "tls-ca", value: "FILE", help: "CA certificate (PEM) that signs the server's, besides the system's roots" },
  { name: "tls-cert", value: "FILE", help: "client certificate (PEM) for mutual TLS, with --tls-key" },
  { name: "tls-key", value: "FILE", help: "private key (PEM) of --tls-cert" },
  { name: "tls-servername", value: "NAME", help: "name sent as SNI and checked in the certificate (default: host)" },
  { name: "tls-insecure", help: "accept any server certificate (no verification)" },
];

/** A primary to connect to, or a file to load. */
export type MirrorSource =
  | { readonly kind: "primary"; readonly options: MirrorOptions; readonly address: string }
  | { readonly kind: "file"; readonly path: string; readonly db: number | undefined };

/**
 * Reads the source argument and the connection options. A URL is checked
 * now (a wrong one is a usage error); a source that is not a URL must be an
 * existing file.
 *
 * @example
 * ```ts ignore
 * const source = mirrorSource("redis://127.0.0.1:6379", parseArgs(argv, CONNECTION_OPTIONS), process.env);
 * ```
 */
export function mirrorSource(
  text: string,
  args: ParsedArgs,
  env: Readonly<Record<string, string | undefined>>,
): MirrorSource {
  const db = databaseOption(args);
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) {
    if (existsSync(text)) return { kind: "file", path: text, db };
    if (/^[\w.-]+:\d+$/.test(text)) throw new UsageError(`not a URL: ${text}, did you mean redis://${text}?`);
    if (/\.rdb$/i.test(text)) throw new Error(`no such file: ${text}`);
    throw new UsageError(`not a redis:// URL nor an RDB file: ${text}`);
  }
  const fromUrl = parseRedisUrl(text); // throws for a wrong scheme, port or database
  const options: MirrorOptions = {
    url: text,
    username: optionValue(args, "user"),
    password: optionValue(args, "password") ?? (fromUrl.password === undefined ? env.VEIDRODELIS_PASSWORD : undefined),
    db,
    tls: tlsOption(args, fromUrl.tls === true),
  };
  const host = fromUrl.host ?? "127.0.0.1";
  const address = `${host.includes(":") ? `[${host}]` : host}:${fromUrl.port ?? 6379}`;
  return { kind: "primary", options, address };
}

function databaseOption(args: ParsedArgs): number | undefined {
  const text = optionValue(args, "db");
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text)) throw new UsageError(`--db must be a database number, not ${JSON.stringify(text)}`);
  return Number(text);
}

/** TLS from the flags: undefined (the URL decides) or the settings. */
function tlsOption(args: ParsedArgs, urlSaysTls: boolean): boolean | TlsOptions | undefined {
  const files = {
    ca: pemFile(args, "tls-ca"),
    cert: pemFile(args, "tls-cert"),
    key: pemFile(args, "tls-key"),
  };
  const servername = optionValue(args, "tls-servername");
  const insecure = hasFlag(args, "tls-insecure");
  const detailed = files.ca !== undefined || files.cert !== undefined || files.key !== undefined ||
    servername !== undefined || insecure;
  if (!detailed) return hasFlag(args, "tls") || urlSaysTls ? true : undefined;
  if ((files.cert === undefined) !== (files.key === undefined)) {
    throw new UsageError("--tls-cert and --tls-key go together");
  }
  return { ...files, servername, rejectUnauthorized: !insecure };
}

function pemFile(args: ParsedArgs, name: string): string | undefined {
  const path = optionValue(args, name);
  if (path === undefined) return undefined;
  try {
    return readFileSync(path, "utf8");
  } catch (error) {
    throw new Error(`cannot read --${name} ${path}: ${(error as Error).message}`);
  }
}
