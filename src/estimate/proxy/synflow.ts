/**
 * synflow (Tanaka et al. 2020, as a NAS proxy in Abdelfattah et al. 2021): with every parameter
 * replaced by its absolute value, R = Σ f(𝟙) for an all-ones input of one image; the score is
 * Σ |W ⊙ ∂R/∂W| over the weights of every convolution and linear layer. The network runs in
 * float64 (the products of absolute weights overflow float32) and in evaluation mode with its
 * initial batch-norm statistics (mean 0, variance 1), which makes every batch norm an identity up to
 * 1/√(1+ε): the papers remove batch norm for synflow, and this is that, without rebuilding.
 */
import { backward, noGrad } from '../../engine/autograd.js';
import { scope } from '../../engine/memory.js';
import { ones } from '../../engine/ops/creation.js';
import { abs, mul } from '../../engine/ops/elementwise.js';
import { sum } from '../../engine/ops/reduction.js';
import type { Tensor } from '../../engine/tensor.js';
import { layerWeights } from './hooks.js';
import type { ProxyFamily, ProxyInput, ProxyScores } from './types.js';

export const synflowFamily: ProxyFamily = {
  names: ['synflow'],
  compute(input: ProxyInput): ProxyScores {
    const model = input.build('float64');
    try {
      model.eval();
      return scope(() => {
        noGrad(() => {
          const absolute = new Map<string, Tensor>(model.namedParameters().map(([name, p]) => [name, abs(p)]));
          model.loadStateDict(absolute, { strict: false });
        });
        const [, c, h, w] = input.batch.images.shape;
        const out = model.forward(ones([1, c, h, w], 'float64'));
        backward(sum(out));
        let score = 0;
        for (const w of layerWeights(model)) {
          const g = w.grad;
          if (g) score += sum(abs(mul(w, g))).item();
        }
        return { synflow: score };
      });
    } finally {
      model.dispose();
    }
  },
};
