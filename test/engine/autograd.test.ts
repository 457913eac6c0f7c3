import assert from 'node:assert/strict';
import * as E from '../../src/engine/index.js';
import { engineTest, maxRelativeError } from './helpers.js';

engineTest('autograd: backward accumulates into .grad; zeroGrad clears it', () => {
  E.scope(() => {
    const x = E.tensor(new Float64Array([1, 2, 3])).setRequiresGrad();
    E.sum(E.mul(x, x)).backward();
    assert.deepEqual(x.grad!.toArray(), [2, 4, 6]);
    E.sum(E.mul(x, x)).backward();
    assert.deepEqual(x.grad!.toArray(), [4, 8, 12]);
    x.zeroGrad();
    assert.equal(x.grad, null);
  });
});

engineTest('autograd: noGrad records nothing and restores the mode', () => {
  E.scope(() => {
    const x = E.ones([2]).setRequiresGrad();
    const y = E.noGrad(() => x.mul(2));
    assert.equal(y.requiresGrad, false);
    assert.equal(E.isGradEnabled(), true);
    assert.equal(x.mul(2).requiresGrad, true);
  });
});

engineTest('autograd: Hessian-vector products through grad with createGraph', () => {
  E.scope(() => {
    // f(w) = sum(w^3) + w0*w1: H = diag(6w) + [[0,1],[1,0]] padding
    const w = E.tensor(new Float64Array([1, 2, 3])).setRequiresGrad();
    const f = E.add(E.sum(E.pow(w, 3)), E.mul(E.select(w, 0, 0), E.select(w, 0, 1)));
    const [g] = E.grad(f, w, { createGraph: true });
    const v = E.tensor(new Float64Array([1, -1, 2]));
    const [hv] = E.grad(E.sum(E.mul(g!, v)), w);
    // H v = [6*1*1 + 1*(-1), 1*1 + 6*2*(-1), 6*3*2] = [5, -11, 36]
    assert.ok(maxRelativeError(hv!.data(), [5, -11, 36]) < 1e-12);
  });
});

engineTest('autograd: grad returns null for unused inputs only with allowUnused', () => {
  E.scope(() => {
    const a = E.ones([2]).setRequiresGrad();
    const b = E.ones([2]).setRequiresGrad();
    const [ga, gb] = E.grad(E.sum(a), [a, b], { allowUnused: true });
    assert.deepEqual(ga!.toArray(), [1, 1]);
    assert.equal(gb, null);
    assert.throws(() => E.grad(E.sum(a), [a, b]), (e: unknown) => e instanceof Error && (e as { code?: string }).code === 'TORCH_ERROR');
  });
});
