/**
 * Mutation fuzzing of the RDB decoder (used by fuzz_test.ts, bounded for CI,
 * and by fuzz.ts for large runs by hand).
 *
 * Every case takes one corpus input (every fixture RDB, the hand-built
 * RDB 13–15 / Valkey files, the VKCS/LZ4 streams, DUMP payloads), applies
 * 1–3 mutations (bit flips, byte changes, truncations, length-field edits,
 * inserted / deleted / duplicated bytes, splices from another input), then
 * often repairs the CRC trailer so the decoder goes past the checksum, and
 * decodes it pushed in chunks split anywhere, with or without the total size
 * known, into a checking sink or (a subset) into a real Store through
 * StoreLoader. Required of every case:
 *
 * - only `RdbError` comes out (not a generic Error, TypeError, RangeError,
 *   a wasm trap, nor a StoreFullError or other store error), and not the
 *   decoder's "internal decoder failure" wrapper of an unexpected exception;
 * - its offset is an integer inside the input (0 … length);
 * - the sink sees a well-formed event sequence;
 * - no allocation beyond what the bytes that arrived can justify (the
 *   decoder's buffer allocations are observed);
 * - bounded time per case.
 *
 * The store subset loads as a full sync does: batched strings, the bulk
 * collection builder, `finish()` at the end and `abort()` after a failure; a
 * key named twice is an `RdbError` from StoreLoader, as Redis refuses it.
 */

import { readFileSync } from "node:fs";
import { decodeDumpPayload, RdbDecoder, RdbError, type RdbSink } from "../../src/rdb/mod.ts";
import { Store } from "../../src/_wasm/store.ts";
import { StoreLoader } from "../../src/replication/store_loader.ts";
import { replayCapture } from "../_support/fake_primary.ts";
import { RespCommandParser } from "../_support/resp.ts";
import { seededRandom } from "../_support/random.ts";
import { assertMatchesExpected, fixturePath, listRdb, modelSink, readFixture, storeModel, Writer } from "./_helpers.ts";
import { allSynthetic, keyMetaSpec, listpack, vkcsStreams } from "./_synthetic.ts";

/** One input of the corpus. */
export interface CorpusEntry {
  name: string;
  bytes: Uint8Array;
  /** A whole RDB stream, or a DUMP payload (RESTORE's third argument). */
  kind: "rdb" | "dump";
}

/** A case that broke a rule. */
export interface FuzzFailure {
  index: number;
  source: string;
  mutations: string[];
  mode: string;
  error: string;
  input: Uint8Array;
}

/** What a run saw. */
export interface FuzzReport {
  seed: number;
  cases: number;
  /** Cases per outcome: "ok", "refused:<reason>". */
  outcomes: Record<string, number>;
  storeCases: number;
  failures: FuzzFailure[];
  maxCaseMs: number;
  /** Largest decoder buffer allocation seen, in bytes. */
  maxAlloc: number;
  ms: number;
}

/** Options of {@linkcode runFuzz}. */
export interface FuzzOptions {
  cases: number;
  seed: number;
  /** Decode every n-th case into a Store too (0: never). Default 10. */
  storeEvery?: number;
  /** Only run this case index (to reproduce a failure). */
  only?: number;
  /** A case slower than this fails (bounded time). Default 5000 ms. */
  maxCaseMs?: number;
  /** Only corpus inputs whose name contains this (e.g. "synthetic/" or "vkcs"). */
  corpusFilter?: string;
  /** Called every 1000 cases. */
  progress?: (done: number, report: FuzzReport) => void;
}

const PUBLIC_DIRS = [
  "sripathikrishnan__redis-rdb-tools",
  "valkey-io__valkey",
  "HDT3213__rdb",
  "badboy__rdb-rs",
  "leonchen83__redis-replicator",
];

let corpusCache: CorpusEntry[] | null = null;

/** Every fixture RDB, the synthetic files and streams, and DUMP payloads. */
export function fuzzCorpus(): CorpusEntry[] {
  if (corpusCache) return corpusCache;
  const out: CorpusEntry[] = [];
  for (const f of listRdb("generated")) {
    out.push({ name: `generated/${f}`, bytes: readFixture(`generated/${f}`), kind: "rdb" });
  }
  for (const dir of PUBLIC_DIRS) {
    for (const f of listRdb(`public/${dir}`)) {
      out.push({ name: `public/${dir}/${f}`, bytes: readFixture(`public/${dir}/${f}`), kind: "rdb" });
    }
  }
  for (const s of allSynthetic()) out.push({ name: `synthetic/${s.name}`, bytes: s.bytes, kind: "rdb" });
  for (const [name, bytes] of vkcsStreams()) out.push({ name: `synthetic/${name}`, bytes, kind: "rdb" });
  for (const name of ["redis-7.0.15", "redis-unstable-4f8cdc2a", "valkey-unstable-55bbbe09"]) {
    const restores = new RespCommandParser().push(replayCapture(name).commandStream)
      .filter((c) => c[0].toString("latin1").toLowerCase() === "restore");
    restores.forEach((args, i) =>
      out.push({ name: `dump/${name}#${i}`, bytes: new Uint8Array(args[3]), kind: "dump" })
    );
  }
  for (const [name, version, w] of syntheticPayloads()) {
    w.raw(version & 255, version >> 8);
    out.push({ name: `dump/${name}`, bytes: w.bytes(true), kind: "dump" });
  }
  corpusCache = out;
  return out;
}

function syntheticPayloads(): [string, number, Writer][] {
  const names = listpack(["field1", "field2"]);
  return [
    [
      "keymeta-string-v13",
      13,
      new Writer().raw(243).len(1).raw(...keyMetaSpec("KMT1", 1, 1)).len(2).len(7).len(0).raw(0).str("v"),
    ],
    ["tmpl-lp-v15", 15, new Writer().raw(29).len(0).str(names).str(listpack([0, "1", "2"]))],
    ["tmpl-array-v15", 15, new Writer().raw(31).len(1).len(2).str("field1").str("field2").raw(0xc0, 1, 0xc0, 2)],
    ["hash2-v80", 80, new Writer().raw(22).len(2).str("a").str("1").i64(-1).str("b").str("2").i64(4102444800123)],
    ["array-v14", 14, new Writer().raw(28).len(2).len(0).len(3).len(1).i64(5).len(9).len(0).str("abc")],
    ["zset2-v9", 9, new Writer().raw(5).len(2).str("a").i64(0).str("b").raw(0, 0, 0, 0, 0, 0, 0xf0, 0x3f)],
  ];
}

// ---- mutations ------------------------------------------------------------

type Rand = () => number;

const INTERESTING = [
  0x00,
  0x01,
  0x3f,
  0x40,
  0x7f,
  0x80,
  0x81,
  0xbf,
  0xc0,
  0xc1,
  0xc2,
  0xc3,
  0xc4,
  0xfe,
  0xff,
  242,
  243,
  244,
  245,
  246,
  247,
  248,
  249,
  250,
  251,
  252,
  253,
  254,
  5,
  7,
  9,
  14,
  15,
  18,
  21,
  22,
  24,
  25,
  26,
  27,
  28,
  29,
  30,
  31,
  32,
  33,
];

/** Length fields a corrupt file may hold: 32- and 64-bit lengths up to 4 GB and beyond, LZF headers. */
const LENGTHS: number[][] = [
  [0x80, 0xff, 0xff, 0xff, 0xff],
  [0x80, 0x7f, 0xff, 0xff, 0xff],
  [0x80, 0x10, 0x00, 0x00, 0x00],
  [0x81, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00],
  [0x81, 0x00, 0x1f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff],
  [0x81, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff],
  [0xbf, 0xff],
  [0xc3, 0x05, 0x80, 0xff, 0xff, 0xff, 0xff],
  [0xc3, 0x80, 0xff, 0xff, 0xff, 0xff, 0x10],
  [0xff, 0xff, 0xff, 0xff], // a blob header (listpack / ziplist total bytes) of 4 GB
];

function int(r: Rand, n: number): number {
  return Math.floor(r() * n);
}

function splice(b: Uint8Array, at: number, remove: number, insert: ArrayLike<number>): Uint8Array {
  const out = new Uint8Array(b.length - remove + insert.length);
  out.set(b.subarray(0, at));
  out.set(insert, at);
  out.set(b.subarray(at + remove), at + insert.length);
  return out;
}

/** One mutation of `b`; returns the new bytes and its description. */
function mutateOnce(b: Uint8Array, r: Rand, corpus: CorpusEntry[]): [Uint8Array, string] {
  if (b.length === 0) return [new Uint8Array([int(r, 256)]), "byte"];
  // Mostly past the 9-byte header: a broken magic says little about the decoder.
  const at = b.length > 9 && r() < 0.9 ? 9 + int(r, b.length - 9) : int(r, b.length);
  switch (int(r, 10)) {
    case 0: {
      const out = b.slice();
      const n = 1 + int(r, 4);
      for (let i = 0; i < n; i++) out[int(r, out.length)] ^= 1 << int(r, 8);
      return [out, `flip x${n}`];
    }
    case 1: {
      const out = b.slice();
      out[at] = int(r, 256);
      return [out, `byte@${at}`];
    }
    case 2: {
      const out = b.slice();
      out[at] = INTERESTING[int(r, INTERESTING.length)];
      return [out, `interesting@${at}=${out[at]}`];
    }
    case 3: {
      const cut = int(r, b.length);
      return [b.slice(0, cut), `truncate@${cut}`];
    }
    case 4: {
      const len = LENGTHS[int(r, LENGTHS.length)];
      if (r() < 0.5) return [splice(b, at, Math.min(len.length, b.length - at), len), `length-over@${at}`];
      return [splice(b, at, 0, len), `length-insert@${at}`];
    }
    case 5: {
      const n = 1 + int(r, 16);
      const ins = Array.from({ length: n }, () => (r() < 0.5 ? int(r, 256) : INTERESTING[int(r, INTERESTING.length)]));
      return [splice(b, at, 0, ins), `insert${n}@${at}`];
    }
    case 6: {
      const n = 1 + int(r, 16);
      return [splice(b, at, Math.min(n, b.length - at), []), `delete${n}@${at}`];
    }
    case 7: {
      const from = int(r, b.length), n = 1 + int(r, 64);
      return [splice(b, at, 0, b.subarray(from, Math.min(from + n, b.length))), `dup${n}@${at}`];
    }
    case 8: {
      const other = corpus[int(r, corpus.length)].bytes;
      const from = int(r, other.length), n = 1 + int(r, 256);
      return [
        splice(b, at, Math.min(int(r, 64), b.length - at), other.subarray(from, Math.min(from + n, other.length))),
        `splice${n}@${at}`,
      ];
    }
    default: {
      // A length-sized edit right after a plausible length byte: bump a 6-bit length.
      const out = b.slice();
      if (out[at] < 0x40) out[at] = Math.min(0x3f, out[at] + 1 + int(r, 8));
      else out[at] = (out[at] + 1) & 255;
      return [out, `bump@${at}`];
    }
  }
}

/** 1–3 mutations, then (2 times in 3) a repaired or zeroed CRC trailer so decoding goes past the checksum. */
export function mutate(input: Uint8Array, r: Rand, corpus: CorpusEntry[]): [Uint8Array, string[]] {
  let b = input;
  const steps: string[] = [];
  const n = 1 + int(r, 3);
  for (let i = 0; i < n; i++) {
    const [next, what] = mutateOnce(b, r, corpus);
    b = next;
    steps.push(what);
  }
  const fix = int(r, 3);
  if (fix < 2 && b.length > 8) {
    b = b.slice();
    if (fix === 0) b.fill(0, b.length - 8);
    else {
      const body = new Writer();
      body.parts = Array.from(b.subarray(0, b.length - 8));
      b = body.bytes(true);
    }
    steps.push(fix === 0 ? "crc=0" : "crc-fixed");
  }
  return [b, steps];
}

// ---- decoding under watch ---------------------------------------------------

/** Thrown by the guard sink for a second key of the same name (Redis refuses such files). */

/** A full sink that checks the event protocol and keeps nothing. */
function checkingSink(): RdbSink {
  let open = false;
  let elements = 0;
  const bad = (what: string) => {
    throw new Error(`sink protocol: ${what}`);
  };
  const key = (k: Uint8Array) => {
    if (!(k instanceof Uint8Array)) bad("key is not bytes");
    if (open) bad("key reported inside a collection");
  };
  const element = (...bs: Uint8Array[]) => {
    if (!open) bad("element outside a collection");
    for (const b of bs) if (!(b instanceof Uint8Array)) bad("element is not bytes");
    elements++;
  };
  return {
    onString: (_db, k, v) => {
      key(k);
      if (!(v instanceof Uint8Array)) bad("value is not bytes");
    },
    onPlaceholder: (_db, k, t) => {
      key(k);
      if (typeof t !== "string" || t.length === 0) bad("placeholder without a type name");
    },
    onCollectionStart: (_db, k) => {
      key(k);
      open = true;
      elements = 0;
    },
    onListElement: (v) => element(v),
    onSetMember: (v) => element(v),
    onZsetMember: (m, s) => {
      element(m);
      if (typeof s !== "number" || s !== s) bad("zset score is not a number");
    },
    onHashField: (f, v, exp) => {
      element(f, v);
      if (exp !== null && !Number.isFinite(exp)) bad("field TTL is not a number");
    },
    onCollectionEnd: (n) => {
      if (!open) bad("end without start");
      if (n !== elements || n === 0) bad(`end count ${n}, ${elements} elements reported`);
      open = false;
    },
  };
}

/** The largest buffer the decoder asked for, observed by wrapping its allocator. */
let maxAllocSeen = 0;
let allocHooked = false;
function hookAlloc(): void {
  if (allocHooked) return;
  allocHooked = true;
  const proto = RdbDecoder.prototype as unknown as { alloc(n: number): Uint8Array };
  const original = proto.alloc;
  if (typeof original !== "function") throw new Error("RdbDecoder has no alloc() to observe");
  proto.alloc = function (this: unknown, n: number) {
    if (n > maxAllocSeen) maxAllocSeen = n;
    return original.call(this, n);
  };
}

interface Mode {
  chunking: "whole" | "1" | "small" | "large";
  knownSize: boolean;
  target: "check" | "placeholders" | "store";
}

function describeMode(m: Mode): string {
  return `${m.target}/${m.chunking}${m.knownSize ? "/size-known" : ""}`;
}

/** Decode `input` as `kind` in `mode`; returns the outcome or throws what escaped. */
function decodeOnce(input: Uint8Array, kind: "rdb" | "dump", mode: Mode, r: Rand, store: Store | null): string {
  let position = 0; // the decoder's, for the loader's errors
  const loader = mode.target === "store" && kind === "rdb"
    ? new StoreLoader(store!, { batchStrings: true, position: () => position })
    : null;
  const sink = mode.target === "store"
    ? loader ?? new StoreLoader(store!)
    : mode.target === "check"
    ? checkingSink()
    : { onString() {}, onPlaceholder() {} };
  try {
    if (kind === "dump") {
      decodeDumpPayload(input, sink, { db: 0, key: new Uint8Array([0x6b]), expireAtMs: null }, {
        maxStringBytes: 64 << 20,
      });
      return "ok";
    }
    const dec = new RdbDecoder(sink, {
      maxStringBytes: 64 << 20,
      totalBytes: mode.knownSize ? input.length : undefined,
    });
    let at = 0;
    while (at < input.length && !dec.done) {
      const n = mode.chunking === "whole"
        ? input.length
        : mode.chunking === "1"
        ? 1
        : mode.chunking === "small"
        ? 1 + int(r, 64)
        : 1 + int(r, 8192);
      const part = input.subarray(at, Math.min(at + n, input.length));
      const used = dec.push(part);
      position = dec.bytesConsumed;
      if (used > part.length || used < 0) throw new Error(`push returned ${used} for ${part.length} bytes`);
      at += n;
    }
    dec.finish();
    loader?.finish();
    return "ok";
  } catch (e) {
    loader?.abort();
    if (!(e instanceof RdbError)) throw e;
    if (/internal decoder failure/.test(e.message)) throw e;
    if (!Number.isInteger(e.offset) || e.offset < 0 || e.offset > input.length) {
      throw new Error(`offset ${e.offset} outside the ${input.length}-byte input: ${e.message}`);
    }
    return `refused:${e.reason}`;
  }
}

/** Checks a fresh decode of a valid file is still exact (no state leaks from the fuzzed cases). */
export function checkValidFile(store: Store | null): void {
  const rel = "generated/redis-unstable-4f8cdc2a.rdb";
  const expected = JSON.parse(readFileSync(fixturePath("generated/redis-unstable-4f8cdc2a.expected.json"), "utf8"));
  const bytes = readFixture(rel);
  const { sink, model } = modelSink(true);
  const dec = new RdbDecoder(sink);
  for (let i = 0; i < bytes.length; i += 4093) dec.push(bytes.subarray(i, i + 4093));
  dec.finish();
  assertMatchesExpected(model, expected, true, rel);
  if (store) {
    store.flushAll();
    const dec2 = new RdbDecoder(new StoreLoader(store));
    dec2.push(bytes);
    dec2.finish();
    assertMatchesExpected(storeModel(store), expected, true, `${rel} (store)`);
    store.flushAll();
  }
}

/** Mixes the run's seed and a case index into the case's own seed. */
function caseSeed(seed: number, index: number): number {
  return (Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) + Math.imul(index + 1, 0xc2b2ae35)) >>> 0;
}

/** Runs the fuzz cases; never throws for a failing case (see `report.failures`). */
export function runFuzz(options: FuzzOptions): FuzzReport {
  hookAlloc();
  const all = fuzzCorpus();
  const corpus = options.corpusFilter ? all.filter((c) => c.name.includes(options.corpusFilter!)) : all;
  if (corpus.length === 0) throw new Error(`no corpus input matches ${options.corpusFilter}`);
  const storeEvery = options.storeEvery ?? 10;
  const maxCaseMs = options.maxCaseMs ?? 5000;
  const report: FuzzReport = {
    seed: options.seed,
    cases: 0,
    outcomes: {},
    storeCases: 0,
    failures: [],
    maxCaseMs: 0,
    maxAlloc: 0,
    ms: 0,
  };
  const started = Date.now();
  let store: Store | null = null;
  const from = options.only ?? 0, to = options.only !== undefined ? options.only + 1 : options.cases;
  try {
    for (let index = from; index < to; index++) {
      const r = seededRandom(caseSeed(options.seed, index));
      const source = corpus[int(r, corpus.length)];
      const [input, mutations] = mutate(source.bytes, r, corpus);
      const useStore = storeEvery > 0 && index % storeEvery === 0;
      const chunkings: Mode["chunking"][] = input.length <= 16384
        ? ["whole", "1", "small", "large"]
        : ["whole", "small", "large", "large"];
      const mode: Mode = {
        chunking: chunkings[int(r, chunkings.length)],
        knownSize: r() < 0.5,
        target: useStore ? "store" : r() < 0.8 ? "check" : "placeholders",
      };
      if (useStore) {
        if (store === null || report.storeCases % 200 === 0) {
          store?.dispose();
          store = new Store();
        } else {
          store.flushAll();
        }
        report.storeCases++;
      }
      maxAllocSeen = 0;
      const t0 = Date.now();
      let outcome: string;
      try {
        outcome = decodeOnce(input, source.kind, mode, r, store);
        const bound = 64 * 1024 + input.length * (source.name.includes("vkcs") ? 88 * 256 : 88);
        if (maxAllocSeen > bound) throw new Error(`allocated ${maxAllocSeen} bytes for a ${input.length}-byte input`);
        // Whatever the outcome, the store's structures and allocator stay whole (abort frees the half-built value).
        const broken = useStore && report.storeCases % 10 === 0 ? store!.debugCheck() : null;
        if (broken !== null) throw new Error(`store inconsistent after the case: ${broken}`);
      } catch (e) {
        outcome = "FAILED";
        report.failures.push({
          index,
          source: source.name,
          mutations,
          mode: describeMode(mode),
          error: e instanceof Error ? `${e.constructor.name}: ${e.message}\n${e.stack ?? ""}` : String(e),
          input,
        });
        if (useStore) {
          store?.dispose(); // may be in any state after an unexpected error
          store = null;
        }
      }
      const ms = Date.now() - t0;
      if (ms > report.maxCaseMs) report.maxCaseMs = ms;
      if (ms > maxCaseMs && outcome !== "FAILED") {
        report.failures.push({
          index,
          source: source.name,
          mutations,
          mode: describeMode(mode),
          error: `took ${ms} ms`,
          input,
        });
      }
      if (maxAllocSeen > report.maxAlloc) report.maxAlloc = maxAllocSeen;
      report.outcomes[outcome] = (report.outcomes[outcome] ?? 0) + 1;
      report.cases++;
      if (options.progress && report.cases % 1000 === 0) options.progress(report.cases, report);
    }
    if (store === null) store = new Store();
    checkValidFile(store);
  } finally {
    store?.dispose();
  }
  report.ms = Date.now() - started;
  return report;
}
