import { availableParallelism } from 'node:os';

/**
 * libtorch's intra-op threads when the caller names none: `NASKIT_THREADS`, else every core
 * (CONTRACT.md's default). libtorch's own default is not used: it counts physical cores through
 * cpuinfo, which finds one core on this project's 2-core virtual machines.
 */
export function defaultThreads(env: NodeJS.ProcessEnv = process.env): number {
  const text = env.NASKIT_THREADS;
  if (text === undefined || text === '') return availableParallelism();
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`NASKIT_THREADS must be a positive integer, got ${JSON.stringify(text)}`);
  return n;
}
