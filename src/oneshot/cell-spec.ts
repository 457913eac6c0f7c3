import { SampleError } from '../errors.js';
import { NB201_EDGES, NB201_OPS, Nb201Space } from '../space/nb201.js';
import type { Sample } from '../space/types.js';

/**
 * A cell space as one-shot search sees it: nodes, edges, candidate operations, how a node combines
 * its inputs, and how a discrete architecture (an ordinary sample of the space) is read off the
 * architecture weights. Plain data and functions: nothing here touches the engine, so the same
 * description drives the supernet (engine side) and the space (ask/tell side).
 */
export interface CellSpec {
  /** The space this cell belongs to (its derived samples are samples of this space). */
  readonly space: string;
  /** Candidate operations of every edge, in the order of the α columns. */
  readonly operations: readonly string[];
  /** Input nodes of a cell (NB201: 1, the previous cell; DARTS: 2, the two previous cells). */
  readonly inputs: number;
  /** Computed nodes; node ids are 0…inputs-1 for inputs, then inputs…inputs+nodes-1. */
  readonly nodes: number;
  /** Every edge from → to, in the order of the α rows. */
  readonly edges: readonly CellEdge[];
  /** The cell's output: the last node (NB201) or the concatenation of the computed nodes (DARTS). */
  readonly output: 'last' | 'concat';
  /** The kinds of cell that have their own α (NB201: normal; DARTS: normal and reduce). */
  readonly kinds: readonly string[];
  /** The operation whose dominance is DARTS' collapse (counted by DARTS+). */
  readonly skipOperation: string;
  /**
   * The discrete architecture of the given weights (per kind, [edge][operation], larger is
   * stronger): always a valid sample of the space.
   */
  derive(weights: Readonly<Record<string, readonly (readonly number[])[]>>): Sample;
  /** Number of `skipOperation` edges in a derived sample (over all kinds). */
  skipCount(sample: Sample): number;
  /** The sample's official text form. */
  format(sample: Sample): string;
  /** The sample of a text form (a `SampleError` when it is not one of the space). */
  parse(text: string): Sample;
}

/** One edge of a cell. */
export interface CellEdge {
  readonly from: number;
  readonly to: number;
  /** The space's leaf label of this edge's operation (NB201: `edge_{to}_{from}`). */
  readonly label: string;
}

/** Index of the largest value (ties: the first). */
export function argmax(values: readonly number[]): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i] > values[best]) best = i;
  return best;
}

/**
 * The NAS-Bench-201 cell: 4 nodes (node 0 the input), 6 edges i → j (i < j), 5 operations, node j
 * the sum of its edges, output node 3. The derived architecture takes each edge's strongest
 * operation, `none` included (as xautodl's genotype does), so it is one of the 15,625 cells.
 */
export function nb201CellSpec(): CellSpec {
  const space = new Nb201Space();
  const edges = NB201_EDGES.map(([to, from]) => ({ from, to, label: `edge_${to}_${from}` }));
  return {
    space: 'nb201',
    operations: NB201_OPS,
    inputs: 1,
    nodes: 3,
    edges,
    output: 'last',
    kinds: ['normal'],
    skipOperation: 'skip_connect',
    derive(weights) {
      const w = weights.normal;
      if (!w || w.length !== edges.length || w.some((row) => row.length !== NB201_OPS.length)) {
        throw new SampleError('SAMPLE_INVALID_VALUE', `nb201 derive: weights must be {normal: ${edges.length} rows of ${NB201_OPS.length}}, got ${JSON.stringify(Object.keys(weights))} with ${w?.length ?? 0} rows`, null);
      }
      const out: Record<string, string> = {};
      edges.forEach((edge, e) => (out[edge.label] = NB201_OPS[argmax(w[e])]));
      return space.freeze(out);
    },
    skipCount(sample) {
      return edges.filter((e) => sample[e.label] === 'skip_connect').length;
    },
    format(sample) {
      return space.format(sample);
    },
    parse(text) {
      return space.parse(text);
    },
  };
}

/** The cell spaces one-shot search knows, by space name. The DARTS cell joins here after the DARTS network lands. */
export const CELL_SPECS: Readonly<Record<string, () => CellSpec>> = {
  nb201: nb201CellSpec,
};
