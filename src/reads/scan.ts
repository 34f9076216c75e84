/**
 * Cursor scans (SCAN, SSCAN, HSCAN, ZSCAN): their options and one step's page.
 *
 * @module
 */

import { globMatch } from "../ops/glob.ts";
import { argumentError, LONG_LIMIT } from "./arguments.ts";
import type { KeyInput } from "./context.ts";

const encoder = new TextEncoder();

/**
 * Options of the scans: Redis's `MATCH pattern` and `COUNT hint`.
 *
 * @example
 * ```ts
 * import type { ScanOptions } from "../../mod.ts";
 * const options: ScanOptions = { match: "tag:*", count: 50 };
 * // mirror.sscan("tags", 0, options);
 * console.log(options.match);
 * ```
 */
export interface ScanOptions {
  /** Glob-style pattern (Redis `MATCH`): only matching items are returned. */
  match?: KeyInput;
  /** How much work one step does (Redis `COUNT`, default 10, at least 1); a hint, not a result size. */
  count?: number;
}

/**
 * One step of a cursor scan: the next cursor (0 when done) and the items found by this step.
 *
 * @example
 * ```ts
 * import type { ScanPage } from "../../mod.ts";
 * // Every item of a scan, page after page (`scanStep` would be e.g. `(c) => mirror.scan(c)`).
 * function scanAll<I>(scanStep: (cursor: number) => ScanPage<I>): I[] {
 *   const all: I[] = [];
 *   let cursor = 0;
 *   do {
 *     const page = scanStep(cursor);
 *     all.push(...page.items);
 *     cursor = page.cursor;
 *   } while (cursor !== 0);
 *   return all;
 * }
 * console.log(scanAll(() => ({ cursor: 0, items: ["a", "b"] }))); // ["a", "b"]
 * ```
 */
export interface ScanPage<I> {
  /** Pass it to the next call; 0 means the scan is complete. */
  cursor: number;
  /** Items of this step (possibly none, even when the scan is not complete). */
  items: I[];
}

/** SCAN options checked as Redis's `scanGenericCommand`: the COUNT hint and the MATCH pattern as bytes (null: all). */
export interface ScanRequest {
  count: number;
  pattern: Uint8Array | null;
}

/**
 * Reads SCAN options as Redis does: COUNT an integer >= 1 (default 10;
 * "ERR syntax error" below 1), MATCH `*` meaning no filter.
 */
export function scanRequest(options: ScanOptions | undefined): ScanRequest {
  let count = 10;
  let pattern: Uint8Array | null = null;
  if (options !== undefined && options !== null) {
    if (options.count !== undefined) {
      const n = options.count;
      if (typeof n !== "number" || !Number.isInteger(n) || Math.abs(n) >= LONG_LIMIT) {
        throw argumentError("ERR value is not an integer or out of range");
      }
      if (n < 1) throw argumentError("ERR syntax error");
      count = n;
    }
    const match = options.match;
    if (match !== undefined) {
      pattern = typeof match === "string" ? encoder.encode(match) : match;
      if (pattern.length === 1 && pattern[0] === 0x2a) pattern = null; // "*" matches everything
    }
  }
  return { count, pattern };
}

/** True when `item` passes the scan's MATCH filter. */
export function scanMatches(request: ScanRequest, item: Uint8Array): boolean {
  return request.pattern === null || globMatch(request.pattern, item);
}
