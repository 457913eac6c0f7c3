import { test, type TestContext } from 'node:test';
import { engine } from '../../src/engine/binding.js';
import * as E from '../../src/engine/index.js';

/** Why the engine cannot be used here (its NativeError message), or null when it loads. */
export function engineMissing(): string | null {
  try {
    engine();
    return null;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

/**
 * A test that needs the native engine: skipped with the reason when the addon is not built,
 * except with NASKIT_REQUIRE_ENGINE=1 (CI with libtorch), where a missing engine fails it.
 */
export function engineTest(name: string, fn: (t: TestContext) => void | Promise<void>): void {
  const missing = engineMissing();
  if (missing === null) test(name, fn);
  else if (process.env.NASKIT_REQUIRE_ENGINE === '1') {
    test(name, () => {
      throw new Error(`NASKIT_REQUIRE_ENGINE=1 but the tensor engine is missing: ${missing}`);
    });
  } else test(name, { skip: `${missing.split(';')[0]}; set NASKIT_REQUIRE_ENGINE=1 to make this a failure` }, fn);
}

/** Deterministic float64 input k of a reference case (see fixtures/make_reference.py). */
export function referenceInput(shape: readonly number[], k: number, scale: number, shift: number): Float64Array {
  const n = shape.reduce((a, b) => a * b, 1);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.sin(0.7 * i + k + 1) * scale + shift;
  return out;
}

/** Largest absolute difference, scaled by max(1, |expected|). */
export function maxRelativeError(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  let worst = 0;
  for (let i = 0; i < expected.length; i++) worst = Math.max(worst, Math.abs(actual[i] - expected[i]) / Math.max(1, Math.abs(expected[i])));
  return worst;
}

/**
 * The losses of `steps` SGD steps (lr 0.05, momentum 0.9) of `net` on one batch of random images of
 * `shape` with labels 0, 1, 2, … (one per image), drawn from `generator`: a network that learns
 * lowers them. Disposes the optimizer, not the network.
 */
export function stepLosses(net: E.nn.Layer, shape: readonly number[], generator: E.Generator, steps = 8): number[] {
  const losses: number[] = [];
  E.scope(() => {
    const x = E.randn([...shape], { generator });
    const y = E.tensor(Int32Array.from({ length: shape[0] }, (_, i) => i), [shape[0]]);
    const opt = new E.SGD(net.parameters(), { lr: 0.05, momentum: 0.9 });
    for (let i = 0; i < steps; i++) {
      E.scope(() => {
        const loss = E.crossEntropy(net.forward(x), y);
        loss.backward();
        opt.step();
        opt.zeroGrad();
        losses.push(loss.item());
      });
    }
    opt.dispose();
  });
  return losses;
}
