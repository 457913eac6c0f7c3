import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { projectRoot } from '../../src/util/paths.js';
import * as E from '../../src/engine/index.js';
import { engineTest } from './helpers.js';
import type { Outcome } from './boundary-child.js';

// The native boundary (docs/engine.md, "The native boundary"): bad input thrown at the addon
// directly, past the TypeScript checks, on both calling conventions (V8 fast calls and Node-API),
// must end in a NativeError with a stable code: never an abort, never a silently wrong result.

const child = join(projectRoot(), 'dist', 'test', 'engine', 'boundary-child.js');

type Report = { fast: boolean; fastCounts: Record<string, number>; results: Record<string, Outcome>; tensors: number };

function runChild(env: Record<string, string>): Report {
  const r = spawnSync(process.execPath, ['--allow-natives-syntax', child], { encoding: 'utf8', env: { ...process.env, ...env } });
  assert.equal(r.signal, null, `the child died of ${r.signal}: ${r.stderr.slice(-2000)}`);
  assert.equal(r.status, 0, r.stderr.slice(-2000));
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as Report;
}

const native = (code: string) => ({ ok: false, error: 'NativeError', code });
const ok = (value: unknown) => ({ ok: true, value });

/** Every case of boundary-child.ts and what it must give (the message is checked for a few). */
const EXPECTED: Record<string, { ok: boolean; error?: string; code?: string; value?: unknown }> = {
  'zeros [2.5]': native('BAD_ARGUMENT'),
  'zeros [NaN]': native('BAD_ARGUMENT'),
  'reshape [3, 2.0000001]': native('BAD_ARGUMENT'),
  'permute [1.5, 0]': native('BAD_ARGUMENT'),
  'eye 2.5': native('BAD_ARGUMENT'),
  'randperm NaN': native('BAD_ARGUMENT'),
  'topk k Infinity': native('BAD_ARGUMENT'),
  'zeros dtype 2^32': native('BAD_DTYPE'),
  'setNumThreads 2^32 + 1': native('BAD_ARGUMENT'),
  'thread count unchanged': ok(true),
  'zeros [2, 3] (good)': ok([2, 3]),
  'fromArray [2^32, 2^32] of 0 elements': native('BAD_SHAPE'),
  'fromArray [-2, -3] of 6 elements': native('BAD_SHAPE'),
  'zeros [2^40, 2^40]': native('BAD_SHAPE'),
  'zeros [2^62, 8]': native('BAD_ARGUMENT'),
  'zeros [-1]': native('BAD_SHAPE'),
  'fromArray [0, 5] of 0 elements (good)': ok([0, 5]),
  'fromArray [0, 2^40] of 0 elements': native('BAD_SHAPE'),
  'expand to [2^40]': native('BAD_SHAPE'),
  'randn with a foreign External': native('BAD_ARGUMENT'),
  'dropout with a foreign External': native('BAD_ARGUMENT'),
  'randn with a generator (good)': ok([2]),
  'toArray int64 2^31': native('INT64_RANGE'),
  'toArray int64 -2^31 - 1': native('INT64_RANGE'),
  'toArray int64 in range (good)': ok([-(2 ** 31), -(2 ** 31) + 1]),
  'throwGuarded 0': native('TEST_ERROR'),
  'throwGuarded 1': native('TORCH_ERROR'),
  'throwGuarded 2': native('OUT_OF_MEMORY'),
  'throwGuarded 3': native('NATIVE_ERROR'),
  'throwGuarded 4': native('NATIVE_ERROR'),
  'parameter after the refused steps is finite': ok(true),
  'structuredClone transfer of the frame': ok(16),
  'an op after the transfer': ok([2, 4, 6, 8, 10, 12]),
  'a frame op called unarmed': native('ENGINE_STATE'),
};
const BOTH_TIERS: Record<string, string> = {
  'throwFrame 0': 'TEST_ERROR',
  'throwFrame 1': 'TORCH_ERROR',
  'throwFrame 2': 'OUT_OF_MEMORY',
  'throwFrame 3': 'NATIVE_ERROR',
  'throwFrame 4': 'NATIVE_ERROR',
  'adamStep gradient [1] for parameter [3]': 'SHAPE_MISMATCH',
  'adamStep moment [3, 1]': 'SHAPE_MISMATCH',
  'adamStep step 0': 'BAD_ARGUMENT',
  'adamStep step 2.5': 'BAD_ARGUMENT',
  'sgdStep gradient [1] for parameter [3]': 'SHAPE_MISMATCH',
  'toDtype code 2^32': 'BAD_DTYPE',
  'toDtype code 2.5': 'BAD_ARGUMENT',
};
for (const [name, code] of Object.entries(BOTH_TIERS)) {
  EXPECTED[`${name} (interpreted)`] = native(code);
  EXPECTED[`${name} (optimised)`] = native(code);
}

function check(report: Report): void {
  assert.deepEqual(Object.keys(report.results).sort(), Object.keys(EXPECTED).sort(), 'the child ran every case');
  for (const [name, want] of Object.entries(EXPECTED)) {
    const got = report.results[name];
    const { message: _message, ...shown } = got as Outcome & { message?: string };
    assert.deepEqual(shown, want, `${name}: ${JSON.stringify(got)}`);
  }
  // Where the build has fast calls, the optimised frame-op cases did run as fast calls.
  if (report.fast) for (const name of Object.keys(BOTH_TIERS)) assert.ok(report.fastCounts[name] >= 1, `${name} made no fast call`);
  const msg = (name: string) => (report.results[name] as { message: string }).message;
  assert.match(msg('adamStep step 0 (interpreted)'), /step must be a positive integer/);
  assert.match(msg('adamStep gradient [1] for parameter [3] (optimised)'), /gradient has shape \[1\], the parameter \[3\]/);
  assert.match(msg('toArray int64 2^31'), /element 0 .* is 2147483648, outside int32's range.*cast it to float64/);
  assert.match(msg('throwGuarded 4'), /unknown C\+\+ exception/);
}

engineTest('boundary: bad input at the addon gives NativeErrors with codes, as V8 fast calls (where built)', () => {
  check(runChild({}));
});

engineTest('boundary: bad input at the addon gives NativeErrors with codes, on the Node-API path (NASKIT_FAST_CALLS=0)', () => {
  const report = runChild({ NASKIT_FAST_CALLS: '0' });
  assert.equal(report.fast, false);
  check(report);
});

const engineUrl = pathToFileURL(join(projectRoot(), 'dist', 'src', 'engine', 'index.js')).href;

engineTest('boundary: a call frame detached by other code (a byte stream) stops the frame ops with ENGINE_STATE, no crash', () => {
  // markAsUntransferable keeps postMessage and structuredClone from detaching the frame, but a byte
  // stream detaches whatever it is given. The frame's memory is the addon's, so nothing dangles, and
  // an op whose arguments can no longer reach it refuses to run.
  const script = `
    const E = await import(${JSON.stringify(engineUrl)});
    const n = E.engine();
    const x = E.keep(E.tensor([1, 2], [2]));
    const before = E.add(x, x).toArray();
    const stream = new ReadableStream({ type: 'bytes', start(c) { c.enqueue(new Uint8Array(n.frameBuffer.buffer)); c.close(); } });
    await stream.getReader().read();
    const attempt = (fn) => { try { return { value: fn() }; } catch (e) { return { error: e.constructor.name, code: e.code }; } };
    const add = attempt(() => E.add(x, x).toArray());
    const twice = attempt(() => E.mul(x, x).toArray());
    const zeros = attempt(() => E.zeros([2]).shape); // an op with JS arguments does not use the frame
    console.log(JSON.stringify({ detached: n.frameBuffer.length === 0, before, add, twice, zeros }));
  `;
  for (const env of [{}, { NASKIT_FAST_CALLS: '0' }]) {
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', env: { ...process.env, ...env } });
    assert.equal(r.signal, null, r.stderr);
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout.trim().split('\n').pop()!), {
      detached: true,
      before: [2, 4],
      add: { error: 'NativeError', code: 'ENGINE_STATE' },
      twice: { error: 'NativeError', code: 'ENGINE_STATE' },
      zeros: { value: [2] },
    });
  }
});

engineTest('boundary: ops with JS arguments stay right while the tensor table grows under them', () => {
  // TensorArg returns tensors by value (a static_assert in native/src/handle.cc keeps it so): a
  // reference into the table would dangle when NewHandle grows it. Here every op's result is a new
  // slot at a growing table, and each result is checked.
  E.scope(() => {
    const a = E.tensor([3, 1, 2], [3]);
    for (let k = 0; k < 300; k++) {
      const { values, indices } = E.topk(a, 2);
      assert.deepEqual(values.toArray(), [3, 2]);
      assert.deepEqual(indices.toArray(), [0, 2]);
      assert.deepEqual(E.reshape(a, [1, 3]).shape, [1, 3]);
    }
  });
});
