import { dropout, adaptiveAvgPool2d, avgPool2d, maxPool2d } from '../ops/nn.js';
import { relu } from '../ops/elementwise.js';
import { flatten } from '../ops/shape.js';
import type { Generator } from '../ops/creation.js';
import type { Tensor } from '../tensor.js';
import { Layer } from './module.js';

/** max(x, 0). */
export class ReLU extends Layer {
  forward(x: Tensor): Tensor {
    return relu(x);
  }
}

/**
 * Randomly zeroes elements with probability p in training mode. Masks come from `generator` (seeded,
 * owned by the caller); without one, from libtorch's global generator, which every thread shares.
 */
export class Dropout extends Layer {
  readonly generator: Generator | null;
  constructor(
    readonly p = 0.5,
    options: { generator?: Generator | null } = {},
  ) {
    super();
    if (!(p >= 0 && p < 1)) throw new RangeError(`Dropout: p must be in [0, 1), got ${p}`);
    this.generator = options.generator ?? null;
  }
  forward(x: Tensor): Tensor {
    return this.p === 0 ? x : dropout(x, this.p, this.training, this.generator);
  }
}

/** Returns its input. */
export class Identity extends Layer {
  forward(x: Tensor): Tensor {
    return x;
  }
}

/** Flattens all dimensions after the first. */
export class Flatten extends Layer {
  forward(x: Tensor): Tensor {
    return flatten(x, 1, -1);
  }
}

/** Max pooling with a square window. */
export class MaxPool2d extends Layer {
  constructor(
    readonly kernelSize: number,
    readonly stride: number = kernelSize,
    readonly padding = 0,
  ) {
    super();
  }
  forward(x: Tensor): Tensor {
    return maxPool2d(x, this.kernelSize, { stride: this.stride, padding: this.padding });
  }
}

/** Average pooling with a square window; `countIncludePad: false` averages real pixels only. */
export class AvgPool2d extends Layer {
  constructor(
    readonly kernelSize: number,
    readonly stride: number = kernelSize,
    readonly padding = 0,
    readonly countIncludePad = true,
  ) {
    super();
  }
  forward(x: Tensor): Tensor {
    return avgPool2d(x, this.kernelSize, { stride: this.stride, padding: this.padding, countIncludePad: this.countIncludePad });
  }
}

/** Global average pooling to [N, C] (adaptive average pooling to 1x1, flattened). */
export class GlobalAvgPool2d extends Layer {
  forward(x: Tensor): Tensor {
    return flatten(adaptiveAvgPool2d(x, 1), 1, -1);
  }
}
