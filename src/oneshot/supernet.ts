import { add, mul } from '../engine/ops/elementwise.js';
import { cat, select } from '../engine/ops/shape.js';
import type { Generator } from '../engine/ops/creation.js';
import type { DType } from '../engine/dtype.js';
import type { Tensor } from '../engine/tensor.js';
import { GlobalAvgPool2d, ReLU } from '../engine/nn/basic.js';
import { ModuleList, Sequential } from '../engine/nn/container.js';
import { Conv2d } from '../engine/nn/conv.js';
import { Linear } from '../engine/nn/linear.js';
import { Module } from '../engine/nn/module.js';
import { ResNetBasicBlock } from '../engine/nn/nas-ops.js';
import { BatchNorm2d } from '../engine/nn/norm.js';
import { nb201Operation } from '../space/nb201/network.js';
import type { Nb201Op } from '../space/nb201/space.js';
import type { CellSpec } from './cell-spec.js';
import { MixedOp, type EdgeSample, type OperationFactory } from './mixed-op.js';

/** How one kind of cell is run: a sample per edge and, with edge normalisation (PC-DARTS), a weight per edge. */
export interface CellWeights {
  readonly edges: readonly EdgeSample[];
  /** One scalar per edge multiplying its output (PC-DARTS' β, softmaxed over each node's inputs), or null. */
  readonly edgeScale: readonly Tensor[] | null;
}

/** The weights of a whole forward pass, by cell kind (`normal`, and `reduce` in the DARTS space). */
export type ArchWeights = Readonly<Record<string, CellWeights>>;

/**
 * A search cell over any {@link CellSpec}: a {@link MixedOp} on every edge; node j combines its
 * edges by summing them (each scaled by its edge weight when given); the output is the last node
 * or the concatenation of the computed nodes. Inputs arrive already at `channels` channels (the
 * macro network's preprocessing, e.g. DARTS' ReLUConvBN of the two previous cells).
 */
export class SearchCell extends Module {
  readonly edges: ModuleList<MixedOp>;

  constructor(
    readonly spec: CellSpec,
    readonly kind: string,
    channels: number,
    factory: OperationFactory,
    options: { partial?: number; reduction?: boolean } = {},
  ) {
    super();
    this.edges = this.registerModule('edges', new ModuleList<MixedOp>());
    for (const edge of spec.edges) {
      // In a reduction cell the edges leaving the cell's inputs halve the resolution (DARTS).
      const stride = options.reduction && edge.from < spec.inputs ? 2 : 1;
      this.edges.push(new MixedOp(spec.operations, channels, stride, factory, options.partial ?? 1));
    }
  }

  forward(inputs: readonly Tensor[], weights: CellWeights): Tensor {
    const { spec } = this;
    if (inputs.length !== spec.inputs) throw new RangeError(`SearchCell: ${inputs.length} inputs for a cell of ${spec.inputs}`);
    const nodes: Tensor[] = [...inputs];
    for (let node = spec.inputs; node < spec.inputs + spec.nodes; node++) {
      let sum: Tensor | null = null;
      spec.edges.forEach((edge, e) => {
        if (edge.to !== node) return;
        let y = this.edges.at(e).forward(nodes[edge.from], weights.edges[e]);
        if (weights.edgeScale) y = mul(y, weights.edgeScale[e]);
        sum = sum === null ? y : add(sum, y);
      });
      if (sum === null) throw new RangeError(`SearchCell: node ${node} of ${spec.space} has no incoming edge`);
      nodes.push(sum);
    }
    return spec.output === 'last' ? nodes[nodes.length - 1] : cat(nodes.slice(spec.inputs), 1);
  }
}

/** A supernet: weights (the module's parameters) apart from the architecture weights it is run with. */
export interface Supernet extends Module {
  readonly spec: CellSpec;
  forward(x: Tensor, weights: ArchWeights): Tensor;
}

/** Options of {@link Nb201Supernet}. */
export interface Nb201SupernetOptions {
  channels: number;
  cells: number;
  numClasses: number;
  inChannels?: number;
  /** PC-DARTS' partial channels K (1: all channels). */
  partial?: number;
  generator?: Generator;
  /** float32 (default) or float64 (gradient checks). */
  dtype?: DType;
}

/**
 * The NAS-Bench-201 search network (xautodl's TinyNetworkDarts): the NB201 macro skeleton (stem,
 * three stages of N cells at C, 2C, 4C joined by residual reduction blocks, BN-ReLU, pooling,
 * classifier) with every cell a {@link SearchCell}; all cells share one α. Deviation: the
 * operations' BatchNorms are affine, as in the NB201 network that is retrained (xautodl's search
 * cells use affine=False).
 */
export class Nb201Supernet extends Module implements Supernet {
  readonly stem: Sequential;
  readonly cells: ModuleList<Module>;
  readonly lastact: Sequential;
  readonly pool: GlobalAvgPool2d;
  readonly classifier: Linear;

  constructor(
    readonly spec: CellSpec,
    options: Nb201SupernetOptions,
  ) {
    super();
    const { channels: c, cells: n } = options;
    if (!Number.isInteger(c) || c < 1 || !Number.isInteger(n) || n < 1) throw new RangeError(`Nb201Supernet: channels (${c}) and cells (${n}) must be positive integers`);
    const init = { generator: options.generator, dtype: options.dtype };
    const factory: OperationFactory = (op, cIn) => nb201Operation(op as Nb201Op, cIn, init);
    this.stem = this.registerModule('stem', new Sequential(new Conv2d(options.inChannels ?? 3, c, 3, { padding: 1, bias: false, ...init }), new BatchNorm2d(c, { dtype: options.dtype })));
    this.cells = this.registerModule('cells', new ModuleList<Module>());
    let previous = c;
    for (const [stage, width] of [c, 2 * c, 4 * c].entries()) {
      if (stage > 0) this.cells.push(new ResNetBasicBlock(previous, width, 2, init));
      for (let i = 0; i < n; i++) this.cells.push(new SearchCell(spec, 'normal', width, factory, { partial: options.partial }));
      previous = width;
    }
    this.lastact = this.registerModule('lastact', new Sequential(new BatchNorm2d(previous, { dtype: options.dtype }), new ReLU()));
    this.pool = this.registerModule('global_pooling', new GlobalAvgPool2d());
    this.classifier = this.registerModule('classifier', new Linear(previous, options.numClasses, init));
  }

  forward(x: Tensor, weights: ArchWeights): Tensor {
    let y = this.stem.forward(x);
    for (const cell of this.cells) {
      y = cell instanceof SearchCell ? cell.forward([y], weights[cell.kind]) : (cell as ResNetBasicBlock).forward(y);
    }
    return this.classifier.forward(this.pool.forward(this.lastact.forward(y)));
  }
}

/** The per-edge samples of a weight matrix [E, K] (soft: every operation runs). */
export function softEdges(weights: Tensor): EdgeSample[] {
  return Array.from({ length: weights.shape[0] }, (_, e) => ({ weights: select(weights, 0, e), active: -1 }));
}
