import { SampleError } from '../../errors.js';

/** A DARTS genotype as DARTS' `genotypes.py` writes it: (op, input) pairs, two per node, and the concat list. */
export interface DartsGenotype {
  readonly normal: readonly (readonly [string, number])[];
  readonly normal_concat: readonly number[];
  readonly reduce: readonly (readonly [string, number])[];
  readonly reduce_concat: readonly number[];
}

const FORM = "Genotype(normal=[('sep_conv_3x3', 0), ...], normal_concat=range(2, 6), reduce=[...], reduce_concat=range(2, 6))";

function bad(text: string, why: string, path: string | null = null): SampleError {
  return new SampleError('SAMPLE_BAD_STRING', `darts: cannot parse genotype ${JSON.stringify(text)}: ${why}; expected ${FORM}`, path);
}

/** `[('op', 0), ('op', 1), ...]` (quotes ' or ") → pairs. */
function parsePairs(text: string, list: string, cell: string): [string, number][] {
  const pairs: [string, number][] = [];
  const item = /\s*\(\s*(['"])([^'"]*)\1\s*,\s*(\d+)\s*\)\s*(,|$)/y;
  let at = 0;
  while (at < list.length) {
    item.lastIndex = at;
    const m = item.exec(list);
    if (!m) throw bad(text, `the ${cell} list has a malformed pair near ${JSON.stringify(list.slice(at, at + 30))}`, cell);
    pairs.push([m[2], Number(m[3])]);
    at = item.lastIndex;
    if (m[4] === '') break;
  }
  return pairs;
}

/** `range(2, 6)` or `[2, 3, 4, 5]` → the node list. */
function parseConcat(text: string, concat: string, field: string): number[] {
  const range = /^range\(\s*(\d+)\s*,\s*(\d+)\s*\)$/.exec(concat);
  if (range) {
    const out: number[] = [];
    for (let i = Number(range[1]); i < Number(range[2]); i++) out.push(i);
    return out;
  }
  if (/^\[\s*\d+\s*(,\s*\d+\s*)*\]$/.test(concat)) return concat.slice(1, -1).split(',').map((s) => Number(s.trim()));
  throw bad(text, `${field} ${JSON.stringify(concat)} is neither range(a, b) nor a list of node numbers`, field);
}

/** Parses DARTS' `Genotype(...)` text (the repr of its namedtuple) into a {@link DartsGenotype}. */
export function parseGenotypeText(text: string): DartsGenotype {
  const m = /^Genotype\(\s*normal\s*=\s*\[(.*?)\]\s*,\s*normal_concat\s*=\s*(.*?)\s*,\s*reduce\s*=\s*\[(.*?)\]\s*,\s*reduce_concat\s*=\s*(.*?)\s*\)$/s.exec(text);
  if (!m) throw bad(text, 'it does not have the four fields normal, normal_concat, reduce, reduce_concat in that order');
  return {
    normal: parsePairs(text, m[1], 'normal'),
    normal_concat: parseConcat(text, m[2], 'normal_concat'),
    reduce: parsePairs(text, m[3], 'reduce'),
    reduce_concat: parseConcat(text, m[4], 'reduce_concat'),
  };
}
