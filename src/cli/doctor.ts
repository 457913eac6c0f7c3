import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { printJson, printLine, type CliContext } from './context.js';
import { storageProbe } from './storage-probe.js';
import { engineProbe } from './engine-probe.js';

/** One line of `naskit doctor`: what was checked, whether it works, and the fix when it does not. */
export interface DoctorCheck {
  readonly name: string;
  readonly ok: boolean;
  readonly detail: string;
  readonly fix: string | null;
}

/** A check contributed by a part of naskit (engine, storage, data). */
export type DoctorProbe = (context: CliContext) => Promise<DoctorCheck[]> | DoctorCheck[];

/** The data files naskit reads, relative to `NASKIT_DATA`. */
const DATA_FILES = [
  'nb201/nb201_tss.csv',
  'nb201/nb201_tss_train_time_s.csv',
  'nb201/nb201_latency_ms.csv',
  'fbnet/fbnet_latency_ms.csv',
  'mnist/train-images-idx3-ubyte.gz',
  'fashion-mnist/train-images-idx3-ubyte.gz',
  'cifar10/train.tar.gz',
  'cifar10/test.tar.gz',
];

export const dataProbe: DoctorProbe = (context) =>
  DATA_FILES.map((file) => {
    const path = join(context.dataDir, file);
    const ok = existsSync(path);
    return { name: `data ${file}`, ok, detail: path, fix: ok ? null : `set NASKIT_DATA to the folder holding naskit's data (now ${context.dataDir})` };
  });

/** Probes run by `naskit doctor`; parts of naskit add theirs here, one line each. */
export const DOCTOR_PROBES: DoctorProbe[] = [dataProbe, storageProbe, engineProbe];

export function registerDoctor(program: Command, context: CliContext): void {
  program
    .command('doctor')
    .description('say what works and what is missing (engine, data, storage), with the fix for each')
    .option('--json', 'print one JSON document')
    .action(async (options: { json?: boolean }) => {
      const checks: DoctorCheck[] = [];
      for (const probe of DOCTOR_PROBES) checks.push(...(await probe(context)));
      if (options.json) return printJson(context, { ok: checks.every((c) => c.ok), checks });
      for (const c of checks) printLine(context, `${c.ok ? 'ok  ' : 'MISS'} ${c.name}: ${c.detail}${c.fix ? `\n     fix: ${c.fix}` : ''}`);
    });
}
