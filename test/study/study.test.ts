// Define-by-run studies: suggestions, validation, pruning, storage, workers, resume.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ConfigError, SampleError } from '../../src/errors.js';
import { createStudy, TrialPruned, type Trial } from '../../src/study/index.js';
import { dropSchema, pgUrl, postgresMissing, uniqueSchema } from '../experiment/helpers.js';
import { postgresTest } from '../helpers/postgres.js';
import { conditionalObjective } from './objectives.js';

function tempDb(): { url: string; done: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'naskit-study-'));
  return { url: `sqlite://${join(dir, 'study.db')}`, done: () => rmSync(dir, { recursive: true, force: true }) };
}

test('study: suggestions follow their distributions; conditional parameters appear only in their branch; the space is learnt', async () => {
  const study = await createStudy({ strategy: 'rea', seed: 1, startup_trials: 5 });
  await study.optimize(conditionalObjective, { trials: 40 });
  assert.equal(study.trials.length, 40);
  for (const t of study.trials) {
    assert.equal(t.state, 'complete');
    const kind = t.params.kind;
    const names = Object.keys(t.params).sort();
    const expected = kind === 'a' ? ['depth', 'kind', 'lr', 'op'] : kind === 'b' ? ['kind', 'width'] : ['kind', 'noise'];
    assert.deepEqual(names, expected, `trial ${t.number}`);
    if (kind === 'a') {
      const depth = t.params.depth as number;
      const lr = t.params.lr as number;
      assert.ok(Number.isInteger(depth) && depth >= 1 && depth <= 16);
      assert.ok(lr >= 1e-4 && lr <= 1e-1);
      assert.deepEqual(t.distributions.lr, { kind: 'float', low: 1e-4, high: 1e-1, log: true });
    }
    if (kind === 'b') assert.equal((t.params.width as number) % 8, 0);
  }
  const space = study.learntSpace();
  assert.ok(space);
  assert.deepEqual(space.leaves().map((l) => l.label).sort(), ['depth', 'kind', 'lr', 'noise', 'op', 'width']);
  // Two samples differing only in a parameter their branch does not use are one architecture.
  const s = space.random(new (await import('../../src/util/rng.js')).Rng(0));
  const branchB = space.freeze({ ...s, kind: 'b' });
  const other = space.freeze({ ...branchB, depth: branchB.depth === 1 ? 2 : 1 });
  assert.equal(space.isoKey(branchB), space.isoKey(other));
  assert.notEqual(space.key(branchB), space.key(other));
  assert.equal(study.bestTrial?.value, study.bestValue);
});

test('study: a log-scale float suggestion is log-uniform', async () => {
  const study = await createStudy({ strategy: 'random', seed: 2 });
  await study.optimize((trial) => Math.log10(trial.suggestFloat('lr', 1e-4, 1, { log: true })), { trials: 400 });
  const below = study.trials.filter((t) => (t.value as number) < -2).length;
  // Uniform on the log scale: half below 10^-2 (binomial sd 10); a linear-scale draw would give ~1 %.
  assert.ok(Math.abs(below - 200) < 40, `${below} of 400 below 1e-2`);
});

test('study: bad suggestions are clear errors with codes, the trial is recorded as failed and optimize rethrows', async () => {
  const study = await createStudy({ strategy: 'random' });
  const codeOf = async (objective: (t: Trial) => unknown): Promise<string> => {
    const err = await study.optimize(objective as (t: Trial) => number, { trials: 1 }).then(
      () => null,
      (e: unknown) => e,
    );
    assert.ok(err instanceof SampleError, `expected a SampleError, got ${String(err)}`);
    return err.code;
  };
  assert.equal(await codeOf((t) => t.suggestInt('depth', 8, 2)), 'PARAM_BAD_RANGE');
  assert.equal(await codeOf((t) => t.suggestInt('depth', 1.5, 4)), 'PARAM_BAD_RANGE');
  assert.equal(await codeOf((t) => t.suggestFloat('lr', 0, 1, { log: true })), 'PARAM_BAD_RANGE');
  assert.equal(await codeOf((t) => t.suggestFloat('lr', 1, 1)), 'PARAM_BAD_RANGE');
  assert.equal(await codeOf((t) => t.suggestCategorical('op', [])), 'PARAM_BAD_RANGE');
  assert.equal(await codeOf((t) => t.suggestCategorical('op', ['a', 'a'])), 'PARAM_BAD_RANGE');
  assert.equal(await codeOf((t) => t.suggestInt('bad name', 1, 2)), 'PARAM_BAD_NAME');
  // The same name with another distribution in one trial…
  assert.equal(await codeOf((t) => t.suggestInt('x', 1, 4) + t.suggestInt('x', 1, 5)), 'PARAM_DISTRIBUTION_CHANGED');
  // …while the same distribution gives the same value back.
  await study.optimize((t) => {
    assert.equal(t.suggestInt('y', 1, 100), t.suggestInt('y', 1, 100));
    return t.suggestFloat('z', 0, 1);
  }, { trials: 1 });
  // …and across trials: z was a float in [0, 1] in a finished trial.
  assert.equal(await codeOf((t) => t.suggestFloat('z', 0, 2)), 'PARAM_DISTRIBUTION_CHANGED');
  await study.refresh();
  const failed = study.trials.filter((t) => t.state === 'failed');
  assert.equal(failed.length, 9);
  assert.ok(failed.every((t) => t.error?.startsWith('SampleError')));
  // An objective's own exception or a non-finite value fails its trial without stopping the search.
  const summary = await study.optimize((t) => {
    if (t.number % 2) throw new Error('boom');
    return Number.NaN;
  }, { trials: 4 });
  assert.equal(summary.failed, 4);
  await assert.rejects(createStudy({ strategy: 'nope' }), (e: unknown) => e instanceof ConfigError && e.code === 'UNKNOWN_STRATEGY');
  await assert.rejects(createStudy({ strategy: 'rea', strategy_options: { population: 0 } }), (e: unknown) => e instanceof ConfigError && e.code === 'BAD_STRATEGY_OPTION');
  await assert.rejects(study.optimize(() => 1, {}), RangeError);
});

test('study: pruning through report/shouldPrune stops the trials below the median', async () => {
  const study = await createStudy({ strategy: 'random', seed: 4, pruner: { name: 'median', warmup_steps: 1, min_trials: 3 } });
  const quality = new Map<number, number>();
  await study.optimize(async (trial) => {
    const q = trial.suggestFloat('q', 0, 1);
    quality.set(trial.number, q);
    let acc = 0;
    for (let epoch = 0; epoch < 5; epoch++) {
      acc = q * (epoch + 1);
      trial.report(acc, epoch);
      if (trial.shouldPrune()) throw new TrialPruned();
    }
    return acc;
  }, { trials: 30 });
  const pruned = study.trials.filter((t) => t.state === 'pruned');
  const complete = study.trials.filter((t) => t.state === 'complete');
  assert.ok(pruned.length >= 8, `${pruned.length} pruned`);
  // Nothing pruned before the 3 first trials completed, nor during warm-up (steps 0 and 1).
  for (const t of pruned) {
    assert.ok(t.number >= 3);
    assert.ok(Math.max(...Object.keys(t.intermediate).map(Number)) >= 2);
  }
  // Pruned trials are the weak ones: their mean quality is below that of the complete ones.
  const mean = (ts: typeof pruned) => ts.reduce((s, t) => s + quality.get(t.number)!, 0) / ts.length;
  assert.ok(mean(pruned) < mean(complete), `pruned ${mean(pruned).toFixed(2)} vs complete ${mean(complete).toFixed(2)}`);
  assert.equal(complete[0].intermediate['4'], complete[0].value);
});

test('study: minimising; in-process workers run async objectives concurrently with an exact trial count', async () => {
  const study = await createStudy({ strategy: 'rea', seed: 5, direction: 'minimize', startup_trials: 4 });
  let running = 0;
  let most = 0;
  await study.optimize(async (trial) => {
    running++;
    most = Math.max(most, running);
    const x = trial.suggestFloat('x', -5, 5);
    await new Promise((resolve) => setTimeout(resolve, 2));
    running--;
    return (x - 1) ** 2;
  }, { trials: 30, workers: 4 });
  assert.equal(most, 4);
  assert.deepEqual(study.trials.map((t) => t.number), Array.from({ length: 30 }, (_, i) => i));
  assert.equal(study.bestTrial, study.trials.reduce((a, b) => ((b.value as number) < (a.value as number) ? b : a)));
});

test('study: a resumed study continues its count and proposes what one uninterrupted run would have', async () => {
  const db = tempDb();
  try {
    const straight = await createStudy({ name: 'straight', strategy: 'rea', seed: 7, startup_trials: 5 });
    await straight.optimize(conditionalObjective, { trials: 24 });
    for (const cut of [3, 11]) {
      const first = await createStudy({ storage: db.url, name: `resumed-${cut}`, strategy: 'rea', seed: 7, startup_trials: 5 });
      await first.optimize(conditionalObjective, { trials: cut });
      await first.close();
      // A new process would do exactly this: the settings come from the storage.
      const again = await createStudy({ storage: db.url, name: `resumed-${cut}` });
      assert.equal(again.trials.length, cut);
      await again.optimize(conditionalObjective, { trials: 24 - cut });
      assert.deepEqual(again.trials.map((t) => t.number), Array.from({ length: 24 }, (_, i) => i));
      assert.deepEqual(again.trials.map((t) => t.params), straight.trials.map((t) => t.params), `cut at ${cut}`);
      await again.close();
    }
    await assert.rejects(createStudy({ storage: db.url, name: 'resumed-3', seed: 8 }), (e: unknown) => e instanceof ConfigError && e.code === 'STUDY_MISMATCH');
  } finally {
    db.done();
  }
});

test('study: two processes share one SQLite study (exact count, one replayable log)', async () => {
  const db = tempDb();
  try {
    const script = fileURLToPath(new URL('./fixtures/study-worker.js', import.meta.url));
    const child = spawn(process.execPath, [script, db.url, 'shared', '20'], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    const study = await createStudy({ storage: db.url, name: 'shared', strategy: 'rea', seed: 3 });
    await study.optimize(async (trial) => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      return conditionalObjective(trial);
    }, { trials: 20 });
    assert.equal(await exited, 0, stderr);
    await study.refresh();
    assert.deepEqual(study.trials.map((t) => t.number), Array.from({ length: 40 }, (_, i) => i));
    assert.ok(study.trials.every((t) => t.state === 'complete'));
    const workers = new Set((await study.store.trials(study.experiment.id)).map((t) => t.worker?.split(':')[1]));
    assert.equal(workers.size, 2, 'both processes evaluated trials');
    // A third process replays the interleaved log from scratch and continues it.
    const later = await createStudy({ storage: db.url, name: 'shared' });
    await later.optimize(conditionalObjective, { trials: 2 });
    assert.equal(later.trials.length, 42);
    await later.close();
    await study.close();
  } finally {
    db.done();
  }
});

test('study: every registered strategy works as the sampler, and a fresh process replays its log (space grown included)', async () => {
  const { STRATEGIES } = await import('../../src/strategy/registry.js');
  const { MemoryStore } = await import('../../src/experiment/memory-store.js');
  for (const strategy of Object.keys(STRATEGIES)) {
    const store = new MemoryStore();
    const study = await createStudy({ storage: store, name: 'all', strategy, seed: 2, startup_trials: 3 });
    await study.optimize(conditionalObjective, { trials: 14, workers: 2 });
    // A new Study object has a new sampler: it rebuilds every strategy generation from the stored log.
    const again = await createStudy({ storage: store, name: 'all' });
    await again.optimize(conditionalObjective, { trials: 2 });
    assert.equal(again.trials.filter((t) => t.state === 'complete').length, 16, strategy);
    assert.ok((again.learntSpace()?.leaves().length ?? 0) >= 3, strategy);
  }
});

postgresTest('study: PostgreSQL storage: two Study objects with two workers each share one study', await postgresMissing(), {}, async () => {
  const schema = uniqueSchema('naskit_study');
  try {
    const a = await createStudy({ storage: pgUrl(schema), name: 'pg', strategy: 'bo-gp', seed: 9, startup_trials: 4 });
    const b = await createStudy({ storage: pgUrl(schema), name: 'pg' });
    const slow = async (trial: Trial) => {
      await new Promise((resolve) => setTimeout(resolve, 3));
      return conditionalObjective(trial);
    };
    await Promise.all([a.optimize(slow, { max_trials: 30, workers: 2 }), b.optimize(slow, { max_trials: 30, workers: 2 })]);
    await a.refresh();
    assert.deepEqual(a.trials.map((t) => t.number), Array.from({ length: 30 }, (_, i) => i));
    assert.ok(a.trials.every((t) => t.state === 'complete'));
    await a.close();
    await b.close();
  } finally {
    await dropSchema(schema);
  }
});
