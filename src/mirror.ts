/**
 * The public `Mirror`: a replica of a Redis/Valkey primary living in this
 * process, read synchronously.
 *
 * @module
 */

import { Store } from "./_wasm/store.ts";
import { VeidrodelisError } from "./errors.ts";
import { Emitter, type Listener } from "./events.ts";
import { type MirrorOptions, resolveOptions } from "./options.ts";
import type { RdbSummary } from "./rdb/mod.ts";
import { Reader, type ReadSource } from "./reader.ts";
import type { Text } from "./reads/mod.ts";
import { type MirrorEvents, type MirrorState as LinkState, Replicator } from "./replication/replicator.ts";
import { loadRdb, type RdbLoadProgress, type RdbSource } from "./offline.ts";
import { type LuaOptions, LuaReads } from "./scripts.ts";
import { WatchRegistry } from "./watch/registry.ts";
import { type EndpointSource, fixedEndpoint } from "./discovery/endpoints.ts";
import { sentinelEndpoints } from "./discovery/sentinel.ts";
import { defaultConnector } from "./net/mod.ts";

/**
 * Where a mirror stands: the replication states, or "offline" for a mirror
 * built from an RDB file by {@linkcode Mirror.fromRdb} (read-only, no primary).
 *
 * @example
 * ```ts
 * import { Mirror, type MirrorState } from "../mod.ts";
 * const emptyRdb = new Uint8Array([...new TextEncoder().encode("REDIS0011"), 0xff, 0, 0, 0, 0, 0, 0, 0, 0]);
 * const mirror = await Mirror.fromRdb(emptyRdb);
 * const state: MirrorState = mirror.state;
 * console.log(state); // "offline"
 * await mirror.close();
 * ```
 */
export type MirrorState = LinkState | "offline";

export type { RdbLoadProgress, RdbSource };

/**
 * Options of {@linkcode Mirror.fromRdb}.
 *
 * @example
 * ```ts
 * import { Mirror, type OfflineMirrorOptions } from "../mod.ts";
 * const emptyRdb = new Uint8Array([...new TextEncoder().encode("REDIS0011"), 0xff, 0, 0, 0, 0, 0, 0, 0, 0]);
 * const options: OfflineMirrorOptions = {
 *   db: 0,
 *   showExpired: true, // keep keys whose TTL passed visible (to inspect a snapshot as it was)
 *   onProgress: ({ bytes, totalBytes, keys }) => console.log(`${bytes}/${totalBytes} bytes, ${keys} keys`),
 * };
 * const mirror = await Mirror.fromRdb(emptyRdb, options);
 * await mirror.close();
 * ```
 */
export interface OfflineMirrorOptions {
  /** Database the mirror's own read methods use (default 0). */
  db?: number;
  /** Limits of Lua read scripts (see {@linkcode MirrorOptions}). */
  lua?: LuaOptions;
  /** Databases allocated up front (default 16; more are added when the RDB selects them). */
  databases?: number;
  /** Clock in unix ms used to hide expired keys (default `Date.now`). */
  clock?: () => number;
  /** Keep keys whose TTL has passed visible to reads (default false). */
  showExpired?: boolean;
  /** Cap on the projection's WebAssembly memory (default: the 4 GiB wasm32 limit). */
  maxMemoryBytes?: number;
  /** Called as the load advances (bytes consumed, total when known, keys loaded), and once at the end. */
  onProgress?: (progress: RdbLoadProgress) => void;
  /**
   * Longest stretch of decoding before the load yields to the event loop, in
   * ms (default 3): other work keeps running during a large load.
   */
  maxBusyMs?: number;
  /** Stops the load: `fromRdb` rejects and nothing of the load is kept. */
  signal?: AbortSignal;
}

/** What an offline mirror was built from (the key of the hand-over between fromRdb and the constructor). */
const OFFLINE = Symbol("offline");

interface OfflineInit {
  store: Store;
  summary: RdbSummary;
  loadedAt: number;
}

/**
 * Replication figures of a mirror.
 *
 * @example
 * ```ts
 * import { Mirror, type MirrorStats } from "../mod.ts";
 * const emptyRdb = new Uint8Array([...new TextEncoder().encode("REDIS0011"), 0xff, 0, 0, 0, 0, 0, 0, 0, 0]);
 * const mirror = await Mirror.fromRdb(emptyRdb);
 * const stats: MirrorStats = mirror.stats();
 * console.log(stats.state, stats.offset, stats.lagBytes, stats.memoryBytes > 0); // "offline" 0 0 true
 * await mirror.close();
 * ```
 */
export interface MirrorStats {
  /** Current state. */
  state: MirrorState;
  /** Replication id followed. */
  replId: string;
  /** Offset of the last applied unit (the projection's replication offset). */
  offset: number;
  /** Offset of the last byte of the stream received (parsed), complete units or not. */
  receivedOffset: number;
  /**
   * Bytes received but not applied yet (`receivedOffset - offset`: an open
   * MULTI or `__vdr_tx`, a partial command). A lower bound of the lag behind
   * the primary: what it sent since is not known before it arrives.
   */
  lagBytes: number;
  /** Seconds since the last byte from the primary (the primary PINGs every 10 s by default); 0 offline. */
  secondsSinceLastByte: number;
  /** Bytes of the command stream applied since the start (RDB transfers excluded). */
  bytesApplied: number;
  /** Full syncs completed. */
  fullSyncs: number;
  /** Partial resyncs (`+CONTINUE`) completed: the projection was kept. */
  partialSyncs: number;
  /** Full syncs that failed before going live. */
  failedFullSyncs: number;
  /** Connections attempted after the first. */
  reconnects: number;
  /** Commands the mirror could not apply. */
  divergences: number;
  /** Unix ms of the last completed sync, full or partial (0: none). */
  lastSyncAt: number;
  /** Commands applied since the start, by name. */
  commands: Record<string, number>;
  /** The primary's address of the current (or last) connection; null offline. */
  primary: { host: string; port: number } | null;
  /** Bytes of WebAssembly memory held by the projection (reserved: it grows by a quarter at a time). */
  memoryBytes: number;
  /** Bytes of it in use by keys, values and tables: the analogue of Redis's `used_memory`. */
  memoryUsedBytes: number;
  /**
   * WebAssembly memory of the store a full resync is loading while the old
   * projection keeps serving (0 when none): the second half of the double
   * peak of a resync.
   */
  syncMemoryBytes: number;
}

/**
 * A read-only, in-process projection of a Redis/Valkey primary (or, with
 * {@linkcode Mirror.fromRdb}, of an RDB snapshot, offline).
 *
 * Reads are synchronous and come from the projection; writes go to the
 * primary through any client. The mirror's own read methods use the database
 * of its `db` option (default 0); {@linkcode Mirror.db} gives any other.
 *
 * @example
 * ```ts ignore
 * import { Mirror } from "veidrodelis";
 * const mirror = await Mirror.connect("redis://127.0.0.1:6379");
 * mirror.get("user:1:name");      // "Alice"
 * mirror.db(2).get("other");      // from database 2
 * await mirror.close();
 * ```
 */
export class Mirror extends Reader<string> {
  readonly #events: Emitter<MirrorEvents>;
  /** The replication driving the projection; null for an offline mirror. */
  readonly #replicator: Replicator | null;
  readonly #offline: OfflineInit | null;
  readonly #readers = new Map<number, Reader<string>>();
  readonly #source: ReadSource;
  readonly #watches = new WatchRegistry();
  /** The Lua engine of read scripts, created on first use. */
  #lua: Promise<LuaReads> | null = null;

  /** Starts replicating at once; await {@linkcode Mirror.ready} (or use {@linkcode Mirror.connect}). */
  constructor(options: MirrorOptions | string = {}) {
    const offline = typeof options === "string" ? undefined : (options as { [OFFLINE]?: OfflineInit })[OFFLINE];
    const resolved = resolveOptions(typeof options === "string" ? { url: options } : options);
    const events = new Emitter<MirrorEvents>();
    const source: ReadSource = { store: null, now: resolved.clock, showExpired: resolved.showExpired };
    super(source, resolved.db, false);
    this.#events = events;
    this.#source = source;
    source.lua = () => this.#lua ??= LuaReads.create(resolved.lua);
    this.#readers.set(resolved.db, this);
    this.#offline = offline ?? null;
    if (offline !== undefined) {
      source.store = offline.store;
      this.#replicator = null;
      return;
    }
    source.watches = this.#watches;
    this.#replicator = new Replicator(resolved, events, source, this.#watches, endpointSource(resolved));
    this.#replicator.start();
  }

  /**
   * Builds a read-only mirror from an RDB snapshot, without any server: a
   * file path (read in pieces: bounded memory), the bytes, or a stream of
   * chunks (e.g. a `ReadableStream`). Resolves once everything is loaded,
   * with the mirror in state "offline". The load yields to the event loop
   * every `maxBusyMs` (default 3 ms), so timers and I/O keep running.
   *
   * Bad input rejects with a typed `RdbError` (reason and offset), memory
   * exhaustion with `StoreFullError`; nothing of a failed load is kept.
   * Reads see keys as a replica of that snapshot would (TTLs hide expired
   * keys by `clock` unless `showExpired`).
   *
   * @example
   * ```ts ignore
   * const mirror = await Mirror.fromRdb("dump.rdb", {
   *   onProgress: ({ bytes, totalBytes, keys }) => console.log(`${bytes}/${totalBytes} bytes, ${keys} keys`),
   * });
   * mirror.get("user:1:name");
   * await mirror.close();
   * ```
   *
   * @example
   * ```ts
   * import { Mirror } from "../mod.ts";
   * // A snapshot holding one string key, greeting = "hello" (RDB 11, no checksum).
   * const text = (s: string) => [s.length, ...new TextEncoder().encode(s)];
   * const rdb = new Uint8Array([
   *   ...new TextEncoder().encode("REDIS0011"),
   *   0xfe, 0, // SELECTDB 0
   *   0, ...text("greeting"), ...text("hello"), // a string key
   *   0xff, 0, 0, 0, 0, 0, 0, 0, 0, // EOF, no checksum
   * ]);
   * const mirror = await Mirror.fromRdb(rdb);
   * console.log(mirror.get("greeting"), mirror.state, mirror.rdbSummary?.keys); // "hello" "offline" 1
   * await mirror.close();
   * ```
   */
  static async fromRdb(source: RdbSource, options: OfflineMirrorOptions = {}): Promise<Mirror> {
    const store = new Store({ databases: options.databases ?? 16, maxMemoryBytes: options.maxMemoryBytes });
    let summary: RdbSummary;
    try {
      summary = await loadRdb(source, store, {
        onProgress: options.onProgress,
        maxBusyMs: options.maxBusyMs,
        signal: options.signal,
      });
    } catch (error) {
      store.dispose();
      throw error;
    }
    const init: OfflineInit = { store, summary, loadedAt: Date.now() };
    return new Mirror({
      db: options.db,
      databases: options.databases,
      clock: options.clock,
      showExpired: options.showExpired,
      lua: options.lua,
      [OFFLINE]: init,
    } as MirrorOptions);
  }

  /**
   * Connects and resolves once the projection is live (RDB loaded, stream
   * being applied). Rejects if that first sync fails; afterwards the mirror
   * reconnects on its own.
   *
   * @example
   * ```ts ignore
   * const mirror = await Mirror.connect({ host: "127.0.0.1", port: 6379, password: "secret" });
   * ```
   */
  static async connect(options: MirrorOptions | string = {}): Promise<Mirror> {
    const mirror = new Mirror(options);
    await mirror.ready;
    return mirror;
  }

  /** Resolves when the first projection is live; rejects when the first sync fails. */
  get ready(): Promise<void> {
    return this.#replicator?.ready ?? Promise.resolve();
  }

  /** Where the mirror stands: initializing, replicating, streaming, reconnecting, offline or closed. */
  get state(): MirrorState {
    if (this.#replicator !== null) return this.#replicator.state;
    return this.#source.store === null ? "closed" : "offline";
  }

  /** Offset of the last applied unit of the replication stream (an offline mirror: its RDB's `repl-offset`). */
  get offset(): number {
    if (this.#offline !== null) return Number(this.#offline.summary.aux["repl-offset"] ?? 0) || 0;
    return this.#replicator?.offset ?? 0;
  }

  /** What the RDB of an offline mirror held (header, AUX fields, keys per type); null for a replicating one. */
  get rdbSummary(): RdbSummary | null {
    return this.#offline?.summary ?? null;
  }

  /**
   * The reads of database `db` (strings; `.asBytes` for bytes).
   *
   * @example
   * ```ts ignore
   * mirror.db(5).get("k");
   * ```
   */
  db(db: number): Reader<string> {
    let reader = this.#readers.get(db);
    if (reader === undefined) {
      reader = new Reader<string>(this.#source, db, false);
      this.#readers.set(db, reader);
    }
    return reader;
  }

  /**
   * Subscribes to an event: "state", "live", "error", "divergence", "applied", "progress".
   * Returns a function that unsubscribes.
   *
   * @example
   * ```ts ignore
   * const off = mirror.on("state", (s) => console.log("mirror is", s));
   * ```
   */
  on<K extends keyof MirrorEvents>(event: K, listener: Listener<MirrorEvents[K]>): () => void {
    return this.#events.on(event, listener);
  }

  /** Removes a listener added with {@linkcode Mirror.on}. */
  off<K extends keyof MirrorEvents>(event: K, listener: Listener<MirrorEvents[K]>): void {
    this.#events.off(event, listener);
  }

  /**
   * Resolves once the mirror has applied the replication stream up to
   * `offset` (a primary's `master_repl_offset`): read-your-writes. Rejects
   * with a `TIMEOUT` error after `timeoutMs` (default 5000), or when the
   * signal aborts or the mirror closes.
   *
   * @example
   * ```ts ignore
   * await redis.set("k", "v");
   * const info = await redis.info("replication");
   * await mirror.waitForOffset(Number(/master_repl_offset:(\d+)/.exec(info)![1]));
   * mirror.get("k"); // "v"
   * ```
   */
  waitForOffset(offset: number, options: { timeoutMs?: number; signal?: AbortSignal } = {}): Promise<void> {
    if (this.#replicator === null || this.offset >= offset) return Promise.resolve();
    return waitForOffset(this, this.#events, offset, options);
  }

  /**
   * Read-your-writes through the application's own client: takes the
   * primary's current offset (`INFO replication` on `client`) and waits
   * until the mirror has applied it. Everything the client wrote before the
   * call is then readable from the mirror.
   *
   * @example
   * ```ts ignore
   * await redis.hset("user:1", "name", "Alice");
   * await mirror.syncWith(redis);
   * mirror.hget("user:1", "name"); // "Alice"
   * ```
   */
  async syncWith(client: PrimaryClient, options: { timeoutMs?: number; signal?: AbortSignal } = {}): Promise<void> {
    const info = String(await client.info("replication"));
    const match = /master_repl_offset:(\d+)/.exec(info);
    if (match === null) {
      throw new VeidrodelisError(
        "ARGUMENT",
        "the client's INFO replication has no master_repl_offset (not the primary?)",
      );
    }
    await this.waitForOffset(Number(match[1]), options);
  }

  /** Forces a full resync; reads keep using the current projection until the new one is live. */
  resync(): void {
    if (this.#replicator === null) {
      throw new VeidrodelisError("ARGUMENT", "an offline mirror (built from an RDB) has no primary to resync from");
    }
    this.#replicator.resync();
  }

  /** Replication figures. */
  stats(): MirrorStats {
    if (this.#replicator === null) return this.#offlineStats();
    const replicator = this.#replicator;
    // The live projection's link tells where it stands; the current link (maybe mid-handshake) when bytes last came.
    const live = replicator.liveLink;
    const heard = replicator.link ?? live;
    const counters = replicator.counters;
    const offset = live?.offset ?? 0;
    const receivedOffset = Math.max(offset, live?.receivedOffset ?? 0);
    return {
      state: this.state,
      replId: live?.replId ?? "",
      offset,
      receivedOffset,
      lagBytes: receivedOffset - offset,
      secondsSinceLastByte: heard === null ? 0 : Math.max(0, (performance.now() - heard.lastByteAt) / 1000),
      bytesApplied: counters.bytesApplied,
      fullSyncs: counters.fullSyncs,
      partialSyncs: counters.partialSyncs,
      failedFullSyncs: counters.failedFullSyncs,
      reconnects: counters.reconnects,
      divergences: counters.divergences,
      lastSyncAt: counters.lastSyncAt,
      commands: counters.commands,
      primary: replicator.endpoint === null ? null : { ...replicator.endpoint },
      memoryBytes: replicator.store?.memoryBytes() ?? 0,
      memoryUsedBytes: replicator.store?.usedBytes() ?? 0,
      syncMemoryBytes: replicator.link?.loadingMemoryBytes ?? 0,
    };
  }

  /** Stops replicating and releases the socket, timers and memory. Reads fail afterwards. */
  close(): Promise<void> {
    this.#lua?.then((lua) => lua.close(), () => {});
    this.#lua = null;
    if (this.#replicator !== null) {
      this.#replicator.close();
    } else if (this.#source.store !== null) {
      this.#source.store.dispose();
      this.#source.store = null;
      this.#events.emit("state", "closed");
    }
    return Promise.resolve();
  }

  #offlineStats(): MirrorStats {
    const init = this.#offline!;
    return {
      state: this.state,
      replId: init.summary.aux["repl-id"] ?? "",
      offset: this.offset,
      receivedOffset: this.offset,
      lagBytes: 0,
      secondsSinceLastByte: 0,
      bytesApplied: 0,
      fullSyncs: 0,
      partialSyncs: 0,
      failedFullSyncs: 0,
      reconnects: 0,
      divergences: 0,
      lastSyncAt: init.loadedAt,
      commands: {},
      primary: null,
      memoryBytes: this.#source.store?.memoryBytes() ?? 0,
      memoryUsedBytes: this.#source.store?.usedBytes() ?? 0,
      syncMemoryBytes: 0,
    };
  }
}

export type { Text };

/**
 * A client of the primary that can run `INFO` (ioredis, node-redis and most clients can).
 *
 * @example
 * ```ts
 * import type { PrimaryClient } from "../mod.ts";
 * // ioredis and node-redis clients fit as they are; anything with `info` does:
 * const client: PrimaryClient = {
 *   info: (section) => Promise.resolve(`# ${section}\r\nrole:master\r\nmaster_repl_offset:0\r\n`),
 * };
 * console.log(await client.info("replication"));
 * // await mirror.syncWith(client);
 * ```
 */
export interface PrimaryClient {
  /** Runs `INFO <section>` on the primary and resolves with its reply text. */
  info(section: string): Promise<unknown>;
}

/** Waits on the mirror's applied/live/state events until `mirror.offset` reaches `offset`. */
function waitForOffset(
  mirror: Mirror,
  events: Emitter<MirrorEvents>,
  offset: number,
  options: { timeoutMs?: number; signal?: AbortSignal },
): Promise<void> {
  return new Promise((resolve, reject) => {
    const stops: (() => void)[] = [];
    const done = (error?: Error) => {
      for (const stop of stops) stop();
      if (error) reject(error);
      else resolve();
    };
    const check = () => {
      if (mirror.offset >= offset) done();
    };
    stops.push(events.on("applied", check), events.on("live", check));
    // Commands that change no data (PING) advance the offset without an event: poll as well.
    const poll = setInterval(check, 2);
    stops.push(() => clearInterval(poll));
    stops.push(events.on("state", (state) => {
      if (state === "closed") done(new VeidrodelisError("CLOSED", "the mirror was closed"));
    }));
    const timer = setTimeout(
      () => done(new VeidrodelisError("TIMEOUT", `the mirror did not reach offset ${offset} (at ${mirror.offset})`)),
      options.timeoutMs ?? 5000,
    );
    stops.push(() => clearTimeout(timer));
    const signal = options.signal;
    if (signal !== undefined) {
      const abort = () =>
        done(new VeidrodelisError("CLOSED", "waiting for the offset was aborted", { cause: signal.reason }));
      if (signal.aborted) return abort();
      signal.addEventListener("abort", abort, { once: true });
      stops.push(() => signal.removeEventListener("abort", abort));
    }
    check();
  });
}

/** Where the primary is: asked of the sentinels when configured, else the fixed host and port. */
function endpointSource(options: ReturnType<typeof resolveOptions>): EndpointSource {
  if (options.sentinels === undefined) return fixedEndpoint({ host: options.host, port: options.port });
  return sentinelEndpoints({
    ...options.sentinels,
    // the sentinels are reached the way the primary is (same adapter, TLS or not)
    connector: options.connector ?? defaultConnector(options.tls),
    primaryUsername: options.username,
    primaryPassword: options.password,
  });
}
