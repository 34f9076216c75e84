/**
 * Live standings kept in process memory from a mirror's watch events: the
 * snapshot read once at the start, then only the players that changed,
 * re-read from the mirror.
 *
 * A unit the mirror applies (one command, a MULTI/EXEC, a `__vdr_tx`
 * transaction) reports its keys one callback at a time, all in one
 * synchronous run. The standings collect those keys and reconcile them in a
 * microtask, after the last callback: listeners never see a unit half
 * counted, e.g. the winner's points added and the loser's not yet taken.
 *
 * @module
 */

import type { Reader, Unwatch, WatchEvent } from "../../mod.ts";
import { parsePlayer, type Player, PLAYER_PREFIX, type Standings, type TeamTotal } from "./players.ts";

/** Called after each change of the standings, with them. */
export type StandingsListener = (standings: LiveStandings) => void;

const PAGE = 256;
const decoder = new TextDecoder();

/**
 * Team totals and players, following the mirror.
 *
 * @example
 * ```ts ignore
 * const standings = new LiveStandings(mirror);
 * standings.onChange((s) => console.log(s.teams()));
 * standings.top(3); // [["ada", { team: "red", score: 140 }], …]
 * standings.stop();
 * ```
 */
export class LiveStandings {
  readonly #reader: Reader<string>;
  readonly #players = new Map<string, Player>();
  readonly #teams = new Map<string, TeamTotal>();
  readonly #listeners = new Set<StandingsListener>();
  /** Player keys written since the last reconcile. */
  readonly #dirty = new Set<string>();
  /** An init, flush or overflow: everything must be read again. */
  #reloadAll = false;
  #scheduled = false;
  readonly #unwatch: Unwatch;
  /** Changes applied so far (reconciles, full reloads included). */
  changes = 0;

  /**
   * Reads every player from `reader` (a mirror, or `mirror.db(n)`) and
   * watches their keys. Both happen in one synchronous run, so no write
   * falls between the snapshot and the watch.
   */
  constructor(reader: Reader<string>) {
    this.#reader = reader;
    this.#loadAll();
    this.#unwatch = reader.watchPrefix(PLAYER_PREFIX, (event) => this.#onEvent(event));
  }

  /** Calls `listener` after each change; returns a function that unsubscribes. */
  onChange(listener: StandingsListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Team totals by team. */
  teams(): Record<string, TeamTotal> {
    return Object.fromEntries([...this.#teams].map(([team, total]) => [team, { ...total }]));
  }

  /** The `count` players with the most points, best first (ties by name). */
  top(count: number): [name: string, player: Player][] {
    return [...this.#players]
      .sort(([a, pa], [b, pb]) => pb.score - pa.score || (a < b ? -1 : 1))
      .slice(0, count)
      .map(([name, player]) => [name, { ...player }]);
  }

  /** Players and teams, in the shape of `computeStandings` (to compare with a recompute). */
  snapshot(): Standings {
    return {
      players: Object.fromEntries([...this.#players].map(([name, player]) => [name, { ...player }])),
      teams: this.teams(),
    };
  }

  /** Stops following the mirror. */
  stop(): void {
    this.#unwatch();
    this.#listeners.clear();
  }

  #onEvent(event: WatchEvent): void {
    if (event.type === "update") this.#dirty.add(decoder.decode(event.key));
    else this.#reloadAll = true; // init (a full resync), flush (FLUSHDB/FLUSHALL/SWAPDB), overflow
    if (this.#scheduled) return;
    this.#scheduled = true;
    queueMicrotask(() => this.#reconcile());
  }

  /** Applies what changed since the last time: re-reads the dirty players (or everything) from the mirror. */
  #reconcile(): void {
    this.#scheduled = false;
    if (this.#reloadAll) {
      this.#reloadAll = false;
      this.#loadAll();
    } else {
      for (const key of this.#dirty) this.#refresh(key);
    }
    this.#dirty.clear();
    this.changes++;
    for (const listener of this.#listeners) listener(this);
  }

  /** Forgets everything and reads every player key, walking the keys after the prefix in byte order. */
  #loadAll(): void {
    this.#players.clear();
    this.#teams.clear();
    for (let page = this.#reader.knext(PLAYER_PREFIX, PAGE); page.length > 0;) {
      for (const key of page) {
        if (!key.startsWith(PLAYER_PREFIX)) return;
        this.#refresh(key);
      }
      page = this.#reader.knext(page[page.length - 1], PAGE);
    }
  }

  /** Replaces what the standings count of one player by what the mirror holds now. */
  #refresh(key: string): void {
    const name = key.slice(PLAYER_PREFIX.length);
    const before = this.#players.get(name);
    if (before !== undefined) this.#count(before, -1);
    // Anything but a hash under the prefix (someone SET a string there) is not a player.
    const now = this.#reader.type(key) === "hash" ? parsePlayer(this.#reader.hgetall(key)) : null;
    if (now === null) this.#players.delete(name);
    else {
      this.#players.set(name, now);
      this.#count(now, 1);
    }
  }

  #count(player: Player, sign: 1 | -1): void {
    const total = this.#teams.get(player.team) ?? { points: 0, players: 0 };
    total.points += sign * player.score;
    total.players += sign;
    if (total.players === 0) this.#teams.delete(player.team);
    else this.#teams.set(player.team, total);
  }
}
