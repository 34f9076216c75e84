// Handle-leak checks. Only Node reports its active resources meaningfully (Deno and Bun return []),
// so these helpers return null there and tests should skip the assertion.

const INTERESTING = /TCP|Pipe|Process|Timeout|Immediate|FSReqCallback|UDP|TTY/;

/** Counts of active resources by type (Node), or null where the runtime does not report them. */
export function activeResources(): Record<string, number> | null {
  const isNode = typeof (globalThis as any).Deno === "undefined" && typeof (globalThis as any).Bun === "undefined";
  const fn = (process as any).getActiveResourcesInfo as (() => string[]) | undefined;
  if (!isNode || typeof fn !== "function") return null;
  const out: Record<string, number> = {};
  for (const r of fn()) if (INTERESTING.test(r)) out[r] = (out[r] ?? 0) + 1;
  return out;
}

/**
 * Resources present now but not in `before` (type -> extra count). Polls up to `settleMs` because
 * closing sockets release their handles on a later tick. Returns {} when nothing leaked or on Deno/Bun.
 */
export async function leakedSince(
  before: Record<string, number> | null,
  settleMs = 1000,
): Promise<Record<string, number>> {
  if (before === null) return {};
  const deadline = Date.now() + settleMs;
  for (;;) {
    const now = activeResources() ?? {};
    const extra: Record<string, number> = {};
    for (const [k, n] of Object.entries(now)) if (n > (before[k] ?? 0)) extra[k] = n - (before[k] ?? 0);
    if (Object.keys(extra).length === 0 || Date.now() > deadline) return extra;
    await new Promise<void>((r) => setTimeout(r, 25));
  }
}

export const runtimeName: "node" | "deno" | "bun" = typeof (globalThis as any).Deno !== "undefined"
  ? "deno"
  : typeof (globalThis as any).Bun !== "undefined"
  ? "bun"
  : "node";
