// Every trainable space builds for every image size: the data sets' 28 and 32 pixels, and odd sizes
// that reach a stride-2 block with an odd side (where a residual shortcut and its main path must agree).
import assert from 'node:assert/strict';
import * as E from '../../src/engine/index.js';
import { ConfigError } from '../../src/errors.js';
import { Nb101Network } from '../../src/space/nb101/network.js';
import { Nb101Space } from '../../src/space/nb101/space.js';
import { createSpace } from '../../src/space/registry.js';
import type { Space } from '../../src/space/types.js';
import { Rng } from '../../src/util/rng.js';
import { allPrimitivesSpace, SMALL_SPACE_OPTIONS } from '../helpers/model-spaces.js';
import { engineTest } from './helpers.js';

/** 28 (MNIST) → 14 → 7, then odd; 32 (CIFAR-10); odd from the start, and odd after one halving (30 → 15, 14 → 7). */
const SIZES = [28, 32, 7, 15, 27, 30, 33];

const SPACES: [string, () => Space][] = [
  ...Object.entries(SMALL_SPACE_OPTIONS).map(([name, options]): [string, () => Space] => [name, () => createSpace(name, options)]),
  // More stacks than halvings of 28 pixels fit (28 → 14 → 7 → 4 → 2 → 1 → 1).
  ['nb101 with 6 stacks', () => createSpace('nb101', { channels: 4, stacks: 6, cells_per_stack: 1 })],
  ['a model space', allPrimitivesSpace],
];

for (const [name, make] of SPACES) {
  engineTest(`input sizes: ${name} trains one step on images of ${SIZES.join(', ')} pixels`, () => {
    const space = make();
    const rng = new Rng(21);
    const gen = new E.Generator(2);
    for (const size of SIZES) {
      for (let i = 0; i < 2; i++) {
        const sample = space.random(rng);
        const channels = size === 32 ? 3 : 1;
        const net = E.buildNetwork(space, sample, { inChannels: channels, numClasses: 4, generator: gen });
        try {
          E.scope(() => {
            net.train();
            const logits = net.forward(E.randn([2, channels, size, size], { generator: gen }));
            assert.deepEqual(logits.shape, [2, 4], `${name} at ${size}: ${space.format(sample)}`);
            E.crossEntropy(logits, E.tensor(Int32Array.from([0, 3]), [2])).backward();
          });
        } catch (error) {
          assert.fail(`${name} at ${size}x${size}, ${space.format(sample)}: ${(error as Error).message}`);
        } finally {
          net.dispose();
        }
      }
    }
  });
}

engineTest('input sizes: the halving pools round odd sides up, pooling the last row or column alone (TF padding=same)', () => {
  // 3x5: rows [0,1] and [2]; columns [0,1], [2,3], [4].
  const x = E.tensor(Float32Array.from({ length: 15 }, (_, i) => i), [1, 1, 3, 5]);
  const avg = new E.nn.HalvingAvgPool().forward(x);
  assert.deepEqual(avg.shape, [1, 1, 2, 3]);
  assert.deepEqual([...avg.toArray()], [(0 + 1 + 5 + 6) / 4, (2 + 3 + 7 + 8) / 4, (4 + 9) / 2, (10 + 11) / 2, (12 + 13) / 2, 14]);
  const max = new E.nn.HalvingMaxPool().forward(E.neg(x));
  assert.deepEqual([...max.toArray()], [-0, -2, -4, -10, -12, -14]);
  // Even sides: plain 2x2 pooling.
  const even = E.tensor(Float32Array.from({ length: 16 }, (_, i) => i), [1, 1, 4, 4]);
  assert.deepEqual([...new E.nn.HalvingAvgPool().forward(even).toArray()], [...E.avgPool2d(even, 2).toArray()]);
  // A stride-2 residual block agrees with its shortcut at 7 pixels (xautodl's gives 4 against 3).
  const block = new E.nn.ResNetBasicBlock(2, 4, 2, { generator: new E.Generator(1) });
  assert.deepEqual(block.forward(E.randn([1, 2, 7, 7])).shape, [1, 4, 4, 4]);
});

engineTest('input sizes: NB-101 refuses fewer than 4 channels with a ConfigError naming the minimum', () => {
  // Four vertices feed the output (the most 9 edges allow): each needs one of the output's channels.
  const four = new Nb101Space().parse(JSON.stringify({
    matrix: [
      [0, 1, 1, 1, 1, 0, 0],
      [0, 0, 0, 0, 0, 0, 1],
      [0, 0, 0, 0, 0, 0, 1],
      [0, 0, 0, 0, 0, 0, 1],
      [0, 0, 0, 0, 0, 0, 1],
      [0, 0, 0, 0, 0, 0, 0],
      [0, 0, 0, 0, 0, 0, 0],
    ],
    ops: ['input', 'conv3x3-bn-relu', 'conv1x1-bn-relu', 'maxpool3x3', 'conv3x3-bn-relu', 'maxpool3x3', 'output'],
  }));
  assert.throws(
    () => new Nb101Network(four, { channels: 3 }),
    (e: unknown) => e instanceof ConfigError && e.code === 'NB101_TOO_FEW_CHANNELS' && /at least 4/.test(e.message),
  );
  const net = new Nb101Network(four, { channels: 4, stacks: 1, cellsPerStack: 1, inChannels: 1 });
  assert.deepEqual(net.forward(E.randn([2, 1, 5, 5])).shape, [2, 10]);
  net.dispose();
  // The space's option says so before any network is built.
  assert.throws(() => createSpace('nb101', { channels: 3 }), (e: unknown) => e instanceof ConfigError && e.code === 'SPACE_OPTIONS_INVALID' && /from 4 to/.test(e.message));
});
