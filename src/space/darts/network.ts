// The engine side of the DARTS space: its network in `engine/nn` modules. Not re-exported by this
// folder's index.ts (which runs without the engine); reached through `engine/models/`.
import type { NetworkIo } from '../../engine/models/model-space.js';
import { AuxiliaryHead, type AuxiliaryOutput } from '../../engine/nn/auxiliary-head.js';
import { AvgPool2d, GlobalAvgPool2d, Identity, MaxPool2d } from '../../engine/nn/basic.js';
import { ModuleList, Sequential } from '../../engine/nn/container.js';
import { Conv2d } from '../../engine/nn/conv.js';
import { DropPath, type EpochSchedule } from '../../engine/nn/drop-path.js';
import { Linear, type InitOptions } from '../../engine/nn/linear.js';
import { Layer } from '../../engine/nn/module.js';
import { DilConv, DualSepConv, FactorizedReduce, ReLUConvBN } from '../../engine/nn/nas-ops.js';
import { BatchNorm2d } from '../../engine/nn/norm.js';
import type { Generator } from '../../engine/ops/creation.js';
import { add } from '../../engine/ops/elementwise.js';
import { cat } from '../../engine/ops/shape.js';
import type { Tensor } from '../../engine/tensor.js';
import { optionValue } from '../options.js';
import type { Sample, Space } from '../types.js';
import { DARTS_OPTIONS, DartsSpace, type DartsGenotype } from './space.js';

/** The operation `op` of a DARTS genotype at `c` channels and `stride` (DARTS' `OPS` table, affine BN). */
export function dartsOperation(op: string, c: number, stride: number, options: InitOptions = {}): Layer {
  switch (op) {
    case 'max_pool_3x3':
      return new MaxPool2d(3, stride, 1);
    case 'avg_pool_3x3':
      return new AvgPool2d(3, stride, 1, false);
    case 'skip_connect':
      return stride === 1 ? new Identity() : new FactorizedReduce(c, c, stride, options);
    case 'sep_conv_3x3':
      return new DualSepConv(c, c, 3, stride, 1, options);
    case 'sep_conv_5x5':
      return new DualSepConv(c, c, 5, stride, 2, options);
    case 'dil_conv_3x3':
      return new DilConv(c, c, 3, stride, 2, 2, options);
    case 'dil_conv_5x5':
      return new DilConv(c, c, 5, stride, 4, 2, options);
    default:
      throw new RangeError(`dartsOperation: unknown operation ${JSON.stringify(op)}`);
  }
}

/**
 * A DARTS cell with fixed operations (DARTS' `model.py` Cell): the outputs of the two previous cells
 * are preprocessed to C channels (a FactorizedReduce when the previous cell reduced), each node adds
 * its two operations (stride 2 on the cell inputs of a reduction cell), and the cell concatenates
 * nodes 2…5 (4C channels). In training, drop-path hits every operation that is not an identity.
 */
export class DartsCell extends Layer {
  readonly preprocess0: Layer;
  readonly preprocess1: ReLUConvBN;
  readonly ops: ModuleList<Layer>;
  readonly dropPaths: ModuleList<DropPath>;
  readonly #inputs: number[];
  readonly #identity: boolean[];

  constructor(
    pairs: readonly (readonly [string, number])[],
    cPrevPrev: number,
    cPrev: number,
    readonly c: number,
    readonly reduction: boolean,
    reductionPrev: boolean,
    options: InitOptions & { dropPathGenerator?: Generator | null } = {},
  ) {
    super();
    const init = { generator: options.generator, dtype: options.dtype };
    this.preprocess0 = this.registerModule('preprocess0', reductionPrev ? new FactorizedReduce(cPrevPrev, c, 2, init) : new ReLUConvBN(cPrevPrev, c, 1, 1, 0, 1, init));
    this.preprocess1 = this.registerModule('preprocess1', new ReLUConvBN(cPrev, c, 1, 1, 0, 1, init));
    this.ops = this.registerModule('_ops', new ModuleList<Layer>());
    this.dropPaths = this.registerModule('drop_paths', new ModuleList<DropPath>());
    this.#inputs = [];
    this.#identity = [];
    for (const [op, input] of pairs) {
      const layer = this.ops.push(dartsOperation(op, c, reduction && input < 2 ? 2 : 1, init));
      this.dropPaths.push(new DropPath(0, { generator: options.dropPathGenerator ?? null }));
      this.#inputs.push(input);
      this.#identity.push(layer instanceof Identity);
    }
  }

  /** The drop-path probability of every operation (DARTS sets it per epoch). */
  /** Which state (0, 1: the preprocessed inputs; 2+: earlier nodes) each operation reads, in `ops` order (the exporter wires the cell from it). */
  get inputs(): readonly number[] {
    return this.#inputs;
  }

  setDropPath(p: number): void {
    for (const d of this.dropPaths) d.p = p;
  }

  /** The cell of inputs s0 (two cells back) and s1 (the previous cell). */
  forwardPair(s0: Tensor, s1: Tensor): Tensor {
    const states = [this.preprocess0.forward(s0), this.preprocess1.forward(s1)];
    for (let k = 0; k < this.#inputs.length; k += 2) {
      const [a, b] = [k, k + 1].map((j) => {
        const h = this.ops.at(j).forward(states[this.#inputs[j]]);
        return this.#identity[j] ? h : this.dropPaths.at(j).forward(h);
      });
      states.push(add(a, b));
    }
    return cat(states.slice(2), 1);
  }

  /** A cell whose two inputs are the same tensor (the first cell after the stem). */
  forward(x: Tensor): Tensor {
    return this.forwardPair(x, x);
  }
}

/** Options of {@link DartsNetwork}. */
export interface DartsNetworkOptions extends InitOptions {
  /** Initial channels C (DARTS' evaluation network: 36; default 16). */
  channels?: number;
  /** Number of cells; reduction cells sit at 1/3 and 2/3 of them (DARTS: 20; default 8). */
  layers?: number;
  numClasses?: number;
  inChannels?: number;
  /** Add the auxiliary classifier after the cell at 2/3 of the depth (training only; default false). */
  auxiliary?: boolean;
  /** Weight of the auxiliary loss (DARTS: 0.4). */
  auxiliaryWeight?: number;
  /** Final drop-path probability; it rises linearly from 0 over the epochs (DARTS: 0.2; default 0). */
  dropPath?: number;
  /** Draws the drop-path masks (default: libtorch's global generator). */
  dropPathGenerator?: Generator | null;
}

/**
 * The DARTS evaluation network for CIFAR-sized images (DARTS' `NetworkCIFAR`): a 3x3 conv + BN stem to
 * 3C channels, `layers` cells (normal, or reduction at 1/3 and 2/3 of the depth, where C doubles),
 * global average pooling and a linear classifier; optionally an auxiliary head and drop-path.
 * Its parameter count without the auxiliary head is what DARTS reports (see the models tests).
 */
export class DartsNetwork extends Layer implements AuxiliaryOutput, EpochSchedule {
  readonly stem: Sequential;
  readonly cells: ModuleList<DartsCell>;
  readonly auxiliaryHead: AuxiliaryHead | null;
  readonly pool: GlobalAvgPool2d;
  readonly classifier: Linear;
  readonly auxiliaryWeight: number;
  readonly dropPath: number;
  readonly #auxiliaryAt: number;
  #auxiliaryLogits: Tensor | null = null;

  constructor(arch: Sample | string | DartsGenotype, options: DartsNetworkOptions = {}) {
    super();
    const space = new DartsSpace();
    const genotype = typeof arch === 'string' ? space.genotype(space.parse(arch)) : 'normal' in arch && Array.isArray(arch.normal) ? space.genotype(space.fromGenotype(arch as DartsGenotype)) : space.genotype(space.freeze(arch as Sample));
    const c = options.channels ?? 16;
    const layers = options.layers ?? 8;
    if (!Number.isInteger(c) || c < 1 || !Number.isInteger(layers) || layers < 3) {
      throw new RangeError(`DartsNetwork: channels must be a positive integer and layers an integer >= 3 (two reduction cells and a normal one), got ${c}, ${layers}`);
    }
    const numClasses = options.numClasses ?? 10;
    const init = { generator: options.generator, dtype: options.dtype };
    this.auxiliaryWeight = options.auxiliaryWeight ?? 0.4;
    this.dropPath = options.dropPath ?? 0;
    if (!(this.dropPath >= 0 && this.dropPath < 1)) throw new RangeError(`DartsNetwork: dropPath must be in [0, 1), got ${this.dropPath}`);
    const stemC = 3 * c;
    this.stem = this.registerModule('stem', new Sequential(new Conv2d(options.inChannels ?? 3, stemC, 3, { padding: 1, bias: false, ...init }), new BatchNorm2d(stemC, { dtype: options.dtype })));
    this.cells = this.registerModule('cells', new ModuleList<DartsCell>());
    let [cPrevPrev, cPrev, cCurr] = [stemC, stemC, c];
    let reductionPrev = false;
    let auxiliaryC = cPrev;
    const reductions = [Math.floor(layers / 3), Math.floor((2 * layers) / 3)];
    this.#auxiliaryAt = reductions[1];
    for (let i = 0; i < layers; i++) {
      const reduction = reductions.includes(i);
      if (reduction) cCurr *= 2;
      const cell = new DartsCell(reduction ? genotype.reduce : genotype.normal, cPrevPrev, cPrev, cCurr, reduction, reductionPrev, { ...init, dropPathGenerator: options.dropPathGenerator });
      this.cells.push(cell);
      reductionPrev = reduction;
      [cPrevPrev, cPrev] = [cPrev, 4 * cCurr];
      if (i === this.#auxiliaryAt) auxiliaryC = cPrev;
    }
    // The classifier draws its weights before the auxiliary head: with or without the head, the main network starts the same.
    const classifier = new Linear(cPrev, numClasses, init);
    this.auxiliaryHead = options.auxiliary ? this.registerModule('auxiliary_head', new AuxiliaryHead(auxiliaryC, numClasses, init)) : null;
    this.pool = this.registerModule('global_pooling', new GlobalAvgPool2d());
    this.classifier = this.registerModule('classifier', classifier);
  }

  /** Parameters of the network without the auxiliary head (the figure DARTS reports). */
  mainParameterCount(): number {
    return this.parameterCount() - (this.auxiliaryHead?.parameterCount() ?? 0);
  }

  startEpoch(epoch: number, epochs: number): void {
    for (const cell of this.cells) cell.setDropPath((this.dropPath * epoch) / epochs);
  }

  takeAuxiliaryLogits(): Tensor | null {
    const logits = this.#auxiliaryLogits;
    this.#auxiliaryLogits = null;
    return logits;
  }

  forward(x: Tensor): Tensor {
    let s0 = this.stem.forward(x);
    let s1 = s0;
    this.#auxiliaryLogits = null;
    let i = 0;
    for (const cell of this.cells) {
      [s0, s1] = [s1, cell.forwardPair(s0, s1)];
      if (i === this.#auxiliaryAt && this.auxiliaryHead && this.training) this.#auxiliaryLogits = this.auxiliaryHead.forward(s1);
      i++;
    }
    return this.classifier.forward(this.pool.forward(s1));
  }
}

/**
 * The network of `sample` in `space` as the network registry (`engine/models/networks.ts`) builds it:
 * C, cells, auxiliary head and drop-path from the space's options (drop-path masks drawn from
 * `io.generator`), the data set's channels and classes from `io`.
 */
export function buildDartsNetwork(space: Space, sample: Sample, io: NetworkIo): DartsNetwork {
  const option = (name: string) => optionValue(space, DARTS_OPTIONS, name);
  return new DartsNetwork(sample, {
    channels: option('channels') as number,
    layers: option('layers') as number,
    auxiliary: option('auxiliary') as boolean,
    auxiliaryWeight: option('auxiliary_weight') as number,
    dropPath: option('drop_path') as number,
    dropPathGenerator: io.generator,
    ...io,
  });
}
