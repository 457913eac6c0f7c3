import { add } from '../ops/elementwise.js';
import { cat } from '../ops/shape.js';
import type { Tensor } from '../tensor.js';
import { Identity } from './basic.js';
import { ModuleList } from './container.js';
import { Layer } from './module.js';

/** How a {@link DagCell} forms its output from vertices 1…n. */
export type DagOutput = 'last' | 'sum' | 'concat';

/** One vertex of a {@link DagCell}: the vertices its edges read (0 = the cell's input), each edge's op, and the vertex's op. */
export interface DagVertex {
  readonly edges: readonly { readonly from: number; readonly op: Layer }[];
  readonly op: Layer;
}

/**
 * A cell as a DAG with fixed operations (what a model space's graph or cell becomes): vertex k is
 * `op_k(Σ_edges edgeOp(vertex from))`; the output is the last vertex, the sum of vertices 1…n, or
 * their concatenation along the channels. Members: `edges.{i}` in vertex order, `ops.{k−1}`.
 */
export class DagCell extends Layer {
  readonly edges: ModuleList<Layer>;
  readonly ops: ModuleList<Layer>;
  readonly #from: number[][];

  constructor(
    vertices: readonly DagVertex[],
    readonly output: DagOutput = 'last',
  ) {
    super();
    if (vertices.length === 0) throw new RangeError('DagCell: needs at least one vertex');
    this.edges = this.registerModule('edges', new ModuleList<Layer>());
    this.ops = this.registerModule('ops', new ModuleList<Layer>());
    this.#from = vertices.map((v, k) => {
      if (v.edges.length === 0) throw new RangeError(`DagCell: vertex ${k + 1} has no input`);
      return v.edges.map((e) => {
        if (!Number.isInteger(e.from) || e.from < 0 || e.from > k) throw new RangeError(`DagCell: vertex ${k + 1} may read vertices 0 to ${k}, got ${e.from}`);
        this.edges.push(e.op);
        return e.from;
      });
    });
    for (const v of vertices) this.ops.push(v.op);
  }

  /** For each vertex, the states its edges read (0: the cell's input, k: vertex k), in `edges` order. */
  get sources(): readonly (readonly number[])[] {
    return this.#from;
  }

  forward(x: Tensor): Tensor {
    const states: Tensor[] = [x];
    let edge = 0;
    this.#from.forEach((froms, k) => {
      let sum: Tensor | null = null;
      for (const from of froms) {
        const op = this.edges.at(edge++);
        const y = op instanceof Identity ? states[from] : op.forward(states[from]);
        sum = sum === null ? y : add(sum, y);
      }
      const op = this.ops.at(k);
      states.push(op instanceof Identity ? sum! : op.forward(sum!));
    });
    const outs = states.slice(1);
    if (this.output === 'last') return outs[outs.length - 1];
    if (this.output === 'sum') return outs.reduce((a, b) => add(a, b));
    return cat(outs, 1);
  }
}
