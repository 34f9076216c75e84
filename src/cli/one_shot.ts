/**
 * One-shot reads against a mirror (`--read`, `--eval`): every `--read` runs
 * in one read transaction (one state of the projection, through the read
 * table), then the Lua script if any; results are printed as `redis-cli`
 * shows replies, or as JSON.
 *
 * @module
 */

import type { Mirror } from "../mirror.ts";
import type { ReadCall } from "../read_tx.ts";
import type { LuaValue } from "../lua/mod.ts";
import type { Output } from "./io.ts";
import type { ParsedRead } from "./read_calls.ts";
import { formatValue, toJson } from "./value_format.ts";

/** A Lua script to evaluate once, with its `KEYS` and `ARGV`. */
export interface EvalRequest {
  /** The script's source. */
  readonly source: string;
  /** Its `KEYS`. */
  readonly keys: readonly string[];
  /** Its `ARGV`. */
  readonly args: readonly string[];
}

/** What one read or script gave. */
interface Result {
  readonly label: string;
  readonly outcome: { ok: true; value: unknown } | { ok: false; error: Error };
}

/**
 * Runs the reads, then the script, prints their results on `out` and
 * resolves to the exit code: 0 when everything succeeded, 1 when one failed
 * (its error is printed in its place).
 *
 * @example
 * ```ts ignore
 * const code = await runOneShot(mirror, [parseRead("get foo")], undefined, { json: false, out: io.stdout });
 * ```
 */
export async function runOneShot(
  mirror: Mirror,
  reads: readonly ParsedRead[],
  script: EvalRequest | undefined,
  options: { json: boolean; out: Output },
): Promise<number> {
  const results: Result[] = [];
  if (reads.length > 0) {
    const calls = reads.map((r) => [r.name, ...r.args]) as unknown as readonly ReadCall[];
    const outcomes = mirror.readTx(calls);
    reads.forEach((read, i) => results.push({ label: read.text, outcome: outcomes[i] }));
  }
  if (script !== undefined) {
    let outcome: Result["outcome"];
    try {
      outcome = {
        ok: true,
        value: await mirror.eval(script.source, { keys: script.keys, args: script.args as readonly LuaValue[] }),
      };
    } catch (error) {
      outcome = { ok: false, error: error instanceof Error ? error : new Error(String(error)) };
    }
    results.push({ label: `eval ${script.source}`, outcome });
  }
  options.out.write(options.json ? renderJson(results) : renderText(results));
  return results.every((r) => r.outcome.ok) ? 0 : 1;
}

function renderText(results: readonly Result[]): string {
  const labelled = results.length > 1;
  return results.map(({ label, outcome }) => {
    const body = outcome.ok ? formatValue(outcome.value) : `(error) ${outcome.error.message}`;
    return labelled ? `> ${label}\n${body}\n` : `${body}\n`;
  }).join("");
}

function renderJson(results: readonly Result[]): string {
  const data = results.map(({ label, outcome }) =>
    outcome.ok ? { read: label, ok: true, value: toJson(outcome.value) } : {
      read: label,
      ok: false,
      error: { code: (outcome.error as { code?: string }).code ?? "ERROR", message: outcome.error.message },
    }
  );
  return JSON.stringify(data, null, 2) + "\n";
}
