import { Worker } from 'node:worker_threads';
import { type Batch, type BatchOptions, type BatchPlan, batchCount, batchLabels, buildBatchImages, checkBatchOptions, planEpoch } from './batches.js';
import type { ImageDataset } from './dataset.js';
import { normalizationTable } from './normalize.js';

/** How far ahead, and on how many threads, {@link PrefetchingBatches} works. */
export interface PrefetchOptions {
  /** Worker threads that build batches (default 1; 0 builds them on this thread, in order, unprefetched). */
  readonly workers?: number;
  /** Batches requested ahead of the one being consumed (default 4). */
  readonly depth?: number;
}

interface Pending {
  resolve: (images: Float32Array) => void;
  reject: (error: Error) => void;
}

/**
 * Batches built ahead of time in worker threads, so decoding and augmenting never sit on the
 * training step's path. The batches are exactly those of `iterateBatches` with the same options
 * (each batch depends only on the seed, the epoch and its position). The data set's pixels are
 * copied once into shared memory, unless they already live there. Call {@link close} when done.
 */
export class PrefetchingBatches {
  private readonly table: Float32Array;
  private readonly workers: Worker[] = [];
  private readonly pending = new Map<number, Pending>();
  private readonly depth: number;
  private readonly workerCount: number;
  private sharedImages: Uint8Array | null = null;
  private nextId = 0;
  private nextWorker = 0;
  private failure: Error | null = null;
  private closed = false;

  constructor(
    private readonly dataset: ImageDataset,
    private readonly options: BatchOptions,
    prefetch: PrefetchOptions = {},
  ) {
    checkBatchOptions(options);
    this.workerCount = prefetch.workers ?? 1;
    this.depth = prefetch.depth ?? 4;
    if (!Number.isInteger(this.workerCount) || this.workerCount < 0) throw new RangeError(`PrefetchingBatches: workers must be a non-negative integer, got ${this.workerCount}`);
    if (!Number.isInteger(this.depth) || this.depth < 1) throw new RangeError(`PrefetchingBatches: depth must be a positive integer, got ${this.depth}`);
    this.table = normalizationTable(options.normalization, dataset.shape.channels);
  }

  /** Number of batches in each epoch. */
  get batchesPerEpoch(): number {
    return batchCount(this.dataset.length, this.options);
  }

  /** The batches of epoch `epoch` (0-based), in order. Breaking out early is allowed. */
  async *epoch(epoch: number): AsyncGenerator<Batch> {
    if (this.closed) throw new Error('PrefetchingBatches: used after close()');
    const plans = planEpoch(this.dataset.length, this.options, epoch);
    const { channels, height, width } = this.dataset.shape;
    const inFlight: Promise<Float32Array>[] = [];
    let requested = 0;
    for (let b = 0; b < plans.length; b++) {
      while (requested < plans.length && requested < b + this.depth) inFlight.push(this.request(plans[requested++]));
      const images = await inFlight[b];
      delete inFlight[b]; // let the consumer own the only reference
      yield { images, labels: batchLabels(this.dataset, plans[b]), shape: [plans[b].indices.length, channels, height, width] };
    }
  }

  /** Stops the worker threads; batches still in flight are dropped. */
  async close(): Promise<void> {
    this.closed = true;
    const workers = this.workers.splice(0);
    await Promise.all(workers.map((w) => w.terminate()));
    for (const { reject } of this.pending.values()) reject(new Error('PrefetchingBatches: closed'));
    this.pending.clear();
  }

  private request(plan: BatchPlan): Promise<Float32Array> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.workerCount === 0) {
      return Promise.resolve(buildBatchImages(this.dataset.images, this.dataset.shape, plan, this.options.augment, this.table));
    }
    this.startWorkers();
    const id = this.nextId++;
    const worker = this.workers[this.nextWorker++ % this.workers.length];
    const result = new Promise<Float32Array>((resolve, reject) => this.pending.set(id, { resolve, reject }));
    // Keep the process alive only while batches are on their way.
    worker.ref();
    worker.postMessage({ id, indices: plan.indices.slice(), seed: plan.seed });
    // The caller may not await every request (early break): never leave a rejection unhandled.
    result.catch(() => undefined);
    return result;
  }

  private startWorkers(): void {
    if (this.workers.length > 0) return;
    if (this.sharedImages === null) {
      const source = this.dataset.images;
      if (source.buffer instanceof SharedArrayBuffer) {
        this.sharedImages = source;
      } else {
        this.sharedImages = new Uint8Array(new SharedArrayBuffer(source.byteLength));
        this.sharedImages.set(source);
      }
    }
    for (let i = 0; i < this.workerCount; i++) {
      const worker = new Worker(new URL('./batch-worker.js', import.meta.url), {
        workerData: { images: this.sharedImages, shape: this.dataset.shape, augment: this.options.augment ?? null, table: this.table },
      });
      worker.on('message', (message: { id: number; images: Float32Array }) => {
        const entry = this.pending.get(message.id);
        this.pending.delete(message.id);
        entry?.resolve(message.images);
        if (this.pending.size === 0) for (const w of this.workers) w.unref();
      });
      worker.on('error', (error) => this.fail(error));
      worker.on('exit', (code) => {
        if (!this.closed && code !== 0) this.fail(new Error(`PrefetchingBatches: a batch worker exited with code ${code}`));
      });
      worker.unref();
      this.workers.push(worker);
    }
  }

  private fail(error: Error): void {
    this.failure = error;
    for (const { reject } of this.pending.values()) reject(error);
    this.pending.clear();
  }
}
