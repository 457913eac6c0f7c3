/**
 * Engine benchmark: naskit against PyTorch (Debian python3-torch, bench/engine/reference.py) in one
 * run, on the same machine and thread count, with the same models, batches and steps:
 * a conv-net training step (batch 64, 32x32x3), the NAS-Bench-201 network's step (architecture 11,
 * C=16, N=5, batch 64), an LSTM controller step, and the per-call cost of a tiny op (in fresh
 * processes, with V8 fast calls and through Node-API). Runs alternate
 * between the two (PyTorch, naskit, PyTorch, naskit) so that both see the same machine load; the
 * ratio uses the fastest step of each (the least disturbed by other processes), medians are shown too.
 * Also: `naskit train`'s end-to-end images/s (the CIFAR-10 pipeline included: augmentation,
 * batching, prefetch) against the bare step and against PyTorch's own end-to-end loop on the same
 * images (bench/engine/e2e_torch.py: a Dataset that augments with tensor ops and a DataLoader with
 * 0 and with 1 worker process), and native memory and RSS after 100 and after 10,000 steps.
 * By default every comparison runs at 1 thread and at the machine's cores (what users run);
 * `--threads T` runs one thread count.
 *
 * Run: npx tsc -p . && node dist/bench/engine/run.js [--threads T] [--quick]
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import * as E from '../../src/engine/index.js';
import { CIFAR10_AUGMENT, CIFAR10_NORMALIZATION, type ImageDataset, loadCifar10, split, subset } from '../../src/engine/data/index.js';
import { dataDir, projectRoot } from '../../src/util/paths.js';
import { machineLine } from '../machine.js';
import { makeSupernetStep, torchSupernetSteps } from '../oneshot/supernet-step.js';
import { timeSteps as timeStepsAfter } from '../timing.js';

const ARCH_11 = '|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|none~0|nor_conv_3x3~1|avg_pool_3x3~2|';
const args = process.argv.slice(2);
const quick = args.includes('--quick');
const threadCounts = args.includes('--threads') ? [Number(args[args.indexOf('--threads') + 1])] : [...new Set([1, availableParallelism()])];
const python = process.env.PYTHON ?? '/usr/bin/python3';
const warmupSteps = quick ? 1 : 3;
/** The thread count of the section being measured (both sides). */
let threads = threadCounts[0];

E.manualSeed(0);

type Step = () => void;

function timeSteps(step: Step, steps: number, warmup = warmupSteps): number[] {
  return timeStepsAfter(step, steps, warmup);
}

function torchSteps(name: string, steps: number): number[] {
  const r = spawnSync(python, [join(projectRoot(), 'bench', 'engine', 'reference.py'), name, String(threads), String(steps), String(warmupSteps)], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`reference.py ${name} failed: ${r.stderr}`);
  return (JSON.parse(r.stdout.trim().split('\n').pop()!) as { ms: number[] }).ms;
}

const min = (xs: number[]): number => Math.min(...xs);
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function imageStep(model: E.nn.Layer): Step {
  const gen = new E.Generator(0);
  const x = E.keep(E.randn([64, 3, 32, 32], { generator: gen }));
  const y = E.keep(E.randint(0, 10, [64], gen));
  const opt = new E.SGD(model.parameters(), { lr: 0.05, momentum: 0.9, nesterov: true, weightDecay: 5e-4 });
  return () =>
    E.scope(() => {
      const loss = E.crossEntropy(model.forward(x), y);
      opt.zeroGrad();
      loss.backward();
      opt.step();
      loss.item();
    });
}

/** The same ENAS-style controller as reference.py: 6 decisions among 5 operations, hidden 64. */
function lstmStep(): Step {
  const gen = new E.Generator(0);
  const embedding = new E.nn.Embedding(6, 64, { generator: gen });
  const cell = new E.nn.LSTMCell(64, 64, { generator: gen });
  const head = new E.nn.Linear(64, 5, { generator: gen });
  const params = [...embedding.parameters(), ...cell.parameters(), ...head.parameters()];
  const opt = new E.Adam(params, { lr: 3.5e-4 });
  const actions = [3, 1, 4, 0, 2, 3];
  const tokens = actions.map((a) => E.keep(E.tensor(Int32Array.from([a + 1]), [1])));
  const start = E.keep(E.tensor(Int32Array.from([0]), [1]));
  return () =>
    E.scope(() => {
      let state = cell.initialState(1);
      let token = start;
      let logp: E.Tensor | null = null;
      actions.forEach((a, k) => {
        state = cell.forward(embedding.forward(token), state);
        const term = E.select(E.select(E.logSoftmax(head.forward(state.h), 1), 0, 0), 0, a);
        logp = logp ? E.add(logp, term) : term;
        token = tokens[k];
      });
      const loss = E.mul(logp!, -0.7);
      opt.zeroGrad();
      loss.backward();
      opt.step();
      loss.item();
    });
}

/**
 * Microseconds per `E.add` of two 1-element tensors, the minimum of `runs` runs of 100,000 calls,
 * with each result freed at once (as libtorch's C++ loop and PyTorch's Python loop free theirs) or
 * by the end of a scope of 1,000; and libtorch's own at::add in a C++ loop, in the same process.
 */
function tinyOps(runs: number): { atOnce: number; scoped: number; pure: number } {
  const a = E.keep(E.ones([1]));
  const b = E.keep(E.ones([1]));
  const n = 100_000;
  const time = (atOnce: boolean): number => {
    const t = performance.now();
    for (let i = 0; i < n / 1000; i++) {
      E.scope(() => {
        if (atOnce) for (let j = 0; j < 1000; j++) E.add(a, b).dispose();
        else for (let j = 0; j < 1000; j++) E.add(a, b);
      });
    }
    return ((performance.now() - t) / n) * 1000;
  };
  time(true); // warm-up: the JIT optimises the loop before it is timed
  time(false);
  const out = { atOnce: Infinity, scoped: Infinity, pure: Infinity };
  for (let r = 0; r < runs; r++) {
    out.atOnce = Math.min(out.atOnce, time(true));
    out.scoped = Math.min(out.scoped, time(false));
    out.pure = Math.min(out.pure, E.engine().timeAddLoop(a.nativeHandle, b.nativeHandle, n));
  }
  return out;
}

/** What a tiny-op child process reports. */
type TinyOps = ReturnType<typeof tinyOps> & { fastCalls: boolean };

/** tinyOps in a fresh Node process (as PyTorch's side runs in a fresh Python), with or without V8 fast calls. */
function tinyOpsChild(fastCalls: boolean): TinyOps {
  const env = { ...process.env, NASKIT_FAST_CALLS: fastCalls ? '1' : '0' };
  const r = spawnSync(process.execPath, [process.argv[1], '--tinyop-child', '--threads', String(threads)], { encoding: 'utf8', env });
  if (r.status !== 0) throw new Error(`tiny-op child failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as TinyOps;
}

/** The tiny-op rows and the overhead lines: three rounds alternating PyTorch and both naskit paths. */
function tinyOpLines(): { rows: string[]; notes: string[] } {
  const torch: number[] = [];
  const fast: TinyOps[] = [];
  const napi: TinyOps[] = [];
  for (let round = 0; round < 3; round++) {
    torch.push(...torchSteps('tinyop', 3).map((ms) => ms * 1000));
    fast.push(tinyOpsChild(true));
    napi.push(tinyOpsChild(false));
  }
  if (!fast.every((f) => f.fastCalls)) throw new Error(`the engine has no V8 fast calls here (${E.engine().fastCallsNote}); run scripts/fetch-v8-fast-api-header.sh and rebuild`);
  const best = (xs: TinyOps[], k: 'atOnce' | 'scoped' | 'pure'): number => Math.min(...xs.map((x) => x[k]));
  const torchUs = min(torch);
  const pure = Math.min(best(fast, 'pure'), best(napi, 'pure'));
  const row = (name: string, ours: number): string => `| ${name}, per call | ${ours.toFixed(2)} µs | ${torchUs.toFixed(2)} µs | ${(ours / torchUs).toFixed(3)} | | | |`;
  const rows = [
    row('tiny op (add of two 1-element tensors), each result freed at once', best(fast, 'atOnce')),
    row('tiny op, results freed by a scope of 1,000', best(fast, 'scoped')),
  ];
  const over = (us: number): string => (us - pure).toFixed(2);
  const ratio = (us: number): string => ((us - pure) / (torchUs - pure)).toFixed(3);
  const notes = [
    `- libtorch's own at::add (called in a C++ loop, its result freed each time): ${pure.toFixed(2)} µs per call (minimum of both naskit processes)`,
    `- PyTorch eager Python \`torch.add(a, b)\` above it: ${over(torchUs)} µs`,
    `- naskit above it, each result freed at once (the same memory lifetime as both loops above): ${over(best(fast, 'atOnce'))} µs with V8 fast calls, ${over(best(napi, 'atOnce'))} µs through Node-API (NASKIT_FAST_CALLS=0); naskit / PyTorch = **${ratio(best(fast, 'atOnce'))}** (Node-API: ${ratio(best(napi, 'atOnce'))})`,
    `- naskit above it, results freed by a scope of 1,000: ${over(best(fast, 'scoped'))} µs with fast calls, ${over(best(napi, 'scoped'))} µs through Node-API; naskit / PyTorch = **${ratio(best(fast, 'scoped'))}** (Node-API: ${ratio(best(napi, 'scoped'))}); 1,000 live results make glibc serve them from its bins rather than its per-thread cache`,
    `- every figure is the minimum over 3 rounds alternating PyTorch (3 runs of 100,000 calls), naskit with fast calls and naskit through Node-API (each a fresh process, 3 runs of each kind)`,
  ];
  return { rows, notes };
}

function compare(name: string, torchCase: string | (() => number[]), make: () => Step, steps: number): { line: string; oursMedian: number; torchMedian: number } {
  const step = make();
  const torch: number[] = [];
  const ours: number[] = [];
  for (let rep = 0; rep < 2; rep++) {
    torch.push(...(typeof torchCase === 'string' ? torchSteps(torchCase, steps) : torchCase()));
    ours.push(...timeSteps(step, steps));
  }
  const ratio = min(ours) / min(torch);
  const line = `| ${name} | ${min(ours).toFixed(2)} | ${min(torch).toFixed(2)} | ${ratio.toFixed(3)} | ${median(ours).toFixed(2)} | ${median(torch).toFixed(2)} | ${(median(ours) / median(torch)).toFixed(3)} |`;
  console.error(line);
  return { line, oursMedian: median(ours), torchMedian: median(torch) };
}

/** One end-to-end run's throughput, and the bare step's right after it in the same process (the host's speed drifts within minutes). */
interface EndToEndRun {
  readonly e2e: number;
  readonly bare: number;
}

/**
 * naskit's end to end (what `naskit train` runs: trainClassifier with its prefetching pipeline): the
 * images/s of the second of two epochs, as on PyTorch's side (the first warms up: libtorch picks and
 * caches its kernels for each shape on first use, which would otherwise weigh on a short run); then
 * the median of 8 bare steps of the same model on one batch kept in memory.
 */
async function naskitEndToEnd(data: { train: ImageDataset; validation: ImageDataset }): Promise<EndToEndRun> {
  const model = new E.Nb201Network(ARCH_11, { generator: new E.Generator(0) });
  const result = await E.trainClassifier(model, { train: data.train, validation: data.validation }, {
    epochs: 2,
    batchSize: 64,
    lr: 0.1,
    seed: 0,
    normalization: CIFAR10_NORMALIZATION,
    augment: CIFAR10_AUGMENT,
  });
  const bareMs = median(timeSteps(imageStep(model), 8, 1));
  model.dispose();
  return { e2e: result.history[1].images_per_s, bare: (64 * 1000) / bareMs };
}

/** PyTorch's end-to-end epochs on the same images (bench/engine/e2e_torch.py), and its bare step right after. */
function torchEndToEnd(files: { images: string; labels: string }, workers: number): EndToEndRun {
  const r = spawnSync(python, [join(projectRoot(), 'bench', 'engine', 'e2e_torch.py'), files.images, files.labels, String(threads), String(workers)], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`e2e_torch.py failed: ${r.stderr}`);
  const out = JSON.parse(r.stdout.trim().split('\n').pop()!) as { images_per_s: number; bare_images_per_s: number };
  return { e2e: out.images_per_s, bare: out.bare_images_per_s };
}

async function endToEnd(): Promise<string[]> {
  const train = await loadCifar10(dataDir(), 'train');
  const data = split(subset(train, quick ? 1344 : 1984, 0), { validation: 64, seed: 0 });
  const folder = mkdtempSync(join(tmpdir(), 'naskit-e2e-'));
  const files = { images: join(folder, 'images.u8'), labels: join(folder, 'labels.i32') };
  writeFileSync(files.images, data.train.images);
  writeFileSync(files.labels, new Uint8Array(data.train.labels.buffer, data.train.labels.byteOffset, data.train.labels.byteLength));
  const ours: EndToEndRun[] = [];
  const torch0: EndToEndRun[] = [];
  const torch1: EndToEndRun[] = [];
  const rounds = quick ? 1 : threads === 1 ? 2 : 3; // the all-cores rows carry the targets
  try {
    // Alternating, so that neighbouring runs see the same machine.
    for (let round = 0; round < rounds; round++) {
      torch0.push(torchEndToEnd(files, 0));
      ours.push(await naskitEndToEnd(data));
      torch1.push(torchEndToEnd(files, 1));
    }
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
  const runs = (xs: EndToEndRun[]): string => xs.map((x) => `${x.e2e.toFixed(1)} (bare ${x.bare.toFixed(1)})`).join(', ');
  const med = (xs: number[]): number => median(xs);
  // Ratios per round (neighbouring runs), then their median over the rounds.
  const perRound = (f: (k: number) => number): string => med(ours.map((_, k) => f(k))).toFixed(3);
  const torchBestE2e = (k: number): number => Math.max(torch0[k].e2e, torch1[k].e2e);
  const torchBare = (k: number): number => (torch0[k].bare + torch1[k].bare) / 2;
  return [
    `- end to end: NB201 arch 11, CIFAR-10, batch 64, crop + flip, ${data.train.length} training images, images/s of the second of two epochs; each run followed in its own process by the median of 8 bare steps (data in memory); ${rounds} rounds of PyTorch (num_workers=0), naskit, PyTorch (num_workers=1)`,
    `- naskit train (batches built ahead by the prefetcher): ${runs(ours)} images/s`,
    `- PyTorch, Dataset augmenting with tensor ops + DataLoader, num_workers=0: ${runs(torch0)}; num_workers=1: ${runs(torch1)}`,
    `- medians over the rounds of each round's ratio: naskit end to end / naskit bare step **${perRound((k) => ours[k].e2e / ours[k].bare)}**; / PyTorch bare step (mean of the round's two) **${perRound((k) => ours[k].e2e / torchBare(k))}**; / PyTorch's better end to end of the round **${perRound((k) => ours[k].e2e / torchBestE2e(k))}**`,
  ];
}

function memoryFlat(): string[] {
  const gen = new E.Generator(1);
  const model = new E.nn.Sequential(new E.nn.Linear(32, 64, { generator: gen }), new E.nn.ReLU(), new E.nn.Linear(64, 10, { generator: gen }));
  const opt = new E.Adam(model.parameters());
  const x = E.keep(E.randn([64, 32], { generator: gen }));
  const y = E.keep(E.randint(0, 10, [64], gen));
  const step = (): void =>
    E.scope(() => {
      const loss = E.crossEntropy(model.forward(x), y);
      opt.zeroGrad();
      loss.backward();
      opt.step();
      loss.item();
    });
  for (let i = 0; i < 100; i++) step();
  const m100 = E.memory();
  const rss100 = process.memoryUsage().rss;
  for (let i = 100; i < 10_000; i++) step();
  const m10k = E.memory();
  const rss10k = process.memoryUsage().rss;
  return [
    `- after 100 steps: ${m100.tensors} live tensors, ${m100.bytes} bytes; RSS ${(rss100 / 2 ** 20).toFixed(1)} MiB`,
    `- after 10,000 steps: ${m10k.tensors} live tensors, ${m10k.bytes} bytes; RSS ${(rss10k / 2 ** 20).toFixed(1)} MiB (${((rss10k / rss100 - 1) * 100).toFixed(1)} %)`,
  ];
}

/** Every comparison at the current thread count; the tiny-op rows only at 1 thread (they use no pool). */
async function section(): Promise<string[]> {
  E.setNumThreads(threads);
  const load0 = loadavg()[0];
  const steps = quick ? 4 : 10;
  const overheadLines: string[] = [];
  const lines: string[] = [];
  lines.push(`### ${threads} thread(s) on both sides`, '');
  lines.push(`Machine: ${machineLine()}; libtorch ${E.libtorchVersion()}; ${threads} thread(s) on both sides.`);
  lines.push(`Started ${new Date().toISOString()}, load average ${load0.toFixed(2)}.`, '');
  lines.push('| step | naskit min ms | PyTorch min ms | ratio (min) | naskit median ms | PyTorch median ms | ratio (median) |', '| --- | --- | --- | --- | --- | --- | --- |');
  lines.push(compare('conv net (SmallCnn C=32), batch 64, 3x32x32', 'cnn', () => imageStep(new E.SmallCnn({ inChannels: 3, channels: 32, generator: new E.Generator(0) })), steps).line);
  const nb201 = compare('NB201 arch 11 (C=16, N=5), batch 64', 'nb201', () => imageStep(new E.Nb201Network(ARCH_11, { generator: new E.Generator(0) })), steps);
  lines.push(nb201.line);
  lines.push(compare('LSTM controller (hidden 64, 6 decisions, Adam)', 'lstm', lstmStep, quick ? 20 : 100).line);
  if (threads === availableParallelism()) {
    // Issue 13's row: the one-shot supernet at the thread count users run.
    const size = { channels: 16, cells: quick ? 1 : 5, batch: 64 };
    const supernetSteps = quick ? 2 : 5;
    lines.push(compare(`NB201 supernet (C=16, N=${size.cells}, batch 64): forward with softmax(α), backward to weights and α, SGD + Adam`, () => torchSupernetSteps(python, threads, supernetSteps, 2, size), () => makeSupernetStep(size), supernetSteps).line);
  }
  if (threads === 1) {
    const tiny = tinyOpLines();
    for (const row of tiny.rows) console.error(row);
    lines.push(...tiny.rows);
    overheadLines.push(...tiny.notes);
  }
  lines.push('', ...overheadLines);
  lines.push(...(await endToEnd()));
  lines.push('', `Ended ${new Date().toISOString()}, load average ${loadavg()[0].toFixed(2)}.`, '');
  return lines;
}

async function main(): Promise<void> {
  const lines: string[] = [];
  for (const t of threadCounts) {
    threads = t;
    lines.push(...(await section()));
  }
  lines.push(...memoryFlat());
  console.log(lines.join('\n'));
}

if (args.includes('--tinyop-child')) {
  threads = threadCounts[0];
  E.setNumThreads(threads);
  console.log(JSON.stringify({ ...tinyOps(3), fastCalls: E.engine().fastCalls }));
} else {
  await main();
}
