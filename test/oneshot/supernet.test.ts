// The supernet's parts: the mixed operation, Gumbel sampling, the second-order gradient, derivation.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { grad } from '../../src/engine/autograd.js';
import { engine } from '../../src/engine/binding.js';
import { scope } from '../../src/engine/memory.js';
import { nb201Operation } from '../../src/space/nb201/network.js';
import { Generator, randn, randint, tensor } from '../../src/engine/ops/creation.js';
import { add, mul } from '../../src/engine/ops/elementwise.js';
import { gumbelSoftmax, softmax } from '../../src/engine/ops/nn.js';
import { narrow, select } from '../../src/engine/ops/shape.js';
import { setNumThreads } from '../../src/engine/runtime.js';
import type { Tensor } from '../../src/engine/tensor.js';
import type { Nb201Op } from '../../src/space/nb201/space.js';
import { Nb201Space, NB201_OPS } from '../../src/space/nb201/space.js';
import { Rng } from '../../src/util/rng.js';
import { ArchParameters, Darts, DartsPlus, SDarts, hardEdges, lossOf, MixedOp, Nb201Supernet, nb201CellSpec, softEdges, unrolledArchGradient, type TensorBatch } from '../../src/oneshot/index.js';
import { engineTest } from '../engine/helpers.js';

const spec = nb201CellSpec();

function maxAbsDiff(a: Tensor, b: Tensor): number {
  const x = a.toArray();
  const y = b.toArray();
  return Math.max(...x.map((v, i) => Math.abs(v - y[i])));
}

engineTest('MixedOp: the output equals the weighted sum of its operations, built independently', () => {
  scope(() => {
    const factory = (g: Generator) => (op: string, c: number) => nb201Operation(op as Nb201Op, c, { generator: g });
    const mixed = new MixedOp(NB201_OPS, 4, 1, factory(new Generator(3)));
    // Built one after another from a generator of the same seed, the independent ops get the same weights.
    const g = new Generator(3);
    const ops = NB201_OPS.map((op) => nb201Operation(op, 4, { generator: g }));
    const x = randn([2, 4, 6, 6], { generator: new Generator(9) });
    const w = softmax(randn([5], { generator: new Generator(10) }), 0);
    let expected = mul(ops[0].forward(x), select(w, 0, 0));
    for (let k = 1; k < 5; k++) expected = add(expected, mul(ops[k].forward(x), select(w, 0, k)));
    const out = mixed.forward(x, { weights: w, active: -1 });
    assert.deepEqual(out.shape, [2, 4, 6, 6]);
    assert.ok(maxAbsDiff(out, expected) < 1e-5, `mixed op differs from the weighted sum by ${maxAbsDiff(out, expected)}`);
    // A hard sample runs only its operation, scaled by its weight.
    const only = mixed.forward(x, { weights: w, active: 3 });
    assert.ok(maxAbsDiff(only, mul(ops[3].forward(x), select(w, 0, 3))) < 1e-5);
    assert.ok(maxAbsDiff(only, out) > 1e-3, 'a hard sample must not equal the full mixture');
    for (const m of [mixed, ...ops]) m.dispose();
  });
});

engineTest('MixedOp with partial channels: a quarter goes through the operations, the rest bypasses them, shuffled', () => {
  scope(() => {
    const g = new Generator(4);
    const mixed = new MixedOp(NB201_OPS, 8, 1, (op, c) => nb201Operation(op as Nb201Op, c, { generator: g }), 4);
    const x = randn([2, 8, 5, 5], { generator: new Generator(1) });
    const w = softmax(randn([5], { generator: new Generator(2) }), 0);
    const out = mixed.forward(x, { weights: w, active: -1 });
    assert.deepEqual(out.shape, [2, 8, 5, 5]);
    // cat([mixed(x[0:2]), x[2:8]]) shuffled in 4 groups of 2: output channel 2k+j is input channel 4j+k... check the bypass:
    // channels [m0 m1 x2 x3 x4 x5 x6 x7] -> view [4 groups][2] -> transpose -> [m0 x2 x4 x6 m1 x3 x5 x7]
    for (const [outCh, inCh] of [[1, 2], [2, 4], [3, 6], [5, 3], [6, 5], [7, 7]]) {
      assert.ok(maxAbsDiff(narrow(out, 1, outCh, 1), narrow(x, 1, inCh, 1)) === 0, `output channel ${outCh} must be input channel ${inCh}`);
    }
    const through = narrow(x, 1, 0, 2);
    let m = mul(mixed.ops.at(0).forward(through), select(w, 0, 0));
    for (let k = 1; k < 5; k++) m = add(m, mul(mixed.ops.at(k).forward(through), select(w, 0, k)));
    assert.ok(maxAbsDiff(narrow(out, 1, 0, 1), narrow(m, 1, 0, 1)) < 1e-5);
    assert.ok(maxAbsDiff(narrow(out, 1, 4, 1), narrow(m, 1, 1, 1)) < 1e-5);
    mixed.dispose();
  });
});

engineTest('Gumbel hard samples are one-hot per edge, and the loss gradient reaches α through them', () => {
  setNumThreads(1);
  scope(() => {
    const gen = new Generator(7);
    const net = new Nb201Supernet(spec, { channels: 4, cells: 1, numClasses: 4, generator: gen });
    const arch = new ArchParameters(spec, { generator: gen });
    const alpha = arch.alpha.get('normal')!;
    const counts = new Array(5).fill(0);
    for (let draw = 0; draw < 40; draw++) {
      const onehot = gumbelSoftmax(alpha, { tau: 1, hard: true, generator: gen });
      const rows = onehot.toArray();
      for (let e = 0; e < 6; e++) {
        const row = rows.slice(e * 5, e * 5 + 5);
        assert.deepEqual([...row].sort(), [0, 0, 0, 0, 1], `row ${e} of a hard sample is ${row}`);
        counts[row.indexOf(1)]++;
      }
    }
    // With α near 0 every operation is drawn.
    assert.ok(counts.every((c) => c > 10), `draws per operation ${counts}`);
    const edges = hardEdges(gumbelSoftmax(alpha, { tau: 1, hard: true, generator: gen }));
    assert.ok(edges.every((e) => e.active >= 0 && e.weights.toArray()[e.active] === 1));
    const x = randn([4, 3, 8, 8], { generator: gen });
    const y = tensor(new Int32Array([0, 1, 2, 3]), [4]).to('int64');
    const { loss } = lossOf(net, { normal: { edges, edgeScale: null } }, { x, y });
    const [g] = grad(loss, [alpha]);
    const values = g!.toArray();
    assert.ok(values.every(Number.isFinite));
    assert.ok(values.some((v) => Math.abs(v) > 1e-6), 'the gradient must reach α');
    net.dispose();
    arch.dispose();
  });
});

engineTest('DARTS second order: the unrolled architecture gradient matches finite differences of L_val(w − ξ∇L_train, α)', () => {
  setNumThreads(1);
  scope(() => {
    const gen = new Generator(11);
    const net = new Nb201Supernet(spec, { channels: 4, cells: 1, numClasses: 4, generator: gen, dtype: 'float64' });
    const arch = new ArchParameters(spec, { generator: gen, dtype: 'float64' });
    // Larger α than the 1e-3 initialisation, so that the operations' weights differ.
    engine().inplace(1, arch.alpha.get('normal')!.nativeHandle, null, null, 300);
    const batch = (seed: number): TensorBatch => ({ x: randn([6, 3, 8, 8], { generator: new Generator(seed), dtype: 'float64' }), y: randint(0, 4, [6], new Generator(seed + 1)) });
    const train = batch(20);
    const val = batch(30);
    const xi = 0.2;
    const wd = 3e-4;
    const method = new Darts(spec);
    const ctx = { epoch: 0, epochs: 1, generator: gen, weightLr: xi, weightDecay: wd };
    const weightsOf = (detached: boolean) => method.weights(arch, ctx, detached);
    // A small radius: the tiny network (4 channels, 6 images, 2×2 maps in the last stage) is far from
    // smooth at DARTS' radius 0.01; in float64 a central difference at 1e-5 is exact to ~1e-8.
    const r = unrolledArchGradient(net, arch, weightsOf, train, val, xi, wd, 1e-5);
    const analytic = r.grads[0].toArray();
    const first = scope(() => grad(lossOf(net, weightsOf(false), val).loss, [arch.alpha.get('normal')!])[0]!.toArray());

    // f(α) = L_val(w − ξ(∇w L_train(w, α) + λw), α), the weights restored after each evaluation.
    const params = net.parameters();
    const alpha = arch.alpha.get('normal')!;
    const f = (): number =>
      scope(() => {
        const saved = params.map((p) => p.detach().clone());
        const gw = grad(lossOf(net, weightsOf(true), train).loss, params, { allowUnused: true });
        params.forEach((p, i) => {
          if (gw[i]) engine().inplace(0, p.nativeHandle, gw[i]!.nativeHandle, null, -xi);
          engine().inplace(0, p.nativeHandle, saved[i].nativeHandle, null, -xi * wd);
        });
        const value = lossOf(net, weightsOf(false), val).loss.item();
        params.forEach((p, i) => engine().inplace(4, p.nativeHandle, saved[i].nativeHandle, null, 0));
        return value;
      });
    const h = 1e-5;
    const rng = new Rng(1);
    const entries = rng.sample([...Array(30).keys()], 8);
    const numeric: number[] = [];
    for (const i of entries) {
      const bump = (s: number) => scope(() => engine().inplace(0, alpha.nativeHandle, tensor(new Float64Array(30).fill(0).map((_, j) => (j === i ? s : 0)), [6, 5]).nativeHandle, null, 1));
      bump(h);
      const up = f();
      bump(-2 * h);
      const down = f();
      bump(h);
      numeric.push((up - down) / (2 * h));
    }
    const picked = entries.map((i) => analytic[i]);
    const scale = Math.max(...numeric.map(Math.abs));
    const error = Math.max(...numeric.map((v, k) => Math.abs(v - picked[k]))) / scale;
    assert.ok(error < 2e-3, `unrolled gradient ${picked} vs finite differences ${numeric}: relative error ${error}`);
    // The second-order term matters here: the first-order gradient is measurably different.
    const firstError = Math.max(...numeric.map((v, k) => Math.abs(v - first[entries[k]]))) / scale;
    assert.ok(firstError > 10 * error, `first-order error ${firstError} should be far larger than ${error}`);
    net.dispose();
    arch.dispose();
  });
});

test('a derived genotype always lies in the NB201 space (random, tied and extreme weights)', () => {
  const space = new Nb201Space();
  const rng = new Rng(5);
  const cases: number[][][] = [];
  for (let i = 0; i < 300; i++) cases.push(Array.from({ length: 6 }, () => Array.from({ length: 5 }, () => (i % 3 === 0 ? rng.int(2) : rng.normal() * 10 ** rng.intBetween(-3, 3)))));
  cases.push(Array.from({ length: 6 }, () => [0, 0, 0, 0, 0]));
  for (const w of cases) {
    const sample = spec.derive({ normal: w });
    assert.equal(space.check(sample), null);
    assert.equal(space.format(space.parse(spec.format(sample))), spec.format(sample));
    spec.edges.forEach((edge, e) => assert.equal(sample[edge.label], NB201_OPS[w[e].indexOf(Math.max(...w[e]))]));
  }
  assert.throws(() => spec.derive({ normal: [[1, 2, 3]] }), /weights must be/);
});

engineTest('softEdges splits a weight matrix into per-edge rows', () => {
  scope(() => {
    const w = softmax(randn([6, 5], { generator: new Generator(1) }), -1);
    const edges = softEdges(w);
    assert.equal(edges.length, 6);
    assert.deepEqual(edges[2].weights.toArray(), w.toArray().slice(10, 15));
  });
});

engineTest('SDARTS perturbs the weight step within ±ε; the adversarial perturbation raises the training loss', () => {
  setNumThreads(1);
  scope(() => {
    const gen = new Generator(21);
    const net = new Nb201Supernet(spec, { channels: 4, cells: 1, numClasses: 4, generator: gen });
    const arch = new ArchParameters(spec, { generator: gen });
    const batch: TensorBatch = { x: randn([8, 3, 8, 8], { generator: gen }), y: randint(0, 4, [8], gen) };
    const ctx = { epoch: 5, epochs: 10, generator: gen, weightLr: 0.025, weightDecay: 3e-4 };
    const clean = softmax(arch.alpha.get('normal')!, -1).toArray();
    const cleanLoss = lossOf(net, new Darts(spec).weights(arch, ctx, true), batch).loss.item();
    for (const perturbation of ['random', 'adversarial'] as const) {
      const method = new SDarts(spec, perturbation, 0.3, 5);
      const eps = method.epsilonAt(ctx);
      assert.ok(Math.abs(eps - 0.165) < 1e-9, `ε halfway is ${eps}`);
      const w = method.trainingWeights(net, arch, batch, ctx);
      const perturbed = w.normal.edges.flatMap((e) => e.weights.toArray());
      const delta = perturbed.map((v, i) => v - clean[i]);
      assert.ok(Math.max(...delta.map(Math.abs)) <= eps + 1e-6, `${perturbation}: |δ| ${Math.max(...delta.map(Math.abs))} > ε ${eps}`);
      assert.ok(Math.max(...delta.map(Math.abs)) > eps / 4, `${perturbation}: δ is too small to be a perturbation`);
      if (perturbation === 'adversarial') {
        const loss = lossOf(net, w, batch).loss.item();
        assert.ok(loss > cleanLoss, `adversarial loss ${loss} should exceed the clean ${cleanLoss}`);
      }
    }
    net.dispose();
    arch.dispose();
  });
});

test('DARTS+ stops at the skip limit (returning the last cell below it) or when the cell is stable', () => {
  const method = new DartsPlus(spec, 2, 3);
  const view = (epoch: number, genotype: string, skipCount: number) => ({ epoch, genotype, skipCount });
  assert.equal(method.stop([view(1, 'a', 0), view(2, 'b', 1)]), null);
  assert.deepEqual(method.stop([view(1, 'a', 0), view(2, 'b', 1), view(3, 'c', 2)]), { reason: '2 skip connections at epoch 3 (limit 2)', resultEpoch: 2 });
  assert.equal(method.stop([view(1, 'a', 0), view(2, 'b', 0), view(3, 'b', 0), view(4, 'b', 0)]), null);
  assert.equal(method.stop([view(1, 'a', 0), view(2, 'b', 0), view(3, 'b', 0), view(4, 'b', 0), view(5, 'b', 0)])?.resultEpoch, 5);
});
