import erfc from '@stdlib/math-base-special-erfc';
import type { Rng } from '../../util/rng.js';

/** The standard normal density. */
export function normalPdf(z: number): number {
  return Math.exp(-0.5 * z * z) / Math.sqrt(2 * Math.PI);
}

/** The standard normal distribution function, accurate in the far tails (through erfc). */
export function normalCdf(z: number): number {
  return 0.5 * erfc(-z / Math.SQRT2);
}

/**
 * Expected improvement over `best` of a Gaussian N(mean, std²), for maximisation (Jones et al.
 * 1998): (μ − f* − ξ)Φ(z) + σφ(z) with z = (μ − f* − ξ)/σ; with σ = 0 it is max(μ − f* − ξ, 0).
 */
export function expectedImprovement(mean: number, std: number, best: number, xi = 0): number {
  const gain = mean - best - xi;
  if (!(std > 0)) return Math.max(gain, 0);
  const z = gain / std;
  return gain * normalCdf(z) + std * normalPdf(z);
}

/** Upper confidence bound μ + βσ (Srinivas et al. 2010). */
export function upperConfidenceBound(mean: number, std: number, beta: number): number {
  return mean + beta * std;
}

/** One draw of N(mean, std²): independent Thompson sampling, one draw per candidate. */
export function thompsonDraw(mean: number, std: number, rng: Rng): number {
  return mean + std * rng.normal();
}

/** The acquisition functions the model-based strategies offer. */
export const ACQUISITIONS = ['ei', 'ucb', 'thompson'] as const;
export type Acquisition = (typeof ACQUISITIONS)[number];

/** Scores a posterior (mean, std per candidate) with the named acquisition; larger is better. */
export function acquire(kind: Acquisition, mean: Float64Array, std: Float64Array, best: number, rng: Rng, beta = 2): Float64Array {
  const out = new Float64Array(mean.length);
  for (let i = 0; i < mean.length; i++) {
    if (kind === 'ei') out[i] = expectedImprovement(mean[i], std[i], best);
    else if (kind === 'ucb') out[i] = upperConfidenceBound(mean[i], std[i], beta);
    else out[i] = thompsonDraw(mean[i], std[i], rng);
  }
  return out;
}
