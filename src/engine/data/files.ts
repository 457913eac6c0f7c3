import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { DataError } from '../../errors.js';

/** The fix to suggest whenever a shared data file is missing or damaged. */
export const DATA_FIX = "set NASKIT_DATA to the folder holding naskit's data (see ../shared/data/README.md), or restore the file from there";

/** Reads a whole data file; a missing or unreadable file is a `DataError` (`DATA_MISSING`) naming it. */
export function readDataFile(path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    throw new DataError('DATA_MISSING', `cannot read ${path}: ${(error as Error).message}; ${DATA_FIX}`, { cause: error });
  }
}

/** Reads and gunzips a `.gz` data file; a damaged stream is a `DataError` (`DATA_CORRUPT`) naming it. */
export function readGzipFile(path: string): Buffer {
  const compressed = readDataFile(path);
  try {
    return gunzipSync(compressed);
  } catch (error) {
    throw new DataError('DATA_CORRUPT', `${path} is not a valid gzip stream (${(error as Error).message}); the file is truncated or corrupt: ${DATA_FIX}`, { cause: error });
  }
}
