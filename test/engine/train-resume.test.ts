// Resuming training from a per-epoch state: the resumed run must equal the uninterrupted one.
import assert from 'node:assert/strict';
import { makeDataset, type ImageDataset } from '../../src/engine/data/index.js';
import { Nb201Network } from '../../src/engine/models/index.js';
import { Generator, tensor } from '../../src/engine/ops/creation.js';
import { Adam, SGD } from '../../src/engine/optim.js';
import { restoreTrainingState } from '../../src/engine/checkpoint.js';
import { setNumThreads } from '../../src/engine/runtime.js';
import { evaluate, evaluateAsync, trainClassifier, type TrainConfig } from '../../src/engine/train.js';
import { scope } from '../../src/engine/memory.js';
import { mul } from '../../src/engine/ops/elementwise.js';
import { sum } from '../../src/engine/ops/reduction.js';
import { engineTest } from './helpers.js';

const ARCH = '|nor_conv_3x3~0|+|nor_conv_1x1~0|skip_connect~1|+|avg_pool_3x3~0|nor_conv_3x3~1|skip_connect~2|';

/** 4 classes told apart by which quadrant of an 8×8 image is bright, plus noise. */
function quadrants(n: number, seed: number): ImageDataset {
  let s = seed;
  const rand = () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32);
  const images = new Uint8Array(n * 64);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const c = i % 4;
    labels[i] = c;
    for (let y = 0; y < 8; y++) {
      for (let x = 0; x < 8; x++) {
        const q = (y < 4 ? 0 : 2) + (x < 4 ? 0 : 1);
        images[i * 64 + y * 8 + x] = Math.min(255, (q === c ? 160 : 40) + Math.floor(rand() * 80));
      }
    }
  }
  return makeDataset(images, labels, { channels: 1, height: 8, width: 8 }, ['a', 'b', 'c', 'd']);
}

function model(): Nb201Network {
  return new Nb201Network(ARCH, { inChannels: 1, numClasses: 4, channels: 4, cells: 1, generator: new Generator(5) });
}

const data = { train: quadrants(192, 1), validation: quadrants(64, 2) };
const config: TrainConfig = { epochs: 3, batchSize: 32, lr: 0.05, seed: 3, normalization: { mean: [0.5], std: [0.25] }, augment: null, prefetchWorkers: 0 };

function weights(m: Nb201Network): Map<string, number[]> {
  return new Map([...m.stateDict()].map(([k, t]) => [k, t.toArray()]));
}

engineTest('trainClassifier: a run resumed from its epoch-1 state ends exactly as the uninterrupted run', async () => {
  setNumThreads(1);
  const states: Uint8Array[] = [];
  const a = model();
  const full = await trainClassifier(a, data, { ...config, onCheckpoint: (state, epoch) => void (states[epoch] = state) });
  assert.equal(states.length, 4);
  assert.equal(full.resumedFromEpoch, 0);
  assert.ok(full.valAcc > 25, `the task is learnable (${full.valAcc}%)`);

  const b = model();
  const resumed = await trainClassifier(b, data, { ...config, resumeFrom: states[1] });
  assert.equal(resumed.resumedFromEpoch, 1);
  assert.deepEqual(resumed.history.map((r) => [r.epoch, r.train_loss, r.val_acc]), full.history.map((r) => [r.epoch, r.train_loss, r.val_acc]));
  assert.deepEqual(weights(b), weights(a), 'same weights and batch-norm statistics');

  // The state carries the optimizer: its 6 steps (one epoch of 192 images in batches of 32) and momentum buffers.
  const c = model();
  const opt = new SGD(c.parameters(), { lr: 0.05, momentum: 0.9, nesterov: true, weightDecay: 5e-4 });
  restoreTrainingState(states[1], c, opt);
  assert.ok(opt.stateDict().stepCount === 6 && Object.keys(opt.stateDict().slots).length > 0);
  opt.dispose();
  for (const m of [a, b, c]) m.dispose();
});

engineTest('trainClassifier: a state that does not fit is refused; garbage is not a state; a failing onCheckpoint stops the run', async () => {
  setNumThreads(1);
  let state: Uint8Array | null = null;
  const a = model();
  await trainClassifier(a, data, { ...config, epochs: 1, onCheckpoint: (s) => void (state = s) });
  const wide = new Nb201Network(ARCH, { inChannels: 1, numClasses: 4, channels: 8, cells: 1, generator: new Generator(5) });
  await assert.rejects(trainClassifier(wide, data, { ...config, resumeFrom: state }), /OPTIM_STATE_MISMATCH|shape/);
  await assert.rejects(trainClassifier(model(), data, { ...config, resumeFrom: Uint8Array.of(1, 2, 3) }), /not valid safetensors/);
  await assert.rejects(trainClassifier(model(), data, { ...config, epochs: 1, resumeFrom: null, onCheckpoint: () => Promise.reject(new Error('disk full')) }), /disk full/);
  a.dispose();
  wide.dispose();
});

engineTest('Adam: stateDict / loadStateDict carry the moments and the step count', () => {
  const make = () => [tensor([1, -2, 3], [3]).setRequiresGrad(), tensor([0.5, 0.25], [2]).setRequiresGrad()];
  const run = (params: ReturnType<typeof make>, opt: Adam, steps: number) => {
    for (let i = 0; i < steps; i++) {
      scope(() => {
        const loss = sum(mul(mul(params[0], params[0]), 0.5 + i)).add(sum(mul(params[1], params[1])));
        loss.backward();
      });
      opt.step();
      opt.zeroGrad();
    }
  };
  const p1 = make();
  const o1 = new Adam(p1, { lr: 0.1 });
  run(p1, o1, 3);
  const saved = o1.stateDict();
  assert.equal(saved.stepCount, 3);
  assert.deepEqual(Object.keys(saved.slots).sort(), ['0.0', '0.1', '1.0', '1.1']);
  const p2 = [tensor(p1[0].toFloat32Array(), [3]).setRequiresGrad(), tensor(p1[1].toFloat32Array(), [2]).setRequiresGrad()];
  const o2 = new Adam(p2, { lr: 0.1 });
  o2.loadStateDict(saved);
  run(p1, o1, 2);
  run(p2, o2, 2);
  assert.deepEqual(p2[0].toArray(), p1[0].toArray());
  assert.deepEqual(p2[1].toArray(), p1[1].toArray());
  assert.throws(() => new Adam([p2[1]], { lr: 0.1 }).loadStateDict(saved), /OPTIM_STATE_MISMATCH|names no parameter|shape/);
  for (const o of [o1, o2]) o.dispose();
});

engineTest('evaluateAsync: lets the event loop run between batches and gives evaluate\'s accuracy', async () => {
  const m = model();
  const options = { batchSize: 16, normalization: { mean: [0.5], std: [0.25] } };
  const sync = evaluate(m, data.validation, options);
  // Count event-loop turns that happen while the evaluation runs: 64 images in batches of 16.
  let turns = 0;
  let running = true;
  const spin = () => {
    if (!running) return;
    turns++;
    setImmediate(spin);
  };
  setImmediate(spin);
  const accuracy = await evaluateAsync(m, data.validation, options);
  running = false;
  assert.equal(accuracy, sync);
  assert.ok(turns >= 3, `the loop ran ${turns} times during 4 batches`);
  // The synchronous one holds the loop for its whole run.
  turns = 0;
  running = true;
  setImmediate(spin);
  evaluate(m, data.validation, options);
  assert.equal(turns, 0);
  running = false;
  m.dispose();
});
