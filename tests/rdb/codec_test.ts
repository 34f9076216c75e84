/** CRC-64, LZF and the compact-encoding readers, on known vectors and corruptions. */

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  Crc64,
  crc64,
  IntsetCursor,
  ListpackCursor,
  lzfCompress,
  lzfDecompress,
  moduleTypeName,
  RdbError,
  ZiplistCursor,
  ZipmapCursor,
} from "../../src/rdb/mod.ts";
import type { EntryCursor } from "../../src/rdb/mod.ts";
import { rng } from "./_helpers.ts";

const te = new TextEncoder();
const td = new TextDecoder();

function all(c: EntryCursor): string[] {
  const out: string[] = [];
  while (c.next()) out.push(td.decode(c.bytes()));
  return out;
}

function corrupt(f: () => unknown): void {
  assert.throws(f, (e) => e instanceof RdbError && e.reason === "CORRUPT");
}

describe("crc64", () => {
  it('"123456789" -> 0xe9c6d914c4b8d9ca', () => {
    assert.equal(crc64(te.encode("123456789")), 0xe9c6d914c4b8d9can);
  });
  it("is the same in any split", () => {
    const r = rng(7);
    const data = new Uint8Array(10007).map(() => Math.floor(r() * 256));
    const whole = crc64(data);
    for (const step of [1, 3, 8, 13, 4096]) {
      const c = new Crc64();
      for (let i = 0; i < data.length; i += step) c.update(data, i, Math.min(i + step, data.length));
      assert.equal(c.value(), whole, `step ${step}`);
    }
  });
  it("of nothing is 0", () => assert.equal(crc64(new Uint8Array(0)), 0n));
});

describe("lzf", () => {
  it("decompresses a hand-made stream (literal run + overlapping back reference)", () => {
    // literal "ab" (ctrl 1), then a reference of length 6 at distance 2 (ctrl (4<<5)|0, offset byte 1)
    const packed = new Uint8Array([1, 0x61, 0x62, (4 << 5) | 0, 1]);
    const out = new Uint8Array(8);
    assert.equal(lzfDecompress(packed, 0, packed.length, out), 8);
    assert.equal(td.decode(out), "abababab");
  });
  it("round-trips a known sample and random data", () => {
    const sample = te.encode("Veidrodelis mirrors Redis. ".repeat(40) + "tail");
    const packed = lzfCompress(sample)!;
    assert.ok(packed.length < sample.length / 4);
    const out = new Uint8Array(sample.length);
    assert.equal(lzfDecompress(packed, 0, packed.length, out), sample.length);
    assert.deepEqual(out, sample);
    const r = rng(3);
    for (let n = 0; n < 50; n++) {
      const len = 4 + Math.floor(r() * 3000);
      const alphabet = 1 + Math.floor(r() * 8);
      const data = new Uint8Array(len).map(() => Math.floor(r() * alphabet));
      const p = lzfCompress(data);
      if (!p) continue;
      const o = new Uint8Array(len);
      assert.equal(lzfDecompress(p, 0, p.length, o), len);
      assert.deepEqual(o, data);
    }
  });
  it("returns -1 on a reference before the start or an overflow", () => {
    assert.equal(lzfDecompress(new Uint8Array([0x20, 5]), 0, 2, new Uint8Array(10)), -1);
    assert.equal(lzfDecompress(new Uint8Array([3, 1, 2, 3, 4]), 0, 5, new Uint8Array(2)), -1);
  });
  it("gives up on incompressible data", () => {
    const r = rng(9);
    assert.equal(lzfCompress(new Uint8Array(100).map(() => Math.floor(r() * 256))), null);
  });
});

/** Build a listpack from entries given as raw encoded bytes (encoding + data). */
function listpack(entries: number[][]): Uint8Array {
  const body: number[] = [];
  for (const e of entries) {
    body.push(...e);
    const l = e.length;
    if (l <= 127) body.push(l);
    else body.push(l >> 7, (l & 127) | 128);
  }
  const total = 6 + body.length + 1;
  return new Uint8Array([total & 255, total >> 8, 0, 0, entries.length, 0, ...body, 0xff]);
}

describe("listpack", () => {
  it("reads every encoding", () => {
    const long = new Array(200).fill(0x78);
    const lp = listpack([
      [0x05], // 7-bit uint
      [0x83, 0x61, 0x62, 0x63], // 6-bit string
      [0xdf, 0xff], // 13-bit: -1
      [0xe0, 200, ...long], // 12-bit string of 200
      [0xf1, 0x00, 0x80], // int16 -32768
      [0xf2, 0xff, 0xff, 0x7f], // int24 8388607
      [0xf3, 0x00, 0x00, 0x00, 0x80], // int32 -2^31
      [0xf4, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f], // int64 max
      [0xf4, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x20, 0x00], // 2^53 + 1
    ]);
    const c = new ListpackCursor(lp, 0);
    assert.deepEqual(all(c), [
      "5",
      "abc",
      "-1",
      "x".repeat(200),
      "-32768",
      "8388607",
      "-2147483648",
      "9223372036854775807",
      "9007199254740993",
    ]);
    assert.equal(c.count, 9);
  });
  it("parses scores", () => {
    const c = new ListpackCursor(
      listpack([[0x83, 0x69, 0x6e, 0x66], [0x84, 0x2d, 0x69, 0x6e, 0x66], [0x83, 0x32, 0x2e, 0x35], [0x07]]),
      0,
    );
    const s: number[] = [];
    while (c.next()) s.push(c.number());
    assert.deepEqual(s, [Infinity, -Infinity, 2.5, 7]);
  });
  it("rejects corruption", () => {
    const good = listpack([[0x83, 0x61, 0x62, 0x63]]);
    const badTotal = good.slice();
    badTotal[0]++;
    corrupt(() => new ListpackCursor(badTotal, 0));
    const badBack = good.slice();
    badBack[10] = 9;
    corrupt(() => all(new ListpackCursor(badBack, 0)));
    const badCount = good.slice();
    badCount[4] = 2;
    corrupt(() => all(new ListpackCursor(badCount, 0)));
    const overrun = good.slice();
    overrun[6] = 0x8f;
    corrupt(() => all(new ListpackCursor(overrun, 0)));
    const badEnc = good.slice();
    badEnc[6] = 0xf7;
    corrupt(() => all(new ListpackCursor(badEnc, 0)));
  });
  it("reports absolute offsets", () => {
    const bad = listpack([[0x83, 0x61, 0x62, 0x63]]);
    bad[6] = 0xf7;
    assert.throws(() => all(new ListpackCursor(bad, 1000)), (e) => e instanceof RdbError && e.offset === 1006);
  });
});

describe("ziplist", () => {
  it("reads strings, every integer width and immediates, checking the prev-length chain", () => {
    const entries: number[][] = [
      [0x02, 0x61, 0x62],
      [0xf1], // 0
      [0xfd], // 12
      [0xfe, 0x80], // int8 -128
      [0xc0, 0x00, 0x80], // int16
      [0xf0, 0x00, 0x00, 0x80], // int24 -2^23
      [0xd0, 0xff, 0xff, 0xff, 0x7f], // int32 max
      [0xe0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x80], // int64 min
    ];
    const body: number[] = [];
    let prev = 0, tail = 10;
    for (const e of entries) {
      tail = 10 + body.length;
      body.push(prev, ...e);
      prev = e.length + 1;
    }
    const total = 10 + body.length + 1;
    const zl = new Uint8Array([total, 0, 0, 0, tail, 0, 0, 0, entries.length, 0, ...body, 0xff]);
    assert.deepEqual(all(new ZiplistCursor(zl, 0)), [
      "ab",
      "0",
      "12",
      "-128",
      "-32768",
      "-8388608",
      "2147483647",
      "-9223372036854775808",
    ]);
    const broken = zl.slice();
    broken[14] = 9; // prev-length of the second entry
    corrupt(() => all(new ZiplistCursor(broken, 0)));
    const badTail = zl.slice();
    badTail[4] = 10;
    corrupt(() => all(new ZiplistCursor(badTail, 0)));
  });
});

describe("intset", () => {
  it("reads 16/32/64-bit members", () => {
    assert.deepEqual(all(new IntsetCursor(new Uint8Array([2, 0, 0, 0, 2, 0, 0, 0, 0xff, 0xff, 5, 0]), 0)), ["-1", "5"]);
    assert.deepEqual(all(new IntsetCursor(new Uint8Array([4, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1, 0]), 0)), ["65536"]);
    assert.deepEqual(
      all(
        new IntsetCursor(new Uint8Array([8, 0, 0, 0, 1, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f]), 0),
      ),
      ["9223372036854775807"],
    );
  });
  it("rejects bad widths, sizes and empty sets", () => {
    corrupt(() => new IntsetCursor(new Uint8Array([3, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0]), 0));
    corrupt(() => new IntsetCursor(new Uint8Array([2, 0, 0, 0, 2, 0, 0, 0, 0, 0]), 0));
    corrupt(() => new IntsetCursor(new Uint8Array([2, 0, 0, 0, 0, 0, 0, 0]), 0));
  });
});

describe("zipmap", () => {
  it("reads pairs with free space and the 254 big-length form", () => {
    const big = new Array(300).fill(0x76);
    const zm = new Uint8Array([2, 1, 0x61, 1, 2, 0x62, 0, 0, 1, 0x63, 254, 44, 1, 0, 0, 0, ...big, 0xff]);
    assert.deepEqual(all(new ZipmapCursor(zm, 0)), ["a", "b", "c", "v".repeat(300)]);
    corrupt(() => all(new ZipmapCursor(new Uint8Array([1, 1, 0x61, 0xff]), 0)));
    corrupt(() => all(new ZipmapCursor(new Uint8Array([3, 1, 0x61, 1, 0, 0x62, 0xff]), 0)));
  });
});

describe("module type names", () => {
  it("decode the 9 characters of the id's top 54 bits", () => {
    // "test___dt" with encver 1, built the way Redis builds it
    const cs = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let id = 0n;
    for (const ch of "test___dt") id = (id << 6n) | BigInt(cs.indexOf(ch));
    id = (id << 10n) | 1n;
    assert.equal(moduleTypeName(Number(id >> 32n), Number(id & 0xffffffffn)), "test___dt");
  });
});
