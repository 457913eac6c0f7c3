import { StorageError } from '../errors.js';
import type { Json } from '../util/json.js';
import { assertFinishable } from './trial-rules.js';
import { TRIAL_STATES, type AskView, type ExperimentRecord, type NewTrial, type StoredEvent, type Store, type TrialOutcome, type TrialRecord, type TrialState, type TrialSummary, type WorkerInfo, type WorkerSeen } from './store.js';

type MutableTrial = { -readonly [K in keyof TrialRecord]: TrialRecord[K] };

/**
 * A store in this process's memory, for tests and throw-away runs. Every method runs to completion
 * without awaiting, so JavaScript's single thread is its lock.
 */
export class MemoryStore implements Store {
  readonly url = 'memory:';
  private readonly experiments: ExperimentRecord[] = [];
  private readonly trialsOf = new Map<number, MutableTrial[]>();
  private readonly eventsOf = new Map<number, StoredEvent[]>();
  private readonly checkpoints = new Map<number, Uint8Array>();
  private readonly weights = new Map<number, Uint8Array>();
  private nextTrialId = 1;

  async createExperiment(input: { name: string; config: Json; seed: number }): Promise<ExperimentRecord> {
    if (this.experiments.some((e) => e.name === input.name)) {
      throw new StorageError('EXPERIMENT_EXISTS', `experiment ${JSON.stringify(input.name)} already exists in ${this.url}; resume it with \`naskit resume ${input.name}\` or choose another name`);
    }
    const record: ExperimentRecord = { id: this.experiments.length + 1, name: input.name, config: clone(input.config), seed: input.seed, status: 'running', created: Date.now(), result: null };
    this.experiments.push(record);
    this.trialsOf.set(record.id, []);
    this.eventsOf.set(record.id, []);
    return record;
  }

  async getExperiment(name: string): Promise<ExperimentRecord | null> {
    return this.experiments.find((e) => e.name === name) ?? null;
  }

  async listExperiments(): Promise<ExperimentRecord[]> {
    return [...this.experiments];
  }

  async finishExperiment(experimentId: number, result: Json): Promise<boolean> {
    const i = this.experiments.findIndex((e) => e.id === experimentId);
    if (i < 0) throw new StorageError('NO_EXPERIMENT', `no experiment with id ${experimentId}`);
    if (this.experiments[i].status === 'finished') return false;
    this.experiments[i] = { ...this.experiments[i], status: 'finished', result: clone(result) };
    return true;
  }

  async reopenExperiment(experimentId: number): Promise<boolean> {
    const i = this.experiments.findIndex((e) => e.id === experimentId);
    if (i < 0) throw new StorageError('NO_EXPERIMENT', `no experiment with id ${experimentId}`);
    if (this.experiments[i].status === 'running') return false;
    this.experiments[i] = { ...this.experiments[i], status: 'running' };
    return true;
  }

  async claimQueued(experimentId: number, worker: WorkerInfo): Promise<TrialRecord | null> {
    const trial = this.list(experimentId).find((t) => t.state === 'queued');
    if (!trial) return null;
    const now = Date.now();
    Object.assign(trial, { state: 'running', worker: worker.id, heartbeat: now, started: now, attempts: trial.attempts + 1 });
    return snapshot(trial);
  }

  async askTrial(experimentId: number, afterSeq: number, worker: WorkerInfo, decide: (view: AskView) => NewTrial | null): Promise<{ trial: TrialRecord; seq: number } | null> {
    const trials = this.list(experimentId);
    const events = this.eventsOf.get(experimentId)!;
    let cost = 0;
    for (const t of trials) cost += typeof t.userAttrs.cost_seconds === 'number' ? t.userAttrs.cost_seconds : 0;
    const made = decide({ events: events.filter((e) => e.seq > afterSeq).map(clone), trialCount: trials.length, costSeconds: cost });
    if (!made) return null;
    const now = Date.now();
    const trial: MutableTrial = {
      id: this.nextTrialId++, experimentId, number: trials.length, state: 'running', sample: clone(made.sample), key: made.key,
      value: null, values: null, fidelity: made.fidelity, intermediate: {}, params: clone(made.params), userAttrs: clone(made.userAttrs),
      worker: worker.id, heartbeat: now, started: now, finished: null, error: null, seed: made.seed, codeVersion: made.codeVersion, attempts: 1,
    };
    trials.push(trial);
    const seq = events.length;
    events.push({ seq, kind: 'ask', trial: trial.number, payload: { sample: clone(made.sample) } });
    return { trial: snapshot(trial), seq };
  }

  async heartbeat(trialId: number, worker: WorkerInfo): Promise<boolean> {
    const trial = this.find(trialId);
    if (trial.state !== 'running' || trial.worker !== worker.id) return false;
    trial.heartbeat = Date.now();
    return true;
  }

  async reportIntermediate(trialId: number, step: number, value: number): Promise<void> {
    const trial = this.find(trialId);
    assertFinishable(trial, null, 'report an intermediate value for');
    trial.intermediate = { ...trial.intermediate, [String(step)]: value };
  }

  async saveCheckpoint(trialId: number, worker: WorkerInfo, data: Uint8Array): Promise<boolean> {
    const trial = this.find(trialId);
    if (trial.state !== 'running' || trial.worker !== worker.id) return false;
    this.checkpoints.set(trialId, Uint8Array.from(data));
    return true;
  }

  async loadCheckpoint(trialId: number): Promise<Uint8Array | null> {
    const data = this.checkpoints.get(trialId);
    return data ? Uint8Array.from(data) : null;
  }

  async saveWeights(trialId: number, worker: WorkerInfo, data: Uint8Array): Promise<boolean> {
    const trial = this.find(trialId);
    if (trial.state !== 'running' || trial.worker !== worker.id) return false;
    this.weights.set(trialId, Uint8Array.from(data));
    return true;
  }

  async loadWeights(trialId: number): Promise<Uint8Array | null> {
    const data = this.weights.get(trialId);
    return data ? Uint8Array.from(data) : null;
  }

  async retainWeights(experimentId: number, keep: readonly number[]): Promise<number> {
    const kept = new Set(keep);
    let n = 0;
    for (const t of this.list(experimentId)) {
      if (t.state === 'queued' || t.state === 'running' || kept.has(t.number)) continue;
      if (this.weights.delete(t.id)) n++;
    }
    return n;
  }

  async finishTrial(trialId: number, worker: WorkerInfo, outcome: TrialOutcome): Promise<TrialRecord> {
    const trial = this.find(trialId);
    assertFinishable(trial, worker.id, 'finish');
    Object.assign(trial, {
      state: outcome.state, value: outcome.value, values: outcome.values ? [...outcome.values] : null, error: outcome.error ?? null,
      params: { ...trial.params, ...clone(outcome.params ?? {}) }, userAttrs: { ...trial.userAttrs, ...clone(outcome.userAttrs ?? {}) }, finished: Date.now(),
    });
    this.checkpoints.delete(trialId);
    const events = this.eventsOf.get(trial.experimentId)!;
    events.push({ seq: events.length, kind: 'tell', trial: trial.number, payload: clone(outcome.observation) });
    return snapshot(trial);
  }

  async requeueStale(experimentId: number, staleMs: number, isDead?: (worker: string) => boolean): Promise<number> {
    const now = Date.now();
    let n = 0;
    for (const t of this.list(experimentId)) {
      if (t.state !== 'running') continue;
      if ((t.heartbeat ?? 0) < now - staleMs || (t.worker !== null && isDead?.(t.worker))) {
        Object.assign(t, { state: 'queued', worker: null, heartbeat: null });
        n++;
      }
    }
    return n;
  }

  async trials(experimentId: number): Promise<TrialRecord[]> {
    return this.list(experimentId).map(snapshot);
  }

  async trialByNumber(experimentId: number, number: number): Promise<TrialRecord | null> {
    const trial = this.list(experimentId).find((t) => t.number === number);
    return trial ? snapshot(trial) : null;
  }

  async trialsSince(experimentId: number, since: number): Promise<TrialRecord[]> {
    const changed = (t: MutableTrial) => t.state === 'queued' || t.state === 'running' || (t.started ?? -Infinity) >= since || (t.finished ?? -Infinity) >= since;
    return this.list(experimentId).filter(changed).map(snapshot);
  }

  async trialSummary(experimentId: number): Promise<TrialSummary> {
    const counts = Object.fromEntries(TRIAL_STATES.map((s) => [s, 0])) as Record<TrialState, number>;
    const workers = new Map<string, WorkerSeen>();
    let best: number | null = null;
    let lowest: number | null = null;
    let cost = 0;
    for (const t of this.list(experimentId)) {
      counts[t.state]++;
      if (t.state === 'complete' && t.value !== null && (best === null || t.value > best)) best = t.value;
      if (t.state === 'complete' && t.value !== null && (lowest === null || t.value < lowest)) lowest = t.value;
      if (t.finished !== null) cost += typeof t.userAttrs.cost_seconds === 'number' ? t.userAttrs.cost_seconds : 0;
      if (t.state === 'running' && t.worker !== null) {
        const seen = workers.get(t.worker);
        if (!seen || (t.heartbeat ?? -Infinity) > (seen.heartbeat ?? -Infinity)) workers.set(t.worker, { id: t.worker, heartbeat: t.heartbeat });
      }
    }
    return { counts, best, lowest, workers: [...workers.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)), costSeconds: cost, now: Date.now() };
  }

  async events(experimentId: number, afterSeq = -1): Promise<StoredEvent[]> {
    return (this.eventsOf.get(experimentId) ?? []).filter((e) => e.seq > afterSeq).map(clone);
  }

  /** Releases the connection (or file); the store is unusable after. */
  async close(): Promise<void> {}

  private list(experimentId: number): MutableTrial[] {
    const trials = this.trialsOf.get(experimentId);
    if (!trials) throw new StorageError('NO_EXPERIMENT', `no experiment with id ${experimentId}`);
    return trials;
  }

  private find(trialId: number): MutableTrial {
    for (const trials of this.trialsOf.values()) {
      const t = trials.find((x) => x.id === trialId);
      if (t) return t;
    }
    throw new StorageError('NO_TRIAL', `no trial with id ${trialId}`);
  }
}

function clone<T>(value: T): T {
  return structuredClone(value);
}

function snapshot(trial: MutableTrial): TrialRecord {
  return clone(trial);
}
