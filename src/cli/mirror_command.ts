/**
 * `veidrodelis mirror <redis-url | file.rdb>`: follows a primary with a
 * progress bar during the RDB load and a live status line afterwards, or
 * runs one-shot reads (`--read`, `--eval`) and exits.
 *
 * @module
 */

import { Mirror } from "../mirror.ts";
import type { LuaOptions } from "../scripts.ts";
import type { RdbLoadProgress } from "../rdb/mod.ts";
import { hasFlag, optionHelp, type OptionSpec, optionValue, optionValues, parseArgs } from "./args.ts";
import type { CliContext, Command } from "./command.ts";
import { UsageError } from "./failure.ts";
import { formatBytes, formatCount, formatDuration } from "./format.ts";
import type { CliIo } from "./io.ts";
import { CONNECTION_OPTIONS, type MirrorSource, mirrorSource } from "./mirror_source.ts";
import { type EvalRequest, runOneShot } from "./one_shot.ts";
import { ProgressBar } from "./progress.ts";
import { parseRead } from "./read_calls.ts";
import { formatStatus, StatusSampler } from "./status_line.ts";

const READ_OPTIONS: readonly OptionSpec[] = [
  { name: "read", value: "READ", repeat: true, help: 'a read to run once, e.g. "hgetall user:1" (repeatable)' },
  { name: "eval", value: "LUA", help: "a Lua read script to run once; KEYS and ARGV follow the source" },
  { name: "json", help: "print the results of --read/--eval as JSON" },
  { name: "quiet", short: "q", help: "nothing on stderr but errors (no progress bar, no summary)" },
  { name: "help", short: "h", help: "show this help" },
];

const OPTIONS: readonly OptionSpec[] = [...CONNECTION_OPTIONS, ...READ_OPTIONS];

/** Databases summed for the key count of the status line (the default count of a mirror). */
const STATUS_DATABASES = 16;

/**
 * The `mirror` command.
 *
 * @example
 * ```ts ignore
 * const code = await mirrorCommand.run(["redis://127.0.0.1:6379", "--read", "get foo"], context);
 * ```
 */
export const mirrorCommand: Command = {
  name: "mirror",
  summary: "follow a primary live (status line), or run reads against it once",
  help: () =>
    `usage: veidrodelis mirror <redis-url | file.rdb> [options]
       veidrodelis mirror <source> --read "<read> [args…]" [--read …] [--json]
       veidrodelis mirror <source> --eval '<lua>' [key …] [, arg …]

Connects to a primary as a replica (redis://[[user]:password@]host[:port][/db], rediss:// for TLS), shows a
progress bar while the RDB loads, then a status line refreshed every second: state, replication offset, lag,
commands applied per second, keys, memory. Ctrl-C stops it cleanly. An RDB file as source loads it offline.

With --read or --eval it waits until the mirror is live, runs them once, prints the results and exits (1 when
a read failed). Every --read runs in one read transaction (one state of the data), then the --eval script.

  --read "<name> <args…>"   a read of the mirror's read table (the reader's methods, case-insensitive): get,
                            hgetall, zrange, scan, objectEncoding, … Words split as in a shell ("…" and '…'
                            keep spaces). Integers and numbers as written (inf, -inf), score bounds as numbers
                            or text ("(1.5"), key lists as JSON arrays or a,b,c, options as JSON objects:
                              --read 'zrange board 0 -1 {"withScores":true}'
  --eval '<lua>' k1 k2 , a1  a Lua read script (reads as ts.get, ts.hget, …); the words after the source are its
                            KEYS, those after a lone "," its ARGV (as redis-cli --eval):
                              --eval 'return ts.hget(KEYS[1], ARGV[1])' user:1 , name

options:
${optionHelp(OPTIONS)}

Exit codes: 0 done, 1 failed (connection refused, authentication, corrupt RDB, a read failed), 2 wrong usage.
`,
  run: runMirror,
};

async function runMirror(argv: readonly string[], context: CliContext): Promise<number> {
  const { io } = context;
  const args = parseArgs(argv, OPTIONS);
  if (hasFlag(args, "help")) {
    io.stdout.write(mirrorCommand.help());
    return 0;
  }
  const [sourceText, ...rest] = args.positionals;
  if (sourceText === undefined) throw new UsageError("missing <redis-url | file.rdb>");
  // everything the user typed is checked before connecting
  const reads = optionValues(args, "read").map(parseRead);
  const script = evalRequest(optionValue(args, "eval"), rest);
  const source = mirrorSource(sourceText, args, io.env);
  const quiet = hasFlag(args, "quiet");
  const lua: LuaOptions = context.luaWasmFile === undefined ? {} : { wasmFile: context.luaWasmFile };

  const opened = await openMirror(source, lua, io, quiet, context);
  if (opened === null) return 130; // interrupted while connecting
  const mirror = opened;
  try {
    if (reads.length > 0 || script !== undefined) {
      return await runOneShot(mirror, reads, script, { json: hasFlag(args, "json"), out: io.stdout });
    }
    if (source.kind === "file") {
      io.stdout.write(statusLine(mirror, new StatusSampler()) + "\n");
      return 0;
    }
    await follow(mirror, source.address, io, quiet, context);
    await mirror.close();
    if (!quiet) io.stderr.write("stopped: the mirror is closed\n");
    return 0;
  } finally {
    await mirror.close();
  }
}

/** The `--eval` request: its KEYS are the words after the source, its ARGV those after a lone ",". */
function evalRequest(source: string | undefined, words: readonly string[]): EvalRequest | undefined {
  if (source === undefined) {
    if (words.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(words[0])}`);
    return undefined;
  }
  const comma = words.indexOf(",");
  return comma === -1
    ? { source, keys: words, args: [] }
    : { source, keys: words.slice(0, comma), args: words.slice(comma + 1) };
}

/** The live mirror (or the loaded file), with progress on stderr; null when interrupted first. */
async function openMirror(
  source: MirrorSource,
  lua: LuaOptions,
  io: CliIo,
  quiet: boolean,
  context: CliContext,
): Promise<Mirror | null> {
  const bar = new ProgressBar(quiet ? { ...io.stderr, isTTY: false } : io.stderr, "loading RDB");
  let last: RdbLoadProgress = { bytes: 0, totalBytes: null, keys: 0 };
  const onProgress = (progress: RdbLoadProgress) => {
    last = progress;
    bar.update(progress);
  };
  const stopped = new AbortController();
  const interrupted = context.interrupted().then(() => {
    stopped.abort();
    return null;
  });
  let mirror: Mirror;
  try {
    if (source.kind === "file") {
      const loading = Mirror.fromRdb(source.path, { db: source.db, lua, onProgress, signal: stopped.signal });
      loading.catch(() => {}); // an interrupted load rejects: observed through the race below
      const loaded = await Promise.race([loading, interrupted]);
      if (loaded === null) return null;
      mirror = loaded;
    } else {
      mirror = new Mirror({ ...source.options, lua });
      const offProgress = mirror.on("progress", onProgress);
      const offState = mirror.on("state", (state) => {
        if (state === "initializing") bar.note(`connecting to ${source.address}…`);
        if (state === "replicating") bar.note(`waiting for the RDB of ${source.address}…`);
      });
      bar.note(`connecting to ${source.address}…`);
      try {
        const live = await Promise.race([mirror.ready.then(() => mirror), interrupted]);
        if (live === null) {
          await mirror.close();
          return null;
        }
      } catch (error) {
        await mirror.close();
        throw error;
      } finally {
        offProgress();
        offState();
      }
    }
  } finally {
    bar.clear();
  }
  if (!quiet) bar.done(loadedLine(source, last, bar.elapsedMs));
  return mirror;
}

function loadedLine(source: MirrorSource, progress: RdbLoadProgress, elapsedMs: number): string {
  const what = `${formatCount(progress.keys)} keys, ${formatBytes(progress.bytes)} of RDB`;
  return source.kind === "file"
    ? `loaded ${source.path}: ${what} in ${formatDuration(elapsedMs)}`
    : `live from ${source.address}: ${what}, in ${formatDuration(elapsedMs)}`;
}

/** Prints the status line every second until interrupted; link errors in between. */
async function follow(mirror: Mirror, address: string, io: CliIo, quiet: boolean, context: CliContext): Promise<void> {
  const out = io.stdout;
  const sampler = new StatusSampler();
  const draw = () => {
    const line = statusLine(mirror, sampler);
    out.write(out.isTTY ? `\r\x1b[2K${line.slice(0, out.columns - 1)}` : `${line}\n`);
  };
  const report = (text: string) => {
    if (out.isTTY) out.write("\r\x1b[2K");
    io.stderr.write(`${text}\n`);
  };
  const offError = mirror.on("error", (error) => report(`link to ${address} failed: ${error.message}; reconnecting`));
  const offDivergence = mirror.on("divergence", (error) => report(`divergence: ${error.message}`));
  if (!quiet) io.stderr.write(`following ${address} (Ctrl-C to stop)\n`);
  draw();
  const timer = setInterval(draw, 1000);
  try {
    await context.interrupted();
  } finally {
    clearInterval(timer);
    offError();
    offDivergence();
  }
  if (out.isTTY) out.write("\n");
}

function statusLine(mirror: Mirror, sampler: StatusSampler): string {
  let keys = 0;
  for (let db = 0; db < STATUS_DATABASES; db++) keys += mirror.db(db).dbsize();
  return formatStatus(sampler.sample(mirror.stats(), keys, performance.now()));
}
