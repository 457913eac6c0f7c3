import type { DType } from '../engine/dtype.js';
import { randn, type Generator } from '../engine/ops/creation.js';
import { mul } from '../engine/ops/elementwise.js';
import { softmax } from '../engine/ops/nn.js';
import { keep, scope } from '../engine/memory.js';
import type { Tensor } from '../engine/tensor.js';
import type { CellSpec } from './cell-spec.js';

/**
 * The architecture parameters, kept apart from the supernet's weights (their own optimizer): α
 * [edges, operations] per cell kind and, for PC-DARTS' edge normalisation, β [edges] per kind.
 * Named `alpha.<kind>` and `beta.<kind>` in checkpoints. Initialised as DARTS: 10⁻³ · N(0, 1).
 */
export class ArchParameters {
  readonly alpha: ReadonlyMap<string, Tensor>;
  readonly beta: ReadonlyMap<string, Tensor> | null;

  constructor(
    readonly spec: CellSpec,
    options: { edgeNormalization?: boolean; generator?: Generator; dtype?: DType } = {},
  ) {
    const draw = (shape: number[]): Tensor => keep(scope(() => mul(randn(shape, { generator: options.generator, dtype: options.dtype }), 1e-3))).setRequiresGrad(true);
    this.alpha = new Map(spec.kinds.map((k) => [k, draw([spec.edges.length, spec.operations.length])]));
    this.beta = options.edgeNormalization ? new Map(spec.kinds.map((k) => [k, draw([spec.edges.length])])) : null;
  }

  /** Every architecture tensor with its checkpoint name, α first. */
  named(): [string, Tensor][] {
    return [...[...this.alpha].map(([k, t]): [string, Tensor] => [`alpha.${k}`, t]), ...[...(this.beta ?? [])].map(([k, t]): [string, Tensor] => [`beta.${k}`, t])];
  }

  list(): Tensor[] {
    return this.named().map(([, t]) => t);
  }

  /** α per kind as plain numbers [edge][operation]. */
  alphaValues(): Record<string, number[][]> {
    return rows(this.alpha);
  }

  /** softmax(α) per kind, [edge][operation]. */
  softmaxValues(): Record<string, number[][]> {
    return scope(() => {
      const out: Record<string, number[][]> = {};
      for (const [k, a] of this.alpha) out[k] = matrix(softmax(a.detach(), -1));
      return out;
    });
  }

  dispose(): void {
    for (const t of this.list()) t.dispose();
  }
}

/** A 2-d tensor as rows of numbers. */
export function matrix(t: Tensor): number[][] {
  const data = t.toArray();
  const [r, c] = t.shape;
  return Array.from({ length: r }, (_, i) => data.slice(i * c, (i + 1) * c));
}

function rows(map: ReadonlyMap<string, Tensor>): Record<string, number[][]> {
  const out: Record<string, number[][]> = {};
  for (const [k, t] of map) out[k] = matrix(t);
  return out;
}
