/**
 * THE table of write commands: every command the mirror understands, found by
 * name. Dispatch, divergence reporting, watches and the docs all read it.
 *
 * @module
 */

import { word } from "./args.ts";
import { bitmapCommands } from "./bitmaps.ts";
import { geoCommands } from "./geo.ts";
import { hashCommands } from "./hashes.ts";
import { hyperloglogCommands } from "./hyperloglog.ts";
import { keyspaceCommands } from "./keyspace.ts";
import { listCommands } from "./lists.ts";
import { placeholderCommands } from "./placeholders.ts";
import { restoreCommands } from "./restore.ts";
import { setCommands } from "./sets.ts";
import type { CommandSpec } from "./spec.ts";
import { storeCommands } from "./stores.ts";
import { streamControlCommands } from "./stream_control.ts";
import { stringCommands } from "./strings.ts";
import { zsetCommands } from "./zsets.ts";

/** Every declared command, in declaration order. */
export const commandList: readonly CommandSpec[] = [
  ...stringCommands,
  ...bitmapCommands,
  ...hyperloglogCommands,
  ...listCommands,
  ...setCommands,
  ...zsetCommands,
  ...geoCommands,
  ...hashCommands,
  ...storeCommands,
  ...keyspaceCommands,
  ...restoreCommands,
  ...placeholderCommands,
  ...streamControlCommands,
];

const byName = new Map<string, CommandSpec>(commandList.map((spec) => [spec.name, spec]));
if (byName.size !== commandList.length) throw new Error("a write command is declared twice");

/** Longest command name; anything longer cannot be a known command. */
const longestName = Math.max(...commandList.map((spec) => spec.name.length));

/**
 * Finds a command by its name as received (any case).
 *
 * @example
 * ```ts
 * import { lookupCommand } from "./table.ts";
 * lookupCommand(new TextEncoder().encode("SET"))?.name; // "set"
 * ```
 */
export function lookupCommand(name: Uint8Array): CommandSpec | undefined {
  return name.length > longestName ? undefined : byName.get(word(name));
}

/** True when `argc` (name included) satisfies the declared arity. */
export function arityAccepts(spec: CommandSpec, argc: number): boolean {
  return spec.arity >= 0 ? argc === spec.arity : argc >= -spec.arity;
}
