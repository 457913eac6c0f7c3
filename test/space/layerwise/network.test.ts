// A small depth multiplier leaves at least one searchable layer per backbone stage: the space made
// from a config has as many layers as its network needs, so every trial builds (before this, fbnet
// with depth_mult 0.25 validated and then failed every trial).
import assert from 'node:assert/strict';
import { Generator } from '../../../src/engine/ops/creation.js';
import { FBNET_BACKBONE, PROXYLESS_BACKBONE } from '../../../src/space/layerwise/network.js';
import { buildNetwork } from '../../../src/engine/models/networks.js';
import { LAYERWISE_STAGES, type LayerwiseSpace } from '../../../src/space/layerwise/space.js';
import { createSpace } from '../../../src/space/registry.js';
import { Rng } from '../../../src/util/rng.js';
import { engineTest } from '../../engine/helpers.js';

engineTest('layer-wise spaces: at least one layer per backbone stage whatever depth_mult; the network builds', () => {
  assert.equal(LAYERWISE_STAGES.mbconv, PROXYLESS_BACKBONE.stages.length);
  assert.equal(LAYERWISE_STAGES.fbnet, FBNET_BACKBONE.stages.length);
  for (const name of ['mbconv', 'fbnet'] as const) {
    for (const depthMult of [0.05, 0.25]) {
      const space = createSpace(name, { depth_mult: depthMult }) as LayerwiseSpace;
      assert.equal(space.layers, LAYERWISE_STAGES[name], `${name} at depth_mult ${depthMult}`);
      const net = buildNetwork(space, space.random(new Rng(1)), { inChannels: 1, numClasses: 10, generator: new Generator(0) });
      net.dispose();
    }
    // Above the floor the multiplier still rules: 22 x 0.5 = 11 for fbnet, 21 x 0.5 = 10.5 -> 11 for mbconv.
    assert.equal((createSpace(name, { depth_mult: 0.5 }) as LayerwiseSpace).layers, 11);
  }
});
