import type { CellSpec } from '../cell-spec.js';
import { OneShotMethod } from './method.js';

/** First-order DARTS (Liu, Simonyan, Yang: "DARTS: Differentiable Architecture Search", ICLR 2019): α follows ∇α L_val(w, α). */
export class Darts extends OneShotMethod {
  constructor(spec: CellSpec) {
    super('darts', spec);
  }
}
