import { cpus, totalmem } from 'node:os';
import { execSync } from 'node:child_process';

/** One line naming the machine a benchmark ran on (for the committed results). */
export function machineLine(): string {
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  let kernel = '';
  try {
    kernel = execSync('uname -srm', { encoding: 'utf8' }).trim();
  } catch {
    kernel = process.platform;
  }
  return `${cpus().length} cores (${cpu}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB, ${kernel}, Node ${process.version}`;
}
