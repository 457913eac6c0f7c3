import type { WorkerInfo } from './store.js';

/** A worker identity `host:pid:startMs`, unique per process. */
export function workerInfo(host: string, pid: number, startMs: number): WorkerInfo {
  return { id: `${host}:${pid}:${startMs}` };
}

/**
 * A test for "this worker is gone" that needs no waiting: a worker on this same host whose process
 * no longer exists. Workers elsewhere are judged by their heartbeat only. (Hosts that share a name
 * and not a process table, e.g. containers with a fixed hostname, should use distinct hostnames.)
 */
export function localDeadCheck(self: WorkerInfo, host: string, processAlive: (pid: number) => boolean): (worker: string) => boolean {
  return (worker) => {
    if (worker === self.id) return false;
    const parts = worker.split(':');
    if (parts.length < 3) return false;
    const start = parts.pop()!;
    const pid = Number(parts.pop());
    const workerHost = parts.join(':');
    if (workerHost !== host || !Number.isInteger(pid)) return false;
    // Same pid, different start: an earlier process whose pid this one now has.
    if (`${host}:${pid}:${start}` !== self.id && self.id.startsWith(`${host}:${pid}:`)) return true;
    return !processAlive(pid);
  };
}

/** Whether a process id exists on this machine (signal 0 probes without sending anything). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
