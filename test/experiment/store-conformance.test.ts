// One conformance suite, run over every store: memory, SQLite (a real file), PostgreSQL (127.0.0.1:5432, database test).
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { StorageError, TrialStateError } from '../../src/errors.js';
import { MemoryStore } from '../../src/experiment/memory-store.js';
import { PostgresStore } from '../../src/experiment/postgres-store.js';
import { SqliteStore } from '../../src/experiment/sqlite-store.js';
import type { NewTrial, Store, TrialOutcome, WorkerInfo } from '../../src/experiment/store.js';
import type { Json } from '../../src/util/json.js';
import { dropSchema, pgUrl, postgresMissing, sleep, tempDir, uniqueSchema } from './helpers.js';
import { postgresDescribe } from '../helpers/postgres.js';

interface Target {
  readonly name: string;
  /** Why the target cannot be used here (null: it can). */
  readonly missing?: string | null;
  /** A new store on the target's database; `shared` stores of one target see the same data. */
  open(): Promise<Store>;
  /** Whether two `open()` calls share data (false for memory). */
  readonly shared: boolean;
  cleanup(): Promise<void>;
}

const sqliteDir = tempDir('naskit-conf-');
const schema = uniqueSchema('naskit_conf');
let memory: MemoryStore | null = null;

const TARGETS: Target[] = [
  { name: 'memory', shared: false, open: async () => (memory ??= new MemoryStore()), cleanup: async () => {} },
  { name: 'sqlite', shared: true, open: async () => SqliteStore.open(`sqlite://${join(sqliteDir, 'conf.db')}`), cleanup: async () => {} },
  { name: 'postgres', missing: await postgresMissing(), shared: true, open: () => PostgresStore.open(pgUrl(schema)), cleanup: () => dropSchema(schema) },
];

const A: WorkerInfo = { id: 'host-a:1:1' };
const B: WorkerInfo = { id: 'host-b:2:2' };

let counter = 0;
function uniqueName(prefix: string): string {
  return `${prefix}-${process.pid}-${counter++}`;
}

function newTrial(i: number): NewTrial {
  // Keys deliberately not in alphabetical order: storage must keep the sample's canonical order.
  return { sample: { zeta: `op${i}`, alpha: i }, key: `k${i}`, fidelity: i % 2 ? 12 : null, params: { generation: i }, userAttrs: {}, seed: 1000 + i, codeVersion: 'naskit@test' };
}

function complete(trial: number, value: number, cost = 0): TrialOutcome {
  return { state: 'complete', value, params: { metrics: { params: 7 } }, userAttrs: { cost_seconds: cost }, observation: { trial, state: 'complete', value } as Json };
}

for (const target of TARGETS) {
  postgresDescribe(`store conformance: ${target.name}`, target.missing ?? null, () => {
    const opened: Store[] = [];
    const open = async () => {
      const s = await target.open();
      if (!opened.includes(s)) opened.push(s);
      return s;
    };
    after(async () => {
      for (const s of opened) await s.close();
      await target.cleanup();
    });

    test('experiments: create, get, list, finish; a taken name is a StorageError', async () => {
      const store = await open();
      const name = uniqueName('exp');
      const e = await store.createExperiment({ name, config: { b: 1, a: [1, 'x'] }, seed: 7 });
      assert.equal(e.name, name);
      assert.equal(e.status, 'running');
      assert.deepEqual(e.config, { b: 1, a: [1, 'x'] });
      assert.deepEqual(Object.keys(e.config as object), ['b', 'a']);
      assert.equal(e.seed, 7);
      assert.ok(Math.abs(e.created - Date.now()) < 60_000);
      assert.deepEqual(await store.getExperiment(name), e);
      assert.equal(await store.getExperiment(uniqueName('none')), null);
      assert.ok((await store.listExperiments()).some((x) => x.name === name));
      await assert.rejects(store.createExperiment({ name, config: {}, seed: 0 }), (err: unknown) => err instanceof StorageError && err.code === 'EXPERIMENT_EXISTS');
      assert.equal(await store.finishExperiment(e.id, { best: 3 }), true);
      assert.equal(await store.finishExperiment(e.id, { best: 4 }), false, 'the first result stays');
      const done = await store.getExperiment(name);
      assert.equal(done!.status, 'finished');
      assert.deepEqual(done!.result, { best: 3 });
      // A study's next optimize reopens it; the result stays until it finishes again.
      assert.equal(await store.reopenExperiment(e.id), true);
      assert.equal(await store.reopenExperiment(e.id), false, 'already running');
      assert.deepEqual([(await store.getExperiment(name))!.status, (await store.getExperiment(name))!.result], ['running', { best: 3 }]);
      assert.equal(await store.finishExperiment(e.id, { best: 5 }), true);
      assert.deepEqual((await store.getExperiment(name))!.result, { best: 5 });
    });

    test('ask: numbers from 0, the ask event logged, the sample and its key order kept; null or a throw writes nothing', async () => {
      const store = await open();
      const e = await store.createExperiment({ name: uniqueName('ask'), config: {}, seed: 0 });
      for (let i = 0; i < 3; i++) {
        const made = await store.askTrial(e.id, i - 1, A, (view) => {
          assert.equal(view.trialCount, i);
          return newTrial(i);
        });
        assert.ok(made);
        assert.equal(made.trial.number, i);
        assert.equal(made.seq, i);
        assert.equal(made.trial.state, 'running');
        assert.equal(made.trial.worker, A.id);
        assert.equal(made.trial.seed, 1000 + i);
        assert.equal(made.trial.codeVersion, 'naskit@test');
        assert.equal(made.trial.attempts, 1);
        assert.deepEqual(Object.keys(made.trial.sample as object), ['zeta', 'alpha']);
      }
      assert.equal(await store.askTrial(e.id, 2, A, () => null), null);
      await assert.rejects(store.askTrial(e.id, 2, A, () => {
        throw new RangeError('strategy failed');
      }), RangeError);
      const trials = await store.trials(e.id);
      assert.deepEqual(trials.map((t) => t.number), [0, 1, 2]);
      assert.deepEqual(trials.map((t) => t.fidelity), [null, 12, null]);
      const events = await store.events(e.id);
      assert.deepEqual(events.map((ev) => [ev.seq, ev.kind, ev.trial]), [[0, 'ask', 0], [1, 'ask', 1], [2, 'ask', 2]]);
      assert.deepEqual(events[1].payload, { sample: { zeta: 'op1', alpha: 1 } });
      assert.deepEqual((await store.events(e.id, 1)).map((ev) => ev.seq), [2]);
      // The view shows only the log after afterSeq.
      await store.askTrial(e.id, 0, A, (view) => {
        assert.deepEqual(view.events.map((ev) => ev.seq), [1, 2]);
        return null;
      });
    });

    test('finish: outcome stored, tell appended in order, cost summed; finished trials are immutable', async () => {
      const store = await open();
      const e = await store.createExperiment({ name: uniqueName('fin'), config: {}, seed: 0 });
      const t0 = (await store.askTrial(e.id, -1, A, () => newTrial(0)))!.trial;
      const t1 = (await store.askTrial(e.id, 0, A, () => newTrial(1)))!.trial;
      await store.reportIntermediate(t1.id, 1, 50.5);
      await store.reportIntermediate(t1.id, 2, 60.25);
      const f1 = await store.finishTrial(t1.id, A, complete(1, 91.5, 2.5));
      assert.equal(f1.state, 'complete');
      assert.equal(f1.value, 91.5);
      assert.deepEqual(f1.params, { generation: 1, metrics: { params: 7 } });
      assert.deepEqual(f1.intermediate, { '1': 50.5, '2': 60.25 });
      assert.ok(f1.finished !== null && f1.started !== null && f1.finished >= f1.started);
      const f0 = await store.finishTrial(t0.id, A, { state: 'failed', value: null, error: 'RangeError: boom', userAttrs: { cost_seconds: 1 }, observation: { trial: 0, state: 'failed', value: null } });
      assert.equal(f0.state, 'failed');
      assert.equal(f0.error, 'RangeError: boom');
      assert.equal(f0.value, null);
      const events = await store.events(e.id);
      assert.deepEqual(events.map((ev) => [ev.seq, ev.kind, ev.trial]), [[0, 'ask', 0], [1, 'ask', 1], [2, 'tell', 1], [3, 'tell', 0]]);
      assert.deepEqual(events[2].payload, { trial: 1, state: 'complete', value: 91.5 });
      await store.askTrial(e.id, 3, A, (view) => {
        assert.equal(view.costSeconds, 3.5);
        return null;
      });
      await assert.rejects(store.finishTrial(t1.id, A, complete(1, 99)), (err: unknown) => err instanceof TrialStateError && err.code === 'TRIAL_FINISHED');
      await assert.rejects(store.reportIntermediate(t1.id, 3, 1), (err: unknown) => err instanceof TrialStateError && err.code === 'TRIAL_FINISHED');
      const again = (await store.trials(e.id))[1];
      assert.equal(again.value, 91.5);
      assert.equal((await store.events(e.id)).length, 4);
    });

    test('heartbeat, stale trials re-queued, claimed again; the old worker can no longer finish', async () => {
      const store = await open();
      const e = await store.createExperiment({ name: uniqueName('stale'), config: {}, seed: 0 });
      const t = (await store.askTrial(e.id, -1, A, () => newTrial(0)))!.trial;
      assert.equal(await store.heartbeat(t.id, A), true);
      assert.equal(await store.heartbeat(t.id, B), false);
      assert.equal(await store.requeueStale(e.id, 60_000), 0);
      assert.equal(await store.claimQueued(e.id, B), null);
      assert.equal(await store.requeueStale(e.id, 60_000, (w) => w === A.id), 1);
      const queued = (await store.trials(e.id))[0];
      assert.equal(queued.state, 'queued');
      assert.equal(queued.worker, null);
      await assert.rejects(store.finishTrial(t.id, A, complete(0, 1)), (err: unknown) => err instanceof TrialStateError && err.code === 'TRIAL_NOT_RUNNING');
      const claimed = await store.claimQueued(e.id, B);
      assert.ok(claimed);
      assert.equal(claimed.number, 0);
      assert.equal(claimed.worker, B.id);
      assert.equal(claimed.attempts, 2);
      assert.deepEqual(claimed.sample, { zeta: 'op0', alpha: 0 });
      await assert.rejects(store.finishTrial(t.id, A, complete(0, 1)), (err: unknown) => err instanceof TrialStateError && err.code === 'TRIAL_NOT_OWNED');
      // Heartbeat age: stale after staleMs without a sign of life.
      await sleep(120);
      assert.equal(await store.requeueStale(e.id, 50), 1);
      const again = await store.claimQueued(e.id, A);
      assert.equal(again!.attempts, 3);
      await store.finishTrial(again!.id, A, complete(0, 5));
      assert.equal(await store.requeueStale(e.id, 0), 0, 'finished trials are never re-queued');
    });

    test('checkpoints: saved only by the running owner, replaced, survive a re-queue, deleted when the trial finishes', async () => {
      const store = await open();
      const e = await store.createExperiment({ name: uniqueName('ckpt'), config: {}, seed: 0 });
      const t = (await store.askTrial(e.id, -1, A, () => newTrial(0)))!.trial;
      assert.equal(await store.loadCheckpoint(t.id), null);
      const first = Uint8Array.from({ length: 300_000 }, (_, i) => (i * 7) & 255);
      assert.equal(await store.saveCheckpoint(t.id, A, first), true);
      assert.deepEqual(await store.loadCheckpoint(t.id), first);
      assert.equal(await store.saveCheckpoint(t.id, B, Uint8Array.of(9)), false, 'another worker cannot overwrite it');
      const second = Uint8Array.of(1, 2, 3, 0, 255);
      assert.equal(await store.saveCheckpoint(t.id, A, second), true);
      assert.deepEqual(await store.loadCheckpoint(t.id), second);
      // The worker dies: the trial is re-queued with its checkpoint, which the next worker reads.
      assert.equal(await store.requeueStale(e.id, 60_000, (w) => w === A.id), 1);
      assert.equal(await store.saveCheckpoint(t.id, A, first), false, 'a re-queued trial takes no checkpoint from its old worker');
      const claimed = await store.claimQueued(e.id, B);
      assert.deepEqual(await store.loadCheckpoint(claimed!.id), second);
      await store.finishTrial(claimed!.id, B, complete(0, 3));
      assert.equal(await store.loadCheckpoint(t.id), null);
      assert.equal(await store.saveCheckpoint(t.id, B, second), false, 'finished trials take no checkpoint');
    });

    test('kept weights: saved only by the running owner, kept after the trial finishes, bounded by retainWeights', async () => {
      const store = await open();
      const e = await store.createExperiment({ name: uniqueName('weights'), config: {}, seed: 0 });
      const ask = async () => (await store.askTrial(e.id, -1, A, (v) => newTrial(v.trialCount)))!.trial;
      const [t0, t1, t2] = [await ask(), await ask(), await ask()];
      assert.equal(await store.loadWeights(t0.id), null);
      const big = Uint8Array.from({ length: 300_000 }, (_, i) => (i * 13) & 255);
      assert.equal(await store.saveWeights(t0.id, A, Uint8Array.of(1)), true);
      assert.equal(await store.saveWeights(t0.id, A, big), true, 'replaced');
      assert.equal(await store.saveWeights(t0.id, B, Uint8Array.of(9)), false, 'another worker cannot write them');
      await store.finishTrial(t0.id, A, complete(0, 5));
      assert.deepEqual(await store.loadWeights(t0.id), big, 'kept after the trial finished (unlike a checkpoint)');
      assert.equal(await store.loadCheckpoint(t0.id), null);
      assert.equal(await store.saveWeights(t0.id, A, Uint8Array.of(2)), false, 'a finished trial takes no new weights');
      assert.equal(await store.saveWeights(t1.id, A, Uint8Array.of(1, 1)), true);
      await store.finishTrial(t1.id, A, complete(1, 6));
      assert.equal(await store.saveWeights(t2.id, A, Uint8Array.of(2, 2)), true);
      // t2 still runs: retainWeights never touches it, only finished trials not kept.
      assert.equal(await store.retainWeights(e.id, [1]), 1);
      assert.equal(await store.loadWeights(t0.id), null);
      assert.deepEqual(await store.loadWeights(t1.id), Uint8Array.of(1, 1));
      assert.deepEqual(await store.loadWeights(t2.id), Uint8Array.of(2, 2));
      assert.equal(await store.retainWeights(e.id, [1]), 0);
      // Another experiment's weights are never touched.
      const other = await store.createExperiment({ name: uniqueName('weights-other'), config: {}, seed: 0 });
      const o0 = (await store.askTrial(other.id, -1, A, () => newTrial(0)))!.trial;
      await store.saveWeights(o0.id, A, Uint8Array.of(7));
      await store.finishTrial(o0.id, A, complete(0, 1));
      assert.equal(await store.retainWeights(e.id, []), 1);
      assert.deepEqual(await store.loadWeights(o0.id), Uint8Array.of(7));
    });

    test('dashboard reads: trialsSince (changed since a time of the storage clock, plus open trials) and trialSummary', async () => {
      const store = await open();
      const e = await store.createExperiment({ name: uniqueName('dash'), config: {}, seed: 0 });
      const ask = async (w: WorkerInfo) => (await store.askTrial(e.id, -1, w, (v) => newTrial(v.trialCount)))!.trial;
      const [t0, t1, t2] = [await ask(A), await ask(A), await ask(B)];
      let summary = await store.trialSummary(e.id);
      assert.deepEqual(summary.counts, { queued: 0, running: 3, complete: 0, failed: 0, pruned: 0 });
      assert.deepEqual(summary.workers.map((w) => w.id), [A.id, B.id]);
      assert.ok(summary.workers.every((w) => w.heartbeat !== null && Math.abs(w.heartbeat - summary.now) < 60_000));
      assert.equal(summary.best, null);
      assert.equal(summary.lowest, null);
      assert.ok(Math.abs(summary.now - Date.now()) < 60_000);
      await store.finishTrial(t0.id, A, complete(0, 5, 2));
      const cursor = (await store.trialSummary(e.id)).now;
      await sleep(20);
      await store.finishTrial(t1.id, A, { state: 'failed', value: null, error: 'boom', userAttrs: { cost_seconds: 1 }, observation: { trial: 1, state: 'failed' } });
      await store.reportIntermediate(t2.id, 1, 0.5);
      const changed = await store.trialsSince(e.id, cursor + 1);
      assert.deepEqual(changed.map((t) => [t.number, t.state]), [[1, 'failed'], [2, 'running']], 'not the trial finished before the cursor');
      assert.deepEqual(changed[1].intermediate, { '1': 0.5 });
      assert.deepEqual((await store.trialsSince(e.id, 0)).map((t) => t.number), [0, 1, 2]);
      assert.deepEqual(await store.trialByNumber(e.id, 2), (await store.trials(e.id))[2], 'one trial, with its curve');
      assert.equal(await store.trialByNumber(e.id, 3), null);
      assert.equal(await store.requeueStale(e.id, 0, () => true), 1);
      assert.deepEqual((await store.trialsSince(e.id, Date.now() + 3_600_000)).map((t) => [t.number, t.state]), [[2, 'queued']], 'open trials are always in');
      summary = await store.trialSummary(e.id);
      assert.deepEqual(summary.counts, { queued: 1, running: 0, complete: 1, failed: 1, pruned: 0 });
      assert.equal(summary.best, 5);
      assert.equal(summary.costSeconds, 3);
      assert.deepEqual(summary.workers, []);
      const again = (await store.claimQueued(e.id, B))!;
      await store.finishTrial(again.id, B, complete(2, 3, 0));
      summary = await store.trialSummary(e.id);
      assert.deepEqual([summary.best, summary.lowest], [5, 3], 'the highest and the lowest complete value');
      await assert.rejects(store.trialSummary(987_654), (err: unknown) => err instanceof StorageError && err.code === 'NO_EXPERIMENT');
    });

    test('concurrent asks: one number each, a gapless log, and never more trials than the budget', async () => {
      const first = await open();
      const second = target.shared ? await open() : first;
      const e = await first.createExperiment({ name: uniqueName('conc'), config: {}, seed: 0 });
      const budget = 12;
      const asks = Array.from({ length: 30 }, (_, i) =>
        (i % 2 ? second : first).askTrial(e.id, -1, i % 2 ? B : A, (view) => (view.trialCount >= budget ? null : newTrial(view.trialCount))),
      );
      const made = (await Promise.all(asks)).filter((m) => m !== null);
      assert.equal(made.length, budget);
      assert.deepEqual(made.map((m) => m!.trial.number).sort((a, b) => a - b), [...Array(budget).keys()]);
      // Concurrent finishes keep the log gapless and each trial told once.
      await Promise.all(made.map((m, i) => (i % 2 ? second : first).finishTrial(m!.trial.id, m!.trial.worker === A.id ? A : B, complete(m!.trial.number, i))));
      const events = await first.events(e.id);
      assert.deepEqual(events.map((ev) => ev.seq), [...Array(2 * budget).keys()]);
      assert.equal(new Set(events.filter((ev) => ev.kind === 'tell').map((ev) => ev.trial)).size, budget);
      // Concurrent claims never hand one queued trial to two workers.
      const e2 = await first.createExperiment({ name: uniqueName('claim'), config: {}, seed: 0 });
      for (let i = 0; i < 6; i++) await first.askTrial(e2.id, -1, A, (v) => newTrial(v.trialCount));
      assert.equal(await first.requeueStale(e2.id, 0, () => true), 6);
      const claims = await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? second : first).claimQueued(e2.id, i % 2 ? B : A)));
      const got = claims.filter((c) => c !== null).map((c) => c!.number);
      assert.deepEqual(got.sort((a, b) => a - b), [0, 1, 2, 3, 4, 5]);
    });
  });
}
