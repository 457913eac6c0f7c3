import type { Sample } from '../space/types.js';

/** What an estimator asks for besides the architecture. */
export interface EstimateRequest {
  /** Training budget (e.g. epochs); undefined = the estimator's default fidelity. */
  readonly fidelity?: number;
  /** Seed of this evaluation (weight init, data order). */
  readonly seed: number;
}

/** An estimator's answer. */
export interface Estimate {
  /** The search signal, larger is better (an accuracy in %). */
  readonly value: number;
  /** What the estimate cost, in seconds: measured, or simulated for tabular benchmarks. */
  readonly costSeconds: number;
  /** Side metrics (parameters, latency, …) for constraints and several objectives. */
  readonly metrics: Readonly<Record<string, number>>;
}

/**
 * A performance estimation method: real training, weight sharing, a tabular benchmark, a proxy.
 * `estimate` never reports the test figure; that is read once, at the end, through `report`
 * where the estimator has one.
 */
export interface Estimator {
  readonly name: string;
  estimate(sample: Sample, request: EstimateRequest): Promise<Estimate>;
}
