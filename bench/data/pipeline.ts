/**
 * Data pipeline benchmark: CIFAR-10 decode (cold, by worker count), cache read, MNIST load, and
 * batch throughput of CIFAR-10 batch 64 with augmentation, compared with the ~2,500 images/s a
 * libtorch training step of the NAS-Bench-201 network consumes. Also measures how long a
 * simulated training step waits for its batch when the batches are prefetched in workers.
 *
 * Run: npx tsc -p . && node dist/bench/data/pipeline.js [--quick]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type BatchOptions,
  CIFAR10_AUGMENT,
  CIFAR10_NORMALIZATION,
  type ImageDataset,
  iterateBatches,
  loadCifar10,
  loadIdxDataset,
  PrefetchingBatches,
} from '../../src/engine/data/index.js';
import { dataDir } from '../../src/util/paths.js';

const TRAIN_STEP_IMAGES_PER_S = 2500;
const quick = process.argv.includes('--quick');

function seconds(start: number): number {
  return (performance.now() - start) / 1000;
}

async function timeDecode(dir: string, part: 'train' | 'test', workers: number): Promise<number> {
  const start = performance.now();
  await loadCifar10(dir, part, { cacheDir: null, workers });
  return seconds(start);
}

/** Images per second of one epoch pulled as fast as possible. */
async function throughput(data: ImageDataset, options: BatchOptions, workers: number | null, maxBatches: number): Promise<number> {
  let images = 0;
  const start = performance.now();
  if (workers === null) {
    let b = 0;
    for (const batch of iterateBatches(data, options, 0)) {
      images += batch.shape[0];
      if (++b >= maxBatches) break;
    }
  } else {
    const loader = new PrefetchingBatches(data, options, { workers, depth: 8 });
    let b = 0;
    for await (const batch of loader.epoch(0)) {
      images += batch.shape[0];
      if (++b >= maxBatches) break;
    }
    await loader.close();
  }
  return images / seconds(start);
}

/** Mean wait (ms) for the next batch while a simulated training step blocks the main thread. */
async function waitDuringTraining(data: ImageDataset, options: BatchOptions, workers: number, steps: number): Promise<{ meanMs: number; medianMs: number; p90Ms: number; stepMs: number }> {
  const stepMs = (options.batchSize / TRAIN_STEP_IMAGES_PER_S) * 1000;
  const loader = new PrefetchingBatches(data, options, { workers, depth: 4 });
  const waits: number[] = [];
  let step = 0;
  let before = performance.now();
  for await (const batch of loader.epoch(0)) {
    if (step > 0) waits.push(performance.now() - before); // the first batch has no head start
    if (++step > steps || batch.shape[0] === 0) break;
    const until = performance.now() + stepMs;
    while (performance.now() < until); // the training step: the main thread is busy
    before = performance.now();
  }
  await loader.close();
  waits.sort((a, b) => a - b);
  const meanMs = waits.reduce((a, b) => a + b, 0) / waits.length;
  return { meanMs, medianMs: waits[Math.floor(waits.length / 2)], p90Ms: waits[Math.floor(waits.length * 0.9)], stepMs };
}

async function main(): Promise<void> {
  const dir = dataDir();
  const lines: string[] = [];
  const log = (line: string) => {
    lines.push(line);
    console.log(line);
  };
  log(`load average (1/5/15 min) at start: ${loadavg().map((l) => l.toFixed(2)).join(' / ')} on ${availableParallelism()} cores`);
  log('');
  log(`## CIFAR-10 decode (cold: gunzip + tar + JPEG decode, no cache)`);
  for (const workers of quick ? [0, 2] : [0, 1, 2]) {
    log(`- test (10,000 images), ${workers} worker thread(s): ${(await timeDecode(dir, 'test', workers)).toFixed(2)} s`);
  }
  if (!quick) {
    for (const workers of [0, 2]) log(`- train (50,000 images), ${workers} worker thread(s): ${(await timeDecode(dir, 'train', workers)).toFixed(2)} s`);
  }
  const cacheDir = mkdtempSync(join(tmpdir(), 'naskit-bench-'));
  try {
    let start = performance.now();
    await loadCifar10(dir, 'train', { cacheDir });
    log(`- train, first load with cache write (default workers): ${seconds(start).toFixed(2)} s`);
    start = performance.now();
    const train = await loadCifar10(dir, 'train', { cacheDir });
    log(`- train, warm load from the cache (150 MB, CRC-checked): ${seconds(start).toFixed(2)} s`);
    start = performance.now();
    loadIdxDataset(dir, 'mnist', 'train');
    log(`- MNIST train (60,000 images, gunzip + parse): ${seconds(start).toFixed(2)} s`);

    const maxBatches = quick ? 200 : 782;
    log('');
    log(`## Batches of 64, CIFAR-10 train, ${maxBatches} batches; target ${TRAIN_STEP_IMAGES_PER_S} images/s (one libtorch NB201 step)`);
    const recipes: [string, BatchOptions][] = [
      ['crop 4 + flip + normalise', { batchSize: 64, seed: 0, augment: CIFAR10_AUGMENT, normalization: CIFAR10_NORMALIZATION }],
      ['crop 4 + flip + cutout 16 + normalise', { batchSize: 64, seed: 0, augment: { ...CIFAR10_AUGMENT, cutout: 16 }, normalization: CIFAR10_NORMALIZATION }],
    ];
    for (const [name, options] of recipes) {
      for (const workers of [null, 1, 2]) {
        const rate = await throughput(train, options, workers, maxBatches);
        const how = workers === null ? 'main thread (iterateBatches)' : `PrefetchingBatches, ${workers} worker(s)`;
        log(`- ${name}, ${how}: ${rate.toFixed(0)} images/s = ${(rate / 64).toFixed(0)} batches/s, ${(rate / TRAIN_STEP_IMAGES_PER_S).toFixed(1)}× the training step's need`);
      }
    }
    log('');
    log('## Wait for the next batch while a simulated step (busy main thread) runs');
    for (const workers of [0, 1, 2]) {
      const { meanMs, medianMs, p90Ms, stepMs } = await waitDuringTraining(train, recipes[0][1], workers, quick ? 50 : 300);
      const how = workers === 0 ? '0 workers (built on the main thread, for comparison)' : `${workers} worker(s)`;
      log(`- ${how}, step ${stepMs.toFixed(1)} ms: wait per batch median ${medianMs.toFixed(3)} ms, p90 ${p90Ms.toFixed(3)} ms, mean ${meanMs.toFixed(3)} ms (${((100 * meanMs) / stepMs).toFixed(2)} % of a step)`);
    }
    log('');
    log(`load average at end: ${loadavg().map((l) => l.toFixed(2)).join(' / ')}`);
  } finally {
    rmSync(cacheDir, { recursive: true, force: true });
  }
}

await main();
