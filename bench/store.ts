// Quick measurement (not a test): ns per find+foundString at 1M keys and bytes/key.
//   deno run -A tests/_wasm/bench_store.ts | bun tests/_wasm/bench_store.ts | npx tsx tests/_wasm/bench_store.ts
import { Store, ValueType } from "../src/_wasm/store.ts";

const N = Number(globalThis.process?.env?.N ?? 1_000_000);
const LOOKUPS = 2_000_000;
const te = new TextEncoder();
const keyOf = (i: number) => "key:" + String(i).padStart(12, "0"); // 16 bytes
const valOf = (i: number) => "value-" + String(i).padStart(26, "0"); // 32 bytes

const s = new Store();
const mem0 = s.memoryBytes();
const used0 = s.usedBytes();
const t = performance.now();
for (let i = 0; i < N; i++) s.set(0, te.encode(keyOf(i)), te.encode(valOf(i)), 0, -1);
const loadMs = performance.now() - t;
while (s.rehash(100_000));
const usedPerKey = (s.usedBytes() - used0) / N;
const memPerKey = (s.memoryBytes() - mem0) / N;

const order = new Uint32Array(LOOKUPS);
for (let i = 0; i < LOOKUPS; i++) order[i] = (Math.random() * N) | 0;
const keys = Array.from({ length: N }, (_, i) => keyOf(i));

function bench(name: string, fn: () => number): void {
  fn(); // warm up
  const t0 = performance.now();
  const sum = fn();
  const ns = ((performance.now() - t0) * 1e6) / LOOKUPS;
  console.log(`${name.padEnd(44)} ${ns.toFixed(0).padStart(5)} ns/op   (check ${sum})`);
}

bench("store find+foundString, prebuilt keys", () => {
  let n = 0;
  for (let i = 0; i < LOOKUPS; i++) {
    if (s.find(0, keys[order[i]]) === ValueType.string) n += s.foundString().length;
  }
  return n;
});
bench("store find+foundString, fresh key strings", () => {
  let n = 0;
  for (let i = 0; i < LOOKUPS; i++) {
    if (s.find(0, keyOf(order[i])) === ValueType.string) n += s.foundString().length;
  }
  return n;
});
bench("store find only (miss), prebuilt keys", () => {
  let n = 0;
  for (let i = 0; i < LOOKUPS; i++) n += s.find(1, keys[order[i]]);
  return n;
});

const map = new Map<string, string>();
for (let i = 0; i < N; i++) map.set(keyOf(i), valOf(i));
bench("JS Map get, prebuilt keys", () => {
  let n = 0;
  for (let i = 0; i < LOOKUPS; i++) n += map.get(keys[order[i]])!.length;
  return n;
});
bench("JS Map get, fresh key strings", () => {
  let n = 0;
  for (let i = 0; i < LOOKUPS; i++) n += map.get(keyOf(order[i]))!.length;
  return n;
});
bench("key string building alone", () => {
  let n = 0;
  for (let i = 0; i < LOOKUPS; i++) n += keyOf(order[i]).length;
  return n;
});

console.log(
  `load ${N} keys: ${((loadMs * 1e6) / N).toFixed(0)} ns/set; bytes/key: ${usedPerKey.toFixed(1)} allocated, ` +
    `${memPerKey.toFixed(1)} linear memory`,
);
