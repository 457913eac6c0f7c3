// Run by boundary.test.ts in a child process (with --allow-natives-syntax, with and without
// NASKIT_FAST_CALLS=0): every bad input of docs/engine.md, "The native boundary", thrown at the
// addon directly, past the TypeScript checks. Prints one JSON line: each case's outcome. A crash
// of this process is itself the failure the parent reports.
import * as E from '../../src/engine/index.js';
import { CALL_ARMED, type NativeHandle } from '../../src/engine/binding.js';
import { NativeError } from '../../src/errors.js';

/** What a call did: its value, or the class and code of what it threw. */
export type Outcome = { ok: true; value: unknown } | { ok: false; error: string; code: string | null; message: string };

function outcome(fn: () => unknown): Outcome {
  try {
    const value = fn();
    return { ok: true, value: ArrayBuffer.isView(value) ? Array.from(value as Int32Array) : value };
  } catch (e) {
    const error = e as Error;
    return { ok: false, error: error?.constructor?.name ?? typeof e, code: e instanceof NativeError ? e.code : null, message: String(error?.message ?? e) };
  }
}

// V8's natives syntax, hidden from TypeScript (the child runs with --allow-natives-syntax).
const prepare = new Function('f', '%PrepareFunctionForOptimization(f)') as (f: unknown) => void;
const optimizeNext = new Function('f', '%OptimizeFunctionOnNextCall(f)') as (f: unknown) => void;

const n = E.engine();
const results: Record<string, Outcome> = {};
const fastCounts: Record<string, number> = {};
const h = (t: E.Tensor): NativeHandle => t.nativeHandle;

/**
 * Runs `bad` once interpreted and once from TurboFan code (where the engine has fast calls, a frame
 * op is then a V8 fast call): both outcomes are recorded, with the number of fast calls made.
 */
function bothTiers(name: string, wrapper: (...args: never[]) => unknown, good: () => unknown, bad: () => unknown): void {
  results[`${name} (interpreted)`] = outcome(bad);
  prepare(wrapper);
  for (let i = 0; i < 3; i++) outcome(good);
  optimizeNext(wrapper);
  outcome(good);
  const before = n.fastCallCount();
  results[`${name} (optimised)`] = outcome(bad);
  fastCounts[name] = n.fastCallCount() - before; // the bad call itself was a fast call
}

E.scope(() => {
  const x = E.tensor([1, 2, 3, 4, 5, 6], [2, 3]);

  // IntListArg: fractions and NaN were truncated (2.5 -> 2, NaN -> 0).
  results['zeros [2.5]'] = outcome(() => n.zeros([2.5], 0));
  results['zeros [NaN]'] = outcome(() => n.zeros([NaN], 0));
  results['reshape [3, 2.0000001]'] = outcome(() => n.reshape(h(x), [3, 2.0000001]));
  results['permute [1.5, 0]'] = outcome(() => n.permute(h(x), [1.5, 0]));
  // IntArg had the same truncation (napi_get_value_int64), and dtype codes and thread counts were
  // cut to 32 bits before their check (2^32 was dtype 0, float32; 2^32 + 1 threads were 1).
  results['eye 2.5'] = outcome(() => n.eye(2.5, 0));
  results['randperm NaN'] = outcome(() => n.randperm(NaN, null));
  results['topk k Infinity'] = outcome(() => n.topk(h(x), Infinity, 0));
  results['zeros dtype 2^32'] = outcome(() => n.zeros([2], 2 ** 32));
  const threads = n.getNumThreads();
  results['setNumThreads 2^32 + 1'] = outcome(() => n.setNumThreads(2 ** 32 + 1));
  results['thread count unchanged'] = outcome(() => n.getNumThreads() === threads);
  results['zeros [2, 3] (good)'] = outcome(() => { const t = E.Tensor.fromHandle(n.zeros([2, 3], 0)); return t.shape; });

  // fromArray: the product of the shape wrapped around (2^32 * 2^32 = 0 elements in 64 bits).
  results['fromArray [2^32, 2^32] of 0 elements'] = outcome(() => n.fromArray(new Float32Array(0), [2 ** 32, 2 ** 32]));
  results['fromArray [-2, -3] of 6 elements'] = outcome(() => n.fromArray(new Float32Array(6), [-2, -3]));
  results['zeros [2^40, 2^40]'] = outcome(() => n.zeros([2 ** 40, 2 ** 40], 0));
  results['zeros [2^62, 8]'] = outcome(() => n.zeros([2 ** 62, 8], 0)); // beyond 2^53: not an exact integer
  results['zeros [-1]'] = outcome(() => n.zeros([-1], 0));
  results['fromArray [0, 5] of 0 elements (good)'] = outcome(() => E.Tensor.fromHandle(n.fromArray(new Float32Array(0), [0, 5])).shape);
  // The meta buffer holds int32 sizes: a view of 2^40 elements would reach JS with a wrapped size.
  results['fromArray [0, 2^40] of 0 elements'] = outcome(() => n.fromArray(new Float32Array(0), [0, 2 ** 40]));
  results['expand to [2^40]'] = outcome(() => n.expand(h(E.ones([1])), [2 ** 40]));

  // GeneratorArg: any External was taken for a generator.
  results['randn with a foreign External'] = outcome(() => n.randn([2], n.testHooks.foreignExternal(), 0));
  results['dropout with a foreign External'] = outcome(() => n.dropout(h(x), 0.5, true, n.testHooks.foreignExternal()));
  results['randn with a generator (good)'] = outcome(() => E.Tensor.fromHandle(n.randn([2], n.newGenerator(1), 0)).shape);

  // toArray: int64 narrowed to int32 silently.
  results['toArray int64 2^31'] = outcome(() => n.toArray(n.arange(2 ** 31, 2 ** 31 + 2, 1, 3)));
  results['toArray int64 -2^31 - 1'] = outcome(() => n.toArray(n.arange(-(2 ** 31) - 1, -(2 ** 31), 1, 3)));
  results['toArray int64 in range (good)'] = outcome(() => n.toArray(n.arange(-(2 ** 31), -(2 ** 31) + 2, 1, 3)));

  // Guarded (ops with JS arguments) had no catch (...): a non-std exception aborted the process.
  for (const kind of [0, 1, 2, 3, 4]) results[`throwGuarded ${kind}`] = outcome(() => n.testHooks.throwGuarded(kind));
  // The frame path, by hand as binding.ts's wrappers do it.
  const F = n.frameBuffer;
  const throwFrame = (kind: number): void => {
    F[0] = kind;
    F[F.length - 1] = CALL_ARMED;
    n.testHooks.throwFrame();
    if (F[F.length - 1] !== 0) n.settle();
  };
  for (const kind of [0, 1, 2, 3, 4]) bothTiers(`throwFrame ${kind}`, throwFrame, () => throwFrame(0), () => throwFrame(kind));

  // AdamStep checked neither shapes nor step > 0; sgdStep broadcast a gradient of the wrong shape.
  const p = E.zeros([3]);
  const g = E.ones([3]);
  const m = E.zeros([3]);
  const v = E.zeros([3]);
  const adam = (grad: E.Tensor, mm: E.Tensor, vv: E.Tensor, step: number) => n.adamStep(h(p), h(grad), h(mm), h(vv), 0.1, 0.9, 0.999, 1e-8, 0, false, step);
  const good = () => adam(g, m, v, 1);
  bothTiers('adamStep gradient [1] for parameter [3]', n.adamStep, good, () => adam(E.ones([1]), m, v, 1));
  bothTiers('adamStep moment [3, 1]', n.adamStep, good, () => adam(g, E.zeros([3, 1]), v, 1));
  bothTiers('adamStep step 0', n.adamStep, good, () => adam(g, m, v, 0));
  bothTiers('adamStep step 2.5', n.adamStep, good, () => adam(g, m, v, 2.5));
  bothTiers('toDtype code 2^32', n.toDtype, () => n.dispose(n.toDtype(h(x), 1)), () => n.toDtype(h(x), 2 ** 32));
  bothTiers('toDtype code 2.5', n.toDtype, () => n.dispose(n.toDtype(h(x), 1)), () => n.toDtype(h(x), 2.5));
  const sgdGood = () => n.sgdStep(h(p), h(g), null, 0.1, 0, 0, 0, false, true);
  bothTiers('sgdStep gradient [1] for parameter [3]', n.sgdStep, sgdGood, () => n.sgdStep(h(p), h(E.ones([1])), null, 0.1, 0, 0, 0, false, true));
  results['parameter after the refused steps is finite'] = outcome(() => p.toArray().every(Number.isFinite));

  // The call frame: transferring its buffer detached it (the addon kept a raw pointer into it).
  results['structuredClone transfer of the frame'] = outcome(() => {
    structuredClone(n.frameBuffer.buffer, { transfer: [n.frameBuffer.buffer as ArrayBuffer] });
    return n.frameBuffer.length;
  });
  results['an op after the transfer'] = outcome(() => E.add(x, x).toArray());
  // A frame op whose arguments were not written by a wrapper (status not armed) runs nothing.
  results['a frame op called unarmed'] = outcome(() => {
    F[F.length - 1] = 0;
    n.testHooks.throwFrame();
    if (F[F.length - 1] !== 0) n.settle();
    return 'ran';
  });
});

console.log(JSON.stringify({ fast: n.fastCalls, fastCounts, results, tensors: E.memory().tensors }));
