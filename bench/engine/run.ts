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
 * This host's speed drifts by up to 2x within minutes, more than the targets' margins, so the
 * rows that carry close targets are measured as paired comparisons (bench/engine/paired.ts: the
 * median of per-pair ratios with a distribution-free 95 % interval):
 * - `e2e`: in ONE process, `trainClassifier` (what `naskit train` runs, its prefetching pipeline
 *   included) is interrupted every 8 steps by its `onStep` hook, which times that block and then
 *   runs 8 bare steps (the same `classifierStep` on a batch kept in tensors); each end-to-end block
 *   is paired with the mean of the bare blocks before and after it (which cancels a linear drift).
 * - `e2e-torch`: many short end-to-end runs alternating PyTorch (num_workers 0), naskit, PyTorch
 *   (num_workers 1), the order reversed every round; ratios per round.
 * - `cnn`, `nb201`, `lstm` (a paired line under the table): short runs of the step alternating
 *   PyTorch and naskit, ratios per round.
 * - `tinyop-instr`: instructions per tiny op under `valgrind --tool=callgrind` (repeatable whatever
 *   the load), for naskit, PyTorch and libtorch's own at::add; see tinyOpInstructions below.
 *
 * `--only ROWS` runs only the named rows (comma-separated: cnn, nb201, lstm, supernet, tinyop,
 * tinyop-instr, e2e, e2e-torch, memory); the estimated duration is printed at the start
 * (`--estimate` prints only that).
 * `--pairs N` overrides the number of pairs (blocks, rounds) of the paired rows.
 *
 * Run: npx tsc -p . && node dist/bench/engine/run.js [--threads T] [--quick] [--only ROWS] [--pairs N] [--estimate]
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import * as E from '../../src/engine/index.js';
import { CIFAR10_AUGMENT, CIFAR10_NORMALIZATION, type ImageDataset, iterateBatches, loadCifar10, split, subset } from '../../src/engine/data/index.js';
import { classifierStep } from '../../src/engine/train.js';
import { dataDir, projectRoot } from '../../src/util/paths.js';
import { machineLine } from '../machine.js';
import { makeSupernetStep, torchSupernetSteps } from '../oneshot/supernet-step.js';
import { timeSteps as timeStepsAfter } from '../timing.js';
import { formatRatio, medianInterval } from './paired.js';

const ARCH_11 = '|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|none~0|nor_conv_3x3~1|avg_pool_3x3~2|';
const args = process.argv.slice(2);
const quick = args.includes('--quick');
const threadCounts = args.includes('--threads') ? [Number(args[args.indexOf('--threads') + 1])] : [...new Set([1, availableParallelism()])];
const python = process.env.PYTHON ?? '/usr/bin/python3';
const warmupSteps = quick ? 1 : 3;
const ROWS = ['cnn', 'nb201', 'lstm', 'supernet', 'tinyop', 'tinyop-instr', 'e2e', 'e2e-torch', 'memory'] as const;
type Row = (typeof ROWS)[number];
const only: ReadonlySet<Row> = (() => {
  if (!args.includes('--only')) return new Set(ROWS);
  const names = (args[args.indexOf('--only') + 1] ?? '').split(',').filter((x) => x !== '');
  const bad = names.filter((x) => !(ROWS as readonly string[]).includes(x));
  if (names.length === 0 || bad.length > 0) throw new RangeError(`--only: unknown row(s) ${bad.join(', ') || '(none)'}; rows: ${ROWS.join(', ')}`);
  return new Set(names as Row[]);
})();
const selected = (row: Row): boolean => only.has(row);
/** Pairs (blocks or rounds) of the paired rows, unless `--pairs` says otherwise. */
const pairsArg = args.includes('--pairs') ? Number(args[args.indexOf('--pairs') + 1]) : null;
if (pairsArg !== null && !(Number.isInteger(pairsArg) && pairsArg >= 2)) throw new RangeError('--pairs must be an integer ≥ 2');
const pairs = (full: number, short: number): number => pairsArg ?? (quick ? short : full);
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

/** The CIFAR-10 training images, loaded once for the end-to-end rows. */
let cifarTrain: ImageDataset | null = null;
async function cifar(): Promise<ImageDataset> {
  cifarTrain ??= await loadCifar10(dataDir(), 'train');
  return cifarTrain;
}

/** Steps per block of the in-process end-to-end row, and its untimed warm-up steps. */
const BLOCK_STEPS = 8;
const BLOCK_WARMUP = 8;

/**
 * `naskit train` end to end against naskit's bare step, in one process, alternating short blocks.
 * `trainClassifier` (the function `naskit train` calls: the prefetching worker's batches, tensors
 * made from them, the step, the schedule) runs one epoch; its `onStep` hook, every BLOCK_STEPS
 * steps, ends the timing of that end-to-end block (after one event-loop turn, so that batches the
 * worker finished are delivered within it), then times BLOCK_STEPS bare steps: `classifierStep`
 * (the step trainClassifier itself runs) on one augmented batch kept in tensors, with its own SGD
 * of the same settings on the same model. The prefetcher has nothing left to build during a bare
 * block (each batch is built during the step after it was requested, ~1 ms against a step of
 * hundreds), so its cost falls in the end-to-end blocks, where it belongs. Sequence: bare B0, end to
 * end E1, B1, E2, …, Bn; each Ek is paired with (B(k-1) + Bk) / 2.
 */
async function endToEndBlocks(): Promise<string[]> {
  const blocks = pairs(24, 3);
  const steps = BLOCK_WARMUP + blocks * BLOCK_STEPS;
  const data = split(subset(await cifar(), steps * 64 + 64, 0), { validation: 64, seed: 0 });
  const model = new E.Nb201Network(ARCH_11, { generator: new E.Generator(0) });
  const first = iterateBatches(data.train, { batchSize: 64, seed: 1, dropLast: true, augment: CIFAR10_AUGMENT, normalization: CIFAR10_NORMALIZATION }).next();
  if (first.done) throw new Error('endToEndBlocks: no batch');
  const x = E.keep(E.tensor(first.value.images, first.value.shape));
  const y = E.keep(E.tensor(first.value.labels, [first.value.labels.length]));
  const opt = new E.SGD(model.parameters(), { lr: 0.01, momentum: 0.9, weightDecay: 5e-4, nesterov: true });
  const bareStep = (): void => void E.scope(() => classifierStep(model, opt, x, y));
  const bare: number[] = [];
  const e2e: number[] = [];
  let blockStart = 0;
  const atBoundary = async (done: number): Promise<void> => {
    await new Promise<void>((resolve) => setImmediate(resolve));
    if (done > BLOCK_WARMUP) e2e.push((performance.now() - blockStart) / BLOCK_STEPS);
    else for (let i = 0; i < 2; i++) bareStep(); // warm-up of the bare path, untimed
    const t = performance.now();
    for (let i = 0; i < BLOCK_STEPS; i++) bareStep();
    bare.push((performance.now() - t) / BLOCK_STEPS);
    blockStart = performance.now();
  };
  await E.trainClassifier(model, { train: data.train, validation: data.validation }, {
    epochs: 1,
    batchSize: 64,
    lr: 0.1,
    seed: 0,
    normalization: CIFAR10_NORMALIZATION,
    augment: CIFAR10_AUGMENT,
    onStep: (_epoch, step) => {
      const done = step + 1;
      return done >= BLOCK_WARMUP && (done - BLOCK_WARMUP) % BLOCK_STEPS === 0 ? atBoundary(done) : undefined;
    },
  });
  opt.dispose();
  x.dispose();
  y.dispose();
  model.dispose();
  if (e2e.length !== blocks || bare.length !== blocks + 1) throw new Error(`endToEndBlocks: ${e2e.length} end-to-end and ${bare.length} bare blocks, expected ${blocks} and ${blocks + 1}`);
  const ratios = e2e.map((ms, k) => (bare[k] + bare[k + 1]) / 2 / ms);
  const ips = (ms: number): string => ((64 * 1000) / ms).toFixed(1);
  return [
    `- end to end against the bare step, in one process (NB201 arch 11, CIFAR-10, batch 64, crop + flip, ${steps} steps of one epoch of \`trainClassifier\`): ${blocks} blocks of ${BLOCK_STEPS} end-to-end steps, each between two blocks of ${BLOCK_STEPS} bare steps (\`classifierStep\` on a batch kept in tensors); after ${BLOCK_WARMUP} warm-up steps`,
    `- per block, median: end to end ${ips(medianInterval(e2e).median)} images/s, bare ${ips(medianInterval(bare).median)} images/s (blocks ranged ${ips(Math.max(...e2e))}–${ips(Math.min(...e2e))} and ${ips(Math.max(...bare))}–${ips(Math.min(...bare))}: the host's drift)`,
    `- naskit end to end / naskit bare step, median of the per-block ratios: ${formatRatio(medianInterval(ratios), 'blocks')}`,
  ];
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

/** Rounds of the naskit / PyTorch end-to-end comparison (from 9 rounds on, the 95 % interval leaves out the extreme ratio on each side). */
const e2eTorchRounds = (): number => pairs(threads === 1 ? 6 : 10, 2);
/** Training images per epoch of each end-to-end run (two epochs, the second timed). */
const e2eImages = (): number => (quick ? 512 : 1280);

/**
 * naskit end to end against PyTorch's end-to-end loop: short runs (each two epochs, the second
 * timed, then 8 bare steps) alternating PyTorch num_workers=0, naskit, PyTorch num_workers=1, the
 * order of the two PyTorch runs swapped every other round so that each is as often before as after
 * naskit's; the ratios are taken within each round and summarised by their median and interval.
 */
async function endToEndVsTorch(): Promise<string[]> {
  const data = split(subset(await cifar(), e2eImages() + 64, 0), { validation: 64, seed: 0 });
  const folder = mkdtempSync(join(tmpdir(), 'naskit-e2e-'));
  const files = { images: join(folder, 'images.u8'), labels: join(folder, 'labels.i32') };
  writeFileSync(files.images, data.train.images);
  writeFileSync(files.labels, new Uint8Array(data.train.labels.buffer, data.train.labels.byteOffset, data.train.labels.byteLength));
  const ours: EndToEndRun[] = [];
  const torch0: EndToEndRun[] = [];
  const torch1: EndToEndRun[] = [];
  const rounds = e2eTorchRounds();
  try {
    for (let round = 0; round < rounds; round++) {
      const [before, after] = round % 2 === 0 ? [0, 1] : [1, 0];
      (before === 0 ? torch0 : torch1).push(torchEndToEnd(files, before));
      ours.push(await naskitEndToEnd(data));
      (after === 0 ? torch0 : torch1).push(torchEndToEnd(files, after));
      console.error(`end to end round ${round + 1}/${rounds}: naskit ${ours[round].e2e.toFixed(1)}, PyTorch ${torch0[round].e2e.toFixed(1)} / ${torch1[round].e2e.toFixed(1)} images/s`);
    }
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
  const list = (xs: EndToEndRun[]): string => xs.map((x) => `${x.e2e.toFixed(1)} (bare ${x.bare.toFixed(1)})`).join(', ');
  const per = (f: (k: number) => number): string => formatRatio(medianInterval(ours.map((_, k) => f(k))), 'rounds');
  const torchBestE2e = (k: number): number => Math.max(torch0[k].e2e, torch1[k].e2e);
  const torchBare = (k: number): number => (torch0[k].bare + torch1[k].bare) / 2;
  const torchFaster = median(torch1.map((x) => x.e2e)) > median(torch0.map((x) => x.e2e)) ? 1 : 0;
  return [
    `- end to end: NB201 arch 11, CIFAR-10, batch 64, crop + flip, ${data.train.length} training images, images/s of the second of two epochs; each run followed in its own process by the median of 8 bare steps (data in memory); ${rounds} rounds of PyTorch (num_workers=0), naskit, PyTorch (num_workers=1), the two PyTorch runs swapped every other round`,
    `- naskit train (batches built ahead by the prefetcher): ${list(ours)} images/s`,
    `- PyTorch, Dataset augmenting with tensor ops + DataLoader, num_workers=0: ${list(torch0)}; num_workers=1: ${list(torch1)}`,
    `- medians over the rounds of each round's ratio: naskit end to end / naskit bare step ${per((k) => ours[k].e2e / ours[k].bare)}; / PyTorch bare step (mean of the round's two) ${per((k) => ours[k].e2e / torchBare(k))}`,
    `- naskit end to end / PyTorch end to end: num_workers=0 ${per((k) => ours[k].e2e / torch0[k].e2e)}; num_workers=1 ${per((k) => ours[k].e2e / torch1[k].e2e)}; the round's better of the two ${per((k) => ours[k].e2e / torchBestE2e(k))}`,
    // The round's better of two noisy runs is biased towards PyTorch (the larger of two draws); a user picks one setting.
    `- naskit end to end / PyTorch's faster setting over all rounds (num_workers=${torchFaster}, by its median images/s): ${per((k) => ours[k].e2e / (torchFaster === 0 ? torch0 : torch1)[k].e2e)}`,
  ];
}

/**
 * The LSTM controller's step, paired: `rounds` short runs of each side alternating (PyTorch first
 * in even rounds, naskit first in odd ones), each a median over `steps` steps; the ratio of the
 * two medians of a round, summarised over the rounds.
 */
/**
 * A step compared in short alternating runs (the order swapped every round), so that the host's
 * drift cancels within each round: naskit / PyTorch of the rounds' medians and of their minima,
 * each as the median of the per-round ratios with its distribution-free interval.
 */
function pairedLine(label: string, name: string, step: Step, steps: number, rounds: number): string {
  const ratios: number[] = [];
  const minRatios: number[] = [];
  for (let round = 0; round < rounds; round++) {
    let torch: number[] = [];
    let ours: number[] = [];
    if (round % 2 === 0) {
      torch = torchSteps(name, steps);
      ours = timeSteps(step, steps);
    } else {
      ours = timeSteps(step, steps);
      torch = torchSteps(name, steps);
    }
    ratios.push(median(ours) / median(torch));
    minRatios.push(min(ours) / min(torch));
  }
  return `- ${label}, paired: ${rounds} rounds alternating a run of ${steps} steps on each side (the order swapped every round); naskit / PyTorch of the round's medians ${formatRatio(medianInterval(ratios), 'rounds')}, of the round's minima ${formatRatio(medianInterval(minRatios), 'rounds')}`;
}

/** Tiny ops per loop of the instruction count: the counted loops run N and then 2N of them. */
const INSTR_OPS = 20_000;

/**
 * A folder with a stand-in for libhwy (Highway, the SIMD library libjxl uses; libtorch pulls
 * libjxl in through libavcodec), or null when the addon does not load libhwy. libhwy's initialiser
 * executes RDTSCP, which this VM's CPU does not announce, so valgrind 3.19 stops the process with
 * SIGILL. The stand-in defines the functions libjxl imports from it, each aborting if ever called
 * (nothing here decodes JPEG XL), and is built with the system's C compiler into a temporary folder.
 */
function hwyStub(folder: string): string | null {
  const addon = join(projectRoot(), 'native', 'build', 'Release', 'naskit_engine.node');
  const ldd = spawnSync('ldd', [addon], { encoding: 'utf8' }).stdout ?? '';
  const libs = [...ldd.matchAll(/=> (\S+) \(/g)].map((m) => m[1]);
  const hwy = libs.find((l) => /\/libhwy\.so/.test(l));
  if (!hwy) return null;
  const defined = new Map<string, string>();
  for (const line of (spawnSync('nm', ['-D', '--defined-only', hwy], { encoding: 'utf8' }).stdout ?? '').split('\n')) {
    const m = /\sT\s+([^@\s]+)@@?(\S+)$/.exec(line);
    if (m) defined.set(m[1], m[2]);
  }
  const needed = new Set<string>();
  for (const lib of libs) {
    const dyn = spawnSync('readelf', ['-d', lib], { encoding: 'utf8' }).stdout ?? '';
    if (!/NEEDED.*libhwy/.test(dyn)) continue;
    for (const line of (spawnSync('nm', ['-D', '--undefined-only', lib], { encoding: 'utf8' }).stdout ?? '').split('\n')) {
      const m = /U\s+([^@\s]+)@/.exec(line);
      if (m && defined.has(m[1])) needed.add(m[1]);
    }
  }
  const versions = [...new Set(defined.values())];
  const dir = join(folder, 'hwy-stub');
  rmSync(dir, { recursive: true, force: true });
  spawnSync('mkdir', ['-p', dir]);
  writeFileSync(join(dir, 'stub.c'), ['#include <stdlib.h>', ...[...needed].map((s) => `void ${s}(void) { abort(); }`)].join('\n') + '\n');
  writeFileSync(join(dir, 'stub.map'), versions.map((v) => `${v} { global: *; };`).join('\n') + '\n');
  const soname = hwy.split('/').pop()!.replace(/^(libhwy\.so\.\d+).*$/, '$1');
  const cc = spawnSync('cc', ['-shared', '-fPIC', '-O2', '-o', join(dir, soname), `-Wl,--version-script=${join(dir, 'stub.map')}`, `-Wl,-soname,${soname}`, join(dir, 'stub.c')], { encoding: 'utf8' });
  if (cc.status !== 0) throw new Error(`building the libhwy stand-in failed: ${cc.stderr}`);
  return dir;
}

/**
 * Instructions per tiny op, under `valgrind --tool=callgrind --dump-before=getppid`: each process
 * calls getppid() (`process.ppid`, `os.getppid()`) as a marker between its loops, and callgrind
 * dumps its counters at each marker, so each loop's instructions are counted alone (all threads).
 * After an uncounted warm-up, a loop of N ops and one of 2N ops are counted; per op = (2N − N) / N,
 * which cancels the loop's fixed costs. naskit's process counts `E.add(a, b).dispose()` (scopes of
 * 1,000, as the wall-clock row) and then libtorch's own at::add in the addon's C++ loop
 * (`timeAddLoop`); PyTorch's counts `torch.add(a, b)` in a Python loop (bench/engine/reference.py).
 */
/** libtorch's entry of at::add (the dispatcher's add.Tensor): its inclusive instructions are the kernel's share of a tiny add in any runtime. */
const ADD_ENTRY = 'at::_ops::add_Tensor::call(';

/** Instructions of one callgrind dump, in all, and inclusive in ADD_ENTRY (0 when it was not called). */
interface Dump {
  readonly total: number;
  readonly add: number;
}

/** The dumps of one process run under callgrind (the processes run at the same time: counts do not depend on load). */
async function instructionCounts(command: string[], env: NodeJS.ProcessEnv, folder: string, name: string, loops: number): Promise<Dump[]> {
  const out = join(folder, `${name}.out`);
  const r = await new Promise<{ status: number | null; stderr: string }>((resolve, reject) => {
    const child = spawn('valgrind', ['--tool=callgrind', '--dump-before=getppid', `--callgrind-out-file=${out}`, ...command], { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr = (stderr + d).slice(-200_000)));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stderr }));
  });
  if (r.status !== 0) throw new Error(`callgrind of ${name} failed (status ${r.status}): ${r.stderr.split('\n').filter((l) => !/by 0x|at 0x/.test(l)).slice(-25).join('\n')}`);
  const parts = readdirSync(folder)
    .filter((f) => f.startsWith(`${name}.out.`))
    .map((f) => ({ index: Number(f.slice(`${name}.out.`.length)), file: join(folder, f) }))
    .sort((a, b) => a.index - b.index)
    .map(({ file }) => {
      const m = /^(?:summary|totals):\s+(\d+)/m.exec(readFileSync(file, 'utf8'));
      if (!m) throw new Error(`callgrind output ${file} has no total`);
      const annotated = spawnSync('callgrind_annotate', ['--inclusive=yes', '--threshold=100', file], { encoding: 'utf8', maxBuffer: 1 << 28 }).stdout ?? '';
      const line = annotated.split('\n').find((l) => l.includes(ADD_ENTRY));
      return { total: Number(m[1]), add: line ? Number(line.trim().split(/\s+/)[0].replace(/,/g, '')) : 0 };
    });
  // Dumps: start-up (to the first marker), then one per counted loop; the rest goes to the final file.
  if (parts.length !== loops + 1) throw new Error(`callgrind of ${name}: ${parts.length} dumps, expected ${loops + 1} (did something else call getppid?)`);
  return parts.slice(1);
}

/** The tiny-op instruction lines (1 thread; under valgrind, load does not change them). */
async function tinyOpInstructions(): Promise<string[]> {
  if (spawnSync('valgrind', ['--version'], { encoding: 'utf8' }).status !== 0) return ['- tiny op, instructions: valgrind is not installed; not measured'];
  const folder = mkdtempSync(join(tmpdir(), 'naskit-callgrind-'));
  try {
    const stub = hwyStub(folder);
    const env = { ...process.env, OMP_NUM_THREADS: '1', ...(stub ? { LD_LIBRARY_PATH: [stub, process.env.LD_LIBRARY_PATH].filter(Boolean).join(':') } : {}) };
    const n = quick ? 4_000 : INSTR_OPS;
    // --single-threaded: V8 compiles and collects on the main thread, so no background thread's work
    // lands, at whatever moment, in a counted loop; the process's count is then all of its work.
    const node = (fast: boolean): Promise<Dump[]> =>
      instructionCounts([process.execPath, '--single-threaded', process.argv[1], '--tinyop-instr-child', String(n)], { ...env, NASKIT_FAST_CALLS: fast ? '1' : '0' }, folder, fast ? 'naskit-fast' : 'naskit-napi', 6);
    /** Per op from each (N, 2N) pair of counted loops starting at `from`: all instructions, or those inside at::add. */
    const perOp = (c: Dump[], from: number, pairsOf: number, k: keyof Dump = 'total'): number[] => Array.from({ length: pairsOf }, (_, p) => (c[from + 2 * p + 1][k] - c[from + 2 * p][k]) / n);
    const mean = (xs: number[]): number => xs.reduce((s, x) => s + x, 0) / xs.length;
    const [fast, napi, py] = await Promise.all([node(true), node(false), instructionCounts([python, join(projectRoot(), 'bench', 'engine', 'reference.py'), 'tinyop-instr', '1', String(n)], env, folder, 'torch', 4)]);
    const pure = perOp(fast, 4, 1)[0];
    const pureNapi = perOp(napi, 4, 1)[0];
    const fmt = (x: number): string => Math.round(x).toLocaleString('en-US');
    const both = (xs: number[]): string => xs.map(fmt).join(' and ');
    const sides = [
      { name: 'PyTorch eager Python `torch.add(a, b)`', c: py },
      { name: 'naskit `E.add(a, b).dispose()`, V8 fast calls', c: fast },
      { name: 'naskit `E.add(a, b).dispose()` through Node-API (NASKIT_FAST_CALLS=0)', c: napi },
    ].map((x) => ({ ...x, ops: perOp(x.c, 0, 2), add: mean(perOp(x.c, 0, 2, 'add')) }));
    const torchSide = sides[0];
    const overC = (x: (typeof sides)[number]): number => mean(x.ops) - pure;
    const overOwn = (x: (typeof sides)[number]): number => mean(x.ops) - x.add;
    return [
      `- tiny op in instructions (\`valgrind --tool=callgrind\`, 1 libtorch thread, Node with \`--single-threaded\`; per op = the instructions of a loop of ${2 * n} ops − those of a loop of ${n}, over ${n}, counted between getppid() markers in one process, twice; repeatable whatever the load, but instructions are not time: cache misses and mispredicted branches are not in them)`,
      `- libtorch's own at::add in the addon's C++ loop (result freed each time): ${fmt(pure)} instructions per op (${fmt(pureNapi)} in the Node-API process); of which inside \`${ADD_ENTRY.slice(0, -1)}\`: ${fmt(perOp(fast, 4, 1, 'add')[0])}`,
      ...sides.map(
        (x) =>
          `- ${x.name}: ${both(x.ops)} per op; ${fmt(x.add)} of them inside \`${ADD_ENTRY.slice(0, -1)}\`; above the C++ loop's at::add ${fmt(overC(x))}, outside its own at::add call ${fmt(overOwn(x))}` +
          (x === torchSide ? '' : `; naskit / PyTorch overhead = **${(overC(x) / overC(torchSide)).toFixed(3)}** (outside at::add: ${(overOwn(x) / overOwn(torchSide)).toFixed(3)})`),
      ),
    ];
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

/** The child of tinyOpInstructions: warm-up, then marker, N ops, marker, 2N ops, marker, N, marker, 2N, marker, N at::add, marker, 2N at::add, marker. */
function tinyOpInstrChild(n: number): void {
  E.setNumThreads(1);
  const a = E.keep(E.ones([1]));
  const b = E.keep(E.ones([1]));
  const loop = (count: number): void => {
    for (let i = 0; i < count / 1000; i++) {
      E.scope(() => {
        for (let j = 0; j < 1000; j++) E.add(a, b).dispose();
      });
    }
  };
  const marker = (): number => process.ppid; // getppid(): callgrind dumps its counters here
  loop(20_000); // warm-up: the JIT optimises the loop before it is counted
  E.engine().timeAddLoop(a.nativeHandle, b.nativeHandle, 2000);
  for (const count of [n, 2 * n, n, 2 * n]) {
    marker();
    loop(count);
  }
  for (const count of [n, 2 * n]) {
    marker();
    E.engine().timeAddLoop(a.nativeHandle, b.nativeHandle, count);
  }
  marker();
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

/** Seconds one row takes at `t` threads on the quiet machine (from the runs of 2026-12-07), for the estimate printed at the start. */
function estimateSeconds(row: Row, t: number): number {
  const nbStep = t === 1 ? 0.75 : 0.75 / Math.min(t, 2) / 0.9; // NB201 arch 11, batch 64, seconds per step
  const e2eRun = 4 + (2 * (e2eImages() / 64) + 8) * nbStep * 1.1; // one end-to-end run: start-up, two epochs, bare steps
  const maxThreads = t === availableParallelism();
  switch (row) {
    case 'cnn':
      return 12 + pairs(10, 3) * 2 * (2 + 0.11 * (warmupSteps + (quick ? 5 : 20)));
    case 'nb201':
      return 6 + 2 * 2 * (warmupSteps + (quick ? 4 : 10)) * nbStep + pairs(10, 3) * 2 * (2 + (warmupSteps + (quick ? 3 : 6)) * nbStep);
    case 'lstm':
      return 8 + pairs(12, 3) * 3;
    case 'supernet':
      return maxThreads ? (quick ? 20 : 70) : 0;
    case 'tinyop':
      return t === 1 ? 35 : 0;
    case 'tinyop-instr':
      return t === 1 ? (quick ? 240 : 360) : 0;
    case 'e2e':
      return 8 + (BLOCK_WARMUP + 2 + pairs(24, 3) * 2 * BLOCK_STEPS) * nbStep;
    case 'e2e-torch':
      return 3 * e2eTorchRounds() * e2eRun;
    case 'memory':
      return 0;
  }
}

/** Every selected comparison at the current thread count; the tiny-op rows only at 1 thread (they use no pool). */
async function section(): Promise<string[]> {
  E.setNumThreads(threads);
  const load0 = loadavg()[0];
  const steps = quick ? 4 : 10;
  const overheadLines: string[] = [];
  const lines: string[] = [];
  lines.push(`### ${threads} thread(s) on both sides`, '');
  lines.push(`Machine: ${machineLine()}; libtorch ${E.libtorchVersion()}; ${threads} thread(s) on both sides.`);
  lines.push(`Started ${new Date().toISOString()}, load average ${load0.toFixed(2)}.${only.size < ROWS.length ? ` Rows: ${[...only].join(', ')} (\`--only\`).` : ''}`, '');
  const tiny = threads === 1 && selected('tinyop');
  const table = ['cnn', 'nb201', 'lstm', 'supernet'].some((r) => selected(r as Row)) || tiny;
  if (table) {
    lines.push('| step | naskit min ms | PyTorch min ms | ratio (min) | naskit median ms | PyTorch median ms | ratio (median) |', '| --- | --- | --- | --- | --- | --- | --- |');
  }
  if (selected('cnn')) {
    const cnn = (): Step => imageStep(new E.SmallCnn({ inChannels: 3, channels: 32, generator: new E.Generator(0) }));
    lines.push(compare('conv net (SmallCnn C=32), batch 64, 3x32x32', 'cnn', cnn, steps).line);
    overheadLines.push(pairedLine('conv net (SmallCnn C=32)', 'cnn', cnn(), quick ? 5 : 20, pairs(10, 3)));
  }
  if (selected('nb201')) {
    const nb201 = (): Step => imageStep(new E.Nb201Network(ARCH_11, { generator: new E.Generator(0) }));
    lines.push(compare('NB201 arch 11 (C=16, N=5), batch 64', 'nb201', nb201, steps).line);
    overheadLines.push(pairedLine('NB201 arch 11 (C=16, N=5), batch 64', 'nb201', nb201(), quick ? 3 : 6, pairs(10, 3)));
  }
  if (selected('lstm')) {
    lines.push(compare('LSTM controller (hidden 64, 6 decisions, Adam)', 'lstm', lstmStep, quick ? 20 : 100).line);
    overheadLines.push(pairedLine('LSTM controller', 'lstm', lstmStep(), quick ? 20 : 300, pairs(12, 3)));
  }
  if (threads === availableParallelism() && selected('supernet')) {
    // Issue 13's row: the one-shot supernet at the thread count users run.
    const size = { channels: 16, cells: quick ? 1 : 5, batch: 64 };
    const supernetSteps = quick ? 2 : 5;
    lines.push(compare(`NB201 supernet (C=16, N=${size.cells}, batch 64): forward with softmax(α), backward to weights and α, SGD + Adam`, () => torchSupernetSteps(python, threads, supernetSteps, 2, size), () => makeSupernetStep(size), supernetSteps).line);
  }
  if (tiny) {
    const t = tinyOpLines();
    for (const row of t.rows) console.error(row);
    lines.push(...t.rows);
    overheadLines.push(...t.notes);
  }
  if (threads === 1 && selected('tinyop-instr')) overheadLines.push(...(await tinyOpInstructions()));
  lines.push(...(table ? [''] : []), ...overheadLines);
  if (selected('e2e-torch')) lines.push(...(await endToEndVsTorch()));
  if (selected('e2e')) lines.push(...(await endToEndBlocks()));
  lines.push('', `Ended ${new Date().toISOString()}, load average ${loadavg()[0].toFixed(2)}.`, '');
  return lines;
}

async function main(): Promise<void> {
  const seconds = threadCounts.reduce((s, t) => s + [...only].reduce((u, row) => u + estimateSeconds(row, t), 0), 0) + (selected('memory') ? 10 : 0);
  console.error(`bench/engine: rows ${[...only].join(', ')} at ${threadCounts.join(' and ')} thread(s); estimated ${Math.ceil(seconds / 60)} min on the quiet machine (more under load)`);
  if (args.includes('--estimate')) return; // the estimate only
  const lines: string[] = [];
  for (const t of threadCounts) {
    threads = t;
    lines.push(...(await section()));
  }
  if (selected('memory')) lines.push(...memoryFlat());
  console.log(lines.join('\n'));
}

if (args.includes('--tinyop-instr-child')) {
  tinyOpInstrChild(Number(args[args.indexOf('--tinyop-instr-child') + 1]));
} else if (args.includes('--tinyop-child')) {
  threads = threadCounts[0];
  E.setNumThreads(threads);
  console.log(JSON.stringify({ ...tinyOps(3), fastCalls: E.engine().fastCalls }));
} else {
  await main();
}
