/**
 * Paired comparisons for bench/engine/run.ts on a host whose speed drifts (by up to 2x within
 * minutes here): both sides are measured many times, alternating, each measurement of one side
 * paired with the neighbouring measurement(s) of the other, and the ratio is summarised by the
 * median of the per-pair ratios with a distribution-free confidence interval of that median (order
 * statistics of the binomial(n, 1/2) law: no assumption on how the drift is distributed, only that
 * each pair's ratio is an independent draw with the same median).
 */

/** log of n choose k. */
function logChoose(n: number, k: number): number {
  let s = 0;
  for (let i = 1; i <= k; i++) s += Math.log(n - k + i) - Math.log(i);
  return s;
}

/** P(Binomial(n, 1/2) ≤ k). */
export function binomialHalfCdf(n: number, k: number): number {
  let p = 0;
  for (let i = 0; i <= k; i++) p += Math.exp(logChoose(n, i) - n * Math.LN2);
  return Math.min(1, p);
}

/** The median of `xs` and an order-statistic interval around it. */
export interface MedianInterval {
  readonly n: number;
  readonly median: number;
  readonly low: number;
  readonly high: number;
  /** The interval's exact coverage (≥ `level` when n allows it; with n < 6 the widest interval, [min, max], covers less than 95 %). */
  readonly coverage: number;
}

/**
 * Median of `xs` with the distribution-free interval [x_(k), x_(n+1-k)] for the population median:
 * the largest k whose interval still covers with probability ≥ `level` (95 % by default); k = 1
 * (the whole range) when n is too small for `level`.
 */
export function medianInterval(xs: readonly number[], level = 0.95): MedianInterval {
  const n = xs.length;
  if (n === 0) throw new RangeError('medianInterval: no values');
  const s = [...xs].sort((a, b) => a - b);
  const median = n % 2 === 1 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
  let k = 1;
  while (k + 1 <= Math.floor((n + 1) / 2) && 1 - 2 * binomialHalfCdf(n, k) >= level) k++;
  const coverage = n === 1 ? 0 : 1 - 2 * binomialHalfCdf(n, k - 1);
  return { n, median, low: s[k - 1], high: s[n - k], coverage };
}

/** "**0.981** (95 % interval 0.962–1.004, 24 pairs)" */
export function formatRatio(r: MedianInterval, what = 'pairs', digits = 3): string {
  const cover = r.coverage >= 0.95 ? '95 %' : `${(r.coverage * 100).toFixed(1)} %`;
  return `**${r.median.toFixed(digits)}** (${cover} interval ${r.low.toFixed(digits)}–${r.high.toFixed(digits)}, ${r.n} ${what})`;
}
