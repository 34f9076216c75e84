/**
 * Compares a mirror's store with its real primary, key by key, in both
 * directions: databases sizes, every key's type, value and absolute TTL.
 *
 * The mirror is read through its Store (expired keys included: a replica
 * deletes only what the primary tells it to), the primary through a client
 * after every expired key was touched so that its deletions reached the
 * mirror.
 *
 *   await expireAndTouchAll(client, 16);       // expired keys → DEL propagated
 *   await caughtUp(mirror, server);
 *   const mismatches = compareSnapshots(await snapshotPrimary(client, 16), snapshotStore(mirror.store, 16));
 *
 * @module
 */
import { Buffer } from "node:buffer";
import type { Redis } from "ioredis";
import { type Store, ValueType } from "../../src/_wasm/store.ts";

/** A key's value in a form both sides produce. */
export type Value =
  | { type: "string"; bytes: Buffer }
  | { type: "list"; items: Buffer[] }
  | { type: "set"; members: Buffer[] }
  | { type: "zset"; members: Buffer[]; scores: number[] }
  | { type: "hash"; fields: Buffer[]; values: Buffer[] }
  /** Types kept as placeholders (streams): only the type and TTL are compared. */
  | { type: "placeholder" }
  /** The side could not read the value (an API missing or throwing). */
  | { type: "unreadable"; error: string };

/** One key as seen by one side. */
export interface KeyState {
  key: Buffer;
  /** Redis TYPE name. */
  type: string;
  /** Absolute expire time in unix ms; -1 without TTL. */
  expireAt: number;
  value: Value;
}

/** Every key of every database of one side. */
export interface Snapshot {
  /** Keys by hex of the key bytes, per database. */
  dbs: Map<string, KeyState>[];
  /** DBSIZE per database as the side reports it. */
  dbsize: number[];
}

/** One difference between primary and mirror. */
export interface Mismatch {
  db: number;
  /** Printable key (non-printable bytes as \xNN); empty for database-level differences. */
  key: string;
  /** Key bytes (empty for database-level differences). */
  keyBytes: Buffer;
  /** What differs. */
  what: "dbsize" | "missing on mirror" | "extra on mirror" | "type" | "ttl" | "value" | "unreadable" | "score ulps";
  /** A short description of both sides. */
  detail: string;
}

const SCAN_COUNT = 1000;
const BATCH = 500;

// ------------------------------------------------------------------ the primary

/**
 * Touches every key of every database with EXISTS so the primary deletes the
 * logically expired ones and propagates their DELs (SCAN alone may skip them).
 */
export async function expireAndTouchAll(client: Redis, databases: number): Promise<number> {
  let touched = 0;
  for (let db = 0; db < databases; db++) {
    await client.select(db);
    for (const keys of await scanAll(client)) {
      const pipeline = client.pipeline();
      for (const key of keys) pipeline.exists(key);
      await pipeline.exec();
      touched += keys.length;
    }
  }
  return touched;
}

/** Every key of the selected database, in SCAN batches. */
async function scanAll(client: Redis): Promise<Buffer[][]> {
  const batches: Buffer[][] = [];
  let cursor = "0";
  do {
    const [next, keys] = await client.scanBuffer(cursor, "COUNT", SCAN_COUNT);
    cursor = String(next);
    if (keys.length > 0) batches.push(keys);
  } while (cursor !== "0");
  return batches;
}

/** Reads every key of every database of the primary: TYPE, PEXPIRETIME and the value. */
export async function snapshotPrimary(client: Redis, databases: number): Promise<Snapshot> {
  const snapshot: Snapshot = { dbs: [], dbsize: [] };
  for (let db = 0; db < databases; db++) {
    await client.select(db);
    snapshot.dbsize.push(await client.dbsize());
    const keys = dedupe((await scanAll(client)).flat());
    const states = new Map<string, KeyState>();
    for (let i = 0; i < keys.length; i += BATCH) {
      for (const state of await readPrimaryKeys(client, keys.slice(i, i + BATCH))) {
        if (state.type !== "none") states.set(hex(state.key), state);
      }
    }
    snapshot.dbs.push(states);
  }
  return snapshot;
}

async function readPrimaryKeys(client: Redis, keys: Buffer[]): Promise<KeyState[]> {
  const heads = client.pipeline();
  for (const key of keys) heads.type(key).call("PEXPIRETIME", key);
  const headResults = resultsOf(await heads.exec());
  const types = keys.map((_, i) => String(headResults[2 * i]));
  const expireAts = keys.map((_, i) => pexpireTimeToExpireAt(Number(headResults[2 * i + 1])));

  const reads = client.pipeline();
  for (let i = 0; i < keys.length; i++) queueValueRead(reads, types[i], keys[i]);
  const values = resultsOf(await reads.exec());
  let at = 0;
  return keys.map((key, i) => {
    const type = types[i];
    const value = type === "stream" || type === "none"
      ? { type: "placeholder" as const }
      : primaryValue(type, values[at++]);
    return { key, type, expireAt: expireAts[i], value };
  });
}

/** PEXPIRETIME answers -1 without TTL (and -2 for a missing key, dropped later). */
function pexpireTimeToExpireAt(n: number): number {
  return n < 0 ? -1 : n;
}

type Pipeline = ReturnType<Redis["pipeline"]>;

function queueValueRead(pipeline: Pipeline, type: string, key: Buffer): void {
  switch (type) {
    case "string":
      pipeline.getBuffer(key);
      return;
    case "list":
      pipeline.lrangeBuffer(key, 0, -1);
      return;
    case "set":
      pipeline.smembersBuffer(key);
      return;
    case "zset":
      pipeline.callBuffer("ZRANGE", key, "0", "-1", "WITHSCORES");
      return;
    case "hash":
      pipeline.callBuffer("HGETALL", key);
      return;
  }
}

function primaryValue(type: string, reply: unknown): Value {
  switch (type) {
    case "string":
      return { type, bytes: reply as Buffer };
    case "list":
      return { type, items: reply as Buffer[] };
    case "set":
      return { type, members: sortBytes(reply as Buffer[]) };
    case "zset": {
      // RESP3 (ioredis 6) answers [member, score] pairs, RESP2 a flat list
      const pairs = pairsOf(reply as (Buffer | Buffer[])[]);
      const members = pairs.map((p) => p[0]);
      const scores = pairs.map((p) => parseRedisScore(String(p[1])));
      return { type, members, scores };
    }
    case "hash": {
      return hashValue(pairsOf(reply as (Buffer | Buffer[])[]));
    }
    default:
      return { type: "placeholder" };
  }
}

/** A flat [a, b, a, b] reply or a list of [a, b] pairs, as pairs. */
function pairsOf(reply: (Buffer | Buffer[])[]): [Buffer, Buffer][] {
  if (reply.length > 0 && Array.isArray(reply[0])) return reply as [Buffer, Buffer][];
  const flat = reply as Buffer[];
  const pairs: [Buffer, Buffer][] = [];
  for (let i = 0; i < flat.length; i += 2) pairs.push([flat[i], flat[i + 1]]);
  return pairs;
}

/** Redis prints scores with %.17g (7.0) or shortest round-trip (7.2+): both parse to the same double; "inf" too. */
export function parseRedisScore(text: string): number {
  const lower = text.toLowerCase();
  if (lower === "inf" || lower === "+inf") return Infinity;
  if (lower === "-inf") return -Infinity;
  return Number(text);
}

/** A pipeline's replies; a per-command error is thrown (reads of existing keys must not fail). */
function resultsOf(results: [Error | null, unknown][] | null): unknown[] {
  if (results === null) throw new Error("pipeline discarded");
  return results.map(([error, value]) => {
    if (error) throw error;
    return value;
  });
}

// ------------------------------------------------------------------ the mirror's store

/** Reads every key of every database of a store, expired keys included. */
export function snapshotStore(store: Store, databases: number): Snapshot {
  const snapshot: Snapshot = { dbs: [], dbsize: [] };
  for (let db = 0; db < databases; db++) {
    snapshot.dbsize.push(db < store.databases ? store.dbSize(db) : 0);
    const states = new Map<string, KeyState>();
    for (const key of db < store.databases ? storeKeys(store, db) : []) {
      const state = readStoreKey(store, db, key);
      if (state !== null) states.set(hex(key), state);
    }
    snapshot.dbs.push(states);
  }
  return snapshot;
}

/** Every key of one database of the store (SCAN may repeat a key: deduplicated). */
export function storeKeys(store: Store, db: number): Buffer[] {
  const keys: Buffer[] = [];
  let cursor = 0;
  do {
    const step = store.scan(db, cursor, SCAN_COUNT);
    for (const key of step.keys) keys.push(Buffer.from(key));
    cursor = step.cursor;
  } while (cursor !== 0);
  return dedupe(keys);
}

/** One key of the store, or null when absent. */
export function readStoreKey(store: Store, db: number, key: Buffer): KeyState | null {
  const tag = store.find(db, key);
  if (tag === ValueType.none) return null;
  const expireAt = store.foundExpireAt;
  const type = store.foundTypeName();
  let value: Value;
  try {
    value = storeValue(store, tag);
  } catch (error) {
    value = { type: "unreadable", error: (error as Error).message };
  }
  return { key, type, expireAt, value };
}

/** The found key's value; must follow find() directly (found* read the last lookup). */
function storeValue(store: Store, tag: number): Value {
  switch (tag) {
    case ValueType.string:
      return { type: "string", bytes: Buffer.from(store.foundBytes()) };
    case ValueType.list:
      return { type: "list", items: store.foundListRange(0, -1).map((b) => Buffer.from(b)) };
    case ValueType.set:
      return { type: "set", members: sortBytes(store.foundSetMembers().map((b) => Buffer.from(b))) };
    case ValueType.zset: {
      const range = store.foundZsetRange({ by: "rank", start: 0, stop: -1 });
      return { type: "zset", members: range.members.map((b) => Buffer.from(b)), scores: range.scores };
    }
    case ValueType.hash: {
      const entries = store.foundHashEntries();
      const withTtl = entries.expireAts.findIndex((t) => t !== -1);
      if (withTtl >= 0) {
        // Redis 7.0 has no field TTLs: any on the mirror is a bug.
        throw new Error(
          `field ${printable(Buffer.from(entries.fields[withTtl]))} has a TTL (${entries.expireAts[withTtl]})`,
        );
      }
      return hashValue(entries.fields.map((f, i) => [Buffer.from(f), Buffer.from(entries.values[i])]));
    }
    default:
      return { type: "placeholder" };
  }
}

// ------------------------------------------------------------------ comparison

/** Every difference between the primary's snapshot and the mirror's, primary first. */
export function compareSnapshots(primary: Snapshot, mirror: Snapshot): Mismatch[] {
  const out: Mismatch[] = [];
  const databases = Math.max(primary.dbs.length, mirror.dbs.length);
  for (let db = 0; db < databases; db++) {
    const p = primary.dbs[db] ?? new Map<string, KeyState>();
    const m = mirror.dbs[db] ?? new Map<string, KeyState>();
    const pSize = primary.dbsize[db] ?? 0, mSize = mirror.dbsize[db] ?? 0;
    if (pSize !== mSize) {
      out.push({ db, key: "", keyBytes: Buffer.alloc(0), what: "dbsize", detail: `primary ${pSize}, mirror ${mSize}` });
    }
    for (const [id, ps] of p) {
      const ms = m.get(id);
      if (ms === undefined) out.push(mismatch(db, ps.key, "missing on mirror", `${ps.type} ${summary(ps.value)}`));
      else out.push(...compareKey(db, ps, ms));
    }
    for (const [id, ms] of m) {
      if (!p.has(id)) out.push(mismatch(db, ms.key, "extra on mirror", `${ms.type} ${summary(ms.value)}`));
    }
  }
  return out;
}

function compareKey(db: number, p: KeyState, m: KeyState): Mismatch[] {
  if (p.type !== m.type) return [mismatch(db, p.key, "type", `primary ${p.type}, mirror ${m.type}`)];
  const out: Mismatch[] = [];
  if (p.expireAt !== m.expireAt) {
    out.push(mismatch(db, p.key, "ttl", `primary expires at ${p.expireAt}, mirror at ${m.expireAt}`));
  }
  if (m.value.type === "unreadable") out.push(mismatch(db, p.key, "unreadable", `mirror: ${m.value.error}`));
  else if (p.value.type === "zset" && m.value.type === "zset" && ulpDeviation(p.value, m.value) !== null) {
    out.push(mismatch(db, p.key, "score ulps", ulpDeviation(p.value, m.value)!));
  } else {
    const difference = valueDifference(p.value, m.value);
    if (difference !== null) out.push(mismatch(db, p.key, "value", `${p.type}: ${difference}`));
  }
  return out;
}

/**
 * The most ulps (units in the last place) any score is off by, as text, when
 * the members are equal and every score is within MAX_SCORE_ULPS; otherwise
 * null. Geo distances (GEO… STOREDIST) go through sin/cos/asin, and
 * JavaScript's Math differs from glibc's libm in the last bits for a small
 * fraction of inputs (Bun uses the system libm and matches): such keys are a
 * known, separately counted deviation, not a mismatch.
 */
export function ulpDeviation(p: { members: Buffer[]; scores: number[] }, m: typeof p): string | null {
  if (sequenceDifference("member", p.members, m.members) !== null) return null;
  let worst = 0, at = -1;
  for (let i = 0; i < p.scores.length; i++) {
    const d = ulpDistance(p.scores[i], m.scores[i]);
    if (d > MAX_SCORE_ULPS) return null;
    if (d > worst) [worst, at] = [d, i];
  }
  if (at < 0) return null;
  return `score of ${printable(p.members[at])} off by ${worst} ulp: primary ${p.scores[at]}, mirror ${m.scores[at]}`;
}

const MAX_SCORE_ULPS = 4;
const ULP_F64 = new Float64Array(1);
const ULP_I64 = new BigInt64Array(ULP_F64.buffer);

/** Distance in representable doubles between two finite doubles of the same sign (Infinity otherwise). */
function ulpDistance(a: number, b: number): number {
  if (a === b) return 0;
  if (!Number.isFinite(a) || !Number.isFinite(b) || Math.sign(a) !== Math.sign(b)) return Infinity;
  ULP_F64[0] = a;
  const ia = ULP_I64[0];
  ULP_F64[0] = b;
  const d = ia - ULP_I64[0];
  return Number(d < 0n ? -d : d);
}

/** Where two values of the same type differ, or null when equal. */
export function valueDifference(p: Value, m: Value): string | null {
  if (p.type !== m.type) return `${p.type} vs ${m.type}`;
  switch (p.type) {
    case "string": {
      const mb = (m as typeof p).bytes;
      return p.bytes.equals(mb) ? null : stringDifference(p.bytes, mb);
    }
    case "list":
      return sequenceDifference("item", p.items, (m as typeof p).items);
    case "set":
      return sequenceDifference("member", p.members, (m as typeof p).members);
    case "zset": {
      const mz = m as typeof p;
      const members = sequenceDifference("member", p.members, mz.members);
      if (members !== null) return members;
      // Numeric equality: -0 equals 0. Redis itself keeps the sign of a zero score only in skiplist-encoded
      // zsets (a listpack stores -0 as the integer 0), so the sign depends on an encoding a replica cannot see.
      const i = p.scores.findIndex((s, j) => s !== mz.scores[j]);
      if (i < 0) return null;
      return `score of ${printable(p.members[i])}: primary ${scoreText(p.scores[i])}, mirror ${
        scoreText(mz.scores[i])
      }`;
    }
    case "hash": {
      const mh = m as typeof p;
      const fields = sequenceDifference("field", p.fields, mh.fields);
      if (fields !== null) return fields;
      return sequenceDifference("value", p.values, mh.values, p.fields);
    }
    default:
      return null;
  }
}

/** Short strings whole; long ones around the first differing byte. */
function stringDifference(p: Buffer, m: Buffer): string {
  if (p.length <= 40 && m.length <= 40) return `primary ${bytesSummary(p)}, mirror ${bytesSummary(m)}`;
  let at = 0;
  while (at < p.length && at < m.length && p[at] === m[at]) at++;
  const from = Math.max(0, at - 4);
  const window = (b: Buffer) => `"${printable(b.subarray(from, from + 16))}"`;
  return `lengths ${p.length}/${m.length}, first difference at byte ${at}: primary ${window(p)}, mirror ${window(m)} ` +
    `(bytes ${from}…)`;
}

function sequenceDifference(what: string, p: Buffer[], m: Buffer[], labels?: Buffer[]): string | null {
  const n = Math.min(p.length, m.length);
  for (let i = 0; i < n; i++) {
    if (!p[i].equals(m[i])) {
      const at = labels ? `of ${printable(labels[i])}` : `#${i}`;
      return `${what} ${at}: primary ${bytesSummary(p[i])}, mirror ${
        bytesSummary(m[i])
      } (lengths ${p.length}/${m.length})`;
    }
  }
  if (p.length !== m.length) {
    const extra = p.length > m.length ? `primary has ${bytesSummary(p[n])}` : `mirror has ${bytesSummary(m[n])}`;
    return `${p.length} ${what}s on the primary, ${m.length} on the mirror; first extra #${n}: ${extra}`;
  }
  return null;
}

function mismatch(db: number, key: Buffer, what: Mismatch["what"], detail: string): Mismatch {
  return { db, key: printable(key), keyBytes: key, what, detail };
}

/** One line per mismatch. */
export function describeMismatch(m: Mismatch): string {
  return m.key === "" ? `db ${m.db}: ${m.what}: ${m.detail}` : `db ${m.db} key "${m.key}": ${m.what}: ${m.detail}`;
}

// ------------------------------------------------------------------ helpers

function hashValue(pairs: [Buffer, Buffer][]): Value {
  pairs.sort((a, b) => Buffer.compare(a[0], b[0]));
  return { type: "hash", fields: pairs.map((p) => p[0]), values: pairs.map((p) => p[1]) };
}

function sortBytes(items: Buffer[]): Buffer[] {
  return items.sort(Buffer.compare);
}

function dedupe(keys: Buffer[]): Buffer[] {
  const seen = new Set<string>();
  return keys.filter((k) => {
    const id = hex(k);
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
}

/** The map key of a Redis key. */
export function hex(key: Uint8Array): string {
  return Buffer.from(key.buffer, key.byteOffset, key.byteLength).toString("hex");
}

/** Bytes as text, non-printable ones as \xNN. */
export function printable(bytes: Uint8Array): string {
  let out = "";
  for (const b of bytes) {
    out += b >= 0x20 && b < 0x7f && b !== 0x5c && b !== 0x22
      ? String.fromCharCode(b)
      : `\\x${b.toString(16).padStart(2, "0")}`;
  }
  return out;
}

/** A score as text, keeping the sign of zero (Redis prints -0). */
function scoreText(score: number): string {
  return Object.is(score, -0) ? "-0" : String(score);
}

function bytesSummary(bytes: Buffer | undefined): string {
  if (bytes === undefined) return "nothing";
  const text = printable(bytes.subarray(0, 40));
  return `"${text}${bytes.length > 40 ? "…" : ""}" (${bytes.length} bytes)`;
}

function summary(value: Value): string {
  switch (value.type) {
    case "string":
      return bytesSummary(value.bytes);
    case "list":
      return `${value.items.length} items`;
    case "set":
      return `${value.members.length} members`;
    case "zset":
      return `${value.members.length} members`;
    case "hash":
      return `${value.fields.length} fields`;
    case "unreadable":
      return `(unreadable: ${value.error})`;
    default:
      return "";
  }
}
