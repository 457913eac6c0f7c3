import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  augmentInto,
  CIFAR10_NORMALIZATION,
  cropWithPadding,
  cutoutInPlace,
  drawAugmentation,
  flipHorizontal,
  type ImageShape,
  normalizationTable,
  normalizeImages,
} from '../../../src/engine/data/index.js';
import { Rng } from '../../../src/util/rng.js';

const shape: ImageShape = { channels: 3, height: 8, width: 6 };
const size = 3 * 8 * 6;

function randomImage(seed: number): Uint8Array {
  const rng = new Rng(seed);
  return Uint8Array.from({ length: size }, () => rng.int(256));
}

test('augment: horizontal flip mirrors each row and is its own inverse', () => {
  const image = Float32Array.from(randomImage(1));
  const flipped = flipHorizontal(image, shape);
  assert.notDeepEqual(flipped, image);
  assert.equal(flipped[0], image[5]); // row 0 of channel 0: first ↔ last column
  assert.equal(flipped[2 * 48 + 7 * 6 + 1], image[2 * 48 + 7 * 6 + 4]);
  assert.deepEqual(flipHorizontal(flipped, shape), image);
});

test('augment: a crop with padding shifts the content and fills the border', () => {
  const image = Float32Array.from(randomImage(2));
  const padding = 4;
  // cropY = 1, cropX = 6 moves the content down by 3 and left by 2.
  const out = cropWithPadding(image, shape, 1, 6, padding, -1);
  for (let c = 0; c < 3; c++) {
    for (let y = 0; y < 8; y++) {
      for (let x = 0; x < 6; x++) {
        const sy = y - 3;
        const sx = x + 2;
        const expected = sy >= 0 && sx < 6 ? image[(c * 8 + sy) * 6 + sx] : -1;
        assert.equal(out[(c * 8 + y) * 6 + x], expected, `c${c} y${y} x${x}`);
      }
    }
  }
  assert.deepEqual(cropWithPadding(image, shape, padding, padding, padding), image); // the centre crop is the identity
});

test('augment: the fused pass equals normalise(flip(crop(image))) followed by cutout', () => {
  const src = randomImage(3);
  const table = normalizationTable(CIFAR10_NORMALIZATION, 3);
  const options = { cropPadding: 4, flip: true, cutout: 4 };
  const rng = new Rng(5);
  for (let trial = 0; trial < 20; trial++) {
    const params = drawAugmentation(rng, shape, options);
    const fused = new Float32Array(size);
    augmentInto(src, 0, fused, 0, shape, table, options, params);
    const cropped = cropWithPadding(Float32Array.from(src), shape, params.cropY, params.cropX, 4, 0);
    const oriented = params.flip ? flipHorizontal(cropped, shape) : cropped;
    const reference = normalizeImages(Uint8Array.from(oriented), shape, CIFAR10_NORMALIZATION);
    cutoutInPlace(reference, 0, shape, params.cutoutY, params.cutoutX, 4);
    assert.deepEqual(fused, reference, `trial ${trial}: ${JSON.stringify(params)}`);
  }
});

test('augment: draws are deterministic by seed, cover the crop range and flip about half the time', () => {
  const options = { cropPadding: 4, flip: true };
  const draw = (seed: number) => {
    const rng = new Rng(seed);
    return Array.from({ length: 400 }, () => drawAugmentation(rng, shape, options));
  };
  assert.deepEqual(draw(9), draw(9));
  assert.notDeepEqual(draw(9), draw(10));
  const draws = draw(9);
  assert.deepEqual(new Set(draws.map((d) => d.cropY)).size, 9);
  const flips = draws.filter((d) => d.flip).length;
  assert.ok(flips > 150 && flips < 250, `${flips} flips of 400`);
  assert.ok(draw(1).every((d) => d.cutoutX === 0 && d.cutoutY === 0), 'no cutout draws without cutout');
});

test('augment: cutout zeroes a clipped square in every channel, nothing else', () => {
  const image = new Float32Array(size).fill(1);
  cutoutInPlace(image, 0, shape, 0, 5, 4); // centre at the top-right corner: rows 0–1, columns 3–5
  let zeros = 0;
  for (let c = 0; c < 3; c++) {
    for (let y = 0; y < 8; y++) {
      for (let x = 0; x < 6; x++) {
        const inside = y < 2 && x >= 3;
        assert.equal(image[(c * 8 + y) * 6 + x], inside ? 0 : 1);
        if (inside) zeros++;
      }
    }
  }
  assert.equal(zeros, 3 * 2 * 3);
});

test('normalize: per-channel mean/std on the 0–1 scale', () => {
  const image = new Uint8Array(size);
  image.fill(255, 48, 96); // channel 1 white
  const out = normalizeImages(image, shape, CIFAR10_NORMALIZATION);
  const [m0, m1] = CIFAR10_NORMALIZATION.mean;
  const [s0, s1] = CIFAR10_NORMALIZATION.std;
  assert.ok(Math.abs(out[0] - (0 - m0) / s0) < 1e-6);
  assert.ok(Math.abs(out[50] - (1 - m1) / s1) < 1e-6);
  assert.throws(() => normalizationTable({ mean: [0.5], std: [0] }, 1), RangeError);
  assert.throws(() => normalizationTable({ mean: [0.5], std: [1] }, 3), RangeError);
});
