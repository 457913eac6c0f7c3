import type { AugmentOptions } from './data/augment.js';
import type { ImageDataset } from './data/dataset.js';
import type { Normalization } from './data/normalize.js';
import { iterateBatches } from './data/batches.js';
import { PrefetchingBatches } from './data/prefetch.js';
import { noGrad } from './autograd.js';
import { scope } from './memory.js';
import { tensor } from './ops/creation.js';
import { crossEntropy } from './ops/loss.js';
import { argmax } from './ops/reduction.js';
import { add, eq, mul } from './ops/elementwise.js';
import { hasAuxiliaryOutput, type AuxiliaryOutput } from './nn/auxiliary-head.js';
import { hasEpochSchedule } from './nn/drop-path.js';
import { sum } from './ops/reduction.js';
import { manualSeed } from './runtime.js';
import type { Layer } from './nn/module.js';
import type { Tensor } from './tensor.js';
import { clipGradNorm, CosineSchedule, OneCycleSchedule, SGD, type LrSchedule } from './optim.js';
import { encodeTrainingState, restoreTrainingState } from './checkpoint.js';

/** Hyper-parameters of {@link trainClassifier} (SGD with Nesterov momentum and a cosine schedule, as NAS-Bench-201, or one-cycle). */
export interface TrainConfig {
  epochs: number;
  batchSize: number;
  lr: number;
  momentum?: number;
  weightDecay?: number;
  nesterov?: boolean;
  labelSmoothing?: number;
  warmupEpochs?: number;
  /**
   * The learning-rate schedule over all steps: `cosine` (default; `lr` at the start, after
   * `warmupEpochs` of linear warm-up) or `one_cycle` (`OneCycleSchedule`: `lr` is the peak, reached
   * after 30 % of the steps; `warmupEpochs` must then be 0).
   */
  schedule?: TrainSchedule;
  /** Clip the gradient norm (default: no clipping). */
  gradClip?: number | null;
  /** Seeds shuffling, augmentation and dropout. */
  seed: number;
  normalization: Normalization;
  augment?: AugmentOptions | null;
  /**
   * Images per forward pass when evaluating (default: max(batchSize, 256)). It changes only memory
   * and speed: evaluation runs without gradients, its accuracy does not depend on it.
   */
  evalBatchSize?: number;
  /** Worker threads building batches ahead of the step (default 1; 0 builds them inline). */
  prefetchWorkers?: number;
  /** Called after each epoch (progress on stderr, for example). */
  onEpoch?: (record: EpochRecord) => void;
  /**
   * Called after each training step (its optimizer and schedule steps done) with the 0-based epoch
   * and step within it, and awaited when it returns a promise; its time counts in the epoch's
   * images/s. bench/engine/run.ts times blocks of the real training loop with it and runs bare
   * steps in between. Not available through `trainInWorker` (functions do not cross threads).
   */
  onStep?: (epoch: number, step: number) => void | Promise<void>;
  /**
   * Called after each epoch with the run's whole state (model, optimizer, schedule, history) as
   * bytes, and awaited before the next epoch: store it to resume the run if it is killed.
   */
  onCheckpoint?: (state: Uint8Array, epoch: number) => void | Promise<void>;
  /** A state from `onCheckpoint` of a run with the same model, data and config: training continues after its epoch. */
  resumeFrom?: Uint8Array | null;
  /** Called (and awaited) once `resumeFrom` is restored, before training goes on: what the state holds. */
  onResume?: (restored: ResumedProgress) => void | Promise<void>;
}

/** The learning-rate schedules of {@link trainClassifier}. */
export const TRAIN_SCHEDULES = ['cosine', 'one_cycle'] as const;
export type TrainSchedule = (typeof TRAIN_SCHEDULES)[number];

/** What a restored training state holds: the epochs done, their records and their seconds. */
export interface ResumedProgress {
  readonly epoch: number;
  readonly history: readonly EpochRecord[];
  readonly seconds: number;
}

/** One epoch of training. */
export interface EpochRecord {
  epoch: number;
  train_loss: number;
  /** Validation accuracy, %. */
  val_acc: number;
  /** Training images per second of this epoch (batch building, step and optimizer; evaluation excluded). */
  images_per_s: number;
}

/** What {@link trainClassifier} returns. */
export interface TrainResult {
  history: EpochRecord[];
  /** Training images per second over all epochs. */
  trainImagesPerS: number;
  /** Final validation accuracy, %. */
  valAcc: number;
  /** Test accuracy, % (only when a test set was given). */
  testAcc: number | null;
  /** Epochs already done by the checkpoint this run resumed from (0 for a fresh run). */
  resumedFromEpoch: number;
  /** Seconds of all epochs (training and validation), those before a resume included. */
  elapsedSeconds: number;
}

/** The data of a training run: the validation set is held out of the training set by the caller. */
export interface TrainData {
  train: ImageDataset;
  validation: ImageDataset;
  test?: ImageDataset | null;
}

function checkConfig(config: TrainConfig): void {
  for (const [name, value] of [['epochs', config.epochs], ['batchSize', config.batchSize], ['evalBatchSize', config.evalBatchSize ?? 1]] as const) {
    if (!Number.isInteger(value) || value < 1) throw new RangeError(`trainClassifier: ${name} must be a positive integer, got ${value}`);
  }
  if (!(config.lr > 0)) throw new RangeError(`trainClassifier: lr must be positive, got ${config.lr}`);
  const schedule = config.schedule ?? 'cosine';
  if (!TRAIN_SCHEDULES.includes(schedule)) throw new RangeError(`trainClassifier: schedule must be one of ${TRAIN_SCHEDULES.join(', ')}, got ${JSON.stringify(schedule)}`);
  if (schedule === 'one_cycle' && (config.warmupEpochs ?? 0) > 0) throw new RangeError('trainClassifier: the one_cycle schedule has its own warm-up; set warmupEpochs to 0');
}

type EvalOptions = { batchSize: number; normalization: Normalization };

/** Evaluates batch by batch, yielding after each so that a caller can let the event loop run; returns the accuracy (%). */
function* evaluation(model: Layer, dataset: ImageDataset, options: EvalOptions): Generator<void, number> {
  const wasTraining = model.training;
  model.eval();
  let correct = 0;
  try {
    for (const batch of iterateBatches(dataset, { batchSize: options.batchSize, seed: 0, shuffle: false, normalization: options.normalization })) {
      correct += noGrad(() =>
        scope(() => {
          const logits = model.forward(tensor(batch.images, batch.shape));
          return sum(eq(argmax(logits, 1), tensor(batch.labels, [batch.labels.length]).to('int64'))).item();
        }),
      );
      yield;
    }
  } finally {
    model.train(wasTraining);
  }
  return (100 * correct) / dataset.length;
}

/** Accuracy (%) of `model` on `dataset`, in evaluation mode without gradients; the mode is restored. */
export function evaluate(model: Layer, dataset: ImageDataset, options: EvalOptions): number {
  const run = evaluation(model, dataset, options);
  for (;;) {
    const step = run.next();
    if (step.done) return step.value;
  }
}

/**
 * {@link evaluate} that lets the event loop run between batches: evaluating a large validation or
 * test set must not stall heartbeats, progress bars or servers in the same process.
 */
export async function evaluateAsync(model: Layer, dataset: ImageDataset, options: EvalOptions): Promise<number> {
  const run = evaluation(model, dataset, options);
  for (;;) {
    const step = run.next();
    if (step.done) return step.value;
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}

/**
 * One training step of {@link trainClassifier} on a batch already in tensors: cross entropy (plus a
 * DARTS network's weighted auxiliary loss), backward, optional gradient clipping, the optimizer's
 * step and zeroing the gradients. Returns the main loss. Call it inside a `scope`, which frees the
 * step's tensors (and `images` and `labels` if the scope made them).
 */
export function classifierStep(model: Layer, optimizer: SGD, images: Tensor, labels: Tensor, options: Pick<TrainConfig, 'labelSmoothing' | 'gradClip'> = {}): number {
  const logits = model.forward(images);
  const l = crossEntropy(logits, labels, { labelSmoothing: options.labelSmoothing ?? 0 });
  // A network with an auxiliary classifier (DARTS) adds its weighted loss; the reported loss is the main one.
  const head: AuxiliaryOutput | null = hasAuxiliaryOutput(model) ? model : null;
  const aux = head ? head.takeAuxiliaryLogits() : null;
  const total = head && aux ? add(l, mul(crossEntropy(aux, labels, { labelSmoothing: options.labelSmoothing ?? 0 }), head.auxiliaryWeight)) : l;
  total.backward();
  if (options.gradClip) clipGradNorm(optimizer.params, options.gradClip);
  optimizer.step();
  optimizer.zeroGrad();
  return l.item();
}

/**
 * Trains a classifier with cross entropy (optionally label-smoothed), SGD (Nesterov momentum, weight
 * decay) and cosine annealing with optional warm-up, or the one-cycle schedule; evaluates on the validation set after every epoch and on the
 * test set once at the end. Batches are built ahead in worker threads, so the step does not wait
 * for data, and the event loop runs between steps.
 */
export async function trainClassifier(model: Layer, data: TrainData, config: TrainConfig): Promise<TrainResult> {
  checkConfig(config);
  manualSeed(config.seed);
  const batches = new PrefetchingBatches(
    data.train,
    { batchSize: config.batchSize, seed: config.seed, shuffle: true, dropLast: data.train.length > config.batchSize, augment: config.augment ?? null, normalization: config.normalization },
    { workers: config.prefetchWorkers ?? 1 },
  );
  const optimizer = new SGD(model.parameters(), {
    lr: config.lr,
    momentum: config.momentum ?? 0.9,
    weightDecay: config.weightDecay ?? 5e-4,
    nesterov: config.nesterov ?? true,
  });
  const evalBatch = config.evalBatchSize ?? Math.max(config.batchSize, 256);
  const stepsPerEpoch = batches.batchesPerEpoch;
  const totalSteps = config.epochs * stepsPerEpoch;
  const schedule: LrSchedule =
    config.schedule === 'one_cycle' ? new OneCycleSchedule(optimizer, { totalSteps }) : new CosineSchedule(optimizer, { totalSteps, warmupSteps: (config.warmupEpochs ?? 0) * stepsPerEpoch });
  const history: EpochRecord[] = [];
  let trainSeconds = 0;
  let trainImages = 0;
  let startEpoch = 0;
  // Seconds of the epochs so far, carried through checkpoints so that a resumed run reports its whole cost.
  let elapsed = 0;
  try {
    if (config.resumeFrom) {
      const progress = restoreTrainingState(config.resumeFrom, model, optimizer, 'trainClassifier resumeFrom');
      if (progress.epoch > config.epochs) throw new RangeError(`trainClassifier: the checkpoint has ${progress.epoch} epochs done but this run has only ${config.epochs}`);
      startEpoch = progress.epoch;
      schedule.seek(progress.scheduleStep);
      const extra = progress.extra as { history?: EpochRecord[]; seconds?: number; batchSize?: number } | null;
      if (extra?.batchSize !== undefined && extra.batchSize !== config.batchSize) {
        throw new RangeError(`trainClassifier: the checkpoint was trained at batchSize ${extra.batchSize}, this run has ${config.batchSize}; resume at the same batch size`);
      }
      history.push(...(extra?.history ?? []));
      elapsed = extra?.seconds ?? 0;
      await config.onResume?.({ epoch: startEpoch, history: history.map((r) => ({ ...r })), seconds: elapsed });
    }
    for (let epoch = startEpoch; epoch < config.epochs; epoch++) {
      model.train();
      if (hasEpochSchedule(model)) model.startEpoch(epoch, config.epochs);
      let lossSum = 0;
      let seen = 0;
      const start = performance.now();
      let stepInEpoch = 0;
      for await (const batch of batches.epoch(epoch)) {
        const loss = scope(() => classifierStep(model, optimizer, tensor(batch.images, batch.shape), tensor(batch.labels, [batch.labels.length]), config));
        schedule.step();
        if (!Number.isFinite(loss)) throw new RangeError(`trainClassifier: the loss became ${loss} in epoch ${epoch + 1}; lower the learning rate`);
        lossSum += loss * batch.labels.length;
        seen += batch.labels.length;
        const hook = config.onStep?.(epoch, stepInEpoch++);
        if (hook) await hook;
      }
      const seconds = (performance.now() - start) / 1000;
      trainSeconds += seconds;
      trainImages += seen;
      const record: EpochRecord = {
        epoch: epoch + 1,
        train_loss: lossSum / seen,
        val_acc: await evaluateAsync(model, data.validation, { batchSize: evalBatch, normalization: config.normalization }),
        images_per_s: seen / seconds,
      };
      history.push(record);
      elapsed += (performance.now() - start) / 1000;
      config.onEpoch?.(record);
      if (config.onCheckpoint) {
        const extra = { history: history.map((r) => ({ ...r })), seconds: elapsed, batchSize: config.batchSize };
        await config.onCheckpoint(encodeTrainingState(model, optimizer, { epoch: epoch + 1, scheduleStep: schedule.stepCount, extra }), epoch + 1);
      }
    }
  } finally {
    await batches.close();
    optimizer.dispose();
  }
  const testAcc = data.test ? await evaluateAsync(model, data.test, { batchSize: evalBatch, normalization: config.normalization }) : null;
  if (history.length === 0) throw new RangeError('trainClassifier: no epoch was trained (the checkpoint holds none)');
  return { history, trainImagesPerS: trainSeconds > 0 ? trainImages / trainSeconds : 0, valAcc: history[history.length - 1].val_acc, testAcc, resumedFromEpoch: startEpoch, elapsedSeconds: elapsed };
}
