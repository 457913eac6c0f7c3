import { readFileSync } from 'node:fs';
import { freemem } from 'node:os';

/** A number read from a file, or null when it is absent or not a number (e.g. cgroup's `max`). */
function readNumber(path: string): number | null {
  try {
    const text = readFileSync(path, 'utf8').trim();
    return /^\d+$/.test(text) ? Number(text) : null;
  } catch {
    return null;
  }
}

/**
 * The bytes this process could still allocate without the system running out: Linux's
 * `MemAvailable` (free memory plus what the kernel can reclaim, /proc/meminfo), further bounded by
 * the process's cgroup v2 memory limit when it has one (`memory.max` − `memory.current`, as in a
 * container); elsewhere Node's `os.freemem()`. Return the heap's free memory to the system first
 * (`trimHeap()` of the engine) so that memory this process keeps for reuse is not counted as taken.
 */
export function availableMemoryBytes(): number {
  let available: number | null = null;
  try {
    const match = /^MemAvailable:\s+(\d+)\s+kB$/m.exec(readFileSync('/proc/meminfo', 'utf8'));
    if (match) available = Number(match[1]) * 1024;
  } catch {
    // Not Linux.
  }
  available ??= freemem();
  const max = readNumber('/sys/fs/cgroup/memory.max');
  const current = readNumber('/sys/fs/cgroup/memory.current');
  if (max !== null && current !== null) available = Math.min(available, Math.max(0, max - current));
  return available;
}
