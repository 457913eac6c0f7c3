import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Nb201Space } from '../../src/space/nb201/space.js';
import { Deduplicated } from '../../src/strategy/deduplicated.js';
import { replay } from '../../src/strategy/replay.js';
import { STRATEGIES } from '../../src/strategy/registry.js';
import type { StrategyEvent } from '../../src/strategy/types.js';
import { askKeys, build, drive, observe, script, SPACES_UNDER_TEST } from './harness.js';

// The conformance suite: every strategy in the registry, with the options of conformance-table.ts,
// must be a deterministic state machine over its seed and the asks and tells it sees.
const ASKS = 40;

for (const name of Object.keys(STRATEGIES)) {
  describe(`conformance: ${name}`, () => {
    for (const makeSpace of SPACES_UNDER_TEST) {
      const space = makeSpace();

      test(`${space.name}: every ask is valid in the space, with 8 asks outstanding and tells out of order`, () => {
        const events = drive(build(name, space, 3), space, name, script(ASKS));
        assert.equal(askKeys(space, events).length, ASKS);
        for (const e of events) if (e.kind === 'ask') assert.equal(space.check(e.sample), null, `${name}: trial ${e.trial} ${space.format(e.sample)}`);
        // The first 8 asks came before any tell.
        assert.deepEqual(events.slice(0, 8).map((e) => e.kind), new Array(8).fill('ask'));
      });

      test(`${space.name}: the same seed gives the same asks; another seed other asks`, () => {
        const a = askKeys(space, drive(build(name, space, 7), space, name, script(ASKS)));
        const b = askKeys(space, drive(build(name, space, 7), space, name, script(ASKS)));
        const c = askKeys(space, drive(build(name, space, 8), space, name, script(ASKS)));
        assert.deepEqual(a, b);
        assert.notDeepEqual(a, c);
      });

      test(`${space.name}: serialised mid-run, replayed into a fresh instance, it continues identically`, () => {
        const actions = script(ASKS);
        for (const cut of [5, Math.floor(actions.length / 2), actions.length - 3]) {
          const original = build(name, space, 11);
          const recorded = drive(original, space, name, actions.slice(0, cut));
          const stored = JSON.parse(JSON.stringify(recorded)) as StrategyEvent[];
          const resumed = replay(build(name, space, 11), space, stored);
          const rest = actions.slice(cut).concat([{ kind: 'ask' }, { kind: 'ask' }]);
          const a = drive(original, space, name, rest, recorded.slice());
          const b = drive(resumed, space, name, rest, stored.slice());
          assert.deepEqual(askKeys(space, b), askKeys(space, a), `cut at ${cut}`);
        }
      });
    }

    test('wrapped in Deduplicated, it never asks a completed architecture again (same isoKey and fidelity)', () => {
      const space = new Nb201Space();
      const strategy = new Deduplicated(build(name, space, 13), space, { dedup_tries: 500 });
      const seen = new Set<string>();
      for (let trial = 0; trial < ASKS; trial++) {
        const { sample, fidelity } = strategy.ask();
        const key = `${fidelity ?? ''}|${space.isoKey(sample)}`;
        assert.ok(!seen.has(key), `${name}: trial ${trial} repeats ${space.format(sample)} at fidelity ${fidelity}`);
        const failed = trial % 7 === 3;
        // A failed architecture may be tried again (Deduplicated forgets it: failures can be transient).
        if (!failed) seen.add(key);
        strategy.tell({ ...observe(space, name, trial, sample, failed), fidelity });
      }
    });

    test('failed and pruned observations never break tell, and asking goes on', () => {
      const space = new Nb201Space();
      const strategy = build(name, space, 5);
      const asked = Array.from({ length: 12 }, () => strategy.ask().sample);
      asked.forEach((sample, trial) => {
        strategy.tell({ trial, sample, state: trial % 2 === 0 ? 'failed' : 'pruned', value: null });
      });
      for (let i = 0; i < 12; i++) {
        const { sample } = strategy.ask();
        assert.equal(space.check(sample), null);
        strategy.tell({ trial: 12 + i, sample, state: 'failed', value: null });
      }
    });
  });
}

test('conformance: the same seed gives the same asks in another process', () => {
  const space = new Nb201Space();
  const fixture = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'print-asks.js');
  const child = spawnSync(process.execPath, [fixture, '21', String(ASKS)], { encoding: 'utf8' });
  assert.equal(child.status, 0, child.stderr);
  const theirs = JSON.parse(child.stdout) as Record<string, string[]>;
  for (const name of Object.keys(STRATEGIES)) {
    const ours = askKeys(space, drive(build(name, space, 21), space, name, script(ASKS)));
    assert.deepEqual(theirs[name], ours, name);
  }
});
