// The DARTS network's training-only parts (auxiliary head, drop-path) and a space ModelSpec trained in a worker thread.
import assert from 'node:assert/strict';
import * as E from '../../src/engine/index.js';
import { makeDataset, type ImageDataset } from '../../src/engine/data/index.js';
import { createSpace } from '../../src/space/registry.js';
import { Rng } from '../../src/util/rng.js';
import { engineTest } from './helpers.js';

function noise(n: number, seed: number): ImageDataset {
  const rng = new Rng(seed);
  const images = Uint8Array.from({ length: n * 3 * 8 * 8 }, () => rng.int(256));
  const labels = Int32Array.from({ length: n }, (_, i) => i % 2);
  return makeDataset(images, labels, { channels: 3, height: 8, width: 8 }, ['a', 'b']);
}

const CONFIG = (epochs: number): E.TrainConfig => ({ epochs, batchSize: 8, lr: 0.05, seed: 1, normalization: { mean: [0.5, 0.5, 0.5], std: [0.25, 0.25, 0.25] }, prefetchWorkers: 0 });

engineTest('DARTS network: the auxiliary head gives logits only in training; its loss changes what training does; drop-path rises with the epochs', async () => {
  const space = createSpace('darts', { channels: 4, layers: 3 });
  const sample = space.random(new Rng(2));
  const make = (auxiliary: boolean, dropPath = 0): E.DartsNetwork =>
    new E.DartsNetwork(sample, { channels: 4, layers: 3, auxiliary, dropPath, auxiliaryWeight: 0.4, generator: new E.Generator(5), dropPathGenerator: new E.Generator(6) });
  const net = make(true);
  E.scope(() => {
    const x = E.randn([2, 3, 8, 8], { generator: new E.Generator(1) });
    net.train();
    net.forward(x);
    const aux = net.takeAuxiliaryLogits();
    assert.deepEqual(aux?.shape, [2, 10]);
    assert.equal(net.takeAuxiliaryLogits(), null, 'reading clears them');
    net.eval();
    net.forward(x);
    assert.equal(net.takeAuxiliaryLogits(), null, 'no auxiliary logits in evaluation');
  });
  // Same initial weights of the main network; with the auxiliary loss the main weights move differently.
  const data = { train: noise(16, 1), validation: noise(8, 2) };
  const plain = make(false);
  const withAux = make(true);
  const key = 'classifier.weight';
  assert.deepEqual(plain.stateDict().get(key)!.toArray(), withAux.stateDict().get(key)!.toArray());
  await E.trainClassifier(plain, data, CONFIG(1));
  await E.trainClassifier(withAux, data, CONFIG(1));
  const stem = 'stem.0.weight';
  const diff = E.sum(E.abs(E.sub(plain.stateDict().get(stem)!, withAux.stateDict().get(stem)!))).item();
  assert.ok(diff > 1e-6, `the auxiliary loss reached the stem's gradient (difference ${diff})`);
  // Drop-path: 0 in the first epoch, dropPath·epoch/epochs after (DARTS' schedule).
  const dp = make(false, 0.3);
  dp.startEpoch(0, 3);
  assert.equal(dp.cells.at(0).dropPaths.at(0).p, 0);
  dp.startEpoch(2, 3);
  assert.ok(Math.abs(dp.cells.at(0).dropPaths.at(0).p - 0.2) < 1e-12);
  E.scope(() => {
    dp.train();
    const ones = E.ones([64, 4, 2, 2]);
    const dropped = dp.cells.at(0).dropPaths.at(0).forward(ones);
    const zeroed = E.sum(E.eq(E.sum(E.reshape(dropped, [64, 16]), 1), 0)).item();
    assert.ok(zeroed > 2 && zeroed < 30, `about 20% of 64 examples dropped, got ${zeroed}`);
    dp.eval();
    assert.equal(E.sum(dp.cells.at(0).dropPaths.at(0).forward(ones)).item(), 64 * 16);
  });
  for (const m of [net, plain, withAux, dp]) m.dispose();
});

engineTest('a space ModelSpec trains in a worker thread as it does on this thread', async () => {
  const space = createSpace('chain', { layers: 3, channels: 4 });
  const spec = E.networkSpec(space, space.format(space.random(new Rng(3))), { inChannels: 3, numClasses: 2, seed: 7 });
  const data = { train: noise(16, 3), validation: noise(8, 4) };
  const inWorker = await E.trainInWorker(spec, data, CONFIG(1), { threads: 1 });
  const here = E.buildModel(spec);
  const local = await E.trainClassifier(here, data, CONFIG(1));
  assert.equal(inWorker.history[0].train_loss, local.history[0].train_loss);
  assert.equal(inWorker.valAcc, local.valAcc);
  here.dispose();
});
