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

/**
 * The name of a read (a method of {@linkcode ReadMethods}).
 *
 * @example
 * ```ts
 * import type { ReadName } from "../mod.ts";
 * const reads: ReadName[] = ["get", "hget", "zrange"];
 * console.log(reads.length);
 * ```
 */
export type ReadName = keyof ReadMethods<Text>;

/**
 * One read of a transaction: its name, then its arguments as the read method takes them.
 *
 * @example
 * ```ts
 * import { Mirror, type ReadCall } from "../mod.ts";
 * const emptyRdb = new Uint8Array([...new TextEncoder().encode("REDIS0011"), 0xff, 0, 0, 0, 0, 0, 0, 0, 0]);
 * const mirror = await Mirror.fromRdb(emptyRdb);
 * const calls: ReadCall[] = [["get", "user:1:name"], ["zrange", "scores", 0, -1]];
 * console.log(mirror.readTx(calls).map((outcome) => outcome.ok)); // [true, true]
 * await mirror.close();
 * ```
 */
export type ReadCall<T extends Text = string> = {
  [K in ReadName]: readonly [K, ...Parameters<ReadMethods<T>[K]>];
}[ReadName];

/**
 * What one read of a transaction gave: its value, or the error it threw.
 *
 * @example
 * ```ts
 * import { Mirror, type ReadOutcome } from "../mod.ts";
 * const emptyRdb = new Uint8Array([...new TextEncoder().encode("REDIS0011"), 0xff, 0, 0, 0, 0, 0, 0, 0, 0]);
 * const mirror = await Mirror.fromRdb(emptyRdb);
 * const [name]: ReadOutcome[] = mirror.readTx([["get", "user:1:name"]]);
 * console.log(name.ok ? name.value : name.error.message); // null
 * await mirror.close();
 * ```
 */
export type ReadOutcome<V = unknown> = { ok: true; value: V } | { ok: false; error: Error };

/**
 * The outcome type of one call.
 *
 * @example
 * ```ts
 * import { Mirror, type OutcomeOf } from "../mod.ts";
 * const emptyRdb = new Uint8Array([...new TextEncoder().encode("REDIS0011"), 0xff, 0, 0, 0, 0, 0, 0, 0, 0]);
 * const mirror = await Mirror.fromRdb(emptyRdb);
 * const [count] = mirror.readTx([["zcard", "scores"]] as const);
 * const typed: OutcomeOf<string, readonly ["zcard", string]> = count; // ReadOutcome<number>
 * if (typed.ok) console.log(typed.value + 1); // 1
 * await mirror.close();
 * ```
 */
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
