// The study API's options are snake_case (issue 17: one spelling for every options object); the
// camelCase spellings they had still work, with the same behaviour, one deprecation line on stderr
// per old name and process naming the new one, and a ConfigError when both spellings are given.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { captureStderrAsync } from '../helpers/stderr.js';
import { ConfigError } from '../../src/errors.js';
import { MemoryStore } from '../../src/experiment/memory-store.js';
import { createStudy, ImageClassifier, StudySampler, type Trial } from '../../src/study/index.js';
import { conditionalObjective } from './objectives.js';

const stderrOf = captureStderrAsync;

const lines = (text: string) => text.split('\n').filter((l) => l.includes('deprecated'));

test('createStudy: old spellings behave as the new ones, one deprecation line each, once per process', async () => {
  const run = async (options: Parameters<typeof createStudy>[0]) => {
    const study = await createStudy({ storage: new MemoryStore(), strategy: 'rea', seed: 2, ...options });
    await study.optimize(conditionalObjective, { trials: 12 });
    return { config: study.config, params: study.trials.map((t) => t.params) };
  };
  const current = await stderrOf(() =>
    run({ strategy_options: { population: 4, sample_size: 2 }, startup_trials: 3, heartbeat_seconds: 5, stale_seconds: 30, pruner: { name: 'median', warmup_steps: 2, min_trials: 3 } }),
  );
  assert.deepEqual(lines(current.text), [], 'the documented spellings print nothing');
  const old = await stderrOf(() =>
    run({ strategyOptions: { population: 4, sample_size: 2 }, startupTrials: 3, heartbeatSeconds: 5, staleSeconds: 30, pruner: { name: 'median', warmupSteps: 2, minTrials: 3 } }),
  );
  assert.deepEqual(old.result, current.result, 'same stored settings, same trials');
  assert.deepEqual(lines(old.text).sort(), [
    'naskit: createStudy: option "heartbeatSeconds" is deprecated; use "heartbeat_seconds"',
    'naskit: createStudy: option "staleSeconds" is deprecated; use "stale_seconds"',
    'naskit: createStudy: option "startupTrials" is deprecated; use "startup_trials"',
    'naskit: createStudy: option "strategyOptions" is deprecated; use "strategy_options"',
    'naskit: pruner: option "minTrials" is deprecated; use "min_trials"',
    'naskit: pruner: option "warmupSteps" is deprecated; use "warmup_steps"',
  ]);
  const again = await stderrOf(() => run({ startupTrials: 3 }));
  assert.deepEqual(lines(again.text), [], 'once per process');
  await assert.rejects(createStudy({ startup_trials: 3, startupTrials: 4 }), (e: unknown) => e instanceof ConfigError && e.code === 'CONFIG_INVALID' && /startup_trials/.test(e.message));
});

test('optimize: maxTrials, timeoutSeconds and onTrial still work, with one deprecation line each', async () => {
  const study = await createStudy({ strategy: 'random' });
  const seen: number[] = [];
  const objective = (trial: Trial) => trial.suggestFloat('x', 0, 1);
  const { result, text } = await stderrOf(() => study.optimize(objective, { maxTrials: 3, timeoutSeconds: 60, onTrial: (t) => seen.push(t.number) }));
  assert.equal(result.evaluated, 3, 'the cap on the study\'s trials');
  assert.deepEqual(seen, [0, 1, 2]);
  assert.deepEqual(lines(text).sort(), [
    'naskit: optimize: option "maxTrials" is deprecated; use "max_trials"',
    'naskit: optimize: option "onTrial" is deprecated; use "on_trial"',
    'naskit: optimize: option "timeoutSeconds" is deprecated; use "timeout_seconds"',
  ]);
  await assert.rejects(study.optimize(objective, { max_trials: 5, maxTrials: 5 }), (e: unknown) => e instanceof ConfigError && e.code === 'CONFIG_INVALID');
  await assert.rejects(study.optimize(objective, {}), /trials, timeout_seconds or max_trials/);
});

test('ImageClassifier and StudySampler: old spellings renamed (checked under the new names), one line each', async () => {
  const { result, text } = await stderrOf(async () => new ImageClassifier({ maxTrials: 3, timeBudgetSeconds: 60, searchEpochs: 2, searchImages: 10, validationImages: 5, finalEpochs: 4, batchSize: 8, folderChannels: 1, strategyOptions: {} }));
  assert.deepEqual(result.options, { max_trials: 3, time_budget_seconds: 60, search_epochs: 2, search_images: 10, validation_images: 5, final_epochs: 4, batch_size: 8, folder_channels: 1, strategy_options: {} });
  assert.equal(lines(text).length, 9);
  assert.ok(lines(text).every((l) => l.startsWith('naskit: ImageClassifier: option ')));
  assert.throws(() => new ImageClassifier({ maxTrials: 0 }), /max_trials must be an integer/);
  assert.throws(() => new ImageClassifier({ max_trials: 2, maxTrials: 2 }), (e: unknown) => e instanceof ConfigError && e.code === 'CONFIG_INVALID');

  const sampler = await stderrOf(async () => new StudySampler({ strategy: 'rea', strategyOptions: {}, seed: 0, startupTrials: 4 }));
  assert.deepEqual(sampler.result.settings, { strategy: 'rea', strategy_options: {}, seed: 0, startup_trials: 4 });
  assert.equal(lines(sampler.text).length, 2);
});
