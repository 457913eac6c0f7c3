/**
 * The NB201 supernet's training step (forward with softmax(α), backward to the weights and α, an SGD
 * step on the weights and an Adam step on α), naskit against the same supernet in PyTorch
 * (bench/oneshot/supernet_torch.py, Debian's python3-torch), at the same thread count, on the same
 * random batch. Runs alternate (PyTorch, naskit, ...) so both see the same machine load; the ratio
 * uses the fastest step of each, medians are printed too. The row bench/engine's results want.
 *
 *   npx tsc -p . && node dist/bench/oneshot/step.js [--threads T] [--steps 10] [--rounds 2] [--channels 16] [--cells 5] [--batch 64]
 */
import { availableParallelism, loadavg } from 'node:os';
import * as E from '../../src/engine/index.js';
import { machineLine } from '../machine.js';
import { timeSteps } from '../timing.js';
import { makeSupernetStep, torchSupernetSteps } from './supernet-step.js';

const args = process.argv.slice(2);
const flag = (name: string, fallback: string): number => Number(args.includes(`--${name}`) ? args[args.indexOf(`--${name}`) + 1] : fallback);
const threads = flag('threads', String(availableParallelism()));
const steps = flag('steps', '10');
const rounds = flag('rounds', '2');
const channels = flag('channels', '16');
const cells = flag('cells', '5');
const batch = flag('batch', '64');
const warmup = 2;
const python = process.env.PYTHON ?? '/usr/bin/python3';

E.setNumThreads(threads);
const size = { channels, cells, batch };
const step = makeSupernetStep(size);

const torch: number[] = [];
const ours: number[] = [];
for (let r = 0; r < rounds; r++) {
  torch.push(...torchSupernetSteps(python, threads, steps, warmup, size));
  ours.push(...timeSteps(step, steps, warmup));
}
const min = (xs: number[]) => Math.min(...xs);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
console.log(machineLine());
console.log(`NB201 supernet step (C=${channels}, N=${cells}, batch ${batch}, ${threads} threads), load ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
console.log(`| step | naskit min / median ms | PyTorch min / median ms | ratio (min) |`);
console.log(`| supernet forward + backward (α and weights) + SGD + Adam | ${min(ours).toFixed(1)} / ${median(ours).toFixed(1)} | ${min(torch).toFixed(1)} / ${median(torch).toFixed(1)} | ${(min(ours) / min(torch)).toFixed(3)} |`);
