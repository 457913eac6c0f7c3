import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { dataDir } from '../../src/util/paths.js';

/** The data folder the tests read (`NASKIT_DATA` or ../shared/data); tests fail, not skip, when it is missing. */
export function testDataDir(): string {
  const dir = dataDir();
  if (!existsSync(join(dir, 'nb201', 'nb201_tss.csv'))) {
    throw new Error(`test data not found under ${dir}; set NASKIT_DATA to the shared data folder`);
  }
  return dir;
}
