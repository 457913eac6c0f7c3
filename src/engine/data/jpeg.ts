import jpeg from 'jpeg-js';
import type { ImageShape } from './dataset.js';

/** Many JPEG files packed into one buffer (cheap to hand to a worker thread). */
export interface PackedJpegs {
  /** The files back to back. */
  readonly bytes: Uint8Array;
  /** `count + 1` offsets: file `i` is `bytes[offsets[i], offsets[i + 1])`. */
  readonly offsets: Int32Array;
}

/** Why a file failed to decode: its position in the pack and the decoder's message. */
export interface JpegFailure {
  readonly index: number;
  readonly message: string;
}

/** Packs JPEG files into one contiguous {@link PackedJpegs}. */
export function packJpegs(files: readonly Uint8Array[]): PackedJpegs {
  const offsets = new Int32Array(files.length + 1);
  for (let i = 0; i < files.length; i++) offsets[i + 1] = offsets[i] + files[i].length;
  const bytes = new Uint8Array(offsets[files.length]);
  files.forEach((file, i) => bytes.set(file, offsets[i]));
  return { bytes, offsets };
}

/**
 * Decodes packed JPEGs of exactly `shape` (RGB, or grey replicated to 3 channels) into one NCHW
 * uint8 array. Returns the first failure (bad stream or wrong size) instead of throwing, so a
 * worker can report it with the file's index.
 */
export function decodeJpegsNchw(packed: PackedJpegs, shape: ImageShape): { pixels: Uint8Array } | { failure: JpegFailure } {
  const { channels, height, width } = shape;
  const plane = height * width;
  const count = packed.offsets.length - 1;
  const pixels = new Uint8Array(count * channels * plane);
  for (let i = 0; i < count; i++) {
    let decoded: { width: number; height: number; data: Uint8Array };
    try {
      const file = packed.bytes.subarray(packed.offsets[i], packed.offsets[i + 1]);
      decoded = jpeg.decode(file, { useTArray: true, formatAsRGBA: false, maxMemoryUsageInMB: 64 });
    } catch (error) {
      return { failure: { index: i, message: (error as Error).message } };
    }
    if (decoded.width !== width || decoded.height !== height) {
      return { failure: { index: i, message: `image is ${decoded.width}×${decoded.height}, expected ${width}×${height}` } };
    }
    // jpeg-js gives interleaved RGB (HWC); naskit stores planes (CHW).
    const base = i * channels * plane;
    const data = decoded.data;
    for (let p = 0; p < plane; p++) {
      for (let c = 0; c < channels; c++) pixels[base + c * plane + p] = data[p * 3 + c];
    }
  }
  return { pixels };
}
