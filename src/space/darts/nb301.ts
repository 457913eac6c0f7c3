import { DARTS_CELLS, DARTS_NODES, DartsSpace } from './space.js';
import type { Sample } from '../types.js';

/** The prefix of every NAS-Bench-301 (YAHPO `nb301`) hyper-parameter name. */
export const NB301_PREFIX = 'NetworkSelectorDatasetInfo_COLON_darts_COLON_';

/** The integer codes of `encoding_v2.json` for an edge's operation (`#na#`: edge not used). */
export const NB301_OP_CODES: Readonly<Record<string, number>> = Object.freeze({
  '#na#': 0,
  avg_pool_3x3: 1,
  dil_conv_3x3: 2,
  dil_conv_5x5: 3,
  max_pool_3x3: 4,
  sep_conv_3x3: 5,
  sep_conv_5x5: 6,
  skip_connect: 7,
});

/** The input pairs `a_b` (a < b < node) of a node, in `encoding_v2.json`'s order; the code is the position + 1. */
export function nb301InputPairs(node: number): string[] {
  const out: string[] = [];
  for (let a = 0; a < node; a++) for (let b = a + 1; b < node; b++) out.push(`${a}_${b}`);
  return out;
}

/** The 34 categorical inputs of the surrogate, in the order of its `x_cat` tensor (names without the prefix). */
export const NB301_INPUT_NAMES: readonly string[] = Object.freeze([
  ...Array.from({ length: 14 }, (_, e) => `edge_normal_${e}`),
  ...Array.from({ length: 14 }, (_, e) => `edge_reduce_${e}`),
  ...[3, 4, 5].map((k) => `inputs_node_normal_${k}`),
  ...[3, 4, 5].map((k) => `inputs_node_reduce_${k}`),
]);

/** NAS-Bench-301's edge number of node ← from: node 2 edges 0–1, node 3 2–4, node 4 5–8, node 5 9–13. */
export const nb301Edge = (node: number, from: number): number => ((node - 2) * (node + 1)) / 2 + from;

/**
 * The sample as a NAS-Bench-301 configuration: the active hyper-parameters (short names, see
 * {@link NB301_PREFIX}) and their values, as `config_space.json` states them. Edges the chosen inputs
 * leave unused are absent (they are inactive there).
 */
export function toNb301Config(sample: Sample, space: DartsSpace = new DartsSpace()): Record<string, string> {
  const out: Record<string, string> = {};
  for (const cell of DARTS_CELLS) {
    for (const node of DARTS_NODES) {
      const inputs: number[] = [];
      for (const slot of [0, 1]) {
        const from = space.input(sample, cell, node, slot);
        inputs.push(from);
        out[`edge_${cell}_${nb301Edge(node, from)}`] = space.op(sample, cell, node, slot);
      }
      if (node > 2) out[`inputs_node_${cell}_${node}`] = inputs.sort((a, b) => a - b).join('_');
    }
  }
  return out;
}

/**
 * The surrogate's `x_cat` row: 34 integers in {@link NB301_INPUT_NAMES} order, coded as
 * `encoding_v2.json` (an unused edge is `#na#` = 0). Checks the sample first.
 */
export function toNb301Encoding(sample: Sample, space: DartsSpace = new DartsSpace()): number[] {
  const frozen = space.freeze(sample);
  const config = toNb301Config(frozen, space);
  return NB301_INPUT_NAMES.map((name) => {
    const value = config[name];
    if (name.startsWith('edge_')) return NB301_OP_CODES[value ?? '#na#'];
    const node = Number(name.slice(-1));
    return nb301InputPairs(node).indexOf(value) + 1;
  });
}

