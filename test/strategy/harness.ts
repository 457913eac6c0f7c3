import { SampleError } from '../../src/errors.js';
import { Categorical, FloatRange, IntRange } from '../../src/space/choice.js';
import { Nb201Space } from '../../src/space/nb201/space.js';
import { ProductSpace } from '../../src/space/product-space.js';
import type { Sample, Space } from '../../src/space/types.js';
import { STRATEGIES } from '../../src/strategy/registry.js';
import type { Observation, Strategy, StrategyEvent } from '../../src/strategy/types.js';
import { Rng } from '../../src/util/rng.js';
import { CONFORMANCE } from './conformance-table.js';

/**
 * A small space unlike NB201 (categorical, integer and log-float leaves, plus a constraint
 * between them) so that the suite catches strategies that only work on NB201.
 */
export class MixedSpace extends ProductSpace {
  readonly name = 'mixed-test';
  readonly description = 'test space: op x depth x width, deep networks may not use pool';
  constructor() {
    super([new Categorical('op', ['conv', 'sep', 'pool', 'skip']), new IntRange('depth', 1, 8), new FloatRange('width', 0.25, 2, { log: true, gridSize: 4 })]);
  }
  size(): null {
    return null;
  }
  protected override constraint(sample: Sample): SampleError | null {
    if (sample.op === 'pool' && (sample.depth as number) > 5) return new SampleError('SAMPLE_CONSTRAINT', 'mixed-test: pool only up to depth 5', 'op');
    return null;
  }
  format(sample: Sample): string {
    return JSON.stringify(sample);
  }
  parse(text: string): Sample {
    return this.freeze(JSON.parse(text) as Record<string, unknown>);
  }
}

export const SPACES_UNDER_TEST: readonly (() => Space)[] = [() => new Nb201Space(), () => new MixedSpace()];

/** A deterministic pseudo-accuracy in [0, 100): a per-choice score, so that search has something to climb. */
export function objective(space: Space, sample: Sample, salt = ''): number {
  let score = 0;
  for (const leaf of space.leaves()) {
    const text = `${salt}${leaf.label}=${JSON.stringify(sample[leaf.label])}`;
    let h = 2166136261;
    for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619) >>> 0;
    score += (h % 1000) / 1000;
  }
  return (100 * score) / space.leaves().length;
}

/** Builds a registered strategy with its conformance options. */
export function build(name: string, space: Space, seed: number): Strategy {
  const entry = CONFORMANCE[name] ?? {};
  return STRATEGIES[name]({ space, seed, objectives: entry.objectives }, entry.options ?? {});
}

/** One step of a driving script: ask, or tell a trial (complete unless `fail`). */
export type Action = { readonly kind: 'ask' } | { readonly kind: 'tell'; readonly trial: number; readonly fail: boolean };

/**
 * A driving script independent of what the strategy proposes: 8 asks before any tell, then asks
 * and tells interleaved with several outstanding, tells out of order, every 7th trial failing,
 * and at the end every outstanding trial told.
 */
export function script(asks: number, seed = 99): Action[] {
  const rng = new Rng(seed);
  const out: Action[] = [];
  const outstanding: number[] = [];
  let asked = 0;
  const ask = (): void => {
    out.push({ kind: 'ask' });
    outstanding.push(asked++);
  };
  for (let i = 0; i < 8; i++) ask();
  while (asked < asks || outstanding.length > 0) {
    if (asked < asks && (outstanding.length === 0 || rng.bernoulli(0.45))) ask();
    else {
      const [trial] = outstanding.splice(rng.int(outstanding.length), 1);
      out.push({ kind: 'tell', trial, fail: trial % 7 === 3 });
    }
  }
  return out;
}

/** The observation a script gives for a trial. */
export function observe(space: Space, name: string, trial: number, sample: Sample, fail: boolean): Observation {
  if (fail) return { trial, sample, state: 'failed', value: null };
  const value = objective(space, sample);
  const objectives = CONFORMANCE[name]?.objectives;
  return objectives ? { trial, sample, state: 'complete', value, values: objectives.map((_, i) => (i === 0 ? value : -objective(space, sample, `objective${i}`))) } : { trial, sample, state: 'complete', value };
}

/**
 * Runs actions on a strategy, appending to `events` (the record a store would keep). Trial numbers
 * continue from the asks already in `events`, so a run can be resumed with the rest of a script.
 */
export function drive(strategy: Strategy, space: Space, name: string, actions: readonly Action[], events: StrategyEvent[] = []): StrategyEvent[] {
  const asked: Sample[] = [];
  for (const e of events) if (e.kind === 'ask') asked[e.trial] = e.sample;
  for (const action of actions) {
    if (action.kind === 'ask') {
      const trial = asked.length;
      const { sample } = strategy.ask();
      asked.push(sample);
      events.push({ kind: 'ask', trial, sample });
    } else {
      const observation = observe(space, name, action.trial, asked[action.trial], action.fail);
      strategy.tell(observation);
      events.push({ kind: 'tell', observation });
    }
  }
  return events;
}

/** The keys of the asks in a record, for comparing runs. */
export function askKeys(space: Space, events: readonly StrategyEvent[]): string[] {
  return events.filter((e) => e.kind === 'ask').map((e) => space.key((e as { sample: Sample }).sample));
}
