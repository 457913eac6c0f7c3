import * as E from '../../src/engine/index.js';
import { BatchNorm2d } from '../../src/engine/nn/norm.js';
import type { Layer, Module } from '../../src/engine/nn/module.js';
import { exportOnnx, type Preprocessing } from '../../src/export/index.js';
import { loadOnnxRuntime } from '../../src/util/onnxruntime.js';
import type { HandlerCase } from './cases.js';

/** Preprocessing for an input of this shape; `classes` 0 = not a classifier (any output shape). */
export function plainPreprocessing(shape: readonly [number, number, number], classes = 0): Preprocessing {
  const [channels, height, width] = shape;
  return {
    input: { channels, height, width },
    normalization: { mean: new Array<number>(channels).fill(0), std: new Array<number>(channels).fill(1) },
    classes: Array.from({ length: classes }, (_, i) => `class ${i}`),
    resize: 'none',
  };
}

/**
 * Gives every batch norm non-trivial running statistics and affine parameters (drawn from `seed`),
 * so that the inference form is really exercised (fresh statistics are 0 and 1).
 */
export function randomizeBatchNorms(module: Module, seed: number): void {
  const g = new E.Generator(seed);
  E.noGrad(() => {
    for (const m of module.modules()) {
      if (!(m instanceof BatchNorm2d)) continue;
      if (m.weight) E.nn.init.uniform(m.weight, 0.5, 1.5, g);
      if (m.bias) E.nn.init.uniform(m.bias, -0.5, 0.5, g);
      if (m.runningMean) E.nn.init.uniform(m.runningMean, -0.5, 0.5, g);
      if (m.runningVar) E.nn.init.uniform(m.runningVar, 0.5, 2, g);
    }
  });
}

/** A fixed batch: `n` images of `shape` from a seeded normal draw. */
export function fixedBatch(n: number, shape: readonly [number, number, number], seed: number): Float32Array {
  return E.scope(() => E.randn([n, ...shape], { generator: new E.Generator(seed) }).toFloat32Array());
}

/** The engine's own forward pass in evaluation mode, without gradients. */
export function engineLogits(model: Layer, batch: Float32Array, shape: readonly number[]): Float32Array {
  model.eval();
  return E.noGrad(() => E.scope(() => model.forward(E.tensor(batch, shape)).toFloat32Array()));
}

/** onnxruntime's output for the batch. */
export async function onnxLogits(bytes: Uint8Array, batch: Float32Array, shape: readonly number[]): Promise<Float32Array> {
  const ort = await loadOnnxRuntime();
  const session = await ort.InferenceSession.create(bytes);
  try {
    const out = await session.run({ input: new ort.Tensor('float32', batch, [...shape]) });
    return out.logits!.data as Float32Array;
  } finally {
    await session.release();
  }
}

/** Exports `model` and runs the fixed batch through onnxruntime and the engine; returns the largest absolute difference. */
export async function onnxVersusEngine(model: Layer, shape: readonly [number, number, number], preprocessing: Preprocessing, seed: number): Promise<{ diff: number; engine: Float32Array }> {
  const batch = fixedBatch(4, shape, seed);
  const bytes = exportOnnx(model, { preprocessing });
  const expected = engineLogits(model, batch, [4, ...shape]);
  const actual = await onnxLogits(bytes, batch, [4, ...shape]);
  if (actual.length !== expected.length) throw new Error(`onnxruntime gave ${actual.length} values, the engine ${expected.length}`);
  return { diff: maxAbsDiff(actual, expected), engine: expected };
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  if (Number.isNaN(worst)) return Infinity;
  return worst;
}

/**
 * Exports a handler case's module and runs a fixed input through onnxruntime and the engine
 * (images, or the case's raw input); returns the largest absolute difference and the engine's output.
 */
export async function runCase(c: HandlerCase, module: Module, seed: number): Promise<{ diff: number; engine: Float32Array }> {
  if (!c.raw) return onnxVersusEngine(module as Layer, c.input, plainPreprocessing(c.input), seed);
  const raw = c.raw;
  const size = raw.dims.reduce((a, b) => a * b, 1);
  const ort = await loadOnnxRuntime();
  let feed: InstanceType<typeof ort.Tensor>;
  let expected: Float32Array;
  if (raw.dtype === 'int64') {
    const indices = Int32Array.from({ length: size }, (_, i) => (i * 7 + seed) % (raw.high ?? 2));
    expected = E.noGrad(() => E.scope(() => raw.reference(module, E.tensor(indices, raw.dims).to('int64')).toFloat32Array()));
    feed = new ort.Tensor('int64', BigInt64Array.from(indices, (v) => BigInt(v)), [...raw.dims]);
  } else {
    const values = E.scope(() => E.randn([...raw.dims], { generator: new E.Generator(seed) }).toFloat32Array());
    expected = E.noGrad(() => E.scope(() => raw.reference(module, E.tensor(values, raw.dims)).toFloat32Array()));
    feed = new ort.Tensor('float32', values, [...raw.dims]);
  }
  const session = await ort.InferenceSession.create(exportCase(c, module));
  try {
    const actual = (await session.run({ input: feed })).logits!.data as Float32Array;
    if (actual.length !== expected.length) throw new Error(`onnxruntime gave ${actual.length} values, the engine ${expected.length}`);
    return { diff: maxAbsDiff(actual, expected), engine: expected };
  } finally {
    await session.release();
  }
}

/** The ONNX bytes of a handler case's module (its raw input, or images of its shape). */
export function exportCase(c: HandlerCase, module: Module): Uint8Array {
  return exportOnnx(module, { preprocessing: plainPreprocessing(c.input), ...(c.raw ? { input: { dims: c.raw.dims, dtype: c.raw.dtype } } : {}) });
}
