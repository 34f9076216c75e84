/**
 * Sorted-set algebra as Redis's `zunionInterDiffGenericCommand` computes it
 * (t_zset.c): weights, SUM/MIN/MAX aggregation, plain sets as inputs with
 * score 1, absent keys as empty inputs.
 *
 * Floating-point addition is not associative, so the order of aggregation
 * is part of the result: Redis sorts the inputs by cardinality (glibc's
 * qsort is a stable merge sort, so equal sizes keep their argument order)
 * and folds them in that order; NaN rules differ between the first value
 * and the following ones, exactly as below.
 *
 * @module
 */

import { bytesKey } from "./bytes.ts";

/**
 * How scores of a member present in several inputs combine.
 *
 * @example
 * ```ts
 * import type { Aggregate } from "../../mod.ts";
 * const aggregate: Aggregate = "min";
 * // mirror.zinter(["a", "b"], { aggregate }); // each member with its lowest score
 * console.log(aggregate);
 * ```
 */
export type Aggregate = "sum" | "min" | "max";

/**
 * One input: a sorted set's members with their scores, a plain set's
 * members (`scores` null: every score is 1), or null for an absent key.
 */
export type ZsetInput = { members: readonly Uint8Array[]; scores: readonly number[] | null } | null;

/** A computed sorted set (member order carries no meaning). */
export interface ZsetResult {
  members: Uint8Array[];
  scores: number[];
}

interface Source {
  members: readonly Uint8Array[];
  scores: readonly number[] | null;
  weight: number;
  /** Position in the argument list. */
  index: number;
}

/** Redis's `zunionInterAggregate`: SUM maps NaN (inf + -inf) to 0; MIN/MAX ignore a NaN value. */
export function aggregateScores(target: number, value: number, aggregate: Aggregate): number {
  if (aggregate === "sum") {
    const sum = target + value;
    return Number.isNaN(sum) ? 0 : sum;
  }
  if (aggregate === "min") return value < target ? value : target;
  return value > target ? value : target;
}

/** ZUNIONSTORE: every member of any input, scores weighted then aggregated in input-size order. */
export function zsetUnion(inputs: readonly ZsetInput[], weights: readonly number[], aggregate: Aggregate): ZsetResult {
  const scores = new Map<string, number>();
  const members: Uint8Array[] = [];
  for (const src of bySize(inputs, weights)) {
    for (let i = 0; i < src.members.length; i++) {
      let score = src.weight * scoreAt(src, i);
      if (Number.isNaN(score)) score = 0;
      const key = bytesKey(src.members[i]);
      const existing = scores.get(key);
      if (existing === undefined) {
        members.push(src.members[i]);
        scores.set(key, score);
      } else {
        scores.set(key, aggregateScores(existing, score, aggregate));
      }
    }
  }
  return { members, scores: members.map((m) => scores.get(bytesKey(m))!) };
}

/** ZINTERSTORE: members of every input; the smallest input drives, the others fold in size order. */
export function zsetInter(inputs: readonly ZsetInput[], weights: readonly number[], aggregate: Aggregate): ZsetResult {
  const out: ZsetResult = { members: [], scores: [] };
  const sources = bySize(inputs, weights);
  if (sources.length < inputs.length || sources.length === 0 || sources[0].members.length === 0) return out;
  const lookups = sources.map(scoreLookup);
  const first = sources[0];
  for (let i = 0; i < first.members.length; i++) {
    const member = first.members[i];
    let score = first.weight * scoreAt(first, i);
    if (Number.isNaN(score)) score = 0;
    let inAll = true;
    const key = bytesKey(member);
    for (let j = 1; j < sources.length; j++) {
      const found = lookups[j].get(key);
      if (found === undefined) {
        inAll = false;
        break;
      }
      // unlike the first value, a NaN product here is not zeroed before aggregation
      score = aggregateScores(score, found * sources[j].weight, aggregate);
    }
    if (inAll) {
      out.members.push(member);
      out.scores.push(score);
    }
  }
  return out;
}

/** ZDIFFSTORE: members of the first input absent from every other input, with their own scores. */
export function zsetDiff(inputs: readonly ZsetInput[]): ZsetResult {
  const out: ZsetResult = { members: [], scores: [] };
  const first = inputs[0];
  if (!first) return out;
  const removed = new Set<string>();
  for (let j = 1; j < inputs.length; j++) {
    const input = inputs[j];
    if (input) { for (const member of input.members) removed.add(bytesKey(member)); }
  }
  for (let i = 0; i < first.members.length; i++) {
    if (removed.has(bytesKey(first.members[i]))) continue;
    out.members.push(first.members[i]);
    out.scores.push(first.scores === null ? 1 : first.scores[i]);
  }
  return out;
}

/** Present inputs ordered by cardinality, stable (glibc qsort); absent keys count as size 0. */
function bySize(inputs: readonly ZsetInput[], weights: readonly number[]): Source[] {
  const sources: (Source & { size: number })[] = [];
  inputs.forEach((input, index) => {
    const weight = weights[index] ?? 1;
    sources.push({
      members: input ? input.members : [],
      scores: input ? input.scores : null,
      weight,
      index,
      size: input ? input.members.length : 0,
    });
  });
  sources.sort((a, b) => a.size - b.size);
  // an absent key is an empty input: ZINTER's result is then empty, ZUNION just skips it
  return sources.filter((s) => inputs[s.index] !== null);
}

function scoreAt(src: Source, i: number): number {
  return src.scores === null ? 1 : src.scores[i];
}

function scoreLookup(src: Source): Map<string, number> {
  const map = new Map<string, number>();
  for (let i = 0; i < src.members.length; i++) map.set(bytesKey(src.members[i]), scoreAt(src, i));
  return map;
}
