/**
 * The sandbox scripts run in, built once per engine by a Lua chunk.
 *
 * Every run gets a fresh globals table (`_ENV`, also `_G`) whose metatable
 * sends reads of missing names to the sandbox's base table, so globals a run
 * sets never reach the next run. The base holds only:
 * `assert error ipairs next pairs select tonumber tostring type rawequal
 * rawget rawlen rawset getmetatable setmetatable pcall xpcall load
 * collectgarbage _VERSION` and the libraries `string table math utf8
 * coroutine` plus the host table (`ts`). Absent: `io os debug package
 * require dofile loadfile print warn`.
 *
 * What is restricted, and why:
 * - Tables shared by all runs (the libraries, the host table) are read-only
 *   proxies: assignments fail, `rawset` refuses them, their metatables are
 *   locked. The string metatable is locked too.
 * - `pcall`, `xpcall`, `coroutine.resume`, `coroutine.close` and `load`
 *   (whose reader errors are caught) raise a caught out-of-memory or budget
 *   error again, so a script cannot swallow either.
 * - An error raised by the budget hook leaves Lua's hooks off in its thread
 *   until a `pcall` boundary restores them: code that runs before that (an
 *   `xpcall` message handler, the `__close` handlers of a coroutine stopped
 *   by the budget) could loop forever. So `xpcall` skips its handler once
 *   the budget is spent, and `coroutine.wrap` (rewritten in Lua) and
 *   `coroutine.close` do not close such a coroutine.
 * - `load` takes text chunks only; their globals default to the run's.
 * - `setmetatable` refuses `__gc` (finalizers run outside any run, and their
 *   errors are swallowed); `collectgarbage` allows only "collect", "count",
 *   "step" and "isrunning" (the others change the collector for later runs).
 *
 * @module
 */

/**
 * The chunk that builds the sandbox. Called with: the host table, its
 * global name, a C function telling whether the run's budget is spent, and
 * the budget error's value. Returns the function that runs a compiled chunk:
 * `run(chunk, keys, argv, ...args)` (doing this in Lua saves a dozen
 * JS-to-wasm calls per run).
 *
 * @example
 * ```ts
 * import { SANDBOX_SOURCE } from "./sandbox.ts";
 * console.log(SANDBOX_SOURCE.includes("readonly")); // true
 * ```
 */
export const SANDBOX_SOURCE: string = `
local host, hostName, budgetSpent, BUDGET = ...
local setupvalue = debug.setupvalue -- kept here only, for run() below
local error, rawget, rawset, setmetatable, getmetatable, type, next, tostring =
  error, rawget, rawset, setmetatable, getmetatable, type, next, tostring
local pcall0, xpcall0, load0, collectgarbage0 = pcall, xpcall, load, collectgarbage
local co = coroutine
local resume0, close0 = co.resume, co.close
local NO_MEMORY = "not enough memory" -- the value of Lua's own out-of-memory errors

local shared = setmetatable({}, { __mode = "k" })
local function readonly(t, name)
  local proxy = setmetatable({}, {
    __index = t,
    __newindex = function() error("attempt to modify the read-only table '" .. name .. "'", 2) end,
    __pairs = function() return next, t, nil end,
    __len = function() return #t end,
    __metatable = false,
  })
  shared[proxy] = true
  return proxy
end

local function rethrow(ok, ...)
  if not ok then
    if ... == NO_MEMORY then error(NO_MEMORY, 0) end
    if budgetSpent() then error(BUDGET, 0) end
  end
  return ok, ...
end

local function spcall(f, ...) return rethrow(pcall0(f, ...)) end
local function sxpcall(f, handler, ...)
  if type(handler) ~= "function" then error("bad argument #2 to 'xpcall' (function expected)", 2) end
  return rethrow(xpcall0(f, function(e)
    -- an error raised by the budget hook leaves hooks off until the pcall returns: the handler could loop forever
    if budgetSpent() then return e end
    return handler(e)
  end, ...))
end

local current = {} -- [1]: the running script's globals

local function sload(chunk, name, mode, env)
  if env == nil then env = current[1] end
  local f, message = load0(chunk, name, "t", env)
  if f == nil then rethrow(false, message) end
  return f, message
end

local gcOptions = { collect = true, count = true, step = true, isrunning = true }
local function scollectgarbage(option, ...)
  if option == nil then option = "collect" end
  if gcOptions[option] ~= true then error("collectgarbage('" .. tostring(option) .. "') is not allowed", 2) end
  return collectgarbage0(option, ...)
end

local function ssetmetatable(t, mt)
  if type(mt) == "table" and rawget(mt, "__gc") ~= nil then error("__gc metamethods are not allowed", 2) end
  return setmetatable(t, mt)
end

local function srawset(t, k, v)
  if shared[t] then error("attempt to modify a read-only table", 2) end
  return rawset(t, k, v)
end

-- A coroutine stopped by the budget hook keeps its hooks off: its pending __close handlers must not run.
local function sclose(c)
  if budgetSpent() then error(BUDGET, 0) end
  return rethrow(close0(c))
end

-- coroutine.wrap, rewritten so that it never closes a coroutine stopped by the budget (see sclose)
local create0, status0 = co.create, co.status
local function unwrap(c, ok, ...)
  if ok then return ... end
  local e = ...
  if e == NO_MEMORY then error(NO_MEMORY, 0) end
  if budgetSpent() then error(BUDGET, 0) end
  if status0(c) == "dead" then
    local closed, closeError = close0(c)
    if not closed then e = closeError end
  end
  if type(e) == "string" then error(e, 2) end
  error(e, 0)
end
local function swrap(f)
  local c = create0(f)
  return function(...) return unwrap(c, resume0(c, ...)) end
end

local coroutine_ = {
  create = create0, isyieldable = co.isyieldable, running = co.running, status = status0,
  wrap = swrap, yield = co.yield,
  resume = function(c, ...) return rethrow(resume0(c, ...)) end,
  close = sclose,
}

getmetatable("").__metatable = false

local base = {
  _VERSION = _VERSION,
  assert = assert, error = error, ipairs = ipairs, next = next, pairs = pairs, select = select,
  tonumber = tonumber, tostring = tostring, type = type,
  rawequal = rawequal, rawget = rawget, rawlen = rawlen, rawset = srawset,
  getmetatable = getmetatable, setmetatable = ssetmetatable,
  pcall = spcall, xpcall = sxpcall, load = sload, collectgarbage = scollectgarbage,
  string = readonly(string, "string"), table = readonly(table, "table"), math = readonly(math, "math"),
  utf8 = readonly(utf8, "utf8"), coroutine = readonly(coroutine_, "coroutine"),
}
base[hostName] = readonly(host, hostName)

-- unreachable from scripts already; dropped so nothing refers to them
io, os, debug, package, require, dofile, loadfile, print, warn = nil, nil, nil, nil, nil, nil, nil, nil, nil

local envMeta = { __index = base, __metatable = false }

-- Runs a compiled chunk with fresh globals; the engine calls it for every run.
return function(chunk, keys, argv, ...)
  local env = setmetatable({ KEYS = keys or {}, ARGV = argv or {}, _G = false }, envMeta)
  env._G = env
  current[1] = env
  setupvalue(chunk, 1, env) -- a main chunk's only upvalue is _ENV
  return chunk(...)
end
`;
