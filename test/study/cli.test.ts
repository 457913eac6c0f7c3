// `naskit status`, `best` and `trials` on a define-by-run study that minimises its objective: the
// best is the lowest value, and each trial shows the parameters its objective suggested (not the
// sampler's internal proposal), as text in `arch` and as an object in the added `params` field.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { createStudy, type StudyTrial } from '../../src/study/index.js';
import { naskit, tempDir } from '../experiment/helpers.js';

const dir = tempDir('naskit-study-cli-');
const storage = `sqlite://${join(dir, 'study.db')}`;
let trials: readonly StudyTrial[] = [];
let best: StudyTrial;

before(async () => {
  const study = await createStudy({ storage, name: 'loss', strategy: 'rea', direction: 'minimize', seed: 1, startup_trials: 5 });
  await study.optimize(
    (trial) => {
      const x = trial.suggestFloat('x', -5, 5);
      const op = trial.suggestCategorical('op', ['a', 'b']);
      const depth = op === 'b' ? trial.suggestInt('depth', 1, 4) : 2;
      return (x - 1) ** 2 + (op === 'a' ? 1 : 0) + Math.abs(depth - 3);
    },
    { trials: 20 },
  );
  trials = study.trials;
  best = study.bestTrial!;
  await study.close();
});

function run(args: string[]): any {
  const r = naskit([...args, '--storage', storage, '--json'], dir);
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout);
}

test('naskit best on a minimising study: the lowest value, with the suggested parameters', () => {
  const values = trials.filter((t) => t.state === 'complete').map((t) => t.value!);
  assert.ok(Math.min(...values) < Math.max(...values), 'the fixture has distinct values');
  const doc = run(['best', 'loss']);
  assert.equal(doc.value, Math.min(...values));
  assert.equal(doc.number, best.number);
  assert.equal(doc.direction, 'minimize');
  assert.deepEqual(doc.params, best.params);
  for (const name of Object.keys(best.params)) assert.match(doc.arch, new RegExp(`(^| )${name}=`));
  assert.equal(doc.test_accuracy, null);
});

test('naskit status on a minimising study: the lowest value as best, the kind and the direction', () => {
  const doc = run(['status', 'loss']);
  assert.equal(doc.kind, 'study');
  assert.equal(doc.status, 'finished', 'optimize returned');
  assert.equal(doc.result.interrupted, false);
  assert.equal(doc.direction, 'minimize');
  assert.equal(doc.best.value, best.value);
  assert.equal(doc.best.number, best.number);
  assert.deepEqual(doc.best.params, best.params);
  assert.equal(doc.trials.total, trials.length);
  const all = run(['status']);
  assert.equal(all.experiments[0].best.value, best.value);
});

test('naskit trials on a study: each trial\'s suggested parameters, not the sampler\'s proposal', () => {
  const rows = run(['trials', 'loss']).trials;
  assert.equal(rows.length, trials.length);
  for (const t of trials) {
    const row = rows.find((r: { number: number }) => r.number === t.number);
    for (const key of ['number', 'state', 'arch', 'value', 'worker', 'started', 'finished']) assert.ok(key in row, key);
    assert.deepEqual(row.params, t.params, `trial ${t.number}`);
    assert.equal(row.value, t.value);
    // Only the parameters this trial suggested: `depth` only on branch b.
    assert.equal(/(^| )depth=/.test(row.arch), t.params.op === 'b', `trial ${t.number}: ${row.arch}`);
    assert.match(row.arch, /(^| )x=/);
    assert.doesNotMatch(row.arch, /^\{/, 'not the proposal as JSON');
  }
  const text = naskit(['trials', 'loss', '--storage', storage], dir);
  assert.equal(text.status, 0, text.stderr);
  assert.match(text.stdout, /x=\S+ op=(a|b)/);
});

test('naskit resume and export refuse a study with a line saying where its trials run', () => {
  const resumed = naskit(['resume', 'loss', '--storage', storage], dir);
  assert.equal(resumed.status, 2, resumed.stderr);
  assert.match(resumed.stderr, /define-by-run study.*createStudy/);
  const exported = naskit(['export', 'loss', '--format', 'json', '--out', join(dir, 'x.json'), '--storage', storage], dir);
  assert.equal(exported.status, 1, exported.stderr);
  assert.match(exported.stderr, /define-by-run study/);
});
