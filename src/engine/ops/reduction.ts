import { NativeError } from '../../errors.js';
import { engine } from '../binding.js';
import { Tensor } from '../tensor.js';
import { dimIndex, finite, handle, integer } from './check.js';

function dimsArg(a: Tensor, dims: number | readonly number[] | null | undefined, op: string): number[] | null {
  if (dims == null) return null;
  const list = typeof dims === 'number' ? [dims] : [...dims];
  return list.map((d) => dimIndex(d, a.ndim, op));
}

function reduce(code: number, op: string, a: Tensor, dims: number | readonly number[] | null | undefined, keepdim: boolean): Tensor {
  const h = handle(a, op, 'a');
  return new Tensor(engine().reduce(code, h, dimsArg(a, dims, op), keepdim));
}

/** Sum over `dims` (all when omitted). */
export const sum = (a: Tensor, dims?: number | readonly number[] | null, keepdim = false): Tensor => reduce(0, 'sum', a, dims, keepdim);
/** Mean over `dims` (all when omitted). */
export const mean = (a: Tensor, dims?: number | readonly number[] | null, keepdim = false): Tensor => reduce(1, 'mean', a, dims, keepdim);
/** Unbiased variance over `dims`. */
export const variance = (a: Tensor, dims?: number | readonly number[] | null, keepdim = false): Tensor => reduce(2, 'variance', a, dims, keepdim);
/** Unbiased standard deviation over `dims`. */
export const std = (a: Tensor, dims?: number | readonly number[] | null, keepdim = false): Tensor => reduce(3, 'std', a, dims, keepdim);

function extreme(code: number, op: string, a: Tensor, dim: number | null | undefined, keepdim: boolean): Tensor {
  const h = handle(a, op, 'a');
  if (a.size === 0) throw new NativeError('SHAPE_MISMATCH', `${op}: cannot reduce an empty tensor`);
  return new Tensor(engine().extreme(code, h, dim == null ? null : dimIndex(dim, a.ndim, op), keepdim));
}

/** Maximum values over `dim` (over everything when omitted). */
export const max = (a: Tensor, dim?: number | null, keepdim = false): Tensor => extreme(0, 'max', a, dim, keepdim);
export const min = (a: Tensor, dim?: number | null, keepdim = false): Tensor => extreme(1, 'min', a, dim, keepdim);
/** Index of the maximum over `dim` (of the flattened tensor when omitted); int64. */
export const argmax = (a: Tensor, dim?: number | null, keepdim = false): Tensor => extreme(2, 'argmax', a, dim, keepdim);
export const argmin = (a: Tensor, dim?: number | null, keepdim = false): Tensor => extreme(3, 'argmin', a, dim, keepdim);

/** The p-norm of all elements (a scalar tensor). */
export function norm(a: Tensor, p = 2): Tensor {
  return new Tensor(engine().norm(handle(a, 'norm', 'a'), finite(p, 'norm', 'p')));
}

/** log(sum(exp(a))) over `dim`, computed stably. */
export function logsumexp(a: Tensor, dim: number, keepdim = false): Tensor {
  const h = handle(a, 'logsumexp', 'a');
  return new Tensor(engine().logsumexp(h, dimIndex(dim, a.ndim, 'logsumexp'), keepdim));
}

/** The `k` largest values along `dim` and their indices. */
export function topk(a: Tensor, k: number, dim = -1): { values: Tensor; indices: Tensor } {
  const h = handle(a, 'topk', 'a');
  const d = dimIndex(dim, a.ndim, 'topk');
  integer(k, 'topk', 'k', 1);
  if (k > (a.shape[d] ?? 1)) throw new RangeError(`topk: k=${k} exceeds the ${a.shape[d]} elements of dimension ${d}`);
  const [values, indices] = engine().topk(h, k, d);
  return { values: Tensor.fromHandle(values), indices: Tensor.fromHandle(indices) };
}
