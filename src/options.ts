/**
 * Mirror options and their defaults; parsing of `redis://` URLs.
 *
 * @module
 */

import { VeidrodelisError } from "./errors.ts";
import type { Connector, TlsOptions } from "./net/mod.ts";
import { tlsSettings } from "./net/tls_options.ts";
import type { LuaOptions } from "./scripts.ts";
import type { SentinelOptions } from "./discovery/sentinel.ts";

/**
 * How to reach the primary and how the mirror behaves.
 *
 * @example
 * ```ts
 * import type { MirrorOptions } from "../mod.ts";
 * const options: MirrorOptions = {
 *   url: "rediss://reader:secret@redis.internal:6380/2", // TLS, ACL user, database 2
 *   tls: { servername: "redis.internal" },
 *   timeoutMs: 30_000,
 *   onDivergence: "resync",
 * };
 * console.log(options.url);
 * // const mirror = await Mirror.connect(options);
 * ```
 */
export interface MirrorOptions {
  /**
   * `redis://[[user]:password@]host[:port][/db]` (`rediss://` for TLS);
   * fields given separately win.
   */
  url?: string;
  /** Primary host (default "127.0.0.1"). */
  host?: string;
  /** Primary port (default 6379). */
  port?: number;
  /** ACL user for `AUTH`. */
  username?: string;
  /** Password for `AUTH`. */
  password?: string;
  /** Database the mirror's own read methods use (default 0, or the URL's). */
  db?: number;
  /** Databases allocated up front (default 16; more are added when the stream selects them). */
  databases?: number;
  /**
   * Cap on each projection's WASM memory, in bytes (default: the 4 GiB a
   * 32-bit WASM memory can address). A write that does not fit raises
   * `StoreFullError` (an `error` event): the projection keeps serving reads
   * as of the write before, and the mirror resyncs into a fresh, compact
   * store; when the data does not fit at all, every full sync fails the
   * same way and a `FullSyncLoopError` says so (see the README's memory
   * section).
   */
  maxMemoryBytes?: number;
  /** Clock in unix ms used to hide expired keys and resolve relative TTLs (default `Date.now`). */
  clock?: () => number;
  /** Keep keys whose TTL has passed visible to reads (default false, as a Redis replica). */
  showExpired?: boolean;
  /** First delay before reconnecting, in ms (default 100). */
  reconnectDelayMs?: number;
  /** Longest delay between reconnects, in ms (default 10 000). */
  maxReconnectDelayMs?: number;
  /** What a command the mirror cannot apply triggers: a full resync (default) or nothing but the event. */
  onDivergence?: "resync" | "continue";
  /** Port announced to the primary with `REPLCONF listening-port` (default 0). */
  announcePort?: number;
  /** Milliseconds between `REPLCONF ACK` heartbeats (default 1000). */
  ackIntervalMs?: number;
  /** Replaces the runtime's socket adapter (tests, proxies); `tls` is then ignored. */
  connector?: Connector;
  /**
   * Connects over TLS (`rediss://` URLs turn it on): `true` verifies the
   * server against the system's roots; an object gives the CA, a client
   * certificate for mutual TLS, the name to check. Verification is on unless
   * `rejectUnauthorized: false`. `false` turns TLS off even for `rediss://`.
   */
  tls?: boolean | TlsOptions;
  /** Limits of Lua read scripts (instruction budget, memory cap), loaded on first `compile`/`eval`. */
  lua?: LuaOptions;
  /**
   * Commands a `__vdr_tx` transaction may buffer (default 1,000,000); a
   * longer one is reported as divergence and the mirror resyncs.
   */
  maxTransactionCommands?: number;
  /** Bytes a `__vdr_tx` transaction may buffer (default 256 MiB), as received. */
  maxTransactionBytes?: number;
  /**
   * Milliseconds without a byte from the primary after which the link is
   * dropped and the mirror reconnects (default 60 000, as Redis's
   * `repl-timeout`; the primary PINGs every `repl-ping-replica-period`, 10 s).
   * Applies during the handshake and the RDB transfer too. 0 disables it.
   */
  timeoutMs?: number;
  /**
   * Finds the primary through Redis Sentinel instead of `host`/`port`: the
   * sentinels are asked in turn (`SENTINEL get-master-addr-by-name`), the
   * answer is checked with `ROLE`, and a failover (`+switch-master`) makes the
   * mirror follow the new primary at once. `username`/`password` here are
   * the sentinels' credentials; the mirror's own `username`/`password` are
   * still used for the primary.
   */
  sentinels?: SentinelOptions;
}

/** Options with every default filled in. */
export interface ResolvedOptions {
  host: string;
  port: number;
  username: string | undefined;
  password: string | undefined;
  db: number;
  databases: number;
  maxMemoryBytes: number | undefined;
  clock: () => number;
  showExpired: boolean;
  reconnectDelayMs: number;
  maxReconnectDelayMs: number;
  onDivergence: "resync" | "continue";
  announcePort: number;
  ackIntervalMs: number;
  connector: Connector | undefined;
  /** TLS settings, or undefined for plain TCP. */
  tls: TlsOptions | undefined;
  lua: LuaOptions;
  maxTransactionCommands: number;
  maxTransactionBytes: number;
  timeoutMs: number;
  /** Sentinel discovery, or undefined for the fixed `host`/`port`. */
  sentinels: SentinelOptions | undefined;
}

/**
 * Fills in defaults and the fields of `url`.
 *
 * @example
 * ```ts
 * import { resolveOptions } from "./options.ts";
 * resolveOptions({ url: "redis://:secret@localhost:6380/2" }).port; // 6380
 * ```
 */
export function resolveOptions(options: MirrorOptions): ResolvedOptions {
  const fromUrl = options.url === undefined ? {} : parseRedisUrl(options.url);
  const merged = { ...fromUrl, ...definedOnly(options) };
  return {
    host: merged.host ?? "127.0.0.1",
    port: merged.port ?? 6379,
    username: merged.username,
    password: merged.password,
    db: merged.db ?? 0,
    databases: merged.databases ?? 16,
    maxMemoryBytes: merged.maxMemoryBytes,
    clock: merged.clock ?? Date.now,
    showExpired: merged.showExpired ?? false,
    reconnectDelayMs: merged.reconnectDelayMs ?? 100,
    maxReconnectDelayMs: merged.maxReconnectDelayMs ?? 10_000,
    onDivergence: merged.onDivergence ?? "resync",
    announcePort: merged.announcePort ?? 0,
    ackIntervalMs: merged.ackIntervalMs ?? 1000,
    connector: merged.connector,
    tls: resolveTls(merged.tls),
    lua: merged.lua ?? {},
    maxTransactionCommands: merged.maxTransactionCommands ?? 1_000_000,
    maxTransactionBytes: merged.maxTransactionBytes ?? 256 << 20,
    timeoutMs: merged.timeoutMs ?? 60_000,
    sentinels: merged.sentinels,
  };
}

/** `true` is TLS with defaults; settings are checked now, not at the first connection. */
function resolveTls(tls: boolean | TlsOptions | undefined): TlsOptions | undefined {
  if (tls === undefined || tls === false) return undefined;
  if (tls === true) return {};
  try {
    tlsSettings(tls);
  } catch (error) {
    throw new VeidrodelisError("ARGUMENT", (error as Error).message);
  }
  return tls;
}

function definedOnly(options: MirrorOptions): MirrorOptions {
  return Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) as MirrorOptions;
}

/**
 * Parses `redis://[[user]:password@]host[:port][/db]`; `rediss://` also sets `tls: true`.
 *
 * @example
 * ```ts
 * import { parseRedisUrl } from "./options.ts";
 * parseRedisUrl("redis://app:pw@10.0.0.5:6380/1"); // { host: "10.0.0.5", port: 6380, username: "app", ... }
 * ```
 */
export function parseRedisUrl(url: string): MirrorOptions {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new VeidrodelisError("ARGUMENT", `not a valid URL: ${url}`);
  }
  if (parsed.protocol !== "redis:" && parsed.protocol !== "rediss:") {
    throw new VeidrodelisError("ARGUMENT", `unsupported URL scheme ${parsed.protocol} (expected redis: or rediss:)`);
  }
  const out: MirrorOptions = { host: parsed.hostname.replace(/^\[|\]$/g, "") || "127.0.0.1" };
  if (parsed.protocol === "rediss:") out.tls = true;
  if (parsed.port) out.port = Number(parsed.port);
  if (parsed.username) out.username = decodeURIComponent(parsed.username);
  if (parsed.password) out.password = decodeURIComponent(parsed.password);
  const db = parsed.pathname.replace(/^\//, "");
  if (db) {
    if (!/^\d+$/.test(db)) throw new VeidrodelisError("ARGUMENT", `not a database number: ${db}`);
    out.db = Number(db);
  }
  return out;
}
