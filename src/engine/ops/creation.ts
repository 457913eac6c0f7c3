import { NativeError } from '../../errors.js';
import { engine, type NativeGenerator } from '../binding.js';
import { dtypeCode, type DType } from '../dtype.js';
import { Tensor } from '../tensor.js';
import { finite, integer, shapeArg, shapeText } from './check.js';

/**
 * A seeded libtorch random generator of its own: draws through it depend only on its seed and
 * the draws made through it, not on any other code. Create one per purpose from a seed passed in.
 */
export class Generator {
  /** @internal */
  readonly nativeGenerator: NativeGenerator;
  readonly seed: number;
  constructor(seed: number) {
    if (!Number.isSafeInteger(seed) || seed < 0) throw new RangeError(`Generator: seed must be a non-negative integer, got ${seed}`);
    this.seed = seed;
    this.nativeGenerator = engine().newGenerator(seed);
  }
}

/** Typed arrays a tensor can be made from (copied). */
export type TensorData = Float32Array | Float64Array | Int32Array | Uint8Array;

/**
 * A tensor holding a copy of `data` in `shape` (row-major). Plain number arrays become float32.
 * The dtype follows the array: Float32Array → float32, Float64Array → float64, Int32Array → int32, Uint8Array → uint8.
 */
export function tensor(data: TensorData | readonly number[], shape?: readonly number[]): Tensor {
  const array: TensorData = Array.isArray(data) ? Float32Array.from(data as readonly number[]) : (data as TensorData);
  if (!(array instanceof Float32Array || array instanceof Float64Array || array instanceof Int32Array || array instanceof Uint8Array)) {
    throw new TypeError('tensor: data must be a Float32Array, Float64Array, Int32Array, Uint8Array or an array of numbers');
  }
  const dims = shapeArg(shape ?? [array.length], 'tensor');
  const n = dims.reduce((a, b) => a * b, 1);
  if (n !== array.length) throw new NativeError('SHAPE_MISMATCH', `tensor: shape ${shapeText(dims)} holds ${n} elements but the data has ${array.length}`);
  return new Tensor(engine().fromArray(array, dims));
}

/** A scalar (0-d) tensor. */
export function scalar(value: number, dtype: DType = 'float32'): Tensor {
  return new Tensor(engine().full([], finite(value, 'scalar', 'value'), dtypeCode(dtype)));
}

export function zeros(shape: readonly number[], dtype: DType = 'float32'): Tensor {
  return new Tensor(engine().zeros(shapeArg(shape, 'zeros'), dtypeCode(dtype)));
}

export function ones(shape: readonly number[], dtype: DType = 'float32'): Tensor {
  return new Tensor(engine().ones(shapeArg(shape, 'ones'), dtypeCode(dtype)));
}

export function full(shape: readonly number[], value: number, dtype: DType = 'float32'): Tensor {
  if (Number.isNaN(value)) throw new RangeError('full: value is NaN');
  return new Tensor(engine().full(shapeArg(shape, 'full'), value, dtypeCode(dtype)));
}

/** Options of the random creation functions. */
export interface RandomOptions {
  /** The generator to draw from; without one, libtorch's global generator (seeded by `manualSeed`). */
  generator?: Generator | null;
  dtype?: DType;
}

function floatDtype(dtype: DType | undefined, op: string): number {
  const d = dtype ?? 'float32';
  if (d !== 'float32' && d !== 'float64') throw new NativeError('DTYPE_MISMATCH', `${op}: dtype must be float32 or float64, got ${d}`);
  return dtypeCode(d);
}

/** Standard normal draws. */
export function randn(shape: readonly number[], options: RandomOptions = {}): Tensor {
  return new Tensor(engine().randn(shapeArg(shape, 'randn'), options.generator?.nativeGenerator ?? null, floatDtype(options.dtype, 'randn')));
}

/** Uniform draws in [0, 1). */
export function rand(shape: readonly number[], options: RandomOptions = {}): Tensor {
  return new Tensor(engine().rand(shapeArg(shape, 'rand'), options.generator?.nativeGenerator ?? null, floatDtype(options.dtype, 'rand')));
}

/** Integers in [low, high), int64. */
export function randint(low: number, high: number, shape: readonly number[], generator: Generator | null = null): Tensor {
  integer(low, 'randint', 'low');
  integer(high, 'randint', 'high');
  if (high <= low) throw new RangeError(`randint: high (${high}) must exceed low (${low})`);
  return new Tensor(engine().randint(low, high, shapeArg(shape, 'randint'), generator?.nativeGenerator ?? null));
}

/** A random permutation of 0..n-1, int64. */
export function randperm(n: number, generator: Generator | null = null): Tensor {
  return new Tensor(engine().randperm(integer(n, 'randperm', 'n', 0), generator?.nativeGenerator ?? null));
}

/** start, start+step, ... below end. */
export function arange(start: number, end?: number, step = 1, dtype: DType = 'float32'): Tensor {
  const [lo, hi] = end === undefined ? [0, start] : [start, end];
  finite(lo, 'arange', 'start');
  finite(hi, 'arange', 'end');
  if (!(step !== 0 && Number.isFinite(step))) throw new RangeError(`arange: step must be a non-zero finite number, got ${step}`);
  return new Tensor(engine().arange(lo, hi, step, dtypeCode(dtype)));
}

export function eye(n: number, dtype: DType = 'float32'): Tensor {
  return new Tensor(engine().eye(integer(n, 'eye', 'n', 0), dtypeCode(dtype)));
}

/** One-hot rows (int64) for integer class indices. */
export function oneHot(indices: Tensor, numClasses: number): Tensor {
  if (!(indices instanceof Tensor)) throw new TypeError('oneHot: indices must be a Tensor');
  if (indices.isDisposed) throw new NativeError('TENSOR_DISPOSED', 'oneHot: indices was already disposed');
  return new Tensor(engine().oneHot(indices.nativeHandle, integer(numClasses, 'oneHot', 'numClasses', 1)));
}
