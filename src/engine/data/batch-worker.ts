/**
 * Worker-thread entry of {@link PrefetchingBatches}: holds the data set's pixels (shared memory)
 * and answers `{ id, indices, seed }` with `{ id, images }`, built by `buildBatchImages`.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { AugmentOptions } from './augment.js';
import { buildBatchImages } from './batches.js';
import type { ImageShape } from './dataset.js';

interface Setup {
  images: Uint8Array;
  shape: ImageShape;
  augment: AugmentOptions | null;
  table: Float32Array;
}

const setup = workerData as Setup;
parentPort?.on('message', (request: { id: number; indices: Int32Array; seed: number }) => {
  const images = buildBatchImages(setup.images, setup.shape, { indices: request.indices, seed: request.seed }, setup.augment, setup.table);
  parentPort?.postMessage({ id: request.id, images }, [images.buffer as ArrayBuffer]);
});
