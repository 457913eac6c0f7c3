// `naskit train --space X --arch random` for every trainable space, and a tiny search with the train
// estimator on spaces other than NB201 (space options from the config).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SqliteStore } from '../../src/experiment/sqlite-store.js';
import { createSpace } from '../../src/space/registry.js';
import { engineTest } from '../engine/helpers.js';
import { naskit, tempDir, writeConfig } from '../experiment/helpers.js';

/** Each trainable space at a tiny size (the options as `--options` JSON; nb201 through --channels/--cells). */
const TINY: Readonly<Record<string, string[]>> = {
  nb201: ['--channels', '4', '--cells', '1'],
  darts: ['--options', '{"channels": 4, "layers": 3, "auxiliary": true, "drop_path": 0.1}'],
  nb101: ['--options', '{"channels": 4, "cells_per_stack": 1}'],
  chain: ['--options', '{"layers": 4, "channels": 4}'],
  'nats-size': [],
  mbconv: ['--options', '{"depth_mult": 0.3, "width_mult": 0.25}'],
  fbnet: ['--options', '{"depth_mult": 0.3, "width_mult": 0.25, "resolution_mult": 0.5}'],
};

engineTest('naskit train --arch random trains every trainable space at a tiny size; the same seed draws the same architecture', () => {
  const dir = tempDir('naskit-train-spaces-');
  const env = { NASKIT_THREADS: '1' };
  for (const [space, options] of Object.entries(TINY)) {
    const args = ['train', '--space', space, ...options, '--arch', 'random', '--seed', '4', '--dataset', 'mnist', '--subset', '60', '--epochs', '1', '--batch', '30', '--json'];
    const r = naskit(args, dir, env);
    assert.equal(r.status, 0, `${space}: ${r.stderr}`);
    const doc = JSON.parse(r.stdout) as { space: string; arch: string; params: number; flops: number; history: unknown[]; val_acc: number };
    assert.equal(doc.space, space);
    assert.ok(doc.params > 0 && doc.flops > 0, `${space}: params ${doc.params}, flops ${doc.flops}`);
    assert.equal(doc.history.length, 1);
    // The printed architecture is a valid one of the space (parsed back with the same options).
    const opts = options[0] === '--options' ? (JSON.parse(options[1]) as Record<string, unknown>) : space === 'nb201' ? { channels: 4, cells: 1 } : {};
    const s = createSpace(space, opts);
    assert.equal(s.format(s.parse(doc.arch)), doc.arch);
    if (space === 'chain') {
      // The same seed draws the same architecture; --arch-file reads it (and the space's options) back from --out's result.json.
      const out = join(dir, 'chain-out');
      const again = JSON.parse(naskit([...args, '--out', out], dir, env).stdout) as { arch: string; params: number };
      assert.equal(again.arch, doc.arch);
      const fromFile = naskit(['train', '--space', 'chain', '--arch-file', join(out, 'result.json'), '--dataset', 'mnist', '--subset', '60', '--epochs', '1', '--batch', '30', '--json'], dir, env);
      assert.equal(fromFile.status, 0, fromFile.stderr);
      const d = JSON.parse(fromFile.stdout) as { arch: string; params: number };
      assert.equal(d.arch, doc.arch);
      assert.equal(d.params, doc.params);
    }
  }
  const bad = naskit(['train', '--space', 'darts', '--cells', '3', '--arch', 'random', '--dataset', 'mnist'], dir, env);
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /--cells does not apply to --space darts/);
  const badOption = naskit(['train', '--space', 'darts', '--options', '{"layers": 1}', '--arch', 'random', '--dataset', 'mnist'], dir, env);
  assert.equal(badOption.status, 2);
  assert.match(badOption.stderr, /layers/);
});

engineTest('naskit search with the train estimator on the chain and DARTS spaces (space options from the config) completes and exports', async () => {
  const dir = tempDir('naskit-search-spaces-');
  for (const [space, options] of [
    ['chain', '{layers: 4, channels: 4}'],
    ['darts', '{channels: 4, layers: 3}'],
  ] as const) {
    const config = `name: tiny-${space}
space: {name: ${space}, options: ${options}}
strategy: {name: rea, options: {population: 2, sample_size: 2}}
estimator: {name: train, dataset: fashion-mnist, epochs: 1, batch_size: 32, lr: 0.05, train_images: 128, validation_images: 64,
  augment: false, final_epochs: 1, test_images: 128, threads: 1}
budget: {trials: 3}
seed: 2
`;
    const url = `sqlite://${join(dir, `${space}.db`)}`;
    const r = naskit(['search', writeConfig(dir, config, `${space}.yaml`), '--storage', url, '--json'], dir, { NASKIT_THREADS: '1' });
    assert.equal(r.status, 0, `${space}: ${r.stderr}`);
    const result = JSON.parse(r.stdout) as { best: { arch: string; test_accuracy: number }; export: string };
    const exported = JSON.parse(readFileSync(result.export, 'utf8')) as { network: { family: string; options: Record<string, unknown> }; params: number };
    assert.equal(exported.network.family, space);
    assert.equal(exported.network.options.channels, 4);
    assert.ok(exported.params > 0);
    const s = createSpace(space, { ...exported.network.options });
    s.parse(result.best.arch);
    const store = SqliteStore.open(url);
    try {
      const e = await store.getExperiment(`tiny-${space}`);
      const trials = await store.trials(e!.id);
      assert.equal(trials.length, 3);
      for (const t of trials) assert.equal(t.state, 'complete', `${space}: ${JSON.stringify(t.error)}`);
    } finally {
      await store.close();
    }
  }
});
