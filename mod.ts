/**
 * Veidrodelis ("pocket mirror"): an in-process replica of a Redis or Valkey
 * primary. It connects as a replica, loads the RDB snapshot, applies the live
 * replication stream, and answers reads synchronously from a projection kept
 * as bytes in WebAssembly memory.
 *
 * @example
 * ```ts ignore
 * import { Mirror } from "./mod.ts";
 * const mirror = await Mirror.connect("redis://127.0.0.1:6379");
 * console.log(mirror.get("greeting"), mirror.db(1).dbsize());
 * await mirror.close();
 * ```
 *
 * @module
 */

export {
  Mirror,
  type MirrorState,
  type MirrorStats,
  type OfflineMirrorOptions,
  type PrimaryClient,
  type RdbLoadProgress,
  type RdbSource,
} from "./src/mirror.ts";
export type { MirrorOptions } from "./src/options.ts";
export { Reader, type WatchOptions, type WatchStreamOptions } from "./src/reader.ts";
export type {
  WatchCallback,
  WatchEvent,
  WatchFlush,
  WatchInit,
  WatchOverflow,
  WatchUpdate,
} from "./src/watch/events.ts";
export type { Unwatch } from "./src/watch/registry.ts";
export { WatchStream } from "./src/watch/stream.ts";
export { TransactionOverflowError } from "./src/replication/applier.ts";
export { FullSyncLoopError } from "./src/replication/sync_loop.ts";
export type { SentinelOptions } from "./src/discovery/sentinel.ts";
export type { Pem, TlsOptions } from "./src/net/mod.ts";
export type { OutcomeOf, ReadCall, ReadName, ReadOutcome } from "./src/read_tx.ts";
export { type LuaOptions, ReadScript, type ScriptRunOptions } from "./src/scripts.ts";
export { LuaBudgetError, LuaError, LuaMemoryError, LuaScriptError } from "./src/lua/mod.ts";
export type { KeyInput, ReadMethods, Text } from "./src/reads/mod.ts";
export type { AppliedUnit, MirrorEvents } from "./src/replication/replicator.ts";
export {
  AuthError,
  ConnectionError,
  DivergenceError,
  type ErrorCode,
  NotReadyError,
  ProtocolError,
  RdbError,
  type RdbErrorReason,
  StoreFullError,
  VeidrodelisError,
  WrongTypeError,
} from "./src/errors.ts";
