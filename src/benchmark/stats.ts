/** Mean, sample standard deviation (n − 1), min and max of a list of numbers. */
export interface Summary {
  readonly mean: number;
  readonly std: number;
  readonly min: number;
  readonly max: number;
}

/** The {@link Summary} of `values` (all NaN for an empty list). */
export function summarize(values: readonly number[]): Summary {
  const n = values.length;
  if (n === 0) return { mean: NaN, std: NaN, min: NaN, max: NaN };
  const mean = values.reduce((a, b) => a + b, 0) / n;
  const variance = n > 1 ? values.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1) : 0;
  return { mean, std: Math.sqrt(variance), min: Math.min(...values), max: Math.max(...values) };
}

/** Rounds for printing: accuracies to 4 decimals. */
export function round(value: number, digits = 4): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/**
 * Paired comparison of two strategies run on the same seeds: mean difference, its standard
 * error, the t statistic and the number of seeds where `a` wins / loses / ties.
 */
export function pairedDifference(a: readonly number[], b: readonly number[]): { mean: number; se: number; t: number; wins: number; losses: number; ties: number } {
  if (a.length !== b.length || a.length < 2) throw new RangeError('pairedDifference: need two lists of equal length ≥ 2');
  const d = a.map((x, i) => x - b[i]);
  const { mean, std } = summarize(d);
  const se = std / Math.sqrt(d.length);
  return {
    mean,
    se,
    t: se === 0 ? (mean === 0 ? 0 : Math.sign(mean) * Infinity) : mean / se,
    wins: d.filter((x) => x > 0).length,
    losses: d.filter((x) => x < 0).length,
    ties: d.filter((x) => x === 0).length,
  };
}

/** Ranks from 1, ties sharing their average rank. */
function ranks(values: readonly number[]): number[] {
  const order = values.map((v, i) => [v, i] as const).sort((a, b) => a[0] - b[0]);
  const out = new Array<number>(values.length);
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j + 1 < order.length && order[j + 1][0] === order[i][0]) j++;
    for (let k = i; k <= j; k++) out[order[k][1]] = (i + j) / 2 + 1;
    i = j + 1;
  }
  return out;
}

/** Spearman's rank correlation of two equally long lists (Pearson's on the ranks, ties averaged). */
export function spearman(a: readonly number[], b: readonly number[]): number {
  if (a.length !== b.length || a.length < 2) throw new RangeError('spearman: need two lists of equal length ≥ 2');
  const ra = ranks(a);
  const rb = ranks(b);
  const mean = (ra.length + 1) / 2;
  let num = 0, da = 0, db = 0;
  for (let i = 0; i < ra.length; i++) {
    num += (ra[i] - mean) * (rb[i] - mean);
    da += (ra[i] - mean) ** 2;
    db += (rb[i] - mean) ** 2;
  }
  return num / Math.sqrt(da * db);
}
