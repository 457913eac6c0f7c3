// The examples in examples/ run as written, at a small size.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { projectRoot } from '../../src/util/paths.js';
import { engineTest } from '../engine/helpers.js';

function run(script: string, args: string[]): { stdout: string; stderr: string; status: number | null } {
  const r = spawnSync(process.execPath, [join(projectRoot(), 'dist', 'examples', script), ...args], { encoding: 'utf8', cwd: projectRoot() });
  return { stdout: r.stdout, stderr: r.stderr, status: r.status };
}

test('examples/study.ts: a define-by-run search, continued by a second run on the same SQLite study', () => {
  const dir = mkdtempSync(join(tmpdir(), 'naskit-example-'));
  try {
    const storage = `sqlite://${join(dir, 'ex.db')}`;
    const first = run('study.js', ['--trials', '20', '--storage', storage]);
    assert.equal(first.status, 0, first.stderr);
    assert.match(first.stdout, /20 trials here .* 20 in the study/);
    const second = run('study.js', ['--trials', '20', '--storage', storage]);
    assert.equal(second.status, 0, second.stderr);
    assert.match(second.stdout, /20 trials here .* 40 in the study/);
    assert.match(second.stdout, /best: trial \d+, accuracy \d+\.\d+, \{"depth":\d/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

engineTest('examples/image-classifier.ts: searches, retrains, tests and exports at a small size', () => {
  const dir = mkdtempSync(join(tmpdir(), 'naskit-example-'));
  try {
    const r = run('image-classifier.js', ['--small', '--trials', '2', '--train-images', '500', '--test-images', '200', '--out', dir]);
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout.trim().split('\n').at(-1)!);
    assert.equal(out.trials, 2);
    assert.ok(out.testAccuracy >= 0 && out.testAccuracy <= 100);
    assert.ok(existsSync(join(dir, 'model.json')) && existsSync(join(dir, 'model.safetensors')));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
