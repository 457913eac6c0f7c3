// Synthetic objectives for the define-by-run tests: known optimum, conditional parameters.
import type { Trial } from '../../src/study/index.js';

/** The optimum of {@link conditionalObjective}: branch `a`, depth 11, op `sep5`, lr 1e-2. */
export const CONDITIONAL_OPTIMUM = 10;

/**
 * Three branches with their own parameters. Branch `a` (depth, op, a log-scale lr) holds the
 * optimum 10; branch `b` (a stepped width) peaks at 6; branch `c` (a float) at 4.
 */
export function conditionalObjective(trial: Trial): number {
  const kind = trial.suggestCategorical('kind', ['a', 'b', 'c']);
  if (kind === 'a') {
    const depth = trial.suggestInt('depth', 1, 16);
    const op = trial.suggestCategorical('op', ['conv3', 'conv5', 'sep3', 'sep5', 'pool', 'skip']);
    const lr = trial.suggestFloat('lr', 1e-4, 1e-1, { log: true });
    return CONDITIONAL_OPTIMUM - 0.1 * (depth - 11) ** 2 - (op === 'sep5' ? 0 : 1.5) - (Math.log10(lr) + 2) ** 2;
  }
  if (kind === 'b') {
    const width = trial.suggestInt('width', 8, 64, { step: 8 });
    return 6 - Math.abs(width - 40) / 16;
  }
  return 3 + trial.suggestFloat('noise', 0, 1);
}
