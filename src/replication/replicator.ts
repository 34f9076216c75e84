/**
 * Keeps a projection following a primary across links: connects, swaps in
 * each freshly synced store once it is live, and reconnects with backoff
 * while the previous projection keeps serving reads.
 *
 * A reconnect first asks for a partial resync from where the live projection
 * stands (its replication id, the offset of its last applied unit, its
 * database): on `+CONTINUE` the same store keeps following the stream. Only a
 * forced resync (divergence, `resync()`) or a store left suspect by a failed
 * apply starts from scratch.
 *
 * @module
 */

import { prepareStoreModule, Store } from "../_wasm/store.ts";
import { type DivergenceError, VeidrodelisError } from "../errors.ts";
import type { Emitter } from "../events.ts";
import { defaultConnector } from "../net/mod.ts";
import type { ResolvedOptions } from "../options.ts";
import type { RdbLoadProgress } from "../rdb/mod.ts";
import { type LiveInfo, ReplicaLink, type ResumePoint } from "./link.ts";
import { CommandCounts } from "./applier.ts";
import type { Endpoint } from "../net/mod.ts";
import { FullSyncLoopError, REPEATED_FULL_SYNC_FAILURES } from "./sync_loop.ts";
import { dispatchUnit } from "../watch/dispatch.ts";
import { type EndpointSource, fixedEndpoint } from "../discovery/endpoints.ts";
import { WatchRegistry } from "../watch/registry.ts";

/**
 * Where the mirror stands.
 *
 * @example
 * ```ts
 * import type { ReplicationState } from "../../mod.ts";
 * const serving = (state: ReplicationState) => state === "streaming" || state === "reconnecting";
 * console.log(serving("reconnecting")); // true: the last projection keeps serving reads
 * ```
 */
export type MirrorState = "initializing" | "replicating" | "streaming" | "reconnecting" | "closed";

/**
 * A unit of the stream that was applied and is readable.
 *
 * @example
 * ```ts
 * import type { AppliedUnit } from "../../mod.ts";
 * const names = (unit: AppliedUnit) => unit.commands.map(([name]) => new TextDecoder().decode(name));
 * const enc = (s: string) => new TextEncoder().encode(s);
 * console.log(names({ db: 0, commands: [[enc("SET"), enc("k"), enc("v")]] })); // ["SET"]
 * // mirror.on("applied", (unit) => console.log(unit.db, names(unit)));
 * ```
 */
export interface AppliedUnit {
  /** Database selected when the unit started. */
  db: number;
  /** The commands of the unit as received. */
  commands: readonly (readonly Uint8Array[])[];
}

/**
 * Events of a mirror.
 *
 * @example
 * ```ts
 * import { Mirror, type MirrorEvents } from "../../mod.ts";
 * const emptyRdb = new Uint8Array([...new TextEncoder().encode("REDIS0011"), 0xff, 0, 0, 0, 0, 0, 0, 0, 0]);
 * const mirror = await Mirror.fromRdb(emptyRdb);
 * const log = <K extends keyof MirrorEvents>(event: K) => (payload: MirrorEvents[K]) => console.log(event, payload);
 * mirror.on("state", log("state"));
 * mirror.on("error", log("error"));
 * await mirror.close(); // state closed
 * ```
 */
export interface MirrorEvents extends Record<string, unknown> {
  /** The state changed. */
  state: MirrorState;
  /** A freshly synced projection replaced the previous one, or a partial resync resumed it (`partial`). */
  live: LiveInfo;
  /** A link failed (the mirror reconnects on its own). */
  error: VeidrodelisError;
  /** A command could not be applied; by default a full resync follows. */
  divergence: DivergenceError;
  /** A unit of the stream was applied. */
  applied: AppliedUnit;
  /** How far the RDB load of a full resync got (bytes, total when stated, keys). */
  progress: RdbLoadProgress;
}

/** Replication figures kept across links (see `Mirror.stats()`). */
export interface ReplicationCounters {
  /** Full resyncs that went live. */
  fullSyncs: number;
  /** Partial resyncs (`+CONTINUE`) that went live. */
  partialSyncs: number;
  /** Full resyncs that ended before going live (the count in a row resets when one goes live). */
  failedFullSyncs: number;
  /** Commands that could not be applied. */
  divergences: number;
  /** Unix ms of the last sync (full or partial) that went live (0: none). */
  lastSyncAt: number;
  /** Connections attempted after the first. */
  reconnects: number;
  /** Bytes of the command stream applied into live projections (RDB transfers excluded). */
  bytesApplied: number;
  /** Commands applied since the start, by name. */
  commands: Record<string, number>;
}

/**
 * Follows a primary, one link at a time.
 *
 * @example
 * ```ts ignore
 * const replicator = new Replicator(resolveOptions({ port: 6379 }), new Emitter());
 * replicator.start();
 * ```
 */
export class Replicator {
  readonly #options: ResolvedOptions;
  readonly #events: Emitter<MirrorEvents>;
  readonly #source: { store: Store | null };
  readonly #watches: WatchRegistry;
  readonly #endpoints: EndpointSource;
  readonly #stopFollowing: () => void;
  #state: MirrorState = "initializing";
  #link: ReplicaLink | null = null;
  #attempt = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #ready: { resolve(): void; reject(error: unknown): void } | null = null;
  #fullSyncs = 0;
  #partialSyncs = 0;
  #failedFullSyncs = 0;
  /** Full resyncs in a row that ended before going live: a primary dropping us (output buffer limit?). */
  #failedInARow = 0;
  #divergences = 0;
  #lastSyncAt = 0;
  #connects = 0;
  /** The link whose store is the live projection (possibly closed since: it still tells where it stopped). */
  #liveLink: ReplicaLink | null = null;
  /** Stream bytes applied by live links before `#liveLink`. */
  #bytesBefore = 0;
  /** False when the next sync must be a full one (forced, or the projection is suspect). */
  #resumable = true;
  readonly #counts: CommandCounts = new CommandCounts();
  #endpoint: Endpoint | null = null;
  readonly ready: Promise<void>;

  /** `source.store` is kept pointing at the live store, for the readers sharing it. */
  constructor(
    options: ResolvedOptions,
    events: Emitter<MirrorEvents>,
    source: { store: Store | null },
    watches: WatchRegistry = new WatchRegistry(),
    endpoints: EndpointSource = fixedEndpoint({ host: options.host, port: options.port }),
  ) {
    this.#source = source;
    this.#watches = watches;
    this.#endpoints = endpoints;
    // a failover: follow the primary to its new address at once
    // (a promoted replica accepts our PSYNC when it shares our history: PSYNC2's secondary id)
    this.#stopFollowing = endpoints.onMoved?.(() => {
      if (this.#state !== "closed") this.#reconnectNow();
    }) ?? (() => {});
    this.#options = options;
    this.#events = events;
    this.ready = new Promise<void>((resolve, reject) => {
      this.#ready = { resolve, reject };
    });
    this.ready.catch(() => {}); // observed through connect(); never an unhandled rejection
  }

  /** Current state. */
  get state(): MirrorState {
    return this.#state;
  }

  /** The live store, or null before the first sync. */
  get store(): Store | null {
    return this.#source.store;
  }

  /** The current link, if any. */
  get link(): ReplicaLink | null {
    return this.#link;
  }

  /** The link of the live projection (it may be closed while the next link connects). */
  get liveLink(): ReplicaLink | null {
    return this.#liveLink;
  }

  /** Offset of the last unit applied to the live projection (0 before the first sync). */
  get offset(): number {
    return this.#liveLink?.offset ?? 0;
  }

  /** The primary's address used by the current (or last) connection. */
  get endpoint(): Endpoint | null {
    return this.#endpoint;
  }

  /** Counters of syncs, reconnects, divergences and applied data. */
  get counters(): ReplicationCounters {
    const live = this.#liveLink;
    return {
      fullSyncs: this.#fullSyncs,
      partialSyncs: this.#partialSyncs,
      failedFullSyncs: this.#failedFullSyncs,
      divergences: this.#divergences,
      lastSyncAt: this.#lastSyncAt,
      reconnects: Math.max(0, this.#connects - 1),
      bytesApplied: this.#bytesBefore + (live === null ? 0 : live.offset - live.startOffset),
      commands: this.#counts.toRecord(),
    };
  }

  /** Starts the first link. */
  start(): void {
    void this.#connect();
  }

  /** Drops the current link and syncs again from scratch; reads keep using the current projection. */
  resync(): void {
    this.#resumable = false;
    this.#reconnectNow();
  }

  /** Drops the current link and connects again at once (a partial resync when the projection allows it). */
  #reconnectNow(): void {
    if (this.#state === "closed") return;
    this.#link?.close();
    this.#link = null;
    clearTimeout(this.#timer);
    this.#setState(this.#source.store ? "reconnecting" : "initializing");
    void this.#connect();
  }

  /** Stops everything and releases the store. */
  close(): void {
    if (this.#state === "closed") return;
    clearTimeout(this.#timer);
    this.#stopFollowing();
    this.#endpoints.close?.();
    this.#link?.close();
    this.#link = null;
    this.#source.store?.dispose();
    this.#source.store = null;
    this.#setState("closed");
    this.#ready?.reject(new VeidrodelisError("CLOSED", "the mirror was closed"));
    this.#ready = null;
  }

  async #connect(): Promise<void> {
    const options = this.#options;
    let link: ReplicaLink;
    try {
      const [endpoint] = await Promise.all([this.#endpoints.current(), prepareStoreModule()]);
      if (this.#isClosed()) return;
      this.#endpoint = endpoint;
      this.#connects++;
      link = await ReplicaLink.open({
        endpoint,
        connector: options.connector ?? defaultConnector(options.tls),
        username: options.username,
        password: options.password,
        announcePort: options.announcePort,
        ackIntervalMs: options.ackIntervalMs,
        now: options.clock,
        createStore: () => new Store({ databases: options.databases, maxMemoryBytes: options.maxMemoryBytes }),
        maxTransactionCommands: options.maxTransactionCommands,
        maxTransactionBytes: options.maxTransactionBytes,
        timeoutMs: options.timeoutMs,
        counts: this.#counts,
        resume: this.#resumePoint(),
      }, {
        onFullResync: () => this.#setState("replicating"),
        onRdbProgress: (progress) => this.#events.emit("progress", progress),
        onLive: (store, info) => this.#onLive(link, store, info),
        onDivergence: (error) => this.#onDivergence(link, error),
        onUnitApplied: (unit) => {
          if (link !== this.#link) return;
          dispatchUnit(this.#watches, unit);
          if (this.#events.has("applied")) {
            this.#events.emit("applied", { db: unit[0].db, commands: unit.map((c) => c.args) });
          }
        },
        onClose: (error) => this.#onLinkClosed(link, error),
      });
    } catch (error) {
      return this.#onLinkClosed(null, asError(error));
    }
    if (this.#state === "closed") return link.close();
    this.#link = link;
  }

  /** Where the live projection stands, for a partial resync; undefined when the next sync must be full. */
  #resumePoint(): ResumePoint | undefined {
    const live = this.#liveLink;
    const store = this.#source.store;
    if (!this.#resumable || live === null || store === null || live.storeSuspect || live.replId === "") return;
    return { replId: live.replId, offset: live.offset, db: live.db, store };
  }

  #onLive(link: ReplicaLink, store: Store, info: LiveInfo): void {
    const previous = this.#source.store;
    this.#source.store = store;
    if (previous && previous !== store) previous.dispose();
    const before = this.#liveLink;
    if (before !== null && before !== link) this.#bytesBefore += before.offset - before.startOffset;
    this.#liveLink = link;
    this.#attempt = 0;
    this.#failedInARow = 0;
    if (info.partial) this.#partialSyncs++;
    else {
      this.#fullSyncs++;
      this.#resumable = true;
    }
    this.#lastSyncAt = Date.now();
    this.#link = link;
    this.#setState("streaming");
    // A partial resync kept the projection: watchers saw every change already.
    if (!info.partial) this.#watches.replaced();
    this.#events.emit("live", info);
    this.#ready?.resolve();
    this.#ready = null;
  }

  #onDivergence(link: ReplicaLink, error: DivergenceError): void {
    this.#divergences++;
    this.#events.emit("divergence", error);
    if (this.#options.onDivergence === "resync" && link === this.#link) {
      // Let the current chunk finish applying before tearing the link down.
      queueMicrotask(() => {
        if (link === this.#link) this.resync();
      });
    }
  }

  #onLinkClosed(link: ReplicaLink | null, error: VeidrodelisError): void {
    if (this.#state === "closed" || (link !== null && link !== this.#link && this.#link !== null)) return;
    this.#link = null;
    this.#events.emit("error", error);
    if (link !== null && link.fullSync && !link.streamed) this.#fullSyncFailed();
    if (this.#source.store === null && this.#ready) {
      // The first sync failed: report it to connect() and stop.
      const ready = this.#ready;
      this.#ready = null;
      this.close();
      ready.reject(error);
      return;
    }
    this.#setState("reconnecting");
    this.#scheduleReconnect();
  }

  /** A full resync ended before going live; several in a row are reported (never a silent loop). */
  #fullSyncFailed(): void {
    this.#failedFullSyncs++;
    if (++this.#failedInARow < REPEATED_FULL_SYNC_FAILURES) return;
    const { host, port } = this.#endpoint ?? { host: this.#options.host, port: this.#options.port };
    this.#events.emit("error", new FullSyncLoopError(this.#failedInARow, `${host}:${port}`));
  }

  #scheduleReconnect(): void {
    const { reconnectDelayMs, maxReconnectDelayMs } = this.#options;
    const base = Math.min(maxReconnectDelayMs, reconnectDelayMs * 2 ** this.#attempt++);
    const delay = base / 2 + Math.random() * base / 2;
    this.#timer = setTimeout(() => void this.#connect(), delay);
  }

  /** (A method, not a field test: the state may change while a connection is awaited.) */
  #isClosed(): boolean {
    return this.#state === "closed";
  }

  #setState(state: MirrorState): void {
    if (state === this.#state) return;
    this.#state = state;
    this.#events.emit("state", state);
  }
}

function asError(error: unknown): VeidrodelisError {
  if (error instanceof VeidrodelisError) return error;
  return new VeidrodelisError("CONNECTION", error instanceof Error ? error.message : String(error), { cause: error });
}
