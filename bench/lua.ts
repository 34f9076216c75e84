/**
 * The Lua engine's host-call bridge and run overhead, against plain JS doing
 * the same host work (a JS Map lookup by a string key).
 *
 *   node --import tsx bench/lua.ts
 *   deno run -A bench/lua.ts
 *   bun bench/lua.ts
 *
 * Also a section of `bench/all.ts` (`luaCosts`).
 *
 * Rows:
 * - "ts.get from a Lua loop": a script calling `ts.get(k)` 1e6 times, per
 *   call, minus the same loop without the call; vs a JS loop calling a JS
 *   function that does the Map lookup.
 * - "run `return ts.get(KEYS[1])`": a precompiled script run from JS, per
 *   run (keys passed each time); vs calling a JS function with the keys array.
 * - the same with the default memory cap (every Lua allocation then goes
 *   through a counting JS allocator; the other rows run without a cap),
 *   a run of `return 1`, eval of the same source (its compiled chunk is
 *   cached), and compile + run + free per call.
 */
import { LuaEngine, type LuaValue } from "../src/lua/mod.ts";
import { isMain, medianNs, printSection, runtime, type Section } from "./_util.ts";

/** Lua call and script costs: one section. */
export async function luaCosts(): Promise<Section> {
  const KEYS = 1000;
  const LOOP = 1_000_000;
  const RUNS = 100_000;
  const BATCHES = 11;

  const data = new Map<string, string>();
  for (let i = 0; i < KEYS; i++) data.set(`key:${i}`, `value:${i}`);
  const get = ([key]: LuaValue[]): LuaValue => data.get(key as string) ?? null;

  const lua = await LuaEngine.create({ functions: { get }, instructionLimit: Infinity, memoryLimitBytes: Infinity });
  const capped = await LuaEngine.create({ functions: { get }, instructionLimit: Infinity }); // the default 64 MiB cap

  let sink = 0;

  // --- ts.get from a Lua loop (the key is built in Lua, as real scripts do)
  const loopWithCall = lua.compile(
    `local get, n, k = ts.get, 0, "key:1" for i = 1, ${LOOP} do if get(k) then n = n + 1 end end return n`,
    "loop",
  );
  const loopEmpty = lua.compile(
    `local get, n, k = ts.get, 0, "key:1" for i = 1, ${LOOP} do if k then n = n + 1 end end return n`,
    "empty",
  );
  const luaLoopNs = medianNs(BATCHES, LOOP, () => sink += lua.run(loopWithCall) as number);
  const luaLoopBaseNs = medianNs(BATCHES, LOOP, () => sink += lua.run(loopEmpty) as number);
  const jsLoopNs = medianNs(BATCHES, LOOP, () => {
    const args: LuaValue[] = ["key:1"];
    for (let i = 0; i < LOOP; i++) if (get(args) !== null) sink++;
  });

  // --- a tiny precompiled script run from JS
  const tiny = lua.compile("return ts.get(KEYS[1])", "tiny");
  const tinyCapped = capped.compile("return ts.get(KEYS[1])", "tiny");
  const one = lua.compile("return 1", "one");
  const keyLists = Array.from({ length: KEYS }, (_, i) => [`key:${i}`]);
  const runNs = medianNs(BATCHES, RUNS, () => {
    for (let i = 0; i < RUNS; i++) sink += (lua.run(tiny, { keys: keyLists[i % KEYS] }) as string).length;
  });
  const runCappedNs = medianNs(BATCHES, RUNS, () => {
    for (let i = 0; i < RUNS; i++) sink += (capped.run(tinyCapped, { keys: keyLists[i % KEYS] }) as string).length;
  });
  const runOneNs = medianNs(BATCHES, RUNS, () => {
    for (let i = 0; i < RUNS; i++) sink += lua.run(one) as number;
  });
  const jsRunNs = medianNs(BATCHES, RUNS, () => {
    for (let i = 0; i < RUNS; i++) sink += (get(keyLists[i % KEYS]) as string).length;
  });
  const evalNs = medianNs(BATCHES, RUNS, () => {
    for (let i = 0; i < RUNS; i++) {
      sink += (lua.eval("return ts.get(KEYS[1])", { keys: keyLists[i % KEYS] }) as string).length;
    }
  });
  const compileRunNs = medianNs(5, RUNS / 10, () => {
    for (let i = 0; i < RUNS / 10; i++) {
      const script = lua.compile("return ts.get(KEYS[1])");
      sink += (lua.run(script, { keys: keyLists[i % KEYS] }) as string).length;
      script.free();
    }
  });

  const ns = (n: number) => n.toFixed(0);
  const ratio = (n: number, base: number) => (n / base).toFixed(1) + "x";
  const rows = [
    [
      "ts.get from a Lua loop (per call)",
      ns(luaLoopNs - luaLoopBaseNs),
      ns(jsLoopNs),
      ratio(luaLoopNs - luaLoopBaseNs, jsLoopNs),
    ],
    ["  the Lua loop alone (per iteration)", ns(luaLoopBaseNs), "", ""],
    ["run `return ts.get(KEYS[1])` (per run)", ns(runNs), ns(jsRunNs), ratio(runNs, jsRunNs)],
    ["  same, with the default memory cap", ns(runCappedNs), ns(jsRunNs), ratio(runCappedNs, jsRunNs)],
    ["run `return 1` (per run)", ns(runOneNs), "", ""],
    ["eval `return ts.get(KEYS[1])` (source cached)", ns(evalNs), ns(jsRunNs), ratio(evalNs, jsRunNs)],
    ["compile + run + free the same", ns(compileRunNs), ns(jsRunNs), ratio(compileRunNs, jsRunNs)],
  ];

  lua.close();
  capped.close();
  return {
    id: "lua",
    title: `Lua engine, median of ${BATCHES} batches, ${runtime} (sink ${sink > 0})`,
    header: ["operation", "Lua ns", "plain JS ns", "ratio"],
    rows,
    notes: ["(goals: ts.get from Lua <= 1000 ns per call; precompiled tiny run <= 6000 ns)"],
    data: { luaLoopNs, luaLoopBaseNs, jsLoopNs, runNs, runCappedNs, runOneNs, jsRunNs, evalNs, compileRunNs },
  };
}

if (isMain(import.meta.url)) printSection(await luaCosts());
