import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  type Batch,
  type BatchOptions,
  batchCount,
  CIFAR10_AUGMENT,
  identityNormalization,
  type ImageDataset,
  iterateBatches,
  makeDataset,
  PrefetchingBatches,
} from '../../../src/engine/data/index.js';

/** 203 images of 3×4×4 whose first pixel is the image's index (mod 256), labels index mod 5. */
function synthetic(n = 203): ImageDataset {
  const size = 48;
  const images = new Uint8Array(n * size);
  for (let i = 0; i < n; i++) for (let p = 0; p < size; p++) images[i * size + p] = p === 0 ? i : (i * 7 + p) & 255;
  return makeDataset(images, Int32Array.from({ length: n }, (_, i) => i % 5), { channels: 3, height: 4, width: 4 }, ['a', 'b', 'c', 'd', 'e']);
}

const plain: BatchOptions = { batchSize: 32, seed: 4, normalization: identityNormalization(3) };

/** The original index of every image of a batch, read back from its first pixel. */
function indicesOf(batch: Batch): number[] {
  return Array.from({ length: batch.shape[0] }, (_, k) => Math.round(batch.images[k * 48] * 255));
}

test('batches: one epoch visits every image once, shuffled, with matching labels and shapes', () => {
  const data = synthetic();
  const batches = [...iterateBatches(data, plain, 0)];
  assert.equal(batches.length, 7);
  assert.equal(batchCount(203, plain), 7);
  assert.deepEqual(batches.map((b) => b.shape[0]), [32, 32, 32, 32, 32, 32, 11]);
  const seen = batches.flatMap(indicesOf);
  assert.deepEqual([...seen].sort((a, b) => a - b), Array.from({ length: 203 }, (_, i) => i));
  assert.notDeepEqual(seen, [...seen].sort((a, b) => a - b), 'shuffled');
  for (const batch of batches) {
    assert.deepEqual(batch.shape.slice(1), [3, 4, 4]);
    assert.equal(batch.images.length, batch.shape[0] * 48);
    assert.deepEqual(Array.from(batch.labels), indicesOf(batch).map((i) => i % 5));
  }
});

test('batches: drop-last, no shuffle, and determinism by seed and epoch', () => {
  const data = synthetic();
  const dropped = [...iterateBatches(data, { ...plain, dropLast: true }, 0)];
  assert.deepEqual(dropped.map((b) => b.shape[0]), [32, 32, 32, 32, 32, 32]);
  const ordered = [...iterateBatches(data, { ...plain, shuffle: false }, 0)].flatMap(indicesOf);
  assert.deepEqual(ordered, Array.from({ length: 203 }, (_, i) => i));
  const order = (seed: number, epoch: number) => [...iterateBatches(data, { ...plain, seed }, epoch)].flatMap(indicesOf);
  assert.deepEqual(order(4, 2), order(4, 2));
  assert.notDeepEqual(order(4, 2), order(4, 3));
  assert.notDeepEqual(order(4, 2), order(5, 2));
  assert.throws(() => [...iterateBatches(data, { ...plain, batchSize: 0 }, 0)], RangeError);
});

test('batches: augmented batches are deterministic by seed and differ between epochs', () => {
  const data = synthetic();
  const options = { ...plain, augment: { ...CIFAR10_AUGMENT, cutout: 2 } };
  const first = [...iterateBatches(data, options, 1)];
  assert.deepEqual([...iterateBatches(data, options, 1)], first);
  assert.notDeepEqual([...iterateBatches(data, options, 2)][0].images, first[0].images);
});

test('prefetch: worker-built batches equal the synchronous ones, any worker count, early break allowed', async () => {
  const data = synthetic();
  const options = { ...plain, augment: CIFAR10_AUGMENT };
  const expected = [...iterateBatches(data, options, 3)];
  for (const workers of [0, 1, 2]) {
    const loader = new PrefetchingBatches(data, options, { workers, depth: 3 });
    try {
      assert.equal(loader.batchesPerEpoch, 7);
      const got: Batch[] = [];
      for await (const batch of loader.epoch(3)) got.push(batch);
      assert.deepEqual(got, expected, `${workers} workers`);
      for await (const batch of loader.epoch(0)) {
        assert.equal(batch.shape[0], 32);
        break;
      }
      const again: Batch[] = [];
      for await (const batch of loader.epoch(3)) again.push(batch);
      assert.deepEqual(again, expected, `${workers} workers, after an early break`);
    } finally {
      await loader.close();
    }
  }
});
