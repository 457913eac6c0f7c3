import { NaskitError } from '../errors.js';
import type { Sample, Space } from '../space/types.js';
import type { Observation, Strategy } from '../strategy/types.js';
import type { StoredEvent } from './store.js';

/**
 * A strategy kept level with an experiment's stored ask/tell log. Any process builds one from the
 * seed and feeds it the log from the start (exactly `replay`); a long-lived worker then feeds it
 * only the entries appended since (`seq` > `lastSeq`), which gives the same state. Each replayed
 * ask must propose what the log recorded, else the strategy, its options or its seed changed and
 * `REPLAY_DIVERGED` is thrown rather than continuing a different search.
 */
export class LiveStrategy {
  /** The last log entry applied (−1: none). */
  lastSeq = -1;
  /** Number of asks applied or made (the next trial's number). */
  asked = 0;

  constructor(
    readonly strategy: Strategy,
    private readonly space: Space,
  ) {}

  /** Applies log entries in order; entries at or before `lastSeq` are skipped. */
  apply(events: Iterable<StoredEvent>, onTell?: (observation: Observation) => void): void {
    for (const event of events) {
      if (event.seq <= this.lastSeq) continue;
      if (event.seq !== this.lastSeq + 1) {
        throw new NaskitError('REPLAY_ORDER', `replay: log entry ${event.seq} follows ${this.lastSeq}; the recorded ask/tell log has a gap`);
      }
      if (event.kind === 'ask') {
        if (event.trial !== this.asked) {
          throw new NaskitError('REPLAY_ORDER', `replay: ask for trial ${event.trial} recorded where trial ${this.asked} was expected; the recorded history is out of order`);
        }
        const recorded = this.space.freeze((event.payload as { sample: Record<string, unknown> }).sample);
        const proposal = this.strategy.ask();
        if (this.space.key(proposal.sample) !== this.space.key(recorded)) {
          throw new NaskitError(
            'REPLAY_DIVERGED',
            `replay: ${this.strategy.name} proposed ${this.space.format(proposal.sample)} for trial ${this.asked} but the record has ${this.space.format(recorded)}; ` +
              'the strategy, its options or its seed differ from the recorded run (start a new experiment to change them)',
          );
        }
        this.asked++;
      } else {
        const observation = toObservation(this.space, event.payload);
        this.strategy.tell(observation);
        onTell?.(observation);
      }
      this.lastSeq = event.seq;
    }
  }
}

/** A stored tell payload → the observation the strategy was told. */
export function toObservation(space: Space, payload: unknown): Observation {
  const p = payload as { trial: number; sample: Record<string, unknown>; state: Observation['state']; value: number | null; values?: number[]; fidelity?: number };
  const sample: Sample = space.freeze(p.sample);
  return {
    trial: p.trial,
    sample,
    state: p.state,
    value: p.value,
    ...(p.values ? { values: p.values } : {}),
    ...(p.fidelity !== undefined && p.fidelity !== null ? { fidelity: p.fidelity } : {}),
  };
}
