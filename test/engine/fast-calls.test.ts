import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { projectRoot } from '../../src/util/paths.js';
import * as E from '../../src/engine/index.js';
import { ADDON_PATH } from '../../src/engine/binding.js';
import { engineTest } from './helpers.js';

const engineUrl = pathToFileURL(join(projectRoot(), 'dist', 'src', 'engine', 'index.js')).href;

/** Runs an ES module script in a fresh Node with `flags` and `env`; returns its last stdout line as JSON. */
function runScript(script: string, flags: string[], env: Record<string, string> = {}): Record<string, unknown> {
  const r = spawnSync(process.execPath, [...flags, '--input-type=module', '-e', script], { encoding: 'utf8', env: { ...process.env, ...env } });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as Record<string, unknown>;
}

engineTest('fast calls: an op that fails inside optimised code (a V8 fast call) throws its NativeError, and the next op runs', (t) => {
  if (!E.engine().fastCalls) {
    // CI sets NASKIT_REQUIRE_FAST_CALLS=1: there a build without them is a failure, not a skip.
    assert.notEqual(process.env.NASKIT_REQUIRE_FAST_CALLS, '1', `NASKIT_REQUIRE_FAST_CALLS=1 but fast calls are ${E.engine().fastCallsNote}`);
    t.skip(`no V8 fast calls here (${E.engine().fastCallsNote})`);
    return;
  }
  // %OptimizeFunctionOnNextCall makes binding.ts's wrapper of unary (which holds the native call)
  // TurboFan code, the only code that makes fast calls; the addon's count of fast calls shows that
  // the good and the bad call both took that path.
  const script = `
    const E = await import(${JSON.stringify(engineUrl)});
    const n = E.engine();
    const a = E.keep(E.tensor([1, -2], [2]));
    const negate = n.unary.bind(null, 0);
    %PrepareFunctionForOptimization(n.unary);
    for (let i = 0; i < 3; i++) new E.Tensor(negate(a.nativeHandle)).dispose();
    %OptimizeFunctionOnNextCall(n.unary);
    const c0 = n.fastCallCount();
    const good = new E.Tensor(negate(a.nativeHandle));
    const c1 = n.fastCallCount();
    let error = null;
    try { negate(-1); } catch (e) { error = { name: e.constructor.name, code: e.code, message: e.message }; }
    const c2 = n.fastCallCount();
    const again = new E.Tensor(negate(a.nativeHandle)).toArray();
    console.log(JSON.stringify({ good: good.toArray(), goodFast: c1 - c0, error, badFast: c2 - c1, again }));
  `;
  const out = runScript(script, ['--allow-natives-syntax']);
  assert.deepEqual(out.good, [-1, 2]);
  assert.ok((out.goodFast as number) >= 1, 'the optimised call was a fast call');
  assert.ok((out.badFast as number) >= 1, 'the failing call was a fast call');
  assert.deepEqual(out.error, { name: 'NativeError', code: 'BAD_HANDLE', message: 'argument 1 is not a tensor handle; pass a Tensor created by naskit\'s engine' });
  assert.deepEqual(out.again, [-1, 2], 'the error was consumed: the next call succeeds');
});

engineTest('fast calls: a frame op reports the memory the GC alone would free to V8 (through settle)', () => {
  E.scope(() => {
    const x = E.zeros([2 * 1024 * 1024]); // 8 MiB, made by an op with JS arguments, owned by the scope
    const before = E.memory();
    assert.ok(Math.abs(before.reportedBytes - before.watchedBytes) < 2 ** 20);
    const y = E.keep(E.clone(x)); // a frame op; kept, so only the GC backstop would free it: reported
    const after = E.memory();
    assert.equal(after.bytes - before.bytes, 8 * 2 ** 20);
    assert.equal(after.watchedBytes - before.watchedBytes, 8 * 2 ** 20);
    assert.ok(Math.abs(after.reportedBytes - after.watchedBytes) < 2 ** 20, `reported ${after.reportedBytes}, watched ${after.watchedBytes}`);
    y.dispose(); // a frame op too
    const freed = E.memory();
    assert.equal(freed.watchedBytes, before.watchedBytes);
    assert.ok(Math.abs(freed.reportedBytes - freed.watchedBytes) < 2 ** 20, `reported ${freed.reportedBytes}, watched ${freed.watchedBytes}`);
    const z = E.clone(x); // scoped: freed deterministically, so V8 is not told
    const scoped = E.memory();
    assert.equal(scoped.bytes - freed.bytes, 8 * 2 ** 20);
    assert.equal(scoped.watchedBytes, freed.watchedBytes);
    z.dispose();
  });
});

engineTest('memory: scoped tensors churning hundreds of MB do not make V8 collect (they are freed by their scope)', () => {
  // Before the addon reported only watched bytes, each step crossing V8's external-memory limit
  // started a major GC, whose helper threads took cores from libtorch's (bench/results/engine.md).
  const out = runScript(`
    const E = await import(${JSON.stringify(engineUrl)});
    const { PerformanceObserver, constants } = await import('node:perf_hooks');
    let major = 0;
    const obs = new PerformanceObserver((list) => { for (const e of list.getEntries()) if (e.detail.kind === constants.NODE_PERFORMANCE_GC_MAJOR) major++; });
    obs.observe({ entryTypes: ['gc'] });
    const x = E.keep(E.zeros([16 * 1024 * 1024])); // 64 MiB
    for (let i = 0; i < 20; i++) E.scope(() => { let t = x; for (let k = 0; k < 4; k++) t = E.add(t, 1); return undefined; });
    await new Promise((r) => setTimeout(r, 50));
    obs.disconnect();
    console.log(JSON.stringify({ major }));
  `, []);
  assert.ok((out.major as number) <= 2, `${out.major} major GCs for 20 scoped steps of 256 MiB`);
});

engineTest('fast calls: with NASKIT_FAST_CALLS=0 the frame ops are Node-API functions, and the op, error and optimizer tests pass', () => {
  const probe = runScript(`const E = await import(${JSON.stringify(engineUrl)}); console.log(JSON.stringify({ fast: E.engine().fastCalls }));`, [], { NASKIT_FAST_CALLS: '0' });
  assert.equal(probe.fast, false);
  const files = ['ops', 'errors', 'autograd', 'optim', 'lstm'].map((f) => join(projectRoot(), 'dist', 'test', 'engine', `${f}.test.js`));
  // A fresh test run, not a child of this one (NODE_TEST_CONTEXT would make it report to this runner).
  const env: NodeJS.ProcessEnv = { ...process.env, NASKIT_FAST_CALLS: '0', NASKIT_REQUIRE_ENGINE: '1' };
  delete env.NODE_TEST_CONTEXT;
  const r = spawnSync(process.execPath, ['--test', '--test-reporter=tap', ...files], { encoding: 'utf8', env });
  assert.equal(r.status, 0, r.stdout.slice(-3000) + r.stderr);
  assert.match(r.stdout, /# fail 0/);
});

const addonPath = join(projectRoot(), ADDON_PATH);
const bindingUrl = pathToFileURL(join(projectRoot(), 'dist', 'src', 'engine', 'binding.js')).href;

engineTest('fast calls: the addon loaded again on the same thread leaves the first load\'s ops on their own state', () => {
  // Each load has its own environment and state; an op must not pick up the newest one (it did, and crashed).
  const script = `
    const E = await import(${JSON.stringify(engineUrl)});
    const n = E.engine();
    const a = E.keep(E.tensor([1, -2], [2]));
    const neg = () => { const t = new E.Tensor(n.unary(0, a.nativeHandle)); const v = t.toArray(); t.dispose(); return v; };
    for (let i = 0; i < 5; i++) neg();
    const m = { exports: {} };
    process.dlopen(m, ${JSON.stringify(addonPath)});
    %PrepareFunctionForOptimization(n.unary); neg(); %OptimizeFunctionOnNextCall(n.unary);
    const c0 = n.fastCallCount();
    const value = neg();
    console.log(JSON.stringify({ value, fast: n.fastCallCount() - c0, fastBuild: n.fastCalls, tensors: E.memory().tensors }));
  `;
  const out = runScript(script, ['--allow-natives-syntax']);
  assert.deepEqual(out.value, [-1, 2]);
  if (out.fastBuild) assert.ok((out.fast as number) >= 1, 'the call after the second load was a fast call');
  assert.equal(out.tensors, 1);
});

engineTest('fast calls: two bindings of one addon (two module instances) share its call frame', () => {
  // The frame belongs to the addon: a second binding cannot make the first one's wrappers write elsewhere.
  const script = `
    const A = await import(${JSON.stringify(bindingUrl)});
    const nA = A.engine();
    const B = await import(${JSON.stringify(`${bindingUrl}?second`)});
    const nB = B.engine();
    const x = nB.zeros([2], 0);
    const y = nB.clone(x);
    const old = nA.zeros([3], 0);
    nA.dispose(old);
    console.log(JSON.stringify({ oldAlive: nB.isAlive(old), yAlive: nB.isAlive(y), shared: nA.frameBuffer === nB.frameBuffer }));
  `;
  assert.deepEqual(runScript(script, []), { oldAlive: false, yAlive: true, shared: true });
});

engineTest('fast calls: a frame op called before the binding installs its error class fails cleanly (no crash)', () => {
  const script = `
    const { createRequire } = await import('node:module');
    const raw = createRequire(import.meta.url)(${JSON.stringify(addonPath)});
    raw.frameBuffer[15] = 4; // armed, as binding.ts's wrappers do (CALL_ARMED)
    raw.unary(); // an otherwise all-zero frame: code 0 on handle 0, which is no tensor
    const status = raw.frameBuffer[15];
    let message = null;
    try { raw.settle(); } catch (e) { message = e.message; }
    console.log(JSON.stringify({ status, message, after: raw.frameBuffer[15] }));
  `;
  const out = runScript(script, []);
  assert.equal(out.status, 1);
  assert.match(out.message as string, /^BAD_HANDLE: argument 1 is not a tensor handle/);
  assert.equal(out.after, 0);
});
