import type { DType } from '../engine/dtype.js';
import type { Generator } from '../engine/ops/creation.js';
import type { Tensor } from '../engine/tensor.js';
import { GlobalAvgPool2d, MaxPool2d, AvgPool2d } from '../engine/nn/basic.js';
import { ModuleList, Sequential } from '../engine/nn/container.js';
import { Conv2d } from '../engine/nn/conv.js';
import { Linear } from '../engine/nn/linear.js';
import { Layer, Module } from '../engine/nn/module.js';
import { FactorizedReduce, ReLUConvBN, Zero } from '../engine/nn/nas-ops.js';
import { BatchNorm2d } from '../engine/nn/norm.js';
import { dartsOperation } from '../space/darts/network.js';
import type { CellSpec } from './cell-spec.js';
import type { OperationFactory } from './mixed-op.js';
import { SearchCell, type ArchWeights, type CellWeights, type Supernet } from './supernet.js';

/**
 * The operation factory of the DARTS supernet: the DARTS network's operations
 * (`space/darts/network.ts`: `sep_conv_*` two stacked separable convolutions, `dil_conv_*`,
 * `skip_connect` a FactorizedReduce at stride 2), pools followed by a BatchNorm (DARTS' MixedOp),
 * `none` the zero operation. Deviation (as on NB201): every BatchNorm is affine.
 */
export function dartsSearchOperation(init: { generator?: Generator; dtype?: DType }): OperationFactory {
  return (op, c, _cOut, stride) => {
    if (op === 'none') return new Zero(c, c, stride);
    const layer = dartsOperation(op, c, stride, init);
    return layer instanceof MaxPool2d || layer instanceof AvgPool2d ? new Sequential(layer, new BatchNorm2d(c, { dtype: init.dtype })) : layer;
  };
}

/**
 * One cell of the DARTS search network (DARTS' `model_search.py` Cell): the two previous cells'
 * outputs preprocessed to C channels (a FactorizedReduce when the previous cell reduced, else a
 * 1×1 ReLUConvBN), then a {@link SearchCell} whose output concatenates nodes 2…5 (4C channels).
 */
export class DartsSearchCell extends Module {
  readonly preprocess0: Layer;
  readonly preprocess1: ReLUConvBN;
  readonly cell: SearchCell;

  constructor(spec: CellSpec, cPrevPrev: number, cPrev: number, c: number, readonly reduction: boolean, reductionPrev: boolean, factory: OperationFactory, init: { generator?: Generator; dtype?: DType; partial?: number }) {
    super();
    const options = { generator: init.generator, dtype: init.dtype };
    this.preprocess0 = this.registerModule('preprocess0', reductionPrev ? new FactorizedReduce(cPrevPrev, c, 2, options) : new ReLUConvBN(cPrevPrev, c, 1, 1, 0, 1, options));
    this.preprocess1 = this.registerModule('preprocess1', new ReLUConvBN(cPrev, c, 1, 1, 0, 1, options));
    this.cell = this.registerModule('cell', new SearchCell(spec, reduction ? 'reduce' : 'normal', c, factory, { partial: init.partial, reduction }));
  }

  forwardPair(s0: Tensor, s1: Tensor, weights: CellWeights): Tensor {
    return this.cell.forward([this.preprocess0.forward(s0), this.preprocess1.forward(s1)], weights);
  }
}

/** Options of {@link DartsSupernet}. */
export interface DartsSupernetOptions {
  /** Initial channels C (DARTS' search: 16). */
  channels: number;
  /** Normal cells per stage N: 3N + 2 cells in all, reduction cells after the first and second N (DARTS' search: N = 2, 8 cells). */
  cells: number;
  numClasses: number;
  inChannels?: number;
  /** PC-DARTS' partial channels K (1: all channels). */
  partial?: number;
  generator?: Generator;
  dtype?: DType;
}

/**
 * The DARTS search network (DARTS' `model_search.py` Network): a 3×3 convolution + BN stem to 3C,
 * 3N + 2 search cells, each fed by the two previous cells, with reduction cells (C doubled, stride 2
 * on the edges leaving the cell inputs) at 1/3 and 2/3 of the depth, global pooling and a linear
 * classifier. Normal cells share the α of `normal`, reduction cells that of `reduce`.
 */
export class DartsSupernet extends Module implements Supernet {
  readonly stem: Sequential;
  readonly cells: ModuleList<DartsSearchCell>;
  readonly pool: GlobalAvgPool2d;
  readonly classifier: Linear;

  constructor(
    readonly spec: CellSpec,
    options: DartsSupernetOptions,
  ) {
    super();
    const { channels: c, cells: n } = options;
    if (!Number.isInteger(c) || c < 1 || !Number.isInteger(n) || n < 1) throw new RangeError(`DartsSupernet: channels (${c}) and cells (${n}) must be positive integers`);
    if (spec.space !== 'darts') throw new RangeError(`DartsSupernet: the cell description is of space ${JSON.stringify(spec.space)}, not darts`);
    const init = { generator: options.generator, dtype: options.dtype };
    const factory = dartsSearchOperation(init);
    const stemC = 3 * c;
    this.stem = this.registerModule('stem', new Sequential(new Conv2d(options.inChannels ?? 3, stemC, 3, { padding: 1, bias: false, ...init }), new BatchNorm2d(stemC, { dtype: options.dtype })));
    this.cells = this.registerModule('cells', new ModuleList<DartsSearchCell>());
    const layers = 3 * n + 2;
    const reductions = [Math.floor(layers / 3), Math.floor((2 * layers) / 3)];
    let [cPrevPrev, cPrev, cCurr] = [stemC, stemC, c];
    let reductionPrev = false;
    for (let i = 0; i < layers; i++) {
      const reduction = reductions.includes(i);
      if (reduction) cCurr *= 2;
      this.cells.push(new DartsSearchCell(spec, cPrevPrev, cPrev, cCurr, reduction, reductionPrev, factory, { ...init, partial: options.partial }));
      reductionPrev = reduction;
      [cPrevPrev, cPrev] = [cPrev, spec.nodes * cCurr];
    }
    this.pool = this.registerModule('global_pooling', new GlobalAvgPool2d());
    this.classifier = this.registerModule('classifier', new Linear(cPrev, options.numClasses, init));
  }

  forward(x: Tensor, weights: ArchWeights): Tensor {
    let s0 = this.stem.forward(x);
    let s1 = s0;
    for (const cell of this.cells) [s0, s1] = [s1, cell.forwardPair(s0, s1, weights[cell.reduction ? 'reduce' : 'normal'])];
    return this.classifier.forward(this.pool.forward(s1));
  }
}
