import { Rng } from '../../src/util/rng.js';

/**
 * The NAS-Bench-201 architectures of a benchmark run: `count` distinct table indices drawn with
 * `seed` (a partial Fisher–Yates shuffle). The proxies and low-fidelity benchmarks share it, so the
 * first architectures of one are those of the other.
 */
export function drawIndices(size: number, count: number, seed: number): number[] {
  const rng = new Rng(seed);
  const all = Array.from({ length: size }, (_, i) => i);
  for (let i = 0; i < count; i++) {
    const j = i + rng.int(size - i);
    [all[i], all[j]] = [all[j], all[i]];
  }
  return all.slice(0, count);
}
