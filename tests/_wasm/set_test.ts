// Unit tests of the store's sets (assembly/set.ts through src/_wasm/store.ts): no server needed.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { Store, ValueType } from "../../src/_wasm/store.ts";
import { StoreFullError, WrongTypeError } from "../../src/errors.ts";
import { seededRandom } from "../_support/random.ts";

const te = new TextEncoder();
const b = (s: string) => te.encode(s);
const hex = (u: Uint8Array) => Array.from(u, (x) => x.toString(16).padStart(2, "0")).join("");

/** memcmp order, shorter first on a common prefix (what the store promises). */
function compareBytes(x: Uint8Array, y: Uint8Array): number {
  const n = Math.min(x.length, y.length);
  for (let i = 0; i < n; i++) if (x[i] !== y[i]) return x[i] - y[i];
  return x.length - y.length;
}

function members(s: Store, db: number, key: string | Uint8Array): Uint8Array[] {
  assert.equal(s.find(db, key), ValueType.set);
  return s.foundSetMembers();
}

function membersText(s: Store, db: number, key: string): string[] {
  return members(s, db, key).map((m) => new TextDecoder().decode(m));
}

function encoding(s: Store, db: number, key: string): string {
  assert.equal(s.find(db, key), ValueType.set);
  return s.foundSetEncoding();
}

function assertWrongType(fn: () => unknown, actual: string) {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof WrongTypeError, String(e));
    assert.equal(e.expected, "set");
    assert.equal(e.actual, actual);
    return true;
  });
}

describe("store: sets", () => {
  it("add / remove / card / has / members; the emptied set is deleted", () => {
    const s = new Store();
    assert.equal(s.setAdd(0, b("s"), b("b")), true);
    assert.equal(s.setAdd(0, b("s"), b("a")), true);
    assert.equal(s.setAdd(0, b("s"), b("b")), false);
    assert.equal(s.find(0, "s"), ValueType.set);
    assert.equal(s.foundTypeName(), "set");
    assert.equal(s.foundSetCard(), 2);
    assert.equal(s.foundSetHas("a"), true);
    assert.equal(s.foundSetHas(b("b")), true);
    assert.equal(s.foundSetHas("c"), false);
    assert.deepEqual(membersText(s, 0, "s"), ["a", "b"]);
    assert.equal(s.setRemove(0, b("s"), b("zz")), false);
    assert.equal(s.setRemove(0, b("nokey"), b("a")), false);
    assert.equal(s.setRemove(0, b("s"), b("a")), true);
    assert.deepEqual(membersText(s, 0, "s"), ["b"]);
    assert.equal(s.setRemove(0, b("s"), b("b")), true);
    assert.equal(s.find(0, "s"), ValueType.none);
    assert.equal(s.dbSize(0), 0);
    assert.equal(s.setRemove(99, b("s"), b("b")), false);
  });

  it("binary-safe members, the empty member, byte order with prefixes", () => {
    const s = new Store();
    const ms = [
      new Uint8Array([]),
      new Uint8Array([0]),
      new Uint8Array([0, 0]),
      new Uint8Array([0xff]),
      new Uint8Array([0x61]),
      new Uint8Array([0x61, 0]),
      new Uint8Array([0x61, 0x62]),
      new Uint8Array([0x61, 0xff, 0x62]),
      b("abcdefgh"),
      b("abcdefgh\0"),
      b("abcdefghi"),
      b("abcdefgg~~~~~~~~~~~~"),
      b("ключ😀"),
    ];
    const shuffled = [...ms].reverse();
    for (const m of shuffled) assert.equal(s.setAdd(0, b("k"), m), true);
    for (const m of ms) assert.equal(s.setAdd(0, b("k"), m), false);
    const want = [...ms].sort(compareBytes).map(hex);
    assert.deepEqual(members(s, 0, "k").map(hex), want);
    assert.equal(s.find(0, "k"), ValueType.set);
    assert.equal(s.foundSetHas(new Uint8Array([])), true);
    assert.equal(s.foundSetHas(new Uint8Array([0, 0, 0])), false);
    assert.equal(s.foundSetHas("ключ😀"), true);
    assert.equal(s.setRemove(0, b("k"), new Uint8Array([])), true);
    assert.equal(s.setRemove(0, b("k"), new Uint8Array([0])), true);
    assert.deepEqual(members(s, 0, "k").map(hex), want.slice(2));
  });

  it("WRONGTYPE on keys of other types, nothing changed", () => {
    const s = new Store();
    s.set(0, b("str"), b("v"), 0, -1);
    assertWrongType(() => s.setAdd(0, b("str"), b("m")), "string");
    assertWrongType(() => s.setRemove(0, b("str"), b("m")), "string");
    assertWrongType(() => s.setAddMany(0, b("str"), [b("m"), b("n")]), "string");
    assertWrongType(() => s.setRemoveMany(0, b("str"), [b("m")]), "string");
    s.setPlaceholder(0, b("stream"), b("stream"), -1);
    assertWrongType(() => s.setAdd(0, b("stream"), b("m")), "stream");
    assert.equal(s.find(0, "str"), ValueType.string);
    assert.equal(s.foundString(), "v");
    assertWrongType(() => s.foundSetCard(), "string");
    assertWrongType(() => s.foundSetMembers(), "string");
    s.find(0, "missing");
    assertWrongType(() => s.foundSetHas("x"), "none");
  });

  it("converts to a hash table past 128 members, keeps byte order, never converts back", () => {
    const s = new Store();
    const all: string[] = [];
    for (let i = 0; i < 128; i++) {
      const m = `m${(i * 7919) % 1000}`;
      all.push(m);
      assert.equal(s.setAdd(0, b("k"), b(m)), true);
    }
    assert.equal(encoding(s, 0, "k"), "listpack");
    assert.equal(s.setAdd(0, b("k"), b(all[5])), false, "an existing member does not convert");
    assert.equal(encoding(s, 0, "k"), "listpack");
    assert.deepEqual(membersText(s, 0, "k"), [...all].sort());
    assert.equal(s.setAdd(0, b("k"), b("zzz")), true);
    all.push("zzz");
    assert.equal(encoding(s, 0, "k"), "hashtable");
    assert.equal(s.foundSetCard(), 129);
    assert.deepEqual(membersText(s, 0, "k"), [...all].sort());
    for (const m of all.slice(0, 128)) assert.equal(s.setRemove(0, b("k"), b(m)), true);
    assert.equal(encoding(s, 0, "k"), "hashtable");
    assert.deepEqual(membersText(s, 0, "k"), ["zzz"]);
    assert.equal(s.setRemove(0, b("k"), b("zzz")), true);
    assert.equal(s.find(0, "k"), ValueType.none);
  });

  it("converts to a hash table on a member longer than 64 bytes", () => {
    const s = new Store();
    s.setAdd(0, b("k"), b("x".repeat(64)));
    s.setAdd(0, b("k"), b("a"));
    assert.equal(encoding(s, 0, "k"), "listpack");
    assert.equal(s.find(0, "k"), ValueType.set);
    assert.equal(s.foundSetHas("y".repeat(65)), false);
    assert.equal(s.setRemove(0, b("k"), b("y".repeat(65))), false);
    assert.equal(encoding(s, 0, "k"), "listpack");
    s.setAdd(0, b("k"), b("y".repeat(65)));
    assert.equal(encoding(s, 0, "k"), "hashtable");
    assert.deepEqual(membersText(s, 0, "k"), ["a", "x".repeat(64), "y".repeat(65)]);
    // a new set whose first member is long starts as a hash table
    s.setAdd(0, b("long"), b("z".repeat(100)));
    assert.equal(encoding(s, 0, "long"), "hashtable");
    assert.deepEqual(membersText(s, 0, "long"), ["z".repeat(100)]);
    // SADD of many members crossing the count limit in one call
    const many = Array.from({ length: 300 }, (_, i) => b(`n${i}`));
    assert.equal(s.setAddMany(0, b("many"), many), 300);
    assert.equal(encoding(s, 0, "many"), "hashtable");
    assert.equal(s.foundSetCard(), 300);
  });

  it("lists a large set in byte order", () => {
    const s = new Store();
    const rnd = seededRandom(7);
    const model = new Map<string, Uint8Array>();
    const common = b("a-common-prefix:20b:");
    for (let i = 0; i < 6000; i++) {
      const len = Math.floor(rnd() * 40);
      const m = new Uint8Array(len);
      // few distinct bytes so long common prefixes (ties over the 8 and 16 bytes the sort
      // compares as integers) are frequent; half the members share a 20-byte prefix
      for (let j = 0; j < len; j++) m[j] = rnd() < 0.8 ? 0x61 : rnd() < 0.5 ? 0 : Math.floor(rnd() * 256);
      if (rnd() < 0.5) m.set(common.subarray(0, Math.min(len, common.length)));
      model.set(hex(m), m);
      s.setAdd(0, b("big"), m);
    }
    assert.equal(s.find(0, "big"), ValueType.set);
    assert.equal(s.foundSetCard(), model.size);
    assert.deepEqual(s.foundSetMembers().map(hex), [...model.values()].sort(compareBytes).map(hex));
  });

  it("setAddMany / setRemoveMany: counts, duplicates, removal stops when the set empties", () => {
    const s = new Store();
    const args = [b("sadd"), b("k"), b("a"), b("b"), b("a"), b("c")];
    assert.equal(s.setAddMany(0, b("k"), args, 2), 3);
    assert.equal(s.setAddMany(0, b("k"), [b("c"), b("d")]), 1);
    assert.equal(s.setAddMany(0, b("k"), []), 0);
    assert.equal(s.setAddMany(0, b("none"), []), 0);
    assert.equal(s.find(0, "none"), ValueType.none);
    assert.deepEqual(membersText(s, 0, "k"), ["a", "b", "c", "d"]);
    assert.equal(s.setRemoveMany(0, b("k"), [b("srem"), b("k"), b("a"), b("x"), b("a")], 2), 1);
    assert.equal(s.setRemoveMany(0, b("k"), [b("b"), b("c"), b("d"), b("b")]), 3);
    assert.equal(s.find(0, "k"), ValueType.none);
    assert.equal(s.setRemoveMany(0, b("k"), [b("b")]), 0);
    // a large member list goes through a grown scratch region
    const big = Array.from({ length: 2000 }, (_, i) => b(`member-${i}-`.repeat(5)));
    assert.equal(s.setAddMany(0, b("big"), big), 2000);
    assert.equal(s.setRemoveMany(0, b("big"), big.slice(0, 1999)), 1999);
    assert.equal(s.find(0, "big"), ValueType.set);
    assert.equal(s.foundSetCard(), 1);
  });

  it("setMove follows t_set.c", () => {
    const s = new Store();
    s.set(0, b("str"), b("v"), 0, -1);
    // absent source: 0, whatever the destination holds
    assert.equal(s.setMove(0, b("nosrc"), b("str"), b("m")), 0);
    assert.equal(s.setMove(0, b("nosrc"), b("dst"), b("m")), 0);
    assert.equal(s.find(0, "dst"), ValueType.none);
    // wrong types: source first, then destination; nothing changes
    assertWrongType(() => s.setMove(0, b("str"), b("dst"), b("m")), "string");
    s.setAddMany(0, b("src"), [b("a"), b("b")]);
    assertWrongType(() => s.setMove(0, b("src"), b("str"), b("a")), "string");
    assert.deepEqual(membersText(s, 0, "src"), ["a", "b"]);
    // src == dst: no change; the reply says whether member is there
    assert.equal(s.setMove(0, b("src"), b("src"), b("a")), 1);
    assert.equal(s.setMove(0, b("src"), b("src"), b("x")), 0);
    assert.deepEqual(membersText(s, 0, "src"), ["a", "b"]);
    // member not in src: nothing, dst not created
    assert.equal(s.setMove(0, b("src"), b("dst"), b("x")), 0);
    assert.equal(s.find(0, "dst"), ValueType.none);
    // creates dst
    assert.equal(s.setMove(0, b("src"), b("dst"), b("a")), 1);
    assert.deepEqual(membersText(s, 0, "src"), ["b"]);
    assert.deepEqual(membersText(s, 0, "dst"), ["a"]);
    // dst already holds the member: it still leaves src, which is deleted when empty
    s.setAdd(0, b("dst"), b("b"));
    assert.equal(s.setMove(0, b("src"), b("dst"), b("b")), 1);
    assert.equal(s.find(0, "src"), ValueType.none);
    assert.deepEqual(membersText(s, 0, "dst"), ["a", "b"]);
    // into a large set and out of one
    const many = Array.from({ length: 200 }, (_, i) => b(`x${i}`));
    s.setAddMany(0, b("large"), many);
    assert.equal(s.setMove(0, b("dst"), b("large"), b("a")), 1);
    assert.equal(s.setMove(0, b("large"), b("dst"), b("x7")), 1);
    assert.deepEqual(membersText(s, 0, "dst"), ["b", "x7"]);
    assert.equal(s.find(0, "large"), ValueType.set);
    assert.equal(s.foundSetCard(), 200);
    assert.equal(s.foundSetHas("a"), true);
    assert.equal(s.foundSetHas("x7"), false);
  });

  it("COPY / RENAME / MOVE / DEL / FLUSHDB of both encodings, TTL kept, no memory leaked", () => {
    const s = new Store();
    // warm up the buffers and tables that stay allocated (output buffer, db tables, scratch)
    const fill = (key: string, n: number) => {
      for (let i = 0; i < n; i++) s.setAdd(0, b(key), b(`member:${i}`));
    };
    fill("warm", 1000);
    members(s, 0, "warm");
    s.copy(0, b("warm"), 1, b("warm"), false);
    s.del(0, b("warm"));
    s.del(1, b("warm"));
    const base = s.usedBytes();
    for (const n of [3, 300]) {
      fill("a", n);
      s.setExpire(0, b("a"), 4102444800000);
      const want = membersText(s, 0, "a");
      assert.equal(s.copy(0, b("a"), 0, b("c"), false), true);
      assert.equal(s.copy(0, b("a"), 1, b("c"), false), true);
      s.setAdd(0, b("a"), b("only-in-a"));
      s.setRemove(0, b("c"), b("member:0"));
      assert.deepEqual(membersText(s, 1, "c"), want);
      assert.equal(s.foundExpireAt, 4102444800000);
      assert.deepEqual(membersText(s, 0, "c"), want.filter((m) => m !== "member:0"));
      assert.equal(s.rename(0, b("a"), b("r"), false), 1);
      assert.equal(s.find(0, "a"), ValueType.none);
      assert.deepEqual(membersText(s, 0, "r"), [...want, "only-in-a"].sort());
      assert.equal(s.foundExpireAt, 4102444800000);
      assert.equal(s.move(0, b("r"), 2), true);
      assert.deepEqual(membersText(s, 2, "r"), [...want, "only-in-a"].sort());
      assert.equal(s.copy(2, b("r"), 1, b("c"), true), true, "COPY REPLACE over a set");
      assert.equal(s.find(1, "c"), ValueType.set);
      assert.equal(s.foundSetCard(), n + 1);
      assert.equal(s.del(0, b("c")), true);
      assert.equal(s.del(2, b("r")), true);
      s.flushDb(1);
      assert.equal(s.usedBytes(), base, `memory back to the baseline after ${n} members`);
    }
  });

  it("a full store fails the write with nothing changed", () => {
    const s = new Store({ maxMemoryBytes: 2 * 1024 * 1024 });
    const added: string[] = [];
    let failed = 0;
    for (let i = 0; i < 200000 && failed < 20; i++) {
      const key = `k${i % 7}`;
      const m = `member-${i}-${"x".repeat(i % 90)}`;
      try {
        s.setAdd(0, b(key), b(m));
        added.push(`${key} ${m}`);
      } catch (e) {
        assert.ok(e instanceof StoreFullError);
        failed++;
      }
    }
    assert.ok(failed > 0, "the cap was reached");
    // listing members needs an output buffer (no memory left): check with reads that do not allocate
    const byKey = new Map<string, string[]>();
    for (const entry of added) {
      const [key, m] = entry.split(" ");
      byKey.set(key, [...(byKey.get(key) ?? []), m]);
    }
    for (let k = 0; k < 7; k++) {
      const want = byKey.get(`k${k}`) ?? [];
      if (want.length === 0) {
        assert.equal(s.find(0, `k${k}`), ValueType.none);
        continue;
      }
      assert.equal(s.find(0, `k${k}`), ValueType.set);
      assert.equal(s.foundSetCard(), want.length);
      for (const m of want) assert.equal(s.foundSetHas(m), true, `k${k} ${m}`);
    }
  });

  it("randomized model test against JS Sets (seeded)", () => {
    // universes: small sets stay packed, medium ones cross the count limit, large ones with long members
    for (const [seed, size] of [[1, 40], [2, 140], [3, 260]]) {
      const rnd = seededRandom(seed);
      const s = new Store();
      const model = new Map<string, Set<string>>();
      const keys = ["s0", "s1", "s2", "s3"];
      const universe: string[] = [];
      for (let i = 0; i < size; i++) universe.push(i % 37 === 36 ? `long-${i}-${"y".repeat(60)}` : `${i}`);
      universe.push("");
      const pick = <T>(xs: T[]): T => xs[Math.floor(rnd() * xs.length)];
      for (let op = 0; op < 6000; op++) {
        const key = pick(keys);
        const m = pick(universe);
        const set = model.get(key);
        const r = rnd();
        if (r < 0.55) {
          const added = s.setAdd(0, b(key), b(m));
          assert.equal(added, !(set?.has(m) ?? false), `op ${op} SADD ${key} ${m}`);
          if (set) set.add(m);
          else model.set(key, new Set([m]));
        } else if (r < 0.9) {
          const removed = s.setRemove(0, b(key), b(m));
          assert.equal(removed, set?.has(m) ?? false, `op ${op} SREM ${key} ${m}`);
          set?.delete(m);
          if (set?.size === 0) model.delete(key);
        } else {
          const dst = pick(keys);
          const dstSet = model.get(dst);
          const reply = s.setMove(0, b(key), b(dst), b(m));
          const has = set?.has(m) ?? false;
          assert.equal(reply, has ? 1 : 0, `op ${op} SMOVE ${key} ${dst} ${m}`);
          if (has && key !== dst) {
            set!.delete(m);
            if (set!.size === 0) model.delete(key);
            if (dstSet) dstSet.add(m);
            else model.set(dst, new Set([m]));
          }
        }
        if (op % 50 === 0 || op > 5900) {
          for (const k of keys) {
            const want = model.get(k);
            if (want === undefined) {
              assert.equal(s.find(0, k), ValueType.none, `op ${op}: ${k} should be absent`);
              continue;
            }
            assert.deepEqual(membersText(s, 0, k), [...want].sort(), `op ${op}: members of ${k}`);
            assert.equal(s.foundSetCard(), want.size);
            const probe = pick(universe);
            assert.equal(s.foundSetHas(probe), want.has(probe));
          }
        }
      }
      assert.equal(s.dbSize(0), model.size);
    }
  });
});
