/** How a surrogate's training targets are derived from the signal values. */
export const TARGETS = ['raw', 'clip', 'rank'] as const;
export type Targets = (typeof TARGETS)[number];

/**
 * The targets a surrogate is fitted to: `raw` values; `clip`: values below the median raised to the
 * median (the model spends its capacity on the better half, and collapsed networks at chance
 * accuracy stop dominating the fit); `rank`: ranks scaled to [0, 1]. Order-preserving, so the
 * best stays the best.
 */
export function transformTargets(values: readonly number[], kind: Targets): number[] {
  if (kind === 'raw' || values.length < 2) return values.slice();
  const sorted = values.slice().sort((a, b) => a - b);
  if (kind === 'clip') {
    const median = sorted[Math.floor(sorted.length / 2)];
    return values.map((v) => Math.max(v, median));
  }
  // Ties share their average rank.
  return values.map((v) => {
    let lo = 0;
    while (sorted[lo] < v) lo++;
    let hi = lo;
    while (hi + 1 < sorted.length && sorted[hi + 1] === v) hi++;
    return (lo + hi) / 2 / (sorted.length - 1);
  });
}
