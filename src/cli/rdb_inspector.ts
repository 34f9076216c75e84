/**
 * What an RDB file holds, for `veidrodelis inspect`: keys per database and
 * type, the encodings the values were stored in, the biggest keys, what the
 * decoder skipped (streams, modules, arrays), the header and AUX fields.
 * The file is read a piece at a time (bounded memory whatever its size)
 * through the project's RDB decoder, with nothing loaded into a store.
 *
 * @module
 */

import { open, stat } from "node:fs/promises";
import { WasmCrc64 } from "../_wasm/store.ts";
import { type ExpireAt, RdbDecoder, type RdbLoadProgress, type RdbSink, type RdbSummary } from "../rdb/mod.ts";
import { encodingName } from "./rdb_encodings.ts";

/** Bytes read from the file at a time. */
const READ_BYTES = 1 << 20;

/** Counts of one database. */
export interface DatabaseReport {
  /** The database number. */
  db: number;
  /** Keys in it. */
  keys: number;
  /** Keys with a TTL. */
  expires: number;
  /** Keys per type (`string`, `hash`, …, `stream`, a module's type name). */
  types: Record<string, number>;
}

/** One of the biggest keys. */
export interface BigKey {
  /** Its database. */
  db: number;
  /** The key as UTF-8 text (invalid bytes shown as U+FFFD; see `keyBase64`). */
  key: string;
  /** The key's exact bytes in base64, present only when the key is not valid UTF-8. */
  keyBase64?: string;
  /** Its type. */
  type: string;
  /** How it was stored in the RDB (`hash/listpack`, `list/quicklist2`, …). */
  encoding: string;
  /**
   * Bytes of key and value data (members, fields and values; 8 per zset
   * score). Streams, modules and arrays, which are not decoded: the bytes
   * their record takes in the file.
   */
  bytes: number;
  /** Elements of a list, set, zset or hash (pairs count once); null for strings and undecoded values. */
  elements: number | null;
  /** Expiry time in unix ms, or null. */
  expireAtMs: number | null;
}

/** Everything `inspect` reports on a file. */
export interface InspectReport {
  /** The file as given. */
  file: string;
  /** Its size in bytes. */
  fileBytes: number;
  /** "REDIS" or "VALKEY". */
  magic: string;
  /** The RDB version of the header. */
  version: number;
  /** "lz4" for a Valkey `VKCS` envelope, else null. */
  compression: "lz4" | null;
  /** True when the file carried a checksum and it matched (false: no checksum, it is zero). */
  checksumVerified: boolean;
  /** AUX fields (`redis-ver`, `repl-id`, `used-mem`, …). */
  aux: Record<string, string>;
  /** Keys in the file (empty collections, which Redis drops on load, are not counted). */
  keys: number;
  /** Keys per type over all databases. */
  types: Record<string, number>;
  /** Values per RDB encoding. */
  encodings: Record<string, number>;
  /** Values the decoder skipped without decoding them, per type (streams, arrays, module types). */
  skipped: Record<string, number>;
  /** The databases holding keys, in order. */
  databases: DatabaseReport[];
  /** The biggest keys, biggest first. */
  biggest: BigKey[];
  /** Function libraries (FUNCTION2 records). */
  functions: number;
  /** Empty collections skipped. */
  emptyKeysSkipped: number;
  /** MODULE_AUX records skipped, per module. */
  moduleAux: Record<string, number>;
  /** Key metadata skipped (Redis ≥ 8.6), per class. */
  keyMeta: Record<string, number>;
  /** Time taken, in ms. */
  elapsedMs: number;
}

/** Options of {@linkcode inspectRdbFile}. */
export interface InspectOptions {
  /** How many of the biggest keys to keep (default 10). */
  top?: number;
  /** Called after each piece of the file is decoded. */
  onProgress?: (progress: RdbLoadProgress) => void;
}

/**
 * Reads an RDB file and reports what it holds. Rejects with `RdbError`
 * (reason and offset) when the file is not a valid RDB, with an `Error`
 * saying so when the file is missing or unreadable.
 *
 * @example
 * ```ts ignore
 * const report = await inspectRdbFile("dump.rdb", { top: 5 });
 * console.log(report.keys, report.types, report.biggest[0]);
 * ```
 */
export async function inspectRdbFile(path: string, options: InspectOptions = {}): Promise<InspectReport> {
  const started = performance.now();
  const size = await fileSize(path);
  const collector = new KeyCollector(options.top ?? 10);
  const decoder = new RdbDecoder(collector, { totalBytes: size, crc: new WasmCrc64() });
  collector.decoder = decoder;
  const handle = await open(path, "r");
  try {
    const buffer = new Uint8Array(Math.max(1, Math.min(READ_BYTES, size)));
    for (let position = 0; position < size && !decoder.done;) {
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, position);
      if (bytesRead === 0) break; // the file shrank: finish() reports the truncation
      position += bytesRead;
      decoder.push(buffer.subarray(0, bytesRead));
      options.onProgress?.({ bytes: decoder.bytesConsumed, totalBytes: size, keys: decoder.summary.keys });
    }
  } finally {
    await handle.close();
  }
  const summary = decoder.finish();
  return collector.report(path, size, summary, performance.now() - started);
}

async function fileSize(path: string): Promise<number> {
  let info;
  try {
    info = await stat(path);
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === "ENOENT") throw new Error(`no such file: ${path}`);
    throw new Error(`cannot read ${path}: ${(error as Error).message}`);
  }
  if (!info.isFile()) throw new Error(`not a file: ${path}`);
  return info.size;
}

/** The RDB type byte (the encoding) of the value being reported. */
function currentValueType(decoder: RdbDecoder | null): number | undefined {
  return decoder?.valueType;
}

const fatalUtf8 = new TextDecoder("utf-8", { fatal: true });
const lenientUtf8 = new TextDecoder();

/** The collection being decoded. */
interface OpenCollection {
  db: number;
  key: Uint8Array;
  type: string;
  encoding: string;
  expireAtMs: ExpireAt;
  bytes: number;
}

/** The decoder's sink: counts every key and keeps the biggest. */
class KeyCollector implements RdbSink {
  decoder: RdbDecoder | null = null;
  readonly #top: number;
  readonly #biggest: BigKey[] = [];
  readonly #databases = new Map<number, DatabaseReport>();
  readonly #encodings: Record<string, number> = {};
  /** Where the last key's record ended, to size the values that are not decoded. */
  #lastKeyEnd = 0;
  #open: OpenCollection | null = null;

  constructor(top: number) {
    this.#top = top;
  }

  onString(db: number, key: Uint8Array, value: Uint8Array, expireAtMs: ExpireAt): void {
    const encoding = this.#encoding();
    this.#key(db, key, "string", encoding, key.length + value.length, null, expireAtMs);
  }

  onPlaceholder(db: number, key: Uint8Array, typeName: string, expireAtMs: ExpireAt): void {
    const encoding = this.#encoding();
    const span = Math.max(0, (this.decoder?.bytesConsumed ?? 0) - this.#lastKeyEnd);
    this.#key(db, key, typeName, encoding, Math.max(span, key.length), null, expireAtMs);
  }

  onCollectionStart(db: number, key: Uint8Array, type: string, expireAtMs: ExpireAt): void {
    // the key is borrowed until this call returns: copied
    this.#open = { db, key: key.slice(), type, encoding: this.#encoding(), expireAtMs, bytes: key.length };
  }

  onListElement(value: Uint8Array): void {
    this.#open!.bytes += value.length;
  }

  onSetMember(member: Uint8Array): void {
    this.#open!.bytes += member.length;
  }

  onZsetMember(member: Uint8Array): void {
    this.#open!.bytes += member.length + 8;
  }

  onHashField(field: Uint8Array, value: Uint8Array): void {
    this.#open!.bytes += field.length + value.length;
  }

  onCollectionEnd(count: number): void {
    const c = this.#open!;
    this.#open = null;
    this.#key(c.db, c.key, c.type, c.encoding, c.bytes, count, c.expireAtMs);
  }

  report(file: string, fileBytes: number, summary: RdbSummary, elapsedMs: number): InspectReport {
    return {
      file,
      fileBytes,
      magic: summary.magic,
      version: summary.version,
      compression: summary.compression,
      checksumVerified: summary.checksumVerified,
      aux: summary.aux,
      keys: summary.keys,
      types: summary.keysByType,
      encodings: this.#encodings,
      skipped: summary.placeholders,
      databases: [...this.#databases.values()].sort((a, b) => a.db - b.db),
      biggest: this.#biggest,
      functions: summary.functions,
      emptyKeysSkipped: summary.emptyKeysSkipped,
      moduleAux: summary.moduleAux,
      keyMeta: summary.keyMeta,
      elapsedMs,
    };
  }

  #encoding(): string {
    const encoding = encodingName(currentValueType(this.decoder), this.decoder?.summary.magic ?? "");
    this.#encodings[encoding] = (this.#encodings[encoding] ?? 0) + 1;
    return encoding;
  }

  #key(
    db: number,
    key: Uint8Array,
    type: string,
    encoding: string,
    bytes: number,
    elements: number | null,
    expireAtMs: ExpireAt,
  ): void {
    this.#lastKeyEnd = this.decoder?.bytesConsumed ?? 0;
    let counts = this.#databases.get(db);
    if (counts === undefined) this.#databases.set(db, counts = { db, keys: 0, expires: 0, types: {} });
    counts.keys++;
    if (expireAtMs !== null) counts.expires++;
    counts.types[type] = (counts.types[type] ?? 0) + 1;
    const list = this.#biggest;
    // most keys are not among the biggest: decide before decoding the key
    if (this.#top === 0 || (list.length === this.#top && bytes <= list[list.length - 1].bytes)) return;
    this.#insert({ db, ...keyText(key), type, encoding, bytes, elements, expireAtMs });
  }

  /** Puts `candidate` in its place in the biggest keys (a short sorted list: N is small). */
  #insert(candidate: BigKey): void {
    const list = this.#biggest;
    let at = list.length;
    while (at > 0 && list[at - 1].bytes < candidate.bytes) at--;
    list.splice(at, 0, candidate);
    if (list.length > this.#top) list.pop();
  }
}

/** The key as text, with its exact bytes in base64 when it is not valid UTF-8. */
function keyText(key: Uint8Array): { key: string; keyBase64?: string } {
  try {
    return { key: fatalUtf8.decode(key) };
  } catch {
    let binary = "";
    for (const b of key) binary += String.fromCharCode(b);
    return { key: lenientUtf8.decode(key), keyBase64: btoa(binary) };
  }
}
