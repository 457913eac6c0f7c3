// Define-by-run with a strategy as the sampler beats random search on a conditional objective.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pairedDifference } from '../../src/benchmark/stats.js';
import { createStudy } from '../../src/study/index.js';
import { CONDITIONAL_OPTIMUM, conditionalObjective } from './objectives.js';

const SEEDS = 30;
/** One-sided 2.5 % critical value of Student's t with 29 degrees of freedom. */
const T_CRITICAL = 2.045;
/** "Found the optimum": within 0.1 of it (the lr is continuous). */
const FOUND = CONDITIONAL_OPTIMUM - 0.1;

async function bests(strategy: string, trials: number): Promise<number[]> {
  const out: number[] = [];
  for (let seed = 0; seed < SEEDS; seed++) {
    const study = await createStudy({ strategy, seed });
    await study.optimize(conditionalObjective, { trials });
    out.push(study.bestValue);
  }
  return out;
}

for (const [strategy, trials] of [['rea', 60], ['bo-gp', 80]] as const) {
  test(`study: ${strategy} as the sampler finds the optimum of a conditional objective more often than random (${SEEDS} paired seeds, ${trials} trials)`, async (t) => {
    const random = await bests('random', trials);
    const ours = await bests(strategy, trials);
    const d = pairedDifference(ours, random);
    const found = ours.filter((v) => v >= FOUND).length;
    const foundRandom = random.filter((v) => v >= FOUND).length;
    const summary = `${strategy}: found ${found}/${SEEDS} vs random ${foundRandom}/${SEEDS}; best value ${d.mean.toFixed(3)} ± ${d.se.toFixed(3)} above random (t = ${d.t.toFixed(2)}), ${d.wins} wins / ${d.losses} losses`;
    t.diagnostic(summary);
    assert.ok(found > foundRandom && d.t > T_CRITICAL && d.wins > d.losses, summary);
  });
}
