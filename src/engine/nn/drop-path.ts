import { cast, div, lt, mul } from '../ops/elementwise.js';
import { rand, type Generator } from '../ops/creation.js';
import type { Tensor } from '../tensor.js';
import { Layer } from './module.js';

/**
 * Drop-path (stochastic depth as DARTS and NASNet use it): in training, each example's whole
 * output is zeroed with probability `p` and the survivors scaled by 1/(1−p); the identity in
 * evaluation or when `p` is 0. `p` may be changed between epochs (DARTS raises it linearly).
 * Masks come from `generator` (seeded, owned by the caller) when given.
 */
export class DropPath extends Layer {
  readonly generator: Generator | null;
  constructor(
    public p = 0,
    options: { generator?: Generator | null } = {},
  ) {
    super();
    if (!(p >= 0 && p < 1)) throw new RangeError(`DropPath: p must be in [0, 1), got ${p}`);
    this.generator = options.generator ?? null;
  }
  forward(x: Tensor): Tensor {
    if (!this.training || this.p === 0) return x;
    const keep = 1 - this.p;
    const shape = [x.shape[0], ...x.shape.slice(1).map(() => 1)];
    const mask = cast(lt(rand(shape, { generator: this.generator, dtype: x.dtype }), keep), x.dtype);
    return mul(div(x, keep), mask);
  }
}

/** A network whose training changes with the epoch (DARTS' drop-path probability rises linearly); `trainClassifier` calls `startEpoch` before each epoch. */
export interface EpochSchedule {
  startEpoch(epoch: number, epochs: number): void;
}

/** Whether `model` wants {@link EpochSchedule.startEpoch} calls. */
export function hasEpochSchedule(model: object): model is EpochSchedule {
  return typeof (model as Partial<EpochSchedule>).startEpoch === 'function';
}
