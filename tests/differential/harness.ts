/**
 * The differential test: a seeded random workload drives a real redis-server
 * while a Mirror replicates it; at the end the mirror's store must equal the
 * primary key by key (type, value, absolute TTL), the mirror must have
 * reported no divergence, and every write command of the table must have been
 * exercised. Used by `differential_test.ts` (CI size) and `run.ts` (big runs).
 *
 * @module
 */
import { Buffer } from "node:buffer";
import fs from "node:fs";
import type { Redis } from "ioredis";
import { type DivergenceError, Mirror, type VeidrodelisError } from "../../mod.ts";
import type { Store } from "../../src/_wasm/store.ts";
import { commandList } from "../../src/commands/table.ts";
import {
  compareSnapshots,
  describeMismatch,
  expireAndTouchAll,
  hex,
  type Mismatch,
  printable,
  type Snapshot,
  snapshotPrimary,
  snapshotStore,
} from "../_support/compare.ts";
import { type RedisServer, startRedis } from "../_support/redis_server.ts";
import { encodeCommand } from "../_support/resp.ts";
import { caughtUp, primaryOffset, waitUntil } from "../_support/sync.ts";
import {
  type Call,
  FAMILIES,
  type Family,
  FUNCTION_LIBRARY,
  keyPool,
  type PlannedStep,
  SHORT_TTLS_PASSED_MS,
  workload,
} from "../_support/workload.ts";
import { KeyHistory } from "./history.ts";

const DATABASES = 16;
/** Calls queued before a pipeline is sent. */
const PIPELINE_BATCH = 64;

/**
 * Write commands of the table that Redis 7.0.15 never sends to a replica,
 * with the reason; they are exempt from the coverage minimum (they are tested
 * from replication captures and unit tests instead).
 */
export const NOT_PROPAGATED_BY_REDIS_70: Readonly<Record<string, string>> = {
  setex: "rewritten to SET … PXAT",
  psetex: "rewritten to SET … PXAT",
  getset: "rewritten to SET",
  getex: "rewritten to PEXPIREAT / PERSIST / DEL",
  getdel: "rewritten to DEL",
  incrbyfloat: "rewritten to SET … KEEPTTL",
  expire: "rewritten to PEXPIREAT (or DEL)",
  pexpire: "rewritten to PEXPIREAT (or DEL)",
  expireat: "rewritten to PEXPIREAT (or DEL)",
  msetex: "Redis 8.4 command",
  blpop: "rewritten to LPOP",
  brpop: "rewritten to RPOP",
  blmove: "rewritten to LMOVE",
  brpoplpush: "rewritten to RPOPLPUSH",
  lmpop: "rewritten to LPOP/RPOP",
  blmpop: "rewritten to LPOP/RPOP",
  bzpopmin: "rewritten to ZPOPMIN",
  bzpopmax: "rewritten to ZPOPMAX",
  zmpop: "rewritten to ZPOPMIN/ZPOPMAX",
  bzmpop: "rewritten to ZPOPMIN/ZPOPMAX",
  spop: "rewritten to SREM (or DEL/UNLINK)",
  geoadd: "rewritten to ZADD",
  hincrbyfloat: "rewritten to HSET",
  hsetex: "Redis 8.0 command",
  hgetex: "Redis 8.0 command (propagates HPEXPIREAT/HPERSIST/HDEL)",
  hgetdel: "Redis 8.0 command (propagates HDEL)",
  hexpire: "Redis 7.4 command (propagates HPEXPIREAT)",
  hpexpire: "Redis 7.4 command (propagates HPEXPIREAT)",
  hexpireat: "Redis 7.4 command (propagates HPEXPIREAT)",
  hpexpireat: "Redis 7.4 command",
  hpersist: "Redis 7.4 command",
  delifeq: "Valkey 9.0 command (propagates DEL)",
  delex: "Redis 8.4 command (propagates DEL)",
  eval: "Redis 7.0 replicates a script's effects (inside MULTI … EXEC), never the script",
  evalsha: "Redis 7.0 replicates a script's effects (inside MULTI … EXEC), never the script",
  fcall: "Redis 7.0 replicates a function's effects (inside MULTI … EXEC), never the call",
  xautoclaim: "propagated as XCLAIM per entry (preventCommandPropagation)",
};

/** How a run is set up. */
export interface DifferentialOptions {
  seed: number;
  /** Client commands to send. */
  commands: number;
  /** Each non-exempt write command of the table must reach the mirror at least this often. */
  minimumReceived: number;
  /** Corrupt one mirror key after the comparison and check the comparator reports exactly it. */
  selfTest?: boolean;
  /** Also sync a second, fresh mirror from the final RDB and compare it. */
  freshMirror?: boolean;
  /** Progress lines (default: none). */
  log?: (line: string) => void;
  /** Milliseconds between progress lines during the workload (default 5000). */
  progressMs?: number;
  /**
   * Writes every unit the mirror applies to this file (RESP, SELECT first),
   * synchronously, for `replay.ts` to re-apply to a bare store.
   */
  record?: string;
}

/** A divergence reported by the mirror, grouped by command name. */
export interface DivergenceGroup {
  command: string;
  count: number;
  /** The first one's message. */
  example: string;
}

/** One row of the coverage table. */
export interface CoverageRow {
  name: string;
  /** Client steps whose operation can propagate it (static mapping of the workload). */
  issued: number;
  /** Times the mirror received it in the stream. */
  received: number;
  status: "ok" | "low" | "exempt";
  reason?: string;
}

/** The outcome of the self-test. */
export interface SelfTestResult {
  corrupted: { db: number; key: string; type: string; how: string } | null;
  /** Keys mismatched after the corruption that were not before. */
  newMismatches: Mismatch[];
  ok: boolean;
  note: string;
}

/** Everything a run found. */
export interface DifferentialReport {
  seed: number;
  config: Record<string, string>;
  commandsSent: number;
  steps: number;
  durationMs: number;
  /** Error replies of the primary by operation and error code (not propagated: harmless). */
  primaryErrors: Map<string, number>;
  restoresSkipped: number;
  keysCompared: number;
  mismatches: Mismatch[];
  /**
   * Zset scores within a few ulps of the primary's (geo STOREDIST: JavaScript's
   * Math vs glibc's libm): counted and printed, not mismatches.
   */
  scoreDeviations: Mismatch[];
  divergences: DivergenceGroup[];
  linkErrors: string[];
  fullSyncs: number;
  offsets: { primary: number; mirror: number };
  coverage: CoverageRow[];
  /** Propagated names the mirror received that are not in its command table. */
  unknownReceived: Record<string, number>;
  selfTest: SelfTestResult | null;
  freshMirror: { mismatches: Mismatch[]; error: string | null } | null;
  /** The last replicated commands naming each mismatched key ("db/key" → lines). */
  histories: Map<string, string[]>;
}

/** Redis configuration varied by seed: odd seeds use tiny encodings so collections convert often. */
export function serverConfig(seed: number): Record<string, string | number> {
  const config: Record<string, string | number> = { "repl-diskless-sync-delay": 0 };
  if (seed % 2 === 1) {
    Object.assign(config, {
      "list-max-listpack-size": 4,
      "hash-max-listpack-entries": 8,
      "zset-max-listpack-entries": 8,
      "set-max-intset-entries": 16,
    });
  }
  if (seed % 4 >= 2) {
    // Expired and implicitly deleted keys reach the replica as UNLINK instead of DEL.
    Object.assign(config, {
      "lazyfree-lazy-expire": "yes",
      "lazyfree-lazy-server-del": "yes",
      "lazyfree-lazy-user-del": "yes",
    });
  }
  return config;
}

/** Runs one differential test; never throws for mismatches (they are in the report). */
export async function runDifferential(options: DifferentialOptions): Promise<DifferentialReport> {
  const log = options.log ?? (() => {});
  const started = Date.now();
  const config = serverConfig(options.seed);
  const server = await startRedis({ config });
  let mirror: Mirror | null = null;
  let fresh: Mirror | null = null;
  try {
    // ACKs (and the idle rehash step that comes with each) every 10 ms instead of every second: the
    // store's incremental rehashing then interleaves with the writes far more often.
    mirror = new Mirror({ port: server.port, onDivergence: "continue", showExpired: true, ackIntervalMs: 10 });
    const history = new KeyHistory((Object.keys(FAMILIES) as Family[]).flatMap(keyPool));
    const watch = watchMirror(mirror, history);
    if (options.record) recordUnits(mirror, options.record);
    await mirror.ready;
    const writer = server.client();
    const driver = new Driver(writer, server.client());
    await writer.call("FUNCTION", "LOAD", "REPLACE", FUNCTION_LIBRARY);

    const issued: Record<string, number> = {};
    let steps = 0;
    let lastLog = Date.now();
    for (
      const planned of workload(options.seed, {
        commands: options.commands,
        minimumPerOperation: 4 * options.minimumReceived,
      })
    ) {
      for (const name of planned.propagates) issued[name] = (issued[name] ?? 0) + 1;
      await driver.run(planned);
      steps++;
      if (Date.now() - lastLog > (options.progressMs ?? 5000)) {
        lastLog = Date.now();
        log(`  … ${driver.sent} commands sent, mirror offset ${mirror.offset}`);
      }
    }
    await driver.flush();
    log(`workload done: ${driver.sent} commands in ${steps} steps (${Date.now() - started} ms); settling`);

    const checker = server.client();
    const settled = await settle(checker, mirror, server);
    const primary = await snapshotPrimary(checker, DATABASES);
    const store = mirror.store;
    const [mismatches, scoreDeviations] = splitDeviations(compareSnapshots(primary, snapshotStore(store, DATABASES)));
    const offsets = { primary: await primaryOffset(server), mirror: mirror.offset };
    if (offsets.primary !== settled) {
      // Only PINGs may have arrived in between; the mirror must still match the offset.
      await caughtUp(mirror, server);
      offsets.mirror = mirror.offset;
    }
    log(`compared ${countKeys(primary)} keys: ${mismatches.length} mismatches`);

    let freshMirror: DifferentialReport["freshMirror"] = null;
    if (options.freshMirror) {
      try {
        fresh = await Mirror.connect({ port: server.port, onDivergence: "continue", showExpired: true });
        const [freshMismatches] = splitDeviations(compareSnapshots(primary, snapshotStore(fresh.store, DATABASES)));
        freshMirror = { mismatches: freshMismatches, error: null };
      } catch (error) {
        freshMirror = { mismatches: [], error: (error as Error).message };
      }
    }

    const selfTest = options.selfTest ? runSelfTest(store, primary, mismatches) : null;
    return {
      seed: options.seed,
      config: Object.fromEntries(Object.entries(config).map(([k, v]) => [k, String(v)])),
      commandsSent: driver.sent,
      steps,
      durationMs: Date.now() - started,
      primaryErrors: driver.errors,
      restoresSkipped: driver.restoresSkipped,
      keysCompared: countKeys(primary),
      mismatches,
      scoreDeviations,
      divergences: groupDivergences(watch.divergences),
      linkErrors: watch.errors.map((e) => e.message),
      fullSyncs: watch.fullSyncs(),
      offsets,
      coverage: coverage(issued, watch.received, options.minimumReceived),
      unknownReceived: unknownNames(watch.received),
      selfTest,
      freshMirror,
      histories: historiesOf(history, [...mismatches, ...(freshMirror?.mismatches ?? [])]),
    };
  } finally {
    await fresh?.close();
    await mirror?.close();
    await server.stop();
  }
}

// ------------------------------------------------------------------ driving the primary

type Pipeline = ReturnType<Redis["pipeline"]>;

/** Executes workload steps on the primary: pipelined calls, MULTI blocks, DUMP/RESTORE, served blocking pops. */
class Driver {
  readonly #writer: Redis;
  readonly #blocker: Redis;
  #db = 0;
  #blockerDb = 0;
  #pipeline: Pipeline | null = null;
  #labels: string[] = [];
  sent = 0;
  restoresSkipped = 0;
  readonly errors = new Map<string, number>();

  constructor(writer: Redis, blocker: Redis) {
    this.#writer = writer;
    this.#blocker = blocker;
  }

  async run(planned: PlannedStep): Promise<void> {
    const step = planned.step;
    switch (step.kind) {
      case "calls":
        for (const call of step.calls) this.#queue(call, planned.op);
        this.sent += step.calls.length;
        if (this.#labels.length >= PIPELINE_BATCH) await this.flush();
        return;
      case "multi":
        await this.flush();
        return this.#multi(step.calls, planned.op);
      case "restore":
        await this.flush();
        if (step.create) {
          this.#queue({ db: step.src.db, args: step.create }, planned.op);
          this.sent += 1;
          await this.flush();
        }
        return this.#restore(step.src, step.dst, step.ttl, step.options, planned.op);
      case "served":
        await this.flush();
        return this.#served(step.block, step.feed, planned.op);
    }
  }

  /** Sends the queued pipeline and records its error replies. */
  async flush(): Promise<void> {
    const pipeline = this.#pipeline;
    if (pipeline === null) return;
    const labels = this.#labels;
    this.#pipeline = null;
    this.#labels = [];
    const results = (await pipeline.exec()) ?? [];
    results.forEach(([error], i) => {
      if (error) this.#error(labels[i], error);
    });
  }

  #queue(call: Call, label: string): void {
    const pipeline = this.#pipeline ??= this.#writer.pipeline();
    if (call.db !== this.#db) {
      pipeline.select(call.db);
      this.#labels.push("SELECT");
      this.#db = call.db;
    }
    pipeline.callBuffer(String(call.args[0]), ...call.args.slice(1));
    this.#labels.push(label);
  }

  async #multi(calls: Call[], label: string): Promise<void> {
    const tx = this.#writer.multi();
    let db = this.#db;
    for (const call of calls) {
      if (call.db !== db) {
        tx.select(call.db);
        db = call.db;
      }
      tx.callBuffer(String(call.args[0]), ...call.args.slice(1));
    }
    this.sent += calls.length + 2;
    try {
      const results = await tx.exec();
      this.#db = db; // the SELECTs inside ran
      for (const [error] of results ?? []) if (error) this.#error(label, error);
    } catch (error) {
      this.#error(label, error as Error); // EXECABORT: nothing ran, the selected db is unchanged
    }
  }

  async #restore(src: Call, dst: Call, ttl: string, options: (string | Buffer)[], label: string): Promise<void> {
    await this.#select(src.db);
    const payload = await this.#writer.callBuffer("DUMP", src.args[0]) as Buffer | null;
    this.sent += 1;
    if (payload === null) {
      this.restoresSkipped++;
      return;
    }
    await this.#select(dst.db);
    this.sent += 1;
    try {
      await this.#writer.callBuffer("RESTORE", dst.args[0], ttl, payload, ...options);
    } catch (error) {
      this.#error(label, error as Error);
    }
  }

  /** The blocking command waits on the second connection until the writer's feed serves it. */
  async #served(block: Call, feed: Call[], label: string): Promise<void> {
    if (block.db !== this.#blockerDb) {
      await this.#blocker.select(block.db);
      this.#blockerDb = block.db;
    }
    let settled = false;
    const blocked = this.#blocker.callBuffer(String(block.args[0]), ...block.args.slice(1)).then(
      () => null,
      (error: Error) => error,
    ).finally(() => (settled = true));
    this.sent += 1;
    const deadline = Date.now() + 1000;
    while (!settled && Date.now() < deadline && !(await this.#someoneBlocked())) {
      await new Promise((r) => setTimeout(r, 1));
    }
    for (const call of feed) this.#queue(call, label);
    this.sent += feed.length;
    await this.flush();
    const error = await blocked;
    if (error) this.#error(label, error);
  }

  async #someoneBlocked(): Promise<boolean> {
    const info = await this.#writer.info("clients");
    return Number(/blocked_clients:(\d+)/.exec(info)?.[1] ?? 0) > 0;
  }

  async #select(db: number): Promise<void> {
    if (db === this.#db) return;
    await this.#writer.select(db);
    this.#db = db;
  }

  #error(label: string, error: Error): void {
    const code = /^[A-Z]+/.exec(error.message)?.[0] ?? "ERR";
    const key = `${label}: ${code}`;
    this.errors.set(key, (this.errors.get(key) ?? 0) + 1);
  }
}

// ------------------------------------------------------------------ watching the mirror

interface MirrorWatch {
  /** Replicated command names received, from applied units and unknown-command divergences. */
  received: Record<string, number>;
  divergences: DivergenceError[];
  errors: VeidrodelisError[];
  fullSyncs(): number;
}

function watchMirror(mirror: Mirror, history: KeyHistory): MirrorWatch {
  const watch: MirrorWatch = { received: {}, divergences: [], errors: [], fullSyncs: () => mirror.stats().fullSyncs };
  const count = (name: string) => (watch.received[name] = (watch.received[name] ?? 0) + 1);
  mirror.on("applied", (unit) => {
    for (const args of unit.commands) count(Buffer.from(args[0]).toString("latin1").toLowerCase());
    history.recordUnit(unit.db, unit.commands);
  });
  mirror.on("divergence", (error) => {
    watch.divergences.push(error);
    // Unknown commands never reach an applied unit: count them here.
    if (error.message.startsWith("unknown command")) count((error.command[0] ?? "?").toLowerCase());
  });
  mirror.on("error", (error) => watch.errors.push(error));
  return watch;
}

/** Separates last-bit score deviations (reported apart) from real mismatches. */
function splitDeviations(all: Mismatch[]): [Mismatch[], Mismatch[]] {
  return [all.filter((m) => m.what !== "score ulps"), all.filter((m) => m.what === "score ulps")];
}

/** Histories of the first mismatched keys. */
function historiesOf(history: KeyHistory, mismatches: Mismatch[], max = 10): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const m of mismatches) {
    if (m.key === "" || out.size >= max) continue;
    out.set(`${m.db}/${m.key}`, history.of(m.db, m.keyBytes));
  }
  return out;
}

/** Written to a recording where the mirror resynced (see `replay.ts`). */
export const RESYNC_MARK = "VEIDRODELIS-RESYNC";

/** Appends each applied unit to `path` as it is applied (synchronous: the file is complete even if a later unit hangs). */
function recordUnits(mirror: Mirror, path: string): void {
  const fd = fs.openSync(path, "w");
  mirror.on("applied", (unit) => {
    const parts = [encodeCommand(["SELECT", String(unit.db)])];
    if (unit.commands.length > 1) parts.push(encodeCommand(["MULTI"]));
    for (const args of unit.commands) parts.push(encodeCommand(args));
    if (unit.commands.length > 1) parts.push(encodeCommand(["EXEC"]));
    fs.writeSync(fd, Buffer.concat(parts));
  });
  let syncs = 0;
  mirror.on("live", () => {
    // After a resync the mirror starts over from an RDB: the rest cannot be replayed from an empty store.
    if (++syncs > 1) fs.writeSync(fd, encodeCommand([RESYNC_MARK]));
  });
  mirror.on("state", (state) => {
    if (state === "closed") fs.closeSync(fd);
  });
}

function groupDivergences(divergences: DivergenceError[]): DivergenceGroup[] {
  const groups = new Map<string, DivergenceGroup>();
  for (const error of divergences) {
    const command = (error.command[0] ?? "?").toLowerCase();
    const group = groups.get(command);
    if (group) group.count++;
    else groups.set(command, { command, count: 1, example: error.message });
  }
  return [...groups.values()].sort((a, b) => b.count - a.count);
}

// ------------------------------------------------------------------ settling and coverage

/**
 * Lets short TTLs pass, touches every key so the primary deletes the expired
 * ones (propagating DEL/UNLINK), and waits until the mirror's offset equals
 * the primary's. Returns that offset.
 */
async function settle(checker: Redis, mirror: Mirror, server: RedisServer): Promise<number> {
  await new Promise((r) => setTimeout(r, SHORT_TTLS_PASSED_MS));
  await expireAndTouchAll(checker, DATABASES);
  const target = await caughtUp(mirror, server, 60_000);
  await waitUntil(async () => mirror.offset === (await primaryOffset(server)), 10_000, "offsets to be equal");
  return target;
}

function coverage(issued: Record<string, number>, received: Record<string, number>, minimum: number): CoverageRow[] {
  return commandList.filter((spec) => spec.kind === "write").map((spec) => {
    const reason = NOT_PROPAGATED_BY_REDIS_70[spec.name];
    const row: CoverageRow = {
      name: spec.name,
      issued: issued[spec.name] ?? 0,
      received: received[spec.name] ?? 0,
      status: reason !== undefined ? "exempt" : (received[spec.name] ?? 0) >= minimum ? "ok" : "low",
    };
    if (reason !== undefined) row.reason = reason;
    return row;
  });
}

function unknownNames(received: Record<string, number>): Record<string, number> {
  const known = new Set(commandList.map((spec) => spec.name));
  return Object.fromEntries(Object.entries(received).filter(([name]) => !known.has(name)));
}

function countKeys(snapshot: Snapshot): number {
  return snapshot.dbs.reduce((n, db) => n + db.size, 0);
}

// ------------------------------------------------------------------ self-test

const CORRUPT = Buffer.from("corrupted-by-the-self-test");

/** Corruptions by type, tried in this order (the first whose store API works wins). */
const CORRUPTIONS: { type: string; how: string; apply(store: Store, db: number, key: Buffer): void }[] = [
  { type: "list", how: "extra list element", apply: (s, db, k) => void s.listPush(db, k, CORRUPT, true, false) },
  {
    type: "zset",
    how: "changed score",
    apply(s, db, k) {
      s.find(db, k);
      const first = s.foundZsetRange({ by: "rank", start: 0, stop: 0 });
      s.zsetAdd(db, k, first.members[0], first.scores[0] === 1 ? 2 : 1, 0);
    },
  },
  { type: "hash", how: "changed field value", apply: (s, db, k) => void s.hashSet(db, k, Buffer.from("f0"), CORRUPT) },
  { type: "set", how: "extra member", apply: (s, db, k) => void s.setAdd(db, k, CORRUPT) },
  { type: "string", how: "appended byte", apply: (s, db, k) => void s.append(db, k, Buffer.from("!")) },
];

/**
 * Corrupts one key that compared equal, directly in the mirror's store, and
 * checks that comparing again reports exactly that key as new.
 */
function runSelfTest(store: Store, primary: Snapshot, before: Mismatch[]): SelfTestResult {
  const bad = new Set(before.map((m) => `${m.db}/${hex(m.keyBytes)}`));
  const tried: string[] = [];
  for (const corruption of CORRUPTIONS) {
    const target = findKey(primary, corruption.type, bad);
    if (target === null) continue;
    try {
      corruption.apply(store, target.db, target.key);
    } catch (error) {
      tried.push(`${corruption.type}: ${(error as Error).message}`);
      continue;
    }
    const after = compareSnapshots(primary, snapshotStore(store, DATABASES));
    const newMismatches = after.filter((m) => !bad.has(`${m.db}/${hex(m.keyBytes)}`));
    const ok = newMismatches.length === 1 && newMismatches[0].db === target.db &&
      newMismatches[0].keyBytes.equals(target.key) && newMismatches[0].what === "value";
    return {
      corrupted: { db: target.db, key: printable(target.key), type: corruption.type, how: corruption.how },
      newMismatches,
      ok,
      note: tried.length ? `skipped: ${tried.join("; ")}` : "",
    };
  }
  return { corrupted: null, newMismatches: [], ok: false, note: `no key could be corrupted (${tried.join("; ")})` };
}

function findKey(snapshot: Snapshot, type: string, exclude: Set<string>): { db: number; key: Buffer } | null {
  for (let db = 0; db < snapshot.dbs.length; db++) {
    for (const [id, state] of snapshot.dbs[db]) {
      if (state.type === type && !exclude.has(`${db}/${id}`)) return { db, key: state.key };
    }
  }
  return null;
}

// ------------------------------------------------------------------ report

/** A readable multi-line report. */
export function formatReport(
  report: DifferentialReport,
  options: { maxMismatches?: number; verbose?: boolean } = {},
): string {
  const maxMismatches = options.maxMismatches ?? 40;
  const lines: string[] = [];
  lines.push(`differential test, seed ${report.seed} (VEIDRODELIS_DIFF_SEED=${report.seed} to repeat)`);
  lines.push(`  redis config: ${Object.entries(report.config).map(([k, v]) => `${k}=${v}`).join(" ")}`);
  lines.push(
    `  ${report.commandsSent} commands in ${report.steps} steps, ${report.keysCompared} keys compared, ` +
      `${report.durationMs} ms; offsets primary ${report.offsets.primary} mirror ${report.offsets.mirror}; ` +
      `full syncs ${report.fullSyncs}; restores skipped (no source) ${report.restoresSkipped}`,
  );
  const errors = [...report.primaryErrors].sort((a, b) => b[1] - a[1]);
  const shownErrors = options.verbose ? errors : errors.slice(0, 12);
  lines.push(
    `  error replies of the primary (not propagated): ${
      shownErrors.map(([k, n]) => `${k} ×${n}`).join(", ") || "none"
    }` +
      (shownErrors.length < errors.length ? `, … ${errors.length - shownErrors.length} more kinds` : ""),
  );
  lines.push(`coverage (replicated command issued by the workload/received by the mirror; LOW: below the minimum):`);
  const counted = report.coverage.filter((r) => r.status !== "exempt");
  const cells = counted.map((r) => `${r.status === "low" ? "LOW " : ""}${r.name} ${r.issued}/${r.received}`);
  for (let i = 0; i < cells.length; i += 6) lines.push(`  ${cells.slice(i, i + 6).map((c) => c.padEnd(24)).join("")}`);
  const exempt = report.coverage.filter((r) => r.status === "exempt");
  if (options.verbose) {
    lines.push(`exempt (Redis 7.0.15 never sends them):`);
    for (const r of exempt) lines.push(`  ${r.name.padEnd(14)} ${r.issued}/${r.received} ${r.reason}`);
  } else {
    lines.push(`exempt (Redis 7.0.15 never sends them; reasons in harness.ts): ${exempt.map((r) => r.name).join(" ")}`);
  }
  const unknown = Object.entries(report.unknownReceived).filter(([n]) => n !== "select");
  if (unknown.length) {
    lines.push(`received but not in the command table: ${unknown.map(([n, c]) => `${n} ×${c}`).join(", ")}`);
  }
  lines.push(`divergences reported by the mirror: ${report.divergences.reduce((n, g) => n + g.count, 0)}`);
  for (const g of report.divergences) lines.push(`  ${g.command} ×${g.count}: ${escapeControls(g.example)}`);
  if (report.linkErrors.length) lines.push(`link errors: ${report.linkErrors.join(" | ")}`);
  lines.push(`score deviations within 4 ulp (geo distances, JS Math vs glibc libm): ${report.scoreDeviations.length}`);
  for (const m of report.scoreDeviations.slice(0, 5)) lines.push(`  ${describeMismatch(m)}`);
  lines.push(`mismatches: ${report.mismatches.length}`);
  for (const m of report.mismatches.slice(0, maxMismatches)) lines.push(`  ${describeMismatch(m)}`);
  if (report.mismatches.length > maxMismatches) lines.push(`  … ${report.mismatches.length - maxMismatches} more`);
  const byType = mismatchesByType(report.mismatches);
  if (byType) lines.push(`mismatches by kind: ${byType}`);
  if (report.freshMirror) {
    const f = report.freshMirror;
    lines.push(`fresh mirror from the final RDB: ${f.error ?? `${f.mismatches.length} mismatches`}`);
    for (const m of f.mismatches.slice(0, 10)) lines.push(`  ${describeMismatch(m)}`);
  }
  if (report.histories.size > 0) {
    lines.push(
      `replicated commands naming the first mismatched keys (oldest first; keys reached by COPY … DB, MOVE or SWAPDB from other databases may lack some):`,
    );
    for (const [key, history] of report.histories) {
      lines.push(`  db ${key.replace("/", ' key "')}":`);
      for (const line of history) lines.push(`    ${line}`);
    }
  }
  if (report.selfTest) {
    const s = report.selfTest;
    const target = s.corrupted
      ? `${s.corrupted.how} on ${s.corrupted.type} db ${s.corrupted.db} "${s.corrupted.key}"`
      : "nothing";
    lines.push(`self-test: ${s.ok ? "ok" : "FAILED"} (${target}; reported ${s.newMismatches.length} new) ${s.note}`);
    for (const m of s.newMismatches.slice(0, 5)) lines.push(`  ${describeMismatch(m)}`);
  }
  return lines.join("\n");
}

/** Control characters (binary arguments in messages) as \xNN, so the report stays one line per item. */
function escapeControls(text: string): string {
  // deno-lint-ignore no-control-regex
  return text.replace(/[\x00-\x1f\x7f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`);
}

function mismatchesByType(mismatches: Mismatch[]): string {
  const counts = new Map<string, number>();
  for (const m of mismatches) {
    const detailType = /^(string|list|set|zset|hash)\b/.exec(m.detail)?.[1] ?? "";
    const label = `${m.what}${detailType ? ` (${detailType})` : ""}`;
    counts.set(label, (counts.get(label) ?? 0) + 1);
  }
  return [...counts].map(([k, n]) => `${k} ×${n}`).join(", ");
}

/** True when the run proves the mirror equal to the primary. */
export function passed(report: DifferentialReport): boolean {
  return report.mismatches.length === 0 && report.divergences.length === 0 && report.linkErrors.length === 0 &&
    report.coverage.every((r) => r.status !== "low") && (report.selfTest?.ok ?? true) &&
    (report.freshMirror === null || (report.freshMirror.error === null && report.freshMirror.mismatches.length === 0));
}

/** Seed from $VEIDRODELIS_DIFF_SEED, else a random one. */
export function seedFromEnv(): number {
  const text = process.env.VEIDRODELIS_DIFF_SEED;
  if (text !== undefined && text !== "") return Number(text) >>> 0;
  return Math.floor(Math.random() * 2 ** 31);
}
