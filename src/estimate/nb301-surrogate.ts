import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, DataError } from '../errors.js';
import type { DartsSpace } from '../space/darts/space.js';
import { toNb301Encoding } from '../space/darts/nb301.js';
import type { Sample } from '../space/types.js';
import { loadOnnxRuntime, type OnnxRuntime } from '../util/onnxruntime.js';
import type { Estimate, EstimateRequest, Estimator } from './types.js';

/** The fewest epochs the surrogate predicts for: the low end of its fidelity axis. */
export const NB301_MIN_EPOCHS = 1;
/** The most epochs the surrogate predicts for (NAS-Bench-301's full training): the high end of its fidelity axis. */
export const NB301_MAX_EPOCHS = 98;

/** The surrogate's inputs: 34 categorical codes per row (see `space/darts/nb301.ts`) and the epochs. */
const CATEGORICAL = 34;
/** Output columns: 0 the validation accuracy (fraction), 2 the training runtime (s); 1 and 3 unlabelled. */
const OUTPUTS = 4;

/** One prediction: validation accuracy (%) and training time (s) after `epochs` epochs. */
export interface Nb301Prediction {
  readonly accuracy: number;
  readonly runtimeSeconds: number;
}

/**
 * The NAS-Bench-301 surrogate (`NASKIT_DATA/nb301/model_v2.onnx`, trained by YAHPO Gym on the
 * NAS-Bench-301 data) in `onnxruntime-node`: it predicts the CIFAR-10 validation accuracy and the
 * training time of any DARTS genotype after 1–98 epochs. Rows are predicted in batches; a row's
 * prediction does not depend on the other rows of its batch (checked bit for bit on batches of 1
 * to 500 rows), so batching changes no result.
 */
export class Nb301Surrogate {
  private static readonly cache = new Map<string, Promise<Nb301Surrogate>>();

  private constructor(
    private readonly ort: typeof OnnxRuntime,
    private readonly session: OnnxRuntime.InferenceSession,
    /** The model file, for error messages. */
    readonly path: string,
  ) {}

  /** The path of the model file under a data folder. */
  static modelPath(dataDir: string): string {
    return join(dataDir, 'nb301', 'model_v2.onnx');
  }

  /**
   * Loads the model once per process and data folder. Rejects with `DataError` `DATA_MISSING` (no
   * file) or `DATA_CORRUPT` (not a loadable ONNX model, or not this surrogate's inputs and outputs),
   * naming the path; with `ONNXRUNTIME_MISSING` when onnxruntime-node is absent.
   */
  static load(dataDir: string): Promise<Nb301Surrogate> {
    const path = Nb301Surrogate.modelPath(dataDir);
    let loading = Nb301Surrogate.cache.get(path);
    if (!loading) {
      loading = Nb301Surrogate.open(path);
      // A failed load is not cached: the file may be fixed and the load retried.
      loading.catch(() => Nb301Surrogate.cache.delete(path));
      Nb301Surrogate.cache.set(path, loading);
    }
    return loading;
  }

  /** Throws `DATA_MISSING` naming the path when the model file is absent (a cheap check before a search starts). */
  static checkPresent(dataDir: string): void {
    const path = Nb301Surrogate.modelPath(dataDir);
    if (!existsSync(path)) throw missing(path);
  }

  private static async open(path: string): Promise<Nb301Surrogate> {
    let bytes: Uint8Array;
    try {
      bytes = readFileSync(path);
    } catch (error) {
      throw missing(path, error);
    }
    const ort = await loadOnnxRuntime();
    let session: OnnxRuntime.InferenceSession;
    try {
      session = await ort.InferenceSession.create(bytes);
    } catch (error) {
      throw corrupt(path, `onnxruntime cannot load it (${(error as Error).message.split('\n')[0]})`, error);
    }
    const inputs = [...session.inputNames].sort().join(',');
    if (inputs !== 'x_cat,x_cont' || !session.outputNames.includes('output')) {
      throw corrupt(path, `it has inputs [${session.inputNames.join(', ')}] and outputs [${session.outputNames.join(', ')}], expected inputs x_cat, x_cont and output "output"`);
    }
    return new Nb301Surrogate(ort, session, path);
  }

  /**
   * Predicts rows of surrogate codes (34 integers each, `toNb301Encoding`) at the given epochs
   * (1–98, fractional allowed), in one batch.
   */
  async predictEncoded(rows: readonly (readonly number[])[], epochs: readonly number[]): Promise<Nb301Prediction[]> {
    if (rows.length !== epochs.length) throw new RangeError(`predictEncoded: ${rows.length} rows but ${epochs.length} epoch values`);
    if (rows.length === 0) return [];
    const codes = new Int32Array(rows.length * CATEGORICAL);
    rows.forEach((row, i) => {
      if (row.length !== CATEGORICAL) throw new RangeError(`predictEncoded: row ${i} has ${row.length} codes, expected ${CATEGORICAL}`);
      codes.set(row, i * CATEGORICAL);
    });
    for (const e of epochs) checkEpochs(e);
    const feeds = {
      x_cat: new this.ort.Tensor('int32', codes, [rows.length, CATEGORICAL]),
      x_cont: new this.ort.Tensor('float32', Float32Array.from(epochs), [rows.length, 1]),
    };
    const out = (await this.session.run(feeds)).output;
    const data = out.data as Float32Array;
    if (out.dims.length !== 2 || out.dims[0] !== rows.length || out.dims[1] !== OUTPUTS) {
      throw corrupt(this.path, `its output has shape [${out.dims.join(', ')}], expected [${rows.length}, ${OUTPUTS}]`);
    }
    return rows.map((_, i) => ({ accuracy: 100 * data[i * OUTPUTS], runtimeSeconds: data[i * OUTPUTS + 2] }));
  }
}

function missing(path: string, cause?: unknown): DataError {
  return new DataError(
    'DATA_MISSING',
    `the NAS-Bench-301 surrogate ${path} is missing or unreadable; set NASKIT_DATA to the folder holding naskit's data (nb301/model_v2.onnx, see ../shared/data/README.md)`,
    { cause },
  );
}

function corrupt(path: string, why: string, cause?: unknown): DataError {
  return new DataError('DATA_CORRUPT', `the NAS-Bench-301 surrogate ${path} is corrupt: ${why}; restore the file from ../shared/data/nb301`, { cause });
}

/** Refuses epochs outside the surrogate's 1–98 (`BAD_FIDELITY`). */
export function checkEpochs(epochs: number): void {
  if (!(epochs >= NB301_MIN_EPOCHS && epochs <= NB301_MAX_EPOCHS)) {
    throw new ConfigError(
      'BAD_FIDELITY',
      `the NAS-Bench-301 surrogate predicts after ${NB301_MIN_EPOCHS}-${NB301_MAX_EPOCHS} epochs, got fidelity ${epochs}; ` +
        `give multi-fidelity strategies fidelities within that range (e.g. min_fidelity: 1, max_fidelity: 98)`,
    );
  }
}

/** A query of {@link SurrogateEstimator.predict}: a sample and the epochs (default: the estimator's). */
export interface SurrogateQuery {
  readonly sample: Sample;
  readonly epochs?: number;
}

/**
 * Estimates a DARTS genotype with the NAS-Bench-301 surrogate: the signal is the predicted
 * validation accuracy (%) after `fidelity` epochs (default `epochs`, 98), the simulated cost its
 * predicted training time. A promoted configuration is charged its whole training time again (no
 * continuation from the lower fidelity's weights), as NB201's tabular estimator does. Results are
 * cached per genotype and epochs; single `estimate` calls made together are predicted in one batch.
 */
export class SurrogateEstimator implements Estimator {
  readonly name = 'surrogate';
  readonly epochs: number;
  private readonly cache = new Map<string, Nb301Prediction>();
  private queued: { key: string; row: number[]; epochs: number; resolve: (p: Nb301Prediction) => void; reject: (e: unknown) => void }[] = [];

  constructor(
    private readonly surrogate: Nb301Surrogate,
    readonly space: DartsSpace,
    options: { readonly epochs?: number } = {},
  ) {
    this.epochs = options.epochs ?? NB301_MAX_EPOCHS;
    checkEpochs(this.epochs);
  }

  /** Predictions for many queries in one batch (cached ones are not predicted again). */
  async predict(queries: readonly SurrogateQuery[]): Promise<Nb301Prediction[]> {
    const keys = queries.map((q) => this.cacheKey(q.sample, q.epochs ?? this.epochs));
    const todo = new Map<string, { row: number[]; epochs: number }>();
    queries.forEach((q, i) => {
      if (!this.cache.has(keys[i]) && !todo.has(keys[i])) todo.set(keys[i], { row: toNb301Encoding(q.sample, this.space), epochs: q.epochs ?? this.epochs });
    });
    if (todo.size > 0) {
      const entries = [...todo.entries()];
      const predictions = await this.surrogate.predictEncoded(entries.map(([, t]) => t.row), entries.map(([, t]) => t.epochs));
      entries.forEach(([key], i) => this.cache.set(key, predictions[i]));
    }
    return keys.map((key) => this.cache.get(key)!);
  }

  async estimate(sample: Sample, request: EstimateRequest): Promise<Estimate> {
    const epochs = request.fidelity ?? this.epochs;
    checkEpochs(epochs);
    const key = this.cacheKey(sample, epochs);
    const cached = this.cache.get(key);
    const prediction = cached ?? (await this.enqueue(key, toNb301Encoding(sample, this.space), epochs));
    return { value: prediction.accuracy, costSeconds: prediction.runtimeSeconds, metrics: { epochs } };
  }

  private cacheKey(sample: Sample, epochs: number): string {
    return `${this.space.key(sample)}@${epochs}`;
  }

  /** Queues one row; the queue is predicted as one batch once the current turn of the event loop ends. */
  private enqueue(key: string, row: number[], epochs: number): Promise<Nb301Prediction> {
    return new Promise((resolve, reject) => {
      if (this.queued.length === 0) setImmediate(() => void this.flush());
      this.queued.push({ key, row, epochs, resolve, reject });
    });
  }

  private async flush(): Promise<void> {
    const batch = this.queued;
    this.queued = [];
    try {
      const predictions = await this.surrogate.predictEncoded(batch.map((b) => b.row), batch.map((b) => b.epochs));
      batch.forEach((b, i) => {
        this.cache.set(b.key, predictions[i]);
        b.resolve(predictions[i]);
      });
    } catch (error) {
      for (const b of batch) b.reject(error);
    }
  }
}
