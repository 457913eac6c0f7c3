import { zeros } from '../ops/creation.js';
import type { Generator } from '../ops/creation.js';
import { conv2d } from '../ops/nn.js';
import type { Tensor } from '../tensor.js';
import { defaultUniform } from './init.js';
import type { InitOptions } from './linear.js';
import { Layer } from './module.js';

/** Options of {@link Conv2d}. */
export interface Conv2dLayerOptions extends InitOptions {
  stride?: number;
  padding?: number;
  dilation?: number;
  groups?: number;
  bias?: boolean;
}

/** 2-d convolution with a square kernel; weight [out, in/groups, k, k]. */
export class Conv2d extends Layer {
  readonly weight: Tensor;
  readonly bias: Tensor | null;
  readonly stride: number;
  readonly padding: number;
  readonly dilation: number;
  readonly groups: number;

  constructor(
    readonly inChannels: number,
    readonly outChannels: number,
    readonly kernelSize: number,
    options: Conv2dLayerOptions = {},
  ) {
    super();
    this.stride = options.stride ?? 1;
    this.padding = options.padding ?? 0;
    this.dilation = options.dilation ?? 1;
    this.groups = options.groups ?? 1;
    for (const [name, v, min] of [['inChannels', inChannels, 1], ['outChannels', outChannels, 1], ['kernelSize', kernelSize, 1], ['stride', this.stride, 1], ['padding', this.padding, 0], ['dilation', this.dilation, 1], ['groups', this.groups, 1]] as const) {
      if (!Number.isInteger(v) || v < min) throw new RangeError(`Conv2d: ${name} must be an integer >= ${min}, got ${v}`);
    }
    if (inChannels % this.groups !== 0 || outChannels % this.groups !== 0) {
      throw new RangeError(`Conv2d: channels ${inChannels} -> ${outChannels} must both be divisible by groups=${this.groups}`);
    }
    const dtype = options.dtype ?? 'float32';
    this.weight = this.registerParameter('weight', zeros([outChannels, inChannels / this.groups, kernelSize, kernelSize], dtype))!;
    this.bias = this.registerParameter('bias', options.bias === false ? null : zeros([outChannels], dtype));
    this.resetParameters(options.generator ?? null);
  }

  /** Number of input values one output value reads. */
  get fanIn(): number {
    return (this.inChannels / this.groups) * this.kernelSize * this.kernelSize;
  }

  resetParameters(generator: Generator | null = null): void {
    defaultUniform(this.weight, this.fanIn, generator);
    if (this.bias) defaultUniform(this.bias, this.fanIn, generator);
  }

  forward(x: Tensor): Tensor {
    return conv2d(x, this.weight, this.bias, { stride: this.stride, padding: this.padding, dilation: this.dilation, groups: this.groups });
  }
}
