// The dashboard with 10,000 trials in one experiment (SQLite), measured in Chromium: the time to the
// first complete view (table rows and the best-so-far chart of every trial), and frame times while
// the trials table scrolls. The figures go to the test's diagnostics; bench/results/dashboard.md
// holds a committed run. Bounds here are loose (a shared machine); the figures are the result.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Nb201Table } from '../../src/space/nb201/table.js';
import { TabularEstimator } from '../../src/estimate/tabular.js';
import { SqliteStore } from '../../src/experiment/sqlite-store.js';
import type { WorkerInfo } from '../../src/experiment/store.js';
import { Nb201Space } from '../../src/space/nb201/space.js';
import { dataDir } from '../../src/util/paths.js';
import { Rng } from '../../src/util/rng.js';
import type { Json } from '../../src/util/json.js';
import { startDashboard } from '../../src/web/index.js';
import { tempDir } from '../experiment/helpers.js';
import { browserSkipReason, launchBrowser } from './browser.js';

const TRIALS = 10_000;
const skip = browserSkipReason();

interface Frames {
  frames: number;
  median_ms: number;
  p95_ms: number;
  max_ms: number;
  over_50ms: number;
}

/** Runs in the page: frame times over `count` animation frames, scrolling the table by `step` px in each. */
function frameTimes([count, step]: [number, number]): Promise<Frames & { rows_in_dom: number; scrolled_px: number }> {
  // The page's globals, typed here because the tests compile without DOM types.
  const page = globalThis as unknown as {
    document: { querySelector(s: string): { scrollTop: number }; querySelectorAll(s: string): { length: number } };
    performance: { now(): number };
    requestAnimationFrame(f: () => void): void;
  };
  return (async () => {
    const body = page.document.querySelector('[data-testid=trials-table]');
    body.scrollTop = 0;
    const frames: number[] = [];
    await new Promise<void>((r) => page.requestAnimationFrame(r));
    let last = page.performance.now();
    for (let i = 0; i < count; i++) {
      body.scrollTop += step;
      await new Promise<void>((r) => page.requestAnimationFrame(r));
      const now = page.performance.now();
      frames.push(now - last);
      last = now;
    }
    frames.sort((a, b) => a - b);
    const q = (p: number) => Math.round(10 * frames[Math.min(frames.length - 1, Math.floor(p * frames.length))]) / 10;
    return { frames: frames.length, median_ms: q(0.5), p95_ms: q(0.95), max_ms: q(1), over_50ms: frames.filter((f) => f > 50).length, rows_in_dom: page.document.querySelectorAll('[data-testid=trial-row]').length, scrolled_px: body.scrollTop };
  })();
}

describe(`dashboard with ${TRIALS} trials`, { skip: skip ?? false }, () => {
  const dir = tempDir('naskit-dash-10k-');
  const url = `sqlite://${join(dir, 'big.db')}`;
  let store: SqliteStore;

  before(async () => {
    const started = Date.now();
    // The fill is set-up, not what is measured: no fsync (the dashboard reads the file like any other).
    store = SqliteStore.open(url, { pragmas: ['synchronous = OFF'] });
    const space = new Nb201Space();
    const tabular = new TabularEstimator(Nb201Table.load(dataDir()), space);
    const rng = new Rng(10);
    const worker: WorkerInfo = { id: 'bench:1:1' };
    const e = await store.createExperiment({ name: 'big', config: { name: 'big', space: 'nb201', strategy: { name: 'random' }, estimator: { name: 'tabular' }, budget: { trials: TRIALS } }, seed: 10 });
    // Each ask reads only the log after the last tell (as a worker does), else filling is quadratic.
    let seen = -1;
    for (let i = 0; i < TRIALS; i++) {
      const sample = space.random(rng);
      const made = (await store.askTrial(e.id, seen, worker, (v) => ({ sample: sample as Json, key: space.key(sample), fidelity: null, params: {}, userAttrs: {}, seed: v.trialCount, codeVersion: 'naskit@test' })))!;
      const q = tabular.query(sample);
      await store.finishTrial(made.trial.id, worker, { state: 'complete', value: q.value, userAttrs: { cost_seconds: q.costSeconds }, observation: { value: q.value } });
      seen = made.seq + 1;
    }
    process.stderr.write(`naskit dashboard 10k: ${TRIALS} trials written in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  });
  after(async () => {
    await store?.close();
  });

  test('first view and table scrolling, measured in the browser', { timeout: 180_000 }, async (t) => {
    const dashboard = await startDashboard({ store, port: 0 });
    const browser = await launchBrowser();
    try {
      const page = await browser.context.newPage();
      await page.goto(`${dashboard.url}#/e/big`);
      // Time from navigation start to a page showing rows and the chart of all trials.
      const ready = (n: number) => {
        const doc = (globalThis as unknown as { document: { querySelector(s: string): { getAttribute(a: string): string | null } | null; querySelectorAll(s: string): { length: number } } }).document;
        return Number(doc.querySelector('[data-testid=best-so-far]')?.getAttribute('data-points')) === n && doc.querySelectorAll('[data-testid=trial-row]').length > 0;
      };
      await page.waitForFunction(ready, TRIALS, { polling: 'raf', timeout: 60_000 });
      const firstViewMs = await page.evaluate(() => (globalThis as unknown as { performance: { now(): number } }).performance.now());
      assert.equal(await page.getByTestId('trial-count').textContent(), `${TRIALS} of ${TRIALS}`);
      // Idle frames (the machine's own pace), a fast fling (120 px a frame) and jumps of a whole page (900 px) a frame.
      const idle = await page.evaluate(frameTimes, [120, 0] as [number, number]);
      const fling = await page.evaluate(frameTimes, [240, 120] as [number, number]);
      const scroll = await page.evaluate(frameTimes, [240, 900] as [number, number]);
      const strip = ({ rows_in_dom: _r, scrolled_px: _s, ...f }: Frames & { rows_in_dom: number; scrolled_px: number }) => f;
      const figures = { trials: TRIALS, first_view_ms: Math.round(firstViewMs), idle_frames: strip(idle), scroll_120px_frames: strip(fling), scroll_900px_frames: strip(scroll), rows_in_dom: scroll.rows_in_dom };
      t.diagnostic(JSON.stringify(figures));
      process.stderr.write(`naskit dashboard 10k: ${JSON.stringify(figures)}\n`);
      // Virtualised: only the visible rows (plus overscan) exist, wherever the table is scrolled.
      assert.ok(scroll.rows_in_dom < 80, `${scroll.rows_in_dom} rows in the page`);
      assert.ok(scroll.scrolled_px > 100_000, 'the table scrolled far');
      // Loose bounds: the machine is shared; the figures above are what counts.
      assert.ok(firstViewMs < 20_000, `first view took ${firstViewMs} ms`);
      assert.ok(fling.median_ms < 200, `median frame ${fling.median_ms} ms`);
    } finally {
      await browser.close();
      await dashboard.close();
    }
  });
});
