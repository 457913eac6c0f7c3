import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import * as E from '../../src/engine/index.js';
import { engineMissing, engineTest } from '../engine/helpers.js';
import { CASES } from './cases.js';
import { exportCase } from './helpers.js';

/**
 * A second opinion on the files naskit writes: the ONNX project's own checker (Debian's
 * python3-onnx 1.12, full check with shape inference) on one model per handler case. Part of the
 * engine's tests (the models are built and exported by the engine): without the engine it skips
 * with the engine's line, like them; with the engine but without python3-onnx it skips saying how
 * to install it; under NASKIT_REQUIRE_ENGINE=1 (CI, which installs both) either is a failure.
 */
const python = process.env.PYTHON ?? '/usr/bin/python3';
const probe = spawnSync(python, ['-c', 'import onnx; print(onnx.__version__)'], { encoding: 'utf8' });
const checkerMissing = probe.status === 0 ? null : `python3-onnx is not installed (apt-get install python3-onnx; or set PYTHON to a python with onnx)`;

const CHECK = `
import sys, onnx
for path in sys.argv[1:]:
    model = onnx.load(path)
    onnx.checker.check_model(model, full_check=True)
    assert model.ir_version == 8 and [o.version for o in model.opset_import if o.domain == ''] == [17], path
print(len(sys.argv) - 1)
`;

const NAME = 'export: onnx.checker (python3-onnx) accepts the model of every handler case';

if (checkerMissing && engineMissing() === null) {
  if (process.env.NASKIT_REQUIRE_ENGINE === '1') test(NAME, () => assert.fail(`NASKIT_REQUIRE_ENGINE=1 but ${checkerMissing}`));
  else test(NAME, { skip: `${checkerMissing}; set NASKIT_REQUIRE_ENGINE=1 to make this a failure` }, () => {});
} else engineTest(NAME, () => {
  const dir = mkdtempSync(join(tmpdir(), 'naskit-onnx-checker-'));
  try {
    const paths = CASES.map((c, i) => {
      const module = c.build(new E.Generator(i));
      const path = join(dir, `case${i}.onnx`);
      writeFileSync(path, exportCase(c, module));
      module.dispose();
      return path;
    });
    const r = spawnSync(python, ['-c', CHECK, ...paths], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout.trim(), String(CASES.length));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
