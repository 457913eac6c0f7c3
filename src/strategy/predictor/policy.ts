import type { Rng } from '../../util/rng.js';

/** One action of a factorised policy: a choice index per dimension. */
export type Action = readonly number[];

/** A step of experience for PPO: the action, its log-probability when it was taken, its advantage. */
export interface PolicySample {
  readonly action: Action;
  readonly oldLogProb: number;
  readonly advantage: number;
}

/**
 * A policy over a product of categorical choices, one independent softmax per dimension over its
 * own logits (an LSTM-free controller: each architecture decision is a categorical with learnt
 * logits). Parameters are plain Float64Arrays so that the native engine can take the role over.
 */
export class FactorizedPolicy {
  readonly logits: Float64Array[];

  constructor(readonly sizes: readonly number[]) {
    for (const s of sizes) if (!Number.isInteger(s) || s < 1) throw new RangeError(`FactorizedPolicy: every dimension needs ≥ 1 choice, got ${sizes.join(', ')}`);
    this.logits = sizes.map((s) => new Float64Array(s));
  }

  /** Softmax of one dimension's logits. */
  probabilities(dim: number): Float64Array {
    const z = this.logits[dim];
    let max = -Infinity;
    for (const v of z) max = Math.max(max, v);
    const p = new Float64Array(z.length);
    let sum = 0;
    for (let i = 0; i < z.length; i++) sum += p[i] = Math.exp(z[i] - max);
    for (let i = 0; i < z.length; i++) p[i] /= sum;
    return p;
  }

  sample(rng: Rng): number[] {
    return this.sizes.map((_, d) => rng.weighted([...this.probabilities(d)]));
  }

  logProb(action: Action): number {
    let lp = 0;
    for (let d = 0; d < this.sizes.length; d++) lp += Math.log(this.probabilities(d)[action[d]]);
    return lp;
  }

  /** Sum over dimensions of the entropy of each softmax. */
  entropy(): number {
    let h = 0;
    for (let d = 0; d < this.sizes.length; d++) for (const p of this.probabilities(d)) if (p > 0) h -= p * Math.log(p);
    return h;
  }
}

/**
 * PPO's clipped surrogate objective (Schulman et al. 2017, eq. 7) over a batch, and its gradient
 * with respect to the logits:
 *   L = mean_i min(ρ_i A_i, clip(ρ_i, 1−ε, 1+ε) A_i),  ρ_i = π(a_i)/π_old(a_i),
 * plus `entropyBonus`·H(π). Where the clipped term is the smaller one, ρ has left the trust region
 * in the direction A favours and the sample contributes no gradient; otherwise its gradient is
 * A_i ρ_i ∇log π(a_i), with ∇_z log softmax(z)_a = onehot(a) − softmax(z).
 */
export function ppoObjective(policy: FactorizedPolicy, batch: readonly PolicySample[], clip: number, entropyBonus = 0): { value: number; gradient: Float64Array[] } {
  const gradient = policy.logits.map((z) => new Float64Array(z.length));
  const probs = policy.sizes.map((_, d) => policy.probabilities(d));
  let value = 0;
  for (const s of batch) {
    let lp = 0;
    for (let d = 0; d < probs.length; d++) lp += Math.log(probs[d][s.action[d]]);
    const ratio = Math.exp(lp - s.oldLogProb);
    const clipped = Math.min(Math.max(ratio, 1 - clip), 1 + clip);
    const unclippedTerm = ratio * s.advantage;
    const clippedTerm = clipped * s.advantage;
    value += Math.min(unclippedTerm, clippedTerm) / batch.length;
    if (clippedTerm < unclippedTerm) continue;
    const weight = (s.advantage * ratio) / batch.length;
    for (let d = 0; d < probs.length; d++) {
      const g = gradient[d];
      const p = probs[d];
      for (let k = 0; k < p.length; k++) g[k] += weight * ((k === s.action[d] ? 1 : 0) - p[k]);
    }
  }
  if (entropyBonus > 0) {
    // ∂H/∂z_k = −p_k (log p_k + H_d) for one softmax with entropy H_d.
    for (let d = 0; d < probs.length; d++) {
      const p = probs[d];
      let h = 0;
      for (const v of p) if (v > 0) h -= v * Math.log(v);
      value += entropyBonus * h;
      for (let k = 0; k < p.length; k++) if (p[k] > 0) gradient[d][k] += entropyBonus * -p[k] * (Math.log(p[k]) + h);
    }
  }
  return { value, gradient };
}
