import type { DType } from '../dtype.js';
import type { Generator } from '../ops/creation.js';
import { zeros } from '../ops/creation.js';
import { linear } from '../ops/nn.js';
import type { Tensor } from '../tensor.js';
import { defaultUniform } from './init.js';
import { Layer } from './module.js';

/** Initialisation options shared by layers with weights. */
export interface InitOptions {
  /** Draws the initial weights; without one, libtorch's global generator (see `manualSeed`). */
  generator?: Generator | null;
  dtype?: DType;
}

/** y = x Wᵀ + b, W [out, in]. */
export class Linear extends Layer {
  readonly weight: Tensor;
  readonly bias: Tensor | null;
  constructor(
    readonly inFeatures: number,
    readonly outFeatures: number,
    options: InitOptions & { bias?: boolean } = {},
  ) {
    super();
    if (!Number.isInteger(inFeatures) || inFeatures < 1 || !Number.isInteger(outFeatures) || outFeatures < 1) {
      throw new RangeError(`Linear: features must be positive integers, got ${inFeatures} -> ${outFeatures}`);
    }
    const dtype = options.dtype ?? 'float32';
    this.weight = this.registerParameter('weight', zeros([outFeatures, inFeatures], dtype))!;
    this.bias = this.registerParameter('bias', options.bias === false ? null : zeros([outFeatures], dtype));
    this.resetParameters(options.generator ?? null);
  }

  resetParameters(generator: Generator | null = null): void {
    defaultUniform(this.weight, this.inFeatures, generator);
    if (this.bias) defaultUniform(this.bias, this.inFeatures, generator);
  }

  forward(x: Tensor): Tensor {
    return linear(x, this.weight, this.bias);
  }
}
