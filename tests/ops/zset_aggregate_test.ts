// Unit tests of src/ops/zset_aggregate.ts: ZUNIONSTORE/ZINTERSTORE/ZDIFFSTORE
// arithmetic as zunionInterDiffGenericCommand does it (t_zset.c).
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { aggregateScores, zsetDiff, type ZsetInput, zsetInter, zsetUnion } from "../../src/ops/zset_aggregate.ts";

const te = new TextEncoder();
const td = new TextDecoder();
const z = (pairs: Record<string, number>): ZsetInput => ({
  members: Object.keys(pairs).map((m) => te.encode(m)),
  scores: Object.values(pairs),
});
const s = (...members: string[]): ZsetInput => ({ members: members.map((m) => te.encode(m)), scores: null });
const asObject = (r: { members: Uint8Array[]; scores: number[] }) =>
  Object.fromEntries(r.members.map((m, i) => [td.decode(m), r.scores[i]]).sort());

describe("ops/zset_aggregate", () => {
  it("aggregateScores: SUM of inf and -inf is 0; MIN/MAX ignore NaN", () => {
    assert.equal(aggregateScores(Infinity, -Infinity, "sum"), 0);
    assert.equal(aggregateScores(1, 2, "sum"), 3);
    assert.equal(aggregateScores(1, NaN, "min"), 1);
    assert.equal(aggregateScores(1, NaN, "max"), 1);
    assert.equal(aggregateScores(1, -2, "min"), -2);
    assert.equal(aggregateScores(1, 5, "max"), 5);
  });

  it("union with weights and sets (score 1)", () => {
    const r = zsetUnion([z({ a: 1, b: 2 }), s("b", "c"), null], [2, 10, 1], "sum");
    assert.deepEqual(asObject(r), { a: 2, b: 14, c: 10 });
    assert.deepEqual(asObject(zsetUnion([z({ a: 1, b: 2 }), z({ b: -3 })], [1, 1], "min")), { a: 1, b: -3 });
    assert.deepEqual(asObject(zsetUnion([z({ a: 1, b: 2 }), z({ b: -3 })], [1, 1], "max")), { a: 1, b: 2 });
  });

  it("union: weight × score NaN counts as 0 before aggregating", () => {
    assert.deepEqual(asObject(zsetUnion([z({ a: Infinity }), z({ a: 5 })], [0, 1], "sum")), { a: 5 });
    assert.deepEqual(asObject(zsetUnion([z({ a: Infinity }), z({ a: -Infinity })], [1, 1], "sum")), { a: 0 });
  });

  it("intersection: a NaN product after the first input zeroes a SUM but is ignored by MIN/MAX", () => {
    // sizes order the inputs: the first (smaller) drives
    const small = z({ a: 5 });
    const big = z({ a: Infinity, x: 1 });
    assert.deepEqual(asObject(zsetInter([small, big], [1, 0], "sum")), { a: 0 });
    assert.deepEqual(asObject(zsetInter([small, big], [1, 0], "min")), { a: 5 });
    assert.deepEqual(asObject(zsetInter([small, big], [1, 0], "max")), { a: 5 });
    // the driving input's own NaN product is zeroed first
    assert.deepEqual(asObject(zsetInter([z({ a: Infinity }), z({ a: 5, x: 1 })], [0, 1], "sum")), { a: 5 });
  });

  it("intersection: absent or empty input gives nothing; sets count as 1", () => {
    assert.deepEqual(zsetInter([z({ a: 1 }), null], [1, 1], "sum").members, []);
    assert.deepEqual(asObject(zsetInter([z({ a: 3, b: 1 }), s("a")], [1, 1], "sum")), { a: 4 });
  });

  it("folds inputs in cardinality order, stable for equal sizes (addition order shows in the last bits)", () => {
    const a = z({ m: 1e16 }), b = z({ m: 1, x: 0 }), c = z({ m: -1e16 });
    // sizes: a=1, c=1, b=2 → ((1e16 + -1e16) + 1) = 1, whereas argument order would give 0
    assert.deepEqual(asObject(zsetUnion([a, b, c], [1, 1, 1], "sum")), { m: 1, x: 0 });
    assert.deepEqual(asObject(zsetInter([a, b, c], [1, 1, 1], "sum")), { m: 1 });
  });

  it("difference keeps the first input's scores", () => {
    assert.deepEqual(asObject(zsetDiff([z({ a: 1, b: 2, c: 3 }), s("b"), null, z({ c: 9 })])), { a: 1 });
    assert.deepEqual(asObject(zsetDiff([s("a", "b"), z({ b: 1 })])), { a: 1 });
    assert.deepEqual(zsetDiff([null, z({ a: 1 })]).members, []);
  });
});
