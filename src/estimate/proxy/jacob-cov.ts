/**
 * jacob_cov (Mellor et al.'s first score, as used by Abdelfattah et al. 2021): J is the gradient of
 * Σ outputs with respect to each input image, one row per image; with Σ_J the correlation matrix of
 * those rows and λ its eigenvalues, the score is -Σ (log(λ + k) + 1/(λ + k)), k = 1e-5.
 */
import { backward } from '../../engine/autograd.js';
import { scope } from '../../engine/memory.js';
import { div, mul, sqrt, sub } from '../../engine/ops/elementwise.js';
import { matmul } from '../../engine/ops/nn.js';
import { mean, sum } from '../../engine/ops/reduction.js';
import { detach, reshape, transpose, unsqueeze } from '../../engine/ops/shape.js';
import type { Tensor } from '../../engine/tensor.js';
import { symmetricEigenvalues } from './linalg.js';
import type { ProxyFamily, ProxyInput, ProxyScores } from './types.js';

const K = 1e-5;

/** Pearson correlation matrix of the rows of `x` [n, d] (numpy's corrcoef), as float64 values. */
export function rowCorrelation(x: Tensor): Float64Array {
  return scope(() => {
    const d = x.to('float64');
    const centred = sub(d, mean(d, 1, true));
    const cov = matmul(centred, transpose(centred, 0, 1));
    const sd = sqrt(sum(mul(centred, centred), 1));
    const corr = div(div(cov, unsqueeze(sd, 1)), unsqueeze(sd, 0));
    return Float64Array.from(corr.toArray());
  });
}

/** The score of a correlation matrix's eigenvalues. */
export function jacobCovScore(eigenvalues: readonly number[]): number {
  return -eigenvalues.reduce((s, l) => s + Math.log(l + K) + 1 / (l + K), 0);
}

export const jacobCovFamily: ProxyFamily = {
  names: ['jacob_cov'],
  compute(input: ProxyInput): ProxyScores {
    const model = input.build('float32');
    try {
      model.train();
      const corr = scope(() => {
        const x = detach(input.batch.images).setRequiresGrad(true);
        backward(sum(model.forward(x)));
        const n = x.shape[0];
        return rowCorrelation(reshape(x.grad!, [n, -1]));
      });
      const n = input.batch.images.shape[0];
      // An image whose gradient is constant (e.g. a network that ignores its input) has no correlation: the lowest score.
      if (corr.some((v) => !Number.isFinite(v))) return { jacob_cov: Number.NEGATIVE_INFINITY };
      return { jacob_cov: jacobCovScore(symmetricEigenvalues(corr, n)) };
    } finally {
      model.dispose();
    }
  },
};
