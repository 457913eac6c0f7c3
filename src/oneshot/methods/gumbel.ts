import { gumbelSoftmax } from '../../engine/ops/nn.js';
import { argmax } from '../../engine/ops/reduction.js';
import { select } from '../../engine/ops/shape.js';
import type { Tensor } from '../../engine/tensor.js';
import type { CellSpec } from '../cell-spec.js';
import { softEdges, type CellWeights } from '../supernet.js';
import { OneShotMethod, type StepContext } from './method.js';

/** Temperature annealed exponentially from `max` at the first epoch to `min` at the last. */
function anneal(max: number, min: number, epoch: number, epochs: number): number {
  return epochs <= 1 ? max : max * (min / max) ** (epoch / (epochs - 1));
}

/**
 * SNAS (Xie, Zheng, Liu, Lin: "SNAS: Stochastic Neural Architecture Search", ICLR 2019): each edge's
 * operations weighted by a Gumbel-softmax sample of α (soft, every operation runs), the temperature
 * annealed from 1 to 0.03. Deviations: α follows the validation half like DARTS (SNAS trains α and
 * the weights on the same batches), and without SNAS' resource constraint.
 */
export class Snas extends OneShotMethod {
  constructor(
    spec: CellSpec,
    readonly tauMax = 1,
    readonly tauMin = 0.03,
  ) {
    super('snas', spec);
  }
  override temperature(ctx: Pick<StepContext, 'epoch' | 'epochs'>): number {
    return anneal(this.tauMax, this.tauMin, ctx.epoch, ctx.epochs);
  }
  protected override edgeWeights(alpha: Tensor, ctx: StepContext): CellWeights['edges'] {
    return softEdges(gumbelSoftmax(alpha, { tau: this.temperature(ctx), generator: ctx.generator }));
  }
}

/**
 * GDAS (Dong, Yang: "Searching for a Robust Neural Architecture in Four GPU Hours", CVPR 2019):
 * a hard Gumbel-softmax sample per edge; only the sampled operation runs, multiplied by its
 * straight-through weight (1 in the forward pass, the soft sample's gradient to α in the backward
 * pass). Temperature 10 → 0.1 (the paper anneals linearly; here exponentially).
 */
export class Gdas extends OneShotMethod {
  constructor(
    spec: CellSpec,
    readonly tauMax = 10,
    readonly tauMin = 0.1,
  ) {
    super('gdas', spec);
  }
  override temperature(ctx: Pick<StepContext, 'epoch' | 'epochs'>): number {
    return anneal(this.tauMax, this.tauMin, ctx.epoch, ctx.epochs);
  }
  protected override edgeWeights(alpha: Tensor, ctx: StepContext): CellWeights['edges'] {
    return hardEdges(gumbelSoftmax(alpha, { tau: this.temperature(ctx), hard: true, generator: ctx.generator }));
  }
}

/** Per edge, the straight-through one-hot row and the index of its 1. */
export function hardEdges(onehot: Tensor): CellWeights['edges'] {
  const index = argmax(onehot, 1).toArray();
  return index.map((k, e) => ({ weights: select(onehot, 0, e), active: k }));
}
