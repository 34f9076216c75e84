/**
 * The `__vdr_tx` convention: a writer sets the key `__vdr_tx` (with a TTL),
 * makes its writes, and deletes the key; the mirror buffers everything in
 * between and applies it at the deletion, so readers never see half of it.
 * This module only recognises the marker's opening and closing commands.
 *
 * @module
 */

import type { CommandSpec } from "../commands/mod.ts";

/** The marker key. */
export const TX_MARKER: Uint8Array = new TextEncoder().encode("__vdr_tx");

/** Commands that write the marker (open a transaction), with the marker as their first argument. */
const OPENERS = new Set(["set", "setex", "psetex", "setnx", "getset"]);
/** Commands that delete it (close one): any argument may be the marker. */
const CLOSERS = new Set(["del", "unlink", "getdel"]);

/** True when `args[1..]` of a closer, or `args[1]` of an opener, is the marker. */
export function isMarker(arg: Uint8Array | undefined): boolean {
  if (arg === undefined || arg.length !== TX_MARKER.length) return false;
  for (let i = 0; i < arg.length; i++) if (arg[i] !== TX_MARKER[i]) return false;
  return true;
}

/**
 * What a command does to the marker: "open" (writes it), "close" (deletes
 * it: DEL/UNLINK/GETDEL naming it, or a FLUSHALL, which deletes it on the
 * primary too), or null.
 *
 * @example
 * ```ts
 * import { markerEffect } from "./vdr_tx.ts";
 * const enc = (s: string) => new TextEncoder().encode(s);
 * markerEffect({ name: "del" } as never, [enc("DEL"), enc("__vdr_tx")]); // "close"
 * ```
 */
export function markerEffect(spec: CommandSpec, args: readonly Uint8Array[]): "open" | "close" | null {
  const name = spec.name;
  if (OPENERS.has(name)) return isMarker(args[1]) ? "open" : null;
  if (CLOSERS.has(name)) {
    for (let i = 1; i < args.length; i++) if (isMarker(args[i])) return "close";
    return null;
  }
  return name === "flushall" ? "close" : null;
}
