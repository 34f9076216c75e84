// Access to the shared fixtures (/work/shared/fixtures, i.e. ../shared/fixtures beside the repo).
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Buffer } from "node:buffer";

/** Absolute path of the shared fixtures folder ($VEIDRODELIS_FIXTURES overrides; default ../shared/fixtures beside the repo). */
export const FIXTURES_DIR: string = process.env.VEIDRODELIS_FIXTURES
  ? path.resolve(process.env.VEIDRODELIS_FIXTURES)
  : fileURLToPath(new URL("../../../shared/fixtures/", import.meta.url));

/** `fixturePath("replication/redis-7.0.15/stream.bin")` -> absolute path (throws if it does not exist). */
export function fixturePath(rel: string): string {
  const p = path.join(FIXTURES_DIR, rel);
  if (!fs.existsSync(p)) throw new Error(`fixture not found: ${p}`);
  return p;
}

/** The raw bytes of a fixture file. */
export function readFixture(rel: string): Uint8Array {
  const b = fs.readFileSync(fixturePath(rel));
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

/** Parsed JSON fixture. */
export function readFixtureJson<T = unknown>(rel: string): T {
  return JSON.parse(fs.readFileSync(fixturePath(rel), "utf8")) as T;
}

/**
 * Decodes a binary-safe string of the `.expected.json` convention: `"$b64:" + base64(bytes)` or the UTF-8 text itself.
 */
export function decodeJsonString(s: string): Uint8Array {
  const b = s.startsWith("$b64:") ? Buffer.from(s.slice(5), "base64") : Buffer.from(s, "utf8");
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

/** Inverse of decodeJsonString (what the fixture generator does). */
export function encodeJsonString(bytes: Uint8Array): string {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const text = b.toString("utf8");
  const validUtf8 = Buffer.from(text, "utf8").equals(b);
  return validUtf8 && !text.startsWith("$b64:") ? text : "$b64:" + b.toString("base64");
}

/** Decodes a zset score of the convention: JSON number, or "inf" / "-inf" / "nan". */
export function decodeScore(v: number | string): number {
  if (typeof v === "number") return v;
  if (v === "inf" || v === "+inf") return Infinity;
  if (v === "-inf") return -Infinity;
  if (v === "nan") return NaN;
  throw new Error(`bad score ${JSON.stringify(v)}`);
}

export type ExpectedValue =
  | string // string
  | string[] // list, set (sorted)
  | Array<[string, number | string]> // zset
  | Record<string, string> // hash
  | unknown; // stream / module types

export interface ExpectedEntry {
  type: "string" | "list" | "set" | "zset" | "hash" | "stream" | string;
  encoding?: string;
  value: ExpectedValue;
  expire_at_ms?: number;
  field_expire_at_ms?: Record<string, number>;
  groups?: unknown;
}

export interface ExpectedDump {
  server?: string;
  server_name?: string;
  server_version?: string;
  rdb_magic?: string;
  databases: Record<string, Record<string, ExpectedEntry>>;
  [k: string]: unknown;
}

/** Loads a `*.expected.json` (path relative to the fixtures folder, or absolute). */
export function loadExpected(rel: string): ExpectedDump {
  const p = path.isAbsolute(rel) ? rel : fixturePath(rel);
  const dump = JSON.parse(fs.readFileSync(p, "utf8")) as ExpectedDump;
  if (!dump || typeof dump.databases !== "object") throw new Error(`${p}: no "databases" object`);
  return dump;
}

export interface ExpectedKey {
  db: number;
  /** The key as written in the JSON (maybe `$b64:`-encoded). */
  keyString: string;
  /** The raw key bytes. */
  key: Uint8Array;
  entry: ExpectedEntry;
}

/**
 * Flattens a dump into one record per key. Order: JSON object order as JS sees it, i.e. integer-like keys
 * ("0", "12345") come first in numeric order; sort by `key` bytes yourself if order matters.
 */
export function expectedKeys(dump: ExpectedDump): ExpectedKey[] {
  const out: ExpectedKey[] = [];
  for (const [db, keys] of Object.entries(dump.databases)) {
    for (const [k, entry] of Object.entries(keys)) {
      out.push({ db: Number(db), keyString: k, key: decodeJsonString(k), entry });
    }
  }
  return out;
}
