import { z } from 'zod';
import { ConfigError } from '../errors.js';
import { NB201_DATASETS, NB201_SIGNALS, Nb201Table } from '../space/nb201/table.js';
import { TabularEstimator } from '../estimate/tabular.js';
import type { Estimator } from '../estimate/types.js';
import { TrainingEstimator, type TrainingOptions } from '../estimate/training.js';
import { TRAIN_SCHEDULES } from '../engine/train.js';
import { NB301_MAX_EPOCHS, NB301_MIN_EPOCHS, Nb301Surrogate, SurrogateEstimator } from '../estimate/nb301-surrogate.js';
import { DartsSpace } from '../space/darts/space.js';
import { PROXY_DATASETS, PROXY_NAMES, nb201Builder, proxyBatch } from '../estimate/proxy/index.js';
import { ProxyEstimator } from '../estimate/proxy/estimator.js';
import { setNumThreads } from '../engine/runtime.js';
import { DATASET_NAMES, type DatasetName } from '../engine/data/load.js';
import { ENGINE_FIX, engineAvailable } from '../engine/binding.js';
import { memoryProbeAvailable } from '../engine/memory.js';
import { isTrainable, trainableSpaceNames } from '../engine/models/networks.js';
import { Nb201Space } from '../space/nb201/space.js';
import type { Sample, Space } from '../space/types.js';
import type { Json } from '../util/json.js';
import type { Deprecations } from '../util/deprecated.js';
import type { InheritSettings } from './inherit.js';
import { defaultThreads } from '../util/threads.js';

/** What an experiment needs from its estimator: estimates during the search, one final report after it. */
export interface ExperimentEstimator {
  readonly estimator: Estimator;
  /** The name of the reported figure (e.g. `cifar10_test_200ep_mean`). */
  readonly reportName: string;
  /**
   * The final step for the returned architecture: its single reported test figure (tabular: a
   * look-up of `test_200ep_mean`; training estimators: retrain and test once), what the exported
   * model file holds besides it and, for trained networks, their weights (safetensors bytes,
   * exported beside the model file). `progress`, where given, receives a line now and then
   * during a long final step (the `train` estimator: one per retraining epoch).
   */
  final(sample: Sample, progress?: (line: string) => void): Promise<{ testAccuracy: number; model: Record<string, Json>; weights?: Uint8Array }>;
  /** Set when trials start from their parents' weights: the runner then keeps trials' final weights, this many latest and best. */
  readonly inherit?: InheritSettings;
}

/** What an estimator factory is given besides its config section. */
export interface EstimatorContext {
  readonly space: Space;
  readonly dataDir: string;
  /** The config's `space.options` as given (before defaults), where the config has them. */
  readonly spaceOptions?: Readonly<Record<string, unknown>>;
  /** libtorch threads from the environment (`NASKIT_THREADS`), for estimators that train; the section's own `threads` wins. */
  readonly threads?: number;
}

/** One registered estimator: its config section's schema and its factory. */
export interface EstimatorDefinition {
  /** Validates `estimator:` (strict: unknown fields are errors). */
  readonly schema: z.ZodType<Record<string, unknown>>;
  /** The section's fields, for error messages. */
  readonly fields: readonly string[];
  /** One line for the docs. */
  readonly description: string;
  /** Old spellings of the section's fields, still accepted with a deprecation line. */
  readonly deprecated?: Deprecations;
  /** The estimator for a validated section (`options`, defaults applied). */
  create(options: Record<string, unknown>, context: EstimatorContext): ExperimentEstimator;
}

/** The config's space as the NB201 space an estimator needs, or `ESTIMATOR_SPACE_MISMATCH` saying why (`need`) and what to do (`fix`). */
function nb201SpaceOf(context: EstimatorContext, need: string, fix = ''): Nb201Space {
  if (!(context.space instanceof Nb201Space)) {
    throw new ConfigError('ESTIMATOR_SPACE_MISMATCH', `${need}, but the config's space is ${JSON.stringify(context.space.name)}${fix}`);
  }
  return context.space;
}

/** A section's zod schema as a definition holds it: the validator and its field names. */
function sectionSchema(schema: z.ZodObject): Pick<EstimatorDefinition, 'schema' | 'fields'> {
  return { schema: schema as unknown as z.ZodType<Record<string, unknown>>, fields: Object.keys(schema.shape) };
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
  ...sectionSchema(tabularSchema),
  description: 'NAS-Bench-201 table look-up (benchmark nb201); the search sees the signal, the final step reads test_200ep_mean once',
  create(raw, context) {
    const options = raw as TabularSection;
    const space = nb201SpaceOf(context, 'estimator.benchmark: nb201 needs space: nb201', '; set space: nb201 or choose another estimator');
    const table = Nb201Table.load(context.dataDir);
    const tab = new TabularEstimator(table, space, { dataset: options.dataset, signal: options.signal, latency_devices: options.latency_devices });
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

const trainSchema = z.strictObject({
  name: z.literal('train'),
  dataset: z.enum(DATASET_NAMES as unknown as [DatasetName, ...DatasetName[]]).default('cifar10'),
  epochs: z.number().int().min(1).default(2),
  channels: z.number().int().min(1).max(256).optional(),
  cells: z.number().int().min(1).max(10).optional(),
  batch_size: z.number().int().min(1).default(64),
  learning_rate: z.number().positive().max(10).default(0.1),
  train_images: z.number().int().min(0).default(5000),
  validation_images: z.number().int().min(1).default(1000),
  split_seed: z.number().int().min(0).default(0),
  augment: z.boolean().default(true),
  final_epochs: z.number().int().min(1).optional(),
  // The training recipe (docs/experiments.md, "The train estimator"): absent fields keep what configs
  // without them did (cosine schedule, no label smoothing, the final step on training + validation
  // images at the trials' batch size and learning rate).
  schedule: z.enum(TRAIN_SCHEDULES).optional(),
  label_smoothing: z.number().min(0).max(1).optional(),
  final_train_images: z.number().int().min(0).optional(),
  final_batch_size: z.number().int().min(1).optional(),
  final_learning_rate: z.number().positive().max(10).optional(),
  final_schedule: z.enum(TRAIN_SCHEDULES).optional(),
  test_images: z.number().int().min(0).default(0),
  threads: z.number().int().min(1).optional(),
  // Weight inheritance (docs/experiments.md): a child starts from its parent's kept weights. Absent
  // (not filled in) when not given, so that configs without it validate to what they did before.
  inherit: z.boolean().optional(),
  inherit_keep: z.number().int().min(1).max(10_000).optional(),
  // Memory-safe trials (docs/experiments.md): absent when not given, as inherit.
  max_memory_mb: z.number().positive().optional(),
  shrink_batch: z.boolean().optional(),
  min_batch_size: z.number().int().min(1).optional(),
}).refine((s) => s.min_batch_size === undefined || s.shrink_batch === true, { message: 'min_batch_size applies only with shrink_batch: true', path: ['min_batch_size'] });

/** Options of the `train` estimator section, defaults applied. */
export type TrainSection = z.infer<typeof trainSchema>;

/** The `train` section's schedule, label smoothing and final-retraining fields as `TrainingOptions` (only those given). */
function recipeOptions(o: TrainSection): Partial<TrainingOptions> {
  return {
    ...(o.schedule !== undefined ? { schedule: o.schedule } : {}),
    ...(o.label_smoothing !== undefined ? { labelSmoothing: o.label_smoothing } : {}),
    ...(o.final_train_images !== undefined ? { finalTrainImages: o.final_train_images } : {}),
    ...(o.final_batch_size !== undefined ? { finalBatchSize: o.final_batch_size } : {}),
    ...(o.final_learning_rate !== undefined ? { finalLr: o.final_learning_rate } : {}),
    ...(o.final_schedule !== undefined ? { finalSchedule: o.final_schedule } : {}),
  };
}

const train: EstimatorDefinition = {
  ...sectionSchema(trainSchema),
  deprecated: { names: { lr: 'learning_rate' } },
  description: "trains each architecture's network (any trainable space, sized by the space's options) for a few epochs on mnist, fashion-mnist or cifar10; the signal is the validation accuracy; the final step retrains the best (on training + validation images, or final_train_images, with its own epochs, batch, learning rate and schedule) and tests it once",
  create(raw, context) {
    const options = raw as TrainSection;
    const space = context.space;
    if (!isTrainable(space)) {
      throw new ConfigError('ESTIMATOR_SPACE_MISMATCH', `estimator.name: train builds each architecture's network, but naskit has no network for space ${JSON.stringify(space.name)}; trainable: ${trainableSpaceNames().join(', ')}, or a model space written with the choice primitives`);
    }
    // Configs written before spaces took options trained NB201 at C=8, N=1: kept for an nb201 config without space options.
    const legacy = space.name === 'nb201' && Object.keys(context.spaceOptions ?? {}).length === 0;
    const channels = options.channels ?? (legacy ? 8 : undefined);
    const cells = options.cells ?? (legacy ? 1 : undefined);
    if (!engineAvailable()) throw new ConfigError('ESTIMATOR_NEEDS_ENGINE', `estimator.name: train trains networks and needs the libtorch engine, which is not available here. ${ENGINE_FIX}`);
    // Every core unless told otherwise (NASKIT_THREADS, the section's threads): libtorch's own default can be 1 core.
    const threads = options.threads ?? context.threads ?? defaultThreads();
    const finalEpochs = options.final_epochs ?? options.epochs;
    // An addon built before the memory probe cannot check: refused when a limit is asked for, else no check.
    const probe = memoryProbeAvailable();
    if (!probe && options.max_memory_mb !== undefined) {
      throw new ConfigError('ESTIMATOR_NEEDS_ENGINE', 'estimator.max_memory_mb: this build of the tensor engine has no memory probe to estimate a trial\'s peak memory; rebuild it with `node scripts/build-native.mjs --strict`');
    }
    const estimator = new TrainingEstimator(space, context.dataDir, {
      dataset: options.dataset,
      epochs: options.epochs,
      channels,
      cells,
      batchSize: options.batch_size,
      lr: options.learning_rate,
      trainImages: options.train_images,
      validationImages: options.validation_images,
      splitSeed: options.split_seed,
      augment: options.augment,
      finalEpochs,
      ...recipeOptions(options),
      testImages: options.test_images,
      threads,
      inherit: options.inherit === true,
      memory: probe ? { maxMemoryMb: options.max_memory_mb ?? null, shrinkBatch: options.shrink_batch === true, minBatch: options.min_batch_size ?? 8 } : null,
    });
    return {
      estimator,
      ...(options.inherit ? { inherit: { keep: options.inherit_keep ?? 20 } } : {}),
      reportName: `${options.dataset}_test_accuracy`,
      async final(sample, progress) {
        const onEpoch = progress
          ? (r: { epoch: number; train_loss: number; images_per_s: number }) =>
              progress(`final retraining: epoch ${r.epoch}/${finalEpochs}, training loss ${r.train_loss.toFixed(3)}, ${Math.round(r.images_per_s)} images/s`)
          : undefined;
        const final = await estimator.finalTrainAndTest(sample, options.split_seed, onEpoch);
        return {
          testAccuracy: final.testAccuracy,
          weights: final.weights,
          model: {
            space: space.name,
            arch: space.format(sample),
            network: { family: space.name, options: { ...(estimator.networkSpace.options ?? {}) } },
            dataset: options.dataset,
            report: `${options.dataset}_test_accuracy`,
            test_accuracy: final.testAccuracy,
            params: final.params,
            flops: final.flops,
            final_epochs: finalEpochs,
            final_train_images: final.trainImages,
            final_batch_size: options.final_batch_size ?? options.batch_size,
            final_learning_rate: options.final_learning_rate ?? options.learning_rate,
            final_schedule: options.final_schedule ?? options.schedule ?? 'cosine',
            label_smoothing: options.label_smoothing ?? 0,
            final_train_seconds: final.trainSeconds,
            final_test_seconds: final.testSeconds,
            batch_size: final.batchSize,
            history: final.history.map((h) => ({ ...h })),
          },
        };
      },
    };
  },
};

const surrogateSchema = z.strictObject({
  name: z.literal('surrogate'),
  benchmark: z.enum(['nb301']).default('nb301'),
  epochs: z.number().int().min(NB301_MIN_EPOCHS).max(NB301_MAX_EPOCHS).default(NB301_MAX_EPOCHS),
});

/** Options of the `surrogate` estimator section, defaults applied. */
export type SurrogateSection = z.infer<typeof surrogateSchema>;

const surrogate: EstimatorDefinition = {
  ...sectionSchema(surrogateSchema),
  description: 'the NAS-Bench-301 surrogate (benchmark nb301, space darts): predicted CIFAR-10 validation accuracy after `epochs` (1-98; a proposal\'s fidelity overrides), cost = predicted training time; the final step reports the prediction at 98 epochs',
  create(raw, context) {
    const options = raw as SurrogateSection;
    const space = context.space;
    if (!(space instanceof DartsSpace)) {
      throw new ConfigError('ESTIMATOR_SPACE_MISMATCH', `estimator.benchmark: nb301 needs space: darts, but the config's space is ${JSON.stringify(space.name)}; set space: darts or choose another estimator`);
    }
    // Fail at once on a missing model; loading it (onnxruntime) waits for the first estimate.
    Nb301Surrogate.checkPresent(context.dataDir);
    let loaded: Promise<SurrogateEstimator> | undefined;
    const load = (): Promise<SurrogateEstimator> => (loaded ??= Nb301Surrogate.load(context.dataDir).then((model) => new SurrogateEstimator(model, space, { epochs: options.epochs })));
    return {
      estimator: { name: 'surrogate', estimate: async (sample, request) => (await load()).estimate(sample, request) },
      reportName: `nb301_valid_${NB301_MAX_EPOCHS}ep`,
      async final(sample) {
        const estimator = await load();
        const [signal, report] = await estimator.predict([{ sample }, { sample, epochs: NB301_MAX_EPOCHS }]);
        return {
          testAccuracy: report.accuracy,
          model: {
            space: space.name,
            arch: space.format(sample),
            benchmark: 'nb301',
            epochs: options.epochs,
            signal_value: signal.accuracy,
            report: `nb301_valid_${NB301_MAX_EPOCHS}ep (predicted)`,
            test_accuracy: report.accuracy,
            runtime_seconds: report.runtimeSeconds,
          },
        };
      },
    };
  },
};

const proxySchema = z.strictObject({
  name: z.literal('proxy'),
  proxy: z.enum(PROXY_NAMES),
  dataset: z.enum(PROXY_DATASETS).default('cifar10'),
  batch_size: z.number().int().min(2).default(64),
  channels: z.number().int().min(1).max(256).default(16),
  cells: z.number().int().min(1).max(10).default(5),
  seed: z.number().int().min(0).default(0),
  threads: z.number().int().min(1).optional(),
});

/** Options of the `proxy` estimator section, defaults applied. */
export type ProxySection = z.infer<typeof proxySchema>;

const proxy: EstimatorDefinition = {
  ...sectionSchema(proxySchema),
  description: 'a zero-cost proxy (synflow, snip, grad_norm, grasp, fisher, jacob_cov, naswot, zen, params, flops) of the untrained NAS-Bench-201 network on one CIFAR-10 minibatch; the final step reads test_200ep_mean of the data set from the NAS-Bench-201 table',
  create(raw, context) {
    const options = raw as ProxySection;
    const space = nb201SpaceOf(context, 'estimator.name: proxy builds NAS-Bench-201 networks and needs space: nb201');
    if (!engineAvailable()) throw new ConfigError('ESTIMATOR_NEEDS_ENGINE', `estimator.name: proxy runs untrained networks and needs the libtorch engine, which is not available here. ${ENGINE_FIX}`);
    const table = Nb201Table.load(context.dataDir);
    const tableDataset = ({ cifar10: 'cifar10', cifar100: 'cifar100', 'ImageNet16-120': 'imagenet16' } as const)[options.dataset];
    setNumThreads(options.threads ?? context.threads ?? 1);
    // The batch is loaded on the first estimate (loading is asynchronous; create is not).
    let inner: Promise<ProxyEstimator> | null = null;
    const estimator: Estimator = {
      name: 'proxy',
      estimate(sample, request) {
        inner ??= proxyBatch(context.dataDir, { dataset: options.dataset, batchSize: options.batch_size, seed: options.seed }).then(
          (batch) => new ProxyEstimator({ proxy: options.proxy, batch, seed: options.seed, network: (s, seed) => nb201Builder(s, { numClasses: batch.numClasses, channels: options.channels, cells: options.cells, seed }) }),
        );
        return inner.then((e) => e.estimate(sample, request));
      },
    };
    return {
      estimator,
      reportName: `${tableDataset}_test_200ep_mean`,
      async final(sample) {
        const index = table.indexOf(space.format(sample));
        const testAccuracy = table.accuracy(index, tableDataset, 'test_200ep_mean');
        return {
          testAccuracy,
          model: { space: space.name, arch: space.format(sample), index, dataset: tableDataset, proxy: options.proxy, report: `${tableDataset}_test_200ep_mean`, test_accuracy: testAccuracy, params: table.params(index, tableDataset) },
        };
      },
    };
  },
};

/** Estimators that are planned but not available yet: named so that configs naming them get a clear answer. */
const NOT_YET = ['oneshot', 'weight_sharing'];

/** name → definition of every estimator a config can name. One line per estimator. */
export const ESTIMATORS: Readonly<Record<string, EstimatorDefinition>> = {
  tabular,
  train,
  surrogate,
  proxy,
};

/** Validates an `estimator:` section and returns its definition and options (defaults applied). */
export function estimatorDefinition(name: unknown): EstimatorDefinition {
  if (typeof name === 'string' && NOT_YET.includes(name)) {
    throw new ConfigError(
      'ESTIMATOR_NOT_AVAILABLE',
      `estimator.name: ${JSON.stringify(name)} (weight sharing as an estimator) is not available yet; for a differentiable one-shot search (DARTS, GDAS, ...) replace strategy and estimator by a oneshot: section (docs/oneshot.md), or use estimator.name: train (real training) or tabular (benchmark nb201)`,
    );
  }
  const def = typeof name === 'string' ? ESTIMATORS[name] : undefined;
  if (!def) throw new ConfigError('UNKNOWN_ESTIMATOR', `estimator.name: must be one of ${Object.keys(ESTIMATORS).join(', ')}, got ${JSON.stringify(name)}`);
  return def;
}
