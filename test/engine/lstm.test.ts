import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as E from '../../src/engine/index.js';
import type { Tensor } from '../../src/engine/index.js';
import { projectRoot } from '../../src/util/paths.js';
import { engineTest, maxRelativeError, referenceInput } from './helpers.js';

interface Spec {
  shape: number[];
  k: number;
  scale: number;
  shift: number;
}

/** fixtures/lstm_reference.json, written by fixtures/make_lstm_reference.py (PyTorch 1.13's nn.LSTM). */
interface LstmReference {
  input_size: number;
  hidden_size: number;
  num_layers: number;
  params: (Spec & { name: string })[];
  x: Spec;
  h0: Spec;
  c0: Spec;
  output: number[];
  output_shape: number[];
  h_n: number[];
  c_n: number[];
  output_zero_state: number[];
}

const ref = JSON.parse(readFileSync(join(projectRoot(), 'test', 'engine', 'fixtures', 'lstm_reference.json'), 'utf8')) as LstmReference;
const values = (s: Spec): Float64Array => referenceInput(s.shape, s.k, s.scale, s.shift);

/** The reference network with the fixture's weights. */
function referenceLstm(): E.nn.LSTM {
  const lstm = new E.nn.LSTM(ref.input_size, ref.hidden_size, { numLayers: ref.num_layers, dtype: 'float64' });
  E.scope(() => lstm.loadStateDict(new Map(ref.params.map((p) => [p.name, E.tensor(values(p), p.shape)]))));
  return lstm;
}

engineTest('LSTM: two layers match PyTorch nn.LSTM (names, order, output, h_n, c_n; float64, 1e-12)', () => {
  const lstm = referenceLstm();
  assert.deepEqual(lstm.namedParameters().map(([n, t]) => [n, t.shape]), ref.params.map((p) => [p.name, p.shape]));
  E.scope(() => {
    const x = E.tensor(values(ref.x), ref.x.shape);
    const { output, state } = lstm.forward(x, { h: E.tensor(values(ref.h0), ref.h0.shape), c: E.tensor(values(ref.c0), ref.c0.shape) });
    assert.deepEqual(output.shape, ref.output_shape);
    assert.ok(maxRelativeError(output.data(), ref.output) < 1e-12, 'output');
    assert.ok(maxRelativeError(state.h.data(), ref.h_n) < 1e-12, 'h_n');
    assert.ok(maxRelativeError(state.c.data(), ref.c_n) < 1e-12, 'c_n');
    assert.ok(maxRelativeError(lstm.forward(x).output.data(), ref.output_zero_state) < 1e-12, 'zero initial state');
    assert.throws(() => lstm.forward(x, lstm.initialState(3)), (e: unknown) => (e as { code?: string }).code === 'SHAPE_MISMATCH');
    assert.throws(() => lstm.forward(E.zeros([2, 2, 5], 'float64')), (e: unknown) => (e as { code?: string }).code === 'SHAPE_MISMATCH');
  });
  lstm.dispose();
});

engineTest('LSTM: gradients of every parameter, the input and the initial state match central finite differences', () => {
  const lstm = referenceLstm();
  const named = lstm.namedParameters();
  const arrays: Float64Array[] = [values(ref.x), values(ref.h0), values(ref.c0), ...named.map(([, p]) => Float64Array.from(p.data()))];
  const shapes = [ref.x.shape, ref.h0.shape, ref.c0.shape, ...named.map(([, p]) => p.shape)];
  /** sum of output, h_n and c_n weighted by fixed cosines: one scalar that checks every path. */
  const loss = (inputs: Tensor[]): Tensor => {
    E.scope(() => lstm.loadStateDict(new Map(named.map(([n], k) => [n, inputs[3 + k]]))));
    const { output, state } = lstm.forward(inputs[0], { h: inputs[1], c: inputs[2] });
    const all = E.cat([E.flatten(output), E.flatten(state.h), E.flatten(state.c)], 0);
    const w = new Float64Array(all.size).map((_, i) => Math.cos(1.3 * i + 0.5));
    return E.sum(E.mul(all, E.tensor(w, all.shape)));
  };
  E.scope(() => {
    // Analytic: gradients reach the parameters themselves; x, h0, c0 are leaves that require grad.
    lstm.zeroGrad();
    const leaves = arrays.slice(0, 3).map((a, k) => E.tensor(a, shapes[k]).setRequiresGrad());
    loss([...leaves, ...arrays.slice(3).map((a, k) => E.tensor(a, shapes[3 + k]))]).backward();
    const analytic = [...leaves.map((t) => t.grad!.data()), ...named.map(([, p]) => p.grad!.data())];
    const h = 1e-6;
    arrays.forEach((array, k) => {
      const numeric = new Float64Array(array.length);
      for (let i = 0; i < array.length; i++) {
        const saved = array[i];
        const at = (v: number): number => {
          array[i] = v;
          return E.noGrad(() => E.scope(() => loss(arrays.map((a, j) => E.tensor(a, shapes[j]))).item()));
        };
        numeric[i] = (at(saved + h) - at(saved - h)) / (2 * h);
        array[i] = saved;
      }
      const name = k < 3 ? ['x', 'h0', 'c0'][k] : named[k - 3][0];
      assert.ok(maxRelativeError(analytic[k], numeric) < 1e-6, `${name}: gradient differs from finite differences by ${maxRelativeError(analytic[k], numeric)}`);
    });
  });
  lstm.dispose();
});
