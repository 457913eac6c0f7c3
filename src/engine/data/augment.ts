import type { Rng } from '../../util/rng.js';
import type { ImageShape } from './dataset.js';

/**
 * Training-time augmentation as the usual CIFAR recipe (and DARTS / NAS-Bench-201) applies it:
 * random crop from the zero-padded image, horizontal flip, normalisation, then cutout.
 */
export interface AugmentOptions {
  /** Zero padding on each side before a random crop back to the original size (0 = no crop; CIFAR: 4). */
  readonly cropPadding?: number;
  /** Flip horizontally with probability 1/2. */
  readonly flip?: boolean;
  /** Side of the square set to 0 after normalisation, centred anywhere in the image (0 = none; DARTS: 16). */
  readonly cutout?: number;
}

/** The standard CIFAR-10 training augmentation: crop with padding 4 and horizontal flip. */
export const CIFAR10_AUGMENT: AugmentOptions = { cropPadding: 4, flip: true };

/** The random choices for one image, drawn by {@link drawAugmentation}. */
export interface AugmentParams {
  /** Top-left corner of the crop in the padded image, each in `[0, 2 × padding]`. */
  readonly cropY: number;
  readonly cropX: number;
  readonly flip: boolean;
  /** Centre of the cutout square (ignored when cutout is 0). */
  readonly cutoutY: number;
  readonly cutoutX: number;
}

/** Draws one image's augmentation; always the same number of draws, so streams stay aligned. */
export function drawAugmentation(rng: Rng, shape: ImageShape, options: AugmentOptions): AugmentParams {
  const padding = options.cropPadding ?? 0;
  const cropY = padding > 0 ? rng.int(2 * padding + 1) : 0;
  const cropX = padding > 0 ? rng.int(2 * padding + 1) : 0;
  const flip = options.flip === true && rng.bernoulli(0.5);
  const cut = options.cutout ?? 0;
  const cutoutY = cut > 0 ? rng.int(shape.height) : 0;
  const cutoutX = cut > 0 ? rng.int(shape.width) : 0;
  return { cropY, cropX, flip, cutoutY, cutoutX };
}

/** Throws `RangeError` on a negative or fractional padding / cutout size. */
export function checkAugmentOptions(options: AugmentOptions): void {
  for (const key of ['cropPadding', 'cutout'] as const) {
    const value = options[key] ?? 0;
    if (!Number.isInteger(value) || value < 0) throw new RangeError(`augment: ${key} must be a non-negative integer, got ${value}`);
  }
}

/**
 * Writes one augmented, normalised image: reads the uint8 image at `src[srcOffset…]`, writes
 * floats at `dst[dstOffset…]`. `table` is a normalisation lookup table (`normalizationTable`).
 * Crop and flip are fused into one pass; pixels from the padding take the normalised value of 0.
 */
export function augmentInto(
  src: Uint8Array,
  srcOffset: number,
  dst: Float32Array,
  dstOffset: number,
  shape: ImageShape,
  table: Float32Array,
  options: AugmentOptions,
  params: AugmentParams,
): void {
  const { channels, height: h, width: w } = shape;
  const padding = options.cropPadding ?? 0;
  const plane = h * w;
  for (let c = 0; c < channels; c++) {
    const lut = c * 256;
    const fill = table[lut];
    const srcPlane = srcOffset + c * plane;
    const dstPlane = dstOffset + c * plane;
    for (let y = 0; y < h; y++) {
      const sy = y + params.cropY - padding;
      const row = dstPlane + y * w;
      if (sy < 0 || sy >= h) {
        dst.fill(fill, row, row + w);
        continue;
      }
      const srcRow = srcPlane + sy * w;
      for (let x = 0; x < w; x++) {
        // Flip after the crop: output column x shows crop column w−1−x.
        const sx = (params.flip ? w - 1 - x : x) + params.cropX - padding;
        dst[row + x] = sx < 0 || sx >= w ? fill : table[lut + src[srcRow + sx]];
      }
    }
  }
  const cut = options.cutout ?? 0;
  if (cut > 0) cutoutInPlace(dst, dstOffset, shape, params.cutoutY, params.cutoutX, cut);
}

/** Sets to 0 the `size × size` square centred at (centreY, centreX), clipped to the image, in every channel. */
export function cutoutInPlace(image: Float32Array, offset: number, shape: ImageShape, centreY: number, centreX: number, size: number): void {
  const { channels, height: h, width: w } = shape;
  const y0 = Math.max(0, centreY - Math.floor(size / 2));
  const y1 = Math.min(h, centreY - Math.floor(size / 2) + size);
  const x0 = Math.max(0, centreX - Math.floor(size / 2));
  const x1 = Math.min(w, centreX - Math.floor(size / 2) + size);
  for (let c = 0; c < channels; c++) {
    for (let y = y0; y < y1; y++) {
      const row = offset + c * h * w + y * w;
      image.fill(0, row + x0, row + x1);
    }
  }
}

/** A horizontally mirrored copy of one CHW image (its own inverse). */
export function flipHorizontal<T extends Float32Array | Uint8Array>(image: T, shape: ImageShape): T {
  const { channels, height: h, width: w } = shape;
  const out = image.slice() as T;
  for (let c = 0; c < channels; c++) {
    for (let y = 0; y < h; y++) {
      const row = (c * h + y) * w;
      for (let x = 0; x < w; x++) out[row + x] = image[row + w - 1 - x];
    }
  }
  return out;
}

/**
 * One CHW image padded by `padding` on each side with `fill`, then cropped back to its size at
 * (cropY, cropX) of the padded image: the content moves by (padding − cropY, padding − cropX).
 */
export function cropWithPadding(image: Float32Array, shape: ImageShape, cropY: number, cropX: number, padding: number, fill = 0): Float32Array {
  const { channels, height: h, width: w } = shape;
  const out = new Float32Array(image.length);
  for (let c = 0; c < channels; c++) {
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const sy = y + cropY - padding;
        const sx = x + cropX - padding;
        out[(c * h + y) * w + x] = sy < 0 || sy >= h || sx < 0 || sx >= w ? fill : image[(c * h + sy) * w + sx];
      }
    }
  }
  return out;
}
