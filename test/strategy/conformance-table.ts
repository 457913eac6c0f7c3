/**
 * The strategy conformance table: per registered strategy, the options and objectives the
 * conformance suite runs it with. A strategy missing here runs with its defaults and one objective;
 * add a line when yours needs smaller settings to stay fast or several objectives.
 */
export interface ConformanceEntry {
  /** Options passed to the registry factory. */
  readonly options?: Readonly<Record<string, unknown>>;
  /** Objective names; when given, observations carry one value per objective in `values`. */
  readonly objectives?: readonly string[];
}

export const CONFORMANCE: Readonly<Record<string, ConformanceEntry>> = {
  random: {},
  rea: { options: { population: 6, sample_size: 3 } },
  local: { options: { initial: 3 } },
  ga: { options: { population: 6, elitism: 1 } },
  reinforce: {},
  nsga2: { objectives: ['score', 'cost'] },
  'random-scalarization': { objectives: ['score', 'cost'] },
  bananas: { options: { ensemble: 2, epochs: 20, initial: 5 } },
  pnas: { options: { beam: 5, ensemble: 2, epochs: 20 } },
};
