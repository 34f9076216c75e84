/**
 * From applied commands to watch events: the keys each command wrote (its
 * declared key positions), and the flushes.
 *
 * @module
 */

import type { CommandSpec, KeyPositions } from "../commands/mod.ts";
import type { WatchRegistry } from "./registry.ts";

/** A command as applied (see the applier). */
export interface AppliedWrite {
  db: number;
  spec: CommandSpec;
  args: readonly Uint8Array[];
}

/**
 * Reports a unit of applied commands to the watches, after the whole unit
 * is applied (so every callback reads the unit's final state).
 *
 * @example
 * ```ts ignore
 * dispatchUnit(watches, [{ db: 0, spec: lookupCommand(enc("SET"))!, args: [enc("SET"), enc("k"), enc("v")] }]);
 * ```
 */
export function dispatchUnit(watches: WatchRegistry, unit: readonly AppliedWrite[]): void {
  if (watches.empty) return;
  for (const { db, spec, args } of unit) {
    switch (spec.name) {
      case "flushall":
        watches.flushed(null, args);
        continue;
      case "flushdb":
        watches.flushed(db, args);
        continue;
      case "swapdb":
        watches.flushed(integerOf(args[1]), args);
        watches.flushed(integerOf(args[2]), args);
        continue;
    }
    const keys = spec.keys;
    if (keys === undefined) continue;
    if (typeof keys === "function") {
      for (const i of keys(args)) if (i < args.length) watches.keyWritten(db, args[i], args);
    } else {
      forEachKeyIndex(keys, args.length, (i) => watches.keyWritten(db, args[i], args));
    }
  }
}

/** Calls `fn` with each key index of a first/last/step declaration (`last` < 0 counts from the end). */
function forEachKeyIndex(keys: KeyPositions, argc: number, fn: (index: number) => void): void {
  const last = keys.last < 0 ? argc + keys.last : keys.last;
  for (let i = keys.first; i <= last && i < argc; i += keys.step) fn(i);
}

function integerOf(bytes: Uint8Array | undefined): number {
  return bytes === undefined ? -1 : Number(new TextDecoder().decode(bytes));
}
