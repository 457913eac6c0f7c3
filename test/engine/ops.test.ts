import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as E from '../../src/engine/index.js';
import type { Tensor } from '../../src/engine/index.js';
import { projectRoot } from '../../src/util/paths.js';
import { engineTest, maxRelativeError, referenceInput } from './helpers.js';

interface ReferenceCase {
  name: string;
  inputs: { shape: number[]; scale: number; shift: number }[];
  shape: number[];
  data: number[];
}

const idx = (values: number[], shape: number[]): Tensor => E.tensor(Int32Array.from(values), shape).to('int64');

/** The op table: the same functions as fixtures/make_reference.py, written with naskit's engine. */
const OPS: Record<string, (...x: Tensor[]) => Tensor> = {
  add: (a, b) => E.add(a, b),
  sub: (a, b) => E.sub(a, b, 2),
  mul: (a, b) => E.mul(a, b),
  div: (a, b) => E.div(a, b),
  pow: (a) => E.pow(a, 3),
  neg: (a) => E.neg(a),
  exp: (a) => E.exp(a),
  log: (a) => E.log(a),
  sqrt: (a) => E.sqrt(a),
  abs: (a) => E.abs(a),
  tanh: (a) => E.tanh(a),
  sigmoid: (a) => E.sigmoid(a),
  relu: (a) => E.relu(a),
  square: (a) => E.square(a),
  clamp: (a) => E.clamp(a, -0.5, 0.6),
  leakyRelu: (a) => E.leakyRelu(a, 0.1),
  maximum: (a, b) => E.maximum(a, b),
  sum_dim: (a) => E.sum(a, [0, 2]),
  mean_all: (a) => E.mean(a),
  max_dim: (a) => E.max(a, 1),
  logsumexp: (a) => E.logsumexp(a, 1),
  norm: (a) => E.norm(a),
  variance: (a) => E.variance(a, 1),
  reshape: (a) => E.reshape(a, [3, 4]).mul(2),
  permute: (a) => E.permute(a, [2, 0, 1]).mul(2),
  transpose: (a) => E.transpose(a, 0, 1).mul(2),
  narrow: (a) => E.narrow(a, 1, 1, 3).mul(2),
  select: (a) => E.select(a, 0, 2).mul(2),
  indexSelect: (a) => E.indexSelect(a, 0, idx([3, 0, 3], [3])).mul(2),
  gather: (a) => E.gather(a, 1, idx([0, 3, 1, 1, 2, 0], [3, 2])).mul(2),
  cat: (a, b) => E.cat([a, b], 1).mul(2),
  stack: (a, b) => E.stack([a, b], 1).mul(2),
  pad: (a) => E.pad(a, [1, 2, 0, 1], 0.5).mul(2),
  expand: (a) => E.expand(a, [3, 4]).mul(2),
  matmul: (a, b) => E.matmul(a, b),
  linear: (x, w, b) => E.linear(x, w, b),
  conv2d: (x, w, b) => E.conv2d(x, w, b, { stride: 2, padding: 1, dilation: 2, groups: 2 }),
  conv2d_plain: (x, w) => E.conv2d(x, w, null, { padding: 1 }),
  maxPool2d: (x) => E.maxPool2d(x, 3, { stride: 2, padding: 1 }),
  avgPool2d: (x) => E.avgPool2d(x, 3, { stride: 1, padding: 1, countIncludePad: false }),
  adaptiveAvgPool2d: (x) => E.adaptiveAvgPool2d(x, 1),
  batchNorm: (x, w, b) => E.batchNorm(x, { weight: w, bias: b, training: true, eps: 1e-5 }),
  softmax: (a) => E.softmax(a, 1),
  logSoftmax: (a) => E.logSoftmax(a, 0),
  crossEntropy: (a) => E.crossEntropy(a, idx([0, 4, 2, 2], [4]), { labelSmoothing: 0.1 }),
  crossEntropy_sum: (a) => E.crossEntropy(a, idx([1, 3, 0, 2], [4]), { reduction: 'sum' }),
  nllLoss: (a) => E.nllLoss(a, idx([1, 3, 0, 2], [4])),
  mseLoss: (a, b) => E.mseLoss(a, b),
  embedding: (w) => E.embedding(w, idx([4, 0, 1, 1], [2, 2])),
  lstmCell: (x, h, c, wih, whh, bih, bhh) => {
    const next = E.lstmCell(x, { h, c }, wih, whh, bih, bhh);
    return E.cat([next.h, next.c], 1);
  },
};

function loadReference(): { cases: ReferenceCase[] } {
  return JSON.parse(readFileSync(join(projectRoot(), 'test', 'engine', 'fixtures', 'reference.json'), 'utf8')) as { cases: ReferenceCase[] };
}

function inputsOf(c: ReferenceCase): Float64Array[] {
  return c.inputs.map((spec, k) => referenceInput(spec.shape, k, spec.scale, spec.shift));
}

/** L(x) = sum(op(x) * w) with fixed weights, so that one scalar checks the whole Jacobian. */
function weightedLoss(c: ReferenceCase, arrays: Float64Array[], requiresGrad: boolean): { loss: Tensor; inputs: Tensor[] } {
  const inputs = arrays.map((a, k) => {
    const t = E.tensor(a, c.inputs[k].shape);
    return requiresGrad ? t.setRequiresGrad() : t;
  });
  const out = OPS[c.name](...inputs);
  const w = new Float64Array(out.size);
  for (let i = 0; i < w.length; i++) w[i] = Math.cos(1.3 * i + 0.5);
  return { loss: E.sum(E.mul(out, E.tensor(w, out.shape))), inputs };
}

engineTest('ops: the table covers every reference case', () => {
  const names = loadReference().cases.map((c) => c.name);
  assert.deepEqual([...names].sort(), Object.keys(OPS).sort());
});

engineTest('ops: forward results match PyTorch 1.13 (float64, 1e-9)', () => {
  for (const c of loadReference().cases) {
    E.scope(() => {
      const inputs = inputsOf(c).map((a, k) => E.tensor(a, c.inputs[k].shape));
      const out = OPS[c.name](...inputs);
      assert.deepEqual(out.shape, c.shape, `${c.name}: shape`);
      assert.equal(out.dtype, 'float64', `${c.name}: dtype`);
      const err = maxRelativeError(out.data(), c.data);
      assert.ok(err < 1e-9, `${c.name}: max relative error ${err}`);
    });
  }
});

engineTest('ops: gradients match central finite differences (float64) for every differentiable op', () => {
  const h = 1e-6;
  for (const c of loadReference().cases) {
    E.scope(() => {
      const arrays = inputsOf(c);
      const { loss, inputs } = weightedLoss(c, arrays, true);
      loss.backward();
      inputs.forEach((input, k) => {
        const analytic = input.grad;
        assert.ok(analytic, `${c.name}: input ${k} has no gradient`);
        const a = analytic.data();
        const numeric = new Float64Array(arrays[k].length);
        for (let i = 0; i < arrays[k].length; i++) {
          const saved = arrays[k][i];
          const at = (v: number): number => {
            arrays[k][i] = v;
            return E.scope(() => weightedLoss(c, arrays, false).loss.item());
          };
          numeric[i] = (at(saved + h) - at(saved - h)) / (2 * h);
          arrays[k][i] = saved;
        }
        const err = maxRelativeError(a, numeric);
        assert.ok(err < 1e-5, `${c.name}: input ${k} gradient differs from finite differences by ${err}`);
      });
    });
  }
});

engineTest('ops: gumbelSoftmax is a distribution, seeded by its generator, hard gives one-hot with soft gradients', () => {
  E.scope(() => {
    const logits = E.tensor(new Float64Array([0.1, 0.5, -0.3, 1.2, 0.0, -1.0]), [2, 3]).setRequiresGrad();
    const soft = E.gumbelSoftmax(logits, { tau: 0.5, generator: new E.Generator(7) });
    const again = E.gumbelSoftmax(logits, { tau: 0.5, generator: new E.Generator(7) });
    assert.deepEqual(soft.toArray(), again.toArray());
    const rows = E.sum(soft, 1).toArray();
    for (const r of rows) assert.ok(Math.abs(r - 1) < 1e-12);
    const hard = E.gumbelSoftmax(logits, { tau: 0.5, hard: true, generator: new E.Generator(7) });
    assert.deepEqual([...hard.toArray()].sort(), [0, 0, 0, 0, 1, 1]);
    // Straight-through: the hard sample's gradient equals the soft sample's.
    const w = E.tensor(new Float64Array([1, 2, 3, 4, 5, 6]), [2, 3]);
    const [gHard] = E.grad(E.sum(E.mul(hard, w)), logits, { retainGraph: true });
    const [gSoft] = E.grad(E.sum(E.mul(soft, w)), logits);
    assert.ok(maxRelativeError(gHard!.data(), gSoft!.data()) < 1e-12);
    // Finite differences with the same noise (a fresh generator of the same seed per evaluation).
    const base = [0.1, 0.5, -0.3, 1.2, 0.0, -1.0];
    const f = (v: number[]): number => E.scope(() => E.sum(E.mul(E.gumbelSoftmax(E.tensor(Float64Array.from(v), [2, 3]), { tau: 0.5, generator: new E.Generator(7) }), w)).item());
    const g = gSoft!.toArray();
    for (let i = 0; i < 6; i++) {
      const plus = [...base];
      const minus = [...base];
      plus[i] += 1e-6;
      minus[i] -= 1e-6;
      assert.ok(Math.abs((f(plus) - f(minus)) / 2e-6 - g[i]) < 1e-5, `gumbelSoftmax gradient ${i}`);
    }
  });
});

engineTest('ops: dropout zeroes about p of the elements and scales the rest when training; identity in eval', () => {
  E.manualSeed(3);
  E.scope(() => {
    const x = E.ones([100, 100]);
    const y = E.dropout(x, 0.3, true).toArray();
    const zeros = y.filter((v) => v === 0).length / y.length;
    assert.ok(Math.abs(zeros - 0.3) < 0.03, `dropped fraction ${zeros}`);
    assert.ok(y.filter((v) => v !== 0).every((v) => Math.abs(v - 1 / 0.7) < 1e-6));
    assert.deepEqual(E.dropout(x, 0.3, false).toArray(), x.toArray());
  });
});

engineTest('ops: dropout with a generator: same seed same mask, other seed other mask, PyTorch\'s draw order, global generator untouched', () => {
  E.scope(() => {
    const x = E.ones([20, 20], 'float64').setRequiresGrad();
    const a = E.dropout(x, 0.4, true, new E.Generator(9));
    assert.deepEqual(E.dropout(x, 0.4, true, new E.Generator(9)).toArray(), a.toArray());
    assert.notDeepEqual(E.dropout(x, 0.4, true, new E.Generator(10)).toArray(), a.toArray());
    // The explicit generator draws the mask as ATen's dropout draws it from the global one (so as PyTorch's F.dropout after torch.manual_seed(9)).
    E.manualSeed(9);
    assert.deepEqual(E.dropout(x, 0.4, true).toArray(), a.toArray());
    // Drawing from a generator leaves the global stream where it was.
    E.manualSeed(1);
    const global1 = E.rand([8]).toArray();
    E.manualSeed(1);
    E.dropout(x, 0.4, true, new E.Generator(2));
    assert.deepEqual(E.rand([8]).toArray(), global1);
    // The gradient of sum(dropout(x)) is the scaled mask itself.
    const [g] = E.grad(E.sum(a), x);
    assert.deepEqual(g!.toArray(), a.toArray());
    assert.ok(a.toArray().every((v) => v === 0 || Math.abs(v - 1 / 0.6) < 1e-12));
    assert.deepEqual(E.dropout(x, 0.4, false, new E.Generator(9)).toArray(), x.toArray(), 'identity in eval');
    assert.deepEqual(E.dropout(x, 1, true, new E.Generator(9)).toArray(), new Array(400).fill(0));
  });
});

engineTest('ops: creation functions give the documented values, seeded draws repeat', () => {
  E.scope(() => {
    assert.deepEqual(E.zeros([2, 2]).toArray(), [0, 0, 0, 0]);
    assert.deepEqual(E.ones([3], 'int32').data(), Int32Array.from([1, 1, 1]));
    assert.deepEqual(E.arange(4).toArray(), [0, 1, 2, 3]);
    assert.deepEqual(E.eye(2).toArray(), [1, 0, 0, 1]);
    assert.deepEqual(E.full([2], 2.5).toArray(), [2.5, 2.5]);
    assert.deepEqual(E.oneHot(E.tensor(Int32Array.from([2, 0]), [2]), 3).toArray(), [0, 0, 1, 1, 0, 0]);
    const a = E.randn([5], { generator: new E.Generator(42) }).toArray();
    const b = E.randn([5], { generator: new E.Generator(42) }).toArray();
    const c = E.randn([5], { generator: new E.Generator(43) }).toArray();
    assert.deepEqual(a, b);
    assert.notDeepEqual(a, c);
    const u = E.rand([1000], { generator: new E.Generator(1) }).toArray();
    assert.ok(u.every((v) => v >= 0 && v < 1));
    assert.deepEqual([...E.randperm(6, new E.Generator(2)).toArray()].sort(), [0, 1, 2, 3, 4, 5]);
    const x = E.tensor([1, 2, 3, 4, 5, 6], [2, 3]);
    assert.equal(x.dtype, 'float32');
    assert.deepEqual(x.shape, [2, 3]);
    assert.deepEqual(E.argmax(x, 1).toArray(), [2, 2]);
    assert.deepEqual(E.topk(x, 2, 1).indices.toArray(), [2, 1, 2, 1]);
    assert.deepEqual(x.toFloat32Array(), Float32Array.from([1, 2, 3, 4, 5, 6]));
  });
});
