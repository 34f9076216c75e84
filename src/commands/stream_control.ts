/**
 * Commands that travel in the replication stream without changing data, and
 * the ones the replication layer interprets itself (`SELECT`, `MULTI`, …).
 *
 * @module
 */

import { databaseIndex } from "./args.ts";
import { command, type CommandSpec, numkeysKeys, unsupported } from "./spec.ts";

function noop(name: string, arity: number, summary: string): CommandSpec {
  return command({ name, arity, group: "server", kind: "noop", summary, apply() {} });
}

/** Control and no-op commands, declared once. */
export const streamControlCommands: readonly CommandSpec[] = [
  command({
    name: "select",
    arity: 2,
    group: "server",
    kind: "control",
    summary: "switches the database of the following commands",
    apply(ctx, args) {
      const db = databaseIndex(args[1]);
      ctx.store.ensureDb(db);
      ctx.db = db;
    },
  }),
  command({
    name: "multi",
    arity: 1,
    group: "server",
    kind: "control",
    summary: "opens a unit applied as a whole at EXEC",
    apply() {},
  }),
  command({
    name: "exec",
    arity: 1,
    group: "server",
    kind: "control",
    summary: "closes a unit",
    apply() {},
  }),
  command({
    name: "replconf",
    arity: -2,
    group: "server",
    kind: "control",
    summary: "GETACK is answered at once",
    apply() {},
  }),
  noop("ping", -1, "the primary's heartbeat"),
  noop("publish", 3, "Pub/Sub, not data"),
  noop("spublish", 3, "Pub/Sub, not data"),
  noop("function", -2, "function libraries are not projected"),
  noop("script", -2, "scripts are not projected"),
  verbatimScript("eval"),
  verbatimScript("evalsha"),
  verbatimScript("fcall"),
];

/** Scripts arrive verbatim only from primaries older than 5.0 (script replication); 7.0+ send their effects. */
function verbatimScript(name: string): CommandSpec {
  const reason = "only pre-5.0 primaries replicate scripts verbatim; running their writes is not supported";
  return { ...unsupported(name, -3, "server", reason), keys: numkeysKeys(2) };
}
