import { grad } from '../../engine/autograd.js';
import { engine } from '../../engine/binding.js';
import type { Generator } from '../../engine/ops/creation.js';
import { crossEntropy } from '../../engine/ops/loss.js';
import { softmax } from '../../engine/ops/nn.js';
import { stack, select, detach } from '../../engine/ops/shape.js';
import { argmax, sum } from '../../engine/ops/reduction.js';
import { eq } from '../../engine/ops/elementwise.js';
import type { Tensor } from '../../engine/tensor.js';
import type { ArchParameters } from '../arch.js';
import type { CellSpec } from '../cell-spec.js';
import { softEdges, type ArchWeights, type CellWeights, type Supernet } from '../supernet.js';

/** One batch as tensors. */
export interface TensorBatch {
  readonly x: Tensor;
  readonly y: Tensor;
}

/** Where the search stands when a step is taken (what schedules, samplers and perturbations read). */
export interface StepContext {
  /** 0-based epoch. */
  readonly epoch: number;
  readonly epochs: number;
  /** This epoch's generator (Gumbel noise, perturbations): seeded by the search seed and the epoch, so a resumed epoch draws the same. */
  readonly generator: Generator;
  /** The weights' learning rate now (the unrolled step uses it as ξ). */
  readonly weightLr: number;
  readonly weightDecay: number;
}

/** What a step measured on its batch. */
export interface StepResult {
  readonly loss: number;
  readonly correct: number;
}

/** One epoch's record as the stop rules see it. */
export interface EpochView {
  readonly epoch: number;
  readonly genotype: string;
  readonly skipCount: number;
}

/** A stop decision: why, and which epoch's genotype (1-based) is the result. */
export interface StopDecision {
  readonly reason: string;
  readonly resultEpoch: number;
}

/** Cross entropy and the number of correct predictions of a forward pass. */
export function lossOf(net: Supernet, weights: ArchWeights, batch: TensorBatch): { loss: Tensor; correct: number } {
  const logits = net.forward(batch.x, weights);
  const loss = crossEntropy(logits, batch.y);
  const correct = sum(eq(argmax(logits, 1), batch.y)).item();
  return { loss, correct };
}

/**
 * Sets each tensor's `.grad` to the given gradient (replacing what was there), which is how an
 * architecture gradient computed with {@link grad} reaches the architecture optimizer.
 */
export function setGrads(params: readonly Tensor[], grads: readonly (Tensor | null)[]): void {
  params.forEach((p, i) => engine().setGrad(p.nativeHandle, grads[i]?.nativeHandle ?? null));
}

/**
 * A differentiable one-shot method. The base is first-order DARTS (Liu et al., ICLR 2019): the
 * operations of an edge weighted by softmax(α); α follows the validation loss at the current
 * weights. A method overrides what it changes: how α becomes weights (Gumbel sampling), how the
 * weight step sees them (perturbation), the architecture gradient (the unrolled step), the
 * partial channels and edge normalisation, or when to stop.
 */
export class OneShotMethod {
  /** PC-DARTS' partial channels K (1: every channel). */
  readonly partial: number = 1;
  /** PC-DARTS' edge normalisation (β per edge). */
  readonly edgeNormalization: boolean = false;

  constructor(
    readonly name: string,
    readonly spec: CellSpec,
  ) {}

  /** Per edge, the weights a forward pass uses, from α of one kind (differentiable in α). */
  protected edgeWeights(alpha: Tensor, _ctx: StepContext): CellWeights['edges'] {
    return softEdges(softmax(alpha, -1));
  }

  /** The weights of a forward pass from the architecture parameters; `detached` for the weight step. */
  weights(arch: ArchParameters, ctx: StepContext, detached: boolean): ArchWeights {
    const out: Record<string, CellWeights> = {};
    for (const kind of this.spec.kinds) {
      const alpha = arch.alpha.get(kind)!;
      const beta = arch.beta?.get(kind) ?? null;
      out[kind] = {
        edges: this.edgeWeights(detached ? detach(alpha) : alpha, ctx),
        edgeScale: beta ? edgeNormalization(this.spec, detached ? detach(beta) : beta) : null,
      };
    }
    return out;
  }

  /** The weights the weight step trains with (SDARTS perturbs them); α never gets a gradient here. */
  trainingWeights(_net: Supernet, arch: ArchParameters, _batch: TensorBatch, ctx: StepContext): ArchWeights {
    return this.weights(arch, ctx, true);
  }

  /** Sets the architecture parameters' gradients from a validation batch (first order: ∇α L_val(w, α)). */
  archGradient(net: Supernet, arch: ArchParameters, _train: TensorBatch, val: TensorBatch, ctx: StepContext): StepResult {
    const params = arch.list();
    const { loss, correct } = lossOf(net, this.weights(arch, ctx, false), val);
    setGrads(params, grad(loss, params, { allowUnused: true }));
    return { loss: loss.item(), correct };
  }

  /**
   * What the history records per epoch: the distribution α induces over each edge's operations
   * (softmax(α); the sampling probabilities for the Gumbel methods, whose logits are α).
   */
  probabilities(arch: ArchParameters): Record<string, number[][]> {
    return arch.softmaxValues();
  }

  /**
   * The per-edge operation strengths a cell is derived from (default: the probabilities). Only
   * their order matters within an edge; across edges (DARTS' top-2 inputs per node) their size does.
   */
  strengths(arch: ArchParameters): Record<string, number[][]> {
    return this.probabilities(arch);
  }

  /** The temperature of Gumbel sampling at an epoch, or null for methods without one. */
  temperature(_ctx: Pick<StepContext, 'epoch' | 'epochs'>): number | null {
    return null;
  }

  /** Early stopping after an epoch (DARTS+); null to go on. */
  stop(_history: readonly EpochView[]): StopDecision | null {
    return null;
  }
}

/** PC-DARTS' edge normalisation: for each node, softmax of β over its incoming edges; one scalar per edge. */
export function edgeNormalization(spec: CellSpec, beta: Tensor): Tensor[] {
  const scales: Tensor[] = new Array(spec.edges.length);
  for (let node = spec.inputs; node < spec.inputs + spec.nodes; node++) {
    const incoming = spec.edges.flatMap((e, i) => (e.to === node ? [i] : []));
    const weights = softmax(stack(incoming.map((i) => select(beta, 0, i))), 0);
    incoming.forEach((i, k) => (scales[i] = select(weights, 0, k)));
  }
  return scales;
}
