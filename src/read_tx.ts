/**
 * Read transactions from a list of reads: every read runs against the same
 * state of the projection (nothing is applied between them: reads are
 * synchronous and the replication stream is applied between turns of the
 * event loop), and each read has its own outcome, so a failing read (a
 * wrong type, a bad argument) does not fail the others.
 *
 * @module
 */

import { VeidrodelisError } from "./errors.ts";
import { checkReadArgs } from "./reads/args.ts";
import { type ReadContext, type ReadMethods, readTable, type Text } from "./reads/mod.ts";

/** The name of a read (a method of {@linkcode ReadMethods}). */
export type ReadName = keyof ReadMethods<Text>;

/** One read of a transaction: its name, then its arguments as the read method takes them. */
export type ReadCall<T extends Text = string> = {
  [K in ReadName]: readonly [K, ...Parameters<ReadMethods<T>[K]>];
}[ReadName];

/** What one read of a transaction gave: its value, or the error it threw. */
export type ReadOutcome<V = unknown> = { ok: true; value: V } | { ok: false; error: Error };

/** The outcome type of one call. */
export type OutcomeOf<T extends Text, C> = C extends readonly [infer K extends ReadName, ...unknown[]]
  ? ReadOutcome<ReturnType<ReadMethods<T>[K]>>
  : ReadOutcome;

/**
 * Runs `calls` in order against `ctx`, one outcome per call. Unknown read
 * names and arguments of the wrong kind give an `ARGUMENT` error outcome.
 *
 * @example
 * ```ts ignore
 * const [name, age] = runReadTx(mirror, [["get", "user:1:name"], ["hget", "user:1", "age"]]);
 * ```
 */
export function runReadTx(ctx: ReadContext, calls: readonly (readonly unknown[])[]): ReadOutcome[] {
  void ctx.store; // a transaction before the first sync fails as a whole (NotReadyError)
  const outcomes: ReadOutcome[] = new Array(calls.length);
  for (let i = 0; i < calls.length; i++) outcomes[i] = runOne(ctx, calls[i]);
  return outcomes;
}

function runOne(ctx: ReadContext, call: readonly unknown[]): ReadOutcome {
  try {
    const name = call[0];
    const def = typeof name === "string" && Object.hasOwn(readTable, name) ? readTable[name as ReadName] : undefined;
    if (def === undefined) throw new VeidrodelisError("ARGUMENT", `unknown read ${JSON.stringify(name)}`);
    const args = call.slice(1);
    checkReadArgs(name as string, def, args);
    return { ok: true, value: def.run(ctx, ...args) };
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error : new Error(String(error)) };
  }
}
