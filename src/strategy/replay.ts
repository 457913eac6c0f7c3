import { NaskitError } from '../errors.js';
import type { Space } from '../space/types.js';
import type { Strategy, StrategyEvent } from './types.js';

/**
 * Brings a fresh strategy to the state of a recorded search by replaying its asks and tells in
 * their recorded order. Each replayed ask must propose what was recorded: a mismatch means the
 * strategy, its seed or its options changed since the recording, and is refused rather than
 * silently continuing a different search.
 */
export function replay(strategy: Strategy, space: Space, events: Iterable<StrategyEvent>): Strategy {
  let asks = 0;
  for (const event of events) {
    if (event.kind === 'ask') {
      if (event.trial !== asks) {
        throw new NaskitError('REPLAY_ORDER', `replay: ask for trial ${event.trial} recorded where trial ${asks} was expected; the recorded history is out of order`);
      }
      const proposal = strategy.ask();
      if (space.key(proposal.sample) !== space.key(event.sample)) {
        throw new NaskitError(
          'REPLAY_DIVERGED',
          `replay: ${strategy.name} proposed ${space.format(proposal.sample)} for trial ${asks} but the record has ${space.format(event.sample)}; ` +
            'the strategy, its options or its seed differ from the recorded run (start a new experiment to change them)',
        );
      }
      asks++;
    } else {
      strategy.tell(event.observation);
    }
  }
  return strategy;
}
