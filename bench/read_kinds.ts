/**
 * Reads of every kind, the mirror against ioredis asking the primary the
 * same thing over loopback, in one run: point reads (get, hget, zscore),
 * 100-element ranges (lrange, hgetall, zrange), a read transaction, and Lua
 * (a `ts.get` call inside a script, and a tiny precompiled script).
 *
 *   node --import tsx bench/read_kinds.ts
 *   deno run -A bench/read_kinds.ts
 *   bun bench/read_kinds.ts
 *
 * Every contender returns strings (ioredis decodes its replies too).
 * Also a section of `bench/all.ts` (`readKinds`).
 */
import { Mirror } from "../mod.ts";
import { startRedis } from "../tests/_support/redis_server.ts";
import { isMain, medianNs, medianNsAsync, printSection, runtime, type Section, verdict } from "./_util.ts";

/** Every read kind, the mirror vs ioredis (loopback): one section. */
export async function readKinds(): Promise<Section> {
  const KEYS = 1000;
  const server = await startRedis({ config: { "repl-diskless-sync-delay": 0 } });
  const redis = server.client();
  const pipeline = redis.pipeline();
  for (let i = 0; i < KEYS; i++) {
    pipeline.set(`s:${i}`, `value-${i}-${"x".repeat(24)}`);
    pipeline.hset(`h:${i}`, "name", `name-${i}`, "age", String(i % 90));
    pipeline.zadd(`z:${i % 10}`, i, `member:${i}`);
  }
  const hundred = Array.from({ length: 100 }, (_, i) => i);
  pipeline.rpush("l100", ...hundred.map((i) => `element:${i}`));
  pipeline.hset("h100", ...hundred.flatMap((i) => [`field:${i}`, `value:${i}`]));
  pipeline.zadd("z100", ...hundred.flatMap((i) => [i, `member:${i}`]));
  await pipeline.exec();
  const mirror = await Mirror.connect({ port: server.port });
  await mirror.syncWith(redis);

  let sink = 0;
  const use = (v: unknown) => {
    if (v !== null && v !== undefined) sink++;
  };
  const LOCAL = 20_000, REMOTE = 200;

  interface Case {
    name: string;
    mirror: (i: number) => unknown;
    redis: (i: number) => Promise<unknown>;
  }
  const cases: Case[] = [
    { name: "get", mirror: (i) => mirror.get(`s:${i % KEYS}`), redis: (i) => redis.get(`s:${i % KEYS}`) },
    {
      name: "hget",
      mirror: (i) => mirror.hget(`h:${i % KEYS}`, "name"),
      redis: (i) => redis.hget(`h:${i % KEYS}`, "name"),
    },
    {
      name: "zscore",
      mirror: (i) => mirror.zscore(`z:${i % 10}`, `member:${i % KEYS}`),
      redis: (i) => redis.zscore(`z:${i % 10}`, `member:${i % KEYS}`),
    },
    { name: "lrange 100", mirror: () => mirror.lrange("l100", 0, -1), redis: () => redis.lrange("l100", 0, -1) },
    { name: "hgetall 100", mirror: () => mirror.hgetall("h100"), redis: () => redis.hgetall("h100") },
    { name: "zrange 100", mirror: () => mirror.zrange("z100", 0, -1), redis: () => redis.zrange("z100", "0", "-1") },
    {
      name: "zrange 100 withscores",
      mirror: () => mirror.zrange("z100", 0, -1, { withScores: true }),
      redis: () => redis.zrange("z100", "0", "-1", "WITHSCORES"),
    },
    {
      name: "read tx: get + hget + zscore",
      mirror: (i) =>
        mirror.readTx([["get", `s:${i % KEYS}`], ["hget", `h:${i % KEYS}`, "age"], ["zscore", "z100", "member:5"]]),
      redis: (i) => redis.multi().get(`s:${i % KEYS}`).hget(`h:${i % KEYS}`, "age").zscore("z100", "member:5").exec(),
    },
  ];

  const rows: (string | number)[][] = [];
  for (const c of cases) {
    const m = medianNs(9, LOCAL, () => {
      for (let i = 0; i < LOCAL; i++) use(c.mirror(i));
    });
    const r = await medianNsAsync(7, REMOTE, async () => {
      for (let i = 0; i < REMOTE; i++) use(await c.redis(i));
    });
    const goal = c.name.includes("100") ? ">= 20x" : ">= 50x";
    rows.push([
      c.name,
      (m / 1000).toFixed(2),
      (r / 1000).toFixed(1),
      `${(r / m).toFixed(0)}x`,
      goal,
      verdict(r / m >= (c.name.includes("100") ? 20 : 50)),
    ]);
  }

  const lua = await mirror.compile("return ts.get(KEYS[1])", "tiny");
  const loop = await mirror.compile(
    "local n = 0 for i = 1, 1000 do if ts.get(KEYS[1]) then n = n + 1 end end return n",
  );
  const keysOf = Array.from({ length: KEYS }, (_, i) => [`s:${i}`]);
  const tinyNs = medianNs(9, LOCAL, () => {
    for (let i = 0; i < LOCAL; i++) use(lua.run({ keys: keysOf[i % KEYS] }));
  });
  const callNs = medianNs(9, 50 * 1000, () => {
    for (let i = 0; i < 50; i++) use(loop.run({ keys: keysOf[i] }));
  });
  const evalNs = await medianNsAsync(7, REMOTE, async () => {
    for (let i = 0; i < REMOTE; i++) use(await redis.eval("return redis.call('GET', KEYS[1])", 1, `s:${i % KEYS}`));
  });
  rows.push([
    "Lua: precompiled `return ts.get(KEYS[1])`",
    (tinyNs / 1000).toFixed(2),
    (evalNs / 1000).toFixed(1),
    `${(evalNs / tinyNs).toFixed(0)}x`,
    "<= 6 µs",
    verdict(tinyNs <= 6000),
  ]);
  rows.push([
    "Lua: one ts.get call inside a script",
    (callNs / 1000).toFixed(2),
    "",
    "",
    "<= 1 µs",
    verdict(callNs <= 1000),
  ]);

  if (sink === -1) console.log("");
  await mirror.close();
  await server.stop();
  return {
    id: "read_kinds",
    title: `reads of every kind, median µs per call, ${runtime} (ioredis: one awaited call at a time over loopback)`,
    header: ["read", "mirror µs", "ioredis µs", "ioredis / mirror", "goal", ""],
    rows,
    notes: [
      "(goals: point reads >= 50x, 100-element reads >= 20x faster than ioredis; ts.get <= 1 µs; tiny script <= 6 µs)",
    ],
  };
}

if (isMain(import.meta.url)) printSection(await readKinds());
