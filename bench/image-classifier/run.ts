// The one-call classifier's measurement on Fashion-MNIST (issue 17: ≥ 90 % test accuracy within 20
// minutes): runs examples/image-classifier.ts as a child process, watches the machine's load while
// it runs, and appends a dated section with its figures to bench/results/image-classifier.md.
//
//   node dist/bench/image-classifier/run.js [--results FILE] [--label TEXT] -- [image-classifier options]
//
// The real run (the library defaults, a 20-minute budget, all 60,000 / 10,000 images):
//   node dist/bench/image-classifier/run.js --label "library defaults" -- --budget 1200
// Everything after `--` goes to the example unchanged (e.g. --channels 8 --search-epochs 1).
import { execSync, spawn } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { projectRoot } from '../../src/util/paths.js';
import { machineLine } from '../machine.js';

const cut = process.argv.indexOf('--');
const own = cut < 0 ? process.argv.slice(2) : process.argv.slice(2, cut);
const passed = cut < 0 ? [] : process.argv.slice(cut + 1);
const { values } = parseArgs({
  args: own,
  options: {
    results: { type: 'string', default: join(projectRoot(), 'bench', 'results', 'image-classifier.md') },
    label: { type: 'string', default: 'library defaults' },
  },
});

/** What examples/image-classifier.ts prints as its last line. */
interface ExampleResult {
  arch: string;
  searchAccuracy: number;
  trials: number;
  finalEpochs: number;
  params: number;
  flops: number;
  testAccuracy: number;
  seconds: { fit: number; evaluate: number };
  export: string;
}

const script = join(projectRoot(), 'dist', 'examples', 'image-classifier.js');
const commit = (() => {
  try {
    return execSync('git rev-parse --short HEAD', { cwd: projectRoot(), encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
})();

// The 1-minute load average every 10 s: a run beside other jobs is a note, not a result.
const loads: number[] = [loadavg()[0]];
const watch = setInterval(() => loads.push(loadavg()[0]), 10_000);
const started = Date.now();
const child = spawn(process.execPath, [script, ...passed], { cwd: projectRoot(), stdio: ['ignore', 'pipe', 'inherit'] });
let stdout = '';
child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
const code: number = await new Promise((resolve) => child.on('exit', (c) => resolve(c ?? 1)));
clearInterval(watch);
const wall = (Date.now() - started) / 1000;
if (code !== 0) {
  process.stderr.write(`bench image-classifier: the example exited ${code}; nothing written\n`);
  process.exit(1);
}
const r = JSON.parse(stdout.trim().split('\n').at(-1)!) as ExampleResult;

const date = new Date().toISOString().slice(0, 10);
const low = Math.min(...loads);
const high = Math.max(...loads);
// Two cores: a load average well above 2 means other jobs shared them.
const shared = high > 2.5;
const section = [
  '',
  `## ${date}: ${values.label}`,
  '',
  `Command: \`node dist/examples/image-classifier.js ${passed.join(' ')}\` (commit ${commit}; through \`bench/image-classifier/run.ts\`).`,
  `Machine: ${machineLine()}; 1-minute load average ${low.toFixed(1)}–${high.toFixed(1)} during the run${shared ? ': **shared with other jobs**, so the times below are a note, not a result' : ' (nothing else running)'}.`,
  '',
  '| figure | value |',
  '|---|---|',
  `| trials | ${r.trials} |`,
  `| best cell | \`${r.arch.replaceAll('|', '\\|')}\` (${r.searchAccuracy.toFixed(2)} % held out during the search) |`,
  `| retraining epochs | ${r.finalEpochs} |`,
  `| params, FLOPs | ${r.params.toLocaleString('en-US')}, ${(r.flops / 1e6).toFixed(1)} M |`,
  `| **test accuracy** | **${r.testAccuracy.toFixed(2)} %** |`,
  `| fit, test pass, whole run (wall clock) | ${r.seconds.fit.toFixed(0)} s, ${r.seconds.evaluate.toFixed(0)} s, ${wall.toFixed(0)} s |`,
  '',
  `Target (issue 17): ≥ 90 % within 20 minutes — ${r.testAccuracy >= 90 && r.seconds.fit + r.seconds.evaluate <= 1200 ? 'met' : 'not met'} as measured.`,
  '',
].join('\n');
appendFileSync(values.results, section);
process.stdout.write(`${section}\nappended to ${values.results}\n`);
