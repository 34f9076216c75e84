// Unit tests of the sorted-set store API (assembly/zset.ts, zset_packed.ts, skiplist.ts through
// src/_wasm/store.ts): flags, encodings and their thresholds, ties, ±inf, -0, ranks across skiplist
// levels, ranges, memory, and a seeded randomized comparison with a sorted JavaScript array.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import {
  type LexBound,
  Store,
  ValueType,
  ZADD_ADDED,
  ZADD_GT,
  ZADD_INCR,
  ZADD_LT,
  ZADD_NOOP,
  ZADD_NX,
  ZADD_UPDATED,
  ZADD_XX,
  type ZsetRange,
} from "../../src/_wasm/store.ts";
import { StoreFullError, VeidrodelisError, WrongTypeError } from "../../src/errors.ts";
import { seededRandom } from "../_support/random.ts";

const te = new TextEncoder();
const b = (s: string) => te.encode(s);
const ALL: ZsetRange = { by: "rank", start: 0, stop: -1 };

function contents(s: Store, key: string, db = 0): Array<[string, number]> {
  if (s.find(db, key) === ValueType.none) return [];
  const r = s.foundZsetRange(ALL);
  return r.members.map((m, i) => [Buffer.from(m).toString("latin1"), r.scores[i]]);
}

function score(s: Store, key: string, member: string): number | null {
  s.find(0, key);
  return s.foundZsetScore(member);
}

function encoding(s: Store, key: string): string {
  s.find(0, key);
  return s.foundZsetEncoding();
}

function scoreRange(min: number, max: number, minExclusive = false, maxExclusive = false): ZsetRange {
  return { by: "score", min, max, minExclusive, maxExclusive };
}

function lexRange(min: LexBound, max: LexBound): ZsetRange {
  return { by: "lex", min, max };
}

describe("store: zset basics", () => {
  it("adds, scores, ranks, cardinality; empty zsets never exist", () => {
    const s = new Store();
    assert.equal(s.zsetAdd(0, b("z"), b("b"), 2, 0), ZADD_ADDED);
    assert.equal(s.zsetLastScore, 2);
    assert.equal(s.zsetAdd(0, b("z"), b("a"), 1, 0), ZADD_ADDED);
    assert.equal(s.zsetAdd(0, b("z"), b("c"), 3, 0), ZADD_ADDED);
    assert.equal(s.zsetAdd(0, b("z"), b("c"), 3, 0), ZADD_NOOP);
    assert.equal(s.zsetLastScore, 3, "processed without a change: the score is still reported");
    assert.equal(s.find(0, "z"), ValueType.zset);
    assert.equal(s.foundTypeName(), "zset");
    assert.equal(s.foundZsetCard(), 3);
    assert.equal(s.foundZsetScore("b"), 2);
    assert.equal(s.foundZsetScore("x"), null);
    assert.equal(s.foundZsetRank("a", false), 0);
    assert.equal(s.foundZsetRank("a", true), 2);
    assert.equal(s.foundZsetRank(b("c"), false), 2);
    assert.equal(s.foundZsetRank("x", false), null);
    assert.deepEqual(contents(s, "z"), [["a", 1], ["b", 2], ["c", 3]]);
    assert.equal(s.zsetRemove(0, b("z"), b("b")), true);
    assert.equal(s.zsetRemove(0, b("z"), b("b")), false);
    assert.equal(s.zsetRemove(0, b("z"), b("a")), true);
    assert.equal(s.zsetRemove(0, b("z"), b("c")), true);
    assert.equal(s.find(0, "z"), ValueType.none, "the last removal deletes the key");
    assert.equal(s.dbSize(0), 0);
    assert.equal(s.zsetRemove(0, b("z"), b("c")), false);
    assert.equal(s.foundZsetCard(), 0, "absent key reads as empty");
    assert.deepEqual(s.foundZsetRange(ALL), { members: [], scores: [] });
  });

  it("ZADD flags NX / XX / GT / LT / INCR as zsetAdd", () => {
    const s = new Store();
    const k = b("z");
    assert.equal(s.zsetAdd(0, k, b("m"), 5, ZADD_XX), ZADD_NOOP, "XX on an absent key creates nothing");
    assert.ok(Number.isNaN(s.zsetLastScore));
    assert.equal(s.find(0, "z"), ValueType.none);
    assert.equal(s.zsetAdd(0, k, b("m"), 5, ZADD_NX), ZADD_ADDED);
    assert.equal(s.zsetAdd(0, k, b("m"), 7, ZADD_NX), ZADD_NOOP);
    assert.ok(Number.isNaN(s.zsetLastScore));
    assert.equal(s.zsetAdd(0, k, b("m"), 4, ZADD_GT), ZADD_NOOP);
    assert.equal(s.zsetAdd(0, k, b("m"), 5, ZADD_GT), ZADD_NOOP, "GT needs strictly greater");
    assert.equal(s.zsetAdd(0, k, b("m"), 6, ZADD_GT), ZADD_UPDATED);
    assert.equal(s.zsetAdd(0, k, b("m"), 9, ZADD_LT), ZADD_NOOP);
    assert.equal(s.zsetAdd(0, k, b("m"), 1, ZADD_LT | ZADD_XX), ZADD_UPDATED);
    assert.equal(s.zsetAdd(0, k, b("n"), 1, ZADD_LT | ZADD_XX), ZADD_NOOP, "XX never adds");
    assert.equal(s.zsetAdd(0, k, b("n"), 3, ZADD_GT), ZADD_ADDED, "GT/LT do not prevent adding");
    assert.equal(s.zsetAdd(0, k, b("m"), 2.5, ZADD_INCR), ZADD_UPDATED);
    assert.equal(s.zsetLastScore, 3.5);
    assert.equal(s.zsetAdd(0, k, b("m"), -1, ZADD_INCR | ZADD_GT), ZADD_NOOP, "GT compares the incremented score");
    assert.equal(s.zsetAdd(0, k, b("m"), 1, ZADD_INCR | ZADD_GT), ZADD_UPDATED);
    assert.equal(s.zsetLastScore, 4.5);
    assert.equal(s.zsetAdd(0, k, b("m"), 0, ZADD_INCR), ZADD_NOOP);
    assert.equal(s.zsetLastScore, 4.5);
    assert.equal(s.zsetAdd(0, k, b("new"), 7, ZADD_INCR), ZADD_ADDED, "INCR on a new member sets the increment");
    assert.equal(s.zsetAdd(0, k, b("new"), 1, ZADD_INCR | ZADD_NX), ZADD_NOOP);
    assert.deepEqual(contents(s, "z"), [["n", 3], ["m", 4.5], ["new", 7]]);
  });

  it("INCR reaching NaN throws and changes nothing; NaN scores are refused", () => {
    const s = new Store();
    s.zsetAdd(0, b("z"), b("m"), Infinity, 0);
    assert.throws(() => s.zsetAdd(0, b("z"), b("m"), -Infinity, ZADD_INCR), (e: unknown) => {
      assert.ok(e instanceof VeidrodelisError);
      assert.equal(e.message, "ERR resulting score is not a number (NaN)");
      return true;
    });
    assert.throws(() => s.zsetAdd(0, b("z"), b("x"), NaN, 0), /NaN/);
    assert.deepEqual(contents(s, "z"), [["m", Infinity]]);
    assert.equal(s.zsetAdd(0, b("z"), b("m"), Infinity, ZADD_INCR), ZADD_NOOP, "inf + inf = inf: unchanged");
  });

  it("WRONGTYPE names zset, nothing changes", () => {
    const s = new Store();
    s.set(0, b("str"), b("v"), 0, -1);
    for (
      const f of [
        () => s.zsetAdd(0, b("str"), b("m"), 1, 0),
        () => s.zsetRemove(0, b("str"), b("m")),
        () => s.zsetRemoveRange(0, b("str"), ALL),
        () => s.zsetRemoveRange(0, b("str"), scoreRange(0, 1)),
        () => s.zsetPop(0, b("str"), false, 0),
      ]
    ) {
      assert.throws(f, (e: unknown) => e instanceof WrongTypeError && e.expected === "zset" && e.actual === "string");
    }
    s.find(0, "str");
    assert.equal(s.foundString(), "v");
    assert.throws(() => s.foundZsetCard(), WrongTypeError);
    assert.throws(() => s.foundZsetRange(ALL), WrongTypeError);
  });

  it("orders ties by member bytes (memcmp, shorter first), binary members included", () => {
    const s = new Store();
    const members = ["b", "a", "a\0", "", "\xff", "\0", "ab", "a\xff", "B"];
    for (const m of members) s.zsetAdd(0, b("z"), Buffer.from(m, "latin1"), 1, 0);
    const sorted = members.map((m) => Buffer.from(m, "latin1")).sort(Buffer.compare).map((x) => x.toString("latin1"));
    assert.deepEqual(contents(s, "z").map(([m]) => m), sorted);
    s.zsetAdd(0, b("z"), b("a"), 0.5, 0);
    assert.deepEqual(contents(s, "z")[0], ["a", 0.5], "a score update repositions");
  });

  it("±inf scores order at the ends and bound ranges", () => {
    const s = new Store();
    s.zsetAdd(0, b("z"), b("lo"), -Infinity, 0);
    s.zsetAdd(0, b("z"), b("hi"), Infinity, 0);
    s.zsetAdd(0, b("z"), b("mid"), 0, 0);
    s.zsetAdd(0, b("z"), b("max"), Number.MAX_VALUE, 0);
    assert.deepEqual(contents(s, "z"), [["lo", -Infinity], ["mid", 0], ["max", Number.MAX_VALUE], ["hi", Infinity]]);
    s.find(0, "z");
    assert.equal(s.foundZsetCount(scoreRange(-Infinity, Infinity)), 4);
    assert.equal(s.foundZsetCount(scoreRange(-Infinity, Infinity, true, true)), 2);
    assert.equal(s.zsetRemoveRange(0, b("z"), scoreRange(Infinity, Infinity)), 1);
    assert.deepEqual(contents(s, "z").map(([m]) => m), ["lo", "mid", "max"]);
  });
});

describe("store: zset encodings", () => {
  it("listpack up to 128 members of up to 64 bytes, skiplist beyond, never back", () => {
    const s = new Store();
    for (let i = 0; i < 128; i++) s.zsetAdd(0, b("z"), b(`m${i}`), i, 0);
    assert.equal(encoding(s, "z"), "listpack");
    s.zsetAdd(0, b("z"), b("m0"), 99, 0);
    assert.equal(encoding(s, "z"), "listpack", "updates do not convert");
    s.zsetAdd(0, b("z"), b("m128"), 128, 0);
    assert.equal(encoding(s, "z"), "skiplist");
    for (let i = 0; i < 120; i++) s.zsetRemove(0, b("z"), b(`m${i}`));
    assert.equal(encoding(s, "z"), "skiplist", "Redis never converts back on removal");

    s.zsetAdd(0, b("v"), b("x".repeat(64)), 1, 0);
    assert.equal(encoding(s, "v"), "listpack");
    s.zsetAdd(0, b("v"), b("y".repeat(65)), 1, 0);
    assert.equal(encoding(s, "v"), "skiplist");
    s.zsetAdd(0, b("w"), b("y".repeat(65)), 1, 0);
    assert.equal(encoding(s, "w"), "skiplist", "created as a skiplist for a long first member");
    assert.deepEqual(contents(s, "v"), [["x".repeat(64), 1], ["y".repeat(65), 1]]);
  });

  it("Redis 7.2+ size hints: created as a skiplist, or an existing listpack converted", () => {
    const s = new Store();
    s.zsetAdd(0, b("big"), b("m"), 1, 0, 129, 1);
    assert.equal(encoding(s, "big"), "skiplist");
    s.zsetAdd(0, b("long"), b("m"), 1, 0, 2, 65);
    assert.equal(encoding(s, "long"), "skiplist");
    s.zsetAdd(0, b("small"), b("m"), 1, 0, 128, 64);
    assert.equal(encoding(s, "small"), "listpack");
    s.zsetAdd(0, b("small"), b("m"), 1, ZADD_XX, 129, 1);
    assert.equal(encoding(s, "small"), "skiplist", "zsetTypeMaybeConvert, even when nothing is added");
  });

  it("-0: a listpack stores 0, a skiplist keeps -0 (as Redis)", () => {
    const s = new Store();
    s.zsetAdd(0, b("p"), b("a"), -0, 0);
    assert.ok(Object.is(score(s, "p", "a"), 0));
    assert.ok(Object.is(s.zsetLastScore, 0));
    s.zsetAdd(0, b("p"), b("b"), 5, 0);
    s.zsetAdd(0, b("p"), b("b"), -0, 0);
    assert.ok(Object.is(score(s, "p", "b"), 0), "an update to -0 is stored as 0 too");
    s.zsetAdd(0, b("p"), b("x".repeat(70)), 1, 0);
    assert.equal(encoding(s, "p"), "skiplist");
    assert.ok(Object.is(score(s, "p", "a"), 0), "conversion reads 0 back");
    s.zsetAdd(0, b("p"), b("c"), -0, 0);
    assert.ok(Object.is(score(s, "p", "c"), -0));
    s.zsetAdd(0, b("p"), b("c"), 0, 0);
    assert.ok(Object.is(score(s, "p", "c"), -0), "0 == -0: no update");
    s.zsetAdd(0, b("p"), b("a"), -0, 0);
    assert.ok(Object.is(score(s, "p", "a"), 0), "-0 == 0: no update");
    s.zsetAdd(0, b("p"), b("a"), -0, ZADD_INCR);
    assert.ok(Object.is(score(s, "p", "a"), 0));
    s.zsetAdd(0, b("p"), b("d"), 3, 0);
    s.zsetAdd(0, b("p"), b("d"), -0, 0);
    assert.ok(Object.is(score(s, "p", "d"), -0));
    s.zsetAdd(0, b("q"), b("m"), -0, 0, 200, 1);
    assert.ok(Object.is(score(s, "q", "m"), -0), "created as a skiplist (hint): -0 kept");
    const r = (s.find(0, "p"), s.foundZsetRange(scoreRange(0, 0)));
    assert.equal(r.members.length, 4, "-0 and 0 are the same score for ranges and ties");
  });

  it("COPY clones both encodings deeply", () => {
    const s = new Store();
    for (let i = 0; i < 10; i++) s.zsetAdd(0, b("small"), b(`m${i}`), i, 0);
    for (let i = 0; i < 500; i++) s.zsetAdd(0, b("large"), b(`m${i}`), i % 17, 0);
    assert.equal(s.copy(0, b("small"), 0, b("small2"), false), true);
    assert.equal(s.copy(0, b("large"), 1, b("large2"), false), true);
    const small = contents(s, "small"), large = contents(s, "large");
    s.zsetAdd(0, b("small"), b("m0"), 100, 0);
    s.zsetPop(0, b("large"), false, 250);
    assert.deepEqual(contents(s, "small2"), small);
    assert.deepEqual(contents(s, "large2", 1), large);
    assert.equal(encoding(s, "small2"), "listpack");
    s.find(1, "large2");
    assert.equal(s.foundZsetEncoding(), "skiplist");
    for (const [m, sc] of large) {
      assert.equal(s.foundZsetScore(m), sc);
    }
    s.zsetAdd(1, b("large2"), b("m3"), -1, 0);
    s.find(1, "large2");
    assert.equal(s.foundZsetRank("m3", false), 0, "the copy's dict and list work");
  });

  it("frees everything: memory returns to the baseline", () => {
    const s = new Store();
    const fill = () => {
      for (let k = 0; k < 20; k++) {
        const key = b(`k${k}`);
        const n = k % 2 === 0 ? 50 : 700;
        for (let i = 0; i < n; i++) s.zsetAdd(0, key, b(`member-${i}-${"x".repeat(i % 30)}`), (i * 31) % 97, 0);
      }
    };
    fill();
    for (let k = 0; k < 20; k++) s.del(0, b(`k${k}`));
    const baseline = s.usedBytes();
    for (let round = 0; round < 3; round++) {
      fill();
      for (let k = 0; k < 20; k++) {
        const key = b(`k${k}`);
        if (k % 3 === 0) s.del(0, key);
        else if (k % 3 === 1) s.zsetPop(0, key, k % 2 === 0, 1e9);
        else s.zsetRemoveRange(0, key, ALL);
      }
      assert.equal(s.dbSize(0), 0);
      assert.equal(s.usedBytes(), baseline, `round ${round}`);
    }
  });

  it("a full store refuses a write and leaves the zset intact", () => {
    const s = new Store({ maxMemoryBytes: 4 << 20 });
    let added = 0;
    assert.throws(() => {
      for (let i = 0;; i++) {
        s.zsetAdd(0, b("z"), b(`member-${i}-${"p".repeat(40)}`), i, 0);
        added++;
      }
    }, StoreFullError);
    s.find(0, "z");
    assert.equal(s.foundZsetCard(), added);
    assert.equal(s.foundZsetRank(`member-${added - 1}-${"p".repeat(40)}`, false), added - 1);
    // small zsets: creation and growth
    let keys = 0;
    assert.throws(() => {
      for (let i = 0;; i++) {
        s.zsetAdd(0, b(`s${i}`), b("a"), 1, 0);
        keys++;
      }
    }, StoreFullError);
    assert.equal(s.dbSize(0), keys + 1);
    assert.equal(s.zsetRemove(0, b("z"), b("member-0-" + "p".repeat(40))), true);
  });
});

describe("store: zset ranks and ranges", () => {
  it("ranks and rank ranges across skiplist levels (5000 members)", () => {
    const s = new Store();
    const rnd = seededRandom(7);
    const model: Array<[string, number]> = [];
    for (let i = 0; i < 5000; i++) {
      const m = `m${i}`;
      const sc = Math.floor(rnd() * 1000);
      model.push([m, sc]);
      s.zsetAdd(0, b("z"), b(m), sc, 0);
    }
    model.sort((x, y) => x[1] - y[1] || Buffer.compare(Buffer.from(x[0]), Buffer.from(y[0])));
    assert.deepEqual(contents(s, "z"), model);
    s.find(0, "z");
    for (let i = 0; i < model.length; i += 7) {
      assert.equal(s.foundZsetRank(model[i][0], false), i);
      assert.equal(s.foundZsetRank(model[i][0], true), model.length - 1 - i);
    }
    for (const [start, stop] of [[0, 0], [4999, 4999], [1234, 1300], [-10, -1], [-6000, 3], [4990, 9000], [7, 3]]) {
      const got = s.foundZsetRange({ by: "rank", start, stop });
      const from = start < 0 ? Math.max(0, start + 5000) : start;
      const to = Math.min(stop < 0 ? stop + 5000 : stop, 4999);
      assert.deepEqual(got.members.map((m) => Buffer.from(m).toString()), model.slice(from, to + 1).map((e) => e[0]));
      const rev = s.foundZsetRange({ by: "rank", start, stop }, true);
      const reversed = [...model].reverse();
      assert.deepEqual(
        rev.members.map((m) => Buffer.from(m).toString()),
        reversed.slice(from, to + 1).map((e) => e[0]),
      );
    }
    assert.equal(s.zsetRemoveRange(0, b("z"), { by: "rank", start: 100, stop: 199 }), 100);
    model.splice(100, 100);
    assert.equal(s.zsetRemoveRange(0, b("z"), { by: "rank", start: -50, stop: -1 }), 50);
    model.splice(-50, 50);
    assert.deepEqual(contents(s, "z"), model);
    s.find(0, "z");
    for (let i = 0; i < model.length; i += 11) assert.equal(s.foundZsetRank(model[i][0], false), i);
  });

  it("score and lex ranges with REV and LIMIT, counts", () => {
    const s = new Store();
    for (const key of ["small", "large"]) {
      const n = key === "small" ? 20 : 300;
      for (let i = 0; i < n; i++) s.zsetAdd(0, b(key), b(`m${String(i).padStart(3, "0")}`), i % 10, 0);
      for (let i = 0; i < n; i++) s.zsetAdd(0, b(key + "lex"), b(String.fromCharCode(97 + (i % 26)) + i), 0, 0);
      s.find(0, key);
      const all = contents(s, key);
      const names = (r: { members: Uint8Array[] }) => r.members.map((m) => Buffer.from(m).toString());
      const inRange = all.filter(([, sc]) => sc > 2 && sc <= 5).map(([m]) => m);
      assert.deepEqual(names(s.foundZsetRange(scoreRange(2, 5, true))), inRange);
      assert.deepEqual(names(s.foundZsetRange(scoreRange(2, 5, true), true)), [...inRange].reverse());
      assert.deepEqual(names(s.foundZsetRange(scoreRange(2, 5, true), false, 3, 4)), inRange.slice(3, 7));
      assert.deepEqual(names(s.foundZsetRange(scoreRange(2, 5, true), true, 3, 4)), [...inRange].reverse().slice(3, 7));
      assert.deepEqual(names(s.foundZsetRange(scoreRange(2, 5, true), false, 2, -1)), inRange.slice(2));
      assert.deepEqual(names(s.foundZsetRange(scoreRange(2, 5, true), false, -1, 5)), [], "negative offset");
      assert.deepEqual(names(s.foundZsetRange(scoreRange(2, 5, true), false, 0, 0)), []);
      assert.deepEqual(names(s.foundZsetRange(scoreRange(2, 5, true), false, n, 5)), []);
      assert.deepEqual(names(s.foundZsetRange(scoreRange(5, 2))), [], "min above max");
      assert.deepEqual(names(s.foundZsetRange(scoreRange(3, 3, false, true))), [], "equal ends, one open");
      assert.deepEqual(
        names(s.foundZsetRange({ by: "rank", start: 0, stop: 1 }, false, 5, 1)),
        names(
          s.foundZsetRange({ by: "rank", start: 0, stop: 1 }),
        ),
        "LIMIT does not apply to rank ranges",
      );
      assert.equal(s.foundZsetCount(scoreRange(2, 5, true)), inRange.length);
      assert.equal(s.foundZsetCount(scoreRange(10, 20)), 0);
      assert.equal(s.foundZsetCount({ by: "rank", start: -3, stop: 1000 }), 3);

      s.find(0, key + "lex");
      const lexAll = contents(s, key + "lex").map(([m]) => m);
      const ab = lexAll.filter((m) => m >= "b" && m < "d");
      const lex = (min: LexBound, max: LexBound, rev = false, off = 0, cnt = -1) =>
        names(s.foundZsetRange(lexRange(min, max), rev, off, cnt));
      assert.deepEqual(lex({ value: b("b"), exclusive: false }, { value: b("d"), exclusive: true }), ab);
      assert.deepEqual(
        lex({ value: b("b"), exclusive: false }, { value: b("d"), exclusive: true }, true, 1, 2),
        [
          ...ab,
        ].reverse().slice(1, 3),
      );
      assert.deepEqual(lex("-", "+"), lexAll);
      assert.deepEqual(lex("+", "-"), []);
      assert.deepEqual(lex("-", "-"), []);
      assert.deepEqual(
        lex({ value: b("b1"), exclusive: true }, "+").slice(0, 1),
        lexAll.filter((m) => m > "b1").slice(0, 1),
      );
      assert.equal(
        s.foundZsetCount(lexRange({ value: b("b"), exclusive: false }, { value: b("d"), exclusive: true })),
        ab.length,
      );
      assert.equal(
        s.zsetRemoveRange(
          0,
          b(key + "lex"),
          lexRange({ value: b("b"), exclusive: false }, { value: b("d"), exclusive: true }),
        ),
        ab.length,
      );
      assert.deepEqual(contents(s, key + "lex").map(([m]) => m), lexAll.filter((m) => !ab.includes(m)));
    }
  });

  it("lex ranges over mixed scores on a listpack answer as Redis's listpack scan", () => {
    // Redis checks the last member against min and the first against max before scanning
    const s = new Store();
    s.zsetAdd(0, b("z"), b("c"), 1, 0);
    s.zsetAdd(0, b("z"), b("a"), 2, 0);
    s.zsetAdd(0, b("z"), b("b"), 3, 0);
    s.find(0, "z");
    const a = { value: b("a"), exclusive: false };
    assert.equal(s.foundZsetCount(lexRange(a, a)), 0, "first member 'c' is above max 'a'");
    assert.equal(
      s.foundZsetCount(lexRange({ value: b("b"), exclusive: false }, "+")),
      3,
      "the scan starts at 'c' (>= 'b') and only stops at the max, so 'a' counts too",
    );
  });
});

// ---------------------------------------------------------------- randomized model

type Entry = { m: Buffer; s: number };
interface ModelZset {
  entries: Entry[];
  skiplist: boolean;
}

function order(x: Entry, y: Entry): number {
  return x.s < y.s ? -1 : x.s > y.s ? 1 : Buffer.compare(x.m, y.m);
}

/** Redis's zsetAdd over a sorted array, encodings modelled by their observable effect (-0). */
function modelAdd(z: Map<string, ModelZset>, key: string, member: Buffer, sc: number, flags: number): number {
  let zs = z.get(key);
  if (zs === undefined) {
    if (flags & ZADD_XX) return ZADD_NOOP;
    zs = { entries: [], skiplist: member.length > 64 };
    z.set(key, zs);
    insert(zs, member, sc);
    return ZADD_ADDED;
  }
  const i = zs.entries.findIndex((e) => e.m.equals(member));
  if (i >= 0) {
    if (flags & ZADD_NX) return ZADD_NOOP;
    const cur = zs.entries[i].s;
    if (flags & ZADD_INCR) {
      sc += cur;
      if (Number.isNaN(sc)) return -1;
    }
    if ((flags & ZADD_LT && sc >= cur) || (flags & ZADD_GT && sc <= cur)) return ZADD_NOOP;
    if (sc === cur) return ZADD_NOOP;
    zs.entries.splice(i, 1);
    insert(zs, member, sc);
    return ZADD_UPDATED;
  }
  if (flags & ZADD_XX) return ZADD_NOOP;
  if (zs.entries.length + 1 > 128 || member.length > 64) zs.skiplist = true;
  insert(zs, member, sc);
  return ZADD_ADDED;
}

function insert(zs: ModelZset, m: Buffer, sc: number): void {
  if (!zs.skiplist && sc === 0) sc = 0;
  const e = { m, s: sc };
  let i = 0;
  while (i < zs.entries.length && order(zs.entries[i], e) < 0) i++;
  zs.entries.splice(i, 0, e);
}

function sanitize(len: number, start: number, stop: number): [number, number] | null {
  if (start < 0) start += len;
  if (stop < 0) stop += len;
  if (start < 0) start = 0;
  if (start > stop || start >= len) return null;
  return [start, Math.min(stop, len - 1)];
}

function inScore(r: Extract<ZsetRange, { by: "score" }>, sc: number): boolean {
  return (r.minExclusive ? sc > r.min : sc >= r.min) && (r.maxExclusive ? sc < r.max : sc <= r.max);
}

function lexCompare(m: Buffer, bound: LexBound): number {
  if (bound === "-") return 1;
  if (bound === "+") return -1;
  return Buffer.compare(m, Buffer.from(bound.value));
}

function inLex(r: Extract<ZsetRange, { by: "lex" }>, m: Buffer): boolean {
  const lo = lexCompare(m, r.min), hi = lexCompare(m, r.max);
  const minEx = typeof r.min === "string" || r.min.exclusive;
  const maxEx = typeof r.max === "string" || r.max.exclusive;
  return (minEx ? lo > 0 : lo >= 0) && (maxEx ? hi < 0 : hi <= 0);
}

function modelSelect(zs: ModelZset, range: ZsetRange, reverse: boolean, offset: number, count: number): Entry[] {
  const list = reverse ? [...zs.entries].reverse() : zs.entries;
  if (range.by === "rank") {
    const r = sanitize(list.length, range.start, range.stop);
    return r === null ? [] : list.slice(r[0], r[1] + 1);
  }
  if (offset < 0) return [];
  const hit = list.filter((e) => range.by === "score" ? inScore(range, e.s) : inLex(range, e.m));
  return hit.slice(offset, count < 0 ? undefined : offset + count);
}

describe("store: zset randomized against a sorted array", () => {
  for (const seed of [1, 2, 3]) {
    it(`seed ${seed}: 6000 operations`, () => {
      const rnd = seededRandom(seed);
      const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];
      const int = (n: number) => Math.floor(rnd() * n);
      const s = new Store();
      const model = new Map<string, ModelZset>();
      const keys = ["a", "b", "big", "lex"];
      const scores = [0, -0, 1, -1, 2.5, 3, 1e300, -1e-300, Infinity, -Infinity, 7, 7, 42];
      const memberOf = (key: string) => {
        const pool = key === "big" ? 400 : 60;
        const m = rnd() < 0.02 ? "L".repeat(65 + int(5)) : `m${int(pool)}${rnd() < 0.1 ? "\0\xff" : ""}`;
        return Buffer.from(m, "latin1");
      };
      const randomScoreRange = (): ZsetRange => {
        const x = pick(scores), y = pick(scores);
        return {
          by: "score",
          min: Math.min(x, y),
          max: rnd() < 0.1 ? Math.min(x, y) : Math.max(x, y),
          minExclusive: rnd() < 0.3,
          maxExclusive: rnd() < 0.3,
        };
      };
      const lexBound = (): LexBound => {
        const r = rnd();
        if (r < 0.1) return "-";
        if (r < 0.2) return "+";
        return { value: Buffer.from(`m${int(60)}`, "latin1"), exclusive: rnd() < 0.5 };
      };
      const randomRange = (key: string): ZsetRange => {
        const r = rnd();
        if (key === "lex" && r < 0.4) return { by: "lex", min: lexBound(), max: lexBound() };
        if (r < 0.7) return randomScoreRange();
        return { by: "rank", start: int(300) - 150, stop: int(300) - 150 };
      };
      const check = (key: string) => {
        const zs = model.get(key);
        const got = contents(s, key);
        const want = zs === undefined ? [] : zs.entries.map((e) => [e.m.toString("latin1"), e.s]);
        assert.equal(got.length, want.length, key);
        for (let i = 0; i < got.length; i++) {
          assert.equal(got[i][0], want[i][0]);
          assert.ok(Object.is(got[i][1], want[i][1]), `${key}[${i}] ${got[i][1]} vs ${want[i][1]}`);
        }
        if (zs !== undefined) assert.equal(encoding(s, key), zs.skiplist ? "skiplist" : "listpack");
      };
      for (let op = 0; op < 6000; op++) {
        const key = pick(keys);
        const kb = Buffer.from(key);
        const r = rnd();
        if (r < 0.45) {
          const member = memberOf(key);
          const sc = key === "lex" ? 0 : pick(scores);
          let flags = key === "lex"
            ? 0
            : pick([0, 0, 0, ZADD_NX, ZADD_XX, ZADD_GT, ZADD_LT, ZADD_XX | ZADD_GT, ZADD_INCR, ZADD_INCR | ZADD_LT]);
          if (key === "lex") flags = pick([0, ZADD_NX, ZADD_XX]);
          const want = modelAdd(model, key, member, sc, flags);
          if (want < 0) {
            assert.throws(() => s.zsetAdd(0, kb, member, sc, flags), /NaN/);
          } else {
            assert.equal(s.zsetAdd(0, kb, member, sc, flags), want);
          }
        } else if (r < 0.6) {
          const member = memberOf(key);
          const zs = model.get(key);
          const i = zs === undefined ? -1 : zs.entries.findIndex((e) => e.m.equals(member));
          if (i >= 0) zs!.entries.splice(i, 1);
          if (zs !== undefined && zs.entries.length === 0) model.delete(key);
          assert.equal(s.zsetRemove(0, kb, member), i >= 0);
        } else if (r < 0.68) {
          const range = randomRange(key);
          const zs = model.get(key);
          const gone = zs === undefined ? [] : modelSelect(zs, range, false, 0, -1);
          if (zs !== undefined) {
            zs.entries = zs.entries.filter((e) => !gone.includes(e));
            if (zs.entries.length === 0) model.delete(key);
          }
          assert.equal(s.zsetRemoveRange(0, kb, range), gone.length);
        } else if (r < 0.74) {
          const max = rnd() < 0.5;
          const count = pick([0, 1, 1, 2, 5, 1000]);
          const zs = model.get(key);
          const n = zs === undefined ? 0 : Math.min(count, zs.entries.length);
          if (zs !== undefined) {
            if (max) zs.entries.splice(zs.entries.length - n, n);
            else zs.entries.splice(0, n);
            if (zs.entries.length === 0) model.delete(key);
          }
          assert.equal(s.zsetPop(0, kb, max, count), n);
        } else {
          // reads
          const zs = model.get(key);
          s.find(0, key);
          const range = randomRange(key);
          const reverse = rnd() < 0.5;
          const offset = pick([0, 0, 1, 3, -1, 50]);
          const count = pick([-1, -1, 0, 1, 4, 100]);
          const got = s.foundZsetRange(range, reverse, offset, count);
          const want = zs === undefined ? [] : modelSelect(zs, range, reverse, offset, count);
          assert.deepEqual(
            got.members.map((m) => Buffer.from(m).toString("latin1")),
            want.map((e) => e.m.toString("latin1")),
          );
          assert.ok(got.scores.every((sc, i) => Object.is(sc, want[i].s)));
          if (range.by !== "rank") {
            assert.equal(s.foundZsetCount(range), zs === undefined ? 0 : modelSelect(zs, range, false, 0, -1).length);
          }
          if (zs !== undefined) {
            const e = zs.entries[int(zs.entries.length)];
            assert.equal(s.foundZsetRank(e.m, false), zs.entries.indexOf(e));
            assert.ok(Object.is(s.foundZsetScore(e.m), e.s));
            assert.equal(s.foundZsetCard(), zs.entries.length);
          }
        }
        if (op % 50 === 0) check(key);
      }
      for (const key of keys) check(key);
    });
  }
});
