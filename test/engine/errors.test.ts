import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { ADDON_PATH, loadEngineFrom, withFrameOps, type RawEngine } from '../../src/engine/binding.js';
import { projectRoot } from '../../src/util/paths.js';
import { NativeError } from '../../src/errors.js';
import * as E from '../../src/engine/index.js';
import type { Tensor } from '../../src/engine/index.js';
import { engineTest } from './helpers.js';

const isNative = (code: string) => (error: unknown) => error instanceof NativeError && error.code === code;

/** Bad inputs and the error each must raise: a JS exception with a stable class and code, never an abort. */
const CASES: { name: string; run: () => unknown; check: (error: unknown) => boolean }[] = [
  { name: 'add with non-broadcastable shapes', run: () => E.add(E.zeros([2, 3]), E.zeros([4])), check: isNative('SHAPE_MISMATCH') },
  { name: 'matmul inner dimensions', run: () => E.matmul(E.zeros([2, 3]), E.zeros([4, 2])), check: isNative('SHAPE_MISMATCH') },
  { name: 'matmul dtypes', run: () => E.matmul(E.zeros([2, 3]), E.zeros([3, 2], 'float64')), check: isNative('DTYPE_MISMATCH') },
  { name: 'conv2d channels', run: () => E.conv2d(E.zeros([1, 3, 5, 5]), E.zeros([2, 4, 3, 3])), check: isNative('SHAPE_MISMATCH') },
  { name: 'conv2d rank', run: () => E.conv2d(E.zeros([3, 5, 5]), E.zeros([2, 3, 3, 3])), check: isNative('SHAPE_MISMATCH') },
  { name: 'conv2d integer input', run: () => E.conv2d(E.zeros([1, 3, 5, 5], 'int32'), E.zeros([2, 3, 3, 3])), check: isNative('DTYPE_MISMATCH') },
  { name: 'conv2d negative padding', run: () => E.conv2d(E.zeros([1, 3, 5, 5]), E.zeros([2, 3, 3, 3]), null, { padding: -1 }), check: (e) => e instanceof RangeError },
  { name: 'crossEntropy float targets', run: () => E.crossEntropy(E.zeros([2, 3]), E.zeros([2])), check: isNative('DTYPE_MISMATCH') },
  { name: 'crossEntropy batch sizes', run: () => E.crossEntropy(E.zeros([2, 3]), E.zeros([3], 'int64')), check: isNative('SHAPE_MISMATCH') },
  { name: 'crossEntropy target out of range (caught in C++)', run: () => E.crossEntropy(E.zeros([2, 3]), E.tensor(Int32Array.from([0, 7]), [2])).item(), check: isNative('TORCH_ERROR') },
  { name: 'reshape to a wrong size', run: () => E.reshape(E.zeros([2, 3]), [4, 2]), check: isNative('SHAPE_MISMATCH') },
  { name: 'view of a non-contiguous tensor (caught in C++)', run: () => E.view(E.transpose(E.zeros([2, 3]), 0, 1), [6]), check: isNative('TORCH_ERROR') },
  { name: 'cat of mismatched shapes', run: () => E.cat([E.zeros([2, 3]), E.zeros([3, 3])], 1), check: isNative('SHAPE_MISMATCH') },
  { name: 'tensor with a wrong element count', run: () => E.tensor(new Float32Array(5), [2, 3]), check: isNative('SHAPE_MISMATCH') },
  { name: 'a dimension out of range', run: () => E.sum(E.zeros([2, 3]), 2), check: (e) => e instanceof RangeError },
  { name: 'a non-tensor argument', run: () => E.add(3 as unknown as Tensor, 1), check: (e) => e instanceof TypeError },
  { name: 'an unknown dtype', run: () => E.zeros([2], 'float16' as unknown as E.DType), check: (e) => e instanceof TypeError },
  { name: 'backward of a non-scalar without gradient', run: () => E.zeros([2]).setRequiresGrad().mul(2).backward(), check: (e) => e instanceof RangeError },
  { name: 'backward through a tensor that does not require grad (caught in C++)', run: () => E.zeros([1]).mul(2).sum().backward(), check: isNative('TORCH_ERROR') },
  { name: 'lstmCell weights of the wrong size', run: () => E.lstmCell(E.zeros([1, 3]), { h: E.zeros([1, 4]), c: E.zeros([1, 4]) }, E.zeros([12, 3]), E.zeros([16, 4])), check: isNative('SHAPE_MISMATCH') },
];

engineTest('errors: every bad input raises its JS error class and code', () => {
  for (const c of CASES) {
    E.scope(() => {
      assert.throws(c.run, c.check, c.name);
    });
  }
});

engineTest('errors: use after dispose throws TENSOR_DISPOSED, in TS and in C++', () => {
  const a = E.ones([2]);
  a.dispose();
  a.dispose(); // idempotent
  assert.ok(a.isDisposed);
  assert.throws(() => a.exp(), isNative('TENSOR_DISPOSED'));
  assert.throws(() => a.data(), isNative('TENSOR_DISPOSED'));
  assert.throws(() => E.add(E.ones([2]), a), isNative('TENSOR_DISPOSED'));
  // Bypassing the TS checks: the addon re-checks and throws the same error.
  assert.throws(() => E.engine().unary(0, a.nativeHandle), isNative('TENSOR_DISPOSED'));
  assert.throws(() => E.engine().unary(0, 'x' as unknown as never), isNative('BAD_HANDLE'));
  assert.throws(() => E.engine().unary(0, -1 as unknown as never), isNative('BAD_HANDLE'));
  // 0 is "no tensor" in the call frame: never a handle, even though slot 0 exists.
  for (const bad of [0, 0.5, NaN, Infinity, 2 ** 60, 2 ** 24 - 1]) assert.throws(() => E.engine().unary(0, bad as never), isNative('BAD_HANDLE'), String(bad));
  // A reused slot gets a new generation: the old handle stays refused.
  const old = E.ones([1]);
  old.dispose();
  const reused = E.ones([1]);
  assert.equal(reused.nativeHandle % 2 ** 24, old.nativeHandle % 2 ** 24, 'the freed slot was reused');
  assert.notEqual(reused.nativeHandle, old.nativeHandle);
  assert.throws(() => E.engine().unary(0, old.nativeHandle), isNative('TENSOR_DISPOSED'));
  assert.throws(() => E.engine().disposeMany([reused.nativeHandle] as unknown as Float64Array, 1), isNative('BAD_ARGUMENT'));
  assert.throws(() => E.engine().disposeMany(new Float64Array([reused.nativeHandle]), 2), isNative('BAD_ARGUMENT'));
  E.engine().disposeMany(new Float64Array([a.nativeHandle, 0.5, reused.nativeHandle]), 3); // stale and bad entries are skipped
  assert.equal(E.engine().isAlive(reused.nativeHandle), false);
});

engineTest('errors: frame ops check their arguments in C++ as the other ops do', () => {
  const n = E.engine();
  E.scope(() => {
    const x = E.ones([2, 3]);
    const w = E.ones([4, 3]);
    assert.throws(() => n.transpose(x.nativeHandle, 0.5, 1), isNative('BAD_ARGUMENT'), 'a fractional dimension');
    assert.throws(() => n.narrow(x.nativeHandle, 0, NaN, 1), isNative('BAD_ARGUMENT'), 'NaN as an integer');
    assert.throws(() => n.unary(99, x.nativeHandle), isNative('BAD_ARGUMENT'), 'an unknown op code');
    assert.throws(() => n.binary(0, x.nativeHandle, w.nativeHandle, 1), isNative('TORCH_ERROR'), 'shapes refused by libtorch');
    // addcmul needs two tensors: a missing one is refused, not read.
    assert.throws(() => n.inplace(2, x.nativeHandle, null, null, 1), isNative('BAD_HANDLE'));
    // An absent optional tensor (0 in the frame) is none: linear without bias is x @ w^T.
    const y = new E.Tensor(n.linear(x.nativeHandle, w.nativeHandle, null));
    assert.deepEqual(y.shape, [2, 4]);
    assert.deepEqual(y.toArray(), new Array(8).fill(3));
    assert.equal(n.gradOf(x.nativeHandle), null);
  });
});

engineTest('errors: an addon whose frame ops do not match their wrappers is refused (ENGINE_STALE)', () => {
  const raw = createRequire(import.meta.url)(join(projectRoot(), ADDON_PATH)) as RawEngine;
  const frameOp = (arity: number) => Object.assign(() => {}, { frameArity: arity });
  const stale = (pattern: RegExp) => (e: unknown) => e instanceof NativeError && e.code === 'ENGINE_STALE' && pattern.test(e.message) && /build-native/.test(e.message);
  assert.doesNotThrow(() => withFrameOps({ ...raw }, 'built'));
  assert.throws(() => withFrameOps({ ...raw, binary: frameOp(3) }, 'built'), stale(/binary reads 3 frame arguments, its wrapper writes 4/));
  assert.throws(() => withFrameOps({ ...raw, newOp: frameOp(1) } as RawEngine, 'built'), stale(/newOp .* has no wrapper/));
  // An addon from before the op moved to the frame: its function takes JS arguments.
  assert.throws(() => withFrameOps({ ...raw, matmul: () => {} }, 'built'), stale(/matmul is not a frame op/));
});

engineTest('errors: messages say what was wrong and what to do', () => {
  assert.throws(() => E.add(E.zeros([2, 3]), E.zeros([4])), /\[2, 3\] and \[4\].*equal or 1/);
  assert.throws(() => E.crossEntropy(E.zeros([2, 3]), E.zeros([2])), /int32 or int64.*\.to\('int64'\)/);
});

test('errors: a missing addon is a NativeError ENGINE_MISSING that says how to install libtorch (no engine needed)', () => {
  assert.throws(
    () => loadEngineFrom('/nonexistent/naskit_engine.node'),
    (e: unknown) => e instanceof NativeError && e.code === 'ENGINE_MISSING' && /libtorch-dev/.test(e.message) && /LIBTORCH=/.test(e.message),
  );
});
