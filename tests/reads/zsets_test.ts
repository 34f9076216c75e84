// Sorted-set reads (src/reads/zsets.ts) against a real primary: seeded random sorted sets of both encodings
// (listpack and skiplist, asserted with OBJECT ENCODING), tied scores, ±inf, binary members; every read is
// compared with the same command on the primary over many random argument combinations, including Redis's
// error replies. Random picks and scans are checked by their properties.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import type { ScoredMember } from "../../src/reads/zsets.ts";
import { seededRandom } from "../_support/random.ts";
import { type Oracle, startOracle } from "./_oracle.ts";
import { mirrorCall, sameOutcome } from "../_support/outcomes.ts";

const random = seededRandom(0x25e7);
const int = (n: number) => Math.floor(random() * n);
const pick = <T>(items: readonly T[]): T => items[int(items.length)];

/** The mirror's clock: real time plus an offset the expiry test moves. */
let clockOffset = 0;
let o: Oracle;

/** Redis's score text → number ("inf", "-inf" included). */
function parseScore(text: string): number {
  if (text === "inf" || text === "+inf") return Infinity;
  if (text === "-inf") return -Infinity;
  return Number(text);
}

/** A score as argument text for the primary. */
function scoreText(score: number): string {
  if (score === Infinity) return "+inf";
  if (score === -Infinity) return "-inf";
  return String(score);
}

/** -0 and 0 compare equal (the reply text of a score is all that is compared). */
const norm = (score: number | null) => score === 0 ? 0 : score;

function pairs(flat: string[]): ScoredMember[] {
  const out: ScoredMember[] = [];
  for (let i = 0; i < flat.length; i += 2) out.push({ member: flat[i], score: norm(parseScore(flat[i + 1]))! });
  return out;
}

function normScored(items: ScoredMember[]): ScoredMember[] {
  return items.map((item) => ({ member: item.member, score: norm(item.score)! }));
}

const SCORE_POOL = [0, 1, 2, 3, -1, -2, 1.5, -1.5, 3.14159, 1e300, -1e-300, 0.1, Infinity, -Infinity, 42];

function randomScore(): number {
  const r = random();
  if (r < 0.5) return pick(SCORE_POOL);
  if (r < 0.8) return int(21) - 10;
  return Math.round((random() - 0.5) * 1e6) / 1000;
}

const ALPHABET = "abcdefghijklmnopqrstuvwxyz";
const EXTRA = ["ž", "雪", "é", "0", "10", "-5", " "];

function randomMember(maxLength = 8): string {
  if (random() < 0.05) return pick(EXTRA) + int(100);
  let s = "";
  const n = 1 + int(maxLength);
  for (let i = 0; i < n; i++) s += ALPHABET[int(random() < 0.5 ? 4 : 26)];
  return s;
}

/** Keys written in before(): name → members (the model is the primary itself). */
const zsetKeys: string[] = [];
const lexKeys: string[] = [];

async function writeZset(key: string, size: number, scores: () => number, memberLength = 8): Promise<void> {
  const args: string[] = [];
  for (let i = 0; i < size; i++) args.push(scoreText(scores()), randomMember(memberLength));
  for (let i = 0; i < args.length; i += 2000) await o.redis.call("zadd", key, ...args.slice(i, i + 2000));
}

before(async () => {
  o = await startOracle({ clock: () => Date.now() + clockOffset });
  for (let i = 0; i < 6; i++) {
    await writeZset(`small:${i}`, 1 + int(100), randomScore);
    zsetKeys.push(`small:${i}`);
  }
  for (let i = 0; i < 3; i++) {
    await writeZset(`big:${i}`, 200 + int(1500), randomScore);
    zsetKeys.push(`big:${i}`);
  }
  // a small zset with a long member: a skiplist below 128 members
  await writeZset("long", 20, randomScore);
  await o.redis.zadd("long", 5, "x".repeat(100));
  zsetKeys.push("long");
  // equal scores: lex ordering
  await writeZset("lex:small", 60, () => 0, 4);
  await writeZset("lex:big", 900, () => 0, 5);
  lexKeys.push("lex:small", "lex:big");
  zsetKeys.push(...lexKeys);
  // binary members (NUL, invalid UTF-8)
  await o.redis.zadd(
    Buffer.from("bin"),
    1,
    Buffer.from([0x61, 0, 0x62]),
    1,
    Buffer.from([0xff, 0xfe]),
    2,
    Buffer.from([0]),
    -1,
    Buffer.from("plain"),
  );
  // other types
  await o.redis.set("str", "v");
  await o.redis.sadd("set:a", ...Array.from({ length: 40 }, () => randomMember()));
  await o.redis.sadd("set:int", 1, 2, 3, 5, 8, 13);
  await o.redis.sadd("set:big", ...Array.from({ length: 300 }, () => randomMember()));
  await o.redis.rpush("list", "a");
  await o.sync();
});

after(async () => {
  await o?.stop();
});

/** Runs the same read on the primary: its reply, or its error. */
async function redis(...args: (string | number | Buffer)[]): Promise<unknown> {
  try {
    return await o.redis.call(String(args[0]), ...args.slice(1));
  } catch (error) {
    return error;
  }
}

function randomScoreBound(scores: number[]): { arg: number | string; text: string } {
  const r = random();
  if (r < 0.35 && scores.length > 0) {
    const s = pick(scores);
    return random() < 0.5 ? { arg: s, text: scoreText(s) } : { arg: `(${scoreText(s)}`, text: `(${scoreText(s)}` };
  }
  if (r < 0.5) {
    const t = pick(["-inf", "+inf", "inf", "(-inf", "(+inf", "(1", "(0", "-0", "1e1", "(2.5"]);
    return { arg: t, text: t };
  }
  const v = int(25) - 12 + (random() < 0.3 ? 0.5 : 0);
  return { arg: v, text: scoreText(v) };
}

function randomLexBound(members: string[]): string {
  const r = random();
  if (r < 0.15) return "-";
  if (r < 0.3) return "+";
  const body = r < 0.7 && members.length > 0 ? pick(members) : randomMember(3);
  return (random() < 0.5 ? "[" : "(") + body;
}

async function zsetOf(key: string): Promise<{ members: string[]; scores: number[] }> {
  const flat = await o.redis.call("zrange", key, 0, -1, "WITHSCORES") as string[];
  const members: string[] = [], scores: number[] = [];
  for (let i = 0; i < flat.length; i += 2) {
    members.push(flat[i]);
    scores.push(parseScore(flat[i + 1]));
  }
  return { members, scores };
}

describe("sorted-set reads against the primary", () => {
  it("covers both encodings", async () => {
    const encodings = new Set<string>();
    for (const key of zsetKeys) encodings.add(await o.redis.object("ENCODING", key) as string);
    assert.deepEqual([...encodings].sort(), ["listpack", "skiplist"]);
  });

  it("zscore, zmscore, zcard, zrank, zrevrank", async () => {
    for (const key of [...zsetKeys, "missing"]) {
      const { members } = await zsetOf(key);
      assert.equal(o.mirror.zcard(key), await o.redis.zcard(key));
      for (let i = 0; i < 40; i++) {
        const member = members.length > 0 && random() < 0.8 ? pick(members) : randomMember();
        const score = await o.redis.zscore(key, member);
        assert.equal(norm(o.mirror.zscore(key, member)), score === null ? null : norm(parseScore(score)), member);
        const rank = await o.redis.zrank(key, member);
        assert.equal(o.mirror.zrank(key, member), rank, `zrank ${key} ${member}`);
        const revrank = await o.redis.zrevrank(key, member);
        assert.equal(o.mirror.zrevrank(key, member), revrank);
        const withScore = o.mirror.zrank(key, member, { withScore: true });
        assert.deepEqual(
          withScore === null ? null : { rank: withScore.rank, score: norm(withScore.score) },
          rank === null ? null : { rank, score: norm(parseScore(score!)) },
        );
        const revWithScore = o.mirror.zrevrank(key, member, { withScore: true });
        assert.equal(revWithScore?.rank ?? null, revrank);
      }
      const asked = Array.from({ length: 1 + int(6) }, () => random() < 0.6 && members.length ? pick(members) : "nope");
      const scores = await o.redis.call("zmscore", key, ...asked) as (string | null)[];
      assert.deepEqual(
        o.mirror.zmscore(key, ...asked).map(norm),
        scores.map((s) => s === null ? null : norm(parseScore(s))),
        `zmscore ${key} ${asked}`,
      );
    }
  });

  it("zcount and zlexcount", async () => {
    for (const key of [...zsetKeys, "missing"]) {
      const { members, scores } = await zsetOf(key);
      for (let i = 0; i < 60; i++) {
        const min = randomScoreBound(scores), max = randomScoreBound(scores);
        const theirs = await redis("zcount", key, min.text, max.text);
        const mine = mirrorCall(() => o.mirror.zcount(key, min.arg, max.arg));
        if (sameOutcome(mine, theirs, `zcount ${key} ${min.text} ${max.text}`)) assert.equal(mine, theirs);
        // lex ranges over mixed scores are meaningful on listpacks only (a skiplist's answer depends on node levels)
        if (!lexKeys.includes(key) && !key.startsWith("small")) continue;
        const lo = randomLexBound(members), hi = randomLexBound(members);
        const lexTheirs = await redis("zlexcount", key, lo, hi);
        const lexMine = mirrorCall(() => o.mirror.zlexcount(key, lo, hi));
        if (sameOutcome(lexMine, lexTheirs, `zlexcount ${key} ${lo} ${hi}`)) {
          assert.equal(lexMine, lexTheirs, `zlexcount ${key} ${lo} ${hi}`);
        }
      }
    }
  });

  it("reads score bounds as Redis does, text or bytes", async () => {
    const texts = [
      "1.5",
      "(1e1",
      ".5",
      "5.",
      "+3",
      "-0",
      "(-0",
      "1e400",
      "-1e400",
      "1e-400",
      "(inf",
      "-inf",
      "+inf",
      "inf",
      "INF",
      "-Infinity",
      "(+inf",
      " 1",
      "0x10",
      "",
      "(",
      "1e",
      "nan",
      "(nan",
      "1.5x",
      "((1",
      "1 ",
      "00.100",
      "1E2",
      "-.5e-1",
      "2\u00003",
    ];
    for (const key of ["small:0", "big:0"]) {
      for (const min of texts) {
        for (const max of ["+inf", "(3", "1e1"]) {
          const what = `zcount ${key} ${JSON.stringify(min)} ${max}`;
          const theirs = await redis("zcount", key, min, max);
          const mine = mirrorCall(() => o.mirror.zcount(key, min, max));
          if (sameOutcome(mine, theirs, what)) assert.equal(mine, theirs, what);
          const bytes = mirrorCall(() => o.mirror.zcount(key, new TextEncoder().encode(min), max));
          if (sameOutcome(bytes, theirs, `${what} as bytes`)) assert.equal(bytes, theirs, `${what} as bytes`);
          const reversed = await redis("zcount", key, max, min);
          const reversedMine = mirrorCall(() => o.mirror.zcount(key, max, min));
          if (sameOutcome(reversedMine, reversed, what)) assert.equal(reversedMine, reversed, what);
        }
      }
    }
  });

  it("zrange by rank, zrevrange", async () => {
    for (const key of [...zsetKeys, "missing"]) {
      const n = await o.redis.zcard(key);
      for (let i = 0; i < 50; i++) {
        const start = int(2 * n + 8) - n - 4, stop = int(2 * n + 8) - n - 4;
        const rev = random() < 0.4, withScores = random() < 0.5;
        const args = ["zrange", key, start, stop, ...(rev ? ["REV"] : []), ...(withScores ? ["WITHSCORES"] : [])];
        const theirs = await redis(...args);
        const mine = o.mirror.zrange(key, start, stop, { rev, withScores });
        if (withScores) assert.deepEqual(normScored(mine as ScoredMember[]), pairs(theirs as string[]), `${args}`);
        else assert.deepEqual(mine, theirs, `${args}`);
        const revTheirs = await redis("zrevrange", key, start, stop, "WITHSCORES");
        assert.deepEqual(
          normScored(o.mirror.zrevrange(key, start, stop, { withScores: true })),
          pairs(revTheirs as string[]),
        );
        assert.deepEqual(o.mirror.zrevrange(key, start, stop), await redis("zrevrange", key, start, stop));
        // by rank, LIMIT is accepted (and ignored) only with a count of -1
        const offset = int(5);
        assert.deepEqual(
          o.mirror.zrange(key, start, stop, { rev, limit: { offset, count: -1 } }),
          await redis("zrange", key, start, stop, ...(rev ? ["REV"] : []), "LIMIT", offset, -1),
        );
      }
    }
  });

  it("zrange by score and the classic score forms", async () => {
    for (const key of [...zsetKeys, "missing"]) {
      const { scores } = await zsetOf(key);
      const n = scores.length;
      for (let i = 0; i < 60; i++) {
        const a = randomScoreBound(scores), b = randomScoreBound(scores);
        const rev = random() < 0.4, withScores = random() < 0.5;
        const limit = random() < 0.5 ? { offset: int(n + 4) - 1, count: int(n + 4) - 2 } : undefined;
        const flags = [
          ...(rev ? ["REV"] : []),
          ...(limit ? ["LIMIT", limit.offset, limit.count] : []),
          ...(withScores ? ["WITHSCORES"] : []),
        ];
        const what = `zrange ${key} ${a.text} ${b.text} BYSCORE ${flags.join(" ")}`;
        const theirs = await redis("zrange", key, a.text, b.text, "BYSCORE", ...flags);
        const mine = mirrorCall(() => o.mirror.zrange(key, a.arg, b.arg, { by: "score", rev, limit, withScores }));
        if (sameOutcome(mine, theirs, what)) {
          if (withScores) assert.deepEqual(normScored(mine as ScoredMember[]), pairs(theirs as string[]), what);
          else assert.deepEqual(mine, theirs, what);
        }
        // the classic forms take the same bounds (reversed: high bound first)
        const classic = rev ? "zrevrangebyscore" : "zrangebyscore";
        const classicFlags = [
          ...(limit ? ["LIMIT", limit.offset, limit.count] : []),
          ...(withScores ? ["WITHSCORES"] : []),
        ];
        const classicTheirs = await redis(classic, key, a.text, b.text, ...classicFlags);
        const classicMine = mirrorCall(() =>
          rev
            ? o.mirror.zrevrangebyscore(key, a.arg, b.arg, { limit, withScores })
            : o.mirror.zrangebyscore(key, a.arg, b.arg, { limit, withScores })
        );
        if (sameOutcome(classicMine, classicTheirs, `${classic} ${what}`)) {
          if (withScores) assert.deepEqual(normScored(classicMine as ScoredMember[]), pairs(classicTheirs as string[]));
          else assert.deepEqual(classicMine, classicTheirs);
        }
      }
    }
  });

  it("zrange by lex and the classic lex forms", async () => {
    for (const key of [...lexKeys, "small:0", "missing"]) {
      const { members } = await zsetOf(key);
      const n = members.length;
      for (let i = 0; i < 120; i++) {
        const a = randomLexBound(members), b = randomLexBound(members);
        const rev = random() < 0.4;
        const limit = random() < 0.5 ? { offset: int(n + 4) - 1, count: int(n + 4) - 2 } : undefined;
        const limitArgs = limit ? ["LIMIT", limit.offset, limit.count] : [];
        const what = `zrange ${key} ${a} ${b} BYLEX ${rev ? "REV" : ""} ${limitArgs}`;
        const theirs = await redis("zrange", key, a, b, "BYLEX", ...(rev ? ["REV"] : []), ...limitArgs);
        const mine = mirrorCall(() => o.mirror.zrange(key, a, b, { by: "lex", rev, limit }));
        if (sameOutcome(mine, theirs, what)) assert.deepEqual(mine, theirs, what);
        const classic = rev ? "zrevrangebylex" : "zrangebylex";
        const classicTheirs = await redis(classic, key, a, b, ...limitArgs);
        const classicMine = mirrorCall(() =>
          rev ? o.mirror.zrevrangebylex(key, a, b, { limit }) : o.mirror.zrangebylex(key, a, b, { limit })
        );
        if (sameOutcome(classicMine, classicTheirs, `${classic} ${what}`)) {
          assert.deepEqual(classicMine, classicTheirs);
        }
      }
    }
  });

  it("binary members through the bytes reader", async () => {
    const theirs = await o.redis.callBuffer("zrange", "bin", 0, -1, "WITHSCORES") as Buffer[];
    const mine = o.mirror.asBytes.zrange("bin", 0, -1, { withScores: true });
    assert.deepEqual(
      mine.map((m) => [Buffer.from(m.member).toString("hex"), m.score]),
      Array.from({ length: theirs.length / 2 }, (_, i) => [theirs[2 * i].toString("hex"), Number(theirs[2 * i + 1])]),
    );
    assert.equal(o.mirror.asBytes.zscore("bin", new Uint8Array([0x61, 0, 0x62])), 1);
    assert.equal(o.mirror.zrank("bin", new Uint8Array([0xff, 0xfe])), 2);
    assert.deepEqual(
      o.mirror.asBytes.zrangebylex("bin", new Uint8Array([0x5b, 0]), "+").map((m) => Buffer.from(m).toString("hex")),
      (await o.redis.callBuffer("zrangebylex", "bin", Buffer.from([0x5b, 0]), "+") as Buffer[]).map((b) =>
        b.toString("hex")
      ),
    );
    assert.ok(o.mirror.asBytes.zrange("bin", 0, 0)[0] instanceof Uint8Array);
  });

  it("replies Redis's errors for invalid arguments", async () => {
    const cases: [() => unknown, (string | number)[]][] = [
      [() => o.mirror.zrange("small:0", 0, -1, { limit: { offset: 0, count: 2 } }), [
        "zrange",
        "small:0",
        0,
        -1,
        "LIMIT",
        0,
        2,
      ]],
      [() => o.mirror.zrange("small:0", "[a", "+", { by: "lex", withScores: true }), [
        "zrange",
        "small:0",
        "[a",
        "+",
        "BYLEX",
        "WITHSCORES",
      ]],
      [() => o.mirror.zrange("small:0", "a", "+", { by: "lex" }), ["zrange", "small:0", "a", "+", "BYLEX"]],
      [() => o.mirror.zrange("small:0", "x", 1, { by: "score" }), ["zrange", "small:0", "x", 1, "BYSCORE"]],
      [() => o.mirror.zrange("small:0", NaN, 1, { by: "score" }), ["zrange", "small:0", "nan", 1, "BYSCORE"]],
      [() => o.mirror.zrange("small:0", 0.5, 1), ["zrange", "small:0", "0.5", 1]],
      [() => o.mirror.zrange("missing", "((1", 1, { by: "score" }), ["zrange", "missing", "((1", 1, "BYSCORE"]],
      [() => o.mirror.zcount("small:0", "(", "x"), ["zcount", "small:0", "(", "x"]],
      [() => o.mirror.zlexcount("small:0", "-", "b"), ["zlexcount", "small:0", "-", "b"]],
      [() => o.mirror.zrangebylex("small:0", "+a", "-"), ["zrangebylex", "small:0", "+a", "-"]],
      [() => o.mirror.zunion([]), ["zunion", 0, "small:0"]],
      [() => o.mirror.zinter([]), ["zinter", 0, "small:0"]],
      [() => o.mirror.zdiff([]), ["zdiff", 0, "small:0"]],
      [() => o.mirror.zintercard([]), ["zintercard", 0, "small:0"]],
      [() => o.mirror.zintercard(["small:0"], { limit: -1 }), ["zintercard", 1, "small:0", "LIMIT", -1]],
      [() => o.mirror.zunion(["small:0", "small:1"], { weights: [1] }), [
        "zunion",
        2,
        "small:0",
        "small:1",
        "WEIGHTS",
        1,
      ]],
      [() => o.mirror.zunion(["small:0"], { weights: [NaN] }), ["zunion", 1, "small:0", "WEIGHTS", "nan"]],
      [() => o.mirror.zunion(["small:0"], { aggregate: "avg" as "sum" }), ["zunion", 1, "small:0", "AGGREGATE", "avg"]],
      [() => o.mirror.zscan("small:0", 0, { count: 0 }), ["zscan", "small:0", 0, "COUNT", 0]],
      [() => o.mirror.zscan("small:0", 1.5), ["zscan", "small:0", "1.5"]],
      [() => o.mirror.zscan("str", 0, { count: 0 }), ["zscan", "str", 0, "COUNT", 0]],
      [() => o.mirror.zmscore("small:0"), ["zmscore", "small:0"]],
      [() => o.mirror.zrandmember("small:0", 1.5), ["zrandmember", "small:0", "1.5"]],
    ];
    for (const [mine, args] of cases) {
      const theirs = await redis(...args);
      assert.ok(theirs instanceof Error, `${args} errs on the primary`);
      sameOutcome(mirrorCall(mine), theirs, args.join(" "));
    }
  });

  it("wrong types throw WrongTypeError, missing keys give Redis's empty replies", async () => {
    const reads: [() => unknown, (string | number)[]][] = [
      [() => o.mirror.zscore("str", "a"), ["zscore", "str", "a"]],
      [() => o.mirror.zmscore("str", "a"), ["zmscore", "str", "a"]],
      [() => o.mirror.zcard("list"), ["zcard", "list"]],
      [() => o.mirror.zrank("str", "a"), ["zrank", "str", "a"]],
      [() => o.mirror.zrevrank("str", "a"), ["zrevrank", "str", "a"]],
      [() => o.mirror.zcount("str", 0, 1), ["zcount", "str", 0, 1]],
      [() => o.mirror.zlexcount("str", "-", "+"), ["zlexcount", "str", "-", "+"]],
      [() => o.mirror.zrange("str", 0, -1), ["zrange", "str", 0, -1]],
      [() => o.mirror.zrangebyscore("str", 0, 1), ["zrangebyscore", "str", 0, 1]],
      [() => o.mirror.zrangebylex("str", "-", "+"), ["zrangebylex", "str", "-", "+"]],
      [() => o.mirror.zrandmember("str"), ["zrandmember", "str"]],
      [() => o.mirror.zrandmember("str", 2), ["zrandmember", "str", 2]],
      [() => o.mirror.zunion(["small:0", "str"]), ["zunion", 2, "small:0", "str"]],
      [() => o.mirror.zinter(["missing", "list"]), ["zinter", 2, "missing", "list"]],
      [() => o.mirror.zdiff(["small:0", "str"]), ["zdiff", 2, "small:0", "str"]],
      [() => o.mirror.zintercard(["str"]), ["zintercard", 1, "str"]],
      [() => o.mirror.zscan("str", 0), ["zscan", "str", 0]],
      [() => o.mirror.zfirst("str"), ["zrange", "str", 0, 0]],
      [() => o.mirror.znext("str", 0, "a"), ["zrange", "str", 0, 0]],
    ];
    for (const [mine, args] of reads) sameOutcome(mirrorCall(mine), await redis(...args), args.join(" "));
    assert.equal(o.mirror.zscore("missing", "a"), null);
    assert.deepEqual(o.mirror.zmscore("missing", "a", "b"), [null, null]);
    assert.equal(o.mirror.zrank("missing", "a", { withScore: true }), null);
    assert.deepEqual(o.mirror.zrange("missing", 0, -1, { withScores: true }), []);
    assert.equal(o.mirror.zrandmember("missing"), null);
    assert.deepEqual(o.mirror.zrandmember("missing", 5), []);
    assert.deepEqual(o.mirror.zscan("missing", 0), { cursor: 0, items: [] });
    // a missing key answers before the options are read
    assert.deepEqual(await o.redis.call("zscan", "missing", 0, "COUNT", 0), ["0", []]);
    assert.deepEqual(o.mirror.zscan("missing", 0, { count: 0 }), { cursor: 0, items: [] });
    assert.deepEqual(o.mirror.zfirst("missing", 3), []);
    assert.deepEqual(o.mirror.zprev("missing", 0, "a", 3), []);
  });

  it("zunion, zinter, zdiff, zintercard with weights, aggregates, sets and missing keys", async () => {
    const sources = [...zsetKeys.filter((k) => !k.startsWith("lex")), "set:a", "set:int", "set:big", "missing"];
    const weightPool = [1, 2, 0, -1, 0.5, 3.5, Infinity, -Infinity];
    let overlapping = 0; // intersections of several keys that were not empty
    for (let i = 0; i < 150; i++) {
      const keys = Array.from({ length: 1 + int(4) }, () => pick(sources));
      // overlapping members: the small sets share their alphabet
      const weights = random() < 0.5 ? keys.map(() => pick(weightPool)) : undefined;
      const aggregate = random() < 0.5 ? pick(["sum", "min", "max"] as const) : undefined;
      const withScores = random() < 0.6;
      const options = [
        ...(weights ? ["WEIGHTS", ...weights.map(scoreText)] : []),
        ...(aggregate ? ["AGGREGATE", aggregate] : []),
        ...(withScores ? ["WITHSCORES"] : []),
      ];
      for (const op of ["zunion", "zinter"] as const) {
        const what = `${op} ${keys} ${options}`;
        const theirs = await redis(op, keys.length, ...keys, ...options);
        const mine = o.mirror[op](keys, { weights, aggregate, withScores });
        if (withScores) assert.deepEqual(normScored(mine as ScoredMember[]), pairs(theirs as string[]), what);
        else assert.deepEqual(mine, theirs, what);
        if (op === "zinter" && keys.length > 1 && (theirs as string[]).length > 0) overlapping++;
      }
      const diffTheirs = await redis("zdiff", keys.length, ...keys, ...(withScores ? ["WITHSCORES"] : []));
      const diffMine = o.mirror.zdiff(keys, { withScores });
      if (withScores) assert.deepEqual(normScored(diffMine as ScoredMember[]), pairs(diffTheirs as string[]));
      else assert.deepEqual(diffMine, diffTheirs, `zdiff ${keys}`);
      const limit = random() < 0.5 ? int(20) : undefined;
      const cardTheirs = await redis(
        "zintercard",
        keys.length,
        ...keys,
        ...(limit === undefined ? [] : ["LIMIT", limit]),
      );
      assert.equal(o.mirror.zintercard(keys, { limit }), cardTheirs, `zintercard ${keys} ${limit}`);
    }
    assert.ok(overlapping > 20, `non-empty intersections: ${overlapping}`);
    // the same key twice, and a key intersected with itself
    assert.deepEqual(
      o.mirror.zinter(["small:1", "small:1"], { withScores: true }).map((m) => m.score),
      pairs(await o.redis.call("zinter", 2, "small:1", "small:1", "WITHSCORES") as string[]).map((m) => m.score),
    );
  });

  it("zrandmember: counts, distinctness, repetition, scores", async () => {
    for (const key of zsetKeys) {
      const { members, scores } = await zsetOf(key);
      const scoreOf = new Map(members.map((m, i) => [m, norm(scores[i])]));
      const one = o.mirror.zrandmember(key);
      assert.ok(one !== null && scoreOf.has(one));
      for (const count of [1, 3, members.length - 1, members.length, members.length + 5, 1000]) {
        if (count < 1) continue;
        const picked = o.mirror.zrandmember(key, count);
        assert.equal(picked.length, Math.min(count, members.length), `${key} ${count}`);
        assert.equal(new Set(picked).size, picked.length, "distinct");
        for (const m of picked) assert.ok(scoreOf.has(m));
      }
      const repeated = o.mirror.zrandmember(key, -(members.length * 3 + 2), { withScores: true });
      assert.equal(repeated.length, members.length * 3 + 2);
      for (const { member, score } of repeated) assert.equal(norm(score), scoreOf.get(member));
      if (members.length > 2) {
        assert.ok(new Set(repeated.map((m) => m.member)).size < repeated.length, "negative counts repeat");
      }
      assert.deepEqual(o.mirror.zrandmember(key, 0), []);
      const scored = o.mirror.zrandmember(key, 5, { withScores: true });
      for (const { member, score } of scored) assert.equal(norm(score), scoreOf.get(member));
    }
  });

  it("zscan covers every member, with MATCH and COUNT", async () => {
    for (const key of zsetKeys) {
      const { members, scores } = await zsetOf(key);
      const expected = new Map(members.map((m, i) => [m, norm(scores[i])]));
      for (
        const [match, count] of [[undefined, undefined], ["a*", 5], ["*b?", 100], ["*", 1], ["[a-c]*", 20]] as const
      ) {
        const seen = new Map<string, number>();
        let cursor = 0;
        let steps = 0;
        do {
          const step = o.mirror.zscan(key, cursor, { match, count });
          for (const { member, score } of step.items) seen.set(member, norm(score)!);
          cursor = step.cursor;
          assert.ok(++steps < 100_000);
        } while (cursor !== 0);
        // the primary's own full scan with the same MATCH, as the reference set
        const theirs = new Map<string, number>();
        let theirCursor = "0";
        do {
          const [next, flat] = await o.redis.call(
            "zscan",
            key,
            theirCursor,
            ...(match ? ["MATCH", match] : []),
            "COUNT",
            100,
          ) as [string, string[]];
          for (const item of pairs(flat)) theirs.set(item.member, item.score);
          theirCursor = next;
        } while (theirCursor !== "0");
        assert.deepEqual(new Map([...seen].sort()), new Map([...theirs].sort()), `zscan ${key} ${match} ${count}`);
        if (match === undefined) assert.equal(seen.size, expected.size);
      }
    }
  });

  it("zfirst, zlast, znext, zprev follow (score, member) order", async () => {
    for (const key of zsetKeys) {
      const { members, scores } = await zsetOf(key);
      const all = members.map((member, i) => ({ member, score: norm(scores[i])! }));
      const n = all.length;
      for (const count of [1, 2, 7, n, n + 3]) {
        assert.deepEqual(normScored(o.mirror.zfirst(key, count)), all.slice(0, count), `zfirst ${key} ${count}`);
        assert.deepEqual(normScored(o.mirror.zlast(key, count)), all.slice(-count).reverse(), `zlast ${key} ${count}`);
      }
      assert.deepEqual(normScored(o.mirror.zfirst(key)), all.slice(0, 1));
      for (let i = 0; i < 40; i++) {
        const count = 1 + int(12);
        let anchor: ScoredMember;
        if (random() < 0.6) anchor = pick(all);
        else anchor = { member: randomMember(), score: random() < 0.5 ? pick(all).score : randomScore() };
        // the model: position of the anchor in (score, member byte) order
        const cmp = (a: ScoredMember, b: ScoredMember) =>
          a.score - b.score || Buffer.compare(Buffer.from(a.member), Buffer.from(b.member));
        const afterAnchor = all.filter((m) => cmp(m, anchor) > 0);
        const beforeAnchor = all.filter((m) => cmp(m, anchor) < 0).reverse();
        assert.deepEqual(
          normScored(o.mirror.znext(key, anchor.score, anchor.member, count)),
          afterAnchor.slice(0, count),
          `znext ${key} ${anchor.score} ${anchor.member}`,
        );
        assert.deepEqual(
          normScored(o.mirror.zprev(key, anchor.score, anchor.member, count)),
          beforeAnchor.slice(0, count),
          `zprev ${key} ${anchor.score} ${anchor.member}`,
        );
      }
      // paging through the whole set
      const paged: ScoredMember[] = [];
      let page = o.mirror.zfirst(key, 7);
      while (page.length > 0) {
        paged.push(...page);
        const last = page[page.length - 1];
        page = o.mirror.znext(key, last.score, last.member, 7);
      }
      assert.deepEqual(normScored(paged), all);
    }
  });

  it("through read transactions and Lua scripts (argument kinds)", async () => {
    const key = "small:2";
    const all = await zsetOf(key);
    const outcomes = o.mirror.readTx([
      ["zscore", key, all.members[0]],
      ["zrange", key, "-inf", "+inf", { by: "score", withScores: true }],
      ["zrange", key, "-", "+", { by: "lex", limit: { offset: 0, count: 3 } }],
      ["zrangebylex", key, "-", "+"],
      ["zcount", key, "(0", 10],
      ["zrevrange", key, 0, 1],
      ["znext", key, all.scores[0], all.members[0], 2],
      ["zrandmember", key, 2],
      ["zscan", key, 0, { count: 1000 }],
    ]);
    for (const outcome of outcomes) assert.ok(outcome.ok, String(!outcome.ok && outcome.error));
    assert.equal(norm(outcomes[0].ok ? outcomes[0].value : NaN), norm(all.scores[0]));
    assert.deepEqual(
      await o.mirror.eval("return ts.zrange(KEYS[1], 0, 2)", { keys: [key] }),
      all.members.slice(0, 3),
    );
    assert.deepEqual(
      await o.mirror.eval("return ts.zrangebyscore(KEYS[1], '-inf', '+inf', { limit = { offset = 1, count = 2 } })", {
        keys: [key],
      }),
      all.members.slice(1, 3),
    );
  });

  it("hides a sorted set whose TTL passed", async () => {
    await o.redis.zadd("ttl", 1, "a", 2, "b");
    await o.redis.pexpire("ttl", 60_000);
    await o.sync();
    assert.equal(o.mirror.zcard("ttl"), 2);
    clockOffset = 120_000;
    try {
      assert.equal(o.mirror.zcard("ttl"), 0);
      assert.equal(o.mirror.zscore("ttl", "a"), null);
      assert.deepEqual(o.mirror.zrange("ttl", 0, -1), []);
      assert.deepEqual(o.mirror.zunion(["ttl", "missing"]), []);
      assert.deepEqual(o.mirror.zfirst("ttl"), []);
    } finally {
      clockOffset = 0;
    }
  });
});
