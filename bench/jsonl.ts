import { existsSync, readFileSync } from 'node:fs';

/** The records of a benchmark's JSON-lines results file (one JSON document per line), or none if it does not exist yet. */
export function readJsonLines<T>(path: string): T[] {
  return existsSync(path) ? readFileSync(path, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as T) : [];
}

/** CPU seconds of a `process.cpuUsage(start)` difference (every thread of the process). */
export const cpuSeconds = (usage: NodeJS.CpuUsage): number => (usage.user + usage.system) / 1e6;

/** CPU seconds (user + system, every thread) of this process since it started. */
export const processCpuSeconds = (): number => cpuSeconds(process.cpuUsage());
