import type { CellSpec } from '../cell-spec.js';
import { OneShotMethod, type EpochView, type StopDecision } from './method.js';

/**
 * DARTS+ (Liang et al.: "DARTS+: Improved Differentiable Architecture Search with Early Stopping",
 * 2019): first-order DARTS that stops (1) when a derived cell has `maxSkips` or more skip
 * connections, or (2) when the derived cell (the ranking of α on every edge) has not changed for
 * `patience` epochs. Deviation: after rule 1 the result is the last cell with fewer skips (if
 * any), not the one that triggered the stop.
 */
export class DartsPlus extends OneShotMethod {
  constructor(
    spec: CellSpec,
    readonly maxSkips = 2,
    readonly patience = 4,
  ) {
    super('dartsplus', spec);
  }

  override stop(history: readonly EpochView[]): StopDecision | null {
    const last = history[history.length - 1];
    if (!last) return null;
    if (last.skipCount >= this.maxSkips) {
      const before = [...history].reverse().find((h) => h.skipCount < this.maxSkips);
      return { reason: `${last.skipCount} skip connections at epoch ${last.epoch} (limit ${this.maxSkips})`, resultEpoch: before?.epoch ?? last.epoch };
    }
    if (history.length > this.patience && history.slice(-this.patience - 1).every((h) => h.genotype === last.genotype)) {
      return { reason: `the derived cell is unchanged for ${this.patience} epochs`, resultEpoch: last.epoch };
    }
    return null;
  }
}
