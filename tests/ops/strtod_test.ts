// Unit tests of src/ops/strtod.ts: glibc strtod as SORT's numeric weights use it.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { binaryToDouble, redisDouble, sortScore, strtod } from "../../src/ops/strtod.ts";

const te = new TextEncoder();
const b = (s: string) => te.encode(s);

describe("ops/strtod", () => {
  it("decimal forms, white space, signs", () => {
    assert.equal(sortScore(b("12")), 12);
    assert.equal(sortScore(b("-1.5")), -1.5);
    assert.equal(sortScore(b("+7")), 7);
    assert.equal(sortScore(b("  \t\n3")), 3);
    assert.equal(sortScore(b(".5")), 0.5);
    assert.equal(sortScore(b("5.")), 5);
    assert.equal(sortScore(b("1.e2")), 100);
    assert.equal(sortScore(b("1e+2")), 100);
    assert.equal(sortScore(b("0.1")), 0.1);
    assert.ok(Object.is(sortScore(b("-0")), -0));
    assert.equal(sortScore(b("007")), 7);
  });

  it("refuses trailing bytes, lone signs and white space only", () => {
    for (const s of ["1 ", "1x", "abc", "-", " ", "1e", "1e+", "--1", "1..2", ". 5"]) {
      assert.equal(sortScore(b(s)), null, s);
    }
  });

  it("an empty string converts to 0 (strtod stops at the terminating NUL)", () => {
    assert.equal(sortScore(b("")), 0);
    assert.equal(sortScore(new Uint8Array([0, 65])), 0);
  });

  it("reads up to the first NUL, as the C string", () => {
    assert.equal(sortScore(new Uint8Array([0x35, 0, 0x78])), 5);
  });

  it("inf, infinity and nan", () => {
    assert.equal(sortScore(b("inf")), Infinity);
    assert.equal(sortScore(b("-Infinity")), -Infinity);
    assert.equal(sortScore(b("INF")), Infinity);
    assert.equal(sortScore(b("infin")), null);
    assert.equal(sortScore(b("nan")), null);
    assert.equal(sortScore(b("nan(123)")), null);
    assert.deepEqual(strtod(b("nan(12)x")), { value: NaN, end: 7, range: false });
  });

  it("out of range: strtod's ERANGE (Redis 7) is refused only where fast_float (Redis 8) refuses too", () => {
    assert.equal(sortScore(b("1e400")), Infinity);
    assert.equal(sortScore(b("-1e400")), -Infinity);
    assert.equal(sortScore(b("1e-400")), 0);
    assert.equal(sortScore(b("1e-310")), 1e-310);
    assert.equal(sortScore(b(" 1e400")), null); // Redis 7 refuses (ERANGE), Redis 8 refuses (space)
    assert.equal(sortScore(b("0x1p2000")), null); // Redis 8 has no hexadecimal form
    assert.equal(sortScore(b("0e-400")), 0);
    assert.deepEqual(strtod(b("1e-310")), { value: 1e-310, end: 6, range: true });
    assert.deepEqual(strtod(b("1e400")), { value: Infinity, end: 5, range: true });
    assert.equal(sortScore(b("2.2250738585072014e-308")), 2.2250738585072014e-308);
    assert.equal(sortScore(b("1.7976931348623157e308")), 1.7976931348623157e308);
  });

  it("hexadecimal floats", () => {
    assert.equal(sortScore(b("0x10")), 16);
    assert.equal(sortScore(b("0x1.8p1")), 3);
    assert.equal(sortScore(b("-0X.8")), -0.5);
    assert.equal(sortScore(b("0x1p-1074")), 5e-324); // exact: no ERANGE
    assert.equal(sortScore(b("0x1.1p-1074")), null); // inexact subnormal: ERANGE
    assert.equal(strtod(b("0x1.1p-1074"))!.range, true);
    assert.equal(sortScore(b("0x1p1024")), null);
    assert.equal(sortScore(b("0x")), null); // reads "0", stops at "x"
    assert.equal(sortScore(b("0xg")), null);
    assert.deepEqual(strtod(b("0x")), { value: 0, end: 1, range: false });
    assert.deepEqual(strtod(b("0x8")), { value: 8, end: 3, range: false, hex: true });
  });

  it("binaryToDouble rounds to nearest even", () => {
    assert.equal(binaryToDouble((1n << 53n) + 1n, 0).value, 2 ** 53);
    assert.equal(binaryToDouble((1n << 53n) + 3n, 0).value, 2 ** 53 + 4);
    assert.equal(binaryToDouble(3n, -1076).value, 5e-324); // 0.75 ulp → 1 ulp
    assert.equal(binaryToDouble(1n, -1076).value, 0);
  });

  it("redisDouble: getDoubleFromObject of Redis 7 (strtod) or Redis 8 (fast_float)", () => {
    assert.equal(redisDouble(b("1.5")), 1.5);
    assert.equal(redisDouble(b("-inf")), -Infinity);
    assert.equal(redisDouble(b("0x10")), 16); // Redis 7 only
    assert.equal(redisDouble(b("1e-310")), 1e-310); // ERANGE but subnormal: Redis 7 accepts
    assert.equal(redisDouble(b("1e400")), Infinity); // Redis 8 only
    assert.equal(redisDouble(b("1e-400")), 0); // Redis 8 only
    assert.equal(redisDouble(b("0x1p5000")), null); // neither
    for (const s of ["", " 1", "1 ", "nan", "1x", "abc"]) assert.equal(redisDouble(b(s)), null, s);
    assert.equal(redisDouble(new Uint8Array([0x31, 0])), null); // the whole argument must be read
  });
});
