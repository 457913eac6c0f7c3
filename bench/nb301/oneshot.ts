/**
 * The genotypes `naskit oneshot` found on the DARTS space, as bench/oneshot/darts.ts saves them
 * (one JSON per search under bench/results/oneshot-darts/: method, seed, settings, per-epoch
 * history, final genotype), read for bench/results/nb301.md, which scores each final genotype with
 * the NAS-Bench-301 surrogate beside the literature's. The directory may be missing or empty (the
 * searches run on another branch); a file that cannot be read is listed as skipped, not scored.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DartsSpace } from '../../src/space/darts/space.js';

/** One search's final genotype with the label and source the report prints. */
export interface OneshotGenotype {
  readonly file: string;
  readonly method: string;
  readonly seed: number;
  /** `naskit oneshot METHOD, seed S, (settings)`. */
  readonly name: string;
  readonly source: string;
  readonly genotype: string;
}

/** The searches of a directory of bench/oneshot/darts.ts results, by method then seed, and the files skipped with the reason. */
export function readOneshotGenotypes(dir: string, shownDir = dir): { genotypes: OneshotGenotype[]; skipped: { file: string; reason: string }[] } {
  const genotypes: OneshotGenotype[] = [];
  const skipped: { file: string; reason: string }[] = [];
  if (!existsSync(dir)) return { genotypes, skipped };
  const space = new DartsSpace();
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.json')).sort()) {
    try {
      const run = JSON.parse(readFileSync(join(dir, file), 'utf8')) as Record<string, unknown>;
      const { method, seed, genotype } = run;
      if (typeof method !== 'string' || typeof seed !== 'number' || typeof genotype !== 'string') throw new Error('no method, seed or genotype');
      space.parse(genotype);
      genotypes.push({ file, method, seed, name: `naskit oneshot ${method}, seed ${seed}, (${settingsText(run)})`, source: `bench/oneshot/darts.ts; \`${shownDir}/${file}\`${typeof run.date === 'string' ? ` (${run.date.slice(0, 10)})` : ''}`, genotype });
    } catch (error) {
      skipped.push({ file, reason: error instanceof Error ? error.message.split('\n')[0] : String(error) });
    }
  }
  genotypes.sort((a, b) => a.method.localeCompare(b.method) || a.seed - b.seed || a.file.localeCompare(b.file));
  return { genotypes, skipped };
}

/** The search's settings as the row label shows them: supernet, data, batch, epochs run, and why it stopped early. */
function settingsText(run: Record<string, unknown>): string {
  const s = (run.settings ?? {}) as Record<string, unknown>;
  const n = (v: unknown): string | null => (typeof v === 'number' ? v.toLocaleString('en-US') : null);
  const parts: string[] = [];
  if (n(s.channels) && n(s.cells)) parts.push(`supernet C=${n(s.channels)}, N=${n(s.cells)}`);
  if (n(s.subset)) parts.push(`${n(s.subset)} CIFAR-10 images`);
  if (n(s.batchSize)) parts.push(`batch ${n(s.batchSize)}`);
  const ran = Array.isArray(run.history) ? run.history.length : null;
  if (n(s.epochs)) parts.push(ran === null ? `${n(s.epochs)} epochs` : `${ran}/${n(s.epochs)} epochs`);
  if (typeof run.stopped === 'string' && run.stopped) parts.push(`stopped: ${run.stopped}`);
  return parts.length > 0 ? parts.join('; ') : 'settings not recorded';
}
