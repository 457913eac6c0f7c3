// Synthetic learning curves for the pruner tests: an estimator that reports one value per step
// (no training, no data), for one process or for worker processes sharing a storage.
import { validateConfig, type ExperimentConfig } from '../../src/experiment/config.js';
import type { ExperimentEstimator } from '../../src/experiment/estimators.js';
import type { Sample, Space } from '../../src/space/types.js';

/** A config around the synthetic estimator (its `estimator` section only satisfies validation: the runner is handed the estimator). */
export function curveConfig(over: Record<string, unknown> = {}): ExperimentConfig {
  return validateConfig({
    name: 'curves',
    space: 'nb201',
    strategy: { name: 'random' },
    estimator: { name: 'tabular' },
    budget: { trials: 30 },
    seed: 5,
    pruner: { name: 'asha', min_resource: 1, reduction_factor: 2 },
    ...over,
  });
}

/** A 32-bit hash of a string (FNV-1a). */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

/**
 * The value at `step` of the architecture's synthetic curve: a quality drawn from its key, rising with
 * the steps, plus a wobble per step, so that ranks at early steps only partly predict later ones.
 */
export function curveValue(space: Space, sample: Sample, step: number): number {
  const key = space.key(sample);
  const quality = (hash(key) % 1000) / 10;
  const wobble = (hash(`${key}:${step}`) % 200) / 10 - 10;
  return Math.round((quality * (1 - 0.5 ** step) + wobble) * 100) / 100;
}

/**
 * An estimator that reports `steps` curve points. `curve` gives them: by default the architecture's
 * {@link curveValue}s; `table` (one row per call, in call order) replaces it for hand-made cases.
 * `delayMs` pauses before each point so that workers interleave.
 */
export function curveEstimator(space: Space, options: { steps: number; delayMs?: number; table?: readonly (readonly number[])[] }): ExperimentEstimator & { stepsRun: () => number } {
  let calls = 0;
  let steps = 0;
  return {
    reportName: 'synthetic',
    stepsRun: () => steps,
    final: async () => ({ testAccuracy: 0, model: {} }),
    estimator: {
      name: 'curve',
      async estimate(sample, request) {
        const row = options.table?.[calls++];
        let value = Number.NaN;
        for (let step = 1; step <= options.steps; step++) {
          if (options.delayMs) await new Promise((resolve) => setTimeout(resolve, options.delayMs));
          steps++;
          value = row ? row[step - 1] : curveValue(space, sample, step);
          await request.trial!.report(step, value, step === options.steps);
        }
        return { value, costSeconds: options.steps, metrics: {} };
      },
    },
  };
}
