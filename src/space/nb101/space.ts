import { SampleError } from '../../errors.js';
import { Categorical } from '../choice.js';
import { edgeCount, hashModule, inputOutputPaths, pruneSpec, type Nb101Spec } from './graph.js';
import type { OptionSpecs } from '../options.js';
import { CellSpace } from '../cell-space.js';
import type { EncodingName, Leaf, Sample } from '../types.js';

/** The operations of an intermediate NAS-Bench-101 vertex, in the benchmark's `available_ops` order. */
export const NB101_OPS = ['conv3x3-bn-relu', 'conv1x1-bn-relu', 'maxpool3x3'] as const;
/** One operation of a NAS-Bench-101 vertex. */
export type Nb101Op = (typeof NB101_OPS)[number];

/** Vertices of a cell: input, five intermediates, output. */
export const NB101_VERTICES = 7;
/** The benchmark's edge limit. */
export const NB101_MAX_EDGES = 9;

/** Valid 7×7 upper-triangular matrices (input reaches output, ≤ 9 edges after pruning); see the space tests. */
const VALID_MATRICES = 1_538_083;

/** Options of the NB101 space: its network (the benchmark's: 128 stem channels, 3 stacks of 3 cells). */
export const NB101_OPTIONS: OptionSpecs = {
  // At least 4: a cell splits its output channels among the vertices feeding its output, at most 4
  // (each needs an edge in and one out, and a cell has at most 9 edges).
  channels: { kind: 'int', default: 128, min: 4, max: 1024, doc: 'stem channels (at least 4: one for each vertex that can feed a cell\'s output); each later stack doubles them' },
  stacks: { kind: 'int', default: 3, min: 1, max: 6, doc: 'stacks of cells, 2x2 max pooling between them' },
  cells_per_stack: { kind: 'int', default: 3, min: 1, max: 10, doc: 'cells per stack' },
};

const edgeLabel = (i: number, j: number): string => `edge_${i}_${j}`;
const opLabel = (v: number): string => `op_${v}`;
const OUTPUT = NB101_VERTICES - 1;

/** The 21 (from, to) pairs of the upper triangle, row by row. */
export const NB101_EDGES: readonly (readonly [number, number])[] = (() => {
  const out: [number, number][] = [];
  for (let i = 0; i < NB101_VERTICES; i++) for (let j = i + 1; j < NB101_VERTICES; j++) out.push([i, j]);
  return out;
})();

/** Features of the path encoding: op sequences of length 0…5 over the 3 ops (1+3+…+243). */
const PATH_FEATURES = [0, 1, 2, 3, 4, 5].reduce((acc, l) => acc + NB101_OPS.length ** l, 0);

/**
 * The NAS-Bench-101 cell space: 7 vertices (input, 5 intermediate, output), an upper-triangular
 * adjacency (labels `edge_i_j`, 0/1, i < j) and an op per intermediate vertex (`op_1 … op_5`).
 * Validity as the benchmark's API: vertices off every input→output path are pruned; the pruned
 * cell must connect input to output and have at most 9 edges (edges to pruned vertices do not count).
 * `isoKey` is the benchmark's own graph hash of the pruned cell, so it is the key of the published
 * data set (423,624 unique cells). The text form is the API's `ModelSpec` as JSON:
 * `{"matrix":[[0,1,…],…],"ops":["input",…,"output"]}`.
 */
export class Nb101Space extends CellSpace {
  readonly name = 'nb101';
  readonly description = 'NAS-Bench-101 cell: 7 vertices, <= 9 edges, 3 operations (423,624 unique)';

  constructor() {
    const leaves: Leaf[] = NB101_EDGES.map(([i, j]) => new Categorical<number>(edgeLabel(i, j), [0, 1]));
    for (let v = 1; v < OUTPUT; v++) leaves.push(new Categorical<string>(opLabel(v), NB101_OPS));
    super(leaves);
  }

  /** Valid labelled cells: valid matrices × 3^5 op assignments (ops of pruned vertices included). */
  size(): number {
    return VALID_MATRICES * NB101_OPS.length ** (NB101_VERTICES - 2);
  }

  /** The benchmark's count of unique cells (distinct hashes). */
  override uniqueSize(): number {
    return 423_624;
  }

  /** The sample as the API's `ModelSpec` (7 vertices, unpruned). */
  spec(sample: Sample): Nb101Spec {
    const matrix = Array.from({ length: NB101_VERTICES }, () => new Array<number>(NB101_VERTICES).fill(0));
    for (const [i, j] of NB101_EDGES) matrix[i][j] = sample[edgeLabel(i, j)] as number;
    const ops = ['input'];
    for (let v = 1; v < OUTPUT; v++) ops.push(sample[opLabel(v)] as string);
    ops.push('output');
    return { matrix, ops };
  }

  /** The cell after pruning vertices off every input→output path (what the benchmark stores), or null. */
  prunedSpec(sample: Sample): Nb101Spec | null {
    return pruneSpec(this.spec(sample));
  }

  protected override constraint(sample: Sample): SampleError | null {
    const pruned = this.prunedSpec(sample);
    if (pruned === null) {
      return new SampleError('SAMPLE_DISCONNECTED', 'nb101: the input does not reach the output; a valid cell has a path of edges from vertex 0 to vertex 6', 'matrix');
    }
    const edges = edgeCount(pruned.matrix);
    if (edges > NB101_MAX_EDGES) {
      return new SampleError('SAMPLE_TOO_MANY_EDGES', `nb101: the cell has ${edges} edges on input→output paths; at most ${NB101_MAX_EDGES} are allowed`, 'matrix');
    }
    return null;
  }

  /** The benchmark's hash (`hash_module`) of the pruned cell: equal for isomorphic cells. */
  override isoKey(sample: Sample): string {
    const pruned = this.prunedSpec(sample);
    if (pruned === null) throw new SampleError('SAMPLE_DISCONNECTED', 'nb101: cannot hash a cell whose input does not reach its output', 'matrix');
    const labeling = pruned.ops.map((op, v) => (v === 0 ? -1 : v === pruned.ops.length - 1 ? -2 : NB101_OPS.indexOf(op as Nb101Op)));
    return hashModule(pruned.matrix, labeling);
  }

  format(sample: Sample): string {
    const { matrix, ops } = this.spec(sample);
    return JSON.stringify({ matrix, ops });
  }

  /**
   * Reads a `ModelSpec` JSON. Cells of fewer than 7 vertices (as the data set stores pruned cells)
   * are padded with unconnected `conv3x3-bn-relu` vertices before the output.
   */
  parse(text: string): Sample {
    const form = 'a JSON object {"matrix":[[0,1,...],...],"ops":["input",...,"output"]} with an upper-triangular 0/1 matrix of 2 to 7 vertices';
    const bad = (why: string, path: string | null = null): SampleError => new SampleError('SAMPLE_BAD_STRING', `nb101: cannot parse ${JSON.stringify(text)}: ${why}; expected ${form}`, path);
    if (typeof text !== 'string') throw bad('not a string');
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch {
      throw bad('not valid JSON');
    }
    if (typeof raw !== 'object' || raw === null) throw bad('not an object');
    const { matrix, ops } = raw as { matrix?: unknown; ops?: unknown };
    if (!Array.isArray(matrix) || !Array.isArray(ops)) throw bad('needs both "matrix" and "ops" arrays');
    const n = matrix.length;
    if (n < 2 || n > NB101_VERTICES || ops.length !== n) throw bad(`${n} matrix rows and ${ops.length} ops; need the same number, 2 to ${NB101_VERTICES}`, 'matrix');
    if (ops[0] !== 'input' || ops[n - 1] !== 'output') throw bad('ops must start with "input" and end with "output"', 'ops');
    // Vertex v of the text goes to vertex place[v] of the 7-vertex cell; padding sits before the output.
    const place = (v: number): number => (v === n - 1 ? OUTPUT : v);
    const out: Record<string, string | number> = {};
    for (const [i, j] of NB101_EDGES) out[edgeLabel(i, j)] = 0;
    for (let v = 1; v < OUTPUT; v++) out[opLabel(v)] = NB101_OPS[0];
    for (let v = 1; v < n - 1; v++) {
      if (!(NB101_OPS as readonly unknown[]).includes(ops[v])) {
        throw new SampleError('SAMPLE_INVALID_VALUE', `nb101: unknown operation ${JSON.stringify(ops[v])} at vertex ${v}; valid: ${NB101_OPS.join(', ')}`, opLabel(v));
      }
      out[opLabel(v)] = ops[v] as string;
    }
    for (let i = 0; i < n; i++) {
      const row: unknown = matrix[i];
      if (!Array.isArray(row) || row.length !== n) throw bad(`row ${i} is not an array of ${n} entries`, 'matrix');
      for (let j = 0; j < n; j++) {
        const x: unknown = row[j];
        if (x !== 0 && x !== 1 && x !== true && x !== false) throw bad(`entry [${i}][${j}] is ${JSON.stringify(x)}, not 0 or 1`, 'matrix');
        if (!x) continue;
        if (j <= i) throw bad(`entry [${i}][${j}] is 1 on or below the diagonal; the matrix must be upper-triangular`, 'matrix');
        out[edgeLabel(place(i), place(j))] = 1;
      }
    }
    return this.freeze(out);
  }

  override decode(vector: readonly number[], encoding: EncodingName): Sample {
    if (encoding !== 'adjacency') return super.decode(vector, encoding);
    const edges = NB101_EDGES.length;
    const opsLength = (NB101_VERTICES - 2) * NB101_OPS.length;
    if (vector.length !== edges + opsLength) {
      throw new SampleError('ENCODING_LENGTH', `nb101: an adjacency vector has ${edges + opsLength} entries, got ${vector.length}`);
    }
    const out: Record<string, string | number> = {};
    NB101_EDGES.forEach(([i, j], k) => (out[edgeLabel(i, j)] = vector[k] >= 0.5 ? 1 : 0));
    for (let v = 1; v < OUTPUT; v++) {
      const block = vector.slice(edges + (v - 1) * NB101_OPS.length, edges + v * NB101_OPS.length);
      out[opLabel(v)] = NB101_OPS[block.indexOf(Math.max(...block))];
    }
    return this.freeze(out);
  }

  /** The 21 upper-triangle bits (unpruned, so the encoding is invertible), then a one-hot op per intermediate vertex. */
  protected override adjacency(sample: Sample): number[] {
    const out = NB101_EDGES.map(([i, j]) => sample[edgeLabel(i, j)] as number);
    for (let v = 1; v < OUTPUT; v++) {
      const at = NB101_OPS.indexOf(sample[opLabel(v)] as Nb101Op);
      for (let k = 0; k < NB101_OPS.length; k++) out.push(k === at ? 1 : 0);
    }
    return out;
  }

  /**
   * Path encoding (BANANAS): one feature per op sequence of length 0…5 (364 in all, indexed as
   * BANANAS does), holding how many input→output paths carry that sequence.
   */
  protected override paths(sample: Sample): number[] {
    const out = new Array<number>(PATH_FEATURES).fill(0);
    const { matrix, ops } = this.spec(sample);
    const k = NB101_OPS.length;
    for (const path of inputOutputPaths(matrix)) {
      let index = 0;
      path.forEach((v, i) => (index += k ** i * (NB101_OPS.indexOf(ops[v] as Nb101Op) + 1)));
      out[index] += 1;
    }
    return out;
  }
}
