// One-shot search on the DARTS space: the mixed operation over DARTS' operations, derivation of a
// genotype (top 2 edges per node, never `none`), every method on the DARTS supernet, resume, the CLI.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { measurePeak, scope } from '../../src/engine/memory.js';
import { grad } from '../../src/engine/autograd.js';
import { Generator, randint, randn } from '../../src/engine/ops/creation.js';
import { add, mul } from '../../src/engine/ops/elementwise.js';
import { softmax } from '../../src/engine/ops/nn.js';
import { select } from '../../src/engine/ops/shape.js';
import { setNumThreads } from '../../src/engine/runtime.js';
import type { Tensor } from '../../src/engine/tensor.js';
import { DartsSpace } from '../../src/space/darts/space.js';
import { Rng } from '../../src/util/rng.js';
import { projectRoot } from '../../src/util/paths.js';
import { join } from 'node:path';
import { validateOneShotConfig } from '../../src/oneshot/config.js';
import { ArchParameters, createMethod, Darts, DARTS_SEARCH_OPS, DartsSupernet, dartsCellSpec, dartsSearchOperation, lossOf, MixedOp, ONESHOT_DEFAULTS, ONESHOT_METHODS, runOneShotSearch, searchStep, softEdges, type OneShotMethodName, type OneShotSettings, type SearchStepParts, type StepContext } from '../../src/oneshot/index.js';
import { Adam, SGD } from '../../src/engine/optim.js';
import { engineTest } from '../engine/helpers.js';
import { quadrantImages } from './helpers.js';

const spec = dartsCellSpec();
const space = new DartsSpace();

function maxAbsDiff(a: Tensor, b: Tensor): number {
  const x = a.toArray();
  const y = b.toArray();
  return Math.max(...x.map((v, i) => Math.abs(v - y[i])));
}

test('the DARTS cell description: 2 inputs, 4 nodes, 14 edges in DARTS order, 8 operations with none, two kinds', () => {
  assert.equal(spec.edges.length, 14);
  assert.deepEqual(spec.edges.slice(0, 5).map((e) => [e.from, e.to]), [[0, 2], [1, 2], [0, 3], [1, 3], [2, 3]]);
  assert.deepEqual(spec.operations, DARTS_SEARCH_OPS);
  assert.equal(spec.operations.length, 8);
  assert.equal(spec.operations[0], 'none');
  assert.deepEqual(spec.kinds, ['normal', 'reduce']);
  assert.equal(spec.output, 'concat');
});

for (const stride of [1, 2]) {
  engineTest(`DARTS MixedOp (stride ${stride}): the output equals the weighted sum of DARTS' operations, built independently`, () => {
    scope(() => {
      const mixed = new MixedOp(DARTS_SEARCH_OPS, 4, stride, dartsSearchOperation({ generator: new Generator(5) }));
      // Built in the same order from a generator of the same seed, the independent ops get the same weights.
      const factory = dartsSearchOperation({ generator: new Generator(5) });
      const ops = DARTS_SEARCH_OPS.map((op) => factory(op, 4, 4, stride));
      const x = randn([2, 4, 8, 8], { generator: new Generator(9) });
      const w = softmax(randn([8], { generator: new Generator(10) }), 0);
      let expected = mul(ops[0].forward(x), select(w, 0, 0));
      for (let k = 1; k < 8; k++) expected = add(expected, mul(ops[k].forward(x), select(w, 0, k)));
      const out = mixed.forward(x, { weights: w, active: -1 });
      assert.deepEqual(out.shape, [2, 4, 8 / stride, 8 / stride]);
      assert.ok(maxAbsDiff(out, expected) < 1e-5, `mixed op differs from the weighted sum by ${maxAbsDiff(out, expected)}`);
      // Every operation contributes: dropping the separable 3×3 convolution changes the sum.
      const without = add(expected, mul(ops[4].forward(x), mul(select(w, 0, 4), -1)));
      assert.ok(maxAbsDiff(out, without) > 1e-4);
      for (const m of [mixed, ...ops]) m.dispose();
    });
  });
}

/** The genotype DARTS' `genotype()` would write, computed independently: per node the 2 edges of largest non-none maximum. */
function reference(w: number[][]): [string, number][] {
  const pairs: [string, number][] = [];
  let start = 0;
  for (let n = 2; n < 6; n++) {
    const rows = w.slice(start, start + n);
    const strength = rows.map((row) => Math.max(...row.slice(1)));
    const order = [...strength.keys()].sort((a, b) => strength[b] - strength[a] || a - b).slice(0, 2);
    for (const j of order) pairs.push([DARTS_SEARCH_OPS[1 + rows[j].slice(1).indexOf(strength[j])], j]);
    start += n;
  }
  return pairs;
}

test('a derived DARTS genotype always lies in the space and keeps each node\'s two strongest edges, never none', () => {
  const rng = new Rng(8);
  const matrix = (f: (e: number, k: number) => number) => Array.from({ length: 14 }, (_, e) => Array.from({ length: 8 }, (_, k) => f(e, k)));
  const cases: { normal: number[][]; reduce: number[][] }[] = [];
  for (let i = 0; i < 300; i++) {
    // Random at many scales, ties (integers 0/1), and `none` the largest everywhere.
    const f = i % 3 === 0 ? () => rng.int(2) : i % 3 === 1 ? () => rng.normal() * 10 ** rng.intBetween(-3, 3) : (_e: number, k: number) => (k === 0 ? 100 : rng.normal());
    cases.push({ normal: matrix(f), reduce: matrix(f) });
  }
  cases.push({ normal: matrix(() => 0), reduce: matrix(() => 1e300) });
  cases.push({ normal: matrix(() => Number.NaN), reduce: matrix((e, k) => (k === 7 ? Infinity : -Infinity)) });
  for (const w of cases) {
    const sample = spec.derive(w);
    assert.equal(space.check(sample), null);
    assert.equal(space.format(space.parse(spec.format(sample))), spec.format(sample));
    const g = space.genotype(sample);
    assert.ok(![...g.normal, ...g.reduce].some(([op]) => op === 'none'));
    if (w.normal.flat().every(Number.isFinite)) assert.deepEqual(g.normal, reference(w.normal));
    if (w.reduce.flat().every(Number.isFinite)) assert.deepEqual(g.reduce, reference(w.reduce));
  }
  // Node 5 keeps edges from 4 and 2 when they carry the strongest operations, the stronger first.
  const w = matrix(() => 0.1);
  w[13][3] = 0.9; // node 5 ← 4: skip_connect
  w[11][4] = 0.5; // node 5 ← 2: sep_conv_3x3
  w[9][0] = 5; // node 5 ← 0: `none` does not count
  const g = space.genotype(spec.derive({ normal: w, reduce: w }));
  assert.deepEqual(g.normal.slice(6), [['skip_connect', 4], ['sep_conv_3x3', 2]]);
  assert.equal(spec.skipCount(spec.derive({ normal: w, reduce: w })), 1, 'skip connections are counted in the normal cell');
  assert.throws(() => spec.derive({ normal: w }), /darts derive: weights must be/);
});

engineTest('the DARTS supernet: 3N + 2 cells, reductions at 1/3 and 2/3, the gradient reaches both α', () => {
  setNumThreads(1);
  scope(() => {
    const gen = new Generator(4);
    const net = new DartsSupernet(spec, { channels: 4, cells: 1, numClasses: 4, generator: gen });
    assert.deepEqual([...net.cells].map((c) => c.reduction), [false, true, false, true, false]);
    const arch = new ArchParameters(spec, { generator: gen });
    const weights = Object.fromEntries(spec.kinds.map((k) => [k, { edges: softEdges(softmax(arch.alpha.get(k)!, -1)), edgeScale: null }]));
    const x = randn([4, 3, 8, 8], { generator: gen });
    const y = randint(0, 4, [4], gen);
    const { loss } = lossOf(net, weights, { x, y });
    const grads = grad(loss, spec.kinds.map((k) => arch.alpha.get(k)!));
    for (const [i, k] of spec.kinds.entries()) {
      const g = grads[i]!.toArray();
      assert.ok(g.every(Number.isFinite) && g.some((v) => Math.abs(v) > 1e-7), `the gradient must reach α of ${k}`);
    }
    net.dispose();
    arch.dispose();
  });
});

for (const [name, options] of [['darts', {}], ['darts2', {}], ['pcdarts', {}], ['sdarts', { perturbation: 'adversarial', attack_steps: 3 }]] as const) {
  engineTest(`a search step (${name}${name === 'sdarts' ? ', adversarial' : ''}) holds one forward graph at a time: its peak memory stays within 1.3× one forward + backward pass`, () => {
    setNumThreads(1);
    scope(() => {
      const gen = new Generator(3);
      const method = createMethod(name, spec, options);
      const net = new DartsSupernet(spec, { channels: 4, cells: 1, numClasses: 4, partial: method.partial, generator: gen });
      const arch = new ArchParameters(spec, { edgeNormalization: method.edgeNormalization, generator: gen });
      const weightOptimizer = new SGD(net.parameters(), { lr: 0.025, momentum: 0.9, weightDecay: 3e-4 });
      const archOptimizer = new Adam(arch.list(), { lr: 3e-4, betas: [0.5, 0.999], weightDecay: 1e-3 });
      const parts: SearchStepParts = { net, arch, method, weightOptimizer, archOptimizer, gradClip: 5 };
      const batch = () => ({ x: randn([16, 3, 8, 8], { generator: gen }), y: randint(0, 4, [16], gen) });
      const [train, val] = [batch(), batch()];
      const ctx: StepContext = { epoch: 1, epochs: 2, generator: gen, weightLr: 0.025, weightDecay: 3e-4 };
      net.train();
      searchStep(parts, train, val, ctx); // the optimizers' state and the gradients exist from here on
      // The reference: one forward pass with every operation of every edge, one backward pass.
      const pass = measurePeak(() => scope(() => lossOf(net, new Darts(spec).weights(arch, ctx, true), train).loss.backward())).peakBytes;
      const step = measurePeak(() => searchStep(parts, train, val, ctx)).peakBytes;
      // Before each pass had its own scope, the α step's graph (darts2: four graphs; SDARTS-ADV: one per attack step) lived on through the weight step.
      assert.ok(step < 1.3 * pass, `${name}: a search step peaked at ${(step / 2 ** 20).toFixed(1)} MB, one forward + backward pass at ${(pass / 2 ** 20).toFixed(1)} MB`);
      for (const d of [weightOptimizer, archOptimizer, arch, net]) d.dispose();
    });
  });
}

const data = quadrantImages(64, 5);

function settings(method: OneShotMethodName, epochs: number): OneShotSettings {
  // 32 + 32 images, batches of 16: 2 steps per epoch on a C=4, 5-cell DARTS supernet.
  return { ...ONESHOT_DEFAULTS, method, methodOptions: { patience: 1 }, space: 'darts', dataset: 'cifar10', epochs, subset: 64, channels: 4, cells: 1, batchSize: 16, archLr: 0.02, seed: 2 };
}

engineTest('every method runs on the DARTS supernet, derives a DARTS genotype each epoch, and moves both α', async () => {
  setNumThreads(1);
  for (const method of ONESHOT_METHODS) {
    const result = await runOneShotSearch(settings(method, 1), data);
    for (const h of result.history) {
      assert.equal(space.check(space.parse(h.genotype)), null, `${method}: ${h.genotype}`);
      assert.ok(Number.isFinite(h.train_loss) && h.val_loss !== null && Number.isFinite(h.val_loss), `${method}: losses ${h.train_loss} ${h.val_loss}`);
      for (const k of ['normal', 'reduce']) {
        assert.equal(h.alpha[k].length, 14);
        assert.equal(h.alpha[k][0].length, 8);
      }
      assert.equal(h.table, null);
    }
    // α starts within ±0.005 (10⁻³·N(0,1)); two Adam steps of lr 0.02 move it well beyond that, in both cells.
    for (const k of ['normal', 'reduce']) {
      const moved = Math.max(...result.history[0].alpha[k].flat().map(Math.abs));
      assert.ok(moved > 0.02, `${method}: α of ${k} after one epoch is at most ${moved} in magnitude`);
    }
    assert.equal(result.table, null);
    if (method === 'pcdarts') assert.equal(result.history[0].beta!.reduce.length, 14);
  }
});

engineTest('pcdarts on the DARTS space: a search stopped mid-epoch resumes from its last epoch and ends as the uninterrupted one', async () => {
  setNumThreads(1);
  const full = await runOneShotSearch(settings('pcdarts', 2), data);
  const states: Uint8Array[] = [];
  await assert.rejects(
    runOneShotSearch(settings('pcdarts', 2), data, {
      onEpoch: (_r, state) => void states.push(state),
      onStep: (epoch, step) => {
        if (epoch === 1 && step === 1) throw new Error('killed');
      },
    }),
    /killed/,
  );
  assert.equal(states.length, 1);
  const resumed = await runOneShotSearch(settings('pcdarts', 2), data, { resumeFrom: states[0] });
  assert.equal(resumed.resumed_from_epoch, 1);
  const strip = (h: (typeof full.history)[number]) => ({ ...h, seconds: 0 });
  assert.deepEqual(resumed.history.map(strip), full.history.map(strip));
  assert.equal(resumed.genotype, full.genotype);
});

test('a oneshot: config on the darts space validates', () => {
  const c = validateOneShotConfig({ name: 'd', space: 'darts', oneshot: { method: 'gdas', channels: 8, cells: 1 } });
  assert.equal(c.space, 'darts');
  assert.throws(() => validateOneShotConfig({ name: 'd', space: 'dartz', oneshot: { method: 'gdas' } }), /space/);
});

engineTest('naskit oneshot --space darts --json: the contract document, table null, a DARTS genotype', () => {
  const bin = join(projectRoot(), 'bin', 'naskit.js');
  const args = [bin, 'oneshot', '--method', 'darts', '--space', 'darts', '--dataset', 'cifar10', '--epochs', '1', '--subset', '128', '--channels', '4', '--batch', '64', '--seed', '1', '--threads', '1', '--json'];
  const r = spawnSync(process.execPath, args, { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const doc = JSON.parse(r.stdout);
  for (const key of ['method', 'genotype', 'search_seconds', 'history', 'table']) assert.ok(key in doc, `missing ${key}`);
  assert.equal(doc.space, 'darts');
  assert.equal(doc.table, null);
  assert.equal(space.check(space.parse(doc.genotype)), null);
  assert.match(doc.genotype, /^Genotype\(normal=/);
  assert.equal(doc.history.length, 1);
  assert.equal(doc.history[0].alpha.reduce.length, 14);
  assert.deepEqual(doc.operations, DARTS_SEARCH_OPS);
  assert.equal(doc.edges.length, 14);
});
