import { NativeError } from '../../errors.js';
import type { NativeHandle } from '../binding.js';
import { isFloating } from '../dtype.js';
import { Tensor } from '../tensor.js';

/**
 * Argument checks shared by the ops: run in TypeScript before crossing into C++, so that misuse
 * fails with a message naming the op, the argument, what it got and what it needs.
 */

/** The native handle of a live tensor argument. */
export function handle(value: unknown, op: string, name: string): NativeHandle {
  if (!(value instanceof Tensor)) throw new TypeError(`${op}: ${name} must be a Tensor, got ${describe(value)}`);
  if (value.isDisposed) {
    throw new NativeError('TENSOR_DISPOSED', `${op}: ${name} was already disposed (by dispose() or the end of its scope); keep() it or create it inside this scope`);
  }
  return value.nativeHandle;
}

/** The handle of an optional tensor argument (null/undefined → null). */
export function optionalHandle(value: unknown, op: string, name: string): NativeHandle | null {
  return value == null ? null : handle(value, op, name);
}

export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return `a ${value.constructor?.name ?? 'object'}`;
  return `${typeof value} ${String(value)}`;
}

export function shapeText(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

/** Throws `SHAPE_MISMATCH` unless the shapes broadcast (no allocation: this runs on every binary op). */
export function checkBroadcast(a: readonly number[], b: readonly number[], op: string): void {
  const n = Math.min(a.length, b.length);
  for (let i = 1; i <= n; i++) {
    const x = a[a.length - i];
    const y = b[b.length - i];
    if (x !== y && x !== 1 && y !== 1) broadcastShape(a, b, op);
  }
}

/** The broadcast shape of two shapes; throws `SHAPE_MISMATCH` naming both. */
export function broadcastShape(a: readonly number[], b: readonly number[], op: string): number[] {
  const n = Math.max(a.length, b.length);
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const x = a[a.length - n + i] ?? 1;
    const y = b[b.length - n + i] ?? 1;
    if (x !== y && x !== 1 && y !== 1) {
      throw new NativeError('SHAPE_MISMATCH', `${op}: shapes ${shapeText(a)} and ${shapeText(b)} do not broadcast (dimension ${i} is ${x} vs ${y}); make them equal or 1`);
    }
    out[i] = x === 1 ? y : x;
  }
  return out;
}

/** A dimension index in [-ndim, ndim) made non-negative; `RangeError` otherwise. */
export function dimIndex(dim: number, ndim: number, op: string, extra = 0): number {
  const n = ndim + extra;
  if (!Number.isInteger(dim) || dim < -n || dim >= Math.max(n, 1)) throw new RangeError(`${op}: dim ${dim} is out of range for a tensor of ${ndim} dimensions; valid: ${-n}..${Math.max(n, 1) - 1}`);
  return dim < 0 ? dim + n : dim;
}

export function integer(value: unknown, op: string, name: string, min = -Infinity): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw new RangeError(`${op}: ${name} must be an integer${min > -Infinity ? ` >= ${min}` : ''}, got ${describe(value)}`);
  }
  return value;
}

export function finite(value: unknown, op: string, name: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new RangeError(`${op}: ${name} must be a finite number, got ${describe(value)}`);
  return value;
}

/** A shape: non-negative integers (one -1 allowed where `allowInfer`). */
export function shapeArg(shape: unknown, op: string, allowInfer = false): number[] {
  if (!Array.isArray(shape)) throw new TypeError(`${op}: shape must be an array of integers, got ${describe(shape)}`);
  for (const s of shape) {
    if (!Number.isInteger(s) || (s < 0 && !(allowInfer && s === -1))) throw new RangeError(`${op}: shape ${JSON.stringify(shape)} must hold non-negative integers${allowInfer ? ' (or one -1)' : ''}`);
  }
  return shape as number[];
}

/** An int or [int, int] for 2-d ops (kernel, stride, padding, dilation). */
export function pair(value: number | readonly [number, number], op: string, name: string, min: number): [number, number] {
  const p: [number, number] = typeof value === 'number' ? [value, value] : [value[0], value[1]];
  if (!p.every((v) => Number.isInteger(v) && v >= min)) throw new RangeError(`${op}: ${name} must be an integer >= ${min} or a pair of them, got ${JSON.stringify(value)}`);
  return p;
}

/** Throws `DTYPE_MISMATCH` unless the tensor is float32/float64. */
export function requireFloating(t: Tensor, op: string, name: string): void {
  if (!isFloating(t.dtype)) throw new NativeError('DTYPE_MISMATCH', `${op}: ${name} must be float32 or float64, got ${t.dtype}; convert it with .to('float32')`);
}

/** Throws `DTYPE_MISMATCH` unless the tensor holds integers (class indices). */
export function requireInteger(t: Tensor, op: string, name: string): void {
  if (t.dtype !== 'int32' && t.dtype !== 'int64' && t.dtype !== 'uint8') {
    throw new NativeError('DTYPE_MISMATCH', `${op}: ${name} must hold integer class indices (int32 or int64), got ${t.dtype}; convert it with .to('int64')`);
  }
}

/** Throws `SHAPE_MISMATCH` unless the tensor has `ndim` dimensions. */
export function requireRank(t: Tensor, ndim: number | readonly number[], op: string, name: string): void {
  const ok = typeof ndim === 'number' ? t.ndim === ndim : ndim.includes(t.ndim);
  if (!ok) throw new NativeError('SHAPE_MISMATCH', `${op}: ${name} must have ${typeof ndim === 'number' ? ndim : ndim.join(' or ')} dimensions, got shape ${shapeText(t.shape)}`);
}
