// Zero-cost proxies: each against a hand computation on a tiny network (Flatten → Linear(4,3) → ReLU →
// Linear(3,2), two images), the CLI document, the proxy estimator in a search, and the warm start.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { Flatten, ReLU } from '../../src/engine/nn/basic.js';
import { Sequential } from '../../src/engine/nn/container.js';
import { Linear } from '../../src/engine/nn/linear.js';
import type { Layer } from '../../src/engine/nn/module.js';
import { Generator, randn, tensor } from '../../src/engine/ops/creation.js';
import { dispose, scope } from '../../src/engine/memory.js';
import { setNumThreads } from '../../src/engine/runtime.js';
import { PROXY_FAMILIES, scoreProxies, type ProxyBatch, type ProxyName } from '../../src/estimate/proxy/index.js';
import { gaussianInit } from '../../src/estimate/proxy/zen.js';
import { ProxyWarmStart, rankByProxy } from '../../src/estimate/proxy/warm-start.js';
import { validateConfig } from '../../src/experiment/config.js';
import { estimatorDefinition } from '../../src/experiment/estimators.js';
import { MemoryStore } from '../../src/experiment/memory-store.js';
import { runWorker } from '../../src/experiment/runner.js';
import { Nb201Space } from '../../src/space/nb201/space.js';
import { createStrategy } from '../../src/strategy/registry.js';
import type { Json } from '../../src/util/json.js';
import { projectRoot } from '../../src/util/paths.js';
import { testDataDir } from '../helpers/data.js';
import { engineTest } from '../engine/helpers.js';

// ---- the tiny network and its hand computation ----
const W1 = [[0.5, -0.3, 0.8, 0.1], [-0.6, 0.4, 0.2, 0.7], [0.3, 0.9, -0.5, -0.2]];
const B1 = [0.1, -0.2, 0.05];
const W2 = [[0.7, -0.4, 0.6], [-0.3, 0.8, 0.5]];
const B2 = [0.02, -0.01];
const X = [[1.0, -0.5, 0.3, 0.8], [-0.7, 0.2, 0.9, -0.4]];
const Y = [1, 0];

function tiny(dtype: 'float32' | 'float64', w1 = W1, w2 = W2): Layer {
  const net = new Sequential(new Flatten(), new Linear(4, 3, { dtype }), new ReLU(), new Linear(3, 2, { dtype }));
  scope(() => {
    const t = (v: number[][] | number[], shape: number[]) => tensor(v.flat(), shape).to(dtype);
    net.loadStateDict({ '1.weight': t(w1, [3, 4]), '1.bias': t(B1, [3]), '3.weight': t(w2, [2, 3]), '3.bias': t(B2, [2]) });
  });
  return net;
}

type M = number[][];
const matvec = (w: M, x: number[], b: number[]) => w.map((row, i) => row.reduce((s, v, k) => s + v * x[k], b[i]));
const zip = (a: M, b: M, f: (x: number, y: number) => number) => a.map((r, i) => r.map((v, j) => f(v, b[i][j])));
const total = (a: M) => a.flat().reduce((s, v) => s + v, 0);

/** Forward and backward of the mean cross-entropy by hand: activations and gradients. */
function handPass(w1: M, w2: M) {
  const n = X.length;
  const dW1 = w1.map((r) => r.map(() => 0));
  const dW2 = w2.map((r) => r.map(() => 0));
  const hs: number[][] = [], dhs: number[][] = [], ys: number[][] = [], dys: number[][] = [];
  let loss = 0;
  X.forEach((x, s) => {
    const h = matvec(w1, x, B1);
    const a = h.map((v) => Math.max(v, 0));
    const y = matvec(w2, a, B2);
    const m = Math.max(...y);
    const e = y.map((v) => Math.exp(v - m));
    const z = e.reduce((p, q) => p + q, 0);
    loss += (-(y[Y[s]] - m) + Math.log(z)) / n;
    const dy = e.map((v, j) => (v / z - (j === Y[s] ? 1 : 0)) / n);
    const da = a.map((_, i) => dy.reduce((p, g, j) => p + g * w2[j][i], 0));
    const dh = da.map((g, i) => (h[i] > 0 ? g : 0));
    dy.forEach((g, j) => a.forEach((v, i) => (dW2[j][i] += g * v)));
    dh.forEach((g, i) => x.forEach((v, k) => (dW1[i][k] += g * v)));
    hs.push(h); dhs.push(dh); ys.push(y); dys.push(dy);
  });
  return { loss, dW1, dW2, hs, dhs, ys, dys };
}

function hand(): Record<string, number> {
  const { dW1, dW2, hs, dhs, ys, dys } = handPass(W1, W2);
  const fro = (a: M) => Math.sqrt(total(zip(a, a, (p, q) => p * q)));
  const fisherOf = (acts: M, grads: M) => acts[0].reduce((s, _, c) => s + 0.5 * acts.reduce((p, a, n) => p + (a[c] * grads[n][c]) ** 2, 0) / acts.length, 0);
  // grasp: Hg by central differences of the hand gradient along g.
  const eps = 1e-5;
  const plus = handPass(zip(W1, dW1, (w, g) => w + eps * g), zip(W2, dW2, (w, g) => w + eps * g));
  const minus = handPass(zip(W1, dW1, (w, g) => w - eps * g), zip(W2, dW2, (w, g) => w - eps * g));
  const hg1 = zip(plus.dW1, minus.dW1, (p, q) => (p - q) / (2 * eps));
  const hg2 = zip(plus.dW2, minus.dW2, (p, q) => (p - q) / (2 * eps));
  // synflow: |θ|, an all-ones input; every unit is positive, so ∂R/∂W2[j][i] = a_i and ∂R/∂W1[i][k] = Σ_j |W2[j][i]|.
  const aW1 = W1.map((r) => r.map(Math.abs));
  const aW2 = W2.map((r) => r.map(Math.abs));
  const a1 = matvec(aW1, [1, 1, 1, 1], B1.map(Math.abs));
  const colsum = a1.map((_, i) => aW2.reduce((s, r) => s + r[i], 0));
  const synflow = total(aW2.map((r) => r.map((w, i) => w * a1[i]))) + total(aW1.map((r, i) => r.map((w) => w * colsum[i])));
  // jacob_cov: J_n = W1ᵀ (mask_n ⊙ W2ᵀ𝟙); two rows, so the correlation matrix has eigenvalues 1 ± r.
  const J = hs.map((h) => [0, 1, 2, 3].map((k) => h.reduce((s, v, i) => s + (v > 0 ? (W2[0][i] + W2[1][i]) * W1[i][k] : 0), 0)));
  const centred = J.map((r) => { const m = r.reduce((p, q) => p + q, 0) / 4; return r.map((v) => v - m); });
  const dot = (a: number[], b: number[]) => a.reduce((s, v, i) => s + v * b[i], 0);
  const r = dot(centred[0], centred[1]) / Math.sqrt(dot(centred[0], centred[0]) * dot(centred[1], centred[1]));
  const jacob = -[1 + r, 1 - r].reduce((s, l) => s + Math.log(l + 1e-5) + 1 / (l + 1e-5), 0);
  // naswot: codes of the 3 ReLU units; K = [[3, agree], [agree, 3]].
  const agree = hs[0].filter((v, i) => v > 0 === hs[1][i] > 0).length;
  return {
    grad_norm: fro(dW1) + fro(dW2),
    snip: total(zip(dW1, W1, (g, w) => Math.abs(g * w))) + total(zip(dW2, W2, (g, w) => Math.abs(g * w))),
    fisher: fisherOf(hs, dhs) + fisherOf(ys, dys),
    grasp: -(total(zip(W1, hg1, (w, h) => w * h)) + total(zip(W2, hg2, (w, h) => w * h))),
    synflow,
    jacob_cov: jacob,
    naswot: Math.log(Math.abs(9 - agree * agree)),
    params: 4 * 3 + 3 + 3 * 2 + 2,
    flops: 4 * 3 + 3 + 3 * 2 + 2,
  };
}

function tinyBatch(): ProxyBatch {
  return { images: tensor(X.flat(), [2, 1, 2, 2]), labels: tensor(Y, [2]).to('int64') };
}

engineTest('proxies: each matches a hand computation on a two-layer network', () => {
  setNumThreads(1);
  const expected = hand();
  const batch = tinyBatch();
  try {
    const { scores } = scoreProxies({ build: (dtype) => tiny(dtype), batch, seed: 0 }, ['synflow', 'snip', 'grad_norm', 'grasp', 'fisher', 'jacob_cov', 'naswot', 'params', 'flops']);
    for (const [name, want] of Object.entries(expected)) {
      const got = scores[name as ProxyName]!;
      assert.ok(Math.abs(got - want) <= 1e-4 * Math.max(1, Math.abs(want)), `${name}: ${got} vs hand ${want}`);
    }
    // Sanity of the fixture: the ReLU units disagree somewhere, and grasp is not trivially zero.
    assert.ok(Number.isFinite(expected.naswot) && Math.abs(expected.grasp) > 1e-6);
  } finally {
    dispose(batch.images, batch.labels);
  }
});

engineTest('proxies: zen is log of α·mean‖W2·W1·ε‖ for a linear network (no ReLU, no batch norm), from the same draws', () => {
  const linear = (dtype: 'float32' | 'float64') => new Sequential(new Flatten(), new Linear(4, 3, { dtype }), new Linear(3, 2, { dtype }));
  const batch = tinyBatch();
  try {
    const { scores } = scoreProxies({ build: linear, batch, seed: 5 }, ['zen']);
    // Replay the draws: Gaussian weights in module order, then x, then ε.
    const net = linear('float32');
    const generator = new Generator(5);
    gaussianInit(net, generator);
    const [w1, w2] = net.parameters().filter((p) => p.ndim === 2).map((p) => p.toArray());
    randn([2, 1, 2, 2], { generator }).dispose();
    const eps = randn([2, 1, 2, 2], { generator }).toArray();
    net.dispose();
    let sum = 0;
    for (let n = 0; n < 2; n++) {
      const e = eps.slice(4 * n, 4 * n + 4);
      const h = [0, 1, 2].map((i) => [0, 1, 2, 3].reduce((s, k) => s + w1[i * 4 + k] * e[k], 0));
      const y = [0, 1].map((j) => [0, 1, 2].reduce((s, i) => s + w2[j * 3 + i] * h[i], 0));
      sum += 0.01 * Math.hypot(...y);
    }
    const want = Math.log(sum / 2);
    assert.ok(Math.abs(scores.zen! - want) < 1e-3, `zen ${scores.zen} vs hand ${want}`);
  } finally {
    dispose(batch.images, batch.labels);
  }
});

engineTest('proxies: scores are seeded (same seed, same scores) and every family leaves no tensor behind', async () => {
  const { memory } = await import('../../src/engine/memory.js');
  const batch = tinyBatch();
  try {
    const before = memory().tensors;
    const names = PROXY_FAMILIES.flatMap((f) => f.names);
    const a = scoreProxies({ build: (d) => tiny(d), batch, seed: 1 }, names).scores;
    const b = scoreProxies({ build: (d) => tiny(d), batch, seed: 1 }, names).scores;
    assert.deepEqual(a, b);
    assert.equal(memory().tensors, before);
  } finally {
    dispose(batch.images, batch.labels);
  }
});

// ---- the CLI ----
engineTest('cli: naskit proxy --json is the contract document', () => {
  const r = spawnSync(process.execPath, [join(projectRoot(), 'bin', 'naskit.js'), 'proxy', '--space', 'nb201', '--sample', '2', '--proxy', 'params,synflow', '--batch', '4', '--seed', '3', '--json'], { encoding: 'utf8', env: { ...process.env, NASKIT_THREADS: '1' } });
  assert.equal(r.status, 0, r.stderr);
  const doc = JSON.parse(r.stdout) as { space: string; dataset: string; proxies: string[]; results: { arch: string; index: number | null; scores: Record<string, number>; seconds: number }[] };
  assert.deepEqual(Object.keys(doc), ['space', 'dataset', 'proxies', 'results']);
  assert.equal(doc.space, 'nb201');
  assert.equal(doc.dataset, 'cifar10');
  assert.deepEqual(doc.proxies, ['params', 'synflow']);
  assert.equal(doc.results.length, 2);
  for (const res of doc.results) {
    assert.deepEqual(Object.keys(res), ['arch', 'index', 'scores', 'seconds']);
    assert.ok(Number.isInteger(res.index) && res.index! >= 0 && res.index! < 15625);
    assert.deepEqual(Object.keys(res.scores), ['params', 'synflow']);
    assert.ok(res.scores.params > 0 && res.seconds >= 0);
  }
  const bad = spawnSync(process.execPath, [join(projectRoot(), 'bin', 'naskit.js'), 'proxy', '--space', 'nb201', '--arch', '0', '--proxy', 'nope'], { encoding: 'utf8' });
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /unknown proxy "nope"; valid: synflow/);
});

// ---- in a search ----
const space = new Nb201Space();

engineTest('proxy estimator: a tiny search stores the proxy score of each trial and reports the table figure of the best', async () => {
  const c = validateConfig({ name: 'proxy-search', space: 'nb201', strategy: { name: 'random', options: {} }, estimator: { name: 'proxy', proxy: 'params', channels: 4, cells: 1, batch_size: 4, threads: 1 }, budget: { trials: 4 }, seed: 2 });
  const estimator = estimatorDefinition('proxy').create({ ...c.estimator }, { space, dataDir: testDataDir() });
  const store = new MemoryStore();
  const experiment = await store.createExperiment({ name: c.name, config: c as unknown as Json, seed: c.seed });
  await runWorker({ store, experiment, config: c, space, estimator: estimator, worker: { id: 'w:1:1' }, codeVersion: 'naskit@test', environment: {} });
  const trials = await store.trials(experiment.id);
  assert.equal(trials.length, 4);
  const { Nb201Network } = await import('../../src/space/nb201/network.js');
  for (const t of trials) {
    assert.equal(t.state, 'complete');
    const net = new Nb201Network(space.freeze(t.sample as Readonly<Record<string, unknown>>), { channels: 4, cells: 1, numClasses: 10 });
    assert.equal(t.value, net.parameterCount(), `trial ${t.number}: the value is the proxy (params of the C=4, N=1 network)`);
    net.dispose();
  }
  const best = trials.reduce((a, b) => (b.value! > a.value! ? b : a));
  const final = await estimator.final(space.freeze(best.sample as Readonly<Record<string, unknown>>));
  assert.equal(estimator.reportName, 'cifar10_test_200ep_mean');
  assert.ok(final.testAccuracy > 0 && final.testAccuracy < 100);
});

engineTest('warm start: the first k trials are the proxy\'s top k of the sample, and only they are trained before the inner strategy', async () => {
  // The "proxy" here is a deterministic function of the sample, so the expected top k is known.
  const score = (s: Parameters<typeof space.key>[0]) => space.format(s).split('nor_conv_3x3').length;
  const top = await rankByProxy(space, score, { sample: 50, top: 5, seed: 4 });
  assert.equal(top.length, 5);
  assert.ok(top.every((t, i) => i === 0 || top[i - 1].score >= t.score), 'best first');
  // Every one of the 50 drawn that is not kept scores no higher than the 5th.
  const inner = createStrategy('random', { space, seed: 9 }, {});
  const warm = new ProxyWarmStart(inner, top.map((t) => t.sample));
  const trained: string[] = [];
  for (let trial = 0; trial < 8; trial++) {
    const p = warm.ask();
    trained.push(space.key(p.sample));
    warm.tell({ trial, sample: p.sample, state: 'complete', value: score(p.sample) });
  }
  assert.deepEqual(trained.slice(0, 5), top.map((t) => space.key(t.sample)), 'the top 5, in order, are the first trials');
  const plain = createStrategy('random', { space, seed: 9 }, {});
  assert.deepEqual(trained.slice(5), [0, 1, 2].map(() => space.key(plain.ask().sample)), 'then the inner strategy, as if it started fresh');
});

engineTest('warm start from a config: warm_start validates, and the runner asks its architectures first, then the strategy', async () => {
  const c = validateConfig({ name: 'warm', space: 'nb201', strategy: { name: 'rea', options: {} }, estimator: { name: 'tabular' }, budget: { trials: 6 }, seed: 1, warm_start: { proxy: 'synflow', sample: 20, top: 2 } });
  assert.deepEqual(c.warm_start, { proxy: 'synflow', sample: 20, top: 2, dataset: 'cifar10', batch_size: 64, channels: 16, cells: 5 });
  assert.throws(() => validateConfig({ ...c, warm_start: { proxy: 'synflow', sample: 2, top: 3 } }), /warm_start: top must not exceed sample/);
  assert.throws(() => validateConfig({ ...c, warm_start: { proxy: 'magic' } }), /warm_start\.proxy: must be one of synflow/);
  // The list itself comes from warmStartSamples (scored with the proxy); here two fixed architectures stand for it.
  const starts = [space.parse('|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_3x3~2|'), space.parse('|avg_pool_3x3~0|+|none~0|skip_connect~1|+|none~0|none~1|nor_conv_1x1~2|')];
  const estimator = estimatorDefinition('tabular').create({ ...c.estimator }, { space, dataDir: testDataDir() });
  const store = new MemoryStore();
  const experiment = await store.createExperiment({ name: c.name, config: c as unknown as Json, seed: c.seed });
  await runWorker({ store, experiment, config: c, space, estimator, worker: { id: 'w:1:1' }, codeVersion: 'naskit@test', environment: {}, warmStart: starts });
  const trials = await store.trials(experiment.id);
  assert.equal(trials.length, 6);
  assert.deepEqual(trials.slice(0, 2).map((t) => t.key), starts.map((s) => space.key(s)));
  const plain = createStrategy('rea', { space, seed: 1 }, {});
  assert.equal(trials[2].key, space.key(plain.ask().sample), 'trial 2 is the strategy\'s first ask');
});

engineTest('warm start: warmStartSamples keeps the proxy\'s best of the sample (params, tiny networks)', async () => {
  const { warmStartSamples } = await import('../../src/estimate/proxy/warm-start-samples.js');
  const top = await warmStartSamples(space, testDataDir(), { proxy: 'params', sample: 12, top: 3, dataset: 'cifar10', batch_size: 4, channels: 4, cells: 1 }, 0);
  const { Nb201Network } = await import('../../src/space/nb201/network.js');
  const params = (s: (typeof top)[number]) => { const n = new Nb201Network(s, { channels: 4, cells: 1 }); const p = n.parameterCount(); n.dispose(); return p; };
  const ranked = await rankByProxy(space, params, { sample: 12, top: 12, seed: 0 });
  assert.deepEqual(top.map((s) => space.key(s)), ranked.slice(0, 3).map((r) => space.key(r.sample)));
  assert.ok(params(top[2]) >= params(ranked[3].sample));
});

engineTest('proxies: zen with a batch norm adds log σ̄ of the batch statistics and compares the normalised features', async () => {
  const { Conv2d } = await import('../../src/engine/nn/conv.js');
  const { BatchNorm2d } = await import('../../src/engine/nn/norm.js');
  const { GlobalAvgPool2d } = await import('../../src/engine/nn/basic.js');
  const build = (dtype: 'float32' | 'float64') => new Sequential(new Conv2d(1, 2, 1, { bias: false, dtype }), new BatchNorm2d(2, { dtype }), new GlobalAvgPool2d(), new Linear(2, 2, { dtype }));
  const batch = tinyBatch();
  try {
    const { scores } = scoreProxies({ build, batch, seed: 11 }, ['zen']);
    const net = build('float32');
    const generator = new Generator(11);
    gaussianInit(net, generator);
    const w = net.parameters()[0].toArray(); // conv weight [2, 1, 1, 1]
    net.dispose();
    const x = randn([2, 1, 2, 2], { generator }).toArray();
    const e = randn([2, 1, 2, 2], { generator }).toArray();
    const stats = (v: number[]) => { const m = v.reduce((s, a) => s + a, 0) / v.length; return { m, var: v.reduce((s, a) => s + (a - m) ** 2, 0) / v.length }; };
    // f: per channel c, BN(w_c · input) over the 8 values of the batch; images n hold values 4n..4n+3.
    const features = (input: number[]) => w.map((wc) => { const y = input.map((v) => wc * v); const s = stats(y); return y.map((v) => (v - s.m) / Math.sqrt(s.var + 1e-5)); });
    const fa = features(x);
    const fb = features(x.map((v, i) => v + 0.01 * e[i]));
    let delta = 0;
    for (let n = 0; n < 2; n++) {
      let sq = 0;
      for (let c = 0; c < 2; c++) for (let p = 0; p < 4; p++) sq += (fa[c][4 * n + p] - fb[c][4 * n + p]) ** 2;
      delta += Math.sqrt(sq) / 2;
    }
    const sigma = Math.sqrt(w.reduce((s, wc) => s + stats(x.map((v) => wc * v)).var, 0) / 2);
    const want = Math.log(delta) + Math.log(sigma);
    assert.ok(Math.abs(scores.zen! - want) < 2e-3, `zen ${scores.zen} vs hand ${want}`);
  } finally {
    dispose(batch.images, batch.labels);
  }
});
