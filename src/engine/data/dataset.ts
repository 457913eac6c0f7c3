/**
 * An in-memory image data set: decoded uint8 pixels in NCHW order, one int32 label per image.
 * Plain typed arrays, so the tensor engine (or anything else) can wrap them without copying.
 */

/** Shape of one image: channels, height, width. */
export interface ImageShape {
  readonly channels: number;
  readonly height: number;
  readonly width: number;
}

/** A set of labelled images held in memory. */
export interface ImageDataset {
  /** Pixels, `length × channels × height × width` bytes, NCHW order (0–255). */
  readonly images: Uint8Array;
  /** One class index per image, in `[0, classes.length)`. */
  readonly labels: Int32Array;
  /** Shape of one image. */
  readonly shape: ImageShape;
  /** Class names, indexed by label. */
  readonly classes: readonly string[];
  /** Number of images. */
  readonly length: number;
}

/** Bytes per image of a given shape. */
export function imageSize(shape: ImageShape): number {
  return shape.channels * shape.height * shape.width;
}

/**
 * Builds an {@link ImageDataset}, checking that the arrays agree with the shape and that every
 * label names a class. Throws `RangeError` on a mismatch (a programming error, not a data error).
 */
export function makeDataset(images: Uint8Array, labels: Int32Array, shape: ImageShape, classes: readonly string[]): ImageDataset {
  for (const [name, value] of Object.entries(shape)) {
    if (!Number.isInteger(value) || value <= 0) throw new RangeError(`makeDataset: shape.${name} must be a positive integer, got ${value}`);
  }
  const size = imageSize(shape);
  if (images.length !== labels.length * size) {
    throw new RangeError(`makeDataset: ${images.length} pixel bytes for ${labels.length} labels of ${size} bytes each; expected ${labels.length * size}`);
  }
  for (let i = 0; i < labels.length; i++) {
    if (labels[i] < 0 || labels[i] >= classes.length) {
      throw new RangeError(`makeDataset: label ${labels[i]} at index ${i} is outside [0, ${classes.length}) (classes: ${classes.join(', ')})`);
    }
  }
  return { images, labels, shape: { ...shape }, classes: [...classes], length: labels.length };
}

/** The images at `indices`, in that order, as a new data set (copies the pixels). */
export function selectIndices(dataset: ImageDataset, indices: ArrayLike<number>): ImageDataset {
  const size = imageSize(dataset.shape);
  const images = new Uint8Array(indices.length * size);
  const labels = new Int32Array(indices.length);
  for (let k = 0; k < indices.length; k++) {
    const i = indices[k];
    if (!Number.isInteger(i) || i < 0 || i >= dataset.length) throw new RangeError(`selectIndices: index ${i} is outside [0, ${dataset.length})`);
    images.set(dataset.images.subarray(i * size, (i + 1) * size), k * size);
    labels[k] = dataset.labels[i];
  }
  return { images, labels, shape: dataset.shape, classes: dataset.classes, length: indices.length };
}

/** Number of images per class, indexed by label. */
export function classCounts(dataset: ImageDataset): number[] {
  const counts = new Array<number>(dataset.classes.length).fill(0);
  for (let i = 0; i < dataset.length; i++) counts[dataset.labels[i]]++;
  return counts;
}
