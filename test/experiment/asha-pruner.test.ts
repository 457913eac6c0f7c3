import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { ConfigError } from '../../src/errors.js';
import type { ExperimentConfig } from '../../src/experiment/config.js';
import type { ExperimentEstimator } from '../../src/experiment/estimators.js';
import { MemoryStore } from '../../src/experiment/memory-store.js';
import { AshaPruner, createPruner } from '../../src/experiment/pruner.js';
import { runWorker } from '../../src/experiment/runner.js';
import { SqliteStore } from '../../src/experiment/sqlite-store.js';
import type { Store, TrialRecord } from '../../src/experiment/store.js';
import { createSpace } from '../../src/space/registry.js';
import type { Json } from '../../src/util/json.js';
import { curveConfig, curveEstimator } from './curves.js';
import { dropSchema, pgUrl, postgresMissing, tempDir, uniqueSchema } from './helpers.js';
import { postgresTest } from '../helpers/postgres.js';
import { PostgresStore } from '../../src/experiment/postgres-store.js';

const space = createSpace('nb201');

async function run(store: Store, c: ExperimentConfig, estimator: ExperimentEstimator): Promise<TrialRecord[]> {
  const experiment = await store.createExperiment({ name: c.name, config: c as unknown as Json, seed: c.seed });
  await runWorker({ store, experiment, config: c, space, estimator, worker: { id: 'w:1:1' }, codeVersion: 'naskit@test', environment: null });
  return store.trials(experiment.id);
}

/** Where each trial ended: `complete`, or `pruned@STEP`. */
function outcomes(trials: readonly TrialRecord[]): string[] {
  return trials.map((t) => (t.state === 'pruned' ? `pruned@${t.params.pruned_at_step}` : t.state));
}

test('asha pruner: config defaults, and bad values name the field (CONFIG_INVALID)', () => {
  assert.deepEqual(curveConfig({ pruner: { name: 'asha' } }).pruner, { name: 'asha', min_resource: 1, reduction_factor: 3, min_early_stopping_rate: 0 });
  assert.deepEqual(curveConfig({ pruner: undefined }).pruner, { name: 'none', warmup_steps: 1, min_trials: 5 }, 'the default is unchanged');
  const bad = (pruner: unknown, pattern: RegExp) =>
    assert.throws(
      () => curveConfig({ pruner }),
      (e: unknown) => e instanceof ConfigError && e.code === 'CONFIG_INVALID' && pattern.test(e.message),
    );
  bad({ name: 'asha', reduction_factor: 1 }, /pruner\.reduction_factor: .*>=2.*got 1/);
  bad({ name: 'asha', reduction_factor: 2.5 }, /pruner\.reduction_factor: .*expected int.*got 2\.5/);
  bad({ name: 'asha', min_resource: 0 }, /pruner\.min_resource: .*>=1.*got 0/);
  bad({ name: 'asha', min_early_stopping_rate: -1 }, /pruner\.min_early_stopping_rate: .*got -1/);
  bad({ name: 'asha', warmup_steps: 2 }, /pruner\.warmup_steps: unknown field; allowed fields of pruner: name, min_resource, reduction_factor, min_early_stopping_rate/);
  bad({ name: 'median', min_resource: 2 }, /pruner\.min_resource: unknown field; allowed fields of pruner: name, warmup_steps, min_trials/);
  bad({ name: 'hyperband' }, /pruner\.name: must be one of none, median, asha, got "hyperband"/);
  assert.throws(() => new AshaPruner({ min_resource: 1, reduction_factor: 1, min_early_stopping_rate: 0 }), RangeError);
});

test('asha pruner: rungs at r·η^(s+k)', () => {
  const pruner = new AshaPruner({ min_resource: 2, reduction_factor: 3, min_early_stopping_rate: 1 });
  assert.deepEqual(pruner.rungSteps(100), [6, 18, 54]);
  assert.deepEqual(new AshaPruner({ min_resource: 1, reduction_factor: 2, min_early_stopping_rate: 0 }).rungSteps(9), [1, 2, 4, 8]);
});

test('asha pruner: on hand-made curves it stops and lets go on exactly the trials the rule says (η = 2, rungs at steps 1, 2, 4)', async () => {
  // Values at steps 1..5 of trials 0..7, in order. Step 5 is the last: never pruned.
  const table = [
    [50, 60, 65, 70, 71], // 0: first at every rung → complete
    [40, 0, 0, 0, 0], //    1: rung 1 holds 50, 40: n = 2, top ⌊2/2⌋ = 1 is trial 0 → pruned at 1
    [55, 58, 0, 0, 0], //   2: rung 1 best (55 of 50, 40, 55); rung 2 holds 60, 58: top 1 is trial 0 → pruned at 2
    [45, 0, 0, 0, 0], //    3: rung 1 has 4 results, top 2 = 55, 50 → pruned at 1
    [52, 65, 0, 66, 0], //  4: rung 1 top 2 of 5 (55, 52); rung 2 top 1 of 3 (65); rung 4 holds 70, 66: top 1 is trial 0 → pruned at 4
    [52, 59, 0, 0, 0], //   5: rung 1 top 3 of 6 (55, 52 by trial 4, 52 by trial 5: tie to the smaller number); rung 2 top 2 of 4 = 65, 60 → pruned at 2
    [30, 0, 0, 0, 0], //    6: rung 1 top 3 of 7 → pruned at 1
    [60, 61, 0, 75, 76], // 7: rung 1 top 4 of 8; rung 2 top 2 of 5 = 65, 61; rung 4 top 1 of 3 = 75 → complete
  ];
  const estimator = curveEstimator(space, { steps: 5, table });
  const trials = await run(new MemoryStore(), curveConfig({ budget: { trials: 8 } }), estimator);
  assert.deepEqual(outcomes(trials), ['complete', 'pruned@1', 'pruned@2', 'pruned@1', 'pruned@4', 'pruned@2', 'pruned@1', 'complete']);
  assert.equal(estimator.stepsRun(), 5 + 1 + 2 + 1 + 4 + 2 + 1 + 5);
  // Each pruned trial stopped right after the step that pruned it.
  for (const t of trials) assert.equal(Object.keys(t.intermediate).length, t.state === 'pruned' ? t.params.pruned_at_step : 5, `trial ${t.number}`);
  // A pruned trial is told to the strategy like a failed one and counts against the budget: 8 trials in all.
  assert.equal(trials.length, 8);
});

test('asha pruner: with s = 1 the first rung is skipped (rungs at steps 2, 4 for r = 1, η = 2)', async () => {
  const table = [
    [50, 60, 0, 70, 0],
    [10, 40, 0, 0, 0], // low at step 1, which is no rung now; rung 2 holds 60, 40 → pruned at 2
    [10, 70, 0, 60, 0], // best at step 2; rung 4 holds 70, 60 → pruned at 4
  ];
  const trials = await run(new MemoryStore(), curveConfig({ budget: { trials: 3 }, pruner: { name: 'asha', min_resource: 1, reduction_factor: 2, min_early_stopping_rate: 1 } }), curveEstimator(space, { steps: 5, table }));
  assert.deepEqual(outcomes(trials), ['complete', 'pruned@2', 'pruned@4']);
});

test('asha pruner: on 40 synthetic curves one worker prunes exactly what an independent replay of the rule says', async () => {
  const eta = 3;
  const c = curveConfig({ budget: { trials: 40 }, pruner: { name: 'asha', min_resource: 1, reduction_factor: eta } });
  const estimator = curveEstimator(space, { steps: 9 });
  const trials = await run(new MemoryStore(), c, estimator);
  const pruned = trials.filter((t) => t.state === 'pruned');
  assert.ok(pruned.length >= 15, `${pruned.length} pruned`);
  assert.ok(estimator.stepsRun() < 40 * 9 * 0.6, `${estimator.stepsRun()} steps of ${40 * 9}`);
  // One worker: when trial k reached a rung, the trials at the rung were those numbered below k that got there.
  for (const t of trials) {
    let expected = 'complete';
    for (const step of [1, 3]) {
      const mine = t.intermediate[String(step)];
      const others = trials.filter((o) => o.number < t.number && o.intermediate[String(step)] !== undefined).map((o) => o.intermediate[String(step)]);
      const n = others.length + 1;
      const rank = others.filter((v) => v >= mine).length; // earlier trials win ties
      if (n >= eta && rank >= Math.floor(n / eta)) {
        expected = `pruned@${step}`;
        break;
      }
    }
    assert.equal(outcomes([t])[0], expected, `trial ${t.number}`);
  }
  // Step 9 is the last; with 9 steps the rung at 9 is never checked.
  assert.ok(trials.every((t) => t.state !== 'pruned' || [1, 3].includes(t.params.pruned_at_step as number)));
  assert.ok(createPruner(c.pruner) instanceof AshaPruner);
});

/** Two worker processes on one experiment in the storage at `url`: both prune, and every pruning is one the rule allows. */
async function twoWorkers(url: string, store: Store): Promise<void> {
  const c = curveConfig({ name: 'asha-shared', budget: { trials: 40 } });
  const experiment = await store.createExperiment({ name: c.name, config: c as unknown as Json, seed: c.seed });
  const script = fileURLToPath(new URL('./fixtures/asha-worker.js', import.meta.url));
  const children = ['p1:1:0', 'p2:2:0'].map((id) => {
    const child = spawn(process.execPath, [script, url, c.name, id], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    return new Promise<{ code: number | null; stderr: string }>((resolve) => child.on('exit', (code) => resolve({ code, stderr })));
  });
  for (const r of await Promise.all(children)) assert.equal(r.code, 0, r.stderr);
  const trials = await store.trials(experiment.id);
  assert.equal(trials.length, 40);
  assert.deepEqual(new Set(trials.map((t) => t.worker)), new Set(['p1:1:0', 'p2:2:0']), 'both processes evaluated trials');
  const pruned = trials.filter((t) => t.state === 'pruned');
  assert.ok(pruned.length >= 10, `${pruned.length} pruned`);
  assert.ok(pruned.some((t) => t.worker === 'p1:1:0') && pruned.some((t) => t.worker === 'p2:2:0'), 'both processes pruned');
  // Whatever the interleaving, a trial is pruned only at a rung (steps 1, 2, 4; step 5 is the last),
  // and only when a trial still stored there ranks above it (those that beat it then are still there).
  for (const t of pruned) {
    const step = t.params.pruned_at_step as number;
    assert.ok([1, 2, 4].includes(step), `trial ${t.number} pruned at ${step}`);
    const mine = t.intermediate[String(step)];
    const better = trials.filter((o) => o.number !== t.number && (o.intermediate[String(step)] > mine || (o.intermediate[String(step)] === mine && o.number < t.number)));
    assert.ok(better.length >= 1, `trial ${t.number}: nothing beat it at step ${step}`);
  }
  // The best curve at every rung went on.
  for (const step of [1, 2, 4]) {
    const at = trials.filter((t) => t.intermediate[String(step)] !== undefined);
    const best = at.reduce((a, b) => (b.intermediate[String(step)] > a.intermediate[String(step)] ? b : a));
    assert.notEqual(best.state, 'pruned', `the best at step ${step} went on`);
  }
}

test('asha pruner: two worker processes on one SQLite experiment share the rungs and prune', async () => {
  const store = SqliteStore.open(`sqlite://${join(tempDir('naskit-asha-'), 'asha.db')}`);
  try {
    await twoWorkers(store.url, store);
  } finally {
    await store.close();
  }
});

const pgMissing = await postgresMissing();
postgresTest('asha pruner: two worker processes on one PostgreSQL experiment share the rungs and prune', pgMissing, {}, async () => {
  const schema = uniqueSchema('naskit_asha');
  const url = pgUrl(schema);
  const store = await PostgresStore.open(url);
  try {
    await twoWorkers(url, store);
  } finally {
    await store.close();
    await dropSchema(schema);
  }
});
