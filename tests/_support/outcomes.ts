/**
 * Comparing what a read did on the mirror with what the same command did on
 * the primary: a result, or an error with Redis's text (WRONGTYPE as
 * WrongTypeError).
 */
import assert from "node:assert/strict";
import { VeidrodelisError, WrongTypeError } from "../../src/errors.ts";

/** The error a read throws (null: none). */
export function thrown(fn: () => unknown): unknown {
  try {
    fn();
    return null;
  } catch (error) {
    return error;
  }
}

/** The error reply of a primary command (null: none). */
export async function refused(p: Promise<unknown>): Promise<Error | null> {
  try {
    await p;
    return null;
  } catch (error) {
    return error as Error;
  }
}

/** Asserts our read fails as the primary did: WRONGTYPE as WrongTypeError, others with Redis's text. */
export function assertSameFailure(ours: unknown, theirs: Error | null, what: string): void {
  if (theirs === null) {
    assert.equal(ours, null, `${what}: the primary answered, we threw ${ours}`);
    return;
  }
  assert.ok(ours instanceof VeidrodelisError, `${what}: the primary refused (${theirs.message}), we did not`);
  if (theirs.message.startsWith("WRONGTYPE")) assert.ok(ours instanceof WrongTypeError, what);
  else assert.equal((ours as Error).message, theirs.message, what);
}

/** The mirror's result, or its error. */
export function mirrorCall(f: () => unknown): unknown {
  try {
    return f();
  } catch (error) {
    return error;
  }
}

/** Both errored with the same Redis text (then false), or neither did (then true). */
export function sameOutcome(mine: unknown, theirs: unknown, what: string): boolean {
  if (theirs instanceof Error) {
    assert.ok(
      mine instanceof Error,
      `${what}: the primary replied ${theirs.message}, the mirror ${JSON.stringify(mine)}`,
    );
    if (theirs.message.startsWith("WRONGTYPE")) {
      assert.ok(mine instanceof WrongTypeError, `${what}: ${mine}`);
    } else {
      assert.ok(mine instanceof VeidrodelisError && mine.code === "ARGUMENT", `${what}: ${mine}`);
      assert.equal(mine.message, theirs.message, what);
    }
    return false;
  }
  if (mine instanceof Error) throw new Error(`${what}: the mirror threw ${mine.message}, the primary replied`);
  return true;
}
