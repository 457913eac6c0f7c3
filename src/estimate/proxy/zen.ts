/**
 * Zen-score (Lin et al., ICCV 2021, "Zen-NAS"): with every convolution and linear weight drawn from
 * N(0, 1) (biases 0, batch-norm affine 1 and 0), Gaussian inputs x and ε and α = 0.01,
 * Zen = log E‖f(x) − f(x + αε)‖_F + Σ_i log σ̄_i, where f is the feature map before global
 * pooling (the network's output where it has no `GlobalAvgPool2d`), the mean is over the images, and
 * σ̄_i = √(mean over channels of the batch variance) at the i-th batch norm (training mode).
 */
import { noGrad } from '../../engine/autograd.js';
import { scope } from '../../engine/memory.js';
import { Generator, randn } from '../../engine/ops/creation.js';
import { add, mul, sqrt, square, sub } from '../../engine/ops/elementwise.js';
import { mean, sum } from '../../engine/ops/reduction.js';
import { reshape } from '../../engine/ops/shape.js';
import { GlobalAvgPool2d } from '../../engine/nn/basic.js';
import type { Module } from '../../engine/nn/module.js';
import { BatchNorm2d } from '../../engine/nn/norm.js';
import { fill, normal } from '../../engine/nn/init.js';
import type { Tensor } from '../../engine/tensor.js';
import { isWeightLayer, withForwardHooks } from './hooks.js';
import type { ProxyFamily, ProxyInput, ProxyScores } from './types.js';

const ALPHA = 0.01;

/** Zen-NAS's initialisation: Gaussian weights, zero biases, identity batch norms. */
export function gaussianInit(model: Module, generator: Generator): void {
  noGrad(() => {
    for (const m of model.modules()) {
      if (isWeightLayer(m)) {
        normal(m.weight, 0, 1, generator);
        if (m.bias) fill(m.bias, 0);
      } else if (m instanceof BatchNorm2d) {
        if (m.weight) fill(m.weight, 1);
        if (m.bias) fill(m.bias, 0);
      }
    }
  });
}

/** The forward pass of `model` on `x`: the pre-pooling features and the log σ̄ of each batch norm. */
function features(model: Module & { forward(x: Tensor): Tensor }, x: Tensor): { f: Tensor; logSigma: number } {
  const seen: { f: Tensor | null } = { f: null };
  let logSigma = 0;
  const out = withForwardHooks(
    model,
    (m) => m instanceof GlobalAvgPool2d || m instanceof BatchNorm2d,
    (m, input) => {
      if (m instanceof GlobalAvgPool2d) seen.f = input;
      else {
        const centred = sub(input, mean(input, [0, 2, 3], true));
        logSigma += Math.log(Math.sqrt(mean(mean(square(centred), [0, 2, 3])).item()));
      }
    },
    () => model.forward(x),
  );
  return { f: seen.f ?? out, logSigma };
}

export const zenFamily: ProxyFamily = {
  names: ['zen'],
  compute(input: ProxyInput): ProxyScores {
    const model = input.build('float32');
    try {
      model.train();
      const generator = new Generator(input.seed);
      gaussianInit(model, generator);
      return scope(() =>
        noGrad(() => {
          const shape = input.batch.images.shape;
          const x = randn(shape, { generator });
          const eps = randn(shape, { generator });
          const a = features(model, x);
          const b = features(model, add(x, mul(eps, ALPHA)));
          const n = shape[0];
          const delta = mean(sqrt(sum(square(reshape(sub(a.f, b.f), [n, -1])), 1))).item();
          return { zen: Math.log(delta) + a.logSigma };
        }),
      );
    } finally {
      model.dispose();
    }
  },
};
