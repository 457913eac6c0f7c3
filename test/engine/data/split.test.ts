import assert from 'node:assert/strict';
import { test } from 'node:test';
import { classCounts, type ImageDataset, makeDataset, split, subset } from '../../../src/engine/data/index.js';

/** 1,000 one-pixel images whose pixel value encodes the image's index mod 256, 4 uneven classes. */
function synthetic(): ImageDataset {
  const n = 1000;
  const images = new Uint8Array(n * 2);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    images[2 * i] = i & 255;
    images[2 * i + 1] = i >> 8;
    labels[i] = i % 10 < 4 ? 0 : i % 10 < 7 ? 1 : i % 10 < 9 ? 2 : 3; // 40 / 30 / 20 / 10 %
  }
  return makeDataset(images, labels, { channels: 2, height: 1, width: 1 }, ['a', 'b', 'c', 'd']);
}

/** Recovers each image's original index from its two pixels. */
function ids(dataset: ImageDataset): number[] {
  return Array.from({ length: dataset.length }, (_, i) => dataset.images[2 * i] + 256 * dataset.images[2 * i + 1]);
}

test('split: train and validation are disjoint, cover the set and keep labels with their images', () => {
  const data = synthetic();
  const parts = split(data, { validation: 150, seed: 3 });
  assert.equal(parts.train.length, 850);
  assert.equal(parts.validation.length, 150);
  const train = ids(parts.train);
  const val = ids(parts.validation);
  assert.deepEqual([...train, ...val].sort((a, b) => a - b), ids(data));
  assert.equal(new Set([...train, ...val]).size, 1000);
  assert.deepEqual(val, Array.from(parts.validationIndices));
  for (let i = 0; i < parts.train.length; i++) assert.equal(parts.train.labels[i], data.labels[train[i]]);
});

test('split: the same seed gives the same split, another seed another one', () => {
  const data = synthetic();
  const a = split(data, { validation: 100, seed: 7 });
  const b = split(data, { validation: 100, seed: 7 });
  const c = split(data, { validation: 100, seed: 8 });
  assert.deepEqual(a.validationIndices, b.validationIndices);
  assert.deepEqual(a.train.images, b.train.images);
  assert.notDeepEqual(a.validationIndices, c.validationIndices);
});

test('split: stratified by default (class shares kept), plain random when asked', () => {
  const data = synthetic();
  assert.deepEqual(classCounts(split(data, { validation: 100, seed: 1 }).validation), [40, 30, 20, 10]);
  assert.deepEqual(classCounts(split(data, { validation: 105, seed: 1 }).validation).reduce((a, b) => a + b), 105);
  const plain = classCounts(split(data, { validation: 100, seed: 1, stratified: false }).validation);
  assert.equal(plain.reduce((a, b) => a + b), 100);
  assert.throws(() => split(data, { validation: 0, seed: 1 }), RangeError);
  assert.throws(() => split(data, { validation: 1000, seed: 1 }), RangeError);
});

test('subset: n distinct images, deterministic by seed, stratified', () => {
  const data = synthetic();
  const a = subset(data, 50, 11);
  assert.equal(a.length, 50);
  assert.equal(new Set(ids(a)).size, 50);
  assert.deepEqual(ids(a), ids(subset(data, 50, 11)));
  assert.notDeepEqual(ids(a), ids(subset(data, 50, 12)));
  assert.deepEqual(classCounts(a), [20, 15, 10, 5]);
  assert.equal(subset(data, 1000, 0).length, 1000);
  assert.throws(() => subset(data, 1001, 0), RangeError);
});
