/**
 * THE table of write commands: every command the mirror understands, found by
 * name. Dispatch, divergence reporting, watches and the docs all read it.
 *
 * @module
 */

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

/** Longest command name; anything longer cannot be a known command. */
const longestName = Math.max(...commandList.map((spec) => spec.name.length));

/*
 * Every replicated command is looked up by its name bytes, so the lookup
 * hashes them case-insensitively into an open-addressed table of the
 * declared names instead of building a lower-case string per command.
 */
const SLOTS = 1 << Math.ceil(Math.log2(commandList.length * 4));
const slotSpecs: (CommandSpec | undefined)[] = new Array(SLOTS).fill(undefined);
const slotNames: Uint8Array[] = new Array(SLOTS).fill(new Uint8Array(0));
for (const spec of commandList) {
  const name = new TextEncoder().encode(spec.name);
  let slot = nameHash(name) & (SLOTS - 1);
  while (slotSpecs[slot] !== undefined) {
    if (sameName(name, slotNames[slot])) throw new Error(`write command ${spec.name} is declared twice`);
    slot = (slot + 1) & (SLOTS - 1);
  }
  slotSpecs[slot] = spec;
  slotNames[slot] = name;
}

/** A hash of the name with ASCII letters folded to lower case. */
function nameHash(name: Uint8Array): number {
  let h = name.length;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ (name[i] | 0x20), 0x9e3779b1);
  return (h ^ (h >>> 15)) >>> 0;
}

/** True when `received` equals the lower-case `declared` name, ignoring the case of ASCII letters. */
function sameName(received: Uint8Array, declared: Uint8Array): boolean {
  if (received.length !== declared.length) return false;
  for (let i = 0; i < received.length; i++) {
    const c = received[i];
    if ((c >= 65 && c <= 90 ? c | 0x20 : c) !== declared[i]) return false;
  }
  return true;
}

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
  if (name.length > longestName) return undefined;
  for (let slot = nameHash(name) & (SLOTS - 1);; slot = (slot + 1) & (SLOTS - 1)) {
    const spec = slotSpecs[slot];
    if (spec === undefined || sameName(name, slotNames[slot])) return spec;
  }
}

/** True when `argc` (name included) satisfies the declared arity. */
export function arityAccepts(spec: CommandSpec, argc: number): boolean {
  return spec.arity >= 0 ? argc === spec.arity : argc >= -spec.arity;
}
