import { Conv2d } from '../../engine/nn/conv.js';
import { Linear } from '../../engine/nn/linear.js';
import type { Layer, Module } from '../../engine/nn/module.js';
import type { Tensor } from '../../engine/tensor.js';

/**
 * Runs `fn` while every module of `model` that `select` picks has its forward wrapped: `observe`
 * sees the module, its input and its output (and may return a replacement output). The wrappers
 * are instance properties, removed afterwards even on an exception (as `profileModel` does).
 */
export function withForwardHooks<T>(model: Module, select: (m: Module) => boolean, observe: (m: Layer, input: Tensor, output: Tensor) => Tensor | void, fn: () => T): T {
  const undo: (() => void)[] = [];
  for (const m of model.modules()) {
    if (!select(m)) continue;
    const layer = m as Layer;
    const original = layer.forward;
    layer.forward = (x: Tensor): Tensor => {
      const y = original.call(layer, x);
      return observe(layer, x, y) ?? y;
    };
    undo.push(() => delete (layer as Partial<Layer>).forward);
  }
  try {
    return fn();
  } finally {
    for (const u of undo) u();
  }
}

/** Whether a module is a convolution or a linear layer: the layers whose weights the pruning-at-init proxies score. */
export function isWeightLayer(m: Module): m is Conv2d | Linear {
  return m instanceof Conv2d || m instanceof Linear;
}

/** The weights of every convolution and linear layer, in module order (biases and BN parameters excluded, as the papers do). */
export function layerWeights(model: Module): Tensor[] {
  return model.modules().filter(isWeightLayer).map((m) => m.weight);
}
