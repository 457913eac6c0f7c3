/**
 * NASWOT (Mellor et al., ICML 2021, "Neural Architecture Search without Training"): each image's
 * binary code is the on/off pattern of every ReLU unit of the untrained network; K_H[i][j] counts
 * the units where images i and j agree (N_A minus their Hamming distance), and the score is
 * log |det K_H|.
 */
import { noGrad } from '../../engine/autograd.js';
import { scope } from '../../engine/memory.js';
import { zeros } from '../../engine/ops/creation.js';
import { add, gt, mul, sub } from '../../engine/ops/elementwise.js';
import { sum } from '../../engine/ops/reduction.js';
import { matmul } from '../../engine/ops/nn.js';
import { reshape, transpose } from '../../engine/ops/shape.js';
import { ReLU } from '../../engine/nn/basic.js';
import type { Tensor } from '../../engine/tensor.js';
import { withForwardHooks } from './hooks.js';
import { logAbsDet } from './linalg.js';
import type { ProxyFamily, ProxyInput, ProxyScores } from './types.js';

export const naswotFamily: ProxyFamily = {
  names: ['naswot'],
  compute(input: ProxyInput): ProxyScores {
    const model = input.build('float32');
    const n = input.batch.images.shape[0];
    try {
      model.train();
      const k = scope(() =>
        noGrad(() => {
          let kernel: Tensor = zeros([n, n], 'float64');
          withForwardHooks(
            model,
            (m) => m instanceof ReLU,
            (_m, x) => {
              // Agreements of codes c_i, c_j over D units: c_i·c_j + (1-c_i)·(1-c_j) = D - |c_i| - |c_j| + 2 c_i·c_j
              // (one matrix product; float32 counts are exact below 2^24 units).
              const c = reshape(gt(x, 0), [n, -1]).to('float32');
              const ones = sum(c, 1, true);
              const agree = sub(sub(add(mul(matmul(c, transpose(c, 0, 1)), 2), c.shape[1]), ones), transpose(ones, 0, 1));
              kernel = add(kernel, agree.to('float64'));
            },
            () => model.forward(input.batch.images),
          );
          return Float64Array.from(kernel.toArray());
        }),
      );
      return { naswot: logAbsDet(k, n) };
    } finally {
      model.dispose();
    }
  },
};
