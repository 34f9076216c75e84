import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { LuaEngine, type LuaValue } from "../../src/lua/mod.ts";

const tricky = new Uint8Array([0x61, 0x00, 0x62, 0xff, 0x63]); // "a\0b\xffc"

describe("values between JS and Lua", () => {
  let lua: LuaEngine;
  /** What a host function received, by call. */
  const seen: LuaValue[][] = [];

  before(async () => {
    lua = await LuaEngine.create({
      functions: {
        echo: (args) => {
          seen.push(args);
          return args[0];
        },
        bytes: () => tricky,
      },
    });
  });
  after(() => lua.close());

  test("scalars come back as they went in", () => {
    const values: LuaValue[] = [
      null,
      true,
      false,
      0,
      1,
      -1,
      42,
      1.5,
      -0.25,
      "",
      "héllo ✓",
      2 ** 53 - 1,
      -(2 ** 53 - 1),
    ];
    assert.deepEqual(lua.evalMulti("return ...", { args: values }), values);
  });

  test("integers stay integers, floats stay floats", () => {
    assert.deepEqual(lua.evalMulti("return math.type(...), math.type(select(2, ...))", { args: [3, 3.5] }), [
      "integer",
      "float",
    ]);
    assert.equal(lua.eval("return tostring(...)", { args: [3] }), "3");
    assert.equal(lua.eval("return 7 // 2"), 3);
    assert.equal(lua.eval("return 7 / 2"), 3.5);
    assert.equal(lua.eval("return 2.0"), 2);
    assert.ok(Object.is(lua.eval("return -0.0"), -0));
    assert.ok(Object.is(lua.eval("return ...", { args: [-0] }), -0));
    assert.ok(Number.isNaN(lua.eval("return 0/0")));
    assert.equal(lua.eval("return math.huge"), Infinity);
  });

  test("integers beyond 2^53 come back as bigint, exactly", () => {
    assert.equal(lua.eval("return math.maxinteger"), 9223372036854775807n);
    assert.equal(lua.eval("return math.mininteger"), -9223372036854775808n);
    assert.equal(lua.eval("return 2^53"), 2 ** 53); // a float: a number
    assert.equal(lua.eval("return (1 << 53)"), 9007199254740992n);
    assert.equal(lua.eval("return (...) + 1", { args: [9007199254740993n] }), 9007199254740994n);
    assert.equal(lua.eval("return math.type(...)", { args: [5n] }), "integer");
    assert.throws(() => lua.eval("return ...", { args: [2n ** 63n] }), RangeError);
  });

  test("bytes go into Lua unchanged, NUL and invalid UTF-8 included", () => {
    assert.deepEqual(lua.evalMulti("local s = ... return #s, s:byte(1, -1)", { args: [tricky] }), [5, ...tricky]);
  });

  test("bytes come out of Lua unchanged in bytes mode", () => {
    assert.deepEqual(lua.eval('return "a\\0b\\255c"', { bytes: true }), tricky);
    assert.deepEqual(lua.eval("return ts.bytes()", { bytes: true }), tricky);
    assert.deepEqual(lua.eval("return ...", { args: [tricky], bytes: true }), tricky);
    assert.deepEqual(lua.eval("return {k = ...}", { args: [tricky], bytes: true }), { k: tricky });
  });

  test("strings come out decoded as UTF-8 by default, invalid bytes as U+FFFD", () => {
    assert.equal(lua.eval('return "a\\0b\\255c"'), "a\0b\ufffdc");
    assert.equal(lua.eval("return 'h\\u{E9}llo'"), "héllo");
    assert.equal(lua.eval("return ...", { args: ["x".repeat(100_000) + "é"] }), "x".repeat(100_000) + "é");
  });

  test("host functions receive strings, or bytes in bytes mode", () => {
    seen.length = 0;
    lua.eval('ts.echo("a\\0b\\255c", 1, 2.5, true, nil, {1, 2}, {x = "y"})');
    lua.eval('ts.echo("a\\0b\\255c")', { bytes: true });
    assert.deepEqual(seen, [["a\0b\ufffdc", 1, 2.5, true, null, [1, 2], { x: "y" }], [tricky]]);
  });

  test("host functions pass bytes through unchanged in bytes mode", () => {
    const script = "local s = ts.echo(...) return #s, s:byte(1, -1)";
    assert.deepEqual(lua.evalMulti(script, { args: [tricky], bytes: true }), [5, ...tricky]);
    // in string mode the host sees U+FFFD for the invalid byte, and gives back its UTF-8 encoding
    assert.deepEqual(lua.evalMulti(script, { args: [tricky] }), [7, 0x61, 0, 0x62, 0xef, 0xbf, 0xbd, 0x63]);
  });

  test("nested tables both ways", () => {
    const value = { name: "x", list: [1, "two", [3, { deep: [true, false] }]], empty: {}, n: 1.5 };
    assert.deepEqual(lua.eval("return ...", { args: [value] }), { ...value, empty: [] });
    assert.deepEqual(lua.eval("return ts.echo(...)", { args: [value] }), { ...value, empty: [] });
    assert.deepEqual(lua.eval("local t = ... return t.list[3][2].deep[1], #t.list", { args: [value] }), true);
  });

  test("a table is an array only when its keys are exactly 1..n", () => {
    assert.deepEqual(lua.eval("return {}"), []);
    assert.deepEqual(lua.eval("return {10, 20, 30}"), [10, 20, 30]);
    assert.deepEqual(lua.eval("return {[2] = 'b', [1] = 'a'}"), ["a", "b"]);
    assert.deepEqual(lua.eval("return {1, nil, 3}"), { "1": 1, "3": 3 });
    assert.deepEqual(lua.eval("return {[0] = 'z', 'a'}"), { "0": "z", "1": "a" });
    assert.deepEqual(lua.eval("return {1, 2, x = 3}"), { "1": 1, "2": 2, x: 3 });
    assert.deepEqual(lua.eval("return {[1.5] = 'f', [true] = 't', [{}] = 'skipped'}"), { "1.5": "f", true: "t" });
  });

  test("a __proto__ key stays an own property", () => {
    const value = lua.eval("return {__proto__ = 1, a = 2}") as Record<string, LuaValue>;
    assert.equal(Object.getPrototypeOf(value), Object.prototype);
    assert.deepEqual(Object.keys(value).sort(), ["__proto__", "a"]);
  });

  test("null elements of arrays become false, keeping the sequence's length", () => {
    assert.deepEqual(lua.evalMulti("local t = ... return #t, t[2]", { args: [[1, null, 3]] }), [3, false]);
    assert.deepEqual(lua.eval("return {a = 1, b = nil}"), { a: 1 });
    assert.deepEqual(lua.eval("local t = ... return t.b == nil", { args: [{ a: 1, b: null }] }), true);
  });

  test("multiple results: run returns the first, runMulti all", () => {
    const script = lua.compile("return 1, nil, 'three'", "multi");
    assert.equal(lua.run(script), 1);
    assert.deepEqual(lua.runMulti(script), [1, null, "three"]);
    assert.equal(lua.eval("return"), null);
    assert.deepEqual(lua.evalMulti("return"), []);
    script.free();
  });

  test("functions, threads and userdata come back as null", () => {
    assert.deepEqual(lua.evalMulti("return print, coroutine.create(function() end), function() end"), [
      null,
      null,
      null,
    ]);
  });

  test("a cycle in a result is an error, not a hang", () => {
    assert.throws(() => lua.eval("local t = {} t[1] = t return t"), { luaCode: "LUA_SCRIPT", message: /nested/ });
    assert.equal(lua.eval("return 'still fine'"), "still fine");
  });

  test("JS values with no Lua form are refused", () => {
    assert.throws(() => lua.eval("return ...", { args: [new Date() as unknown as LuaValue] }), TypeError);
    assert.throws(() => lua.eval("return ...", { args: [(() => 1) as unknown as LuaValue] }), TypeError);
    const cycle: LuaValue[] = [];
    cycle.push(cycle);
    assert.throws(() => lua.eval("return ...", { args: [cycle] }), RangeError);
    assert.equal(lua.eval("return 'still fine'"), "still fine");
  });
});
