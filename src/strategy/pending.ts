import type { Sample } from '../space/types.js';
import type { Observation } from './types.js';

/** A completed trial as strategies use it: what was proposed and the signal it got. */
export interface Completed {
  readonly trial: number;
  readonly sample: Sample;
  readonly value: number;
}

/**
 * The bookkeeping every ask/tell strategy needs around outstanding asks: numbers the asks (trial
 * numbers are the 0-based index of the ask), remembers what is still out, and sorts tells into
 * usable results and everything else. A failed or pruned trial, a complete one whose value is not
 * a finite number, a second tell of the same trial: none of these throws, because a failed trial
 * must never stop a search; they simply yield no result.
 */
export class TrialBook<Tag = undefined> {
  private asks = 0;
  private readonly out = new Map<number, { sample: Sample; tag: Tag }>();
  private readonly finished = new Set<number>();

  /** Number of asks so far (the next trial's number). */
  get asked(): number {
    return this.asks;
  }

  /** Number of asks not yet told. */
  get outstanding(): number {
    return this.out.size;
  }

  /** Records an ask with a strategy-specific tag (e.g. its role); returns its trial number. */
  ask(sample: Sample, tag: Tag): number {
    const trial = this.asks++;
    this.out.set(trial, { sample, tag });
    return trial;
  }

  /**
   * Records a tell. Returns the tag of the ask (undefined for a trial this strategy never asked, e.g.
   * one enqueued by hand) and the result when the trial completed with a finite value, else null.
   * Returns null for both when the trial was already told (finished trials are immutable).
   */
  tell(observation: Observation): { tag: Tag | undefined; result: Completed | null } | null {
    if (this.finished.has(observation.trial)) return null;
    this.finished.add(observation.trial);
    const entry = this.out.get(observation.trial);
    this.out.delete(observation.trial);
    const value = observation.value;
    const ok = observation.state === 'complete' && typeof value === 'number' && Number.isFinite(value);
    return {
      tag: entry?.tag,
      result: ok ? { trial: observation.trial, sample: observation.sample, value: value as number } : null,
    };
  }

  /** The tags of the asks still outstanding. */
  outstandingTags(): Tag[] {
    return [...this.out.values()].map((e) => e.tag);
  }
}
