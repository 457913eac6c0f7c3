import { noGrad } from './autograd.js';
import { scope } from './memory.js';
import { zeros } from './ops/creation.js';
import { Conv2d } from './nn/conv.js';
import { Linear } from './nn/linear.js';
import type { Layer } from './nn/module.js';
import type { Tensor } from './tensor.js';

/** Size and cost of a model for one input. */
export interface ModelProfile {
  /** Number of parameter elements (running statistics and training-only heads excluded). */
  params: number;
  /** Multiply-adds of convolutions and linear layers for one input (biases count one per output). */
  flops: number;
}

/**
 * Counts parameters and FLOPs (multiply-adds of convolutions and linear layers, as the NAS-Bench-201
 * records count them) with one forward pass of a batch of one in evaluation mode. Each Conv2d and
 * Linear instance's forward is wrapped for that pass only; the model's mode is restored after.
 */
export function profileModel(model: Layer, inputShape: readonly number[]): ModelProfile {
  let flops = 0;
  const restore: (() => void)[] = [];
  for (const m of model.modules()) {
    if (m instanceof Conv2d) {
      const original = m.forward;
      m.forward = (x: Tensor): Tensor => {
        const y = original.call(m, x);
        const positions = y.shape[2] * y.shape[3];
        flops += (m.inChannels / m.groups) * m.kernelSize * m.kernelSize * m.outChannels * positions + (m.bias ? m.outChannels * positions : 0);
        return y;
      };
      restore.push(() => delete (m as Partial<Conv2d>).forward);
    } else if (m instanceof Linear) {
      const original = m.forward;
      m.forward = (x: Tensor): Tensor => {
        const y = original.call(m, x);
        flops += m.inFeatures * m.outFeatures + (m.bias ? m.outFeatures : 0);
        return y;
      };
      restore.push(() => delete (m as Partial<Linear>).forward);
    }
  }
  const modes = model.modules().map((m) => m.training);
  try {
    model.eval();
    noGrad(() => scope(() => void model.forward(zeros([1, ...inputShape]))));
  } finally {
    for (const undo of restore) undo();
    model.modules().forEach((m, i) => (m.training = modes[i]));
  }
  // A training-only part (DARTS' auxiliary head) is left out, as the papers count.
  const main = (model as Partial<{ mainParameterCount(): number }>).mainParameterCount;
  return { params: main ? main.call(model) : model.parameterCount(), flops };
}
