/**
 * Redis's partial quicksort (`pqsort.c`, Bentley & McIlroy's qsort that
 * only recurses into partitions overlapping a wanted index range), ported
 * step for step over an array instead of raw memory.
 *
 * Redis uses it when only a slice of a sort is wanted (SORT … BY … LIMIT,
 * GEO* COUNT). It is not stable: when the comparator reports ties, which
 * equal elements land inside the wanted range depends on this exact
 * sequence of swaps, so the port keeps every comparison and swap in the
 * original order.
 *
 * @module
 */

/** A C-style comparator: negative, 0 or positive. */
export type Comparator<T> = (a: T, b: T) => number;

/**
 * Sorts `items` in place so that positions `lrange..rrange` (inclusive)
 * hold what a full sort would put there, exactly as Redis's `pqsort`.
 */
export function pqsort<T>(items: T[], compare: Comparator<T>, lrange: number, rrange: number): void {
  partialSort(items, 0, items.length, compare, lrange, rrange);
}

function swap<T>(v: T[], i: number, j: number): void {
  const t = v[i];
  v[i] = v[j];
  v[j] = t;
}

/** `vecswap`: swaps `n` elements pairwise, front to back. */
function vecswap<T>(v: T[], i: number, j: number, n: number): void {
  for (let k = 0; k < n; k++) swap(v, i + k, j + k);
}

function med3<T>(v: T[], a: number, b: number, c: number, cmp: Comparator<T>): number {
  return cmp(v[a], v[b]) < 0
    ? (cmp(v[b], v[c]) < 0 ? b : (cmp(v[a], v[c]) < 0 ? c : a))
    : (cmp(v[b], v[c]) > 0 ? b : (cmp(v[a], v[c]) < 0 ? a : c));
}

/** True when the partition `[lo, lo + n)` lies entirely before or after the wanted range. */
function outsideRange(lo: number, n: number, lrange: number, rrange: number): boolean {
  const hi = lo + n - 1;
  return (lrange < lo && rrange < lo) || (lrange > hi && rrange > hi);
}

function partialSort<T>(v: T[], lo: number, n: number, cmp: Comparator<T>, lrange: number, rrange: number): void {
  for (;;) {
    if (n < 7) {
      for (let pm = lo + 1; pm < lo + n; pm++) {
        for (let pl = pm; pl > lo && cmp(v[pl - 1], v[pl]) > 0; pl--) swap(v, pl, pl - 1);
      }
      return;
    }
    let pm = lo + Math.floor(n / 2);
    if (n > 7) {
      let pl = lo;
      let pn = lo + n - 1;
      if (n > 40) {
        const d = Math.floor(n / 8);
        pl = med3(v, pl, pl + d, pl + 2 * d, cmp);
        pm = med3(v, pm - d, pm, pm + d, cmp);
        pn = med3(v, pn - 2 * d, pn - d, pn, cmp);
      }
      pm = med3(v, pl, pm, pn, cmp);
    }
    swap(v, lo, pm);
    let pa = lo + 1, pb = lo + 1;
    let pc = lo + n - 1, pd = lo + n - 1;
    for (;;) {
      let r: number;
      while (pb <= pc && (r = cmp(v[pb], v[lo])) <= 0) {
        if (r === 0) swap(v, pa++, pb);
        pb++;
      }
      while (pb <= pc && (r = cmp(v[pc], v[lo])) >= 0) {
        if (r === 0) swap(v, pc, pd--);
        pc--;
      }
      if (pb > pc) break;
      swap(v, pb++, pc--);
    }
    const pn = lo + n;
    let r = Math.min(pa - lo, pb - pa);
    vecswap(v, lo, pb - r, r);
    r = Math.min(pd - pc, pn - pd - 1);
    vecswap(v, pb, pn - r, r);
    if ((r = pb - pa) > 1 && !outsideRange(lo, r, lrange, rrange)) {
      partialSort(v, lo, r, cmp, lrange, rrange);
    }
    if ((r = pd - pc) > 1) {
      // iterate rather than recurse, as the original does
      lo = pn - r;
      n = r;
      if (!outsideRange(lo, n, lrange, rrange)) continue;
    }
    return;
  }
}
