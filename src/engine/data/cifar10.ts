import { statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { DataError } from '../../errors.js';
import { defaultCacheDir, readDatasetCache, writeDatasetCache } from './cache.js';
import { type ImageDataset, type ImageShape, makeDataset } from './dataset.js';
import { DATA_FIX, readGzipFile } from './files.js';
import { decodeJpegsNchw, type JpegFailure, packJpegs, type PackedJpegs } from './jpeg.js';
import type { DatasetPart } from './mnist.js';
import { readTar } from './tar.js';

/** CIFAR-10's class names, indexed by label (the folder names inside the archives). */
export const CIFAR10_CLASSES: readonly string[] = ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck'];

const CIFAR10_SHAPE: ImageShape = { channels: 3, height: 32, width: 32 };
const CIFAR10_COUNTS: Readonly<Record<DatasetPart, number>> = { train: 50000, test: 10000 };

/** Options of {@link loadCifar10}. */
export interface Cifar10Options {
  /** Folder of the decoded cache (default `<project root>/.cache/data`); null disables the cache. */
  readonly cacheDir?: string | null;
  /** Worker threads that decode JPEGs on a cache miss (default: the machine's cores; 0 decodes on this thread). */
  readonly workers?: number;
}

/**
 * Loads CIFAR-10 (`<dataDir>/cifar10/{train,test}.tar.gz`: JPEGs in one folder per class) as
 * 3×32×32 images, labels in {@link CIFAR10_CLASSES} order, images sorted by class then file name.
 * The first call decodes the archive (in worker threads) and caches the pixels; later calls read
 * the cache, which is rebuilt whenever it is damaged or the archive changed. A missing or corrupt
 * archive, a bad JPEG, an unknown class folder or a wrong image count is a `DataError`.
 */
export async function loadCifar10(dataDir: string, part: DatasetPart, options: Cifar10Options = {}): Promise<ImageDataset> {
  const archivePath = join(dataDir, 'cifar10', `${part}.tar.gz`);
  let source: string;
  try {
    const stat = statSync(archivePath);
    source = `${archivePath}:${stat.size}:${stat.mtimeMs}`;
  } catch (error) {
    throw new DataError('DATA_MISSING', `cannot read ${archivePath}: ${(error as Error).message}; ${DATA_FIX}`, { cause: error });
  }
  const cacheDir = options.cacheDir === undefined ? defaultCacheDir() : options.cacheDir;
  const cachePath = cacheDir === null ? null : join(cacheDir, `cifar10-${part}.bin`);
  if (cachePath !== null) {
    const cached = readDatasetCache(cachePath, source);
    if (cached !== null && cached.length === CIFAR10_COUNTS[part]) return cached;
  }
  const dataset = await decodeCifar10Archive(archivePath, CIFAR10_COUNTS[part], options.workers ?? availableParallelism());
  if (cachePath !== null) writeDatasetCache(cachePath, source, dataset);
  return dataset;
}

/** Decodes a CIFAR-10 archive without touching the cache (exposed for tests and benchmarks). */
export async function decodeCifar10Archive(archivePath: string, expectedCount: number, workers: number): Promise<ImageDataset> {
  const entries = readTar(readGzipFile(archivePath), archivePath).filter((e) => e.type === '0');
  const files: { name: string; label: number; data: Uint8Array }[] = [];
  for (const entry of entries) {
    const parts = entry.name.split('/').filter((p) => p !== '' && p !== '.');
    if (!parts[parts.length - 1].toLowerCase().endsWith('.jpg')) continue;
    const label = CIFAR10_CLASSES.indexOf(parts[parts.length - 2] ?? '');
    if (label < 0) {
      throw new DataError('DATA_CORRUPT', `${archivePath}: entry ${entry.name} (offset ${entry.offset}) is not in a class folder (${CIFAR10_CLASSES.join(', ')}); the archive is not CIFAR-10: ${DATA_FIX}`);
    }
    files.push({ name: entry.name, label, data: entry.data });
  }
  if (files.length !== expectedCount) {
    throw new DataError('DATA_CORRUPT', `${archivePath} holds ${files.length} JPEG files, expected ${expectedCount}; the archive is incomplete: ${DATA_FIX}`);
  }
  files.sort((a, b) => a.label - b.label || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const pixels = await decodeJpegsInParallel(files.map((f) => f.data), CIFAR10_SHAPE, workers).catch((error: unknown) => {
    if (error instanceof JpegDecodeError) {
      const file = files[error.failure.index];
      throw new DataError('DATA_CORRUPT', `${archivePath}: ${file.name} does not decode (${error.failure.message}); the archive is corrupt: ${DATA_FIX}`);
    }
    throw error;
  });
  return makeDataset(pixels, Int32Array.from(files, (f) => f.label), CIFAR10_SHAPE, CIFAR10_CLASSES);
}

/** A JPEG that failed, with its index in the whole list. */
class JpegDecodeError extends Error {
  constructor(readonly failure: JpegFailure) {
    super(failure.message);
  }
}

/**
 * Decodes JPEGs of one shape into NCHW pixels, split over `workers` threads in contiguous chunks
 * (0 or 1 worker with few files decodes here). Rejects with the first failing file's index.
 */
export async function decodeJpegsInParallel(files: readonly Uint8Array[], shape: ImageShape, workers: number): Promise<Uint8Array> {
  const size = shape.channels * shape.height * shape.width;
  const threads = Math.max(0, Math.min(Math.floor(workers), Math.ceil(files.length / 256)));
  if (threads === 0) return unwrap(decodeJpegsNchw(packJpegs(files), shape), 0);
  const pixels = new Uint8Array(files.length * size);
  const chunk = Math.ceil(files.length / threads);
  const jobs: Promise<void>[] = [];
  for (let start = 0; start < files.length; start += chunk) {
    const packed = packJpegs(files.slice(start, start + chunk));
    jobs.push(
      runWorker(packed, shape).then((result) => {
        pixels.set(unwrap(result, start), start * size);
      }),
    );
  }
  await Promise.all(jobs);
  return pixels;
}

function unwrap(result: { pixels: Uint8Array } | { failure: JpegFailure }, start: number): Uint8Array {
  if ('failure' in result) throw new JpegDecodeError({ index: start + result.failure.index, message: result.failure.message });
  return result.pixels;
}

function runWorker(packed: PackedJpegs, shape: ImageShape): Promise<{ pixels: Uint8Array } | { failure: JpegFailure }> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./jpeg-worker.js', import.meta.url), { workerData: { packed, shape }, transferList: [packed.bytes.buffer as ArrayBuffer] });
    worker.once('message', (message: { pixels: Uint8Array } | { failure: JpegFailure }) => {
      resolve(message);
      void worker.terminate();
    });
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (code !== 0) reject(new Error(`JPEG decode worker exited with code ${code}`));
    });
  });
}
