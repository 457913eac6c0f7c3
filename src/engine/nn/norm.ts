import type { DType } from '../dtype.js';
import { ones, zeros } from '../ops/creation.js';
import { batchNorm } from '../ops/nn.js';
import type { Tensor } from '../tensor.js';
import { Layer } from './module.js';

/** Options of {@link BatchNorm2d}. */
export interface BatchNormOptions {
  eps?: number;
  momentum?: number;
  /** Learnable scale and shift (default true). */
  affine?: boolean;
  /** Keep running statistics for evaluation (default true). */
  trackRunningStats?: boolean;
  dtype?: DType;
}

/** Batch normalisation over the channels of [N, C, H, W]; running statistics are buffers. */
export class BatchNorm2d extends Layer {
  readonly weight: Tensor | null;
  readonly bias: Tensor | null;
  readonly runningMean: Tensor | null;
  readonly runningVar: Tensor | null;
  readonly eps: number;
  readonly momentum: number;

  constructor(
    readonly numFeatures: number,
    options: BatchNormOptions = {},
  ) {
    super();
    if (!Number.isInteger(numFeatures) || numFeatures < 1) throw new RangeError(`BatchNorm2d: numFeatures must be a positive integer, got ${numFeatures}`);
    this.eps = options.eps ?? 1e-5;
    this.momentum = options.momentum ?? 0.1;
    const dtype = options.dtype ?? 'float32';
    const affine = options.affine ?? true;
    const track = options.trackRunningStats ?? true;
    this.weight = this.registerParameter('weight', affine ? ones([numFeatures], dtype) : null);
    this.bias = this.registerParameter('bias', affine ? zeros([numFeatures], dtype) : null);
    this.runningMean = this.registerBuffer('running_mean', track ? zeros([numFeatures], dtype) : null);
    this.runningVar = this.registerBuffer('running_var', track ? ones([numFeatures], dtype) : null);
  }

  forward(x: Tensor): Tensor {
    // Without running statistics, evaluation also uses batch statistics (as PyTorch).
    const useBatch = this.training || !this.runningMean;
    return batchNorm(x, {
      weight: this.weight,
      bias: this.bias,
      runningMean: this.runningMean,
      runningVar: this.runningVar,
      training: useBatch,
      momentum: this.momentum,
      eps: this.eps,
    });
  }
}
