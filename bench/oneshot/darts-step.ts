/**
 * The DARTS-space supernet's search step as `runOneShotSearch` takes it (one architecture step on a
 * batch of the α half with the method's gradient and Adam, then one weight step on a batch of the
 * weight half with SGD and gradient clipping), timed per step: wall seconds and CPU seconds
 * (process.cpuUsage, user + system, so time spent waiting for the CPU on a shared machine is left
 * out), beside a weight step alone (the α step costs the difference), and the process's peak resident memory
 * (getrusage's maxrss, so run one method per process to see each method's own peak). Random images,
 * the harness's default reduced size (C = 8, N = 1, batch 64).
 *
 *   npx tsc -p . && node dist/bench/oneshot/darts-step.js [--method darts] [--steps 3] [--warmup 1]
 *     [--channels 8] [--cells 1] [--batch 64] [--threads 1]
 */
import { loadavg } from 'node:os';
import * as E from '../../src/engine/index.js';
import { ArchParameters, createMethod, DartsSupernet, dartsCellSpec, searchStep, type OneShotMethodName, type SearchStepParts, type StepContext } from '../../src/oneshot/index.js';
import { machineLine } from '../machine.js';

const args = process.argv.slice(2);
const flag = (name: string, fallback: string): string => (args.includes(`--${name}`) ? args[args.indexOf(`--${name}`) + 1] : fallback);
const methodName = flag('method', 'darts') as OneShotMethodName;
const steps = Number(flag('steps', '3'));
const warmup = Number(flag('warmup', '1'));
const channels = Number(flag('channels', '8'));
const cells = Number(flag('cells', '1'));
const batch = Number(flag('batch', '64'));
const threads = Number(flag('threads', '1'));

E.setNumThreads(threads);
const spec = dartsCellSpec();
const gen = new E.Generator(0);
const method = createMethod(methodName, spec);
const net = new DartsSupernet(spec, { channels, cells, numClasses: 10, partial: method.partial, generator: gen });
const arch = new ArchParameters(spec, { edgeNormalization: method.edgeNormalization, generator: gen });
const wopt = new E.SGD(net.parameters(), { lr: 0.025, momentum: 0.9, weightDecay: 3e-4 });
const aopt = new E.Adam(arch.list(), { lr: 3e-4, betas: [0.5, 0.999], weightDecay: 1e-3 });
const batchOf = () => ({ x: E.keep(E.randn([batch, 3, 32, 32], { generator: gen })), y: E.keep(E.randint(0, 10, [batch], gen)) });
const train = batchOf();
const val = batchOf();
const ctx: StepContext = { epoch: 0, epochs: 2, generator: gen, weightLr: 0.025, weightDecay: 3e-4 };
net.train();

const cpu = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};
interface Timing {
  wall: number;
  cpu: number;
}
function timed(fn: () => void): Timing {
  const w = performance.now();
  const c = cpu();
  fn();
  return { wall: (performance.now() - w) / 1000, cpu: cpu() - c };
}

// The search loop's step (searchStep: α step, then weight step), and a weight step alone (no α batch).
const parts: SearchStepParts = { net, arch, method, weightOptimizer: wopt, archOptimizer: aopt, gradClip: 5 };
const rows: { step: Timing; weights: Timing }[] = [];
for (let i = 0; i < warmup + steps; i++) {
  const step = timed(() => void searchStep(parts, train, val, ctx));
  const weights = timed(() => void searchStep(parts, train, null, ctx));
  if (i >= warmup) rows.push({ step, weights });
}
const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
const f = (x: number) => x.toFixed(2);
const peakGb = process.resourceUsage().maxRSS / 1024 / 1024;
console.log(machineLine());
const stat = (pick: (r: (typeof rows)[number]) => Timing) => `${f(mean(rows.map((r) => pick(r).cpu)))} CPU s (${f(mean(rows.map((r) => pick(r).wall)))} wall s)`;
console.log(
  `DARTS supernet step, ${methodName}, C=${channels}, N=${cells} (${3 * cells + 2} cells), batch ${batch}, ${threads} thread(s), mean of ${steps} after ${warmup} warm-up: ` +
    `step (α step + weight step) ${stat((r) => r.step)}, a weight step alone ${stat((r) => r.weights)}; ` +
    `peak RSS ${peakGb.toFixed(2)} GB; load ${loadavg().map((l) => l.toFixed(1)).join(' ')}`,
);
