import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { ConfigError, DataError } from '../errors.js';
import type { ModelSpec } from '../engine/model-spec.js';
import type { Preprocessing } from './preprocessing.js';

/**
 * An exported architecture (`naskit export NAME --format json`): what to build (`model`, a
 * {@link ModelSpec} as `engine/model-spec` builds it), what it was found as (`space`, `arch`), how
 * to feed it (`preprocessing`), where its trained weights are (`weights`, a safetensors file beside
 * it, or null) and where it came from (`source`). `naskit train --arch-file`, `naskit predict` and
 * the library reload it.
 */
export interface ArchitectureDocument {
  readonly format: 'naskit-architecture';
  readonly version: 1;
  readonly space: string;
  /** The architecture in its space's text form (NB201: the arch string), or null for a fixed network. */
  readonly arch: string | null;
  readonly model: ModelSpec;
  readonly preprocessing: Preprocessing | null;
  readonly weights: string | null;
  readonly source: { readonly experiment: string; readonly trial: number; readonly dataset: string | null; readonly test_accuracy: number | null; readonly report: string | null } | null;
}

const shapeSchema = z.strictObject({ channels: z.number().int().min(1), height: z.number().int().min(1), width: z.number().int().min(1) });

const documentSchema = z.object({
  format: z.literal('naskit-architecture'),
  version: z.literal(1),
  space: z.string().min(1),
  arch: z.string().nullable(),
  // Checked loosely here: `buildModel` knows the kinds and their fields, and says what is wrong.
  model: z.looseObject({ kind: z.string().min(1), inChannels: z.number().int().min(1), numClasses: z.number().int().min(1), seed: z.number().int().min(0) }),
  preprocessing: z
    .strictObject({
      input: shapeSchema,
      normalization: z.strictObject({ mean: z.array(z.number()), std: z.array(z.number().positive()) }),
      classes: z.array(z.string()),
      resize: z.literal('none'),
    })
    .nullable(),
  weights: z.string().nullable(),
  source: z.looseObject({ experiment: z.string(), trial: z.number().int() }).nullable(),
});

/** Validates a parsed architecture document; a `ConfigError` (`ARCH_FILE_INVALID`) names the bad fields and `source`. */
export function parseArchitectureDocument(value: unknown, source: string): ArchitectureDocument {
  const result = documentSchema.safeParse(value);
  if (!result.success) {
    const problems = result.error.issues.map((i) => `${i.path.join('.') || '(document)'}: ${i.message}`).join('; ');
    throw new ConfigError('ARCH_FILE_INVALID', `${source}: not a naskit architecture file (${problems}); write one with \`naskit export NAME --format json\``);
  }
  return result.data as unknown as ArchitectureDocument;
}

/** Reads and validates an architecture file (`naskit export --format json`). */
export function readArchitectureFile(path: string): ArchitectureDocument {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new DataError('DATA_MISSING', `cannot read ${path}: ${(error as Error).message}; check the path of the architecture file`, { cause: error });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ConfigError('ARCH_FILE_INVALID', `${path}: not JSON (${(error as Error).message}); write one with \`naskit export NAME --format json\``);
  }
  return parseArchitectureDocument(value, path);
}

/** The safetensors metadata key that carries the architecture document, so a weights file describes itself. */
export const SAFETENSORS_ARCHITECTURE_KEY = 'naskit.architecture';
