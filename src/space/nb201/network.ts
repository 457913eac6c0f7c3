// The engine side of NAS-Bench-201: its network in `engine/nn` modules. Not re-exported by this
// folder's index.ts (which runs without the engine); reached through `engine/models/`.
import { SampleError } from '../../errors.js';
import type { NetworkIo } from '../../engine/models/model-space.js';
import { GlobalAvgPool2d, Identity, ReLU } from '../../engine/nn/basic.js';
import { ModuleList, Sequential } from '../../engine/nn/container.js';
import { Conv2d } from '../../engine/nn/conv.js';
import { Linear, type InitOptions } from '../../engine/nn/linear.js';
import { Layer } from '../../engine/nn/module.js';
import { FactorizedReduce, Pooling, ReLUConvBN, ResNetBasicBlock, Zero } from '../../engine/nn/nas-ops.js';
import { BatchNorm2d } from '../../engine/nn/norm.js';
import { zeros } from '../../engine/ops/creation.js';
import { add, mul } from '../../engine/ops/elementwise.js';
import type { Tensor } from '../../engine/tensor.js';
import { optionValue } from '../options.js';
import type { Sample, Space } from '../types.js';
import { NB201_EDGES, NB201_OPTIONS, Nb201Space, type Nb201Op } from './space.js';

/**
 * The operation of a NAS-Bench-201 edge at `c` channels, stride 1 (as xautodl's OPS table); from
 * `cIn` channels where they differ (NATS-Bench's size space: a skip becomes a 1x1 FactorizedReduce).
 */
export function nb201Operation(op: Nb201Op, c: number, options: InitOptions = {}, cIn = c): Layer {
  switch (op) {
    case 'none':
      return new Zero(cIn, c, 1);
    case 'skip_connect':
      return cIn === c ? new Identity() : new FactorizedReduce(cIn, c, 1, options);
    case 'nor_conv_1x1':
      return new ReLUConvBN(cIn, c, 1, 1, 0, 1, options);
    case 'nor_conv_3x3':
      return new ReLUConvBN(cIn, c, 3, 1, 1, 1, options);
    case 'avg_pool_3x3':
      return new Pooling(cIn, c, 1, options);
  }
}

/**
 * A NAS-Bench-201 cell with fixed operations (xautodl's InferCell): node 0 is the input, node j the
 * sum over edges i→j of op(node i), the output is node 3. Edges with `none` are kept as modules (no
 * parameters) but skipped in forward, since they add zeros.
 */
export class Nb201Cell extends Layer {
  readonly edges: ModuleList<Layer>;
  readonly #ops: { to: number; from: number; op: Nb201Op }[] = [];
  /** The output channels where they differ from the input's (a node no edge reaches is zeros of them), else null. */
  readonly #zeroShape: number | null;

  /** `inChannels` (default `channels`): the input's channels; edges from node 0 map them to `channels` (xautodl's InferCell). */
  constructor(sample: Sample, channels: number, options: InitOptions = {}, inChannels = channels) {
    super();
    const space = new Nb201Space();
    this.edges = this.registerModule('layers', new ModuleList<Layer>());
    for (const [to, from] of NB201_EDGES) {
      const op = space.op(sample, to, from);
      this.#ops.push({ to, from, op });
      this.edges.push(nb201Operation(op, channels, options, from === 0 ? inChannels : channels));
    }
    this.#zeroShape = inChannels === channels ? null : channels;
  }

  /** A node no edge reaches: zeros of the cell's output shape. */
  private zeros(x: Tensor): Tensor {
    if (this.#zeroShape === null) return mul(x, 0);
    const [n, , h, w] = x.shape;
    return zeros([n, this.#zeroShape, h, w], x.dtype);
  }

  forward(x: Tensor): Tensor {
    const nodes: Tensor[] = [x];
    for (let to = 1; to <= 3; to++) {
      let sum: Tensor | null = null;
      this.#ops.forEach(({ to: t, from, op }, k) => {
        if (t !== to || op === 'none') return;
        const y = this.edges.at(k).forward(nodes[from]);
        sum = sum === null ? y : add(sum, y);
      });
      nodes.push(sum ?? this.zeros(x));
    }
    return nodes[3];
  }
}

/** Options of {@link Nb201Network}. */
export interface Nb201NetworkOptions extends InitOptions {
  /** Channels of the first stage (C, default 16); stages have C, 2C, 4C. */
  channels?: number;
  /** Cells per stage (N, default 5). */
  cells?: number;
  numClasses?: number;
  inChannels?: number;
}

/**
 * The NAS-Bench-201 network (xautodl's TinyNetwork): a 3x3 conv + BN stem, three stages of N cells
 * at C, 2C and 4C channels joined by residual reduction blocks, BN-ReLU, global average pooling and
 * a linear classifier. With C=16, N=5 and 10 classes its parameter count equals the benchmark's records.
 */
export class Nb201Network extends Layer {
  readonly stem: Sequential;
  readonly cells: ModuleList<Layer>;
  readonly lastact: Sequential;
  readonly pool: GlobalAvgPool2d;
  readonly classifier: Linear;
  readonly arch: string;

  constructor(arch: Sample | string, options: Nb201NetworkOptions = {}) {
    super();
    const space = new Nb201Space();
    const sample = typeof arch === 'string' ? space.parse(arch) : space.freeze(arch);
    const error = space.check(sample);
    if (error) throw error;
    this.arch = space.format(sample);
    const c = options.channels ?? 16;
    const n = options.cells ?? 5;
    const numClasses = options.numClasses ?? 10;
    if (!Number.isInteger(c) || c < 1 || !Number.isInteger(n) || n < 1) {
      throw new SampleError('SAMPLE_INVALID_VALUE', `Nb201Network: channels (${c}) and cells (${n}) must be positive integers`, null);
    }
    const init = { generator: options.generator, dtype: options.dtype };
    this.stem = this.registerModule('stem', new Sequential(new Conv2d(options.inChannels ?? 3, c, 3, { padding: 1, bias: false, ...init }), new BatchNorm2d(c, { dtype: options.dtype })));
    this.cells = this.registerModule('cells', new ModuleList<Layer>());
    let previous = c;
    for (const [stage, width] of [c, 2 * c, 4 * c].entries()) {
      if (stage > 0) this.cells.push(new ResNetBasicBlock(previous, width, 2, init));
      for (let i = 0; i < n; i++) this.cells.push(new Nb201Cell(sample, width, init));
      previous = width;
    }
    this.lastact = this.registerModule('lastact', new Sequential(new BatchNorm2d(previous, { dtype: options.dtype }), new ReLU()));
    this.pool = this.registerModule('global_pooling', new GlobalAvgPool2d());
    this.classifier = this.registerModule('classifier', new Linear(previous, numClasses, init));
  }

  forward(x: Tensor): Tensor {
    let y = this.stem.forward(x);
    for (const cell of this.cells) y = cell.forward(y);
    return this.classifier.forward(this.pool.forward(this.lastact.forward(y)));
  }
}

/**
 * The network of `sample` in `space` as the network registry (`engine/models/networks.ts`) builds it:
 * C and N from the space's `channels` and `cells` options, the data set's channels and classes from `io`.
 */
export function buildNb201Network(space: Space, sample: Sample, io: NetworkIo): Nb201Network {
  return new Nb201Network(sample, { channels: optionValue(space, NB201_OPTIONS, 'channels') as number, cells: optionValue(space, NB201_OPTIONS, 'cells') as number, ...io });
}
