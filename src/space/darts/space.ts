import { SampleError } from '../../errors.js';
import { Categorical } from '../choice.js';
import { parseGenotypeText, type DartsGenotype } from './genotype.js';
import type { OptionSpecs } from '../options.js';
import { CellSpace } from '../cell-space.js';
import type { Rng } from '../../util/rng.js';
import type { EncodingName, Leaf, Sample, Value } from '../types.js';

export type { DartsGenotype } from './genotype.js';

/**
 * The operations of a final DARTS genotype, in the order of DARTS' `PRIMITIVES`. DARTS has an 8th,
 * `none` (the zero op), which exists only in the supernet and never in a derived genotype.
 */
export const DARTS_OPS = ['max_pool_3x3', 'avg_pool_3x3', 'skip_connect', 'sep_conv_3x3', 'sep_conv_5x5', 'dil_conv_3x3', 'dil_conv_5x5'] as const;
/** One operation of a DARTS cell edge. */
export type DartsOp = (typeof DARTS_OPS)[number];

/** The two cell types; both are searched. */
export const DARTS_CELLS = ['normal', 'reduce'] as const;
/** The two cells of a DARTS genotype. */
export type DartsCell = (typeof DARTS_CELLS)[number];

/** The intermediate nodes 2…5 (0 and 1 are the cell's two inputs). */
export const DARTS_NODES = [2, 3, 4, 5] as const;

/** Options of the DARTS space: its evaluation network (DARTS' CIFAR network: 36 channels, 20 cells, auxiliary 0.4, drop-path 0.2). */
export const DARTS_OPTIONS: OptionSpecs = {
  channels: { kind: 'int', default: 16, min: 1, max: 256, doc: 'initial channels C (the stem has 3C)' },
  layers: { kind: 'int', default: 8, min: 3, max: 40, doc: 'cells; reduction cells at 1/3 and 2/3 of them' },
  auxiliary: { kind: 'boolean', default: false, doc: 'auxiliary classifier after the cell at 2/3 of the depth, in training' },
  auxiliary_weight: { kind: 'number', default: 0.4, min: 0, max: 10, doc: 'weight of the auxiliary loss' },
  drop_path: { kind: 'number', default: 0, min: 0, max: 0.9, doc: 'final drop-path probability, raised linearly over the epochs' },
};

/** Label of input `slot` (0 or 1) of `node` in `cell`, e.g. `normal.node_2.input_0`. */
export const dartsInputLabel = (cell: DartsCell, node: number, slot: number): string => `${cell}.node_${node}.input_${slot}`;
/** Label of the operation on input `slot` of `node` in `cell`, e.g. `normal.node_2.op_0`. */
export const dartsOpLabel = (cell: DartsCell, node: number, slot: number): string => `${cell}.node_${node}.op_${slot}`;

/** Path features per cell: op sequences of length 1…4 over the 7 ops. */
const PATHS_PER_CELL = [1, 2, 3, 4].reduce((acc, l) => acc + DARTS_OPS.length ** l, 0);
/** Possible edges per cell: node k has k predecessors (2 + 3 + 4 + 5). */
const EDGES_PER_CELL = 14;
const edgeIndex = (node: number, from: number): number => ((node - 2) * (node + 1)) / 2 + from;

/**
 * The DARTS (NASNet-style) cell space: a normal and a reduction cell, each with intermediate nodes
 * 2…5; node k takes two distinct inputs among 0…k−1 (0 and 1 are the outputs of the two previous
 * cells) and applies one of 7 operations to each; the cell outputs the concatenation of nodes 2…5.
 * Labels `normal.node_2.input_0`, `normal.node_2.op_0`, `…input_1`, `…op_1`, … then `reduce.…`.
 * The order of a node's two inputs is kept (so official genotypes round-trip as written); `isoKey`
 * forgets it, and the order of independent nodes. Text form: the DARTS `Genotype(...)` string
 * (`parse` also takes the JSON form of {@link DartsSpace.formatJson}).
 */
export class DartsSpace extends CellSpace {
  readonly name = 'darts';
  readonly description = 'DARTS cells: normal + reduce, 4 nodes x 2 inputs x 7 operations (~2.8e20 ordered genotypes)';

  constructor() {
    const leaves: Leaf[] = [];
    for (const cell of DARTS_CELLS) {
      for (const node of DARTS_NODES) {
        const inputs = Array.from({ length: node }, (_, i) => i);
        for (const slot of [0, 1]) {
          leaves.push(new Categorical<number>(dartsInputLabel(cell, node, slot), inputs));
          leaves.push(new Categorical<string>(dartsOpLabel(cell, node, slot), DARTS_OPS));
        }
      }
    }
    super(leaves);
  }

  /** Uniform over valid genotypes without rejection: input_1 is drawn among the inputs other than input_0. */
  override random(rng: Rng): Sample {
    const out: Record<string, Value> = {};
    for (const cell of DARTS_CELLS) {
      for (const node of DARTS_NODES) {
        const first = rng.int(node);
        const second = (first + 1 + rng.int(node - 1)) % node;
        out[dartsInputLabel(cell, node, 0)] = first;
        out[dartsOpLabel(cell, node, 0)] = rng.choice(DARTS_OPS);
        out[dartsInputLabel(cell, node, 1)] = second;
        out[dartsOpLabel(cell, node, 1)] = rng.choice(DARTS_OPS);
      }
    }
    return this.canonical(out);
  }

  /** The nearest double of {@link DartsSpace.exactSize} (it exceeds 2^53). */
  size(): number {
    return Number(this.exactSize());
  }

  /** Ordered genotypes: per cell ∏_{k=2..5} k(k−1) input pairs × 7^8 operations, squared for two cells. */
  exactSize(): bigint {
    let perCell = BigInt(DARTS_OPS.length) ** 8n;
    for (const k of DARTS_NODES) perCell *= BigInt(k * (k - 1));
    return perCell * perCell;
  }

  /** Input `slot` of `node` in `cell`. */
  input(sample: Sample, cell: DartsCell, node: number, slot: number): number {
    return sample[dartsInputLabel(cell, node, slot)] as number;
  }

  /** Operation on input `slot` of `node` in `cell`. */
  op(sample: Sample, cell: DartsCell, node: number, slot: number): DartsOp {
    return sample[dartsOpLabel(cell, node, slot)] as DartsOp;
  }

  protected override constraint(sample: Sample): SampleError | null {
    for (const cell of DARTS_CELLS) {
      for (const node of DARTS_NODES) {
        if (this.input(sample, cell, node, 0) === this.input(sample, cell, node, 1)) {
          return new SampleError(
            'SAMPLE_DUPLICATE_INPUT',
            `darts: node ${node} of the ${cell} cell takes input ${this.input(sample, cell, node, 0)} twice; its two inputs must be distinct nodes among 0..${node - 1}`,
            dartsInputLabel(cell, node, 1),
          );
        }
      }
    }
    return null;
  }

  /** The sample as a DARTS genotype (pairs in node order; concat always nodes 2…5). */
  genotype(sample: Sample): DartsGenotype {
    const pairs = (cell: DartsCell): [string, number][] =>
      DARTS_NODES.flatMap((node) => [0, 1].map((slot): [string, number] => [this.op(sample, cell, node, slot), this.input(sample, cell, node, slot)]));
    return { normal: pairs('normal'), normal_concat: [2, 3, 4, 5], reduce: pairs('reduce'), reduce_concat: [2, 3, 4, 5] };
  }

  /** The sample for a genotype; throws `SampleError` naming the bad pair. */
  fromGenotype(genotype: DartsGenotype): Sample {
    const out: Record<string, string | number> = {};
    for (const cell of DARTS_CELLS) {
      const pairs = genotype[cell];
      if (!Array.isArray(pairs) || pairs.length !== 8) {
        throw new SampleError('SAMPLE_BAD_STRING', `darts: the ${cell} cell needs 8 (op, input) pairs (2 per node 2..5), got ${Array.isArray(pairs) ? pairs.length : JSON.stringify(pairs)}`, cell);
      }
      const concat = genotype[`${cell}_concat`];
      if (!Array.isArray(concat) || concat.join(',') !== '2,3,4,5') {
        throw new SampleError('SAMPLE_BAD_STRING', `darts: ${cell}_concat must be range(2, 6) (nodes 2, 3, 4, 5), got ${JSON.stringify(concat)}`, `${cell}_concat`);
      }
      pairs.forEach((pair, p) => {
        const node = 2 + Math.floor(p / 2);
        const slot = p % 2;
        const [op, input] = Array.isArray(pair) ? pair : [undefined, undefined];
        if (!(DARTS_OPS as readonly unknown[]).includes(op)) {
          const hint = op === 'none' ? " ('none' exists only in the DARTS supernet, never in a genotype)" : '';
          throw new SampleError('SAMPLE_INVALID_VALUE', `darts: unknown operation ${JSON.stringify(op)} in pair ${p} of the ${cell} cell${hint}; valid: ${DARTS_OPS.join(', ')}`, dartsOpLabel(cell, node, slot));
        }
        if (typeof input !== 'number' || !Number.isInteger(input) || input < 0 || input >= node) {
          throw new SampleError('SAMPLE_INVALID_VALUE', `darts: input ${JSON.stringify(input)} of node ${node} in the ${cell} cell is not valid; valid: ${Array.from({ length: node }, (_, i) => i).join(', ')}`, dartsInputLabel(cell, node, slot));
        }
        out[dartsOpLabel(cell, node, slot)] = op as string;
        out[dartsInputLabel(cell, node, slot)] = input;
      });
    }
    return this.freeze(out);
  }

  /** The DARTS `Genotype(normal=[('sep_conv_3x3', 0), …], normal_concat=range(2, 6), reduce=[…], reduce_concat=range(2, 6))`. */
  format(sample: Sample): string {
    const g = this.genotype(sample);
    const list = (pairs: readonly (readonly [string, number])[]): string => `[${pairs.map(([op, i]) => `('${op}', ${i})`).join(', ')}]`;
    return `Genotype(normal=${list(g.normal)}, normal_concat=range(2, 6), reduce=${list(g.reduce)}, reduce_concat=range(2, 6))`;
  }

  /** The genotype as JSON: `{"normal":[["sep_conv_3x3",0],…],"normal_concat":[2,3,4,5],"reduce":[…],"reduce_concat":[2,3,4,5]}`. */
  formatJson(sample: Sample): string {
    return JSON.stringify(this.genotype(sample));
  }

  /** Reads the `Genotype(...)` text (concat as `range(2, 6)` or `[2, 3, 4, 5]`) or the JSON form. */
  parse(text: string): Sample {
    if (typeof text !== 'string') throw new SampleError('SAMPLE_BAD_STRING', `darts: a genotype must be a string, got ${JSON.stringify(text)}`);
    const trimmed = text.trim();
    if (trimmed.startsWith('{')) {
      let raw: unknown;
      try {
        raw = JSON.parse(trimmed);
      } catch {
        throw new SampleError('SAMPLE_BAD_STRING', `darts: ${JSON.stringify(text)} is not valid JSON; expected {"normal":[["op",input],...],"normal_concat":[2,3,4,5],"reduce":[...],"reduce_concat":[2,3,4,5]}`);
      }
      return this.fromGenotype(raw as DartsGenotype);
    }
    return this.fromGenotype(parseGenotypeText(trimmed));
  }

  /**
   * The function a sample computes, up to the order of a node's inputs and the numbering of nodes:
   * each node is the sorted sum of `op(input)` terms, expanded recursively; a cell is the sorted
   * list of its nodes (the concat's channel order does not matter to the next 1×1 convolution).
   * `skip_connect` is kept as a term, since on a reduction cell's inputs it is a strided op.
   */
  override isoKey(sample: Sample): string {
    const cellKey = (cell: DartsCell): string => {
      const expr: string[] = ['c0', 'c1'];
      for (const node of DARTS_NODES) {
        const terms = [0, 1].map((slot) => `${this.op(sample, cell, node, slot)}(${expr[this.input(sample, cell, node, slot)]})`);
        expr.push(terms.sort().join('+'));
      }
      return expr.slice(2).sort().join(' ; ');
    };
    return `normal: ${cellKey('normal')} | reduce: ${cellKey('reduce')}`;
  }

  /**
   * Per cell, the 14 possible edges (node k from i, in NAS-Bench-301's edge order) × the 7 ops:
   * 1 where the edge is used with that op. 2 × 14 × 7 = 196 entries. Not invertible (it forgets
   * the order of a node's inputs), so `decode` offers only `onehot`.
   */
  protected override adjacency(sample: Sample): number[] {
    const out = new Array<number>(2 * EDGES_PER_CELL * DARTS_OPS.length).fill(0);
    DARTS_CELLS.forEach((cell, c) => {
      for (const node of DARTS_NODES) {
        for (const slot of [0, 1]) {
          const edge = edgeIndex(node, this.input(sample, cell, node, slot));
          out[(c * EDGES_PER_CELL + edge) * DARTS_OPS.length + DARTS_OPS.indexOf(this.op(sample, cell, node, slot))] = 1;
        }
      }
    });
    return out;
  }

  /**
   * Path encoding in the style of BANANAS (its exact DARTS layout is not claimed): per cell, the count of paths from a cell input to an
   * intermediate node carrying each op sequence of length 1…4 (2,800 features), both cells
   * side by side (5,600).
   */
  protected override paths(sample: Sample): number[] {
    const k = DARTS_OPS.length;
    const out = new Array<number>(2 * PATHS_PER_CELL).fill(0);
    DARTS_CELLS.forEach((cell, c) => {
      // Op sequences (as op-index lists) of every path from a cell input into each node.
      const into: number[][][] = [[[]], [[]]];
      for (const node of DARTS_NODES) {
        const mine: number[][] = [];
        for (const slot of [0, 1]) {
          const op = DARTS_OPS.indexOf(this.op(sample, cell, node, slot));
          for (const seq of into[this.input(sample, cell, node, slot)]) mine.push([...seq, op]);
        }
        into.push(mine);
        for (const seq of mine) {
          let offset = 0;
          for (let l = 1; l < seq.length; l++) offset += k ** l;
          out[c * PATHS_PER_CELL + offset + seq.reduce((acc, o) => acc * k + o, 0)] += 1;
        }
      }
    });
    return out;
  }
}
