import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectRoot } from '../../src/util/paths.js';
import { engineTest } from './helpers.js';

const bin = join(projectRoot(), 'bin', 'naskit.js');

function naskit(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', env: { ...process.env, NASKIT_THREADS: '1' } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

engineTest('naskit train: a short CNN run prints the contract JSON and writes a checkpoint', () => {
  const out = mkdtempSync(join(tmpdir(), 'naskit-train-'));
  try {
    const r = naskit(['train', '--space', 'cnn', '--dataset', 'mnist', '--subset', '500', '--epochs', '2', '--batch', '50', '--channels', '4', '--test', '--out', out, '--json']);
    assert.equal(r.status, 0, r.stderr);
    const doc = JSON.parse(r.stdout) as Record<string, unknown>;
    assert.deepEqual(Object.keys(doc).sort(), ['epochs', 'flops', 'history', 'params', 'test_acc', 'train_images_per_s', 'val_acc']);
    assert.equal(doc.epochs, 2);
    assert.ok((doc.params as number) > 0 && (doc.flops as number) > 0 && (doc.train_images_per_s as number) > 0);
    const history = doc.history as { epoch: number; train_loss: number; val_acc: number }[];
    assert.deepEqual(history.map((h) => h.epoch), [1, 2]);
    for (const h of history) assert.deepEqual(Object.keys(h).sort(), ['epoch', 'train_loss', 'val_acc']);
    assert.ok((doc.val_acc as number) >= 0 && (doc.val_acc as number) <= 100);
    assert.equal(typeof doc.test_acc, 'number');
    assert.ok(existsSync(join(out, 'model.safetensors')) && existsSync(join(out, 'result.json')));
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

engineTest('naskit train: the NB201 network by table index reports the official parameters; no test set without --test', () => {
  const r = naskit(['train', '--space', 'nb201', '--arch', '11', '--dataset', 'mnist', '--subset', '200', '--epochs', '1', '--batch', '50', '--channels', '4', '--cells', '1', '--json']);
  assert.equal(r.status, 0, r.stderr);
  const doc = JSON.parse(r.stdout) as { params: number; flops: number; test_acc: number | null };
  assert.equal(doc.test_acc, null);
  assert.ok(doc.params > 0 && doc.flops > 0);
});

engineTest('naskit train: bad usage exits 2 with one line naming the option', () => {
  const cases: [string[], RegExp][] = [
    [['train', '--space', 'resnet', '--dataset', 'mnist'], /--space/],
    [['train', '--space', 'nb201', '--dataset', 'mnist'], /--arch/],
    [['train', '--space', 'cnn', '--dataset', 'svhn'], /--dataset/],
    [['train', '--space', 'cnn', '--dataset', 'mnist', '--epochs', '0'], /--epochs/],
    [['train', '--space', 'nb201', '--arch', '|bad~0|', '--dataset', 'mnist'], /arch string/],
  ];
  for (const [args, pattern] of cases) {
    const r = naskit(args);
    assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, pattern);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  }
});
