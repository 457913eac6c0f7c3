// The example configs (examples/fashion-mnist-<space>.yaml): one per trainable space, each valid, each
// run end to end through `naskit search` at a tiny size (the same config with smaller numbers).
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parse, stringify } from 'yaml';
import { loadConfig } from '../../src/experiment/config.js';
import { SqliteStore } from '../../src/experiment/sqlite-store.js';
import { trainableSpaceNames } from '../../src/engine/models/networks.js';
import { projectRoot } from '../../src/util/paths.js';
import { engineTest } from '../engine/helpers.js';
import { naskit, tempDir, writeConfig } from './helpers.js';

const EXAMPLES = join(projectRoot(), 'examples');
const files = readdirSync(EXAMPLES)
  .filter((f) => /^fashion-mnist-.*\.yaml$/.test(f))
  .sort();

test('examples/: one valid Fashion-MNIST search config per trainable space, named after it, listed in the README', () => {
  const readme = readFileSync(join(projectRoot(), 'README.md'), 'utf8');
  const spaces: string[] = [];
  for (const file of files) {
    const config = loadConfig(join(EXAMPLES, file));
    assert.equal(`fashion-mnist-${config.space}.yaml`, file, 'the file is named after its space');
    assert.equal(config.name, file.replace(/\.yaml$/, ''), 'the experiment is named after its file');
    assert.equal(config.estimator.name, 'train');
    assert.equal(config.estimator.dataset, 'fashion-mnist');
    assert.ok(config.budget.trials !== undefined && config.final.report);
    assert.ok(readme.includes(`examples/${file}`), `README.md lists examples/${file}`);
    spaces.push(config.space);
  }
  assert.deepEqual(spaces.sort(), trainableSpaceNames().sort());
});

/** Smaller networks of each space for the tiny run (a space missing here keeps the example's own). */
const TINY_SPACE: Readonly<Record<string, Record<string, unknown>>> = {
  nb201: { channels: 4, cells: 1 },
  darts: { channels: 4, layers: 3 },
  nb101: { channels: 4, cells_per_stack: 1 },
  chain: { layers: 3, channels: 4 },
  mbconv: { depth_mult: 0.35, width_mult: 0.25, resolution_mult: 0.5 },
  fbnet: { depth_mult: 0.35, width_mult: 0.25, resolution_mult: 0.5 },
};

/** The example at a tiny size: 2 trials of 1 epoch on 64 images, 1 final epoch on 96 images, 64 test images, one thread. */
function tiny(text: string): { yaml: string; trials: number } {
  const doc = parse(text) as Record<string, unknown> & { space: string | { name: string; options?: Record<string, unknown> }; estimator: Record<string, unknown> };
  const name = typeof doc.space === 'string' ? doc.space : doc.space.name;
  const options = { ...(typeof doc.space === 'string' ? {} : (doc.space.options ?? {})), ...(TINY_SPACE[name] ?? {}) };
  doc.space = { name, options };
  doc.estimator = { ...doc.estimator, epochs: 1, final_epochs: 1, batch_size: 32, train_images: 64, validation_images: 32, final_train_images: 96, test_images: 64, threads: 1 };
  doc.budget = { trials: 2 };
  return { yaml: stringify(doc), trials: 2 };
}

engineTest('every example config runs a whole search through naskit search at a tiny size: trials, final retraining, single test, export', async () => {
  assert.ok(files.length >= 7);
  const dir = tempDir('naskit-examples-');
  for (const file of files) {
    const { yaml, trials } = tiny(readFileSync(join(EXAMPLES, file), 'utf8'));
    const url = `sqlite://${join(dir, file.replace(/\.yaml$/, '.db'))}`;
    const r = naskit(['search', writeConfig(dir, yaml, file), '--storage', url, '--json'], dir, { NASKIT_THREADS: '1' });
    assert.equal(r.status, 0, `${file}: ${r.stderr}`);
    const result = JSON.parse(r.stdout) as { best: { arch: string; test_accuracy: number }; export: string };
    assert.ok(result.best.test_accuracy >= 0 && result.best.test_accuracy <= 100, `${file}: ${r.stdout}`);
    assert.ok(existsSync(join(dir, result.export)) || existsSync(result.export), `${file}: export ${result.export}`);
    const store = SqliteStore.open(url);
    try {
      const name = file.replace(/\.yaml$/, '');
      const experiment = await store.getExperiment(name);
      const stored = await store.trials(experiment!.id);
      assert.equal(stored.length, trials, file);
      for (const t of stored) assert.equal(t.state, 'complete', `${file} trial ${t.number}: ${String(t.error)}`);
    } finally {
      await store.close();
    }
  }
});
