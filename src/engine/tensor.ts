import { NativeError } from '../errors.js';
import { engine, metaBuffer, type NativeHandle } from './binding.js';
import { DTYPES, type DType } from './dtype.js';
import { TRACKED, track, unguard, untrack, type Tracked } from './memory.js';
import * as E from './ops/elementwise.js';
import * as R from './ops/reduction.js';
import * as S from './ops/shape.js';
import * as N from './ops/nn.js';
import * as A from './autograd.js';

/**
 * A libtorch tensor owned by JS. Its native memory is freed by `dispose()`, by the end of the
 * `scope()` that created it, or (as a backstop only) by the garbage collector. `shape` and `dtype`
 * are read once at creation. Methods are sugar for the functions in `ops/` (same checks, same names).
 * Tensors come from the creation functions (`tensor`, `zeros`, `randn`, ...), never `new`.
 */
export class Tensor implements Tracked {
  declare readonly [TRACKED]: true;
  kept = false;
  guarded = false;
  /** Size of each dimension. */
  readonly shape: readonly number[];
  readonly dtype: DType;
  readonly #handle: NativeHandle;
  #disposed = false;

  /** @internal Wraps the handle a native op just returned (its dtype and shape are in the meta buffer). */
  constructor(handle: NativeHandle) {
    this.#handle = handle;
    const dtype = DTYPES[metaBuffer[0]];
    // Undefined only when other code detached the meta buffer (a byte stream can): refuse rather
    // than make a tensor without a dtype and shape.
    if (dtype === undefined) throw new NativeError('ENGINE_STATE', 'the engine\'s meta buffer was detached by other code; the engine cannot make tensors on this thread any more (start a new process or worker)');
    this.dtype = dtype;
    const ndim = metaBuffer[1];
    const shape = new Array<number>(ndim);
    for (let d = 0; d < ndim; d++) shape[d] = metaBuffer[2 + d];
    this.shape = shape;
    track(this);
  }

  /** @internal Wraps a handle that was not the last one returned (e.g. the second of a pair). */
  static fromHandle(handle: NativeHandle): Tensor {
    engine().meta(handle);
    return new Tensor(handle);
  }

  /** @internal The native handle (ops check `isDisposed` first). */
  get nativeHandle(): NativeHandle {
    return this.#handle;
  }

  get ndim(): number {
    return this.shape.length;
  }

  /** Number of elements. */
  get size(): number {
    let n = 1;
    for (const s of this.shape) n *= s;
    return n;
  }

  get isDisposed(): boolean {
    return this.#disposed;
  }

  /** Frees the native memory now; later use throws `NativeError` (`TENSOR_DISPOSED`). Idempotent. */
  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    unguard(this);
    untrack(this);
    engine().dispose(this.#handle);
  }

  private live(op: string): NativeHandle {
    if (this.#disposed) throw new NativeError('TENSOR_DISPOSED', `${op}: this tensor was already disposed (by dispose() or the end of its scope); keep() it to use it later`);
    return this.#handle;
  }

  /** @internal Marks this tensor disposed and hands its handle to the caller, who frees it (scope ends batch this). */
  release(): NativeHandle | null {
    if (this.#disposed) return null;
    this.#disposed = true;
    unguard(this);
    return this.#handle;
  }

  /** The elements in row-major order as their natural typed array (int64 reads as Int32Array, bool as Uint8Array). */
  data(): Float32Array | Float64Array | Int32Array | Uint8Array {
    return engine().toArray(this.live('data'));
  }

  /** The elements as float32, converting if needed. */
  toFloat32Array(): Float32Array {
    const d = this.data();
    return d instanceof Float32Array ? d : Float32Array.from(d);
  }

  /** The elements as plain numbers. */
  toArray(): number[] {
    return Array.from(this.data());
  }

  /** The value of a one-element tensor. */
  item(): number {
    return engine().item(this.live('item'));
  }

  toString(): string {
    return `Tensor(${this.dtype}, [${this.shape.join(', ')}]${this.#disposed ? ', disposed' : ''})`;
  }

  // ---- autograd ----
  get requiresGrad(): boolean {
    return engine().requiresGrad(this.live('requiresGrad'));
  }
  /** Sets requires_grad (leaf tensors only) and returns this tensor. */
  setRequiresGrad(value = true): this {
    engine().setRequiresGrad(this.live('setRequiresGrad'), value);
    return this;
  }
  /** A new handle to the accumulated gradient, or null. */
  get grad(): Tensor | null {
    const g = engine().gradOf(this.live('grad'));
    return g === null ? null : new Tensor(g);
  }
  /** Drops the accumulated gradient (set to none). */
  zeroGrad(): void {
    engine().setGrad(this.live('zeroGrad'), null);
  }
  backward(gradient?: Tensor, options?: A.BackwardOptions): void {
    A.backward(this, gradient, options);
  }
  detach(): Tensor {
    return S.detach(this);
  }
  clone(): Tensor {
    return S.clone(this);
  }

  // ---- sugar for ops/ ----
  add(other: Tensor | number, alpha = 1): Tensor { return E.add(this, other, alpha); }
  sub(other: Tensor | number, alpha = 1): Tensor { return E.sub(this, other, alpha); }
  mul(other: Tensor | number): Tensor { return E.mul(this, other); }
  div(other: Tensor | number): Tensor { return E.div(this, other); }
  pow(exponent: Tensor | number): Tensor { return E.pow(this, exponent); }
  neg(): Tensor { return E.neg(this); }
  exp(): Tensor { return E.exp(this); }
  log(): Tensor { return E.log(this); }
  sqrt(): Tensor { return E.sqrt(this); }
  abs(): Tensor { return E.abs(this); }
  tanh(): Tensor { return E.tanh(this); }
  sigmoid(): Tensor { return E.sigmoid(this); }
  relu(): Tensor { return E.relu(this); }
  square(): Tensor { return E.square(this); }
  clamp(min: number | null, max: number | null): Tensor { return E.clamp(this, min, max); }
  to(dtype: DType): Tensor { return E.cast(this, dtype); }
  eq(other: Tensor | number): Tensor { return E.eq(this, other); }
  sum(dims?: number | readonly number[] | null, keepdim = false): Tensor { return R.sum(this, dims, keepdim); }
  mean(dims?: number | readonly number[] | null, keepdim = false): Tensor { return R.mean(this, dims, keepdim); }
  max(dim?: number | null, keepdim = false): Tensor { return R.max(this, dim, keepdim); }
  min(dim?: number | null, keepdim = false): Tensor { return R.min(this, dim, keepdim); }
  argmax(dim?: number | null, keepdim = false): Tensor { return R.argmax(this, dim, keepdim); }
  matmul(other: Tensor): Tensor { return N.matmul(this, other); }
  reshape(shape: readonly number[]): Tensor { return S.reshape(this, shape); }
  view(shape: readonly number[]): Tensor { return S.view(this, shape); }
  permute(dims: readonly number[]): Tensor { return S.permute(this, dims); }
  transpose(dim0: number, dim1: number): Tensor { return S.transpose(this, dim0, dim1); }
  flatten(start = 0, end = -1): Tensor { return S.flatten(this, start, end); }
  squeeze(dim?: number): Tensor { return S.squeeze(this, dim); }
  unsqueeze(dim: number): Tensor { return S.unsqueeze(this, dim); }
  expand(shape: readonly number[]): Tensor { return S.expand(this, shape); }
  contiguous(): Tensor { return S.contiguous(this); }
  narrow(dim: number, start: number, length: number): Tensor { return S.narrow(this, dim, start, length); }
  select(dim: number, index: number): Tensor { return S.select(this, dim, index); }
  softmax(dim: number): Tensor { return N.softmax(this, dim); }
  logSoftmax(dim: number): Tensor { return N.logSoftmax(this, dim); }
}
// On the prototype, not each instance: one field less to initialise per tensor.
Object.defineProperty(Tensor.prototype, TRACKED, { value: true });
