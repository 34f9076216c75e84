/**
 * The data of the leaderboard example, as it lives in Redis: one hash per
 * player, `example:lb:player:<name>` → { team, score }. Also the standings
 * computed from scratch (the reference the live standings must equal), and
 * the writes: a match moves points from the loser to the winner.
 *
 * @module
 */

import type { Redis } from "ioredis";
import { withVdrTx } from "../_support/vdr_tx.ts";

/** Prefix of the player keys. */
export const PLAYER_PREFIX = "example:lb:player:";

/** A player as stored. */
export interface Player {
  /** Team name. */
  team: string;
  /** Points (an integer). */
  score: number;
}

/** A team's figures. */
export interface TeamTotal {
  /** Sum of its players' scores. */
  points: number;
  /** Players in it. */
  players: number;
}

/** Everything derived: players by name, team totals by team. */
export interface Standings {
  /** Players by name (the key without its prefix). */
  players: Record<string, Player>;
  /** Teams by name; a team without players is absent. */
  teams: Record<string, TeamTotal>;
}

/**
 * The key of a player.
 *
 * @example
 * ```ts ignore
 * playerKey("ada"); // "example:lb:player:ada"
 * ```
 */
export function playerKey(name: string): string {
  return PLAYER_PREFIX + name;
}

/**
 * The player a hash holds, or null when it is not one (no `team` field: a
 * missing key reads as an empty hash). A score that is not a number counts
 * as 0, as `HINCRBY` would refuse it anyway.
 *
 * @example
 * ```ts ignore
 * parsePlayer({ team: "red", score: "12" }); // { team: "red", score: 12 }
 * parsePlayer({}); // null
 * ```
 */
export function parsePlayer(hash: Record<string, string>): Player | null {
  if (hash.team === undefined || hash.team === "") return null;
  const score = Number(hash.score ?? 0);
  return { team: hash.team, score: Number.isFinite(score) ? score : 0 };
}

/**
 * Standings computed from scratch from a list of players.
 *
 * @example
 * ```ts ignore
 * computeStandings([["ada", { team: "red", score: 3 }], ["bo", { team: "red", score: 4 }]]);
 * // { players: { ada: …, bo: … }, teams: { red: { points: 7, players: 2 } } }
 * ```
 */
export function computeStandings(players: Iterable<[name: string, player: Player]>): Standings {
  const standings: Standings = { players: {}, teams: {} };
  for (const [name, player] of players) {
    standings.players[name] = { ...player };
    const team = standings.teams[player.team] ??= { points: 0, players: 0 };
    team.points += player.score;
    team.players++;
  }
  return standings;
}

/**
 * Every player, read from the primary itself (SCAN + HGETALL): what a
 * service without a mirror would have to do on each change.
 *
 * @example
 * ```ts ignore
 * const reference = computeStandings(await playersInRedis(redis));
 * ```
 */
export async function playersInRedis(redis: Redis): Promise<[string, Player][]> {
  const players: [string, Player][] = [];
  let cursor = "0";
  do {
    const [next, keys] = await redis.scan(cursor, "MATCH", `${PLAYER_PREFIX}*`, "COUNT", 500);
    cursor = next;
    for (const key of keys) {
      if ((await redis.type(key)) !== "hash") continue;
      const player = parsePlayer(await redis.hgetall(key));
      if (player !== null) players.push([key.slice(PLAYER_PREFIX.length), player]);
    }
  } while (cursor !== "0");
  return players;
}

/**
 * Plays a match: the loser pays the winner `stake` points, or all it has if
 * less. The amount depends on a read of the loser's score between the
 * writes, which one `MULTI` cannot express; with `atomic` (the default) the
 * match runs inside a `__vdr_tx` transaction, so mirrors apply both writes
 * at once and never show the points in flight. Resolves with the points
 * moved.
 *
 * @example
 * ```ts ignore
 * await playMatch(redis, "ada", "bo", 10); // 10 (or less, if bo had less)
 * ```
 */
export function playMatch(
  redis: Redis,
  winner: string,
  loser: string,
  stake: number,
  options: { atomic?: boolean } = {},
): Promise<number> {
  const play = async () => {
    // Reads inside a transaction go to the primary: the mirror shows none of it before the end.
    const points = Math.min(stake, Math.max(0, Number(await redis.hget(playerKey(loser), "score") ?? 0)));
    await redis.hincrby(playerKey(loser), "score", -points);
    await redis.hincrby(playerKey(winner), "score", points);
    return points;
  };
  return options.atomic === false ? play() : withVdrTx(redis, play);
}

/**
 * Deletes every player key (the example starts from a clean slate; it
 * touches nothing outside its prefix).
 *
 * @example
 * ```ts ignore
 * await clearPlayers(redis);
 * ```
 */
export async function clearPlayers(redis: Redis): Promise<void> {
  let cursor = "0";
  do {
    const [next, keys] = await redis.scan(cursor, "MATCH", `${PLAYER_PREFIX}*`, "COUNT", 500);
    cursor = next;
    if (keys.length > 0) await redis.del(...keys);
  } while (cursor !== "0");
}
