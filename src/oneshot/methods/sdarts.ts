import { grad } from '../../engine/autograd.js';
import { scope } from '../../engine/memory.js';
import { rand } from '../../engine/ops/creation.js';
import { add, clamp, sign, mul, sub } from '../../engine/ops/elementwise.js';
import { softmax } from '../../engine/ops/nn.js';
import { detach } from '../../engine/ops/shape.js';
import type { Tensor } from '../../engine/tensor.js';
import type { ArchParameters } from '../arch.js';
import type { CellSpec } from '../cell-spec.js';
import { softEdges, type ArchWeights, type CellWeights, type Supernet } from '../supernet.js';
import { lossOf, OneShotMethod, type StepContext, type TensorBatch } from './method.js';

/** How SDARTS perturbs the architecture weights of the weight step. */
export type Perturbation = 'random' | 'adversarial';

/**
 * SDARTS (Chen, Hsieh: "Stabilizing Differentiable Architecture Search via Perturbation-based
 * Regularization", ICML 2020): the weights are trained under perturbed architecture weights
 * softmax(α) + δ, |δ| ≤ ε, so that the supernet is good in a neighbourhood of α (a flatter
 * landscape, less collapse). `random` (SDARTS-RS): δ uniform in [−ε, ε]; `adversarial`
 * (SDARTS-ADV): δ from `attackSteps` steps of projected sign-gradient ascent on the training loss.
 * ε grows linearly from 0.03 to `epsilon` over the search, as in the paper's code. α itself
 * follows first-order DARTS.
 */
export class SDarts extends OneShotMethod {
  constructor(
    spec: CellSpec,
    readonly perturbation: Perturbation = 'random',
    readonly epsilon = 0.3,
    readonly attackSteps = 7,
  ) {
    super('sdarts', spec);
  }

  /** ε at an epoch. */
  epsilonAt(ctx: Pick<StepContext, 'epoch' | 'epochs'>): number {
    return 0.03 + ((this.epsilon - 0.03) * ctx.epoch) / Math.max(1, ctx.epochs);
  }

  override trainingWeights(net: Supernet, arch: ArchParameters, batch: TensorBatch, ctx: StepContext): ArchWeights {
    const eps = this.epsilonAt(ctx);
    const base = new Map(this.spec.kinds.map((k) => [k, softmax(detach(arch.alpha.get(k)!), -1)]));
    const noise = new Map([...base].map(([k, w]) => [k, sub(mul(rand(w.shape, { generator: ctx.generator, dtype: w.dtype }), 2 * eps), eps)]));
    const clean = this.weights(arch, ctx, true);
    const build = (delta: ReadonlyMap<string, Tensor>): ArchWeights => {
      const out: Record<string, CellWeights> = {};
      for (const k of this.spec.kinds) out[k] = { edges: softEdges(add(base.get(k)!, delta.get(k)!)), edgeScale: clean[k].edgeScale };
      return out;
    };
    if (this.perturbation === 'random') return build(noise);
    let delta = noise;
    const step = (2 * eps) / this.attackSteps;
    const kinds = [...delta.keys()];
    for (let s = 0; s < this.attackSteps; s++) {
      // One scope per attack step: its forward graph is freed before the next one is built.
      const current = delta;
      const next = scope(() => {
        const leaves = new Map(kinds.map((k) => [k, detach(current.get(k)!).setRequiresGrad(true)]));
        const { loss } = lossOf(net, build(leaves), batch);
        const g = grad(loss, kinds.map((k) => leaves.get(k)!));
        return kinds.map((k, i) => clamp(add(detach(leaves.get(k)!), mul(sign(g[i]!), step)), -eps, eps));
      });
      delta = new Map(kinds.map((k, i) => [k, next[i]]));
    }
    return build(delta);
  }
}
