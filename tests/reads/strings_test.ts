// String and bitmap reads (src/reads/strings.ts) against the primary as the oracle: GET, MGET, STRLEN, GETRANGE,
// GETBIT, BITCOUNT, BITPOS (byte and bit ranges, Redis's special cases) and BITFIELD_RO, over random binary values,
// integers, all-ones and all-zeros bitmaps and big values (the word-at-a-time paths), with missing keys, keys of
// another type and invalid arguments (the same error text as the primary).
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { VeidrodelisError, WrongTypeError } from "../../src/errors.ts";
import { seededRandom } from "../_support/random.ts";
import { type Oracle, startOracle } from "./_oracle.ts";

type Args = (string | number | Buffer)[];

let o: Oracle;
/** Every string key written, with its value. */
const values = new Map<string, Buffer>();
const rand = seededRandom(501);
const int = (lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1));

function randomBytes(n: number, density = 0.5): Buffer {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) {
    let v = 0;
    for (let bit = 0; bit < 8; bit++) if (rand() < density) v |= 1 << bit;
    b[i] = v;
  }
  return b;
}

before(async () => {
  o = await startOracle();
  const lengths = [0, 1, 2, 3, 5, 7, 8, 9, 15, 16, 17, 31, 44, 45, 63, 64, 65, 100, 257, 1000];
  let n = 0;
  for (const len of lengths) {
    for (const density of [0.5, 0.05, 0.95]) values.set(`s:${n++}`, randomBytes(len, density));
  }
  // all ones / all zeros, a single bit set at the end, and big values crossing word alignment
  for (const len of [1, 2, 9, 100, 5000]) {
    values.set(`ones:${len}`, Buffer.alloc(len, 0xff));
    values.set(`zeros:${len}`, Buffer.alloc(len, 0));
    const last = Buffer.alloc(len, 0);
    last[len - 1] = 1;
    values.set(`lastbit:${len}`, last);
    const first0 = Buffer.alloc(len, 0xff);
    first0[len - 1] = 0xfe;
    values.set(`lastzero:${len}`, first0);
  }
  values.set("big:random", randomBytes(200_003));
  values.set("big:sparse", randomBytes(150_001, 0.0005));
  values.set("big:dense", randomBytes(150_001, 0.9995));
  for (const text of ["0", "1", "-1", "12345", "-9223372036854775808", "9223372036854775807", "3.14", "héllo"]) {
    values.set(`text:${text}`, Buffer.from(text));
  }
  values.set("bin:nul", Buffer.from([0, 0xff, 0x80, 0, 0x41]));
  const pipeline = o.redis.pipeline();
  for (const [key, value] of values) pipeline.set(key, value);
  pipeline.rpush("wrong:list", "a");
  pipeline.sadd("wrong:set", "a");
  await pipeline.exec();
  await o.sync();
});
after(async () => await o?.stop());

/** Runs a mirror read, as a result or an error. */
function mine(read: () => unknown): { value?: unknown; error?: Error } {
  try {
    return { value: read() };
  } catch (error) {
    return { error: error as Error };
  }
}

/** Sends commands in one pipeline, results or errors. */
async function theirs(commands: Args[], binary = false): Promise<{ value?: unknown; error?: Error }[]> {
  const pipeline = o.redis.pipeline();
  for (const [name, ...args] of commands) {
    if (binary) pipeline.callBuffer(String(name), ...args);
    else pipeline.call(String(name), ...args);
  }
  const replies = await pipeline.exec();
  return replies!.map(([error, value]) => error ? { error } : { value });
}

/** The mirror answered as the primary: same value, or an error with the same text (WRONGTYPE: a WrongTypeError). */
function sameAnswer(got: { value?: unknown; error?: Error }, want: { value?: unknown; error?: Error }, what: string) {
  if (want.error) {
    assert.ok(got.error, `${what}: expected error ${want.error.message}, got ${String(got.value)}`);
    if (want.error.message.startsWith("WRONGTYPE")) assert.ok(got.error instanceof WrongTypeError, what);
    else {
      assert.ok(got.error instanceof VeidrodelisError && got.error.code === "ARGUMENT", `${what}: ${got.error}`);
      assert.equal(got.error.message, want.error.message, what);
    }
    return;
  }
  if (got.error) throw new Error(`${what}: mirror threw ${got.error.message}, primary answered ${String(want.value)}`);
  const value = want.value instanceof Buffer ? new Uint8Array(want.value) : want.value;
  assert.deepEqual(got.value, value, what);
}

/** Checks many reads: each a mirror call and the same command on the primary. */
async function check(cases: { read: () => unknown; command: Args }[], binary = false): Promise<void> {
  for (let i = 0; i < cases.length; i += 500) {
    const batch = cases.slice(i, i + 500);
    const want = await theirs(batch.map((c) => c.command), binary);
    batch.forEach((c, j) => sameAnswer(mine(c.read), want[j], c.command.map(String).join(" ").slice(0, 120)));
  }
}

const keysOfAllKinds = () => [...values.keys(), "missing", "wrong:list"];

describe("GET, MGET, STRLEN, GETRANGE", () => {
  test("GET and STRLEN on every key, bytes and strings", async () => {
    const m = o.mirror;
    await check(keysOfAllKinds().map((k) => ({ read: () => m.asBytes.get(k), command: ["GET", k] })), true);
    await check(keysOfAllKinds().map((k) => ({ read: () => m.strlen(k), command: ["STRLEN", k] })));
    for (const [k, v] of values) assert.equal(m.get(k), new TextDecoder().decode(v));
  });
  test("MGET mixes strings, missing keys and other types", async () => {
    const m = o.mirror;
    const keys = keysOfAllKinds();
    const cases = [];
    for (let i = 0; i < 200; i++) {
      const pick = Array.from({ length: int(1, 6) }, () => keys[int(0, keys.length - 1)]);
      cases.push({ read: () => m.asBytes.mget(...pick), command: ["MGET", ...pick] as Args });
    }
    const want = await theirs(cases.map((c) => c.command), true);
    cases.forEach((c, j) => {
      const expected = (want[j].value as (Buffer | null)[]).map((v) => v === null ? null : new Uint8Array(v));
      assert.deepEqual(c.read(), expected);
    });
  });
  test("GETRANGE over random ranges, negative and out of range", async () => {
    const m = o.mirror;
    const cases = [];
    for (const k of keysOfAllKinds()) {
      const len = values.get(k)?.length ?? 3;
      for (let i = 0; i < 12; i++) {
        const start = int(-len - 3, len + 3), end = int(-len - 3, len + 3);
        cases.push({ read: () => m.asBytes.getrange(k, start, end), command: ["GETRANGE", k, start, end] as Args });
      }
    }
    await check(cases, true);
    await check([
      { read: () => m.getrange("s:10", 1.5, 2), command: ["GETRANGE", "s:10", "1.5", 2] },
      { read: () => m.getrange("missing", 0, -1), command: ["GETRANGE", "missing", 0, -1] },
    ]);
  });
});

describe("GETBIT", () => {
  test("every bit of small values and random offsets of all, beyond the end too", async () => {
    const m = o.mirror;
    const cases = [];
    for (const [k, v] of values) {
      const bits = v.length * 8;
      if (bits <= 800) {
        for (let i = 0; i < bits + 9; i++) {
          cases.push({ read: () => m.getbit(k, i), command: ["GETBIT", k, i] as Args });
        }
      }
      for (let i = 0; i < 20; i++) {
        const offset = int(0, bits + 64);
        cases.push({ read: () => m.getbit(k, offset), command: ["GETBIT", k, offset] as Args });
      }
    }
    cases.push({ read: () => m.getbit("missing", 7), command: ["GETBIT", "missing", 7] });
    cases.push({ read: () => m.getbit("s:3", 2 ** 31), command: ["GETBIT", "s:3", 2 ** 31] });
    await check(cases);
  });
  test("errors as the primary's: bad offsets, wrong type", async () => {
    const m = o.mirror;
    await check([
      { read: () => m.getbit("s:3", -1), command: ["GETBIT", "s:3", -1] },
      { read: () => m.getbit("s:3", 1.5), command: ["GETBIT", "s:3", "1.5"] },
      { read: () => m.getbit("missing", -1), command: ["GETBIT", "missing", -1] },
      { read: () => m.getbit("wrong:list", 0), command: ["GETBIT", "wrong:list", 0] },
      { read: () => m.getbit("wrong:list", -1), command: ["GETBIT", "wrong:list", -1] },
    ]);
  });
});

describe("BITCOUNT", () => {
  test("whole values and random byte and bit ranges", async () => {
    const m = o.mirror;
    const cases = [];
    for (const k of keysOfAllKinds()) {
      cases.push({ read: () => m.bitcount(k), command: ["BITCOUNT", k] as Args });
      const len = values.get(k)?.length ?? 4;
      for (let i = 0; i < 25; i++) {
        const unit = (["byte", "bit", undefined, "BIT"] as const)[int(0, 3)];
        const span = unit?.toLowerCase() === "bit" ? len * 8 : len;
        const start = int(-span - 4, span + 4), end = int(-span - 4, span + 4);
        const command: Args = unit === undefined ? ["BITCOUNT", k, start, end] : ["BITCOUNT", k, start, end, unit];
        cases.push({ read: () => m.bitcount(k, start, end, unit), command });
      }
    }
    await check(cases);
  });
  test("big values: ranges crossing the word-aligned middle", async () => {
    const m = o.mirror;
    const cases = [];
    for (const k of ["big:random", "big:sparse", "big:dense", "ones:5000", "lastbit:5000"]) {
      const bits = values.get(k)!.length * 8;
      for (let i = 0; i < 40; i++) {
        const start = int(0, bits / 2), end = int(bits / 2, bits + 8);
        cases.push({
          read: () => m.bitcount(k, start, end, "bit"),
          command: ["BITCOUNT", k, start, end, "BIT"] as Args,
        });
        const bs = start >> 3, be = end >> 3;
        cases.push({ read: () => m.bitcount(k, bs, be), command: ["BITCOUNT", k, bs, be] as Args });
      }
    }
    await check(cases);
  });
  test("Redis's argument rules and errors", async () => {
    const m = o.mirror;
    await check([
      {
        read: () => m.bitcount("s:10", -1, -5, "nonsense" as "bit"),
        command: ["BITCOUNT", "s:10", -1, -5, "nonsense"],
      },
      { read: () => m.bitcount("s:10", 0, 5, "nonsense" as "bit"), command: ["BITCOUNT", "s:10", 0, 5, "nonsense"] },
      { read: () => m.bitcount("s:10", 0.5, 5), command: ["BITCOUNT", "s:10", "0.5", 5] },
      {
        read: () => m.bitcount("missing", 0, 1, "nonsense" as "bit"),
        command: ["BITCOUNT", "missing", 0, 1, "nonsense"],
      },
      { read: () => m.bitcount("wrong:set"), command: ["BITCOUNT", "wrong:set"] },
      { read: () => m.bitcount("text:0", 0, -1, "bit"), command: ["BITCOUNT", "text:0", 0, -1, "bit"] },
    ]);
    // BITCOUNT key start (no end) is a syntax error (a missing key answers 0 first)
    assert.throws(() => m.bitcount("s:10", 0), /ERR syntax error/);
    await assert.rejects(o.redis.call("BITCOUNT", "s:10", 0), /ERR syntax error/);
    assert.equal(m.bitcount("missing", 0), 0);
    assert.equal(await o.redis.call("BITCOUNT", "missing", 0), 0);
  });
});

describe("BITPOS", () => {
  test("random ranges, both bits, byte and bit units, with and without end", async () => {
    const m = o.mirror;
    const cases = [];
    for (const k of keysOfAllKinds()) {
      for (const bit of [0, 1]) {
        cases.push({ read: () => m.bitpos(k, bit), command: ["BITPOS", k, bit] as Args });
        const len = values.get(k)?.length ?? 4;
        for (let i = 0; i < 15; i++) {
          const unit = (["byte", "bit", undefined] as const)[int(0, 2)];
          const span = unit === "bit" ? len * 8 : len;
          const start = int(-span - 3, span + 3), end = int(-span - 3, span + 3);
          cases.push({ read: () => m.bitpos(k, bit, start), command: ["BITPOS", k, bit, start] as Args });
          const command: Args = unit === undefined
            ? ["BITPOS", k, bit, start, end]
            : ["BITPOS", k, bit, start, end, unit];
          cases.push({ read: () => m.bitpos(k, bit, start, end, unit), command });
        }
      }
    }
    await check(cases);
  });
  test("special cases: all ones, all zeros, empty and missing keys", async () => {
    const m = o.mirror;
    const cases = [];
    for (const len of [1, 2, 9, 100, 5000]) {
      for (const k of [`ones:${len}`, `zeros:${len}`, `lastbit:${len}`, `lastzero:${len}`]) {
        for (const bit of [0, 1]) {
          cases.push({ read: () => m.bitpos(k, bit), command: ["BITPOS", k, bit] as Args });
          cases.push({ read: () => m.bitpos(k, bit, 0), command: ["BITPOS", k, bit, 0] as Args });
          cases.push({ read: () => m.bitpos(k, bit, 0, -1), command: ["BITPOS", k, bit, 0, -1] as Args });
          cases.push({ read: () => m.bitpos(k, bit, 1, -1, "bit"), command: ["BITPOS", k, bit, 1, -1, "bit"] as Args });
          cases.push({ read: () => m.bitpos(k, bit, 3, -2, "bit"), command: ["BITPOS", k, bit, 3, -2, "bit"] as Args });
        }
      }
    }
    for (const bit of [0, 1]) {
      cases.push({ read: () => m.bitpos("missing", bit), command: ["BITPOS", "missing", bit] as Args });
      cases.push({ read: () => m.bitpos("s:0", bit), command: ["BITPOS", "s:0", bit] as Args }); // the empty string
      cases.push({ read: () => m.bitpos("s:0", bit, 0, -1), command: ["BITPOS", "s:0", bit, 0, -1] as Args });
    }
    await check(cases);
    assert.equal(m.bitpos("ones:9", 0), 72); // all ones without end: the length in bits
    assert.equal(m.bitpos("ones:9", 0, 0, -1), -1);
  });
  test("big values: the word-at-a-time search", async () => {
    const m = o.mirror;
    const cases = [];
    for (const k of ["big:sparse", "big:dense", "ones:5000", "zeros:5000", "lastbit:5000", "lastzero:5000"]) {
      const bits = values.get(k)!.length * 8;
      for (const bit of [0, 1]) {
        cases.push({ read: () => m.bitpos(k, bit), command: ["BITPOS", k, bit] as Args });
        for (let i = 0; i < 15; i++) {
          const start = int(0, bits), end = int(start, bits + 8);
          cases.push({
            read: () => m.bitpos(k, bit, start, end, "bit"),
            command: ["BITPOS", k, bit, start, end, "bit"] as Args,
          });
          cases.push({ read: () => m.bitpos(k, bit, start >> 3), command: ["BITPOS", k, bit, start >> 3] as Args });
        }
      }
    }
    await check(cases);
  });
  test("errors as the primary's", async () => {
    const m = o.mirror;
    await check([
      { read: () => m.bitpos("s:10", 2), command: ["BITPOS", "s:10", 2] },
      { read: () => m.bitpos("s:10", -1), command: ["BITPOS", "s:10", -1] },
      { read: () => m.bitpos("s:10", 0.5), command: ["BITPOS", "s:10", "0.5"] },
      { read: () => m.bitpos("missing", 2), command: ["BITPOS", "missing", 2] },
      { read: () => m.bitpos("missing", 1, 1.5), command: ["BITPOS", "missing", 1, "1.5"] },
      { read: () => m.bitpos("s:10", 1, 1.5), command: ["BITPOS", "s:10", 1, "1.5"] },
      { read: () => m.bitpos("s:10", 1, 0, 2.5), command: ["BITPOS", "s:10", 1, 0, "2.5"] },
      { read: () => m.bitpos("s:10", 1, 0, 2, "word" as "bit"), command: ["BITPOS", "s:10", 1, 0, 2, "word"] },
      { read: () => m.bitpos("s:10", 1, 0, 2.5, "word" as "bit"), command: ["BITPOS", "s:10", 1, 0, "2.5", "word"] },
      { read: () => m.bitpos("wrong:list", 1), command: ["BITPOS", "wrong:list", 1] },
    ]);
  });
});

describe("BITFIELD_RO", () => {
  test("random GETs of every width, plain and # offsets", async () => {
    const m = o.mirror;
    const cases = [];
    for (const k of [...values.keys(), "missing"]) {
      const bits = (values.get(k)?.length ?? 2) * 8;
      for (let i = 0; i < 6; i++) {
        const tokens: (string | number)[] = [];
        for (let j = int(1, 4); j > 0; j--) {
          const signed = rand() < 0.5;
          const width = signed ? int(1, 64) : int(1, 63);
          const offset = rand() < 0.3 ? `#${int(0, Math.ceil(bits / width) + 1)}` : int(0, bits + 70);
          tokens.push("GET", `${signed ? "i" : "u"}${width}`, offset);
        }
        cases.push({ read: () => m.bitfieldRo(k, ...tokens), command: ["BITFIELD_RO", k, ...tokens] as Args });
      }
    }
    // Redis replies 64-bit integers: a client with stringNumbers keeps them exact
    const exactClient = o.server.client({ stringNumbers: true });
    const pipeline = exactClient.pipeline();
    for (const c of cases) pipeline.call(...(c.command as [string, ...Args]));
    const replies = await pipeline.exec();
    cases.forEach((c, j) => {
      const [error, reply] = replies![j];
      assert.equal(error, null);
      const got = c.read() as (number | bigint)[];
      const widths = c.command.slice(2).filter((_, i) => i % 3 === 1).map((t) => Number(String(t).slice(1)));
      assert.equal(got.length, (reply as unknown[]).length);
      got.forEach((v, i) => {
        assert.equal(typeof v, widths[i] <= 53 ? "number" : "bigint");
        assert.equal(BigInt(v), BigInt(String((reply as unknown[])[i])), `${c.command.join(" ")} #${i}`);
      });
    });
  });
  test("known values", () => {
    const m = o.mirror;
    // bin:nul = 00 ff 80 00 41
    assert.deepEqual(m.bitfieldRo("bin:nul", "GET", "u8", 8, "get", "i8", "#1", "GET", "u4", 4), [255, -1, 0]);
    assert.deepEqual(m.bitfieldRo("bin:nul", "GET", "i64", 0), [BigInt.asIntN(64, 0x00ff800041000000n)]);
    assert.deepEqual(m.bitfieldRo("bin:nul", "OVERFLOW", "SAT", "GET", "u1", 8), [1]);
    assert.deepEqual(m.bitfieldRo("bin:nul"), []);
    assert.deepEqual(m.asBytes.bitfieldRo("missing", "GET", "u16", 3), [0]);
  });
  test("errors as the primary's", async () => {
    const m = o.mirror;
    const cases: Args[] = [
      ["GET", "u64", 0],
      ["GET", "i65", 0],
      ["GET", "x8", 0],
      ["GET", "U8", 0],
      ["GET", "u0", 0],
      ["GET", "u8", -1],
      ["GET", "u8", "#-1"],
      ["GET", "u8", "1.5"],
      ["GET", "u8"],
      ["SET", "u8", 0, 1],
      ["GET", "u8", 0, "INCRBY", "u8", 0, 1],
      ["SET", "u8", 0, "x"],
      ["OVERFLOW", "WRAPS", "GET", "u8", 0],
      ["FETCH", "u8", 0],
    ];
    await check(cases.map((tokens) => ({
      read: () => m.bitfieldRo("s:10", ...(tokens as (string | number)[])),
      command: ["BITFIELD_RO", "s:10", ...tokens],
    })));
    await check([
      {
        read: () => m.bitfieldRo("wrong:list", "GET", "u8", 0),
        command: ["BITFIELD_RO", "wrong:list", "GET", "u8", 0],
      },
      {
        read: () => m.bitfieldRo("wrong:list", "GET", "u99", 0),
        command: ["BITFIELD_RO", "wrong:list", "GET", "u99", 0],
      },
    ]);
  });
});

describe("expired keys", () => {
  test("string reads hide a key whose TTL passed", async () => {
    await o.redis.set("ttl:str", Buffer.from([0xff, 0x0f]), "PX", 60_000);
    await o.sync();
    const { Mirror } = await import("../../mod.ts");
    const later = await Mirror.connect({ port: o.server.port, clock: () => Date.now() + 120_000 });
    try {
      assert.equal(later.get("ttl:str"), null);
      assert.equal(later.getbit("ttl:str", 0), 0);
      assert.equal(later.bitcount("ttl:str"), 0);
      assert.equal(later.bitpos("ttl:str", 1), -1);
      assert.deepEqual(later.bitfieldRo("ttl:str", "GET", "u8", 0), [0]);
      assert.equal(o.mirror.bitcount("ttl:str"), 12);
      assert.deepEqual(o.mirror.bitfieldRo("ttl:str", "GET", "u8", 0), [255]);
    } finally {
      await later.close();
    }
  });
});
