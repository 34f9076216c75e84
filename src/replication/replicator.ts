/**
 * Keeps a projection following a primary across links: connects, swaps in
 * each freshly synced store once it is live, and reconnects with backoff
 * while the previous projection keeps serving reads.
 *
 * @module
 */

import { Store } from "../_wasm/store.ts";
import { type DivergenceError, VeidrodelisError } from "../errors.ts";
import type { Emitter } from "../events.ts";
import { defaultConnector } from "../net/mod.ts";
import type { ResolvedOptions } from "../options.ts";
import type { RdbLoadProgress } from "../rdb/mod.ts";
import { type LiveInfo, ReplicaLink } from "./link.ts";
import { dispatchUnit } from "../watch/dispatch.ts";
import { type EndpointSource, fixedEndpoint } from "../discovery/endpoints.ts";
import { WatchRegistry } from "../watch/registry.ts";

/** Where the mirror stands. */
export type MirrorState = "initializing" | "replicating" | "streaming" | "reconnecting" | "closed";

/** A unit of the stream that was applied and is readable. */
export interface AppliedUnit {
  /** Database selected when the unit started. */
  db: number;
  /** The commands of the unit as received. */
  commands: readonly (readonly Uint8Array[])[];
}

/** Events of a mirror. */
export interface MirrorEvents extends Record<string, unknown> {
  /** The state changed. */
  state: MirrorState;
  /** A freshly synced projection replaced the previous one. */
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
  #divergences = 0;
  #lastSyncAt = 0;
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
    this.#stopFollowing = endpoints.onMoved?.(() => {
      if (this.#state !== "closed") this.resync();
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

  /** Counters of syncs and divergences. */
  get counters(): { fullSyncs: number; divergences: number; lastSyncAt: number } {
    return { fullSyncs: this.#fullSyncs, divergences: this.#divergences, lastSyncAt: this.#lastSyncAt };
  }

  /** Starts the first link. */
  start(): void {
    void this.#connect();
  }

  /** Drops the current link and syncs again from scratch; reads keep using the current projection. */
  resync(): void {
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
      const endpoint = await this.#endpoints.current();
      if (this.#isClosed()) return;
      link = await ReplicaLink.open({
        endpoint,
        connector: options.connector ?? defaultConnector(),
        username: options.username,
        password: options.password,
        announcePort: options.announcePort,
        ackIntervalMs: options.ackIntervalMs,
        now: options.clock,
        createStore: () => new Store({ databases: options.databases }),
        maxTransactionCommands: options.maxTransactionCommands,
        maxTransactionBytes: options.maxTransactionBytes,
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

  #onLive(link: ReplicaLink, store: Store, info: LiveInfo): void {
    const previous = this.#source.store;
    this.#source.store = store;
    if (previous && previous !== store) previous.dispose();
    this.#attempt = 0;
    this.#fullSyncs++;
    this.#lastSyncAt = Date.now();
    this.#link = link;
    this.#setState("streaming");
    this.#watches.replaced();
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
