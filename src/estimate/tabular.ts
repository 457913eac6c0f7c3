import { ConfigError } from '../errors.js';
import type { Nb201Space } from '../space/nb201/space.js';
import type { Sample } from '../space/types.js';
import { NB201_DATASETS, NB201_SIGNALS, Nb201Table, type Nb201Dataset, type Nb201Signal } from '../space/nb201/table.js';
import type { Estimate, EstimateRequest, Estimator } from './types.js';
import { renameDeprecated } from '../util/deprecated.js';

/** Options of {@link TabularEstimator}. */
export interface TabularOptions {
  readonly dataset?: Nb201Dataset;
  /** The column the search sees; never the reported `test_200ep_mean`. */
  readonly signal?: Nb201Signal;
  /** Devices (columns of `nb201_latency_ms.csv`) whose latency is added to the metrics as `latency_ms:DEVICE`. */
  readonly latency_devices?: readonly string[];
  /** @deprecated Use `latency_devices`. */
  readonly latencyDevices?: readonly string[];
}

/** A linear cost model seconds = a + b·params, least squares over the indices with a measured time. */
interface CostModel {
  readonly intercept: number;
  readonly slope: number;
}

/**
 * Estimates an NB201 architecture by table look-up (NAS-Bench-201 protocol): the search sees only
 * the chosen signal; the reported figure (`test_200ep_mean`) is kept apart in {@link report}.
 * Cost is the measured training time of the signal's epochs where the table has it (indices
 * 0–999), else a linear model on the parameter count fitted to those measurements.
 * Fidelity: 12 or 200 epochs (a `valid_*` signal then reads `valid_12ep` / `valid_200ep`).
 */
export class TabularEstimator implements Estimator {
  readonly name = 'tabular';
  readonly dataset: Nb201Dataset;
  readonly signal: Nb201Signal;
  readonly latencyDevices: readonly string[];
  private readonly costModels = new Map<string, CostModel>();

  constructor(
    readonly table: Nb201Table,
    readonly space: Nb201Space,
    given: TabularOptions = {},
  ) {
    const options = renameDeprecated('tabular', given as Readonly<Record<string, unknown>>, { names: { latencyDevices: 'latency_devices' } }) as TabularOptions;
    this.dataset = options.dataset ?? 'cifar10';
    this.signal = options.signal ?? 'valid_12ep';
    if (!NB201_DATASETS.includes(this.dataset)) {
      throw new ConfigError('BAD_DATASET', `tabular estimator: unknown dataset ${JSON.stringify(this.dataset)}; valid: ${NB201_DATASETS.join(', ')}`);
    }
    if ((this.signal as string) === 'test_200ep_mean') {
      throw new ConfigError('SIGNAL_IS_REPORT', 'tabular estimator: test_200ep_mean is the reported figure and is never a search signal; use valid_12ep (default) or valid_200ep');
    }
    if (!NB201_SIGNALS.includes(this.signal)) {
      throw new ConfigError('BAD_SIGNAL', `tabular estimator: unknown signal ${JSON.stringify(this.signal)}; valid: ${NB201_SIGNALS.join(', ')}`);
    }
    this.latencyDevices = options.latency_devices ?? [];
    for (const device of this.latencyDevices) {
      if (!table.devices.includes(device)) {
        throw new ConfigError('BAD_DEVICE', `tabular estimator: unknown latency device ${JSON.stringify(device)}; devices: ${table.devices.join(', ')}`);
      }
    }
  }

  /** The official index of a sample. */
  index(sample: Sample): number {
    return this.table.indexOf(this.space.format(sample));
  }

  /** Epochs behind the signal (12 or 200). */
  get signalEpochs(): 12 | 200 {
    return this.signal.endsWith('12ep') ? 12 : 200;
  }

  /** The signal for an index at a fidelity (12 or 200 epochs; default: the signal's own). */
  signalAt(index: number, fidelity?: number): number {
    const epochs = fidelity ?? this.signalEpochs;
    if (epochs !== 12 && epochs !== 200) throw new RangeError(`tabular estimator: fidelity must be 12 or 200 epochs, got ${fidelity}`);
    if (epochs === this.signalEpochs) return this.table.accuracy(index, this.dataset, this.signal);
    const metric = this.signal.startsWith('valid') ? (epochs === 12 ? 'valid_12ep' : 'valid_200ep') : epochs === 12 ? 'test_12ep' : 'test_200ep_seed';
    return this.table.accuracy(index, this.dataset, metric);
  }

  /** Simulated training seconds for an index at 12 or 200 epochs. */
  costSeconds(index: number, epochs: 12 | 200 = this.signalEpochs): number {
    const measured = this.table.measuredTrainSeconds(index, this.dataset, epochs);
    if (!Number.isNaN(measured)) return measured;
    const model = this.costModel(epochs);
    return Math.max(0, model.intercept + model.slope * this.table.params(index, this.dataset));
  }

  private costModel(epochs: 12 | 200): CostModel {
    const key = `${this.dataset}_${epochs}`;
    let model = this.costModels.get(key);
    if (!model) {
      let n = 0, sx = 0, sy = 0, sxx = 0, sxy = 0;
      for (let i = 0; i < this.table.size; i++) {
        const y = this.table.measuredTrainSeconds(i, this.dataset, epochs);
        if (Number.isNaN(y)) continue;
        const x = this.table.params(i, this.dataset);
        n++; sx += x; sy += y; sxx += x * x; sxy += x * y;
      }
      const slope = (n * sxy - sx * sy) / (n * sxx - sx * sx);
      model = { slope, intercept: (sy - slope * sx) / n };
      this.costModels.set(key, model);
    }
    return model;
  }

  /** Synchronous look-up (benchmarks call this directly; `estimate` wraps it). */
  query(sample: Sample, fidelity?: number): Estimate & { index: number } {
    const index = this.index(sample);
    const epochs = (fidelity ?? this.signalEpochs) as 12 | 200;
    return {
      index,
      value: this.signalAt(index, fidelity),
      costSeconds: this.costSeconds(index, epochs),
      metrics: this.metrics(index),
    };
  }

  /** Parameters and the requested latencies of an index. */
  metrics(index: number): Record<string, number> {
    const out: Record<string, number> = { params: this.table.params(index, this.dataset) };
    for (const device of this.latencyDevices) out[`latency_ms:${device}`] = this.table.latencyMs(index, device);
    return out;
  }

  /** {@link query} as an `Estimator`: the signal at the request's fidelity, its simulated cost and the metrics. */
  async estimate(sample: Sample, request: EstimateRequest): Promise<Estimate> {
    const { value, costSeconds, metrics } = this.query(sample, request.fidelity);
    return { value, costSeconds, metrics };
  }

  /** The reported figure, `{dataset}_test_200ep_mean`: read for the returned architecture only. */
  report(sample: Sample): number {
    return this.table.accuracy(this.index(sample), this.dataset, 'test_200ep_mean');
  }
}
