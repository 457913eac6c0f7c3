// 8 real `naskit worker` processes share one PostgreSQL experiment (NB201 tabular, 2,000 trials);
// 2 of them are killed with SIGKILL mid-run. No trial is lost, none is recorded twice, none goes
// beyond the budget, and the killed workers' trials are re-queued and finished by the others.
import assert from 'node:assert/strict';
import { validateConfig } from '../../src/experiment/config.js';
import { LiveStrategy } from '../../src/experiment/live-strategy.js';
import { PostgresStore } from '../../src/experiment/postgres-store.js';
import { Nb201Space } from '../../src/space/nb201/space.js';
import { createStrategy } from '../../src/strategy/registry.js';
import type { Json } from '../../src/util/json.js';
import { dropSchema, exited, naskitChild, pgUrl, postgresMissing, sleep, tempDir, uniqueSchema } from './helpers.js';
import { postgresTest } from '../helpers/postgres.js';

const BUDGET = 2000;

postgresTest('8 workers on one PostgreSQL experiment, 2 killed mid-run: every trial once, none beyond the budget', await postgresMissing(), { timeout: 600_000 }, async () => {
  const schema = uniqueSchema('naskit_workers');
  const url = pgUrl(schema);
  const store = await PostgresStore.open(url);
  try {
    const config = validateConfig({
      name: 'eight-workers',
      space: 'nb201',
      strategy: { name: 'rea' },
      // delay_ms: each look-up lasts like a tiny training, so that the kills land mid-trial.
      estimator: { name: 'tabular', benchmark: 'nb201', dataset: 'cifar10', signal: 'valid_12ep', delay_ms: 30 },
      budget: { trials: BUDGET },
      seed: 5,
      workers: { heartbeat_seconds: 0.5, stale_seconds: 3 },
    });
    const experiment = await store.createExperiment({ name: config.name, config: config as unknown as Json, seed: config.seed });
    const dir = tempDir('naskit-workers-');
    // Each worker names a different host, as on 8 machines: a killed worker's trials come back only
    // through the stale-heartbeat sweep (workers.stale_seconds), not through the same-host pid check.
    const workers = Array.from({ length: 8 }, (_, i) => {
      const child = naskitChild(['worker', '--experiment', config.name, '--storage', url, '--host', `machine-${i}`, '--json'], dir);
      let stdout = '';
      let stderr = '';
      child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
      return { child, end: exited(child), out: () => stdout, err: () => stderr };
    });

    // Mid-run: kill two workers that hold a running trial.
    let victims: number[] = [];
    for (;;) {
      const trials = await store.trials(experiment.id);
      // Workers whose trial started last are the likeliest to still be in it when the signal lands.
      const running = trials.filter((t) => t.state === 'running').sort((a, b) => b.started! - a.started!);
      const holders = [...new Set(running.map((t) => Number(t.worker!.split(':')[1])))];
      if (trials.length >= BUDGET * 0.3 && holders.length >= 2) {
        victims = holders.slice(0, 2);
        break;
      }
      assert.ok(trials.length < BUDGET, 'the run ended before the kills');
      await sleep(100);
    }
    for (const w of workers) if (victims.includes(w.child.pid!)) w.child.kill('SIGKILL');
    await sleep(50);
    const held = (await store.trials(experiment.id)).filter((t) => t.state === 'running' && victims.includes(Number(t.worker!.split(':')[1])));
    assert.ok(held.length >= 1, 'the killed workers held running trials');

    const results = await Promise.all(workers.map((w) => w.end));
    const survivors = workers.filter((w) => !victims.includes(w.child.pid!));
    assert.equal(survivors.length, 6);
    for (const w of survivors) assert.equal(results[workers.indexOf(w)].code, 0, w.err());
    const summaries = survivors.map((w) => JSON.parse(w.out()) as { evaluated: number; failed: number; lost: number });
    assert.equal(summaries.reduce((s, x) => s + x.lost, 0), 0, 'no evaluation was discarded by a live worker');

    const trials = await store.trials(experiment.id);
    assert.equal(trials.length, BUDGET, 'none beyond the budget, none lost');
    assert.deepEqual(trials.map((t) => t.number), [...Array(BUDGET).keys()]);
    assert.ok(trials.every((t) => t.state === 'complete'));
    assert.equal(new Set(trials.map((t) => t.worker)).size >= 6, true, 'work was shared');
    for (const h of held) {
      const t = trials[h.number];
      assert.equal(t.state, 'complete');
      assert.ok(t.attempts >= 2, `trial ${h.number} was re-queued`);
      assert.ok(!victims.includes(Number(t.worker!.split(':')[1])), `trial ${h.number} finished by a survivor`);
    }
    const events = await store.events(experiment.id);
    assert.equal(events.length, 2 * BUDGET);
    const tells = events.filter((e) => e.kind === 'tell').map((e) => e.trial);
    assert.equal(new Set(tells).size, BUDGET, 'each trial told exactly once');
    // The parallel run replays exactly from its recorded ask/tell order in a fresh strategy.
    const space = new Nb201Space();
    const live = new LiveStrategy(createStrategy('rea', { space, seed: config.seed }, {}), space);
    live.apply(events);
    assert.equal(live.asked, BUDGET);
  } finally {
    await store.close();
    await dropSchema(schema);
  }
});
