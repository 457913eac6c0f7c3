import assert from 'node:assert/strict';
import * as E from '../../../src/engine/index.js';
import { createSpace } from '../../../src/space/registry.js';
import { engineTest } from '../../engine/helpers.js';

engineTest("nb101 network: NAS-Bench-101's Inception-like example cell has the 2,694,282 trainable parameters the benchmark records", () => {
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
