/**
 * The gradient-based proxies of Abdelfattah et al. (ICLR 2021, "Zero-Cost Proxies for Lightweight
 * NAS"), each from the cross-entropy loss L of one minibatch on the untrained network in training
 * mode (batch statistics), over the weights W of every convolution and linear layer:
 * - grad_norm = Σ_layers ‖∂L/∂W‖₂
 * - snip      = Σ |∂L/∂W ⊙ W|                      (Lee et al. 2019, summed over the network)
 * - fisher    = Σ_activations Σ_channels ½ mean_n (Σ_hw a ⊙ ∂L/∂a)²   (Turner et al. 2020; a the
 *               output of each convolution / linear layer)
 * - grasp     = Σ -W ⊙ (H ∂L/∂W)                   (Wang et al. 2020; H the Hessian of L in W)
 * snip, grad_norm and fisher come from one backward pass; grasp needs a second (double) one.
 */
import { grad } from '../../engine/autograd.js';
import { scope } from '../../engine/memory.js';
import { crossEntropy } from '../../engine/ops/loss.js';
import { abs, mul, square } from '../../engine/ops/elementwise.js';
import { mean, norm, sum } from '../../engine/ops/reduction.js';
import { detach } from '../../engine/ops/shape.js';
import type { Tensor } from '../../engine/tensor.js';
import { isWeightLayer, layerWeights, withForwardHooks } from './hooks.js';
import type { ProxyFamily, ProxyInput, ProxyName, ProxyScores } from './types.js';

function total(values: readonly Tensor[]): number {
  return values.reduce((s, t) => s + t.item(), 0);
}

/** ½ Σ_c mean_n (Σ_hw a·g)² of one activation (2-d activations have no spatial sum). */
function fisherOf(a: Tensor, g: Tensor): Tensor {
  const ag = mul(a, g);
  const perChannel = ag.ndim === 4 ? sum(ag, [2, 3]) : ag;
  return mul(sum(mean(square(perChannel), 0)), 0.5);
}

/** snip, grad_norm and fisher from one forward and backward pass. */
export const gradientFamily: ProxyFamily = {
  names: ['snip', 'grad_norm', 'fisher'],
  compute(input: ProxyInput, wanted: readonly ProxyName[]): ProxyScores {
    const model = input.build('float32');
    try {
      model.train();
      return scope(() => {
        const weights = layerWeights(model);
        const activations: Tensor[] = [];
        const logits = withForwardHooks(model, isWeightLayer, (_m, _x, y) => void activations.push(y), () => model.forward(input.batch.images));
        const loss = crossEntropy(logits, input.batch.labels);
        const withFisher = wanted.includes('fisher');
        const grads = grad(loss, withFisher ? [...weights, ...activations] : weights, { allowUnused: true });
        const wg = grads.slice(0, weights.length);
        const scores: ProxyScores = {};
        if (wanted.includes('grad_norm')) scores.grad_norm = total(wg.flatMap((g) => (g ? [norm(g)] : [])));
        if (wanted.includes('snip')) scores.snip = total(wg.flatMap((g, i) => (g ? [sum(abs(mul(g, weights[i])))] : [])));
        if (withFisher) {
          scores.fisher = total(activations.flatMap((a, i) => {
            const g = grads[weights.length + i];
            return g ? [fisherOf(a, g)] : [];
          }));
        }
        return scores;
      });
    } finally {
      model.dispose();
    }
  },
};

/** grasp: -Σ W ⊙ Hg, with g = ∂L/∂W (held constant) and Hg = ∂(g_graph · g)/∂W. */
export const graspFamily: ProxyFamily = {
  names: ['grasp'],
  compute(input: ProxyInput): ProxyScores {
    const model = input.build('float32');
    try {
      model.train();
      return scope(() => {
        const weights = layerWeights(model);
        const loss = crossEntropy(model.forward(input.batch.images), input.batch.labels);
        const g = grad(loss, weights, { createGraph: true, allowUnused: true });
        const used = weights.flatMap((w, i) => (g[i] ? [{ w, g: g[i]! }] : []));
        const z = used.map(({ g: gi }) => sum(mul(gi, detach(gi)))).reduce((a, b) => a.add(b));
        const hg = grad(z, used.map((u) => u.w), { allowUnused: true });
        return { grasp: -total(used.flatMap(({ w }, i) => (hg[i] ? [sum(mul(w, hg[i]!))] : []))) };
      });
    } finally {
      model.dispose();
    }
  },
};
