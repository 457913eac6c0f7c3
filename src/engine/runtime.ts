import { engine } from './binding.js';

/** Sets libtorch's intra-op thread count (read `NASKIT_THREADS` at the CLI edge and pass it here). */
export function setNumThreads(threads: number): void {
  if (!Number.isInteger(threads) || threads < 1) throw new RangeError(`setNumThreads: threads must be a positive integer, got ${threads}`);
  engine().setNumThreads(threads);
}

/** libtorch's intra-op thread count. */
export function numThreads(): number {
  return engine().getNumThreads();
}

/** Seeds libtorch's global generator (used by dropout and by draws without an explicit Generator). */
export function manualSeed(seed: number): void {
  if (!Number.isSafeInteger(seed) || seed < 0) throw new RangeError(`manualSeed: seed must be a non-negative integer, got ${seed}`);
  engine().manualSeed(seed);
}

/** The libtorch version the engine was built against, e.g. `1.13.0`. */
export function libtorchVersion(): string {
  return engine().version();
}
