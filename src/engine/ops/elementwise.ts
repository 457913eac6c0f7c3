import { engine } from '../binding.js';
import { dtypeCode, type DType } from '../dtype.js';
import { Tensor } from '../tensor.js';
import { broadcastShape, checkBroadcast, finite, handle } from './check.js';

// Codes of native/src/elementwise.cc.
const BINARY = { add: 0, sub: 1, mul: 2, div: 3, pow: 4, maximum: 5, minimum: 6, eq: 7, gt: 8, lt: 9, ge: 10, le: 11 } as const;
const UNARY = {
  neg: 0, exp: 1, log: 2, sqrt: 3, abs: 4, tanh: 5, sigmoid: 6, relu: 7, square: 8, rsqrt: 9,
  sin: 10, cos: 11, sign: 12, reciprocal: 13, floor: 14, log1p: 15, silu: 16, gelu: 17,
} as const;

// The ops pass their code as well as their name: a lookup by name here would see every op's name
// and turn megamorphic in a real program (measured with callgrind: about 60 instructions per small op).
function binary(code: number, op: keyof typeof BINARY, a: Tensor, b: Tensor | number, alpha = 1): Tensor {
  const ha = handle(a, op, 'a');
  if (typeof b === 'number') return new Tensor(engine().binaryScalar(code, ha, finiteOrSpecial(b, op), alpha));
  const hb = handle(b, op, 'b');
  checkBroadcast(a.shape, b.shape, op);
  return new Tensor(engine().binary(code, ha, hb, alpha));
}

// Scalars may be ±Infinity (masks, clamps) but never NaN.
function finiteOrSpecial(value: number, op: string): number {
  if (Number.isNaN(value)) throw new RangeError(`${op}: the scalar operand is NaN`);
  return value;
}

function unary(code: number, op: keyof typeof UNARY, a: Tensor): Tensor {
  return new Tensor(engine().unary(code, handle(a, op, 'a')));
}

/** a + alpha * b (broadcasting). */
export const add = (a: Tensor, b: Tensor | number, alpha = 1): Tensor => binary(BINARY.add, 'add', a, b, alpha);
/** a - alpha * b. */
export const sub = (a: Tensor, b: Tensor | number, alpha = 1): Tensor => binary(BINARY.sub, 'sub', a, b, alpha);
export const mul = (a: Tensor, b: Tensor | number): Tensor => binary(BINARY.mul, 'mul', a, b);
export const div = (a: Tensor, b: Tensor | number): Tensor => binary(BINARY.div, 'div', a, b);
export const pow = (a: Tensor, exponent: Tensor | number): Tensor => binary(BINARY.pow, 'pow', a, exponent);
/** Elementwise maximum (with a number: clamp from below). */
export const maximum = (a: Tensor, b: Tensor | number): Tensor => binary(BINARY.maximum, 'maximum', a, b);
/** Elementwise minimum (with a number: clamp from above). */
export const minimum = (a: Tensor, b: Tensor | number): Tensor => binary(BINARY.minimum, 'minimum', a, b);
/** Comparisons give bool tensors. */
export const eq = (a: Tensor, b: Tensor | number): Tensor => binary(BINARY.eq, 'eq', a, b);
export const gt = (a: Tensor, b: Tensor | number): Tensor => binary(BINARY.gt, 'gt', a, b);
export const lt = (a: Tensor, b: Tensor | number): Tensor => binary(BINARY.lt, 'lt', a, b);
export const ge = (a: Tensor, b: Tensor | number): Tensor => binary(BINARY.ge, 'ge', a, b);
export const le = (a: Tensor, b: Tensor | number): Tensor => binary(BINARY.le, 'le', a, b);

export const neg = (a: Tensor): Tensor => unary(UNARY.neg, 'neg', a);
export const exp = (a: Tensor): Tensor => unary(UNARY.exp, 'exp', a);
export const log = (a: Tensor): Tensor => unary(UNARY.log, 'log', a);
export const sqrt = (a: Tensor): Tensor => unary(UNARY.sqrt, 'sqrt', a);
export const abs = (a: Tensor): Tensor => unary(UNARY.abs, 'abs', a);
export const tanh = (a: Tensor): Tensor => unary(UNARY.tanh, 'tanh', a);
export const sigmoid = (a: Tensor): Tensor => unary(UNARY.sigmoid, 'sigmoid', a);
export const relu = (a: Tensor): Tensor => unary(UNARY.relu, 'relu', a);
export const square = (a: Tensor): Tensor => unary(UNARY.square, 'square', a);
export const rsqrt = (a: Tensor): Tensor => unary(UNARY.rsqrt, 'rsqrt', a);
export const sin = (a: Tensor): Tensor => unary(UNARY.sin, 'sin', a);
export const cos = (a: Tensor): Tensor => unary(UNARY.cos, 'cos', a);
export const sign = (a: Tensor): Tensor => unary(UNARY.sign, 'sign', a);
export const reciprocal = (a: Tensor): Tensor => unary(UNARY.reciprocal, 'reciprocal', a);
export const floor = (a: Tensor): Tensor => unary(UNARY.floor, 'floor', a);
export const log1p = (a: Tensor): Tensor => unary(UNARY.log1p, 'log1p', a);
export const silu = (a: Tensor): Tensor => unary(UNARY.silu, 'silu', a);
export const gelu = (a: Tensor): Tensor => unary(UNARY.gelu, 'gelu', a);

/** Clamps into [min, max]; null leaves that side open. */
export function clamp(a: Tensor, min: number | null, max: number | null): Tensor {
  if (min !== null) finite(min, 'clamp', 'min');
  if (max !== null) finite(max, 'clamp', 'max');
  if (min !== null && max !== null && min > max) throw new RangeError(`clamp: min ${min} exceeds max ${max}`);
  return new Tensor(engine().clamp(handle(a, 'clamp', 'a'), min, max));
}

export function leakyRelu(a: Tensor, slope = 0.01): Tensor {
  return new Tensor(engine().leakyRelu(handle(a, 'leakyRelu', 'a'), finite(slope, 'leakyRelu', 'slope')));
}

/** Picks `a` where `condition` is true, else `b` (all broadcast). */
export function where(condition: Tensor, a: Tensor, b: Tensor): Tensor {
  const hc = handle(condition, 'where', 'condition');
  const ha = handle(a, 'where', 'a');
  const hb = handle(b, 'where', 'b');
  broadcastShape(broadcastShape(condition.shape, a.shape, 'where'), b.shape, 'where');
  return new Tensor(engine().where(hc, ha, hb));
}

/** A copy converted to `dtype`. */
export function cast(a: Tensor, dtype: DType): Tensor {
  return new Tensor(engine().toDtype(handle(a, 'to', 'a'), dtypeCode(dtype)));
}
