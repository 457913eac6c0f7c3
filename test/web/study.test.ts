// A define-by-run study stored in SQLite, as the dashboard's API serves it: listed as a study with
// its direction and best value, its trials with the parameters the objective suggested (conditional
// ones only where suggested), values and learning curves, axes for its parameters, one trial in full.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { SqliteStore } from '../../src/experiment/sqlite-store.js';
import { createStudy, TrialPruned, type Study } from '../../src/study/index.js';
import { startDashboard, type Dashboard } from '../../src/web/index.js';
import { tempDir } from '../experiment/helpers.js';

const url = `sqlite://${join(tempDir('naskit-dash-study-'), 'study.db')}`;
let study: Study;
let dashboard: Dashboard;
let base: string;

/** A loss to minimise: best at depth 6 with op b and lr 1e-2; op a takes no lr; depth 2 fails. */
before(async () => {
  study = await createStudy({ storage: url, name: 'loss-study', strategy: 'rea', direction: 'minimize', seed: 3, startup_trials: 8 });
  await study.optimize(
    async (trial) => {
      const depth = trial.suggestInt('depth', 2, 8);
      const op = trial.suggestCategorical('op', ['a', 'b']);
      const lr = op === 'b' ? trial.suggestFloat('lr', 1e-4, 1e-1, { log: true }) : 1e-2;
      if (depth === 2) throw new Error('too shallow');
      const floor = Math.abs(depth - 6) + (op === 'b' ? 0 : 1) + Math.abs(Math.log10(lr) + 2);
      let loss = 0;
      for (let epoch = 0; epoch < 4; epoch++) {
        loss = floor + 2 / (epoch + 1);
        trial.report(loss, epoch);
        if (trial.shouldPrune()) throw new TrialPruned();
      }
      return loss;
    },
    { trials: 40, workers: 2 },
  );
  // The dashboard opens the file on its own, as `naskit dashboard --storage` does beside running workers.
  dashboard = await startDashboard({ store: await SqliteStore.open(url), port: 0 });
  base = dashboard.url.replace(/\/$/, '');
});

after(async () => {
  await dashboard?.close();
  await study?.close();
});

async function getJson(path: string): Promise<any> {
  const res = await fetch(base + path);
  assert.equal(res.status, 200, path);
  return res.json();
}

test('dashboard API: a study is listed as a study, with its strategy, direction and its lowest value as best', async () => {
  const states = new Set(study.trials.map((t) => t.state));
  assert.ok(states.has('complete') && states.has('failed'), `the fixture has complete and failed trials: ${[...states]}`);
  const { experiments } = await getJson('/api/experiments');
  assert.equal(experiments.length, 1);
  const o = experiments[0];
  assert.deepEqual([o.name, o.kind, o.direction, o.strategy, o.space, o.estimator], ['loss-study', 'study', 'minimize', 'rea', null, null]);
  assert.equal(o.best, study.bestValue);
  assert.ok(o.best < Math.max(...study.trials.filter((t) => t.state === 'complete').map((t) => t.value!)), 'the lowest, not the highest');
  assert.equal(o.total, study.trials.length);
  assert.equal(o.counts.complete, study.trials.filter((t) => t.state === 'complete').length);
});

test('dashboard API: a study whose optimize returned is finished, not running', async () => {
  const { experiments } = await getJson('/api/experiments');
  assert.equal(experiments[0].status, 'finished');
  const detail = await getJson('/api/experiments/loss-study');
  assert.equal(detail.overview.status, 'finished');
  assert.equal(detail.overview.workers_alive, 0);
});

test('dashboard API: every trial with the parameters it suggested, its value, state, error and learning curve', async () => {
  const { trials } = await getJson('/api/experiments/loss-study/trials');
  assert.equal(trials.length, study.trials.length);
  for (const t of study.trials) {
    const row = trials.find((r: { number: number }) => r.number === t.number);
    assert.deepEqual(row.choices, t.params, `trial ${t.number}`);
    assert.deepEqual([row.state, row.value, row.error], [t.state, t.value, t.error]);
    assert.deepEqual(row.curve, Object.entries(t.intermediate).map(([step, v]) => [Number(step), v]));
    // The table's text names each parameter, and only the ones this trial suggested.
    for (const name of Object.keys(t.params)) assert.match(row.arch, new RegExp(`(^| )${name}=`));
    if (t.params.op === 'a') assert.doesNotMatch(row.arch, /lr=/);
  }
  // The startup trials (drawn before the sampler learnt the space) show their parameters too.
  assert.ok(trials.slice(0, 8).every((r: { choices: object }) => Object.keys(r.choices).length >= 2));
  assert.ok(trials.some((r: { curve: unknown[] }) => r.curve.length === 4), 'a full learning curve');
});

test('dashboard API: the axes of the choices chart are the study\'s parameters; one trial in full has them as its graph', async () => {
  const detail = await getJson('/api/experiments/loss-study');
  assert.equal(detail.config.kind, 'study');
  const axes = Object.fromEntries(detail.choices.map((c: { label: string }) => [c.label, c]));
  assert.deepEqual(Object.keys(axes).sort(), ['depth', 'lr', 'op']);
  assert.deepEqual(axes.depth.values, [2, 3, 4, 5, 6, 7, 8]);
  assert.deepEqual(axes.op.values, ['a', 'b']);
  assert.deepEqual([axes.lr.values, axes.lr.range, axes.lr.log], [[], [1e-4, 1e-1], true]);

  const best = study.bestTrial!;
  const one = await getJson(`/api/experiments/loss-study/trials/${best.number}`);
  assert.equal(one.value, best.value);
  assert.deepEqual(one.params.params, best.params);
  assert.equal(one.graph.layout, 'column');
  assert.deepEqual(
    one.graph.parts[0].nodes.filter((n: { kind: string }) => n.kind === 'op').map((n: { label: string }) => n.label.split(':')[0]),
    Object.keys(best.params),
  );
});
