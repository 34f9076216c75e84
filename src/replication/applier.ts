/**
 * Applies the replicated command stream to a store, a complete unit at a
 * time: a command, a whole `MULTI … EXEC`, or everything between the
 * opening and the closing of a `__vdr_tx` transaction (see vdr_tx.ts). The
 * applied offset advances only past applied units; divergence is reported
 * when a command cannot be applied.
 *
 * @module
 */

import type { Store } from "../_wasm/store.ts";
import { arityAccepts, CommandError, lookupCommand, printableCommand } from "../commands/mod.ts";
import type { ApplyContext, CommandSpec } from "../commands/mod.ts";
import { DivergenceError, VeidrodelisError } from "../errors.ts";
import { markerEffect } from "./vdr_tx.ts";

/** One command as applied: the database it ran in, its declaration and its arguments as received. */
export interface AppliedCommand {
  db: number;
  spec: CommandSpec;
  args: readonly Uint8Array[];
}

/** What the applier reports to the replication link. */
export interface ApplierEvents {
  /** `REPLCONF GETACK`: answer now with this offset. */
  onGetAck(offset: number): void;
  /** A command could not be applied as the primary did (or a transaction outgrew its buffer). */
  onDivergence(error: DivergenceError): void;
  /** A complete unit was applied and is readable: its commands (SELECTs included), in order, each with its db. */
  onUnitApplied?(unit: readonly AppliedCommand[]): void;
  /** A `__vdr_tx` transaction opened (true) or was applied (false). */
  onTransaction?(open: boolean): void;
}

/** Options of an {@linkcode Applier}. */
export interface ApplierOptions {
  /** The database the stream has selected (a partial resync keeps it). Default 0. */
  db?: number;
  /** Start inside a `__vdr_tx` transaction (the snapshot holds the marker). Default false. */
  inTransaction?: boolean;
  /** Commands a `__vdr_tx` transaction may buffer before it counts as divergence (default 1,000,000). */
  maxTransactionCommands?: number;
  /** Bytes (as received) it may buffer (default 256 MiB). */
  maxTransactionBytes?: number;
  /** Counters to add the applied commands to (shared across links to count since the start). */
  counts?: CommandCounts;
}

/**
 * A `__vdr_tx` transaction that outgrew the buffer (`maxTransactionCommands`
 * / `maxTransactionBytes`): reported as divergence, so the mirror resyncs.
 *
 * @example
 * ```ts
 * import { DivergenceError, TransactionOverflowError } from "../../mod.ts";
 * const onDivergence = (error: DivergenceError) =>
 *   console.log(error instanceof TransactionOverflowError ? "raise maxTransactionCommands" : error.message);
 * onDivergence(new TransactionOverflowError("a __vdr_tx transaction outgrew its buffer", ["SET", "k", "v"], 0));
 * // mirror.on("divergence", onDivergence);
 * ```
 */
export class TransactionOverflowError extends DivergenceError {}

interface Pending {
  spec: CommandSpec;
  args: readonly Uint8Array[];
}

/**
 * Counters of what was applied, by command (kept per declaration: counting
 * by name string cost more than some commands take to apply).
 *
 * @example
 * ```ts ignore
 * const counts = new CommandCounts();
 * counts.add(lookupCommand(enc("SET"))!);
 * counts.toRecord(); // { set: 1 }
 * ```
 */
export class CommandCounts {
  readonly #bySpec = new Map<CommandSpec, number>();

  /** Counts one applied `spec`. */
  add(spec: CommandSpec): void {
    this.#bySpec.set(spec, (this.#bySpec.get(spec) ?? 0) + 1);
  }

  /** The counts by command name. */
  toRecord(): Record<string, number> {
    const record: Record<string, number> = {};
    for (const [spec, n] of this.#bySpec) record[spec.name] = n;
    return record;
  }
}

/**
 * Applies commands to one store, keeping the replication offset exact.
 *
 * @example
 * ```ts ignore
 * const applier = new Applier(store, 0, { onGetAck() {}, onDivergence() {} }, Date.now);
 * applier.apply([enc("SET"), enc("k"), enc("v")], 31);
 * ```
 */
export class Applier {
  readonly #events: ApplierEvents;
  readonly #ctx: ApplyContext;
  /** Offset after the last applied unit. */
  #offset: number;
  /** The open MULTI unit and the bytes it took so far. */
  #multi: Pending[] | null = null;
  #multiBytes = 0;
  /** The open `__vdr_tx` transaction: the units it buffered, and their bytes. */
  #tx: Pending[] | null = null;
  #txBytes = 0;
  readonly #maxTxCommands: number;
  readonly #maxTxBytes: number;
  readonly counts: CommandCounts;
  #applied = 0;

  constructor(store: Store, offset: number, events: ApplierEvents, now: () => number, options: ApplierOptions = {}) {
    this.#events = events;
    this.#offset = offset;
    this.#ctx = { store, db: options.db ?? 0, now };
    this.#maxTxCommands = options.maxTransactionCommands ?? 1_000_000;
    this.#maxTxBytes = options.maxTransactionBytes ?? 256 << 20;
    this.counts = options.counts ?? new CommandCounts();
    if (options.inTransaction) this.#tx = [];
  }

  /** Replication offset of the last applied unit. */
  get offset(): number {
    return this.#offset;
  }

  /** Offset of the last complete unit received, applied or waiting in a `__vdr_tx` transaction. */
  get processedOffset(): number {
    return this.#offset + this.#txBytes;
  }

  /** The database the stream has selected (applied or not yet). */
  get db(): number {
    return this.#ctx.db;
  }

  /** Commands applied so far. */
  get applied(): number {
    return this.#applied;
  }

  /** True while a MULTI unit is open. */
  get inUnit(): boolean {
    return this.#multi !== null;
  }

  /** True while a `__vdr_tx` transaction is open (its commands wait in the buffer). */
  get inTransaction(): boolean {
    return this.#tx !== null;
  }

  /** Handles one command of `size` bytes as received. */
  apply(args: readonly Uint8Array[], size: number): void {
    const spec = lookupCommand(args[0]);
    if (spec === undefined) return this.#reject("unknown command", args, size);
    if (!arityAccepts(spec, args.length)) {
      return this.#reject(`wrong number of arguments for '${spec.name}'`, args, size);
    }
    if (spec.name === "multi") return this.#openMulti(size);
    if (spec.name === "exec") return this.#exec(size);
    if (spec.name === "replconf") {
      // The answer excludes the GETACK's own bytes, as a Redis replica's does.
      if (args.length >= 2 && isGetAck(args[1])) this.#events.onGetAck(this.processedOffset);
      return this.#skip(size);
    }
    if (spec.kind === "noop") return this.#skip(size);
    if (this.#multi !== null) {
      this.#multi.push({ spec, args });
      this.#multiBytes += size;
      return;
    }
    if (this.#tx === null && markerEffect(spec, args) === null) return this.#applySingle(spec, args, size);
    this.#unitComplete([{ spec, args }], size);
  }

  /** The common case, a lone command outside any transaction: applied as a unit of one without buffering. */
  #applySingle(spec: CommandSpec, args: readonly Uint8Array[], size: number): void {
    this.#offset += size;
    const db = this.#ctx.db;
    if (this.#run(spec, args)) this.#events.onUnitApplied?.([{ db, spec, args }]);
  }

  #openMulti(size: number): void {
    this.#multi = [];
    this.#multiBytes = size;
  }

  #exec(size: number): void {
    const unit = this.#multi;
    if (unit === null) {
      this.#skip(size);
      return this.#diverge("EXEC without MULTI", []);
    }
    this.#multi = null;
    const bytes = this.#multiBytes + size;
    this.#multiBytes = 0;
    this.#unitComplete(unit, bytes);
  }

  /** A whole unit arrived: apply it, or buffer it in the open transaction (which it may open or close). */
  #unitComplete(unit: Pending[], bytes: number): void {
    const effect = lastMarkerEffect(unit);
    if (this.#tx !== null) {
      for (const pending of unit) this.#tx.push(pending);
      this.#txBytes += bytes;
      if (effect === "close") return this.#commit();
      return this.#checkTxSize(unit);
    }
    if (effect === "open") {
      this.#tx = unit.slice();
      this.#txBytes = bytes;
      this.#events.onTransaction?.(true);
      return;
    }
    this.#offset += bytes;
    this.#applyUnit(unit);
  }

  #commit(): void {
    const unit = this.#tx!;
    this.#offset += this.#txBytes;
    this.#tx = null;
    this.#txBytes = 0;
    this.#applyUnit(unit);
    this.#events.onTransaction?.(false);
  }

  #checkTxSize(unit: Pending[]): void {
    if (this.#tx!.length <= this.#maxTxCommands && this.#txBytes <= this.#maxTxBytes) return;
    const error = new TransactionOverflowError(
      `a __vdr_tx transaction outgrew its buffer (${this.#tx!.length} commands, ${this.#txBytes} bytes)`,
      printableCommand(unit[unit.length - 1].args),
      this.#offset,
    );
    this.#tx = [];
    this.#txBytes = 0; // keep buffering nothing more: the mirror resyncs on the divergence
    this.#events.onDivergence(error);
  }

  #applyUnit(unit: readonly Pending[]): void {
    const applied: AppliedCommand[] = [];
    for (const { spec, args } of unit) {
      const db = this.#ctx.db;
      if (this.#run(spec, args)) applied.push({ db, spec, args });
    }
    if (applied.length > 0) this.#events.onUnitApplied?.(applied);
  }

  /** A command that carries no data: its bytes count with the unit around it, if any. */
  #skip(size: number): void {
    if (this.#multi !== null) this.#multiBytes += size;
    else if (this.#tx !== null) this.#txBytes += size;
    else this.#offset += size;
  }

  #reject(reason: string, args: readonly Uint8Array[], size: number): void {
    this.#skip(size);
    this.#diverge(reason, args);
  }

  /** Applies one command (SELECT included); false when it diverged. */
  #run(spec: CommandSpec, args: readonly Uint8Array[]): boolean {
    try {
      spec.apply(this.#ctx, args);
      this.#applied++;
      this.counts.add(spec);
      return true;
    } catch (error) {
      if (error instanceof CommandError || (error instanceof VeidrodelisError && error.code !== "STORE_FULL")) {
        this.#diverge(error.message, args);
        return false;
      }
      throw error;
    }
  }

  #diverge(reason: string, args: readonly Uint8Array[]): void {
    this.#events.onDivergence(new DivergenceError(reason, printableCommand(args), this.#offset));
  }
}

/** The last marker effect inside a unit (an open then close in one unit cancel out: null). */
function lastMarkerEffect(unit: readonly Pending[]): "open" | "close" | null {
  let effect: "open" | "close" | null = null;
  for (const { spec, args } of unit) {
    const e = markerEffect(spec, args);
    if (e !== null) effect = e;
  }
  return effect;
}

function isGetAck(arg: Uint8Array): boolean {
  return arg.length === 6 && (arg[0] | 0x20) === 0x67 && (arg[3] | 0x20) === 0x61 && (arg[5] | 0x20) === 0x6b;
}
