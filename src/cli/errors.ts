import { ConfigError, NaskitError, SampleError } from '../errors.js';

/** A command-line usage error (exit code 2): a bad option value, a missing argument. */
export class UsageError extends NaskitError {
  constructor(message: string) {
    super('USAGE', message);
  }
}

/** The contract's exit codes: 2 for bad usage or input, 1 for a run that failed. */
export function exitCodeOf(error: unknown): 1 | 2 {
  if (error instanceof UsageError || error instanceof ConfigError || error instanceof SampleError) return 2;
  if (error instanceof RangeError || error instanceof TypeError) return 2;
  return 1;
}

/** One clear line for stderr. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return `naskit: ${error.message.split('\n')[0]}`;
  return `naskit: ${String(error)}`;
}
