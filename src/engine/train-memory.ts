import { ResourceError } from '../errors.js';
import { availableMemoryBytes } from '../util/free-memory.js';
import { noGrad } from './autograd.js';
import { measurePeak, scope, trimHeap } from './memory.js';
import { hasAuxiliaryOutput } from './nn/auxiliary-head.js';
import type { Layer } from './nn/module.js';
import { randn, tensor, Generator } from './ops/creation.js';
import { add, mul } from './ops/elementwise.js';
import { crossEntropy } from './ops/loss.js';

/** Bytes as a straight line in the batch size: `fixed + perImage × batch`. */
export interface BytesPerBatch {
  readonly fixed: number;
  readonly perImage: number;
}

/**
 * What {@link trainClassifier} needs in memory for one network, measured on it: the parameters, the
 * optimizer's state, and the peaks of a training step and of an evaluation pass as lines in the
 * batch size. {@link trainingPeakBytes} turns them into the run's peak.
 */
export interface TrainingMemory {
  /** The parameters' bytes (allocated when the network is built). */
  readonly paramBytes: number;
  /** SGD's momentum buffers: one per parameter, kept from the first step to the end. */
  readonly optimizerBytes: number;
  /** libtorch's peak allocation in a training step above the parameters: gradients, activations saved for backward, backward's temporaries. */
  readonly step: BytesPerBatch;
  /** libtorch's peak allocation in an evaluation pass (no gradients; every output lives until the batch is done). */
  readonly evaluation: BytesPerBatch;
}

/**
 * How a run's peak resident memory relates to what libtorch's allocator counts (see
 * docs/experiments.md, "Memory-safe trials"): measured with {@link measureTrainingPeakRss}'s method
 * on 15 runs of 8 networks of 7 spaces (28×28×1 and 32×32×3 images, batches 32–128, evaluation
 * batches 2–256; libtorch 1.13, glibc, 1 and 2 threads). The resident peak of training steps was
 * 1.22–1.47 times the allocator's peak, of evaluation passes 1.06–1.16 times, plus about 20 MB of
 * every run (the prefetch worker thread, batch buffers).
 */
export const MEMORY_CALIBRATION = { stepFactor: 1.35, evaluationFactor: 1.12, overheadBytes: 20 * 2 ** 20 } as const;

/** The batches of one measurement; two points make the line (the fixed part is small, so two small batches suffice). */
const PROBE_BATCHES = [2, 4] as const;

/**
 * Measures {@link TrainingMemory} for `model` on images of `input` ([C, H, W]) and `numClasses`
 * classes: a training step (forward, cross entropy with the auxiliary head's loss where the network
 * has one, backward) and an evaluation pass at two small batches, with libtorch's allocations
 * counted by {@link measurePeak}. It runs the network, so its BatchNorm statistics and random
 * generators move: measure a copy built for the purpose, not the network to be trained. Gradients
 * are dropped after each step; the mode (train/eval) is restored.
 */
export function measureTrainingMemory(model: Layer, input: readonly [number, number, number], numClasses: number): TrainingMemory {
  const paramBytes = model.parameters().reduce((sum, p) => sum + p.shape.reduce((a, b) => a * b, 1) * bytesOf(p.dtype), 0);
  const wasTraining = model.training;
  const generator = new Generator(0);
  const images = (batch: number) => randn([batch, ...input], { generator });
  const labels = (batch: number) => tensor(Int32Array.from({ length: batch }, (_, i) => i % numClasses), [batch]);
  const step = (batch: number): number =>
    measurePeak(() => {
      scope(() => {
        model.train();
        const x = images(batch);
        const y = labels(batch);
        const loss = crossEntropy(model.forward(x), y);
        // As trainClassifier's step: a network with an auxiliary head adds its weighted loss.
        const head = hasAuxiliaryOutput(model) ? model : null;
        const aux = head ? head.takeAuxiliaryLogits() : null;
        (head && aux ? add(loss, mul(crossEntropy(aux, y), head.auxiliaryWeight)) : loss).backward();
      });
      model.zeroGrad();
    }).peakBytes;
  const evaluation = (batch: number): number =>
    measurePeak(() =>
      noGrad(() =>
        scope(() => {
          model.eval();
          model.forward(images(batch));
        }),
      ),
    ).peakBytes;
  try {
    return { paramBytes, optimizerBytes: paramBytes, step: line(PROBE_BATCHES.map(step)), evaluation: line(PROBE_BATCHES.map(evaluation)) };
  } finally {
    model.train(wasTraining);
  }
}

/** The line through the measurements at {@link PROBE_BATCHES} (never below zero). */
function line([small, large]: number[]): BytesPerBatch {
  const [b0, b1] = PROBE_BATCHES;
  const perImage = Math.max(0, (large - small) / (b1 - b0));
  return { fixed: Math.max(0, small - perImage * b0), perImage };
}

function bytesOf(dtype: string): number {
  return dtype === 'float64' || dtype === 'int64' ? 8 : dtype === 'uint8' || dtype === 'bool' ? 1 : dtype === 'float16' ? 2 : 4;
}

/** The two phases of a training run and its peak, in bytes of resident memory. */
export interface TrainingPeak {
  /** A training step at the batch size: parameters, momentum, the step's allocation (calibrated). */
  readonly stepBytes: number;
  /** An evaluation pass at the evaluation batch: parameters, momentum, the pass's allocation (calibrated). */
  readonly evaluationBytes: number;
  /** The larger of the two plus the run's fixed overhead: what the run adds to its process at most. */
  readonly peakBytes: number;
}

/**
 * The resident memory a {@link trainClassifier} run of the measured network adds to its process at
 * most, at `batch` images per step and `evalBatch` per evaluation pass: parameters and momentum,
 * plus libtorch's peak allocation scaled by {@link MEMORY_CALIBRATION}, plus its fixed overhead.
 * The process's own memory (libtorch, node, the data set) is not included.
 */
export function trainingPeakBytes(memory: TrainingMemory, batch: number, evalBatch: number): TrainingPeak {
  const { stepFactor, evaluationFactor, overheadBytes } = MEMORY_CALIBRATION;
  const held = memory.paramBytes + memory.optimizerBytes;
  const stepBytes = held + stepFactor * (memory.step.fixed + memory.step.perImage * batch);
  const evaluationBytes = held + evaluationFactor * (memory.evaluation.fixed + memory.evaluation.perImage * evalBatch);
  return { stepBytes, evaluationBytes, peakBytes: overheadBytes + Math.max(stepBytes, evaluationBytes) };
}

/** The batches a training run uses and its estimated peak there ({@link planTrainingBatches}). */
export interface BatchPlan {
  /** Images per training step. */
  readonly batch: number;
  /** Images per evaluation pass (only memory depends on it, never a result). */
  readonly evalBatch: number;
  readonly peak: TrainingPeak;
}

/** What {@link planTrainingBatches} is asked for. */
export interface BatchPlanRequest {
  /** The training batch wanted. */
  readonly batch: number;
  /** The evaluation batch wanted (trainClassifier's default: max(batch, 256)). */
  readonly evalBatch: number;
  /** The most bytes the run may add to its process. */
  readonly limitBytes: number;
  /** The smallest training batch to fall back to (halving from `batch`); `batch` itself when the batch must not change. */
  readonly minBatch: number;
}

/**
 * The largest batches with which a run of the measured network fits in `limitBytes`: the training
 * batch wanted, else halved (never below `minBatch`; the last try is `minBatch` itself), and for
 * each the evaluation batch wanted, else halved down to 1 (an evaluation's result does not depend
 * on its batch, so it shrinks first and always may). `plan` is null when nothing fits; `smallest`
 * is then the estimate at the smallest batches tried, and otherwise equals `plan`'s peak.
 */
export function planTrainingBatches(memory: TrainingMemory, request: BatchPlanRequest): { plan: BatchPlan | null; wanted: TrainingPeak; smallest: BatchPlan } {
  const { limitBytes } = request;
  const overhead = MEMORY_CALIBRATION.overheadBytes;
  const wanted = trainingPeakBytes(memory, request.batch, request.evalBatch);
  const minBatch = Math.max(1, Math.min(request.minBatch, request.batch));
  let smallest: BatchPlan = { batch: request.batch, evalBatch: request.evalBatch, peak: wanted };
  for (let batch = request.batch; ; batch = Math.max(minBatch, Math.floor(batch / 2))) {
    let evalBatch = request.evalBatch;
    let peak = trainingPeakBytes(memory, batch, evalBatch);
    // The evaluation batch can shrink on its own; the step's bytes do not depend on it.
    while (overhead + peak.stepBytes <= limitBytes && peak.peakBytes > limitBytes && evalBatch > 1) {
      evalBatch = Math.max(1, Math.floor(evalBatch / 2));
      peak = trainingPeakBytes(memory, batch, evalBatch);
    }
    if (peak.peakBytes <= limitBytes) return { plan: { batch, evalBatch, peak }, wanted, smallest: { batch, evalBatch, peak } };
    smallest = { batch, evalBatch, peak };
    if (batch <= minBatch) return { plan: null, wanted, smallest };
  }
}

const MB = 2 ** 20;

/** A memory check of a training run before it starts ({@link checkTrainingMemory}). */
export interface MemoryCheckOptions {
  /** Images per training step wanted. */
  readonly batch: number;
  /** Images per evaluation pass wanted. */
  readonly evalBatch: number;
  /** The smallest training batch allowed (halving from `batch`); `batch` when the batch must stay. */
  readonly minBatch: number;
  /** MB (2^20 bytes) the run may add to its process; null: what the machine has available now. */
  readonly maxMemoryMb: number | null;
  /** How the limit is named in the error, e.g. `estimator.max_memory_mb`. */
  readonly limitName: string;
  /** What the user can do, appended to the error. */
  readonly fix: string;
}

/** A run that fits: its batches and estimated peak, and the limit it was checked against. */
export interface MemoryCheck {
  readonly plan: BatchPlan;
  readonly limitBytes: number;
  /** Whether the limit is the machine's available memory (no limit was given). */
  readonly limitIsAvailable: boolean;
}

/**
 * Estimates the peak memory of a {@link trainClassifier} run of the network `build()` makes (a copy
 * built for the measurement and disposed after it) on images of `input` and `numClasses` classes,
 * and returns the batches at which it fits in the limit (see {@link planTrainingBatches}). A run
 * that fits at no allowed batch is a `ResourceError` `MEMORY_LIMIT` whose message gives the
 * estimate and the limit in MB and whose `details` hold them (`memory_mb`, `memory_limit_mb`,
 * `batch_size`, `min_memory_mb` at the smallest batch tried).
 */
export function checkTrainingMemory(build: () => Layer, input: readonly [number, number, number], numClasses: number, options: MemoryCheckOptions): MemoryCheck {
  const copy = build();
  let memory: TrainingMemory;
  try {
    memory = measureTrainingMemory(copy, input, numClasses);
  } finally {
    copy.dispose();
  }
  const limitIsAvailable = options.maxMemoryMb === null;
  let limitBytes: number;
  if (options.maxMemoryMb !== null) limitBytes = options.maxMemoryMb * MB;
  else {
    // What this process keeps for reuse is memory the run can have: give it back before reading.
    trimHeap();
    limitBytes = availableMemoryBytes();
  }
  const { plan, wanted, smallest } = planTrainingBatches(memory, { batch: options.batch, evalBatch: options.evalBatch, limitBytes, minBatch: options.minBatch });
  if (plan) return { plan, limitBytes, limitIsAvailable };
  // Needs round up and the limit rounds down, so the message never shows a need within its limit.
  const mb = (bytes: number) => Math.ceil(bytes / MB);
  const limitMb = Math.floor(limitBytes / MB);
  const shrunk = smallest.batch !== options.batch || smallest.evalBatch !== options.evalBatch;
  throw new ResourceError(
    'MEMORY_LIMIT',
    `training this network needs about ${mb(wanted.peakBytes)} MB at batch ${options.batch} (evaluation batch ${options.evalBatch})` +
      (shrunk ? `, and still ${mb(smallest.peak.peakBytes)} MB at batch ${smallest.batch} (evaluation batch ${smallest.evalBatch})` : '') +
      `, more than the ${limitMb} MB ${limitIsAvailable ? 'this machine has available' : `of ${options.limitName}`}; ${options.fix}`,
    { memory_mb: toMb(wanted.peakBytes), memory_limit_mb: Math.floor((limitBytes / MB) * 10) / 10, batch_size: options.batch, min_memory_mb: toMb(smallest.peak.peakBytes), min_batch_size: smallest.batch },
  );
}

/** Bytes as MB (2^20 bytes), rounded up to a tenth: how estimates are recorded. */
export function toMb(bytes: number): number {
  return Math.ceil((bytes / MB) * 10) / 10;
}
