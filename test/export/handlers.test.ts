import assert from 'node:assert/strict';
import * as E from '../../src/engine/index.js';
import * as models from '../../src/engine/models/index.js';
import * as nn from '../../src/engine/nn/index.js';
import { Module, Layer } from '../../src/engine/nn/module.js';
import type { Tensor } from '../../src/engine/tensor.js';
const { Zero } = nn;
import { describeError, exitCodeOf } from '../../src/cli/errors.js';
import { ExportError, exportOnnx, HANDLERS, NOT_EXPORTED, type ModuleType } from '../../src/export/index.js';
import { engineTest } from '../engine/helpers.js';
import { CASES } from './cases.js';
import { plainPreprocessing, randomizeBatchNorms, runCase } from './helpers.js';

for (const [i, c] of CASES.entries()) {
  engineTest(`export handler ${c.type.name}: ${c.name} gives the engine's output in onnxruntime`, async () => {
    const module = c.build(new E.Generator(100 + i));
    try {
      randomizeBatchNorms(module, 200 + i);
      const { diff, engine } = await runCase(c, module, 300 + i);
      assert.ok(diff <= 1e-4, `max abs difference ${diff}`);
      // A comparison of zeros with zeros proves little: every case but Zero's has a non-zero output.
      if (c.type !== Zero) assert.ok(engine.some((v) => v !== 0));
    } finally {
      module.dispose();
    }
  });
}

/** Every Module class a module folder exports. */
function moduleClasses(namespace: Record<string, unknown>): [string, ModuleType][] {
  return Object.entries(namespace).filter((e): e is [string, ModuleType] => typeof e[1] === 'function' && (e[1] as { prototype: unknown }).prototype instanceof Module && e[1] !== Layer);
}

engineTest('export handlers: every module type of engine/nn and engine/models has a handler and a case, or a stated reason to have none', () => {
  const tested = new Set(CASES.map((c) => c.type));
  for (const [name, type] of [...moduleClasses(nn), ...moduleClasses(models)]) {
    if (NOT_EXPORTED[name]) {
      assert.ok(!HANDLERS.has(type), `${name} is listed as not exported but has a handler`);
      continue;
    }
    assert.ok(HANDLERS.has(type), `${name} has no ONNX handler (add one in src/export/handlers, or list it in NOT_EXPORTED with the reason)`);
    assert.ok(tested.has(type), `${name} has a handler but no case in test/export/handlers.test.ts`);
  }
  for (const type of HANDLERS.keys()) assert.ok(tested.has(type), `handler of ${type.name} has no case`);
});

class Custom extends Layer {
  forward(x: Tensor): Tensor {
    return x;
  }
}

engineTest('export: an unknown module is an error naming its type and path (one line, exit code 1)', () => {
  const model = new nn.Sequential(new nn.ReLU(), new nn.Sequential(new nn.Identity(), new Custom()));
  let caught: unknown;
  assert.throws(() => exportOnnx(model, { preprocessing: plainPreprocessing([3, 4, 4]) }), (error: unknown) => {
    caught = error;
    return error instanceof ExportError && error.code === 'EXPORT_UNSUPPORTED_MODULE' && /module type Custom/.test(error.message) && /cannot export 1\.1:/.test(error.message);
  });
  assert.equal(exitCodeOf(caught), 1);
  assert.equal(describeError(caught).split('\n').length, 1);
  // A module kept out on purpose says why.
  const list = new nn.Sequential(new nn.ReLU(), new nn.ModuleList([new nn.ReLU()]) as unknown as Layer);
  assert.throws(() => exportOnnx(list, { preprocessing: plainPreprocessing([3, 4, 4]) }), /module type ModuleList has no ONNX handler \(a list without a forward of its own/);
});

engineTest('export: batch norm without running statistics has no inference form and is refused', () => {
  const model = new nn.Sequential(new nn.BatchNorm2d(3, { trackRunningStats: false }));
  assert.throws(() => exportOnnx(model, { preprocessing: plainPreprocessing([3, 4, 4]) }), (e: unknown) => e instanceof ExportError && e.code === 'EXPORT_UNSUPPORTED' && /0: BatchNorm2d without running statistics/.test(e.message));
  model.dispose();
});

engineTest('export: a classifier whose logits do not match the class names is refused', () => {
  const model = new models.SmallCnn({ inChannels: 1, channels: 2, numClasses: 4 });
  assert.throws(() => exportOnnx(model, { preprocessing: plainPreprocessing([1, 8, 8], 10) }), (e: unknown) => e instanceof ExportError && e.code === 'EXPORT_SHAPE');
  model.dispose();
});
