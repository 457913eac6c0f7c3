import type { ImageShape } from './dataset.js';

/** Per-channel mean and standard deviation on the 0–1 pixel scale: `x' = (x/255 − mean) / std`. */
export interface Normalization {
  readonly mean: readonly number[];
  readonly std: readonly number[];
}

/** CIFAR-10's channel statistics as NAS-Bench-201's training code uses them (RGB, 0–1 scale). */
export const CIFAR10_NORMALIZATION: Normalization = {
  mean: [125.3 / 255, 123.0 / 255, 113.9 / 255],
  std: [63.0 / 255, 62.1 / 255, 66.7 / 255],
};

/** MNIST's usual statistics (PyTorch's examples). */
export const MNIST_NORMALIZATION: Normalization = { mean: [0.1307], std: [0.3081] };

/** Fashion-MNIST's statistics over its training set. */
export const FASHION_MNIST_NORMALIZATION: Normalization = { mean: [0.286], std: [0.353] };

/** Leaves pixels on the 0–1 scale (x/255), for callers that normalise elsewhere. */
export function identityNormalization(channels: number): Normalization {
  return { mean: new Array<number>(channels).fill(0), std: new Array<number>(channels).fill(1) };
}

/**
 * A lookup table of the normalised value of every byte per channel (`channels × 256` floats):
 * normalising is then one load per pixel.
 */
export function normalizationTable(normalization: Normalization, channels: number): Float32Array {
  checkNormalization(normalization, channels);
  const table = new Float32Array(channels * 256);
  for (let c = 0; c < channels; c++) {
    for (let v = 0; v < 256; v++) table[c * 256 + v] = (v / 255 - normalization.mean[c]) / normalization.std[c];
  }
  return table;
}

/** Normalises `count` NCHW uint8 images into a new Float32Array. */
export function normalizeImages(images: Uint8Array, shape: ImageShape, normalization: Normalization): Float32Array {
  const table = normalizationTable(normalization, shape.channels);
  const plane = shape.height * shape.width;
  const out = new Float32Array(images.length);
  for (let i = 0; i < images.length; i++) {
    const c = Math.floor(i / plane) % shape.channels;
    out[i] = table[c * 256 + images[i]];
  }
  return out;
}

/** Throws `RangeError` unless mean and std have one finite entry per channel and std > 0. */
export function checkNormalization(normalization: Normalization, channels: number): void {
  const { mean, std } = normalization;
  if (mean.length !== channels || std.length !== channels) {
    throw new RangeError(`normalization: mean and std need ${channels} entries (one per channel), got ${mean.length} and ${std.length}`);
  }
  for (let c = 0; c < channels; c++) {
    if (!Number.isFinite(mean[c]) || !(std[c] > 0) || !Number.isFinite(std[c])) {
      throw new RangeError(`normalization: channel ${c} has mean ${mean[c]} and std ${std[c]}; need a finite mean and a positive std`);
    }
  }
}
