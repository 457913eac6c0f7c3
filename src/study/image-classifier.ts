import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { NativeError, TrialStateError } from '../errors.js';
import type { ImageDataset } from '../engine/data/dataset.js';
import type { Normalization } from '../engine/data/normalize.js';
import type { Nb201Network } from '../space/nb201/network.js';
import type { Store } from '../experiment/store.js';
import { NB201_OPS, Nb201Space } from '../space/nb201/space.js';
import type { Sample } from '../space/types.js';
import type { OptionsFor } from '../strategy/registry.js';
import type { Json } from '../util/json.js';
import { type ImageInput, toDataset } from './image-input.js';
import { ClassifierProgress } from './progress.js';
import { studyOptions } from './options.js';
import { createStudy, type Study } from './study.js';
import type { Trial } from './trial.js';
import { defaultThreads } from '../util/threads.js';

/** Options of {@link ImageClassifier} (snake_case, as every options object naskit takes: docs/study.md, "Naming"). */
export interface ImageClassifierOptions<N extends string = string> {
  /** Architectures trained during the search (default 10). */
  readonly max_trials?: number;
  /**
   * Seconds for the whole `fit` (search and retraining): no new trial starts once the time spent
   * plus the retraining (estimated from the trials' measured speed) would pass it, and the
   * retraining's epochs are cut to fit what is left (at least 1). Default: no limit.
   */
  readonly time_budget_seconds?: number;
  /** Seeds the search, the data split and every network's initialisation (default 0). */
  readonly seed?: number;
  /** The strategy searching the cells (default `rea`, population half the trials, up to 10, tournaments of 2). */
  readonly strategy?: N;
  /** The strategy's own options (typed for naskit's own strategies). */
  readonly strategy_options?: OptionsFor<N>;
  /** Where the search's trials are recorded (default `memory:`); a storage URL or a `Store`. */
  readonly storage?: string | Store;
  /** The study's name in the storage (default `image-classifier`). */
  readonly name?: string;
  /** C of the NAS-Bench-201 network: channels of the first stage (default 8: with `cells` 1, the setting measured to reach 90 % on Fashion-MNIST within 20 minutes on a 2-core machine). */
  readonly channels?: number;
  /** N of the NAS-Bench-201 network: cells per stage (default 1). */
  readonly cells?: number;
  /** Epochs per searched architecture (default 1). */
  readonly search_epochs?: number;
  /** Training images each searched architecture is trained on, drawn once (default 5,000; 0: all). */
  readonly search_images?: number;
  /** Training images held out to compare architectures (default 2,000, at most a fifth of the data). */
  readonly validation_images?: number;
  /** Epochs of the retraining of the best architecture on all the training images (default 10). */
  readonly final_epochs?: number;
  /** SGD minibatch size (default 64). */
  readonly batch_size?: number;
  /** Initial SGD learning rate (cosine schedule; default 0.1). */
  readonly lr?: number;
  /** Random crops and flips while training (default: for colour images only). */
  readonly augment?: boolean;
  /** Channels read from an image folder's JPEGs (default 3; 1 for grey images). */
  readonly folder_channels?: number;
  /** libtorch threads (default: `NASKIT_THREADS`, else every core). */
  readonly threads?: number;
  /** A progress bar on stderr (default true). */
  readonly progress?: boolean;
  /** @deprecated Use `max_trials`. */
  readonly maxTrials?: number;
  /** @deprecated Use `time_budget_seconds`. */
  readonly timeBudgetSeconds?: number;
  /** @deprecated Use `strategy_options`. */
  readonly strategyOptions?: OptionsFor<N>;
  /** @deprecated Use `search_epochs`. */
  readonly searchEpochs?: number;
  /** @deprecated Use `search_images`. */
  readonly searchImages?: number;
  /** @deprecated Use `validation_images`. */
  readonly validationImages?: number;
  /** @deprecated Use `final_epochs`. */
  readonly finalEpochs?: number;
  /** @deprecated Use `batch_size`. */
  readonly batchSize?: number;
  /** @deprecated Use `folder_channels`. */
  readonly folderChannels?: number;
}

/** What `fit` found. */
export interface FitSummary {
  readonly arch: string;
  /** Validation accuracy (%) of the best architecture during the search. */
  readonly searchAccuracy: number;
  readonly trials: number;
  readonly finalEpochs: number;
  readonly params: number;
  readonly flops: number;
}

/** The engine's parts the classifier uses, loaded on first use. */
async function loadEngine() {
  const binding = await import('../engine/binding.js');
  if (!binding.engineAvailable()) {
    throw new NativeError('ENGINE_MISSING', `ImageClassifier trains networks and needs the libtorch engine, which is not available here; ${binding.ENGINE_FIX}`);
  }
  const [models, train, creation, runtime, profile, state, split, augment, batches, autograd, memory, reduction] = await Promise.all([
    import('../space/nb201/network.js'),
    import('../engine/train.js'),
    import('../engine/ops/creation.js'),
    import('../engine/runtime.js'),
    import('../engine/profile.js'),
    import('../engine/state-bytes.js'),
    import('../engine/data/split.js'),
    import('../engine/data/augment.js'),
    import('../engine/data/batches.js'),
    import('../engine/autograd.js'),
    import('../engine/memory.js'),
    import('../engine/ops/reduction.js'),
  ]);
  return { ...models, ...train, ...creation, ...runtime, ...profile, ...state, ...split, ...augment, ...batches, ...autograd, ...memory, ...reduction };
}
type Engine = Awaited<ReturnType<typeof loadEngine>>;

/**
 * One call from images to a trained, tested, exported classifier (AutoKeras' `ImageClassifier`):
 * `fit` searches NAS-Bench-201 cells for the data with a define-by-run study (each trial trains the
 * cell's network for a few epochs and is judged on held-out training images), retrains the best on
 * all the training images, and keeps it; `evaluate` reads the user's test images once; `export`
 * writes the model as JSON and safetensors. Needs the libtorch engine, loaded when `fit` starts.
 */
export class ImageClassifier<N extends string = string> {
  private engine: Engine | null = null;
  private model: Nb201Network | null = null;
  private fitted: {
    sample: Sample;
    classes: readonly string[];
    shape: ImageDataset['shape'];
    normalization: Normalization;
    summary: FitSummary;
    history: Json;
    study: Study;
  } | null = null;
  private testAccuracy: number | null = null;
  private readonly space = new Nb201Space();

  /** The options given, with old spellings renamed (only the snake_case fields are set). */
  readonly options: ImageClassifierOptions;

  constructor(options: ImageClassifierOptions<N> = {}) {
    const o = (this.options = studyOptions('ImageClassifier', options as ImageClassifierOptions));
    const positive = (name: string, v: number | undefined, min = 1) => {
      if (v !== undefined && !(Number.isInteger(v) && v >= min)) throw new RangeError(`ImageClassifier: ${name} must be an integer ≥ ${min}, got ${v}`);
    };
    positive('max_trials', o.max_trials);
    positive('channels', o.channels);
    positive('cells', o.cells);
    positive('search_epochs', o.search_epochs);
    positive('final_epochs', o.final_epochs);
    positive('batch_size', o.batch_size);
    positive('search_images', o.search_images, 0);
    positive('validation_images', o.validation_images);
    positive('threads', o.threads);
    if (o.time_budget_seconds !== undefined && !(o.time_budget_seconds > 0)) throw new RangeError(`ImageClassifier: time_budget_seconds must be > 0, got ${o.time_budget_seconds}`);
    if (o.lr !== undefined && !(o.lr > 0)) throw new RangeError(`ImageClassifier: lr must be > 0, got ${o.lr}`);
    if (o.folder_channels !== undefined && o.folder_channels !== 1 && o.folder_channels !== 3) throw new RangeError(`ImageClassifier: folder_channels must be 1 or 3, got ${o.folder_channels}`);
  }

  /**
   * Searches, retrains the best architecture on all of `x`, and keeps it. `x`: an `ImageDataset`,
   * `{pixels, shape}` with labels `y`, or an image folder (`root/<class>/<image>.jpg`).
   */
  async fit(x: ImageInput, y?: ArrayLike<number>): Promise<FitSummary> {
    const started = Date.now();
    const o = this.options;
    const engine = (this.engine ??= await loadEngine());
    engine.setNumThreads(o.threads ?? defaultThreads());
    const data = toDataset(x, y, null, o.folder_channels ?? 3);
    const seed = o.seed ?? 0;
    const maxTrials = o.max_trials ?? 10;
    const validation = Math.min(o.validation_images ?? 2000, Math.floor(data.length / 5));
    if (validation < 1 || data.length < 10) throw new RangeError(`ImageClassifier.fit: ${data.length} images are too few to hold some out for the search`);
    const parts = engine.split(data, { validation, seed });
    const searchImages = o.search_images ?? 5_000;
    const searchTrain = searchImages > 0 && searchImages < parts.train.length ? engine.subset(parts.train, searchImages, seed) : parts.train;
    const normalization = channelStats(data);
    const augment = (o.augment ?? data.shape.channels === 3) ? engine.CIFAR10_AUGMENT : null;
    const batchSize = o.batch_size ?? 64;
    const lr = o.lr ?? 0.1;
    const searchEpochs = o.search_epochs ?? 1;
    let finalEpochs = o.final_epochs ?? 10;
    const network = (sample: Sample, seedOf: number) =>
      new engine.Nb201Network(sample, {
        inChannels: data.shape.channels,
        numClasses: data.classes.length,
        channels: o.channels ?? 8,
        cells: o.cells ?? 1,
        generator: new engine.Generator(seedOf),
      });
    const strategy = o.strategy ?? 'rea';
    const population = Math.max(2, Math.min(10, Math.floor(maxTrials / 2)));
    const study = await createStudy({
      storage: o.storage ?? 'memory:',
      name: o.name ?? 'image-classifier',
      strategy,
      strategy_options: o.strategy_options ?? (strategy === 'rea' ? { population, sample_size: 2 } : {}),
      seed,
      startup_trials: population,
      pruner: 'none',
    });
    const progress = new ClassifierProgress(o.progress ?? true);
    // Seconds per image-epoch of training, from the last trial: what the retraining is estimated with.
    let perImageEpoch = 0;
    const objective = async (trial: Trial): Promise<number> => {
      const cell: Record<string, string> = {};
      for (const leaf of this.space.leaves()) cell[leaf.label] = trial.suggestCategorical(leaf.label, NB201_OPS);
      const model = network(this.space.freeze(cell), trial.seed % 2 ** 31);
      const t0 = performance.now();
      try {
        const result = await engine.trainClassifier(model, { train: searchTrain, validation: parts.validation }, {
          epochs: searchEpochs, batchSize: Math.min(batchSize, searchTrain.length), lr, seed: trial.seed % 2 ** 31, normalization, augment,
          onEpoch: (r) => trial.report(r.val_acc, r.epoch),
        });
        // The latest trial's speed: on a shared machine the speed drifts with the load, and the
        // latest is the best guess for the next trial and the retraining.
        perImageEpoch = (performance.now() - t0) / 1000 / (searchTrain.length * searchEpochs);
        return result.valAcc;
      } finally {
        model.dispose();
      }
    };
    const budget = o.time_budget_seconds;
    const elapsed = () => (Date.now() - started) / 1000;
    const finalCost = (epochs: number) => perImageEpoch * data.length * epochs;
    const trialCost = () => perImageEpoch * searchTrain.length * searchEpochs;
    try {
      progress.startSearch(maxTrials);
      let done = study.trials.length;
      while (done < maxTrials) {
        if (budget !== undefined && done > 0 && elapsed() + trialCost() + finalCost(1) > budget) break;
        await study.optimize(objective, { trials: 1 });
        done = study.trials.length;
        progress.trial(done, study.bestTrial?.value ?? null);
      }
      progress.stop();
      const best = study.bestTrial;
      if (!best) throw new TrialStateError('NO_COMPLETE_TRIAL', `ImageClassifier.fit: no architecture trained successfully; first error: ${study.trials.find((t) => t.error)?.error ?? 'none'}`);
      if (budget !== undefined && perImageEpoch > 0) {
        const left = budget - elapsed();
        finalEpochs = Math.max(1, Math.min(finalEpochs, Math.floor(left / finalCost(1))));
      }
      const sample = this.space.freeze(best.params);
      this.model?.dispose();
      const model = network(sample, seed);
      progress.startRetrain(finalEpochs);
      const result = await engine.trainClassifier(model, { train: data, validation: parts.validation }, {
        epochs: finalEpochs, batchSize: Math.min(batchSize, data.length), lr, seed, normalization, augment,
        onEpoch: (r) => progress.epoch(r.epoch, r.train_loss),
      });
      progress.stop();
      this.model = model;
      const profile = engine.profileModel(model, [data.shape.channels, data.shape.height, data.shape.width]);
      const summary: FitSummary = { arch: this.space.format(sample), searchAccuracy: best.value!, trials: study.trials.length, finalEpochs, params: profile.params, flops: profile.flops };
      this.fitted = { sample, classes: data.classes, shape: data.shape, normalization, summary, history: result.history.map((r) => ({ epoch: r.epoch, train_loss: r.train_loss })), study };
      this.testAccuracy = null;
      return summary;
    } finally {
      progress.stop();
    }
  }

  /** Class indices predicted for `x` (labels, if `x` carries any, are ignored). */
  async predict(x: ImageInput): Promise<Int32Array> {
    const { model, fitted, engine } = this.requireFitted();
    const data = toDataset(x, typeof x === 'object' && !('classes' in x) ? new Int32Array(countOf(x)) : undefined, fitted.classes, fitted.shape.channels);
    this.checkShape(data);
    const out = new Int32Array(data.length);
    let at = 0;
    model.eval();
    for (const batch of engine.iterateBatches(data, { batchSize: 256, seed: 0, shuffle: false, normalization: fitted.normalization })) {
      const predicted = engine.noGrad(() => engine.scope(() => engine.argmax(model.forward(engine.tensor(batch.images, batch.shape)), 1).to('int32').data()));
      out.set(predicted as Int32Array, at);
      at += batch.labels.length;
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    return out;
  }

  /** Accuracy (%) on the user's test images, read once; the figure is kept for `export`. */
  async evaluate(x: ImageInput, y?: ArrayLike<number>): Promise<{ testAccuracy: number; images: number }> {
    const { model, fitted, engine } = this.requireFitted();
    const data = toDataset(x, y, fitted.classes, fitted.shape.channels);
    this.checkShape(data);
    const testAccuracy = await engine.evaluateAsync(model, data, { batchSize: 256, normalization: fitted.normalization });
    this.testAccuracy = testAccuracy;
    return { testAccuracy, images: data.length };
  }

  /** Writes `dir/model.json` (architecture, network, classes, input, normalisation, search, test figure) and `dir/model.safetensors`. */
  async export(dir: string): Promise<{ json: string; weights: string }> {
    const { model, fitted, engine } = this.requireFitted();
    mkdirSync(dir, { recursive: true });
    const arch = this.space.format(fitted.sample);
    const o = this.options;
    const weights = engine.stateDictToSafetensors(model, { space: 'nb201', arch, channels: String(o.channels ?? 8), cells: String(o.cells ?? 1) });
    const doc: Json = {
      format: 'naskit-image-classifier',
      version: 1,
      space: 'nb201',
      arch,
      sample: fitted.sample as Record<string, Json>,
      network: { channels: o.channels ?? 8, cells: o.cells ?? 1, in_channels: fitted.shape.channels, num_classes: fitted.classes.length },
      input: { channels: fitted.shape.channels, height: fitted.shape.height, width: fitted.shape.width },
      classes: [...fitted.classes],
      normalization: { mean: [...fitted.normalization.mean], std: [...fitted.normalization.std] },
      search: { strategy: o.strategy ?? 'rea', trials: fitted.summary.trials, search_accuracy: fitted.summary.searchAccuracy, seed: o.seed ?? 0 },
      final: { epochs: fitted.summary.finalEpochs, history: fitted.history },
      params: fitted.summary.params,
      flops: fitted.summary.flops,
      test_accuracy: this.testAccuracy,
      weights: 'model.safetensors',
    };
    const json = join(dir, 'model.json');
    const bin = join(dir, 'model.safetensors');
    // Written aside and renamed, so that a reader never sees half a file.
    writeFileSync(`${bin}.tmp`, weights);
    renameSync(`${bin}.tmp`, bin);
    writeFileSync(`${json}.tmp`, `${JSON.stringify(doc, null, 2)}\n`);
    renameSync(`${json}.tmp`, json);
    return { json, weights: bin };
  }

  /** The search's study (every trial, its cell and its validation accuracy), once fitted. */
  get study(): Study | null {
    return this.fitted?.study ?? null;
  }

  /** Frees the trained network's tensors. */
  dispose(): void {
    this.model?.dispose();
    this.model = null;
  }

  private requireFitted() {
    if (!this.model || !this.fitted || !this.engine) throw new TrialStateError('NOT_FITTED', 'ImageClassifier: call fit(x, y) first');
    return { model: this.model, fitted: this.fitted, engine: this.engine };
  }

  private checkShape(data: ImageDataset): void {
    const a = data.shape;
    const b = this.fitted!.shape;
    if (a.channels !== b.channels || a.height !== b.height || a.width !== b.width) {
      throw new RangeError(`ImageClassifier: images are ${a.channels}×${a.height}×${a.width} but the classifier was fitted on ${b.channels}×${b.height}×${b.width}`);
    }
  }
}

function countOf(x: ImageInput): number {
  if (typeof x === 'object' && 'pixels' in x) return x.pixels.length / (x.shape[0] * x.shape[1] * x.shape[2]);
  return 0;
}

/** Per-channel mean and standard deviation of the pixels (0–1 scale): the normalisation of the user's data. */
function channelStats(data: ImageDataset): Normalization {
  const { channels, height, width } = data.shape;
  const plane = height * width;
  const mean: number[] = [];
  const std: number[] = [];
  for (let c = 0; c < channels; c++) {
    let s = 0;
    let s2 = 0;
    for (let i = 0; i < data.length; i++) {
      const base = (i * channels + c) * plane;
      for (let p = 0; p < plane; p++) {
        const v = data.images[base + p] / 255;
        s += v;
        s2 += v * v;
      }
    }
    const n = data.length * plane;
    const m = s / n;
    mean.push(m);
    std.push(Math.max(Math.sqrt(Math.max(s2 / n - m * m, 0)), 1e-3));
  }
  return { mean, std };
}
