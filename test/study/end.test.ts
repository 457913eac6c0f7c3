// The end of a study's optimize calls in the storage: running while a call works, finished with an
// end record once the last call ends, reopened by the next call, and interrupted when a call is
// stopped by an error or a signal (SIGINT: recorded, then the process dies of it as it would have).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { SampleError } from '../../src/errors.js';
import { SqliteStore } from '../../src/experiment/sqlite-store.js';
import { MemoryStore } from '../../src/experiment/memory-store.js';
import { createStudy, type StudyEndRecord } from '../../src/study/index.js';
import { DashboardApi } from '../../src/web/api.js';
import { tempDir } from '../experiment/helpers.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

test('study end: running during optimize, finished with its end record after, reopened by the next call', async () => {
  const store = new MemoryStore();
  const study = await createStudy({ storage: store, name: 'ends', direction: 'minimize', strategy: 'random' });
  const seen: string[] = [];
  const objective = async (trial: { suggestFloat(name: string, low: number, high: number): number }) => {
    seen.push((await store.getExperiment('ends'))!.status);
    return trial.suggestFloat('x', 0, 1);
  };
  await study.optimize(objective, { trials: 4 });
  const first = (await store.getExperiment('ends'))!;
  assert.equal(first.status, 'finished');
  const end = first.result as unknown as StudyEndRecord;
  assert.deepEqual([end.kind, end.interrupted, end.reason, end.trials], ['study', false, null, 4]);
  assert.deepEqual(end.optimize, { evaluated: 4, complete: 4, pruned: 0, failed: 0, lost: 0 });
  assert.deepEqual(end.best, { number: study.bestTrial!.number, value: study.bestValue, params: study.bestParams });
  assert.ok(Math.abs(end.ended - Date.now()) < 60_000);
  assert.equal((await new DashboardApi(store).overview('ends')).status, 'finished');

  await study.optimize(objective, { trials: 2 });
  assert.deepEqual(seen, Array(6).fill('running'), 'running while a call works, the second call included');
  const second = (await store.getExperiment('ends'))!;
  assert.equal(second.status, 'finished');
  assert.equal((second.result as unknown as StudyEndRecord).trials, 6);
});

test('study end: of two concurrent calls, the first to end leaves the study running; the last records the end', async () => {
  const store = new MemoryStore();
  const study = await createStudy({ storage: store, name: 'two', strategy: 'random' });
  const slow = study.optimize(async (trial) => {
    await sleep(40);
    return trial.suggestFloat('x', 0, 1);
  }, { trials: 6 });
  await sleep(10);
  await study.optimize((trial) => trial.suggestFloat('x', 0, 1), { trials: 1 });
  assert.equal((await store.getExperiment('two'))!.status, 'running', 'the slow call still works');
  await slow;
  const e = (await store.getExperiment('two'))!;
  assert.equal(e.status, 'finished');
  assert.equal((e.result as unknown as StudyEndRecord).trials, 7);
});

test('study end: a call stopped by an error thrown out of optimize is recorded as interrupted', async () => {
  const store = new MemoryStore();
  const study = await createStudy({ storage: store, name: 'misuse', strategy: 'random' });
  await assert.rejects(
    study.optimize((trial) => trial.suggestInt('n', 5, 1), { trials: 3 }),
    (e: unknown) => e instanceof SampleError && e.code === 'PARAM_BAD_RANGE',
  );
  const e = (await store.getExperiment('misuse'))!;
  const end = e.result as unknown as StudyEndRecord;
  assert.deepEqual([e.status, end.interrupted], ['finished', true]);
  assert.match(end.reason!, /PARAM_BAD_RANGE|low/);
  assert.equal((await new DashboardApi(store).overview('misuse')).status, 'interrupted');
});

test('study end: SIGINT where the program has its own handler: no new trial starts, and the end says SIGINT', async () => {
  const store = new MemoryStore();
  const study = await createStudy({ storage: store, name: 'handled', strategy: 'random' });
  const handler = () => {};
  process.on('SIGINT', handler);
  try {
    const summary = await study.optimize(async (trial) => {
      if (trial.number === 2) process.emit('SIGINT', 'SIGINT');
      await sleep(5);
      return trial.suggestFloat('x', 0, 1);
    }, { trials: 50 });
    assert.equal(summary.evaluated, 3, 'the running trial finishes, no new one starts');
  } finally {
    process.removeListener('SIGINT', handler);
  }
  const end = (await store.getExperiment('handled'))!.result as unknown as StudyEndRecord;
  assert.deepEqual([end.interrupted, end.reason], [true, 'SIGINT']);
  assert.equal(process.listenerCount('SIGINT'), 0, 'optimize left no listener behind');
});

test('study end: SIGINT without a handler records the interruption, then the process dies of the signal', async () => {
  const url = `sqlite://${join(tempDir('naskit-study-end-'), 'study.db')}`;
  const script = fileURLToPath(new URL('./fixtures/interrupted-study.js', import.meta.url));
  const child = spawn(process.execPath, [script, url, 'stopped'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  await new Promise<void>((resolve) =>
    child.stdout.on('data', (d) => {
      stdout += d;
      if (stdout.includes('trial 2\n')) resolve();
    }),
  );
  child.kill('SIGINT');
  const { code, signal } = await exited;
  assert.equal(signal, 'SIGINT', `exit code ${code}; stderr: ${stderr}`);
  assert.doesNotMatch(stdout, /optimize returned/);
  const store = await SqliteStore.open(url);
  try {
    const e = (await store.getExperiment('stopped'))!;
    const end = e.result as unknown as StudyEndRecord;
    assert.equal(e.status, 'finished');
    assert.deepEqual([end.interrupted, end.reason], [true, 'SIGINT']);
    assert.ok(end.trials >= 3);
    assert.equal((await new DashboardApi(store).overview('stopped')).status, 'interrupted');
    // The study continues: its next call reopens it (the interrupted trial is re-queued and run again).
    const again = await createStudy({ storage: store, name: 'stopped' });
    await again.optimize((trial) => trial.suggestFloat('x', 0, 1), { trials: 2 });
    const after = (await store.getExperiment('stopped'))!;
    assert.deepEqual([after.status, (after.result as unknown as StudyEndRecord).interrupted], ['finished', false]);
  } finally {
    await store.close();
  }
});
