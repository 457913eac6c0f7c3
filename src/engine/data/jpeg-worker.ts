/**
 * Worker-thread entry that decodes one chunk of packed JPEGs (see `decodeJpegsInParallel`).
 * It receives `{ packed, shape }` once and posts back `{ pixels }` or `{ failure }`.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { ImageShape } from './dataset.js';
import { decodeJpegsNchw, type PackedJpegs } from './jpeg.js';

const { packed, shape } = workerData as { packed: PackedJpegs; shape: ImageShape };
const result = decodeJpegsNchw(packed, shape);
if ('pixels' in result) parentPort?.postMessage(result, [result.pixels.buffer as ArrayBuffer]);
else parentPort?.postMessage(result);
