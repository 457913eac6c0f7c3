import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { DataError, StorageError } from '../errors.js';
import { DATASET_NAMES, type DatasetName } from '../engine/data/load.js';
import type { ModelSpec } from '../engine/model-spec.js';
import { decodeSafetensors, type SafetensorsFile } from '../engine/safetensors.js';
import type { ExperimentResult } from '../experiment/final.js';
import type { ExperimentRecord } from '../experiment/store.js';
import { isStudyExperiment } from '../experiment/study-records.js';
import type { ArchitectureDocument } from './architecture.js';
import type { Value } from '../space/types.js';
import { datasetPreprocessing } from './preprocessing.js';

/** An experiment's final model: its architecture document and, when it was trained, its weights. */
export interface ExperimentModel {
  readonly doc: ArchitectureDocument;
  readonly weights: SafetensorsFile | null;
}

/** Classes of the NAS-Bench-201 table's data sets (tabular experiments name one of them). */
const TABLE_CLASSES: Readonly<Record<string, number>> = { cifar10: 10, cifar100: 100, imagenet16: 120 };

/** What the final step wrote (experiment/final.ts and the estimators' `final().model`). */
interface FinalExportFile {
  space?: string;
  arch?: string;
  network?: { family?: string; [field: string]: unknown };
  dataset?: string;
  report?: string;
  test_accuracy?: number;
  weights?: string;
}

/**
 * The final model of a finished experiment, read from the export files its final step wrote
 * (`<export>.json` and, for trained networks, `<export>.safetensors`). An experiment without a
 * final model (no complete trial, still running, or run with `export: false`) is a `StorageError`
 * (`NO_FINAL_MODEL`) saying what to do.
 */
export function experimentModel(experiment: ExperimentRecord): ExperimentModel {
  const name = experiment.name;
  const result = experiment.result as unknown as ExperimentResult | null;
  if (isStudyExperiment(experiment)) throw new StorageError('NO_FINAL_MODEL', `experiment ${name} is a define-by-run study: naskit trains nothing of it, so it has no final model; export the best trial's model from your program (study.bestParams)`);
  if (!result) throw new StorageError('NO_FINAL_MODEL', `experiment ${name} has not finished (status ${experiment.status}), so it has no final model yet; run \`naskit resume ${name}\` to finish it`);
  if (!result.best) throw new StorageError('NO_FINAL_MODEL', `experiment ${name} finished without a complete trial, so it has no model to export; see \`naskit trials ${name}\``);
  if (!result.export) throw new StorageError('NO_FINAL_MODEL', `experiment ${name} wrote no export file (its config has export: false or final.report: false); run a search with export enabled`);
  let file: FinalExportFile;
  try {
    file = JSON.parse(readFileSync(result.export, 'utf8')) as FinalExportFile;
  } catch (error) {
    throw new DataError('EXPORT_MISSING', `experiment ${name}: its export file ${result.export} cannot be read (${(error as Error).message}); it was moved or deleted`);
  }
  const space = file.space ?? 'nb201';
  const arch = file.arch ?? result.best.arch;
  const dataset = file.dataset ?? null;
  let model: ModelSpec;
  let preprocessing: ArchitectureDocument['preprocessing'] = null;
  if (file.network?.family) {
    if (!dataset || !(DATASET_NAMES as readonly string[]).includes(dataset)) throw new DataError('EXPORT_MISSING', `experiment ${name}: its export file ${result.export} names no known data set (${dataset})`);
    preprocessing = datasetPreprocessing(dataset as DatasetName);
    const io = { inChannels: preprocessing.input.channels, numClasses: preprocessing.classes.length, seed: 0 };
    const { family, options, ...fields } = file.network;
    if (options && typeof options === 'object') {
      // The train estimator's final step: the space (family) and the options its network was built with (any trainable space).
      model = { kind: 'space', space: family, options: options as Record<string, Value>, arch, ...io };
    } else {
      // Older export files: the family is a ModelSpec kind and the other fields are its (nb201: channels, cells).
      model = { kind: family, arch, ...io, ...fields } as ModelSpec;
    }
  } else {
    // A tabular search: the benchmark's own network (C=16, N=5) of the data set it was looked up on.
    model = { kind: 'nb201', arch, inChannels: 3, numClasses: TABLE_CLASSES[dataset ?? 'cifar10'] ?? 10, channels: 16, cells: 5, seed: 0 };
    if (dataset === 'cifar10') preprocessing = datasetPreprocessing('cifar10');
  }
  let weights: SafetensorsFile | null = null;
  if (file.weights) {
    const path = join(dirname(result.export), file.weights);
    if (!existsSync(path)) throw new DataError('EXPORT_MISSING', `experiment ${name}: its weights file ${path} is missing; it was moved or deleted`);
    weights = decodeSafetensors(readFileSync(path), path);
  }
  const doc: ArchitectureDocument = {
    format: 'naskit-architecture',
    version: 1,
    space,
    arch,
    model,
    preprocessing,
    weights: null,
    source: { experiment: name, trial: result.best.number, dataset, test_accuracy: result.best.test_accuracy, report: result.best.report },
  };
  return { doc, weights };
}
