// Unit tests of src/ops/glob.ts (Redis's stringmatchlen): hand cases for every construct and quirk, properties,
// and a cross-check against a real redis-server's KEYS (the same matcher) over thousands of random patterns on a key
// universe with binary bytes (NUL, 0x80, 0xff), brackets, escapes and the empty key.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { compileGlob, globMatch } from "../../src/ops/glob.ts";
import { seededRandom } from "../_support/random.ts";
import { type RedisServer, startRedis } from "../_support/redis_server.ts";

const enc = new TextEncoder();
const b = (s: string | number[]): Uint8Array => typeof s === "string" ? enc.encode(s) : Uint8Array.from(s);
/** Latin-1 bytes: each char code is one byte (so "\xff" is the byte 0xff). */
const raw = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0));

const match = (pattern: string, subject: string, nocase = false): boolean =>
  globMatch(raw(pattern), raw(subject), nocase);

/** [pattern, subject, expected] in Latin-1 byte notation. */
const CASES: [string, string, boolean][] = [
  // literals
  ["", "", true],
  ["", "a", false],
  ["a", "", false],
  ["abc", "abc", true],
  ["abc", "abd", false],
  ["abc", "ab", false],
  ["ab", "abc", false],
  // *
  ["*", "", false], // the loop never runs for an empty subject (KEYS/SCAN special-case the lone "*")
  ["**", "", false],
  ["*", "anything", true],
  ["a*", "a", true],
  ["a*", "abc", true],
  ["a*", "ba", false],
  ["*a", "bca", true],
  ["*a", "ab", false],
  ["a*c", "ac", true],
  ["a*c", "abbbc", true],
  ["a*c", "abbbd", false],
  ["a**c", "abc", true],
  ["*b*", "abc", true],
  ["*b*", "ac", false],
  ["a*b*c", "aXbYc", true],
  ["a*b*c", "aXcYb", false],
  ["*a*a*a*a*b", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", false],
  ["h*llo*", "hello", true],
  ["a*", "a\x00b", true],
  // ?
  ["?", "a", true],
  ["?", "", false],
  ["?", "ab", false],
  ["a?c", "abc", true],
  ["a?c", "ac", false],
  ["??", "\x00\xff", true],
  ["a?*", "a", false],
  ["a*?", "ab", true],
  // classes
  ["[abc]", "b", true],
  ["[abc]", "d", false],
  ["[^abc]", "d", true],
  ["[^abc]", "a", false],
  ["h[ae]llo", "hallo", true],
  ["h[ae]llo", "hillo", false],
  ["h[^e]llo", "hallo", true],
  ["h[^e]llo", "hello", false],
  ["[a-c]", "b", true],
  ["[a-c]", "d", false],
  ["[c-a]", "b", true], // reversed ranges are swapped
  ["[a-c-e]", "-", true], // after the range "a-c", "-" and "e" are single bytes
  ["[a-c-e]", "e", true],
  ["[a-c-e]", "d", false],
  ["[a-]", "]", true], // "a-]" is the range ]..a; the class then runs to the end
  ["[a-]", "a", true],
  ["[a-]", "-", false],
  ["[-a]", "-", true],
  ["[]]", "]", false], // "[]" is an empty class, then a literal "]"
  ["[]]", "]]", false],
  ["[]a]", "a", false],
  ["[\\]]", "]", true], // escaped "]" inside a class
  ["[\\-]", "-", true],
  ["[\\", "\\", true], // a trailing backslash in a class is a plain byte
  ["[a", "a", true], // unterminated: the class ends with the pattern
  ["[a", "b", false],
  ["[ab", "b", true],
  ["[", "x", false],
  ["[^", "x", true], // unterminated empty negated class matches any byte
  ["[^", "", false],
  ["x[", "x", false],
  ["[a-", "a", true],
  ["[a-", "-", true],
  ["[a-b", "b", true],
  ["[\x00]", "\x00", true],
  ["[\x00-\x7f]", "\x80", false], // 0x80 is -128 as a signed char: below \0
  ["[\x80-\xff]", "\x90", true], // -128..-1
  ["[\x80-\xff]", "a", false],
  ["[a-\xff]", "b", false], // 0xff is -1: the range is -1..'a'
  ["[a-\xff]", "\x00", true],
  ["[a-\xff]", "a", true],
  ["[a-\xff]", "\xfe", false],
  // escapes
  ["\\*", "*", true],
  ["\\*", "a", false],
  ["\\?", "?", true],
  ["\\[a]", "[a]", true],
  ["\\\\", "\\", true],
  ["a\\", "a\\", true], // a trailing backslash is itself
  ["\\a", "a", true],
  // nocase
  ["HELLO", "hello", false],
  ["[A-Z]", "q", false],
]; // nocase cases are below

const NOCASE: [string, string, boolean][] = [
  ["HELLO", "hello", true],
  ["hello", "HeLLo", true],
  ["h?LLO", "hello", true],
  ["[A-C]", "b", true],
  ["[a-c]", "B", true],
  ["[Z-a]", "_", false], // bounds are lowered after the swap: 'z'..'a' is empty
  ["[Z-a]", "z", false],
  ["[B]", "b", true],
  ["[^B]", "b", false],
  ["[\\B]", "b", false], // escaped class bytes compare exactly
  ["\\B", "b", true], // an escape outside a class still folds case
  ["@", "`", false], // only A-Z fold
  ["[", "[", false],
  ["\xc4", "\xe4", false], // no folding beyond ASCII
];

describe("globMatch hand cases", () => {
  for (const [pattern, subject, expected] of CASES) {
    test(`${JSON.stringify(pattern)} vs ${JSON.stringify(subject)} -> ${expected}`, () => {
      assert.equal(match(pattern, subject), expected);
      assert.equal(compileGlob(raw(pattern))(raw(subject)), expected);
    });
  }
  for (const [pattern, subject, expected] of NOCASE) {
    test(`nocase ${JSON.stringify(pattern)} vs ${JSON.stringify(subject)} -> ${expected}`, () => {
      assert.equal(match(pattern, subject, true), expected);
      assert.equal(compileGlob(raw(pattern), true)(raw(subject)), expected);
    });
  }
  test("UTF-8 text", () => {
    assert.equal(globMatch(b("žodis:*"), b("žodis:1")), true);
    assert.equal(globMatch(b("?odis"), b("žodis")), false); // "ž" is two bytes
    assert.equal(globMatch(b("??odis"), b("žodis")), true);
  });
  test("a pathological pattern finishes (skipLongerMatches; a backtracking matcher would hang the run)", () => {
    const subject = new Uint8Array(5000).fill(97);
    const pattern = raw("*a".repeat(30) + "b");
    assert.equal(globMatch(pattern, subject), false);
  });
  test("nesting deeper than 1000 stars matches nothing (Redis 7.2+ guard)", () => {
    const subject = new Uint8Array(1500).fill(97);
    assert.equal(globMatch(raw("a*".repeat(900)), subject), true);
    assert.equal(globMatch(raw("a*".repeat(1100)), subject), false);
  });
});

const ALPHABET = ["a", "b", "A", "-", "]", "[", "\\", "^", "\x00", "\x80", "\xff", "z"];
const PATTERN_ALPHABET = [...ALPHABET, "*", "*", "?", "[", "[", "]", "-", "^", "\\"];

function randomString(rand: () => number, alphabet: string[], maxLen: number): string {
  const n = Math.floor(rand() * (maxLen + 1));
  let s = "";
  for (let i = 0; i < n; i++) s += alphabet[Math.floor(rand() * alphabet.length)];
  return s;
}

/** ASCII lower-casing (what nocase folds). */
const lowerAscii = (s: string) => s.replace(/[A-Z]/g, (c) => c.toLowerCase());

describe("globMatch properties", () => {
  test("compileGlob agrees with globMatch", () => {
    const rand = seededRandom(11);
    for (let i = 0; i < 20000; i++) {
      const p = raw(randomString(rand, PATTERN_ALPHABET, 6));
      const s = raw(randomString(rand, ALPHABET, 6));
      const nocase = rand() < 0.3;
      assert.equal(compileGlob(p, nocase)(s), globMatch(p, s, nocase), `${p} ${s} ${nocase}`);
    }
    for (const p of ["", "abc", "ab*", "*", "a", "A*"]) {
      for (const s of ["", "a", "ab", "abc", "abcd", "ABC", "b"]) {
        for (const nocase of [false, true]) {
          assert.equal(compileGlob(raw(p), nocase)(raw(s)), globMatch(raw(p), raw(s), nocase), `${p} ${s}`);
        }
      }
    }
  });
  test("nocase equals matching both lowered, for patterns without ranges", () => {
    const rand = seededRandom(12);
    const alphabet = PATTERN_ALPHABET.filter((c) => c !== "-");
    for (let i = 0; i < 20000; i++) {
      const p = randomString(rand, alphabet, 6);
      const s = randomString(rand, ALPHABET, 6);
      if (p.includes("\\")) continue; // escaped class bytes compare exactly
      assert.equal(match(p, s, true), match(lowerAscii(p), lowerAscii(s)), `${JSON.stringify([p, s])}`);
    }
  });
  test("patterns without special bytes match only themselves", () => {
    const rand = seededRandom(13);
    const plain = ALPHABET.filter((c) => !"[\\".includes(c));
    for (let i = 0; i < 5000; i++) {
      const p = randomString(rand, plain, 5);
      const s = rand() < 0.5 ? p : randomString(rand, plain, 5);
      assert.equal(match(p, s), p === s);
    }
  });
});

describe("globMatch against redis-server KEYS", () => {
  let server: RedisServer;
  const keys: string[] = [];
  before(async () => {
    server = await startRedis();
    const rand = seededRandom(14);
    const universe = new Set<string>(["", ...ALPHABET]);
    for (const [, subject] of [...CASES, ...NOCASE]) universe.add(subject);
    while (universe.size < 600) universe.add(randomString(rand, ALPHABET, 5));
    keys.push(...universe);
    const client = server.client();
    const pipeline = client.pipeline();
    for (const k of keys) pipeline.set(Buffer.from(raw(k)), "1");
    await pipeline.exec();
  });
  after(async () => await server?.stop());

  test("hand patterns and 3000 random patterns select the same keys", async () => {
    const client = server.client();
    const rand = seededRandom(15);
    const patterns = [...CASES, ...NOCASE].map(([p]) => p);
    for (let i = 0; i < 3000; i++) patterns.push(randomString(rand, PATTERN_ALPHABET, 7));
    const subjects = keys.map(raw);
    for (let i = 0; i < patterns.length; i += 200) {
      const batch = patterns.slice(i, i + 200);
      const pipeline = client.pipeline();
      for (const p of batch) pipeline.callBuffer("KEYS", Buffer.from(raw(p)));
      const replies = await pipeline.exec();
      batch.forEach((p, j) => {
        const [error, reply] = replies![j];
        assert.equal(error, null);
        const expected = (reply as Buffer[]).map((k) => k.toString("latin1")).sort();
        const pattern = raw(p);
        // KEYS treats the lone "*" as "everything" (the empty key included); every other pattern goes to the matcher
        const mine = p === "*" ? [...keys] : keys.filter((_, k) => globMatch(pattern, subjects[k]));
        assert.deepEqual(mine.sort(), expected, `pattern ${JSON.stringify(p)}`);
      });
    }
  });
});
