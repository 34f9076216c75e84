/**
 * Commands on types the mirror keeps only as placeholders (type and TTL):
 * streams. They create or touch the key so that TYPE, EXISTS, DEL, RENAME and
 * expiry stay right; the stream's content is not projected.
 *
 * @module
 */

import { ValueType } from "../_wasm/store.ts";
import { CommandError, word } from "./args.ts";
import { type ApplyContext, command, type CommandSpec, FIRST_KEY, type KeyPositions } from "./spec.ts";

const STREAM = new TextEncoder().encode("stream");

/** Creates the stream placeholder when absent; fails on a key of another type. */
function touchStream(ctx: ApplyContext, key: Uint8Array, create: boolean): void {
  const type = ctx.store.find(ctx.db, key);
  if (type === ValueType.none) {
    if (create) ctx.store.setPlaceholder(ctx.db, key, STREAM, -1);
    return;
  }
  if (type !== ValueType.other || ctx.store.foundTypeName() !== "stream") {
    throw new CommandError(`stream command on a key holding ${ctx.store.foundTypeName()}`);
  }
}

function streamCommand(
  name: string,
  arity: number,
  creates: (args: readonly Uint8Array[]) => boolean,
  keys: KeyPositions = FIRST_KEY,
): CommandSpec {
  return command({
    name,
    arity,
    group: "stream",
    kind: "write",
    keys,
    summary: "stream kept as a placeholder (type and TTL)",
    apply(ctx, args) {
      touchStream(ctx, args[keys.first], creates(args));
    },
  });
}

/** XADD creates the stream unless NOMKSTREAM; XGROUP CREATE … MKSTREAM creates it too. */
const xaddCreates = (args: readonly Uint8Array[]) => !args.slice(2).some((a) => word(a) === "nomkstream");
const xgroupCreates = (args: readonly Uint8Array[]) => args.slice(3).some((a) => word(a) === "mkstream");
const never = () => false;

/** Stream write commands, declared once. */
export const placeholderCommands: readonly CommandSpec[] = [
  streamCommand("xadd", -5, xaddCreates),
  streamCommand("xgroup", -3, xgroupCreates, { first: 2, last: 2, step: 1 }),
  streamCommand("xdel", -3, never),
  streamCommand("xtrim", -4, never),
  streamCommand("xsetid", -3, never),
  streamCommand("xack", -4, never),
  streamCommand("xclaim", -6, never),
  streamCommand("xautoclaim", -6, never),
];
