import { SampleError } from '../errors.js';
import { Categorical } from './choice.js';
import type { GraphOutput, InputChoiceNode, ModelNode, ModuleType, ValueChoiceNode } from './primitives.js';
import { ProductSpace } from './product-space.js';
import type { Leaf, Sample, Value } from './types.js';

/** A resolved module: its type and fixed arguments. */
export interface ArchModule {
  readonly kind: 'module';
  readonly type: ModuleType;
  readonly args: Readonly<Record<string, Value>>;
}

/** A resolved sequence. */
export interface ArchSequential {
  readonly kind: 'sequential';
  readonly children: readonly ArchNode[];
}

/** A resolved DAG: vertex k (1-based) is `op(sum over edges of edge.op(vertex edge.from))`; null ops are identities. */
export interface ArchDag {
  readonly kind: 'dag';
  readonly vertices: readonly { readonly edges: readonly { readonly from: number; readonly op: ArchNode | null }[]; readonly op: ArchNode | null }[];
  readonly output: GraphOutput;
}

/** The network a sample of a model space describes: the tree with every choice made (plain JSON). */
export type ArchNode = ArchModule | ArchSequential | ArchDag;

/** What a model space is as data: enough to rebuild it anywhere (a worker thread gets this). */
export interface ModelSpaceDefinition {
  readonly name: string;
  readonly description: string;
  readonly root: ModelNode;
}

const join = (path: string, segment: string | number): string => (path ? `${path}.${segment}` : String(segment));

/** Every `size`-subset of `items`, in lexicographic order. */
function subsets(items: readonly number[], size: number): number[][] {
  const out: number[][] = [];
  const walk = (start: number, acc: number[]): void => {
    if (acc.length === size) {
      out.push([...acc]);
      return;
    }
    for (let i = start; i < items.length; i++) walk(i + 1, [...acc, items[i]]);
  };
  walk(0, []);
  return out;
}

/** The value of an input-choice leaf: a vertex number when one is chosen, else "i,j" (sorted). */
const subsetValue = (subset: readonly number[]): Value => (subset.length === 1 ? subset[0] : subset.join(','));
const subsetOf = (value: Value): number[] => (typeof value === 'number' ? [value] : String(value).split(',').map(Number));

/**
 * A search space written with the choice primitives (`space/primitives.ts`), NNI-style. Its leaves
 * are exactly its choices, one per primitive (a value choice, layer choice, repeat, input choice;
 * a cell gives one op choice per edge and one input choice per node that has alternatives), labelled
 * explicitly or by their path. A label used twice with the same options is one shared choice. Choices
 * inside an unchosen candidate or a block beyond the chosen depth are still leaves (inactive);
 * `isoKey` forgets them, since it is the resolved network. The text form is the sample as JSON.
 * `resolve(sample)` gives the network as data; the engine builds it (`engine/models/model-space.ts`).
 */
export class ModelSpace extends ProductSpace {
  readonly name: string;
  readonly description: string;
  readonly root: ModelNode;

  constructor(name: string, root: ModelNode, options: { description?: string } = {}) {
    const leaves = new Map<string, Leaf>();
    collect(root, '', leaves);
    if (leaves.size === 0) throw new RangeError(`ModelSpace ${name}: the model has no choices; a space needs at least one`);
    super([...leaves.values()]);
    this.name = name;
    this.root = root;
    this.description = options.description ?? `model space ${name}: ${leaves.size} choices`;
  }

  /** The space as data (for a worker thread or a file); `ModelSpace.fromDefinition` rebuilds it. */
  definition(): ModelSpaceDefinition {
    return { name: this.name, description: this.description, root: this.root };
  }

  /** The model space a {@link ModelSpace.definition} describes (e.g. after it crossed a thread boundary). */
  static fromDefinition(def: ModelSpaceDefinition): ModelSpace {
    return new ModelSpace(def.name, def.root, { description: def.description });
  }

  size(): number {
    return this.leaves().reduce((n, leaf) => n * leaf.grid().length, 1);
  }

  /** The network `sample` describes, every choice made (validates the sample first). */
  resolve(sample: Sample): ArchNode {
    const frozen = this.freeze(sample);
    return resolveNode(this.root, '', frozen);
  }

  override isoKey(sample: Sample): string {
    return JSON.stringify(this.resolve(sample));
  }

  format(sample: Sample): string {
    return JSON.stringify(this.canonical(sample));
  }

  parse(text: string): Sample {
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch {
      throw new SampleError('SAMPLE_BAD_STRING', `${this.name}: ${JSON.stringify(text)} is not JSON; an architecture of a model space is the sample as JSON, {"label": value, ...} with labels ${this.leaves().map((l) => l.label).join(', ')}`);
    }
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new SampleError('SAMPLE_BAD_STRING', `${this.name}: an architecture must be a JSON object keyed by choice label`);
    return this.freeze(raw as Record<string, unknown>);
  }
}

/** Adds a leaf, or checks that a leaf of the same label has the same options (a shared choice). */
function addLeaf(leaves: Map<string, Leaf>, label: string, options: readonly Value[]): void {
  const existing = leaves.get(label) as Categorical | undefined;
  if (existing) {
    if (JSON.stringify(existing.options) !== JSON.stringify(options)) {
      throw new RangeError(`model space: the label ${label} names two choices with different options (${JSON.stringify(existing.options)} and ${JSON.stringify(options)}); give one of them another label`);
    }
    return;
  }
  leaves.set(label, new Categorical<Value>(label, options));
}

const valueLabel = (choice: ValueChoiceNode, path: string, arg: string): string => choice.label ?? join(path, arg);

/** Inputs of cell node i: every earlier vertex, or `k` of them (and whether that is a choice). */
function cellInputs(inputs: number | 'all', i: number): { size: number; options: number[][] } {
  const earlier = Array.from({ length: i }, (_, j) => j);
  if (inputs === 'all') return { size: i, options: [earlier] };
  const size = Math.min(inputs, i);
  return { size, options: subsets(earlier, size) };
}

function collect(node: ModelNode, path: string, leaves: Map<string, Leaf>): void {
  switch (node.kind) {
    case 'module':
      for (const [arg, value] of Object.entries(node.args)) {
        if (typeof value === 'object' && value !== null) addLeaf(leaves, valueLabel(value, path, arg), value.values);
      }
      return;
    case 'sequential':
      for (const [name, child] of node.children) collect(child, join(path, name), leaves);
      return;
    case 'layer_choice':
      addLeaf(leaves, node.label ?? (path || 'choice'), node.candidates.map(([name]) => name));
      for (const [name, child] of node.candidates) collect(child, join(path, name), leaves);
      return;
    case 'repeat':
      addLeaf(leaves, node.label ?? join(path, 'depth'), node.depths);
      node.blocks.forEach((block, i) => collect(block, join(path, i), leaves));
      return;
    case 'graph':
      for (const vertex of node.vertices) {
        if (!Array.isArray(vertex.inputs)) {
          const choice = vertex.inputs as InputChoiceNode;
          addLeaf(leaves, choice.label ?? join(join(path, vertex.name), 'inputs'), subsets(choice.candidates, choice.chosen).map(subsetValue));
        }
        collect(vertex.op, join(path, vertex.name), leaves);
      }
      return;
    case 'cell': {
      const base = node.label ?? (path || 'cell');
      for (let i = 1; i <= node.nodes; i++) {
        const { size, options } = cellInputs(node.inputs, i);
        const at = join(base, `node_${i}`);
        if (options.length > 1) addLeaf(leaves, join(at, 'inputs'), options.map(subsetValue));
        for (let s = 0; s < size; s++) {
          addLeaf(leaves, join(at, `op_${s}`), node.ops.map(([name]) => name));
          for (const [name, op] of node.ops) collect(op, join(join(at, `op_${s}`), name), leaves);
        }
      }
      return;
    }
  }
}

function resolveNode(node: ModelNode, path: string, sample: Sample): ArchNode {
  switch (node.kind) {
    case 'module': {
      const args: Record<string, Value> = {};
      for (const [arg, value] of Object.entries(node.args)) args[arg] = typeof value === 'object' && value !== null ? sample[valueLabel(value, path, arg)] : value;
      return { kind: 'module', type: node.type, args };
    }
    case 'sequential':
      return { kind: 'sequential', children: node.children.map(([name, child]) => resolveNode(child, join(path, name), sample)) };
    case 'layer_choice': {
      const chosen = sample[node.label ?? (path || 'choice')] as string;
      const entry = node.candidates.find(([name]) => name === chosen)!;
      return resolveNode(entry[1], join(path, chosen), sample);
    }
    case 'repeat': {
      const depth = sample[node.label ?? join(path, 'depth')] as number;
      return { kind: 'sequential', children: node.blocks.slice(0, depth).map((block, i) => resolveNode(block, join(path, i), sample)) };
    }
    case 'graph':
      return {
        kind: 'dag',
        output: node.output,
        vertices: node.vertices.map((vertex) => {
          const inputs = Array.isArray(vertex.inputs)
            ? (vertex.inputs as readonly number[])
            : subsetOf(sample[(vertex.inputs as InputChoiceNode).label ?? join(join(path, vertex.name), 'inputs')]);
          return { edges: inputs.map((from) => ({ from, op: null })), op: resolveNode(vertex.op, join(path, vertex.name), sample) };
        }),
      };
    case 'cell': {
      const base = node.label ?? (path || 'cell');
      const vertices: ArchDag['vertices'][number][] = [];
      for (let i = 1; i <= node.nodes; i++) {
        const { size, options } = cellInputs(node.inputs, i);
        const at = join(base, `node_${i}`);
        const inputs = options.length > 1 ? subsetOf(sample[join(at, 'inputs')]) : options[0];
        const edges = inputs.slice(0, size).map((from, s) => {
          const name = sample[join(at, `op_${s}`)] as string;
          const op = node.ops.find(([n]) => n === name)![1];
          return { from, op: resolveNode(op, join(join(at, `op_${s}`), name), sample) };
        });
        vertices.push({ edges, op: null });
      }
      return { kind: 'dag', vertices, output: node.output };
    }
  }
}
