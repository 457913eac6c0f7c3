import { TrialStateError } from '../errors.js';
import type { TrialState } from './store.js';

/**
 * The one rule every store applies before writing to a trial: only a running trial changes, and
 * only its current worker finishes it (finished trials are immutable; a trial re-queued as stale
 * belongs to whoever claimed it next). `worker` null skips the ownership check.
 */
export function assertFinishable(trial: { number: number; state: TrialState; worker: string | null }, worker: string | null, action: string): void {
  if (trial.state === 'complete' || trial.state === 'failed' || trial.state === 'pruned') {
    throw new TrialStateError('TRIAL_FINISHED', `cannot ${action} trial ${trial.number}: it is already ${trial.state}, and finished trials are immutable`);
  }
  if (trial.state !== 'running') {
    throw new TrialStateError('TRIAL_NOT_RUNNING', `cannot ${action} trial ${trial.number}: it is ${trial.state}, not running; claim it first`);
  }
  if (worker !== null && trial.worker !== worker) {
    throw new TrialStateError('TRIAL_NOT_OWNED', `cannot ${action} trial ${trial.number}: it is held by worker ${trial.worker}, not ${worker} (it was re-queued as stale and claimed again)`);
  }
}
