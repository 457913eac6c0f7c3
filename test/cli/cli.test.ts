import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { projectRoot } from '../../src/util/paths.js';

const bin = join(projectRoot(), 'bin', 'naskit.js');

function naskit(args: string[], env: NodeJS.ProcessEnv = {}): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', env: { ...process.env, ...env } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('cli: --version and --help exit 0', () => {
  assert.equal(naskit(['--version']).status, 0);
  assert.match(naskit(['--version']).stdout, /^\d+\.\d+\.\d+/);
  assert.equal(naskit(['--help']).status, 0);
  assert.equal(naskit(['bench', 'nb201', '--help']).status, 0);
});

test('cli: space info nb201 --json is the contract document', () => {
  const r = naskit(['space', 'info', 'nb201', '--json']);
  assert.equal(r.status, 0);
  const info = JSON.parse(r.stdout);
  assert.equal(info.name, 'nb201');
  assert.equal(info.size, 15625);
  assert.equal(info.unique, 6466);
  assert.equal(info.choices.length, 6);
});

test('cli: bench nb201 --json prints one document with the contract fields', () => {
  const r = naskit(['bench', 'nb201', '--strategy', 'random', '--seeds', '3', '--queries', '50', '--json']);
  assert.equal(r.status, 0, r.stderr);
  const doc = JSON.parse(r.stdout);
  for (const key of ['benchmark', 'dataset', 'strategy', 'signal', 'report', 'seeds', 'queries', 'budget_seconds', 'final', 'curve', 'signal_final', 'signal_optimum', 'optimum', 'ms_per_query']) {
    assert.ok(key in doc, `missing ${key}`);
  }
  assert.equal(doc.optimum, 94.3733);
  assert.equal(doc.signal_optimum, 84.892);
  assert.equal(doc.queries, 50);
  assert.equal(doc.curve.at(-1).queries, 50);
  assert.ok(doc.final.mean > 85 && doc.final.mean <= 94.3733);
});

test('cli: bench nb201 --objectives reports the hypervolume and its reference point', () => {
  const r = naskit(['bench', 'nb201', '--strategy', 'random', '--objectives', 'acc,latency:pixel3', '--seeds', '2', '--queries', '40', '--json']);
  assert.equal(r.status, 0, r.stderr);
  const doc = JSON.parse(r.stdout);
  assert.deepEqual(doc.objectives, ['acc', 'latency:pixel3']);
  assert.ok(doc.hypervolume.mean > 0);
  assert.equal(doc.reference.acc, 0);
  assert.ok(doc.reference['latency:pixel3'] > 0);
  const bad = naskit(['bench', 'nb201', '--strategy', 'random', '--objectives', 'acc,latency:pixel9']);
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /pixel3/);
});

test('cli: bad usage exits 2 with one clear line on stderr', () => {
  for (const args of [
    ['space', 'info', 'nope'],
    ['bench', 'nb201', '--strategy', 'nope'],
    ['bench', 'nb201', '--strategy', 'random', '--queries', 'x'],
    ['bench', 'nb201', '--strategy', 'random', '--signal', 'test_200ep_mean'],
    ['nonsense'],
  ]) {
    const r = naskit(args);
    assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  }
});

test('cli: missing data exits 1 naming the file and NASKIT_DATA', () => {
  const empty = mkdtempSync(join(tmpdir(), 'naskit-nodata-'));
  const r = naskit(['bench', 'nb201', '--strategy', 'random', '--seeds', '1'], { NASKIT_DATA: empty });
  assert.equal(r.status, 1);
  assert.match(r.stderr, /nb201_tss\.csv/);
  assert.match(r.stderr, /NASKIT_DATA/);
});
