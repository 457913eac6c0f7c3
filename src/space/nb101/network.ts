// The engine side of the NAS-Bench-101 space: its network in `engine/nn` modules. Not re-exported by
// this folder's index.ts (which runs without the engine); reached through `engine/models/`.
import { ConfigError, SampleError } from '../../errors.js';
import type { NetworkIo } from '../../engine/models/model-space.js';
import { GlobalAvgPool2d, Identity, MaxPool2d, ReLU } from '../../engine/nn/basic.js';
import { ModuleList, Sequential } from '../../engine/nn/container.js';
import { Conv2d } from '../../engine/nn/conv.js';
import { Linear, type InitOptions } from '../../engine/nn/linear.js';
import { Layer } from '../../engine/nn/module.js';
import { HalvingMaxPool } from '../../engine/nn/nas-ops.js';
import { BatchNorm2d } from '../../engine/nn/norm.js';
import { add } from '../../engine/ops/elementwise.js';
import { cat, narrow } from '../../engine/ops/shape.js';
import type { Tensor } from '../../engine/tensor.js';
import { optionValue } from '../options.js';
import type { Sample, Space } from '../types.js';
import type { Nb101Spec } from './graph.js';
import { NB101_OPTIONS, Nb101Space } from './space.js';

/** Conv k×k (same padding, no bias) → BN → ReLU as a plain Sequential: NAS-Bench-101's `conv_bn_relu`. */
export function convBnRelu(cIn: number, cOut: number, kernel: number, options: InitOptions = {}): Sequential {
  return new Sequential(new Conv2d(cIn, cOut, kernel, { padding: (kernel - 1) / 2, bias: false, generator: options.generator, dtype: options.dtype }), new BatchNorm2d(cOut, { dtype: options.dtype }), new ReLU());
}

/**
 * NAS-Bench-101's `compute_vertex_channels`: the output channels are split evenly over the vertices
 * feeding the output (the remainder to the first ones); every other vertex gets the largest width
 * of the vertices it feeds. Throws `ConfigError` `NB101_TOO_FEW_CHANNELS` when the output has fewer
 * channels than vertices feeding it (one would get none).
 */
export function nb101VertexChannels(inChannels: number, outChannels: number, matrix: readonly (readonly number[])[]): number[] {
  const n = matrix.length;
  const channels = new Array<number>(n).fill(0);
  channels[0] = inChannels;
  channels[n - 1] = outChannels;
  if (n === 2) return channels;
  let inDegreeOut = 0;
  for (let v = 1; v < n; v++) inDegreeOut += matrix[v][n - 1];
  if (inDegreeOut > outChannels) {
    throw new ConfigError(
      'NB101_TOO_FEW_CHANNELS',
      `NB-101 cell: ${outChannels} output channels cannot be split among the ${inDegreeOut} vertices that feed the output (each needs at least one); this cell needs at least ${inDegreeOut}, and every NB-101 cell builds from 4 up (at most 4 vertices feed the output within the 9 edges; space option channels >= 4)`,
    );
  }
  const interior = Math.floor(outChannels / inDegreeOut);
  let correction = outChannels % inDegreeOut;
  for (let v = 1; v < n - 1; v++) {
    if (matrix[v][n - 1]) {
      channels[v] = interior;
      if (correction > 0) {
        channels[v] += 1;
        correction -= 1;
      }
    }
  }
  for (let v = n - 3; v > 0; v--) {
    if (!matrix[v][n - 1]) {
      for (let dst = v + 1; dst < n - 1; dst++) if (matrix[v][dst]) channels[v] = Math.max(channels[v], channels[dst]);
    }
  }
  return channels;
}

/**
 * A NAS-Bench-101 cell (`build_module` of the benchmark's `model_builder.py`) on the pruned spec:
 * vertex t sums its inputs (earlier vertices truncated to its width, the cell input through a 1x1
 * projection) and applies its op; the output concatenates the vertices that feed it, plus a
 * projection of the input when the input feeds the output directly.
 */
export class Nb101Cell extends Layer {
  readonly projections: ModuleList<Layer>;
  readonly vertexOps: ModuleList<Layer>;
  readonly outputProjection: Layer | null;
  readonly #spec: Nb101Spec;
  readonly #channels: number[];

  constructor(spec: Nb101Spec, inChannels: number, outChannels: number, options: InitOptions = {}) {
    super();
    const { matrix, ops } = spec;
    const n = matrix.length;
    this.#spec = spec;
    this.#channels = nb101VertexChannels(inChannels, outChannels, matrix);
    this.projections = this.registerModule('projections', new ModuleList<Layer>());
    this.vertexOps = this.registerModule('ops', new ModuleList<Layer>());
    for (let t = 1; t < n - 1; t++) {
      const c = this.#channels[t];
      this.projections.push(matrix[0][t] ? convBnRelu(inChannels, c, 1, options) : new Identity());
      const op = ops[t];
      this.vertexOps.push(op === 'conv3x3-bn-relu' ? convBnRelu(c, c, 3, options) : op === 'conv1x1-bn-relu' ? convBnRelu(c, c, 1, options) : new MaxPool2d(3, 1, 1));
    }
    this.outputProjection = matrix[0][n - 1] ? this.registerModule('output_projection', convBnRelu(inChannels, outChannels, 1, options)) : null;
  }

  /** The pruned cell (adjacency matrix and vertex operations) this cell computes. */
  get spec(): Nb101Spec {
    return this.#spec;
  }

  /** The channels of each vertex (input, interior vertices, output), as `nb101VertexChannels` gives them. */
  get vertexChannels(): readonly number[] {
    return this.#channels;
  }

  forward(x: Tensor): Tensor {
    const { matrix } = this.#spec;
    const n = matrix.length;
    const tensors: Tensor[] = [x];
    const concat: Tensor[] = [];
    for (let t = 1; t < n - 1; t++) {
      const c = this.#channels[t];
      const inputs: Tensor[] = [];
      for (let src = 1; src < t; src++) if (matrix[src][t]) inputs.push(tensors[src].shape[1] > c ? narrow(tensors[src], 1, 0, c) : tensors[src]);
      if (matrix[0][t]) inputs.push(this.projections.at(t - 1).forward(x));
      const sum = inputs.reduce((a, b) => add(a, b));
      tensors.push(this.vertexOps.at(t - 1).forward(sum));
      if (matrix[t][n - 1]) concat.push(tensors[t]);
    }
    if (concat.length === 0) return this.outputProjection!.forward(x);
    const out = concat.length === 1 ? concat[0] : cat(concat, 1);
    return this.outputProjection ? add(out, this.outputProjection.forward(x)) : out;
  }
}

/** Options of {@link Nb101Network}. */
export interface Nb101NetworkOptions extends InitOptions {
  /** Stem channels (NAS-Bench-101: 128; default 128). */
  channels?: number;
  /** Stacks of cells, with 2x2 max pooling and doubled channels between them (3). */
  stacks?: number;
  /** Cells per stack (3). */
  cellsPerStack?: number;
  numClasses?: number;
  inChannels?: number;
}

/**
 * The NAS-Bench-101 network: a 3x3 conv-BN-ReLU stem, `stacks` stacks of `cellsPerStack` cells, a
 * 2x2 max pooling before every stack but the first (where the channels double; an odd side halves
 * to ceil(n/2), as the benchmark's TF `padding='same'`), global average pooling and a linear classifier.
 */
export class Nb101Network extends Layer {
  readonly stem: Sequential;
  readonly layers: ModuleList<Layer>;
  readonly pool: GlobalAvgPool2d;
  readonly classifier: Linear;

  constructor(arch: Sample | string, options: Nb101NetworkOptions = {}) {
    super();
    const space = new Nb101Space();
    const sample = typeof arch === 'string' ? space.parse(arch) : space.freeze(arch);
    const spec = space.prunedSpec(sample);
    if (spec === null) throw new SampleError('SAMPLE_DISCONNECTED', 'Nb101Network: the cell does not connect its input to its output', 'matrix');
    const c = options.channels ?? 128;
    const stacks = options.stacks ?? 3;
    const perStack = options.cellsPerStack ?? 3;
    for (const [name, v] of [['channels', c], ['stacks', stacks], ['cellsPerStack', perStack]] as const) {
      if (!Number.isInteger(v) || v < 1) throw new RangeError(`Nb101Network: ${name} must be a positive integer, got ${v}`);
    }
    const init = { generator: options.generator, dtype: options.dtype };
    this.stem = this.registerModule('stem', convBnRelu(options.inChannels ?? 3, c, 3, init));
    this.layers = this.registerModule('layers', new ModuleList<Layer>());
    let channels = c;
    for (let stack = 0; stack < stacks; stack++) {
      const cIn = channels;
      if (stack > 0) {
        this.layers.push(new HalvingMaxPool());
        channels *= 2;
      }
      for (let m = 0; m < perStack; m++) this.layers.push(new Nb101Cell(spec, m === 0 ? cIn : channels, channels, init));
    }
    this.pool = this.registerModule('global_pooling', new GlobalAvgPool2d());
    this.classifier = this.registerModule('classifier', new Linear(channels, options.numClasses ?? 10, init));
  }

  forward(x: Tensor): Tensor {
    let y = this.stem.forward(x);
    for (const layer of this.layers) y = layer.forward(y);
    return this.classifier.forward(this.pool.forward(y));
  }
}

/**
 * The network of `sample` in `space` as the network registry (`engine/models/networks.ts`) builds it:
 * stem channels, stacks and cells per stack from the space's options, the data set's channels and
 * classes from `io`.
 */
export function buildNb101Network(space: Space, sample: Sample, io: NetworkIo): Nb101Network {
  const option = (name: string) => optionValue(space, NB101_OPTIONS, name) as number;
  return new Nb101Network(sample, { channels: option('channels'), stacks: option('stacks'), cellsPerStack: option('cells_per_stack'), ...io });
}
