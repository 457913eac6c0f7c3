/**
 * The DARTS cell space, in one place: normal and reduction cells and their genotype text
 * (`space.ts`, `genotype.ts`), the NAS-Bench-301 surrogate's encoding of a genotype (`nb301.ts`).
 * All of it runs without the engine. The network (`network.ts`, DARTS' `NetworkCIFAR` in
 * `engine/nn` modules) is not re-exported here, so that importing a space never loads engine code:
 * it is reached through the network registry (`engine/models/networks.ts`) and `naskit/engine`.
 *
 * Elsewhere, by role: the NAS-Bench-301 surrogate estimator (`estimate/nb301-surrogate.ts`), the
 * `bench nb301` harness (`benchmark/nb301.ts`), DARTS' one-shot search network
 * (`oneshot/darts-supernet.ts`, on this network's operations).
 */
export { DartsSpace, DARTS_CELLS, DARTS_NODES, DARTS_OPS, DARTS_OPTIONS, dartsInputLabel, dartsOpLabel, type DartsCell, type DartsGenotype, type DartsOp } from './space.js';
export { NB301_INPUT_NAMES, NB301_OP_CODES, NB301_PREFIX, nb301Edge, nb301InputPairs, toNb301Config, toNb301Encoding } from './nb301.js';
