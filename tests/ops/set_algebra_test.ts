// Unit tests of src/ops/set_algebra.ts (SINTER/SUNION/SDIFF semantics of t_set.c).
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { setDifference, setIntersection, setUnion } from "../../src/ops/set_algebra.ts";

const te = new TextEncoder();
const td = new TextDecoder();
const set = (...members: string[]) => members.map((m) => te.encode(m));
const sorted = (members: Uint8Array[]) => members.map((m) => td.decode(m)).sort();

describe("ops/set_algebra", () => {
  it("intersection: common members; empty when an input is absent or empty", () => {
    assert.deepEqual(sorted(setIntersection([set("a", "b", "c"), set("b", "c", "d"), set("c", "b")])), ["b", "c"]);
    assert.deepEqual(setIntersection([set("a"), null]), []);
    assert.deepEqual(setIntersection([set("a"), []]), []);
    assert.deepEqual(sorted(setIntersection([set("a", "b")])), ["a", "b"]);
    assert.deepEqual(sorted(setIntersection([set("a", "b"), set("a", "b")])), ["a", "b"]);
  });

  it("union: every member once; absent inputs ignored", () => {
    assert.deepEqual(sorted(setUnion([set("a", "b"), null, set("b", "c")])), ["a", "b", "c"]);
    assert.deepEqual(setUnion([null, null]), []);
  });

  it("difference: first minus the others; absent first is empty", () => {
    assert.deepEqual(sorted(setDifference([set("a", "b", "c"), set("b"), null, set("c", "x")])), ["a"]);
    assert.deepEqual(setDifference([null, set("a")]), []);
    assert.deepEqual(setDifference([set("a"), set("a")]), []);
  });

  it("compares members as bytes", () => {
    const x = new Uint8Array([0, 255]), y = new Uint8Array([0, 255]), z = new Uint8Array([0]);
    assert.equal(setIntersection([[x, z], [y]]).length, 1);
    assert.equal(setUnion([[x], [y], [z]]).length, 2);
  });
});
