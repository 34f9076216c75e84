/**
 * Re-applies a stream recorded with `run.ts --record FILE` to a bare store,
 * through the same Applier the mirror uses, then reads every key back. It
 * reproduces a failure of the store (a wrong result, a trap, a hang) without
 * a server or a socket:
 *
 *   node_modules/.bin/tsx tests/differential/replay.ts stream.resp [--trace-from N] [--dump DB KEY] [--rehash-every N]
 *
 * `--trace-from N` prints every command from the N-th on before applying it
 * (the last line printed before a hang or a trap is the culprit);
 * `--dump DB KEY` prints that key at the end; `--rehash-every N` runs the
 * idle rehash step (as the live link does on each heartbeat) every N commands.
 *
 * @module
 */
import { Buffer } from "node:buffer";
import fs from "node:fs";
import { Store } from "../../src/_wasm/store.ts";
import { Applier } from "../../src/replication/applier.ts";
import { readStoreKey, snapshotStore } from "../_support/compare.ts";
import { RespCommandParser } from "../_support/resp.ts";
import { RESYNC_MARK } from "./harness.ts";
import { commandText } from "./history.ts";

const args = process.argv.slice(2);
const file = args[0];
if (!file || file.startsWith("-")) {
  console.error("usage: tsx tests/differential/replay.ts FILE [--trace-from N] [--dump DB KEY] [--rehash-every N]");
  process.exit(2);
}
const traceAt = args.indexOf("--trace-from");
const traceFrom = traceAt > 0 ? Number(args[traceAt + 1]) : Infinity;
const dumpAt = args.indexOf("--dump");
const rehashAt = args.indexOf("--rehash-every");
const rehashEvery = rehashAt > 0 ? Number(args[rehashAt + 1]) : 0;

const commands = new RespCommandParser().push(fs.readFileSync(file));
console.log(`${commands.length} commands in ${file}`);
const store = new Store();
let divergences = 0;
const applier = new Applier(store, 0, {
  onGetAck() {},
  onDivergence(error) {
    divergences++;
    console.log(`divergence: ${error.message}`);
  },
}, Date.now);

const started = Date.now();
const resyncAt = commands.findIndex((c) => Buffer.from(c[0]).toString("latin1") === RESYNC_MARK);
if (resyncAt >= 0) {
  console.log(`the mirror resynced after command #${resyncAt - 1} (a link error): replaying only up to there`);
  commands.length = resyncAt;
}
commands.forEach((command, i) => {
  if (i >= traceFrom) console.log(`#${i} ${commandText(command)}`);
  else if (i % 50_000 === 0 && i > 0) console.log(`… ${i} applied`);
  applier.apply(command, 0);
  if (rehashEvery > 0 && i % rehashEvery === 0) store.rehash(20_000);
});
console.log(`applied ${applier.applied} commands in ${Date.now() - started} ms, ${divergences} divergences`);

const snapshot = snapshotStore(store, store.databases);
const unreadable = snapshot.dbs.flatMap((db, n) =>
  [...db.values()].filter((k) => k.value.type === "unreadable").map((k) => `db ${n} ${commandText([k.key])}`)
);
console.log(
  `read back ${snapshot.dbs.reduce((n, db) => n + db.size, 0)} keys; unreadable: ${unreadable.join(", ") || "none"}`,
);

if (dumpAt > 0) {
  const state = readStoreKey(store, Number(args[dumpAt + 1]), Buffer.from(args[dumpAt + 2]));
  console.log(JSON.stringify(state, (_, v) => (v?.type === "Buffer" ? Buffer.from(v.data).toString("latin1") : v), 2));
}
