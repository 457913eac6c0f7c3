import { SampleError } from '../../errors.js';
import { Categorical } from '../choice.js';
import type { OptionSpecs } from '../options.js';
import { CellSpace } from '../cell-space.js';
import type { EncodingName, Sample } from '../types.js';

/** The five operations of a NAS-Bench-201 edge, in the benchmark's order. */
export const NB201_OPS = ['none', 'skip_connect', 'nor_conv_1x1', 'nor_conv_3x3', 'avg_pool_3x3'] as const;
/** One operation of a NAS-Bench-201 edge. */
export type Nb201Op = (typeof NB201_OPS)[number];

/** The six edges (to, from) of the 4-node cell, in the order of the official arch string. */
export const NB201_EDGES: readonly (readonly [number, number])[] = [
  [1, 0],
  [2, 0],
  [2, 1],
  [3, 0],
  [3, 1],
  [3, 2],
];

/** Options of the NB201 space: its network's width and depth (xautodl's TinyNetwork). */
export const NB201_OPTIONS: OptionSpecs = {
  channels: { kind: 'int', default: 16, min: 1, max: 512, doc: 'channels C of the first stage; stages have C, 2C, 4C' },
  cells: { kind: 'int', default: 5, min: 1, max: 20, doc: 'cells N per stage' },
};

const edgeLabel = (to: number, from: number): string => `edge_${to}_${from}`;

/** Ops without `none`, the alphabet of the path encoding (a path through `none` carries nothing). */
const PATH_OPS = NB201_OPS.slice(1);

/**
 * The NAS-Bench-201 cell space (= NATS-Bench topology space): a DAG of 4 nodes whose 6 edges each
 * take one of 5 operations; 15,625 architectures in 6,466 isomorphism classes. Labels are
 * `edge_{to}_{from}`; the text form is the official arch string `|op~0|+|op~0|op~1|+|op~0|op~1|op~2|`.
 */
export class Nb201Space extends CellSpace {
  readonly name = 'nb201';
  readonly description = 'NAS-Bench-201 cell: 6 edges x 5 operations (15,625 architectures, 6,466 unique)';

  constructor() {
    super(NB201_EDGES.map(([to, from]) => new Categorical<Nb201Op>(edgeLabel(to, from), NB201_OPS)));
  }

  size(): number {
    return NB201_OPS.length ** NB201_EDGES.length;
  }

  override uniqueSize(): number {
    return 6466;
  }

  /** The operation on edge from→to. */
  op(sample: Sample, to: number, from: number): Nb201Op {
    return sample[edgeLabel(to, from)] as Nb201Op;
  }

  format(sample: Sample): string {
    const nodes = [1, 2, 3].map((to) => {
      const parts: string[] = [];
      for (let from = 0; from < to; from++) parts.push(`${this.op(sample, to, from)}~${from}`);
      return `|${parts.join('|')}|`;
    });
    return nodes.join('+');
  }

  parse(text: string): Sample {
    const bad = (why: string): SampleError =>
      new SampleError('SAMPLE_BAD_STRING', `nb201: cannot parse arch string ${JSON.stringify(text)}: ${why}; expected the form |op~0|+|op~0|op~1|+|op~0|op~1|op~2| with op one of ${NB201_OPS.join(', ')}`);
    if (typeof text !== 'string') throw bad('not a string');
    const nodes = text.trim().split('+');
    if (nodes.length !== 3) throw bad(`${nodes.length} node groups separated by '+', need 3`);
    const out: Record<string, string> = {};
    nodes.forEach((group, i) => {
      const to = i + 1;
      if (!group.startsWith('|') || !group.endsWith('|')) throw bad(`node ${to} group ${JSON.stringify(group)} must start and end with '|'`);
      const parts = group.slice(1, -1).split('|');
      if (parts.length !== to) throw bad(`node ${to} needs ${to} inputs, got ${parts.length} in ${JSON.stringify(group)}`);
      parts.forEach((part, from) => {
        const [op, src, ...rest] = part.split('~');
        if (rest.length > 0 || src !== String(from)) throw bad(`edge ${JSON.stringify(part)} of node ${to} must read op~${from}`);
        if (!(NB201_OPS as readonly string[]).includes(op)) {
          throw new SampleError('SAMPLE_INVALID_VALUE', `nb201: unknown operation ${JSON.stringify(op)} on edge ${from}->${to} in ${JSON.stringify(text)}; valid: ${NB201_OPS.join(', ')}`, edgeLabel(to, from));
        }
        out[edgeLabel(to, from)] = op;
      });
    });
    return this.freeze(out);
  }

  /**
   * The NATS-Bench structural hash: each node is the sorted sum of its incoming terms, where a
   * term is `#` (zero: a `none` edge or a zero input), the input itself (skip) or `(input)@op`.
   * It reproduces the benchmark's 6,466 classes string for string (see the space tests).
   */
  override isoKey(sample: Sample): string {
    const node: string[] = ['0'];
    for (let to = 1; to <= 3; to++) {
      const terms: string[] = [];
      for (let from = 0; from < to; from++) {
        const op = this.op(sample, to, from);
        const input = node[from];
        if (op === 'none' || input === '#') terms.push('#');
        else if (op === 'skip_connect') terms.push(input);
        else terms.push(`(${input})@${op}`);
      }
      node.push(terms.sort().join('+'));
    }
    return node[3];
  }

  override decode(vector: readonly number[], encoding: EncodingName): Sample {
    if (encoding === 'adjacency') {
      // The op block follows the 8x8 upper triangle (28 entries).
      return this.fromOneHot(vector.slice(28));
    }
    return super.decode(vector, encoding);
  }

  /**
   * Operations on nodes: 8 nodes (input, the 6 edge operations, output); the upper triangle of their
   * adjacency (an edge-operation node whose op is `none` is cut off), then a one-hot op per edge node.
   */
  protected override adjacency(sample: Sample): number[] {
    const n = 8;
    const adj = Array.from({ length: n }, () => new Array<number>(n).fill(0));
    const opNode = (to: number, from: number): number => 1 + NB201_EDGES.findIndex(([t, f]) => t === to && f === from);
    const cellNode = (k: number): number[] => (k === 0 ? [0] : NB201_EDGES.filter(([t]) => t === k).map(([t, f]) => opNode(t, f)));
    for (const [to, from] of NB201_EDGES) {
      if (this.op(sample, to, from) === 'none') continue;
      const target = opNode(to, from);
      for (const src of cellNode(from)) if (src === 0 || this.op(sample, from, NB201_EDGES[src - 1][1]) !== 'none') adj[src][target] = 1;
      if (to === 3) adj[target][7] = 1;
    }
    const tri: number[] = [];
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) tri.push(adj[i][j]);
    return [...tri, ...this.oneHot(sample)];
  }

  /**
   * Path encoding (BANANAS): counts of the operation sequences along the four input→output paths
   * (0→3, 0→1→3, 0→2→3, 0→1→2→3); paths through `none` are dropped. 4 + 16 + 64 = 84 features.
   */
  protected override paths(sample: Sample): number[] {
    const k = PATH_OPS.length;
    const out = new Array<number>(k + k * k + k * k * k).fill(0);
    const routes: number[][] = [
      [0, 3],
      [0, 1, 3],
      [0, 2, 3],
      [0, 1, 2, 3],
    ];
    for (const route of routes) {
      const ops: number[] = [];
      for (let i = 1; i < route.length; i++) ops.push(PATH_OPS.indexOf(this.op(sample, route[i], route[i - 1]) as (typeof PATH_OPS)[number]));
      if (ops.includes(-1)) continue;
      const offset = ops.length === 1 ? 0 : ops.length === 2 ? k : k + k * k;
      out[offset + ops.reduce((acc, o) => acc * k + o, 0)] += 1;
    }
    return out;
  }
}
