/**
 * The only TypeScript module that touches the store's WebAssembly exports or
 * memory. It compiles the embedded module once per process and gives each
 * {@linkcode Store} its own instance (its own linear memory).
 *
 * Memory views: any export that may allocate can grow memory, which detaches
 * the old ArrayBuffer (views read as empty). Every such call is followed by
 * `sync()`, which re-derives the views when that happened. Pure reads
 * (`find`, `dbSize`) never allocate.
 *
 * Arguments: keys/values are copied into the instance's scratch region
 * (owned by the wasm side, address re-read when it grows) and passed as
 * (ptr, len). Results come back as i32 (negative = status) plus the result
 * area (layout in assembly/abi.ts, mirrored below).
 *
 * @module
 */
import { Buffer } from "node:buffer";
import { StoreFullError, VeidrodelisError, WrongTypeError } from "../errors.ts";
import { Crc64 } from "../rdb/crc64.ts";
import { storeWasmBytes } from "./store_wasm.ts";

/**
 * A key given by the caller: text (encoded as UTF-8) or raw bytes.
 *
 * @example
 * ```ts
 * import type { KeyInput } from "../../mod.ts";
 * const keys: KeyInput[] = ["user:1", new Uint8Array([0xff, 0x00, 0x01])]; // binary keys are bytes
 * console.log(keys.length); // 2
 * ```
 */
export type KeyInput = string | Uint8Array;

/** Type tags of stored values (assembly/abi.ts T_*). */
export const ValueType = {
  none: 0,
  string: 1,
  list: 2,
  set: 3,
  zset: 4,
  hash: 5,
  other: 6,
} as const;

/** Flags for {@linkcode Store.set}. */
export const SET_NX = 1, SET_XX = 2, SET_KEEPTTL = 4;

// statuses (assembly/abi.ts ST_*)
const ST_WRONGTYPE = -1;
const ST_NOT_INTEGER = -2;
const ST_OVERFLOW = -3;
const ST_STORE_FULL = -4;
const ST_TOO_LARGE = -5;
const ST_OUT_OF_RANGE = -6;
const ST_DECR_OVERFLOW = -7;
const ST_NO_KEY = -8;
const ST_BAD_DB = -9;
const ST_INDEX_OUT_OF_RANGE = -10;
const ST_NAN = -11;
const ST_HASH_NOT_INTEGER = -12;
const ST_DUPLICATE_KEY = -40;

// result area, in u32 / f64 slots (assembly/abi.ts R_*)
const R_VAL_PTR = 1;
const R_VAL_LEN = 2;
const R_COUNT = 3;
const R_EXPIRE = 2; // f64 slot (byte 16)
const R_NUMBER = 3; // f64 slot (byte 24)
const R_OUT_PTR = 8;
const R_OUT_LEN = 9;
const R_OUT_ASCII = 10;

const MAX_DATABASES = 1 << 20;
const TYPE_NAMES = ["none", "string", "list", "set", "zset", "hash"];

/** Exports shared by every type; each type section below declares its own. */
interface CoreExports {
  memory: WebAssembly.Memory;
  init(seedLo: number, seedHi: number, databases: number, maxPages: number): number;
  scratch(size: number): number;
  resultPtr(): number;
  ensureDb(n: number): number;
  dbCount(): number;
  usedBytes(): number;
  heapBytes(): number;
  rehash(n: number): number;
  find(db: number, kp: number, kl: number): number;
  dbSize(db: number): number;
  scan(db: number, cursor: number, count: number): number;
  set(db: number, kp: number, kl: number, vp: number, vl: number, flags: number, expire: number): number;
  append(db: number, kp: number, kl: number, vp: number, vl: number): number;
  setRange(db: number, kp: number, kl: number, offset: number, vp: number, vl: number): number;
  incrBy(db: number, kp: number, kl: number, dp: number, dl: number, negate: number): number;
  del(db: number, kp: number, kl: number): number;
  setPlaceholder(db: number, kp: number, kl: number, np: number, nl: number, expire: number): number;
  setExpire(db: number, kp: number, kl: number, expire: number): number;
  persist(db: number, kp: number, kl: number): number;
  rename(db: number, sp: number, sl: number, dp: number, dl: number, nx: number): number;
  copy(db: number, sp: number, sl: number, dstDb: number, dp: number, dl: number, replace: number): number;
  move(db: number, kp: number, kl: number, dstDb: number): number;
  flushDb(db: number): number;
  flushAll(): void;
  swapDb(a: number, b: number): number;
  debugCheck(): number;
}

/** What each debugCheck code means (assembly/check_core.ts CK_*). */
const CHECK_MESSAGES = [
  "consistent",
  "two blocks overlap (a block handed out twice, or freed while in use)",
  "heap gap (a leaked block, or one freed with the wrong size)",
  "live bytes differ from the allocator's count",
  "bad large-block header (capacity below the owner's size)",
  "damaged allocator free list",
  "bad dict header or table",
  "dict entry in the wrong bucket (or in a bucket already rehashed)",
  "dict chain longer than its count (a cycle or a stray link)",
  "dict count differs from its entries",
  "dict entry not found by its own key (duplicate key)",
  "bad keyspace entry",
  "bad set structure",
  "bad hash structure",
  "bad packed sorted set",
  "bad skiplist",
  "bad list",
  "no memory for the check",
  "record count changed during the check",
];

type Exports = CoreExports & ListExports & SetExports & ZsetExports & HashExports & LoadExports & OrderExports;

/** Exports of the bulk-loading section (assembly/index.ts "bulk loading"). */
interface LoadExports {
  loadBuffer(size: number): number;
  loadBegin(db: number, kp: number, kl: number, type: number, expireMs: number, sizeHint: number): number;
  loadReserve(db: number, keys: number): number;
  loadItems(ip: number, n: number): number;
  loadEnd(): number;
  loadAbort(): void;
  loadStrings(db: number, ip: number, n: number): number;
  crc64(lo: number, hi: number, p: number, n: number): void;
}

/** What the record buffer holds (bulk loading). */
const PENDING_NONE = 0, PENDING_STRINGS = 1, PENDING_ITEMS = 2;
/** Collection type names as the loader names them → type tags. */
const LOAD_TYPES: Record<string, number> = { list: 2, set: 3, zset: 4, hash: 5 };

/** Exports of the list section (assembly/index.ts "lists"). */
interface ListExports {
  listPush(db: number, kp: number, kl: number, vp: number, vl: number, tail: number, onlyIfExists: number): number;
  listPop(db: number, kp: number, kl: number, tail: number): number;
  listPopMany(db: number, kp: number, kl: number, tail: number, count: number): number;
  listSet(db: number, kp: number, kl: number, index: number, vp: number, vl: number): number;
  listInsert(
    db: number,
    kp: number,
    kl: number,
    before: number,
    pp: number,
    pl: number,
    vp: number,
    vl: number,
  ): number;
  listRemove(db: number, kp: number, kl: number, count: number, vp: number, vl: number): number;
  listTrim(db: number, kp: number, kl: number, start: number, stop: number): number;
  listMove(db: number, sp: number, sl: number, dp: number, dl: number, fromTail: number, toTail: number): number;
  listIndex(p: number, index: number): number;
  listRange(p: number, start: number, stop: number): number;
}

/** u32 slot of the element count in a list header (assembly/list.ts L_COUNT). */
const LIST_COUNT_SLOT = 2;

/**
 * An index or count for the list exports (f64): an integer clamped to the
 * safe range, which keeps Redis's results for every list a store can hold.
 */
function listArg(n: number): number {
  if (Number.isNaN(n)) throw argError("ERR value is not an integer or out of range");
  const max = Number.MAX_SAFE_INTEGER;
  return n >= max ? max : n <= -max ? -max : Math.trunc(n);
}

/** Exports of the set section (assembly/index.ts "sets"). */
interface SetExports {
  setAdd(db: number, kp: number, kl: number, mp: number, ml: number): number;
  setAddMany(db: number, kp: number, kl: number, ip: number, n: number): number;
  setRemove(db: number, kp: number, kl: number, mp: number, ml: number): number;
  setRemoveMany(db: number, kp: number, kl: number, ip: number, n: number): number;
  setMove(db: number, sp: number, sl: number, dp: number, dl: number, mp: number, ml: number): number;
  setCard(p: number): number;
  setHas(p: number, mp: number, ml: number): number;
  setMembers(p: number): number;
  setEncoding(p: number): number;
}

/** Exports of the sorted-set section (assembly/index.ts "sorted sets"). */
interface ZsetExports {
  zsetAdd(
    db: number,
    kp: number,
    kl: number,
    mp: number,
    ml: number,
    score: number,
    flags: number,
    sizeHint: number,
    lenHint: number,
  ): number;
  zsetRem(db: number, kp: number, kl: number, mp: number, ml: number): number;
  zsetRemRank(db: number, kp: number, kl: number, start: number, stop: number): number;
  zsetScoreRange(min: number, minEx: number, max: number, maxEx: number): void;
  zsetLexRange(minP: number, minL: number, minKind: number, maxP: number, maxL: number, maxKind: number): void;
  zsetRemInRange(db: number, kp: number, kl: number): number;
  zsetPop(db: number, kp: number, kl: number, max: number, count: number): number;
  zsetCard(p: number): number;
  zsetScore(p: number, mp: number, ml: number): number;
  zsetRank(p: number, mp: number, ml: number): number;
  zsetRangeRank(p: number, start: number, stop: number, reverse: number): number;
  zsetRangeIn(p: number, reverse: number, offset: number, count: number): number;
  zsetCountIn(p: number): number;
  zsetEncodingOf(p: number): number;
}

const NO_BYTES = new Uint8Array(0);

/** The value bytes of a lex bound (none for `-` / `+`). */
function lexValue(bound: LexBound): Uint8Array {
  return typeof bound === "string" ? NO_BYTES : bound.value;
}

/** A lex bound's kind on the wasm side: 0 inclusive, 1 exclusive, 2 `-`, 3 `+`. */
function lexKind(bound: LexBound): number {
  if (bound === "-") return 2;
  if (bound === "+") return 3;
  return bound.exclusive ? 1 : 0;
}

/** A rank, offset or count crossing to wasm: an integer (clamped to the safe range there). */
function rankIndex(n: number): number {
  if (!Number.isInteger(n)) throw argError("ERR value is not an integer or out of range");
  return n;
}

/** Members a rank range selects in a zset of `length` (Redis index rules). */
function rankRangeSize(length: number, start: number, stop: number): number {
  if (start < 0) start += length;
  if (stop < 0) stop += length;
  if (start < 0) start = 0;
  if (start > stop || start >= length) return 0;
  return Math.min(stop, length - 1) - start + 1;
}

/** An encoding hint: a non-negative u32. */
function hint(n: number): number {
  return n > 0 ? Math.min(n, 0xffffffff) >>> 0 : 0;
}

/** Exports of the hash section (assembly/index.ts "hashes"). */
interface HashExports {
  hashSet(db: number, kp: number, kl: number, fp: number, fl: number, vp: number, vl: number, flags: number): number;
  hashDel(db: number, kp: number, kl: number, fp: number, fl: number): number;
  hashIncrBy(db: number, kp: number, kl: number, fp: number, fl: number, dp: number, dl: number): number;
  hashFieldExpire(
    db: number,
    kp: number,
    kl: number,
    fp: number,
    fl: number,
    expireMs: number,
    cond: number,
    nowMs: number,
  ): number;
  hashFieldPersist(db: number, kp: number, kl: number, fp: number, fl: number): number;
  hashLen(p: number): number;
  hashKind(p: number): number;
  hashGet(p: number, fp: number, fl: number): number;
  hashEntries(p: number): number;
}

/** Exports of the ordered access / sampling / scan section (assembly/index.ts "ordered access, sampling, scans"). */
interface OrderExports {
  setAfter(p: number, ap: number, al: number, hasAnchor: number, reverse: number, count: number): number;
  hashAfter(p: number, ap: number, al: number, hasAnchor: number, reverse: number, count: number): number;
  zsetAfter(
    p: number,
    score: number,
    ap: number,
    al: number,
    hasAnchor: number,
    reverse: number,
    count: number,
  ): number;
  keysAfter(db: number, ap: number, al: number, hasAnchor: number, reverse: number, count: number): number;
  setRandom(p: number, count: number): number;
  hashRandom(p: number, count: number): number;
  zsetRandom(p: number, count: number): number;
  randomKey(db: number): number;
  randomSeed(lo: number, hi: number): void;
  setScan(p: number, cursor: number, count: number): number;
  hashScan(p: number, cursor: number, count: number): number;
  zsetScan(p: number, cursor: number, count: number): number;
  orderIndexBytes(): number;
}

/** A count of items to return (>= 1 checked by the caller) as the u32 the exports take. */
function countArg(count: number): number {
  return count >= 0xffffffff ? 0xffffffff : Math.floor(count) >>> 0;
}

/** A random-pick count (negative: picks may repeat), an integer as Redis requires. */
function randomCountArg(count: number): number {
  if (!Number.isInteger(count)) throw argError("ERR value is not an integer or out of range");
  return count;
}

/** A SCAN cursor as the dict's u32 cursor (tables never exceed 2^32 buckets; higher bits mean nothing). */
function cursorArg(cursor: number): number {
  if (!(cursor >= 0)) return 0;
  return cursor >= 0x100000000 ? cursor % 0x100000000 : cursor >>> 0;
}

/** A SCAN COUNT hint: at least 1. */
function scanCountArg(count: number): number {
  return count >= 0x7fffffff ? 0x7fffffff : count >= 1 ? Math.floor(count) : 1;
}

// hashSet flags (assembly/hash.ts HSET_*)
const HSET_KEEPTTL = 1, HSET_NX = 2;
/** Redis's per-field replies, indexed by the wasm codes (assembly/hash.ts HEXP_* / HPERSIST_*). */
const HEXP_REPLY = [-2, 0, 1, 2];
const HPERSIST_REPLY = [-2, -1, 1];

/** ZADD flags for {@linkcode Store.zsetAdd}. */
export const ZADD_NX = 1, ZADD_XX = 2, ZADD_GT = 4, ZADD_LT = 8, ZADD_INCR = 16;
/** {@linkcode Store.zsetAdd} results. */
export const ZADD_NOOP = 0, ZADD_ADDED = 1, ZADD_UPDATED = 2;
/** HPEXPIREAT conditions for {@linkcode Store.hashSetFieldExpire}. */
export const HFE_NONE = 0, HFE_NX = 1, HFE_XX = 2, HFE_GT = 3, HFE_LT = 4;

/** A lex range bound: `-` / `+` (infinite) or a value, inclusive unless `exclusive`. */
export type LexBound = "-" | "+" | { value: Uint8Array; exclusive: boolean };

/** A range of a sorted set, as ZRANGE's three modes. */
export type ZsetRange =
  | { by: "rank"; start: number; stop: number }
  | { by: "score"; min: number; minExclusive: boolean; max: number; maxExclusive: boolean }
  | { by: "lex"; min: LexBound; max: LexBound };

/** Members with their scores, in range order. */
export interface ScoredMembers<T = Uint8Array> {
  members: T[];
  scores: number[];
}

/** A hash's fields (byte order) with values and absolute field TTLs in ms (-1: none). */
export interface HashEntries<T = Uint8Array> {
  fields: T[];
  values: T[];
  expireAts: number[];
}

let compiled: WebAssembly.Module | null = null;

function storeModule(): WebAssembly.Module {
  if (compiled === null) compiled = new WebAssembly.Module(storeWasmBytes() as BufferSource);
  return compiled;
}

/**
 * Compiles the store's module off the main thread (`WebAssembly.compile`),
 * so that the first store of a sync does not stall the event loop for the
 * 4-8 ms a synchronous compile takes. Optional: stores compile on demand.
 */
export async function prepareStoreModule(): Promise<void> {
  if (compiled === null) compiled = await WebAssembly.compile(storeWasmBytes() as BufferSource);
}

const encoder = new TextEncoder();

/** Buffer's latin1Slice (one char per byte); toString as a fallback. */
const latin1Slice: Utf8Slicer =
  typeof (Buffer.prototype as unknown as { latin1Slice?: unknown }).latin1Slice === "function"
    ? (buf, start, end) => (buf as unknown as { latin1Slice(s: number, e: number): string }).latin1Slice(start, end)
    : (buf, start, end) => buf.toString("latin1", start, end);

/** Buffer's utf8Slice (undocumented but present on Node, Deno and Bun); toString as a fallback. */
type Utf8Slicer = (buf: Buffer, start: number, end: number) => string;
const utf8Slice: Utf8Slicer = typeof (Buffer.prototype as unknown as { utf8Slice?: unknown }).utf8Slice === "function"
  ? (buf, start, end) => (buf as unknown as { utf8Slice(s: number, e: number): string }).utf8Slice(start, end)
  : (buf, start, end) => buf.toString("utf8", start, end);

/** Stands in for the exports after dispose(): every call fails cleanly. */
const DISPOSED: Exports = new Proxy({} as Exports, {
  get() {
    return () => {
      throw new VeidrodelisError("CLOSED", "the store was disposed");
    };
  },
});

function randomU32(): number {
  const a = new Uint32Array(1);
  globalThis.crypto.getRandomValues(a);
  return a[0];
}

/**
 * A bulk load named a key the database already holds (a snapshot never
 * names a key twice; Redis refuses such a file).
 *
 * @example
 * ```ts
 * import { DuplicateKeyError } from "./store.ts";
 * const e = new DuplicateKeyError(0, new TextEncoder().encode("k"));
 * console.log(e.db, e.message);
 * ```
 */
export class DuplicateKeyError extends VeidrodelisError {
  /** The database. */
  readonly db: number;
  /** The key (a copy). */
  readonly key: Uint8Array;
  constructor(db: number, key: Uint8Array) {
    super("ARGUMENT", `duplicate key ${JSON.stringify(new TextDecoder().decode(key))} in db ${db}`);
    this.db = db;
    this.key = key;
  }
}

function argError(message: string): VeidrodelisError {
  return new VeidrodelisError("ARGUMENT", message);
}

/**
 * One keyspace (databases of keys) held in its own WebAssembly instance.
 * Writes take bytes (views the caller may reuse after return); reads take
 * text or bytes. Expiry is stored, never applied: callers decide.
 */
export class Store {
  private ex: Exports;
  private mem: WebAssembly.Memory;
  private u8!: Uint8Array;
  private u32!: Uint32Array;
  private f64!: Float64Array;
  /** Unaligned reads (f64 scores in output buffers). */
  private dv!: DataView;
  /** Buffer over the whole memory: its utf8Slice is the fastest decode on all three runtimes. */
  private buf!: Buffer;
  /** View of the scratch region (re-derived with the others). */
  private sv!: Uint8Array;
  private sp = 0;
  private scap = 0;
  /** Result area index in u32 slots and f64 slots. */
  private r32 = 0;
  private r64 = 0;
  private dbs = 0;
  private foundType = 0;
  // Bulk loading: the record buffer (its own wasm block, apart from scratch), bytes and records pending in it.
  private lp = 0;
  private lcap = 0;
  private lused = 0;
  private lcount = 0;
  private pending = PENDING_NONE;
  private pendingDb = 0;

  /**
   * @param options.databases initial db count (default 16; grows with ensureDb)
   * @param options.maxMemoryBytes cap on linear memory (default: the 4 GiB wasm32 limit);
   *   writes beyond it throw StoreFullError
   */
  constructor(options?: { databases?: number; maxMemoryBytes?: number }) {
    const databases = options?.databases ?? 16;
    if (!Number.isInteger(databases) || databases < 1 || databases > MAX_DATABASES) {
      throw argError(`ERR invalid number of databases: ${databases}`);
    }
    const maxMemory = options?.maxMemoryBytes ?? 0;
    if (!(maxMemory >= 0)) throw argError(`ERR invalid maxMemoryBytes: ${maxMemory}`);
    const maxPages = Math.min(65536, Math.ceil(maxMemory / 65536));
    const instance = new WebAssembly.Instance(storeModule(), {});
    this.ex = instance.exports as unknown as Exports;
    this.mem = this.ex.memory;
    if (this.ex.init(randomU32(), randomU32(), databases, maxPages) < 0) throw new StoreFullError();
    this.dbs = databases;
    const rp = this.ex.resultPtr() >>> 0;
    this.r32 = rp >>> 2;
    this.r64 = rp >>> 3;
    this.growScratch(4096);
  }

  // ------------------------------------------------------------ plumbing

  /** Re-derives views after memory growth (a grown buffer detaches the old one). */
  private sync(): void {
    if (this.u8 !== undefined && this.u8.byteLength !== 0) return;
    const buf = this.mem.buffer;
    this.u8 = new Uint8Array(buf);
    this.u32 = new Uint32Array(buf);
    this.f64 = new Float64Array(buf);
    this.dv = new DataView(buf);
    this.buf = Buffer.from(buf);
    this.sv = new Uint8Array(buf, this.sp, this.scap);
  }

  private growScratch(size: number): void {
    const p = this.ex.scratch(size) >>> 0;
    if (p === 0) throw new StoreFullError();
    this.sp = p;
    this.scap = Math.max(size, this.scap);
    // capacity is a power of two >= 4096 on the wasm side; size is a lower bound
    this.u8 = undefined as unknown as Uint8Array;
    this.sync();
  }

  /** Copies a key (and optionally a second byte string right after it) into scratch. */
  private put2(a: Uint8Array, b: Uint8Array | null): void {
    const n = a.length + (b === null ? 0 : b.length);
    if (n > this.scap) this.growScratch(n);
    const sv = this.sv;
    copyInto(sv, a, 0);
    if (b !== null) copyInto(sv, b, a.length);
  }

  /** Copies a key and two byte strings into scratch, back to back (key at offset 0). */
  private put3(a: Uint8Array, b: Uint8Array, c: Uint8Array): void {
    const n = a.length + b.length + c.length;
    if (n > this.scap) this.growScratch(n);
    const sv = this.sv;
    copyInto(sv, a, 0);
    copyInto(sv, b, a.length);
    copyInto(sv, c, a.length + b.length);
  }

  /** Copies a byte string into scratch at `at` (after what put2/put3 wrote); returns its address. */
  private putAt(at: number, a: Uint8Array): number {
    if (at + a.length > this.scap) {
      const keep = this.u8.slice(this.sp, this.sp + at);
      this.growScratch(at + a.length);
      this.sv.set(keep, 0);
    }
    this.sv.set(a, at);
    return this.sp + at;
  }

  /** The output buffer of the last call as [u32 len][bytes] items (copies). */
  private outItems(): Uint8Array[] {
    const r = this.r32;
    const n = this.u32[r + R_COUNT];
    // one copy of the whole output, then views: per-item slices cost 1-2 µs each
    const out = this.u8.slice(this.u32[r + R_OUT_PTR], this.u32[r + R_OUT_PTR] + this.u32[r + R_OUT_LEN]);
    const dv = new DataView(out.buffer);
    const items: Uint8Array[] = new Array(n);
    let p = 0;
    for (let i = 0; i < n; i++) {
      const len = dv.getUint32(p, true);
      items[i] = out.subarray(p + 4, p + 4 + len);
      p += 4 + len;
    }
    return items;
  }

  /**
   * The output buffer's items as strings (each followed by `skip` bytes):
   * all at once when every item is ASCII (one latin1 decode of the whole
   * output, then substrings: 100 short items in ~1.5 µs instead of ~10), else
   * one UTF-8 decode per item, straight from wasm memory.
   */
  private outTexts(skip: number): string[] {
    const u32 = this.u32, r = this.r32, dv = this.dv, buf = this.buf;
    const n = u32[r + R_COUNT];
    const start = u32[r + R_OUT_PTR];
    const items: string[] = new Array(n);
    let p = start;
    if (u32[r + R_OUT_ASCII] === 1) {
      const whole = latin1Slice(buf, start, start + u32[r + R_OUT_LEN]);
      for (let i = 0; i < n; i++) {
        const len = dv.getUint32(p, true);
        items[i] = whole.substring(p + 4 - start, p + 4 - start + len);
        p += 4 + len + skip;
      }
    } else {
      for (let i = 0; i < n; i++) {
        const len = dv.getUint32(p, true);
        items[i] = utf8Slice(buf, p + 4, p + 4 + len);
        p += 4 + len + skip;
      }
    }
    return items;
  }

  /** Hash entries of the output buffer ([len][field][len][value][f64 TTL] each) as strings. */
  private outHashTexts(): HashEntries<string> {
    const u32 = this.u32, r = this.r32, dv = this.dv, buf = this.buf;
    const n = u32[r + R_COUNT] >>> 1;
    const start = u32[r + R_OUT_PTR];
    const whole = u32[r + R_OUT_ASCII] === 1 ? latin1Slice(buf, start, start + u32[r + R_OUT_LEN]) : null;
    const text = (at: number, len: number) =>
      whole !== null ? whole.substring(at - start, at - start + len) : utf8Slice(buf, at, at + len);
    const fields: string[] = new Array(n);
    const values: string[] = new Array(n);
    const expireAts: number[] = new Array(n);
    let p = start;
    for (let i = 0; i < n; i++) {
      const fl = dv.getUint32(p, true);
      fields[i] = text(p + 4, fl);
      p += 4 + fl;
      const vl = dv.getUint32(p, true);
      values[i] = text(p + 4, vl);
      p += 4 + vl;
      expireAts[i] = dv.getFloat64(p, true);
      p += 8;
    }
    return { fields, values, expireAts };
  }

  /** As {@linkcode Store.outScored}, with the members as strings (decoded as {@linkcode Store.outTexts} does). */
  private outScoredTexts(): ScoredMembers<string> {
    const u32 = this.u32, r = this.r32, dv = this.dv, buf = this.buf;
    const n = u32[r + R_COUNT];
    const start = u32[r + R_OUT_PTR];
    const whole = u32[r + R_OUT_ASCII] === 1 ? latin1Slice(buf, start, start + u32[r + R_OUT_LEN]) : null;
    const members: string[] = new Array(n);
    const scores: number[] = new Array(n);
    let p = start;
    for (let i = 0; i < n; i++) {
      const len = dv.getUint32(p, true);
      members[i] = whole !== null
        ? whole.substring(p + 4 - start, p + 4 - start + len)
        : utf8Slice(buf, p + 4, p + 4 + len);
      scores[i] = dv.getFloat64(p + 4 + len, true);
      p += 12 + len;
    }
    return { members, scores };
  }

  /** The output buffer as items each followed by an f64 score. */
  private outScored(): ScoredMembers {
    const r = this.r32;
    const n = this.u32[r + R_COUNT];
    const out = this.u8.slice(this.u32[r + R_OUT_PTR], this.u32[r + R_OUT_PTR] + this.u32[r + R_OUT_LEN]);
    const dv = new DataView(out.buffer);
    let p = 0;
    const members: Uint8Array[] = new Array(n);
    const scores: number[] = new Array(n);
    for (let i = 0; i < n; i++) {
      const len = dv.getUint32(p, true);
      members[i] = out.subarray(p + 4, p + 4 + len);
      scores[i] = dv.getFloat64(p + 4 + len, true);
      p += 12 + len;
    }
    return { members, scores };
  }

  /** Structure pointer of the last find() (collections), valid until the next write. */
  private get foundPtr(): number {
    return this.u32[this.r32 + R_VAL_PTR];
  }

  /** Writes a key into scratch at offset 0; returns its byte length. */
  private putKey(key: KeyInput): number {
    if (typeof key !== "string") {
      if (key.length > this.scap) this.growScratch(key.length);
      this.sv.set(key, 0);
      return key.length;
    }
    const len = key.length;
    if (len * 3 > this.scap) this.growScratch(len * 3);
    const sv = this.sv;
    for (let i = 0; i < len; i++) {
      const c = key.charCodeAt(i);
      if (c >= 0x80) return encoder.encodeInto(key, sv).written;
      sv[i] = c;
    }
    return len;
  }

  private checkDb(db: number): void {
    if (!(db >= 0 && db < this.dbs)) {
      if (Number.isInteger(db) && db >= 0) this.ensureDb(db);
      else throw argError("ERR DB index is out of range");
    }
  }

  /** Turns a negative status into the matching error (the key is at scratch offset 0). */
  private fail(status: number, db: number, kl: number, expected = "string"): never {
    switch (status) {
      case ST_WRONGTYPE: {
        const t = this.ex.find(db, this.sp, kl);
        this.foundType = t;
        throw new WrongTypeError(expected, this.foundTypeName());
      }
      case ST_INDEX_OUT_OF_RANGE:
        throw argError("ERR index out of range");
      case ST_NAN:
        throw argError("ERR resulting score is not a number (NaN)");
      case ST_HASH_NOT_INTEGER:
        throw argError("ERR hash value is not an integer");
      case ST_NOT_INTEGER:
        throw argError("ERR value is not an integer or out of range");
      case ST_OVERFLOW:
        throw argError("ERR increment or decrement would overflow");
      case ST_DECR_OVERFLOW:
        throw argError("ERR decrement would overflow");
      case ST_TOO_LARGE:
        throw argError("ERR string exceeds maximum allowed size (proto-max-bulk-len)");
      case ST_OUT_OF_RANGE:
        throw argError("ERR offset is out of range");
      case ST_STORE_FULL:
        throw new StoreFullError();
      case ST_BAD_DB:
        throw argError("ERR DB index is out of range");
      default:
        throw new VeidrodelisError("ARGUMENT", `store status ${status}`);
    }
  }

  /** Checks a write's return value (memory may have grown: views re-derived). */
  private done(r: number, db: number, kl: number, expected = "string"): number {
    this.sync();
    if (r < 0) this.fail(r, db, kl, expected);
    return r;
  }

  // ------------------------------------------------------------ databases

  /** Number of databases. */
  get databases(): number {
    return this.dbs;
  }

  /** Makes db index `db` valid (grows the db count to db + 1 when needed). */
  ensureDb(db: number): void {
    if (!Number.isInteger(db) || db < 0 || db >= MAX_DATABASES) throw argError("ERR DB index is out of range");
    if (db < this.dbs) return;
    const r = this.ex.ensureDb(db + 1);
    this.sync();
    if (r < 0) throw new StoreFullError();
    this.dbs = db + 1;
  }

  // ------------------------------------------------------------ string writes

  /** SET with SET_NX / SET_XX / SET_KEEPTTL; expireAtMs -1 = no TTL. True when set. */
  set(db: number, key: Uint8Array, value: Uint8Array, flags: number, expireAtMs: number): boolean {
    this.checkDb(db);
    this.put2(key, value);
    const kl = key.length;
    return this.done(this.ex.set(db, this.sp, kl, this.sp + kl, value.length, flags, expireAtMs), db, kl) === 1;
  }

  /** APPEND: the new length. */
  append(db: number, key: Uint8Array, value: Uint8Array): number {
    this.checkDb(db);
    this.put2(key, value);
    const kl = key.length;
    return this.done(this.ex.append(db, this.sp, kl, this.sp + kl, value.length), db, kl);
  }

  /** SETRANGE: the new length (zero padding, 512 MiB limit as Redis). */
  setRange(db: number, key: Uint8Array, offset: number, value: Uint8Array): number {
    this.checkDb(db);
    if (!Number.isInteger(offset)) throw argError("ERR value is not an integer or out of range");
    if (offset < 0) throw argError("ERR offset is out of range");
    this.put2(key, value);
    const kl = key.length;
    return this.done(this.ex.setRange(db, this.sp, kl, offset, this.sp + kl, value.length), db, kl);
  }

  /** INCR/DECR/INCRBY/DECRBY: delta is decimal text (strict, as Redis string2ll); negate for DECR*. */
  incrBy(db: number, key: Uint8Array, delta: Uint8Array, negate: boolean): void {
    this.checkDb(db);
    this.put2(key, delta);
    const kl = key.length;
    this.done(this.ex.incrBy(db, this.sp, kl, this.sp + kl, delta.length, negate ? 1 : 0), db, kl);
  }

  /** The decimal text the last incrBy stored. */
  lastIncrResult(): string {
    const u32 = this.u32, r = this.r32;
    return this.decodeAt(u32[r + R_VAL_PTR], u32[r + R_VAL_LEN]);
  }

  // ------------------------------------------------------------ key writes

  /** DEL of one key: true when it existed. */
  del(db: number, key: Uint8Array): boolean {
    if (!(db >= 0 && db < this.dbs)) return false;
    this.put2(key, null);
    return this.done(this.ex.del(db, this.sp, key.length), db, key.length) === 1;
  }

  /** A key of a type the mirror does not project (typeName e.g. "stream"), with its TTL. */
  setPlaceholder(db: number, key: Uint8Array, typeName: Uint8Array, expireAtMs: number): void {
    this.checkDb(db);
    this.put2(key, typeName);
    const kl = key.length;
    this.done(this.ex.setPlaceholder(db, this.sp, kl, this.sp + kl, typeName.length, expireAtMs), db, kl);
  }

  /** Sets an absolute expire time (unix ms); false when the key is absent. */
  setExpire(db: number, key: Uint8Array, expireAtMs: number): boolean {
    if (!(db >= 0 && db < this.dbs)) return false;
    this.put2(key, null);
    return this.done(this.ex.setExpire(db, this.sp, key.length, Math.max(0, expireAtMs)), db, key.length) === 1;
  }

  /** PERSIST: true when a TTL was removed. */
  persist(db: number, key: Uint8Array): boolean {
    if (!(db >= 0 && db < this.dbs)) return false;
    this.put2(key, null);
    return this.done(this.ex.persist(db, this.sp, key.length), db, key.length) === 1;
  }

  /** RENAME / RENAMENX: 1 renamed, 0 blocked by NX, -1 no such key. TTL moves with the key. */
  rename(db: number, src: Uint8Array, dst: Uint8Array, nx: boolean): number {
    if (!(db >= 0 && db < this.dbs)) return -1;
    this.put2(src, dst);
    const sl = src.length;
    const r = this.ex.rename(db, this.sp, sl, this.sp + sl, dst.length, nx ? 1 : 0);
    if (r === ST_NO_KEY) return -1;
    return this.done(r, db, sl);
  }

  /** COPY (TTL copied): true when copied. */
  copy(srcDb: number, src: Uint8Array, dstDb: number, dst: Uint8Array, replace: boolean): boolean {
    if (srcDb === dstDb && sameBytes(src, dst)) throw argError("ERR source and destination objects are the same");
    if (!(srcDb >= 0 && srcDb < this.dbs)) return false;
    this.checkDb(dstDb);
    this.put2(src, dst);
    const sl = src.length;
    return this.done(this.ex.copy(srcDb, this.sp, sl, dstDb, this.sp + sl, dst.length, replace ? 1 : 0), srcDb, sl) ===
      1;
  }

  /** MOVE to another db (TTL kept): false when absent or present in the target. */
  move(db: number, key: Uint8Array, dstDb: number): boolean {
    if (db === dstDb) throw argError("ERR source and destination objects are the same");
    if (!(db >= 0 && db < this.dbs)) return false;
    this.checkDb(dstDb);
    this.put2(key, null);
    return this.done(this.ex.move(db, this.sp, key.length, dstDb), db, key.length) === 1;
  }

  flushDb(db: number): void {
    if (!(db >= 0 && db < this.dbs)) return;
    this.ex.flushDb(db);
    this.sync();
  }

  flushAll(): void {
    this.ex.flushAll();
    this.sync();
  }

  swapDb(a: number, b: number): void {
    this.checkDb(a);
    this.checkDb(b);
    this.ex.swapDb(a, b);
  }

  // ------------------------------------------------------------ reads

  /** Type tag of the key (0 absent); keeps the entry for the found* accessors. Expiry not applied. */
  find(db: number, key: KeyInput): number {
    const n = this.putKey(key);
    return (this.foundType = this.ex.find(db, this.sp, n));
  }

  /** Expire time (unix ms) of the last find(), -1 without TTL. */
  get foundExpireAt(): number {
    return this.f64[this.r64 + R_EXPIRE];
  }

  /** Type name of the last find(): Redis TYPE names, or a placeholder's stored name. */
  foundTypeName(): string {
    const t = this.foundType;
    if (t === ValueType.other) return this.foundString();
    return TYPE_NAMES[t] ?? "none";
  }

  /** UTF-8 decode of the found string value (invalid bytes become U+FFFD). */
  foundString(): string {
    const u32 = this.u32, r = this.r32;
    return this.decodeAt(u32[r + R_VAL_PTR], u32[r + R_VAL_LEN]);
  }

  private decodeAt(p: number, n: number): string {
    // measured (32-byte ASCII): 72-83 ns on Deno/Bun/Node, vs 114-258 ns for TextDecoder
    // and 158-268 ns for a String.fromCharCode loop; invalid UTF-8 becomes U+FFFD
    return utf8Slice(this.buf, p, p + n);
  }

  /** Copy of the found string value. */
  foundBytes(): Uint8Array {
    const u32 = this.u32, r = this.r32;
    const p = u32[r + R_VAL_PTR];
    return this.u8.slice(p, p + u32[r + R_VAL_LEN]);
  }

  /**
   * The found string value as a view into wasm memory (no copy): valid only
   * until the next call that writes to the store or grows its memory. For
   * callers that copy it at once (the Lua bridge): allocating a small
   * Uint8Array costs ~0.8 µs on Deno 2.9, a view ~40 ns.
   */
  foundBytesView(): Uint8Array {
    const u32 = this.u32, r = this.r32;
    const p = u32[r + R_VAL_PTR];
    return this.u8.subarray(p, p + u32[r + R_VAL_LEN]);
  }

  foundStrlen(): number {
    return this.u32[this.r32 + R_VAL_LEN];
  }

  /** GETRANGE of the found string (Redis index rules), as a copy. */
  foundRange(start: number, end: number): Uint8Array {
    const len = this.u32[this.r32 + R_VAL_LEN];
    if (start < 0 && end < 0 && start > end) return new Uint8Array(0);
    if (start < 0) start = len + start;
    if (end < 0) end = len + end;
    if (start < 0) start = 0;
    if (end < 0) end = 0;
    if (end >= len) end = len - 1;
    if (start > end || len === 0) return new Uint8Array(0);
    const p = this.u32[this.r32 + R_VAL_PTR];
    return this.u8.slice(p + start, p + end + 1);
  }

  /**
   * The found string value WITHOUT a copy, for bit reads over big values
   * (BITCOUNT, BITPOS). The view is only valid until the next store call:
   * any call may grow memory (detaching it) or change the value. Never hand
   * it to users.
   */
  foundStringView(): Uint8Array {
    this.sync();
    const u32 = this.u32, r = this.r32;
    const p = u32[r + R_VAL_PTR];
    return this.u8.subarray(p, p + u32[r + R_VAL_LEN]);
  }

  /** Byte `index` of the found string value (no copy, no allocation); 0 past its end, as a zero-padded bitmap. */
  foundStringByte(index: number): number {
    const u32 = this.u32, r = this.r32;
    return index < u32[r + R_VAL_LEN] ? this.u8[u32[r + R_VAL_PTR] + index] : 0;
  }

  /** Keys in the db, logically expired ones included (as Redis DBSIZE). */
  dbSize(db: number): number {
    return this.ex.dbSize(db) >>> 0;
  }

  /** One SCAN step: cursor 0 starts; a returned cursor of 0 means done. */
  scan(db: number, cursor: number, count: number): { cursor: number; keys: Uint8Array[] } {
    if (!(db >= 0 && db < this.dbs)) return { cursor: 0, keys: [] };
    const r = this.ex.scan(db, cursor >>> 0, Math.max(1, Math.min(count, 0x7fffffff)) >>> 0);
    this.sync();
    if (r < 0) this.fail(r, db, 0);
    return { cursor: this.f64[this.r64 + R_NUMBER], keys: this.outItems() };
  }

  // ------------------------------------------------------------ lists (owner: assembly/list.ts)

  /** LPUSH/RPUSH (tail) one value; onlyIfExists for LPUSHX/RPUSHX. The new length (0: absent, not created). */
  listPush(db: number, key: Uint8Array, value: Uint8Array, tail: boolean, onlyIfExists: boolean): number {
    this.checkDb(db);
    this.put2(key, value);
    const kl = key.length, sp = this.sp;
    const r = this.ex.listPush(db, sp, kl, sp + kl, value.length, tail ? 1 : 0, onlyIfExists ? 1 : 0);
    return this.done(r, db, kl, "list");
  }

  /** LPOP/RPOP (tail) one value; the key is deleted when the list empties. Null when absent. */
  listPop(db: number, key: Uint8Array, tail: boolean): Uint8Array | null {
    if (!(db >= 0 && db < this.dbs)) return null;
    this.put2(key, null);
    const kl = key.length;
    if (this.done(this.ex.listPop(db, this.sp, kl, tail ? 1 : 0), db, kl, "list") === 0) return null;
    return this.outFirstItem();
  }

  /**
   * LPOP/RPOP with a count (values discarded, one call): how many were
   * removed, 0 when the key is absent. The key is deleted when the list empties.
   */
  listPopMany(db: number, key: Uint8Array, tail: boolean, count: number): number {
    if (!(db >= 0 && db < this.dbs)) return 0;
    this.put2(key, null);
    const kl = key.length;
    return this.done(this.ex.listPopMany(db, this.sp, kl, tail ? 1 : 0, listArg(count)), db, kl, "list");
  }

  /** LSET: throws "ERR no such key" / "ERR index out of range" as Redis. */
  listSet(db: number, key: Uint8Array, index: number, value: Uint8Array): void {
    if (!(db >= 0 && db < this.dbs)) throw argError("ERR no such key");
    this.put2(key, value);
    const kl = key.length, sp = this.sp;
    const r = this.ex.listSet(db, sp, kl, listArg(index), sp + kl, value.length);
    if (r === ST_NO_KEY) {
      this.sync();
      throw argError("ERR no such key");
    }
    this.done(r, db, kl, "list");
  }

  /** LINSERT BEFORE/AFTER: the new length, -1 when the pivot is missing, 0 when the key is absent. */
  listInsert(db: number, key: Uint8Array, before: boolean, pivot: Uint8Array, value: Uint8Array): number {
    if (!(db >= 0 && db < this.dbs)) return 0;
    this.put3(key, pivot, value);
    const kl = key.length, pl = pivot.length, sp = this.sp;
    const r = this.ex.listInsert(db, sp, kl, before ? 1 : 0, sp + kl, pl, sp + kl + pl, value.length);
    // the export answers 1 for a missing pivot (a list that got an insert has >= 2 elements)
    return this.done(r, db, kl, "list") === 1 ? -1 : r;
  }

  /** LREM with Redis's count rules (0 all, > 0 from head, < 0 from tail): removed count. */
  listRemove(db: number, key: Uint8Array, count: number, value: Uint8Array): number {
    if (!(db >= 0 && db < this.dbs)) return 0;
    this.put2(key, value);
    const kl = key.length, sp = this.sp;
    return this.done(this.ex.listRemove(db, sp, kl, listArg(count), sp + kl, value.length), db, kl, "list");
  }

  /** LTRIM with Redis index rules (an empty result deletes the key). */
  listTrim(db: number, key: Uint8Array, start: number, stop: number): void {
    if (!(db >= 0 && db < this.dbs)) return;
    this.put2(key, null);
    const kl = key.length;
    this.done(this.ex.listTrim(db, this.sp, kl, listArg(start), listArg(stop)), db, kl, "list");
  }

  /**
   * LMOVE / RPOPLPUSH: moves the element at one end of `src` to one end of
   * `dst` (the same key rotates); false when `src` is absent. WRONGTYPE when
   * either key holds another type (the destination is checked only when the
   * source exists, as Redis does).
   */
  listMove(db: number, src: Uint8Array, dst: Uint8Array, fromTail: boolean, toTail: boolean): boolean {
    if (!(db >= 0 && db < this.dbs)) return false;
    this.put2(src, dst);
    const sl = src.length, sp = this.sp;
    const r = this.ex.listMove(db, sp, sl, sp + sl, dst.length, fromTail ? 1 : 0, toTail ? 1 : 0);
    if (r === ST_WRONGTYPE) {
      this.sync();
      // which key: the source when it is not a list, else the destination
      let t = this.ex.find(db, sp, sl);
      if (t === ValueType.list) t = this.ex.find(db, sp + sl, dst.length);
      this.foundType = t;
      throw new WrongTypeError("list", this.foundTypeName());
    }
    return this.done(r, db, sl, "list") === 1;
  }

  /** LLEN of the list found by the last find(). */
  foundListLength(): number {
    if (this.foundType !== ValueType.list) return 0;
    return this.u32[(this.foundPtr >>> 2) + LIST_COUNT_SLOT];
  }

  /** LINDEX (negative from the tail) of the found list; null out of range. */
  foundListIndex(index: number): Uint8Array | null {
    if (this.foundType !== ValueType.list) return null;
    // reported through the output slots so the found structure pointer stays readable
    if (this.ex.listIndex(this.foundPtr, listArg(index)) === 0) return null;
    const p = this.u32[this.r32 + R_OUT_PTR];
    return this.u8.slice(p, p + this.u32[this.r32 + R_OUT_PTR + 1]);
  }

  /** LRANGE (Redis index rules) of the found list. */
  foundListRange(start: number, stop: number): Uint8Array[];
  /** As above, the elements decoded as UTF-8 strings. */
  foundListRange(start: number, stop: number, text: true): string[];
  foundListRange(start: number, stop: number, text = false): Uint8Array[] | string[] {
    if (this.foundType !== ValueType.list) return [];
    const r = this.ex.listRange(this.foundPtr, listArg(start), listArg(stop));
    this.sync();
    if (r < 0) throw new StoreFullError();
    return text ? this.outTexts(0) : this.outItems();
  }

  /** The first item of the output buffer (a popped or moved value), as a copy. */
  private outFirstItem(): Uint8Array {
    const p = this.u32[this.r32 + R_OUT_PTR];
    const len = this.dv.getUint32(p, true);
    return this.u8.slice(p + 4, p + 4 + len);
  }

  // ------------------------------------------------------------ sets (owner: assembly/set.ts)

  /** SADD one member: true when added. */
  setAdd(db: number, key: Uint8Array, member: Uint8Array): boolean {
    this.checkDb(db);
    this.put2(key, member);
    const kl = key.length;
    return this.done(this.ex.setAdd(db, this.sp, kl, this.sp + kl, member.length), db, kl, "set") === 1;
  }

  /**
   * SADD of `members[start..]` in one call (SADD's arguments as received,
   * SINTERSTORE-style results): how many were added. Throws WRONGTYPE before
   * adding anything; a StoreFullError keeps the members added before it.
   */
  setAddMany(db: number, key: Uint8Array, members: readonly Uint8Array[], start = 0): number {
    this.checkDb(db);
    const n = this.putItems(key, members, start);
    const kl = key.length;
    return this.done(this.ex.setAddMany(db, this.sp, kl, this.sp + kl, n), db, kl, "set");
  }

  /** SREM one member: true when removed; the key is deleted when the set empties. */
  setRemove(db: number, key: Uint8Array, member: Uint8Array): boolean {
    if (!(db >= 0 && db < this.dbs)) return false;
    this.put2(key, member);
    const kl = key.length;
    return this.done(this.ex.setRemove(db, this.sp, kl, this.sp + kl, member.length), db, kl, "set") === 1;
  }

  /** SREM of `members[start..]` in one call: how many were removed (the key is deleted when the set empties). */
  setRemoveMany(db: number, key: Uint8Array, members: readonly Uint8Array[], start = 0): number {
    if (!(db >= 0 && db < this.dbs)) return 0;
    const n = this.putItems(key, members, start);
    const kl = key.length;
    return this.done(this.ex.setRemoveMany(db, this.sp, kl, this.sp + kl, n), db, kl, "set");
  }

  /**
   * SMOVE src dst member, as t_set.c: Redis's reply (1 moved, or src == dst
   * and member present; 0 otherwise). An absent source is 0 whatever dst
   * holds; a source or destination of another type throws WRONGTYPE.
   */
  setMove(db: number, src: Uint8Array, dst: Uint8Array, member: Uint8Array): number {
    if (!(db >= 0 && db < this.dbs)) return 0;
    this.put3(src, dst, member);
    const sl = src.length, dl = dst.length;
    const r = this.ex.setMove(db, this.sp, sl, this.sp + sl, dl, this.sp + sl + dl, member.length);
    this.sync();
    if (r === ST_WRONGTYPE && this.ex.find(db, this.sp, sl) === ValueType.set) {
      // the source is a set: the destination is the key of the wrong type
      this.put2(dst, null);
      this.fail(r, db, dl, "set");
    }
    return this.done(r, db, sl, "set");
  }

  /** SCARD of the found set. */
  foundSetCard(): number {
    this.expectFoundSet();
    return this.ex.setCard(this.foundPtr) >>> 0;
  }

  /** SISMEMBER on the found set. */
  foundSetHas(member: KeyInput): boolean {
    this.expectFoundSet();
    const p = this.foundPtr;
    const n = this.putKey(member);
    return this.ex.setHas(p, this.sp, n) === 1;
  }

  /** Members of the found set in byte order. */
  foundSetMembers(): Uint8Array[];
  /** As above, the members decoded as UTF-8 strings. */
  foundSetMembers(text: true): string[];
  foundSetMembers(text = false): Uint8Array[] | string[] {
    this.expectFoundSet();
    const r = this.ex.setMembers(this.foundPtr);
    this.sync();
    if (r < 0) throw new StoreFullError();
    return text ? this.outTexts(0) : this.outItems();
  }

  /**
   * The store's encoding of the found set, named as OBJECT ENCODING would
   * (it does not copy Redis's rules: no intset, no size hints): "listpack"
   * while small (<= 128 members of <= 64 bytes, Redis's defaults),
   * "hashtable" once past either limit (never back).
   */
  foundSetEncoding(): "listpack" | "hashtable" {
    this.expectFoundSet();
    return this.ex.setEncoding(this.foundPtr) === 1 ? "listpack" : "hashtable";
  }

  /** The found* set accessors read a structure pointer: never let them read another type's. */
  private expectFoundSet(): void {
    if (this.foundType !== ValueType.set) throw new WrongTypeError("set", this.foundTypeName());
  }

  /**
   * Writes a key at scratch offset 0, then `items[start..]` as [u32 len][bytes]
   * records right after it; returns the record count.
   */
  private putItems(key: Uint8Array, items: readonly Uint8Array[], start: number): number {
    let size = key.length;
    for (let i = start; i < items.length; i++) size += 4 + items[i].length;
    if (size > this.scap) this.growScratch(size);
    const sv = this.sv;
    sv.set(key, 0);
    let at = key.length;
    for (let i = start; i < items.length; i++) {
      const item = items[i];
      const len = item.length;
      sv[at] = len & 0xff;
      sv[at + 1] = (len >>> 8) & 0xff;
      sv[at + 2] = (len >>> 16) & 0xff;
      sv[at + 3] = len >>> 24;
      at += 4;
      // a typed-array set() costs more than a short loop for the usual short member
      if (len <= 16) {
        for (let j = 0; j < len; j++) sv[at + j] = item[j];
      } else {
        sv.set(item, at);
      }
      at += len;
    }
    return Math.max(0, items.length - start);
  }

  // ------------------------------------------------------------ sorted sets (owner: assembly/zset.ts)

  /**
   * ZADD of one member with ZADD_* flags (NX/XX/GT/LT/INCR; CH only changes
   * the reply). Returns ZADD_ADDED / ZADD_UPDATED / ZADD_NOOP; the member's
   * resulting score is then in `zsetLastScore`. Throws on NaN (INCR).
   *
   * `sizeHint` / `lengthHint` are Redis 7.2+'s encoding hints
   * (`zsetTypeCreate`): ZADD passes its number of pairs and its first
   * member's length; a store command building a new key passes the result's
   * size and longest member. A key created with sizeHint > 128 or
   * lengthHint > 64 starts as a skiplist, and a small existing zset converts
   * when sizeHint > 128. The encoding only shows in one thing: a small
   * (listpack) zset stores a score of -0 as 0, a skiplist keeps -0, as Redis.
   */
  zsetAdd(
    db: number,
    key: Uint8Array,
    member: Uint8Array,
    score: number,
    flags: number,
    sizeHint = 0,
    lengthHint = 0,
  ): number {
    this.checkDb(db);
    this.put2(key, member);
    const kl = key.length, mp = this.sp + kl;
    const r = this.ex.zsetAdd(db, this.sp, kl, mp, member.length, score, flags, hint(sizeHint), hint(lengthHint));
    this.lastZsetScore = NaN;
    this.done(r, db, kl, "zset");
    this.lastZsetScore = this.f64[this.r64 + R_NUMBER];
    return r;
  }

  private lastZsetScore = NaN;

  /** Score after the last zsetAdd (NaN when a flag stopped it). */
  get zsetLastScore(): number {
    return this.lastZsetScore;
  }

  /** ZREM one member: true when removed; the key is deleted when the zset empties. */
  zsetRemove(db: number, key: Uint8Array, member: Uint8Array): boolean {
    if (!(db >= 0 && db < this.dbs)) return false;
    this.put2(key, member);
    const kl = key.length;
    return this.done(this.ex.zsetRem(db, this.sp, kl, this.sp + kl, member.length), db, kl, "zset") === 1;
  }

  /** ZREMRANGEBYRANK/SCORE/LEX: removed count (empty zset deleted). */
  zsetRemoveRange(db: number, key: Uint8Array, range: ZsetRange): number {
    if (!(db >= 0 && db < this.dbs)) return 0;
    const kl = key.length;
    let r: number;
    if (range.by === "rank") {
      this.put2(key, null);
      r = this.ex.zsetRemRank(db, this.sp, kl, rankIndex(range.start), rankIndex(range.stop));
    } else {
      this.putZsetRange(key, range);
      r = this.ex.zsetRemInRange(db, this.sp, kl);
    }
    return this.done(r, db, kl, "zset");
  }

  /** ZPOPMIN/ZPOPMAX (max) of up to count members: removed count (0 for count <= 0). */
  zsetPop(db: number, key: Uint8Array, max: boolean, count: number): number {
    if (!(db >= 0 && db < this.dbs)) return 0;
    if (Number.isNaN(count)) throw argError("ERR value is out of range, must be positive");
    this.put2(key, null);
    const kl = key.length;
    const r = this.ex.zsetPop(db, this.sp, kl, max ? 1 : 0, Math.max(-1, Math.min(count, 2 ** 53)));
    return this.done(r, db, kl, "zset");
  }

  /** ZCARD of the found zset (0 when the key was absent). */
  foundZsetCard(): number {
    return this.expectFoundZset() ? this.ex.zsetCard(this.foundPtr) >>> 0 : 0;
  }

  /** ZSCORE on the found zset; null when not a member. */
  foundZsetScore(member: KeyInput): number | null {
    if (!this.expectFoundZset()) return null;
    const p = this.foundPtr;
    const n = this.putKey(member);
    return this.ex.zsetScore(p, this.sp, n) === 1 ? this.f64[this.r64 + R_NUMBER] : null;
  }

  /** ZRANK / ZREVRANK (reverse) on the found zset; null when not a member. */
  foundZsetRank(member: KeyInput, reverse: boolean): number | null {
    if (!this.expectFoundZset()) return null;
    const p = this.foundPtr;
    const n = this.putKey(member);
    if (this.ex.zsetRank(p, this.sp, n) !== 1) return null;
    const rank = this.u32[this.r32 + R_COUNT];
    return reverse ? (this.ex.zsetCard(p) >>> 0) - 1 - rank : rank;
  }

  /**
   * Members of the found zset in `range`, ascending (score, member) order or
   * descending with `reverse`, skipping `offset` and returning at most
   * `count` (-1: all) — ZRANGE's BYSCORE/BYLEX/REV/LIMIT semantics. Rank
   * ranges use Redis index rules, counted from the end when reversed.
   *
   * As ZRANGE, which refuses LIMIT with a rank range unless count is -1 and
   * then ignores it, `offset` and `count` apply to score and lex ranges only.
   * A negative offset gives nothing (Redis 7.0 and 8.2+). Lex ranges assume
   * equal scores, as Redis's (on small zsets the answer for mixed scores is
   * exactly Redis's; on skiplists Redis's own answer depends on node levels).
   */
  foundZsetRange(range: ZsetRange, reverse?: boolean, offset?: number, count?: number): ScoredMembers;
  /** As above, the members decoded as UTF-8 strings. */
  foundZsetRange(range: ZsetRange, reverse: boolean, offset: number, count: number, text: true): ScoredMembers<string>;
  foundZsetRange(
    range: ZsetRange,
    reverse = false,
    offset = 0,
    count = -1,
    text = false,
  ): ScoredMembers | ScoredMembers<string> {
    if (!this.expectFoundZset()) return { members: [], scores: [] };
    const p = this.foundPtr;
    let r: number;
    if (range.by === "rank") {
      r = this.ex.zsetRangeRank(p, rankIndex(range.start), rankIndex(range.stop), reverse ? 1 : 0);
    } else {
      this.putZsetRange(null, range);
      r = this.ex.zsetRangeIn(p, reverse ? 1 : 0, rankIndex(offset), rankIndex(count));
    }
    this.sync();
    if (r < 0) throw new StoreFullError();
    return text ? this.outScoredTexts() : this.outScored();
  }

  /** ZCOUNT / ZLEXCOUNT of a score or lex range on the found zset (a rank range: its clamped size). */
  foundZsetCount(range: ZsetRange): number {
    if (!this.expectFoundZset()) return 0;
    const p = this.foundPtr;
    if (range.by === "rank") return rankRangeSize(this.ex.zsetCard(p) >>> 0, range.start, range.stop);
    this.putZsetRange(null, range);
    return this.ex.zsetCountIn(p) >>> 0;
  }

  /**
   * OBJECT ENCODING of the found zset: "listpack" while small (<= 128 members
   * of <= 64 bytes, Redis's defaults), "skiplist" after (never back).
   */
  foundZsetEncoding(): "listpack" | "skiplist" {
    if (this.foundType !== ValueType.zset) throw new WrongTypeError("zset", this.foundTypeName());
    return this.ex.zsetEncodingOf(this.foundPtr) === 1 ? "listpack" : "skiplist";
  }

  /** False when the last find() found nothing; throws WRONGTYPE for another type (never read its pointer). */
  private expectFoundZset(): boolean {
    if (this.foundType === ValueType.zset) return true;
    if (this.foundType === ValueType.none) return false;
    throw new WrongTypeError("zset", this.foundTypeName());
  }

  /**
   * Makes a score or lex range current on the wasm side. Lex values go to
   * scratch after the key (when given), where they stay until the next call.
   */
  private putZsetRange(key: Uint8Array | null, range: ZsetRange): void {
    if (range.by === "score") {
      if (Number.isNaN(range.min) || Number.isNaN(range.max)) throw argError("ERR min or max is not a float");
      this.ex.zsetScoreRange(range.min, range.minExclusive ? 1 : 0, range.max, range.maxExclusive ? 1 : 0);
      if (key !== null) this.put2(key, null);
      return;
    }
    if (range.by !== "lex") throw argError("ERR a score or lex range is needed");
    const min = lexValue(range.min), max = lexValue(range.max);
    const kl = key === null ? 0 : key.length;
    if (key === null) this.put2(min, max);
    else this.put3(key, min, max);
    const at = this.sp + kl;
    this.ex.zsetLexRange(at, min.length, lexKind(range.min), at + min.length, max.length, lexKind(range.max));
  }

  // ------------------------------------------------------------ hashes (owner: assembly/hash.ts)

  /** HSET one field: true when the field is new. Clears the field's TTL unless keepTtl (HSETEX KEEPTTL). */
  hashSet(db: number, key: Uint8Array, field: Uint8Array, value: Uint8Array, keepTtl = false): boolean {
    return this.hashWrite(db, key, field, value, keepTtl ? HSET_KEEPTTL : 0) === 1;
  }

  /** HSETNX: true when set. */
  hashSetIfAbsent(db: number, key: Uint8Array, field: Uint8Array, value: Uint8Array): boolean {
    return this.hashWrite(db, key, field, value, HSET_NX) === 1;
  }

  private hashWrite(db: number, key: Uint8Array, field: Uint8Array, value: Uint8Array, flags: number): number {
    this.checkDb(db);
    this.put3(key, field, value);
    const sp = this.sp, kl = key.length, fl = field.length;
    return this.done(this.ex.hashSet(db, sp, kl, sp + kl, fl, sp + kl + fl, value.length, flags), db, kl, "hash");
  }

  /** HDEL one field: true when removed; the key is deleted when the hash empties. */
  hashDelete(db: number, key: Uint8Array, field: Uint8Array): boolean {
    if (!(db >= 0 && db < this.dbs)) return false;
    this.put2(key, field);
    const kl = key.length;
    return this.done(this.ex.hashDel(db, this.sp, kl, this.sp + kl, field.length), db, kl, "hash") === 1;
  }

  /**
   * HINCRBY (delta as decimal text, strict): the stored decimal text. Throws
   * "ERR value is not an integer or out of range" (delta), "ERR hash value is
   * not an integer" (stored value), "ERR increment or decrement would
   * overflow", WRONGTYPE; nothing changes then. Keeps the field's TTL.
   */
  hashIncrBy(db: number, key: Uint8Array, field: Uint8Array, delta: Uint8Array): string {
    this.checkDb(db);
    this.put3(key, field, delta);
    const sp = this.sp, kl = key.length, fl = field.length;
    this.done(this.ex.hashIncrBy(db, sp, kl, sp + kl, fl, sp + kl + fl, delta.length), db, kl, "hash");
    const u32 = this.u32, r = this.r32;
    return this.decodeAt(u32[r + R_VAL_PTR], u32[r + R_VAL_LEN]);
  }

  /**
   * HPEXPIREAT for one field with condition HFE_* (0 none, NX, XX, GT, LT):
   * Redis's per-field codes: -2 no such field (or key), 0 condition not met,
   * 1 set, 2 deleted (time already past).
   *
   * A replica never deletes here (Redis's checkAlreadyExpired is false on a
   * replica: a passed TTL is stored and the primary's HDEL follows), so 2 only
   * comes back when `nowMs` (a primary's clock, default -1: replica) is given
   * and expireAtMs <= nowMs.
   */
  hashSetFieldExpire(
    db: number,
    key: Uint8Array,
    field: Uint8Array,
    expireAtMs: number,
    condition: number,
    nowMs = -1,
  ): number {
    if (!(db >= 0 && db < this.dbs)) return -2;
    if (!(expireAtMs >= 0) || !Number.isInteger(expireAtMs)) throw argError("ERR invalid expire time");
    if (!(condition >= HFE_NONE && condition <= HFE_LT)) throw argError(`ERR invalid condition ${condition}`);
    this.put2(key, field);
    const kl = key.length;
    const r = this.ex.hashFieldExpire(db, this.sp, kl, this.sp + kl, field.length, expireAtMs, condition, nowMs);
    return HEXP_REPLY[this.done(r, db, kl, "hash")];
  }

  /**
   * HPERSIST of one field: -2 no such field, -1 no TTL, 1 removed. A TTL that
   * already passed is removed too (Redis would answer -2 without change, but
   * its primary then deletes the field and sends HDEL anyway).
   */
  hashPersistField(db: number, key: Uint8Array, field: Uint8Array): number {
    if (!(db >= 0 && db < this.dbs)) return -2;
    this.put2(key, field);
    const kl = key.length;
    const r = this.ex.hashFieldPersist(db, this.sp, kl, this.sp + kl, field.length);
    return HPERSIST_REPLY[this.done(r, db, kl, "hash")];
  }

  /** HLEN of the found hash (fields with passed TTLs included: the primary deletes them). 0 unless a hash was found. */
  foundHashLength(): number {
    if (this.foundType !== ValueType.hash) return 0;
    return this.ex.hashLen(this.foundPtr) >>> 0;
  }

  /**
   * Representation of the found hash, named like Redis's OBJECT ENCODING:
   * "listpack" while at most 128 fields of at most 64 bytes (field and value),
   * "hashtable" after (Redis's own defaults are 512 fields / 64 bytes); null
   * unless a hash was found.
   */
  foundHashEncoding(): "listpack" | "hashtable" | null {
    if (this.foundType !== ValueType.hash) return null;
    return this.ex.hashKind(this.foundPtr) === 1 ? "listpack" : "hashtable";
  }

  /** HGET on the found hash; null when absent (or no hash was found). */
  foundHashGet(field: KeyInput): Uint8Array | null {
    if (!this.foundHashLookup(field)) return null;
    const p = this.u32[this.r32 + R_OUT_PTR];
    return this.u8.slice(p, p + this.u32[this.r32 + R_OUT_PTR + 1]);
  }

  /** Every field of the found hash in byte order, with values and field TTLs (-1 none). */
  foundHashEntries(): HashEntries;
  /** As above, fields and values decoded as UTF-8 strings. */
  foundHashEntries(text: true): HashEntries<string>;
  foundHashEntries(text = false): HashEntries | HashEntries<string> {
    if (this.foundType !== ValueType.hash) return { fields: [], values: [], expireAts: [] };
    const r = this.ex.hashEntries(this.foundPtr);
    this.sync();
    if (r < 0) throw new StoreFullError();
    return text ? this.outHashTexts() : this.outHashEntries();
  }

  /** A field's absolute TTL in unix ms on the found hash: -2 no field, -1 none. */
  foundHashFieldExpireAt(field: KeyInput): number {
    if (!this.foundHashLookup(field)) return -2;
    return this.f64[this.r64 + R_NUMBER];
  }

  /**
   * Looks a field up in the found hash (value in R_OUT_PTR/LEN, TTL in
   * R_NUMBER; the found structure pointer in R_VAL_PTR stays). The field text
   * goes to scratch offset 0, where the found key was: find() is done with it.
   */
  /**
   * HGET in one lookup: the field's value (decoded as UTF-8 when `text`), or
   * null when the found hash has no such field; the field's TTL (unix ms, -1
   * none) is then in {@linkcode Store.foundFieldExpireAt}.
   */
  foundHashValue(field: KeyInput): Uint8Array | null;
  foundHashValue(field: KeyInput, text: true): string | null;
  foundHashValue(field: KeyInput, text = false): Uint8Array | string | null {
    if (!this.foundHashLookup(field)) return null;
    this.fieldExpireAt = this.f64[this.r64 + R_NUMBER];
    const p = this.u32[this.r32 + R_OUT_PTR], n = this.u32[this.r32 + R_OUT_PTR + 1];
    return text ? this.decodeAt(p, n) : this.u8.slice(p, p + n);
  }

  /** TTL of the field the last {@linkcode Store.foundHashValue} found (unix ms, -1 none). */
  get foundFieldExpireAt(): number {
    return this.fieldExpireAt;
  }

  private fieldExpireAt = -1;

  private foundHashLookup(field: KeyInput): boolean {
    if (this.foundType !== ValueType.hash) return false;
    const hp = this.foundPtr;
    const n = this.putKey(field);
    return this.ex.hashGet(hp, this.sp, n) === 1;
  }

  // ------------------------------------------------------------ ordered access, sampling, scans
  //                                  (owner: assembly/order.ts, assembly/sample.ts, assembly/coll_scan.ts)
  //
  // Reads that need an order or a sample of a collection or a database:
  // byte-ordered iteration after an anchor (sets, hashes, keys), (score,
  // member) iteration (sorted sets), Redis's random picks, and SCAN cursors.
  // All of them act on the key of the last find() (found*) or on a database.
  // A found key of another type throws WRONGTYPE; no key gives an empty
  // result. Nothing is filtered: logically expired keys and hash fields whose
  // TTL passed are included (hash results carry each field's TTL).
  //
  // Large hashed collections and databases answer the *After reads from a
  // sorted index of the dict (assembly/order_cache.ts): built on first use
  // (O(n log n); 4 bytes per item kept, 48 more per item during the build),
  // then O(log n + count) per read, O(count) when a read continues where the
  // previous one stopped. Writes to an indexed dict are logged and patched
  // into the index by the next read (one pass over it) instead of a rebuild.
  // At most 8 indexes, 64 MiB, least recently used first out; when memory is
  // short the reads answer by selection passes over the dict instead (O(n)
  // per 256 items), needing memory for their output only.

  /**
   * Up to `count` members of the found set strictly after `anchor` in byte
   * order (strictly before it when `reverse`); `anchor` null starts at the
   * first (last) member. An empty array at the end.
   */
  foundSetAfter(anchor: KeyInput | null, reverse: boolean, count: number): Uint8Array[] {
    const p = this.foundStructure(ValueType.set, "set");
    if (p === 0 || !(count >= 1)) return [];
    const al = anchor === null ? 0 : this.putKey(anchor);
    const r = this.ex.setAfter(p, this.sp, al, anchor === null ? 0 : 1, reverse ? 1 : 0, countArg(count));
    this.outChecked(r);
    return this.outItems();
  }

  /** As {@linkcode Store.foundSetAfter}, for the found hash's fields (with values and field TTLs). */
  foundHashAfter(anchor: KeyInput | null, reverse: boolean, count: number): HashEntries {
    const h = this.foundStructure(ValueType.hash, "hash");
    if (h === 0 || !(count >= 1)) return { fields: [], values: [], expireAts: [] };
    const al = anchor === null ? 0 : this.putKey(anchor);
    const r = this.ex.hashAfter(h, this.sp, al, anchor === null ? 0 : 1, reverse ? 1 : 0, countArg(count));
    this.outChecked(r);
    return this.outHashEntries();
  }

  /**
   * Up to `count` members of the found sorted set strictly after (`score`,
   * `member`) in (score, member) order (strictly before when `reverse`);
   * `anchor` null starts at the first (last) member.
   */
  foundZsetAfter(anchor: { score: number; member: KeyInput } | null, reverse: boolean, count: number): ScoredMembers {
    const z = this.foundStructure(ValueType.zset, "zset");
    if (z === 0 || !(count >= 1)) return { members: [], scores: [] };
    if (anchor !== null && Number.isNaN(anchor.score)) throw argError("ERR min or max is not a float");
    const al = anchor === null ? 0 : this.putKey(anchor.member);
    const score = anchor === null ? 0 : anchor.score;
    const r = this.ex.zsetAfter(z, score, this.sp, al, anchor === null ? 0 : 1, reverse ? 1 : 0, countArg(count));
    this.outChecked(r);
    return this.outScored();
  }

  /** Up to `count` keys of `db` strictly after `anchor` in byte order (before it when `reverse`); null: from the start (end). */
  keysAfter(db: number, anchor: KeyInput | null, reverse: boolean, count: number): Uint8Array[] {
    if (!(db >= 0 && db < this.dbs) || !(count >= 1)) return [];
    const al = anchor === null ? 0 : this.putKey(anchor);
    const r = this.ex.keysAfter(db, this.sp, al, anchor === null ? 0 : 1, reverse ? 1 : 0, countArg(count));
    this.outChecked(r);
    return this.outItems();
  }

  /**
   * Random members of the found set as Redis's SRANDMEMBER picks them:
   * `count` > 0 gives min(count, card) distinct members, `count` < 0 gives
   * -count members that may repeat.
   */
  foundSetRandom(count: number): Uint8Array[] {
    const p = this.foundStructure(ValueType.set, "set");
    if (p === 0) return [];
    this.outChecked(this.ex.setRandom(p, randomCountArg(count)));
    return this.outItems();
  }

  /** As {@linkcode Store.foundSetRandom}, for the found hash (HRANDFIELD): fields with values and field TTLs. */
  foundHashRandom(count: number): HashEntries {
    const h = this.foundStructure(ValueType.hash, "hash");
    if (h === 0) return { fields: [], values: [], expireAts: [] };
    this.outChecked(this.ex.hashRandom(h, randomCountArg(count)));
    return this.outHashEntries();
  }

  /** As {@linkcode Store.foundSetRandom}, for the found sorted set (ZRANDMEMBER): members with scores. */
  foundZsetRandom(count: number): ScoredMembers {
    const z = this.foundStructure(ValueType.zset, "zset");
    if (z === 0) return { members: [], scores: [] };
    this.outChecked(this.ex.zsetRandom(z, randomCountArg(count)));
    return this.outScored();
  }

  /** A random key of `db` (RANDOMKEY), null when it is empty. Expired keys are candidates too. */
  randomKey(db: number): Uint8Array | null {
    if (!(db >= 0 && db < this.dbs)) return null;
    const r = this.ex.randomKey(db);
    if (r === 0) return null;
    this.outChecked(r);
    return this.outFirstItem();
  }

  /**
   * Fixes the seed of the random picks (foundSetRandom and the others,
   * randomKey), for reproducible tests; a store otherwise draws from a
   * seed of its own.
   */
  seedRandom(seed: number): void {
    const lo = seed >>> 0;
    const hi = Math.floor(seed / 4294967296) >>> 0;
    this.ex.randomSeed(lo, hi);
  }

  /**
   * One SSCAN step over the found set: cursor 0 starts, a returned cursor 0
   * means done; every member present for the whole scan is returned at least
   * once (Redis's guarantee). A packed set returns everything in one step.
   */
  foundSetScan(cursor: number, count: number): { cursor: number; members: Uint8Array[] } {
    const p = this.foundStructure(ValueType.set, "set");
    if (p === 0) return { cursor: 0, members: [] };
    this.outChecked(this.ex.setScan(p, cursorArg(cursor), scanCountArg(count)));
    return { cursor: this.f64[this.r64 + R_NUMBER], members: this.outItems() };
  }

  /** As {@linkcode Store.foundSetScan}, for the found hash (HSCAN). */
  foundHashScan(cursor: number, count: number): { cursor: number; entries: HashEntries } {
    const h = this.foundStructure(ValueType.hash, "hash");
    if (h === 0) return { cursor: 0, entries: { fields: [], values: [], expireAts: [] } };
    this.outChecked(this.ex.hashScan(h, cursorArg(cursor), scanCountArg(count)));
    return { cursor: this.f64[this.r64 + R_NUMBER], entries: this.outHashEntries() };
  }

  /** As {@linkcode Store.foundSetScan}, for the found sorted set (ZSCAN). */
  foundZsetScan(cursor: number, count: number): { cursor: number; entries: ScoredMembers } {
    const z = this.foundStructure(ValueType.zset, "zset");
    if (z === 0) return { cursor: 0, entries: { members: [], scores: [] } };
    this.outChecked(this.ex.zsetScan(z, cursorArg(cursor), scanCountArg(count)));
    return { cursor: this.f64[this.r64 + R_NUMBER], entries: this.outScored() };
  }

  /** Bytes held by cached sorted indexes (diagnostics: they count in usedBytes too). */
  orderIndexBytes(): number {
    return this.ex.orderIndexBytes();
  }

  /**
   * The structure pointer of the last find() when it found `type`; 0 when it
   * found nothing; WRONGTYPE for another type (its pointer is never read).
   */
  private foundStructure(type: number, name: string): number {
    if (this.foundType === type) return this.foundPtr;
    if (this.foundType === ValueType.none) return 0;
    throw new WrongTypeError(name, this.foundTypeName());
  }

  /** Re-derives views after an output-producing call and turns a failed status into StoreFullError. */
  private outChecked(r: number): void {
    this.sync();
    if (r === ST_STORE_FULL) throw new StoreFullError();
    if (r < 0) throw new VeidrodelisError("ARGUMENT", `store status ${r}`);
  }

  /** The output buffer as hash entries: [u32 len][field][u32 len][value][f64 TTL] per field. */
  private outHashEntries(): HashEntries {
    const r = this.r32;
    const n = this.u32[r + R_COUNT] >>> 1;
    const out = this.u8.slice(this.u32[r + R_OUT_PTR], this.u32[r + R_OUT_PTR] + this.u32[r + R_OUT_LEN]);
    const dv = new DataView(out.buffer);
    const fields: Uint8Array[] = new Array(n);
    const values: Uint8Array[] = new Array(n);
    const expireAts: number[] = new Array(n);
    let p = 0;
    for (let i = 0; i < n; i++) {
      const fl = dv.getUint32(p, true);
      fields[i] = out.subarray(p + 4, p + 4 + fl);
      p += 4 + fl;
      const vl = dv.getUint32(p, true);
      values[i] = out.subarray(p + 4, p + 4 + vl);
      p += 4 + vl;
      expireAts[i] = dv.getFloat64(p, true);
      p += 8;
    }
    return { fields, values, expireAts };
  }

  // ------------------------------------------------------------ bulk loading (owner: assembly/bulk.ts)
  //
  // A snapshot load packs records into the record buffer and crosses into
  // wasm once per buffer: many SETs per call, and a collection builder whose
  // key is looked up once, at install, instead of once per element. Records
  // and layouts: assembly/bulk.ts.

  /**
   * SET of a loaded string (old value and TTL replaced; `expireAtMs` -1 for
   * none), **buffered**: it is written by a later call of
   * {@linkcode Store.loadFlush}, {@linkcode Store.loadCollection}, or a
   * loadString for another db, or when the buffer is full. Call loadFlush
   * before anything reads or writes the store by other means.
   */
  loadString(db: number, key: Uint8Array, value: Uint8Array, expireAtMs: number): void {
    if (this.pending !== PENDING_STRINGS || this.pendingDb !== db) {
      if (this.pending === PENDING_ITEMS) this.loadAbort(); // a collection left unfinished (its load failed)
      this.loadFlush();
      this.checkDb(db);
      this.pending = PENDING_STRINGS;
      this.pendingDb = db;
    }
    const kl = key.length, vl = value.length;
    let at = this.roomFor(16 + kl + vl);
    const u8 = this.u8;
    at = putLen(u8, at, kl);
    at = putBytes(u8, at, key);
    at = putLen(u8, at, vl);
    at = putBytes(u8, at, value);
    this.dv.setFloat64(at, expireAtMs, true);
    this.lused = at + 8 - this.lp;
    this.lcount++;
  }

  /** Sizes db's key table for `keys` keys ahead of a load (an RDB's RESIZEDB hint); best effort. */
  loadReserve(db: number, keys: number): void {
    this.checkDb(db);
    this.ex.loadReserve(db, hint(keys));
    this.sync();
  }

  /** Writes the buffered strings of {@linkcode Store.loadString}. */
  loadFlush(): void {
    if (this.pending !== PENDING_STRINGS) return;
    this.flushRecords();
  }

  /**
   * Writes every buffered record now: strings, or the elements of the
   * collection being loaded (which stays open). A paced load calls it after
   * each slice so the slice's store work happens inside the slice: a full
   * buffer written later could cost several milliseconds at once (the first
   * writes into a freshly sized table fault in its pages).
   */
  loadWriteBuffered(): void {
    if (this.pending !== PENDING_NONE) this.flushRecords();
  }

  /**
   * Starts loading a collection (`type` "list" | "set" | "zset" | "hash") at
   * `key` with its TTL (-1 none): elements follow (loadElement, loadMember or
   * loadField), then {@linkcode Store.loadCollectionEnd} installs the key,
   * replacing what it held. Nothing is visible before that; an unfinished
   * collection is dropped by {@linkcode Store.loadAbort} or the next
   * loadCollection. Buffered strings are written first. `sizeHint` is the
   * element count the snapshot states (0: unknown): a big set, zset or hash
   * then starts as a table sized for it, as Redis loads.
   */
  loadCollection(db: number, key: Uint8Array, type: string, expireAtMs: number, sizeHint = 0): void {
    const tag = LOAD_TYPES[type];
    if (tag === undefined) throw argError(`ERR cannot load a collection of type ${type}`);
    this.loadFlush();
    this.checkDb(db);
    this.put2(key, null);
    const r = this.ex.loadBegin(db, this.sp, key.length, tag, expireAtMs, hint(sizeHint));
    this.sync();
    if (r === ST_DUPLICATE_KEY) throw new DuplicateKeyError(db, key.slice());
    if (r < 0) this.fail(r, db, 0);
    this.pending = PENDING_ITEMS;
    this.lused = 0;
    this.lcount = 0;
  }

  /** One list element or set member of the collection being loaded. */
  loadElement(value: Uint8Array): void {
    const len = value.length;
    let at = this.roomFor(4 + len);
    const u8 = this.u8;
    at = putLen(u8, at, len);
    this.lused = putBytes(u8, at, value) - this.lp;
    this.lcount++;
  }

  /** One zset member with its score (not NaN), of the collection being loaded. */
  loadMember(member: Uint8Array, score: number): void {
    const len = member.length;
    let at = this.roomFor(12 + len);
    const u8 = this.u8;
    at = putLen(u8, at, len);
    at = putBytes(u8, at, member);
    this.dv.setFloat64(at, score, true);
    this.lused = at + 8 - this.lp;
    this.lcount++;
  }

  /** One hash field with its value and TTL (-1 none), of the collection being loaded. */
  loadField(field: Uint8Array, value: Uint8Array, expireAtMs: number): void {
    const fl = field.length, vl = value.length;
    let at = this.roomFor(16 + fl + vl);
    const u8 = this.u8;
    at = putLen(u8, at, fl);
    at = putBytes(u8, at, field);
    at = putLen(u8, at, vl);
    at = putBytes(u8, at, value);
    this.dv.setFloat64(at, expireAtMs, true);
    this.lused = at + 8 - this.lp;
    this.lcount++;
  }

  /**
   * Installs the collection being loaded (its TTL set): true, or false when
   * no element came (no key is created, as Redis never keeps an empty
   * collection). Throws StoreFullError with nothing of it left behind.
   */
  loadCollectionEnd(): boolean {
    if (this.pending !== PENDING_ITEMS) throw argError("ERR no collection is being loaded");
    this.flushRecords();
    this.pending = PENDING_NONE;
    const r = this.ex.loadEnd();
    this.sync();
    if (r < 0) this.fail(r, 0, 0);
    return r === 1;
  }

  /** Drops an unfinished collection load (and buffered strings): the store is as before it started. */
  loadAbort(): void {
    this.pending = PENDING_NONE;
    this.lused = 0;
    this.lcount = 0;
    this.ex.loadAbort();
    this.sync();
  }

  /**
   * Absolute address where `n` more record bytes fit: flushes the buffer when
   * they do not, and grows it for a record bigger than the whole buffer.
   */
  private roomFor(n: number): number {
    if (this.lused + n > this.lcap) {
      if (this.lcount > 0) this.flushRecords();
      if (n > this.lcap) this.growLoadBuffer(n);
    }
    return this.lp + this.lused;
  }

  private growLoadBuffer(size: number): void {
    const p = this.ex.loadBuffer(size) >>> 0;
    this.sync();
    if (p === 0) {
      this.loadAbort();
      throw new StoreFullError();
    }
    this.lp = p;
    this.lcap = Math.max(size, 65536);
  }

  /** Hands the buffered records to wasm (strings or the open collection's elements). */
  private flushRecords(): void {
    const n = this.lcount;
    this.lused = 0;
    this.lcount = 0;
    if (n === 0) return;
    const r = this.pending === PENDING_STRINGS
      ? this.ex.loadStrings(this.pendingDb, this.lp, n)
      : this.ex.loadItems(this.lp, n);
    this.sync();
    if (r === ST_DUPLICATE_KEY) {
      const key = this.stringRecordKey(this.f64[this.r64 + R_NUMBER]);
      this.loadAbort();
      throw new DuplicateKeyError(this.pendingDb, key);
    }
    if (r < 0) {
      this.loadAbort();
      this.fail(r, 0, 0);
    }
  }

  /** A copy of the key of string record `index` in the record buffer (layout: assembly/bulk.ts). */
  private stringRecordKey(index: number): Uint8Array {
    let at = this.lp;
    for (let i = 0; i < index; i++) {
      at += 4 + this.dv.getUint32(at, true);
      at += 4 + this.dv.getUint32(at, true) + 8;
    }
    return this.u8.slice(at + 4, at + 4 + this.dv.getUint32(at, true));
  }

  // ------------------------------------------------------------ memory

  /** WebAssembly memory byte length. */
  memoryBytes(): number {
    return this.mem.buffer.byteLength;
  }

  /** Bytes the store has allocated (entries, tables, buffers): a used_memory analogue. */
  usedBytes(): number {
    return this.ex.usedBytes();
  }

  /**
   * Tests only: walks every structure and the allocator and checks their
   * invariants (blocks tile the heap, counts, order, links, dict placement).
   * null when consistent, else what broke and where. O(everything).
   */
  debugCheck(): string | null {
    const code = this.ex.debugCheck();
    this.sync();
    if (code === 0) return null;
    const at = this.f64[this.r64 + R_NUMBER];
    return `${CHECK_MESSAGES[code] ?? `check code ${code}`} at ${at}`;
  }

  /** Advances pending incremental rehashes by n buckets per db; true while work remains. */
  rehash(n = 1000): boolean {
    return this.ex.rehash(n) === 1;
  }

  /** Drops the instance; its memory is released to the GC. Later calls throw CLOSED. */
  dispose(): void {
    this.ex = DISPOSED;
    this.mem = undefined as unknown as WebAssembly.Memory;
    const empty = new ArrayBuffer(0);
    this.u8 = new Uint8Array(empty);
    this.u32 = new Uint32Array(empty);
    this.f64 = new Float64Array(empty);
    this.dv = new DataView(empty);
    this.buf = Buffer.from(empty);
    this.sv = this.u8;
    this.scap = 0;
  }
}

// ------------------------------------------------------------ CRC-64 (owner: assembly/crc64.ts)

/** Bytes copied into the kernel instance per call (chunks are folded in pieces of this size). */
const CRC_PIECE = 1 << 20;

/** A private instance of the store module used only for its byte kernels (CRC-64). */
interface Kernels {
  ex: Exports;
  /** Where input bytes are copied (CRC_PIECE bytes). */
  at: number;
  u8: Uint8Array;
  /** The result area's R_NUMBER slot as two u32 (a raw u64 CRC). */
  crc: Uint32Array;
}
let kernels: Kernels | null = null;

function kernelInstance(): Kernels {
  if (kernels !== null) return kernels;
  const ex = new WebAssembly.Instance(storeModule(), {}).exports as unknown as Exports;
  if (ex.init(0, 0, 1, 0) < 0) throw new StoreFullError();
  const at = ex.scratch(CRC_PIECE) >>> 0;
  if (at === 0) throw new StoreFullError();
  // nothing allocates in this instance after this point: the views stay valid
  const mem = ex.memory.buffer;
  kernels = { ex, at, u8: new Uint8Array(mem), crc: new Uint32Array(mem, (ex.resultPtr() >>> 0) + 24, 2) };
  return kernels;
}

/**
 * CRC-64/Jones as Redis computes it, folded in WebAssembly: the same surface
 * as `Crc64` of src/rdb/crc64.ts (`lo`/`hi` halves, `update`, `equalsLE`,
 * `hex`, `value`), several times faster on large inputs. All instances share
 * one small wasm instance (the bytes are copied into it, a piece at a time).
 *
 * @example
 * ```ts
 * import { WasmCrc64 } from "./store.ts";
 * const c = new WasmCrc64();
 * c.update(new TextEncoder().encode("123456789"));
 * console.log(c.hex()); // "e9c6d914c4b8d9ca"
 * ```
 */
export class WasmCrc64 extends Crc64 {
  /** Fold `buf[start..end)` into the CRC (the reading and formatting methods are Crc64's). */
  override update(buf: Uint8Array, start = 0, end: number = buf.length): void {
    if (end <= start) return;
    const k = kernelInstance();
    const u8 = k.u8, u32 = k.crc;
    let lo = this.lo, hi = this.hi;
    for (let at = start; at < end; at += CRC_PIECE) {
      const stop = Math.min(end, at + CRC_PIECE);
      u8.set(buf.subarray(at, stop), k.at);
      k.ex.crc64(lo, hi, k.at, stop - at);
      lo = u32[0];
      hi = u32[1];
    }
    this.lo = lo;
    this.hi = hi;
  }
}

/** Writes a u32 length (little-endian) at absolute address `at`; returns the address after it. */
function putLen(u8: Uint8Array, at: number, len: number): number {
  u8[at] = len;
  u8[at + 1] = len >>> 8;
  u8[at + 2] = len >>> 16;
  u8[at + 3] = len >>> 24;
  return at + 4;
}

/** Copies bytes to absolute address `at`; returns the address after them. */
function putBytes(u8: Uint8Array, at: number, bytes: Uint8Array): number {
  const len = bytes.length;
  // a typed-array set() costs more than a short loop for the usual short key or member
  if (len <= 16) {
    for (let j = 0; j < len; j++) u8[at + j] = bytes[j];
  } else {
    u8.set(bytes, at);
  }
  return at + len;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Copies `from` into `to` at `at`: short arrays by a loop, which beats `set()`'s call overhead. */
function copyInto(to: Uint8Array, from: Uint8Array, at: number): void {
  const n = from.length;
  if (n > 32) return to.set(from, at);
  for (let i = 0; i < n; i++) to[at + i] = from[i];
}
