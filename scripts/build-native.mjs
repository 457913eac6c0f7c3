// Builds the tensor engine addon (native/) with node-gyp when libtorch is present.
// Run by `npm install`/`npm ci` (the "install" script): without libtorch it prints how to get it and
// exits 0, so that the rest of naskit installs and runs. `--strict` makes any failure exit 1.
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const strict = process.argv.includes('--strict');

function note(message) {
  console.error(`naskit: ${message}`);
  process.exit(strict ? 1 : 0);
}

function libtorchPresent() {
  if (process.env.LIBTORCH) return existsSync(join(process.env.LIBTORCH, 'include', 'ATen', 'ATen.h'));
  return existsSync('/usr/include/ATen/ATen.h') && existsSync('/usr/include/torch/csrc/api/include/torch/version.h');
}

/** node-gyp: the one npm hands to lifecycle scripts, else the one bundled with npm. */
function nodeGyp() {
  const candidates = [process.env.npm_config_node_gyp];
  if (process.env.npm_execpath) candidates.push(join(dirname(process.env.npm_execpath), '..', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'));
  const npmRoot = join(dirname(process.execPath), '..', 'lib', 'node_modules', 'npm');
  candidates.push(join(npmRoot, 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'));
  return candidates.find((c) => c && existsSync(c)) ?? null;
}

/** Node's own headers when installed beside node (no download needed), else node-gyp's cache. */
function nodeDir() {
  for (const prefix of [join(dirname(process.execPath), '..'), '/usr', '/usr/local']) {
    if (existsSync(join(prefix, 'include', 'node', 'node_api.h')) && existsSync(join(prefix, 'include', 'node', 'common.gypi'))) return resolve(prefix);
  }
  return null;
}

// For scripts/fetch-v8-fast-api-header.sh: the Node headers this build uses (empty: node-gyp's own).
if (process.argv.includes('--print-nodedir')) {
  console.log(nodeDir() ?? '');
  process.exit(0);
}
if (process.env.NASKIT_SKIP_NATIVE) note('NASKIT_SKIP_NATIVE is set; the tensor engine was not built');
if (!libtorchPresent()) {
  note('libtorch not found, so the tensor engine (naskit train, engine tests) was not built. ' +
    'Fix: `apt-get install -y libtorch-dev` (Debian) or set LIBTORCH=/path/to/libtorch, then run `node scripts/build-native.mjs`.');
}
const gyp = nodeGyp();
if (!gyp) note('node-gyp not found (it ships with npm); install npm or `npm install -g node-gyp`, then run `node scripts/build-native.mjs`');
const args = [gyp, 'rebuild', `--directory=${join(root, 'native')}`, '--jobs=2'];
const dir = nodeDir();
if (dir) args.push(`--nodedir=${dir}`);
console.error(`naskit: building the tensor engine (native/) with libtorch ${process.env.LIBTORCH ?? 'from the system'}...`);
const result = spawnSync(process.execPath, args, { stdio: ['ignore', 'inherit', 'inherit'], cwd: join(root, 'native') });
if (result.status !== 0) note('building the tensor engine failed (see the compiler output above); naskit runs without it, except training');
console.error('naskit: tensor engine built: native/build/Release/naskit_engine.node');
