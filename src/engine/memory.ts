import { NativeError } from '../errors.js';
import { engine, type NativeHandle } from './binding.js';

/** Marks objects whose native memory scopes manage (tensors). */
export const TRACKED: unique symbol = Symbol('naskit.tracked');

/** What a scope needs of a tensor. */
export interface Tracked {
  readonly [TRACKED]: true;
  /** True once `keep` exempted it from every scope. */
  kept: boolean;
  /** True while the GC backstop watches it (no scope owns it). */
  guarded: boolean;
  readonly isDisposed: boolean;
  readonly nativeHandle: NativeHandle;
  dispose(): void;
  /** Marks it disposed without freeing and returns its handle (null if already disposed), for batch disposal. */
  release(): NativeHandle | null;
}

const scopes: Tracked[][] = [];

/**
 * The backstop for tensors no scope owns (created outside any scope, kept, or returned from the
 * outermost scope): when the GC collects such a tensor undisposed, its native memory is freed.
 * Tensors inside scopes are not registered, which keeps small ops cheap.
 */
const backstop = new FinalizationRegistry<NativeHandle>((handle) => engine().dispose(handle));

function guard(tensor: Tracked): void {
  if (tensor.guarded || tensor.isDisposed) return;
  tensor.guarded = true;
  backstop.register(tensor, tensor.nativeHandle, tensor);
  // Only the GC can free it now, so V8 should weigh its bytes (the addon reports watched bytes only;
  // freeing it, by dispose() or the backstop, unwatches it in the addon).
  engine().watch(tensor.nativeHandle, true);
}

/** Called by `dispose()`: the backstop no longer needs to watch it. */
export function unguard(tensor: Tracked): void {
  if (!tensor.guarded) return;
  tensor.guarded = false;
  backstop.unregister(tensor);
}

/**
 * Called by `dispose()`: a tensor disposed right after it was made (the newest of the innermost
 * scope) leaves the scope's list at once, so a loop that frees as it goes keeps the list short.
 */
export function untrack(tensor: Tracked): void {
  const created = scopes[scopes.length - 1];
  if (created !== undefined && created[created.length - 1] === tensor) created.pop();
}

/** Called by every new tensor: the innermost open scope will free it, else the GC backstop watches it. */
export function track(tensor: Tracked): void {
  if (scopes.length > 0) scopes[scopes.length - 1].push(tensor);
  else guard(tensor);
}

function isTracked(value: unknown): value is Tracked {
  return typeof value === 'object' && value !== null && (value as Partial<Tracked>)[TRACKED] === true;
}

/** Tensors in a scope's result: the value itself, or inside arrays and plain objects (two levels). */
function collect(value: unknown, into: Set<Tracked>, depth = 0): void {
  if (isTracked(value)) into.add(value);
  else if (depth < 2 && Array.isArray(value)) for (const v of value) collect(v, into, depth + 1);
  else if (depth < 2 && typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype) {
    for (const v of Object.values(value)) collect(v, into, depth + 1);
  }
}

/**
 * Runs `fn` and frees every tensor created inside it when it ends, except those it returns (directly,
 * in an array or in a plain object) and those marked with {@link keep}; returned tensors move to
 * the enclosing scope. Also frees on an exception. `fn` must be synchronous: a scope cannot follow
 * an `await` (other code would run inside it).
 */
export function scope<T>(fn: () => T): T {
  const created: Tracked[] = [];
  scopes.push(created);
  let result: T;
  try {
    result = fn();
  } catch (error) {
    scopes.pop();
    for (const t of created) if (!t.kept) t.dispose();
    throw error;
  }
  scopes.pop();
  if (result instanceof Promise) {
    for (const t of created) if (!t.kept) t.dispose();
    throw new TypeError('scope(fn): fn returned a Promise; scopes are synchronous, so wrap each synchronous step in its own scope');
  }
  const returned = new Set<Tracked>();
  collect(result, returned);
  // One native call frees them all (a call per tensor was a third of a tiny op's cost), reading the
  // handles from a typed array in place (an array's elements cost the addon a call each).
  if (disposal.length < created.length) disposal = new Float64Array(Math.max(created.length, 2 * disposal.length));
  let count = 0;
  const returnsTensors = returned.size > 0;
  for (const t of created) {
    if (t.kept || t.isDisposed) continue;
    if (returnsTensors && returned.has(t)) track(t);
    else {
      const h = t.release();
      if (h !== null) disposal[count++] = h;
    }
  }
  if (count > 0) engine().disposeMany(disposal, count);
  return result;
}

/** Reused by every scope's end (grown as needed); scopes are synchronous, so one buffer suffices. */
let disposal = new Float64Array(1024);

/** Exempts a tensor from every scope (it lives until `dispose()`); returns it. */
export function keep<T extends Tracked>(tensor: T): T {
  tensor.kept = true;
  guard(tensor);
  return tensor;
}

/** Disposes tensors (and tensors in arrays); disposing twice is harmless. */
export function dispose(...items: (Tracked | readonly Tracked[] | null | undefined)[]): void {
  for (const item of items) {
    if (item == null) continue;
    if (Array.isArray(item)) for (const t of item as readonly Tracked[]) t.dispose();
    else (item as Tracked).dispose();
  }
}

/** Native memory held by live tensor handles. */
export interface MemoryInfo {
  /** Number of live (not disposed, not collected) tensor handles. */
  readonly tensors: number;
  /** Their bytes (elements x element size; a view counts at its own size). */
  readonly bytes: number;
  /**
   * The bytes last reported to V8 as external memory (kept within 1 MiB of `watchedBytes`): only
   * tensors that no scope owns, which only the GC backstop would free, are reported; scoped
   * tensors are freed deterministically and would only make V8 collect for nothing.
   */
  readonly reportedBytes: number;
  /** Bytes of the tensors the GC backstop watches (no scope owns them). */
  readonly watchedBytes: number;
}

/** Live tensor count and bytes, from the addon's own accounting. */
export function memory(): MemoryInfo {
  const [tensors, bytes, reportedBytes, watchedBytes] = engine().memory();
  return { tensors, bytes, reportedBytes, watchedBytes };
}

/** What {@link measurePeak} measured, with `fn`'s result. */
export interface PeakMeasurement<T> {
  readonly value: T;
  /** The most bytes libtorch had allocated above the start while `fn` ran. */
  readonly peakBytes: number;
  /** Bytes allocated while `fn` ran and still allocated when it returned. */
  readonly netBytes: number;
}

/**
 * Runs `fn` (synchronous) and measures what libtorch's CPU allocator handed out meanwhile, on this
 * thread: the peak of allocated minus freed bytes above the start, which counts what
 * {@link memory} cannot see (activations autograd saved for backward, gradients, backward's
 * temporaries, max-pooling indices). Frees of memory allocated before the start are not seen, so
 * free inside `fn` only what `fn` made. One measurement at a time per thread.
 */
export function measurePeak<T>(fn: () => T): PeakMeasurement<T> {
  const native = engine();
  if (typeof native.memoryProbeStart !== 'function') {
    throw new NativeError('ENGINE_STALE', 'measurePeak: this build of the tensor engine has no memory probe; rebuild it with `node scripts/build-native.mjs --strict`');
  }
  native.memoryProbeStart();
  let value: T;
  try {
    value = fn();
  } catch (error) {
    native.memoryProbeStop();
    throw error;
  }
  const [peakBytes, netBytes] = native.memoryProbeStop();
  return { value, peakBytes, netBytes };
}

/** Whether this build of the engine has the memory probe of {@link measurePeak} (false for an addon built before it). */
export function memoryProbeAvailable(): boolean {
  return typeof engine().memoryProbeStart === 'function';
}

/**
 * Returns the heap's free memory to the system (glibc's `malloc_trim`; elsewhere nothing). The
 * engine keeps freed memory for the next training step (native/src/handle.cc); call this before
 * reading the system's free memory for new work. True when some memory was returned.
 */
export function trimHeap(): boolean {
  return engine().trimHeap();
}
