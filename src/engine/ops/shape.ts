import { NativeError } from '../../errors.js';
import { engine } from '../binding.js';
import { Tensor } from '../tensor.js';
import { dimIndex, finite, handle, integer, requireInteger, shapeArg, shapeText } from './check.js';

function numel(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** Checks that `shape` (with at most one -1) can hold the elements of `a`. */
function checkReshape(a: Tensor, shape: readonly number[], op: string): void {
  shapeArg(shape, op, true);
  const infer = shape.filter((s) => s === -1).length;
  if (infer > 1) throw new RangeError(`${op}: only one dimension may be -1, got ${shapeText(shape)}`);
  const known = shape.filter((s) => s !== -1).reduce((x, y) => x * y, 1);
  const ok = infer === 0 ? known === a.size : known > 0 && a.size % known === 0;
  if (!ok) throw new NativeError('SHAPE_MISMATCH', `${op}: cannot reshape ${shapeText(a.shape)} (${a.size} elements) into ${shapeText(shape)}`);
}

/** The same elements in a new shape (a view when possible, else a copy). One entry may be -1. */
export function reshape(a: Tensor, shape: readonly number[]): Tensor {
  const h = handle(a, 'reshape', 'a');
  checkReshape(a, shape, 'reshape');
  return new Tensor(engine().reshape(h, shape));
}

/** A view with a new shape; fails (TORCH_ERROR) when the memory layout does not allow a view. */
export function view(a: Tensor, shape: readonly number[]): Tensor {
  const h = handle(a, 'view', 'a');
  checkReshape(a, shape, 'view');
  return new Tensor(engine().view(h, shape));
}

export function permute(a: Tensor, dims: readonly number[]): Tensor {
  const h = handle(a, 'permute', 'a');
  const d = dims.map((x) => dimIndex(x, a.ndim, 'permute'));
  if (d.length !== a.ndim || new Set(d).size !== d.length) throw new RangeError(`permute: dims ${JSON.stringify(dims)} must list each of the ${a.ndim} dimensions once`);
  return new Tensor(engine().permute(h, d));
}

export function transpose(a: Tensor, dim0: number, dim1: number): Tensor {
  const h = handle(a, 'transpose', 'a');
  return new Tensor(engine().transpose(h, dimIndex(dim0, a.ndim, 'transpose'), dimIndex(dim1, a.ndim, 'transpose')));
}

/** Joins dimensions start..end (inclusive) into one. */
export function flatten(a: Tensor, start = 0, end = -1): Tensor {
  const h = handle(a, 'flatten', 'a');
  const s = dimIndex(start, a.ndim, 'flatten');
  const e = dimIndex(end, a.ndim, 'flatten');
  if (s > e && a.ndim > 0) throw new RangeError(`flatten: start ${start} comes after end ${end}`);
  return new Tensor(engine().flatten(h, s, e));
}

/** Removes dimension `dim` of size 1 (all size-1 dimensions when omitted). */
export function squeeze(a: Tensor, dim?: number): Tensor {
  const h = handle(a, 'squeeze', 'a');
  return new Tensor(engine().squeeze(h, dim === undefined ? null : dimIndex(dim, a.ndim, 'squeeze')));
}

/** Inserts a dimension of size 1 at `dim`. */
export function unsqueeze(a: Tensor, dim: number): Tensor {
  const h = handle(a, 'unsqueeze', 'a');
  return new Tensor(engine().unsqueeze(h, dimIndex(dim, a.ndim, 'unsqueeze', 1)));
}

/** A broadcast view to `shape` (-1 keeps a dimension). */
export function expand(a: Tensor, shape: readonly number[]): Tensor {
  const h = handle(a, 'expand', 'a');
  shapeArg(shape, 'expand', true);
  return new Tensor(engine().expand(h, shape));
}

export const contiguous = (a: Tensor): Tensor => new Tensor(engine().contiguous(handle(a, 'contiguous', 'a')));
/** A copy that stays in the autograd graph. */
export const clone = (a: Tensor): Tensor => new Tensor(engine().clone(handle(a, 'clone', 'a')));
/** The same data cut from the autograd graph. */
export const detach = (a: Tensor): Tensor => new Tensor(engine().detach(handle(a, 'detach', 'a')));
/** A second handle to the same tensor, with a lifetime of its own (e.g. to keep beyond a scope). */
export const alias = (a: Tensor): Tensor => new Tensor(engine().alias(handle(a, 'alias', 'a')));

/** Elements start..start+length-1 of dimension `dim` (a view). */
export function narrow(a: Tensor, dim: number, start: number, length: number): Tensor {
  const h = handle(a, 'narrow', 'a');
  const d = dimIndex(dim, a.ndim, 'narrow');
  integer(start, 'narrow', 'start', 0);
  integer(length, 'narrow', 'length', 0);
  if (start + length > a.shape[d]) throw new RangeError(`narrow: ${start}+${length} exceeds the ${a.shape[d]} elements of dimension ${d}`);
  return new Tensor(engine().narrow(h, d, start, length));
}

/** The slice at `index` of dimension `dim` (that dimension removed). Negative indices count from the end. */
export function select(a: Tensor, dim: number, index: number): Tensor {
  const h = handle(a, 'select', 'a');
  const d = dimIndex(dim, a.ndim, 'select');
  const n = a.shape[d];
  if (!Number.isInteger(index) || index < -n || index >= n) throw new RangeError(`select: index ${index} is out of range for dimension ${d} of size ${n}`);
  return new Tensor(engine().select(h, d, index));
}

/** Rows `indices` (a 1-d integer tensor) of dimension `dim`. */
export function indexSelect(a: Tensor, dim: number, indices: Tensor): Tensor {
  const h = handle(a, 'indexSelect', 'a');
  const hi = handle(indices, 'indexSelect', 'indices');
  requireInteger(indices, 'indexSelect', 'indices');
  return new Tensor(engine().indexSelect(h, dimIndex(dim, a.ndim, 'indexSelect'), hi));
}

/** out[i][j] = a[i][indices[i][j]] along `dim` (PyTorch's gather). */
export function gather(a: Tensor, dim: number, indices: Tensor): Tensor {
  const h = handle(a, 'gather', 'a');
  const hi = handle(indices, 'gather', 'indices');
  requireInteger(indices, 'gather', 'indices');
  return new Tensor(engine().gather(h, dimIndex(dim, a.ndim, 'gather'), hi));
}

/** `value` where `mask` is true, else `a`. */
export function maskedFill(a: Tensor, mask: Tensor, value: number): Tensor {
  const h = handle(a, 'maskedFill', 'a');
  const hm = handle(mask, 'maskedFill', 'mask');
  if (Number.isNaN(value)) throw new RangeError('maskedFill: value is NaN');
  return new Tensor(engine().maskedFill(h, hm, value));
}

function checkJoin(list: readonly Tensor[], op: string, dim: number, stacking: boolean): number {
  if (!Array.isArray(list) || list.length === 0) throw new RangeError(`${op}: needs a non-empty array of tensors`);
  const first = list[0];
  list.forEach((t, i) => handle(t, op, `tensors[${i}]`));
  const d = dimIndex(dim, first.ndim, op, stacking ? 1 : 0);
  for (let i = 1; i < list.length; i++) {
    const t = list[i];
    const same = t.ndim === first.ndim && t.shape.every((s: number, k: number) => s === first.shape[k] || (!stacking && k === d));
    if (!same) throw new NativeError('SHAPE_MISMATCH', `${op}: tensors[${i}] has shape ${shapeText(t.shape)}, incompatible with tensors[0]'s ${shapeText(first.shape)}${stacking ? '' : ` outside dimension ${d}`}`);
    if (t.dtype !== first.dtype) throw new NativeError('DTYPE_MISMATCH', `${op}: tensors[${i}] is ${t.dtype} but tensors[0] is ${first.dtype}`);
  }
  return d;
}

/** Joins tensors along an existing dimension. */
export function cat(tensors: readonly Tensor[], dim = 0): Tensor {
  const d = checkJoin(tensors, 'cat', dim, false);
  return new Tensor(engine().cat(tensors.map((t) => t.nativeHandle), d));
}

/** Joins equal-shaped tensors along a new dimension. */
export function stack(tensors: readonly Tensor[], dim = 0): Tensor {
  const d = checkJoin(tensors, 'stack', dim, true);
  return new Tensor(engine().stack(tensors.map((t) => t.nativeHandle), d));
}

/** Constant padding; `pads` as torch.nn.functional.pad: [left, right, top, bottom, ...] from the last dimension. */
export function pad(a: Tensor, pads: readonly number[], value = 0): Tensor {
  const h = handle(a, 'pad', 'a');
  if (pads.length % 2 !== 0 || pads.length / 2 > a.ndim || !pads.every(Number.isInteger)) {
    throw new RangeError(`pad: pads ${JSON.stringify(pads)} must be an even number (at most 2 x ${a.ndim}) of integers`);
  }
  return new Tensor(engine().pad(h, pads, finite(value, 'pad', 'value')));
}

/** Number of elements of a shape. */
export { numel };
