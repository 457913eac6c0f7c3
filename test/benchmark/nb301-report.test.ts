import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { readOneshotGenotypes } from '../../bench/nb301/oneshot.js';
import { mergeSeedReports } from '../../bench/nb301/per-seed.js';
import { runNb301Benchmark } from '../../src/benchmark/nb301.js';
import { Nb301Surrogate } from '../../src/estimate/nb301-surrogate.js';
import { DartsSpace } from '../../src/space/darts/space.js';
import { Rng } from '../../src/util/rng.js';
import { testDataDir } from '../helpers/data.js';

test('bench/nb301 per seed: one-seed reports merged give the lock-step report over the same seeds', async () => {
  const surrogate = await Nb301Surrogate.load(testDataDir());
  const together = await runNb301Benchmark(surrogate, { strategy: 'local', seeds: 3, seed_base: 2, queries: 30, fidelity: 'full' });
  const alone = await Promise.all([2, 3, 4].map((seed_base) => runNb301Benchmark(surrogate, { strategy: 'local', seeds: 1, seed_base, queries: 30, fidelity: 'full' })));
  const merged = mergeSeedReports(alone);
  // Everything but the strategy's time per query (measured per process) and the signal's mean,
  // which a one-seed report rounds to 4 decimals.
  const strip = (r: object): object => Object.fromEntries(Object.entries(r).filter(([k]) => k !== 'ms_per_query' && k !== 'signal_final'));
  assert.deepEqual(strip(merged), strip(together));
  assert.deepEqual(Object.keys(merged), Object.keys(together));
  assert.ok(Math.abs(merged.signal_final.mean - together.signal_final.mean) < 1e-4);
  assert.throws(() => mergeSeedReports([]), RangeError);
  assert.throws(() => mergeSeedReports([together]), /one-seed reports only/);
});

test('bench/nb301 report: the one-shot searches are read from their JSON files, a missing folder gives none, an unreadable file is skipped', () => {
  assert.deepEqual(readOneshotGenotypes(join(tmpdir(), 'naskit-no-such-folder-oneshot-darts')), { genotypes: [], skipped: [] });
  const dir = mkdtempSync(join(tmpdir(), 'naskit-oneshot-darts-'));
  const space = new DartsSpace();
  const genotype = space.format(space.random(new Rng(3)));
  // The fields bench/oneshot/darts.ts writes (history shortened to its length's use).
  const run = (method: string, seed: number, extra: object = {}): object => ({
    id: `darts-${method}-s${seed}-e2-n2000-c8x1-b64`,
    method,
    seed,
    settings: { method, space: 'darts', dataset: 'cifar10', epochs: 2, subset: 2000, channels: 8, cells: 1, batchSize: 64, seed },
    history: [{ epoch: 1 }, { epoch: 2 }],
    genotype,
    params_c36_l20: 3_000_000,
    stopped: null,
    seconds: 1700,
    load: [4, 4, 4],
    date: '2026-12-07T17:00:00.000Z',
    ...extra,
  });
  writeFileSync(join(dir, 'darts-gdas-s1.json'), JSON.stringify(run('gdas', 1, { history: [{ epoch: 1 }], stopped: 'budget of 1800 s' })));
  writeFileSync(join(dir, 'darts-darts-s0.json'), JSON.stringify(run('darts', 0)));
  writeFileSync(join(dir, 'broken.json'), '{"method": "darts", "se');
  writeFileSync(join(dir, 'bad-genotype.json'), JSON.stringify(run('darts', 2, { genotype: 'Genotype(normal=[])' })));
  writeFileSync(join(dir, 'notes.txt'), 'not a search');
  const { genotypes, skipped } = readOneshotGenotypes(dir, 'bench/results/oneshot-darts');
  assert.deepEqual(
    genotypes.map((g) => g.name),
    [
      'naskit oneshot darts, seed 0, (supernet C=8, N=1; 2,000 CIFAR-10 images; batch 64; 2/2 epochs)',
      'naskit oneshot gdas, seed 1, (supernet C=8, N=1; 2,000 CIFAR-10 images; batch 64; 1/2 epochs; stopped: budget of 1800 s)',
    ],
  );
  assert.equal(genotypes[0].source, 'bench/oneshot/darts.ts; `bench/results/oneshot-darts/darts-darts-s0.json` (2026-12-07)');
  assert.equal(genotypes[0].genotype, genotype);
  assert.deepEqual(
    skipped.map((s) => s.file),
    ['bad-genotype.json', 'broken.json'],
  );
});
