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
