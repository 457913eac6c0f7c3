// The memory probe and the training-memory estimate, checked against the resident peak of real
// training runs measured in child processes.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import * as E from '../../src/engine/index.js';
import { NativeError } from '../../src/errors.js';
import { measurePeak } from '../../src/engine/memory.js';
import { measureTrainingMemory, trainingPeakBytes } from '../../src/engine/train-memory.js';
import { caseNetwork, type PeakCase } from './memory-peak-child.js';
import { engineTest } from './helpers.js';

const MB = 2 ** 20;

engineTest('memory probe: counts what libtorch allocates inside, peak and net, including what no handle holds', () => {
  const kept = measurePeak(() => E.keep(E.zeros([256, 1024])));
  assert.equal(kept.peakBytes, 1 * MB);
  assert.equal(kept.netBytes, 1 * MB);
  kept.value.dispose();
  // Freed before the end: the peak stays, the net is zero.
  const freed = measurePeak(() => E.scope(() => void E.add(E.ones([512, 1024]), 1)));
  assert.ok(freed.peakBytes >= 4 * MB && freed.peakBytes < 4.1 * MB, `${freed.peakBytes}`);
  assert.equal(freed.netBytes, 0);
  // Autograd's saved tensors hold memory no live handle shows: the probe sees them, memory() does not.
  const w = E.keep(E.randn([64, 64])).setRequiresGrad();
  let handleBytes = 0;
  const step = measurePeak(() =>
    E.scope(() => {
      const before = E.memory().bytes;
      let x = E.randn([256, 64]);
      for (let i = 0; i < 4; i++) x = E.matmul(x, w).relu();
      handleBytes = E.memory().bytes - before;
      E.sum(x).backward();
    }),
  );
  assert.ok(step.peakBytes > handleBytes, `probe ${step.peakBytes} > live handles ${handleBytes}`);
  w.dispose();
  // One probe at a time; a failing function stops its probe.
  assert.throws(() => measurePeak(() => measurePeak(() => 0)), (e: unknown) => e instanceof NativeError && e.code === 'PROBE_ACTIVE');
  assert.equal(measurePeak(() => 1).value, 1, 'the probe stopped after the failure');
});

engineTest('training memory: a step costs a line in the batch size; the mode is restored and gradients dropped', () => {
  const net = caseNetwork({ name: 'nb201', space: 'nb201', options: { channels: 4, cells: 1 }, sampleSeed: 1, channels: 1, size: 16, batch: 8, steps: 1, evalImages: 8 });
  net.eval();
  const memory = measureTrainingMemory(net, [1, 16, 16], 10);
  assert.equal(net.training, false);
  assert.equal(net.parameters().filter((p) => p.grad !== null).length, 0, 'gradients dropped');
  const params = net.parameters().reduce((a, p) => a + p.shape.reduce((x, y) => x * y, 1), 0);
  assert.equal(memory.paramBytes, params * 4);
  assert.equal(memory.optimizerBytes, params * 4);
  assert.ok(memory.step.perImage > memory.evaluation.perImage && memory.evaluation.perImage > 0);
  // The line's prediction at batch 16 against the probe of the same step at 16.
  const at16 = measurePeak(() => {
    E.scope(() => {
      net.train();
      E.crossEntropy(net.forward(E.randn([16, 1, 16, 16])), E.tensor(Int32Array.from({ length: 16 }, (_, i) => i % 10), [16])).backward();
    });
    net.zeroGrad();
  }).peakBytes;
  const predicted = memory.step.fixed + 16 * memory.step.perImage;
  assert.ok(Math.abs(predicted / at16 - 1) < 0.1, `predicted ${predicted}, measured ${at16}`);
  const peak = trainingPeakBytes(memory, 16, 64);
  assert.ok(peak.peakBytes > Math.max(peak.stepBytes, peak.evaluationBytes));
  net.dispose();
});

/**
 * Ten networks of the trainable spaces and a model space, at sizes whose peaks (70–500 MB) stand
 * well above the few MB by which a run's resident size varies; some peak in a training step, some
 * in the evaluation pass (up to 256 validation images at once).
 */
const CASES: readonly PeakCase[] = [
  { name: 'nb201 C=8 N=2, MNIST size, batch 64', space: 'nb201', options: { channels: 8, cells: 2 }, sampleSeed: 0, channels: 1, size: 28, batch: 64, steps: 2, evalImages: 2 },
  { name: 'nb201 C=8 N=1, CIFAR size, evaluation of 256', space: 'nb201', options: { channels: 8, cells: 1 }, sampleSeed: 3, channels: 3, size: 32, batch: 32, steps: 2, evalImages: 256 },
  { name: 'darts C=6, 5 layers, auxiliary head', space: 'darts', options: { channels: 6, layers: 5, auxiliary: true }, sampleSeed: 1, channels: 1, size: 28, batch: 32, steps: 2, evalImages: 2 },
  { name: 'darts C=6, 5 layers, evaluation of 128', space: 'darts', options: { channels: 6, layers: 5 }, sampleSeed: 2, channels: 1, size: 28, batch: 16, steps: 2, evalImages: 128 },
  { name: 'nb101 C=16, 1 cell per stack', space: 'nb101', options: { channels: 16, cells_per_stack: 1 }, sampleSeed: 0, channels: 1, size: 28, batch: 64, steps: 2, evalImages: 2 },
  { name: 'chain, 6 layers, C=16, CIFAR size', space: 'chain', options: { layers: 6, channels: 16 }, sampleSeed: 0, channels: 3, size: 32, batch: 64, steps: 2, evalImages: 2 },
  { name: 'nats-size', space: 'nats-size', sampleSeed: 0, channels: 1, size: 28, batch: 32, steps: 2, evalImages: 2 },
  { name: 'mbconv at depth 0.35, width 0.5', space: 'mbconv', options: { depth_mult: 0.35, width_mult: 0.5 }, sampleSeed: 0, channels: 1, size: 28, batch: 32, steps: 2, evalImages: 2 },
  { name: 'fbnet at depth 0.35, width 0.5, CIFAR size, evaluation of 64', space: 'fbnet', options: { depth_mult: 0.35, width_mult: 0.5 }, sampleSeed: 0, channels: 3, size: 32, batch: 32, steps: 2, evalImages: 64 },
  { name: 'a model space (every primitive)', space: 'all-primitives', sampleSeed: 4, channels: 1, size: 28, batch: 64, steps: 2, evalImages: 2 },
];

const CHILD = fileURLToPath(new URL('./memory-peak-child.js', import.meta.url));
const run = promisify(execFile);

engineTest('training memory: the estimate is within 20 % of the measured resident peak for 10 networks', async (t) => {
  if (!existsSync('/proc/self/clear_refs')) return t.skip('measuring a resident peak needs Linux (/proc/self/clear_refs)');
  const results: string[] = [];
  const measure = async (c: PeakCase): Promise<[PeakCase, number]> => {
    const { stdout } = await run(process.execPath, ['--expose-gc', CHILD, JSON.stringify(c)], { env: { ...process.env, NASKIT_THREADS: '1' }, maxBuffer: 1 << 20 });
    return [c, (JSON.parse(stdout.trim().split('\n').at(-1)!) as { peakBytes: number }).peakBytes];
  };
  // Two children at a time (each measures its own process).
  const measured: [PeakCase, number][] = [];
  for (let i = 0; i < CASES.length; i += 2) measured.push(...(await Promise.all(CASES.slice(i, i + 2).map(measure))));
  const failures: string[] = [];
  for (const [c, peak] of measured) {
    const net = caseNetwork(c);
    const memory = measureTrainingMemory(net, [c.channels, c.size, c.size], 10);
    net.dispose();
    const estimate = trainingPeakBytes(memory, c.batch, Math.min(Math.max(c.batch, 256), c.evalImages)).peakBytes;
    const line = `${c.name}: estimated ${(estimate / MB).toFixed(1)} MB, measured ${(peak / MB).toFixed(1)} MB (${((estimate / peak - 1) * 100).toFixed(1)} %)`;
    results.push(line);
    if (Math.abs(estimate / peak - 1) > 0.2) failures.push(line);
  }
  console.log(results.join('\n'));
  assert.deepEqual(failures, []);
});
