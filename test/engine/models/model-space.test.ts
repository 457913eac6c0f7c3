import assert from 'node:assert/strict';
import * as E from '../../../src/engine/index.js';
import { ModelSpace } from '../../../src/space/model-space.js';
import { cell, conv, identity, layerChoice, maxPool, repeat, sequential, valueChoice } from '../../../src/space/primitives.js';
import { engineTest } from '../helpers.js';

engineTest('model-space network: it has the parameters and FLOPs counted by hand', () => {
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
