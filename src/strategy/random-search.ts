import { Rng } from '../util/rng.js';
import type { Observation, Proposal, Strategy, StrategyContext } from './types.js';

/**
 * Random search: every proposal an independent uniform draw from the space (Bergstra & Bengio 2012;
 * the NAS baseline of Li & Talwalkar 2019 and NAS-Bench-201). It ignores what it is told.
 */
export class RandomSearch implements Strategy {
  readonly name = 'random';
  private readonly rng: Rng;

  constructor(private readonly context: StrategyContext) {
    this.rng = new Rng(context.seed);
  }

  ask(): Proposal {
    return { sample: this.context.space.random(this.rng) };
  }

  tell(_observation: Observation): void {}
}
