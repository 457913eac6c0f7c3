import { SampleError } from '../errors.js';
import { DARTS_CELLS, DARTS_NODES, DARTS_OPS, DartsSpace, dartsInputLabel, dartsOpLabel } from '../space/darts/space.js';
import { NB201_EDGES, NB201_OPS, Nb201Space } from '../space/nb201/space.js';
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
  /** Number of `skipOperation` edges in a derived sample (NB201: its one cell; DARTS: the normal cell, as DARTS+ counts). */
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
  /** The edge's name: NB201 the space's leaf label of its operation (`edge_{to}_{from}`); DARTS the same form, no leaf of its own (a node's two kept edges fill its input and op leaves). */
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

/** DARTS' `PRIMITIVES`: the supernet's operations, `none` (the zero operation) first; a derived genotype never takes `none`. */
export const DARTS_SEARCH_OPS: readonly string[] = ['none', ...DARTS_OPS];

/** A number for ranking: NaN (a diverged α) ranks below everything. */
const rank = (v: number): number => (Number.isNaN(v) ? -Infinity : v);

/**
 * The DARTS cell: 2 inputs (the two previous cells), 4 computed nodes 2…5, node k fed by every
 * earlier node (14 edges, in DARTS' and NAS-Bench-301's order: node 2 from 0, 1; node 3 from 0, 1,
 * 2; …), 8 operations with `none`, output the concatenation of nodes 2…5, normal and reduction
 * cells with their own α. Derivation as DARTS' `genotype()`: per node, the two incoming edges whose
 * strongest non-`none` operation is strongest (ties: the earlier edge), each with that operation
 * (ties: the earlier operation), the stronger edge as `input_0`. Strengths are softmax(α) (PC-DARTS:
 * times the normalised β). The result is always a valid sample of the `darts` space.
 */
export function dartsCellSpec(): CellSpec {
  const space = new DartsSpace();
  const edges: CellEdge[] = DARTS_NODES.flatMap((to) => Array.from({ length: to }, (_, from) => ({ from, to, label: `edge_${to}_${from}` })));
  const ops = DARTS_SEARCH_OPS;
  const none = ops.indexOf('none');
  return {
    space: 'darts',
    operations: ops,
    inputs: 2,
    nodes: 4,
    edges,
    output: 'concat',
    kinds: DARTS_CELLS,
    skipOperation: 'skip_connect',
    derive(weights) {
      const out: Record<string, string | number> = {};
      for (const kind of DARTS_CELLS) {
        const w = weights[kind];
        if (!w || w.length !== edges.length || w.some((row) => row.length !== ops.length)) {
          throw new SampleError('SAMPLE_INVALID_VALUE', `darts derive: weights must be {normal, reduce: ${edges.length} rows of ${ops.length} each}, got ${JSON.stringify(Object.keys(weights))} with ${w?.length ?? 0} ${kind} rows`, null);
        }
        // Per edge: its strongest operation other than `none` (the first of equals) and that strength.
        const best = w.map((row) => {
          let k = none === 0 ? 1 : 0;
          for (let j = 0; j < row.length; j++) if (j !== none && rank(row[j]) > rank(row[k])) k = j;
          return { op: ops[k], strength: rank(row[k]) };
        });
        for (const node of DARTS_NODES) {
          const incoming = edges.flatMap((e, i) => (e.to === node ? [i] : []));
          // A stable sort: equal strengths keep the earlier edge first, as DARTS' Python `sorted`.
          const kept = [...incoming].sort((a, b) => best[b].strength - best[a].strength || a - b).slice(0, 2);
          kept.forEach((e, slot) => {
            out[dartsInputLabel(kind, node, slot)] = edges[e].from;
            out[dartsOpLabel(kind, node, slot)] = best[e].op;
          });
        }
      }
      return space.freeze(out);
    },
    skipCount(sample) {
      return DARTS_NODES.reduce((n, node) => n + [0, 1].filter((slot) => sample[dartsOpLabel('normal', node, slot)] === 'skip_connect').length, 0);
    },
    format(sample) {
      return space.format(sample);
    },
    parse(text) {
      return space.parse(text);
    },
  };
}

/** The cell spaces one-shot search knows, by space name. */
export const CELL_SPECS: Readonly<Record<string, () => CellSpec>> = {
  nb201: nb201CellSpec,
  darts: dartsCellSpec,
};
