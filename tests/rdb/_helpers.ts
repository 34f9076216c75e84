/**
 * Shared test helpers: fixture paths, the `$b64:` JSON convention, a sink
 * that rebuilds the logical content of an RDB in the fixtures' JSON shape,
 * and the comparison against `.expected.json`.
 */

import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Crc64, RdbDecoder, type RdbSink, type RdbSummary } from "../../src/rdb/mod.ts";
import { seededRandom } from "../_support/random.ts";
import type { Store } from "../../src/_wasm/store.ts";

/** Absolute path of a folder/file under /work/shared/fixtures/rdb (the repo sits next to `shared`). */
export function fixturePath(rel: string): string {
  return fileURLToPath(new URL(`../../../shared/fixtures/rdb/${rel}`, import.meta.url));
}

export function readFixture(rel: string): Uint8Array {
  return new Uint8Array(readFileSync(fixturePath(rel)));
}

export function listRdb(dirRel: string): string[] {
  return readdirSync(fixturePath(dirRel)).filter((f) => f.endsWith(".rdb")).sort();
}

export function hasFixture(rel: string): boolean {
  return existsSync(fixturePath(rel));
}

const fatal = new TextDecoder("utf-8", { fatal: true });

/** Bytes → JSON string per the fixtures' convention (UTF-8 unless invalid or `$b64:`-prefixed). */
export function conv(b: Uint8Array): string {
  try {
    const s = fatal.decode(b);
    if (!s.startsWith("$b64:")) return s;
  } catch { /* not UTF-8 */ }
  let bin = "";
  for (const c of b) bin += String.fromCharCode(c);
  return "$b64:" + btoa(bin);
}

/** JSON string per the convention → raw bytes. */
export function unconv(s: string): Uint8Array {
  if (!s.startsWith("$b64:")) return new TextEncoder().encode(s);
  const bin = atob(s.slice(5));
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

function cmpBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return a.length - b.length;
}

/** One key as rebuilt from the decoder's events. */
export interface Entry {
  type: string;
  value?: unknown;
  expire_at_ms?: number;
  field_expire_at_ms?: Record<string, number>;
}

export type Model = Record<string, Record<string, Entry>>;

/**
 * A sink that rebuilds the content. `full` adds the collection methods (full
 * decoding); without them every collection is a placeholder.
 */
export function modelSink(full: boolean): { sink: RdbSink; model: Model; events: string[] } {
  const model: Model = {};
  const events: string[] = [];
  const put = (db: number, key: Uint8Array, e: Entry) => {
    const d = (model[db] ??= {});
    const k = conv(key);
    assert.equal(d[k], undefined, `key ${k} reported twice in db ${db}`);
    d[k] = e;
  };
  let cur: Entry | null = null;
  let zraw: [Uint8Array, number][] = [];
  const sink: RdbSink = {
    onString(db, key, value, exp) {
      const e: Entry = { type: "string", value: conv(value) };
      if (exp !== null) e.expire_at_ms = exp;
      put(db, key, e);
      events.push(`S ${db} ${conv(key)}`);
    },
    onPlaceholder(db, key, typeName, exp) {
      const e: Entry = { type: typeName };
      if (exp !== null) e.expire_at_ms = exp;
      put(db, key, e);
      events.push(`P ${db} ${conv(key)} ${typeName}`);
    },
    onFunction() {
      events.push("F");
    },
  };
  if (full) {
    Object.assign(sink, {
      onCollectionStart(db: number, key: Uint8Array, type: string, exp: number | null) {
        assert.equal(cur, null, "collection started inside another");
        cur = { type, value: type === "hash" ? {} : [] };
        if (exp !== null) cur.expire_at_ms = exp;
        zraw = [];
        put(db, key, cur);
        events.push(`C ${db} ${conv(key)} ${type}`);
      },
      onListElement(v: Uint8Array) {
        assert.equal(cur?.type, "list");
        (cur!.value as string[]).push(conv(v));
      },
      onSetMember(v: Uint8Array) {
        assert.equal(cur?.type, "set");
        (cur!.value as Uint8Array[]).push(v.slice() as never);
      },
      onZsetMember(m: Uint8Array, score: number) {
        assert.equal(cur?.type, "zset");
        zraw.push([m.slice(), score]);
      },
      onHashField(f: Uint8Array, v: Uint8Array, exp: number | null) {
        assert.equal(cur?.type, "hash");
        const h = cur!.value as Record<string, string>;
        const k = conv(f);
        assert.equal(h[k], undefined, `duplicate hash field ${k}`);
        h[k] = conv(v);
        if (exp !== null) (cur!.field_expire_at_ms ??= {})[k] = exp;
      },
      onCollectionEnd(count: number) {
        assert.notEqual(cur, null);
        const e = cur!;
        if (e.type === "set") {
          const raw = e.value as unknown as Uint8Array[];
          assert.equal(raw.length, count);
          e.value = raw.sort(cmpBytes).map(conv);
        } else if (e.type === "zset") {
          assert.equal(zraw.length, count);
          zraw.sort((a, b) => (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : cmpBytes(a[0], b[0])));
          e.value = zraw.map(([m, s]) => [conv(m), s]);
        } else if (e.type === "list") {
          assert.equal((e.value as string[]).length, count);
        } else {
          assert.equal(Object.keys(e.value as object).length, count);
        }
        cur = null;
        events.push("E");
      },
    });
  }
  return { sink, model, events };
}

/** Decode `bytes` pushed in chunks whose sizes `next()` chooses. */
export function decodeChunked(
  bytes: Uint8Array,
  sink: RdbSink,
  next: () => number,
): { summary: RdbSummary; consumed: number } {
  const dec = new RdbDecoder(sink, { maxStringBytes: 64 << 20 });
  let at = 0, consumed = 0;
  while (at < bytes.length && !dec.done) {
    const n = Math.max(1, next());
    // A fresh copy per push: the decoder must not keep views into chunks after push returns.
    const chunk = bytes.slice(at, Math.min(at + n, bytes.length));
    const used = dec.push(chunk);
    chunk.fill(0xee);
    consumed += used;
    at += n;
  }
  const summary = dec.finish();
  return { summary, consumed };
}

export { seededRandom as rng };

function normScore(s: unknown): unknown {
  if (s === "inf") return Infinity;
  if (s === "-inf") return -Infinity;
  if (s === "nan") return NaN;
  return typeof s === "number" && s === 0 ? 0 : s; // -0 and 0 compare equal
}

type ExpectedKey = {
  type: string;
  value: unknown;
  expire_at_ms?: number;
  field_expire_at_ms?: Record<string, number>;
};

/**
 * Compare a rebuilt model with an `.expected.json` document. In placeholder
 * mode (`full` false) only strings carry values; other keys must have the
 * right type name.
 */
export function assertMatchesExpected(
  model: Model,
  expected: { databases: Record<string, Record<string, ExpectedKey>> },
  full: boolean,
  label: string,
): void {
  const dbs = Object.keys(expected.databases).sort();
  assert.deepEqual(Object.keys(model).sort(), dbs, `${label}: databases`);
  for (const db of dbs) {
    const exp = expected.databases[db];
    const got = model[db];
    assert.deepEqual(Object.keys(got).sort(), Object.keys(exp).sort(), `${label}: keys of db ${db}`);
    for (const [k, e] of Object.entries(exp)) {
      const g = got[k];
      const where = `${label}: db ${db} key ${JSON.stringify(k)}`;
      assert.equal(g.type, e.type, `${where}: type`);
      assert.equal(g.expire_at_ms, e.expire_at_ms, `${where}: expire_at_ms`);
      if (e.type === "string") {
        assert.equal(g.value, e.value, `${where}: value`);
      } else if (full && (e.type === "list" || e.type === "set" || e.type === "hash")) {
        if (e.type === "set") {
          const sorted = (e.value as string[]).map(unconv).sort(cmpBytes).map(conv);
          assert.deepEqual(g.value, sorted, `${where}: members`);
        } else {
          assert.deepEqual(g.value, e.value, `${where}: value`);
        }
        if (e.type === "hash") assert.deepEqual(g.field_expire_at_ms, e.field_expire_at_ms, `${where}: field TTLs`);
      } else if (full && e.type === "zset") {
        const gv = (g.value as [string, number][]).map(([m, s]) => [m, normScore(s)]);
        const ev = (e.value as [string, unknown][]).map(([m, s]) => [m, normScore(s)]);
        assert.deepEqual(gv, ev, `${where}: members and scores`);
      } else {
        assert.equal(g.value, undefined, `${where}: placeholder carries no value`);
      }
    }
  }
}

const te = new TextEncoder();

/** Minimal RDB writer for tests. */
export class Writer {
  parts: number[] = [];
  raw(...b: number[]): this {
    this.parts.push(...b);
    return this;
  }
  text(s: string): this {
    return this.raw(...te.encode(s));
  }
  len(n: number): this {
    if (n < 64) return this.raw(n);
    if (n < 16384) return this.raw(0x40 | (n >> 8), n & 255);
    if (n < 2 ** 32) return this.raw(0x80, (n >>> 24) & 255, (n >> 16) & 255, (n >> 8) & 255, n & 255);
    const v = BigInt(n);
    this.raw(0x81);
    for (let i = 7n; i >= 0n; i--) this.raw(Number((v >> (8n * i)) & 255n));
    return this;
  }
  str(s: string | Uint8Array): this {
    const b = typeof s === "string" ? te.encode(s) : s;
    this.len(b.length);
    for (const x of b) this.parts.push(x); // no spread: strings may be large
    return this;
  }
  i64(n: number): this {
    const v = BigInt(n);
    for (let i = 0n; i < 8n; i++) this.raw(Number((v >> (8n * i)) & 255n));
    return this;
  }
  bytes(withCrc = true): Uint8Array {
    const b = new Uint8Array(this.parts);
    if (!withCrc) return b;
    const c = new Crc64();
    c.update(b);
    const out = new Uint8Array(b.length + 8);
    out.set(b);
    const v = c.value();
    for (let i = 0; i < 8; i++) out[b.length + i] = Number((v >> BigInt(8 * i)) & 0xffn);
    return out;
  }
}

/**
 * The whole content of a store in the fixtures' JSON shape (the model
 * {@linkcode assertMatchesExpected} compares): every database with keys,
 * every key with its type, TTL, value (collections in full) and hash field
 * TTLs; placeholders by type name only. Expiry is not applied.
 */
export function storeModel(store: Store): Model {
  const model: Model = {};
  for (let db = 0; db < store.databases; db++) {
    const keys: Uint8Array[] = [];
    let cursor = 0;
    do {
      const page = store.scan(db, cursor, 1000);
      keys.push(...page.keys);
      cursor = page.cursor;
    } while (cursor !== 0);
    if (keys.length === 0) continue;
    const entries: Record<string, Entry> = (model[db] = {});
    for (const key of keys) entries[conv(key)] = storeEntry(store, db, key);
  }
  return model;
}

/** One key of a store in the fixtures' JSON shape. */
export function storeEntry(store: Store, db: number, key: Uint8Array): Entry {
  const t = store.find(db, key);
  assert.notEqual(t, 0, `key ${conv(key)} vanished`);
  const type = store.foundTypeName();
  const e: Entry = { type };
  const exp = store.foundExpireAt;
  switch (type) {
    case "string":
      e.value = conv(store.foundBytes());
      break;
    case "list":
      e.value = store.foundListRange(0, -1).map(conv);
      break;
    case "set":
      e.value = store.foundSetMembers().sort(cmpBytes).map(conv);
      break;
    case "zset": {
      const { members, scores } = store.foundZsetRange({ by: "rank", start: 0, stop: -1 });
      e.value = members.map((m, i) => [conv(m), scores[i]]);
      break;
    }
    case "hash": {
      const { fields, values, expireAts } = store.foundHashEntries();
      const h: Record<string, string> = {};
      fields.forEach((f, i) => {
        h[conv(f)] = conv(values[i]);
        if (expireAts[i] !== -1) (e.field_expire_at_ms ??= {})[conv(f)] = expireAts[i];
      });
      e.value = h;
      break;
    }
  }
  if (exp !== -1) e.expire_at_ms = exp;
  return e;
}
