import { NaskitError } from '../errors.js';
import type { Sample, Value } from '../space/types.js';
import { createStrategy } from '../strategy/registry.js';
import type { Proposal, Strategy } from '../strategy/types.js';
import type { FinishedState, StoredEvent } from '../experiment/store.js';
import { trialSeed } from '../experiment/runner.js';
import { Rng } from '../util/rng.js';
import type { Json } from '../util/json.js';
import { type Distribution, parseDistribution, toLeaf } from './distributions.js';
import { type Activity, LearntSpace } from './learnt-space.js';
import { studyOptions } from './options.js';

/** What a study's tell event holds: the trial's outcome and everything its objective suggested. */
export interface StudyTell {
  readonly trial: number;
  readonly state: FinishedState;
  /** The signal the strategy is told: the objective's value, negated when minimising; null unless complete. */
  readonly value: number | null;
  readonly params: Readonly<Record<string, Value>>;
  readonly distributions: Readonly<Record<string, Distribution>>;
}

/** What the sampler proposes for one trial. */
export interface StudyProposal {
  /** Values for the parameters of the learnt space (empty while the space is not learnt yet). */
  readonly sample: Readonly<Record<string, Value>>;
  readonly fidelity: number | null;
  /** The strategy's notes and the space generation, written on the trial. */
  readonly attrs: Readonly<Record<string, Json>>;
}

/** How a study's sampler is set up (stored with the study; replay needs exactly these). */
export interface SamplerSettings {
  readonly strategy: string;
  readonly strategy_options: Readonly<Record<string, unknown>>;
  readonly seed: number;
  /** Trials sampled independently before the strategy takes over. */
  readonly startup_trials: number;
}

/** What `new StudySampler` takes: {@link SamplerSettings}, or their old camelCase spellings (deprecated). */
export type SamplerSettingsInput =
  | SamplerSettings
  | (Omit<SamplerSettings, 'strategy_options' | 'startup_trials'> & {
      /** @deprecated Use `strategy_options`. */
      readonly strategyOptions: Readonly<Record<string, unknown>>;
      /** @deprecated Use `startup_trials`. */
      readonly startupTrials: number;
    });

/**
 * The define-by-run sampler: a deterministic machine over the study's stored ask/tell log, as a
 * strategy is (see `LiveStrategy`). It learns the space from the parameters of complete trials
 * (first-seen order), and asks a registered strategy for proposals on that space.
 *
 * - The first `startup_trials` trials get no proposal: every suggestion is sampled independently.
 * - After that, the strategy is built on the space learnt so far and told every finished trial
 *   (its parameters projected onto the space: a parameter the trial did not suggest takes the
 *   leaf's default). When a complete trial brings a parameter the space lacks, the space grows:
 *   a new strategy (generation g, seed derived from the study's seed and g) is built on the larger
 *   space and told the history again. The space only changes at ask time and only from the log, so
 *   a replay of the log rebuilds the same generations at the same asks: growth never breaks replay.
 * - A suggestion the proposal does not cover (a parameter outside the learnt space) is drawn
 *   independently from a generator seeded by the study's seed, the trial's number and the
 *   parameter's name, so it does not depend on the order of the suggestions.
 */
export class StudySampler {
  /** The last log entry applied (−1: none). */
  lastSeq = -1;
  /** Number of asks applied or made (the next trial's number). */
  asked = 0;
  private generation = 0;
  private space: LearntSpace | null = null;
  private strategy: Strategy | null = null;
  /** Every parameter of a finished trial with its distribution, first-seen order (for consistency checks). */
  private readonly seen = new Map<string, Distribution>();
  /** Parameters of complete trials: the space to learn, first-seen order. */
  private readonly learnt: [string, Distribution][] = [];
  private readonly finished: StudyTell[] = [];
  private readonly proposals = new Map<number, { generation: number; sample: Sample; fidelity?: number }>();

  readonly settings: SamplerSettings;

  constructor(settings: SamplerSettingsInput) {
    this.settings = studyOptions('StudySampler', settings) as SamplerSettings;
  }

  /** The space learnt so far (null before the first complete trial). */
  learntSpace(): LearntSpace | null {
    return this.learnt.length === 0 ? null : new LearntSpace(this.learnt.slice(), this.activity());
  }

  /** The distribution earlier finished trials used for `name`, if any. */
  known(name: string): Distribution | undefined {
    return this.seen.get(name);
  }

  /** Applies log entries in order (entries at or before `lastSeq` are skipped); asks must reproduce the record. */
  apply(events: Iterable<StoredEvent>, onTell?: (tell: StudyTell) => void): void {
    for (const event of events) {
      if (event.seq <= this.lastSeq) continue;
      if (event.seq !== this.lastSeq + 1) {
        throw new NaskitError('REPLAY_ORDER', `study replay: log entry ${event.seq} follows ${this.lastSeq}; the recorded ask/tell log has a gap`);
      }
      if (event.kind === 'ask') {
        if (event.trial !== this.asked) {
          throw new NaskitError('REPLAY_ORDER', `study replay: ask for trial ${event.trial} recorded where trial ${this.asked} was expected`);
        }
        const recorded = JSON.stringify((event.payload as { sample: Json }).sample);
        const made = JSON.stringify(this.ask().sample);
        if (made !== recorded) {
          throw new NaskitError(
            'REPLAY_DIVERGED',
            `study replay: ${this.settings.strategy} proposed ${made} for trial ${event.trial} but the record has ${recorded}; ` +
              'the strategy, its options, the seed or startup_trials differ from the recorded study (use a new study name to change them)',
          );
        }
      } else {
        const tell = readTell(event.payload);
        this.tell(tell);
        onTell?.(tell);
      }
      this.lastSeq = event.seq;
    }
  }

  /** The proposal for the next trial (number `asked`). */
  ask(): StudyProposal {
    const trial = this.asked++;
    if (trial < this.settings.startup_trials || this.learnt.length === 0) return { sample: {}, fidelity: null, attrs: { sampler: 'independent' } };
    if (this.space === null || this.space.params.length < this.learnt.length) this.rebuild();
    const proposal: Proposal = this.strategy!.ask();
    this.proposals.set(trial, { generation: this.generation, sample: proposal.sample, ...(proposal.fidelity !== undefined ? { fidelity: proposal.fidelity } : {}) });
    return {
      sample: proposal.sample,
      fidelity: proposal.fidelity ?? null,
      attrs: { sampler: this.settings.strategy, generation: this.generation, ...(proposal.attrs ?? {}) },
    };
  }

  /** Absorbs a finished trial. */
  tell(tell: StudyTell): void {
    this.finished.push(tell);
    for (const [name, d] of Object.entries(tell.distributions)) {
      if (!this.seen.has(name)) this.seen.set(name, d);
      if (tell.state === 'complete' && !this.learnt.some(([n]) => n === name)) this.learnt.push([name, d]);
    }
    if (!this.strategy || !this.space) return;
    const mine = this.proposals.get(tell.trial);
    this.proposals.delete(tell.trial);
    // The strategy is told what it proposed when it is the one that proposed it; otherwise the projection.
    const own = mine !== undefined && mine.generation === this.generation;
    this.strategy.tell({
      trial: tell.trial,
      sample: own ? mine.sample : this.project(tell.params),
      state: tell.state,
      value: tell.value,
      ...(own && mine.fidelity !== undefined ? { fidelity: mine.fidelity } : {}),
    });
  }

  /** A fresh strategy on the space learnt so far, told the history. */
  private rebuild(): void {
    this.generation++;
    this.space = new LearntSpace(this.learnt.slice(), this.activity());
    const seed = trialSeed(this.settings.seed, 1_000_003 * this.generation);
    this.strategy = createStrategy(this.settings.strategy, { space: this.space, seed }, this.settings.strategy_options);
    for (const tell of this.finished) {
      this.strategy.tell({ trial: tell.trial, sample: this.project(tell.params), state: tell.state, value: tell.value });
    }
  }

  /** Which parameters each branch uses, from the complete trials so far (see {@link Activity}). */
  private activity(): Activity {
    const complete = this.finished.filter((t) => t.state === 'complete');
    const context = this.learnt.filter(([name, d]) => d.kind === 'categorical' && complete.every((t) => name in t.params)).map(([name]) => name);
    const active: Record<string, string[]> = {};
    for (const t of complete) {
      const key = JSON.stringify(context.map((name) => t.params[name]));
      const set = new Set(active[key] ?? []);
      for (const name of Object.keys(t.params)) set.add(name);
      active[key] = this.learnt.map(([name]) => name).filter((name) => set.has(name));
    }
    return { context, active };
  }

  /** A trial's parameters as a sample of the current space (absent or foreign values → the leaf's default). */
  private project(params: Readonly<Record<string, Value>>): Sample {
    const out: Record<string, Value> = {};
    for (const leaf of this.space!.leaves()) {
      const v = params[leaf.label];
      out[leaf.label] = v !== undefined && leaf.check(v) === null ? v : leaf.default();
    }
    return this.space!.freeze(out);
  }
}

/** An independent draw of parameter `name` for trial `trial`: seeded by the study, the trial and the name only. */
export function independentValue(seed: number, trial: number, name: string, distribution: Distribution): Value {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193) >>> 0;
  const rng = new Rng(trialSeed(trialSeed(seed, trial), h) | 0);
  return toLeaf(name, distribution).random(rng);
}

function readTell(payload: Json): StudyTell {
  const p = payload as { trial: number; state: FinishedState; value: number | null; params?: Record<string, Value>; distributions?: Record<string, Json> };
  const distributions: Record<string, Distribution> = {};
  for (const [name, d] of Object.entries(p.distributions ?? {})) {
    const parsed = parseDistribution(d);
    if (parsed) distributions[name] = parsed;
  }
  return { trial: p.trial, state: p.state, value: p.value, params: p.params ?? {}, distributions };
}
