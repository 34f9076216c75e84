/**
 * Set write commands, with Redis `t_set.c` semantics: SADD, SREM, SMOVE and
 * the deterministic forms of SPOP.
 *
 * A Redis 3.2+ or Valkey primary never propagates SPOP as such: it sends the
 * members it picked as `SREM` (and a whole-set pop as `DEL`/`UNLINK`). A
 * verbatim SPOP can only come from an older primary; it is applied when its
 * outcome does not depend on the primary's random choice (absent key, count
 * 0, popping at least the whole set) and reported as divergence otherwise.
 * SINTERSTORE, SUNIONSTORE, SDIFFSTORE live with the other `*STORE` commands.
 *
 * @module
 */

import { ValueType } from "../_wasm/store.ts";
import { WrongTypeError } from "../errors.ts";
import { CommandError, printable } from "./args.ts";
import { type ApplyContext, command, type CommandSpec, FIRST_KEY, TWO_KEYS } from "./spec.ts";

/**
 * SPOP's count as Redis's `getPositiveLongFromObjectOrReply` reads it: a
 * strict integer in 0..LONG_MAX. Counts beyond JavaScript's safe integers are
 * clamped (any of them pops the whole set).
 */
function popCount(arg: Uint8Array): number {
  let text = "";
  for (let i = 0; i < arg.length && i < 21; i++) text += String.fromCharCode(arg[i]);
  if (arg.length > 20 || !/^(?:0|-?[1-9][0-9]*)$/.test(text) || BigInt(text) > 0x7fffffffffffffffn) {
    throw new CommandError(`value is not an integer or out of range: ${printable(arg)}`);
  }
  if (text.startsWith("-")) throw new CommandError("value is out of range, must be positive");
  return Math.min(Number(text), Number.MAX_SAFE_INTEGER);
}

/**
 * Applies a verbatim SPOP when the result does not depend on which members
 * the primary picked at random; otherwise reports it as not replayable.
 */
function applySpop(ctx: ApplyContext, args: readonly Uint8Array[]): void {
  if (args.length > 3) throw new CommandError("syntax error");
  const count = args.length === 3 ? popCount(args[2]) : 1;
  const store = ctx.store;
  const type = store.find(ctx.db, args[1]);
  if (type === ValueType.none) return;
  if (type !== ValueType.set) throw new WrongTypeError("set", store.foundTypeName());
  if (count === 0) return;
  if (count >= store.foundSetCard()) {
    store.del(ctx.db, args[1]);
    return;
  }
  throw new CommandError(
    "SPOP removes members chosen at random: a primary that propagates SPOP verbatim (before Redis 3.2) " +
      "cannot be replayed deterministically (Redis 3.2+ and Valkey send the popped members as SREM)",
  );
}

/** Every set write command, declared once. */
export const setCommands: readonly CommandSpec[] = [
  command({
    name: "sadd",
    arity: -3,
    group: "set",
    kind: "write",
    keys: FIRST_KEY,
    summary: "add members (creates the set)",
    apply(ctx, args) {
      ctx.store.setAddMany(ctx.db, args[1], args, 2);
    },
  }),
  command({
    name: "srem",
    arity: -3,
    group: "set",
    kind: "write",
    keys: FIRST_KEY,
    summary: "remove members (an emptied set is deleted); also what primaries send for SPOP",
    apply(ctx, args) {
      ctx.store.setRemoveMany(ctx.db, args[1], args, 2);
    },
  }),
  command({
    name: "smove",
    arity: 4,
    group: "set",
    kind: "write",
    keys: TWO_KEYS,
    summary: "move a member between sets",
    apply(ctx, args) {
      ctx.store.setMove(ctx.db, args[1], args[2], args[3]);
    },
  }),
  command({
    name: "spop",
    arity: -2,
    group: "set",
    kind: "write",
    keys: FIRST_KEY,
    summary: "verbatim SPOP (pre-3.2 primaries) only when not random: absent key, count 0, whole set",
    partial: "only the forms whose result does not depend on the primary's random choice (7.0+ primaries send SREM)",
    apply: applySpop,
  }),
];
