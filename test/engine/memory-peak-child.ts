// Child process of train-memory.test.ts: measures the resident memory a trainClassifier run of one
// network adds to its process at its peak, from Linux's high-water mark (VmHWM), reset to the current
// size (/proc/self/clear_refs) just before the network is built. Prints {"peakBytes": …}.
// Run with --expose-gc (a collection before the reset keeps garbage out of the figure).
import { readFileSync, writeFileSync } from 'node:fs';
import * as E from '../../src/engine/index.js';
import { makeDataset, type ImageDataset } from '../../src/engine/data/dataset.js';
import { createSpace } from '../../src/space/registry.js';
import type { Space } from '../../src/space/types.js';
import { Rng } from '../../src/util/rng.js';
import { allPrimitivesSpace } from '../helpers/model-spaces.js';

/** One measured run; the parent builds the same network (same space, sample and generator seed). */
export interface PeakCase {
  readonly name: string;
  /** A registered space, or 'all-primitives' (test/helpers/model-spaces.ts). */
  readonly space: string;
  readonly options?: Readonly<Record<string, number | boolean>>;
  readonly sampleSeed: number;
  /** Images: [channels, size, size]. */
  readonly channels: number;
  readonly size: number;
  readonly batch: number;
  /** Training steps, and the validation images (evaluated in one batch of up to max(batch, 256)). */
  readonly steps: number;
  readonly evalImages: number;
}

export function caseSpace(c: PeakCase): Space {
  return c.space === 'all-primitives' ? allPrimitivesSpace() : createSpace(c.space, c.options ?? {});
}

export function caseNetwork(c: PeakCase): E.nn.Layer {
  const space = caseSpace(c);
  return E.buildNetwork(space, space.random(new Rng(c.sampleSeed)), { inChannels: c.channels, numClasses: 10, generator: new E.Generator(1) });
}

function images(n: number, channels: number, size: number): ImageDataset {
  const pixels = new Uint8Array(n * channels * size * size);
  for (let i = 0; i < pixels.length; i++) pixels[i] = (i * 2654435761) >>> 24;
  return makeDataset(pixels, Int32Array.from({ length: n }, (_, i) => i % 10), { channels, height: size, width: size }, [...'0123456789']);
}

function statusBytes(field: string): number {
  const match = readFileSync('/proc/self/status', 'utf8').match(new RegExp(`${field}:\\s+(\\d+) kB`));
  if (!match) throw new Error(`no ${field} in /proc/self/status`);
  return Number(match[1]) * 1024;
}

async function main(c: PeakCase): Promise<void> {
  E.setNumThreads(1);
  const normalization = { mean: Array<number>(c.channels).fill(0.5), std: Array<number>(c.channels).fill(0.25) };
  // A first run of a tiny network: libtorch's and the data pipeline's one-time set-up is not the network's.
  const warm = caseNetwork({ ...c, space: 'nb201', options: { channels: 2, cells: 1 } });
  await E.trainClassifier(warm, { train: images(8, c.channels, c.size), validation: images(4, c.channels, c.size) }, { epochs: 1, batchSize: 4, lr: 0.01, seed: 0, normalization });
  warm.dispose();
  const train = images(c.batch * c.steps, c.channels, c.size);
  const validation = images(c.evalImages, c.channels, c.size);
  (globalThis as { gc?: () => void }).gc?.();
  const base = statusBytes('VmRSS');
  writeFileSync('/proc/self/clear_refs', '5');
  const net = caseNetwork(c);
  await E.trainClassifier(net, { train, validation }, { epochs: 1, batchSize: c.batch, lr: 0.01, seed: 0, normalization });
  process.stdout.write(JSON.stringify({ peakBytes: statusBytes('VmHWM') - base }) + '\n');
}

if (process.argv[2]) await main(JSON.parse(process.argv[2]) as PeakCase);
