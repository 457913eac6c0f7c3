import { DataError } from '../errors.js';
import { NB201_DATASETS, Nb201Table, type Nb201Dataset } from '../space/nb201/table.js';
import { Nb201Space } from '../space/nb201/space.js';
import type { TableLookup } from './search.js';

/**
 * The look-up of a derived architecture in the space's tabular benchmark: for NB201 its index and
 * `{dataset}_test_200ep_mean` (the figure NB201 papers report), so a search is seen to converge or
 * collapse. Null where the space or data set has no table, or the table files are missing (said on `log`).
 */
export function oneShotTableLookup(dataDir: string, space: string, dataset: string, log: (line: string) => void = () => {}): TableLookup | null {
  if (space !== 'nb201' || !(NB201_DATASETS as readonly string[]).includes(dataset)) return null;
  let table: Nb201Table;
  try {
    table = Nb201Table.load(dataDir);
  } catch (error) {
    if (!(error instanceof DataError)) throw error;
    log(`no NAS-Bench-201 table (${error.message.split('\n')[0]}); the derived cells are not looked up`);
    return null;
  }
  const nb201 = new Nb201Space();
  const d = dataset as Nb201Dataset;
  return (sample) => {
    const index = table.indexOf(nb201.format(sample));
    return { index, [`${d}_test_200ep_mean`]: table.accuracy(index, d, 'test_200ep_mean') };
  };
}
