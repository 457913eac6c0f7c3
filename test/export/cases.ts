import type * as E from '../../src/engine/index.js';
import * as models from '../../src/engine/models/index.js';
import * as nn from '../../src/engine/nn/index.js';
import type { Module } from '../../src/engine/nn/module.js';
import type { Tensor } from '../../src/engine/tensor.js';
import type { ModuleType } from '../../src/export/index.js';
import { DartsSpace } from '../../src/space/darts/space.js';
import { Nb101Space } from '../../src/space/nb101/space.js';
import { Nb201Space } from '../../src/space/nb201/space.js';
import { createSpace } from '../../src/space/registry.js';
import type { Sample } from '../../src/space/types.js';
import { Rng } from '../../src/util/rng.js';

/** One module to export alone, applied to images of `input` ([C, H, W]). */
/** A case whose input is not a batch of images: fixed dims, its type, and how the engine's forward is called. */
export interface RawInput {
  readonly dims: readonly number[];
  readonly dtype: 'float32' | 'int64';
  /** int64 inputs are drawn from [0, high). */
  readonly high?: number;
  readonly reference: (module: Module, x: Tensor) => Tensor;
}

export interface HandlerCase {
  readonly name: string;
  /** The module type whose handler this case tests (every handler needs one). */
  readonly type: ModuleType;
  readonly input: readonly [number, number, number];
  readonly build: (g: E.Generator) => Module;
  /** Set for modules that take no images (recurrent ones); `input` is then unused. */
  readonly raw?: RawInput;
}

const ARCH = '|nor_conv_3x3~0|+|avg_pool_3x3~0|skip_connect~1|+|none~0|nor_conv_1x1~1|avg_pool_3x3~2|';
const { Conv2d, BatchNorm2d, Linear, ReLU, Dropout, Identity, Flatten, MaxPool2d, AvgPool2d, GlobalAvgPool2d, Sequential } = nn;
const { ReLUConvBN, SepConv, DilConv, DualSepConv, Zero, FactorizedReduce, Pooling, ResNetBasicBlock, HalvingAvgPool, HalvingMaxPool } = nn;

/** A random architecture of a registered space (its network at the given options), drawn from `seed`. */
const drawn = (name: string, options: Record<string, number | boolean>, seed: number): { arch: string; sample: Sample } => {
  const space = createSpace(name, options);
  const sample = space.random(new Rng(seed));
  return { arch: space.format(sample), sample };
};

/** An NB101 cell with every kind of vertex input (projection, earlier vertices cut to fewer channels) and an output projection. */
const NB101_CELL = new Nb101Space().parse(JSON.stringify({
  matrix: [
    [0, 1, 1, 0, 0, 0, 1],
    [0, 0, 0, 1, 0, 0, 0],
    [0, 0, 0, 1, 1, 0, 0],
    [0, 0, 0, 0, 0, 0, 1],
    [0, 0, 0, 0, 0, 1, 0],
    [0, 0, 0, 0, 0, 0, 1],
    [0, 0, 0, 0, 0, 0, 0],
  ],
  ops: ['input', 'conv3x3-bn-relu', 'maxpool3x3', 'conv1x1-bn-relu', 'conv3x3-bn-relu', 'maxpool3x3', 'output'],
}));

/** The table: each handler against the engine's own forward pass, several settings each. */
export const CASES: readonly HandlerCase[] = [
  { name: 'Conv2d 3x3 with bias', type: Conv2d, input: [3, 9, 9], build: (g) => new Conv2d(3, 5, 3, { padding: 1, generator: g }) },
  { name: 'Conv2d stride 2, no bias, odd size', type: Conv2d, input: [4, 9, 7], build: (g) => new Conv2d(4, 6, 3, { stride: 2, padding: 1, bias: false, generator: g }) },
  { name: 'Conv2d groups 2, dilation 2', type: Conv2d, input: [4, 11, 11], build: (g) => new Conv2d(4, 6, 3, { padding: 2, dilation: 2, groups: 2, generator: g }) },
  { name: 'Conv2d depthwise 5x5 stride 2 dilation 2', type: Conv2d, input: [6, 12, 12], build: (g) => new Conv2d(6, 6, 5, { stride: 2, padding: 4, dilation: 2, groups: 6, bias: false, generator: g }) },
  { name: 'BatchNorm2d (inference form, running statistics)', type: BatchNorm2d, input: [5, 6, 6], build: () => new BatchNorm2d(5, { eps: 1e-3 }) },
  { name: 'BatchNorm2d without affine parameters', type: BatchNorm2d, input: [3, 4, 4], build: () => new BatchNorm2d(3, { affine: false }) },
  { name: 'Flatten then Linear', type: Linear, input: [2, 3, 3], build: (g) => new Sequential(new Flatten(), new Linear(18, 7, { generator: g })) },
  { name: 'Linear without bias', type: Linear, input: [4, 3, 3], build: (g) => new Sequential(new GlobalAvgPool2d(), new Linear(4, 3, { bias: false, generator: g })) },
  { name: 'Flatten', type: Flatten, input: [2, 3, 5], build: () => new Flatten() },
  { name: 'ReLU', type: ReLU, input: [3, 5, 5], build: () => new ReLU() },
  { name: 'Dropout (identity in evaluation)', type: Dropout, input: [3, 5, 5], build: () => new Sequential(new Dropout(0.5), new ReLU()) },
  { name: 'Identity', type: Identity, input: [3, 5, 5], build: () => new Identity() },
  { name: 'MaxPool2d 2x2', type: MaxPool2d, input: [3, 8, 8], build: () => new MaxPool2d(2) },
  { name: 'MaxPool2d 3x3 stride 2 padding 1, odd size', type: MaxPool2d, input: [2, 7, 9], build: () => new MaxPool2d(3, 2, 1) },
  { name: 'AvgPool2d 3x3 over real pixels', type: AvgPool2d, input: [3, 7, 7], build: () => new AvgPool2d(3, 1, 1, false) },
  { name: 'AvgPool2d 3x3 stride 2 counting padding', type: AvgPool2d, input: [3, 9, 8], build: () => new AvgPool2d(3, 2, 1, true) },
  { name: 'GlobalAvgPool2d', type: GlobalAvgPool2d, input: [5, 6, 4], build: () => new GlobalAvgPool2d() },
  { name: 'Sequential', type: Sequential, input: [3, 8, 8], build: (g) => new Sequential(new Conv2d(3, 4, 3, { generator: g }), new BatchNorm2d(4), new ReLU(), new MaxPool2d(2)) },
  { name: 'ReLUConvBN 3x3', type: ReLUConvBN, input: [4, 8, 8], build: (g) => new ReLUConvBN(4, 6, 3, 1, 1, 1, { generator: g }) },
  { name: 'ReLUConvBN 1x1 stride 2', type: ReLUConvBN, input: [4, 9, 9], build: (g) => new ReLUConvBN(4, 4, 1, 2, 0, 1, { generator: g }) },
  { name: 'SepConv 3x3', type: SepConv, input: [4, 8, 8], build: (g) => new SepConv(4, 6, 3, 1, 1, 1, { generator: g }) },
  { name: 'SepConv 5x5 stride 2', type: SepConv, input: [4, 9, 9], build: (g) => new SepConv(4, 4, 5, 2, 2, 1, { generator: g }) },
  { name: 'DilConv 3x3 (DARTS dil_conv_3x3)', type: DilConv, input: [4, 8, 8], build: (g) => new DilConv(4, 4, 3, 1, 2, 2, { generator: g }) },
  { name: 'DilConv 5x5 stride 2 (DARTS dil_conv_5x5, reduction)', type: DilConv, input: [4, 10, 10], build: (g) => new DilConv(4, 8, 5, 2, 4, 2, { generator: g }) },
  { name: 'DualSepConv 3x3 (DARTS sep_conv_3x3)', type: DualSepConv, input: [4, 8, 8], build: (g) => new DualSepConv(4, 4, 3, 1, 1, { generator: g }) },
  { name: 'DualSepConv 5x5 stride 2', type: DualSepConv, input: [4, 9, 9], build: (g) => new DualSepConv(4, 6, 5, 2, 2, { generator: g }) },
  { name: 'Zero, same shape', type: Zero, input: [3, 6, 6], build: () => new Sequential(new Zero(3, 3, 1), new ReLU()) },
  { name: 'Zero, stride 2 and more channels, odd size', type: Zero, input: [3, 7, 7], build: () => new Zero(3, 6, 2) },
  { name: 'FactorizedReduce stride 2', type: FactorizedReduce, input: [4, 8, 8], build: (g) => new FactorizedReduce(4, 6, 2, { generator: g }) },
  { name: 'FactorizedReduce stride 2, odd channels and size', type: FactorizedReduce, input: [3, 7, 9], build: (g) => new FactorizedReduce(3, 5, 2, { generator: g }) },
  { name: 'FactorizedReduce stride 1', type: FactorizedReduce, input: [4, 6, 6], build: (g) => new FactorizedReduce(4, 6, 1, { generator: g }) },
  { name: 'Pooling (avg_pool_3x3)', type: Pooling, input: [4, 7, 7], build: (g) => new Pooling(4, 4, 1, { generator: g }) },
  { name: 'Pooling with a 1x1 preprocess, stride 2', type: Pooling, input: [4, 8, 8], build: (g) => new Pooling(4, 6, 2, { generator: g }) },
  { name: 'ResNetBasicBlock stride 2', type: ResNetBasicBlock, input: [4, 8, 8], build: (g) => new ResNetBasicBlock(4, 8, 2, { generator: g }) },
  { name: 'ResNetBasicBlock stride 2, odd sizes', type: ResNetBasicBlock, input: [4, 7, 9], build: (g) => new ResNetBasicBlock(4, 8, 2, { generator: g }) },
  { name: 'HalvingAvgPool, even size', type: HalvingAvgPool, input: [3, 8, 6], build: () => new HalvingAvgPool() },
  { name: 'HalvingAvgPool, odd height, even width', type: HalvingAvgPool, input: [3, 7, 6], build: () => new HalvingAvgPool() },
  { name: 'HalvingAvgPool, odd sizes', type: HalvingAvgPool, input: [3, 5, 9], build: () => new HalvingAvgPool() },
  { name: 'HalvingMaxPool, even size', type: HalvingMaxPool, input: [3, 8, 6], build: () => new HalvingMaxPool() },
  { name: 'HalvingMaxPool, odd sizes', type: HalvingMaxPool, input: [3, 7, 1], build: () => new HalvingMaxPool() },
  { name: 'ResNetBasicBlock stride 1, same width', type: ResNetBasicBlock, input: [4, 6, 6], build: (g) => new ResNetBasicBlock(4, 4, 1, { generator: g }) },
  { name: 'ResNetBasicBlock stride 1, wider', type: ResNetBasicBlock, input: [4, 6, 6], build: (g) => new ResNetBasicBlock(4, 6, 1, { generator: g }) },
  { name: 'Embedding', type: nn.Embedding, input: [1, 1, 1], build: (g) => new nn.Embedding(7, 5, { generator: g }), raw: { dims: [4, 3], dtype: 'int64', high: 7, reference: (m, x) => (m as nn.Embedding).forward(x) } },
  { name: 'LSTM, one layer', type: nn.LSTM, input: [1, 1, 1], build: (g) => new nn.LSTM(5, 6, { generator: g }), raw: { dims: [3, 4, 5], dtype: 'float32', reference: (m, x) => (m as nn.LSTM).forward(x).output } },
  { name: 'LSTM, two layers without bias', type: nn.LSTM, input: [1, 1, 1], build: (g) => new nn.LSTM(5, 4, { numLayers: 2, bias: false, generator: g }), raw: { dims: [4, 2, 5], dtype: 'float32', reference: (m, x) => (m as nn.LSTM).forward(x).output } },
  { name: 'LSTMCell from a zero state', type: nn.LSTMCell, input: [1, 1, 1], build: (g) => new nn.LSTMCell(5, 6, { generator: g }), raw: { dims: [4, 5], dtype: 'float32', reference: (m, x) => { const cell = m as nn.LSTMCell; return cell.forward(x, cell.initialState(x.shape[0])).h; } } },
  { name: 'Nb201Cell', type: models.Nb201Cell, input: [4, 6, 6], build: (g) => new models.Nb201Cell(new Nb201Space().parse(ARCH), 4, { generator: g }) },
  { name: 'Nb201Cell whose node 1 has only none', type: models.Nb201Cell, input: [4, 6, 6], build: (g) => new models.Nb201Cell(new Nb201Space().parse('|none~0|+|nor_conv_3x3~0|skip_connect~1|+|none~0|none~1|avg_pool_3x3~2|'), 4, { generator: g }) },
  { name: 'Nb201Network', type: models.Nb201Network, input: [3, 16, 16], build: (g) => new models.Nb201Network(ARCH, { channels: 4, cells: 1, generator: g }) },
  { name: 'MBConv expansion 6, 5x5, residual', type: nn.MBConv, input: [4, 7, 7], build: (g) => new nn.MBConv(4, 4, 5, 6, 1, { generator: g }) },
  { name: 'MBConv expansion 1 (no expand), stride 2, wider', type: nn.MBConv, input: [4, 9, 9], build: (g) => new nn.MBConv(4, 6, 3, 1, 2, { generator: g }) },
  { name: 'MBConv expansion 3, groups 2', type: nn.MBConv, input: [4, 6, 6], build: (g) => new nn.MBConv(4, 8, 3, 3, 1, { groups: 2, generator: g }) },
  { name: 'DropPath (identity in evaluation)', type: nn.DropPath, input: [3, 5, 5], build: () => new Sequential(new nn.DropPath(0.3), new ReLU()) },
  { name: 'AuxiliaryHead, 8x8 input', type: nn.AuxiliaryHead, input: [4, 8, 8], build: (g) => new nn.AuxiliaryHead(4, 5, { generator: g }) },
  { name: 'AuxiliaryHead, 7x5 input (overlapping adaptive windows)', type: nn.AuxiliaryHead, input: [3, 7, 5], build: (g) => new nn.AuxiliaryHead(3, 4, { generator: g }) },
  {
    name: 'DagCell, concat output, identity and zero edges',
    type: nn.DagCell,
    input: [3, 6, 6],
    build: (g) =>
      new nn.DagCell([
        { edges: [{ from: 0, op: new ReLUConvBN(3, 3, 3, 1, 1, 1, { generator: g }) }], op: new Identity() },
        { edges: [{ from: 0, op: new Identity() }, { from: 1, op: new MaxPool2d(3, 1, 1) }], op: new ReLU() },
        { edges: [{ from: 1, op: new Zero(3, 3, 1) }, { from: 2, op: new SepConv(3, 3, 3, 1, 1, 1, { generator: g }) }], op: new Identity() },
      ], 'concat'),
  },
  { name: 'DagCell, sum output', type: nn.DagCell, input: [3, 5, 5], build: (g) => new nn.DagCell([{ edges: [{ from: 0, op: new Conv2d(3, 3, 1, { generator: g }) }], op: new ReLU() }, { edges: [{ from: 0, op: new Identity() }, { from: 1, op: new Identity() }], op: new AvgPool2d(3, 1, 1, false) }], 'sum') },
  { name: 'DagCell, last output', type: nn.DagCell, input: [3, 5, 5], build: (g) => new nn.DagCell([{ edges: [{ from: 0, op: new Conv2d(3, 3, 3, { padding: 1, generator: g }) }], op: new Identity() }, { edges: [{ from: 1, op: new ReLU() }], op: new Identity() }], 'last') },
  { name: 'DartsCell normal (alone: both inputs the same)', type: models.DartsCell, input: [6, 6, 6], build: (g) => new models.DartsCell(new DartsSpace().genotype(drawn('darts', {}, 1).sample).normal, 6, 6, 4, false, false, { generator: g }) },
  { name: 'DartsCell reduction', type: models.DartsCell, input: [4, 8, 8], build: (g) => new models.DartsCell(new DartsSpace().genotype(drawn('darts', {}, 2).sample).reduce, 4, 4, 3, true, false, { generator: g }) },
  { name: 'DartsNetwork with an auxiliary head (left out, as in evaluation)', type: models.DartsNetwork, input: [3, 12, 12], build: (g) => new models.DartsNetwork(drawn('darts', {}, 3).arch, { channels: 2, layers: 4, auxiliary: true, dropPath: 0.2, numClasses: 5, generator: g }) },
  { name: 'Nb101Cell (projections, channels cut, output projection)', type: models.Nb101Cell, input: [4, 6, 6], build: (g) => new models.Nb101Cell(new Nb101Space().prunedSpec(NB101_CELL)!, 4, 7, { generator: g }) },
  { name: 'Nb101Network', type: models.Nb101Network, input: [3, 12, 12], build: (g) => new models.Nb101Network(NB101_CELL, { channels: 3, stacks: 2, cellsPerStack: 1, numClasses: 5, generator: g }) },
  { name: 'ChainLayer without skips', type: models.ChainLayer, input: [4, 6, 6], build: (g) => new models.ChainLayer('sepconv5x5', 4, [], { generator: g }) },
  { name: 'ChainNetwork, 7 layers (two halvings, skips across them)', type: models.ChainNetwork, input: [3, 13, 13], build: (g) => new models.ChainNetwork(drawn('chain', { layers: 7 }, 4).arch, { channels: 3, numClasses: 5, generator: g }) },
  { name: 'NatsSizeNetwork', type: models.NatsSizeNetwork, input: [3, 12, 12], build: (g) => new models.NatsSizeNetwork(drawn('nats-size', {}, 5).arch, { numClasses: 5, generator: g }) },
  { name: 'LayerwiseNetwork (MBConv space, halved resolution)', type: models.LayerwiseNetwork, input: [3, 12, 12], build: (g) => new models.LayerwiseNetwork(['k3_e3', 'skip', 'k5_e6', 'k3_e1', 'skip', 'k7_e3'], models.PROXYLESS_BACKBONE, { widthMult: 0.25, resolutionDivisor: 2, numClasses: 5, generator: g }) },
  { name: 'LayerwiseNetwork (FBNet blocks, grouped)', type: models.LayerwiseNetwork, input: [1, 9, 9], build: (g) => new models.LayerwiseNetwork(['k3_e1', 'k3_e1_g2', 'k5_e6', 'skip', 'k3_e3', 'k5_e1_g2', 'skip'], models.FBNET_BACKBONE, { widthMult: 0.25, inChannels: 1, numClasses: 5, generator: g }) },
  { name: 'SmallCnn', type: models.SmallCnn, input: [1, 12, 12], build: (g) => new models.SmallCnn({ inChannels: 1, channels: 4, numClasses: 5, generator: g }) },
];

