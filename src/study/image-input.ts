import { readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import jpeg from 'jpeg-js';
import { DataError } from '../errors.js';
import type { ImageDataset } from '../engine/data/dataset.js';

/** Images as plain pixels: `count × channels × height × width` bytes (0–255), NCHW order. */
export interface Images {
  readonly pixels: Uint8Array;
  /** [channels, height, width] of one image. */
  readonly shape: readonly [number, number, number];
}

/**
 * What `fit` and `evaluate` take: an {@link ImageDataset} (e.g. from `loadDataset`), {@link Images}
 * with their labels given apart, or the path of an image folder (`root/<class>/<image>.jpg`).
 */
export type ImageInput = ImageDataset | Images | string;

function isDataset(x: ImageInput): x is ImageDataset {
  return typeof x === 'object' && 'images' in x && 'labels' in x && 'classes' in x;
}

/**
 * Turns the user's data into an image data set, checking shapes and labels (`DataError`
 * `IMAGES_BAD_SHAPE`, `LABELS_BAD`, `IMAGE_FOLDER_*`). `classes` names the classes when the data
 * does not (labels given as numbers: classes `0`…`k−1`, k from the labels, or the training set's).
 */
export function toDataset(x: ImageInput, y: ArrayLike<number> | undefined, classes: readonly string[] | null, channels: number): ImageDataset {
  if (typeof x === 'string') return readImageFolder(x, classes, channels);
  if (isDataset(x)) return x;
  const { pixels, shape } = x;
  if (!(pixels instanceof Uint8Array) || !Array.isArray(shape) || shape.length !== 3 || !shape.every((n) => Number.isInteger(n) && n > 0)) {
    throw new DataError('IMAGES_BAD_SHAPE', 'images: expected {pixels: Uint8Array (N×C×H×W bytes, 0–255), shape: [channels, height, width]}');
  }
  const [c, h, w] = shape;
  const size = c * h * w;
  if (pixels.length % size !== 0) throw new DataError('IMAGES_BAD_SHAPE', `images: ${pixels.length} bytes is not a whole number of ${c}×${h}×${w} images`);
  const count = pixels.length / size;
  if (!y || y.length !== count) throw new DataError('LABELS_BAD', `labels: expected one label per image (${count}), got ${y ? y.length : 'none'}`);
  const labels = Int32Array.from(y as ArrayLike<number>);
  let most = -1;
  for (let i = 0; i < labels.length; i++) {
    if (!Number.isInteger(labels[i]) || labels[i] < 0 || labels[i] !== (y as ArrayLike<number>)[i]) {
      throw new DataError('LABELS_BAD', `labels: label ${(y as ArrayLike<number>)[i]} at index ${i} is not a class index (an integer ≥ 0)`);
    }
    most = Math.max(most, labels[i]);
  }
  const names = classes ?? Array.from({ length: most + 1 }, (_, i) => String(i));
  if (most >= names.length) throw new DataError('LABELS_BAD', `labels: label ${most} is outside the ${names.length} classes the classifier was fitted on`);
  return { images: pixels, labels, shape: { channels: c, height: h, width: w }, classes: names, length: count };
}

/**
 * Reads `root/<class>/<file>.jpg|jpeg`: one sub-folder per class (sorted by name; with `classes`
 * given, those and in that order), every image of one size, decoded to `channels` (1: the red
 * plane, as grey JPEGs decode to equal planes; 3: RGB).
 */
export function readImageFolder(root: string, classes: readonly string[] | null, channels: number): ImageDataset {
  let names: string[];
  try {
    names = readdirSync(root).filter((n) => statSync(join(root, n)).isDirectory()).sort();
  } catch (error) {
    throw new DataError('IMAGE_FOLDER_MISSING', `image folder ${root} cannot be read (${(error as Error).message}); expected root/<class>/<image>.jpg`);
  }
  const order = classes ?? names;
  const missing = order.filter((c) => !names.includes(c));
  if (order.length === 0 || missing.length > 0) {
    throw new DataError('IMAGE_FOLDER_BAD', `image folder ${root}: ${order.length === 0 ? 'no class sub-folders' : `missing class folders ${missing.join(', ')}`}; expected root/<class>/<image>.jpg`);
  }
  const files: { path: string; label: number }[] = [];
  order.forEach((name, label) => {
    for (const f of readdirSync(join(root, name)).sort()) {
      if (['.jpg', '.jpeg'].includes(extname(f).toLowerCase())) files.push({ path: join(root, name, f), label });
    }
  });
  if (files.length === 0) throw new DataError('IMAGE_FOLDER_BAD', `image folder ${root}: no .jpg/.jpeg images in its class folders`);
  let shape: { channels: number; height: number; width: number } | null = null;
  let pixels = new Uint8Array(0);
  const labels = new Int32Array(files.length);
  files.forEach(({ path, label }, i) => {
    let img: { width: number; height: number; data: Uint8Array };
    try {
      img = jpeg.decode(readFileSync(path), { useTArray: true, formatAsRGBA: false, maxMemoryUsageInMB: 256 });
    } catch (error) {
      throw new DataError('IMAGE_FOLDER_BAD', `${path}: not a readable JPEG (${(error as Error).message})`);
    }
    if (!shape) {
      shape = { channels, height: img.height, width: img.width };
      pixels = new Uint8Array(files.length * channels * img.height * img.width);
    }
    if (img.width !== shape.width || img.height !== shape.height) {
      throw new DataError('IMAGE_FOLDER_BAD', `${path}: ${img.width}×${img.height}, but the first image is ${shape.width}×${shape.height}; resize the images to one size`);
    }
    const plane = shape.height * shape.width;
    const base = i * channels * plane;
    for (let p = 0; p < plane; p++) for (let c = 0; c < channels; c++) pixels[base + c * plane + p] = img.data[p * 3 + c];
    labels[i] = label;
  });
  return { images: pixels, labels, shape: shape!, classes: [...order], length: files.length };
}
