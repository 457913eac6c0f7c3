import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import jpeg from 'jpeg-js';
import { PNG as PngDecoder } from 'pngjs';
import { DataError } from '../errors.js';
import type { ImageShape } from '../engine/data/dataset.js';
import { parseIdx } from '../engine/data/idx.js';

/** Images read for prediction: NCHW bytes of exactly the model's input shape, and a name for each. */
export interface InputImages {
  readonly names: readonly string[];
  readonly pixels: Uint8Array;
  readonly shape: ImageShape;
}

const JPEG = ['.jpg', '.jpeg'];
const PNG = ['.png'];

/** An IDX file by name: `*-ubyte`, `*.idx`, either optionally gzipped. */
function isIdxName(file: string): boolean {
  const name = file.toLowerCase().replace(/\.gz$/, '');
  return name.endsWith('-ubyte') || name.endsWith('.idx') || /idx\d-ubyte$/.test(name);
}

/**
 * Reads the images at `path` for a model whose input is `shape`: a JPEG file, an IDX file of
 * images (MNIST's format, gzipped or not; [N, H, W] is one channel, [N, C, H, W] several), or a
 * folder of them (sorted by name). naskit resizes nothing: an image of another size or channel
 * count is a `DataError` (`IMAGE_SHAPE`) naming the file. A JPEG is one channel when its three
 * decoded channels agree (grey, within JPEG's rounding), else three.
 */
export function readInputImages(path: string, shape: ImageShape): InputImages {
  let files: string[];
  try {
    files = statSync(path).isDirectory()
      ? readdirSync(path)
          .filter((f) => [...JPEG, ...PNG].includes(extname(f).toLowerCase()) || isIdxName(f))
          .sort()
          .map((f) => join(path, f))
      : [path];
  } catch (error) {
    throw new DataError('DATA_MISSING', `cannot read ${path}: ${(error as Error).message}; give an image file (JPEG, PNG, IDX) or a folder of them`);
  }
  if (files.length === 0) throw new DataError('DATA_MISSING', `${path} holds no images (.jpg, .jpeg, .png, IDX files such as t10k-images-idx3-ubyte.gz)`);
  const names: string[] = [];
  const parts: Uint8Array[] = [];
  for (const file of files) {
    const ext = extname(file).toLowerCase();
    if (JPEG.includes(ext)) {
      parts.push(readJpeg(file, shape));
      names.push(file);
    } else if (PNG.includes(ext)) {
      parts.push(readPng(file, shape));
      names.push(file);
    } else if (isIdxName(file)) {
      const images = readIdxImages(file, shape);
      parts.push(images.pixels);
      for (let i = 0; i < images.count; i++) names.push(`${basename(file)}#${i}`);
    } else {
      throw new DataError('IMAGE_FORMAT', `${file}: unknown image format (extension ${JSON.stringify(ext)}); naskit predict reads JPEG (.jpg, .jpeg), PNG (.png) and IDX files (*-ubyte, *.idx, gzipped or not)`);
    }
  }
  const pixels = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    pixels.set(p, offset);
    offset += p.length;
  }
  return { names, pixels, shape };
}

function describe(s: ImageShape): string {
  return `${s.width}×${s.height} with ${s.channels} channel${s.channels === 1 ? '' : 's'}`;
}

function wrongShape(file: string, got: ImageShape, want: ImageShape): DataError {
  return new DataError('IMAGE_SHAPE', `${file}: images are ${describe(got)}, the model takes ${describe(want)} (its metadata says resize: none); give images of that size`);
}

function readIdxImages(file: string, shape: ImageShape): { pixels: Uint8Array; count: number } {
  let bytes: Uint8Array = readFileSync(file);
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try {
      bytes = gunzipSync(bytes);
    } catch (error) {
      throw new DataError('DATA_CORRUPT', `${file}: gzip data is corrupt (${(error as Error).message})`);
    }
  }
  const idx = parseIdx(bytes, file);
  let got: ImageShape;
  if (idx.dims.length === 3) got = { channels: 1, height: idx.dims[1], width: idx.dims[2] };
  else if (idx.dims.length === 4) got = { channels: idx.dims[1], height: idx.dims[2], width: idx.dims[3] };
  else throw new DataError('IMAGE_SHAPE', `${file}: an IDX file of rank ${idx.dims.length} (dimensions ${idx.dims.join('×')}) holds no images; expected [N, H, W] or [N, C, H, W] (is it a label file?)`);
  if (got.channels !== shape.channels || got.height !== shape.height || got.width !== shape.width) throw wrongShape(file, got, shape);
  return { pixels: idx.data, count: idx.dims[0] };
}

function readJpeg(file: string, shape: ImageShape): Uint8Array {
  let decoded: { width: number; height: number; data: Uint8Array };
  try {
    decoded = jpeg.decode(readFileSync(file), { useTArray: true, formatAsRGBA: false, maxMemoryUsageInMB: 64 });
  } catch (error) {
    throw new DataError('IMAGE_FORMAT', `${file}: not a readable JPEG (${(error as Error).message})`);
  }
  // JPEG rounds grey images' three channels slightly apart.
  return toPlanes(file, decoded, 3, 2, shape);
}

function readPng(file: string, shape: ImageShape): Uint8Array {
  let decoded: { width: number; height: number; data: Uint8Array };
  try {
    // pngjs expands every colour type and bit depth to 8-bit RGBA; 16-bit samples are scaled down.
    const png = PngDecoder.sync.read(readFileSync(file), { skipRescale: false });
    decoded = { width: png.width, height: png.height, data: png.data };
  } catch (error) {
    throw new DataError('IMAGE_FORMAT', `${file}: not a readable PNG (${(error as Error).message})`);
  }
  return toPlanes(file, decoded, 4, 0, shape);
}

/**
 * Interleaved pixels (HWC, `stride` bytes a pixel, RGB first) to the model's planes (CHW). The image
 * is one channel when its RGB channels agree within `greyTolerance` and the model takes one.
 */
function toPlanes(file: string, decoded: { width: number; height: number; data: Uint8Array }, stride: number, greyTolerance: number, shape: ImageShape): Uint8Array {
  const { width, height, data } = decoded;
  const plane = width * height;
  let grey = true;
  for (let p = 0; p < plane && grey; p++) {
    const r = data[p * stride], g = data[p * stride + 1], b = data[p * stride + 2];
    grey = Math.abs(r - g) <= greyTolerance && Math.abs(g - b) <= greyTolerance;
  }
  const channels = grey && shape.channels === 1 ? 1 : 3;
  const got = { channels, height, width };
  if (got.channels !== shape.channels || height !== shape.height || width !== shape.width) throw wrongShape(file, got, shape);
  const out = new Uint8Array(channels * plane);
  for (let p = 0; p < plane; p++) for (let c = 0; c < channels; c++) out[c * plane + p] = data[p * stride + c];
  return out;
}
