import type { Rng } from '../../util/rng.js';
import type { Regressor, RegressorFactory } from './types.js';

/**
 * An ensemble of independently initialised regressors fitted on the same data (Lakshminarayanan
 * et al. 2017, as BANANAS uses it): the spread of the members' predictions is the uncertainty.
 */
export class Ensemble {
  private members: Regressor[] = [];

  constructor(
    private readonly make: RegressorFactory,
    readonly size: number,
  ) {
    if (!Number.isInteger(size) || size < 1) throw new RangeError(`Ensemble: size must be a positive integer, got ${size}`);
  }

  /** Fits every member from scratch, each with its own generator forked from `rng`. */
  fit(inputs: readonly Float64Array[], targets: readonly number[], rng: Rng): void {
    if (inputs.length === 0) throw new RangeError('Ensemble.fit: no data');
    this.members = [];
    for (let i = 0; i < this.size; i++) {
      const member = this.make(inputs[0].length);
      member.fit(inputs, targets, rng.fork());
      this.members.push(member);
    }
  }

  /** Each member's predictions (one array per member). */
  predictMembers(inputs: readonly Float64Array[]): Float64Array[] {
    if (this.members.length === 0) throw new Error('Ensemble.predict: call fit first');
    return this.members.map((m) => m.predict(inputs));
  }

  /** Mean and standard deviation (over members, population form) of the predictions. */
  predict(inputs: readonly Float64Array[]): { mean: Float64Array; std: Float64Array } {
    const all = this.predictMembers(inputs);
    const mean = new Float64Array(inputs.length);
    const std = new Float64Array(inputs.length);
    for (let i = 0; i < inputs.length; i++) {
      let s = 0;
      for (const p of all) s += p[i];
      const mu = s / all.length;
      let v = 0;
      for (const p of all) v += (p[i] - mu) ** 2;
      mean[i] = mu;
      std[i] = Math.sqrt(v / all.length);
    }
    return { mean, std };
  }
}
