#!/usr/bin/env node
// Entry point of the `naskit` command: the compiled CLI lives in dist/ (built by `npm ci` / `npm run build`).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const main = join(root, 'dist', 'src', 'cli', 'main.js');
if (!existsSync(main)) {
  process.stderr.write(`naskit: the compiled CLI is missing (${main}); run \`npm ci\` or \`npm run build\` in ${root} first.\n`);
  process.exit(1);
}
// A reader that stops early (`naskit … | head`) is not an error.
process.stdout.on('error', (error) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});
const { run } = await import(main);
process.exitCode = await run(process.argv.slice(2));
