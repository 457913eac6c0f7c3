import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { NativeError } from '../errors.js';
import { projectRoot } from '../util/paths.js';

/** A native tensor handle: a number naming a slot of the addon's tensor table (index and generation). */
export type NativeHandle = number & { readonly __nativeTensor: unique symbol };
/** An opaque native random generator. */
export type NativeGenerator = { readonly __nativeGenerator: unique symbol };

type H = NativeHandle;
type G = NativeGenerator | null;

/**
 * The addon's functions as the TypeScript layer calls them. Every tensor-returning function writes
 * the result's dtype and shape into the meta buffer (see {@link metaBuffer}). Op codes are defined
 * beside their callers in ops/*.ts.
 */
export interface NativeEngine {
  install(errorFactory: (code: string, message: string) => Error, meta: Int32Array): void;
  meta(a: H): void;
  dispose(a: H): void;
  /** Frees the first `count` handles of `handles`. */
  disposeMany(handles: Float64Array, count: number): void;
  isAlive(a: H): boolean;
  memory(): [number, number];
  toArray(a: H): Float32Array | Float64Array | Int32Array | Uint8Array;
  item(a: H): number;
  setNumThreads(n: number): void;
  getNumThreads(): number;
  manualSeed(seed: number): void;
  version(): string;
  // creation
  fromArray(data: Float32Array | Float64Array | Int32Array | Uint8Array, shape: readonly number[]): H;
  zeros(shape: readonly number[], dtype: number): H;
  ones(shape: readonly number[], dtype: number): H;
  full(shape: readonly number[], value: number, dtype: number): H;
  randn(shape: readonly number[], generator: G, dtype: number): H;
  rand(shape: readonly number[], generator: G, dtype: number): H;
  randint(low: number, high: number, shape: readonly number[], generator: G): H;
  randperm(n: number, generator: G): H;
  arange(start: number, end: number, step: number, dtype: number): H;
  eye(n: number, dtype: number): H;
  oneHot(indices: H, numClasses: number): H;
  newGenerator(seed: number): NativeGenerator;
  // elementwise
  binary(code: number, a: H, b: H, alpha: number): H;
  binaryScalar(code: number, a: H, b: number, alpha: number): H;
  unary(code: number, a: H): H;
  clamp(a: H, min: number | null, max: number | null): H;
  leakyRelu(a: H, slope: number): H;
  where(condition: H, a: H, b: H): H;
  toDtype(a: H, dtype: number): H;
  /** Microseconds per at::add call made inside C++ (libtorch's own per-call cost, for benchmarks). */
  timeAddLoop(a: H, b: H, n: number): number;
  // reductions
  reduce(code: number, a: H, dims: readonly number[] | null, keepdim: boolean): H;
  extreme(code: number, a: H, dim: number | null, keepdim: boolean): H;
  norm(a: H, p: number): H;
  logsumexp(a: H, dim: number, keepdim: boolean): H;
  topk(a: H, k: number, dim: number): [H, H];
  // shape
  reshape(a: H, shape: readonly number[]): H;
  view(a: H, shape: readonly number[]): H;
  permute(a: H, dims: readonly number[]): H;
  transpose(a: H, dim0: number, dim1: number): H;
  flatten(a: H, start: number, end: number): H;
  squeeze(a: H, dim: number | null): H;
  unsqueeze(a: H, dim: number): H;
  expand(a: H, shape: readonly number[]): H;
  contiguous(a: H): H;
  clone(a: H): H;
  detach(a: H): H;
  alias(a: H): H;
  narrow(a: H, dim: number, start: number, length: number): H;
  select(a: H, dim: number, index: number): H;
  indexSelect(a: H, dim: number, indices: H): H;
  gather(a: H, dim: number, indices: H): H;
  maskedFill(a: H, mask: H, value: number): H;
  cat(list: readonly H[], dim: number): H;
  stack(list: readonly H[], dim: number): H;
  pad(a: H, pads: readonly number[], value: number): H;
  // nn
  matmul(a: H, b: H): H;
  linear(x: H, weight: H, bias: H | null): H;
  conv2d(x: H, weight: H, bias: H | null, stride: readonly number[], padding: readonly number[], dilation: readonly number[], groups: number): H;
  maxPool2d(x: H, kernel: readonly number[], stride: readonly number[], padding: readonly number[]): H;
  avgPool2d(x: H, kernel: readonly number[], stride: readonly number[], padding: readonly number[], countIncludePad: boolean): H;
  adaptiveAvgPool2d(x: H, output: readonly number[]): H;
  batchNorm(x: H, weight: H | null, bias: H | null, runningMean: H | null, runningVar: H | null, training: boolean, momentum: number, eps: number): H;
  dropout(x: H, p: number, training: boolean, generator: G): H;
  softmax(x: H, dim: number): H;
  logSoftmax(x: H, dim: number): H;
  crossEntropy(logits: H, targets: H, labelSmoothing: number, reduction: number): H;
  nllLoss(logProbs: H, targets: H, reduction: number): H;
  mse(a: H, b: H, reduction: number): H;
  gumbelSoftmax(logits: H, tau: number, hard: boolean, dim: number, generator: G): H;
  embedding(weight: H, indices: H): H;
  lstmCell(x: H, h: H, c: H, wIh: H, wHh: H, bIh: H | null, bHh: H | null): [H, H];
  // autograd
  setRequiresGrad(a: H, value: boolean): void;
  requiresGrad(a: H): boolean;
  isLeaf(a: H): boolean;
  gradOf(a: H): H | null;
  setGrad(a: H, grad: H | null): void;
  backward(a: H, gradient: H | null, retainGraph: boolean, createGraph: boolean): void;
  grad(outputs: readonly H[], inputs: readonly H[], gradOutputs: readonly H[] | null, retainGraph: boolean, createGraph: boolean, allowUnused: boolean): (H | null)[];
  setGradEnabled(enabled: boolean): boolean;
  isGradEnabled(): boolean;
  // in-place
  inplace(code: number, a: H, b: H | null, c: H | null, value: number): void;
  uniformInPlace(a: H, low: number, high: number, generator: G): void;
  normalInPlace(a: H, mean: number, std: number, generator: G): void;
  sgdStep(param: H, grad: H, buffer: H | null, lr: number, momentum: number, dampening: number, weightDecay: number, nesterov: boolean, first: boolean): void;
  adamStep(param: H, grad: H, m: H, v: H, lr: number, beta1: number, beta2: number, eps: number, weightDecay: number, decoupled: boolean, step: number): void;
}

/** Where the build puts the addon, relative to the project root. */
export const ADDON_PATH = join('native', 'build', 'Release', 'naskit_engine.node');

/** The fix printed whenever the engine is missing. */
export const ENGINE_FIX =
  'install libtorch (`apt-get install -y libtorch-dev` on Debian, or set LIBTORCH=/path/to/libtorch) and build the engine with `node scripts/build-native.mjs --strict` (npm install runs it)';

/** Dtype and shape of the last tensor a native op returned: [dtype, ndim, size_0 .. size_13]. */
export const metaBuffer = new Int32Array(16);

let loaded: NativeEngine | null = null;
let loadError: NativeError | null = null;

/**
 * Loads the addon from `path` and installs naskit's error class and meta buffer into it; a missing
 * or unloadable file is a `NativeError` (`ENGINE_MISSING`) with the fix. {@link engine} calls it once.
 */
export function loadEngineFrom(path: string): NativeEngine {
  if (!existsSync(path)) {
    throw new NativeError('ENGINE_MISSING', `the tensor engine is not built (no ${path}); ${ENGINE_FIX}`);
  }
  let engine: NativeEngine;
  try {
    engine = createRequire(import.meta.url)(path) as NativeEngine;
  } catch (error) {
    // Typically libtorch's shared libraries are missing or of another version.
    const why = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new NativeError('ENGINE_MISSING', `the tensor engine at ${path} does not load (${why}); ${ENGINE_FIX}`, { cause: error });
  }
  engine.install((code, message) => new NativeError(code, message), metaBuffer);
  return engine;
}

/** The loaded addon; throws `NativeError` (`ENGINE_MISSING`) with the fix when it is absent. */
export function engine(): NativeEngine {
  if (loaded) return loaded;
  if (loadError) throw loadError;
  try {
    loaded = loadEngineFrom(join(projectRoot(), ADDON_PATH));
    return loaded;
  } catch (error) {
    loadError = error as NativeError;
    throw error;
  }
}

/** Whether the engine loads, without throwing. */
export function engineAvailable(): boolean {
  try {
    engine();
    return true;
  } catch {
    return false;
  }
}
