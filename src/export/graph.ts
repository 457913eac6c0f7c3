import { NaskitError } from '../errors.js';
import type { Tensor } from '../engine/tensor.js';
import type { OnnxAttribute, OnnxInitializer, OnnxNode } from './onnx-proto.js';

/** A dimension: a fixed size, or the batch (`'N'`, left open in the exported model). */
export type Dim = number | 'N';

/** A value flowing through the graph being built: its name and its shape. */
export interface Value {
  readonly name: string;
  readonly shape: readonly Dim[];
}

/** Attribute helpers (ONNX attributes are typed). */
export const attr = {
  int: (v: number): OnnxAttribute => ({ int: v }),
  ints: (v: readonly number[]): OnnxAttribute => ({ ints: v }),
  float: (v: number): OnnxAttribute => ({ float: v }),
};

/** An exported module that the exporter cannot turn into ONNX (unknown type, unsupported setting). */
export class ExportError extends NaskitError {}

/**
 * Collects the nodes and initializers of one ONNX graph. Names are unique: a node's output is named
 * after the module path that made it, weights after their state-dict key, so the exported graph
 * reads like the model (`cells.3.layers.1.op.1.weight`).
 */
export class GraphBuilder {
  readonly nodes: OnnxNode[] = [];
  readonly initializers: OnnxInitializer[] = [];
  readonly #names = new Set<string>();

  /** A fresh name based on `hint`. */
  unique(hint: string): string {
    const base = hint.replace(/[^A-Za-z0-9_.:/-]/g, '_') || 'v';
    let name = base;
    for (let i = 1; this.#names.has(name); i++) name = `${base}_${i}`;
    this.#names.add(name);
    return name;
  }

  /** Adds a node with one output of the given shape and returns that output. */
  node(op: string, inputs: readonly string[], shape: readonly Dim[], hint: string, attributes: Record<string, OnnxAttribute> = {}): Value {
    const output = this.unique(`${hint}/${op}`);
    this.nodes.push({ name: output, op, inputs, outputs: [output], attributes });
    return { name: output, shape };
  }

  /** An engine tensor (a weight or buffer) as a float32 initializer named `name`. */
  weight(name: string, t: Tensor): string {
    const data = t.toFloat32Array();
    return this.floats(name, data, t.shape);
  }

  /** A float32 constant. */
  floats(hint: string, data: Float32Array, dims: readonly number[]): string {
    const name = this.unique(hint);
    this.initializers.push({ name, dims: [...dims], data });
    return name;
  }

  /** An int64 constant (shapes, axes, pads). */
  int64s(hint: string, values: readonly number[]): string {
    const name = this.unique(hint);
    this.initializers.push({ name, dims: [values.length], data: BigInt64Array.from(values, (v) => BigInt(v)) });
    return name;
  }
}

/** Output size of a convolution or pooling window along one spatial axis (floor mode). */
export function windowOutput(size: Dim, kernel: number, stride: number, padding: number, dilation = 1): Dim {
  if (size === 'N') return 'N';
  return Math.floor((size + 2 * padding - dilation * (kernel - 1) - 1) / stride) + 1;
}

/** The [N, C, H, W] of a value, or an `ExportError` naming the module when it is not 4-d. */
export function nchw(value: Value, where: string): [Dim, number, number, number] {
  const [n, c, h, w] = value.shape;
  if (value.shape.length !== 4 || typeof c !== 'number' || typeof h !== 'number' || typeof w !== 'number') {
    throw new ExportError('EXPORT_SHAPE', `${where}: expects an [N, C, H, W] input, got [${value.shape.join(', ')}]`);
  }
  return [n, c, h, w];
}
