import type { Estimate, EstimateRequest, Estimator } from '../types.js';
import type { Sample } from '../../space/types.js';
import { scoreProxies } from './index.js';
import type { NetworkBuilder, ProxyBatch, ProxyName } from './types.js';

/** Options of {@link ProxyEstimator}. */
export interface ProxyEstimatorOptions {
  readonly proxy: ProxyName;
  /** The minibatch every architecture is scored on (the same for all, so scores compare). */
  readonly batch: ProxyBatch;
  /** The network of a sample, weights drawn from `seed`. */
  readonly network: (sample: Sample, seed: number) => NetworkBuilder;
  /** Seed of the weights and the proxy's draws; the same for every architecture (default 0), so that only the architecture differs. */
  readonly seed?: number;
}

/**
 * A zero-cost proxy as an estimator: the value is the proxy's score of the untrained network (larger
 * is better; a degenerate network's -Infinity becomes -Number.MAX_VALUE so it is stored and ranks
 * last), the cost its measured seconds, and the metrics hold the score under the proxy's name.
 * The request's seed is not used: every architecture is scored from the same initial seed.
 */
export class ProxyEstimator implements Estimator {
  readonly name = 'proxy';
  constructor(readonly options: ProxyEstimatorOptions) {}

  async estimate(sample: Sample, _request: EstimateRequest): Promise<Estimate> {
    const seed = this.options.seed ?? 0;
    const { scores, seconds } = scoreProxies({ build: this.options.network(sample, seed), batch: this.options.batch, seed }, [this.options.proxy]);
    const raw = scores[this.options.proxy]!;
    const value = Number.isFinite(raw) ? raw : raw > 0 ? Number.MAX_VALUE : -Number.MAX_VALUE;
    return { value, costSeconds: seconds, metrics: { [this.options.proxy]: value } };
  }
}
