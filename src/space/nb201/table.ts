import { join } from 'node:path';
import { DataError } from '../../errors.js';
import { readCsv, numberField } from '../../util/csv.js';

/** The data sets of NAS-Bench-201. */
export const NB201_DATASETS = ['cifar10', 'cifar100', 'imagenet16'] as const;
/** A data set of the NAS-Bench-201 tables. */
export type Nb201Dataset = (typeof NB201_DATASETS)[number];

/** Columns a search may use as its signal (the README's protocol). */
export const NB201_SIGNALS = ['valid_12ep', 'valid_200ep', 'test_12ep', 'test_200ep_seed'] as const;
/** A column a search may see (never the reported `test_200ep_mean`). */
export type Nb201Signal = (typeof NB201_SIGNALS)[number];

/** Every accuracy column of a data set, signals plus the reported figure. */
export const NB201_METRICS = [...NB201_SIGNALS, 'test_200ep_mean'] as const;
/** Any column of the tables: the signals and the reported `test_200ep_mean`. */
export type Nb201Metric = (typeof NB201_METRICS)[number];

/** The latency devices of `nb201_latency_ms.csv` are read from its header. */

/**
 * The NAS-Bench-201 tables of `NASKIT_DATA/nb201`: accuracies, parameters, isomorphism keys,
 * measured training times (indices 0–999) and latency on 27 devices, by official index.
 */
export class Nb201Table {
  readonly size: number;
  readonly archs: readonly string[];
  readonly isoKeys: readonly string[];
  /** `{dataset}_{metric}` and `params_{dataset}` → one value per index. */
  private readonly columns = new Map<string, Float64Array>();
  private readonly byArch = new Map<string, number>();
  /** `{dataset}_{12|200}ep_train_s` → measured seconds for the indices that have them (NaN elsewhere). */
  private readonly trainTime = new Map<string, Float64Array>();
  readonly devices: readonly string[];
  private readonly latency = new Map<string, Float64Array>();

  private constructor(readonly dir: string) {
    const accuracyColumns = NB201_DATASETS.flatMap((d) => [...NB201_METRICS.map((m) => `${d}_${m}`), `params_${d}`]);
    const main = readCsv(join(dir, 'nb201_tss.csv'), ['index', 'arch', 'iso_key', ...accuracyColumns]);
    this.size = main.rows.length;
    if (this.size !== 15625) throw new DataError('DATA_CORRUPT', `${main.path}: ${this.size} rows, expected 15,625; the file is truncated`);
    const col = (name: string): number => main.header.indexOf(name);
    const archs: string[] = new Array(this.size);
    const isoKeys: string[] = new Array(this.size);
    for (const name of accuracyColumns) this.columns.set(name, new Float64Array(this.size));
    main.rows.forEach((row, r) => {
      const index = numberField(main, r, col('index'));
      if (index !== r) throw new DataError('DATA_CORRUPT', `${main.path}:${r + 2}: index ${index} where ${r} was expected; rows must be in index order`);
      archs[r] = row[col('arch')];
      isoKeys[r] = row[col('iso_key')];
      this.byArch.set(archs[r], r);
      for (const name of accuracyColumns) this.columns.get(name)![r] = numberField(main, r, col(name));
    });
    this.archs = archs;
    this.isoKeys = isoKeys;

    const times = readCsv(join(dir, 'nb201_tss_train_time_s.csv'), ['index']);
    for (const name of times.header.slice(2)) this.trainTime.set(name, new Float64Array(this.size).fill(NaN));
    times.rows.forEach((_, r) => {
      const index = numberField(times, r, 0);
      times.header.slice(2).forEach((name, c) => (this.trainTime.get(name)![index] = numberField(times, r, c + 2)));
    });

    const lat = readCsv(join(dir, 'nb201_latency_ms.csv'), ['index']);
    this.devices = lat.header.slice(1);
    for (const device of this.devices) this.latency.set(device, new Float64Array(this.size));
    lat.rows.forEach((_, r) => {
      const index = numberField(lat, r, 0);
      this.devices.forEach((device, c) => (this.latency.get(device)![index] = numberField(lat, r, c + 1)));
    });
  }

  private static cache = new Map<string, Nb201Table>();

  /** Loads (once per process) the tables from `dataDir/nb201`. */
  static load(dataDir: string): Nb201Table {
    const dir = join(dataDir, 'nb201');
    let table = Nb201Table.cache.get(dir);
    if (!table) {
      table = new Nb201Table(dir);
      Nb201Table.cache.set(dir, table);
    }
    return table;
  }

  /** The official index of an arch string, or a `DataError`. */
  indexOf(arch: string): number {
    const index = this.byArch.get(arch);
    if (index === undefined) throw new DataError('DATA_NOT_IN_TABLE', `nb201: ${arch} is not in ${join(this.dir, 'nb201_tss.csv')}`);
    return index;
  }

  /** Accuracy (%) of `metric` on `dataset` for an index. */
  accuracy(index: number, dataset: Nb201Dataset, metric: Nb201Metric): number {
    return this.column(`${dataset}_${metric}`)[index];
  }

  /** A whole accuracy column (for optima and statistics). */
  column(name: string): Float64Array {
    const column = this.columns.get(name);
    if (!column) throw new RangeError(`nb201: no column ${name}; columns: ${[...this.columns.keys()].join(', ')}`);
    return column;
  }

  /** The parameter count of architecture `index` on `dataset`, as the table gives it (column `params_{dataset}`). */
  params(index: number, dataset: Nb201Dataset): number {
    return this.column(`params_${dataset}`)[index];
  }

  /** Measured training time in seconds, or NaN where the table has none (indices ≥ 1000). */
  measuredTrainSeconds(index: number, dataset: Nb201Dataset, epochs: 12 | 200): number {
    return this.trainTime.get(`${dataset}_${epochs}ep_train_s`)![index];
  }

  /** Latency in ms on one of `devices`. */
  latencyMs(index: number, device: string): number {
    const column = this.latency.get(device);
    if (!column) throw new RangeError(`nb201: unknown latency device ${JSON.stringify(device)}; devices: ${this.devices.join(', ')}`);
    return column[index];
  }
}
