import { ConfigError } from '../../errors.js';
import type { CellSpec } from '../cell-spec.js';
import { Darts } from './darts.js';
import { Darts2 } from './darts2.js';
import { DartsPlus } from './dartsplus.js';
import { Gdas, Snas } from './gumbel.js';
import { PcDarts } from './pcdarts.js';
import { SDarts, type Perturbation } from './sdarts.js';
import type { OneShotMethod } from './method.js';

export { OneShotMethod, lossOf, setGrads, edgeNormalization, type StepContext, type StepResult, type TensorBatch, type EpochView, type StopDecision } from './method.js';
export { Darts } from './darts.js';
export { Darts2, unrolledArchGradient } from './darts2.js';
export { Gdas, Snas, hardEdges } from './gumbel.js';
export { PcDarts } from './pcdarts.js';
export { DartsPlus } from './dartsplus.js';
export { SDarts, type Perturbation } from './sdarts.js';

/** The one-shot methods, in the contract's order. */
export const ONESHOT_METHODS = ['darts', 'darts2', 'gdas', 'snas', 'pcdarts', 'dartsplus', 'sdarts'] as const;
export type OneShotMethodName = (typeof ONESHOT_METHODS)[number];

/** Method options (snake_case, as in configs); each method reads its own. */
export interface MethodOptions {
  /** PC-DARTS: partial channels K (default 4). */
  readonly partial_channels?: number;
  /** DARTS+: stop at this many skip connections (default 2). */
  readonly max_skips?: number;
  /** DARTS+: stop when the derived cell is unchanged this many epochs (default 4). */
  readonly patience?: number;
  /** SDARTS: random (default) or adversarial. */
  readonly perturbation?: Perturbation;
  /** SDARTS: the final ε (default 0.3). */
  readonly epsilon?: number;
  /** SDARTS-ADV: attack steps (default 7). */
  readonly attack_steps?: number;
  /** GDAS/SNAS: temperatures at the first and last epoch (GDAS 10 → 0.1, SNAS 1 → 0.03). */
  readonly tau_max?: number;
  readonly tau_min?: number;
}

/** name → method (the registry the CLI and configs use). */
export function createMethod(name: string, spec: CellSpec, options: MethodOptions = {}): OneShotMethod {
  switch (name as OneShotMethodName) {
    case 'darts':
      return new Darts(spec);
    case 'darts2':
      return new Darts2(spec);
    case 'gdas':
      return new Gdas(spec, options.tau_max ?? 10, options.tau_min ?? 0.1);
    case 'snas':
      return new Snas(spec, options.tau_max ?? 1, options.tau_min ?? 0.03);
    case 'pcdarts':
      return new PcDarts(spec, options.partial_channels ?? 4);
    case 'dartsplus':
      return new DartsPlus(spec, options.max_skips ?? 2, options.patience ?? 4);
    case 'sdarts':
      return new SDarts(spec, options.perturbation ?? 'random', options.epsilon ?? 0.3, options.attack_steps ?? 7);
    default:
      throw new ConfigError('UNKNOWN_METHOD', `one-shot method ${JSON.stringify(name)} is unknown; valid: ${ONESHOT_METHODS.join(', ')}`);
  }
}
