// The search loop: every method runs and moves α, a search stopped mid-epoch resumes as the
// uninterrupted one, and `naskit oneshot --json` has the contract's shape.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { setNumThreads } from '../../src/engine/runtime.js';
import { memory } from '../../src/engine/memory.js';
import { Nb201Space } from '../../src/space/nb201/space.js';
import { projectRoot } from '../../src/util/paths.js';
import { ONESHOT_DEFAULTS, ONESHOT_METHODS, runOneShotSearch, type OneShotMethodName, type OneShotSettings } from '../../src/oneshot/index.js';
import { engineTest } from '../engine/helpers.js';
import { quadrantImages } from './helpers.js';

const data = quadrantImages(192, 3);

function settings(method: OneShotMethodName, epochs: number): OneShotSettings {
  // 96 + 96 images, batches of 16: 6 steps per epoch on a C=4 supernet.
  return { ...ONESHOT_DEFAULTS, method, methodOptions: { attack_steps: 2, patience: 1 }, space: 'nb201', dataset: 'cifar10', epochs, subset: 192, channels: 4, cells: 1, batchSize: 16, archLr: 0.01, seed: 3 };
}

const space = new Nb201Space();

engineTest('every method runs, derives an NB201 cell each epoch, and moves α', async () => {
  setNumThreads(1);
  const before = memory().tensors;
  for (const method of ONESHOT_METHODS) {
    const result = await runOneShotSearch(settings(method, 2), data);
    assert.ok(result.history.length >= 1 && result.history.length <= 2, method);
    for (const h of result.history) {
      assert.equal(space.check(space.parse(h.genotype)), null);
      assert.ok(Number.isFinite(h.train_loss) && h.val_loss !== null && Number.isFinite(h.val_loss), `${method}: losses ${h.train_loss} ${h.val_loss}`);
      assert.equal(h.alpha.normal.length, 6);
      assert.equal(h.alpha.normal[0].length, 5);
      h.probabilities.normal.forEach((row) => assert.ok(Math.abs(row.reduce((a, b) => a + b, 0) - 1) < 1e-5));
    }
    // α starts within ±0.005 (10⁻³·N(0,1)); six Adam steps of lr 0.01 move it well beyond that.
    const moved = Math.max(...result.history[0].alpha.normal.flat().map(Math.abs));
    assert.ok(moved > 0.02, `${method}: α after one epoch is at most ${moved} in magnitude`);
    assert.equal(result.genotype, result.history[result.result_epoch - 1].genotype);
    if (method === 'pcdarts') assert.ok(result.history[0].beta !== null);
    if (method === 'gdas' || method === 'snas') assert.ok(result.history[0].tau! > result.history[1].tau!);
  }
  assert.equal(memory().tensors, before, 'a finished search frees every tensor');
});

engineTest('DARTS+ stops early when the derived cell is stable, and says why', async () => {
  setNumThreads(1);
  const result = await runOneShotSearch({ ...settings('dartsplus', 6), methodOptions: { patience: 1, max_skips: 7 } }, data);
  // With patience 1 it stops at the first epoch whose cell repeats the previous one, or runs all 6.
  const cells = result.history.map((h) => h.genotype);
  const firstRepeat = cells.findIndex((g, i) => i > 0 && g === cells[i - 1]);
  if (firstRepeat >= 0) {
    assert.equal(result.history.length, firstRepeat + 1);
    assert.match(result.stopped ?? '', /unchanged/);
  } else assert.equal(result.history.length, 6);
});

for (const method of ['gdas', 'darts2', 'pcdarts'] as const) {
  engineTest(`${method}: a search stopped mid-epoch resumes from its last epoch and ends as the uninterrupted one`, async () => {
    setNumThreads(1);
    const full = await runOneShotSearch(settings(method, 3), data);
    const states: Uint8Array[] = [];
    await assert.rejects(
      runOneShotSearch(settings(method, 3), data, {
        onEpoch: (_r, state) => void states.push(state),
        onStep: (epoch, step) => {
          if (epoch === 2 && step === 3) throw new Error('killed');
        },
      }),
      /killed/,
    );
    assert.equal(states.length, 2);
    const resumed = await runOneShotSearch(settings(method, 3), data, { resumeFrom: states[1] });
    assert.equal(resumed.resumed_from_epoch, 2);
    assert.equal(resumed.history.length, 3);
    const strip = (h: (typeof full.history)[number]) => ({ ...h, seconds: 0 });
    assert.deepEqual(resumed.history.map(strip), full.history.map(strip));
    assert.equal(resumed.genotype, full.genotype);
  });
}

const bin = join(projectRoot(), 'bin', 'naskit.js');

test('naskit oneshot: bad usage exits 2 with one line', () => {
  const bad = spawnSync(process.execPath, [bin, 'oneshot', '--method', 'dartz', '--space', 'nb201'], { encoding: 'utf8' });
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /darts, darts2, gdas/);
  const other = spawnSync(process.execPath, [bin, 'oneshot', '--method', 'darts', '--space', 'mbconv'], { encoding: 'utf8' });
  assert.equal(other.status, 2);
  assert.match(other.stderr, /no one-shot supernet; valid: nb201, darts/);
});

engineTest('naskit oneshot --json on CIFAR-10: the contract document, each epoch looked up in the NB201 table; --checkpoint resumes', () => {
  const dir = mkdtempSync(join(tmpdir(), 'naskit-oneshot-'));
  const checkpoint = join(dir, 'search.state');
  const args = [bin, 'oneshot', '--method', 'gdas', '--space', 'nb201', '--dataset', 'cifar10', '--epochs', '1', '--subset', '256', '--channels', '4', '--batch', '64', '--seed', '1', '--threads', '1', '--checkpoint', checkpoint, '--json'];
  const r = spawnSync(process.execPath, args, { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const doc = JSON.parse(r.stdout);
  for (const key of ['method', 'genotype', 'search_seconds', 'history', 'table']) assert.ok(key in doc, `missing ${key}`);
  assert.equal(doc.method, 'gdas');
  assert.equal(space.check(space.parse(doc.genotype)), null);
  assert.equal(doc.history.length, 1);
  assert.equal(doc.history[0].epoch, 1);
  assert.equal(doc.history[0].alpha.normal.length, 6);
  assert.ok(doc.table.cifar10_test_200ep_mean > 0 && doc.table.cifar10_test_200ep_mean < 100);
  assert.equal(doc.history[0].table.index, doc.table.index);
  assert.ok(existsSync(checkpoint));
  // Run again with 2 epochs: it resumes after epoch 1 from the checkpoint file.
  const again = spawnSync(process.execPath, args.map((a) => (a === '1' && args[args.indexOf(a) - 1] === '--epochs' ? '2' : a)), { encoding: 'utf8' });
  assert.equal(again.status, 0, again.stderr);
  const doc2 = JSON.parse(again.stdout);
  assert.equal(doc2.resumed_from_epoch, 1);
  assert.equal(doc2.history.length, 2);
});
