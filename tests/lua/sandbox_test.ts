import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { LuaEngine } from "../../src/lua/mod.ts";

describe("the sandbox", () => {
  let lua: LuaEngine;
  before(async () => {
    lua = await LuaEngine.create({ functions: { one: () => 1 } });
  });
  after(() => lua.close());

  test("forbidden globals are absent", () => {
    for (
      const name of ["io", "os", "debug", "package", "require", "dofile", "loadfile", "print", "warn", "loadstring"]
    ) {
      assert.equal(lua.eval(`return type(${name})`), "nil", name);
    }
  });

  test("the allowed globals and libraries are there", () => {
    const names = [
      "string",
      "table",
      "math",
      "utf8",
      "coroutine",
      "pcall",
      "xpcall",
      "error",
      "select",
      "type",
      "tostring",
      "tonumber",
      "pairs",
      "ipairs",
      "next",
      "rawget",
      "rawset",
      "rawequal",
      "rawlen",
      "setmetatable",
      "getmetatable",
      "assert",
      "load",
      "collectgarbage",
      "ts",
    ];
    for (const name of names) assert.notEqual(lua.eval(`return type(${name})`), "nil", name);
    assert.equal(lua.eval("return string.format('%d-%s', 7, ('x'):rep(3))"), "7-xxx");
    assert.equal(lua.eval("return table.concat({1, 2, 3}, ',')"), "1,2,3");
    assert.equal(lua.eval("return utf8.char(233)"), "é");
    assert.equal(lua.eval("return math.max(1, 5, 3)"), 5);
    assert.equal(lua.eval("return _VERSION"), "Lua 5.4");
  });

  test("globals set by one run do not leak into the next", () => {
    const script = lua.compile("local before = counter counter = (counter or 0) + 1 _G.other = 1 return before");
    assert.equal(lua.run(script), null);
    assert.equal(lua.run(script), null);
    assert.equal(lua.eval("return counter or other"), null);
  });

  test("_G is the run's own globals table", () => {
    assert.equal(lua.eval("x = 5 return _G.x, _G == _ENV"), 5);
    assert.equal(lua.eval("return _G._G == _G"), true);
    assert.equal(lua.eval("return getmetatable(_G)"), false);
    assert.throws(() => lua.eval("setmetatable(_G, {})"), { luaCode: "LUA_SCRIPT", message: /protected metatable/ });
  });

  test("the host table and the libraries are read-only for every run", () => {
    const attempts = [
      "ts.one = function() return 2 end",
      "ts.extra = 1",
      "rawset(ts, 'one', 2)",
      "string.upper = string.lower",
      "rawset(string, 'upper', string.lower)",
      "table.insert(math, 1)",
      "setmetatable(ts, {})",
      "coroutine.resume = nil",
    ];
    for (const code of attempts) assert.throws(() => lua.eval(code), { luaCode: "LUA_SCRIPT" }, code);
    assert.equal(lua.eval("return ts.one()"), 1);
    assert.equal(lua.eval("return string.upper('a')"), "A");
    assert.equal(lua.eval("return ts.extra"), null);
    assert.equal(lua.eval("return #math"), 0);
  });

  test("shared tables can still be read and iterated", () => {
    assert.equal(lua.eval("local n = 0 for k, v in pairs(string) do n = n + 1 end return n > 10"), true);
    assert.equal(lua.eval("local n = 0 for k in pairs(ts) do n = n + 1 end return n"), 1);
    assert.equal(lua.eval("return getmetatable(string)"), false);
  });

  test("the string metatable is locked", () => {
    assert.equal(lua.eval("return getmetatable('')"), false);
    assert.equal(lua.eval("return ('abc'):upper()"), "ABC");
  });

  test("load compiles text with the run's globals, and refuses binary chunks", () => {
    assert.equal(lua.eval("y = 2 return load('return y * 21')()"), 42);
    assert.equal(lua.eval("return load('z = 1') and z"), null);
    assert.equal(lua.eval("load('z = 1')() return z"), 1);
    assert.equal(lua.eval("return z"), null);
    assert.equal(lua.eval("return load('return v', 'c', 't', {v = 7})()"), 7);
    assert.deepEqual(
      lua.evalMulti("return load(string.dump(function() return 1 end))"),
      [null, "attempt to load a binary chunk (mode is 't')"],
    );
  });

  test("collectgarbage allows only harmless options", () => {
    assert.equal(typeof lua.eval("return collectgarbage('count')"), "number");
    assert.equal(lua.eval("return collectgarbage()"), 0);
    for (const option of ["stop", "restart", "incremental", "generational", "setpause"]) {
      assert.throws(() => lua.eval(`collectgarbage('${option}')`), { message: /not allowed/ }, option);
    }
    assert.equal(lua.eval("return collectgarbage('isrunning')"), true);
  });

  test("__gc metamethods are refused", () => {
    assert.throws(() => lua.eval("setmetatable({}, {__gc = function() end})"), { message: /__gc/ });
    assert.equal(lua.eval("return getmetatable(setmetatable({}, {__index = {a = 1}})).__index.a"), 1);
  });

  test("coroutines work", () => {
    const code = `
      local gen = coroutine.wrap(function() for i = 1, 3 do coroutine.yield(i) end end)
      local co = coroutine.create(function(a) local b = coroutine.yield(a + 1) return b * 2 end)
      local _, x = coroutine.resume(co, 1)
      local _, y = coroutine.resume(co, 10)
      return {gen(), gen(), gen(), x, y, coroutine.status(co)}`;
    assert.deepEqual(lua.eval(code), [1, 2, 3, 2, 20, "dead"]);
  });

  test("pcall and error behave as in plain Lua for ordinary errors", () => {
    assert.deepEqual(lua.evalMulti("return pcall(error, 'x', 0)"), [false, "x"]);
    assert.deepEqual(lua.evalMulti("return pcall(function(a) return a, 2 end, 1)"), [true, 1, 2]);
    assert.deepEqual(lua.evalMulti("return xpcall(error, function(e) return 'handled ' .. e end, 'y', 0)"), [
      false,
      "handled y",
    ]);
    assert.deepEqual(lua.evalMulti("return pcall(error, {code = 1})"), [false, { code: 1 }]);
    assert.deepEqual(lua.evalMulti("return coroutine.resume(coroutine.create(function() error('in co', 0) end))"), [
      false,
      "in co",
    ]);
  });
});
