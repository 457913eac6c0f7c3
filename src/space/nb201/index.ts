/**
 * NAS-Bench-201, in one place: the cell space and its text form (`space.ts`), the benchmark's tables
 * (`table.ts`), the network's parameter and FLOP count from the architecture alone (`counts.ts`).
 * All of it runs without the engine. The network itself (`network.ts`, xautodl's TinyNetwork in
 * `engine/nn` modules) is not re-exported here, so that importing a space never loads engine code:
 * it is reached through the network registry (`engine/models/networks.ts`) and `naskit/engine`.
 *
 * Elsewhere, by role, code that works on NB201 through another pillar's contract: the `tabular`
 * estimator over these tables (`estimate/tabular.ts`), the `bench nb201` harnesses
 * (`benchmark/nb201.ts`, `benchmark/multi-objective.ts`), the one-shot look-up of a derived cell
 * (`oneshot/table.ts`), the proxies' network builder (`estimate/proxy/nb201.ts`).
 */
export { Nb201Space, NB201_EDGES, NB201_OPS, NB201_OPTIONS, type Nb201Op } from './space.js';
export { Nb201Table, NB201_DATASETS, NB201_METRICS, NB201_SIGNALS, type Nb201Dataset, type Nb201Metric, type Nb201Signal } from './table.js';
export { nb201Counts } from './counts.js';
