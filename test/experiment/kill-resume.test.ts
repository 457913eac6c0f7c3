// Kills a real `naskit search` (a child process on a real SQLite file) with SIGKILL at random
// moments, at least 20 times, resuming after each: no completed trial is lost, none duplicated,
// and the run ends with the same trials as an uninterrupted one.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { SqliteStore } from '../../src/experiment/sqlite-store.js';
import type { TrialRecord } from '../../src/experiment/store.js';
import { Rng } from '../../src/util/rng.js';
import { exited, naskit, naskitChild, sleep, storedTrials, tempDir, writeConfig } from './helpers.js';

const BUDGET = 200;
// delay_ms makes each look-up last like a tiny training so that kills land mid-trial.
const CONFIG = (name: string) => `name: ${name}
space: nb201
strategy: {name: rea}
estimator: {name: tabular, benchmark: nb201, dataset: cifar10, signal: valid_12ep, delay_ms: 15}
budget: {trials: ${BUDGET}}
seed: 11
workers: {heartbeat_seconds: 1, stale_seconds: 30}
`;


/** Trials recorded so far (0 when the experiment does not exist yet). */
async function trialCount(url: string, name: string): Promise<number> {
  return (await storedTrials(url, name))?.length ?? 0;
}

/** Resolves once the experiment has more than `before` trials, or the child ended. */
async function progressed(url: string, name: string, before: number, end: Promise<unknown>): Promise<void> {
  let done = false;
  void end.then(() => (done = true));
  while (!done && (await trialCount(url, name)) <= before) await sleep(50);
}

test('kill -9 at random moments (>= 20 times) and resume: nothing lost, nothing duplicated, same trials as an uninterrupted run', { timeout: 300_000 }, async () => {
  const dir = tempDir('naskit-kill-');
  // The uninterrupted reference run.
  const refUrl = `sqlite://${join(dir, 'reference.db')}`;
  const ref = naskit(['search', writeConfig(dir, CONFIG('ref'), 'ref.yaml'), '--storage', refUrl, '--json'], dir);
  assert.equal(ref.status, 0, ref.stderr);
  const reference = (await storedTrials(refUrl, 'ref'))!;
  assert.equal(reference.length, BUDGET);

  const url = `sqlite://${join(dir, 'killed.db')}`;
  const rng = new Rng(2024);
  let kills = 0;
  let runs = 0;
  const finished: string[] = [];
  // If one experiment finishes before 20 kills, the next one (same config, new name) takes more.
  for (let e = 0; kills < 20; e++) {
    const name = `killed-${e}`;
    const config = writeConfig(dir, CONFIG(name), `${name}.yaml`);
    for (;;) {
      const exists = (await storedTrials(url, name)) !== null;
      const child = naskitChild(exists ? ['resume', name, '--storage', url, '--json'] : ['search', config, '--storage', url, '--json'], dir);
      runs++;
      let stderr = '';
      child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
      const end = exited(child);
      // Every fourth kill at a random moment from spawn (start-up, migration, creation); the others at a
      // random moment after the child has recorded a new trial, so that they land mid-search however
      // slow start-up is on a loaded machine.
      const fromSpawn = rng.int(4) === 0;
      const before = fromSpawn ? 0 : await trialCount(url, name);
      const ready = fromSpawn ? sleep(rng.int(1500)) : progressed(url, name, before, end).then(() => sleep(rng.int(400)));
      const outcome = await Promise.race([end, ready.then(() => null)]);
      if (outcome === null) {
        child.kill('SIGKILL');
        const { signal } = await end;
        if (signal === 'SIGKILL') kills++;
        continue;
      }
      assert.equal(outcome.code, 0, `run ${runs} of ${name} failed: ${stderr}`);
      finished.push(name);
      break;
    }
  }
  assert.ok(kills >= 20, `${kills} kills`);

  for (const name of finished) {
    const trials = (await storedTrials(url, name))!;
    // Same number of trials as the uninterrupted run, numbered 0..n-1 once each, all complete.
    assert.equal(trials.length, BUDGET, name);
    assert.deepEqual(trials.map((t) => t.number), [...Array(BUDGET).keys()]);
    assert.ok(trials.every((t) => t.state === 'complete'), `${name}: ${trials.filter((t) => t.state !== 'complete').length} not complete`);
    // Same config and seed on one worker: the same trial sequence as the uninterrupted run, kills or not.
    assert.deepEqual(trials.map((t) => [t.key, t.value, t.seed]), reference.map((t) => [t.key, t.value, t.seed]), name);
    const store = SqliteStore.open(url);
    const exp = (await store.getExperiment(name))!;
    const events = await store.events(exp.id);
    await store.close();
    assert.equal(exp.status, 'finished');
    assert.equal(events.length, 2 * BUDGET, 'one ask and one tell per trial');
    assert.equal(new Set(events.filter((ev) => ev.kind === 'tell').map((ev) => ev.trial)).size, BUDGET);
    const exported = JSON.parse(readFileSync(join(dir, '.naskit', 'exports', `${name}.json`), 'utf8'));
    assert.equal(exported.arch, (exp.result as { best: { arch: string } }).best.arch);
  }
  // Some kills landed mid-trial: those trials were re-queued and run again.
  const all = (await Promise.all(finished.map((n) => storedTrials(url, n)))).flat() as TrialRecord[];
  assert.ok(all.some((t) => t.attempts > 1), 'no kill landed mid-trial');
  assert.ok(existsSync(join(dir, '.naskit', 'exports', 'ref.json')));
});
