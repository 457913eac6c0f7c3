// libtorch's threads when nobody names them: NASKIT_THREADS, else every core (CONTRACT.md), never
// libtorch's own default (one core on this project's 2-core virtual machines).
import assert from 'node:assert/strict';
import { availableParallelism } from 'node:os';
import { test } from 'node:test';
import { numThreads, setNumThreads } from '../../src/engine/runtime.js';
import { validateConfig } from '../../src/experiment/config.js';
import { estimatorDefinition } from '../../src/experiment/estimators.js';
import { createSpace } from '../../src/space/registry.js';
import { dataDir } from '../../src/util/paths.js';
import { defaultThreads } from '../../src/util/threads.js';
import { engineTest } from '../engine/helpers.js';

test('defaultThreads: NASKIT_THREADS when set, else every core; a bad value is refused with its text', () => {
  assert.equal(defaultThreads({}), availableParallelism());
  assert.equal(defaultThreads({ NASKIT_THREADS: '' }), availableParallelism());
  assert.equal(defaultThreads({ NASKIT_THREADS: '3' }), 3);
  for (const bad of ['0', '-1', '1.5', 'all']) assert.throws(() => defaultThreads({ NASKIT_THREADS: bad }), new RegExp(`NASKIT_THREADS must be a positive integer, got "${bad.replace('.', '\\.')}"`));
});

engineTest('the train estimator trains on every core unless a thread count is given', () => {
  const saved = process.env.NASKIT_THREADS;
  const before = numThreads();
  try {
    delete process.env.NASKIT_THREADS;
    const space = createSpace('nb201', { channels: 4, cells: 1 });
    const config = (threads?: number) => validateConfig({
      name: 'threads', space: 'nb201', strategy: { name: 'random' }, budget: { trials: 1 }, seed: 0,
      estimator: { name: 'train', dataset: 'fashion-mnist', epochs: 1, ...(threads ? { threads } : {}) },
    }).estimator;
    setNumThreads(1);
    estimatorDefinition('train').create({ ...config() }, { space, dataDir: dataDir() });
    assert.equal(numThreads(), availableParallelism(), 'no threads given: every core');
    estimatorDefinition('train').create({ ...config(1) }, { space, dataDir: dataDir() });
    assert.equal(numThreads(), 1, 'the section\'s threads');
    estimatorDefinition('train').create({ ...config() }, { space, dataDir: dataDir(), threads: 1 });
    assert.equal(numThreads(), 1, 'NASKIT_THREADS read at the CLI edge');
  } finally {
    if (saved === undefined) delete process.env.NASKIT_THREADS; else process.env.NASKIT_THREADS = saved;
    setNumThreads(before);
  }
});
