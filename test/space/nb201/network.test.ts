import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as E from '../../../src/engine/index.js';
import { createSpace } from '../../../src/space/registry.js';
import { Nb201Table } from '../../../src/space/nb201/table.js';
import { Rng } from '../../../src/util/rng.js';
import { testDataDir } from '../../helpers/data.js';
import { projectRoot } from '../../../src/util/paths.js';
import { engineTest, maxRelativeError, stepLosses } from '../../engine/helpers.js';

const ARCH_11 = '|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|none~0|nor_conv_3x3~1|avg_pool_3x3~2|';

engineTest('nb201 network: architecture 11 has the official 802,426 parameters and 113.95137 M FLOPs', () => {
  const table = Nb201Table.load(testDataDir());
  assert.equal(table.archs[11], ARCH_11);
  const net = new E.Nb201Network(ARCH_11);
  const profile = E.profileModel(net, [3, 32, 32]);
  assert.equal(profile.params, 802426);
  assert.equal(profile.params, table.params(11, 'cifar10'));
  assert.equal(profile.flops, 113951370);
  net.dispose();
});

engineTest('nb201 network: parameter counts equal the params_cifar10 column (extremes and a random sample)', () => {
  const table = Nb201Table.load(testDataDir());
  let smallest = 0;
  let largest = 0;
  for (let i = 0; i < table.size; i++) {
    if (table.params(i, 'cifar10') < table.params(smallest, 'cifar10')) smallest = i;
    if (table.params(i, 'cifar10') > table.params(largest, 'cifar10')) largest = i;
  }
  const rng = new Rng(201);
  const indices = [smallest, largest, 0, 11, ...Array.from({ length: 24 }, () => rng.int(table.size))];
  const flops: number[] = [];
  for (const i of indices) {
    const net = new E.Nb201Network(table.archs[i]);
    assert.equal(net.parameterCount(), table.params(i, 'cifar10'), `index ${i}: ${table.archs[i]}`);
    if (i === smallest || i === largest) flops.push(E.profileModel(net, [3, 32, 32]).flops);
    net.dispose();
  }
  // The official ranges: 0.0733-1.5315 M parameters, 7.78-220.12 M FLOPs.
  assert.equal(Math.round(table.params(smallest, 'cifar10') / 1e2) / 1e4, 0.0733);
  assert.equal(Math.round(table.params(largest, 'cifar10') / 1e2) / 1e4, 1.5315);
  assert.equal(Math.round(flops[0] / 1e4) / 100, 7.78);
  assert.equal(Math.round(flops[1] / 1e4) / 100, 220.12);
  // 100 classes change only the classifier.
  const net100 = new E.Nb201Network(ARCH_11, { numClasses: 100 });
  assert.equal(net100.parameterCount(), table.params(11, 'cifar100'));
  net100.dispose();
});

engineTest('nb201 network: built through the space registry (buildNetwork), it keeps the benchmark count (arch 11: 802,426)', () => {
  const space = createSpace('nb201');
  const sample = space.parse(ARCH_11);
  const net = E.buildNetwork(space, sample, { inChannels: 3, numClasses: 10 });
  assert.equal(net.parameterCount(), 802_426);
  net.dispose();
});

engineTest('nb201 network: maps images to logits and trains a step', () => {
  const net = new E.Nb201Network(ARCH_11, { channels: 8, cells: 1, generator: new E.Generator(0) });
  const losses = stepLosses(net, [4, 3, 16, 16], new E.Generator(1));
  assert.ok(losses[7] < losses[0], `loss ${losses[0]} -> ${losses[7]}`);
  net.dispose();
});

engineTest('nb201 network: with the same weights, it computes what the official structure computes in PyTorch', () => {
  const ref = JSON.parse(readFileSync(join(projectRoot(), 'test', 'space', 'nb201', 'fixtures', 'nb201_small.json'), 'utf8')) as {
    arch: string;
    channels: number;
    cells: number;
    state: Record<string, { shape: number[]; data: number[] }>;
    input: { shape: number[]; data: number[] };
    eval: number[];
    train: number[];
  };
  const net = new E.Nb201Network(ref.arch, { channels: ref.channels, cells: ref.cells, dtype: 'float64' });
  E.scope(() => {
    const state = new Map(Object.entries(ref.state).map(([k, v]) => [k, E.tensor(Float64Array.from(v.data), v.shape)]));
    net.loadStateDict(state); // strict: the member names line up with the official code's
    const x = E.tensor(Float64Array.from(ref.input.data), ref.input.shape);
    net.eval();
    assert.ok(maxRelativeError(net.forward(x).data(), ref.eval) < 1e-10, 'evaluation mode');
    net.train();
    assert.ok(maxRelativeError(net.forward(x).data(), ref.train) < 1e-10, 'training mode');
  });
  net.dispose();
});
