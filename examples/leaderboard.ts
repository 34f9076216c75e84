/**
 * Live team standings from watch events: per-team point totals kept in
 * process memory, read once from the mirror and then updated from
 * `mirror.watchPrefix` events. Matches move points from loser to winner in
 * separate writes, first plainly, then inside `__vdr_tx` transactions; the
 * total of all teams should never change, and it shows whether the
 * standings ever saw points in flight.
 *
 *   deno run -A examples/leaderboard.ts
 *   bun examples/leaderboard.ts
 *   node --import tsx examples/leaderboard.ts
 *
 * Environment: REDIS_URL (default redis://127.0.0.1:6379). It writes only
 * keys under "example:lb:player:" (and the `__vdr_tx` marker).
 */
import type { Redis } from "ioredis";
import { connectExample, connectingMessage, redisUrl, runExample } from "./_support/connect.ts";
import {
  clearPlayers,
  computeStandings,
  playerKey,
  playersInRedis,
  playMatch,
  type Standings,
  type TeamTotal,
} from "./leaderboard/players.ts";
import { LiveStandings } from "./leaderboard/standings.ts";

const TEAMS: Record<string, string[]> = {
  red: ["ada", "bo", "cy"],
  blue: ["dee", "eli", "fay"],
  green: ["gus", "hal"],
};
const START_POINTS = 100;
const MATCHES = 200;

await runExample(async () => {
  const url = redisUrl();
  console.log(connectingMessage(url));
  const { mirror, redis, close } = await connectExample(url);
  await seed(redis);
  await mirror.syncWith(redis);

  const standings = new LiveStandings(mirror);
  const names = Object.values(TEAMS).flat();
  const total = names.length * START_POINTS;
  console.log(`\n${names.length} players in ${Object.keys(TEAMS).length} teams, ${total} points in all`);
  printTeams(standings.teams());

  let updates = 0, inFlight = 0;
  standings.onChange((live) => {
    updates++;
    if (sumOf(live.teams()) !== total) inFlight++;
  });
  for (const atomic of [false, true]) {
    updates = inFlight = 0;
    for (let i = 0; i < MATCHES; i++) {
      const [winner, loser] = twoOf(names);
      await playMatch(redis, winner, loser, 1 + Math.floor(Math.random() * 20), { atomic });
    }
    await mirror.syncWith(redis);
    await new Promise((resolve) => setTimeout(resolve, 0)); // the last reconcile runs in a microtask
    console.log(
      `${MATCHES} matches ${atomic ? "inside __vdr_tx" : "as plain writes"}: ${inFlight} of ${updates} updates ` +
        `of the standings saw points in flight${atomic ? "" : " (the loser paid, the winner not yet paid)"}`,
    );
  }

  printTeams(standings.teams());
  console.log("top 3:", standings.top(3).map(([name, p]) => `${name} (${p.team}) ${p.score}`).join(", "));
  const reference = computeStandings(await playersInRedis(redis));
  console.log(`equal to a full recompute from Redis: ${canonical(reference) === canonical(standings.snapshot())}`);

  standings.stop();
  await clearPlayers(redis);
  await close();
});

/** Every player with START_POINTS, in one MULTI (the mirror applies it as one unit). */
async function seed(redis: Redis): Promise<void> {
  await clearPlayers(redis);
  const multi = redis.multi();
  for (const [team, members] of Object.entries(TEAMS)) {
    for (const name of members) multi.hset(playerKey(name), "team", team, "score", START_POINTS);
  }
  await multi.exec();
}

function twoOf(names: string[]): [string, string] {
  const a = Math.floor(Math.random() * names.length);
  const b = (a + 1 + Math.floor(Math.random() * (names.length - 1))) % names.length;
  return [names[a], names[b]];
}

function sumOf(teams: Record<string, TeamTotal>): number {
  return Object.values(teams).reduce((sum, team) => sum + team.points, 0);
}

function printTeams(teams: Record<string, TeamTotal>): void {
  console.log("  team    points  players");
  for (const [team, { points, players }] of Object.entries(teams).sort(([, a], [, b]) => b.points - a.points)) {
    console.log(`  ${team.padEnd(6)} ${String(points).padStart(7)} ${String(players).padStart(8)}`);
  }
}

/** Standings as JSON with sorted keys, to compare two of them. */
function canonical(standings: Standings): string {
  const sorted = (record: Record<string, unknown>) => Object.fromEntries(Object.entries(record).sort());
  return JSON.stringify({ players: sorted(standings.players), teams: sorted(standings.teams) });
}
