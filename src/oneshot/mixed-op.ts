import { add, mul } from '../engine/ops/elementwise.js';
import { maxPool2d } from '../engine/ops/nn.js';
import { cat, contiguous, narrow, reshape, select, transpose } from '../engine/ops/shape.js';
import type { Tensor } from '../engine/tensor.js';
import { ModuleList } from '../engine/nn/container.js';
import { Module, type Layer } from '../engine/nn/module.js';
import { Zero } from '../engine/nn/nas-ops.js';

/** Builds one candidate operation of an edge: `op` from `cIn` to `cOut` channels at `stride`. */
export type OperationFactory = (op: string, cIn: number, cOut: number, stride: number) => Layer;

/**
 * The weights one edge is run with: `weights` [K] over the candidate operations and, for a hard
 * sample (GDAS), the one operation that runs (its weight carries the gradient to α).
 */
export interface EdgeSample {
  readonly weights: Tensor;
  /** Index of the only operation to run, or -1 to run all of them (a weighted sum). */
  readonly active: number;
}

/**
 * A mixed operation: every candidate operation of one edge, combined as Σ_k w_k · op_k(x) (DARTS),
 * or only the sampled op_k(x) · w_k (GDAS). With `partial` = K > 1 (PC-DARTS) only the first C/K
 * channels go through the operations; the rest bypass them (max-pooled at stride 2) and the
 * channels are shuffled in K groups, so that another part goes through next time.
 */
export class MixedOp extends Module {
  readonly ops: ModuleList<Layer>;

  constructor(
    readonly operations: readonly string[],
    readonly channels: number,
    readonly stride: number,
    factory: OperationFactory,
    readonly partial = 1,
  ) {
    super();
    if (!Number.isInteger(partial) || partial < 1 || channels % partial !== 0) {
      throw new RangeError(`MixedOp: partial channels K=${partial} must divide the ${channels} channels`);
    }
    const c = channels / partial;
    this.ops = this.registerModule('ops', new ModuleList<Layer>(operations.map((op) => factory(op, c, c, stride))));
  }

  forward(x: Tensor, sample: EdgeSample): Tensor {
    if (this.partial === 1) return this.mix(x, sample);
    const c = this.channels / this.partial;
    const through = narrow(x, 1, 0, c);
    let bypass = narrow(x, 1, c, this.channels - c);
    if (this.stride === 2) bypass = maxPool2d(bypass, 2, { stride: 2 });
    return channelShuffle(cat([this.mix(through, sample), bypass], 1), this.partial);
  }

  private mix(x: Tensor, sample: EdgeSample): Tensor {
    if (sample.active >= 0) return mul(this.ops.at(sample.active).forward(x), select(sample.weights, 0, sample.active));
    let sum: Tensor | null = null;
    for (let k = 0; k < this.operations.length; k++) {
      const op = this.ops.at(k);
      // `none` adds w·0 and passes no gradient to anything (α's share of it is 0): skipping it is exact.
      if (op instanceof Zero && op.stride === 1 && op.cIn === op.cOut) continue;
      const y = mul(op.forward(x), select(sample.weights, 0, k));
      sum = sum === null ? y : add(sum, y);
    }
    return sum ?? mul(x, 0);
  }
}

/** ShuffleNet's channel shuffle: [N, C, H, W] seen as [N, groups, C/groups, H, W], groups and channels swapped. */
export function channelShuffle(x: Tensor, groups: number): Tensor {
  const [n, c, h, w] = x.shape;
  return reshape(contiguous(transpose(reshape(x, [n, groups, c / groups, h, w]), 1, 2)), [n, c, h, w]);
}
