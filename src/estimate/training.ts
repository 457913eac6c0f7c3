import { DATASET_DEFAULTS, type DatasetName } from '../engine/data/load.js';
import type { ImageDataset } from '../engine/data/dataset.js';
import { split, subset } from '../engine/data/split.js';
import { inheritState, stateDictToSafetensors } from '../engine/state-bytes.js';
import { buildNetwork } from '../engine/models/networks.js';
import type { Layer } from '../engine/nn/module.js';
import { Generator } from '../engine/ops/creation.js';
import { profileModel } from '../engine/profile.js';
import { setNumThreads } from '../engine/runtime.js';
import { evaluateAsync, trainClassifier, type EpochRecord, type TrainSchedule } from '../engine/train.js';
import { checkTrainingMemory, toMb, type BatchPlan } from '../engine/train-memory.js';
import { readTrainingProgress } from '../engine/checkpoint.js';
import { ConfigError } from '../errors.js';
import { createSpace } from '../space/registry.js';
import type { Sample, Space } from '../space/types.js';
import { sharedDataset } from './shared-data.js';
import type { Estimate, EstimateRequest, Estimator } from './types.js';

/** Options of {@link TrainingEstimator} (the `train` estimator section of a config). */
export interface TrainingOptions {
  readonly dataset: DatasetName;
  /** Epochs of each trial: the default fidelity (a strategy's fidelity overrides it). */
  readonly epochs: number;
  /**
   * Overrides of the space's `channels` and `cells` options (the network's width and depth), for
   * spaces that have them; where absent, the space's own options hold.
   */
  readonly channels?: number;
  readonly cells?: number;
  readonly batchSize: number;
  readonly lr: number;
  /** Training images per trial (drawn once, stratified, by `splitSeed`); 0 = the whole training set less the validation images. */
  readonly trainImages: number;
  /** Validation images held out of the training set; the search signal is the accuracy on them. */
  readonly validationImages: number;
  /** Seeds the choice of the training and validation images: the same for every trial, so estimates compare. */
  readonly splitSeed: number;
  readonly augment: boolean;
  /** Epochs of the final retraining of the best architecture (on training + validation images). */
  readonly finalEpochs: number;
  /** Learning-rate schedule of the trials (default `cosine`); with `one_cycle`, `lr` is the peak. */
  readonly schedule?: TrainSchedule;
  /** Label smoothing of the loss, trials and final retraining (default 0). */
  readonly labelSmoothing?: number;
  /**
   * Images of the final retraining: absent, the search's training + validation images; 0, the whole
   * training set of the data set; N, N images drawn (stratified) by `splitSeed` from it.
   */
  readonly finalTrainImages?: number;
  /** Batch size, peak or initial learning rate and schedule of the final retraining (default: the trials'). */
  readonly finalBatchSize?: number;
  readonly finalLr?: number;
  readonly finalSchedule?: TrainSchedule;
  /** Test images for the single final test (0 = the whole test set). */
  readonly testImages: number;
  /** libtorch threads (null: leave libtorch's setting alone). */
  readonly threads: number | null;
  /** Weight inheritance: a trial with a parent starts from its kept weights, and keeps its own final weights. */
  readonly inherit?: boolean;
  /**
   * Memory-safe trials: before training, the run's peak memory is estimated from the built network
   * and the batch; a run that does not fit is refused (`ResourceError` `MEMORY_LIMIT`) or, with
   * `shrinkBatch`, trained at a smaller batch (halved down to `minBatch`). Absent or null: no check.
   */
  readonly memory?: TrainingMemoryOptions | null;
}

/** The memory check of {@link TrainingOptions}. */
export interface TrainingMemoryOptions {
  /** MB (2^20 bytes) a trial's training may add to its worker; null: what the machine has available at the trial's start. */
  readonly maxMemoryMb: number | null;
  /** Train at a smaller batch (halving) instead of failing when the batch does not fit. */
  readonly shrinkBatch: boolean;
  /** The smallest batch shrinking goes down to. */
  readonly minBatch: number;
}

/** The batches a run uses, and what the memory check found (metrics of the trial). */
interface RunBatches {
  readonly batch: number;
  readonly evalBatch: number;
  readonly metrics: Record<string, number>;
}

/** The data of the search: one split for every trial. */
interface SearchData {
  readonly pool: ImageDataset;
  readonly train: ImageDataset;
  readonly validation: ImageDataset;
}

/** What the final step produces. */
export interface FinalTraining {
  readonly testAccuracy: number;
  readonly params: number;
  readonly flops: number;
  readonly history: readonly { readonly epoch: number; readonly train_loss: number; readonly val_acc: number }[];
  /** Images the final retraining trained on. */
  readonly trainImages: number;
  /** Seconds of the retraining (its epochs and their per-epoch log evaluations) and of the test. */
  readonly trainSeconds: number;
  readonly testSeconds: number;
  /** The training batch of the retraining (smaller than the configured one when the memory check shrank it). */
  readonly batchSize: number;
  /** The retrained weights as safetensors bytes. */
  readonly weights: Uint8Array;
}

/**
 * Estimates an architecture of any trainable space (its network as the space's options say, see
 * `engine/models/networks.ts`) by training it on an image data set for a few epochs and returning the validation accuracy (%): real training at a
 * chosen fidelity. Each trial's state is checkpointed after every epoch through the trial context,
 * so a trial whose worker died continues from its last epoch on another worker, with the same
 * result as if it had never stopped. The test set is read only by {@link finalTrainAndTest}.
 */
export class TrainingEstimator implements Estimator {
  readonly name = 'train';
  private searchData: Promise<SearchData> | null = null;
  /** The space whose options build the networks: `space`, with the `channels`/`cells` overrides applied. */
  readonly networkSpace: Space;

  constructor(
    readonly space: Space,
    readonly dataDir: string,
    readonly options: TrainingOptions,
  ) {
    const overrides: Record<string, number> = {};
    if (options.channels !== undefined) overrides.channels = options.channels;
    if (options.cells !== undefined) overrides.cells = options.cells;
    this.networkSpace = Object.keys(overrides).length === 0 ? space : withOptions(space, overrides);
    if (options.threads !== null) setNumThreads(options.threads);
  }

  async estimate(sample: Sample, request: EstimateRequest): Promise<Estimate> {
    const epochs = request.fidelity ?? this.options.epochs;
    if (!Number.isInteger(epochs) || epochs < 1) throw new ConfigError('BAD_FIDELITY', `train estimator: the fidelity is a number of epochs (a positive integer), got ${epochs}`);
    const data = await this.data();
    const started = performance.now();
    const trial = request.trial;
    const resumeFrom = trial ? await trial.loadCheckpoint() : null;
    // A resumed attempt continues at the batch its checkpoint was trained at.
    const resumedBatch = resumeFrom ? (readTrainingProgress(resumeFrom, 'the trial\'s checkpoint').extra as { batchSize?: number } | null)?.batchSize : undefined;
    const batches = this.batches(sample, data.train, data.validation.length, request.seed, resumedBatch);
    const model = this.network(sample, data.train, request.seed);
    try {
      const profile = profileModel(model, inputShape(data.train));
      // The parent's tensors where names and shapes agree (a resumed attempt's checkpoint then replaces them all).
      const parent = this.options.inherit && trial?.parentWeights ? await trial.parentWeights() : null;
      const inherited = parent ? inheritState(model, parent.weights).copied.length : 0;
      let earlierSeconds = 0;
      let lastValAcc = Number.NaN;
      const result = await trainClassifier(model, { train: data.train, validation: data.validation }, {
        ...this.trainConfig(epochs, request.seed, batches),
        resumeFrom,
        onResume: async (restored) => {
          earlierSeconds = restored.seconds;
          // The attempt that saved the state may have died before recording (and prune-checking) its last epoch: do it now.
          const last = restored.history.at(-1);
          if (trial && last && last.epoch === restored.epoch) await trial.report(restored.epoch, last.val_acc, restored.epoch >= epochs);
        },
        onEpoch: (record) => void (lastValAcc = record.val_acc),
        // After each epoch: the state first (what a resumed attempt needs), then the curve point.
        onCheckpoint: trial
          ? async (state, epoch) => {
              await trial.saveCheckpoint(state);
              await trial.report(epoch, lastValAcc, epoch === epochs);
            }
          : undefined,
      });
      if (this.options.inherit && trial?.keepWeights) await trial.keepWeights(stateDictToSafetensors(model));
      return {
        value: result.valAcc,
        // This attempt's time plus the epochs of earlier attempts (their seconds travel in the checkpoint).
        costSeconds: earlierSeconds + (performance.now() - started) / 1000,
        metrics: {
          params: profile.params,
          flops: profile.flops,
          epochs,
          resumed_from_epoch: result.resumedFromEpoch,
          train_images_per_s: result.trainImagesPerS,
          ...batches.metrics,
          ...(this.options.inherit ? { inherited_tensors: inherited, ...(parent ? { inherited_from: parent.trial } : {}) } : {}),
        },
      };
    } finally {
      model.dispose();
    }
  }

  /**
   * Retrains `sample` from scratch for `finalEpochs` on the final training images (by default the
   * search's training and validation images; `finalTrainImages` chooses others) with the final
   * batch size, learning rate and schedule, and evaluates it once on the test set. `onEpoch` hears
   * each retraining epoch (progress).
   */
  async finalTrainAndTest(sample: Sample, seed: number, onEpoch?: (record: EpochRecord) => void): Promise<FinalTraining> {
    const data = await this.data();
    const train = await this.finalTrainingSet(data);
    let test = await sharedDataset(this.dataDir, this.options.dataset, 'test');
    if (this.options.testImages > 0 && this.options.testImages < test.length) test = subset(test, this.options.testImages, this.options.splitSeed);
    const o = this.options;
    // The retraining's own batch (final_batch_size), checked against the memory limit like a trial's.
    const batches = this.batches(sample, train, Math.max(data.validation.length, test.length), seed, undefined, o.finalBatchSize ?? o.batchSize);
    const model = this.network(sample, train, seed);
    try {
      const profile = profileModel(model, inputShape(train));
      const config = {
        ...this.trainConfig(o.finalEpochs, seed, batches),
        lr: o.finalLr ?? o.lr,
        schedule: o.finalSchedule ?? o.schedule ?? 'cosine',
      };
      // The validation images are part of the training data now; the per-epoch figure on them is only a log.
      const started = performance.now();
      const result = await trainClassifier(model, { train, validation: data.validation }, { ...config, ...(onEpoch ? { onEpoch } : {}) });
      const trained = performance.now();
      const testAccuracy = await evaluateAsync(model, test, { batchSize: batches.evalBatch, normalization: config.normalization });
      const tested = performance.now();
      const weights = stateDictToSafetensors(model, { space: this.space.name, arch: this.space.format(sample), dataset: this.options.dataset, options: JSON.stringify(this.networkSpace.options ?? {}) });
      return {
        testAccuracy,
        params: profile.params,
        flops: profile.flops,
        history: result.history.map((r) => ({ epoch: r.epoch, train_loss: r.train_loss, val_acc: r.val_acc })),
        trainImages: train.length,
        trainSeconds: (trained - started) / 1000,
        testSeconds: (tested - trained) / 1000,
        batchSize: batches.batch,
        weights,
      };
    } finally {
      model.dispose();
    }
  }

  /** The images of the final retraining (see {@link TrainingOptions.finalTrainImages}). */
  private async finalTrainingSet(data: SearchData): Promise<ImageDataset> {
    const wanted = this.options.finalTrainImages;
    if (wanted === undefined) return data.pool;
    const full = await sharedDataset(this.dataDir, this.options.dataset, 'train');
    this.checkFinalTrainImages(full.length);
    return wanted === 0 || wanted === full.length ? full : subset(full, wanted, this.options.splitSeed);
  }

  private checkFinalTrainImages(available: number): void {
    const wanted = this.options.finalTrainImages;
    if (wanted !== undefined && wanted > available) {
      throw new ConfigError('CONFIG_INVALID', `estimator.final_train_images: ${wanted} exceeds the ${available} training images of ${this.options.dataset}; give at most ${available}, or 0 for all of them`);
    }
  }

  private network(sample: Sample, data: ImageDataset, seed: number): Layer {
    return buildNetwork(this.networkSpace, sample, { inChannels: data.shape.channels, numClasses: data.classes.length, generator: new Generator(seed) });
  }

  /**
   * The batches of a run on `train`: the configured batch (at most the set's size) and evaluation
   * batch max(batch, 256) (at most `evalImages`, the largest set evaluated), as the memory check allows them (docs/experiments.md, "Memory-safe
   * trials"). `fixedBatch` (a resumed attempt's) cannot shrink. Throws `ResourceError`
   * `MEMORY_LIMIT` when the run fits at no allowed batch.
   */
  private batches(sample: Sample, train: ImageDataset, evalImages: number, seed: number, fixedBatch?: number, configuredBatch = this.options.batchSize): RunBatches {
    const batch = fixedBatch ?? Math.min(configuredBatch, train.length);
    // trainClassifier's default; a pass never holds more images than the set evaluated has.
    const evalBatch = Math.max(1, Math.min(Math.max(batch, 256), evalImages));
    const memory = this.options.memory;
    if (!memory) return { batch, evalBatch, metrics: { batch_size: batch } };
    const minBatch = fixedBatch === undefined && memory.shrinkBatch ? Math.min(memory.minBatch, batch) : batch;
    const fix =
      fixedBatch !== undefined
        ? `the trial resumes at the batch its checkpoint was trained at (${fixedBatch})`
        : minBatch < batch
          ? `raise estimator.max_memory_mb or lower estimator.min_batch_size (${memory.minBatch})`
          : 'raise estimator.max_memory_mb, lower estimator.batch_size, or set estimator.shrink_batch: true to train such networks at a smaller batch';
    const check = checkTrainingMemory(() => this.network(sample, train, seed), inputShape(train), train.classes.length, {
      batch,
      evalBatch,
      minBatch,
      maxMemoryMb: memory.maxMemoryMb,
      limitName: 'estimator.max_memory_mb',
      fix,
    });
    const plan: BatchPlan = check.plan;
    return {
      batch: plan.batch,
      evalBatch: plan.evalBatch,
      metrics: { batch_size: plan.batch, memory_mb: toMb(plan.peak.peakBytes), memory_limit_mb: Math.floor((check.limitBytes / 2 ** 20) * 10) / 10 },
    };
  }

  private trainConfig(epochs: number, seed: number, batches: RunBatches) {
    const defaults = DATASET_DEFAULTS[this.options.dataset];
    return {
      epochs,
      batchSize: batches.batch,
      evalBatchSize: batches.evalBatch,
      lr: this.options.lr,
      schedule: this.options.schedule ?? 'cosine',
      labelSmoothing: this.options.labelSmoothing ?? 0,
      seed,
      normalization: defaults.normalization,
      augment: this.options.augment ? defaults.augment : null,
    };
  }

  /** The split every trial uses, loaded once per estimator (the decoded files once per process). */
  private data(): Promise<SearchData> {
    this.searchData ??= (async () => {
      const full = await sharedDataset(this.dataDir, this.options.dataset, 'train');
      const { trainImages, validationImages, splitSeed } = this.options;
      if (validationImages >= full.length) {
        throw new ConfigError('CONFIG_INVALID', `estimator.validation_images: ${validationImages} must be below the ${full.length} training images of ${this.options.dataset}`);
      }
      const wanted = trainImages > 0 ? trainImages + validationImages : full.length;
      if (wanted > full.length) {
        throw new ConfigError('CONFIG_INVALID', `estimator.train_images: ${trainImages} + validation_images ${validationImages} exceed the ${full.length} training images of ${this.options.dataset}`);
      }
      // Checked with the first trial, not after the whole search.
      this.checkFinalTrainImages(full.length);
      const pool = wanted < full.length ? subset(full, wanted, splitSeed) : full;
      const parts = split(pool, { validation: validationImages, seed: splitSeed });
      return { pool, train: parts.train, validation: parts.validation };
    })();
    // A failed load is tried again by the next trial (after its clear error is stored with the failed one).
    this.searchData.catch(() => (this.searchData = null));
    return this.searchData;
  }
}

/** `space` again with some options changed (a registered space; throws `ConfigError` naming an option it does not take). */
function withOptions(space: Space, overrides: Readonly<Record<string, number>>): Space {
  try {
    return createSpace(space.name, { ...(space.options ?? {}), ...overrides });
  } catch (error) {
    if (error instanceof ConfigError) throw new ConfigError(error.code, `train estimator: ${Object.keys(overrides).join(' and ')} set the network's options, but: ${error.message}`);
    throw error;
  }
}

/** The [channels, height, width] of one image of a data set. */
function inputShape(data: ImageDataset): [number, number, number] {
  return [data.shape.channels, data.shape.height, data.shape.width];
}
