/** Milliseconds of each of `steps` calls of `step`, after `warmup` untimed calls (shared by the step benchmarks). */
export function timeSteps(step: () => void, steps: number, warmup: number): number[] {
  for (let i = 0; i < warmup; i++) step();
  const out: number[] = [];
  for (let i = 0; i < steps; i++) {
    const t = performance.now();
    step();
    out.push(performance.now() - t);
  }
  return out;
}
