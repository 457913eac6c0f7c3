// Prints the compiler and linker flags for libtorch, for binding.gyp.
// libtorch comes from LIBTORCH=/path (an unpacked libtorch distribution) or from the system
// (Debian's libtorch-dev: headers under /usr/include, libraries on the default search path).
'use strict';
const path = require('node:path');

const root = process.env.LIBTORCH || '';
const what = process.argv[2];
if (what === 'include') {
  const base = root ? path.join(root, 'include') : '/usr/include';
  console.log([base, path.join(base, 'torch/csrc/api/include')].join(' '));
} else if (what === 'libs') {
  const libs = ['-ltorch', '-ltorch_cpu', '-lc10'];
  if (root) {
    const lib = path.join(root, 'lib');
    console.log([`-L${lib}`, `-Wl,-rpath,${lib}`, ...libs].join(' '));
  } else {
    console.log(libs.join(' '));
  }
} else {
  console.error('usage: node torch-config.cjs include|libs');
  process.exit(2);
}
