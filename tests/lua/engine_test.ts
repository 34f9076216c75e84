import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import path from "node:path";
import { NotReadyError, VeidrodelisError, WrongTypeError } from "../../src/errors.ts";
import { LuaEngine, LuaError, LuaMultiReturn, LuaScriptError, type LuaValue } from "../../src/lua/mod.ts";

describe("LuaEngine", () => {
  const data = new Map<string, string>([["user:1", "Alice"], ["user:2", "Bob"]]);
  let lua: LuaEngine;
  let calls = 0;

  before(async () => {
    lua = await LuaEngine.create({
      functions: {
        get: ([key]) => {
          calls++;
          return data.get(key as string) ?? null;
        },
        pair: () => new LuaMultiReturn(["a", 2]),
        nothing: () => undefined,
        wrongtype: () => {
          throw new WrongTypeError("string", "list");
        },
        notReady: () => {
          throw new NotReadyError();
        },
        coded: () => {
          throw Object.assign(new Error("went wrong"), { code: "E_HOST" });
        },
        throwsString: () => {
          throw "plain string";
        },
        badResult: () => new Map() as unknown as LuaValue,
        reenter: () => lua.eval("return 1"),
      },
    });
  });
  after(() => lua.close());

  test("compiles once and runs many times with different keys and args", () => {
    const script = lua.compile("return ts.get(KEYS[1]) .. (ARGV[1] or '') .. select('#', ...)", "greet");
    assert.equal(lua.run(script, { keys: ["user:1"], args: ["!"] }), "Alice!1");
    assert.equal(lua.run(script, { keys: ["user:2"] }), "Bob0");
    for (let i = 0; i < 1000; i++) assert.equal(lua.run(script, { keys: ["user:1"], args: [i, i] }), `Alice${i}2`);
    script.free();
  });

  test("KEYS and ARGV are always sequences; ... are the args", () => {
    assert.deepEqual(lua.evalMulti("return #KEYS, #ARGV, select('#', ...)"), [0, 0, 0]);
    assert.deepEqual(lua.evalMulti("return KEYS, ARGV, ...", { keys: ["k"], args: [1, "b"] }), [
      ["k"],
      [1, "b"],
      1,
      "b",
    ]);
  });

  test("host functions: one result, several, none", () => {
    calls = 0;
    assert.equal(lua.eval("return ts.get('user:1')"), "Alice");
    assert.equal(lua.eval("return ts.get('nobody')"), null);
    assert.equal(calls, 2);
    assert.deepEqual(lua.evalMulti("return ts.pair()"), ["a", 2]);
    assert.deepEqual(lua.evalMulti("return select('#', ts.nothing())"), [0]);
    assert.equal(lua.eval("local n = 0 for i = 1, 1000 do if ts.get('user:2') then n = n + 1 end end return n"), 1000);
  });

  test("a host function's error is a Lua error the script can catch", () => {
    assert.deepEqual(lua.evalMulti("return pcall(ts.wrongtype)"), [
      false,
      new WrongTypeError("string", "list").message,
    ]);
    assert.deepEqual(lua.evalMulti("return pcall(ts.throwsString)"), [false, "plain string"]);
    // the error's code leads the message, as in Redis error replies
    assert.deepEqual(lua.evalMulti("return pcall(ts.notReady)"), [false, `NOT_READY ${new NotReadyError().message}`]);
    assert.deepEqual(lua.evalMulti("return pcall(ts.coded)"), [false, "E_HOST went wrong"]);
    assert.deepEqual(
      lua.evalMulti("local ok, e = pcall(ts.wrongtype) return ok, e:match('^WRONGTYPE') ~= nil"),
      [false, true],
    );
  });

  test("an uncaught host error fails the run, with the host's error as cause", () => {
    assert.throws(
      () => lua.eval("ts.wrongtype()"),
      (e) =>
        e instanceof LuaScriptError && e.phase === "runtime" && /^WRONGTYPE/.test(e.message) &&
        e.cause instanceof WrongTypeError,
    );
  });

  test("a host function returning an unconvertible value raises a Lua error", () => {
    assert.deepEqual(lua.evalMulti("local ok, e = pcall(ts.badResult) return ok, e:match('cannot be passed') ~= nil"), [
      false,
      true,
    ]);
  });

  test("runtime errors carry Lua's message with chunk name and line", () => {
    const script = lua.compile("local t = nil\nreturn t.x", "indexer");
    assert.throws(() => lua.run(script), (e) => {
      assert.ok(e instanceof LuaScriptError);
      assert.ok(e instanceof LuaError && e instanceof VeidrodelisError);
      assert.equal(e.luaCode, "LUA_SCRIPT");
      assert.equal(e.code, "LUA_SCRIPT");
      assert.equal(e.phase, "runtime");
      assert.match(e.message, /^indexer:2: attempt to index a nil value \(local 't'\)/);
      return true;
    });
    assert.throws(() => lua.eval("error('custom')"), { message: "eval:1: custom" });
    assert.throws(() => lua.eval("error({code = 1})"), { message: "(error object is a table value)" });
    assert.throws(() => lua.eval("error(42)"), { message: "42" });
  });

  test("compile errors carry Lua's message with chunk name and line", () => {
    assert.throws(() => lua.compile("return 1 +", "broken"), (e) => {
      assert.ok(e instanceof LuaScriptError);
      assert.equal(e.phase, "compile");
      assert.match(e.message, /^broken:1: unexpected symbol near <eof>/);
      return true;
    });
  });

  test("binary chunks are refused by compile", () => {
    const bytes = new Uint8Array([0x1b, 0x4c, 0x75, 0x61, 0x54, 0x00]);
    assert.throws(() => lua.compile(bytes, "bin"), { message: /attempt to load a binary chunk/ });
  });

  test("source may be given as bytes", () => {
    assert.equal(lua.eval(new TextEncoder().encode("return 'from bytes'")), "from bytes");
  });

  test("the engine is not reentrant", () => {
    assert.deepEqual(lua.evalMulti("local ok, e = pcall(ts.reenter) return ok, e:match('not reentrant') ~= nil"), [
      false,
      true,
    ]);
    assert.equal(lua.eval("return 'fine'"), "fine");
  });

  test("freed scripts and scripts of other engines are refused", async () => {
    const script = lua.compile("return 1");
    script.free();
    script.free();
    assert.throws(() => lua.run(script), { code: "ARGUMENT", message: /freed/ });
    const other = await LuaEngine.create();
    const foreign = other.compile("return 1");
    assert.throws(() => lua.run(foreign), TypeError);
    other.close();
  });

  test("many scripts compiled and freed", () => {
    for (let i = 0; i < 2000; i++) {
      const script = lua.compile(`return ${i}`);
      assert.equal(lua.run(script), i);
      script.free();
    }
  });

  const gc = (globalThis as { gc?: () => void }).gc ??
    ((globalThis as { Bun?: { gc(sync: boolean): void } }).Bun ? () => (globalThis as any).Bun.gc(true) : undefined);
  test("scripts dropped without free() are released when collected", { skip: gc === undefined }, async () => {
    const capped = await LuaEngine.create({ memoryLimitBytes: 64 << 20 });
    const body = Array.from({ length: 200 }, (_, i) => `local v${i} = ${i}`).join("\n");
    const baseline = capped.memoryUsed!;
    (() => {
      for (let i = 0; i < 200; i++) capped.compile(body + `\nreturn ${i}`);
    })();
    const loaded = capped.memoryUsed!;
    for (let i = 0; i < 20 && capped.memoryUsed! > baseline + (loaded - baseline) / 2; i++) {
      gc!();
      await new Promise((resolve) => setTimeout(resolve, 10));
      capped.eval("collectgarbage()");
    }
    assert.ok(capped.memoryUsed! < baseline + (loaded - baseline) / 2, `${baseline} ${loaded} ${capped.memoryUsed}`);
    capped.close();
  });

  test("eval keeps recent sources compiled, with fresh globals each run", async () => {
    const capped = await LuaEngine.create({ memoryLimitBytes: 64 << 20 });
    const source = "counter = (counter or 0) + 1 return counter";
    for (let i = 0; i < 5; i++) assert.equal(capped.eval(source), 1);
    capped.eval("collectgarbage()");
    const before = capped.memoryUsed!;
    for (let i = 0; i < 1000; i++) assert.equal(capped.eval(`return ${i}`), i);
    capped.eval("collectgarbage()");
    assert.ok(capped.memoryUsed! < before + 200_000, `${before} -> ${capped.memoryUsed}`);
    assert.throws(() => capped.eval("return +"), LuaScriptError);
    assert.throws(() => capped.eval("return +"), LuaScriptError);
    capped.close();
  });

  test("options are checked", async () => {
    await assert.rejects(LuaEngine.create({ instructionLimit: -1 }), { code: "ARGUMENT" });
    await assert.rejects(LuaEngine.create({ memoryLimitBytes: 1.5 }), { code: "ARGUMENT" });
  });
});

describe("LuaEngine creation", () => {
  test("the host table can have another name", async () => {
    const lua = await LuaEngine.create({ hostTable: "redis", functions: { ping: () => "PONG" } });
    assert.deepEqual(lua.evalMulti("return redis.ping(), ts"), ["PONG", null]);
    lua.close();
  });

  test("glue.wasm can be given as a path or a file URL", async () => {
    const require = createRequire(import.meta.url);
    const glue = path.join(path.dirname(require.resolve("wasmoon")), "glue.wasm");
    const byPath = await LuaEngine.create({ wasmFile: glue });
    assert.equal(byPath.eval("return 1"), 1);
    byPath.close();
    const byUrl = await LuaEngine.create({ wasmFile: new URL(`file://${glue}`) });
    assert.equal(byUrl.eval("return 2"), 2);
    byUrl.close();
  });

  test("loading leaves WebAssembly.instantiate as it was", async () => {
    const before = WebAssembly.instantiate;
    // a path spelled unlike the other tests' ones: a new module instance is loaded
    const dir = path.dirname(createRequire(import.meta.url).resolve("wasmoon"));
    const lua = await LuaEngine.create({ wasmFile: `${dir}/./glue.wasm` });
    assert.equal(lua.eval("return 'loaded'"), "loaded");
    assert.equal(WebAssembly.instantiate, before);
    lua.close();
  });

  test("a missing glue.wasm fails creation", async () => {
    await assert.rejects(LuaEngine.create({ wasmFile: "/nonexistent/glue.wasm" }), { code: "ARGUMENT" });
  });

  test("engines are independent", async () => {
    const [a, b] = await Promise.all([LuaEngine.create(), LuaEngine.create()]);
    a.eval("x = 1");
    assert.equal(b.eval("return x"), null);
    a.close();
    assert.equal(b.eval("return 'b lives'"), "b lives");
    b.close();
  });

  test("a closed engine refuses work", async () => {
    const lua = await LuaEngine.create();
    const script = lua.compile("return 1");
    lua.close();
    lua.close();
    assert.throws(() => lua.run(script), { code: "CLOSED" });
    assert.throws(() => lua.compile("return 1"), { code: "CLOSED" });
    script.free(); // nothing to free any more
  });
});
