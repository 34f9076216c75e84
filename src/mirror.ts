/**
 * The public `Mirror`: a replica of a Redis/Valkey primary living in this
 * process, read synchronously.
 *
 * @module
 */

import { Emitter, type Listener } from "./events.ts";
import { type MirrorOptions, resolveOptions } from "./options.ts";
import { Reader, type ReadSource } from "./reader.ts";
import type { Text } from "./reads.ts";
import { type MirrorEvents, type MirrorState, Replicator } from "./replication/replicator.ts";

/** Replication figures of a mirror. */
export interface MirrorStats {
  /** Current state. */
  state: MirrorState;
  /** Replication id followed. */
  replId: string;
  /** Offset of the last applied unit. */
  offset: number;
  /** Offset of the last byte received from the stream. */
  receivedOffset: number;
  /** Full syncs completed. */
  fullSyncs: number;
  /** Commands the mirror could not apply. */
  divergences: number;
  /** Unix ms of the last completed sync (0: none). */
  lastSyncAt: number;
  /** Commands applied on the current link, by name. */
  commands: Record<string, number>;
  /** Bytes of WebAssembly memory held by the projection. */
  memoryBytes: number;
}

/**
 * A read-only, in-process projection of a Redis/Valkey primary.
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
  readonly #replicator: Replicator;
  readonly #readers = new Map<number, Reader<string>>();
  readonly #source: ReadSource;

  /** Starts replicating at once; await {@linkcode Mirror.ready} (or use {@linkcode Mirror.connect}). */
  constructor(options: MirrorOptions | string = {}) {
    const resolved = resolveOptions(typeof options === "string" ? { url: options } : options);
    const events = new Emitter<MirrorEvents>();
    const source: ReadSource = { store: null, now: resolved.clock, showExpired: resolved.showExpired };
    super(source, resolved.db, false);
    this.#events = events;
    this.#source = source;
    this.#replicator = new Replicator(resolved, events, source);
    this.#readers.set(resolved.db, this);
    this.#replicator.start();
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
    return this.#replicator.ready;
  }

  /** Where the mirror stands: initializing, replicating, streaming, reconnecting or closed. */
  get state(): MirrorState {
    return this.#replicator.state;
  }

  /** Offset of the last applied unit of the replication stream. */
  get offset(): number {
    return this.#replicator.link?.offset ?? 0;
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

  /** Forces a full resync; reads keep using the current projection until the new one is live. */
  resync(): void {
    this.#replicator.resync();
  }

  /** Replication figures. */
  stats(): MirrorStats {
    const link = this.#replicator.link;
    const counters = this.#replicator.counters;
    return {
      state: this.state,
      replId: link?.replId ?? "",
      offset: link?.offset ?? 0,
      receivedOffset: link?.receivedOffset ?? 0,
      fullSyncs: counters.fullSyncs,
      divergences: counters.divergences,
      lastSyncAt: counters.lastSyncAt,
      commands: { ...(link?.commandCounts ?? {}) },
      memoryBytes: this.#replicator.store?.memoryBytes() ?? 0,
    };
  }

  /** Stops replicating and releases the socket, timers and memory. Reads fail afterwards. */
  close(): Promise<void> {
    this.#replicator.close();
    return Promise.resolve();
  }
}

export type { Text };
