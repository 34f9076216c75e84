/**
 * The cost of watches on the apply path: ns per applied SET with 0 to 1M key
 * watches and with prefix watches, against applying with no watch at all
 * (the same Applier and dispatch the mirror uses, no network).
 *
 *   node --import tsx bench/watch.ts
 *   deno run -A bench/watch.ts
 *   bun bench/watch.ts
 *
 * Also a section of `bench/all.ts` (`watchOverhead`, with fewer watch counts under `--quick`).
 */
import { Store } from "../src/_wasm/store.ts";
import { Applier } from "../src/replication/applier.ts";
import { dispatchUnit } from "../src/watch/dispatch.ts";
import { WatchRegistry } from "../src/watch/registry.ts";
import { isMain, medianNs, printSection, runtime, type Section } from "./_util.ts";

const COMMANDS = 100_000;
const enc = new TextEncoder();
const keyOf = (i: number) => enc.encode("user:" + String(i).padStart(10, "0")); // 15 bytes
const commands = Array.from({ length: COMMANDS }, (_, i) => [enc.encode("SET"), keyOf(i % 50_000), enc.encode("v")]);

function applyAll(watches: WatchRegistry): number {
  const store = new Store();
  const applier = new Applier(store, 0, {
    onGetAck() {},
    onDivergence(e) {
      throw e;
    },
    onUnitApplied: (unit) => dispatchUnit(watches, unit),
  }, Date.now);
  const ns = medianNs(5, COMMANDS, () => {
    for (const args of commands) applier.apply(args, 30);
  });
  store.dispose();
  return ns;
}

/** Watch overhead per applied command: one section. */
export function watchOverhead(quick = false): Section {
  let fired = 0;
  const callback = () => void fired++;
  const rows: (string | number)[][] = [];
  const base = applyAll(new WatchRegistry());
  rows.push(["no watches", base.toFixed(0), "1.00x"]);
  for (const count of quick ? [1, 1_000, 100_000] : [1, 1_000, 100_000, 1_000_000]) {
    const watches = new WatchRegistry();
    // watched keys other than the written ones: the cost of looking, not of calling back
    for (let i = 0; i < count; i++) watches.watchKey(0, enc.encode("other:" + i), callback);
    const ns = applyAll(watches);
    rows.push([`${count.toLocaleString("en")} key watches`, ns.toFixed(0), `${(ns / base).toFixed(2)}x`]);
  }
  for (const count of [1_000, 100_000]) {
    const watches = new WatchRegistry();
    for (let i = 0; i < count; i++) watches.watchPrefix(0, enc.encode("other:" + i), callback);
    const ns = applyAll(watches);
    rows.push([`${count.toLocaleString("en")} prefix watches elsewhere`, ns.toFixed(0), `${(ns / base).toFixed(2)}x`]);
  }
  for (const count of [1_000, 100_000]) {
    const watches = new WatchRegistry();
    // longer than the written keys and along their bytes: every SET walks its whole key down the trie
    for (let i = 0; i < count; i++) {
      watches.watchPrefix(0, enc.encode("user:" + String(i).padStart(10, "0") + ":x"), callback);
    }
    const ns = applyAll(watches);
    rows.push([
      `${count.toLocaleString("en")} prefix watches along the keys`,
      ns.toFixed(0),
      `${(ns / base).toFixed(2)}x`,
    ]);
  }
  const every = new WatchRegistry();
  every.watchPrefix(0, enc.encode("user:"), callback);
  const firing = applyAll(every);
  rows.push(["1 prefix watch firing on every SET", firing.toFixed(0), `${(firing / base).toFixed(2)}x`]);

  return {
    id: "watch",
    title: `watch overhead: applying ${
      COMMANDS.toLocaleString("en")
    } SETs (15-byte keys), ns per command, median of 5, ${runtime}`,
    header: ["watches", "ns / SET", "vs none"],
    rows,
    notes: [`(callbacks fired: ${fired.toLocaleString("en")})`],
  };
}

if (isMain(import.meta.url)) printSection(watchOverhead());
