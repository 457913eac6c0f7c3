import { availableParallelism } from 'node:os';
import { envThreads, type CliContext } from './context.js';
import { UsageError } from './errors.js';

/** A positive-integer flag's value: `fallback` when it is absent, else a `UsageError` naming `--name`. */
export function positiveInt(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`--${name} must be a positive integer, got ${JSON.stringify(value)}`);
  return n;
}

/** The threads for libtorch: --threads, else NASKIT_THREADS, else every core (the contract's default). */
export function threadCount(threads: string | undefined, context: CliContext): number {
  if (threads !== undefined) return positiveInt(threads, 'threads', 1);
  return envThreads(context) ?? availableParallelism();
}
