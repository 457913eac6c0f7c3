import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { classCounts, loadIdxDataset, parseIdx } from '../../../src/engine/data/index.js';
import { DataError } from '../../../src/errors.js';
import { testDataDir } from '../../helpers/data.js';

function isCode(code: string) {
  return (error: unknown) => error instanceof DataError && error.code === code;
}

/** An IDX file of unsigned bytes with the given dimensions and payload. */
function idx(dims: number[], payload: number[] | Uint8Array): Buffer {
  const header = Buffer.alloc(4 + 4 * dims.length);
  header[2] = 0x08;
  header[3] = dims.length;
  dims.forEach((d, i) => header.writeUInt32BE(d, 4 + 4 * i));
  return Buffer.concat([header, Buffer.from(payload)]);
}

function pixelRange(images: Uint8Array): [number, number] {
  let min = 255;
  let max = 0;
  for (const v of images) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return [min, max];
}

test('idx: MNIST loads 60,000 + 10,000 grey 28×28 images with labels 0–9', () => {
  const dir = testDataDir();
  const train = loadIdxDataset(dir, 'mnist', 'train');
  const testSet = loadIdxDataset(dir, 'mnist', 'test');
  assert.equal(train.length, 60000);
  assert.equal(testSet.length, 10000);
  assert.deepEqual(train.shape, { channels: 1, height: 28, width: 28 });
  assert.equal(train.images.length, 60000 * 784);
  const counts = classCounts(train);
  assert.equal(counts.reduce((a, b) => a + b, 0), 60000);
  // Published class sizes of MNIST's training set (digits 0 and 1).
  assert.equal(counts[0], 5923);
  assert.equal(counts[1], 6742);
  assert.deepEqual(pixelRange(testSet.images), [0, 255]);
  assert.equal(testSet.labels[0], 7); // the famous first test digit
});

test('idx: Fashion-MNIST loads with 6,000 / 1,000 images per class', () => {
  const dir = testDataDir();
  const train = loadIdxDataset(dir, 'fashion-mnist', 'train');
  const testSet = loadIdxDataset(dir, 'fashion-mnist', 'test');
  assert.deepEqual(classCounts(train), new Array(10).fill(6000));
  assert.deepEqual(classCounts(testSet), new Array(10).fill(1000));
  assert.equal(train.classes[9], 'Ankle boot');
  assert.deepEqual(pixelRange(train.images), [0, 255]);
});

test('idx: parseIdx reads dimensions and data of a well-formed buffer', () => {
  const parsed = parseIdx(idx([2, 3], [1, 2, 3, 4, 5, 6]), 'mem');
  assert.deepEqual(parsed.dims, [2, 3]);
  assert.deepEqual(Array.from(parsed.data), [1, 2, 3, 4, 5, 6]);
});

test('idx: corrupt, truncated and mismatched files are DataErrors naming the file', () => {
  const root = mkdtempSync(join(tmpdir(), 'naskit-idx-'));
  try {
    const setDir = join(root, 'mnist');
    mkdirSync(setDir);
    const images = join(setDir, 't10k-images-idx3-ubyte.gz');
    const labels = join(setDir, 't10k-labels-idx1-ubyte.gz');
    const goodImages = gzipSync(idx([2, 2, 2], [0, 1, 2, 3, 4, 5, 6, 7]));
    const goodLabels = gzipSync(idx([2], [3, 9]));
    const load = () => loadIdxDataset(root, 'mnist', 'test');
    const expectFailure = (imageBytes: Buffer, labelBytes: Buffer, code: string, what: string) => {
      writeFileSync(images, imageBytes);
      writeFileSync(labels, labelBytes);
      assert.throws(load, (error: unknown) => isCode(code)(error) && (error as Error).message.includes(setDir), what);
    };
    writeFileSync(images, goodImages);
    writeFileSync(labels, goodLabels);
    assert.equal(load().length, 2); // the fixture itself is valid
    expectFailure(goodImages.subarray(0, goodImages.length - 6), goodLabels, 'DATA_CORRUPT', 'truncated gzip stream');
    expectFailure(gzipSync(idx([2, 2, 2], [0, 1, 2, 3, 4, 5, 6])), goodLabels, 'DATA_CORRUPT', 'one pixel short');
    expectFailure(gzipSync(idx([2, 2, 2], [0, 1, 2, 3, 4, 5, 6, 7, 8])), goodLabels, 'DATA_CORRUPT', 'one byte too many');
    expectFailure(gzipSync(Buffer.from([0, 0, 0x0d, 3, 0, 0, 0, 0])), goodLabels, 'DATA_CORRUPT', 'float IDX type');
    expectFailure(gzipSync(Buffer.from([0, 0])), goodLabels, 'DATA_CORRUPT', 'shorter than the magic');
    expectFailure(gzipSync(idx([2, 2, 2], [0, 1, 2, 3, 4, 5, 6, 7]).subarray(0, 10)), goodLabels, 'DATA_CORRUPT', 'header cut short');
    expectFailure(goodLabels, goodImages, 'DATA_CORRUPT', 'images and labels swapped');
    expectFailure(goodImages, gzipSync(idx([3], [1, 2, 3])), 'DATA_CORRUPT', 'count mismatch');
    expectFailure(goodImages, gzipSync(idx([2], [1, 10])), 'DATA_CORRUPT', 'label out of range');
    expectFailure(gzipSync(Buffer.from('not an idx file')), goodLabels, 'DATA_CORRUPT', 'garbage');
    expectFailure(Buffer.from('not gzip at all'), goodLabels, 'DATA_CORRUPT', 'not gzip');
    rmSync(labels);
    writeFileSync(images, goodImages);
    assert.throws(load, isCode('DATA_MISSING'));
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
