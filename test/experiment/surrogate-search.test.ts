import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { DartsSpace } from '../../src/space/darts/space.js';
import { naskit, tempDir, writeConfig } from './helpers.js';

const CONFIG = `name: nb301-asha
space: darts
strategy: {name: asha, options: {fidelities: [1, 4, 11, 33, 98]}}
estimator: {name: surrogate, benchmark: nb301}
budget: {trials: 40}
seed: 1
`;

test('search: estimator surrogate (nb301) on the DARTS space, ASHA on the epoch axis, the final step reports 98 epochs', { timeout: 120_000 }, () => {
  const dir = tempDir('naskit-nb301-');
  const s = naskit(['search', writeConfig(dir, CONFIG), '--json'], dir);
  assert.equal(s.status, 0, s.stderr);
  const doc = JSON.parse(s.stdout);
  assert.deepEqual(doc.trials, { total: 40, complete: 40, failed: 0, pruned: 0 });
  assert.equal(doc.best.report, 'nb301_valid_98ep');
  assert.ok(doc.best.test_accuracy > 85 && doc.best.test_accuracy < 95, String(doc.best.test_accuracy));
  new DartsSpace().parse(doc.best.arch);
  // ASHA's bottom rung (1 epoch) predicts far lower accuracies than its top rung (98).
  const values = (JSON.parse(naskit(['trials', 'nb301-asha', '--json'], dir).stdout).trials as { value: number }[]).map((t) => t.value);
  assert.equal(values.length, 40);
  assert.ok(Math.min(...values) < 70 && Math.max(...values) > 85, `${Math.min(...values)}..${Math.max(...values)}`);
});

test('search: estimator surrogate refuses a space other than darts (exit 2) and names a missing model (exit 1)', () => {
  const dir = tempDir('naskit-nb301-');
  const wrong = naskit(['search', writeConfig(dir, CONFIG.replace('space: darts', 'space: nb201'), 'wrong.yaml'), '--json'], dir);
  assert.equal(wrong.status, 2, wrong.stderr);
  assert.match(wrong.stderr, /space: darts/);
  const empty = tempDir('naskit-nodata-');
  const missing = naskit(['search', writeConfig(dir, CONFIG.replace('nb301-asha', 'nb301-missing'), 'missing.yaml'), '--json'], dir, { NASKIT_DATA: empty });
  assert.equal(missing.status, 1, missing.stderr);
  assert.ok(missing.stderr.includes(join(empty, 'nb301', 'model_v2.onnx')), missing.stderr);
});
