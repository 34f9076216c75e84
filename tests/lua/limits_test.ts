import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { LuaBudgetError, LuaEngine, LuaMemoryError, LuaScriptError } from "../../src/lua/mod.ts";

const LIMIT = 200_000;

describe("the instruction budget", () => {
  let lua: LuaEngine;
  before(async () => {
    lua = await LuaEngine.create({
      instructionLimit: LIMIT,
      functions: {
        spend: () => {
          throw new LuaBudgetError(LIMIT);
        },
      },
    });
  });
  after(() => lua.close());

  const runaways: Record<string, string> = {
    "a plain loop": "while true do end",
    "a loop inside pcall": "pcall(function() while true do end end) return 'swallowed'",
    "pcall in a loop": "while true do pcall(function() while true do end end) end",
    "nested pcalls": "local function f() return pcall(f) end while true do f() end",
    "xpcall with a handler that returns": "xpcall(function() while true do end end, function() return 'x' end)",
    "xpcall with a handler that loops": "xpcall(function() while true do end end, function() while true do end end)",
    "error() on every catch": "while true do pcall(function() while true do end end) error('other') end",
    "coroutine.resume": "coroutine.resume(coroutine.create(function() while true do end end)) return 'swallowed'",
    "coroutine.resume in a loop":
      "while true do coroutine.resume(coroutine.create(function() while true do end end)) end",
    "coroutine.wrap inside pcall": "pcall(coroutine.wrap(function() while true do end end)) return 'swallowed'",
    "a coroutine catching inside": `
      local co = coroutine.create(function() while true do pcall(function() while true do end end) end end)
      while true do coroutine.resume(co) end`,
    "load with a looping reader": "load(function() while true do end end) return 'swallowed'",
    "recursion": "local function f(n) return f(n + 1) + 1 end pcall(f, 1) while true do end",
    "a to-be-closed variable": `
      local t <close> = setmetatable({}, {__close = function() while true do end end})
      while true do end`,
    "table.sort with a looping comparator": "pcall(table.sort, {3, 2, 1}, function() while true do end end)",
    "string.gsub with a looping function": "pcall(string.gsub, 'abc', '.', function() while true do end end)",
  };
  for (const [name, code] of Object.entries(runaways)) {
    test(`stops ${name}`, () => {
      assert.throws(() => lua.eval(code), (e) => e instanceof LuaBudgetError && e.luaCode === "LUA_BUDGET");
      assert.equal(lua.eval("return 1 + 1"), 2);
    });
  }

  test("a host function can spend the budget, and pcall cannot catch it", () => {
    assert.throws(() => lua.eval("pcall(ts.spend) return 'swallowed'"), LuaBudgetError);
    assert.equal(lua.eval("return 'next run is fine'"), "next run is fine");
  });

  test("a script within its budget runs, each run with a fresh budget", () => {
    const script = lua.compile("local n = 0 for i = 1, 20000 do n = n + i end return n");
    for (let i = 0; i < 20; i++) assert.equal(lua.run(script), 200010000);
  });

  test("a run can ask for a bigger or smaller budget", () => {
    const script = lua.compile("for i = 1, 1000000 do end return 'done'");
    assert.throws(() => lua.run(script), LuaBudgetError);
    assert.equal(lua.run(script, { instructionLimit: 10_000_000 }), "done");
    assert.equal(lua.run(script, { instructionLimit: Infinity }), "done");
    assert.throws(
      () => lua.run(script, { instructionLimit: 1000 }),
      (e) => e instanceof LuaBudgetError && e.limit === 1000,
    );
    assert.throws(() => lua.run(script, { instructionLimit: 0 }), { code: "ARGUMENT" });
  });
});

describe("the memory cap", () => {
  let lua: LuaEngine;
  const limit = 4 << 20;
  before(async () => {
    lua = await LuaEngine.create({ memoryLimitBytes: limit, instructionLimit: 1e9 });
  });
  after(() => lua.close());

  const hogs: Record<string, string> = {
    "a growing table": "local t = {} for i = 1, 1e8 do t[i] = i end",
    "a growing table inside pcall":
      "pcall(function() local t = {} for i = 1, 1e8 do t[i] = i end end) return 'swallowed'",
    "a growing table in a coroutine":
      "coroutine.resume(coroutine.create(function() local t = {} for i = 1, 1e8 do t[i] = {} end end)) return 'x'",
    "one huge string": "return #string.rep('x', 1 << 30)",
    "strings piling up": "local t = {} for i = 1, 1e8 do t[i] = ('x'):rep(100) .. i end",
    "xpcall whose handler allocates": `
      return xpcall(function() local t = {} for i = 1, 1e8 do t[i] = i end end,
                    function(e) return ('y'):rep(1000) end)`,
  };
  for (const [name, code] of Object.entries(hogs)) {
    test(`stops ${name}`, () => {
      assert.throws(() => lua.eval(code), (e) => e instanceof LuaMemoryError && e.luaCode === "LUA_MEMORY");
      assert.ok(lua.memoryUsed! <= limit);
      assert.equal(lua.eval("return 1 + 1"), 2);
    });
  }

  test("memory of failed runs is reclaimed: big allocations succeed again", () => {
    for (let i = 0; i < 3; i++) {
      assert.throws(() => lua.eval("local t = {} for i = 1, 1e8 do t[i] = i end"), LuaMemoryError);
      assert.equal(lua.eval("local t = {} for i = 1, 100000 do t[i] = i end return #t"), 100000);
    }
  });

  test("too big inputs fail with a memory error, and the engine goes on", () => {
    const big = new Uint8Array(limit);
    assert.throws(() => lua.eval("return #...", { args: [big] }), LuaMemoryError);
    assert.equal(lua.eval("return #...", { args: [big.subarray(0, 1000)] }), 1000);
  });

  test("memoryUsed tracks the state's bytes", () => {
    const before = lua.memoryUsed!;
    assert.ok(before > 10_000 && before < limit, String(before));
  });

  test("an engine has a 64 MiB cap unless told otherwise", async () => {
    const lua = await LuaEngine.create();
    assert.throws(
      () => lua.eval("local t = {} for i = 1, 1e9 do t[i] = i end"),
      (e) => e instanceof LuaMemoryError && e.limit === 64 << 20,
    );
    lua.eval("collectgarbage()");
    assert.ok(lua.memoryUsed! < 1 << 20, String(lua.memoryUsed));
    lua.close();
  });

  test("an engine without a cap reports no usage", async () => {
    const free = await LuaEngine.create({ memoryLimitBytes: Infinity });
    assert.equal(free.eval("return 'no cap'"), "no cap");
    assert.equal(free.memoryUsed, undefined);
    free.close();
  });

  test("a cap too small for the sandbox fails at creation", async () => {
    await assert.rejects(LuaEngine.create({ memoryLimitBytes: 1000 }), LuaMemoryError);
  });
});

describe("failures leave the engine usable", () => {
  test("after every kind of failure, in any order", async () => {
    const lua = await LuaEngine.create({
      instructionLimit: 100_000,
      memoryLimitBytes: 2 << 20,
      functions: {
        fail: () => {
          throw new Error("host failed");
        },
      },
    });
    const ok = lua.compile("return ts and 'ok'");
    const failures = [
      () => lua.eval("while true do end"),
      () => lua.eval("local s = 'x' while true do s = s .. s end"),
      () => lua.eval("error('boom')"),
      () => lua.eval("ts.fail()"),
      () => lua.eval("syntax error here"),
      () => lua.eval("return ...", { args: [Symbol() as never] }),
    ];
    for (let round = 0; round < 3; round++) {
      for (const fail of failures) {
        assert.throws(fail);
        assert.equal(lua.run(ok), "ok");
      }
    }
    lua.close();
  });

  test("script errors are LuaScriptErrors", async () => {
    const lua = await LuaEngine.create();
    assert.throws(() => lua.eval("error('x')"), LuaScriptError);
    lua.close();
  });
});
