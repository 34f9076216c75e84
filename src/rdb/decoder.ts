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
 * Memory follows the bytes that actually arrive: a string is assembled in a
 * buffer that grows with its data (never preallocated to a claimed length),
 * an LZF string's output is allocated only once its compressed bytes are
 * all there and only if the claimed length is reachable from them, and when
 * the input's total size is known (`totalBytes`) a length pointing past it
 * fails at once.
 *
 * A Valkey 9.2 `VKCS` envelope (LZ4-compressed RDB) is unwrapped on the fly
 * by {@linkcode Lz4FrameDecoder}, feeding an inner decoder.
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
  unknownTypeNote,
  VALKEY_RDB_VERSIONS,
  ValueType,
} from "./constants.ts";
import { Crc64, type RunningCrc64 } from "./crc64.ts";
import type { EntryCursor } from "./entries.ts";
import { IntsetCursor } from "./intset.ts";
import { ListpackCursor } from "./listpack.ts";
import { Lz4FrameDecoder, parseVkcsEnvelope } from "./lz4.ts";
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
  /**
   * Total size of the input when it is known (a file, a `$<len>` transfer):
   * a string or collection length that points past it fails at once with
   * `TRUNCATED` instead of waiting for bytes that will never come.
   */
  totalBytes?: number;
  /**
   * Databases a SELECTDB may name (0 … maxDatabases - 1); a higher one fails
   * with `CORRUPT`, as Redis refuses a file with more databases than it has.
   * Default 65536, so that one corrupt byte cannot make a store allocate
   * millions of empty databases.
   */
  maxDatabases?: number;
  /**
   * The CRC-64 to verify the file's checksum with (fresh, at zero). Default:
   * the JavaScript {@linkcode Crc64}; the store's WebAssembly kernel is
   * several times faster on large loads.
   */
  crc?: RunningCrc64;
}

const EMPTY = new Uint8Array(0);
/** LZF strings up to this size reuse one buffer; larger ones get their own (not kept after the value). */
const LZF_SCRATCH_MAX = 1024 * 1024;
const TWO32 = 4294967296;
/** LZF emits at most 264 bytes per 3 input bytes (a long back reference). */
const LZF_MAX_RATIO = 88;
/** Largest expiry Redis accepts for a hash field (`EB_EXPIRE_TIME_MAX`, 2^48 - 1). */
const EXPIRE_TIME_MAX = 2 ** 48 - 1;
/** Redis refuses more key-metadata classes than this (`KEY_META_MAX_NUM_MODULES`). */
const KEY_META_MAX_CLASSES = 7;
/** Key-metadata class names: 4 characters of 6 bits (`keyMetaClassDecode`). */
const KEY_META_CHARSET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-";
/** Module value streams: what the module opcodes belong to. */
const MOD_VALUE = 0;
const MOD_AUX = 1;
const MOD_KEY_META = 2;

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
/** A VKCS envelope: the rest of the input is an LZ4 frame feeding the inner decoder. */
const S_ENVELOPE = 17;
// Hash templates (opcode 242, Redis ≥ 15).
const S_TMPL_ID = 70;
const S_TMPL_COUNT = 71;
const S_TMPL_FIELD = 72;
// Valkey slot imports (opcode 243, VALKEY magic).
const S_IMPORT_NAME = 73;
const S_IMPORT_COUNT = 74;
const S_IMPORT_RANGE = 75;
// Key metadata (opcode 243, Redis ≥ 13): class count, 4-byte class spec, module value, then the type byte.
const K_COUNT = 76;
const K_SPEC = 77;
const K_TYPE = 78;
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
const X_G_NNACK = 65; // type 27: NACKed ids of a group
const X_G_NACK = 66;
const X_IDMP_CFG = 67; // type ≥ 26: duration, max entries
const X_P_COUNT = 68; // producers
const X_P_PID = 69;
const X_P_NIID = 80;
const X_E_IID = 81;
const X_E_ID = 82;
const X_IIDS = 83; // iids added, iids duplicates
// Arrays (type 28).
const A_COUNT = 90;
const A_FLAG = 91;
const A_INSERT = 92;
const A_INDEX = 93;
const A_TAG = 94;
const A_FIXED = 95;
const A_SDS = 96;
const A_SMALL = 97;
// Template hashes (types 29–32).
const T_FMT = 100;
const T_NAMES_LP = 101;
const T_NAMES_COUNT = 102;
const T_NAME = 103;
const T_VALUES_LP = 104;
const T_REF_ID = 105;
const T_VALUE = 106;

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
  /** Known total input size, or -1. */
  private readonly total: number;
  private readonly maxDatabases: number;

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
  /** Input offset where the last length field started. */
  private lvAt = 0;
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
  /** True while `str` lives in `lzfScratch`: the next LZF string overwrites it. */
  private strInScratch = false;
  /** Reused output of LZF strings up to LZF_SCRATCH_MAX bytes (most are far smaller). */
  private lzfScratch: Uint8Array = EMPTY;
  private strView = false;
  /** False when `str` was LZF-decompressed: its byte positions are not input offsets. */
  private strExact = true;

  // Record state.
  private st = S_HEADER;
  private flavor: RdbFlavor = "redis";
  private version = 0;
  private db = 0;
  private expire: ExpireAt = null;
  private resizeKeys = 0;
  private readonly crc: RunningCrc64;
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
  /** Elements the value's header states (0: unknown), passed on to onCollectionStart. */
  private sizeHint = 0;
  private n1 = 0;
  private n2 = 0;
  private n3 = 0;
  private n4 = 0;
  private n5 = 0;
  private minExpire = 0;
  private fieldTtl: ExpireAt = null;
  private container = 0;
  /** What the module opcodes being read belong to: MOD_VALUE, MOD_AUX or MOD_KEY_META. */
  private modMode = MOD_VALUE;
  private modFirst = false;
  /** Key-metadata classes still to read. */
  private kmLeft = 0;
  /** Hash templates of this load (opcode 242), by saved id; field names in template order. */
  private readonly templates = new Map<number, Uint8Array[]>();
  private tmplId = 0;
  private tmplLeft = 0;
  private tmplNames: Uint8Array[] = [];
  /** Field names of the template hash being read, and the index of the next value. */
  private vFields: Uint8Array[] = [];
  private vIdx = 0;
  // VKCS envelope: the LZ4 frame and the decoder of the RDB inside it.
  private lz4: Lz4FrameDecoder | null = null;
  private inner: RdbDecoder | null = null;
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
    keyMeta: {},
    hashTemplates: 0,
    bytes: 0,
    checksumVerified: false,
    compression: null,
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
    this.total = options.totalBytes ?? -1;
    this.maxDatabases = options.maxDatabases ?? 65536;
    this.crc = options.crc ?? new Crc64();
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

  /**
   * True once the EOF opcode (and, for RDB ≥ 5, the checksum) was consumed;
   * in a VKCS envelope, once the LZ4 frame ended too.
   */
  get done(): boolean {
    return this.st === S_DONE;
  }

  /** Bytes of the RDB consumed so far. */
  get bytesConsumed(): number {
    return this.base + this.pos;
  }

  /**
   * The RDB type byte of the value being decoded (its encoding: listpack,
   * quicklist 2, …), valid inside the sink's callbacks for that value.
   */
  get valueType(): number {
    return this.inner !== null ? this.inner.valueType : this.vtype;
  }

  /** What the load saw so far. */
  get summary(): RdbSummary {
    if (this.inner !== null) {
      const s = this.inner.summary;
      s.bytes = this.bytesConsumed; // of the compressed input
      s.compression = "lz4";
      return s;
    }
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
      const what = this.inner === null ? "the RDB ended before its EOF record" : "the LZ4-compressed RDB ended early";
      this.failure = new RdbError("TRUNCATED", what, this.bytesConsumed);
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
          if (t >= Opcode.HASH_TEMPLATE) this.opcode(t);
          else this.beginKey(t);
          break;
        }
        case S_ENVELOPE:
          this.envelope();
          return;
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
          if (this.lv >= this.maxDatabases) {
            throw this.error(
              "CORRUPT",
              `database ${this.lv} is beyond the limit of ${this.maxDatabases} (option maxDatabases)`,
              this.lenAt(),
            );
          }
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
          this.expire = this.msExpire(this.tb, this.to);
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
        case S_TMPL_ID:
          if (!this.readRawU64()) return;
          if (this.lvHi >= 0x200000 || this.templates.has(this.lv)) {
            throw this.error("CORRUPT", `duplicate or invalid hash template id ${this.lvText()}`, this.lenAt());
          }
          this.tmplId = this.lv;
          this.st = S_TMPL_COUNT;
          break;
        case S_TMPL_COUNT:
          if (!this.readCount()) return;
          if (this.lv === 0) throw this.error("CORRUPT", `hash template ${this.tmplId} has zero fields`, this.lenAt());
          this.checkCount(this.lv);
          this.tmplLeft = this.lv;
          this.tmplNames = [];
          this.st = S_TMPL_FIELD;
          break;
        case S_TMPL_FIELD:
          if (!this.readStr(true)) return;
          this.addTemplateName(this.tmplNames);
          if (--this.tmplLeft === 0) {
            this.templates.set(this.tmplId, this.tmplNames);
            this.sum.hashTemplates++;
            this.tmplNames = [];
            this.st = S_OPCODE;
          }
          break;
        case S_IMPORT_NAME:
          if (!this.readStr(false)) return;
          this.st = S_IMPORT_COUNT;
          break;
        case S_IMPORT_COUNT:
          if (!this.readCount()) return;
          this.checkCount(this.lv);
          this.n2 = this.lv * 2; // start and end slot per range
          this.st = this.n2 === 0 ? S_OPCODE : S_IMPORT_RANGE;
          break;
        case S_IMPORT_RANGE:
          if (!this.readCount()) return;
          if (--this.n2 === 0) this.st = S_OPCODE;
          break;
        case K_COUNT:
          if (!this.readCount()) return;
          if (this.lv > KEY_META_MAX_CLASSES) {
            throw this.error(
              "CORRUPT",
              `${this.lv} key metadata classes (at most ${KEY_META_MAX_CLASSES})`,
              this.lenAt(),
            );
          }
          this.kmLeft = this.lv;
          this.st = this.kmLeft === 0 ? K_TYPE : K_SPEC;
          break;
        case K_SPEC: {
          if (!this.take(4)) return;
          const b = this.tb, o = this.to;
          // Written raw in host order (little-endian on every platform Redis ships for).
          const spec = (b[o] | (b[o + 1] << 8) | (b[o + 2] << 16) | (b[o + 3] << 24)) >>> 0;
          const name = keyMetaClassName(spec);
          this.sum.keyMeta[name] = (this.sum.keyMeta[name] ?? 0) + 1;
          this.modMode = MOD_KEY_META;
          this.modFirst = false;
          this.st = M_OP;
          break;
        }
        case K_TYPE: {
          if (this.pos >= this.end) return;
          const t = this.chunk[this.pos++];
          if (t >= Opcode.HASH_TEMPLATE) {
            throw this.error(
              "UNKNOWN_TYPE",
              `byte ${t} after key metadata is not a value type`,
              this.bytesConsumed - 1,
            );
          }
          this.beginKey(t);
          if (this.single) this.beginValue(); // a DUMP payload: no key follows
          break;
        }
        case S_KEY:
          if (!this.readStr(true)) return;
          this.key = this.heldStr();
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
          if (t === Opcode.KEY_META && this.keyMetaAllowed()) {
            this.st = K_COUNT; // RDB ≥ 13 payloads may carry the key's module metadata first
            break;
          }
          if (t >= Opcode.HASH_TEMPLATE) {
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
          this.checkCount(this.n1);
          if (this.vname !== "list") this.sizeHint = this.n1; // a quicklist counts nodes, not elements
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
          if (this.fieldTtl !== null && this.fieldTtl > EXPIRE_TIME_MAX) {
            throw this.error("CORRUPT", `hash field expiry ${this.fieldTtl} is out of range`, this.lenAt());
          }
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
            this.pend2 = this.heldStr();
            this.pend2View = this.strView;
            this.st = V_HASH_EXP8;
          } else {
            this.hashField(this.str);
          }
          break;
        case V_HASH_EXP8: {
          if (!this.take(8)) return;
          const exp = i64le(this.tb, this.to);
          // Valkey's loader: -1 is "no TTL" (EXPIRY_NONE), anything below is corrupt.
          if (exp < -1) throw this.error("CORRUPT", `hash field expiry ${exp}`, this.bytesConsumed - 8);
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
          // Redis reads it as unsigned and refuses it past EB_EXPIRE_TIME_INVALID (2^48); 25 ignores it.
          if (this.vtype === ValueType.HASH_METADATA && !(this.minExpire >= 0 && this.minExpire <= 2 ** 48)) {
            throw this.error(
              "CORRUPT",
              `hash minimum field expiry ${this.minExpire} is out of range`,
              this.bytesConsumed - 8,
            );
          }
          this.st = this.vtype === ValueType.HASH_METADATA ? V_COUNT : V_BLOB;
          break;
        case V_BLOB:
          if (!this.readStr(true)) return;
          this.blob(this.str, this.sBodyAt, this.strExact);
          this.endValue();
          break;
        case V_QL_NODE:
          if (!this.readStr(true)) return;
          if (this.str.length === 0) throw this.error("CORRUPT", "empty quicklist node", this.sAt);
          this.emitList(new ZiplistCursor(this.str, this.sBodyAt, this.strExact));
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
            this.emitList(new ListpackCursor(this.str, this.sBodyAt, this.strExact));
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
          if (this.modMode === MOD_AUX && this.modFirst && op !== ModuleOpcode.UINT) {
            throw this.error("CORRUPT", `module aux of ${this.vname}: bad 'when' opcode ${op}`, at);
          }
          this.modFirst = false;
          switch (op) {
            case ModuleOpcode.EOF:
              if (this.modMode === MOD_AUX) {
                this.sum.moduleAux[this.vname] = (this.sum.moduleAux[this.vname] ?? 0) + 1;
                this.st = S_OPCODE;
              } else if (this.modMode === MOD_KEY_META) {
                this.st = --this.kmLeft === 0 ? K_TYPE : K_SPEC;
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
              throw this.error(
                "CORRUPT",
                `${
                  this.modMode === MOD_KEY_META ? "key metadata" : `module ${this.vname}`
                }: unknown module opcode ${op}`,
                at,
              );
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
          if (this.n1 === 0) this.streamGroupsDone();
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
        case X_G_NNACK:
          if (!this.readCount()) return;
          this.n3 = this.lv;
          if (this.n3 === 0) this.streamNextGroup();
          else this.st = X_G_NACK;
          break;
        case X_G_NACK:
          if (!this.take(16)) return; // a raw stream id
          if (--this.n3 === 0) this.streamNextGroup();
          break;
        case X_IDMP_CFG:
          // IDMP duration (seconds), IDMP max entries
          if (!this.readCount()) return;
          if (--this.n2 === 0) this.st = X_P_COUNT;
          break;
        case X_P_COUNT:
          if (!this.readCount()) return;
          this.n1 = this.lv;
          this.n2 = 2;
          this.st = this.n1 === 0 ? X_IIDS : X_P_PID;
          break;
        case X_P_PID:
          if (!this.readStr(false)) return;
          this.st = X_P_NIID;
          break;
        case X_P_NIID:
          if (!this.readCount()) return;
          this.n3 = this.lv;
          if (this.n3 === 0) this.streamNextProducer(); // all expired when saved
          else this.st = X_E_IID;
          break;
        case X_E_IID:
          if (!this.readStr(false)) return;
          this.n4 = 2;
          this.st = X_E_ID;
          break;
        case X_E_ID:
          // the stream id (ms, seq) the iid maps to: full 64-bit values
          if (!this.readRawU64()) return;
          if (--this.n4 > 0) break;
          if (--this.n3 === 0) this.streamNextProducer();
          else this.st = X_E_IID;
          break;
        case X_IIDS:
          // iids added, iids duplicates (all-time counters)
          if (!this.readRawU64()) return;
          if (--this.n2 === 0) this.endValue();
          break;

        // ---- arrays (placeholders) ----
        case A_COUNT:
          if (!this.readCount()) return;
          if (this.lv === 0) throw this.error("CORRUPT", "empty array", this.lenAt());
          this.checkCount(this.lv);
          this.n1 = this.lv;
          this.st = A_FLAG;
          break;
        case A_FLAG:
          if (!this.readCount()) return;
          if (this.lv > 1) throw this.error("CORRUPT", `invalid array insert-index flag ${this.lv}`, this.lenAt());
          this.st = this.lv === 1 ? A_INSERT : A_INDEX;
          break;
        case A_INSERT:
          if (!this.readRawU64()) return;
          this.st = A_INDEX;
          break;
        case A_INDEX:
          if (!this.readRawU64()) return;
          if (this.lvHi === 0xffffffff && this.lvLo === 0xffffffff) {
            throw this.error("CORRUPT", "array index 2^64-1", this.lenAt());
          }
          this.st = A_TAG;
          break;
        case A_TAG:
          if (!this.readCount()) return;
          switch (this.lv) {
            case 0: // a string
              this.st = A_SDS;
              break;
            case 1: // int64 LE
            case 2: // binary double
              this.st = A_FIXED;
              break;
            case 3: // a string of at most 7 bytes
              this.st = A_SMALL;
              break;
            default:
              throw this.error("CORRUPT", `unknown array element tag ${this.lv}`, this.lenAt());
          }
          break;
        case A_FIXED:
          if (!this.take(8)) return;
          this.arrayElementDone();
          break;
        case A_SDS:
          if (!this.readStr(false)) return;
          this.arrayElementDone();
          break;
        case A_SMALL:
          if (!this.readStr(true)) return;
          if (this.str.length > 7) {
            throw this.error("CORRUPT", `array small string of ${this.str.length} bytes`, this.sAt);
          }
          this.arrayElementDone();
          break;

        // ---- template hashes ----
        case T_FMT:
          if (!this.readCount()) return;
          if (this.lv === 0) this.st = T_NAMES_LP;
          else if (this.lv === 1) this.st = T_NAMES_COUNT;
          else throw this.error("CORRUPT", `unknown template fields format ${this.lv}`, this.lenAt());
          this.vFields = [];
          break;
        case T_NAMES_LP:
          if (!this.readStr(true)) return;
          this.templateNamesFromListpack();
          this.afterTemplateNames();
          break;
        case T_NAMES_COUNT:
          if (!this.readCount()) return;
          if (this.lv === 0) throw this.error("CORRUPT", "template with zero fields", this.lenAt());
          this.checkCount(this.lv);
          this.n1 = this.lv;
          this.st = T_NAME;
          break;
        case T_NAME:
          if (!this.readStr(true)) return;
          this.addTemplateName(this.vFields);
          if (--this.n1 === 0) this.afterTemplateNames();
          break;
        case T_VALUES_LP:
          if (!this.readStr(true)) return;
          this.emitTemplateListpack(this.str, this.sBodyAt, this.strExact, this.vFields);
          this.endValue();
          break;
        case T_REF_ID: {
          if (!this.readRawU64()) return;
          const fields = this.lvHi < 0x200000 ? this.templates.get(this.lv) : undefined;
          if (fields === undefined) {
            throw this.error("CORRUPT", `invalid hash template id ${this.lvText()}`, this.lenAt());
          }
          this.vFields = fields;
          this.vIdx = 0;
          this.st = T_VALUE;
          break;
        }
        case T_VALUE: {
          if (!this.readStr(this.full)) return;
          const field = this.vFields[this.vIdx++];
          if (this.full) {
            const v = this.str;
            this.inSink = true;
            this.startIfNeeded().onHashField!(field, v, null);
            this.inSink = false;
          }
          this.count++;
          if (this.vIdx === this.vFields.length) this.endValue();
          break;
        }
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
    if (magic.startsWith("VKCS")) {
      this.startEnvelope(b, o);
      return;
    }
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
    if (!ok) {
      const known = this.flavor === "redis"
        ? `REDIS versions 1–${MAX_REDIS_RDB_VERSION}`
        : `VALKEY versions ${VALKEY_RDB_VERSIONS.join(", ")}`;
      throw this.error(
        "UNSUPPORTED_VERSION",
        `unsupported RDB version ${magic} (this decoder reads ${known})`,
        this.flavor === "redis" ? 5 : 6,
      );
    }
    this.version = v;
    this.sum.magic = this.flavor === "redis" ? "REDIS" : "VALKEY";
    this.sum.version = v;
    this.st = S_OPCODE;
  }

  private opcode(t: number): void {
    switch (t) {
      case Opcode.HASH_TEMPLATE: // = VALKEY_UPDATE
        if (this.flavor === "redis" && this.version >= 15) {
          this.st = S_TMPL_ID;
          return;
        }
        if (this.flavor === "valkey" && this.version >= 81) {
          throw this.error(
            "UNKNOWN_OPCODE",
            "opcode 242 (Valkey UPDATE: a command inlined by a forkless save) is not supported",
            this.bytesConsumed - 1,
          );
        }
        throw this.error(
          "UNKNOWN_OPCODE",
          `opcode 242 in ${this.sum.magic} version ${this.version} (Redis hash templates need RDB 15)`,
          this.bytesConsumed - 1,
        );
      case Opcode.KEY_META: // = SLOT_IMPORT
        if (this.flavor === "valkey") {
          this.st = S_IMPORT_NAME;
          return;
        }
        if (this.keyMetaAllowed()) {
          this.st = K_COUNT;
          return;
        }
        throw this.error(
          "UNKNOWN_OPCODE",
          `opcode 243 in REDIS version ${this.version} (key metadata needs RDB 13)`,
          this.bytesConsumed - 1,
        );
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
        this.modMode = MOD_AUX;
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
    const name = typeNameOf(t, this.flavor, this.version);
    if (name === undefined) {
      const note = unknownTypeNote(t, this.flavor, this.version);
      throw this.error(
        "UNKNOWN_TYPE",
        `unknown value type ${t} in ${this.sum.magic} version ${this.version}${note ? `: ${note}` : ""}`,
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
    if (this.single && (t === ValueType.HASH_TMPL_LP_REF || t === ValueType.HASH_TMPL_ARRAY_REF)) {
      throw this.error(
        "CORRUPT",
        `hash type ${t} references a template of an RDB file: not valid in a DUMP payload`,
        this.bytesConsumed - 1,
      );
    }
    this.count = 0;
    this.started = false;
    this.st = S_KEY;
  }

  /** Set the state for the first field of the value, after the key. */
  private beginValue(): void {
    this.sizeHint = 0;
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
        this.modMode = MOD_VALUE;
        this.st = M_ID;
        return;
      case ValueType.STREAM_LISTPACKS:
      case ValueType.STREAM_LISTPACKS_2:
      case ValueType.STREAM_LISTPACKS_3:
      case ValueType.STREAM_LISTPACKS_4:
      case ValueType.STREAM_LISTPACKS_5:
        this.st = X_NLP;
        return;
      case ValueType.ARRAY:
        this.st = A_COUNT;
        return;
      case ValueType.HASH_TMPL_LP:
      case ValueType.HASH_TMPL_ARRAY:
        this.st = T_FMT;
        return;
      case ValueType.HASH_TMPL_LP_REF:
        this.st = V_BLOB;
        return;
      case ValueType.HASH_TMPL_ARRAY_REF:
        this.st = T_REF_ID;
        return;
      default:
        throw this.error("UNKNOWN_TYPE", `unknown value type ${this.vtype}`, this.bytesConsumed);
    }
  }

  private counted(next: number): void {
    this.afterCount = next;
    this.st = V_COUNT;
  }

  /**
   * Parse a complete compact blob and report its elements. `exact` is false
   * when the blob was LZF-decompressed (errors then name the string's start).
   */
  private blob(b: Uint8Array, at: number, exact: boolean): void {
    switch (this.vtype) {
      case ValueType.LIST_ZIPLIST:
        this.emitList(new ZiplistCursor(b, at, exact));
        return;
      case ValueType.SET_INTSET:
        this.emitSet(new IntsetCursor(b, at, exact));
        return;
      case ValueType.SET_LISTPACK:
        this.emitSet(new ListpackCursor(b, at, exact));
        return;
      case ValueType.ZSET_ZIPLIST:
        this.emitZset(new ZiplistCursor(b, at, exact));
        return;
      case ValueType.ZSET_LISTPACK:
        this.emitZset(new ListpackCursor(b, at, exact));
        return;
      case ValueType.HASH_ZIPMAP:
        this.emitHash(new ZipmapCursor(b, at, exact), false);
        return;
      case ValueType.HASH_ZIPLIST:
        this.emitHash(new ZiplistCursor(b, at, exact), false);
        return;
      case ValueType.HASH_LISTPACK:
        this.emitHash(new ListpackCursor(b, at, exact), false);
        return;
      case ValueType.HASH_LISTPACK_EX:
      case ValueType.HASH_LISTPACK_EX_PRE_GA:
        this.emitHash(new ListpackCursor(b, at, exact), true);
        return;
      case ValueType.HASH_TMPL_LP_REF:
        this.emitTemplateListpack(b, at, exact, null);
        return;
    }
  }

  /**
   * A template hash's values listpack: entry 0 is an integer template id,
   * then one value per template field. `fields` null: the REF form, whose id
   * names a template of this load; otherwise the id is the writer's and is
   * ignored (`rdbLoadTmplLpBlob`, `rdbCheckTmplLpCount`).
   */
  private emitTemplateListpack(b: Uint8Array, at: number, exact: boolean, fields: Uint8Array[] | null): void {
    const bad = (what: string) => this.error("CORRUPT", `template listpack: ${what}`, this.sAt);
    // First pass: validate the listpack and its counts before reporting anything.
    const check = new ListpackCursor(b, at, exact);
    if (!check.next()) throw bad("empty");
    if (!check.isInteger) throw bad("the first entry (template id) is not an integer");
    const id = check.number();
    if (fields === null) {
      if (id < 0) throw bad(`negative template id ${id}`);
      const found = Number.isSafeInteger(id) ? this.templates.get(id) : undefined;
      if (found === undefined) throw bad(`invalid hash template id ${id}`);
      fields = found;
    }
    let n = 0;
    while (check.next()) n++;
    if (n !== fields.length) throw bad(`${n} values for a template of ${fields.length} fields`);
    if (this.full) {
      const c = new ListpackCursor(b, at, exact);
      c.next();
      for (const field of fields) {
        c.next();
        const v = c.bytes();
        this.inSink = true;
        this.startIfNeeded().onHashField!(field, v, null);
        this.inSink = false;
      }
    }
    this.count += fields.length;
  }

  /** The field names of a self-contained template (type 29/31) as one listpack (FIELDS_LP). */
  private templateNamesFromListpack(): void {
    const c = new ListpackCursor(this.str, this.sBodyAt, this.strExact);
    while (c.next()) {
      this.str = c.bytes(); // integers come as their decimal text, as Redis reads them
      this.addTemplateName(this.vFields);
    }
    if (this.vFields.length === 0) throw this.error("CORRUPT", "template with zero fields", this.sAt);
  }

  /** The names of a self-contained template are read: its values follow. */
  private afterTemplateNames(): void {
    if (this.vtype === ValueType.HASH_TMPL_LP) {
      this.st = T_VALUES_LP;
    } else {
      this.vIdx = 0;
      this.st = T_VALUE;
    }
  }

  /**
   * Append the string just read to a template's names (a copy: the names
   * outlive the chunk), checking they are strictly ascending by length, then
   * bytes, as Redis requires (`hashTemplateValidateFields`, `sdscmplen`).
   */
  private addTemplateName(names: Uint8Array[]): void {
    const name = this.str.slice();
    if (names.length > 0 && lengthThenBytes(names[names.length - 1], name) >= 0) {
      throw this.error("CORRUPT", "hash template fields not strictly sorted", this.sAt);
    }
    names.push(name);
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
        // As Redis's listpack validation: an integer in [0, EB_EXPIRE_TIME_MAX] (Redis writes integer
        // entries; a string holding one is accepted, as Redis does without deep sanitization).
        const t = c.number();
        if (!(Number.isInteger(t) && t >= 0 && t <= EXPIRE_TIME_MAX)) {
          throw this.error("CORRUPT", "invalid hash field TTL in a listpack", this.sAt);
        }
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

  /** The consumers of a group are read: NACKed ids (type 27) or the next group. */
  private streamGroupDone(): void {
    if (this.vtype >= ValueType.STREAM_LISTPACKS_5) this.st = X_G_NNACK;
    else this.streamNextGroup();
  }

  private streamNextGroup(): void {
    if (--this.n1 === 0) this.streamGroupsDone();
    else this.st = X_G_NAME;
  }

  /** Every consumer group is read: the IDMP trailer (type ≥ 26) or the end. */
  private streamGroupsDone(): void {
    if (this.vtype >= ValueType.STREAM_LISTPACKS_4) {
      this.n2 = 2;
      this.st = X_IDMP_CFG;
    } else {
      this.endValue();
    }
  }

  private streamNextProducer(): void {
    if (--this.n1 === 0) {
      this.n2 = 2;
      this.st = X_IIDS;
    } else {
      this.st = X_P_PID;
    }
  }

  private arrayElementDone(): void {
    this.count++;
    if (--this.n1 === 0) this.endValue();
    else this.st = A_INDEX;
  }

  private startIfNeeded(): RdbSink {
    if (!this.started) {
      this.started = true;
      this.sink.onCollectionStart!(this.db, this.key, this.vname as CollectionTypeName, this.expire, this.sizeHint);
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
    this.pend = this.heldStr();
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
    this.lvAt = this.bytesConsumed - size;
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
    this.strInScratch = false;
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
        this.strExact = true;
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
            this.checkRoom(this.sLen, "string");
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
          this.strExact = true;
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
          this.checkRoom(this.sLen, "LZF string");
          if (this.sULen > this.maxString) this.tooLarge(this.sULen);
          if (this.sLen > this.maxString) this.tooLarge(this.sLen);
          if (this.sULen > this.sLen * LZF_MAX_RATIO) {
            throw this.error(
              "CORRUPT",
              `LZF string of ${this.sLen} compressed bytes cannot hold ${this.sULen} bytes`,
              this.sAt,
            );
          }
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
            if (keep && k > 0) {
              if (this.sBuf === null || this.sBuf.length < this.sHave + k) this.growString(this.sHave + k, need);
              this.sBuf!.set(this.chunk.subarray(this.pos, this.pos + k), this.sHave);
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
            const out = this.lzfOutput(this.sULen);
            if (lzfDecompress(body, 0, body.length, out) !== this.sULen) {
              throw this.error("CORRUPT", "invalid LZF compressed string", this.sAt);
            }
            this.str = out;
            this.strView = false;
            this.strExact = false;
          } else {
            this.str = body;
            this.strView = view;
            this.strExact = true;
          }
          return true;
        }
      }
    }
  }

  /**
   * Make `sBuf` hold at least `min` bytes of a string of `need` bytes:
   * doubling from 64 KiB, never beyond `need`, so memory follows the bytes
   * that arrived and not the length the input claims.
   */
  private growString(min: number, need: number): void {
    const cap = this.sBuf === null ? 0 : this.sBuf.length;
    const size = Math.min(need, Math.max(min, cap * 2, 64 * 1024));
    const grown = this.alloc(size);
    if (this.sBuf !== null && this.sHave > 0) grown.set(this.sBuf.subarray(0, this.sHave));
    this.sBuf = grown;
  }

  /**
   * With a known input size, a body of `n` bytes starting at the current
   * position must end inside the input.
   */
  private checkRoom(n: number, what: string): void {
    if (this.total >= 0 && this.bytesConsumed + n > this.total) {
      throw this.error(
        "TRUNCATED",
        `${what} of ${n} bytes runs past the end of the ${this.total}-byte input`,
        this.sAt,
      );
    }
  }

  /**
   * With a known input size, `n` elements (each at least one byte) must fit
   * in what is left of it.
   */
  private checkCount(n: number): void {
    if (this.total >= 0 && this.bytesConsumed + n > this.total) {
      throw this.error(
        "TRUNCATED",
        `a count of ${n} elements cannot fit in the rest of the ${this.total}-byte input`,
        this.lvAt,
      );
    }
  }

  /** Where the last length field started. */
  private lenAt(): number {
    return this.lvAt;
  }

  /** The last raw 64-bit length as exact decimal text. */
  private lvText(): string {
    return ((BigInt(this.lvHi) << 32n) | BigInt(this.lvLo)).toString();
  }

  /** Key metadata (243 before a type byte) exists in Redis files of RDB ≥ 13. */
  private keyMetaAllowed(): boolean {
    return this.flavor === "redis" && this.version >= 13;
  }

  /**
   * A millisecond expiry (EXPIRETIME_MS). Since RDB 9 it is little-endian;
   * before, Redis wrote it in host order, so a file from a big-endian host
   * has it byte-swapped. A little-endian reading outside [0, 2^48) (past the
   * year 10889) whose big-endian reading is inside is taken as big-endian.
   */
  private msExpire(b: Uint8Array, o: number): number {
    const le = i64le(b, o);
    if (this.version >= 9 || (le >= 0 && le < 2 ** 48)) return le;
    let be = 0;
    for (let i = 0; i < 8; i++) be = be * 256 + b[o + i];
    return b[o] < 0x80 && be < 2 ** 48 ? be : le;
  }

  // ---- VKCS envelope ------------------------------------------------------

  /**
   * The first 9 bytes start with `VKCS`: check the envelope (8 bytes), then
   * everything after it is one LZ4 frame whose content is the RDB, decoded
   * by an inner decoder. The 9th byte is the frame's first.
   */
  private startEnvelope(b: Uint8Array, o: number): void {
    parseVkcsEnvelope(b, o);
    this.crcOn = false; // the inner RDB carries its own checksum
    const inner = new RdbDecoder(this.sink, { maxStringBytes: this.maxString, maxDatabases: this.maxDatabases });
    this.inner = inner;
    this.lz4 = new Lz4FrameDecoder(8, (plain) => this.feedInner(plain));
    this.st = S_ENVELOPE;
    this.lz4.push(b, o + 8, o + 9);
  }

  private envelope(): void {
    const lz4 = this.lz4!;
    this.pos += lz4.push(this.chunk, this.pos, this.end);
    if (!lz4.done) return;
    if (!this.inner!.done) {
      throw this.error("TRUNCATED", "the LZ4 frame ended before the RDB inside it", this.bytesConsumed);
    }
    this.st = S_DONE;
  }

  /** Decompressed bytes go to the inner decoder; its errors are mapped to the compressed input. */
  private feedInner(plain: Uint8Array): void {
    const inner = this.inner!, at = this.lz4!.blockOffset;
    if (inner.done) throw this.error("CORRUPT", "bytes after the RDB's end inside the LZ4 frame", at);
    let used: number;
    try {
      used = inner.push(plain);
    } catch (e) {
      if (!(e instanceof RdbError)) {
        this.inSink = true; // the sink's own error: passes through unchanged
        throw e;
      }
      const what = e.message.replace(/ \(RDB offset \d+\)$/, "");
      throw this.error(e.reason, `${what} (at offset ${e.offset} of the decompressed RDB)`, at);
    }
    if (used < plain.length) {
      throw this.error("CORRUPT", "bytes after the RDB's end inside the LZ4 frame", at);
    }
  }

  /**
   * `str` in a form that outlives the next string: a copy when it sits in the
   * LZF scratch buffer (views into the chunk are detached by the push).
   */
  private heldStr(): Uint8Array {
    return this.strInScratch ? this.str.slice() : this.str;
  }

  /** Where an LZF string of `n` bytes is decompressed: the scratch buffer, or its own array when large. */
  private lzfOutput(n: number): Uint8Array {
    if (n > LZF_SCRATCH_MAX) return this.alloc(n);
    if (this.lzfScratch.length < n) this.lzfScratch = new Uint8Array(Math.max(n, 4096, 2 * this.lzfScratch.length));
    this.strInScratch = true;
    return this.lzfScratch.subarray(0, n);
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

/** `sdscmplen` order: shorter first, then bytes. */
function lengthThenBytes(a: Uint8Array, b: Uint8Array): number {
  if (a.length !== b.length) return a.length - b.length;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return 0;
}

/**
 * Name and version of a key-metadata class from its 32-bit spec (Redis
 * `keyMetaClassDecode`): four 6-bit characters from the top, then a 5-bit
 * version and 3 flag bits. Returned as `name/v<version>`.
 */
function keyMetaClassName(spec: number): string {
  let name = "";
  for (let i = 0; i < 4; i++) name += KEY_META_CHARSET[(spec >>> (26 - 6 * i)) & 63];
  return `${name}/v${(spec >>> 3) & 31}`;
}
