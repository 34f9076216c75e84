/**
 * Lua read scripts: the `ts` table generated from the read table, binary
 * safety, errors inside and out of scripts, budgets, compile once / run many.
 */
import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import { Store } from "../src/_wasm/store.ts";
import { NotReadyError, VeidrodelisError, WrongTypeError } from "../src/errors.ts";
import { LuaBudgetError, LuaScriptError } from "../src/lua/mod.ts";
import { Reader, type ReadSource } from "../src/reader.ts";
import { readNames } from "../src/reads/mod.ts";
import { LuaReads } from "../src/scripts.ts";

const b = (s: string) => new TextEncoder().encode(s);

describe("Lua read scripts", () => {
  const store = new Store();
  store.set(0, b("name"), b("Alice"), 0, -1);
  store.set(0, b("item:456"), b("7"), 0, -1);
  store.set(0, b("user:7"), b("Bob"), 0, -1);
  store.set(0, new Uint8Array([0x6b, 0, 0xff]), new Uint8Array([0, 1, 0xfe]), 0, -1);
  store.set(3, b("name"), b("in three"), 0, -1);
  store.listPush(0, b("list"), b("a"), true, false);
  let lua: Promise<LuaReads> | null = null;
  const source: ReadSource = {
    store,
    now: Date.now,
    showExpired: false,
    lua: () => lua ??= LuaReads.create({ instructionLimit: 1e6 }),
  };
  const reader = new Reader<string>(source, 0, false);
  after(async () => (await lua)?.close());

  test("ts has every read of the read table", async () => {
    const names = readNames.map((n) => `'${n}'`).join(",");
    const missing = await reader.eval(`local m = {} for _, n in ipairs({${names}}) do
      if type(ts[n]) ~= 'function' then m[#m + 1] = n end end return m`);
    assert.deepEqual(missing, []);
  });

  test("reads with indirection, results as strings; nothing found is nil", async () => {
    assert.equal(await reader.eval("return ts.get(KEYS[1])", { keys: ["name"] }), "Alice");
    assert.equal(await reader.eval("local id = ts.get('item:456') return ts.get('user:' .. id)"), "Bob");
    assert.equal(await reader.eval("return ts.get('missing')"), null);
    assert.deepEqual(await reader.eval("return {ts.strlen('name'), ts.exists('name', 'list', 'nope')}"), [5, 2]);
    assert.equal(await new Reader<string>(source, 3, false).eval("return ts.get('name')"), "in three");
  });

  test("binary-safe both ways through a bytes reader", async () => {
    const got = await reader.asBytes.eval("return ts.get(KEYS[1])", { keys: [new Uint8Array([0x6b, 0, 0xff])] });
    assert.deepEqual(got, new Uint8Array([0, 1, 0xfe]));
  });

  test("a read's error is catchable in Lua; uncaught it is a LuaScriptError caused by it", async () => {
    assert.match(String(await reader.eval("local ok, err = pcall(ts.get, 'list') return err")), /^WRONGTYPE/);
    await assert.rejects(reader.eval("return ts.get('list')"), (e: unknown) => {
      assert.ok(e instanceof LuaScriptError);
      assert.ok(e.cause instanceof WrongTypeError);
      return true;
    });
    await assert.rejects(
      reader.eval("return ts.getrange('name', 'x', 1)"),
      (e: unknown) => e instanceof LuaScriptError && /getrange: argument 2 must be an integer/.test(e.message),
    );
  });

  test("compile once, run many: each run sees the projection as it is then", async () => {
    const script = await reader.compile("return ts.get(KEYS[1])", "getter");
    assert.equal(script.run({ keys: ["name"] }), "Alice");
    store.set(0, b("name"), b("Alicia"), 0, -1);
    assert.equal(script.run({ keys: ["name"] }), "Alicia");
    assert.equal(script.run({ keys: ["user:7"] }), "Bob");
    script.free();
  });

  test("a runaway script stops with LuaBudgetError, even under pcall; the engine goes on", async () => {
    await assert.rejects(reader.eval("while true do end"), LuaBudgetError);
    await assert.rejects(
      reader.eval("pcall(function() while true do ts.get('name') end end) return 1"),
      LuaBudgetError,
    );
    assert.equal(await reader.eval("return 1 + 1"), 2);
  });

  test("before the first sync: NotReadyError; a reader without Lua says so", async () => {
    const empty = new Reader<string>({ ...source, store: null }, 0, false);
    await assert.rejects(empty.eval("return 1"), NotReadyError);
    const noLua = new Reader<string>({ store, now: Date.now, showExpired: false }, 0, false);
    await assert.rejects(
      noLua.eval("return 1"),
      (e: unknown) => e instanceof VeidrodelisError && e.code === "ARGUMENT",
    );
  });
});
