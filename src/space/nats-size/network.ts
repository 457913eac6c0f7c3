// The engine side of the NATS-Bench size space: its network in `engine/nn` modules, on NB201's cell.
// Not re-exported by this folder's index.ts (which runs without the engine); reached through
// `engine/models/`.
import type { NetworkIo } from '../../engine/models/model-space.js';
import { GlobalAvgPool2d, ReLU } from '../../engine/nn/basic.js';
import { ModuleList, Sequential } from '../../engine/nn/container.js';
import { Conv2d } from '../../engine/nn/conv.js';
import { Linear, type InitOptions } from '../../engine/nn/linear.js';
import { Layer } from '../../engine/nn/module.js';
import { ResNetBasicBlock } from '../../engine/nn/nas-ops.js';
import { BatchNorm2d } from '../../engine/nn/norm.js';
import type { Tensor } from '../../engine/tensor.js';
import { Nb201Cell } from '../nb201/network.js';
import { Nb201Space } from '../nb201/space.js';
import type { Sample, Space } from '../types.js';
import { NATS_SIZE_LAYERS, NatsSizeSpace } from './space.js';

/** The fixed cell of NATS-Bench's size space (the best cell of its topology space). */
export const NATS_SIZE_CELL = '|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_3x3~2|';

/** Options of {@link NatsSizeNetwork}. */
export interface NatsSizeNetworkOptions extends InitOptions {
  numClasses?: number;
  inChannels?: number;
}

/**
 * The network of NATS-Bench's size space (xautodl's `DynamicShapeTinyNet` with 5 layers): a 3x3 conv +
 * BN stem to the first layer's channels, then cell, residual reduction block, cell, residual reduction
 * block, cell, each with its own channel count (the sample's `channels_0 … channels_4`), BN-ReLU,
 * global average pooling and a linear classifier. The cell is {@link NATS_SIZE_CELL}.
 */
export class NatsSizeNetwork extends Layer {
  readonly stem: Sequential;
  readonly cells: ModuleList<Layer>;
  readonly lastact: Sequential;
  readonly pool: GlobalAvgPool2d;
  readonly classifier: Linear;

  constructor(arch: Sample | string, options: NatsSizeNetworkOptions = {}) {
    super();
    const space = new NatsSizeSpace();
    const sample = typeof arch === 'string' ? space.parse(arch) : space.freeze(arch);
    const channels = Array.from({ length: NATS_SIZE_LAYERS }, (_, i) => space.channels(sample, i));
    const init = { generator: options.generator, dtype: options.dtype };
    const topology = new Nb201Space().parse(NATS_SIZE_CELL);
    this.stem = this.registerModule('stem', new Sequential(new Conv2d(options.inChannels ?? 3, channels[0], 3, { padding: 1, bias: false, ...init }), new BatchNorm2d(channels[0], { dtype: options.dtype })));
    this.cells = this.registerModule('cells', new ModuleList<Layer>());
    let previous = channels[0];
    channels.forEach((c, i) => {
      this.cells.push(i % 2 === 1 ? new ResNetBasicBlock(previous, c, 2, init) : new Nb201Cell(topology, c, init, previous));
      previous = c;
    });
    this.lastact = this.registerModule('lastact', new Sequential(new BatchNorm2d(previous, { dtype: options.dtype }), new ReLU()));
    this.pool = this.registerModule('global_pooling', new GlobalAvgPool2d());
    this.classifier = this.registerModule('classifier', new Linear(previous, options.numClasses ?? 10, init));
  }

  forward(x: Tensor): Tensor {
    let y = this.stem.forward(x);
    for (const cell of this.cells) y = cell.forward(y);
    return this.classifier.forward(this.pool.forward(this.lastact.forward(y)));
  }
}

/**
 * The network of `sample` as the network registry (`engine/models/networks.ts`) builds it: the
 * widths come from the sample (the space has no options), the data set's channels and classes from `io`.
 */
export function buildNatsSizeNetwork(_space: Space, sample: Sample, io: NetworkIo): NatsSizeNetwork {
  return new NatsSizeNetwork(sample, io);
}
