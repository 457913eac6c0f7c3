import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The project root (the folder holding package.json), found from this file's compiled location. */
export function projectRoot(): string {
  // dist/src/util/paths.js → three levels up.
  return resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
}

/** Where naskit's data lives: `NASKIT_DATA` when set, else `../shared/data` from the project root. */
export function dataDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.NASKIT_DATA ? resolve(env.NASKIT_DATA) : join(projectRoot(), '..', 'shared', 'data');
}
