// Define-by-run search with naskit: the objective suggests its own parameters, a naskit strategy
// proposes them, a storage records every trial. Runs without libtorch (the "training" is simulated).
//
//   node dist/examples/study.js [--trials N] [--storage URL]
//
// Run it twice with a SQLite storage and the second run continues the first (same study name).
import { parseArgs } from 'node:util';
import { createStudy, TrialPruned, type Trial } from '../src/study/index.js';

const { values } = parseArgs({ options: { trials: { type: 'string', default: '60' }, storage: { type: 'string', default: 'memory:' } } });

/** A stand-in for training: accuracy after each epoch, best for depth 6, sep3 and lr near 0.01. */
async function objective(trial: Trial): Promise<number> {
  const depth = trial.suggestInt('depth', 2, 8);
  const op = trial.suggestCategorical('op', ['conv3', 'conv5', 'sep3']);
  const lr = trial.suggestFloat('lr', 1e-4, 1e-1, { log: true });
  // A conditional parameter: only separable convolutions have a multiplier.
  const multiplier = op === 'sep3' ? trial.suggestInt('multiplier', 1, 4) : 1;
  const ceiling = 95 - 2 * Math.abs(depth - 6) - (op === 'sep3' ? 0 : 3) - 4 * Math.abs(Math.log10(lr) + 2) - Math.abs(multiplier - 2);
  let acc = 10;
  for (let epoch = 0; epoch < 10; epoch++) {
    acc = ceiling - (ceiling - 10) * Math.exp(-(epoch + 1) / 3);
    trial.report(acc, epoch);
    if (trial.shouldPrune()) throw new TrialPruned();
    await new Promise((resolve) => setImmediate(resolve)); // a real objective would train an epoch here
  }
  return acc;
}

const study = await createStudy({ storage: values.storage, name: 'example-study', strategy: 'rea', seed: 0 });
const summary = await study.optimize(objective, { trials: Number(values.trials), workers: 2 });
const best = study.bestTrial!;
console.log(`${summary.evaluated} trials here (${summary.complete} complete, ${summary.pruned} pruned); ${study.trials.length} in the study`);
console.log(`best: trial ${best.number}, accuracy ${best.value!.toFixed(2)}, ${JSON.stringify(best.params)}`);
await study.close();
