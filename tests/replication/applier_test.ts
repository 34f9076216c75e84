import { test } from "node:test";
import assert from "node:assert/strict";
import { Store } from "../../src/_wasm/store.ts";
import { Applier } from "../../src/replication/applier.ts";
import { encodeCommand } from "../../src/resp/encode.ts";
import type { DivergenceError } from "../../src/errors.ts";

const enc = new TextEncoder();
const NOW = 1_700_000_000_000;

function setup(offset = 1000) {
  const store = new Store();
  const acks: number[] = [];
  const divergences: DivergenceError[] = [];
  const units: string[][][] = [];
  const applier = new Applier(store, offset, {
    onGetAck: (o) => acks.push(o),
    onDivergence: (e) => divergences.push(e),
    onUnitApplied: (unit) => units.push(unit.map((c) => c.args.map((a) => new TextDecoder().decode(a)))),
  }, () => NOW);
  const send = (...args: string[]) => applier.apply(args.map((a) => enc.encode(a)), encodeCommand(args).length);
  return { store, applier, acks, divergences, units, send };
}

test("offsets advance by each command's size, PINGs included", () => {
  const { applier, send } = setup();
  send("SELECT", "0");
  send("SET", "k", "v");
  send("PING");
  assert.equal(
    applier.offset,
    1000 + encodeCommand(["SELECT", "0"]).length + encodeCommand(["SET", "k", "v"]).length +
      encodeCommand(["PING"]).length,
  );
});

test("a MULTI unit is applied only at EXEC and the offset advances past it only then", () => {
  const { store, applier, send, units } = setup();
  send("MULTI");
  send("SET", "a", "1");
  send("SELECT", "2");
  send("SET", "b", "2");
  assert.equal(store.find(0, "a"), 0, "nothing applied before EXEC");
  assert.equal(applier.offset, 1000);
  assert.equal(applier.inUnit, true);
  send("EXEC");
  assert.equal(store.find(0, "a"), 1);
  assert.equal(store.find(2, "b"), 1);
  assert.equal(applier.db, 2, "a SELECT inside the unit holds after it");
  const size = ["MULTI"], all = [size, ["SET", "a", "1"], ["SELECT", "2"], ["SET", "b", "2"], ["EXEC"]];
  assert.equal(applier.offset, 1000 + all.reduce((n, c) => n + encodeCommand(c).length, 0));
  assert.deepEqual(units, [[["SET", "a", "1"], ["SELECT", "2"], ["SET", "b", "2"]]]);
});

test("GETACK is answered with the offset before the GETACK itself", () => {
  const { acks, send } = setup(0);
  send("SET", "k", "v");
  send("REPLCONF", "GETACK", "*");
  assert.deepEqual(acks, [encodeCommand(["SET", "k", "v"]).length]);
});

test("unknown commands, bad arity and local failures are divergence with the command and offset", () => {
  const { divergences, send, applier } = setup(0);
  send("XYZZY", "k");
  send("GET");
  send("RPUSH", "l", "x");
  send("INCR", "l");
  send("SET", "l2", "x");
  send("INCR", "l2");
  assert.equal(divergences.length, 4);
  assert.deepEqual(divergences[0].command, ["XYZZY", "k"]);
  assert.deepEqual(divergences[2].command, ["INCR", "l"]);
  assert.equal(divergences[3].command[0], "INCR");
  assert.ok(divergences[3].offset > 0 && divergences[3].offset <= applier.offset);
});

test("SET options: NX, XX, KEEPTTL, EX/PX relative to the clock, PXAT absolute", () => {
  const { store, send } = setup();
  send("SET", "k", "v", "PXAT", String(NOW + 5000));
  store.find(0, "k");
  assert.equal(store.foundExpireAt, NOW + 5000);
  send("SET", "k", "w", "KEEPTTL");
  store.find(0, "k");
  assert.equal(store.foundExpireAt, NOW + 5000);
  assert.equal(store.foundString(), "w");
  send("SET", "k", "x", "NX");
  send("SET", "absent", "x", "XX");
  store.find(0, "k");
  assert.equal(store.foundString(), "w");
  assert.equal(store.find(0, "absent"), 0);
  send("SET", "k", "y", "EX", "10");
  store.find(0, "k");
  assert.equal(store.foundExpireAt, NOW + 10_000);
  send("SET", "k", "z");
  store.find(0, "k");
  assert.equal(store.foundExpireAt, -1, "a plain SET drops the TTL");
  send("SETEX", "s", "3", "v");
  send("PSETEX", "p", "300", "v");
  store.find(0, "s");
  assert.equal(store.foundExpireAt, NOW + 3000);
  store.find(0, "p");
  assert.equal(store.foundExpireAt, NOW + 300);
});

test("PEXPIREAT conditions: NX, XX, GT, LT, and XX with LT", () => {
  const { store, send } = setup();
  const ttl = () => (store.find(0, "k"), store.foundExpireAt);
  send("SET", "k", "v");
  send("PEXPIREAT", "k", "5000", "XX");
  assert.equal(ttl(), -1);
  send("PEXPIREAT", "k", "5000", "GT");
  assert.equal(ttl(), -1, "GT: no TTL counts as infinite");
  send("PEXPIREAT", "k", "5000", "LT", "XX");
  assert.equal(ttl(), -1, "XX still requires a TTL");
  send("PEXPIREAT", "k", "5000", "LT");
  assert.equal(ttl(), 5000);
  send("PEXPIREAT", "k", "4000", "NX");
  assert.equal(ttl(), 5000);
  send("PEXPIREAT", "k", "6000", "GT");
  assert.equal(ttl(), 6000);
  send("PEXPIREAT", "k", "7000", "LT");
  assert.equal(ttl(), 6000);
  send("PERSIST", "k");
  assert.equal(ttl(), -1);
});

test("MSETNX sets all or none; GETDEL and GETSET as the primary's effects", () => {
  const { store, send } = setup();
  send("SET", "a", "1", "PXAT", String(NOW + 100));
  send("MSETNX", "a", "x", "b", "y");
  assert.equal(store.find(0, "b"), 0);
  send("MSETNX", "c", "x", "b", "y");
  assert.equal(store.find(0, "b"), 1);
  send("GETSET", "a", "2");
  store.find(0, "a");
  assert.equal(store.foundExpireAt, -1);
  send("GETDEL", "a");
  assert.equal(store.find(0, "a"), 0);
});

test("FLUSHDB, FLUSHALL, SWAPDB, COPY with DB, MOVE, RENAMENX", () => {
  const { store, send } = setup();
  send("SET", "k", "v");
  send("COPY", "k", "k2", "DB", "5");
  assert.equal(store.find(5, "k2"), 1);
  send("SWAPDB", "0", "5");
  assert.equal(store.find(0, "k2"), 1);
  assert.equal(store.find(5, "k"), 1);
  send("RENAMENX", "k2", "k2");
  send("SET", "other", "o");
  send("RENAMENX", "k2", "other");
  assert.equal(store.find(0, "k2"), 1, "RENAMENX onto an existing key does nothing");
  send("MOVE", "k2", "20");
  assert.equal(store.find(20, "k2"), 1, "databases beyond 16 appear when used");
  send("FLUSHDB", "ASYNC");
  assert.equal(store.dbSize(0), 0);
  assert.equal(store.dbSize(5), 1);
  send("FLUSHALL");
  assert.equal(store.dbSize(5) + store.dbSize(20), 0);
});

test("stream commands keep a placeholder: created by XADD or MKSTREAM, typed, deleted by DEL", () => {
  const { store, send, divergences } = setup();
  send("XADD", "s", "MAXLEN", "=", "10", "1-1", "f", "v");
  assert.equal(store.find(0, "s"), 6);
  assert.equal(store.foundTypeName(), "stream");
  send("XADD", "absent", "NOMKSTREAM", "*", "f", "v");
  assert.equal(store.find(0, "absent"), 0);
  send("XGROUP", "CREATE", "s", "g", "0");
  send("XGROUP", "CREATE", "made", "g", "$", "MKSTREAM");
  assert.equal(store.find(0, "made"), 6);
  send("XTRIM", "s", "MAXLEN", "0");
  assert.equal(store.find(0, "s"), 6, "an emptied stream stays");
  send("SET", "str", "v");
  send("XADD", "str", "*", "f", "v");
  assert.equal(divergences.length, 1, "a stream command on a string cannot match the primary");
  send("DEL", "s");
  assert.equal(store.find(0, "s"), 0);
});

test("__vdr_tx: writes after the marker wait until its deletion, then apply as one unit", () => {
  const { store, applier, send, units } = setup(0);
  let sent = 0;
  const sendCounting = (...args: string[]) => {
    sent += encodeCommand(args).length;
    send(...args);
  };
  sendCounting("SET", "before", "1");
  const afterBefore = applier.offset;
  sendCounting("SET", "__vdr_tx", "1", "PXAT", "9999999999999");
  sendCounting("SET", "a", "1");
  sendCounting("SELECT", "3");
  sendCounting("MULTI");
  sendCounting("SET", "b", "2");
  sendCounting("EXEC");
  sendCounting("PING");
  assert.equal(applier.inTransaction, true);
  assert.equal(store.find(0, "a"), 0, "nothing of the transaction is visible");
  assert.equal(store.find(0, "__vdr_tx"), 0, "not even the marker");
  assert.equal(applier.offset, afterBefore, "the applied offset waits");
  assert.equal(applier.processedOffset, sent, "what was received counts for ACKs");
  sendCounting("DEL", "__vdr_tx");
  assert.equal(applier.inTransaction, false);
  assert.equal(store.find(0, "a"), 1);
  assert.equal(store.find(3, "b"), 1);
  assert.equal(store.find(3, "__vdr_tx"), 0);
  assert.equal(applier.offset, sent);
  assert.equal(units.length, 2, "the write before, then the whole transaction as one unit");
  assert.deepEqual(units[1].map((c) => c[0]), ["SET", "SET", "SELECT", "SET", "DEL"]);
});

test("__vdr_tx: UNLINK, GETDEL and FLUSHALL close it; opened and closed inside one MULTI is just a unit", () => {
  for (const close of [["UNLINK", "x", "__vdr_tx"], ["GETDEL", "__vdr_tx"], ["FLUSHALL"]]) {
    const { store, applier, send } = setup(0);
    send("SETEX", "__vdr_tx", "5", "1");
    send("SET", "a", "1");
    assert.equal(store.find(0, "a"), 0);
    send(...close);
    assert.equal(applier.inTransaction, false, close.join(" "));
    if (close[0] !== "FLUSHALL") assert.equal(store.find(0, "a"), 1);
  }
  const { store, applier, send, units } = setup(0);
  send("MULTI");
  send("SET", "__vdr_tx", "1");
  send("SET", "a", "1");
  send("DEL", "__vdr_tx");
  send("EXEC");
  assert.equal(applier.inTransaction, false);
  assert.equal(store.find(0, "a"), 1);
  assert.equal(units.length, 1);
});

test("__vdr_tx: a transaction outgrowing its buffer is divergence (TransactionOverflowError)", async () => {
  const { TransactionOverflowError } = await import("../../src/replication/applier.ts");
  const store = new Store();
  const divergences: DivergenceError[] = [];
  const applier = new Applier(store, 0, { onGetAck() {}, onDivergence: (e) => divergences.push(e) }, () => NOW, {
    maxTransactionCommands: 10,
  });
  const send = (...args: string[]) => applier.apply(args.map((a) => enc.encode(a)), encodeCommand(args).length);
  send("PSETEX", "__vdr_tx", "5000", "1");
  for (let i = 0; i < 20; i++) send("SET", `k${i}`, "v");
  assert.equal(divergences.length, 1);
  assert.ok(divergences[0] instanceof TransactionOverflowError);
  assert.match(divergences[0].message, /outgrew its buffer/);
});

test("a snapshot holding the marker: the applier starts inside the transaction", () => {
  const store = new Store();
  const transactions: boolean[] = [];
  const applier = new Applier(
    store,
    0,
    {
      onGetAck() {},
      onDivergence() {},
      onTransaction: (open) => transactions.push(open),
    },
    () => NOW,
    { inTransaction: true },
  );
  const send = (...args: string[]) => applier.apply(args.map((a) => enc.encode(a)), encodeCommand(args).length);
  send("SET", "rest", "1");
  assert.equal(store.find(0, "rest"), 0);
  send("DEL", "__vdr_tx");
  assert.equal(store.find(0, "rest"), 1);
  assert.deepEqual(transactions, [false]);
});
