import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { projectRoot } from '../../src/util/paths.js';
import * as E from '../../src/engine/index.js';
import { engineTest } from './helpers.js';

engineTest('memory: scope frees what it created except the returned and kept tensors', () => {
  const before = E.memory();
  let inner: E.Tensor | null = null;
  const kept = E.keep(E.zeros([1]));
  const result = E.scope(() => {
    const a = E.ones([10]);
    inner = a.mul(2);
    const b = E.scope(() => a.add(1)); // returned from the inner scope: lives in the outer one
    E.keep(E.ones([3]).mul(3));
    return { sum: E.sum(b), list: [a] };
  });
  assert.equal(inner!.isDisposed, true);
  assert.equal(result.sum.isDisposed, false);
  assert.equal(result.list[0].isDisposed, false);
  assert.equal(result.sum.item(), 20);
  // two returned + one kept inside + one kept outside
  assert.equal(E.memory().tensors - before.tensors, 4);
  E.dispose(result.sum, result.list, kept);
  assert.equal(E.memory().tensors - before.tensors, 1);
});

engineTest('memory: a scope frees its tensors when its function throws', () => {
  const before = E.memory().tensors;
  assert.throws(() =>
    E.scope(() => {
      E.ones([100]);
      throw new Error('boom');
    }),
  );
  assert.equal(E.memory().tensors, before);
});

engineTest('memory: live tensors and bytes stay flat over 2,000 training steps in scopes', () => {
  const gen = new E.Generator(0);
  const w = E.keep(E.randn([32, 16], { generator: gen }).mul(0.1).setRequiresGrad());
  const x = E.keep(E.randn([64, 32], { generator: gen }));
  const y = E.keep(E.randint(0, 16, [64], gen));
  const step = (): number =>
    E.scope(() => {
      const loss = E.crossEntropy(E.matmul(x, w), y);
      loss.backward();
      E.noGrad(() => E.engine().inplace(0, w.nativeHandle, w.grad!.nativeHandle, null, -0.1));
      w.zeroGrad();
      return loss.item();
    });
  for (let i = 0; i < 100; i++) step();
  const after100 = E.memory();
  let last = 0;
  for (let i = 0; i < 2000; i++) last = step();
  const after = E.memory();
  assert.equal(after.tensors, after100.tensors);
  assert.equal(after.bytes, after100.bytes);
  assert.ok(Number.isFinite(last));
  E.dispose(w, x, y);
});

engineTest('memory: tensors no scope owns are freed by the GC backstop when collected undisposed', () => {
  const script = `
    const E = await import(${JSON.stringify(pathToFileURL(join(projectRoot(), 'dist', 'src', 'engine', 'index.js')).href)});
    const before = E.memory().tensors;
    (() => { for (let i = 0; i < 1000; i++) E.ones([256]); })();
    const made = E.memory().tensors - before;
    for (let i = 0; i < 10 && E.memory().tensors - before > 0; i++) { globalThis.gc(); await new Promise((r) => setTimeout(r, 20)); }
    console.log(JSON.stringify({ made, left: E.memory().tensors - before }));
  `;
  const r = spawnSync(process.execPath, ['--expose-gc', '--input-type=module', '-e', script], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const { made, left } = JSON.parse(r.stdout.trim()) as { made: number; left: number };
  assert.equal(made, 1000);
  assert.equal(left, 0);
});
