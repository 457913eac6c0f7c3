// The dashboard end to end in Debian's Chromium, against live searches writing to SQLite and to
// PostgreSQL: the table fills, best so far grows without a reload, a click shows a trial's curve and
// graph, filtering and sorting work, two trials compare, a multi-objective run shows its front, and a
// storage that goes away shows a banner until it returns. NASKIT_DASHBOARD_SHOTS=DIR keeps the
// screenshots there (docs/dashboard/ holds the committed ones).
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { Nb201Table } from '../../src/space/nb201/table.js';
import { TabularEstimator } from '../../src/estimate/tabular.js';
import { openStore } from '../../src/experiment/open-store.js';
import type { Store, WorkerInfo } from '../../src/experiment/store.js';
import { Nb201Space } from '../../src/space/nb201/space.js';
import { createSpace } from '../../src/space/registry.js';
import { dataDir } from '../../src/util/paths.js';
import { Rng } from '../../src/util/rng.js';
import type { Json } from '../../src/util/json.js';
import { startDashboard, type Dashboard } from '../../src/web/index.js';
import { createStudy, TrialPruned } from '../../src/study/index.js';
import { engineMissing } from '../engine/helpers.js';
import { dropSchema, exited, naskitChild, pgExec, pgUrl, postgresMissing, tempDir, uniqueSchema, writeConfig } from '../experiment/helpers.js';
import { postgresTest } from '../helpers/postgres.js';
import { browserSkipReason, launchBrowser } from './browser.js';

const skip = browserSkipReason();
if (skip) process.stderr.write(`naskit: ${skip}\n`);
const shotsDir = resolve(process.env.NASKIT_DASHBOARD_SHOTS ?? tempDir('naskit-shots-'));
mkdirSync(shotsDir, { recursive: true });

const BUDGET = 300;

const TABULAR = `name: nb201-live
space: nb201
strategy: {name: rea, options: {population: 20, sample_size: 5}}
estimator: {name: tabular, benchmark: nb201, dataset: cifar10, signal: valid_12ep, delay_ms: 25}
budget: {trials: ${BUDGET}}
seed: 1
`;

// Real training (the libtorch engine) so that trials have learning curves: tiny and quick.
const TRAINING = `name: mnist-live
space: nb201
strategy: {name: random}
estimator: {name: train, dataset: mnist, epochs: 3, channels: 4, cells: 1, train_images: 256, validation_images: 128, test_images: 256, batch_size: 64, threads: 1}
budget: {trials: 2}
seed: 0
`;

let launched: Awaited<ReturnType<typeof launchBrowser>> | null = null;

async function newPage(): Promise<Page> {
  const page = await launched!.context.newPage();
  page.on('pageerror', (error) => assert.fail(`error in the page: ${error.message}`));
  // Nothing may be loaded from anywhere but the dashboard itself.
  page.on('request', (req) => assert.match(req.url(), /^(http:\/\/127\.0\.0\.1:\d+\/|data:)/, `the page requested ${req.url()}`));
  return page;
}

async function count(page: Page): Promise<{ shown: number; total: number }> {
  const text = (await page.getByTestId('trial-count').textContent()) ?? '';
  const [shown, total] = text.split(' of ').map(Number);
  return { shown, total };
}

async function visibleRows(page: Page): Promise<{ number: number; state: string; arch: string; value: string }[]> {
  return page.$$eval('[data-testid=trial-row]', (rows) =>
    rows
      .map((r) => ({ top: r.getBoundingClientRect().top, number: Number(r.getAttribute('data-number')), state: r.querySelector('.col-state')!.textContent!, arch: r.querySelector('.col-arch')!.textContent!, value: r.querySelector('.col-value')!.textContent! }))
      .sort((a, b) => a.top - b.top)
      .map(({ number, state, arch, value }) => ({ number, state, arch, value })),
  );
}

/** The number of x values a chart draws (its `data-points`), 0 while it is absent. */
async function points(page: Page, testId: string): Promise<number> {
  const el = await page.$(`[data-testid=${testId}]`);
  return el ? Number(await el.getAttribute('data-points')) : 0;
}

/** Polls `condition` until it holds; fails after `timeoutMs`. */
async function until(condition: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`condition not met in ${timeoutMs} ms: ${condition.toString().slice(0, 160)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function shot(page: Page, name: string, fullPage = false) {
  return page.screenshot({ path: join(shotsDir, `${name}.png`), fullPage });
}

/** Experiments written straight through the store: a two-objective NB201 run (real table figures) and one architecture per other space. */
async function writeFixtures(store: Store): Promise<void> {
  const worker: WorkerInfo = { id: 'fixture:1:1' };
  const rng = new Rng(5);
  const nb201 = new Nb201Space();
  const tabular = new TabularEstimator(Nb201Table.load(dataDir()), nb201);
  const mo = await store.createExperiment({ name: 'nb201-two-objectives', config: { name: 'nb201-two-objectives', space: 'nb201', strategy: { name: 'random' }, estimator: { name: 'tabular' }, budget: { trials: 150 } }, seed: 5 });
  for (let i = 0; i < 150; i++) {
    const sample = nb201.random(rng);
    const made = (await store.askTrial(mo.id, -1, worker, (v) => ({ sample: sample as Json, key: nb201.key(sample), fidelity: null, params: {}, userAttrs: {}, seed: v.trialCount, codeVersion: 'naskit@test' })))!;
    const q = tabular.query(sample);
    // Both maximised, as naskit orients objectives: accuracy, and minus the parameters in millions.
    const values = [q.value, -Number(q.metrics.params) / 1e6];
    await store.finishTrial(made.trial.id, worker, { state: 'complete', value: q.value, values, userAttrs: { cost_seconds: q.costSeconds }, observation: { values } });
  }
  for (const space of ['darts', 'nb101', 'chain', 'mbconv']) {
    const s = createSpace(space);
    const e = await store.createExperiment({ name: `${space}-arch`, config: { name: `${space}-arch`, space, strategy: { name: 'random' }, estimator: { name: 'train' }, budget: { trials: 1 } }, seed: 0 });
    const sample = s.random(rng);
    await store.askTrial(e.id, -1, worker, () => ({ sample: sample as Json, key: s.key(sample), fidelity: null, params: {}, userAttrs: {}, seed: 0, codeVersion: 'naskit@test' }));
  }
}

interface Target {
  readonly name: 'sqlite' | 'postgres';
  url: string;
  schema?: string;
}

const sqliteDir = tempDir('naskit-dash-e2e-');
// The PostgreSQL target needs a server (the configured one, or one started here); without one it skips with one line.
const pgMissing = skip ? null : await postgresMissing();
const TARGETS: Target[] = [
  { name: 'sqlite', url: `sqlite://${join(sqliteDir, 'live.db')}` },
  (() => {
    const schema = uniqueSchema('naskit_dash');
    return { name: 'postgres' as const, url: pgUrl(schema), schema };
  })(),
];

describe('dashboard in Chromium', { skip: skip ?? false }, () => {
  before(async () => {
    launched = await launchBrowser();
  });
  after(async () => {
    await launched?.close();
    for (const t of TARGETS) if (t.schema && !pgMissing) await dropSchema(t.schema);
  });

  test('a define-by-run study in SQLite: listed as a study, its parameters in the table, best so far downwards, a trial\'s curve', { timeout: 120_000 }, async () => {
    const url = `sqlite://${join(sqliteDir, 'study.db')}`;
    const study = await createStudy({ storage: url, name: 'loss-study', strategy: 'rea', direction: 'minimize', seed: 1 });
    await study.optimize(
      async (trial) => {
        const depth = trial.suggestInt('depth', 2, 8);
        const op = trial.suggestCategorical('op', ['conv3', 'sep3']);
        const lr = op === 'sep3' ? trial.suggestFloat('lr', 1e-4, 1e-1, { log: true }) : 1e-2;
        let loss = 0;
        for (let epoch = 0; epoch < 4; epoch++) {
          loss = Math.abs(depth - 6) + (op === 'sep3' ? 0 : 1) + Math.abs(Math.log10(lr) + 2) + 2 / (epoch + 1);
          trial.report(loss, epoch);
          if (trial.shouldPrune()) throw new TrialPruned();
        }
        return loss;
      },
      { trials: 30, workers: 1 },
    );
    await study.close();
    const store = await openStore(url);
    const dashboard = await startDashboard({ store, port: 0, intervalMs: 300 });
    try {
      const page = await newPage();
      await page.goto(`${dashboard.url}#/e/loss-study`);
      await until(async () => (await page.getByTestId('trial-count').textContent()) === '30 of 30');
      assert.equal(await page.getByTestId('experiment-kind').textContent(), 'study · rea · minimize');
      assert.equal(await page.getByTestId('best-value').textContent(), study.bestValue.toFixed(3));
      const rows = await visibleRows(page);
      assert.ok(rows.length > 5 && rows.every((r) => /^depth=\d op=(conv3|sep3)( lr=[\d.e-]+)?$/.test(r.arch)), `parameters in the table: ${rows.map((r) => r.arch).join(' / ')}`);
      await until(async () => (await points(page, 'best-so-far')) === 30);
      await page.getByTestId('parallel-coordinates').waitFor();
      const best = study.bestTrial!;
      // The best trial by its route (its row may be scrolled out of the virtualised table): its curve, one point per report.
      await page.goto(`${dashboard.url}#/e/loss-study/t/${best.number}`);
      await until(async () => (await page.getByTestId('trial-panel').getAttribute('data-number')) === String(best.number));
      await until(async () => (await points(page, 'trial-curve')) === 4);
      await page.getByTestId('trial-panel').locator('[data-testid=arch-graph]').waitFor();
      await shot(page, 'study', true);
      await page.close();
    } finally {
      await dashboard.close();
      await store.close();
    }
  });

  for (const target of TARGETS) {
    postgresTest(`a live search on ${target.name}: table, best so far, trial curve and graph, filter, sort, compare`, target.name === 'postgres' ? pgMissing : null, { timeout: 240_000 }, async (t) => {
      const cwd = tempDir('naskit-dash-run-');
      const children: ChildProcess[] = [];
      const training = engineMissing();
      if (training && process.env.NASKIT_REQUIRE_ENGINE === '1') throw new Error(`NASKIT_REQUIRE_ENGINE=1 but the engine is missing: ${training}`);
      if (training) t.diagnostic(`no learning curves checked: ${training.split(';')[0]}`);
      // The dashboard and the page come first, on an empty storage; the searches start once the page is open.
      const store = await openStore(target.url);
      let dashboard: Dashboard | null = null;
      try {
        dashboard = await startDashboard({ store, port: 0, intervalMs: 300 });
        const base = dashboard.url;
        const page = await newPage();
        await page.goto(base);
        await page.getByText('no experiments in this storage yet').waitFor();

        const search = naskitChild(['search', writeConfig(cwd, TABULAR, 'tabular.yaml'), '--storage', target.url], cwd, { NASKIT_STORAGE: '' });
        children.push(search);
        let searchErr = '';
        search.stderr!.on('data', (b: Buffer) => (searchErr += b.toString()));
        search.once('exit', (code) => code !== 0 && t.diagnostic(`search exited ${code}: ${searchErr.trim().split('\n').pop()}`));
        if (!training) children.push(naskitChild(['search', writeConfig(cwd, TRAINING, 'train.yaml'), '--storage', target.url], cwd, { NASKIT_STORAGE: '', NASKIT_THREADS: '1' }));

        // The list follows the storage: the new experiments appear without a reload.
        await page.locator('[data-testid=experiment-row][data-name=nb201-live]').waitFor({ timeout: 30_000 });
        if (!training) await page.locator('[data-testid=experiment-row][data-name=mnist-live]').waitFor({ timeout: 30_000 });
        if (target.name === 'sqlite') await page.locator('main').screenshot({ path: join(shotsDir, 'experiments.png') });

        // Live: the table fills and best so far grows, without a reload.
        await page.goto(`${base}#/e/nb201-live`);
        await until(async () => (await points(page, 'best-so-far')) >= 5);
        const before = await points(page, 'best-so-far');
        const firstCount = (await count(page)).total;
        assert.ok(before + 30 <= BUDGET, `the search was nearly over (${before} trials) before the page could watch it grow`);
        await until(async () => (await points(page, 'best-so-far')) >= before + 30);
        assert.ok((await count(page)).total > firstCount, 'the table grew');
        assert.ok((await page.$$('[data-testid=trial-row]')).length > 5, 'rows shown');

        // A click opens the trial: its architecture as a cell with 6 operations on its edges.
        await page.locator('[data-testid=trial-row][data-number="3"]').click();
        await page.getByTestId('trial-panel').locator('[data-testid=arch-graph]').waitFor();
        assert.equal(await page.getByTestId('trial-panel').getAttribute('data-number'), '3');
        assert.equal(await page.locator('[data-testid=arch-graph] .edge text').count(), 6);
        assert.ok(page.url().endsWith('#/e/nb201-live/t/3'));

        assert.equal((await exited(search)).code, 0, 'the search ended well');
        await until(async () => (await page.getByTestId('trial-count').textContent()) === `${BUDGET} of ${BUDGET}`);
        await until(async () => (await points(page, 'best-so-far')) === BUDGET);
        if (target.name === 'sqlite') await shot(page, 'experiment', true);

        // Sort by value: the best first, then the worst first.
        const response = await fetch(`${base}api/experiments/nb201-live/trials`);
        const all = ((await response.json()) as { trials: { value: number | null }[] }).trials.map((x) => x.value).filter((v): v is number => v !== null);
        await page.getByTestId('sort-value').click();
        assert.equal((await visibleRows(page))[0].value, Math.max(...all).toFixed(3));
        await page.getByTestId('sort-value').click();
        assert.equal((await visibleRows(page))[0].value, Math.min(...all).toFixed(3));

        // Filter by text and by state.
        const needle = '|nor_conv_3x3~0|+|';
        await page.getByTestId('trial-filter').fill(needle);
        const filtered = await count(page);
        assert.ok(filtered.shown > 0 && filtered.shown < filtered.total, `filter kept ${filtered.shown} of ${filtered.total}`);
        assert.ok((await visibleRows(page)).every((r) => r.arch.includes(needle)));
        await page.getByTestId('trial-filter').fill('');
        await page.getByTestId('state-filter').selectOption('complete');
        assert.ok((await visibleRows(page)).every((r) => r.state === 'complete'));
        await page.getByTestId('state-filter').selectOption('');
        assert.equal((await count(page)).shown, BUDGET);

        if (!training) {
          // A trained trial: its learning curve, one point per epoch, and the two trials side by side.
          assert.equal((await exited(children[1])).code, 0, 'the training search ended well');
          await page.goto(`${base}#/e/mnist-live/t/0`);
          await until(async () => (await points(page, 'trial-curve')) === 3);
          await page.getByTestId('trial-panel').locator('[data-testid=arch-graph]').waitFor();
          if (target.name === 'sqlite') await page.getByTestId('trial-panel').screenshot({ path: join(shotsDir, 'trial.png') });
          for (const n of [0, 1]) await page.locator(`[data-testid=trial-row][data-number="${n}"] input[type=checkbox]`).check();
          await page.getByTestId('compare').locator('[data-testid=compare-curves]').waitFor();
          // Each side reads its trial, then draws its graph.
          await until(async () => (await page.getByTestId('compare').locator('[data-testid=arch-graph]').count()) === 2, 15_000);
          if (target.name === 'sqlite') await page.getByTestId('compare').screenshot({ path: join(shotsDir, 'compare.png') });
        }

        if (target.name === 'sqlite') {
          await writeFixtures(store);
          await page.goto(`${base}#/e/nb201-two-objectives`);
          await page.getByTestId('pareto-front').waitFor({ timeout: 15_000 });
          await page.waitForTimeout(300);
          await page.locator('section.card', { has: page.getByTestId('pareto-front') }).screenshot({ path: join(shotsDir, 'pareto.png') });
          await page.locator('section.card', { has: page.getByTestId('parallel-coordinates') }).screenshot({ path: join(shotsDir, 'parallel.png') });
          for (const space of ['darts', 'nb101', 'chain']) {
            await page.goto(`${base}#/e/${space}-arch/t/0`);
            const graphs = page.getByTestId('trial-panel').locator('[data-testid=arch-graph]');
            await graphs.first().waitFor();
            assert.equal(await graphs.count(), space === 'darts' ? 2 : 1);
            await page.getByTestId('trial-panel').screenshot({ path: join(shotsDir, `graph-${space}.png`) });
          }
        } else {
          // The storage goes away (its schema disappears under the dashboard) and returns.
          await page.goto(`${base}#/e/nb201-live`);
          await page.getByTestId('experiment-head').waitFor();
          await pgExec(`ALTER SCHEMA "${target.schema}" RENAME TO "${target.schema}_away"`);
          try {
            await page.getByTestId('storage-banner').waitFor({ timeout: 15_000 });
            assert.match((await page.getByTestId('storage-banner').textContent()) ?? '', /does not answer/);
            await shot(page, 'banner');
          } finally {
            await pgExec(`ALTER SCHEMA "${target.schema}_away" RENAME TO "${target.schema}"`);
          }
          await page.getByTestId('storage-banner').waitFor({ state: 'detached', timeout: 15_000 });
          assert.equal((await count(page)).total, BUDGET, 'the page kept and shows its data');
        }
        await page.close();
      } finally {
        for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
        await dashboard?.close();
        await store.close();
      }
    });
  }
});
