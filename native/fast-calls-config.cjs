// Prints, for binding.gyp, whether and how to build the V8 fast calls (src/fast_calls.h): they need
// V8's v8-fast-api-calls.h for exactly this Node's V8. It is looked for in Node's own headers (the
// node_root_dir node-gyp builds against), then in v8-include/, where
// scripts/fetch-v8-fast-api-header.sh puts it (with the V8 version it belongs to).
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const [what, nodeRoot = ''] = process.argv.slice(2);
const v8 = process.versions.v8.split('.').slice(0, 3).join('.');
const own = path.join(nodeRoot, 'include', 'node', 'v8-fast-api-calls.h');
const fetched = path.join(__dirname, 'v8-include');

function headerDir() {
  if (nodeRoot && fs.existsSync(own)) return null; // on the include path already
  const version = path.join(fetched, 'V8_VERSION');
  if (fs.existsSync(path.join(fetched, 'v8-fast-api-calls.h')) && fs.existsSync(version) && fs.readFileSync(version, 'utf8').trim() === v8) return fetched;
  return undefined; // not available
}

const dir = headerDir();
if (what === 'define') console.log(`NASKIT_FAST_CALLS=${dir === undefined ? 0 : 1}`);
else if (what === 'include') console.log(dir ?? '');
else {
  console.error('usage: node fast-calls-config.cjs define|include NODE_ROOT_DIR');
  process.exit(2);
}
