// The engine side of the layer-wise spaces (mbconv, fbnet): their network in `engine/nn` modules. Not
// re-exported by this folder's index.ts (which runs without the engine); reached through `engine/models/`.
import type { NetworkIo } from '../../engine/models/model-space.js';
import { AvgPool2d, GlobalAvgPool2d, Identity, ReLU } from '../../engine/nn/basic.js';
import { ModuleList, Sequential } from '../../engine/nn/container.js';
import { Conv2d } from '../../engine/nn/conv.js';
import { Linear, type InitOptions } from '../../engine/nn/linear.js';
import { MBConv } from '../../engine/nn/mbconv.js';
import { Layer } from '../../engine/nn/module.js';
import { FactorizedReduce } from '../../engine/nn/nas-ops.js';
import { BatchNorm2d } from '../../engine/nn/norm.js';
import type { Tensor } from '../../engine/tensor.js';
import { optionValue } from '../options.js';
import type { Sample, Space } from '../types.js';
import { LayerwiseSpace, layerwiseOptions } from './space.js';

/** One stage of a layer-wise backbone: output channels, stride of its first layer, and its share of the searchable layers. */
export interface LayerwiseStage {
  readonly channels: number;
  readonly stride: number;
  readonly layers: number;
}

/** A layer-wise backbone: stem, a fixed first block, the searchable stages, the last 1x1 conv. */
export interface LayerwiseBackbone {
  readonly stem: number;
  /** The fixed first block (MBConv k3, expansion 1) to these channels. */
  readonly first: number;
  readonly stages: readonly LayerwiseStage[];
  readonly head: number;
}

/**
 * ProxylessNAS' mobile backbone (21 searchable layers in stages of 4, 4, 4, 4, 4, 1), adapted to
 * 32×32 inputs as CIFAR versions do: stem and first stage at stride 1 (the ImageNet network has 2 and 2).
 */
export const PROXYLESS_BACKBONE: LayerwiseBackbone = {
  stem: 32,
  first: 16,
  stages: [
    { channels: 24, stride: 1, layers: 4 },
    { channels: 40, stride: 2, layers: 4 },
    { channels: 80, stride: 2, layers: 4 },
    { channels: 96, stride: 1, layers: 4 },
    { channels: 192, stride: 2, layers: 4 },
    { channels: 320, stride: 1, layers: 1 },
  ],
  head: 1280,
};

/** FBNet's backbone (22 searchable layers in stages of 1, 4, 4, 4, 4, 4, 1), stem and first stages at stride 1 for 32×32 inputs. */
export const FBNET_BACKBONE: LayerwiseBackbone = {
  stem: 16,
  first: 16,
  stages: [
    { channels: 16, stride: 1, layers: 1 },
    { channels: 24, stride: 1, layers: 4 },
    { channels: 32, stride: 2, layers: 4 },
    { channels: 64, stride: 2, layers: 4 },
    { channels: 112, stride: 1, layers: 4 },
    { channels: 184, stride: 2, layers: 4 },
    { channels: 352, stride: 1, layers: 1 },
  ],
  head: 1504,
};

/** Channels scaled by a width multiplier, rounded to a multiple of 8 (at least 8), as MobileNet does. */
export function scaleChannels(channels: number, widthMult: number): number {
  return Math.max(8, Math.round((channels * widthMult) / 8) * 8);
}

/**
 * How many searchable layers each stage gets when the space has `layers` of them: the backbone's
 * shares scaled (largest remainders first), every stage at least one; this is the depth multiplier.
 */
export function stageLayers(backbone: LayerwiseBackbone, layers: number): number[] {
  const stages = backbone.stages.length;
  if (layers < stages) throw new RangeError(`layer-wise network: ${layers} searchable layers cannot fill the backbone's ${stages} stages; use at least ${stages}`);
  const total = backbone.stages.reduce((s, st) => s + st.layers, 0);
  const exact = backbone.stages.map((st) => 1 + ((st.layers - 1) * (layers - stages)) / (total - stages));
  const counts = exact.map(Math.floor);
  let left = layers - counts.reduce((a, b) => a + b, 0);
  const order = exact.map((x, i) => [x - Math.floor(x), i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (const [, i] of order) {
    if (left <= 0) break;
    counts[i] += 1;
    left -= 1;
  }
  return counts;
}

/**
 * The block `k{kernel}_e{expansion}[_g2]` or `skip` from cIn to cOut channels at `stride`. A skip
 * where the shape changes (a stage's first layer) becomes a 1x1 FactorizedReduce, so that every
 * sample is a valid network.
 */
export function layerwiseBlock(block: string, cIn: number, cOut: number, stride: number, options: InitOptions = {}): Layer {
  if (block === 'skip') return stride === 1 && cIn === cOut ? new Identity() : new FactorizedReduce(cIn, cOut, stride, options);
  const m = /^k(\d+)_e(\d+)(_g2)?$/.exec(block);
  if (!m) throw new RangeError(`layer-wise network: unknown block ${JSON.stringify(block)}; expected k{kernel}_e{expansion}[_g2] or skip`);
  return new MBConv(cIn, cOut, Number(m[1]), Number(m[2]), stride, { ...options, groups: m[3] ? 2 : 1 });
}

/** Options of {@link LayerwiseNetwork}. */
export interface LayerwiseNetworkOptions extends InitOptions {
  /** Multiplies every width (rounded to multiples of 8; default 1). */
  widthMult?: number;
  /** Input resolution divisor: the input is average-pooled by this integer factor first (default 1). */
  resolutionDivisor?: number;
  numClasses?: number;
  inChannels?: number;
}

/**
 * A layer-wise (MBConv / FBNet) network: a 3x3 conv-BN-ReLU stem, a fixed MBConv k3 e1 block, the
 * searchable blocks stage by stage (each stage's first layer carries its stride and width change),
 * a 1x1 conv-BN-ReLU, global average pooling and a linear classifier.
 */
export class LayerwiseNetwork extends Layer {
  readonly resize: AvgPool2d | null;
  readonly stem: Sequential;
  readonly blocks: ModuleList<Layer>;
  readonly head: Sequential;
  readonly pool: GlobalAvgPool2d;
  readonly classifier: Linear;

  constructor(blocks: readonly string[], backbone: LayerwiseBackbone, options: LayerwiseNetworkOptions = {}) {
    super();
    const w = options.widthMult ?? 1;
    const r = options.resolutionDivisor ?? 1;
    if (!(w > 0) || !Number.isInteger(r) || r < 1) throw new RangeError(`LayerwiseNetwork: widthMult must be > 0 and resolutionDivisor a positive integer, got ${w}, ${r}`);
    const init = { generator: options.generator, dtype: options.dtype };
    const bn = (c: number): BatchNorm2d => new BatchNorm2d(c, { dtype: options.dtype });
    this.resize = r === 1 ? null : this.registerModule('resize', new AvgPool2d(r, r, 0));
    const stem = scaleChannels(backbone.stem, w);
    this.stem = this.registerModule('stem', new Sequential(new Conv2d(options.inChannels ?? 3, stem, 3, { padding: 1, bias: false, ...init }), bn(stem), new ReLU()));
    this.blocks = this.registerModule('blocks', new ModuleList<Layer>());
    let c = scaleChannels(backbone.first, w);
    this.blocks.push(new MBConv(stem, c, 3, 1, 1, init));
    const counts = stageLayers(backbone, blocks.length);
    let at = 0;
    backbone.stages.forEach((stage, s) => {
      const cOut = scaleChannels(stage.channels, w);
      for (let i = 0; i < counts[s]; i++) {
        this.blocks.push(layerwiseBlock(blocks[at++], c, cOut, i === 0 ? stage.stride : 1, init));
        c = cOut;
      }
    });
    const head = scaleChannels(backbone.head, Math.max(1, w));
    this.head = this.registerModule('head', new Sequential(new Conv2d(c, head, 1, { bias: false, ...init }), bn(head), new ReLU()));
    this.pool = this.registerModule('global_pooling', new GlobalAvgPool2d());
    this.classifier = this.registerModule('classifier', new Linear(head, options.numClasses ?? 10, init));
  }

  forward(x: Tensor): Tensor {
    let y = this.stem.forward(this.resize ? this.resize.forward(x) : x);
    for (const block of this.blocks) y = block.forward(y);
    return this.classifier.forward(this.pool.forward(this.head.forward(y)));
  }
}

/**
 * The network of `sample` in a layer-wise `space` on `backbone`, as the network registry
 * (`engine/models/networks.ts`) builds it: the blocks from the sample, width and resolution
 * multipliers from the space's options, the data set's channels and classes from `io`.
 */
function buildLayerwiseNetwork(space: Space, sample: Sample, io: NetworkIo, backbone: LayerwiseBackbone): LayerwiseNetwork {
  if (!(space instanceof LayerwiseSpace)) throw new TypeError(`buildLayerwiseNetwork: space ${space.name} is not a layer-wise space`);
  const option = (name: string) => optionValue(space, layerwiseOptions(space.layers), name) as number;
  const blocks = Array.from({ length: space.layers }, (_, i) => space.block(sample, i));
  return new LayerwiseNetwork(blocks, backbone, {
    widthMult: option('width_mult'),
    resolutionDivisor: Math.round(1 / option('resolution_mult')),
    inChannels: io.inChannels,
    numClasses: io.numClasses,
    generator: io.generator,
  });
}

/** The `mbconv` space's network: its blocks on ProxylessNAS' backbone (as `buildLayerwiseNetwork` above). */
export function buildMbconvNetwork(space: Space, sample: Sample, io: NetworkIo): LayerwiseNetwork {
  return buildLayerwiseNetwork(space, sample, io, PROXYLESS_BACKBONE);
}

/** The `fbnet` space's network: its blocks on FBNet's backbone (as `buildLayerwiseNetwork` above). */
export function buildFbnetNetwork(space: Space, sample: Sample, io: NetworkIo): LayerwiseNetwork {
  return buildLayerwiseNetwork(space, sample, io, FBNET_BACKBONE);
}
