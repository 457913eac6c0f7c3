import assert from 'node:assert/strict';
import * as E from '../../../src/engine/index.js';
import { engineTest, stepLosses } from '../helpers.js';

engineTest('small CNN: maps images to logits and trains a step', () => {
  const net = new E.SmallCnn({ channels: 8, generator: new E.Generator(0) });
  const losses = stepLosses(net, [4, 1, 28, 28], new E.Generator(1));
  assert.ok(losses[7] < losses[0], `loss ${losses[0]} -> ${losses[7]}`);
  net.dispose();
});
