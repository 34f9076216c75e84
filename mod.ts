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
export type { Listener } from "./src/events.ts";
export type { RdbSummary } from "./src/rdb/mod.ts";
export type { LiveInfo } from "./src/replication/link.ts";
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
export type { Connector, Endpoint, Pem, TlsOptions, Transport, TransportHandlers } from "./src/net/mod.ts";
export type { OutcomeOf, ReadCall, ReadName, ReadOutcome } from "./src/read_tx.ts";
export { type LuaOptions, ReadScript, type ScriptRunOptions } from "./src/scripts.ts";
export {
  LuaBudgetError,
  LuaError,
  type LuaErrorCode,
  LuaMemoryError,
  LuaScriptError,
  type LuaTable,
  type LuaValue,
} from "./src/lua/mod.ts";
export type {
  GeoReads,
  HashReads,
  KeyInput,
  KeyspaceReads,
  ListReads,
  ReadContext,
  ReadMethods,
  SetReads,
  StringReads,
  Text,
  ZsetReads,
} from "./src/reads/mod.ts";
// Arguments and results of the reads (see ReadMethods).
export type { BitfieldToken, BitUnit } from "./src/reads/strings.ts";
export type { KeyScanOptions, ObjectEncoding } from "./src/reads/keyspace.ts";
export type { ScanOptions, ScanPage } from "./src/reads/scan.ts";
export type { LposCountOptions, LposOptions } from "./src/reads/lists.ts";
export type { SintercardOptions } from "./src/reads/sets.ts";
export type { HashEntry, HrandfieldOptions, HscanOptions } from "./src/reads/hashes.ts";
export type {
  LexBoundInput,
  RangeLimit,
  ScoreBound,
  ScoredMember,
  ZrangeOptions,
  ZscanResult,
  ZsetAlgebraOptions,
} from "./src/reads/zsets.ts";
export type { Aggregate } from "./src/ops/zset_aggregate.ts";
export type {
  GeoMatch,
  GeoPosition,
  GeoReplyOptions,
  GeoSearchOptions,
  GeoUnit,
  WithDetails as GeoWithDetails,
  WithoutDetails as GeoWithoutDetails,
} from "./src/reads/geo.ts";
export type { AppliedUnit, MirrorEvents, MirrorState as ReplicationState } from "./src/replication/replicator.ts";
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
