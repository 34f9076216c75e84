/**
 * Applies the replicated command stream to a store: database selection,
 * `MULTI … EXEC` units applied as a whole, offsets that advance only past
 * complete units, and divergence when a command cannot be applied.
 *
 * @module
 */

import type { Store } from "../_wasm/store.ts";
import { arityAccepts, CommandError, lookupCommand, printableCommand } from "../commands/mod.ts";
import type { ApplyContext, CommandSpec } from "../commands/mod.ts";
import { DivergenceError, VeidrodelisError } from "../errors.ts";

/** What the applier reports to the replication link. */
export interface ApplierEvents {
  /** `REPLCONF GETACK`: answer now with this offset. */
  onGetAck(offset: number): void;
  /** A command could not be applied as the primary did. */
  onDivergence(error: DivergenceError): void;
  /** A complete unit (a command, or a whole MULTI/EXEC) was applied. */
  onUnitApplied?(commands: readonly (readonly Uint8Array[])[], db: number): void;
}

interface Pending {
  args: readonly Uint8Array[];
  spec: CommandSpec;
}

/** Counters of what was applied, by command name. */
export type CommandCounts = Record<string, number>;

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
  readonly #store: Store;
  readonly #events: ApplierEvents;
  readonly #ctx: ApplyContext;
  /** Offset after the last complete unit. */
  #offset: number;
  /** Bytes of a unit still open (inside MULTI). */
  #pendingBytes = 0;
  #unit: Pending[] | null = null;
  #unitDb = 0;
  readonly counts: CommandCounts = {};
  #applied = 0;

  constructor(store: Store, offset: number, events: ApplierEvents, now: () => number, db = 0) {
    this.#store = store;
    this.#events = events;
    this.#offset = offset;
    this.#ctx = { store, db, now };
  }

  /** Replication offset of the last complete unit. */
  get offset(): number {
    return this.#offset;
  }

  /** The database the stream has selected (survives a partial resync). */
  get db(): number {
    return this.#ctx.db;
  }

  /** Commands applied so far. */
  get applied(): number {
    return this.#applied;
  }

  /** True while a MULTI unit is open. */
  get inUnit(): boolean {
    return this.#unit !== null;
  }

  /** Handles one command of `size` bytes as received. */
  apply(args: readonly Uint8Array[], size: number): void {
    const spec = lookupCommand(args[0]);
    if (spec === undefined) {
      this.#advance(size);
      return this.#diverge("unknown command", args);
    }
    if (!arityAccepts(spec, args.length)) {
      this.#advance(size);
      return this.#diverge(`wrong number of arguments for '${spec.name}'`, args);
    }
    if (spec.kind === "control") return this.#control(spec, args, size);
    if (this.#unit !== null) {
      this.#pendingBytes += size;
      this.#unit.push({ args, spec });
      return;
    }
    this.#offset += size;
    if (spec.kind === "write") {
      this.#run(spec, args);
      this.#events.onUnitApplied?.([args], this.#ctx.db);
    }
  }

  #control(spec: CommandSpec, args: readonly Uint8Array[], size: number): void {
    switch (spec.name) {
      case "multi":
        this.#unit = [];
        this.#unitDb = this.#ctx.db;
        this.#pendingBytes = size;
        return;
      case "exec":
        return this.#commitUnit(size);
      case "replconf":
        // The answer excludes the GETACK's own bytes, as a Redis replica's does.
        if (args.length >= 2 && isGetAck(args[1])) this.#events.onGetAck(this.#offset);
        this.#advance(size);
        return;
      default: // select
        if (this.#unit !== null) {
          this.#pendingBytes += size;
          this.#unit.push({ args, spec });
          return;
        }
        this.#offset += size;
        this.#run(spec, args);
    }
  }

  #commitUnit(size: number): void {
    const unit = this.#unit;
    if (unit === null) {
      this.#offset += size;
      return this.#diverge("EXEC without MULTI", []);
    }
    this.#unit = null;
    this.#offset += this.#pendingBytes + size;
    this.#pendingBytes = 0;
    for (const { spec, args } of unit) {
      if (spec.kind !== "noop") this.#run(spec, args);
    }
    this.#events.onUnitApplied?.(unit.map((p) => p.args), this.#unitDb);
  }

  #advance(size: number): void {
    if (this.#unit !== null) this.#pendingBytes += size;
    else this.#offset += size;
  }

  #run(spec: CommandSpec, args: readonly Uint8Array[]): void {
    try {
      spec.apply(this.#ctx, args);
      this.#applied++;
      this.counts[spec.name] = (this.counts[spec.name] ?? 0) + 1;
    } catch (error) {
      if (error instanceof CommandError || (error instanceof VeidrodelisError && error.code !== "STORE_FULL")) {
        return this.#diverge(error.message, args);
      }
      throw error;
    }
  }

  #diverge(reason: string, args: readonly Uint8Array[]): void {
    this.#events.onDivergence(new DivergenceError(reason, printableCommand(args), this.#offset));
  }
}

function isGetAck(arg: Uint8Array): boolean {
  return arg.length === 6 && (arg[0] | 0x20) === 0x67 && (arg[3] | 0x20) === 0x61 && (arg[5] | 0x20) === 0x6b;
}
