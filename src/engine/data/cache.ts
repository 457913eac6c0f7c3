import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { crc32 } from 'node:zlib';
import { projectRoot } from '../../util/paths.js';
import { type ImageDataset, imageSize } from './dataset.js';

/**
 * The decoded-data cache: one file per data set part holding a JSON header (shape, classes, the
 * source file's identity, a CRC-32 of the payload), the labels, then the pixels. A file whose
 * magic, header, size, source or checksum does not match is ignored and rebuilt, never trusted.
 */

const MAGIC = 'NASKITDS';
const VERSION = 1;

/** Where decoded data is cached unless the caller says otherwise: `<project root>/.cache/data`. */
export function defaultCacheDir(): string {
  return join(projectRoot(), '.cache', 'data');
}

interface CacheHeader {
  version: number;
  source: string;
  length: number;
  channels: number;
  height: number;
  width: number;
  classes: string[];
  crc32: number;
}

/**
 * The cached data set at `path`, or null when the file is absent, stale (`source` differs) or
 * damaged in any way. `source` identifies what the cache was decoded from (e.g. size and mtime).
 */
export function readDatasetCache(path: string, source: string): ImageDataset | null {
  let file: Buffer;
  try {
    file = readFileSync(path);
  } catch {
    return null;
  }
  if (file.length < 12 || file.toString('latin1', 0, 8) !== MAGIC) return null;
  const headerLength = file.readUInt32LE(8);
  const payloadStart = align8(12 + headerLength);
  if (payloadStart > file.length) return null;
  let header: CacheHeader;
  try {
    header = JSON.parse(file.toString('utf8', 12, 12 + headerLength)) as CacheHeader;
  } catch {
    return null;
  }
  if (header.version !== VERSION || header.source !== source || !Array.isArray(header.classes)) return null;
  const shape = { channels: header.channels, height: header.height, width: header.width };
  if (![header.length, ...Object.values(shape)].every((v) => Number.isInteger(v) && v > 0)) return null;
  const labelBytes = header.length * 4;
  const pixelBytes = header.length * imageSize(shape);
  if (file.length !== payloadStart + labelBytes + pixelBytes) return null;
  const payload = file.subarray(payloadStart);
  if (crc32(payload) !== header.crc32) return null;
  // Labels are copied (the file buffer need not be 4-byte aligned); pixels are a view, no copy.
  const labels = new Int32Array(header.length);
  for (let i = 0; i < header.length; i++) labels[i] = payload.readInt32LE(4 * i);
  for (let i = 0; i < header.length; i++) if (labels[i] < 0 || labels[i] >= header.classes.length) return null;
  const images = new Uint8Array(payload.buffer, payload.byteOffset + labelBytes, pixelBytes);
  return { images, labels, shape, classes: header.classes, length: header.length };
}

/** Writes `dataset` to `path` atomically (a temporary file in the same folder, then a rename). */
export function writeDatasetCache(path: string, source: string, dataset: ImageDataset): void {
  mkdirSync(dirname(path), { recursive: true });
  const labelBytes = Buffer.alloc(dataset.length * 4);
  for (let i = 0; i < dataset.length; i++) labelBytes.writeInt32LE(dataset.labels[i], 4 * i);
  const pixels = Buffer.from(dataset.images.buffer, dataset.images.byteOffset, dataset.images.byteLength);
  const header: CacheHeader = {
    version: VERSION,
    source,
    length: dataset.length,
    ...dataset.shape,
    classes: [...dataset.classes],
    crc32: crc32(pixels, crc32(labelBytes)),
  };
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const prefix = Buffer.alloc(align8(12 + json.length));
  prefix.write(MAGIC, 0, 'latin1');
  prefix.writeUInt32LE(json.length, 8);
  json.copy(prefix, 12);
  const temp = `${path}.${process.pid}.${Date.now()}.tmp`;
  try {
    writeFileSync(temp, Buffer.concat([prefix, labelBytes, pixels]));
    renameSync(temp, path);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
}

function align8(n: number): number {
  return Math.ceil(n / 8) * 8;
}
