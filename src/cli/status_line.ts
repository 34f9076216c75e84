/**
 * The live status line of `veidrodelis mirror`: where the mirror stands,
 * from `mirror.stats()` sampled once a second (commands per second are the
 * difference between two samples).
 *
 * @module
 */

import type { MirrorStats } from "../mirror.ts";
import { formatBytes, formatCount } from "./format.ts";

/** What one status line shows. */
export interface StatusFigures {
  /** The mirror's stats at this sample. */
  readonly stats: MirrorStats;
  /** Keys over every database. */
  readonly keys: number;
  /** Commands applied per second since the previous sample (null for the first). */
  readonly commandsPerSecond: number | null;
}

/**
 * One status line: state, replication offset, lag, commands/s, keys, memory.
 *
 * @example
 * ```ts ignore
 * formatStatus({ stats: mirror.stats(), keys: 1200, commandsPerSecond: 350 });
 * // "streaming  offset 1,234  lag 0 B  350 cmd/s  1,200 keys  1.00 MiB  last byte 0.2 s ago"
 * ```
 */
export function formatStatus(figures: StatusFigures): string {
  const { stats } = figures;
  const rate = figures.commandsPerSecond === null ? "- cmd/s" : `${formatCount(figures.commandsPerSecond)} cmd/s`;
  const parts = [
    stats.state,
    `offset ${formatCount(stats.offset)}`,
    `lag ${formatBytes(stats.lagBytes)}`,
    rate,
    `${formatCount(figures.keys)} keys`,
    formatBytes(stats.memoryBytes),
    `last byte ${stats.secondsSinceLastByte.toFixed(1)} s ago`,
  ];
  if (stats.reconnects > 0) parts.push(`${formatCount(stats.reconnects)} reconnects`);
  if (stats.divergences > 0) parts.push(`${formatCount(stats.divergences)} divergences`);
  return parts.join("  ");
}

/**
 * Turns successive stats into {@linkcode StatusFigures}, keeping what the
 * rate needs (the previous command total and when it was taken).
 *
 * @example
 * ```ts ignore
 * const sampler = new StatusSampler();
 * setInterval(() => print(formatStatus(sampler.sample(mirror.stats(), keys(), performance.now()))), 1000);
 * ```
 */
export class StatusSampler {
  #previous: { commands: number; at: number } | null = null;

  /** Figures of `stats` taken at `nowMs`, with the rate since the previous sample. */
  sample(stats: MirrorStats, keys: number, nowMs: number): StatusFigures {
    const commands = Object.values(stats.commands).reduce((sum, n) => sum + n, 0);
    const previous = this.#previous;
    this.#previous = { commands, at: nowMs };
    const seconds = previous === null ? 0 : (nowMs - previous.at) / 1000;
    // a resync can restart the counts: never a negative rate
    const commandsPerSecond = previous === null || seconds <= 0
      ? null
      : Math.max(0, Math.round((commands - previous.commands) / seconds));
    return { stats, keys, commandsPerSecond };
  }
}
