import { DataError } from '../errors.js';
import { CIFAR10_CLASSES } from '../engine/data/cifar10.js';
import type { ImageShape } from '../engine/data/dataset.js';
import { DATASET_DEFAULTS, type DatasetName } from '../engine/data/load.js';
import { IDX_CLASSES } from '../engine/data/mnist.js';
import type { Normalization } from '../engine/data/normalize.js';

/**
 * What an exported model expects of its input, so that a user (or `naskit predict`) feeds it as it
 * was trained: images of exactly `input` (NCHW, float32), pixels scaled as `(x/255 − mean) / std`
 * per channel, and the class name of each logit.
 */
export interface Preprocessing {
  readonly input: ImageShape;
  readonly normalization: Normalization;
  readonly classes: readonly string[];
  /** How other image sizes are handled: `none` = they are refused (naskit resizes nothing). */
  readonly resize: 'none';
}

/** The preprocessing of a model trained on one of naskit's data sets. */
export function datasetPreprocessing(dataset: DatasetName): Preprocessing {
  const grey = dataset === 'mnist' || dataset === 'fashion-mnist';
  return {
    input: grey ? { channels: 1, height: 28, width: 28 } : { channels: 3, height: 32, width: 32 },
    normalization: DATASET_DEFAULTS[dataset].normalization,
    classes: grey ? IDX_CLASSES[dataset] : CIFAR10_CLASSES,
    resize: 'none',
  };
}

/** ONNX metadata_props keys naskit writes (values are JSON, except `naskit.resize`). */
export const METADATA_KEYS = {
  format: 'naskit.format',
  input: 'naskit.input',
  normalization: 'naskit.normalization',
  classes: 'naskit.classes',
  resize: 'naskit.resize',
  architecture: 'naskit.architecture',
} as const;

/** The preprocessing as ONNX metadata_props entries. */
export function preprocessingMetadata(p: Preprocessing): Record<string, string> {
  return {
    [METADATA_KEYS.format]: 'naskit-onnx/1',
    [METADATA_KEYS.input]: JSON.stringify({ layout: 'NCHW', dtype: 'float32', channels: p.input.channels, height: p.input.height, width: p.input.width }),
    [METADATA_KEYS.normalization]: JSON.stringify({ formula: '(x / 255 - mean) / std', mean: p.normalization.mean, std: p.normalization.std }),
    [METADATA_KEYS.classes]: JSON.stringify(p.classes),
    [METADATA_KEYS.resize]: p.resize,
  };
}

/**
 * Reads the preprocessing back from metadata_props. A model without naskit's metadata (exported
 * elsewhere) gets its input size from `inputDims` ([N, C, H, W]), pixels scaled to 0–1 and classes
 * named by index.
 */
export function preprocessingFromMetadata(metadata: Readonly<Record<string, string>>, inputDims: readonly (number | string)[], numClasses: number | null, source: string): Preprocessing {
  const parse = (key: string): unknown => {
    try {
      return JSON.parse(metadata[key]!);
    } catch {
      throw new DataError('EXPORT_METADATA', `${source}: metadata ${key} is not valid JSON; export the model again`);
    }
  };
  if (metadata[METADATA_KEYS.input] === undefined) {
    const [, c, h, w] = inputDims;
    if (inputDims.length !== 4 || typeof c !== 'number' || typeof h !== 'number' || typeof w !== 'number' || c < 1 || h < 1 || w < 1) {
      throw new DataError('EXPORT_METADATA', `${source}: no naskit metadata and the input is not [N, C, H, W] with fixed C, H, W; naskit predict runs image classifiers only`);
    }
    return {
      input: { channels: c, height: h, width: w },
      normalization: { mean: new Array<number>(c).fill(0), std: new Array<number>(c).fill(1) },
      classes: Array.from({ length: numClasses ?? 0 }, (_, i) => String(i)),
      resize: 'none',
    };
  }
  const input = parse(METADATA_KEYS.input) as { channels: number; height: number; width: number };
  const norm = parse(METADATA_KEYS.normalization) as { mean: number[]; std: number[] };
  const classes = parse(METADATA_KEYS.classes) as string[];
  const ok = [input.channels, input.height, input.width].every((v) => Number.isInteger(v) && v > 0) && Array.isArray(norm.mean) && Array.isArray(norm.std) && norm.mean.length === input.channels && norm.std.length === input.channels && Array.isArray(classes);
  if (!ok) throw new DataError('EXPORT_METADATA', `${source}: naskit metadata is incomplete (input, normalization, classes); export the model again`);
  return { input: { channels: input.channels, height: input.height, width: input.width }, normalization: { mean: norm.mean, std: norm.std }, classes, resize: 'none' };
}
