/**
 * Streaming, push-based RDB decoder.
 *
 * Bytes arrive in chunks split anywhere; {@linkcode RdbDecoder.push} consumes
 * them once, never re-scanning. The position in the file is explicit state:
 *
 * - a **record/value state** (`st`) with a few counters (elements left in a
 *   collection, consumer groups left in a stream, …), one state per field of
 *   the format;
 * - a **string reader** (`s*` fields) resumable inside a length, an integer
 *   encoding, an LZF header or a body: a body that is entirely inside the
 *   chunk is handed out as a view, otherwise it is assembled into one
 *   exactly-sized buffer;
 * - a **token carry** (`tok`, ≤ 32 bytes) for fixed-size fields and lengths
 *   split across chunks.
 *
 * Compact blobs (listpack, ziplist, intset, zipmap) are bounded strings: once
 * a blob is complete it is walked once by its own cursor module.
 *
 * The CRC-64 is folded over each chunk's consumed range in bulk, and checked
 * against the trailer (RDB ≥ 5) unless the trailer is zero.
 *
 * @module
 */

import { RdbError, type RdbErrorReason, VeidrodelisError } from "../errors.ts";
import { f64le, i64le, parseScoreText, printable, utf8 } from "./bytes.ts";
import {
  type CollectionTypeName,
  MAX_REDIS_RDB_VERSION,
  ModuleOpcode,
  Opcode,
  QuicklistContainer,
  type RdbFlavor,
  typeNameOf,
  VALKEY_RDB_VERSIONS,
  ValueType,
} from "./constants.ts";
import { Crc64 } from "./crc64.ts";
import type { EntryCursor } from "./entries.ts";
import { IntsetCursor } from "./intset.ts";
import { ListpackCursor } from "./listpack.ts";
import { lzfDecompress } from "./lzf.ts";
import { moduleTypeName } from "./module_id.ts";
import type { ExpireAt, RdbSink, RdbSummary } from "./sink.ts";
import { ZiplistCursor } from "./ziplist.ts";
import { ZipmapCursor } from "./zipmap.ts";

/** Options of {@linkcode RdbDecoder}. */
export interface RdbDecoderOptions {
  /**
   * Largest string (or decompressed LZF string) accepted, in bytes; a larger
   * length fails with `TOO_LARGE` before anything is allocated. Default 1 GiB.
   */
  maxStringBytes?: number;
}

const EMPTY = new Uint8Array(0);
const TWO32 = 4294967296;

// ---- states -------------------------------------------------------------
// Records.
const S_HEADER = 0;
const S_OPCODE = 1;
const S_AUX_NAME = 2;
const S_AUX_VALUE = 3;
const S_SELECTDB = 4;
const S_RESIZE_KEYS = 5;
const S_RESIZE_EXPIRES = 6;
const S_EXPIRE_S = 7;
const S_EXPIRE_MS = 8;
const S_FREQ = 9;
const S_IDLE = 10;
const S_FUNCTION2 = 11;
const S_SLOT_INFO = 12;
const S_KEY = 13;
const S_CRC = 14;
const S_DONE = 15;
/** Single-value mode (DUMP payloads): the value's type byte, with no key before the value. */
const S_VALUE_TYPE = 16;
// Values: strings and length-prefixed collections.
const V_STRING = 20;
const V_COUNT = 21;
const V_ELEM = 22; // list / set element
const V_ZSET_MEMBER = 23;
const V_ZSET_BIN = 24;
const V_ZSET_ASCII_LEN = 25;
const V_ZSET_ASCII = 26;
const V_HASH_TTL = 27; // HASH_METADATA(_PRE_GA): ttl before the field
const V_HASH_FIELD = 28;
const V_HASH_VALUE = 29;
const V_HASH_EXP8 = 30; // Valkey HASH_2: int64 expire after the value
const V_MIN_EXPIRE = 31;
const V_BLOB = 32;
const V_QL_NODE = 33;
const V_QL2_CONTAINER = 34;
const V_QL2_NODE = 35;
// Module values and MODULE_AUX records.
const M_ID = 40;
const M_OP = 41;
const M_INT = 42;
const M_F4 = 43;
const M_F8 = 44;
const M_STR = 45;
// Streams.
const X_NLP = 50;
const X_NODEKEY = 51;
const X_LP = 52;
const X_META = 53;
const X_NCG = 54;
const X_G_NAME = 55;
const X_G_META = 56;
const X_G_NPEL = 57;
const X_G_PEL = 58;
const X_G_PEL_CNT = 59;
const X_G_NCONS = 60;
const X_C_NAME = 61;
const X_C_TIMES = 62;
const X_C_NPEL = 63;
const X_C_PEL = 64;

// String reader states.
const STR_LEN = 0;
const STR_INT = 1;
const STR_BODY = 2;
const STR_LZF_CLEN = 3;
const STR_LZF_ULEN = 4;
const STR_LZF_BODY = 5;

/**
 * Push-based RDB decoder.
 *
 * @example
 * ```ts
 * import { RdbDecoder } from "./decoder.ts";
 * const dec = new RdbDecoder({
 *   onString: (db, key, value, exp) => console.log(db, key, value, exp),
 *   onPlaceholder: (db, key, type) => console.log("skipped", type),
 * });
 * // for await (const chunk of source) { const n = dec.push(chunk); if (dec.done) break; }
 * // const summary = dec.finish();
 * ```
 */
export class RdbDecoder {
  private readonly sink: RdbSink;
  private readonly full: boolean;
  private readonly maxString: number;

  // Current chunk.
  private chunk: Uint8Array = EMPTY;
  private pos = 0;
  private end = 0;
  /** Absolute offset of chunk[0]. */
  private base = 0;

  // Token carry for fixed-size fields and lengths split across chunks.
  private readonly tok = new Uint8Array(32);
  private tokHave = 0;
  /** Where the last completed token lives (`tb[to..]`). */
  private tb: Uint8Array = EMPTY;
  private to = 0;

  // Last length read.
  private lv = 0;
  private lvHi = 0;
  private lvLo = 0;
  private lenSpecial = -1;

  // String reader.
  private sState = STR_LEN;
  private sLen = 0;
  private sHave = 0;
  private sULen = 0;
  private sBuf: Uint8Array | null = null;
  private sAt = 0;
  private sBodyAt = 0;
  /** The string just read (valid until the next string read). */
  private str: Uint8Array = EMPTY;
  private strView = false;

  // Record state.
  private st = S_HEADER;
  private flavor: RdbFlavor = "redis";
  private version = 0;
  private db = 0;
  private expire: ExpireAt = null;
  private resizeKeys = 0;
  private readonly crc = new Crc64();
  private crcOn = true;
  private crcFrom = 0;
  private failure: unknown = null;
  /** Single-value mode: one value, then done (see {@linkcode RdbDecoder.expectValue}). */
  private single = false;
  /** Set while a sink callback runs: errors it throws propagate unchanged. */
  private inSink = false;

  // Value state.
  private key: Uint8Array = EMPTY;
  private keyView = false;
  private vtype = 0;
  private vname = "";
  private vcoll = false;
  private count = 0;
  private started = false;
  private afterCount = 0;
  private n1 = 0;
  private n2 = 0;
  private n3 = 0;
  private n4 = 0;
  private n5 = 0;
  private minExpire = 0;
  private fieldTtl: ExpireAt = null;
  private container = 0;
  private modAux = false;
  private modFirst = false;
  /** A field/member waiting for its value (may be a chunk view until detached). */
  private pend: Uint8Array = EMPTY;
  private pendView = false;
  private pend2: Uint8Array = EMPTY;
  private pend2View = false;

  private readonly sum: RdbSummary = {
    magic: "",
    version: 0,
    aux: {},
    keys: 0,
    keysByType: {},
    placeholders: {},
    functions: 0,
    emptyKeysSkipped: 0,
    moduleAux: {},
    bytes: 0,
    checksumVerified: false,
  };

  constructor(sink: RdbSink, options: RdbDecoderOptions = {}) {
    this.sink = sink;
    this.full = typeof sink.onCollectionStart === "function";
    if (this.full) {
      for (const m of ["onListElement", "onSetMember", "onZsetMember", "onHashField", "onCollectionEnd"] as const) {
        if (typeof sink[m] !== "function") {
          throw new VeidrodelisError("ARGUMENT", `RDB sink has onCollectionStart but no ${m}`);
        }
      }
    }
    this.maxString = options.maxStringBytes ?? 1024 * 1024 * 1024;
  }

  /**
   * Switches a fresh decoder to single-value mode, for the body of a DUMP
   * payload (`[type byte][value]`, what RESTORE carries): no header, no key
   * (the caller names it), no records and no checksum of its own. The value
   * is reported to the sink as stored at `key` in `db` with `expireAtMs`, as
   * if the file had said so; then the decoder is {@linkcode RdbDecoder.done}.
   * Must be called before the first `push`.
   */
  expectValue(
    db: number,
    key: Uint8Array,
    expireAtMs: ExpireAt,
    flavor: RdbFlavor,
    version: number,
  ): void {
    if (this.st !== S_HEADER || this.base !== 0) {
      throw new VeidrodelisError("ARGUMENT", "expectValue() must be called before the first push()");
    }
    this.single = true;
    this.flavor = flavor;
    this.version = version;
    this.sum.magic = flavor === "redis" ? "REDIS" : "VALKEY";
    this.sum.version = version;
    this.db = db;
    this.key = key;
    this.keyView = false;
    this.expire = expireAtMs;
    this.crcOn = false;
    this.st = S_VALUE_TYPE;
  }

  /** True once the EOF opcode (and, for RDB ≥ 5, the checksum) was consumed. */
  get done(): boolean {
    return this.st === S_DONE;
  }

  /** Bytes of the RDB consumed so far. */
  get bytesConsumed(): number {
    return this.base + this.pos;
  }

  /** What the load saw so far. */
  get summary(): RdbSummary {
    this.sum.bytes = this.bytesConsumed;
    return this.sum;
  }

  /**
   * Consume bytes. Returns how many bytes of `chunk` belong to the RDB: all
   * of them until the end of the RDB, then fewer (what follows is the
   * caller's). Throws {@linkcode RdbError} on malformed input; after an error
   * every call throws it again.
   */
  push(chunk: Uint8Array): number {
    if (this.failure !== null) throw this.failure;
    if (this.st === S_DONE) return 0;
    this.chunk = chunk;
    this.pos = 0;
    this.end = chunk.length;
    this.crcFrom = 0;
    try {
      this.run();
    } catch (e) {
      this.failure = this.inSink || e instanceof VeidrodelisError ? e : new RdbError(
        "CORRUPT",
        `internal decoder failure: ${e instanceof Error ? e.message : String(e)}`,
        this.bytesConsumed,
      );
      this.chunk = EMPTY;
      throw this.failure;
    }
    if (this.crcOn) this.crc.update(chunk, this.crcFrom, this.pos);
    // Views into this chunk must not outlive the call: the caller may reuse it.
    if (this.keyView) {
      this.key = this.key.slice();
      this.keyView = false;
    }
    if (this.pendView) {
      this.pend = this.pend.slice();
      this.pendView = false;
    }
    if (this.pend2View) {
      this.pend2 = this.pend2.slice();
      this.pend2View = false;
    }
    const n = this.pos;
    this.base += n;
    this.pos = 0;
    this.end = 0;
    this.chunk = EMPTY;
    return n;
  }

  /**
   * Declare the end of input. Returns the summary when the RDB was complete;
   * throws `RdbError("TRUNCATED")` otherwise.
   */
  finish(): RdbSummary {
    if (this.failure !== null) throw this.failure;
    if (this.st !== S_DONE) {
      this.failure = new RdbError("TRUNCATED", "the RDB ended before its EOF record", this.bytesConsumed);
      throw this.failure;
    }
    return this.summary;
  }

  // ---- the state machine ------------------------------------------------

  private run(): void {
    for (;;) {
      switch (this.st) {
        case S_HEADER:
          if (!this.take(9)) return;
          this.header();
          break;
        case S_OPCODE: {
          if (this.pos >= this.end) return;
          const t = this.chunk[this.pos++];
          if (t >= Opcode.SLOT_IMPORT) this.opcode(t);
          else this.beginKey(t);
          break;
        }
        case S_AUX_NAME:
          if (!this.readStr(true)) return;
          this.holdPend();
          this.st = S_AUX_VALUE;
          break;
        case S_AUX_VALUE: {
          if (!this.readStr(true)) return;
          const name = utf8(this.pend), text = utf8(this.str);
          this.sum.aux[name] = text;
          if (this.sink.onAux) {
            this.inSink = true;
            this.sink.onAux!(name, text, this.str);
            this.inSink = false;
          }
          this.pend = EMPTY;
          this.st = S_OPCODE;
          break;
        }
        case S_SELECTDB:
          if (!this.readCount()) return;
          this.db = this.lv;
          if (this.sink.onSelectDb) {
            this.inSink = true;
            this.sink.onSelectDb!(this.db);
            this.inSink = false;
          }
          this.st = S_OPCODE;
          break;
        case S_RESIZE_KEYS:
          if (!this.readCount()) return;
          this.resizeKeys = this.lv;
          this.st = S_RESIZE_EXPIRES;
          break;
        case S_RESIZE_EXPIRES:
          if (!this.readCount()) return;
          if (this.sink.onResizeDb) {
            this.inSink = true;
            this.sink.onResizeDb!(this.db, this.resizeKeys, this.lv);
            this.inSink = false;
          }
          this.st = S_OPCODE;
          break;
        case S_EXPIRE_S: {
          if (!this.take(4)) return;
          const b = this.tb, o = this.to;
          this.expire = (b[o] | (b[o + 1] << 8) | (b[o + 2] << 16) | (b[o + 3] << 24)) * 1000;
          this.st = S_OPCODE;
          break;
        }
        case S_EXPIRE_MS:
          if (!this.take(8)) return;
          this.expire = i64le(this.tb, this.to);
          this.st = S_OPCODE;
          break;
        case S_FREQ:
          if (!this.take(1)) return;
          this.st = S_OPCODE;
          break;
        case S_IDLE:
          if (!this.readCount()) return;
          this.st = S_OPCODE;
          break;
        case S_FUNCTION2:
          if (!this.readStr(true)) return;
          this.sum.functions++;
          if (this.sink.onFunction) {
            this.inSink = true;
            this.sink.onFunction!(this.str);
            this.inSink = false;
          }
          this.st = S_OPCODE;
          break;
        case S_SLOT_INFO:
          if (!this.readCount()) return;
          if (--this.n2 === 0) this.st = S_OPCODE;
          break;
        case S_KEY:
          if (!this.readStr(true)) return;
          this.key = this.str;
          this.keyView = this.strView;
          this.beginValue();
          break;
        case S_CRC:
          if (!this.take(8)) return;
          this.checkCrc();
          this.st = S_DONE;
          return;
        case S_DONE:
          return;
        case S_VALUE_TYPE: {
          if (this.pos >= this.end) return;
          const t = this.chunk[this.pos++];
          if (t >= Opcode.SLOT_IMPORT) {
            throw this.error("UNKNOWN_TYPE", `value type ${t} is a record opcode, not a value`, this.bytesConsumed - 1);
          }
          this.beginKey(t); // the type checks of a file's values; the key is already set
          this.beginValue();
          break;
        }

        // ---- strings and length-prefixed collections ----
        case V_STRING:
          if (!this.readStr(true)) return;
          {
            this.inSink = true;
            this.sink.onString(this.db, this.key, this.str, this.expire);
            this.inSink = false;
          }
          this.countKey("string");
          this.endKey();
          break;
        case V_COUNT:
          if (!this.readCount()) return;
          this.n1 = this.lv;
          if (this.n1 === 0) this.endValue();
          else this.st = this.afterCount;
          break;
        case V_ELEM:
          if (!this.readStr(this.full)) return;
          if (this.full) {
            const v = this.str;
            if (this.vname === "list") {
              this.inSink = true;
              this.startIfNeeded().onListElement!(v);
              this.inSink = false;
            } else {
              this.inSink = true;
              this.startIfNeeded().onSetMember!(v);
              this.inSink = false;
            }
          }
          this.count++;
          if (--this.n1 === 0) this.endValue();
          break;
        case V_ZSET_MEMBER:
          if (!this.readStr(this.full)) return;
          this.holdPend();
          this.st = this.vtype === ValueType.ZSET_2 ? V_ZSET_BIN : V_ZSET_ASCII_LEN;
          break;
        case V_ZSET_BIN:
          if (!this.take(8)) return;
          this.zsetPair(f64le(this.tb, this.to));
          break;
        case V_ZSET_ASCII_LEN: {
          if (this.pos >= this.end) return;
          const n = this.chunk[this.pos++];
          // 253/254/255 are nan/+inf/-inf without text (rdbLoadDoubleValue).
          if (n === 253) this.zsetPair(NaN);
          else if (n === 254) this.zsetPair(Infinity);
          else if (n === 255) this.zsetPair(-Infinity);
          else {
            this.rawBody(n);
            this.st = V_ZSET_ASCII;
          }
          break;
        }
        case V_ZSET_ASCII: {
          if (!this.readStr(true)) return;
          const score = parseScoreText(this.str, 0, this.str.length);
          if (score === undefined) {
            throw this.error("CORRUPT", `invalid zset score "${printable(this.str)}"`, this.sAt);
          }
          this.zsetPair(score);
          break;
        }
        case V_HASH_TTL: {
          if (!this.readCount()) return;
          const ttl = this.lv;
          if (this.vtype === ValueType.HASH_METADATA) this.fieldTtl = ttl === 0 ? null : ttl + this.minExpire - 1;
          else this.fieldTtl = ttl === 0 ? null : ttl;
          this.st = V_HASH_FIELD;
          break;
        }
        case V_HASH_FIELD:
          if (!this.readStr(this.full)) return;
          this.holdPend();
          this.st = V_HASH_VALUE;
          break;
        case V_HASH_VALUE:
          if (!this.readStr(this.full)) return;
          if (this.vtype === ValueType.VALKEY_HASH_2 && this.flavor === "valkey") {
            this.pend2 = this.str;
            this.pend2View = this.strView;
            this.st = V_HASH_EXP8;
          } else {
            this.hashField(this.str);
          }
          break;
        case V_HASH_EXP8: {
          if (!this.take(8)) return;
          const exp = i64le(this.tb, this.to);
          this.fieldTtl = exp === -1 ? null : exp;
          const v = this.pend2;
          this.pend2 = EMPTY;
          this.pend2View = false;
          this.hashField(v);
          break;
        }
        case V_MIN_EXPIRE:
          if (!this.take(8)) return;
          this.minExpire = i64le(this.tb, this.to);
          this.st = this.vtype === ValueType.HASH_METADATA ? V_COUNT : V_BLOB;
          break;
        case V_BLOB:
          if (!this.readStr(true)) return;
          this.blob(this.str, this.sBodyAt);
          this.endValue();
          break;
        case V_QL_NODE:
          if (!this.readStr(true)) return;
          if (this.str.length === 0) throw this.error("CORRUPT", "empty quicklist node", this.sAt);
          this.emitList(new ZiplistCursor(this.str, this.sBodyAt));
          if (--this.n1 === 0) this.endValue();
          break;
        case V_QL2_CONTAINER:
          if (!this.readCount()) return;
          if (this.lv !== QuicklistContainer.PLAIN && this.lv !== QuicklistContainer.PACKED) {
            throw this.error("CORRUPT", `invalid quicklist node container ${this.lv}`, this.bytesConsumed - 1);
          }
          this.container = this.lv;
          this.st = V_QL2_NODE;
          break;
        case V_QL2_NODE: {
          const plain = this.container === QuicklistContainer.PLAIN;
          if (!this.readStr(this.full || !plain)) return;
          if (this.sLen === 0) {
            throw this.error("CORRUPT", "empty quicklist node", this.sAt);
          }
          if (plain) {
            if (this.full) {
              const v = this.str;
              {
                this.inSink = true;
                this.startIfNeeded().onListElement!(v);
                this.inSink = false;
              }
            }
            this.count++;
          } else {
            this.emitList(new ListpackCursor(this.str, this.sBodyAt));
          }
          if (--this.n1 === 0) this.endValue();
          else this.st = V_QL2_CONTAINER;
          break;
        }

        // ---- modules ----
        case M_ID:
          if (!this.readLen(true)) return;
          if (this.lenSpecial >= 0) throw this.error("CORRUPT", "invalid module id", this.bytesConsumed - 1);
          this.vname = moduleTypeName(this.lvHi, this.lvLo);
          this.modFirst = true;
          this.st = M_OP;
          break;
        case M_OP: {
          const at = this.bytesConsumed - this.tokHave;
          if (!this.readLen(true)) return;
          const op = this.lenSpecial >= 0 ? -1 : this.lvHi !== 0 ? -1 : this.lvLo;
          if (this.modAux && this.modFirst && op !== ModuleOpcode.UINT) {
            throw this.error("CORRUPT", `module aux of ${this.vname}: bad 'when' opcode ${op}`, at);
          }
          this.modFirst = false;
          switch (op) {
            case ModuleOpcode.EOF:
              if (this.modAux) {
                this.sum.moduleAux[this.vname] = (this.sum.moduleAux[this.vname] ?? 0) + 1;
                this.st = S_OPCODE;
              } else {
                this.endValue();
              }
              break;
            case ModuleOpcode.SINT:
            case ModuleOpcode.UINT:
              this.st = M_INT;
              break;
            case ModuleOpcode.FLOAT:
              this.st = M_F4;
              break;
            case ModuleOpcode.DOUBLE:
              this.st = M_F8;
              break;
            case ModuleOpcode.STRING:
              this.st = M_STR;
              break;
            default:
              throw this.error("CORRUPT", `module ${this.vname}: unknown module opcode ${op}`, at);
          }
          break;
        }
        case M_INT:
          if (!this.readLen(true)) return;
          if (this.lenSpecial >= 0) throw this.error("CORRUPT", "invalid module integer", this.bytesConsumed - 1);
          this.st = M_OP;
          break;
        case M_F4:
          if (!this.take(4)) return;
          this.st = M_OP;
          break;
        case M_F8:
          if (!this.take(8)) return;
          this.st = M_OP;
          break;
        case M_STR:
          if (!this.readStr(false)) return;
          this.st = M_OP;
          break;

        // ---- streams ----
        case X_NLP:
          if (!this.readCount()) return;
          this.n1 = this.lv;
          this.st = this.n1 === 0 ? X_META : X_NODEKEY;
          this.n2 = this.vtype >= ValueType.STREAM_LISTPACKS_2 ? 8 : 3;
          break;
        case X_NODEKEY:
          if (!this.readStr(true)) return;
          if (this.str.length !== 16) {
            throw this.error("CORRUPT", `stream node key of ${this.str.length} bytes, expected 16`, this.sAt);
          }
          this.st = X_LP;
          break;
        case X_LP:
          if (!this.readStr(false)) return;
          this.st = --this.n1 === 0 ? X_META : X_NODEKEY;
          break;
        case X_META:
          // length, last id (ms, seq) [, first id, max deleted id, entries added]:
          // full 64-bit values, not lengths
          if (!this.readRawU64()) return;
          if (--this.n2 === 0) this.st = X_NCG;
          break;
        case X_NCG:
          if (!this.readCount()) return;
          this.n1 = this.lv;
          if (this.n1 === 0) this.endValue();
          else this.st = X_G_NAME;
          break;
        case X_G_NAME:
          if (!this.readStr(false)) return;
          this.n2 = this.vtype >= ValueType.STREAM_LISTPACKS_2 ? 3 : 2;
          this.st = X_G_META;
          break;
        case X_G_META:
          // last delivered id (ms, seq) [, entries read: -1 as u64 when unknown]
          if (!this.readRawU64()) return;
          if (--this.n2 === 0) this.st = X_G_NPEL;
          break;
        case X_G_NPEL:
          if (!this.readCount()) return;
          this.n3 = this.lv;
          this.st = this.n3 === 0 ? X_G_NCONS : X_G_PEL;
          break;
        case X_G_PEL:
          // raw 16-byte id + 8-byte delivery time
          if (!this.take(24)) return;
          this.st = X_G_PEL_CNT;
          break;
        case X_G_PEL_CNT:
          if (!this.readCount()) return;
          this.st = --this.n3 === 0 ? X_G_NCONS : X_G_PEL;
          break;
        case X_G_NCONS:
          if (!this.readCount()) return;
          this.n4 = this.lv;
          if (this.n4 === 0) this.streamGroupDone();
          else this.st = X_C_NAME;
          break;
        case X_C_NAME:
          if (!this.readStr(false)) return;
          this.st = X_C_TIMES;
          break;
        case X_C_TIMES:
          // seen time [+ active time since STREAM_LISTPACKS_3]
          if (!this.take(this.vtype >= ValueType.STREAM_LISTPACKS_3 ? 16 : 8)) return;
          this.st = X_C_NPEL;
          break;
        case X_C_NPEL:
          if (!this.readCount()) return;
          this.n5 = this.lv;
          if (this.n5 === 0) this.streamConsumerDone();
          else this.st = X_C_PEL;
          break;
        case X_C_PEL:
          if (!this.take(16)) return;
          if (--this.n5 === 0) this.streamConsumerDone();
          break;
        default:
          throw this.error("CORRUPT", `decoder reached unknown state ${this.st}`, this.bytesConsumed);
      }
    }
  }

  // ---- records ----------------------------------------------------------

  private header(): void {
    const b = this.tb, o = this.to;
    let magic = "";
    for (let i = 0; i < 9; i++) magic += String.fromCharCode(b[o + i]);
    let digits: string;
    if (magic.startsWith("REDIS")) {
      this.flavor = "redis";
      digits = magic.slice(5);
    } else if (magic.startsWith("VALKEY")) {
      this.flavor = "valkey";
      digits = magic.slice(6);
    } else {
      throw this.error("BAD_MAGIC", `not an RDB file: starts with "${printable(b.subarray(o, o + 9))}"`, 0);
    }
    if (!/^\d+$/.test(digits)) throw this.error("BAD_MAGIC", `bad RDB version "${printable(b.subarray(o, o + 9))}"`, 0);
    const v = Number(digits);
    const ok = this.flavor === "redis" ? v >= 1 && v <= MAX_REDIS_RDB_VERSION : VALKEY_RDB_VERSIONS.includes(v);
    if (!ok) throw this.error("UNSUPPORTED_VERSION", `unsupported RDB version ${magic}`, 5);
    this.version = v;
    this.sum.magic = this.flavor === "redis" ? "REDIS" : "VALKEY";
    this.sum.version = v;
    this.st = S_OPCODE;
  }

  private opcode(t: number): void {
    switch (t) {
      case Opcode.AUX:
        this.st = S_AUX_NAME;
        return;
      case Opcode.SELECTDB:
        this.st = S_SELECTDB;
        return;
      case Opcode.RESIZEDB:
        this.st = S_RESIZE_KEYS;
        return;
      case Opcode.EXPIRETIME:
        this.st = S_EXPIRE_S;
        return;
      case Opcode.EXPIRETIME_MS:
        this.st = S_EXPIRE_MS;
        return;
      case Opcode.FREQ:
        this.st = S_FREQ;
        return;
      case Opcode.IDLE:
        this.st = S_IDLE;
        return;
      case Opcode.MODULE_AUX:
        this.modAux = true;
        this.st = M_ID;
        return;
      case Opcode.FUNCTION2:
        this.st = S_FUNCTION2;
        return;
      case Opcode.SLOT_INFO:
        this.n2 = 3; // slot id, slot size, expires slot size
        this.st = S_SLOT_INFO;
        return;
      case Opcode.FUNCTION_PRE_GA:
        throw this.error(
          "UNKNOWN_OPCODE",
          "opcode 246 (FUNCTION_PRE_GA): pre-release function format of Redis 7.0 RCs is not supported",
          this.bytesConsumed - 1,
        );
      case Opcode.EOF:
        // Everything before the trailer is covered by the checksum, the 0xFF included.
        this.crc.update(this.chunk, this.crcFrom, this.pos);
        this.crcOn = false;
        this.st = this.version >= 5 ? S_CRC : S_DONE;
        return;
      default:
        throw this.error("UNKNOWN_OPCODE", `unknown RDB opcode ${t} (0x${t.toString(16)})`, this.bytesConsumed - 1);
    }
  }

  private checkCrc(): void {
    const b = this.tb, o = this.to;
    let zero = true;
    for (let i = 0; i < 8; i++) if (b[o + i] !== 0) zero = false;
    if (zero) return; // written with rdbchecksum no
    if (!this.crc.equalsLE(b, o)) {
      let stored = "";
      for (let i = 7; i >= 0; i--) stored += b[o + i].toString(16).padStart(2, "0");
      throw this.error(
        "CHECKSUM",
        `RDB checksum mismatch: stored ${stored}, computed ${this.crc.hex()}`,
        this.bytesConsumed - 8,
      );
    }
    this.sum.checksumVerified = true;
  }

  // ---- values -----------------------------------------------------------

  private beginKey(t: number): void {
    const name = typeNameOf(t, this.flavor);
    if (name === undefined) {
      throw this.error(
        "UNKNOWN_TYPE",
        `unknown value type ${t} in ${this.sum.magic} version ${this.version}`,
        this.bytesConsumed - 1,
      );
    }
    if (t === ValueType.MODULE_PRE_GA) {
      throw this.error(
        "UNKNOWN_TYPE",
        "value type 6 (MODULE_PRE_GA, Redis 4.0 RCs) cannot be skipped without its module",
        this.bytesConsumed - 1,
      );
    }
    this.vtype = t;
    this.vname = name;
    this.vcoll = name === "list" || name === "set" || name === "zset" || name === "hash";
    this.count = 0;
    this.started = false;
    this.st = S_KEY;
  }

  /** Set the state for the first field of the value, after the key. */
  private beginValue(): void {
    switch (this.vtype) {
      case ValueType.STRING:
        this.st = V_STRING;
        return;
      case ValueType.LIST:
      case ValueType.SET:
        this.counted(V_ELEM);
        return;
      case ValueType.ZSET:
      case ValueType.ZSET_2:
        this.counted(V_ZSET_MEMBER);
        return;
      case ValueType.HASH:
        this.fieldTtl = null;
        this.counted(V_HASH_FIELD);
        return;
      case ValueType.HASH_METADATA_PRE_GA: // = VALKEY_HASH_2
        this.fieldTtl = null;
        this.counted(this.flavor === "valkey" ? V_HASH_FIELD : V_HASH_TTL);
        return;
      case ValueType.HASH_METADATA:
        this.afterCount = V_HASH_TTL;
        this.st = V_MIN_EXPIRE;
        return;
      case ValueType.HASH_LISTPACK_EX:
        this.st = V_MIN_EXPIRE;
        return;
      case ValueType.HASH_ZIPMAP:
      case ValueType.LIST_ZIPLIST:
      case ValueType.SET_INTSET:
      case ValueType.ZSET_ZIPLIST:
      case ValueType.HASH_ZIPLIST:
      case ValueType.HASH_LISTPACK:
      case ValueType.ZSET_LISTPACK:
      case ValueType.SET_LISTPACK:
      case ValueType.HASH_LISTPACK_EX_PRE_GA:
        this.st = V_BLOB;
        return;
      case ValueType.LIST_QUICKLIST:
        this.counted(V_QL_NODE);
        return;
      case ValueType.LIST_QUICKLIST_2:
        this.counted(V_QL2_CONTAINER);
        return;
      case ValueType.MODULE_2:
        this.modAux = false;
        this.st = M_ID;
        return;
      case ValueType.STREAM_LISTPACKS:
      case ValueType.STREAM_LISTPACKS_2:
      case ValueType.STREAM_LISTPACKS_3:
        this.st = X_NLP;
        return;
      default:
        throw this.error("UNKNOWN_TYPE", `unknown value type ${this.vtype}`, this.bytesConsumed);
    }
  }

  private counted(next: number): void {
    this.afterCount = next;
    this.st = V_COUNT;
  }

  /** Parse a complete compact blob and report its elements. */
  private blob(b: Uint8Array, at: number): void {
    switch (this.vtype) {
      case ValueType.LIST_ZIPLIST:
        this.emitList(new ZiplistCursor(b, at));
        return;
      case ValueType.SET_INTSET:
        this.emitSet(new IntsetCursor(b, at));
        return;
      case ValueType.SET_LISTPACK:
        this.emitSet(new ListpackCursor(b, at));
        return;
      case ValueType.ZSET_ZIPLIST:
        this.emitZset(new ZiplistCursor(b, at));
        return;
      case ValueType.ZSET_LISTPACK:
        this.emitZset(new ListpackCursor(b, at));
        return;
      case ValueType.HASH_ZIPMAP:
        this.emitHash(new ZipmapCursor(b, at), false);
        return;
      case ValueType.HASH_ZIPLIST:
        this.emitHash(new ZiplistCursor(b, at), false);
        return;
      case ValueType.HASH_LISTPACK:
        this.emitHash(new ListpackCursor(b, at), false);
        return;
      case ValueType.HASH_LISTPACK_EX:
      case ValueType.HASH_LISTPACK_EX_PRE_GA:
        this.emitHash(new ListpackCursor(b, at), true);
        return;
    }
  }

  private emitList(c: EntryCursor): void {
    if (this.full) {
      while (c.next()) {
        const v = c.bytes();
        {
          this.inSink = true;
          this.startIfNeeded().onListElement!(v);
          this.inSink = false;
        }
      }
    } else {
      while (c.next());
    }
    this.count += c.count;
  }

  private emitSet(c: EntryCursor): void {
    if (this.full) {
      while (c.next()) {
        const v = c.bytes();
        {
          this.inSink = true;
          this.startIfNeeded().onSetMember!(v);
          this.inSink = false;
        }
      }
    } else {
      while (c.next());
    }
    this.count += c.count;
  }

  private emitZset(c: EntryCursor): void {
    let pairs = 0;
    while (c.next()) {
      const member = this.full ? c.bytes() : EMPTY;
      if (!c.next()) throw this.error("CORRUPT", "zset blob with a member but no score", this.sAt);
      const score = c.number();
      if (score !== score) throw this.error("CORRUPT", "zset score is NaN", this.sAt);
      if (this.full) {
        this.inSink = true;
        this.startIfNeeded().onZsetMember!(member, score);
        this.inSink = false;
      }
      pairs++;
    }
    this.count += pairs;
  }

  private emitHash(c: EntryCursor, withTtl: boolean): void {
    let pairs = 0;
    while (c.next()) {
      const field = this.full ? c.bytes() : EMPTY;
      if (!c.next()) throw this.error("CORRUPT", "hash blob with a field but no value", this.sAt);
      const value = this.full ? c.bytes() : EMPTY;
      let ttl: ExpireAt = null;
      if (withTtl) {
        if (!c.next()) throw this.error("CORRUPT", "hash-with-TTL blob with a value but no TTL", this.sAt);
        const t = c.number();
        ttl = t === 0 ? null : t; // 0 = the field has no TTL
      }
      if (this.full) {
        this.inSink = true;
        this.startIfNeeded().onHashField!(field, value, ttl);
        this.inSink = false;
      }
      pairs++;
    }
    this.count += pairs;
  }

  private zsetPair(score: number): void {
    // Redis refuses NaN scores on load ("Zset with NAN score detected").
    if (score !== score) throw this.error("CORRUPT", "zset score is NaN", this.bytesConsumed);
    if (this.full) {
      const m = this.pend;
      {
        this.inSink = true;
        this.startIfNeeded().onZsetMember!(m, score);
        this.inSink = false;
      }
    }
    this.pend = EMPTY;
    this.pendView = false;
    this.count++;
    if (--this.n1 === 0) this.endValue();
    else this.st = V_ZSET_MEMBER;
  }

  private hashField(value: Uint8Array): void {
    if (this.full) {
      const f = this.pend, ttl = this.fieldTtl;
      {
        this.inSink = true;
        this.startIfNeeded().onHashField!(f, value, ttl);
        this.inSink = false;
      }
    }
    this.pend = EMPTY;
    this.pendView = false;
    this.fieldTtl = null;
    this.count++;
    if (--this.n1 === 0) this.endValue();
    else {
      this.st = this.vtype === ValueType.HASH_METADATA ||
          (this.vtype === ValueType.HASH_METADATA_PRE_GA && this.flavor === "redis")
        ? V_HASH_TTL
        : V_HASH_FIELD;
    }
  }

  private streamConsumerDone(): void {
    if (--this.n4 === 0) this.streamGroupDone();
    else this.st = X_C_NAME;
  }

  private streamGroupDone(): void {
    if (--this.n1 === 0) this.endValue();
    else this.st = X_G_NAME;
  }

  private startIfNeeded(): RdbSink {
    if (!this.started) {
      this.started = true;
      this.sink.onCollectionStart!(this.db, this.key, this.vname as CollectionTypeName, this.expire);
    }
    return this.sink;
  }

  /** The value's last byte was consumed: report it and go back to records. */
  private endValue(): void {
    if (this.vcoll && this.count === 0) {
      this.sum.emptyKeysSkipped++; // Redis skips empty collections on load
    } else if (this.vcoll && this.full) {
      {
        this.inSink = true;
        this.sink.onCollectionEnd!(this.count);
        this.inSink = false;
      }
      this.countKey(this.vname);
    } else {
      {
        this.inSink = true;
        this.sink.onPlaceholder(this.db, this.key, this.vname, this.expire);
        this.inSink = false;
      }
      this.sum.placeholders[this.vname] = (this.sum.placeholders[this.vname] ?? 0) + 1;
      this.countKey(this.vname);
    }
    this.endKey();
  }

  private countKey(name: string): void {
    this.sum.keys++;
    this.sum.keysByType[name] = (this.sum.keysByType[name] ?? 0) + 1;
  }

  private endKey(): void {
    this.expire = null; // an expiry applies to the next key only
    this.key = EMPTY;
    this.keyView = false;
    this.st = this.single ? S_DONE : S_OPCODE;
  }

  private holdPend(): void {
    this.pend = this.str;
    this.pendView = this.strView;
  }

  // ---- primitives -------------------------------------------------------

  /**
   * Make `n` (≤ 32) contiguous bytes available at `tb[to..]`, carrying a
   * partial token over chunk boundaries. False when the chunk ran out.
   */
  private take(n: number): boolean {
    if (this.tokHave === 0 && this.end - this.pos >= n) {
      this.tb = this.chunk;
      this.to = this.pos;
      this.pos += n;
      return true;
    }
    while (this.tokHave < n && this.pos < this.end) this.tok[this.tokHave++] = this.chunk[this.pos++];
    if (this.tokHave < n) return false;
    this.tokHave = 0;
    this.tb = this.tok;
    this.to = 0;
    return true;
  }

  /**
   * Read a length field into `lv` (and `lvHi`/`lvLo`); `lenSpecial` ≥ 0 when
   * it is a special string encoding. `raw` accepts values ≥ 2^53 (module ids
   * and module integers), which then are only exact in `lvHi`/`lvLo`.
   */
  private readLen(raw = false): boolean {
    let first: number;
    if (this.tokHave > 0) first = this.tok[0];
    else if (this.pos < this.end) first = this.chunk[this.pos];
    else return false;
    const kind = first >> 6;
    const size = kind === 0 || kind === 3 ? 1 : kind === 1 ? 2 : first === 0x80 ? 5 : first === 0x81 ? 9 : 0;
    if (size === 0) {
      throw this.error(
        "CORRUPT",
        `invalid length encoding 0x${first.toString(16)}`,
        this.bytesConsumed - this.tokHave,
      );
    }
    if (!this.take(size)) return false;
    const b = this.tb, o = this.to;
    this.lenSpecial = -1;
    switch (size) {
      case 1:
        if (kind === 3) this.lenSpecial = first & 0x3f;
        this.lv = first & 0x3f;
        this.lvHi = 0;
        break;
      case 2:
        this.lv = ((first & 0x3f) << 8) | b[o + 1];
        this.lvHi = 0;
        break;
      case 5:
        this.lv = ((b[o + 1] << 24) | (b[o + 2] << 16) | (b[o + 3] << 8) | b[o + 4]) >>> 0;
        this.lvHi = 0;
        break;
      default: {
        const hi = ((b[o + 1] << 24) | (b[o + 2] << 16) | (b[o + 3] << 8) | b[o + 4]) >>> 0;
        const lo = ((b[o + 5] << 24) | (b[o + 6] << 16) | (b[o + 7] << 8) | b[o + 8]) >>> 0;
        this.lvHi = hi;
        this.lvLo = lo;
        if (!raw && hi >= 0x200000) {
          throw this.error("CORRUPT", "64-bit length beyond 2^53", this.bytesConsumed - 9);
        }
        this.lv = hi * TWO32 + lo;
        return true;
      }
    }
    this.lvLo = this.lv;
    return true;
  }

  /** A length that must be a plain count (not a special string encoding). */
  private readCount(): boolean {
    if (!this.readLen()) return false;
    if (this.lenSpecial >= 0) {
      throw this.error("CORRUPT", "expected a length, found a string encoding", this.bytesConsumed - 1);
    }
    return true;
  }

  /** A 64-bit integer field written as a length (ids, counters): any u64, exact only in `lvHi`/`lvLo`. */
  private readRawU64(): boolean {
    if (!this.readLen(true)) return false;
    if (this.lenSpecial >= 0) {
      throw this.error("CORRUPT", "expected an integer, found a string encoding", this.bytesConsumed - 1);
    }
    return true;
  }

  /** Continue the string reader with a body of `n` raw bytes (no length field). */
  private rawBody(n: number): void {
    this.sAt = this.bytesConsumed - 1;
    this.sLen = n;
    this.sHave = 0;
    this.sBodyAt = this.bytesConsumed;
    this.sState = STR_BODY;
  }

  /**
   * Read one RDB string into `str` (`strView` says whether it is a view into
   * the chunk). With `keep` false the bytes are skipped: nothing is
   * allocated and LZF is not decompressed.
   */
  private readStr(keep: boolean): boolean {
    // Fast path for the common case (most elements and keys): a 6-bit length
    // and a body entirely inside the chunk.
    if (this.sState === STR_LEN && this.tokHave === 0 && this.pos < this.end) {
      const n = this.chunk[this.pos];
      const from = this.pos + 1;
      if (n < 0x40 && from + n <= this.end) {
        this.sAt = this.base + this.pos;
        this.sLen = n;
        this.sBodyAt = this.base + from;
        this.pos = from + n;
        if (keep) {
          this.str = this.chunk.subarray(from, from + n);
          this.strView = true;
        } else {
          this.str = EMPTY;
          this.strView = false;
        }
        return true;
      }
    }
    for (;;) {
      switch (this.sState) {
        case STR_LEN: {
          const at = this.bytesConsumed - this.tokHave;
          if (!this.readLen()) return false;
          this.sAt = at;
          if (this.lenSpecial < 0) {
            this.sLen = this.lv;
            this.sHave = 0;
            this.sBodyAt = this.bytesConsumed;
            this.sState = STR_BODY;
            if (keep && this.sLen > this.maxString) this.tooLarge(this.sLen);
            continue;
          }
          switch (this.lenSpecial) {
            case 0:
              this.sLen = 1;
              break;
            case 1:
              this.sLen = 2;
              break;
            case 2:
              this.sLen = 4;
              break;
            case 3:
              this.sState = STR_LZF_CLEN;
              continue;
            default:
              throw this.error("CORRUPT", `unknown string encoding ${this.lenSpecial}`, at);
          }
          this.sState = STR_INT;
          continue;
        }
        case STR_INT: {
          if (!this.take(this.sLen)) return false;
          const b = this.tb, o = this.to;
          let v: number;
          if (this.sLen === 1) v = b[o] << 24 >> 24;
          else if (this.sLen === 2) v = (b[o] | (b[o + 1] << 8)) << 16 >> 16;
          else v = b[o] | (b[o + 1] << 8) | (b[o + 2] << 16) | (b[o + 3] << 24);
          this.str = keep ? intAscii(v) : EMPTY;
          this.strView = false;
          this.sState = STR_LEN;
          return true;
        }
        case STR_LZF_CLEN:
          if (!this.readCount()) return false;
          this.sLen = this.lv;
          this.sState = STR_LZF_ULEN;
          continue;
        case STR_LZF_ULEN:
          if (!this.readCount()) return false;
          this.sULen = this.lv;
          if (this.sLen === 0 || this.sULen === 0) {
            throw this.error(
              "CORRUPT",
              `LZF string with compressed length ${this.sLen}, length ${this.sULen}`,
              this.sAt,
            );
          }
          if (this.sULen > this.maxString) this.tooLarge(this.sULen);
          if (this.sLen > this.maxString) this.tooLarge(this.sLen);
          this.sHave = 0;
          this.sBodyAt = this.sAt; // offsets inside decompressed data do not map to the file
          this.sState = STR_LZF_BODY;
          continue;
        case STR_BODY:
        case STR_LZF_BODY: {
          const lzf = this.sState === STR_LZF_BODY;
          const need = this.sLen;
          let body: Uint8Array;
          let view: boolean;
          if (this.sHave === 0 && this.end - this.pos >= need) {
            const s = this.pos;
            this.pos += need;
            this.sBuf = null; // may have been allocated by a call that found no bytes yet
            if (!keep) {
              this.sState = STR_LEN;
              this.str = EMPTY;
              this.strView = false;
              return true;
            }
            body = this.chunk.subarray(s, s + need);
            view = true;
          } else {
            const k = Math.min(need - this.sHave, this.end - this.pos);
            if (keep) {
              if (this.sBuf === null) this.sBuf = this.alloc(need);
              this.sBuf.set(this.chunk.subarray(this.pos, this.pos + k), this.sHave);
            }
            this.sHave += k;
            this.pos += k;
            if (this.sHave < need) return false;
            this.sState = STR_LEN;
            this.sHave = 0;
            if (!keep) {
              this.str = EMPTY;
              this.strView = false;
              return true;
            }
            body = this.sBuf!;
            this.sBuf = null;
            view = false;
          }
          this.sState = STR_LEN;
          if (lzf) {
            const out = this.alloc(this.sULen);
            if (lzfDecompress(body, 0, body.length, out) !== this.sULen) {
              throw this.error("CORRUPT", "invalid LZF compressed string", this.sAt);
            }
            this.str = out;
            this.strView = false;
          } else {
            this.str = body;
            this.strView = view;
          }
          return true;
        }
      }
    }
  }

  private alloc(n: number): Uint8Array {
    try {
      return new Uint8Array(n);
    } catch {
      return this.tooLarge(n);
    }
  }

  private tooLarge(n: number): never {
    throw this.error("TOO_LARGE", `string of ${n} bytes exceeds the decoder's limit`, this.sAt);
  }

  private error(reason: RdbErrorReason, message: string, offset: number): RdbError {
    return new RdbError(reason, message, offset);
  }
}

/** ASCII decimal text of a 32-bit integer (INT8/16/32-encoded strings). */
function intAscii(v: number): Uint8Array {
  if (v >= 0 && v < 10) return new Uint8Array([48 + v]);
  const s = String(v);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}
