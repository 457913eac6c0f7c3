import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import { DataError } from '../errors.js';
import { buildModel } from '../engine/model-spec.js';
import { StateDictMismatch, type Layer } from '../engine/nn/module.js';
import { decodeSafetensors, encodeSafetensors, type SafetensorsFile, type SafetensorsTensor } from '../engine/safetensors.js';
import { loadSafetensorsFile } from '../engine/state-bytes.js';
import { parseArchitectureDocument, readArchitectureFile, SAFETENSORS_ARCHITECTURE_KEY, type ArchitectureDocument } from './architecture.js';
import type { ExperimentModel } from './from-experiment.js';
import { ExportError } from './graph.js';
import { exportOnnx } from './onnx.js';
import { METADATA_KEYS } from './preprocessing.js';

/** The formats of `naskit export`. */
export const EXPORT_FORMATS = ['json', 'safetensors', 'onnx'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** The weights file an architecture file at `jsonPath` names by default: same stem, `.safetensors`. */
export function companionWeights(jsonPath: string): string {
  return basename(jsonPath).replace(/\.json$/i, '') + '.safetensors';
}

/**
 * The bytes of one export format of a model. Everything that can fail (no weights, an unsupported
 * module) fails here, before anything is written.
 */
export function exportBytes(source: ExperimentModel, format: ExportFormat, outPath: string, producerVersion = ''): Uint8Array {
  const { doc, weights } = source;
  if (format === 'json') {
    const out: ArchitectureDocument = { ...doc, weights: weights ? companionWeights(outPath) : null };
    return new TextEncoder().encode(JSON.stringify(out, null, 2) + '\n');
  }
  const where = doc.source ? `experiment ${doc.source.experiment}` : 'this model';
  if (!weights) throw new ExportError('EXPORT_NO_WEIGHTS', `${where} has no trained weights (a tabular search only looks architectures up), so it exports as json only; train it with \`naskit train --arch-file\` or search with estimator.name: train`);
  if (format === 'safetensors') {
    const tensors: Record<string, SafetensorsTensor> = {};
    for (const [name, t] of Object.entries(weights.tensors)) tensors[name] = { data: t.data, shape: t.shape };
    return encodeSafetensors(tensors, { ...weights.metadata, [SAFETENSORS_ARCHITECTURE_KEY]: JSON.stringify({ ...doc, weights: null }) });
  }
  if (!doc.preprocessing) throw new ExportError('EXPORT_NO_PREPROCESSING', `${where}: its data set's input size and normalisation are not known to naskit, which an ONNX model needs`);
  const model = buildWithWeights(doc, weights, where);
  try {
    return exportOnnx(model, { preprocessing: doc.preprocessing, producerVersion, metadata: { [METADATA_KEYS.architecture]: JSON.stringify({ ...doc, weights: null }) } });
  } finally {
    model.dispose();
  }
}

/** Writes a file whole or not at all (a temporary file, then a rename), creating its folder. */
export function writeExportFile(path: string, bytes: Uint8Array): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, bytes);
  renameSync(tmp, path);
}

/** Builds the model of a document (libtorch engine) and loads the weights into it, in evaluation mode. */
export function buildWithWeights(doc: ArchitectureDocument, weights: SafetensorsFile | null, where: string): Layer {
  const model = buildModel(doc.model);
  try {
    if (weights) loadSafetensorsFile(model, weights);
  } catch (error) {
    model.dispose();
    if (!(error instanceof StateDictMismatch)) throw error;
    const first = [...error.missing, ...error.unexpected, ...error.mismatched].slice(0, 3).join('; ');
    throw new DataError('EXPORT_WEIGHTS_MISMATCH', `${where}: the weights do not fit the architecture (${error.missing.length} missing, ${error.unexpected.length} unexpected, ${error.mismatched.length} mis-shaped entries; first: ${first}); export both from the same experiment`, { cause: error });
  }
  return model.eval();
}

/** A naskit export found on disk: the architecture and its weights file (null: architecture only). */
export interface ExportOnDisk {
  readonly doc: ArchitectureDocument;
  readonly weightsPath: string | null;
  /** What the user named, for messages. */
  readonly source: string;
}

/**
 * Finds a naskit export: a folder holding one architecture file (`--format json`) and the weights it
 * names, an architecture file itself, or a weights file that carries its architecture
 * (`--format safetensors`).
 */
export function findExport(path: string): ExportOnDisk {
  if (!existsSync(path)) throw new DataError('DATA_MISSING', `${path} does not exist; give an export folder, architecture file (.json) or weights file (.safetensors) written by \`naskit export\``);
  if (statSync(path).isDirectory()) {
    const files = readdirSync(path).sort();
    const docs = files.filter((f) => extname(f).toLowerCase() === '.json').flatMap((f) => {
      try {
        return [{ file: f, doc: parseArchitectureDocument(JSON.parse(readFileSync(join(path, f), 'utf8')), join(path, f)) }];
      } catch {
        return [];
      }
    });
    if (docs.length > 1) throw new DataError('EXPORT_AMBIGUOUS', `${path} holds ${docs.length} architecture files (${docs.map((d) => d.file).join(', ')}); name one of them instead of the folder`);
    if (docs.length === 1) return withWeights(docs[0].doc, join(path, docs[0].file));
    const weights = files.filter((f) => extname(f).toLowerCase() === '.safetensors');
    if (weights.length === 1) return fromWeights(join(path, weights[0]));
    throw new DataError('EXPORT_MISSING', `${path} holds no naskit export (an architecture .json with its .safetensors, or one .safetensors); write them with \`naskit export NAME --format json|safetensors --out ${path}/model.json\``);
  }
  if (extname(path).toLowerCase() === '.safetensors') return fromWeights(path);
  return withWeights(readArchitectureFile(path), path);
}

function withWeights(doc: ArchitectureDocument, jsonPath: string): ExportOnDisk {
  const name = doc.weights ?? companionWeights(jsonPath);
  const weightsPath = join(dirname(jsonPath), name);
  return { doc, weightsPath: existsSync(weightsPath) ? weightsPath : null, source: jsonPath };
}

function fromWeights(path: string): ExportOnDisk {
  const file = decodeSafetensors(readFileSync(path), path);
  const text = file.metadata[SAFETENSORS_ARCHITECTURE_KEY];
  if (!text) throw new DataError('EXPORT_MISSING', `${path}: the weights carry no architecture (metadata ${SAFETENSORS_ARCHITECTURE_KEY}); export them with \`naskit export NAME --format safetensors\` or put the architecture .json beside them`);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new DataError('SAFETENSORS_CORRUPT', `${path}: metadata ${SAFETENSORS_ARCHITECTURE_KEY} is not JSON; re-export it`);
  }
  return { doc: parseArchitectureDocument(value, `${path} (metadata ${SAFETENSORS_ARCHITECTURE_KEY})`), weightsPath: path, source: path };
}

/** Reloads a naskit export into the engine: the model with its trained weights, in evaluation mode. */
export function loadExport(path: string): { doc: ArchitectureDocument; model: Layer } {
  const found = findExport(path);
  if (!found.weightsPath) throw new DataError('EXPORT_MISSING', `${found.source}: its weights file (${found.doc.weights ?? companionWeights(found.source)}) is not beside it; write it with \`naskit export NAME --format safetensors\``);
  const weights = decodeSafetensors(readFileSync(found.weightsPath), found.weightsPath);
  return { doc: found.doc, model: buildWithWeights(found.doc, weights, found.weightsPath) };
}
