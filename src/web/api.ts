import type { ExperimentRecord, Store, TrialRecord, TrialState, TrialSummary } from '../experiment/store.js';
import { experimentDirection, isStudyExperiment, studyEndOf, studyParams, studyParamsText } from '../experiment/study-records.js';
import { createSpace } from '../space/registry.js';
import { paretoFront } from '../strategy/pareto.js';
import type { Space } from '../space/types.js';
import type { Json } from '../util/json.js';
import { archGraph, type ArchGraph } from './arch-graph.js';

/**
 * The dashboard's JSON documents, built only from `Store` queries (no SQL here): what the front end
 * renders, already computed (architecture text, progress, live workers, graphs). Field names are
 * snake_case like the CLI's JSON; times are epoch milliseconds of the storage's clock.
 */

/** How far back (ms) a `trialsSince` cursor reaches: a transaction stamped before it committed is still seen. */
export const CURSOR_OVERLAP_MS = 5_000;

/** One experiment as the experiments list and an experiment's header show it. */
export interface ExperimentOverview {
  readonly name: string;
  /** `config`: a search from a config file; `study`: a define-by-run study (no space or estimator; its parameters are what the objective suggested). */
  readonly kind: 'config' | 'study';
  /** Which values are better: naskit's searches maximise; a study may minimise its objective. */
  readonly direction: 'maximize' | 'minimize';
  /** `running`, `finished`, or for a study whose last `optimize` call was stopped by a signal or an error, `interrupted`. */
  readonly status: string;
  readonly created: number;
  readonly space: string | null;
  readonly strategy: string | null;
  readonly estimator: string | null;
  readonly budget: Json;
  readonly counts: Readonly<Record<TrialState, number>>;
  readonly total: number;
  /** The best complete value in the experiment's direction. */
  readonly best: number | null;
  readonly cost_seconds: number;
  /** Share of the budget spent, 0–1 (the budget spent first), or null without a budget. */
  readonly progress: number | null;
  /** Workers whose running trial's heartbeat is fresher than the experiment's `workers.stale_seconds`. */
  readonly workers_alive: number;
  readonly workers: readonly { readonly id: string; readonly heartbeat: number | null; readonly alive: boolean }[];
  /** The storage's clock when this was read. */
  readonly now: number;
}

/** One trial as the trials table, the charts and the comparison use it. */
export interface TrialRow {
  readonly number: number;
  readonly state: TrialState;
  readonly arch: string;
  readonly choices: Json;
  readonly value: number | null;
  readonly values: readonly number[] | null;
  readonly fidelity: number | null;
  readonly cost: number | null;
  readonly worker: string | null;
  readonly started: number | null;
  readonly finished: number | null;
  readonly error: string | null;
  /** Learning curve as [step, value] pairs, by step. */
  readonly curve: readonly (readonly [number, number])[];
}

/**
 * One axis of the choices-against-value chart: the values a choice takes (categorical and small
 * integer choices), or its numeric `range` (wide integers and floats, on a log scale where `log`).
 */
export interface ChoiceAxis {
  readonly label: string;
  readonly values: readonly Json[];
  readonly range?: readonly [number, number];
  readonly log?: boolean;
}

/** A batch of trials and the cursor to ask for the next changes with. */
export interface TrialBatch {
  readonly cursor: number;
  readonly trials: readonly TrialRow[];
}

/** No experiment of that name (HTTP 404). */
export class NotFound extends Error {}

type Config = { kind?: unknown; direction?: unknown; space?: unknown; strategy?: { name?: unknown }; estimator?: { name?: unknown }; budget?: Json; workers?: { stale_seconds?: unknown } } | null;

function configOf(experiment: ExperimentRecord): Config {
  return experiment.config as Config;
}

/** Whether the experiment is a define-by-run study (`createStudy`), whose trials keep their parameters in `params.params`. */
const isStudy = isStudyExperiment;

/** Widest integer range shown as separate values on a choices axis; wider ones get a numeric axis. */
const MAX_INT_VALUES = 32;

/** Reads an experiment's documents through a store, with one space per experiment kept for formatting. */
export class DashboardApi {
  private readonly spaces = new Map<string, Space | null>();
  /** Architecture text by space and canonical key: validating and formatting 10,000 samples on every page load is most of its cost. */
  private readonly archTexts = new Map<Space, Map<string, string>>();

  constructor(readonly store: Store) {}

  /** Every experiment, oldest first. */
  async experiments(): Promise<ExperimentOverview[]> {
    const out: ExperimentOverview[] = [];
    for (const e of await this.store.listExperiments()) out.push(overview(e, await this.store.trialSummary(e.id)));
    return out;
  }

  /** The experiment of that name, or `NotFound` naming the storage and the experiments it holds. */
  async experiment(name: string): Promise<ExperimentRecord> {
    const e = await this.store.getExperiment(name);
    if (e) return e;
    const names = (await this.store.listExperiments()).map((x) => x.name);
    throw new NotFound(`no experiment ${JSON.stringify(name)} in ${this.store.url}; ${names.length ? `experiments there: ${names.join(', ')}` : 'it holds no experiments'}`);
  }

  /** One experiment's header, config and the space's choices (axes of the parallel coordinates; a study's from its trials' distributions). */
  async detail(name: string): Promise<{ overview: ExperimentOverview; config: Json; choices: ChoiceAxis[] }> {
    const e = await this.experiment(name);
    const space = this.spaceOf(e);
    const choices: ChoiceAxis[] = isStudy(e)
      ? studyAxes(await this.store.trials(e.id))
      : space
        ? space.leaves().map((leaf) => ({ label: leaf.label, values: leaf.kind === 'float' ? [] : ([...leaf.grid()] as Json[]) }))
        : [];
    return { overview: overview(e, await this.store.trialSummary(e.id)), config: e.config, choices };
  }

  /** One experiment's header now. */
  async overview(name: string): Promise<ExperimentOverview> {
    const e = await this.experiment(name);
    return overview(e, await this.store.trialSummary(e.id));
  }

  /**
   * Every trial (`since` null) or those changed since a cursor of an earlier batch. The cursor is the
   * storage's clock read before the trials, less {@link CURSOR_OVERLAP_MS}: a reader that merges
   * batches by trial number misses nothing.
   */
  async trials(name: string, since: number | null): Promise<TrialBatch> {
    const e = await this.experiment(name);
    const { now } = await this.store.trialSummary(e.id);
    const records = since === null ? await this.store.trials(e.id) : await this.store.trialsSince(e.id, since);
    if (isStudy(e)) return { cursor: now - CURSOR_OVERLAP_MS, trials: records.map(studyRow) };
    const space = this.spaceOf(e);
    return { cursor: now - CURSOR_OVERLAP_MS, trials: records.map((t) => trialRow(t, this.archText(space, t))) };
  }

  /** One trial in full: its row, params, attributes, and its architecture as graphs. */
  async trial(name: string, number: number): Promise<TrialRow & { params: Json; user_attrs: Json; seed: number; attempts: number; graph: ArchGraph }> {
    const e = await this.experiment(name);
    const t = await this.store.trialByNumber(e.id, number);
    if (!t) throw new NotFound(`experiment ${e.name} has no trial ${number}`);
    // A study has no space: its "architecture" is the parameters its objective suggested, drawn as a column.
    if (isStudy(e)) return { ...studyRow(t), params: t.params as Json, user_attrs: t.userAttrs as Json, seed: t.seed, attempts: t.attempts, graph: archGraph('parameters', studyParams(t)) };
    const spaceName = typeof configOf(e)?.space === 'string' ? (configOf(e)!.space as string) : '';
    const space = this.spaceOf(e);
    return { ...trialRow(t, this.archText(space, t)), params: t.params as Json, user_attrs: t.userAttrs as Json, seed: t.seed, attempts: t.attempts, graph: archGraph(spaceName, t.sample) };
  }

  /**
   * The complete trials of a multi-objective run (two or more `values`, all maximised as naskit
   * orients them) and the numbers of those on the Pareto front; empty for a single objective.
   */
  async pareto(name: string): Promise<{ points: { number: number; values: readonly number[] }[]; front: number[] }> {
    const e = await this.experiment(name);
    const points = (await this.store.trials(e.id))
      .filter((t) => t.state === 'complete' && t.values !== null && t.values.length >= 2)
      .map((t) => ({ number: t.number, values: t.values! }));
    return { points, front: paretoFront(points.map((p) => p.values)).map((i) => points[i].number).sort((a, b) => a - b) };
  }

  private archText(space: Space | null, t: TrialRecord): string {
    if (!space) return JSON.stringify(t.sample);
    let texts = this.archTexts.get(space);
    if (!texts) this.archTexts.set(space, (texts = new Map()));
    let text = texts.get(t.key);
    if (text === undefined) texts.set(t.key, (text = archText(space, t)));
    return text;
  }

  private spaceOf(e: ExperimentRecord): Space | null {
    const name = configOf(e)?.space;
    if (typeof name !== 'string') return null;
    if (!this.spaces.has(name)) {
      try {
        this.spaces.set(name, createSpace(name));
      } catch {
        this.spaces.set(name, null);
      }
    }
    return this.spaces.get(name)!;
  }
}

function overview(e: ExperimentRecord, s: TrialSummary): ExperimentOverview {
  const config = configOf(e);
  const direction = experimentDirection(e);
  const staleMs = 1000 * (typeof config?.workers?.stale_seconds === 'number' ? config.workers.stale_seconds : 60);
  const workers = s.workers.map((w) => ({ ...w, alive: w.heartbeat !== null && s.now - w.heartbeat < staleMs }));
  const finished = s.counts.complete + s.counts.failed + s.counts.pruned;
  const total = finished + s.counts.queued + s.counts.running;
  return {
    name: e.name,
    kind: isStudy(e) ? 'study' : 'config',
    direction,
    // A study is finished when its optimize calls have ended; `interrupted` when the last one was stopped (a signal, an error).
    status: e.status === 'finished' && isStudy(e) && studyEndOf(e.result)?.interrupted ? 'interrupted' : e.status,
    created: e.created,
    space: typeof config?.space === 'string' ? config.space : null,
    strategy: typeof config?.strategy?.name === 'string' ? config.strategy.name : null,
    estimator: typeof config?.estimator?.name === 'string' ? config.estimator.name : null,
    budget: config?.budget ?? null,
    counts: s.counts,
    total,
    best: direction === 'minimize' ? s.lowest : s.best,
    cost_seconds: s.costSeconds,
    progress: e.status === 'finished' ? 1 : progressOf(config?.budget ?? null, finished, s.costSeconds, (s.now - e.created) / 1000),
    workers_alive: workers.filter((w) => w.alive).length,
    workers,
    now: s.now,
  };
}

/** The share of the budget spent: the largest over its limits, since the first one spent ends the search. */
function progressOf(budget: Json, finished: number, cost: number, elapsed: number): number | null {
  if (budget === null || typeof budget !== 'object' || Array.isArray(budget)) return null;
  const shares: number[] = [];
  if (typeof budget.trials === 'number' && budget.trials > 0) shares.push(finished / budget.trials);
  if (typeof budget.seconds === 'number' && budget.seconds > 0) shares.push(cost / budget.seconds);
  if (typeof budget.wall_seconds === 'number' && budget.wall_seconds > 0) shares.push(elapsed / budget.wall_seconds);
  return shares.length ? Math.min(1, Math.max(...shares)) : null;
}

function trialRow(t: TrialRecord, arch: string): TrialRow {
  const cost = t.userAttrs.cost_seconds;
  return {
    number: t.number,
    state: t.state,
    arch,
    choices: t.sample,
    value: t.value,
    values: t.values,
    fidelity: t.fidelity,
    cost: typeof cost === 'number' ? cost : null,
    worker: t.worker,
    started: t.started,
    finished: t.finished,
    error: t.error,
    curve: Object.entries(t.intermediate)
      .map(([step, value]) => [Number(step), value] as const)
      .sort((a, b) => a[0] - b[0]),
  };
}

/** A study's trial as a row: its choices are the parameters its objective suggested, shown as `name=value` pairs. */
function studyRow(t: TrialRecord): TrialRow {
  const params = studyParams(t);
  return { ...trialRow(t, studyParamsText(params)), choices: params };
}

/**
 * The axes of a study's choices-against-value chart, from the distributions its finished trials
 * stored (first seen first): categorical and small integer parameters by value, the others on a
 * numeric range spanning every distribution seen for that name.
 */
function studyAxes(trials: readonly TrialRecord[]): ChoiceAxis[] {
  const axes = new Map<string, ChoiceAxis>();
  for (const t of trials) {
    const distributions = t.params.distributions;
    if (distributions === null || typeof distributions !== 'object' || Array.isArray(distributions)) continue;
    for (const [label, d] of Object.entries(distributions)) {
      if (d === null || typeof d !== 'object' || Array.isArray(d)) continue;
      const seen = axes.get(label);
      if (d.kind === 'categorical' && Array.isArray(d.choices)) {
        const values = seen ? [...seen.values] : [];
        for (const c of d.choices) if (!values.some((v) => JSON.stringify(v) === JSON.stringify(c))) values.push(c);
        axes.set(label, { label, values });
      } else if ((d.kind === 'int' || d.kind === 'float') && typeof d.low === 'number' && typeof d.high === 'number') {
        const low = Math.min(d.low, seen?.range?.[0] ?? d.low);
        const high = Math.max(d.high, seen?.range?.[1] ?? d.high);
        const step = typeof d.step === 'number' ? d.step : 1;
        const log = d.log === true;
        if (d.kind === 'int' && !log && (high - low) / step < MAX_INT_VALUES && (!seen || seen.values.length > 0)) {
          const values: Json[] = [];
          for (let v = low; v <= high; v += step) values.push(v);
          axes.set(label, { label, values });
        } else axes.set(label, { label, values: [], range: [low, high], log });
      }
    }
  }
  return [...axes.values()];
}

function archText(space: Space | null, t: TrialRecord): string {
  if (!space) return JSON.stringify(t.sample);
  try {
    return space.format(space.freeze(t.sample as Record<string, unknown>));
  } catch {
    return JSON.stringify(t.sample);
  }
}
