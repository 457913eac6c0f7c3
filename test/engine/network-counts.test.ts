import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as E from '../../src/engine/index.js';
import { DartsSpace, type DartsGenotype } from '../../src/space/darts.js';
import { projectRoot } from '../../src/util/paths.js';
import { ModelSpace } from '../../src/space/model-space.js';
import { cell, conv, identity, layerChoice, maxPool, repeat, sequential, valueChoice } from '../../src/space/primitives.js';
import { createSpace } from '../../src/space/registry.js';
import { engineTest, maxRelativeError } from './helpers.js';

/** DARTS (second order) from DARTS' genotypes.py. */
const DARTS_V2 =
  "Genotype(normal=[('sep_conv_3x3', 0), ('sep_conv_3x3', 1), ('sep_conv_3x3', 0), ('sep_conv_3x3', 1), ('sep_conv_3x3', 1), ('skip_connect', 0), ('skip_connect', 0), ('dil_conv_3x3', 2)], normal_concat=[2, 3, 4, 5], reduce=[('max_pool_3x3', 0), ('max_pool_3x3', 1), ('skip_connect', 2), ('max_pool_3x3', 1), ('max_pool_3x3', 0), ('skip_connect', 2), ('skip_connect', 2), ('max_pool_3x3', 1)], reduce_concat=[2, 3, 4, 5])";

engineTest('network counts: DARTS V2 at C=36, 20 cells, CIFAR-10 has 3,349,342 parameters (the 3.3 M of the DARTS paper)', () => {
  const space = createSpace('darts', { channels: 36, layers: 20, auxiliary: true });
  const sample = new DartsSpace().parse(DARTS_V2);
  const net = E.buildNetwork(space, sample, { inChannels: 3, numClasses: 10 }) as E.DartsNetwork;
  // DARTS counts parameters without the auxiliary head (utils.count_parameters_in_MB); its logs print 3.349342 MB.
  assert.equal(net.mainParameterCount(), 3_349_342);
  assert.equal(net.auxiliaryHead!.parameterCount(), 476_426);
  const profile = E.profileModel(net, [3, 32, 32]);
  assert.equal(profile.params, 3_349_342);
  assert.equal(profile.flops, 528_359_050);
  net.dispose();
});

engineTest("network counts: NAS-Bench-101's Inception-like example cell has the 2,694,282 trainable parameters the benchmark records", () => {
  const spec = JSON.stringify({
    matrix: [
      [0, 1, 1, 1, 0, 1, 0],
      [0, 0, 0, 0, 0, 0, 1],
      [0, 0, 0, 0, 0, 0, 1],
      [0, 0, 0, 0, 1, 0, 0],
      [0, 0, 0, 0, 0, 0, 1],
      [0, 0, 0, 0, 0, 0, 1],
      [0, 0, 0, 0, 0, 0, 0],
    ],
    ops: ['input', 'conv1x1-bn-relu', 'conv3x3-bn-relu', 'conv3x3-bn-relu', 'conv3x3-bn-relu', 'maxpool3x3', 'output'],
  });
  const space = createSpace('nb101');
  const net = E.buildNetwork(space, space.parse(spec), { inChannels: 3, numClasses: 10 });
  assert.equal(net.parameterCount(), 2_694_282);
  assert.deepEqual(E.nb101VertexChannels(128, 128, [[0, 1, 1], [0, 0, 1], [0, 0, 0]]), [128, 128, 128]);
  assert.deepEqual(E.nb101VertexChannels(128, 128, [[0, 1, 1, 1], [0, 0, 0, 1], [0, 0, 0, 1], [0, 0, 0, 0]]), [128, 64, 64, 128]);
  net.dispose();
});

engineTest('network counts: the NB201 network through the space registry keeps the benchmark count (arch 11: 802,426)', () => {
  const space = createSpace('nb201');
  const sample = space.parse('|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|none~0|nor_conv_3x3~1|avg_pool_3x3~2|');
  const net = E.buildNetwork(space, sample, { inChannels: 3, numClasses: 10 });
  assert.equal(net.parameterCount(), 802_426);
  net.dispose();
});

engineTest('network counts: a model-space network has the parameters and FLOPs counted by hand', () => {
  const space = new ModelSpace(
    'tiny',
    sequential({
      stem: conv({ out: valueChoice([4, 8]), kernel: 3 }),
      body: repeat(() => layerChoice({ conv: conv({ kernel: valueChoice([1, 3]) }), pool: maxPool() }), [1, 2]),
      cell: cell({ nodes: 2, inputs: 1, ops: { skip: identity(), conv: conv({ kernel: 1 }) } }),
    }),
  );
  const sample = space.freeze({
    'stem.out': 8,
    'body.depth': 2,
    'body.0': 'conv',
    'body.0.conv.kernel': 3,
    'body.1': 'pool',
    'body.1.conv.kernel': 1,
    'cell.node_1.op_0': 'conv',
    'cell.node_2.inputs': 1,
    'cell.node_2.op_0': 'skip',
  });
  const net = E.buildNetwork(space, sample, { inChannels: 3, numClasses: 10 });
  // stem conv 3->8 3x3 (216) + BN (16); body.0 conv 8->8 3x3 (576) + BN (16); body.1 max pool (0);
  // cell node 1 conv 1x1 8->8 (64) + BN (16); node 2 skip (0); linear 8->10 (80 + 10).
  assert.equal(net.parameterCount(), 216 + 16 + 576 + 16 + 64 + 16 + 80 + 10);
  // On 3x8x8: 3*9*8*64 + 8*9*8*64 + 8*8*64 + (80 + 10) multiply-adds.
  assert.equal(E.profileModel(net, [3, 8, 8]).flops, 13_824 + 36_864 + 4_096 + 90);
  const names = [...net.stateDict().keys()];
  assert.ok(names.includes('0.2.edges.0.0.weight'), names.join(', '));
  net.dispose();
  // Another sample: the pool first, then a 1x1 conv, both cell nodes skip, 4 stem channels.
  const other = space.freeze({ ...sample, 'stem.out': 4, 'body.0': 'pool', 'body.1': 'conv', 'body.1.conv.kernel': 1, 'cell.node_1.op_0': 'skip' });
  const net2 = E.buildNetwork(space, other, { inChannels: 3, numClasses: 10 });
  assert.equal(net2.parameterCount(), 108 + 8 + 16 + 8 + 40 + 10);
  net2.dispose();
});

engineTest('network counts: with the same weights, the DARTS network computes what a PyTorch reference computes (all seven operations, auxiliary head)', () => {
  const ref = JSON.parse(readFileSync(join(projectRoot(), 'test', 'engine', 'fixtures', 'darts_small.json'), 'utf8')) as {
    genotype: DartsGenotype;
    channels: number;
    layers: number;
    v2_params: number;
    state: { key: string; shape: number[]; bn: boolean }[];
    input: { shape: number[]; data: number[] };
    eval: number[];
    train: number[];
    aux: number[];
  };
  // The PyTorch reference (bench/engine/darts_torch.py) counts DARTS V2 at C=36, 20 cells as we do.
  assert.equal(ref.v2_params, 3_349_342);
  const genotype = { ...ref.genotype, normal_concat: [2, 3, 4, 5], reduce_concat: [2, 3, 4, 5] };
  const net = new E.DartsNetwork(genotype, { channels: ref.channels, layers: ref.layers, auxiliary: true, dtype: 'float64' });
  E.scope(() => {
    // Tensor k of the state dict holds sin(0.7 i + k + 1) * 0.3 (+ 1 for BN scales and variances), as the reference's.
    const state = new Map(
      ref.state.map(({ key, shape, bn }, k) => {
        const n = shape.reduce((a, b) => a * b, 1);
        return [key, E.tensor(Float64Array.from({ length: n }, (_, i) => Math.sin(0.7 * i + k + 1) * 0.3 + (bn ? 1 : 0)), shape)];
      }),
    );
    net.loadStateDict(state); // strict: every member name lines up with the reference's
    const x = E.tensor(Float64Array.from(ref.input.data), ref.input.shape);
    net.eval();
    assert.ok(maxRelativeError(net.forward(x).data(), ref.eval) < 1e-10, 'evaluation mode');
    net.train();
    assert.ok(maxRelativeError(net.forward(x).data(), ref.train) < 1e-10, 'training mode');
    assert.ok(maxRelativeError(net.takeAuxiliaryLogits()!.data(), ref.aux) < 1e-10, 'auxiliary logits');
  });
  net.dispose();
});
