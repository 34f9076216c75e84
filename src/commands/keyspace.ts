/**
 * Keyspace write commands: deletion, expiry, renames, copies and whole-database
 * operations, for keys of every type (placeholders included).
 *
 * @module
 */

import { ValueType } from "../_wasm/store.ts";
import { CommandError, databaseIndex, integer, word } from "./args.ts";
import { sameBytes } from "./strings.ts";
import { ALL_KEYS, type ApplyContext, command, type CommandSpec, FIRST_KEY, TWO_KEYS } from "./spec.ts";

/** The conditions of `PEXPIREAT` and friends (Redis 7.0+); XX may combine with GT or LT. */
interface ExpireCondition {
  nx: boolean;
  xx: boolean;
  gt: boolean;
  lt: boolean;
}

function expireCondition(args: readonly Uint8Array[], from: number): ExpireCondition {
  const c: ExpireCondition = { nx: false, xx: false, gt: false, lt: false };
  for (let i = from; i < args.length; i++) {
    const option = word(args[i]);
    if (option !== "nx" && option !== "xx" && option !== "gt" && option !== "lt") {
      throw new CommandError(`unsupported option ${option}`);
    }
    c[option] = true;
  }
  if ((c.nx && (c.xx || c.gt || c.lt)) || (c.gt && c.lt)) {
    throw new CommandError("NX and XX, GT or LT options at the same time are not compatible");
  }
  return c;
}

/**
 * Sets an absolute expiry under a condition, as Redis's `expireGenericCommand`
 * does on a replica: a time in the past is stored, not acted on (the primary
 * sends the deletion). No TTL counts as an infinite one for GT/LT.
 */
function expireAt(ctx: ApplyContext, key: Uint8Array, at: number, c: ExpireCondition): void {
  const store = ctx.store;
  if (store.find(ctx.db, key) === 0) return;
  const current = store.foundExpireAt;
  const hasTtl = current !== -1;
  if (c.nx && hasTtl) return;
  if (c.xx && !hasTtl) return;
  if (c.gt && (!hasTtl || at <= current)) return;
  if (c.lt && hasTtl && at >= current) return;
  store.setExpire(ctx.db, key, at);
}

/** Whether the key holds a string equal to `value` (absent: false; another type: the primary refused). */
function stringEquals(ctx: ApplyContext, key: Uint8Array, value: Uint8Array): boolean {
  const type = ctx.store.find(ctx.db, key);
  if (type === 0) return false;
  if (type !== ValueType.string) {
    throw new CommandError("WRONGTYPE Operation against a key holding the wrong kind of value");
  }
  return sameBytes(ctx.store.foundBytes(), value);
}

function expireCommand(name: string, toAbsoluteMs: (ctx: ApplyContext, n: number) => number, summary: string) {
  return command({
    name,
    arity: -3,
    group: "keyspace",
    kind: "write",
    keys: FIRST_KEY,
    summary,
    apply(ctx, args) {
      const at = toAbsoluteMs(ctx, integer(args[2], "expire time"));
      if (!Number.isSafeInteger(at)) throw new CommandError("invalid expire time");
      expireAt(ctx, args[1], at, expireCondition(args, 3));
    },
  });
}

function flushMode(args: readonly Uint8Array[]): void {
  if (args.length > 2) throw new CommandError("syntax error");
  if (args.length === 2) {
    const mode = word(args[1]);
    if (mode !== "async" && mode !== "sync") throw new CommandError("syntax error");
  }
}

/** Every keyspace write command, declared once. */
export const keyspaceCommands: readonly CommandSpec[] = [
  command({
    name: "del",
    arity: -2,
    group: "keyspace",
    kind: "write",
    keys: ALL_KEYS,
    summary: "delete keys of any type",
    apply(ctx, args) {
      for (let i = 1; i < args.length; i++) ctx.store.del(ctx.db, args[i]);
    },
  }),
  command({
    name: "unlink",
    arity: -2,
    group: "keyspace",
    kind: "write",
    keys: ALL_KEYS,
    summary: "as DEL (Valkey's expiry form)",
    apply(ctx, args) {
      for (let i = 1; i < args.length; i++) ctx.store.del(ctx.db, args[i]);
    },
  }),
  command({
    name: "getdel",
    arity: 2,
    group: "string",
    kind: "write",
    keys: FIRST_KEY,
    summary: "as DEL",
    apply(ctx, args) {
      ctx.store.del(ctx.db, args[1]);
    },
  }),
  command({
    name: "delifeq",
    arity: 3,
    group: "string",
    kind: "write",
    keys: FIRST_KEY,
    summary: "delete when the string equals a value (Valkey 9; primaries send DEL)",
    apply(ctx, args) {
      if (stringEquals(ctx, args[1], args[2])) ctx.store.del(ctx.db, args[1]);
    },
  }),
  command({
    name: "delex",
    arity: -2,
    group: "string",
    kind: "write",
    keys: FIRST_KEY,
    summary: "conditional delete, IFEQ/IFNE (Redis 8.4; primaries send DEL)",
    partial: "not IFDEQ/IFDNE (XXH3 digests)",
    apply(ctx, args) {
      if (args.length === 2) return void ctx.store.del(ctx.db, args[1]);
      const option = word(args[2]);
      if (args.length !== 4) throw new CommandError("syntax error");
      if (option === "ifdeq" || option === "ifdne") {
        throw new CommandError(
          `DELEX ${option.toUpperCase()} compares an XXH3 digest, which the mirror does not compute`,
        );
      }
      if (option !== "ifeq" && option !== "ifne") throw new CommandError("syntax error");
      if (ctx.store.find(ctx.db, args[1]) === 0) return;
      if (stringEquals(ctx, args[1], args[3]) === (option === "ifeq")) ctx.store.del(ctx.db, args[1]);
    },
  }),
  expireCommand("pexpireat", (_ctx, ms) => ms, "absolute ms TTL, NX/XX/GT/LT (what 7.0+ primaries send)"),
  expireCommand("expireat", (_ctx, s) => s * 1000, "absolute s TTL (older primaries)"),
  expireCommand("pexpire", (ctx, ms) => ctx.now() + ms, "relative ms TTL (older primaries)"),
  expireCommand("expire", (ctx, s) => ctx.now() + s * 1000, "relative s TTL (older primaries)"),
  command({
    name: "persist",
    arity: 2,
    group: "keyspace",
    kind: "write",
    keys: FIRST_KEY,
    summary: "drop a TTL",
    apply(ctx, args) {
      ctx.store.persist(ctx.db, args[1]);
    },
  }),
  command({
    name: "rename",
    arity: 3,
    group: "keyspace",
    kind: "write",
    keys: TWO_KEYS,
    summary: "TTL moves with the key",
    apply(ctx, args) {
      if (ctx.store.rename(ctx.db, args[1], args[2], false) < 0) throw new CommandError("no such key");
    },
  }),
  command({
    name: "renamenx",
    arity: 3,
    group: "keyspace",
    kind: "write",
    keys: TWO_KEYS,
    summary: "rename when the target is absent",
    apply(ctx, args) {
      if (ctx.store.rename(ctx.db, args[1], args[2], true) < 0) throw new CommandError("no such key");
    },
  }),
  command({
    name: "copy",
    arity: -3,
    group: "keyspace",
    kind: "write",
    keys: TWO_KEYS,
    summary: "DB and REPLACE options, TTL copied",
    apply(ctx, args) {
      let targetDb = ctx.db;
      let replace = false;
      for (let i = 3; i < args.length; i++) {
        const option = word(args[i]);
        if (option === "replace") replace = true;
        else if (option === "db" && i + 1 < args.length) targetDb = databaseIndex(args[++i]);
        else throw new CommandError("syntax error");
      }
      ctx.store.ensureDb(targetDb);
      ctx.store.copy(ctx.db, args[1], targetDb, args[2], replace);
    },
  }),
  command({
    name: "move",
    arity: 3,
    group: "keyspace",
    kind: "write",
    keys: FIRST_KEY,
    summary: "to another database",
    apply(ctx, args) {
      const targetDb = databaseIndex(args[2]);
      if (targetDb === ctx.db) throw new CommandError("source and destination objects are the same");
      ctx.store.ensureDb(targetDb);
      ctx.store.move(ctx.db, args[1], targetDb);
    },
  }),
  command({
    name: "flushdb",
    arity: -1,
    group: "server",
    kind: "write",
    summary: "ASYNC/SYNC alike",
    apply(ctx, args) {
      flushMode(args);
      ctx.store.flushDb(ctx.db);
    },
  }),
  command({
    name: "flushall",
    arity: -1,
    group: "server",
    kind: "write",
    summary: "every database",
    apply(ctx, args) {
      flushMode(args);
      ctx.store.flushAll();
    },
  }),
  command({
    name: "swapdb",
    arity: 3,
    group: "server",
    kind: "write",
    summary: "exchange two databases",
    apply(ctx, args) {
      const a = databaseIndex(args[1]);
      const b = databaseIndex(args[2]);
      ctx.store.ensureDb(Math.max(a, b));
      ctx.store.swapDb(a, b);
    },
  }),
];
