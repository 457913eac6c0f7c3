import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { DataError } from '../errors.js';
import { normalizeImages } from '../engine/data/normalize.js';
import { noGrad } from '../engine/autograd.js';
import { scope } from '../engine/memory.js';
import { tensor } from '../engine/ops/creation.js';
import { loadOnnxRuntime } from '../util/onnxruntime.js';
import { loadExport } from './artifacts.js';
import { readInputImages } from './images.js';
import { readOnnxSummary } from './onnx-proto.js';
import { preprocessingFromMetadata, type Preprocessing } from './preprocessing.js';

/** One input's most probable classes (the contract's `predict --json` entries). */
export interface Prediction {
  readonly input: string;
  readonly top: readonly { readonly class: string; readonly probability: number }[];
}

/** Options of {@link predict}. */
export interface PredictOptions {
  /** Classes listed per input (default 3). */
  readonly top?: number;
  /** Images per forward pass (default 256). */
  readonly batchSize?: number;
}

/** Logits of a batch of normalised NCHW images. */
type Runner = (batch: Float32Array, count: number) => Promise<Float32Array>;

/** Whether `path` names an ONNX file (run by onnxruntime) rather than a naskit export (run by the engine). */
export function isOnnxPath(path: string): boolean {
  return extname(path).toLowerCase() === '.onnx';
}

/**
 * Classifies the images at `inputPath` with a model: an ONNX file (onnxruntime-node; preprocessing
 * from its metadata) or a naskit export folder / file (the libtorch engine). Images are normalised as
 * the model was trained; each gets its `top` classes with softmax probabilities.
 */
export async function predict(modelPath: string, inputPath: string, options: PredictOptions = {}): Promise<{ predictions: Prediction[]; runtime: 'onnxruntime' | 'engine' }> {
  const top = options.top ?? 3;
  const batchSize = options.batchSize ?? 256;
  if (!Number.isInteger(top) || top < 1) throw new RangeError(`predict: top must be a positive integer, got ${top}`);
  const onnx = isOnnxPath(modelPath);
  const { preprocessing, run, close } = onnx ? await onnxRunner(modelPath) : engineRunner(modelPath);
  try {
    const images = readInputImages(inputPath, preprocessing.input);
    const { channels, height, width } = preprocessing.input;
    const size = channels * height * width;
    const predictions: Prediction[] = [];
    for (let start = 0; start < images.names.length; start += batchSize) {
      const count = Math.min(batchSize, images.names.length - start);
      const pixels = images.pixels.subarray(start * size, (start + count) * size);
      const logits = await run(normalizeImages(pixels, preprocessing.input, preprocessing.normalization), count);
      const k = logits.length / count;
      for (let i = 0; i < count; i++) predictions.push({ input: images.names[start + i], top: topClasses(logits.subarray(i * k, (i + 1) * k), preprocessing.classes, top) });
    }
    return { predictions, runtime: onnx ? 'onnxruntime' : 'engine' };
  } finally {
    close();
  }
}

/** Softmax probabilities of one row of logits, the `k` largest first (ties: the lower class index). */
export function topClasses(logits: ArrayLike<number>, classes: readonly string[], k: number): Prediction['top'] {
  let max = -Infinity;
  for (let i = 0; i < logits.length; i++) max = Math.max(max, logits[i]);
  const exp = Array.from({ length: logits.length }, (_, i) => Math.exp(logits[i] - max));
  const total = exp.reduce((a, b) => a + b, 0);
  return exp
    .map((e, i) => ({ i, p: e / total }))
    .sort((a, b) => b.p - a.p || a.i - b.i)
    .slice(0, k)
    .map(({ i, p }) => ({ class: classes[i] ?? String(i), probability: Math.round(p * 1e6) / 1e6 }));
}

async function onnxRunner(path: string): Promise<{ preprocessing: Preprocessing; run: Runner; close: () => void }> {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    throw new DataError('DATA_MISSING', `cannot read ${path}: ${(error as Error).message}; give an .onnx file written by \`naskit export NAME --format onnx\``);
  }
  const summary = readOnnxSummary(bytes, path);
  const input = summary.inputs[0];
  const output = summary.outputs[0];
  if (!output) throw new DataError('ONNX_CORRUPT', `${path}: the graph has no output`);
  const classes = typeof output.dims[1] === 'number' ? output.dims[1] : null;
  const preprocessing = preprocessingFromMetadata(summary.metadata, input.dims, classes, path);
  const ort = await loadOnnxRuntime();
  let session: Awaited<ReturnType<typeof ort.InferenceSession.create>>;
  try {
    session = await ort.InferenceSession.create(bytes);
  } catch (error) {
    throw new DataError('ONNX_CORRUPT', `${path}: onnxruntime cannot load it (${(error as Error).message.split('\n')[0]}); export it again with \`naskit export NAME --format onnx\``);
  }
  const { channels, height, width } = preprocessing.input;
  return {
    preprocessing,
    run: async (batch, count) => {
      const result = await session.run({ [input.name]: new ort.Tensor('float32', batch, [count, channels, height, width]) });
      return result[output.name]!.data as Float32Array;
    },
    close: () => void session.release(),
  };
}

function engineRunner(path: string): { preprocessing: Preprocessing; run: Runner; close: () => void } {
  const { doc, model } = loadExport(path);
  if (!doc.preprocessing) {
    model.dispose();
    throw new DataError('EXPORT_METADATA', `${path}: the export names no preprocessing (input size, normalisation, classes), so its images cannot be prepared`);
  }
  const { channels, height, width } = doc.preprocessing.input;
  return {
    preprocessing: doc.preprocessing,
    run: async (batch, count) => noGrad(() => scope(() => model.forward(tensor(batch, [count, channels, height, width])).toFloat32Array())),
    close: () => model.dispose(),
  };
}
