import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { projectRoot } from '../../src/util/paths.js';
import { engineTest } from './helpers.js';

// Random calls at the public engine (fuzz-child.ts), in a child process so that a crash is a
// result: the process must exit normally, and every failure must be a naskit error with a code
// (NativeError; ConfigError for optimizer settings) or a TypeError / RangeError (JS-side misuse).
// Fixed seeds and case counts: the same calls every run.

const child = join(projectRoot(), 'dist', 'test', 'engine', 'fuzz-child.js');
const CASES = 1500;

type Report = { cases: number; fast: boolean; tally: Record<string, number>; bad: { call: string; error: string; message: string }[]; tensors: number };

function fuzz(seed: number, env: Record<string, string>): Report {
  const r = spawnSync(process.execPath, [child, String(seed), String(CASES)], { encoding: 'utf8', env: { ...process.env, ...env }, timeout: 120_000 });
  assert.equal(r.signal, null, `seed ${seed}: the child died of ${r.signal}: ${r.stderr.slice(-3000)}`);
  assert.equal(r.status, 0, `seed ${seed}: ${r.stderr.slice(-3000)}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as Report;
}

function check(report: Report, seed: number): void {
  assert.deepEqual(report.bad, [], `seed ${seed}: failures without a code`);
  const total = Object.values(report.tally).reduce((a, b) => a + b, 0);
  assert.equal(total, report.cases);
  // The cases reach the addon: some succeed and many fail inside it, with its codes.
  const native = Object.entries(report.tally).filter(([k]) => k.startsWith('NativeError ')).reduce((a, [, v]) => a + v, 0);
  assert.ok((report.tally.ok ?? 0) > report.cases / 20, `seed ${seed}: too few calls succeed: ${JSON.stringify(report.tally)}`);
  assert.ok(native > report.cases / 20, `seed ${seed}: too few NativeErrors: ${JSON.stringify(report.tally)}`);
  assert.equal(report.tensors, 0, `seed ${seed}: tensors left alive after every scope ended`);
}

engineTest(`fuzz: ${CASES} random engine calls per seed never kill the process and fail only with coded errors (fast calls where built)`, () => {
  for (const seed of [1, 2]) check(fuzz(seed, {}), seed);
});

engineTest(`fuzz: the same on the Node-API path (NASKIT_FAST_CALLS=0)`, () => {
  for (const seed of [3]) {
    const report = fuzz(seed, { NASKIT_FAST_CALLS: '0' });
    assert.equal(report.fast, false);
    check(report, seed);
  }
});
