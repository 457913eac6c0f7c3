import assert from 'node:assert/strict';
import { ConfigError } from '../../src/errors.js';
import * as E from '../../src/engine/index.js';
import { engineTest, maxRelativeError } from './helpers.js';

/** One step on loss = sum(p * c): the gradient is c = [3, 4]. */
function stepWith(opt: E.Optimizer, p: E.Tensor): void {
  E.scope(() => {
    E.sum(E.mul(p, E.tensor(new Float64Array([3, 4])))).backward();
    opt.step();
    opt.zeroGrad();
  });
}

const param = () => E.keep(E.tensor(new Float64Array([1, -2])).setRequiresGrad());

engineTest('optim: SGD with momentum and weight decay matches hand-computed steps', () => {
  const p = param();
  const opt = new E.SGD([p], { lr: 0.1, momentum: 0.9, weightDecay: 0.01 });
  stepWith(opt, p);
  assert.ok(maxRelativeError(p.data(), [0.699, -2.398]) < 1e-12);
  stepWith(opt, p);
  assert.ok(maxRelativeError(p.data(), [0.127401, -3.153802]) < 1e-12);
  opt.dispose();
  p.dispose();
});

engineTest('optim: SGD with Nesterov momentum', () => {
  const p = param();
  const opt = new E.SGD([p], { lr: 0.1, momentum: 0.9, nesterov: true });
  stepWith(opt, p); // buf = c; step = c + 0.9c = 1.9c
  assert.ok(maxRelativeError(p.data(), [1 - 0.57, -2 - 0.76]) < 1e-12);
  opt.dispose();
  p.dispose();
});

engineTest('optim: Adam and AdamW steps match the closed form for a constant gradient', () => {
  const p = param();
  const adam = new E.Adam([p], { lr: 0.1 });
  stepWith(adam, p);
  stepWith(adam, p); // bias-corrected m/sqrt(v) = sign(c) at every step
  assert.ok(maxRelativeError(p.data(), [0.8, -2.2]) < 1e-8);
  const q = param();
  const adamw = new E.AdamW([q], { lr: 0.1, weightDecay: 0.1 });
  stepWith(adamw, q);
  assert.ok(maxRelativeError(q.data(), [0.89, -2.08]) < 1e-8);
  for (const t of [adam, adamw, p, q]) t.dispose();
});

engineTest('optim: bad hyper-parameters are ConfigErrors naming the parameter', () => {
  const p = param();
  const bad = [
    () => new E.SGD([p], { lr: -1 }),
    () => new E.SGD([p], { lr: 0.1, momentum: 1.5 }),
    () => new E.SGD([p], { lr: 0.1, nesterov: true }),
    () => new E.Adam([p], { betas: [0.9, 1.2] }),
    () => new E.SGD([], { lr: 0.1 }),
  ];
  for (const make of bad) assert.throws(make, (e: unknown) => e instanceof ConfigError);
  p.dispose();
});

engineTest('optim: the one-cycle schedule rises to the peak over 30 % of the steps, then falls to peak/250,000, as PyTorch\'s OneCycleLR', () => {
  const p = param();
  const opt = new E.SGD([p], { lr: 0.1 });
  const schedule = new E.OneCycleSchedule(opt, { totalSteps: 20 });
  const lrs: number[] = [];
  for (let i = 0; i < 20; i++) {
    lrs.push(opt.lr);
    schedule.step();
  }
  // torch.optim.lr_scheduler.OneCycleLR(SGD(lr=0.1), max_lr=0.1, total_steps=20, cycle_momentum=False),
  // the lr before each of the 20 steps (PyTorch 2, printed here with /usr/bin/python3).
  const pytorch = [
    0.004, 0.013167184270002533, 0.037167184270002526, 0.06683281572999747, 0.09083281572999748, 0.1, 0.09874640062350874,
    0.09504846320134738, 0.089091617757105, 0.0811745653949763, 0.07169430017913009, 0.06112620219362893, 0.0500002,
    0.03887419780637107, 0.028306099820869922, 0.0188258346050237, 0.010908782242895003, 0.004951936798652629,
    0.0012539993764912555, 4e-7,
  ];
  assert.ok(maxRelativeError(lrs, pytorch) < 1e-12, JSON.stringify(lrs));
  // The shape: strictly up to the peak at step 5 (= 0.3 · 20 − 1), strictly down after it.
  const peak = lrs.indexOf(Math.max(...lrs));
  assert.equal(peak, 5);
  assert.equal(lrs[peak], 0.1);
  for (let i = 1; i <= peak; i++) assert.ok(lrs[i] > lrs[i - 1], `rises at step ${i}`);
  for (let i = peak + 1; i < lrs.length; i++) assert.ok(lrs[i] < lrs[i - 1], `falls at step ${i}`);
  assert.ok(Math.abs(lrs[0] - 0.1 / 25) < 1e-15 && Math.abs(lrs[19] - 0.1 / 25 / 1e4) < 1e-18);
  // Resuming: seek sets the lr of that step.
  schedule.seek(12);
  assert.equal(opt.lr, lrs[12]);
  assert.equal(schedule.stepCount, 12);
  for (const bad of [{ totalSteps: 0 }, { totalSteps: 10, pctStart: 1 }, { totalSteps: 10, divFactor: 0.5 }]) {
    assert.throws(() => new E.OneCycleSchedule(opt, bad), (e: unknown) => e instanceof ConfigError && e.code === 'SCHEDULE');
  }
  // One step: the peak at once, the end after it.
  const one = new E.SGD([p], { lr: 0.2 });
  const single = new E.OneCycleSchedule(one, { totalSteps: 1 });
  assert.equal(one.lr, 0.2);
  single.step();
  assert.ok(one.lr < 0.2 / 25);
  p.dispose();
});

engineTest('optim: cosine schedule with warm-up; gradient clipping', () => {
  const p = param();
  const opt = new E.SGD([p], { lr: 0.1 });
  const schedule = new E.CosineSchedule(opt, { totalSteps: 10, warmupSteps: 2 });
  const lrs = [opt.lr];
  for (let i = 0; i < 10; i++) {
    schedule.step();
    lrs.push(opt.lr);
  }
  assert.ok(Math.abs(lrs[0] - 0.1 / 3) < 1e-15);
  assert.ok(Math.abs(lrs[2] - 0.1) < 1e-15);
  assert.ok(Math.abs(lrs[6] - 0.05) < 1e-15);
  assert.ok(Math.abs(lrs[10]) < 1e-15);
  E.scope(() => {
    E.sum(E.mul(p, E.tensor(new Float64Array([3, 4])))).backward();
    assert.ok(Math.abs(E.clipGradNorm([p], 1) - 5) < 1e-12);
    assert.ok(maxRelativeError(p.grad!.data(), [0.6, 0.8]) < 1e-6);
  });
  p.dispose();
});

engineTest('trainClassifier: schedule is cosine or one_cycle, and one_cycle takes no separate warm-up', async () => {
  const { trainClassifier } = await import('../../src/engine/train.js');
  const base = { epochs: 1, batchSize: 2, lr: 0.1, seed: 0, normalization: { mean: [0], std: [1] } };
  // Checked before the model or the data are touched.
  const none = {} as Parameters<typeof trainClassifier>[0];
  const data = {} as Parameters<typeof trainClassifier>[1];
  await assert.rejects(trainClassifier(none, data, { ...base, schedule: 'step' as 'cosine' }), /schedule must be one of cosine, one_cycle, got "step"/);
  await assert.rejects(trainClassifier(none, data, { ...base, schedule: 'one_cycle', warmupEpochs: 1 }), /one_cycle schedule has its own warm-up/);
});
