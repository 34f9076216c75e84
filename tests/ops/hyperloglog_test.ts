// Unit tests of src/ops/hyperloglog.ts: the hash against a BigInt reference, the sparse opcode algorithm on hand-made
// cases, and values recorded from redis-server 7.0.15 (`PFADD`/`PFCOUNT`/`GETRANGE k 0 -1`).
import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { Buffer } from "node:buffer";
import {
  cardinalityBytes,
  createHll,
  denseGet,
  estimateFromHistogram,
  HLL_DENSE,
  HLL_DENSE_SIZE,
  HLL_HDR_SIZE,
  HLL_REGISTERS,
  HLL_SPARSE,
  HLL_SPARSE_MAX_BYTES,
  hllAdd,
  hllBytes,
  hllCacheValid,
  hllCount,
  hllCountRaw,
  hllMerge,
  hllPatLen,
  hllValue,
  isValidHll,
  lastHash,
  murmurHash64A,
  pfadd,
  pfmergeInto,
  registerHistogram,
  sparseSet,
  sparseToDense,
} from "../../src/ops/hyperloglog.ts";
import { arrayAccess } from "../../src/ops/bitfield.ts";
import { seededRandom } from "../_support/random.ts";

const enc = new TextEncoder();
const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");
const sha256 = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");

/** MurmurHash64A in BigInt, straight from the C. */
function murmurReference(d: Uint8Array, seed = 0xadc83b19n): bigint {
  const M = 0xc6a4a7935bd1e995n, MASK = (1n << 64n) - 1n;
  const len = d.length;
  let h = (seed ^ (BigInt(len) * M)) & MASK;
  const blocks = len - (len & 7);
  for (let i = 0; i < blocks; i += 8) {
    let k = 0n;
    for (let j = 7; j >= 0; j--) k = (k << 8n) | BigInt(d[i + j]);
    k = (k * M) & MASK;
    k ^= k >> 47n;
    k = (k * M) & MASK;
    h ^= k;
    h = (h * M) & MASK;
  }
  const rest = len & 7;
  if (rest) {
    for (let j = rest - 1; j >= 0; j--) h ^= BigInt(d[blocks + j]) << BigInt(8 * j);
    h = (h * M) & MASK;
  }
  h ^= h >> 47n;
  h = (h * M) & MASK;
  h ^= h >> 47n;
  return h;
}

function elements(prefix: string, n: number): Uint8Array[] {
  return Array.from({ length: n }, (_, i) => enc.encode(prefix + i));
}

test("MurmurHash64A on 32-bit halves equals the 64-bit reference", () => {
  const rnd = seededRandom(7);
  for (let n = 0; n < 5000; n++) {
    const d = new Uint8Array(n % 70);
    for (let i = 0; i < d.length; i++) d[i] = Math.floor(rnd() * 256);
    murmurHash64A(d);
    const got = (BigInt(lastHash.hi) << 32n) | BigInt(lastHash.lo);
    assert.equal(got, murmurReference(d), `input ${hex(d)}`);
  }
});

test("hllPatLen: register index is the low 14 bits, count the trailing zeros above them plus one", () => {
  for (const e of elements("x", 500)) {
    const h = murmurReference(e);
    const pat = hllPatLen(e);
    assert.equal(pat >> 6, Number(h & 0x3fffn));
    let rest = (h >> 14n) | (1n << 50n);
    let count = 1;
    while ((rest & 1n) === 0n) {
      count++;
      rest >>= 1n;
    }
    assert.equal(pat & 63, count);
  }
});

test("an empty HLL is HYLL, sparse, cache 0 and valid, one XZERO of 16384", () => {
  const h = createHll();
  assert.equal(hex(hllBytes(h)), "48594c4c" + "01" + "000000" + "0000000000000000" + "7fff");
  assert.equal(hllCount(h), 0n);
});

test("PFADD bytes match redis-server", () => {
  const r = pfadd(null, ["a", "b", "c"].map((s) => enc.encode(s)));
  assert.equal(hex(r.value), "48594c4c01000000000000000000008060f38050b1844bfb80425a");
  assert.ok(r.updated);
  const s1 = pfadd(null, ["x", "y", "z", "hello", "world", "1", "2", "3"].map((s) => enc.encode(s)));
  assert.equal(
    hex(s1.value),
    "48594c4c0100000000000000000000804ab58852af80441c8042798046db804f758841b58c43e98408",
  );
  // adding an element already counted changes nothing
  const again = pfadd(s1.value, [enc.encode("hello")]);
  assert.equal(again.updated, false);
  assert.equal(hex(again.value), hex(s1.value));
});

test("PFCOUNT estimates match redis-server, sparse and dense", () => {
  const expected: Array<[number, bigint, number]> = [
    [1, 1n, HLL_SPARSE],
    [10, 10n, HLL_SPARSE],
    [100, 100n, HLL_SPARSE],
    [1000, 1008n, HLL_SPARSE],
    [10000, 9973n, HLL_DENSE],
    [100000, 100853n, HLL_DENSE],
  ];
  for (const [n, card, encoding] of expected) {
    const { value } = pfadd(null, elements("e", n));
    assert.equal(value[4], encoding, `encoding after ${n}`);
    assert.equal(hllCount(hllValue(value)), card, `count of ${n}`);
  }
});

test("whole values after PFCOUNT equal redis-server's (sha256 of GETRANGE 0 -1)", () => {
  for (
    const [n, digest] of [
      [1000, "ab6313e24c05ff993730105e09ef76d5c0c4fcde58406d6a29d1889220a056e4"],
      [100000, "548dba672576d8a299d51943c2728e21beda0aea57391bd87567dba08eed8e4e"],
    ] as const
  ) {
    const value = new Uint8Array(pfadd(null, elements("e", n)).value);
    const card = hllCount(hllValue(value))!;
    value.set(cardinalityBytes(card), 8);
    assert.ok(hllCacheValid(value));
    assert.equal(sha256(value), digest, `e0..e${n - 1}`);
  }
});

test("multi-key count is the count of the merged registers", () => {
  const max = new Uint8Array(HLL_REGISTERS);
  for (const n of [10, 1000, 100000]) assert.ok(hllMerge(max, hllValue(pfadd(null, elements("e", n)).value)));
  assert.equal(hllCountRaw(max), 100853n);
});

test("sparse set: XZERO split into XZERO-VAL-XZERO, then adjacent VALs merge", () => {
  const h = createHll();
  assert.equal(sparseSet(h, 100, 3), 1);
  // XZERO(100) VAL(3,1) XZERO(16283)
  assert.equal(hex(hllBytes(h).subarray(HLL_HDR_SIZE)), "4063" + "88" + "7f9a");
  assert.equal(h.buf[15] & 0x80, 0x80, "cache invalidated");
  assert.equal(sparseSet(h, 101, 3), 1);
  // the new VAL(3,1) merges with the previous one: VAL(3,2)
  assert.equal(hex(hllBytes(h).subarray(HLL_HDR_SIZE)), "4063" + "89" + "7f99");
  assert.equal(sparseSet(h, 101, 2), 0, "a lower count changes nothing");
  assert.equal(sparseSet(h, 101, 5), 1);
  // VAL(3,2) split in VAL(3,1) VAL(5,1)
  assert.equal(hex(hllBytes(h).subarray(HLL_HDR_SIZE)), "4063" + "88" + "90" + "7f99");
  assert.equal(sparseSet(h, 0, 1), 1);
  // a short zero run uses ZERO: VAL(1,1) ZERO(99) ...
  assert.equal(hex(hllBytes(h).subarray(HLL_HDR_SIZE, HLL_HDR_SIZE + 3)), "80" + "4062");
  assert.equal(sparseSet(h, 50, 33), 1, "a count above 32 promotes");
  assert.equal(h.buf[4], HLL_DENSE);
  assert.equal(h.len, HLL_DENSE_SIZE);
  const regs = arrayAccess(h.buf);
  assert.deepEqual([0, 50, 100, 101, 102].map((i) => denseGet(regs, HLL_HDR_SIZE, i)), [1, 33, 3, 5, 0]);
});

test("the sparse limit: promotion happens on the change that would exceed it", () => {
  // one element at a time; element a1681 would make the sparse value 3001 bytes
  const h = createHll();
  const es = elements("a", 1682);
  for (let i = 0; i < 1681; i++) hllAdd(h, es[i]);
  assert.equal(h.buf[4], HLL_SPARSE);
  assert.equal(h.len, 2999);
  const sparseCopy = hllValue(hllBytes(h));
  assert.equal(hllAdd(h, es[1681]), 1);
  assert.equal(h.buf[4], HLL_DENSE, `promoted at ${HLL_SPARSE_MAX_BYTES}`);
  assert.equal(hllAdd(sparseCopy, es[1681], 3001), 1);
  assert.equal(sparseCopy.len, 3001, "a larger limit keeps it sparse");
  assert.deepEqual(registerHistogram(sparseCopy).reghisto, registerHistogram(h).reghisto);
});

test("sparse to dense keeps the header and the registers", () => {
  const { value } = pfadd(null, elements("q", 700));
  const h = hllValue(value);
  const before = registerHistogram(h).reghisto;
  assert.ok(sparseToDense(h));
  assert.equal(h.len, HLL_DENSE_SIZE);
  assert.equal(hex(h.buf.subarray(0, 16)), hex(value.subarray(0, 4)) + "00" + hex(value.subarray(5, 16)));
  assert.deepEqual(registerHistogram(h).reghisto, before);
  assert.equal(hllCount(h), hllCount(hllValue(value)));
});

test("PFMERGE: all sparse stays sparse, any dense input gives dense, registers are the max", () => {
  const a = pfadd(null, elements("a", 50)).value;
  const b = pfadd(null, elements("b", 60)).value;
  const max = new Uint8Array(HLL_REGISTERS);
  hllMerge(max, hllValue(a));
  hllMerge(max, hllValue(b));
  const sparse = pfmergeInto(null, max, false)!;
  assert.equal(sparse[4], HLL_SPARSE);
  const both = pfadd(a, elements("b", 60)).value;
  // the same registers as adding everything to one HLL (register by register, so even the same opcodes)
  assert.equal(hex(sparse.subarray(16)), hex(both.subarray(16)));
  const dense = pfmergeInto(a, max, true)!;
  assert.equal(dense[4], HLL_DENSE);
  assert.equal(hllCount(hllValue(dense)), hllCount(hllValue(sparse)));
  assert.equal(dense[15] & 0x80, 0x80, "cache invalidated");
});

test("validity: magic, encoding and the exact dense length", () => {
  const empty = hllBytes(createHll());
  assert.ok(isValidHll(empty, empty.length));
  assert.ok(!isValidHll(empty, 15));
  const bad = new Uint8Array(empty);
  bad[0] = 0x68;
  assert.ok(!isValidHll(bad, bad.length));
  bad[0] = 0x48;
  bad[4] = 2;
  assert.ok(!isValidHll(bad, bad.length));
  bad[4] = HLL_DENSE;
  assert.ok(!isValidHll(bad, bad.length), "a dense header on a short value");
  assert.ok(isValidHll(bad, HLL_DENSE_SIZE));
});

test("corrupted sparse data is detected where Redis detects it", () => {
  const short = hllValue(Uint8Array.from([...hllBytes(createHll()).subarray(0, 16), 0x7f, 0xfe])); // 16383 registers
  assert.equal(hllCount(short), null);
  assert.equal(hllMerge(new Uint8Array(HLL_REGISTERS), short), false);
  assert.equal(sparseToDense(hllValue(hllBytes(short))), false);
  assert.equal(sparseSet(short, 16383, 1), -1, "no opcode covers the last register");
  // no opcodes at all: PFADD fails (Redis replies INVALIDOBJ and propagates nothing)
  const r = pfadd(hllBytes(createHll()).subarray(0, 16), [enc.encode("x")]);
  assert.equal(r.corrupted, true);
});

test("the estimator's edge cases", () => {
  const histo = new Array(64).fill(0);
  histo[0] = HLL_REGISTERS;
  assert.equal(estimateFromHistogram(histo), 0n, "sigma(1) is infinite: 0");
  histo[0] = 0;
  histo[51] = HLL_REGISTERS;
  assert.equal(estimateFromHistogram(histo), 1n << 63n, "a zero denominator: llroundl(inf) as uint64");
  assert.deepEqual([...cardinalityBytes(1n << 63n)], [0, 0, 0, 0, 0, 0, 0, 0x80]);
  assert.deepEqual([...cardinalityBytes(0x0102n)], [2, 1, 0, 0, 0, 0, 0, 0]);
});
