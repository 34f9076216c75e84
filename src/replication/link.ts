/**
 * One connection to a primary, from the handshake through the RDB transfer
 * to the live command stream. A link never reconnects: when it ends, its
 * owner (the replicator) decides what comes next.
 *
 * Input is processed as a phase machine over pushed chunks, so the bytes that
 * follow `+FULLRESYNC` or the end of the RDB in the same chunk are handed to
 * the next phase without being looked at twice.
 *
 * A link given a {@linkcode ResumePoint} asks for a partial resync
 * (`PSYNC <replid> <offset+1>`, as a Redis replica asks with its cached
 * primary's offset): on `+CONTINUE` it keeps applying the backlog into the
 * same store from the same offset and database; on `+FULLRESYNC` it loads a
 * fresh store as usual.
 *
 * @module
 */

import { type Store, WasmCrc64 } from "../_wasm/store.ts";
import { AuthError, ConnectionError, ProtocolError, RdbError, VeidrodelisError } from "../errors.ts";
import type { DivergenceError } from "../errors.ts";
import type { Connector, Endpoint, Transport } from "../net/mod.ts";
import { RdbDecoder, type RdbLoadProgress, type RdbSummary } from "../rdb/mod.ts";
import { encodeCommand, RespCommandParser } from "../resp/mod.ts";
import { type AppliedCommand, Applier, type ApplierEvents, type CommandCounts } from "./applier.ts";
import { TX_MARKER } from "./vdr_tx.ts";
import { LoadPacer } from "./pacing.ts";
import { StoreLoader } from "./store_loader.ts";

/** How a link connects and identifies itself. */
export interface LinkConfig {
  endpoint: Endpoint;
  connector: Connector;
  username?: string;
  password?: string;
  /** Port announced with `REPLCONF listening-port` (0: none to connect back to). */
  announcePort: number;
  /** Milliseconds between `REPLCONF ACK` heartbeats. */
  ackIntervalMs: number;
  now(): number;
  /** A fresh, empty store for a full resync. */
  createStore(): Store;
  /** Bounds of a `__vdr_tx` transaction's buffer (see the applier's options). */
  maxTransactionCommands?: number;
  maxTransactionBytes?: number;
  /** Where the current projection stands: ask for a partial resync from there (absent: `PSYNC ? -1`). */
  resume?: ResumePoint;
  /**
   * Milliseconds without a byte from the primary after which the link is
   * dropped (as Redis's `repl-timeout`), in every phase: handshake, RDB, stream.
   */
  timeoutMs?: number;
  /** Counters of applied commands by name, shared across links (default: the link's own). */
  counts?: CommandCounts;
}

/** The state a partial resync continues from: the projection and the last applied unit's offset and db. */
export interface ResumePoint {
  /** Replication id the projection follows. */
  replId: string;
  /** Offset after the last applied unit (units buffered in an open MULTI or `__vdr_tx` excluded). */
  offset: number;
  /** Database selected at that offset (the primary does not resend SELECT after `+CONTINUE`). */
  db: number;
  /** The live store; the backlog is applied into it on `+CONTINUE`. */
  store: Store;
}

/** What a link reports to its owner. */
export interface LinkEvents {
  /** The primary answered `+FULLRESYNC`; an RDB follows. */
  onFullResync?(replId: string, offset: number): void;
  /** How far the RDB load of a full resync got (after each piece decoded). */
  onRdbProgress?(progress: RdbLoadProgress): void;
  /**
   * `store` is live and follows the stream: the RDB of a full resync is
   * loaded and acknowledged, or a partial resync (`+CONTINUE`) resumed the
   * resume point's store (`info.partial`).
   */
  onLive(store: Store, info: LiveInfo): void;
  /** A command could not be applied. */
  onDivergence(error: DivergenceError): void;
  /** A unit of the stream was applied (after it is readable). */
  onUnitApplied?(unit: readonly AppliedCommand[]): void;
  /** A `__vdr_tx` transaction opened (true) or was applied (false). */
  onTransaction?(open: boolean): void;
  /** The link ended on its own (not by `close()`). */
  onClose(error: VeidrodelisError): void;
}

/**
 * What a live link knows about its sync.
 *
 * @example
 * ```ts
 * import type { LiveInfo } from "../../mod.ts";
 * const onLive = (info: LiveInfo) =>
 *   console.log(info.partial ? "resumed" : `full sync of ${info.rdb?.keys} keys`, info.replId, info.offset);
 * onLive({ replId: "8f3c…", offset: 0, partial: true, rdb: null }); // resumed 8f3c… 0
 * // mirror.on("live", onLive);
 * ```
 */
export interface LiveInfo {
  /** Replication id followed from now on (a `+CONTINUE <id>` brings a new one after a failover). */
  replId: string;
  /** Offset the stream continues from. */
  offset: number;
  /** True for a partial resync (`+CONTINUE`): the projection was kept. */
  partial: boolean;
  /** What the RDB of a full resync held; null after a partial resync. */
  rdb: RdbSummary | null;
}

const enum Phase {
  Pong,
  Auth,
  Port,
  Capa,
  Psync,
  TransferHeader,
  RdbByLength,
  RdbUntilMark,
  EofMark,
  Stream,
  Closed,
}

const MAX_LINE = 64 * 1024;
const EOF_MARK_LENGTH = 40;
/** Buckets moved per heartbeat by the idle rehash (about a millisecond of work). */
const IDLE_REHASH_BUCKETS = 20_000;

/**
 * A replica connection to one primary.
 *
 * @example
 * ```ts ignore
 * const link = await ReplicaLink.open(config, events);
 * link.close();
 * ```
 */
export class ReplicaLink {
  readonly #config: LinkConfig;
  readonly #events: LinkEvents;
  #transport: Transport | null = null;
  #phase: Phase = Phase.Pong;
  #line: number[] = [];
  #input = 0;
  #replId = "";
  #store: Store | null = null;
  #rdb: RdbDecoder | null = null;
  #loader: StoreLoader | null = null;
  #rdbRemaining = 0;
  /** Size of the transfer when the primary stated it (`$<len>`), else null (EOF-marked). */
  #rdbTotal: number | null = null;
  #eofMark: Uint8Array = new Uint8Array(0);
  #markFilled = 0;
  #parser: RespCommandParser | null = null;
  #applier: Applier | null = null;
  #startOffset = 0;
  #ackTimer: ReturnType<typeof setInterval> | undefined;
  /** Paces the RDB load when the transport can pause (null: each chunk is decoded as it comes). */
  #pacer: LoadPacer | null = null;
  /** Input waiting while the paced load yields to the event loop. */
  #queue: Uint8Array[] = [];
  /** Bytes in #queue. */
  #queuedBytes = 0;
  /** `performance.now()` of the last byte received (or of the last moment we were not waiting on the primary). */
  #lastByteAt = performance.now();
  #watchdog: ReturnType<typeof setInterval> | undefined;
  /** The primary answered `+FULLRESYNC` (false: `+CONTINUE`, or no answer yet). */
  #fullSync = false;
  /** Applying a command failed inside the store: the projection may hold half a unit. */
  #storeSuspect = false;
  /** `#store` was handed to the owner (`onLive`): from then on it is the owner's to dispose. */
  #handedOver = false;

  private constructor(config: LinkConfig, events: LinkEvents) {
    this.#config = config;
    this.#events = events;
  }

  /** Connects and starts the replica handshake; resolves once connected. */
  static async open(config: LinkConfig, events: LinkEvents): Promise<ReplicaLink> {
    const link = new ReplicaLink(config, events);
    try {
      link.#transport = await config.connector(config.endpoint, {
        onData: (chunk) => link.#onData(chunk),
        onClose: (error) => link.#fail(new ConnectionError(error?.message ?? "connection closed", { cause: error })),
      });
    } catch (error) {
      const { host, port } = config.endpoint;
      throw new ConnectionError(`cannot connect to ${host}:${port}: ${(error as Error).message}`, { cause: error });
    }
    link.#send(["PING"]);
    link.#startWatchdog();
    return link;
  }

  /** Drops the link when the primary sends nothing for `timeoutMs` (the primary PINGs every 10 s by default). */
  #startWatchdog(): void {
    const timeoutMs = this.#config.timeoutMs;
    if (timeoutMs === undefined || !(timeoutMs > 0) || !Number.isFinite(timeoutMs)) return;
    this.#lastByteAt = performance.now();
    this.#watchdog = setInterval(() => {
      const now = performance.now();
      // A paced load holds input back itself: the primary is not the one silent then.
      if (this.#queue.length > 0 || this.#pacer?.paused) this.#lastByteAt = now;
      else if (now - this.#lastByteAt > timeoutMs) {
        this.#fail(
          new ConnectionError(
            `no data from the primary for ${
              Math.round(now - this.#lastByteAt)
            } ms (timeoutMs ${timeoutMs}): link dropped`,
          ),
        );
      }
    }, Math.max(10, Math.min(1000, timeoutMs / 4)));
    unrefTimer(this.#watchdog);
  }

  /** Replication offset of the last applied unit (the RDB's offset before the stream). */
  get offset(): number {
    return this.#applier?.offset ?? this.#startOffset;
  }

  /** Bytes of the command stream received (parsed) so far, complete commands or not. */
  get receivedOffset(): number {
    return this.#startOffset + (this.#parser?.consumed ?? 0);
  }

  /** Replication id of the primary's history this link follows. */
  get replId(): string {
    return this.#replId;
  }

  /** The database the stream has selected. */
  get db(): number {
    return this.#applier?.db ?? 0;
  }

  /** WebAssembly memory of the store this link is loading and has not handed over yet (0 when none). */
  get loadingMemoryBytes(): number {
    return this.#ownStore?.memoryBytes() ?? 0;
  }

  /** The store this link built and still owns (not handed over, not the resumed one), or null. */
  get #ownStore(): Store | null {
    const store = this.#store;
    return store === null || this.#handedOver || store === this.#config.resume?.store ? null : store;
  }

  /** Commands applied, by name. */
  get commandCounts(): Record<string, number> {
    return this.#applier?.counts.toRecord() ?? {};
  }

  /** True once the stream is being applied. */
  get live(): boolean {
    return this.#phase === Phase.Stream;
  }

  /** Offset the stream of this link started from (the FULLRESYNC offset, or the resume point's). */
  get startOffset(): number {
    return this.#startOffset;
  }

  /** True when the primary answered `+FULLRESYNC`. */
  get fullSync(): boolean {
    return this.#fullSync;
  }

  /** True when the stream reached the applier (`+CONTINUE`, or the RDB loaded), even if closed since. */
  get streamed(): boolean {
    return this.#applier !== null;
  }

  /**
   * True when applying a command failed inside the store (not a framing
   * error found before applying): the projection is not safe to resume.
   */
  get storeSuspect(): boolean {
    return this.#storeSuspect;
  }

  /** `performance.now()` of the last byte received from the primary. */
  get lastByteAt(): number {
    return this.#lastByteAt;
  }

  /** Ends the link and releases its socket and timer. */
  close(): void {
    if (this.#phase === Phase.Closed) return;
    this.#phase = Phase.Closed;
    this.#pacer?.end();
    this.#queue = [];
    this.#queuedBytes = 0;
    clearInterval(this.#ackTimer);
    clearInterval(this.#watchdog);
    this.#transport?.close();
    this.#transport = null;
    // A full resync that never went live: its store is nobody's (wasm memory is not returned by GC soon enough).
    this.#ownStore?.dispose();
    this.#store = null;
  }

  #fail(error: VeidrodelisError): void {
    if (this.#phase === Phase.Closed) return;
    this.close();
    this.#events.onClose(error);
  }

  #send(args: readonly (string | Uint8Array)[]): void {
    this.#transport?.write(encodeCommand(args));
  }

  #sendAck(offset: number): void {
    this.#send(["REPLCONF", "ACK", String(offset)]);
  }

  #onData(chunk: Uint8Array): void {
    this.#lastByteAt = performance.now();
    // Node hands over Buffers, whose subarray() (the decoder takes one per element) costs
    // several times a plain Uint8Array's: view the same bytes as a plain one.
    if (chunk.constructor !== Uint8Array) chunk = new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.length);
    // Input that arrives while earlier input waits (paced load) queues behind it, in order.
    if (this.#queue.length > 0 || this.#pacer?.paused) this.#enqueue(chunk, false);
    else this.#feed(chunk);
  }

  /**
   * Processes a chunk. False when the paced RDB load ran out of time: the
   * transport is paused, the rest of the chunk queued and a drain scheduled.
   */
  #feed(chunk: Uint8Array): boolean {
    this.#pacer?.begin();
    try {
      let at = 0;
      while (at < chunk.length && this.#phase !== Phase.Closed) {
        at = this.#consume(chunk, at);
        // The pacer may have come into being inside this chunk (at the transfer header).
        if (this.#pacer !== null && this.#pacer.spent()) {
          // Also at the end of a chunk: the runtime may hand over many in one go.
          this.#input += at;
          if (at < chunk.length) this.#enqueue(chunk.subarray(at), true);
          this.#pacer.pause(() => this.#drain());
          return false;
        }
      }
      this.#input += chunk.length;
    } catch (error) {
      this.#fail(asLibraryError(error, this.#input));
    }
    return true;
  }

  /** Queues input behind the work waiting for its turn (`first`: the rest of the chunk being worked on). */
  #enqueue(chunk: Uint8Array, first: boolean): void {
    if (first) this.#queue.unshift(chunk);
    else this.#queue.push(chunk);
    this.#queuedBytes += chunk.length;
    this.#pacer?.queued(this.#queuedBytes);
  }

  /** Runs queued input after a pause, until it is done or the time runs out again. */
  #drain(): void {
    while (this.#queue.length > 0 && this.#phase !== Phase.Closed) {
      const chunk = this.#queue.shift()!;
      this.#queuedBytes -= chunk.length;
      if (!this.#feed(chunk)) return;
    }
    this.#pacer?.resume();
  }

  /** Consumes from `chunk[at]` within the current phase; returns the next position. */
  #consume(chunk: Uint8Array, at: number): number {
    switch (this.#phase) {
      case Phase.RdbByLength:
        return this.#rdbByLength(chunk, at);
      case Phase.RdbUntilMark:
        return this.#rdbUntilMark(chunk, at);
      case Phase.EofMark:
        return this.#eofMarkBytes(chunk, at);
      case Phase.Stream:
        return this.#streamBytes(chunk, at);
      default:
        return this.#lineBytes(chunk, at);
    }
  }

  /** Parses and applies the stream from `chunk[at]`: a slice at a time when paced, else all of it. */
  #streamBytes(chunk: Uint8Array, at: number): number {
    const pacer = this.#pacer;
    if (pacer === null) {
      this.#parser!.push(at === 0 ? chunk : chunk.subarray(at));
      return chunk.length;
    }
    const end = Math.min(chunk.length, at + pacer.slice);
    const start = performance.now();
    this.#parser!.push(at === 0 && end === chunk.length ? chunk : chunk.subarray(at, end));
    pacer.took(end - at, performance.now() - start);
    return end;
  }

  #lineBytes(chunk: Uint8Array, at: number): number {
    for (let i = at; i < chunk.length; i++) {
      const c = chunk[i];
      if (c !== 10) {
        if (this.#line.length >= MAX_LINE) throw new ProtocolError("reply line too long", this.#input + i);
        this.#line.push(c);
        continue;
      }
      const bytes = this.#line;
      this.#line = [];
      if (bytes.length > 0 && bytes[bytes.length - 1] === 13) bytes.pop();
      // A bare "\n" is the primary's keep-alive while it prepares the RDB.
      if (bytes.length === 0) continue;
      this.#onLine(String.fromCharCode(...bytes), this.#input + i);
      return i + 1;
    }
    return chunk.length;
  }

  #onLine(line: string, offset: number): void {
    switch (this.#phase) {
      case Phase.Pong:
        // A primary requiring auth may answer NOAUTH/NOPERM to PING: Redis's replica proceeds too.
        if (line[0] === "-" && !/^-(NOAUTH|NOPERM|ERR operation not permitted)/.test(line)) {
          throw new ProtocolError(`unexpected reply to PING: ${line}`, offset);
        }
        return this.#afterPong();
      case Phase.Auth:
        if (line[0] === "-") throw new AuthError(`authentication failed: ${line.slice(1)}`);
        return this.#sendPort();
      case Phase.Port: // errors are not critical: the primary just cannot list our port
        this.#phase = Phase.Capa;
        this.#send(["REPLCONF", "capa", "eof", "capa", "psync2"]);
        return;
      case Phase.Capa: {
        this.#phase = Phase.Psync;
        // Redis's replica asks for the byte after the last one it processed: offset + 1.
        const resume = this.#config.resume;
        this.#send(resume === undefined ? ["PSYNC", "?", "-1"] : ["PSYNC", resume.replId, String(resume.offset + 1)]);
        return;
      }
      case Phase.Psync:
        return this.#onPsyncReply(line, offset);
      case Phase.TransferHeader:
        return this.#onTransferHeader(line, offset);
    }
  }

  #afterPong(): void {
    const { username, password } = this.#config;
    if (password === undefined) return this.#sendPort();
    this.#phase = Phase.Auth;
    this.#send(username === undefined ? ["AUTH", password] : ["AUTH", username, password]);
  }

  #sendPort(): void {
    this.#phase = Phase.Port;
    this.#send(["REPLCONF", "listening-port", String(this.#config.announcePort)]);
  }

  #onPsyncReply(line: string, offset: number): void {
    const full = /^\+FULLRESYNC ([0-9a-fA-F]{40}) (\d+)$/.exec(line);
    if (full) {
      this.#replId = full[1];
      this.#startOffset = Number(full[2]);
      this.#phase = Phase.TransferHeader;
      this.#fullSync = true;
      this.#events.onFullResync?.(this.#replId, this.#startOffset);
      return;
    }
    const resume = this.#config.resume;
    const partial = /^\+CONTINUE(?: ([0-9a-fA-F]{40}))?$/.exec(line);
    if (partial && resume !== undefined) return this.#continue(resume, partial[1]);
    if (line.startsWith("-NOMASTERLINK") || line.startsWith("-LOADING")) {
      throw new ConnectionError(`primary not ready: ${line.slice(1)}`);
    }
    if (line.startsWith("-NOAUTH") || line.startsWith("-NOPERM")) throw new AuthError(line.slice(1));
    throw new ProtocolError(`unexpected reply to PSYNC: ${line}`, offset);
  }

  #onTransferHeader(line: string, offset: number): void {
    if (line.startsWith("$EOF:") && line.length === 5 + EOF_MARK_LENGTH) {
      this.#eofMark = new TextEncoder().encode(line.slice(5));
      this.#phase = Phase.RdbUntilMark;
    } else if (/^\$\d+$/.test(line)) {
      this.#rdbRemaining = Number(line.slice(1));
      this.#rdbTotal = this.#rdbRemaining;
      this.#phase = Phase.RdbByLength;
    } else {
      throw new ProtocolError(`unexpected RDB transfer header: ${line.slice(0, 60)}`, offset);
    }
    this.#store = this.#config.createStore();
    // Strings are written many per store call: finish() in #rdbLoaded writes the last ones.
    const loader = new StoreLoader(this.#store, { batchStrings: true, position: (): number => rdb.bytesConsumed });
    const rdb: RdbDecoder = new RdbDecoder(loader, {
      totalBytes: this.#phase === Phase.RdbByLength ? this.#rdbRemaining : undefined,
      crc: new WasmCrc64(),
    });
    this.#loader = loader;
    this.#rdb = rdb;
    this.#pacer = LoadPacer.for(this.#transport);
    if (this.#phase === Phase.RdbByLength && this.#rdbRemaining === 0) this.#rdbLoaded();
  }

  #rdbByLength(chunk: Uint8Array, at: number): number {
    const take = Math.min(this.#rdbRemaining, chunk.length - at, this.#pacer?.slice ?? Infinity);
    const part = chunk.subarray(at, at + take);
    const used = this.#pushRdb(part);
    if (used !== take) {
      throw new RdbError("CORRUPT", "the RDB ended before the transfer length", this.#rdb!.bytesConsumed);
    }
    this.#rdbRemaining -= take;
    this.#reportProgress();
    if (this.#rdbRemaining === 0) this.#rdbLoaded();
    return at + take;
  }

  #rdbUntilMark(chunk: Uint8Array, at: number): number {
    const end = Math.min(chunk.length, at + (this.#pacer?.slice ?? Infinity));
    const part = at === 0 && end === chunk.length ? chunk : chunk.subarray(at, end);
    const used = this.#pushRdb(part);
    this.#reportProgress();
    if (this.#rdb!.done) this.#phase = Phase.EofMark;
    return at + used;
  }

  #reportProgress(): void {
    const report = this.#events.onRdbProgress;
    if (report === undefined) return;
    const summary = this.#rdb!.summary;
    report({ bytes: summary.bytes, totalBytes: this.#rdbTotal, keys: summary.keys });
  }

  /** One push into the decoder, timed by the pacer when the load is paced. */
  #pushRdb(part: Uint8Array): number {
    if (this.#pacer === null) return this.#rdb!.push(part);
    const start = performance.now();
    const used = this.#rdb!.push(part);
    this.#loader!.flush();
    this.#pacer.took(part.length, performance.now() - start);
    return used;
  }

  #eofMarkBytes(chunk: Uint8Array, at: number): number {
    while (at < chunk.length && this.#markFilled < EOF_MARK_LENGTH) {
      if (chunk[at] !== this.#eofMark[this.#markFilled]) {
        throw new ProtocolError("the diskless transfer did not end with its EOF mark", this.#input + at);
      }
      this.#markFilled++;
      at++;
    }
    if (this.#markFilled === EOF_MARK_LENGTH) this.#rdbLoaded();
    return at;
  }

  /**
   * `+CONTINUE [<new replid>]`: the backlog follows at once, applied into the
   * resume point's store from its offset, in its database. Units that were
   * buffered (an open MULTI or `__vdr_tx`) when the previous link ended were
   * dropped with it; the primary sends them again, from the applied offset.
   */
  #continue(resume: ResumePoint, newReplId: string | undefined): void {
    this.#replId = newReplId ?? resume.replId;
    this.#startOffset = resume.offset;
    this.#store = resume.store;
    this.#startStream(resume.store, resume.db, false, null);
  }

  #rdbLoaded(): void {
    const rdb = this.#rdb!;
    rdb.finish();
    this.#loader!.finish();
    this.#loader = null;
    const store = this.#store!;
    const streamDb = Number(rdb.summary.aux["repl-stream-db"] ?? 0);
    // A snapshot taken inside a __vdr_tx transaction holds half of it: it goes live only once the rest arrived.
    this.#rdb = null;
    this.#pacer?.end();
    this.#pacer = null;
    this.#startStream(store, streamDb, holdsMarker(store), rdb.summary);
  }

  /** Applies the command stream to `store` from `#startOffset`; `rdb` is null for a partial resync. */
  #startStream(store: Store, streamDb: number, inTransaction: boolean, rdb: RdbSummary | null): void {
    const live = () => {
      this.#handedOver = true;
      this.#events.onLive(store, { replId: this.#replId, offset: this.#startOffset, partial: rdb === null, rdb });
    };
    let waitingForCommit = inTransaction;
    const events: ApplierEvents = {
      onGetAck: (offset) => this.#sendAck(offset),
      onDivergence: (error) => this.#events.onDivergence(error),
      // Nothing is reported of a store that is not live yet: it goes live with its own "live" event.
      onUnitApplied: (unit) => waitingForCommit || this.#events.onUnitApplied?.(unit),
      onTransaction: (open) => {
        this.#events.onTransaction?.(open);
        if (!open && waitingForCommit) {
          waitingForCommit = false;
          live();
        }
      },
    };
    const applier = new Applier(store, this.#startOffset, events, this.#config.now, {
      db: streamDb,
      inTransaction,
      maxTransactionCommands: this.#config.maxTransactionCommands,
      maxTransactionBytes: this.#config.maxTransactionBytes,
      counts: this.#config.counts,
    });
    this.#applier = applier;
    this.#parser = new RespCommandParser((args, size) => {
      try {
        applier.apply(args, size);
      } catch (error) {
        // Framing errors never reach here (the parser throws them before applying): this one hit the store.
        this.#storeSuspect = true;
        throw error;
      }
    }, this.#startOffset);
    this.#phase = Phase.Stream;
    // A backlog (after +CONTINUE, or while a big write burst streams in) is applied in paced slices too.
    this.#pacer = LoadPacer.for(this.#transport);
    // A diskless primary sends nothing until it hears this first ACK (harmless after +CONTINUE).
    this.#sendAck(this.#startOffset);
    this.#ackTimer = setInterval(() => {
      this.#sendAck(this.#applier?.processedOffset ?? this.offset);
      // Redis's cron finishes rehashing in idle time; without it a resize only advances on writes.
      store.rehash(IDLE_REHASH_BUCKETS);
    }, this.#config.ackIntervalMs);
    unrefTimer(this.#ackTimer);
    if (!inTransaction) live();
  }
}

/** True when some database of `store` holds the `__vdr_tx` marker. */
function holdsMarker(store: Store): boolean {
  for (let db = 0; db < store.databases; db++) if (store.find(db, TX_MARKER) !== 0) return true;
  return false;
}

function asLibraryError(error: unknown, offset: number): VeidrodelisError {
  if (error instanceof VeidrodelisError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new ProtocolError(`internal failure while processing input: ${message}`, offset);
}

/** Heartbeats must not keep a process alive on their own. */
function unrefTimer(timer: unknown): void {
  const t = timer as { unref?: () => void };
  if (typeof t?.unref === "function") t.unref();
  else if (typeof timer === "number") {
    (globalThis as { Deno?: { unrefTimer?: (id: number) => void } }).Deno?.unrefTimer?.(timer);
  }
}
