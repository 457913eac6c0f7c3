/**
 * The choice primitives of a model space (NNI's model-space primitives, as plain data): a model
 * space is a tree of these nodes. Nothing here knows the engine; `engine/models/model-space.ts`
 * builds the network of a resolved tree. Every node is JSON, so a space travels to a worker thread
 * as it is. Labels are explicit, or derived from the node's path in the tree (`body.0.op`).
 * @module
 */
import type { Value } from './types.js';

/** The module types a model space can name (the engine builds each one; see docs/spaces.md). */
export const MODULE_TYPES = ['conv', 'sep_conv', 'mbconv', 'max_pool', 'avg_pool', 'identity', 'zero', 'dropout'] as const;
/** One of {@link MODULE_TYPES}. */
export type ModuleType = (typeof MODULE_TYPES)[number];

/** A number (or other value) chosen from a list: a width, a kernel size, an expansion ratio. */
export interface ValueChoiceNode {
  readonly kind: 'value_choice';
  readonly label?: string;
  readonly values: readonly Value[];
}

/** A module argument: fixed, or a value choice. */
export type Arg = Value | ValueChoiceNode;

/** One module of `MODULE_TYPES` with its arguments (`out` channels, `kernel`, `stride`, `expansion`, `p`). */
export interface ModuleNode {
  readonly kind: 'module';
  readonly type: ModuleType;
  readonly args: Readonly<Record<string, Arg>>;
}

/** Children applied in order; their names are path segments of the labels below them. */
export interface SequentialNode {
  readonly kind: 'sequential';
  readonly children: readonly (readonly [string, ModelNode])[];
}

/** One of several modules (NNI's LayerChoice); candidates are named. */
export interface LayerChoiceNode {
  readonly kind: 'layer_choice';
  readonly label?: string;
  readonly candidates: readonly (readonly [string, ModelNode])[];
}

/** The first `depth` of `blocks` in sequence, the depth chosen (NNI's Repeat). */
export interface RepeatNode {
  readonly kind: 'repeat';
  readonly label?: string;
  readonly depths: readonly number[];
  /** One block per position up to the largest depth (each with choices of its own). */
  readonly blocks: readonly ModelNode[];
}

/** `chosen` of the `candidates` (earlier vertices of a graph: 0 is the graph's input), summed (NNI's InputChoice). */
export interface InputChoiceNode {
  readonly kind: 'input_choice';
  readonly label?: string;
  readonly candidates: readonly number[];
  readonly chosen: number;
}

/** A vertex of a graph: the sum of its inputs (fixed vertex numbers or an input choice), then `op`. */
export interface GraphVertex {
  readonly name: string;
  readonly inputs: readonly number[] | InputChoiceNode;
  readonly op: ModelNode;
}

/** How a graph or cell forms its output from its vertices 1…n. */
export type GraphOutput = 'last' | 'sum' | 'concat';

/** A DAG of vertices numbered 1…n after its input 0; every vertex keeps the input's channels. */
export interface GraphNode {
  readonly kind: 'graph';
  readonly vertices: readonly GraphVertex[];
  readonly output: GraphOutput;
}

/**
 * A cell (NNI's Cell, DARTS / NAS-Bench-201 style): `nodes` vertices after the input 0; vertex i takes
 * every earlier vertex (`inputs: 'all'`, an op chosen per edge, NB201) or `inputs` of them (an input
 * choice, an op chosen per chosen input, DARTS), and sums the op outputs.
 */
export interface CellNode {
  readonly kind: 'cell';
  readonly label?: string;
  readonly nodes: number;
  readonly inputs: number | 'all';
  readonly ops: readonly (readonly [string, ModelNode])[];
  readonly output: GraphOutput;
}

/** Any node of a model space. */
export type ModelNode = ModuleNode | SequentialNode | LayerChoiceNode | RepeatNode | GraphNode | CellNode;

const entries = (record: Readonly<Record<string, ModelNode>>): (readonly [string, ModelNode])[] => Object.entries(record);

/** A module of type `type` with arguments (each fixed or a {@link valueChoice}). */
export function module(type: ModuleType, args: Readonly<Record<string, Arg>> = {}): ModuleNode {
  if (!(MODULE_TYPES as readonly string[]).includes(type)) throw new TypeError(`module: unknown type ${JSON.stringify(type)}; valid: ${MODULE_TYPES.join(', ')}`);
  return { kind: 'module', type, args: { ...args } };
}

/** Conv k×k → BN → ReLU; `out` channels default to the input's. */
export const conv = (args: { out?: Arg; kernel?: Arg; stride?: Arg; dilation?: Arg } = {}): ModuleNode => module('conv', args as Record<string, Arg>);
/** ReLU → depthwise k×k → pointwise → BN. */
export const sepConv = (args: { out?: Arg; kernel?: Arg; stride?: Arg } = {}): ModuleNode => module('sep_conv', args as Record<string, Arg>);
/** An inverted-residual block (MobileNetV2 / ProxylessNAS). */
export const mbconv = (args: { out?: Arg; kernel?: Arg; expansion?: Arg; stride?: Arg } = {}): ModuleNode => module('mbconv', args as Record<string, Arg>);
/** k×k max pooling (same padding). */
export const maxPool = (args: { kernel?: Arg; stride?: Arg } = {}): ModuleNode => module('max_pool', args as Record<string, Arg>);
/** k×k average pooling over real pixels (same padding). */
export const avgPool = (args: { kernel?: Arg; stride?: Arg } = {}): ModuleNode => module('avg_pool', args as Record<string, Arg>);
/** The identity. */
export const identity = (): ModuleNode => module('identity');
/** Zeros (the `none` of cell spaces). */
export const zero = (): ModuleNode => module('zero');
/** Dropout with probability `p`. */
export const dropout = (p: Arg): ModuleNode => module('dropout', { p });

/** Named children in sequence (object key order). */
export function sequential(children: Readonly<Record<string, ModelNode>>): SequentialNode {
  return { kind: 'sequential', children: entries(children) };
}

/** A value from `values`. */
export function valueChoice(values: readonly Value[], options: { label?: string } = {}): ValueChoiceNode {
  if (values.length === 0) throw new RangeError('valueChoice: needs at least one value');
  return { kind: 'value_choice', values: [...values], ...(options.label ? { label: options.label } : {}) };
}

/** One of the named candidates. */
export function layerChoice(candidates: Readonly<Record<string, ModelNode>>, options: { label?: string } = {}): LayerChoiceNode {
  if (Object.keys(candidates).length === 0) throw new RangeError('layerChoice: needs at least one candidate');
  return { kind: 'layer_choice', candidates: entries(candidates), ...(options.label ? { label: options.label } : {}) };
}

/** `block(i)` for i = 0 … depth−1, the depth chosen from `depths`. */
export function repeat(block: (index: number) => ModelNode, depths: readonly number[], options: { label?: string } = {}): RepeatNode {
  if (depths.length === 0 || depths.some((d) => !Number.isInteger(d) || d < 0)) throw new RangeError(`repeat: depths must be non-negative integers, got ${JSON.stringify(depths)}`);
  const max = Math.max(...depths);
  return { kind: 'repeat', depths: [...depths], blocks: Array.from({ length: max }, (_, i) => block(i)), ...(options.label ? { label: options.label } : {}) };
}

/** `chosen` of the graph vertices `candidates` (0 = the graph's input). */
export function inputChoice(candidates: readonly number[], chosen = 1, options: { label?: string } = {}): InputChoiceNode {
  if (!Number.isInteger(chosen) || chosen < 1 || chosen > candidates.length) throw new RangeError(`inputChoice: chosen must be 1 to ${candidates.length}, got ${chosen}`);
  return { kind: 'input_choice', candidates: [...candidates], chosen, ...(options.label ? { label: options.label } : {}) };
}

/** A DAG: vertex k (1-based) sums `inputs` (earlier vertex numbers, or an {@link inputChoice}) and applies `op`. */
export function graph(vertices: readonly GraphVertex[], output: GraphOutput = 'last'): GraphNode {
  vertices.forEach((v, k) => {
    const inputs = Array.isArray(v.inputs) ? (v.inputs as readonly number[]) : (v.inputs as InputChoiceNode).candidates;
    if (inputs.length === 0 || inputs.some((i) => !Number.isInteger(i) || i < 0 || i > k)) {
      throw new RangeError(`graph: vertex ${k + 1} (${v.name}) may take inputs 0 to ${k} only, got ${JSON.stringify(inputs)}`);
    }
  });
  return { kind: 'graph', vertices: vertices.map((v) => ({ ...v })), output };
}

/** A cell of `nodes` vertices whose edges choose among `ops` (see {@link CellNode}). */
export function cell(options: { nodes: number; ops: Readonly<Record<string, ModelNode>>; inputs?: number | 'all'; output?: GraphOutput; label?: string }): CellNode {
  const inputs = options.inputs ?? 'all';
  if (!Number.isInteger(options.nodes) || options.nodes < 1) throw new RangeError(`cell: nodes must be a positive integer, got ${options.nodes}`);
  if (inputs !== 'all' && (!Number.isInteger(inputs) || inputs < 1)) throw new RangeError(`cell: inputs must be 'all' or a positive integer, got ${JSON.stringify(inputs)}`);
  if (Object.keys(options.ops).length === 0) throw new RangeError('cell: needs at least one op');
  return { kind: 'cell', nodes: options.nodes, inputs, ops: entries(options.ops), output: options.output ?? 'last', ...(options.label ? { label: options.label } : {}) };
}
