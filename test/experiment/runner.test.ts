import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { validateConfig, type ExperimentConfig } from '../../src/experiment/config.js';
import { estimatorDefinition, type ExperimentEstimator } from '../../src/experiment/estimators.js';
import { finalizeExperiment } from '../../src/experiment/final.js';
import { LiveStrategy } from '../../src/experiment/live-strategy.js';
import { MemoryStore } from '../../src/experiment/memory-store.js';
import { runWorker } from '../../src/experiment/runner.js';
import { SqliteStore } from '../../src/experiment/sqlite-store.js';
import type { Store, TrialRecord } from '../../src/experiment/store.js';
import { createSpace } from '../../src/space/registry.js';
import { Nb201Space } from '../../src/space/nb201/space.js';
import { createStrategy } from '../../src/strategy/registry.js';
import type { Json } from '../../src/util/json.js';
import { StorageError } from '../../src/errors.js';
import { testDataDir } from '../helpers/data.js';
import { tempDir } from './helpers.js';

const space = new Nb201Space();

function config(over: Record<string, unknown> = {}): ExperimentConfig {
  return validateConfig({
    name: 'runner-test',
    space: 'nb201',
    strategy: { name: 'rea', options: {} },
    estimator: { name: 'tabular', benchmark: 'nb201', dataset: 'cifar10', signal: 'valid_12ep' },
    budget: { trials: 60 },
    seed: 3,
    ...over,
  });
}

function tabular(c: ExperimentConfig): ExperimentEstimator {
  return estimatorDefinition('tabular').create({ ...c.estimator }, { space, dataDir: testDataDir() });
}

async function run(store: Store, c: ExperimentConfig, estimator: ExperimentEstimator, worker = 'w:1:1'): Promise<TrialRecord[]> {
  const experiment = (await store.getExperiment(c.name)) ?? (await store.createExperiment({ name: c.name, config: c as unknown as Json, seed: c.seed }));
  await runWorker({ store, experiment, config: c, space, estimator, worker: { id: worker }, codeVersion: 'naskit@test', environment: { node: process.version } });
  return store.trials(experiment.id);
}

test('runner: same config and seed on one worker gives the same trial sequence, equal to plain ask/tell', async () => {
  const c = config();
  const est = tabular(c);
  const a = await run(new MemoryStore(), c, est);
  const b = await run(new MemoryStore(), c, est);
  assert.equal(a.length, 60);
  assert.deepEqual(a.map((t) => [t.key, t.value, t.seed]), b.map((t) => [t.key, t.value, t.seed]));
  // The stored run is the strategy's own sequence, told in order.
  const s = createStrategy('rea', { space, seed: 3 }, {});
  for (const t of a) {
    const p = s.ask();
    assert.equal(space.key(p.sample), t.key, `trial ${t.number}`);
    s.tell({ trial: t.number, sample: p.sample, state: 'complete', value: t.value });
  }
  // Every trial records its seed, code version and environment.
  assert.equal(new Set(a.map((t) => t.seed)).size, 60);
  assert.ok(a.every((t) => t.codeVersion === 'naskit@test' && (t.userAttrs.environment as { node: string }).node === process.version));
  // A different seed gives a different sequence.
  const other = await run(new MemoryStore(), config({ seed: 4 }), est);
  assert.notDeepEqual(a.map((t) => t.key), other.map((t) => t.key));
});

test('runner: a failed estimate (exception or NaN) becomes a failed trial with its error and never stops the search', async () => {
  const c = config({ strategy: { name: 'random' }, budget: { trials: 30 } });
  const real = tabular(c);
  let calls = 0;
  const flaky: ExperimentEstimator = {
    ...real,
    estimator: {
      name: 'flaky',
      async estimate(sample, request) {
        calls++;
        if (calls % 5 === 0) throw new RangeError(`out of memory at call ${calls}`);
        if (calls % 7 === 0) return { value: NaN, costSeconds: 1, metrics: {} };
        return real.estimator.estimate(sample, request);
      },
    },
  };
  const trials = await run(new MemoryStore(), c, flaky);
  assert.equal(trials.length, 30);
  const failed = trials.filter((t) => t.state === 'failed');
  assert.equal(failed.length, 6 + 4 - 0);
  assert.ok(failed.some((t) => /RangeError: out of memory/.test(t.error ?? '')));
  assert.ok(failed.some((t) => /non-finite/.test(t.error ?? '')));
  assert.ok(failed.every((t) => t.value === null));
  assert.ok(trials.filter((t) => t.state === 'complete').every((t) => Number.isFinite(t.value)));
});

test('runner: a budget in simulated seconds stops asking once the estimator cost reaches it', async () => {
  const c = config({ strategy: { name: 'random' }, budget: { seconds: 20_000 } });
  const trials = await run(new MemoryStore(), c, tabular(c));
  const costs = trials.map((t) => t.userAttrs.cost_seconds as number);
  const total = costs.reduce((s, x) => s + x, 0);
  assert.ok(total >= 20_000 && total - costs.at(-1)! < 20_000, `total ${total}`);
});

test('runner: four interleaved workers on one SQLite file keep the budget exactly, and the log replays in a fresh strategy', async () => {
  const url = `sqlite://${join(tempDir(), 'runner.db')}`;
  const c = config({ budget: { trials: 80 } });
  const est = tabular(c);
  const stores = await Promise.all([0, 1, 2, 3].map(async () => SqliteStore.open(url)));
  const experiment = await stores[0].createExperiment({ name: c.name, config: c as unknown as Json, seed: c.seed });
  const slow: ExperimentEstimator = {
    ...est,
    estimator: { name: 'slow', estimate: async (s, r) => (await new Promise((res) => setTimeout(res, 1)), est.estimator.estimate(s, r)) },
  };
  await Promise.all(stores.map((store, i) => runWorker({ store, experiment, config: c, space, estimator: slow, worker: { id: `w:${i}:0` }, codeVersion: 't', environment: null })));
  const trials = await stores[0].trials(experiment.id);
  assert.equal(trials.length, 80);
  assert.ok(trials.every((t) => t.state === 'complete'));
  assert.ok(new Set(trials.map((t) => t.worker)).size > 1, 'work was shared');
  const events = await stores[0].events(experiment.id);
  assert.equal(events.length, 160);
  // Exact replay of the parallel run from its recorded ask/tell order.
  const live = new LiveStrategy(createStrategy('rea', { space, seed: c.seed }, {}), space);
  live.apply(events);
  assert.equal(live.asked, 80);
  const result = await finalizeExperiment({ store: stores[0], experiment, config: c, space, estimator: est, cwd: tempDir() });
  assert.equal(result.trials.total, 80);
  assert.ok(result.best && result.best.test_accuracy !== null && result.best.test_accuracy > 80);
  for (const s of stores) await s.close();
  assert.equal(createSpace('nb201').name, 'nb201');
});

test('runner: a wall-clock budget stops asking once the time since the experiment was created has passed', async () => {
  const c = config({ strategy: { name: 'random' }, budget: { wall_seconds: 3600 } });
  const store = new MemoryStore();
  const experiment = await store.createExperiment({ name: c.name, config: c as unknown as Json, seed: c.seed });
  let finished = 0;
  // The clock jumps an hour ahead after the 12th recorded trial.
  const now = () => Date.now() + (finished >= 12 ? 3_600_000 : 0);
  await runWorker({ store, experiment, config: c, space, estimator: tabular(c), worker: { id: 'w:1:1' }, codeVersion: 't', environment: null, now, onTrial: () => finished++ });
  assert.equal((await store.trials(experiment.id)).length, 12);
});

test('runner: the median pruner stops exactly the trials whose curve falls below the complete trials\' median', async () => {
  // A fake estimator with a learning curve: value at step s = quality · s / 5 + a step-dependent wobble, five steps.
  const table = tabular(config());
  let stepsRun = 0;
  const estimator: ExperimentEstimator = {
    ...table,
    estimator: {
      name: 'curve',
      async estimate(sample, request) {
        const quality = (await table.estimator.estimate(sample, { seed: request.seed })).value;
        for (let step = 1; step <= 5; step++) {
          stepsRun++;
          await request.trial!.report(step, (quality * step) / 5 + ((request.seed >> step) % 7), step === 5);
        }
        return { value: quality, costSeconds: 1, metrics: {} };
      },
    },
  };
  const minTrials = 4;
  const withPruner = config({ strategy: { name: 'random' }, budget: { trials: 40 }, pruner: { name: 'median', warmup_steps: 1, min_trials: minTrials } });
  const trials = await run(new MemoryStore(), withPruner, estimator);
  assert.equal(trials.length, 40);
  const pruned = trials.filter((t) => t.state === 'pruned');
  assert.ok(pruned.length >= 8, `${pruned.length} pruned`);
  assert.ok(stepsRun < 40 * 5, 'pruning saved steps');
  // One worker: when trial k reported step s, the complete trials were those numbered below k. Replay the rule.
  const median = (xs: number[]) => {
    const v = [...xs].sort((a, b) => a - b);
    return v.length % 2 ? v[v.length >> 1] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  };
  for (const t of trials) {
    const steps = Object.keys(t.intermediate).map(Number);
    const lastStep = t.state === 'pruned' ? (t.params.pruned_at_step as number) : 5;
    assert.deepEqual(steps, Array.from({ length: lastStep }, (_, i) => i + 1), `trial ${t.number} stopped right after the step that pruned it`);
    for (const step of steps) {
      const earlier = trials.filter((c) => c.number < t.number && c.state === 'complete').map((c) => c.intermediate[String(step)]);
      const below = step > 1 && step < 5 && earlier.length >= minTrials && t.intermediate[String(step)] < median(earlier);
      assert.equal(below, t.state === 'pruned' && step === lastStep, `trial ${t.number}, step ${step}`);
    }
    if (t.state === 'pruned') {
      assert.equal(t.value, null);
      assert.equal(typeof t.userAttrs.cost_seconds, 'number');
    }
  }
  const without = await run(new MemoryStore(), config({ strategy: { name: 'random' }, budget: { trials: 40 } }), estimator);
  assert.equal(without.filter((t) => t.state === 'pruned').length, 0);
  assert.deepEqual(without.map((t) => t.key), trials.map((t) => t.key), 'random search proposes the same architectures either way');
});

/** A fake training estimator: five steps, a checkpoint (the step reached) after each, resumed from the stored one. */
function checkpointing(): ExperimentEstimator & { resumedFrom: number[] } {
  const table = tabular(config());
  const resumedFrom: number[] = [];
  return {
    ...table,
    resumedFrom,
    estimator: {
      name: 'steps',
      async estimate(sample, request) {
        const trial = request.trial!;
        const saved = await trial.loadCheckpoint();
        const from = saved ? saved[0] : 0;
        resumedFrom.push(from);
        for (let step = from + 1; step <= 5; step++) {
          await trial.saveCheckpoint(Uint8Array.of(step));
          await trial.report(step, step, step === 5);
        }
        return { value: (await table.estimator.estimate(sample, { seed: request.seed })).value, costSeconds: 1, metrics: {} };
      },
    },
  };
}

test('runner: a storage error while checkpointing stops the worker and keeps the trial and its checkpoint; the next worker resumes it', async () => {
  class FailingStore extends MemoryStore {
    saves = 0;
    override async saveCheckpoint(trialId: number, worker: { id: string }, data: Uint8Array): Promise<boolean> {
      if (++this.saves === 3) throw new StorageError('STORAGE_FULL', 'memory: the disk is full; free space and resume');
      return super.saveCheckpoint(trialId, worker, data);
    }
  }
  const store = new FailingStore();
  const c = config({ strategy: { name: 'random' }, budget: { trials: 3 } });
  const est = checkpointing();
  await assert.rejects(run(store, c, est, 'a:1:1'), (e: unknown) => e instanceof StorageError && e.code === 'STORAGE_FULL');
  const experiment = (await store.getExperiment(c.name))!;
  const [t0] = await store.trials(experiment.id);
  assert.equal(t0.state, 'running', 'not failed: the trial waits to be resumed');
  assert.deepEqual(await store.loadCheckpoint(t0.id), Uint8Array.of(2));
  await runWorker({ store, experiment, config: c, space, estimator: est, worker: { id: 'b:2:2' }, codeVersion: 'naskit@test', environment: {}, isDead: (w) => w === 'a:1:1' });
  const trials = await store.trials(experiment.id);
  assert.deepEqual(trials.map((t) => [t.state, t.attempts]), [['complete', 2], ['complete', 1], ['complete', 1]]);
  assert.deepEqual(est.resumedFrom, [0, 2, 0, 0]);
  assert.deepEqual(Object.keys(trials[0].intermediate), ['1', '2', '3', '4', '5']);
});

test('runner: a trial taken by another worker while it runs is counted once, as lost', async () => {
  const store = new MemoryStore();
  // Short heartbeats so that the trial the thief never finishes goes stale quickly and comes back.
  const c = config({ strategy: { name: 'random' }, budget: { trials: 2 }, workers: { heartbeat_seconds: 0.05, stale_seconds: 0.2 } });
  const experiment = await store.createExperiment({ name: c.name, config: c as unknown as Json, seed: c.seed });
  const table = tabular(c);
  let stolen = false;
  const est: ExperimentEstimator = {
    ...table,
    estimator: {
      name: 'stolen',
      async estimate(sample, request) {
        if (!stolen) {
          // Once: another worker's sweep re-queues this trial mid-estimate and claims it (and then vanishes).
          stolen = true;
          await store.requeueStale(experiment.id, 60_000, (w) => w === 'a:1:1');
          await store.claimQueued(experiment.id, { id: 'b:2:2' });
        }
        await request.trial!.saveCheckpoint(Uint8Array.of(1));
        return { value: 1, costSeconds: 1, metrics: {} };
      },
    },
  };
  const summary = await runWorker({ store, experiment, config: c, space, estimator: est, worker: { id: 'a:1:1' }, codeVersion: 'naskit@test', environment: {}, pollMs: 20 });
  // Trial 0: lost once (not also failed), then re-queued from the vanished thief and evaluated; trial 1 evaluated.
  assert.deepEqual(summary, { evaluated: 2, failed: 0, lost: 1 });
  const trials = await store.trials(experiment.id);
  assert.deepEqual(trials.map((t) => [t.state, t.attempts]), [['complete', 3], ['complete', 1]]);
});

test('runner: pruner config errors name the field', () => {
  assert.throws(() => config({ pruner: { name: 'hyperband' } }), /pruner\.name: must be one of none, median, asha, got "hyperband"/);
  assert.throws(() => config({ pruner: { name: 'median', patience: 3 } }), /pruner\.patience: unknown field; allowed fields of pruner: name, warmup_steps, min_trials/);
  assert.equal(config().pruner.name, 'none');
});
