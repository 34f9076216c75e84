/**
 * A seeded random write workload for a real Redis 7.0 primary: every write
 * command a client can send that the primary propagates (or rewrites), for
 * strings, lists, sets, sorted sets, hashes, bitmaps, HyperLogLog, geo,
 * streams and the keyspace, with MULTI/EXEC blocks, EVAL/FCALL scripts,
 * DUMP/RESTORE, blocking pops (always satisfiable) and commands that fail on
 * the primary. The differential test drives it into a primary while a Mirror
 * replicates, then compares both.
 *
 * The workload only describes steps; executing them (and the I/O that some
 * steps need, such as DUMP before RESTORE) is the driver's job. Each step
 * names the operation it came from and the replicated command names that
 * operation can make the primary propagate, for the coverage report.
 *
 * @module
 */
import { Buffer } from "node:buffer";
import { seededRandom } from "./random.ts";

/** One argument of a command: text or raw bytes. */
export type Arg = string | Buffer;

/** A command and the database it runs in. */
export interface Call {
  db: number;
  args: Arg[];
}

/** What the driver executes; one operation of the catalogue produces one step. */
export type Step =
  /** Commands sent in order (pipelined), each in its own database. */
  | { kind: "calls"; calls: Call[] }
  /**
   * A MULTI … EXEC block; a database change inside becomes a SELECT inside
   * the block. `propagates` gathers what its commands' operations declare.
   */
  | { kind: "multi"; calls: Call[]; propagates: string[] }
  /**
   * `create` (when given) then DUMP `src` then RESTORE its payload as `dst`
   * with `ttl` and `options` (skipped when `src` is absent).
   */
  | { kind: "restore"; create: Arg[] | null; src: Call; dst: Call; ttl: string; options: Arg[] }
  /**
   * A blocking command sent on a second connection, served by `feed` from the
   * writer once the server reports a blocked client.
   */
  | { kind: "served"; block: Call; feed: Call[] };

/** A step with where it came from. */
export interface PlannedStep {
  /** The catalogue operation's name (e.g. "LPUSH", "EVAL cross-type"). */
  op: string;
  /** Replicated command names this operation can produce (lower case). */
  propagates: readonly string[];
  step: Step;
  /** Client commands the step sends (the size knob counts these). */
  commands: number;
}

/** Key families: each holds one type, so commands on one family collide. */
export const FAMILIES = {
  str: 6,
  num: 4,
  list: 6,
  set: 6,
  zset: 6,
  hash: 6,
  bits: 4,
  hll: 4,
  geo: 4,
  strm: 4,
  /**
   * Sorted sets whose members all have score 0: the only ones lex ranges are
   * used on. With mixed scores a lex range walks a skiplist whose tower
   * heights are random, so no replica (Redis's own included) can reproduce it.
   */
  lex: 4,
  /** Keys of no fixed type: RENAME/COPY/MOVE/RESTORE destinations that are often free. */
  tmp: 4,
} as const;

/** A key family name. */
export type Family = keyof typeof FAMILIES;

/** Families that also get one key with a binary name. */
const BINARY_NAMED: readonly Family[] = ["str", "list", "set", "zset", "hash"];

/** Every key the workload can touch (per database). */
export function keyPool(family: Family): Buffer[] {
  const keys: Buffer[] = [];
  for (let i = 0; i < FAMILIES[family]; i++) keys.push(Buffer.from(`${family}:${i}`));
  if (BINARY_NAMED.includes(family)) {
    keys.push(Buffer.concat([Buffer.from(`${family}:`), Buffer.from([0, 0xff, 0x0a])]));
  }
  return keys;
}

const POOLS = Object.fromEntries(
  (Object.keys(FAMILIES) as Family[]).map((family) => [family, keyPool(family)]),
) as Record<Family, Buffer[]>;
const ALL_FAMILIES = Object.keys(FAMILIES) as Family[];
/**
 * Families a command of another family may hit by mistake. Never "lex" (its
 * scores must stay 0) and never "hll": a string write (APPEND, SETRANGE,
 * SETBIT) can damage a sparse HyperLogLog so that a later PFADD changes some
 * registers, then fails with INVALIDOBJ and is not propagated — a primary
 * behaviour no replica can follow (tests/commands/hyperloglog_test.ts shows it).
 */
const CROSS_FAMILIES = ALL_FAMILIES.filter((f) => f !== "lex" && f !== "hll");

/** Longest short TTL in ms: short TTLs expire during the run (the primary then propagates DEL/UNLINK). */
export const SHORT_TTL_MAX_MS = 1500;
/**
 * How long after the last write every short TTL has passed: SHORT_TTL_MAX_MS
 * plus a second, because EX and EXAT round short TTLs up to whole seconds.
 */
export const SHORT_TTLS_PASSED_MS = SHORT_TTL_MAX_MS + 1100;

const TOKENS = ["a", "b", "c", "d", "e", "f", "0", "1", "2", "3", "4", "5", "foo", "bar", "x"];
const SCORES = [
  "0",
  "1",
  "-1",
  "2",
  "3",
  "10",
  "-0",
  "0.1",
  "1.5",
  "-2.25",
  "3.14159",
  "1e3",
  "2.5e-3",
  "inf",
  "-inf",
  "+inf",
  "1.7976931348623157e308",
  "5e-324",
  "123456789012345678",
];
const GEO_CENTER = { lon: 13.361389, lat: 38.115556 };
const GEO_UNITS = ["m", "km", "mi", "ft"];

/** The random source and the drawing helpers every operation uses. */
export class Draw {
  readonly #next: () => number;
  #streamId = 1;

  constructor(seed: number) {
    this.#next = seededRandom(seed);
  }

  /** A float in [0, 1). */
  float(): number {
    return this.#next();
  }

  /** An integer in [lo, hi]. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.#next() * (hi - lo + 1));
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return this.#next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.#next() * items.length)];
  }

  /** Databases: mostly 0 and 1 so keys collide, sometimes any of the 16. */
  db(): number {
    const r = this.#next();
    return r < 0.55 ? 0 : r < 0.8 ? 1 : this.int(2, 15);
  }

  /** A key of the family; sometimes one of another family (wrong type, or a type change). */
  key(family: Family): Buffer {
    if (this.chance(0.04)) return this.pick(POOLS[this.pick(CROSS_FAMILIES)]);
    return this.pick(POOLS[family]);
  }

  /** Databases 0 and 1, where most keys exist (for commands that need an existing key). */
  busyDb(): number {
    return this.chance(0.9) ? this.int(0, 1) : this.db();
  }

  /** Streams live in databases 0 and 1 so groups and entries meet. */
  streamDb(): number {
    return this.chance(0.7) ? 0 : 1;
  }

  /** n keys of the family (repeats allowed: Redis accepts them). */
  keys(family: Family, n: number): Buffer[] {
    return Array.from({ length: n }, () => this.key(family));
  }

  /** Random bytes, NUL, 0xff and CR/LF included. */
  bytes(n: number): Buffer {
    const out = Buffer.alloc(n);
    for (let i = 0; i < n; i++) out[i] = this.chance(0.2) ? this.pick([0, 0xff, 0x0d, 0x0a]) : this.int(0, 255);
    return out;
  }

  /** A value: tokens, integers, floats, long (> 64 bytes), binary or empty. */
  value(): Arg {
    const r = this.#next();
    if (r < 0.45) return this.pick(TOKENS);
    if (r < 0.6) return String(this.int(-1000, 1000));
    if (r < 0.67) return (this.int(-100000, 100000) / 64).toString();
    if (r < 0.77) return "v".repeat(this.int(65, 200)) + this.int(0, 9);
    if (r < 0.85) return this.bytes(this.int(1, 16));
    if (r < 0.9) return "";
    if (r < 0.95) {
      return String(this.pick([2 ** 31, -(2 ** 31) - 1, 2 ** 53, "9223372036854775807", "-9223372036854775808"]));
    }
    return `value-${this.int(0, 50)}`;
  }

  /** A set member: tokens and small integers (intsets), sometimes any value. */
  member(): Arg {
    const r = this.#next();
    if (r < 0.45) return this.pick(TOKENS);
    if (r < 0.85) return String(this.int(0, 40));
    return this.value();
  }

  /** An integer member for intsets, in the 16-, 32- and 64-bit encodings. */
  intMember(): string {
    const r = this.#next();
    if (r < 0.8) return String(this.int(-600, 600));
    if (r < 0.9) return String(this.int(-(2 ** 31), 2 ** 31 - 1));
    return String(this.pick(["9223372036854775807", "-9223372036854775808", String(2 ** 40), "-70000"]));
  }

  /** A sorted-set score as a client writes it (integers, decimals, exponents, infinities, -0). */
  score(): string {
    if (this.chance(0.55)) return String(this.int(-20, 20));
    if (this.chance(0.4)) return String(this.int(-4000, 4000) / 8);
    return this.pick(SCORES);
  }

  /** A hash field: f0…f9, tokens, sometimes binary or long. */
  field(): Arg {
    const r = this.#next();
    if (r < 0.6) return `f${this.int(0, 9)}`;
    if (r < 0.85) return this.pick(TOKENS);
    if (r < 0.93) return this.bytes(this.int(1, 8));
    return "F".repeat(this.int(65, 100));
  }

  /** A list index around both ends. */
  index(): number {
    return this.int(-6, 6);
  }

  /** ms of a short TTL (expires during the run; the primary then propagates DEL). */
  shortMs(): number {
    return this.int(30, SHORT_TTL_MAX_MS);
  }

  /** seconds of a long TTL (outlives the run). */
  longSeconds(): number {
    return this.int(100_000, 10_000_000);
  }

  /** SET's expiry option: relative, absolute, KEEPTTL, or none. */
  setExpiry(): Arg[] {
    const r = this.#next();
    if (r < 0.45) return [];
    const short = this.chance(0.4);
    const ms = short ? this.shortMs() : this.longSeconds() * 1000;
    if (r < 0.55) return ["EX", String(Math.max(1, Math.round(ms / 1000)))];
    if (r < 0.7) return ["PX", String(ms)];
    if (r < 0.77) return ["EXAT", String(Math.ceil((Date.now() + ms) / 1000))];
    if (r < 0.87) return ["PXAT", String(Date.now() + ms)];
    return ["KEEPTTL"];
  }

  /** An increasing stream id `n-0` (explicit ids keep XDEL/XACK/XCLAIM targets known). */
  nextStreamId(): string {
    return `${this.#streamId++}-0`;
  }

  /** A stream id issued recently (may be deleted or trimmed already). */
  pastStreamId(): string {
    return `${Math.max(1, this.#streamId - this.int(1, 12))}-0`;
  }

  /** A longitude/latitude pair near the geo centre. */
  lonLat(): [string, string] {
    const lon = GEO_CENTER.lon + (this.float() - 0.5) * 2;
    const lat = GEO_CENTER.lat + (this.float() - 0.5) * 2;
    return [lon.toFixed(6), lat.toFixed(6)];
  }

  geoMember(): string {
    return `place${this.int(0, 30)}`;
  }

  geoUnit(): string {
    return this.pick(GEO_UNITS);
  }
}

/** One operation of the catalogue. */
export interface Operation {
  /** Client-side name (what is sent), for the report. */
  name: string;
  /** Relative frequency. */
  weight: number;
  /** Replicated command names this operation can produce. */
  propagates: readonly string[];
  /** False for operations that cannot go inside MULTI (special steps, FLUSHALL …). */
  nestable?: boolean;
  /** At most this many forced draws (rare, destructive operations such as FLUSHALL). */
  forcedAtMost?: number;
  build(d: Draw): Step;
}

/** A step of one command in one database. */
function one(db: number, ...args: Arg[]): Step {
  return { kind: "calls", calls: [{ db, args }] };
}

/** A step of several commands in the same database, sent in order. */
function seq(db: number, ...commands: Arg[][]): Step {
  return { kind: "calls", calls: commands.map((args) => ({ db, args })) };
}

function op(name: string, weight: number, propagates: string[], build: (d: Draw) => Step): Operation {
  return { name, weight, propagates, nestable: true, build };
}

function special(
  name: string,
  weight: number,
  propagates: string[],
  build: (d: Draw) => Step,
  forcedAtMost?: number,
): Operation {
  return { name, weight, propagates, nestable: false, build, forcedAtMost };
}

function repeat<T>(n: number, make: () => T): T[] {
  return Array.from({ length: n }, make);
}

/** n values, usually few, sometimes enough to cross the 128-entry encoding threshold. */
function values(d: Draw, make: () => Arg): Arg[] {
  return repeat(d.chance(0.04) ? d.int(120, 300) : d.int(1, 5), make);
}

// ------------------------------------------------------------------ strings

const stringOps: Operation[] = [
  op("SET", 6, ["set"], (d) => {
    const counter = d.chance(0.2);
    // counters mostly hold integers, so that INCR/DECR on them usually succeed
    const value = counter && d.chance(0.8) ? String(d.int(-1000, 1000)) : d.value();
    const args: Arg[] = ["SET", d.key(counter ? "num" : "str"), value];
    if (d.chance(0.25)) args.push(d.pick(["NX", "XX"]));
    if (d.chance(0.15)) args.push("GET");
    args.push(...d.setExpiry());
    return one(d.db(), ...args);
  }),
  op("SETNX", 1, ["setnx"], (d) => one(d.db(), "SETNX", d.key("str"), d.value())),
  op("SETEX", 1, ["set"], (d) => {
    const ttl = d.chance(0.4) ? 1 : Math.round(d.longSeconds());
    return one(d.db(), "SETEX", d.key("str"), String(ttl), d.value());
  }),
  op("PSETEX", 1, ["set"], (d) => {
    const ttl = d.chance(0.5) ? d.shortMs() : d.longSeconds() * 1000;
    return one(d.db(), "PSETEX", d.key("str"), String(ttl), d.value());
  }),
  op("GETSET", 1, ["set"], (d) => one(d.db(), "GETSET", d.key("str"), d.value())),
  op("MSET", 2, ["mset"], (d) => one(d.db(), "MSET", ...d.keys("str", d.int(1, 4)).flatMap((k) => [k, d.value()]))),
  op("MSETNX", 1, ["msetnx", "del"], (d) => {
    const keys = d.keys("str", d.int(1, 3));
    const msetnx: Arg[] = ["MSETNX", ...keys.flatMap((k) => [k, d.value()])];
    return d.chance(0.5) ? seq(d.db(), ["DEL", ...keys], msetnx) : one(d.db(), ...msetnx);
  }),
  op("APPEND", 2, ["append"], (d) => one(d.db(), "APPEND", d.key("str"), d.value())),
  op("SETRANGE", 2, ["setrange"], (d) => {
    const offset = d.chance(0.1) ? d.int(100, 3000) : d.int(0, 40);
    return one(d.db(), "SETRANGE", d.key("str"), String(offset), d.value());
  }),
  op("INCR", 2, ["incr"], (d) => one(d.db(), "INCR", d.key(d.chance(0.85) ? "num" : "str"))),
  op("DECR", 1, ["decr"], (d) => one(d.db(), "DECR", d.key("num"))),
  op("INCRBY", 2, ["incrby"], (d) => {
    const delta = d.chance(0.05) ? "9223372036854775807" : String(d.int(-1000, 1000));
    return one(d.db(), "INCRBY", d.key("num"), delta);
  }),
  op("DECRBY", 1, ["decrby", "set"], (d) => {
    const [key, delta] = [d.key("num"), String(d.int(-1000, 1000))];
    if (d.chance(0.6)) return one(d.db(), "DECRBY", key, delta);
    return seq(d.db(), ["SET", key, String(d.int(-100, 100))], ["DECRBY", key, delta]);
  }),
  op("INCRBYFLOAT", 2, ["set"], (d) => {
    const delta = d.pick(["0.1", "1.5", "-2.75", "3e2", "1e-5", String(d.int(-9, 9)), "10.0"]);
    return one(d.db(), "INCRBYFLOAT", d.key("num"), delta);
  }),
  op("GETDEL", 1, ["del"], (d) => one(d.db(), "GETDEL", d.key("str"))),
  op("GETEX", 2, ["pexpireat", "persist", "del"], (d) => {
    const r = d.float();
    const key = d.key(d.chance(0.5) ? "str" : "num");
    if (r < 0.2) return one(d.db(), "GETEX", key, "PERSIST");
    if (r < 0.45) return one(d.db(), "GETEX", key, "PX", String(d.shortMs()));
    if (r < 0.7) return one(d.db(), "GETEX", key, "EX", String(d.longSeconds()));
    if (r < 0.8) return one(d.db(), "GETEX", key, "PXAT", String(Date.now() - 1000)); // past: deleted
    if (r < 0.9) return one(d.db(), "GETEX", key, "EXAT", String(Math.ceil(Date.now() / 1000) + d.longSeconds()));
    return one(d.db(), "GETEX", key);
  }),
];

// ------------------------------------------------------------------ bitmaps and HyperLogLog

const bitmapOps: Operation[] = [
  op("SETBIT", 3, ["setbit"], (d) => {
    const offset = d.chance(0.05) ? d.int(10_000, 100_000) : d.int(0, 600);
    return one(d.db(), "SETBIT", d.key("bits"), String(offset), d.pick(["0", "1", "1"]));
  }),
  op("BITFIELD", 2, ["bitfield"], (d) => {
    const args: Arg[] = ["BITFIELD", d.key("bits")];
    for (let i = d.int(1, 3); i > 0; i--) {
      if (d.chance(0.3)) args.push("OVERFLOW", d.pick(["WRAP", "SAT", "FAIL"]));
      const type = d.pick(["i8", "u8", "i16", "u4", "i32", "u31", "i64"]);
      const offset = d.chance(0.3) ? `#${d.int(0, 20)}` : String(d.int(0, 300));
      if (d.chance(0.5)) args.push("SET", type, offset, String(d.int(-300, 300)));
      else if (d.chance(0.6)) args.push("INCRBY", type, offset, String(d.int(-200, 200)));
      else args.push("GET", type, offset);
    }
    // When every write fails under OVERFLOW FAIL, Redis still creates or grows the string to the
    // highest offset but propagates nothing: no replica can follow. A last write that cannot fail
    // makes the command propagate (and the replica re-runs the failing ones identically).
    if (args.includes("FAIL")) args.push("OVERFLOW", "WRAP", "SET", "u8", "#0", String(d.int(0, 255)));
    return one(d.db(), ...args);
  }),
  op("BITOP", 2, ["bitop", "setbit"], (d) => {
    const operation = d.pick(["AND", "OR", "XOR", "NOT"]);
    const sources = operation === "NOT" ? [d.key("bits")] : d.keys("bits", d.int(1, 3));
    const bitop: Arg[] = ["BITOP", operation, d.key("bits"), ...sources];
    // all sources missing and no destination: nothing changes, nothing is propagated
    if (d.chance(0.5)) return one(d.db(), ...bitop);
    return seq(d.busyDb(), ["SETBIT", sources[0], String(d.int(0, 300)), "1"], bitop);
  }),
  op("PFADD", 3, ["pfadd"], (d) => {
    const n = d.chance(0.05) ? d.int(200, 2500) : d.int(0, 6);
    return one(d.db(), "PFADD", d.key("hll"), ...repeat(n, () => `e${d.int(0, 5000)}`));
  }),
  op("PFADD+PFCOUNT", 2, ["pfadd", "pfcount"], (d) => {
    const key = d.key("hll");
    return seq(d.db(), ["PFADD", key, ...repeat(d.int(1, 4), () => `e${d.int(0, 500)}`)], ["PFCOUNT", key]);
  }),
  op("PFMERGE", 2, ["pfmerge"], (d) => one(d.db(), "PFMERGE", d.key("hll"), ...d.keys("hll", d.int(0, 3)))),
  // PFDEBUG TODENSE / GETREG convert a sparse HyperLogLog to dense, and the primary propagates it
  op("PFADD+PFDEBUG", 0.5, ["pfadd", "pfdebug"], (d) => {
    const key = d.key("hll");
    const pfadd: Arg[] = ["PFADD", key, ...repeat(d.int(1, 3), () => `e${d.int(0, 500)}`)];
    return seq(d.db(), pfadd, ["PFDEBUG", d.pick(["TODENSE", "TODENSE", "GETREG"]), key]);
  }),
];

// ------------------------------------------------------------------ lists

const push = (
  d: Draw,
  cmd: string,
  family: Family = "list",
): Arg[] => [cmd, d.key(family), ...values(d, () => d.value())];

/** LPUSHX/RPUSHX, half the time after a push so that the list exists. */
function pushIfExists(d: Draw, command: string): Step {
  const args = push(d, command);
  return d.chance(0.5) ? seq(d.db(), ["RPUSH", args[1], d.value()], args) : one(d.db(), ...args);
}

const listOps: Operation[] = [
  op("LPUSH", 4, ["lpush"], (d) => one(d.db(), ...push(d, "LPUSH"))),
  op("RPUSH", 4, ["rpush"], (d) => one(d.db(), ...push(d, "RPUSH"))),
  op("LPUSHX", 1, ["lpushx", "rpush"], (d) => pushIfExists(d, "LPUSHX")),
  op("RPUSHX", 1, ["rpushx", "rpush"], (d) => pushIfExists(d, "RPUSHX")),
  op("LPOP", 2, ["lpop"], (d) => {
    const count = d.chance(0.4) ? [String(d.int(0, 5))] : [];
    return one(d.db(), "LPOP", d.key("list"), ...count);
  }),
  op("RPOP", 2, ["rpop"], (d) => {
    const count = d.chance(0.4) ? [String(d.int(0, 5))] : [];
    return one(d.db(), "RPOP", d.key("list"), ...count);
  }),
  op("LSET", 2, ["lset", "rpush"], (d) => {
    const key = d.key("list");
    if (d.chance(0.5)) return one(d.db(), "LSET", key, String(d.index()), d.value());
    const push: Arg[] = ["RPUSH", key, d.value(), d.value(), d.value()];
    return seq(d.db(), push, ["LSET", key, String(d.int(-3, 2)), d.value()]);
  }),
  op("LINSERT", 2, ["linsert", "rpush"], (d) => {
    const [key, pivot] = [d.key("list"), d.pick(TOKENS)];
    const linsert: Arg[] = ["LINSERT", key, d.pick(["BEFORE", "AFTER"]), pivot, d.value()];
    return d.chance(0.5) ? seq(d.db(), ["RPUSH", key, pivot], linsert) : one(d.db(), ...linsert);
  }),
  op("LREM", 2, ["lrem", "rpush"], (d) => {
    const [key, token] = [d.key("list"), d.pick(TOKENS)];
    const lrem: Arg[] = ["LREM", key, String(d.int(-3, 3)), token];
    return d.chance(0.5) ? seq(d.db(), ["RPUSH", key, token, d.value(), token], lrem) : one(d.db(), ...lrem);
  }),
  op("LTRIM", 2, ["ltrim"], (d) => {
    const start = d.chance(0.7) ? d.int(0, 3) : d.int(-10, 10);
    const stop = d.chance(0.7) ? d.int(-1, 40) : d.int(-10, 10);
    return one(d.busyDb(), "LTRIM", d.key("list"), String(start), String(stop));
  }),
  op("LMOVE", 2, ["lmove"], (d) => {
    const ends = [d.pick(["LEFT", "RIGHT"]), d.pick(["LEFT", "RIGHT"])];
    return one(d.db(), "LMOVE", d.key("list"), d.key("list"), ...ends);
  }),
  op("RPOPLPUSH", 1, ["rpoplpush"], (d) => one(d.db(), "RPOPLPUSH", d.key("list"), d.key("list"))),
  op("LMPOP", 1, ["lpop", "rpop"], (d) => {
    const keys = d.keys("list", d.int(1, 3));
    const count = d.chance(0.5) ? ["COUNT", String(d.int(1, 4))] : [];
    return one(d.db(), "LMPOP", String(keys.length), ...keys, d.pick(["LEFT", "RIGHT"]), ...count);
  }),
  // Blocking pops preceded by a push to the key they pop: they never have to wait.
  op("RPUSH+BLPOP", 1, ["rpush", "lpop"], (d) => {
    const key = d.key("list");
    return seq(d.db(), ["RPUSH", key, d.value()], ["BLPOP", key, d.key("list"), "0.05"]);
  }),
  op("LPUSH+BRPOP", 1, ["lpush", "rpop"], (d) => {
    const key = d.key("list");
    return seq(d.db(), ["LPUSH", key, d.value()], ["BRPOP", key, "0.05"]);
  }),
  op("RPUSH+BLMOVE", 1, ["rpush", "lmove"], (d) => {
    const key = d.key("list");
    const ends = [d.pick(["LEFT", "RIGHT"]), d.pick(["LEFT", "RIGHT"])];
    return seq(d.db(), ["RPUSH", key, d.value()], ["BLMOVE", key, d.key("list"), ...ends, "0.05"]);
  }),
  op("RPUSH+BRPOPLPUSH", 1, ["rpush", "rpoplpush"], (d) => {
    const key = d.key("list");
    return seq(d.db(), ["RPUSH", key, d.value()], ["BRPOPLPUSH", key, d.key("list"), "0.05"]);
  }),
  op("RPUSH+BLMPOP", 1, ["rpush", "lpop", "rpop"], (d) => {
    const key = d.key("list");
    const count = d.chance(0.5) ? ["COUNT", String(d.int(1, 4))] : [];
    return seq(
      d.db(),
      ["RPUSH", key, d.value(), d.value()],
      ["BLMPOP", "0.05", "2", key, d.key("list"), d.pick(["LEFT", "RIGHT"]), ...count],
    );
  }),
  op("SORT STORE", 2, ["sort"], (d) => {
    const source = d.chance(0.6) ? d.key("list") : d.key(d.chance(0.5) ? "set" : "zset");
    const args: Arg[] = ["SORT", source];
    const by = d.chance(0.3) ? d.pick(["num:*", "nosort", "hash:*->f1", "missing:*"]) : null;
    if (by !== null) args.push("BY", by);
    if (d.chance(0.3)) args.push("LIMIT", String(d.int(0, 3)), String(d.int(-1, 10)));
    if (d.chance(0.3)) args.push("GET", "#", "GET", d.pick(["num:*", "hash:*->f2", "str:*"]));
    if (d.chance(0.4)) args.push("DESC");
    // Not ALPHA with a BY pattern: equal (or missing) weights compare as ties there, left to qsort and
    // to a set's iteration order, which no replica can reproduce (Redis's own included). Numeric
    // sorting breaks ties by the elements' bytes, and ALPHA alone compares the elements themselves.
    if (d.chance(0.6) && (by === null || by === "nosort")) args.push("ALPHA");
    args.push("STORE", d.key("list"));
    return one(d.db(), ...args);
  }),
];

// ------------------------------------------------------------------ sets

const setOps: Operation[] = [
  op("SADD", 5, ["sadd"], (d) => {
    const r = d.float();
    if (r < 0.03) return one(d.db(), "SADD", d.key("set"), ...repeat(d.int(500, 700), () => d.intMember()));
    if (r < 0.25) return one(d.db(), "SADD", d.key("set"), ...repeat(d.int(1, 6), () => d.intMember()));
    return one(d.db(), "SADD", d.key("set"), ...values(d, () => d.member()));
  }),
  op("SREM", 2, ["srem"], (d) => one(d.db(), "SREM", d.key("set"), ...repeat(d.int(1, 4), () => d.member()))),
  op("SPOP", 2, ["srem", "del", "unlink"], (d) => {
    const count = d.chance(0.5) ? [String(d.chance(0.2) ? d.int(20, 800) : d.int(0, 5))] : [];
    return one(d.db(), "SPOP", d.key("set"), ...count);
  }),
  op("SMOVE", 2, ["smove", "sadd"], (d) => {
    const [source, member] = [d.key("set"), d.member()];
    const smove: Arg[] = ["SMOVE", source, d.key("set"), member];
    return d.chance(0.5) ? seq(d.db(), ["SADD", source, member], smove) : one(d.db(), ...smove);
  }),
  // in the busy databases: an empty result on an absent destination is not propagated
  op("SINTERSTORE", 1, ["sinterstore", "sadd"], (d) => setStore(d, "SINTERSTORE")),
  op("SUNIONSTORE", 1, ["sunionstore", "sadd"], (d) => setStore(d, "SUNIONSTORE")),
  op("SDIFFSTORE", 1, ["sdiffstore", "sadd"], (d) => setStore(d, "SDIFFSTORE")),
];

/**
 * SINTERSTORE/SUNIONSTORE/SDIFFSTORE; half the time after adding a common
 * member to the sources (an empty result on an absent destination is not propagated).
 */
function setStore(d: Draw, command: string): Step {
  const sources = d.keys("set", d.int(1, 3));
  const store: Arg[] = [command, d.key("set"), ...sources];
  if (d.chance(0.5)) return one(d.busyDb(), ...store);
  const member = d.member();
  return seq(d.busyDb(), ...sources.map((k): Arg[] => ["SADD", k, member, d.member()]), store);
}

// ------------------------------------------------------------------ sorted sets and geo

const scoredMembers = (d: Draw): Arg[] => {
  const n = d.chance(0.04) ? d.int(120, 300) : d.int(1, 4);
  return repeat(n, () => [d.score(), n > 100 ? `m${d.int(0, 400)}` : d.member()]).flat();
};

const zsetSources = (d: Draw): Buffer[] => repeat(d.int(1, 3), () => d.key(d.chance(0.8) ? "zset" : "set"));

/** A score bound: inclusive, exclusive or infinite. */
const scoreBound = (d: Draw, value = d.int(-10, 10)): string => {
  const r = d.float();
  if (r < 0.15) return d.pick(["-inf", "+inf"]);
  return r < 0.4 ? `(${value}` : String(value);
};

/** A lex bound: [x, (x, - or +. */
const lexBound = (d: Draw, value = d.pick(TOKENS)): string => {
  const r = d.float();
  if (r < 0.2) return d.pick(["-", "+"]);
  return `${r < 0.6 ? "[" : "("}${value}`;
};

/** Two bounds, usually in order (min ≤ max) so that the range is not empty; sometimes any. */
function scoreRange(d: Draw): [string, string] {
  if (d.chance(0.25)) return [scoreBound(d), scoreBound(d)];
  const [a, b] = [d.int(-10, 10), d.int(-10, 10)].sort((x, y) => x - y);
  return [d.chance(0.1) ? "-inf" : scoreBound(d, a), d.chance(0.1) ? "+inf" : scoreBound(d, b)];
}

function lexRange(d: Draw): [string, string] {
  if (d.chance(0.25)) return [lexBound(d), lexBound(d)];
  const [a, b] = [d.pick(TOKENS), d.pick(TOKENS)].sort();
  return [d.chance(0.1) ? "-" : lexBound(d, a), d.chance(0.1) ? "+" : lexBound(d, b)];
}

function rankRange(d: Draw): [string, string] {
  if (d.chance(0.25)) return [String(d.index()), String(d.index())];
  const start = d.int(0, 3);
  return d.chance(0.3) ? [String(start - 4), "-1"] : [String(start), String(start + d.int(0, 3))];
}

const zsetOps: Operation[] = [
  op("ZADD", 6, ["zadd"], (d) => {
    const args: Arg[] = ["ZADD", d.key("zset")];
    if (d.chance(0.2)) args.push(d.pick(["NX", "XX"]));
    if (d.chance(0.2)) args.push(d.pick(["GT", "LT"]));
    if (d.chance(0.2)) args.push("CH");
    if (d.chance(0.1)) return one(d.db(), ...args, "INCR", d.score(), d.member());
    return one(d.db(), ...args, ...scoredMembers(d));
  }),
  op("ZINCRBY", 2, ["zincrby"], (d) => one(d.db(), "ZINCRBY", d.key("zset"), d.score(), d.member())),
  op("ZREM", 2, ["zrem", "zadd"], (d) => {
    const [key, member] = [d.key("zset"), d.member()];
    return afterZadd(d, key, ["ZREM", key, member, ...repeat(d.int(0, 2), () => d.member())], member);
  }),
  op("ZREMRANGEBYRANK", 1, ["zremrangebyrank", "zadd"], (d) => {
    const key = d.key("zset");
    return afterZadd(d, key, ["ZREMRANGEBYRANK", key, ...rankRange(d)]);
  }),
  op("ZREMRANGEBYSCORE", 1, ["zremrangebyscore", "zadd"], (d) => {
    const key = d.key("zset");
    return afterZadd(d, key, ["ZREMRANGEBYSCORE", key, ...scoreRange(d)]);
  }),
  op("ZADD lex", 2, ["zadd"], (d) => {
    const args: Arg[] = ["ZADD", d.key("lex")];
    if (d.chance(0.2)) args.push(d.pick(["NX", "XX"]));
    if (d.chance(0.2)) args.push("CH");
    const n = d.chance(0.05) ? d.int(120, 300) : d.int(1, 5);
    return one(d.db(), ...args, ...repeat(n, () => ["0", n > 100 ? `w${d.int(0, 999)}` : d.member()]).flat());
  }),
  op("ZREMRANGEBYLEX", 1, ["zremrangebylex", "zadd"], (d) => {
    const key = d.key("lex");
    return afterZadd(d, key, ["ZREMRANGEBYLEX", key, ...lexRange(d)], undefined, true);
  }),
  op("ZPOPMIN", 1, ["zpopmin"], (d) => {
    return one(d.db(), "ZPOPMIN", d.key("zset"), ...(d.chance(0.5) ? [String(d.int(0, 4))] : []));
  }),
  op("ZPOPMAX", 1, ["zpopmax"], (d) => {
    return one(d.db(), "ZPOPMAX", d.key("zset"), ...(d.chance(0.5) ? [String(d.int(0, 4))] : []));
  }),
  op("ZMPOP", 1, ["zpopmin", "zpopmax"], (d) => {
    const keys = d.keys("zset", d.int(1, 3));
    const count = d.chance(0.5) ? ["COUNT", String(d.int(1, 4))] : [];
    return one(d.db(), "ZMPOP", String(keys.length), ...keys, d.pick(["MIN", "MAX"]), ...count);
  }),
  op("ZADD+BZPOPMIN", 1, ["zadd", "zpopmin"], (d) => {
    const key = d.key("zset");
    return seq(d.db(), ["ZADD", key, d.score(), d.member()], ["BZPOPMIN", key, "0.05"]);
  }),
  op("ZADD+BZPOPMAX", 1, ["zadd", "zpopmax"], (d) => {
    const key = d.key("zset");
    return seq(d.db(), ["ZADD", key, d.score(), d.member()], ["BZPOPMAX", d.key("zset"), key, "0.05"]);
  }),
  op("ZADD+BZMPOP", 1, ["zadd", "zpopmin", "zpopmax"], (d) => {
    const key = d.key("zset");
    const count = d.chance(0.5) ? ["COUNT", String(d.int(1, 4))] : [];
    return seq(
      d.db(),
      ["ZADD", key, d.score(), d.member()],
      ["BZMPOP", "0.05", "2", key, d.key("zset"), d.pick(["MIN", "MAX"]), ...count],
    );
  }),
  op("ZUNIONSTORE", 2, ["zunionstore"], (d) => aggregateStore(d, "ZUNIONSTORE")),
  op("ZINTERSTORE", 2, ["zinterstore"], (d) => aggregateStore(d, "ZINTERSTORE")),
  op("ZDIFFSTORE", 2, ["zdiffstore"], (d) => {
    const sources = zsetSources(d);
    return one(d.busyDb(), "ZDIFFSTORE", d.key("zset"), String(sources.length), ...sources);
  }),
  op("ZRANGESTORE", 2, ["zrangestore"], (d) => {
    const mode = d.pick(["rank", "score", "lex"]);
    const args: Arg[] = ["ZRANGESTORE", d.key("zset"), d.key(mode === "lex" ? "lex" : "zset")];
    const rev = d.chance(0.3);
    // with REV, BYSCORE/BYLEX take the bounds as max then min
    const ordered = (range: [string, string]) => (rev && mode !== "rank" ? range.reverse() : range);
    if (mode === "rank") args.push(...rankRange(d));
    else if (mode === "score") args.push(...ordered(scoreRange(d)), "BYSCORE");
    else args.push(...ordered(lexRange(d)), "BYLEX");
    if (rev) args.push("REV");
    if (mode !== "rank" && d.chance(0.4)) args.push("LIMIT", String(d.int(0, 3)), String(d.int(-1, 5)));
    return one(d.busyDb(), ...args);
  }),
];

/**
 * `command` alone, or (mostly) after a ZADD giving `key` a few members
 * (`member` among them) so that there is something to remove.
 */
function afterZadd(d: Draw, key: Buffer, command: Arg[], member?: Arg, zeroScores = false): Step {
  if (d.chance(0.3)) return one(d.db(), ...command);
  const members = [member ?? d.pick(TOKENS), ...repeat(d.int(1, 4), () => d.pick(TOKENS))];
  const zadd: Arg[] = ["ZADD", key, ...members.flatMap((m) => [zeroScores ? "0" : String(d.int(-10, 10)), m])];
  return seq(d.db(), zadd, command);
}

function aggregateStore(d: Draw, name: string): Step {
  const sources = zsetSources(d);
  const args: Arg[] = [name, d.key("zset"), String(sources.length), ...sources];
  if (d.chance(0.4)) args.push("WEIGHTS", ...sources.map(() => d.pick(["1", "2", "-1", "0.5", "0", "inf"])));
  if (d.chance(0.4)) args.push("AGGREGATE", d.pick(["SUM", "MIN", "MAX"]));
  return one(d.busyDb(), ...args);
}

const geoOps: Operation[] = [
  op("GEOADD", 3, ["zadd"], (d) => {
    const args: Arg[] = ["GEOADD", d.key("geo")];
    if (d.chance(0.2)) args.push(d.pick(["NX", "XX"]));
    if (d.chance(0.2)) args.push("CH");
    for (let i = d.int(1, 4); i > 0; i--) args.push(...d.lonLat(), d.geoMember());
    return one(d.db(), ...args);
  }),
  op("GEOSEARCHSTORE", 2, ["geosearchstore", "zadd"], (d) => {
    const [source, member] = [d.key("geo"), d.geoMember()];
    const args: Arg[] = ["GEOSEARCHSTORE", d.key(d.chance(0.7) ? "geo" : "zset"), source];
    if (d.chance(0.5)) args.push("FROMLONLAT", ...d.lonLat());
    else args.push("FROMMEMBER", member);
    if (d.chance(0.5)) args.push("BYRADIUS", String(d.int(1, 150)), "km");
    else args.push("BYBOX", String(d.int(1, 200)), String(d.int(1, 200)), d.geoUnit() === "ft" ? "mi" : "km");
    if (d.chance(0.5)) args.push(d.pick(["ASC", "DESC"]));
    if (d.chance(0.4)) args.push("COUNT", String(d.int(1, 6)));
    if (d.chance(0.4)) args.push("STOREDIST");
    if (d.chance(0.5)) return one(d.busyDb(), ...args);
    return seq(d.busyDb(), ["GEOADD", source, ...d.lonLat(), member, ...d.lonLat(), d.geoMember()], args);
  }),
  op("GEORADIUS STORE", 2, ["georadius", "zadd"], (d) => {
    const [source, center] = [d.key("geo"), d.lonLat()];
    const args: Arg[] = ["GEORADIUS", source, ...center, String(d.int(10, 150)), "km"];
    if (d.chance(0.4)) args.push("COUNT", String(d.int(1, 6)));
    if (d.chance(0.4)) args.push(d.pick(["ASC", "DESC"]));
    args.push(d.pick(["STORE", "STOREDIST"]), d.key(d.chance(0.7) ? "geo" : "zset"));
    // an empty result on an absent destination is not propagated: half the time a member sits at the centre
    if (d.chance(0.5)) return one(d.busyDb(), ...args);
    return seq(d.busyDb(), ["GEOADD", source, ...center, d.geoMember()], args);
  }),
  op("GEOADD+GEORADIUSBYMEMBER STORE", 1, ["zadd", "georadiusbymember"], (d) => {
    const key = d.key("geo");
    const member = d.geoMember();
    return seq(
      d.db(),
      ["GEOADD", key, ...d.lonLat(), member],
      ["GEORADIUSBYMEMBER", key, member, String(d.int(10, 150)), "km", d.pick(["STORE", "STOREDIST"]), d.key("geo")],
    );
  }),
];

// ------------------------------------------------------------------ hashes

const fieldValues = (d: Draw): Arg[] => {
  const n = d.chance(0.04) ? d.int(120, 260) : d.int(1, 4);
  return repeat(n, () => [n > 100 ? `field${d.int(0, 300)}` : d.field(), d.value()]).flat();
};

const hashOps: Operation[] = [
  op("HSET", 6, ["hset"], (d) => one(d.db(), "HSET", d.key("hash"), ...fieldValues(d))),
  op("HMSET", 1, ["hmset"], (d) => one(d.db(), "HMSET", d.key("hash"), ...fieldValues(d))),
  op("HSETNX", 2, ["hsetnx"], (d) => one(d.db(), "HSETNX", d.key("hash"), d.field(), d.value())),
  op("HDEL", 2, ["hdel", "hset"], (d) => {
    const [key, field] = [d.key("hash"), d.field()];
    const hdel: Arg[] = ["HDEL", key, field, ...repeat(d.int(0, 2), () => d.field())];
    return d.chance(0.5) ? seq(d.db(), ["HSET", key, field, d.value()], hdel) : one(d.db(), ...hdel);
  }),
  op("HINCRBY", 2, ["hincrby"], (d) => {
    const delta = d.chance(0.05) ? "9223372036854775807" : String(d.int(-100, 100));
    return one(d.db(), "HINCRBY", d.key("hash"), `n${d.int(0, 3)}`, delta);
  }),
  op("HINCRBYFLOAT", 2, ["hset"], (d) => {
    const delta = d.pick(["0.1", "2.5", "-1.25", "1e2", String(d.int(-5, 5))]);
    return one(d.db(), "HINCRBYFLOAT", d.key("hash"), `n${d.int(0, 4)}`, delta);
  }),
];

// ------------------------------------------------------------------ streams (kept as placeholders)

const group = (d: Draw): string => `g${d.int(0, 1)}`;
const consumer = (d: Draw): string => `c${d.int(0, 2)}`;

/**
 * The stream `key` with group `g` holding one new entry `id` delivered to a
 * consumer: the preconditions of XACK/XCLAIM/XAUTOCLAIM (the CREATE fails
 * harmlessly when the group exists).
 */
function deliveredEntry(d: Draw, key: Buffer, g: string, id: string): Arg[][] {
  return [
    ["XGROUP", "CREATE", key, g, "0", "MKSTREAM"],
    ["XADD", key, id, "f", d.value()],
    ["XREADGROUP", "GROUP", g, consumer(d), "COUNT", String(d.int(1, 5)), "STREAMS", key, ">"],
  ];
}

const streamOps: Operation[] = [
  op("XADD", 3, ["xadd"], (d) => {
    const args: Arg[] = ["XADD", d.key("strm")];
    if (d.chance(0.15)) args.push("NOMKSTREAM");
    if (d.chance(0.2)) args.push("MAXLEN", d.pick(["=", "~"]), String(d.int(0, 5)));
    return one(d.streamDb(), ...args, d.nextStreamId(), "f", d.value());
  }),
  op("XDEL", 1, ["xadd", "xdel"], (d) => {
    const key = d.key("strm");
    if (d.chance(0.5)) return one(d.streamDb(), "XDEL", key, d.pastStreamId(), d.pastStreamId());
    const id = d.nextStreamId();
    return seq(d.streamDb(), ["XADD", key, id, "f", d.value()], ["XDEL", key, id]);
  }),
  op("XTRIM", 1, ["xadd", "xtrim"], (d) => {
    const key = d.key("strm");
    const trim: Arg[] = d.chance(0.7)
      ? ["XTRIM", key, "MAXLEN", d.pick(["=", "~"]), String(d.int(0, 2))]
      : ["XTRIM", key, "MINID", d.pastStreamId()];
    return seq(
      d.streamDb(),
      ["XADD", key, d.nextStreamId(), "f", "1"],
      ["XADD", key, d.nextStreamId(), "f", "2"],
      trim,
    );
  }),
  op("XSETID", 1, ["xadd", "xsetid"], (d) => {
    const key = d.key("strm");
    return seq(d.streamDb(), ["XADD", key, d.nextStreamId(), "f", d.value()], ["XSETID", key, d.nextStreamId()]);
  }),
  op("XGROUP", 2, ["xgroup"], (d) => {
    const key = d.key("strm");
    const g = group(d);
    const r = d.float();
    if (r < 0.4) return one(d.streamDb(), "XGROUP", "CREATE", key, g, "0", ...(d.chance(0.7) ? ["MKSTREAM"] : []));
    if (r < 0.55) return one(d.streamDb(), "XGROUP", "SETID", key, g, d.pick(["0", "$"]));
    if (r < 0.65) return one(d.streamDb(), "XGROUP", "DESTROY", key, g);
    if (r < 0.85) return one(d.streamDb(), "XGROUP", "CREATECONSUMER", key, g, consumer(d));
    return one(d.streamDb(), "XGROUP", "DELCONSUMER", key, g, consumer(d));
  }),
  op("XREADGROUP", 2, ["xgroup", "xadd", "xclaim"], (d) => {
    return seq(d.streamDb(), ...deliveredEntry(d, d.key("strm"), group(d), d.nextStreamId()));
  }),
  op("XACK", 1, ["xgroup", "xadd", "xclaim", "xack"], (d) => {
    const [key, g, id] = [d.key("strm"), group(d), d.nextStreamId()];
    const ids = d.chance(0.5) ? [id] : [id, d.pastStreamId()];
    return seq(d.streamDb(), ...deliveredEntry(d, key, g, id), ["XACK", key, g, ...ids]);
  }),
  op("XCLAIM", 1, ["xgroup", "xadd", "xclaim"], (d) => {
    const [key, g, id] = [d.key("strm"), group(d), d.nextStreamId()];
    const claim: Arg[] = ["XCLAIM", key, g, consumer(d), "0", id, d.pastStreamId()];
    if (d.chance(0.3)) claim.push("JUSTID");
    return seq(d.streamDb(), ...deliveredEntry(d, key, g, id), claim);
  }),
  op("XAUTOCLAIM", 1, ["xgroup", "xadd", "xclaim", "xautoclaim"], (d) => {
    const [key, g, id] = [d.key("strm"), group(d), d.nextStreamId()];
    const claim: Arg[] = ["XAUTOCLAIM", key, g, consumer(d), "0", "0-0", "COUNT", String(d.int(1, 4))];
    if (d.chance(0.3)) claim.push("JUSTID");
    return seq(d.streamDb(), ...deliveredEntry(d, key, g, id), claim);
  }),
];

// ------------------------------------------------------------------ keyspace

/** A key of any family but "lex" (whose zsets must keep score 0; keyspace commands on them are still drawn). */
const anyKey = (d: Draw): Buffer => d.key(d.pick(CROSS_FAMILIES));

/** Families holding one type; "tmp" keys get any of them. */
const TYPED_FAMILIES = ALL_FAMILIES.filter((f) => f !== "tmp");

/** A command creating (or extending) `key` with the type of `family`. */
function creator(d: Draw, family: Family, key: Buffer): Arg[] {
  switch (family === "tmp" ? d.pick(TYPED_FAMILIES) : family) {
    case "str":
      return ["SET", key, d.value()];
    case "num":
      return ["SET", key, String(d.int(-100, 100))];
    case "list":
      return ["RPUSH", key, d.value(), d.value()];
    case "set":
      return ["SADD", key, d.member(), d.member()];
    case "zset":
      return ["ZADD", key, d.score(), d.member()];
    case "lex":
      return ["ZADD", key, "0", d.member()];
    case "hash":
      return ["HSET", key, d.field(), d.value()];
    case "bits":
      return ["SETBIT", key, String(d.int(0, 200)), "1"];
    case "hll":
      return ["PFADD", key, `e${d.int(0, 500)}`];
    case "geo":
      return ["GEOADD", key, ...d.lonLat(), d.geoMember()];
    default:
      return ["XADD", key, d.nextStreamId(), "f", d.value()];
  }
}

/** A key of any family and the command that would create it with its family's type. */
function keyAndCreator(d: Draw): [Buffer, Arg[]] {
  const family = d.pick(ALL_FAMILIES);
  const key = d.key(family);
  return [key, creator(d, family, key)];
}

/**
 * A source key, a distinct target (same family, or a spare key that is often
 * free) and the command creating the source: RENAME/COPY operands.
 */
function keyPair(d: Draw): [Buffer, Buffer, Arg[]] {
  const family = d.pick(ALL_FAMILIES);
  const source = d.key(family);
  let target = d.key(d.chance(0.35) ? "tmp" : family);
  if (target.equals(source)) target = d.key("tmp");
  return [source, target, creator(d, family, source)];
}

/** `command` alone, or (half the time) after `create` so that its key exists. */
function maybeCreated(d: Draw, db: number, create: Arg[], command: Arg[]): Step {
  return d.chance(0.5) ? seq(db, create, command) : one(db, ...command);
}

const expireFlag = (d: Draw): Arg[] => (d.chance(0.3) ? [d.pick(["NX", "XX", "GT", "LT"])] : []);

const keyspaceOps: Operation[] = [
  op("DEL", 2, ["del"], (d) => one(d.db(), "DEL", ...repeat(d.int(1, 3), () => anyKey(d)))),
  op("UNLINK", 1, ["unlink"], (d) => one(d.db(), "UNLINK", ...repeat(d.int(1, 3), () => anyKey(d)))),
  op("EXPIRE", 2, ["pexpireat", "del"], (d) => {
    const seconds = d.chance(0.4) ? 1 : d.chance(0.1) ? -1 : d.longSeconds();
    return one(d.db(), "EXPIRE", anyKey(d), String(seconds), ...expireFlag(d));
  }),
  op("PEXPIRE", 2, ["pexpireat", "del"], (d) => {
    const ms = d.chance(0.5) ? d.shortMs() : d.longSeconds() * 1000;
    return one(d.db(), "PEXPIRE", anyKey(d), String(ms), ...expireFlag(d));
  }),
  op("EXPIREAT", 1, ["pexpireat", "del"], (d) => {
    const at = d.chance(0.2) ? 1 : Math.ceil(Date.now() / 1000) + d.longSeconds();
    return one(d.db(), "EXPIREAT", anyKey(d), String(at), ...expireFlag(d));
  }),
  op("PEXPIREAT", 2, ["pexpireat", "del"], (d) => {
    const at = Date.now() + (d.chance(0.5) ? d.shortMs() : d.chance(0.1) ? -5000 : d.longSeconds() * 1000);
    return one(d.db(), "PEXPIREAT", anyKey(d), String(at), ...expireFlag(d));
  }),
  op("PERSIST", 2, ["persist", "pexpireat"], (d) => {
    const [key, create] = keyAndCreator(d);
    const db = d.busyDb();
    if (d.chance(0.3)) return one(db, "PERSIST", key);
    return seq(db, create, ["PEXPIRE", key, String(d.longSeconds() * 1000)], ["PERSIST", key]);
  }),
  op("RENAME", 2, ["rename"], (d) => {
    const [source, target, create] = keyPair(d);
    return maybeCreated(d, d.busyDb(), create, ["RENAME", source, target]);
  }),
  op("RENAMENX", 1, ["renamenx", "del"], (d) => {
    const [source, target, create] = keyPair(d);
    if (d.chance(0.5)) return one(d.busyDb(), "RENAMENX", source, target);
    return seq(d.busyDb(), create, ["DEL", target], ["RENAMENX", source, target]);
  }),
  op("COPY", 2, ["copy"], (d) => {
    const [source, target, create] = keyPair(d);
    const args: Arg[] = ["COPY", source, target];
    if (d.chance(0.4)) args.push("DB", String(d.db()));
    if (d.chance(0.4)) args.push("REPLACE");
    return maybeCreated(d, d.busyDb(), create, args);
  }),
  op("MOVE", 2, ["move"], (d) => {
    const [key, create] = keyAndCreator(d);
    return maybeCreated(d, d.busyDb(), create, ["MOVE", key, String(d.chance(0.7) ? d.int(2, 15) : d.db())]);
  }),
  special("SWAPDB", 0.05, ["swapdb"], (d) => one(d.db(), "SWAPDB", String(d.db()), String(d.db())), 3),
  special("FLUSHDB", 0.05, ["flushdb"], (d) => {
    const db = d.chance(0.5) ? d.int(2, 15) : d.db(); // mostly the sparse databases
    return one(db, "FLUSHDB", ...(d.chance(0.5) ? [d.pick(["ASYNC", "SYNC"])] : []));
  }, 3),
  special("FLUSHALL", 0.0005, ["flushall"], (d) => one(0, "FLUSHALL", ...(d.chance(0.5) ? ["ASYNC"] : [])), 3),
  special("DUMP+RESTORE", 2, ["restore", "del"], (d) => {
    const family = d.pick(ALL_FAMILIES);
    const options: Arg[] = [];
    if (d.chance(0.6)) options.push("REPLACE");
    let ttl = "0";
    const r = d.float();
    if (r < 0.2) ttl = String(d.shortMs());
    else if (r < 0.4) ttl = String(d.longSeconds() * 1000);
    else if (r < 0.55) {
      ttl = String(Date.now() + (d.chance(0.2) ? -1000 : d.longSeconds() * 1000));
      options.push("ABSTTL");
    }
    if (d.chance(0.2)) options.push("IDLETIME", String(d.int(0, 1000)));
    const source = d.key(family);
    return {
      kind: "restore",
      create: d.chance(0.5) ? creator(d, family, source) : null,
      src: { db: d.busyDb(), args: [source] },
      dst: { db: d.db(), args: [d.chance(0.7) ? d.key(family) : d.key(d.pick(CROSS_FAMILIES))] },
      ttl,
      options,
    };
  }),
];

// ------------------------------------------------------------------ scripts

/** Scripts writing several keys; effects reach the replica inside MULTI … EXEC. */
export const SCRIPTS = {
  /** One effect per type; aborts at the first error, keeping the effects before it. */
  crossType: `
redis.call('RPUSH', KEYS[1], ARGV[1])
redis.call('SADD', KEYS[2], ARGV[2])
redis.call('ZINCRBY', KEYS[3], ARGV[3], ARGV[2])
redis.call('HSET', KEYS[4], ARGV[2], ARGV[1])
redis.call('INCRBY', KEYS[5], ARGV[4])
return 1`,
  /** Errors swallowed by pcall: only the writes that fit the key's type happen. */
  pcallAll: `
for _, k in ipairs(KEYS) do
  redis.pcall('LPUSH', k, ARGV[1])
  redis.pcall('SADD', k, ARGV[1])
  redis.pcall('APPEND', k, ARGV[1])
  redis.pcall('HINCRBY', k, 'calls', 1)
end
return #KEYS`,
  /** Moves a popped element into a sorted set and gives the list a TTL. */
  popToZset: `
local v = redis.call('LPOP', KEYS[1])
if v then redis.call('ZADD', KEYS[2], ARGV[1], v) end
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return v`,
  /** Writes in two databases: SELECT inside the script. */
  crossDb: `
redis.call('SET', KEYS[1], ARGV[1])
redis.call('SELECT', ARGV[2])
redis.call('RPUSH', KEYS[2], ARGV[1])
redis.call('HSET', KEYS[3], 'from-script', ARGV[1])
return 1`,
  /** Non-deterministic commands: SPOP and SRANDMEMBER feed writes. */
  randomPicks: `
local m = redis.call('SPOP', KEYS[1])
if m then redis.call('HSET', KEYS[2], m, ARGV[1]) end
local r = redis.call('SRANDMEMBER', KEYS[1])
if r then redis.call('SADD', KEYS[3], r) end
redis.call('PEXPIRE', KEYS[2], ARGV[2])
return 1`,
  /** Many writes in one script: collections cross encoding thresholds inside a unit. */
  bulk: `
for i = 1, tonumber(ARGV[1]) do
  redis.call('RPUSH', KEYS[1], i)
  redis.call('ZADD', KEYS[2], i / 3, 'm' .. i)
  redis.call('SADD', KEYS[3], i * 7)
  redis.call('HSET', KEYS[4], 'k' .. i, i)
end
return 1`,
} as const;

/** A function library loaded once (FUNCTION LOAD propagates as is; FCALL's effects as a unit). */
export const FUNCTION_LIBRARY = `#!lua name=difflib
redis.register_function('dcopy', function(keys, args)
  local v = redis.call('GET', keys[1])
  redis.call('SET', keys[2], v or args[1])
  redis.call('HINCRBY', keys[3], 'fcalls', 1)
  return v
end)`;

const evalOp = (name: string, weight: number, propagates: string[], build: (d: Draw) => [string[], Arg[], Arg[]]) =>
  op(`EVAL ${name}`, weight, propagates, (d) => {
    const [script, keys, argv] = build(d);
    return one(d.db(), "EVAL", script.join(""), String(keys.length), ...keys, ...argv);
  });

const scriptOps: Operation[] = [
  evalOp("crossType", 2, ["rpush", "sadd", "zincrby", "hset", "incrby"], (d) => [
    [SCRIPTS.crossType],
    [d.key("list"), d.key("set"), d.key("zset"), d.key("hash"), d.key("num")],
    [d.value(), d.member(), d.score(), String(d.int(-5, 5))],
  ]),
  evalOp("pcallAll", 1, ["lpush", "sadd", "append", "hincrby"], (d) => [
    [SCRIPTS.pcallAll],
    repeat(d.int(1, 4), () => anyKey(d)),
    [d.value()],
  ]),
  evalOp("popToZset", 1, ["lpop", "zadd", "pexpireat", "del"], (d) => [
    [SCRIPTS.popToZset],
    [d.key("list"), d.key("zset")],
    [d.score(), String(d.chance(0.5) ? d.shortMs() : d.longSeconds() * 1000)],
  ]),
  evalOp("crossDb", 1, ["set", "rpush", "hset"], (d) => [
    [SCRIPTS.crossDb],
    [d.key("str"), d.key("list"), d.key("hash")],
    [d.value(), String(d.db())],
  ]),
  evalOp("randomPicks", 1, ["srem", "hset", "sadd", "pexpireat"], (d) => [
    [SCRIPTS.randomPicks],
    [d.key("set"), d.key("hash"), d.key("set")],
    [d.value(), String(d.chance(0.3) ? d.shortMs() : d.longSeconds() * 1000)],
  ]),
  evalOp("bulk", 0.3, ["rpush", "zadd", "sadd", "hset"], (d) => [
    [SCRIPTS.bulk],
    [d.key("list"), d.key("zset"), d.key("set"), d.key("hash")],
    [String(d.int(100, 600))],
  ]),
  op("FCALL dcopy", 1, ["set", "hincrby"], (d) => {
    return one(d.db(), "FCALL", "dcopy", "3", d.key("str"), d.key("str"), d.key("hash"), d.value());
  }),
];

// ------------------------------------------------------------------ blocked clients served by a write

/** A blocking command on the second connection, woken by the writer's push/add. */
const servedOps: Operation[] = [
  special("BLPOP served", 0.3, ["rpush", "lpop"], (d) => {
    const key = d.key("list");
    const db = d.db();
    return served(db, ["BLPOP", key, "2"], ["RPUSH", key, d.value(), d.value()]);
  }),
  special("BRPOP served", 0.2, ["lpush", "rpop"], (d) => {
    const key = d.key("list");
    const db = d.db();
    return served(db, ["BRPOP", d.key("list"), key, "2"], ["LPUSH", key, d.value()]);
  }),
  special("BLMOVE served", 0.2, ["rpush", "lmove"], (d) => {
    const key = d.key("list");
    const db = d.db();
    return served(db, ["BLMOVE", key, d.key("list"), "RIGHT", "LEFT", "2"], ["RPUSH", key, d.value()]);
  }),
  special("BRPOPLPUSH served", 0.15, ["rpush", "rpoplpush"], (d) => {
    const key = d.key("list");
    const db = d.db();
    return served(db, ["BRPOPLPUSH", key, d.key("list"), "2"], ["RPUSH", key, d.value()]);
  }),
  special("BLMPOP served", 0.15, ["rpush", "lpop", "rpop"], (d) => {
    const key = d.key("list");
    const db = d.db();
    return served(db, ["BLMPOP", "2", "1", key, d.pick(["LEFT", "RIGHT"]), "COUNT", "2"], [
      "RPUSH",
      key,
      "a",
      "b",
      "c",
    ]);
  }),
  special("BZPOPMIN served", 0.2, ["zadd", "zpopmin"], (d) => {
    const key = d.key("zset");
    const db = d.db();
    return served(db, ["BZPOPMIN", key, "2"], ["ZADD", key, d.score(), d.member(), d.score(), d.member()]);
  }),
  special("BZPOPMAX served", 0.15, ["zadd", "zpopmax"], (d) => {
    const key = d.key("zset");
    const db = d.db();
    return served(db, ["BZPOPMAX", key, "2"], ["ZADD", key, d.score(), d.member()]);
  }),
  special("BZMPOP served", 0.15, ["zadd", "zpopmin", "zpopmax"], (d) => {
    const key = d.key("zset");
    const db = d.db();
    return served(db, ["BZMPOP", "2", "1", key, d.pick(["MIN", "MAX"]), "COUNT", "3"], [
      "ZADD",
      key,
      d.score(),
      "p",
      d.score(),
      "q",
    ]);
  }),
];

function served(db: number, block: Arg[], feed: Arg[]): Step {
  return { kind: "served", block: { db, args: block }, feed: [{ db, args: feed }] };
}

// ------------------------------------------------------------------ MULTI

const nestable = (): Operation[] => CATALOGUE.filter((o) => o.nestable === true);

const multiOps: Operation[] = [
  special("MULTI/EXEC", 4, [], (d) => {
    const ops = nestable();
    const calls: Call[] = [];
    const propagates = new Set<string>();
    for (let i = d.int(2, 6); i > 0; i--) {
      const operation = pickWeighted(d, ops);
      const step = operation.build(d);
      if (step.kind !== "calls") continue;
      calls.push(...step.calls);
      for (const name of operation.propagates) propagates.add(name);
    }
    // now and then a command that fails when queued: the whole block is discarded (EXECABORT)
    if (d.chance(0.04)) calls.splice(d.int(0, calls.length), 0, { db: calls[0].db, args: ["SET", "only-a-key"] });
    return { kind: "multi", calls, propagates: [...propagates] };
  }),
];

/** Every operation the workload draws from. */
export const CATALOGUE: readonly Operation[] = [
  ...stringOps,
  ...bitmapOps,
  ...listOps,
  ...setOps,
  ...zsetOps,
  ...geoOps,
  ...hashOps,
  ...streamOps,
  ...keyspaceOps,
  ...scriptOps,
  ...servedOps,
  ...multiOps,
];

function pickWeighted(d: Draw, ops: readonly Operation[]): Operation {
  let total = 0;
  for (const o of ops) total += o.weight;
  let r = d.float() * total;
  for (const o of ops) {
    r -= o.weight;
    if (r < 0) return o;
  }
  return ops[ops.length - 1];
}

function countCommands(step: Step): number {
  switch (step.kind) {
    case "calls":
      return step.calls.length;
    case "multi":
      return step.calls.length + 2;
    case "restore":
      return step.create ? 3 : 2;
    case "served":
      return 1 + step.feed.length;
  }
}

/** Options of {@linkcode workload}. */
export interface WorkloadOptions {
  /** Client commands to send (approximately: the last step may overshoot a little). */
  commands: number;
  /** Every operation is drawn at least this many times (spread over the first 80% of the run). */
  minimumPerOperation: number;
}

/**
 * The workload of one seed: steps drawn by weight, with every operation of the
 * catalogue forced in at least `minimumPerOperation` times at seeded positions.
 * Steps are drawn lazily (TTLs given as absolute times are computed when the
 * step is drawn, just before it is sent).
 */
export function* workload(seed: number, options: WorkloadOptions): Generator<PlannedStep> {
  const d = new Draw(seed);
  const forced = forcedPositions(d, options);
  let sent = 0;
  let next = 0;
  while (sent < options.commands) {
    const operation = next < forced.length && forced[next].at <= sent ? forced[next++].op : pickWeighted(d, CATALOGUE);
    const step = operation.build(d);
    const commands = countCommands(step);
    sent += commands;
    yield { op: operation.name, propagates: propagatesOf(operation, step), step, commands };
  }
}

/** What a MULTI block propagates is what its commands' operations do; other operations declare it. */
function propagatesOf(operation: Operation, step: Step): readonly string[] {
  return step.kind === "multi" ? step.propagates : operation.propagates;
}

function forcedPositions(d: Draw, options: WorkloadOptions): { at: number; op: Operation }[] {
  const out: { at: number; op: Operation }[] = [];
  const span = Math.max(1, Math.floor(options.commands * 0.8));
  for (const operation of CATALOGUE) {
    const times = Math.min(options.minimumPerOperation, operation.forcedAtMost ?? Infinity);
    for (let i = 0; i < times; i++) out.push({ at: d.int(0, span), op: operation });
  }
  return out.sort((a, b) => a.at - b.at);
}
