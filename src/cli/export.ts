import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { EXPORT_FORMATS, exportBytes, experimentModel, predict, writeExportFile, type ExportFormat } from '../export/index.js';
import { projectRoot } from '../util/paths.js';
import { printJson, printLine, type CliContext } from './context.js';
import { UsageError } from './errors.js';
import { requireExperiment, withStore } from './experiment-session.js';

const STORAGE_HELP = 'storage URL (default NASKIT_STORAGE, else sqlite:///<cwd>/.naskit/naskit.db)';

function version(): string {
  return (JSON.parse(readFileSync(join(projectRoot(), 'package.json'), 'utf8')) as { version: string }).version;
}

/** `naskit export NAME --format json|safetensors|onnx --out PATH` (CONTRACT.md). */
export function registerExport(program: Command, context: CliContext): void {
  program
    .command('export')
    .description("write an experiment's final model: its architecture (json), trained weights (safetensors) or a self-contained ONNX model")
    .argument('<name>', 'experiment name')
    .requiredOption('--format <format>', EXPORT_FORMATS.join(', '))
    .requiredOption('--out <path>', 'file to write (its folder is created)')
    .option('--storage <url>', STORAGE_HELP)
    .option('--json', 'print one JSON document')
    .action(async (name: string, flags: { format: string; out: string; storage?: string; json?: boolean }) => {
      if (!(EXPORT_FORMATS as readonly string[]).includes(flags.format)) throw new UsageError(`--format ${JSON.stringify(flags.format)} is unknown; valid: ${EXPORT_FORMATS.join(', ')}`);
      const format = flags.format as ExportFormat;
      const out = resolve(flags.out);
      const bytes = await withStore(context, flags.storage, async (store) => exportBytes(experimentModel(await requireExperiment(store, name)), format, out, version()));
      // Everything that can fail has failed by now: the file appears whole or not at all.
      writeExportFile(out, bytes);
      if (flags.json) return printJson(context, { name, format, out, bytes: bytes.length });
      printLine(context, `${name}: wrote ${format} to ${out} (${bytes.length} bytes)`);
    });
}

/** `naskit predict MODEL.onnx|EXPORT_DIR --input FILE|DIR [--json]` (CONTRACT.md). */
export function registerPredict(program: Command, context: CliContext): void {
  program
    .command('predict')
    .description('classify images (JPEG files, a folder of them, or IDX) with an ONNX model (onnxruntime) or a naskit export (engine)')
    .argument('<model>', 'an .onnx file, or a naskit export: folder, architecture .json or weights .safetensors')
    .requiredOption('--input <path>', 'a JPEG or IDX file, or a folder of them')
    .option('--top <K>', 'classes listed per image', '3')
    .option('--json', 'print one JSON document')
    .action(async (model: string, flags: { input: string; top: string; json?: boolean }) => {
      const top = Number(flags.top);
      if (!Number.isInteger(top) || top < 1) throw new UsageError(`--top must be a positive integer, got ${JSON.stringify(flags.top)}`);
      const { predictions } = await predict(model, flags.input, { top });
      if (flags.json) return printJson(context, { predictions });
      for (const p of predictions) printLine(context, `${p.input}: ${p.top.map((t) => `${t.class} ${(100 * t.probability).toFixed(1)}%`).join(', ')}`);
    });
}
