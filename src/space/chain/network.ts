// The engine side of the chain space: its network in `engine/nn` modules. Not re-exported by this
// folder's index.ts (which runs without the engine); reached through `engine/models/`.
import type { NetworkIo } from '../../engine/models/model-space.js';
import { AvgPool2d, GlobalAvgPool2d, MaxPool2d } from '../../engine/nn/basic.js';
import { ModuleList, Sequential } from '../../engine/nn/container.js';
import { Conv2d } from '../../engine/nn/conv.js';
import { Linear, type InitOptions } from '../../engine/nn/linear.js';
import { Layer } from '../../engine/nn/module.js';
import { ReLUConvBN, SepConv } from '../../engine/nn/nas-ops.js';
import { BatchNorm2d } from '../../engine/nn/norm.js';
import { add } from '../../engine/ops/elementwise.js';
import { avgPool2d } from '../../engine/ops/nn.js';
import type { Tensor } from '../../engine/tensor.js';
import { optionValue } from '../options.js';
import type { Sample, Space } from '../types.js';
import { CHAIN_OPTIONS, ChainSpace, type ChainOp } from './space.js';

/** The operation of a chain-space layer at `c` channels, stride 1. */
export function chainOperation(op: ChainOp, c: number, options: InitOptions = {}): Layer {
  switch (op) {
    case 'conv3x3':
      return new ReLUConvBN(c, c, 3, 1, 1, 1, options);
    case 'conv5x5':
      return new ReLUConvBN(c, c, 5, 1, 2, 1, options);
    case 'sepconv3x3':
      return new SepConv(c, c, 3, 1, 1, 1, options);
    case 'sepconv5x5':
      return new SepConv(c, c, 5, 1, 2, 1, options);
    case 'maxpool3x3':
      return new MaxPool2d(3, 1, 1);
    case 'avgpool3x3':
      return new AvgPool2d(3, 1, 1, false);
  }
}

/**
 * One layer of the chain network: its operation on the previous layer's output, plus the outputs of
 * the earlier layers it takes skip connections from, then BN (ENAS' macro child). `forwardWith` is
 * given every earlier output, already at this layer's resolution.
 */
export class ChainLayer extends Layer {
  readonly op: Layer;
  readonly bn: BatchNorm2d;
  constructor(
    op: ChainOp,
    c: number,
    readonly skips: readonly number[],
    options: InitOptions = {},
  ) {
    super();
    this.op = this.registerModule('op', chainOperation(op, c, options));
    this.bn = this.registerModule('bn', new BatchNorm2d(c, { dtype: options.dtype }));
  }
  forwardWith(previous: readonly Tensor[]): Tensor {
    let y = this.op.forward(previous[previous.length - 1]);
    for (const i of this.skips) y = add(y, previous[i + 1]);
    return this.bn.forward(y);
  }
  /** The layer without skip connections. */
  forward(x: Tensor): Tensor {
    return this.forwardWith([x]);
  }
}

/** Options of {@link ChainNetwork}. */
export interface ChainNetworkOptions extends InitOptions {
  /** Channels of every layer (ENAS' macro search: 36; default 24). */
  channels?: number;
  numClasses?: number;
  inChannels?: number;
}

/**
 * The network of the chain macro space (NAS-RL / ENAS macro): a 3x3 conv + BN stem to C channels,
 * the L layers in sequence (layer j on layer j−1's output, plus the outputs of the layers its skip
 * bits name), the resolution halved by 2x2 average pooling of every kept output after layers
 * ⌊L/3⌋−1 and ⌊2L/3⌋−1 (ENAS' pooling layers, parameter-free here), global average pooling and a
 * linear classifier. Channels stay C throughout, as in ENAS' macro space.
 */
export class ChainNetwork extends Layer {
  readonly stem: Sequential;
  readonly layers: ModuleList<ChainLayer>;
  readonly pool: GlobalAvgPool2d;
  readonly classifier: Linear;
  readonly #poolAfter: number[];

  /** `arch`: a sample or the text form; the number of layers is the architecture's. */
  constructor(arch: Sample | string, options: ChainNetworkOptions = {}) {
    super();
    const layers = typeof arch === 'string' ? arch.trim().split(/\s+/).length : Object.keys(arch).filter((k) => k.endsWith('.op')).length;
    const space = new ChainSpace({ layers });
    const sample = typeof arch === 'string' ? space.parse(arch) : space.freeze(arch);
    const c = options.channels ?? 24;
    if (!Number.isInteger(c) || c < 1) throw new RangeError(`ChainNetwork: channels must be a positive integer, got ${c}`);
    const init = { generator: options.generator, dtype: options.dtype };
    const n = space.layers;
    this.#poolAfter = [Math.floor(n / 3) - 1, Math.floor((2 * n) / 3) - 1].filter((i) => i >= 0 && i < n - 1);
    this.stem = this.registerModule('stem', new Sequential(new Conv2d(options.inChannels ?? 3, c, 3, { padding: 1, bias: false, ...init }), new BatchNorm2d(c, { dtype: options.dtype })));
    this.layers = this.registerModule('layers', new ModuleList<ChainLayer>());
    for (let j = 0; j < n; j++) {
      const skips: number[] = [];
      for (let i = 0; i < j; i++) if (space.skip(sample, j, i)) skips.push(i);
      this.layers.push(new ChainLayer(space.op(sample, j), c, skips, init));
    }
    this.pool = this.registerModule('global_pooling', new GlobalAvgPool2d());
    this.classifier = this.registerModule('classifier', new Linear(c, options.numClasses ?? 10, init));
  }

  /** The layers after which every kept output is halved by 2x2 average pooling. */
  get poolAfter(): readonly number[] {
    return this.#poolAfter;
  }

  forward(x: Tensor): Tensor {
    // outputs[0] is the stem, outputs[i + 1] layer i's output.
    let outputs = [this.stem.forward(x)];
    let j = 0;
    for (const layer of this.layers) {
      outputs.push(layer.forwardWith(outputs));
      if (this.#poolAfter.includes(j)) outputs = outputs.map((t) => avgPool2d(t, 2, { stride: 2 }));
      j++;
    }
    return this.classifier.forward(this.pool.forward(outputs[outputs.length - 1]));
  }
}

/**
 * The network of `sample` in `space` as the network registry (`engine/models/networks.ts`) builds it:
 * its layers from the sample, their channels from the space's `channels` option, the data set's
 * channels and classes from `io`.
 */
export function buildChainNetwork(space: Space, sample: Sample, io: NetworkIo): ChainNetwork {
  return new ChainNetwork(sample, { channels: optionValue(space, CHAIN_OPTIONS, 'channels') as number, ...io });
}
