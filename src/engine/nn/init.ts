import { engine } from '../binding.js';
import type { Generator } from '../ops/creation.js';
import type { Tensor } from '../tensor.js';

/** Initialisers (in place, without gradient). A `generator` makes them reproducible from a seed. */

export function uniform(t: Tensor, low: number, high: number, generator: Generator | null = null): Tensor {
  engine().uniformInPlace(t.nativeHandle, low, high, generator?.nativeGenerator ?? null);
  return t;
}

export function normal(t: Tensor, mean: number, std: number, generator: Generator | null = null): Tensor {
  engine().normalInPlace(t.nativeHandle, mean, std, generator?.nativeGenerator ?? null);
  return t;
}

export function fill(t: Tensor, value: number): Tensor {
  engine().inplace(5, t.nativeHandle, null, null, value);
  return t;
}

/** fan_in of a weight [out, in, ...kernel]. */
export function fanIn(t: Tensor): number {
  return t.shape.slice(1).reduce((a, b) => a * b, 1);
}

/**
 * PyTorch's default for Linear and Conv weights (kaiming_uniform with a = sqrt(5)), which
 * reduces to U(-1/sqrt(fan_in), 1/sqrt(fan_in)); biases use the same bound.
 */
export function defaultUniform(t: Tensor, fan: number, generator: Generator | null = null): Tensor {
  const bound = fan > 0 ? 1 / Math.sqrt(fan) : 0;
  return uniform(t, -bound, bound, generator);
}
