import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { markAsUntransferable } from 'node:worker_threads';
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
 * beside their callers in ops/*.ts. The functions named in `FrameOp` pass their arguments
 * through the call frame (see `frameOps`); the TypeScript layer calls both kinds alike.
 */
export interface NativeEngine {
  install(errorFactory: (code: string, message: string) => Error): void;
  /** The addon's meta buffer (see {@link metaBuffer}). */
  readonly metaBuffer: Int32Array;
  /** The addon's call frame (see `frameOps`). */
  readonly frameBuffer: Float64Array;
  /** Throws the pending error of the last frame op, or reports native memory (see `frameOps`). */
  settle(): void;
  /** Whether the frame ops are V8 fast calls in this build and process (native/src/fast_calls.h). */
  readonly fastCalls: boolean;
  /** "on", or "off: " and why. */
  readonly fastCallsNote: string;
  /** How many frame ops ran as V8 fast calls on this thread (only optimised JS code makes them). */
  fastCallCount(): number;
  meta(a: H): void;
  dispose(a: H): void;
  /** Frees the first `count` handles of `handles`. */
  disposeMany(handles: Float64Array, count: number): void;
  isAlive(a: H): boolean;
  /** Marks a live handle as watched by the GC backstop (its bytes are reported to V8) or not. */
  watch(a: H, on: boolean): void;
  /** [live handles, their bytes, bytes reported to V8, bytes of the watched handles] */
  memory(): [number, number, number, number];
  /** Starts counting libtorch's CPU allocations on this thread (native/src/memory_probe.cc). */
  memoryProbeStart(): void;
  /** [peak bytes, net bytes] allocated on this thread since memoryProbeStart. */
  memoryProbeStop(): [number, number];
  /** Returns the heap's free memory to the system (glibc's malloc_trim); true when some was. */
  trimHeap(): boolean;
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
  /** @internal Hooks for the boundary tests (native/src/test_hooks.cc); not for programs. */
  readonly testHooks: {
    /** Throws C++ exception `kind` (0 OpError, 1 c10::Error, 2 std::bad_alloc, 3 std::logic_error, 4 a non-std one) from an op with JS arguments. */
    throwGuarded(kind: number): void;
    /** The same from a frame op (raw: arm the frame and settle by hand, see {@link CALL_ARMED}). */
    throwFrame: FrameFunction;
    /** An External that is not a generator. */
    foreignExternal(): NativeGenerator;
  };
}

/**
 * What a wrapper writes into the frame's status slot before calling its op (native/src/handle.h,
 * kCallArmed). The op runs only when it finds it, so an op whose arguments did not reach the frame
 * (its buffer detached by other code) fails with `ENGINE_STATE` instead of reading stale ones.
 */
export const CALL_ARMED = 4;

/** Where the build puts the addon, relative to the project root. */
export const ADDON_PATH = join('native', 'build', 'Release', 'naskit_engine.node');

/** The fix printed whenever the engine is missing. */
export const ENGINE_FIX =
  'install libtorch (`apt-get install -y libtorch-dev` on Debian, or set LIBTORCH=/path/to/libtorch) and build the engine with `node scripts/build-native.mjs --strict` (npm install runs it)';

/**
 * Dtype and shape of the last tensor a native op returned: [dtype, ndim, size_0 .. size_13]. The
 * addon's own buffer once it is loaded (it makes it as it loads, so no op can run without one).
 */
export let metaBuffer: Int32Array = new Int32Array(16);

/** The ops that take their arguments through the call frame. */
type FrameOp =
  | 'meta' | 'dispose' | 'item' | 'isAlive'
  | 'binary' | 'binaryScalar' | 'unary' | 'leakyRelu' | 'where' | 'toDtype'
  | 'norm' | 'logsumexp'
  | 'transpose' | 'flatten' | 'unsqueeze' | 'contiguous' | 'clone' | 'detach' | 'alias' | 'narrow' | 'select' | 'indexSelect' | 'gather' | 'maskedFill'
  | 'matmul' | 'linear' | 'batchNorm' | 'softmax' | 'logSoftmax' | 'crossEntropy' | 'nllLoss' | 'mse' | 'embedding' | 'oneHot'
  | 'inplace' | 'sgdStep' | 'adamStep'
  | 'setRequiresGrad' | 'requiresGrad' | 'isLeaf' | 'gradOf' | 'setGrad';

/** A frame op as the addon exports it: no arguments; it carries the arity it reads. */
export type FrameFunction = (() => void) & { readonly frameArity?: number };

/** The addon's exports before {@link frameOps} wraps the frame ops. */
export type RawEngine = Omit<NativeEngine, FrameOp> & Record<FrameOp, FrameFunction>;

/** A missing optional tensor is 0 in the frame (no handle is 0). */
const opt = (h: H | null): number => (h === null ? 0 : h);
const flag = (b: boolean): number => (b ? 1 : 0);

/**
 * Wrappers that give the frame ops their ordinary signatures: each writes its arguments into the
 * call frame `F` (the addon's `frameBuffer`), calls the native op, and reads the result (a handle
 * or a number) from slot 0 (native/src/handle.h, `Frame`). One function literal per op keeps every
 * call site monomorphic, so the JIT inlines the wrapper into its caller.
 */
function frameOps(n: Record<FrameOp, FrameFunction>, settle: () => void, F: Float64Array): Pick<NativeEngine, FrameOp> {
  // A frame op cannot throw where it runs as a V8 fast call: it leaves a nonzero status in the
  // frame's last slot instead, and settle() throws its error (or reports native memory to V8).
  // Each reader below checks the status. Each wrapper arms the status before its call (CALL_ARMED).
  const STATUS = F.length - 1;
  const ARMED = CALL_ARMED;
  const done = (): void => { if (F[STATUS] !== 0) settle(); };
  const value = (): number => { if (F[STATUS] !== 0) settle(); return F[0]; };
  const tensor = (): H => value() as H;
  return {
    meta: (a) => { F[0] = a; F[STATUS] = ARMED; n.meta(); done(); },
    dispose: (a) => { F[0] = a; F[STATUS] = ARMED; n.dispose(); done(); },
    item: (a) => { F[0] = a; F[STATUS] = ARMED; n.item(); return value(); },
    isAlive: (a) => { F[0] = a; F[STATUS] = ARMED; n.isAlive(); return value() !== 0; },
    binary: (code, a, b, alpha) => { F[0] = code; F[1] = a; F[2] = b; F[3] = alpha; F[STATUS] = ARMED; n.binary(); return tensor(); },
    binaryScalar: (code, a, b, alpha) => { F[0] = code; F[1] = a; F[2] = b; F[3] = alpha; F[STATUS] = ARMED; n.binaryScalar(); return tensor(); },
    unary: (code, a) => { F[0] = code; F[1] = a; F[STATUS] = ARMED; n.unary(); return tensor(); },
    leakyRelu: (a, slope) => { F[0] = a; F[1] = slope; F[STATUS] = ARMED; n.leakyRelu(); return tensor(); },
    where: (condition, a, b) => { F[0] = condition; F[1] = a; F[2] = b; F[STATUS] = ARMED; n.where(); return tensor(); },
    toDtype: (a, dtype) => { F[0] = a; F[1] = dtype; F[STATUS] = ARMED; n.toDtype(); return tensor(); },
    norm: (a, p) => { F[0] = a; F[1] = p; F[STATUS] = ARMED; n.norm(); return tensor(); },
    logsumexp: (a, dim, keepdim) => { F[0] = a; F[1] = dim; F[2] = flag(keepdim); F[STATUS] = ARMED; n.logsumexp(); return tensor(); },
    transpose: (a, dim0, dim1) => { F[0] = a; F[1] = dim0; F[2] = dim1; F[STATUS] = ARMED; n.transpose(); return tensor(); },
    flatten: (a, start, end) => { F[0] = a; F[1] = start; F[2] = end; F[STATUS] = ARMED; n.flatten(); return tensor(); },
    unsqueeze: (a, dim) => { F[0] = a; F[1] = dim; F[STATUS] = ARMED; n.unsqueeze(); return tensor(); },
    contiguous: (a) => { F[0] = a; F[STATUS] = ARMED; n.contiguous(); return tensor(); },
    clone: (a) => { F[0] = a; F[STATUS] = ARMED; n.clone(); return tensor(); },
    detach: (a) => { F[0] = a; F[STATUS] = ARMED; n.detach(); return tensor(); },
    alias: (a) => { F[0] = a; F[STATUS] = ARMED; n.alias(); return tensor(); },
    narrow: (a, dim, start, length) => { F[0] = a; F[1] = dim; F[2] = start; F[3] = length; F[STATUS] = ARMED; n.narrow(); return tensor(); },
    select: (a, dim, index) => { F[0] = a; F[1] = dim; F[2] = index; F[STATUS] = ARMED; n.select(); return tensor(); },
    indexSelect: (a, dim, indices) => { F[0] = a; F[1] = dim; F[2] = indices; F[STATUS] = ARMED; n.indexSelect(); return tensor(); },
    gather: (a, dim, indices) => { F[0] = a; F[1] = dim; F[2] = indices; F[STATUS] = ARMED; n.gather(); return tensor(); },
    maskedFill: (a, mask, value) => { F[0] = a; F[1] = mask; F[2] = value; F[STATUS] = ARMED; n.maskedFill(); return tensor(); },
    matmul: (a, b) => { F[0] = a; F[1] = b; F[STATUS] = ARMED; n.matmul(); return tensor(); },
    linear: (x, weight, bias) => { F[0] = x; F[1] = weight; F[2] = opt(bias); F[STATUS] = ARMED; n.linear(); return tensor(); },
    batchNorm: (x, weight, bias, runningMean, runningVar, training, momentum, eps) => {
      F[0] = x; F[1] = opt(weight); F[2] = opt(bias); F[3] = opt(runningMean); F[4] = opt(runningVar);
      F[5] = flag(training); F[6] = momentum; F[7] = eps;
      F[STATUS] = ARMED; n.batchNorm();
      return tensor();
    },
    softmax: (x, dim) => { F[0] = x; F[1] = dim; F[STATUS] = ARMED; n.softmax(); return tensor(); },
    logSoftmax: (x, dim) => { F[0] = x; F[1] = dim; F[STATUS] = ARMED; n.logSoftmax(); return tensor(); },
    crossEntropy: (logits, targets, labelSmoothing, reduction) => {
      F[0] = logits; F[1] = targets; F[2] = labelSmoothing; F[3] = reduction;
      F[STATUS] = ARMED; n.crossEntropy();
      return tensor();
    },
    nllLoss: (logProbs, targets, reduction) => { F[0] = logProbs; F[1] = targets; F[2] = reduction; F[STATUS] = ARMED; n.nllLoss(); return tensor(); },
    mse: (a, b, reduction) => { F[0] = a; F[1] = b; F[2] = reduction; F[STATUS] = ARMED; n.mse(); return tensor(); },
    embedding: (weight, indices) => { F[0] = weight; F[1] = indices; F[STATUS] = ARMED; n.embedding(); return tensor(); },
    oneHot: (indices, numClasses) => { F[0] = indices; F[1] = numClasses; F[STATUS] = ARMED; n.oneHot(); return tensor(); },
    inplace: (code, a, b, c, value) => { F[0] = code; F[1] = a; F[2] = opt(b); F[3] = opt(c); F[4] = value; F[STATUS] = ARMED; n.inplace(); done(); },
    sgdStep: (param, grad, buffer, lr, momentum, dampening, weightDecay, nesterov, first) => {
      F[0] = param; F[1] = grad; F[2] = opt(buffer); F[3] = lr; F[4] = momentum; F[5] = dampening; F[6] = weightDecay;
      F[7] = flag(nesterov); F[8] = flag(first);
      F[STATUS] = ARMED; n.sgdStep();
      done();
    },
    adamStep: (param, grad, m, v, lr, beta1, beta2, eps, weightDecay, decoupled, step) => {
      F[0] = param; F[1] = grad; F[2] = m; F[3] = v; F[4] = lr; F[5] = beta1; F[6] = beta2; F[7] = eps; F[8] = weightDecay;
      F[9] = flag(decoupled); F[10] = step;
      F[STATUS] = ARMED; n.adamStep();
      done();
    },
    setRequiresGrad: (a, value) => { F[0] = a; F[1] = flag(value); F[STATUS] = ARMED; n.setRequiresGrad(); done(); },
    requiresGrad: (a) => { F[0] = a; F[STATUS] = ARMED; n.requiresGrad(); return value() !== 0; },
    isLeaf: (a) => { F[0] = a; F[STATUS] = ARMED; n.isLeaf(); return value() !== 0; },
    gradOf: (a) => { F[0] = a; F[STATUS] = ARMED; n.gradOf(); const g = value(); return g === 0 ? null : (g as H); },
    setGrad: (a, grad) => { F[0] = a; F[1] = opt(grad); F[STATUS] = ARMED; n.setGrad(); done(); },
  };
}

/**
 * @internal The engine with its frame ops wrapped. Every native frame op must have a wrapper that
 * writes as many arguments as it reads: an addon built from other sources (a stale build) is
 * refused here rather than reading stale frame slots. Exported for tests.
 */
export function withFrameOps(raw: RawEngine, path: string): NativeEngine {
  const stale = (why: string) => new NativeError('ENGINE_STALE', `the tensor engine at ${path} does not match this naskit (${why}); rebuild it with \`node scripts/build-native.mjs --strict\``);
  // What this binding needs of the addon besides the ops (an older build lacks some).
  if (typeof raw.settle !== 'function' || typeof raw.fastCallCount !== 'function' || typeof raw.fastCallsNote !== 'string') throw stale('settle, fastCallCount or fastCallsNote is missing');
  if (!(raw.frameBuffer instanceof Float64Array) || raw.frameBuffer.length < 16 || !(raw.metaBuffer instanceof Int32Array) || raw.metaBuffer.length < 16) {
    throw stale('its frameBuffer or metaBuffer is missing');
  }
  // A copy: the addon's exports object is in V8's slow dictionary mode (about 90 properties set one
  // by one), so a property load on it is a hash lookup; the copy literal has fast properties.
  const wrapped = frameOps({ ...raw }, raw.settle, raw.frameBuffer);
  for (const [name, fn] of Object.entries(raw)) {
    const arity = typeof fn === 'function' ? (fn as FrameFunction).frameArity : undefined;
    if (arity === undefined) continue;
    const wrapper = (wrapped as Record<string, (...args: never[]) => unknown>)[name];
    if (wrapper === undefined) throw stale(`${name} takes its arguments through the call frame, but has no wrapper`);
    if (wrapper.length !== arity) throw stale(`${name} reads ${arity} frame arguments, its wrapper writes ${wrapper.length}`);
  }
  for (const name of Object.keys(wrapped)) {
    if ((raw as unknown as Record<string, FrameFunction>)[name]?.frameArity === undefined) throw stale(`${name} is not a frame op in the built addon`);
  }
  return { ...raw, ...wrapped };
}

let loaded: NativeEngine | null = null;
let loadError: NativeError | null = null;

/**
 * Loads the addon from `path`, installs naskit's error class into it and takes its meta buffer; a missing
 * or unloadable file is a `NativeError` (`ENGINE_MISSING`) with the fix. {@link engine} calls it once.
 */
export function loadEngineFrom(path: string): NativeEngine {
  if (!existsSync(path)) {
    throw new NativeError('ENGINE_MISSING', `the tensor engine is not built (no ${path}); ${ENGINE_FIX}`);
  }
  let raw: RawEngine;
  try {
    raw = createRequire(import.meta.url)(path) as RawEngine;
  } catch (error) {
    // Typically libtorch's shared libraries are missing or of another version.
    const why = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new NativeError('ENGINE_MISSING', `the tensor engine at ${path} does not load (${why}); ${ENGINE_FIX}`, { cause: error });
  }
  const engine = withFrameOps(raw, path);
  engine.install((code, message) => new NativeError(code, message));
  // Transferring either buffer (postMessage, structuredClone) would detach it and stop the engine
  // on this thread: clone them instead. (A byte stream can still detach them; the ops then fail
  // with ENGINE_STATE, docs/engine.md, "The native boundary".)
  markAsUntransferable(engine.frameBuffer.buffer);
  markAsUntransferable(engine.metaBuffer.buffer);
  metaBuffer = engine.metaBuffer;
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
