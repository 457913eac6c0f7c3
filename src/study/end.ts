import type { Store } from '../experiment/store.js';
import { bestTrialIn, studyParams, type StudyEndRecord } from '../experiment/study-records.js';
import type { Json } from '../util/json.js';
import type { Direction } from './study.js';

export type { StudyEndRecord } from '../experiment/study-records.js';

/**
 * Records the end of an `optimize` call, unless a worker outside `ours` still holds a running
 * trial with a fresh heartbeat (another call, in this process or another, is still working: the
 * last one to end records it). True when recorded.
 */
export async function recordStudyEnd(args: {
  store: Store;
  experimentId: number;
  direction: Direction;
  staleMs: number;
  /** Whether a worker id belongs to what is ending (this call, or this whole process on a signal). */
  ours: (worker: string) => boolean;
  interrupted: boolean;
  reason: string | null;
  summary: StudyEndRecord['optimize'];
}): Promise<boolean> {
  const { store, experimentId } = args;
  const summary = await store.trialSummary(experimentId);
  const others = summary.workers.some((w) => !args.ours(w.id) && w.heartbeat !== null && summary.now - w.heartbeat < args.staleMs);
  if (others) return false;
  const trials = await store.trials(experimentId);
  const best = bestTrialIn(trials, args.direction);
  const record: StudyEndRecord = {
    kind: 'study',
    ended: Date.now(),
    interrupted: args.interrupted,
    reason: args.reason,
    optimize: { ...args.summary },
    trials: trials.length,
    best: best ? { number: best.number, value: best.value!, params: studyParams(best) } : null,
  };
  return store.finishExperiment(experimentId, record as unknown as Json);
}

/** One `optimize` call as the signal watcher sees it. */
export interface SignalWatch {
  /** Asks the call to start no new trial, because of `signal`. */
  stop(signal: NodeJS.Signals): void;
  /** Records the call's end as interrupted by `signal` (this process is about to exit). */
  record(signal: NodeJS.Signals): Promise<void>;
}

const SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM'];
const active = new Set<SignalWatch>();
let dying = false;

/** The most a dying process waits for the storage to record its studies' ends. */
const RECORD_TIMEOUT_MS = 5_000;

function onSignal(signal: NodeJS.Signals): void {
  const calls = [...active];
  for (const c of calls) c.stop(signal);
  // The program handles the signal itself: its calls stop starting trials and record the
  // interruption when they return. Otherwise the process would have died here: record, then die.
  if (process.listenerCount(signal) > 1) return;
  const die = () => {
    for (const s of SIGNALS) process.removeListener(s, onSignal);
    process.kill(process.pid, signal);
  };
  // A second signal while recording: die at once.
  if (dying) return die();
  dying = true;
  const timeout = new Promise<void>((resolve) => setTimeout(resolve, RECORD_TIMEOUT_MS));
  void Promise.race([Promise.allSettled(calls.map((c) => c.record(signal))), timeout]).then(die);
}

/**
 * Watches SIGINT and SIGTERM while an `optimize` call runs (one listener per process, whatever
 * the number of calls); returns the function that stops watching for this call.
 */
export function watchSignals(call: SignalWatch): () => void {
  if (active.size === 0) for (const s of SIGNALS) process.on(s, onSignal);
  active.add(call);
  return () => {
    active.delete(call);
    if (active.size === 0 && !dying) for (const s of SIGNALS) process.removeListener(s, onSignal);
  };
}
