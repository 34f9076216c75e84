import { test } from "node:test";
import assert from "node:assert/strict";
import { RespCommandParser } from "../../src/resp/command_parser.ts";
import { encodeCommand } from "../../src/resp/encode.ts";
import { ProtocolError } from "../../src/errors.ts";
import { seededRandom } from "../_support/random.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();

function parseAll(chunks: Uint8Array[]): { args: string[]; size: number }[] {
  const out: { args: string[]; size: number }[] = [];
  const parser = new RespCommandParser((args, size) => out.push({ args: args.map((a) => dec.decode(a)), size }));
  for (const c of chunks) parser.push(c);
  return out;
}

function splitEvery(bytes: Uint8Array, n: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let i = 0; i < bytes.length; i += n) out.push(bytes.slice(i, i + n));
  return out;
}

const commands = [
  ["SELECT", "0"],
  ["SET", "k", "v"],
  ["SET", "", ""],
  ["MSET", "a", "1", "b", "x".repeat(1000)],
  ["ping"],
];
const stream = new Uint8Array(commands.flatMap((c) => [...encodeCommand(c)]));

test("parses commands and their exact sizes", () => {
  const parsed = parseAll([stream]);
  assert.deepEqual(parsed.map((p) => p.args), commands);
  assert.deepEqual(parsed.map((p) => p.size), commands.map((c) => encodeCommand(c).length));
});

test("same result for every chunk size, including 1 byte", () => {
  const whole = parseAll([stream]);
  for (const n of [1, 2, 3, 7, 64, 999]) assert.deepEqual(parseAll(splitEvery(stream, n)), whole);
});

test("consumed counts every byte and idle tells whether a command is pending", () => {
  const parser = new RespCommandParser(() => {});
  parser.push(stream.subarray(0, 10));
  assert.equal(parser.consumed, 10);
  assert.equal(parser.idle, false);
  parser.push(stream.subarray(10));
  assert.equal(parser.consumed, stream.length);
  assert.equal(parser.idle, true);
});

test("binary arguments survive, NUL and 0xff included", () => {
  const binary = new Uint8Array([0, 255, 13, 10, 36, 42]);
  const bytes = encodeCommand(["SET", binary, "v"]);
  let got: Uint8Array[] = [];
  const parser = new RespCommandParser((args) => got = args);
  for (const c of splitEvery(bytes, 3)) parser.push(c);
  assert.deepEqual([...got[1]], [...binary]);
});

test("garbled frames give a ProtocolError with the offset", () => {
  const bad = [
    "+OK\r\n",
    "*2\r\n$3\r\nSET\r\n:1\r\n",
    "*x\r\n",
    "*1\r\n$3\r\nabcd\r\n",
    "*0\r\n",
    "*1\r\n$-1\r\n",
  ];
  for (const text of bad) {
    const parser = new RespCommandParser(() => {});
    const prefix = encodeCommand(["PING"]);
    parser.push(prefix);
    assert.throws(() => parser.push(enc.encode(text)), (e: unknown) => {
      assert.ok(e instanceof ProtocolError, String(e));
      assert.ok(e.offset >= prefix.length && e.offset < prefix.length + text.length, `offset ${e.offset}`);
      return true;
    });
  }
});

test("random splits give the same commands, sizes and consumed counts as one push (fast path and state machine)", () => {
  const random = seededRandom(9);
  const pick = (n: number) => Math.floor(random() * n);
  const many: (string | Uint8Array)[][] = [];
  for (let i = 0; i < 300; i++) {
    const argc = 1 + pick(5);
    many.push(Array.from({ length: argc }, () => {
      const len = [0, 1, 5, 30, 300, 5000][pick(6)];
      return Uint8Array.from({ length: len }, () => pick(256));
    }));
  }
  const bytes = new Uint8Array(many.flatMap((c) => [...encodeCommand(c)]));
  const whole = parseAll([bytes]);
  assert.equal(whole.length, many.length);
  for (let round = 0; round < 30; round++) {
    const chunks: Uint8Array[] = [];
    for (let at = 0; at < bytes.length;) {
      const n = 1 + pick([3, 40, 700, 9000][round % 4]);
      chunks.push(bytes.slice(at, at + n));
      at += n;
    }
    const parser = new RespCommandParser(() => {});
    let seen = 0;
    for (const c of chunks) {
      parser.push(c);
      seen += c.length;
      assert.equal(parser.consumed, seen);
    }
    assert.deepEqual(parseAll(chunks), whole);
  }
});

test("a garbled frame reports the same offset however the stream is split", () => {
  const good = encodeCommand(["SET", "key", "value"]);
  const bad = enc.encode("*2\r\n$3\r\nSET\r\n$3\r\nabcd\r\n");
  const bytes = new Uint8Array([...good, ...good, ...bad]);
  const offsets = new Set<number>();
  for (const n of [1, 5, 13, 40, bytes.length]) {
    const parser = new RespCommandParser(() => {});
    try {
      for (const c of splitEvery(bytes, n)) parser.push(c);
      assert.fail("no error");
    } catch (e) {
      assert.ok(e instanceof ProtocolError, String(e));
      offsets.add(e.offset);
    }
  }
  assert.deepEqual([...offsets], [2 * good.length + 20]);
});
