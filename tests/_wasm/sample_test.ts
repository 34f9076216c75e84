// Unit tests of the store's random picks (assembly/sample.ts) and collection SCAN cursors
// (assembly/coll_scan.ts) through src/_wasm/store.ts: Redis's count cases (distinct, all, repeating),
// membership and payloads against JS models, rough uniformity (chi-square with a fixed seed and a
// generous bound), RANDOMKEY, and SSCAN / HSCAN / ZSCAN coverage while the table grows, shrinks and
// rehashes between steps.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { Store } from "../../src/_wasm/store.ts";
import { VeidrodelisError, WrongTypeError } from "../../src/errors.ts";
import { seededRandom } from "../_support/random.ts";

const te = new TextEncoder();
const b = (s: string) => te.encode(s);
const hex = (u: Uint8Array) => Array.from(u, (x) => x.toString(16).padStart(2, "0")).join("");

function assertCheck(s: Store, phase: string): void {
  assert.equal(s.debugCheck(), null, `debugCheck after ${phase}`);
}

/** Distinct binary members (NUL, 0xff, invalid UTF-8); some longer than 64 bytes when `long`. */
function makeMembers(n: number, seed: number, long: boolean): Uint8Array[] {
  const rnd = seededRandom(seed);
  const out = new Map<string, Uint8Array>();
  while (out.size < n) {
    const len = long && rnd() < 0.05 ? 70 : Math.floor(rnd() * 10);
    const m = new Uint8Array(len);
    for (let i = 0; i < len; i++) m[i] = rnd() < 0.2 ? (rnd() < 0.5 ? 0 : 0xff) : Math.floor(rnd() * 256);
    out.set(hex(m), m);
  }
  return [...out.values()];
}

/** The counts worth trying for a collection of n: Redis's four cases and their borders. */
function countsFor(n: number): number[] {
  const c = new Set([
    1,
    2,
    Math.floor(n / 3),
    Math.floor(n / 3) + 1,
    n - 1,
    n,
    n + 5,
    -1,
    -5,
    -n,
    -3 * n,
  ]);
  c.delete(0);
  return [...c];
}

/** Checks a pick against Redis's rules: sizes, distinctness, membership, the whole set for count >= n. */
function checkPick(got: string[], model: Set<string>, count: number, label: string): void {
  const n = model.size;
  for (const g of got) assert.ok(model.has(g), `${label}: ${g} is not a member`);
  if (count > 0) {
    assert.equal(got.length, Math.min(count, n), `${label}: size`);
    assert.equal(new Set(got).size, got.length, `${label}: distinct`);
    if (count >= n) assert.deepEqual(new Set(got), model, `${label}: everything`);
  } else {
    assert.equal(got.length, -count, `${label}: size`);
    if (-count > n) assert.ok(new Set(got).size < got.length, `${label}: repeats`);
  }
}

/** Pearson's statistic of observed counts against a uniform expectation. */
function chiSquare(observed: Map<string, number>, keys: string[], total: number): number {
  const e = total / keys.length;
  let x = 0;
  for (const k of keys) {
    const o = observed.get(k) ?? 0;
    x += (o - e) * (o - e) / e;
  }
  return x;
}

/** A bound Pearson's statistic stays under with any sane generator: mean df, plus 8 standard deviations. */
function chiBound(df: number): number {
  return df + 8 * Math.sqrt(2 * df);
}

function tally(into: Map<string, number>, items: string[]): void {
  for (const i of items) into.set(i, (into.get(i) ?? 0) + 1);
}

// ---------------------------------------------------------------- random picks

describe("random picks", () => {
  it("foundSetRandom: Redis's count cases on packed and hashed sets", () => {
    const s = new Store();
    s.seedRandom(1);
    const encodings = new Set<string>();
    for (const n of [1, 2, 5, 60, 128, 129, 300, 3000]) {
      const members = makeMembers(n, n, n > 128);
      const key = b(`s${n}`);
      s.setAddMany(0, key, members);
      const model = new Set(members.map(hex));
      s.find(0, key);
      encodings.add(s.foundSetEncoding());
      for (const count of countsFor(n)) {
        for (let rep = 0; rep < 3; rep++) {
          s.find(0, key);
          checkPick(s.foundSetRandom(count).map(hex), model, count, `n ${n} count ${count}`);
        }
      }
      s.find(0, key);
      assert.deepEqual(s.foundSetRandom(0), []);
      assertCheck(s, `sets of ${n}`);
    }
    assert.deepEqual([...encodings].sort(), ["hashtable", "listpack"]);
  });

  it("foundHashRandom: fields with their own values and TTLs", () => {
    const s = new Store();
    s.seedRandom(2);
    for (const n of [1, 7, 128, 129, 1000]) {
      const fields = makeMembers(n, 100 + n, n > 128);
      const key = b(`h${n}`);
      const model = new Map<string, [string, number]>();
      fields.forEach((f, i) => {
        const v = b(`v${i}`);
        s.hashSet(0, key, f, v);
        const ttl = i % 3 === 0 ? 5_000_000 + i : -1;
        if (ttl >= 0) s.hashSetFieldExpire(0, key, f, ttl, 0);
        model.set(hex(f), [hex(v), ttl]);
      });
      for (const count of countsFor(n)) {
        s.find(0, key);
        const got = s.foundHashRandom(count);
        checkPick(got.fields.map(hex), new Set(model.keys()), count, `hash ${n} count ${count}`);
        got.fields.forEach((f, i) => {
          assert.deepEqual([hex(got.values[i]), got.expireAts[i]], model.get(hex(f)));
        });
      }
      assertCheck(s, `hashes of ${n}`);
    }
  });

  it("foundZsetRandom: members with their scores, packed and skiplist", () => {
    const s = new Store();
    s.seedRandom(3);
    const encodings = new Set<string>();
    for (const n of [1, 9, 128, 129, 2000]) {
      const members = makeMembers(n, 200 + n, n > 128);
      const key = b(`z${n}`);
      const model = new Map<string, number>();
      members.forEach((m, i) => {
        const score = i % 5 === 0 ? 1 : i / 7;
        s.zsetAdd(0, key, m, score, 0);
        model.set(hex(m), score);
      });
      s.find(0, key);
      encodings.add(s.foundZsetEncoding());
      for (const count of countsFor(n)) {
        s.find(0, key);
        const got = s.foundZsetRandom(count);
        checkPick(got.members.map(hex), new Set(model.keys()), count, `zset ${n} count ${count}`);
        got.members.forEach((m, i) => assert.equal(got.scores[i], model.get(hex(m))));
      }
      assertCheck(s, `zsets of ${n}`);
    }
    assert.deepEqual([...encodings].sort(), ["listpack", "skiplist"]);
  });

  it("no key, wrong type, non-integer counts", () => {
    const s = new Store();
    s.find(0, "nothing");
    assert.deepEqual(s.foundSetRandom(3), []);
    assert.deepEqual(s.foundHashRandom(-3), { fields: [], values: [], expireAts: [] });
    assert.deepEqual(s.foundZsetRandom(3), { members: [], scores: [] });
    s.setAdd(0, b("s"), b("a"));
    s.find(0, "s");
    assert.throws(() => s.foundHashRandom(1), WrongTypeError);
    assert.throws(() => s.foundZsetRandom(1), WrongTypeError);
    assert.throws(() => s.foundSetRandom(1.5), VeidrodelisError);
    assert.throws(() => s.foundSetRandom(NaN), VeidrodelisError);
    assert.deepEqual(s.foundSetRandom(-3).map(hex), [hex(b("a")), hex(b("a")), hex(b("a"))]);
  });

  it("seedRandom makes picks reproducible", () => {
    const picks = (seed: number) => {
      const s = new Store();
      s.setAddMany(0, b("s"), Array.from({ length: 100 }, (_, i) => b(`m${i}`)));
      s.seedRandom(seed);
      s.find(0, "s");
      return s.foundSetRandom(-20).map(hex).join();
    };
    assert.equal(picks(42), picks(42));
    assert.notEqual(picks(42), picks(43));
  });

  it("RANDOMKEY: members of the db, every key in time, null when empty", () => {
    const s = new Store();
    s.seedRandom(4);
    assert.equal(s.randomKey(0), null);
    assert.equal(s.randomKey(99), null);
    const keys = makeMembers(150, 7, true);
    keys.forEach((k, i) => s.set(0, k, b("v"), 0, i % 4 === 0 ? 1 : -1)); // expired keys are candidates too
    const seen = new Map<string, number>();
    for (let i = 0; i < 30_000; i++) {
      const k = s.randomKey(0);
      assert.ok(k !== null);
      tally(seen, [hex(k)]);
    }
    const names = keys.map(hex);
    for (const k of seen.keys()) assert.ok(names.includes(k));
    assert.equal(seen.size, 150, "every key drawn");
    const x = chiSquare(seen, names, 30_000);
    assert.ok(x < chiBound(149), `chi-square ${x.toFixed(1)}`);
    s.flushDb(0);
    assert.equal(s.randomKey(0), null);
    assertCheck(s, "randomKey");
  });

  it("uniformity: repeating picks and distinct picks (chi-square, fixed seed)", () => {
    const s = new Store();
    s.seedRandom(5);
    const cases: Array<[string, number, (key: Uint8Array, ms: Uint8Array[]) => void, (n: number) => string[]]> = [];
    const setOf = (key: Uint8Array, ms: Uint8Array[]) => void s.setAddMany(0, key, ms);
    const hashOf = (key: Uint8Array, ms: Uint8Array[]) => ms.forEach((m) => s.hashSet(0, key, m, b("v")));
    const zsetOf = (key: Uint8Array, ms: Uint8Array[]) => ms.forEach((m, i) => s.zsetAdd(0, key, m, i % 3, 0));
    for (const n of [100, 200, 1000]) {
      cases.push([`set ${n}`, n, setOf, (c) => s.foundSetRandom(c).map(hex)]);
      cases.push([`hash ${n}`, n, hashOf, (c) => s.foundHashRandom(c).fields.map(hex)]);
      cases.push([`zset ${n}`, n, zsetOf, (c) => s.foundZsetRandom(c).members.map(hex)]);
    }
    for (const [label, n, build, draw] of cases) {
      const key = b(label);
      const ms = makeMembers(n, n + label.length, false);
      build(key, ms);
      const names = ms.map(hex);
      for (const count of [-1000, 10, Math.floor(n / 3), Math.floor(n / 2)]) {
        const seen = new Map<string, number>();
        const rounds = count < 0 ? Math.ceil(n * 200 / -count) : Math.ceil(n * 200 / count);
        let total = 0;
        for (let r = 0; r < rounds; r++) {
          s.find(0, key);
          const got = draw(count);
          total += got.length;
          tally(seen, got);
        }
        const x = chiSquare(seen, names, total);
        assert.ok(x < chiBound(n - 1), `${label} count ${count}: chi-square ${x.toFixed(1)} (df ${n - 1})`);
      }
    }
    assertCheck(s, "uniformity");
  });
});

// ---------------------------------------------------------------- scans

type Scanned = { cursor: number; items: string[] };

function scanSet(s: Store, key: Uint8Array, cursor: number, count: number): Scanned {
  s.find(0, key);
  const r = s.foundSetScan(cursor, count);
  return { cursor: r.cursor, items: r.members.map(hex) };
}

describe("collection scans", () => {
  it("packed collections come back whole with cursor 0, whatever the cursor", () => {
    const s = new Store();
    const ms = makeMembers(50, 9, false);
    s.setAddMany(0, b("s"), ms);
    ms.forEach((m, i) => s.hashSet(0, b("h"), m, b(`v${i}`)));
    ms.forEach((m, i) => s.zsetAdd(0, b("z"), m, i, 0));
    const all = new Set(ms.map(hex));
    for (const cursor of [0, 5, 2 ** 40]) {
      const r = scanSet(s, b("s"), cursor, 3);
      assert.equal(r.cursor, 0);
      assert.deepEqual(new Set(r.items), all);
      assert.equal(r.items.length, 50);
      s.find(0, "h");
      const h = s.foundHashScan(cursor, 3);
      assert.equal(h.cursor, 0);
      assert.deepEqual(new Set(h.entries.fields.map(hex)), all);
      h.entries.fields.forEach((f, i) =>
        assert.equal(hex(h.entries.values[i]), hex(b(`v${ms.findIndex((m) => hex(m) === hex(f))}`)))
      );
      s.find(0, "z");
      const z = s.foundZsetScan(cursor, 3);
      assert.equal(z.cursor, 0);
      assert.deepEqual(new Set(z.entries.members.map(hex)), all);
    }
    s.find(0, "none");
    assert.deepEqual(s.foundSetScan(0, 10), { cursor: 0, members: [] });
    s.find(0, "s");
    assert.throws(() => s.foundHashScan(0, 10), WrongTypeError);
  });

  it("SSCAN of an unchanging table returns every member exactly once; COUNT bounds each step", () => {
    const s = new Store();
    const ms = makeMembers(5000, 10, true);
    s.setAddMany(0, b("s"), ms);
    const seen: string[] = [];
    let cursor = 0;
    let steps = 0;
    do {
      const r = scanSet(s, b("s"), cursor, 10);
      assert.ok(r.items.length <= 10 + 8, `a step returns about COUNT members: ${r.items.length}`);
      seen.push(...r.items);
      cursor = r.cursor;
      steps++;
    } while (cursor !== 0);
    assert.equal(seen.length, 5000);
    assert.deepEqual(new Set(seen), new Set(ms.map(hex)));
    assert.ok(steps > 100);
  });

  it("SSCAN / HSCAN / ZSCAN cover every member present throughout while the table grows, shrinks and rehashes", () => {
    const rnd = seededRandom(11);
    for (const type of ["set", "hash", "zset"] as const) {
      const s = new Store();
      const key = b(type);
      const present = new Map<string, Uint8Array>();
      let serial = 0;
      const add = (m: Uint8Array) => {
        if (type === "set") s.setAdd(0, key, m);
        else if (type === "hash") s.hashSet(0, key, m, b(`value of ${hex(m)}`));
        else s.zsetAdd(0, key, m, m.length, 0);
        present.set(hex(m), m);
      };
      const remove = (m: Uint8Array) => {
        if (type === "set") s.setRemove(0, key, m);
        else if (type === "hash") s.hashDelete(0, key, m);
        else s.zsetRemove(0, key, m);
        present.delete(hex(m));
      };
      const fresh = () => b(`member ${serial++} ${"x".repeat(Math.floor(rnd() * 70))}`);
      const stable = Array.from({ length: 300 }, fresh);
      const isStable = new Set(stable.map(hex));
      stable.forEach(add);
      for (let i = 0; i < 700; i++) add(fresh());
      for (let round = 0; round < 6; round++) {
        const seen = new Set<string>();
        let cursor = 0;
        let step = 0;
        do {
          s.find(0, key);
          let items: string[];
          if (type === "set") {
            const r = s.foundSetScan(cursor, 20);
            cursor = r.cursor;
            items = r.members.map(hex);
          } else if (type === "hash") {
            const r = s.foundHashScan(cursor, 20);
            cursor = r.cursor;
            items = r.entries.fields.map(hex);
            r.entries.fields.forEach((f, i) => assert.equal(hex(r.entries.values[i]), hex(b(`value of ${hex(f)}`))));
            assert.ok(r.entries.expireAts.every((t) => t === -1));
          } else {
            const r = s.foundZsetScan(cursor, 20);
            cursor = r.cursor;
            items = r.entries.members.map(hex);
            r.entries.members.forEach((m, i) => assert.equal(r.entries.scores[i], m.length));
          }
          for (const it of items) {
            assert.ok(present.has(it), `${type}: a scanned member is a member`);
            seen.add(it);
          }
          // writes between steps: bursts that grow the table (rehash), then removals that shrink it
          const phase = (step >> 3) % 3;
          if (phase === 0) { for (let i = 0; i < 40; i++) add(fresh()); }
          else if (phase === 1) {
            const volatile = [...present.values()].filter((m) => !isStable.has(hex(m)));
            for (let i = 0; i < 60 && i < volatile.length; i++) remove(volatile[Math.floor(rnd() * volatile.length)]);
          } else if (rnd() < 0.5) add(fresh());
          step++;
        } while (cursor !== 0);
        for (const m of stable) {
          assert.ok(seen.has(hex(m)), `${type} round ${round}: ${new TextDecoder().decode(m)} missed`);
        }
        // shrink hard before the next round: the table goes back to a few buckets
        for (const m of [...present.values()]) if (!isStable.has(hex(m)) && rnd() < 0.9) remove(m);
      }
      assertCheck(s, `${type} scans`);
    }
  });

  it("cursor and count arguments are tolerated as Redis does", () => {
    const s = new Store();
    s.setAddMany(0, b("s"), makeMembers(1000, 12, true));
    s.find(0, "s");
    const r = s.foundSetScan(0, 0); // COUNT below 1 acts as 1
    assert.ok(r.members.length >= 1);
    s.find(0, "s");
    assert.ok(s.foundSetScan(2 ** 40 + 3, 10).members.length >= 0); // high bits mean nothing
    s.find(0, "s");
    assert.equal(s.foundSetScan(0, 1e9).cursor, 0, "a huge COUNT finishes in one step");
  });
});
