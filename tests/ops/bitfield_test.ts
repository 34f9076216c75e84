// Unit tests of src/ops/bitfield.ts (BITFIELD arithmetic, BytePatch) and src/ops/bitop.ts (BITOP, including
// Redis 8.2's DIFF, DIFF1, ANDOR and ONE, which the installed 7.0 cannot run: checked against their definitions
// and the examples of the Redis documentation).
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import {
  applyBitfieldOp,
  arrayAccess,
  type BitfieldOp,
  BytePatch,
  checkSignedOverflow,
  checkUnsignedOverflow,
  getSignedBits,
  getUnsignedBits,
  OVERFLOW_FAIL,
  OVERFLOW_SAT,
  OVERFLOW_WRAP,
  parseInt64,
  parseShortInt,
  setBits,
} from "../../src/ops/bitfield.ts";
import { bitop, type BitopName, isBitopName } from "../../src/ops/bitop.ts";
import { seededRandom } from "../_support/random.ts";

const enc = new TextEncoder();
const I64_MAX = (1n << 63n) - 1n, I64_MIN = -(1n << 63n);

describe("integer parsing as string2ll", () => {
  test("accepts canonical int64 text only", () => {
    assert.equal(parseInt64(enc.encode("0")), 0n);
    assert.equal(parseInt64(enc.encode("-12")), -12n);
    assert.equal(parseInt64(enc.encode("9223372036854775807")), I64_MAX);
    assert.equal(parseInt64(enc.encode("-9223372036854775808")), I64_MIN);
    for (const bad of ["", "-", "+1", "01", "-0", " 1", "1 ", "1a", "9223372036854775808", "-9223372036854775809"]) {
      assert.equal(parseInt64(enc.encode(bad)), null, JSON.stringify(bad));
    }
    assert.equal(parseShortInt(enc.encode("123456789012345")), 123456789012345);
    assert.equal(parseShortInt(enc.encode("1234567890123456")), null, "16 characters: use parseInt64");
  });
});

describe("bit fields", () => {
  test("read and write MSB first across byte boundaries", () => {
    const bytes = new Uint8Array(3);
    const p = arrayAccess(bytes);
    setBits(p, 5, 6, 0b101101n);
    assert.deepEqual([...bytes], [0b00000101, 0b10100000, 0]);
    assert.equal(getUnsignedBits(p, 5, 6), 0b101101n);
    assert.equal(getSignedBits(p, 5, 6), 0b101101n - 64n);
    setBits(p, 0, 24, -1n);
    assert.deepEqual([...bytes], [255, 255, 255]);
    assert.equal(getSignedBits(p, 0, 24), -1n);
    const wide = new Uint8Array(9);
    setBits(arrayAccess(wide), 3, 64, I64_MIN);
    assert.equal(getSignedBits(arrayAccess(wide), 3, 64), I64_MIN);
    assert.equal(getUnsignedBits(arrayAccess(wide), 3, 1), 1n);
  });

  const op = (kind: "set" | "incrby", type: string, offset: number, value: bigint, policy = OVERFLOW_WRAP) => ({
    kind,
    signed: type[0] === "i",
    bits: Number(type.slice(1)),
    offset,
    value,
    policy,
  } as BitfieldOp);

  test("the documentation's examples", () => {
    // BITFIELD mykey INCRBY i5 100 1 GET u4 0 -> 1, 0
    const first = arrayAccess(new Uint8Array(14));
    assert.deepEqual(applyBitfieldOp(first, op("incrby", "i5", 100, 1n)), { written: true, changed: true });
    assert.equal(getSignedBits(first, 100, 5), 1n);
    assert.equal(getUnsignedBits(first, 0, 4), 0n);
    const p = arrayAccess(new Uint8Array(13));
    // BITFIELD mykey incrby u2 100 1 OVERFLOW SAT incrby u2 102 1, four times: 1 1, 2 2, 3 3, 0 3
    const seen: bigint[][] = [];
    for (let i = 0; i < 4; i++) {
      applyBitfieldOp(p, op("incrby", "u2", 100, 1n));
      applyBitfieldOp(p, op("incrby", "u2", 102, 1n, OVERFLOW_SAT));
      seen.push([getUnsignedBits(p, 100, 2), getUnsignedBits(p, 102, 2)]);
    }
    assert.deepEqual(seen, [[1n, 1n], [2n, 2n], [3n, 3n], [0n, 3n]]);
    // OVERFLOW FAIL: nothing written
    assert.deepEqual(applyBitfieldOp(p, op("incrby", "u2", 102, 1n, OVERFLOW_FAIL)), {
      written: false,
      changed: false,
    });
    assert.equal(getUnsignedBits(p, 102, 2), 3n);
  });

  test("signed overflow: WRAP, SAT, FAIL", () => {
    assert.deepEqual(checkSignedOverflow(127n, 1n, 8, OVERFLOW_WRAP), { overflow: 1, limit: -128n });
    assert.deepEqual(checkSignedOverflow(127n, 1n, 8, OVERFLOW_SAT), { overflow: 1, limit: 127n });
    assert.deepEqual(checkSignedOverflow(-128n, -1n, 8, OVERFLOW_SAT), { overflow: -1, limit: -128n });
    assert.deepEqual(checkSignedOverflow(-128n, -1n, 8, OVERFLOW_WRAP), { overflow: -1, limit: 127n });
    assert.equal(checkSignedOverflow(100n, 27n, 8, OVERFLOW_FAIL).overflow, 0);
    assert.deepEqual(checkSignedOverflow(200n, 0n, 8, OVERFLOW_WRAP), { overflow: 1, limit: -56n }, "SET i8 200");
    assert.deepEqual(checkSignedOverflow(I64_MAX, 1n, 64, OVERFLOW_WRAP), { overflow: 1, limit: I64_MIN });
    assert.deepEqual(checkSignedOverflow(I64_MIN, -1n, 64, OVERFLOW_SAT), { overflow: -1, limit: I64_MIN });
    assert.equal(checkSignedOverflow(I64_MIN, I64_MAX, 64, OVERFLOW_SAT).overflow, 0);
    // C computes maxincr as (uint64)max - value: for a value far below min it wraps negative, so the
    // *upper* branch fires (SET i8 -9223372036854775808 with SAT stores 127, as redis-server does)
    assert.deepEqual(checkSignedOverflow(I64_MIN, 0n, 8, OVERFLOW_SAT), { overflow: 1, limit: 127n });
    assert.deepEqual(checkSignedOverflow(I64_MIN, 0n, 8, OVERFLOW_WRAP), { overflow: 1, limit: 0n });
  });

  test("unsigned overflow: negative SET values are huge uint64", () => {
    assert.deepEqual(checkUnsignedOverflow(255n, 1n, 8, OVERFLOW_WRAP), { overflow: 1, limit: 0n });
    assert.deepEqual(checkUnsignedOverflow(0n, -1n, 8, OVERFLOW_WRAP), { overflow: -1, limit: 255n });
    assert.deepEqual(checkUnsignedOverflow(0n, -1n, 8, OVERFLOW_SAT), { overflow: -1, limit: 0n });
    assert.deepEqual(checkUnsignedOverflow((1n << 64n) - 1n, 0n, 8, OVERFLOW_SAT), { overflow: 1, limit: 255n });
    const bytes = new Uint8Array(1);
    applyBitfieldOp(arrayAccess(bytes), op("set", "u8", 0, -1n, OVERFLOW_SAT));
    assert.equal(bytes[0], 255);
    applyBitfieldOp(arrayAccess(bytes), op("set", "u8", 0, -2n, OVERFLOW_WRAP));
    assert.equal(bytes[0], 254);
    const big = new Uint8Array(8);
    assert.equal(applyBitfieldOp(arrayAccess(big), op("incrby", "u63", 0, I64_MAX)).changed, true);
    assert.equal(getUnsignedBits(arrayAccess(big), 0, 63), I64_MAX);
    assert.equal(applyBitfieldOp(arrayAccess(big), op("incrby", "u63", 0, 1n, OVERFLOW_FAIL)).written, false);
    applyBitfieldOp(arrayAccess(big), op("incrby", "u63", 0, 2n));
    assert.equal(getUnsignedBits(arrayAccess(big), 0, 63), 1n);
  });

  test("SET of the same value is no change", () => {
    const bytes = Uint8Array.of(7);
    assert.deepEqual(applyBitfieldOp(arrayAccess(bytes), op("set", "u8", 0, 7n)), { written: true, changed: false });
  });
});

describe("BytePatch", () => {
  test("reads lazily, writes back only changed or touched bytes as runs", () => {
    const value = Uint8Array.of(1, 2, 3, 4, 5);
    const reads: Array<[number, number]> = [];
    const patch = new BytePatch((start, end) => {
      reads.push([start, end]);
      return value.slice(start, end);
    });
    patch.preload(1, 4);
    assert.equal(patch.get(2), 3);
    patch.set(1, 20);
    patch.set(2, 3); // unchanged
    patch.set(3, 40);
    assert.equal(patch.get(9), 0, "past the end reads 0");
    patch.touch(12);
    assert.deepEqual(reads, [[1, 4], [9, 10], [12, 13]]);
    assert.deepEqual(patch.runs().map((r) => [r.offset, [...r.bytes]]), [[1, [20]], [3, [40]], [12, [0]]]);
    patch.set(2, 30);
    assert.deepEqual(patch.runs().map((r) => [r.offset, [...r.bytes]]), [[1, [20, 30, 40]], [12, [0]]]);
  });
});

describe("BITOP", () => {
  const b = (...bits: string[]) => Uint8Array.from(bits.map((s) => parseInt(s, 2)));

  test("the documentation's example keys A, B, C", () => {
    const A = b("11011000"), B = b("00011001"), C = b("01101100");
    const run = (name: BitopName) => [...bitop(name, [A, B, C])!].map((x) => x.toString(2).padStart(8, "0"));
    assert.deepEqual(run("diff"), ["10000000"]);
    assert.deepEqual(run("diff1"), ["00100101"]);
    assert.deepEqual(run("andor"), ["01011000"]);
    assert.deepEqual(run("one"), ["10100101"]);
    assert.deepEqual(run("and"), ["00001000"]);
    assert.deepEqual(run("or"), ["11111101"]);
    assert.deepEqual(run("xor"), ["10101101"]);
  });

  test("every operation equals its per-bit definition on random strings of different lengths", () => {
    const rnd = seededRandom(5);
    const ops: BitopName[] = ["and", "or", "xor", "not", "diff", "diff1", "andor", "one"];
    for (let round = 0; round < 300; round++) {
      const name = ops[round % ops.length];
      const n = name === "not"
        ? 1
        : name === "diff" || name === "diff1" || name === "andor"
        ? 2 + (round % 3)
        : 1 + (round % 4);
      const sources = Array.from({ length: n }, () => {
        if (rnd() < 0.15) return null;
        return Uint8Array.from({ length: Math.floor(rnd() * 40) }, () => Math.floor(rnd() * 256));
      });
      const maxlen = Math.max(0, ...sources.map((s) => s?.length ?? 0));
      const got = bitop(name, sources);
      if (maxlen === 0) {
        assert.equal(got, null);
        continue;
      }
      const bit = (s: Uint8Array | null, i: number) =>
        s !== null && (i >> 3) < s.length ? (s[i >> 3] >> (7 - (i & 7))) & 1 : 0;
      for (let i = 0; i < maxlen * 8; i++) {
        const v = sources.map((s) => bit(s, i));
        const rest = v.slice(1).some((x) => x === 1) ? 1 : 0;
        const ones = v.filter((x) => x === 1).length;
        const expected = {
          and: v.every((x) => x === 1) ? 1 : 0,
          or: ones > 0 ? 1 : 0,
          xor: ones & 1,
          not: 1 - v[0],
          diff: v[0] & (1 - rest),
          diff1: (1 - v[0]) & rest,
          andor: v[0] & rest,
          one: ones === 1 ? 1 : 0,
        }[name];
        assert.equal(bit(got!, i), expected, `${name} bit ${i}`);
      }
      assert.equal(got!.length, maxlen);
    }
  });

  test("names", () => {
    assert.ok(isBitopName("diff1"));
    assert.ok(!isBitopName("nand"));
  });
});
