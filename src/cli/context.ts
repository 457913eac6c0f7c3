import { dataDir } from '../util/paths.js';
import { UsageError } from './errors.js';

/**
 * Everything a command takes from its surroundings, read once at the CLI edge and passed down:
 * the environment (`NASKIT_DATA`, `NASKIT_STORAGE`, `NASKIT_THREADS`) and the output streams.
 */
export interface CliContext {
  readonly env: NodeJS.ProcessEnv;
  readonly dataDir: string;
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
}

export function defaultContext(env: NodeJS.ProcessEnv = process.env): CliContext {
  return { env, dataDir: dataDir(env), stdout: process.stdout, stderr: process.stderr };
}

/** Prints exactly one JSON document on stdout (the contract's `--json`). */
export function printJson(context: CliContext, value: unknown): void {
  context.stdout.write(JSON.stringify(value) + '\n');
}

/** Prints a line for people on stdout. */
export function printLine(context: CliContext, line = ''): void {
  context.stdout.write(line + '\n');
}

/** Progress and logs: stderr, so that `--json` output stays one document. */
export function log(context: CliContext, line: string): void {
  context.stderr.write(line + '\n');
}

/** libtorch threads from `NASKIT_THREADS`, or undefined when it is unset or empty (a bad value is a usage error). */
export function envThreads(context: CliContext): number | undefined {
  const text = context.env.NASKIT_THREADS;
  if (text === undefined || text === '') return undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`NASKIT_THREADS must be a positive integer, got ${JSON.stringify(text)}`);
  return n;
}
