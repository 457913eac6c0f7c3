// Run by fuzz.test.ts in a child process: `node fuzz-child.js SEED CASES`. Throws random calls at
// the public engine (its functions and classes, Tensor methods, and the addon's own functions
// through engine()) with random argument counts and values: shapes, dtypes, NaN, huge and negative
// numbers, detached buffers, foreign objects. Prints one JSON line: how each call ended, by class
// and code, and the failures that are not a coded naskit error, a TypeError or a RangeError.
import * as E from '../../src/engine/index.js';
import { NaskitError } from '../../src/errors.js';
import { Rng } from '../../src/util/rng.js';

const [seedArg, casesArg] = process.argv.slice(2);
const rng = new Rng(Number(seedArg ?? 0));
const cases = Number(casesArg ?? 1000);
const n = E.engine();

/**
 * Numbers that probe the boundary. Huge ones are at least 2^40, so that any allocation they size is
 * refused at once (1 TB and more) rather than made on a shared machine; 2^31 and its neighbours are
 * probed by boundary.test.ts, where they cannot size an allocation.
 */
const NUMBERS = [0, 1, 2, 3, -1, -3, 0.5, 2.5, -0.5, NaN, Infinity, -Infinity, 2 ** 40, -(2 ** 40), 2 ** 53, 2 ** 62, 1e300, -1e300, Number.MIN_VALUE];
const DTYPE_NAMES = ['float32', 'float64', 'int32', 'int64', 'bool', 'uint8', 'float16', '', 'x'];

/** Functions not fuzzed, and why: they do I/O, start threads or workers, or wait on promises. */
const SKIP = new Set([
  'engine', // the addon's functions are fuzzed one by one below
  'engineAvailable',
  'setNumThreads', // a valid large count would start that many OpenMP threads: a resource, not a boundary, question
  'saveCheckpoint',
  'loadCheckpoint',
  'trainClassifier',
  'trainInWorker',
  'evaluateAsync',
  'evaluate',
  'keep', // keeps a tensor beyond its scope by design (the leak check below counts live tensors)
]);
const RAW_SKIP = new Set(['setNumThreads', 'install', 'settle', 'timeAddLoop', 'testHooks']);
/**
 * The addon's functions that take an element count as a plain number get no tensor handles as
 * arguments: a handle is a number of 2^24 and more, a valid count whose tensor (randperm of a
 * billion) would take the machine's memory and minutes; they still get every value of NUMBERS.
 */
const RAW_COUNTS = new Set(['randperm', 'eye', 'arange', 'oneHot']);

function detachedArray(): Float32Array | Float64Array | Int32Array | Uint8Array {
  const makers = [() => new Float32Array(6), () => new Float64Array(6), () => new Int32Array(6), () => new Uint8Array(6)];
  const a = rng.choice(makers)();
  structuredClone(a.buffer, { transfer: [a.buffer as ArrayBuffer] });
  return a;
}

/** A tensor of random dtype and small shape (created in the case's scope). */
function smallTensor(): E.Tensor {
  const shapes = [[], [0], [1], [3], [2, 3], [1, 2, 3, 3], [2, 0, 3]];
  const shape = rng.choice(shapes);
  const size = shape.reduce((a, b) => a * b, 1);
  const data = Float32Array.from({ length: size }, () => rng.choice([0, 1, -1, 2.5, NaN, Infinity, 7]));
  const t = E.tensor(data, shape);
  const dtype = rng.choice(E.DTYPES);
  return dtype === 'float32' ? t : t.to(dtype);
}

function shapeLike(): number[] {
  const length = rng.int(5);
  return Array.from({ length }, () => (rng.bernoulli(0.7) ? rng.int(5) : rng.choice(NUMBERS)));
}

/**
 * A shape for an allocation: small sizes, or sizes that make the element count unallocatable
 * (an entry of 2^40 and more, or 2^32 twice: 2^64, which wraps to 0 in unchecked 64-bit
 * arithmetic), or entries that are no sizes (negative, fractional, NaN). Never a count between
 * those, which would be allocated and filled on a shared machine.
 */
function sizes(): number[] {
  const small = Array.from({ length: rng.int(4) }, () => rng.int(5));
  switch (rng.int(5)) {
    case 0: case 1: return small;
    case 2: return rng.shuffle([...small, rng.choice([2 ** 40, 2 ** 53, 2 ** 62, 1e300])].map((v) => (v === 0 ? 1 : v)));
    case 3: return rng.shuffle([...small.map((v) => (rng.bernoulli(0.5) ? 0 : v)), 2 ** 32, 2 ** 32]);
    default: return rng.shuffle([...small, rng.choice([-1, -(2 ** 40), 2.5, NaN, Infinity])]);
  }
}

/**
 * The argument kinds of some of the addon's functions (binding.ts, NativeEngine): t a tensor handle,
 * o a handle or null, l a list of handles, s a shape, n a number, d a dtype code, b a boolean,
 * g a generator (or null, or a foreign object), a a typed array. Calls made from these are typed
 * as binding.ts makes them, with bad values inside: they reach the checks deep in the addon that a
 * wrong argument count or kind stops early.
 */
const SIGNATURES: Record<string, string> = {
  fromArray: 'a s', zeros: 's d', ones: 's d', full: 's n d', randn: 's g d', rand: 's g d', randint: 'n n s g', randperm: 'n g',
  arange: 'n n n d', eye: 'n d', oneHot: 't n', toArray: 't', item: 't', reshape: 't s', view: 't s', permute: 't s', expand: 't s',
  pad: 't s n', narrow: 't n n n', select: 't n n', transpose: 't n n', flatten: 't n n', squeeze: 't n', unsqueeze: 't n', topk: 't n n',
  cat: 'l n', stack: 'l n', reduce: 'n t s b', extreme: 'n t n b', conv2d: 't t o s s s n', maxPool2d: 't s s s', avgPool2d: 't s s s b',
  adaptiveAvgPool2d: 't s', dropout: 't n b g', gumbelSoftmax: 't n b n g', uniformInPlace: 't n n g', normalInPlace: 't n n g',
  sgdStep: 't t o n n n n b b', adamStep: 't t t t n n n n n b n', inplace: 'n t o o n', binary: 'n t t n', binaryScalar: 'n t n n',
  unary: 'n t', toDtype: 't d', linear: 't t o', matmul: 't t', crossEntropy: 't t n n', embedding: 't t', indexSelect: 't n t', gather: 't n t',
  lstmCell: 't t t t t o o', batchNorm: 't o o o o b n n', logsumexp: 't n b', norm: 't n', softmax: 't n', maskedFill: 't t n', where: 't t t',
};

function typedArg(kind: string): unknown {
  const handle = () => { const t = smallTensor(); if (rng.bernoulli(0.1)) t.dispose(); return t.nativeHandle; };
  switch (kind) {
    case 't': return handle();
    case 'o': return rng.bernoulli(0.3) ? null : handle();
    case 'l': return Array.from({ length: rng.int(4) }, handle);
    case 's': return sizes();
    case 'n': return rng.bernoulli(0.6) ? rng.int(4) - 1 : rng.choice(NUMBERS);
    case 'd': return rng.choice([0, 1, 2, 3, 4, 5, 6, -1, 2.5, NaN]);
    case 'b': return rng.bernoulli(0.9) ? rng.bernoulli(0.5) : rng.choice([0, 1, null]);
    case 'g': return rng.choice([() => null, () => n.newGenerator(3), () => n.testHooks.foreignExternal(), () => ({})])();
    default: return rng.choice([detachedArray, () => new Float32Array(rng.int(7)), () => new Float64Array(0), () => new Int32Array(6), () => new Uint8Array(rng.int(7))])();
  }
}

/** A random argument; tensors are made in the current scope. */
function value(depth = 0): unknown {
  switch (rng.int(depth > 0 ? 9 : 12)) {
    case 0: case 1: case 2: return smallTensor();
    case 3: case 4: return rng.choice(NUMBERS);
    case 5: return shapeLike();
    case 6: return rng.choice(DTYPE_NAMES);
    case 7: return rng.choice([null, undefined, true, false, {}, 'abc', Symbol('s'), 10n]);
    case 8: {
      const t = smallTensor();
      t.dispose();
      return t; // a disposed tensor
    }
    case 9: return rng.choice([detachedArray, () => new Float32Array(rng.int(7)), () => new Int32Array(rng.int(7)), () => new Uint8Array(rng.int(7)), () => new BigInt64Array(2)])();
    case 10: return rng.choice([() => new E.Generator(1), () => n.newGenerator(2), () => n.testHooks.foreignExternal(), () => ({ nativeGenerator: {} })])();
    default: return Array.from({ length: rng.int(4) }, () => value(depth + 1));
  }
}

/** A value for the addon's own functions: handles (live, stale, garbage) as well as the rest. */
function rawValue(): unknown {
  if (rng.bernoulli(0.4)) {
    const t = smallTensor();
    if (rng.bernoulli(0.2)) t.dispose();
    return t.nativeHandle;
  }
  return value();
}

const functions = Object.entries(E).filter(([name, f]) => typeof f === 'function' && !SKIP.has(name)) as [string, (...args: unknown[]) => unknown][];
const rawFunctions = Object.entries(n).filter(([name, f]) => typeof f === 'function' && !RAW_SKIP.has(name)) as [string, (...args: unknown[]) => unknown][];
// Not 'release': it hands a tensor's ownership to the caller by design (the leak check would count it).
const tensorMethods = Object.getOwnPropertyNames(E.Tensor.prototype).filter((name) => name !== 'constructor' && name !== 'release' && typeof Object.getOwnPropertyDescriptor(E.Tensor.prototype, name)?.value === 'function');

const tally: Record<string, number> = {};
const bad: { call: string; error: string; message: string }[] = [];
const leaks: string[] = [];
const count = (key: string) => { tally[key] = (tally[key] ?? 0) + 1; };
const trace = process.env.NASKIT_FUZZ_TRACE === '1'; // prints each call before it runs (to find a hang)
const show = (a: unknown): string => (a instanceof E.Tensor ? `Tensor(${a.isDisposed ? 'disposed' : `${a.dtype} [${a.shape}]`})` : ArrayBuffer.isView(a) ? `${a.constructor.name}(${(a as Uint8Array).length})` : typeof a === 'symbol' || typeof a === 'bigint' ? String(a) : Array.isArray(a) ? `[${a.map(show).join(', ')}]` : JSON.stringify(a) ?? String(a));

function classify(call: string, error: unknown): void {
  if (error instanceof NaskitError && typeof error.code === 'string' && error.code !== '') {
    if (trace) console.error('  ->', error.constructor.name, error.code, error.message.slice(0, 200));
    return count(`${error.constructor.name} ${error.code}`);
  }
  if (error instanceof TypeError || error instanceof RangeError) {
    if (trace) console.error('  ->', error.constructor.name, error.message.slice(0, 200));
    return count(error.constructor.name);
  }
  const e = error as Error;
  count(`other ${e?.constructor?.name}`);
  if (bad.length < 20) bad.push({ call, error: String(e?.constructor?.name), message: String(e?.message ?? e).slice(0, 300) });
}

/** Frees whatever handles a raw call returned (not tracked by any scope). */
function release(result: unknown): void {
  if (typeof result === 'number') n.dispose(result as never);
  else if (Array.isArray(result)) for (const r of result) if (typeof r === 'number') n.dispose(r as never);
}

for (let k = 0; k < cases; k++) {
  const live = E.memory().tensors;
  let last = '';
  E.scope(() => {
    const kind = rng.int(4);
    let call = 'making the arguments';
    try {
      const args = Array.from({ length: rng.int(6) }, () => (kind === 1 ? rawValue() : value()));
      if (kind === 0) {
        const [name, f] = rng.choice(functions);
        call = `E.${name}`;
        if (trace) console.error(k, call, args.map(show).join(', '));
        const isClass = /^class\b/.test(Function.prototype.toString.call(f));
        if (isClass) {
          const made = Reflect.construct(f, args) as { dispose?: () => void };
          if (typeof made?.dispose === 'function') made.dispose();
        } else Reflect.apply(f, undefined, args);
      } else if (kind === 1) {
        const [name, f] = rng.choice(rawFunctions);
        if (RAW_COUNTS.has(name)) args.forEach((_, i) => (args[i] = value()));
        call = `engine().${name}`;
        if (trace) console.error(k, call, args.map(show).join(', '));
        release(Reflect.apply(f, undefined, args));
      } else if (kind === 3) {
        const name = rng.choice(Object.keys(SIGNATURES));
        const typed = SIGNATURES[name].split(' ').map(typedArg);
        call = `engine().${name} (typed)`;
        if (trace) console.error(k, call, typed.map(show).join(', '));
        release(Reflect.apply((n as unknown as Record<string, (...a: unknown[]) => unknown>)[name], undefined, typed));
      } else {
        const name = rng.choice(tensorMethods);
        call = `Tensor.${name}`;
        const t = smallTensor();
        if (trace) console.error(k, call, show(t), args.map(show).join(', '));
        Reflect.apply((t as unknown as Record<string, (...a: unknown[]) => unknown>)[name], t, args);
      }
      count('ok');
    } catch (error) {
      classify(call, error);
    }
    last = call;
  });
  // Every tensor the case made was freed with its scope, or by release() (raw handles).
  if (E.memory().tensors !== live && leaks.length < 20) leaks.push(`case ${k}: ${last} left ${E.memory().tensors - live} tensors`);
}

console.log(JSON.stringify({ cases, fast: n.fastCalls, tally, bad, leaks, tensors: E.memory().tensors }));
