/**
 * The NB201 supernet's training step (forward with softmax(α), backward to the weights and α, an SGD
 * step on the weights and an Adam step on α), naskit against the same supernet in PyTorch
 * (bench/oneshot/supernet_torch.py, Debian's python3-torch), at the same thread count, on the same
 * random batch. Runs alternate (PyTorch, naskit, ...) so both see the same machine load; the ratio
 * uses the fastest step of each, medians are printed too. The row bench/engine's results want.
 *
 *   npx tsc -p . && node dist/bench/oneshot/step.js [--threads T] [--steps 10] [--rounds 2] [--channels 16] [--cells 5] [--batch 64]
 */
import { spawnSync } from 'node:child_process';
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import * as E from '../../src/engine/index.js';
import { ArchParameters, Darts, lossOf, Nb201Supernet, nb201CellSpec } from '../../src/oneshot/index.js';
import { projectRoot } from '../../src/util/paths.js';
import { machineLine } from '../machine.js';
import { timeSteps } from '../timing.js';

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
const spec = nb201CellSpec();
const gen = new E.Generator(0);
const net = new Nb201Supernet(spec, { channels, cells, numClasses: 10, generator: gen });
const arch = new ArchParameters(spec, { generator: gen });
const method = new Darts(spec);
const wopt = new E.SGD(net.parameters(), { lr: 0.025, momentum: 0.9, weightDecay: 3e-4 });
const aopt = new E.Adam(arch.list(), { lr: 3e-4, betas: [0.5, 0.999], weightDecay: 1e-3 });
const x = E.keep(E.randn([batch, 3, 32, 32], { generator: gen }));
const y = E.keep(E.randint(0, 10, [batch], gen));
const ctx = { epoch: 0, epochs: 1, generator: gen, weightLr: 0.025, weightDecay: 3e-4 };

function step(): void {
  E.scope(() => {
    const { loss } = lossOf(net, method.weights(arch, ctx, false), { x, y });
    wopt.zeroGrad();
    aopt.zeroGrad();
    loss.backward();
    wopt.step();
    aopt.step();
    loss.item();
  });
}

function naskitSteps(): number[] {
  return timeSteps(step, steps, warmup);
}

function torchSteps(): number[] {
  const r = spawnSync(python, [join(projectRoot(), 'bench', 'oneshot', 'supernet_torch.py'), String(threads), String(steps), String(warmup), String(channels), String(cells), String(batch)], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`supernet_torch.py failed: ${r.stderr}`);
  return (JSON.parse(r.stdout.trim().split('\n').pop()!) as { ms: number[] }).ms;
}

const torch: number[] = [];
const ours: number[] = [];
for (let r = 0; r < rounds; r++) {
  torch.push(...torchSteps());
  ours.push(...naskitSteps());
}
const min = (xs: number[]) => Math.min(...xs);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
console.log(machineLine());
console.log(`NB201 supernet step (C=${channels}, N=${cells}, batch ${batch}, ${threads} threads), load ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
console.log(`| step | naskit min / median ms | PyTorch min / median ms | ratio (min) |`);
console.log(`| supernet forward + backward (α and weights) + SGD + Adam | ${min(ours).toFixed(1)} / ${median(ours).toFixed(1)} | ${min(torch).toFixed(1)} / ${median(torch).toFixed(1)} | ${(min(ours) / min(torch)).toFixed(3)} |`);
