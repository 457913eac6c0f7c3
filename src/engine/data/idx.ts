import { DataError } from '../../errors.js';
import { DATA_FIX, readGzipFile } from './files.js';

/** A parsed IDX file of unsigned bytes (the MNIST format). */
export interface IdxArray {
  /** Dimensions, outermost first (e.g. `[60000, 28, 28]`). */
  readonly dims: readonly number[];
  /** The values, row-major; a view into the decompressed file. */
  readonly data: Uint8Array;
}

/** IDX type code of unsigned bytes, the only type MNIST-style files use. */
const IDX_UBYTE = 0x08;

/**
 * Parses an IDX buffer of unsigned bytes: magic (two zero bytes, type 0x08, rank), big-endian
 * uint32 dimensions, then exactly `product(dims)` bytes. `path` names the file in errors.
 * `expectedRank` guards against swapping the image and label files.
 */
export function parseIdx(buffer: Uint8Array, path: string, expectedRank?: number): IdxArray {
  if (buffer.length < 4) throw corrupt(path, `${buffer.length} bytes, shorter than the 4-byte IDX magic`);
  const view = new DataView(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  const rank = buffer[3];
  if (buffer[0] !== 0 || buffer[1] !== 0 || buffer[2] !== IDX_UBYTE || rank === 0) {
    const magic = Array.from(buffer.subarray(0, 4), (b) => b.toString(16).padStart(2, '0')).join(' ');
    throw corrupt(path, `magic bytes ${magic} at offset 0, expected 00 00 08 <rank> (IDX of unsigned bytes)`);
  }
  if (expectedRank !== undefined && rank !== expectedRank) {
    throw corrupt(path, `rank ${rank} at offset 3, expected ${expectedRank}; is it the right file (images vs labels)?`);
  }
  const headerSize = 4 + 4 * rank;
  if (buffer.length < headerSize) throw corrupt(path, `${buffer.length} bytes, shorter than its ${headerSize}-byte header`);
  const dims: number[] = [];
  let count = 1;
  for (let d = 0; d < rank; d++) {
    const size = view.getUint32(4 + 4 * d, false);
    dims.push(size);
    count *= size;
  }
  const actual = buffer.length - headerSize;
  if (actual !== count) {
    throw corrupt(path, `${actual} data bytes after the header at offset ${headerSize}, dimensions ${dims.join('×')} need ${count}${actual < count ? ' (truncated)' : ''}`);
  }
  return { dims, data: buffer.subarray(headerSize) };
}

/** Reads and parses a gzipped IDX file (`*-ubyte.gz`). */
export function readIdxGz(path: string, expectedRank?: number): IdxArray {
  return parseIdx(readGzipFile(path), path, expectedRank);
}

function corrupt(path: string, what: string): DataError {
  return new DataError('DATA_CORRUPT', `${path}: ${what}; the file is truncated or corrupt: ${DATA_FIX}`);
}
