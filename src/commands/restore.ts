/**
 * RESTORE: a key created from a DUMP payload (one RDB-encoded value).
 *
 * Redis 7.0+ and Valkey propagate `RESTORE key <abs-ms> payload … ABSTTL`
 * (relative TTLs rewritten); the client's form with a relative TTL, which
 * older primaries pass on, is understood too. The payload is decoded by the RDB decoder and written by the same
 * sink that loads snapshots, so every encoding a snapshot may hold is
 * accepted here, and streams / module values become placeholders with their
 * type name as on load.
 *
 * @module
 */

import { RdbError } from "../errors.ts";
import { decodeDumpPayload } from "../rdb/dump.ts";
import type { RdbSink } from "../rdb/mod.ts";
import { StoreLoader } from "../replication/store_loader.ts";
import { CommandError, integer, word } from "./args.ts";
import { type ApplyContext, command, type CommandSpec, FIRST_KEY } from "./spec.ts";

/** The options of RESTORE after `key ttl payload`. */
interface RestoreOptions {
  replace: boolean;
  absTtl: boolean;
}

/**
 * Parses `[REPLACE] [ABSTTL] [IDLETIME s] [FREQ f]` as Redis's
 * `restoreCommand` does: IDLETIME and FREQ exclude each other (the second
 * one is a syntax error); they only feed eviction, which a mirror has none of.
 */
function parseOptions(args: readonly Uint8Array[]): RestoreOptions {
  const options: RestoreOptions = { replace: false, absTtl: false };
  let idle = false;
  let freq = false;
  for (let i = 4; i < args.length; i++) {
    const option = word(args[i]);
    const more = args.length - i - 1;
    if (option === "replace") options.replace = true;
    else if (option === "absttl") options.absTtl = true;
    else if (option === "idletime" && more >= 1 && !freq) {
      checkIdleTime(args[++i]);
      idle = true;
    } else if (option === "freq" && more >= 1 && !idle) {
      const f = integer(args[++i], "FREQ");
      if (f < 0 || f > 255) throw new CommandError("Invalid FREQ value, must be >= 0 and <= 255");
      freq = true;
    } else {
      throw new CommandError("syntax error");
    }
  }
  return options;
}

const INT64_MAX = 9223372036854775807n;

/** IDLETIME's value: any int64 `string2ll` accepts, at least 0 (it may exceed JS's safe integers). */
function checkIdleTime(arg: Uint8Array): void {
  const text = word(arg);
  if (/^-[1-9][0-9]*$/.test(text)) throw new CommandError("Invalid IDLETIME value, must be >= 0");
  if (!/^(0|[1-9][0-9]{0,18})$/.test(text) || BigInt(text) > INT64_MAX) {
    throw new CommandError(`IDLETIME is not an integer or out of range: ${text.slice(0, 64)}`);
  }
}

/** A sink that keeps nothing: decoding into it only validates a payload in full. */
const VALIDATOR: RdbSink = {
  onString() {},
  onPlaceholder() {},
  onCollectionStart() {},
  onListElement() {},
  onSetMember() {},
  onZsetMember() {},
  onHashField() {},
  onCollectionEnd() {},
};

/**
 * Applies RESTORE as a Redis replica does (`restoreCommand`, cluster.c).
 * Without REPLACE an existing key — expired or not: writes from the primary
 * see every key — means the primary answered BUSYKEY and propagated
 * nothing, so the projection has diverged. A TTL already in the past is
 * stored as given: a replica never deletes on its own
 * (`checkAlreadyExpired` is false on replicas); the primary, which did store
 * the key when it propagated this, will send the deletion.
 */
function restore(ctx: ApplyContext, args: readonly Uint8Array[]): void {
  const { store, db } = ctx;
  const key = args[1];
  const { replace, absTtl } = parseOptions(args);
  const exists = store.find(db, key) !== 0;
  if (exists && !replace) throw new CommandError("BUSYKEY Target key name already exists");
  const ttl = integer(args[2], "TTL");
  if (ttl < 0) throw new CommandError("Invalid TTL value, must be >= 0");
  const expireAtMs = ttl === 0 ? null : absTtl ? ttl : ctx.now() + ttl;
  const target = { db, key, expireAtMs };
  try {
    // Redis decodes the whole payload before deleting the old key: a bad
    // payload must leave it in place, so check everything first.
    if (exists) decodeDumpPayload(args[3], VALIDATOR, target);
  } catch (error) {
    throw payloadError(error);
  }
  if (exists) store.del(db, key);
  const loader = new StoreLoader(store);
  try {
    decodeDumpPayload(args[3], loader, target);
  } catch (error) {
    loader.abort(); // a half-built collection must not stay in the projection
    store.del(db, key);
    throw payloadError(error);
  }
}

function payloadError(error: unknown): unknown {
  return error instanceof RdbError ? new CommandError(`bad DUMP payload: ${error.message}`) : error;
}

/** Every RESTORE command, declared once. */
export const restoreCommands: readonly CommandSpec[] = [
  command({
    name: "restore",
    arity: -4,
    group: "keyspace",
    kind: "write",
    keys: FIRST_KEY,
    summary: "a key of any type from a DUMP payload (REPLACE, ABSTTL; IDLETIME/FREQ accepted)",
    apply: restore,
  }),
];
