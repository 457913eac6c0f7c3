import { DATASET_DEFAULTS, type DatasetName } from '../engine/data/load.js';
import { iterateBatches } from '../engine/data/batches.js';
import { split, subset } from '../engine/data/split.js';
import type { ImageDataset } from '../engine/data/dataset.js';
import { scope } from '../engine/memory.js';
import { Generator, tensor } from '../engine/ops/creation.js';
import { Adam, clipGradNorm, CosineSchedule, SGD } from '../engine/optim.js';
import type { Sample } from '../space/types.js';
import type { Json } from '../util/json.js';
import { ArchParameters } from './arch.js';
import { CELL_SPECS, type CellSpec } from './cell-spec.js';
import { createMethod, lossOf, type MethodOptions, type OneShotMethod, type OneShotMethodName, type StepContext, type StepResult, type TensorBatch } from './methods/index.js';
import { encodeSearchState, restoreSearchState } from './state.js';
import { Nb201Supernet, type Supernet } from './supernet.js';
import { DartsSupernet } from './darts-supernet.js';

/** Everything that defines a one-shot search (the same settings give the same search, to the bit with one thread). */
export interface OneShotSettings {
  readonly method: OneShotMethodName;
  readonly methodOptions: MethodOptions;
  readonly space: string;
  readonly dataset: DatasetName;
  readonly epochs: number;
  /** Training images used (drawn from the training set by the seed), split into two halves: weights and α. */
  readonly subset: number;
  /** C and N of the supernet. */
  readonly channels: number;
  readonly cells: number;
  readonly batchSize: number;
  /** Weights: SGD with momentum, cosine from `weightLr` to `weightLrMin`, weight decay, gradient clipping (DARTS' values). */
  readonly weightLr: number;
  readonly weightLrMin: number;
  readonly momentum: number;
  readonly weightDecay: number;
  readonly gradClip: number;
  /** α: Adam (β = 0.5, 0.999) with this learning rate and weight decay (DARTS' values). */
  readonly archLr: number;
  readonly archWeightDecay: number;
  /** Epochs that train only the weights before α moves (PC-DARTS' warm-up); 0 by default. */
  readonly warmupEpochs: number;
  readonly seed: number;
}

/** The reduced CPU setting (docs/oneshot.md) every field defaults to. */
export const ONESHOT_DEFAULTS: Omit<OneShotSettings, 'method' | 'methodOptions' | 'space' | 'dataset' | 'seed'> = {
  epochs: 10,
  subset: 5000,
  channels: 16,
  cells: 1,
  batchSize: 64,
  weightLr: 0.025,
  weightLrMin: 0.001,
  momentum: 0.9,
  weightDecay: 3e-4,
  gradClip: 5,
  archLr: 3e-4,
  archWeightDecay: 1e-3,
  warmupEpochs: 0,
};

/** A look-up of a derived architecture in a tabular benchmark (NB201), or null where there is none. */
export type TableLookup = (sample: Sample) => Record<string, number> | null;

/** One epoch of a search, as recorded. */
export interface OneShotEpoch {
  readonly epoch: number;
  /** α per cell kind, [edge][operation]. */
  readonly alpha: Record<string, number[][]>;
  /** softmax(α) per kind: the operation weights of DARTS, the sampling probabilities of GDAS/SNAS. */
  readonly probabilities: Record<string, number[][]>;
  /** PC-DARTS' edge parameters β per kind, or null. */
  readonly beta: Record<string, number[]> | null;
  /** The architecture derived after this epoch (the space's text form). */
  readonly genotype: string;
  readonly skip_count: number;
  /** Mean loss and accuracy (%) of the weight steps (training half) and architecture steps (validation half). */
  readonly train_loss: number;
  readonly train_acc: number;
  readonly val_loss: number | null;
  readonly val_acc: number | null;
  readonly tau: number | null;
  readonly seconds: number;
  readonly table: Record<string, number> | null;
}

/** What a finished search returns (the contract's JSON plus the settings). */
export interface OneShotResult {
  readonly method: string;
  readonly space: string;
  readonly dataset: string;
  readonly genotype: string;
  /** The derived sample of the result (an ordinary sample of the space). */
  readonly sample: Sample;
  /** The epoch whose genotype is the result (the last, unless DARTS+ stopped). */
  readonly result_epoch: number;
  /** Why the search stopped early, or null. */
  readonly stopped: string | null;
  readonly search_seconds: number;
  readonly operations: readonly string[];
  readonly edges: readonly string[];
  readonly history: OneShotEpoch[];
  readonly table: Record<string, number> | null;
  readonly resumed_from_epoch: number;
}

/** Hooks of {@link runOneShotSearch}. */
export interface OneShotHooks {
  /** Looks the derived architecture up after every epoch (`table`). */
  readonly lookup?: TableLookup;
  /** Called (and awaited) after every epoch with its record and the whole search state: store it to resume. */
  readonly onEpoch?: (record: OneShotEpoch, state: Uint8Array) => void | Promise<void>;
  /** A state from `onEpoch` of a search with the same settings: the search continues after that epoch. */
  readonly resumeFrom?: Uint8Array | null;
  /** Called before every step (tests stop a search mid-epoch here). */
  readonly onStep?: (epoch: number, step: number) => void;
  readonly log?: (line: string) => void;
}

/** The training images of a search: a seeded subset, halved into a weight half and an α half (DARTS' protocol). */
export function searchData(trainSet: ImageDataset, settings: Pick<OneShotSettings, 'subset' | 'seed'>): { train: ImageDataset; val: ImageDataset } {
  const n = Math.min(settings.subset, trainSet.length);
  if (n < 4) throw new RangeError(`one-shot search: subset must be at least 4 images, got ${settings.subset}`);
  const images = n === trainSet.length ? trainSet : subset(trainSet, n, settings.seed);
  const halves = split(images, { validation: Math.floor(n / 2), seed: settings.seed });
  return { train: halves.train, val: halves.validation };
}

/** Builds the supernet of a space: `cells` is N, the cells per stage (NB201: 3N search cells; DARTS: 3N + 2, two of them reductions). */
export function buildSupernet(spec: CellSpec, settings: Pick<OneShotSettings, 'channels' | 'cells'>, method: OneShotMethod, data: ImageDataset, generator: Generator): Supernet {
  if (spec.space === 'nb201') {
    return new Nb201Supernet(spec, { channels: settings.channels, cells: settings.cells, numClasses: data.classes.length, inChannels: data.shape.channels, partial: method.partial, generator });
  }
  if (spec.space === 'darts') return new DartsSupernet(spec, { channels: settings.channels, cells: settings.cells, numClasses: data.classes.length, inChannels: data.shape.channels, partial: method.partial, generator });
  throw new RangeError(`one-shot search: no supernet for space ${JSON.stringify(spec.space)} yet`);
}

interface Progress {
  epoch: number;
  scheduleStep: number;
  seconds: number;
  stopped: { reason: string; resultEpoch: number } | null;
  history: OneShotEpoch[];
}

/** What {@link searchStep} works on. */
export interface SearchStepParts {
  readonly net: Supernet;
  readonly arch: ArchParameters;
  readonly method: OneShotMethod;
  readonly weightOptimizer: SGD;
  readonly archOptimizer: Adam;
  /** The weights' gradient norm is clipped to this. */
  readonly gradClip: number;
}

/**
 * One step of a search: an architecture step on the α batch `val` (the method's gradient, then
 * the α optimizer; skipped when `val` is null, as in a warm-up epoch), then a weight step on the
 * weight batch `train` (the method's training weights, gradient clipping, the weight optimizer).
 * Each half runs in its own memory scope, so the α step's forward graph (every edge's operation
 * outputs) is freed before the weight step builds its own: holding both doubled the step's peak
 * memory on the DARTS supernet.
 */
export function searchStep(parts: SearchStepParts, train: TensorBatch, val: TensorBatch | null, ctx: StepContext): { train: StepResult; val: StepResult | null } {
  const { net, arch, method, weightOptimizer, archOptimizer } = parts;
  const archResult =
    val === null
      ? null
      : scope(() => {
          const r = method.archGradient(net, arch, train, val, ctx);
          archOptimizer.step();
          archOptimizer.zeroGrad();
          net.zeroGrad();
          return r;
        });
  const trainResult = scope(() => {
    const { loss, correct } = lossOf(net, method.trainingWeights(net, arch, train, ctx), train);
    loss.backward();
    clipGradNorm(weightOptimizer.params, parts.gradClip);
    weightOptimizer.step();
    weightOptimizer.zeroGrad();
    archOptimizer.zeroGrad();
    return { loss: loss.item(), correct };
  });
  return { train: trainResult, val: archResult };
}

const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Runs a differentiable one-shot search: per step, one architecture step on a batch of the α half
 * (the method's gradient, Adam) and one weight step on a batch of the weight half (SGD, cosine
 * schedule). After each epoch: α and its probabilities, the derived architecture (looked up in
 * the table), the losses, and a checkpoint of everything. Batches, Gumbel noise and perturbations
 * depend only on the seed and the epoch, so a search resumed from an epoch's state continues as
 * the uninterrupted one (bit for bit with one libtorch thread).
 */
export async function runOneShotSearch(settings: OneShotSettings, trainSet: ImageDataset, hooks: OneShotHooks = {}): Promise<OneShotResult> {
  const specOf = CELL_SPECS[settings.space];
  if (!specOf) throw new RangeError(`one-shot search: space ${JSON.stringify(settings.space)} has no cell description; valid: ${Object.keys(CELL_SPECS).join(', ')}`);
  const spec = specOf();
  const method = createMethod(settings.method, spec, settings.methodOptions);
  const data = searchData(trainSet, settings);
  const defaults = DATASET_DEFAULTS[settings.dataset];
  const init = new Generator(settings.seed);
  const net = buildSupernet(spec, settings, method, data.train, init);
  const arch = new ArchParameters(spec, { edgeNormalization: method.edgeNormalization, generator: init });
  const weightOptimizer = new SGD(net.parameters(), { lr: settings.weightLr, momentum: settings.momentum, weightDecay: settings.weightDecay });
  const archOptimizer = new Adam(arch.list(), { lr: settings.archLr, betas: [0.5, 0.999], weightDecay: settings.archWeightDecay });
  const batchOf = (seed: number) => ({ batchSize: settings.batchSize, seed, shuffle: true, dropLast: true, augment: defaults.augment, normalization: defaults.normalization });
  const stepsPerEpoch = Math.min(Math.floor(data.train.length / settings.batchSize), Math.floor(data.val.length / settings.batchSize));
  if (stepsPerEpoch < 1) throw new RangeError(`one-shot search: ${data.train.length} images per half are fewer than a batch of ${settings.batchSize}; raise subset or lower batch size`);
  const schedule = new CosineSchedule(weightOptimizer, { totalSteps: settings.epochs * stepsPerEpoch, minLr: Math.min(settings.weightLrMin, settings.weightLr) });
  const parts = { net, arch, weightOptimizer, archOptimizer };
  const stepParts: SearchStepParts = { net, arch, method, weightOptimizer, archOptimizer, gradClip: settings.gradClip };
  let progress: Progress = { epoch: 0, scheduleStep: 0, seconds: 0, stopped: null, history: [] };
  try {
    if (hooks.resumeFrom) {
      progress = restoreSearchState(hooks.resumeFrom, parts, 'one-shot resume') as unknown as Progress;
      schedule.seek(progress.scheduleStep);
      hooks.log?.(`resuming after epoch ${progress.epoch}`);
    }
    const resumedFrom = progress.epoch;
    for (let epoch = progress.epoch; epoch < settings.epochs && !progress.stopped; epoch++) {
      const start = performance.now();
      const generator = new Generator(settings.seed * 1009 + epoch + 1);
      const trainBatches = iterateBatches(data.train, batchOf(settings.seed), epoch);
      const valBatches = iterateBatches(data.val, batchOf(settings.seed + 1), epoch);
      const sums = { trainLoss: 0, trainCorrect: 0, valLoss: 0, valCorrect: 0, seen: 0, valSeen: 0 };
      net.train();
      for (let step = 0; step < stepsPerEpoch; step++) {
        hooks.onStep?.(epoch, step);
        const tb = trainBatches.next().value!;
        const vb = valBatches.next().value!;
        const ctx: StepContext = { epoch, epochs: settings.epochs, generator, weightLr: weightOptimizer.lr, weightDecay: settings.weightDecay };
        scope(() => {
          const train: TensorBatch = { x: tensor(tb.images, tb.shape), y: tensor(tb.labels, [tb.labels.length]).to('int64') };
          const val: TensorBatch | null = epoch >= settings.warmupEpochs ? { x: tensor(vb.images, vb.shape), y: tensor(vb.labels, [vb.labels.length]).to('int64') } : null;
          const r = searchStep(stepParts, train, val, ctx);
          if (!Number.isFinite(r.train.loss)) throw new RangeError(`one-shot search: the loss became ${r.train.loss} in epoch ${epoch + 1}; lower the learning rate`);
          if (r.val && val) {
            sums.valLoss += r.val.loss * vb.labels.length;
            sums.valCorrect += r.val.correct;
            sums.valSeen += vb.labels.length;
          }
          sums.trainLoss += r.train.loss * tb.labels.length;
          sums.trainCorrect += r.train.correct;
          sums.seen += tb.labels.length;
        });
        schedule.step();
        await yieldToEventLoop();
      }
      const sample = spec.derive(method.strengths(arch));
      const seconds = (performance.now() - start) / 1000;
      const record: OneShotEpoch = {
        epoch: epoch + 1,
        alpha: arch.alphaValues(),
        probabilities: method.probabilities(arch),
        beta: arch.beta ? Object.fromEntries([...arch.beta].map(([k, t]) => [k, t.toArray()])) : null,
        genotype: spec.format(sample),
        skip_count: spec.skipCount(sample),
        train_loss: sums.trainLoss / sums.seen,
        train_acc: (100 * sums.trainCorrect) / sums.seen,
        val_loss: sums.valSeen ? sums.valLoss / sums.valSeen : null,
        val_acc: sums.valSeen ? (100 * sums.valCorrect) / sums.valSeen : null,
        tau: method.temperature({ epoch, epochs: settings.epochs }),
        seconds,
        table: hooks.lookup?.(sample) ?? null,
      };
      progress.history.push(record);
      progress.epoch = epoch + 1;
      progress.scheduleStep = schedule.stepCount;
      progress.seconds += seconds;
      progress.stopped = method.stop(progress.history.map((h) => ({ epoch: h.epoch, genotype: h.genotype, skipCount: h.skip_count })));
      hooks.log?.(`${settings.method} epoch ${record.epoch}/${settings.epochs}: train loss ${record.train_loss.toFixed(3)} acc ${record.train_acc.toFixed(1)}%` + (record.val_acc === null ? '' : `, val loss ${record.val_loss!.toFixed(3)} acc ${record.val_acc.toFixed(1)}%`) + ` ${record.genotype}` + (record.table ? ` (table ${Object.entries(record.table).map(([k, v]) => `${k} ${v}`).join(', ')})` : '') + ` ${seconds.toFixed(1)} s` + (progress.stopped ? `; stop: ${progress.stopped.reason}` : ''));
      await hooks.onEpoch?.(record, encodeSearchState(parts, progress as unknown as Json));
    }
    if (progress.history.length === 0) throw new RangeError('one-shot search: no epoch was run');
    const resultEpoch = progress.stopped?.resultEpoch ?? progress.history.length;
    const result = progress.history[resultEpoch - 1];
    const sample = spec.parse(result.genotype);
    return {
      method: settings.method,
      space: settings.space,
      dataset: settings.dataset,
      genotype: result.genotype,
      sample,
      result_epoch: resultEpoch,
      stopped: progress.stopped?.reason ?? null,
      search_seconds: progress.seconds,
      operations: spec.operations,
      edges: spec.edges.map((e) => e.label),
      history: progress.history,
      table: result.table,
      resumed_from_epoch: resumedFrom,
    };
  } finally {
    weightOptimizer.dispose();
    archOptimizer.dispose();
    arch.dispose();
    net.dispose();
  }
}
