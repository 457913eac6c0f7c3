import { z } from 'zod';
import { ConfigError } from '../errors.js';
import { NB201_DATASETS, NB201_SIGNALS, Nb201Table } from '../estimate/nb201-table.js';
import { TabularEstimator } from '../estimate/tabular.js';
import type { Estimator } from '../estimate/types.js';
import { Nb201Space } from '../space/nb201.js';
import type { Sample, Space } from '../space/types.js';
import type { Json } from '../util/json.js';

/** What an experiment needs from its estimator: estimates during the search, one final report after it. */
export interface ExperimentEstimator {
  readonly estimator: Estimator;
  /** The name of the reported figure (e.g. `cifar10_test_200ep_mean`). */
  readonly reportName: string;
  /**
   * The final step for the returned architecture: its single reported test figure (tabular: a
   * look-up of `test_200ep_mean`; training estimators: retrain and test once) and what the exported
   * model file holds besides it.
   */
  final(sample: Sample): Promise<{ testAccuracy: number; model: Record<string, Json> }>;
}

/** What an estimator factory is given besides its config section. */
export interface EstimatorContext {
  readonly space: Space;
  readonly dataDir: string;
}

/** One registered estimator: its config section's schema and its factory. */
export interface EstimatorDefinition {
  /** Validates `estimator:` (strict: unknown fields are errors). */
  readonly schema: z.ZodType<Record<string, unknown>>;
  /** The section's fields, for error messages. */
  readonly fields: readonly string[];
  /** One line for the docs. */
  readonly description: string;
  create(options: Record<string, unknown>, context: EstimatorContext): ExperimentEstimator;
}

const tabularSchema = z.strictObject({
  name: z.literal('tabular'),
  benchmark: z.enum(['nb201']).default('nb201'),
  dataset: z.enum(NB201_DATASETS).default('cifar10'),
  signal: z.enum(NB201_SIGNALS).default('valid_12ep'),
  fidelity: z.union([z.literal(12), z.literal(200)]).optional(),
  latency_devices: z.array(z.string()).default([]),
  delay_ms: z.number().min(0).default(0),
});

/** Options of the `tabular` estimator section, defaults applied. */
export type TabularSection = z.infer<typeof tabularSchema>;

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

const tabular: EstimatorDefinition = {
  schema: tabularSchema as unknown as z.ZodType<Record<string, unknown>>,
  fields: Object.keys(tabularSchema.shape),
  description: 'NAS-Bench-201 table look-up (benchmark nb201); the search sees the signal, the final step reads test_200ep_mean once',
  create(raw, context) {
    const options = raw as TabularSection;
    if (!(context.space instanceof Nb201Space)) {
      throw new ConfigError('ESTIMATOR_SPACE_MISMATCH', `estimator.benchmark: nb201 needs space: nb201, but the config's space is ${JSON.stringify(context.space.name)}; set space: nb201 or choose another estimator`);
    }
    const space = context.space;
    const table = Nb201Table.load(context.dataDir);
    const tab = new TabularEstimator(table, space, { dataset: options.dataset, signal: options.signal, latencyDevices: options.latency_devices });
    const fidelity = options.fidelity;
    // delay_ms makes a look-up last like a (very short) training, so that tests and demos can
    // kill workers mid-trial; 0 (the default) adds nothing.
    const estimator: Estimator = {
      name: 'tabular',
      async estimate(sample, request) {
        if (options.delay_ms > 0) await sleep(options.delay_ms);
        return tab.estimate(sample, { seed: request.seed, fidelity: request.fidelity ?? fidelity });
      },
    };
    return {
      estimator,
      reportName: `${options.dataset}_test_200ep_mean`,
      async final(sample) {
        const index = tab.index(sample);
        const testAccuracy = tab.report(sample);
        return {
          testAccuracy,
          model: {
            space: space.name,
            arch: space.format(sample),
            index,
            dataset: options.dataset,
            signal: options.signal,
            signal_value: tab.signalAt(index, fidelity),
            report: `${options.dataset}_test_200ep_mean`,
            test_accuracy: testAccuracy,
            params: table.params(index, options.dataset),
          },
        };
      },
    };
  },
};

/** Estimators that train networks: named so that configs naming them get a clear answer. */
const NEEDS_ENGINE = ['train', 'training', 'oneshot', 'weight_sharing'];

/** name → definition of every estimator a config can name. One line per estimator. */
export const ESTIMATORS: Readonly<Record<string, EstimatorDefinition>> = {
  tabular,
};

/** Validates an `estimator:` section and returns its definition and options (defaults applied). */
export function estimatorDefinition(name: unknown): EstimatorDefinition {
  if (typeof name === 'string' && NEEDS_ENGINE.includes(name)) {
    throw new ConfigError(
      'ESTIMATOR_NEEDS_ENGINE',
      `estimator.name: ${JSON.stringify(name)} trains each architecture and needs the libtorch engine, which experiments cannot drive yet; use estimator.name: tabular (benchmark nb201) for now`,
    );
  }
  const def = typeof name === 'string' ? ESTIMATORS[name] : undefined;
  if (!def) throw new ConfigError('UNKNOWN_ESTIMATOR', `estimator.name: must be one of ${Object.keys(ESTIMATORS).join(', ')}, got ${JSON.stringify(name)}`);
  return def;
}
