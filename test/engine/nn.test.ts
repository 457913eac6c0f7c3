import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as E from '../../src/engine/index.js';
import { engineTest, maxRelativeError } from './helpers.js';

engineTest('nn: registration names members by path; bad or duplicate names are refused', () => {
  E.scope(() => {
    const net = new E.nn.Sequential(new E.nn.Conv2d(3, 4, 3, { padding: 1, generator: new E.Generator(0) }), new E.nn.BatchNorm2d(4), new E.nn.ReLU());
    assert.deepEqual(net.namedParameters().map(([n]) => n), ['0.weight', '0.bias', '1.weight', '1.bias']);
    assert.deepEqual(net.namedBuffers().map(([n]) => n), ['1.running_mean', '1.running_var']);
    assert.equal(net.parameterCount(), 4 * 3 * 9 + 4 + 4 + 4);
    class Bad extends E.nn.Module {}
    const bad = new Bad();
    bad.registerBuffer('x', E.zeros([1]));
    assert.throws(() => bad.registerParameter('x', E.zeros([1])), RangeError);
    assert.throws(() => bad.registerParameter('a.b', E.zeros([1])), RangeError);
    assert.throws(() => bad.registerParameter('p', E.zeros([1], 'int32')), (e: unknown) => e instanceof E.nn.StateDictMismatch === false && (e as { code?: string }).code === 'DTYPE_MISMATCH');
    net.eval();
    assert.ok(net.modules().every((m) => !m.training));
    net.train();
    assert.ok(net.modules().every((m) => m.training));
    net.dispose();
  });
});

engineTest('nn: parameters survive scopes; Linear computes x Wᵀ + b; seeded init repeats', () => {
  const layer = E.scope(() => new E.nn.Linear(3, 2, { generator: new E.Generator(5), dtype: 'float64' }));
  assert.equal(layer.weight.isDisposed, false);
  const again = new E.nn.Linear(3, 2, { generator: new E.Generator(5), dtype: 'float64' });
  assert.deepEqual(layer.weight.toArray(), again.weight.toArray());
  const bound = 1 / Math.sqrt(3);
  assert.ok(layer.weight.toArray().every((v) => Math.abs(v) <= bound));
  E.scope(() => {
    const x = E.tensor(new Float64Array([1, 2, 3]), [1, 3]);
    const w = layer.weight.toArray();
    const b = layer.bias!.toArray();
    const expected = [0, 1].map((o) => w[o * 3] + 2 * w[o * 3 + 1] + 3 * w[o * 3 + 2] + b[o]);
    assert.ok(maxRelativeError(layer.forward(x).data(), expected) < 1e-12);
  });
  layer.dispose();
  again.dispose();
});

engineTest('nn: BatchNorm2d updates running statistics in training and uses them in eval', () => {
  E.scope(() => {
    const bn = new E.nn.BatchNorm2d(2, { dtype: 'float64' });
    const x = E.tensor(new Float64Array([1, 2, 3, 4, 10, 20, 30, 40]), [2, 2, 1, 2]);
    bn.forward(x);
    // channel 0 holds 1,2,10,20 (mean 8.25), channel 1 holds 3,4,30,40 (mean 19.25); momentum 0.1
    assert.ok(maxRelativeError(bn.runningMean!.data(), [0.825, 1.925]) < 1e-12);
    bn.eval();
    const y = bn.forward(x).toArray();
    const rv = bn.runningVar!.toArray();
    assert.ok(Math.abs(y[0] - (1 - 0.825) / Math.sqrt(rv[0] + 1e-5)) < 1e-9);
    bn.dispose();
  });
});

engineTest('nn: loadStateDict reports every mismatch in one error and loads when it fits', () => {
  const a = new E.nn.Sequential(new E.nn.Linear(4, 3), new E.nn.Linear(3, 2));
  const b = new E.nn.Sequential(new E.nn.Linear(4, 3), new E.nn.Linear(3, 2));
  E.scope(() => {
    const state = new Map(a.stateDict());
    state.delete('1.bias');
    state.set('extra', E.zeros([1]));
    state.set('0.weight', E.zeros([3, 5]));
    assert.throws(
      () => b.loadStateDict(state),
      (e: unknown) =>
        e instanceof E.nn.StateDictMismatch && e.code === 'STATE_DICT_MISMATCH' && e.missing.join() === '1.bias' && e.unexpected.join() === 'extra' && e.mismatched.length === 1,
    );
  });
  b.loadStateDict(a.stateDict());
  assert.deepEqual(b.namedParameters().map(([, t]) => t.toArray()), a.namedParameters().map(([, t]) => t.toArray()));
  a.dispose();
  b.dispose();
});

engineTest('nn: checkpoints round-trip through safetensors', () => {
  const dir = mkdtempSync(join(tmpdir(), 'naskit-ckpt-'));
  try {
    const make = (seed: number) => new E.nn.Sequential(new E.nn.Conv2d(1, 2, 3, { generator: new E.Generator(seed) }), new E.nn.BatchNorm2d(2));
    const a = make(1);
    const b = make(2);
    E.saveCheckpoint(a, join(dir, 'a.safetensors'), { arch: 'test' });
    assert.deepEqual(E.loadCheckpoint(b, join(dir, 'a.safetensors')), { arch: 'test' });
    for (const [name, t] of a.stateDict()) assert.deepEqual(b.stateDict().get(name)!.toArray(), t.toArray(), name);
    const c = new E.nn.Sequential(new E.nn.Conv2d(1, 3, 3));
    assert.throws(() => E.loadCheckpoint(c, join(dir, 'a.safetensors')), (e: unknown) => e instanceof E.nn.StateDictMismatch);
    a.dispose();
    b.dispose();
    c.dispose();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

engineTest('nn: NAS ops keep the spatial size (stride 1) or halve it (stride 2) with the right channels', () => {
  E.scope(() => {
    const x = E.randn([2, 4, 8, 8], { generator: new E.Generator(0) });
    const cases: [E.nn.Layer, number[]][] = [
      [new E.nn.ReLUConvBN(4, 6, 3, 1, 1), [2, 6, 8, 8]],
      [new E.nn.SepConv(4, 6, 3, 2, 1), [2, 6, 4, 4]],
      [new E.nn.DilConv(4, 6, 3, 1, 2, 2), [2, 6, 8, 8]],
      [new E.nn.DualSepConv(4, 6, 5, 2, 2), [2, 6, 4, 4]],
      [new E.nn.Zero(4, 6, 2), [2, 6, 4, 4]],
      [new E.nn.Zero(4, 4, 1), [2, 4, 8, 8]],
      [new E.nn.Identity(), [2, 4, 8, 8]],
      [new E.nn.FactorizedReduce(4, 6, 2), [2, 6, 4, 4]],
      [new E.nn.Pooling(4, 4, 1), [2, 4, 8, 8]],
      [new E.nn.ResNetBasicBlock(4, 8, 2), [2, 8, 4, 4]],
    ];
    for (const [op, shape] of cases) assert.deepEqual(op.forward(x).shape, shape, op.constructor.name);
    assert.deepEqual(new E.nn.Zero(4, 4, 1).forward(x).toArray().filter((v) => v !== 0), []);
    for (const [op] of cases) op.dispose();
  });
});

engineTest('nn: Dropout with a generator repeats its masks for the same seed and differs for another', () => {
  E.scope(() => {
    const x = E.ones([10, 10]);
    const masks = (seed: number): number[][] => {
      const layer = new E.nn.Dropout(0.5, { generator: new E.Generator(seed) });
      return [layer.forward(x).toArray(), layer.forward(x).toArray()];
    };
    const [first, second] = masks(21);
    assert.deepEqual(masks(21), [first, second]);
    assert.notDeepEqual(second, first, 'the generator advances between calls');
    assert.notDeepEqual(masks(22)[0], first);
    const layer = new E.nn.Dropout(0.5, { generator: new E.Generator(21) });
    layer.eval();
    assert.deepEqual(layer.forward(x).toArray(), x.toArray());
  });
});

engineTest('nn: LSTMCell, LSTM and Embedding', () => {
  E.scope(() => {
    const cell = new E.nn.LSTMCell(3, 5, { generator: new E.Generator(1) });
    const emb = new E.nn.Embedding(4, 3, { generator: new E.Generator(2) });
    const x = emb.forward(E.tensor(Int32Array.from([0, 3]), [2]));
    assert.deepEqual(x.shape, [2, 3]);
    const s = cell.forward(x, cell.initialState(2));
    assert.deepEqual(s.h.shape, [2, 5]);
    assert.ok(s.h.toArray().every((v) => Math.abs(v) < 1));
    const lstm = new E.nn.LSTM(3, 5, { generator: new E.Generator(1) });
    assert.deepEqual(lstm.namedParameters().map(([n]) => n), ['weight_ih_l0', 'weight_hh_l0', 'bias_ih_l0', 'bias_hh_l0']);
    const seq = E.randn([4, 2, 3], { generator: new E.Generator(3) });
    const { output, state } = lstm.forward(seq);
    assert.deepEqual(output.shape, [4, 2, 5]);
    assert.deepEqual(state.h.shape, [1, 2, 5]);
    let manual = cell.initialState(2);
    for (let t = 0; t < 4; t++) manual = cell.forward(E.select(seq, 0, t), manual);
    assert.ok(maxRelativeError(state.h.data(), manual.h.data()) < 1e-6, 'same weights (same seed, same draw order), same result');
    assert.ok(maxRelativeError(E.select(output, 0, 3).data(), manual.h.data()) < 1e-6);
    cell.dispose();
    emb.dispose();
    lstm.dispose();
  });
});

engineTest('nn: ModuleList and ModuleDict register their members under index and name (as PyTorch names them)', () => {
  const gen = new E.Generator(0);
  const list = new E.nn.ModuleList([new E.nn.Linear(2, 3, { generator: gen }), new E.nn.Linear(3, 1, { generator: gen })]);
  const dict = new E.nn.ModuleDict({ encoder: new E.nn.Linear(4, 2, { generator: gen }) });
  dict.set('head', new E.nn.Linear(2, 5, { generator: gen }));
  assert.deepEqual([...list.stateDict().keys()], ['0.weight', '0.bias', '1.weight', '1.bias']);
  assert.deepEqual([...dict.stateDict().keys()], ['encoder.weight', 'encoder.bias', 'head.weight', 'head.bias']);
  assert.equal(list.length, 2);
  assert.deepEqual([...list].map((m) => m.parameters().length), [2, 2]);
  assert.deepEqual(dict.keys(), ['encoder', 'head']);
  assert.equal(dict.get('head').parameters()[0].shape.join('x'), '5x2');
  assert.equal(list.parameters().length + dict.parameters().length, 8);
  assert.throws(() => list.at(2), /index 2 is out of range \(length 2\)/);
  assert.throws(() => dict.get('decoder'), /no module "decoder"; have encoder, head/);
  assert.throws(() => dict.set('head', new E.nn.Linear(1, 1)), /head/, 'a name is registered once');
  list.dispose();
  dict.dispose();
});
