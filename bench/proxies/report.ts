/**
 * Writes bench/results/proxies.md from the JSON lines of bench/proxies/run.ts: Spearman's ρ of each
 * proxy with test_200ep_mean of the data set, over the architectures scored so far, beside the
 * published figures.
 *
 *   node dist/bench/proxies/report.js
 */
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Nb201Table, type Nb201Dataset } from '../../src/space/nb201/table.js';
import { PROXY_NAMES } from '../../src/estimate/proxy/index.js';
import { dataDir, projectRoot } from '../../src/util/paths.js';
import { machineLine } from '../machine.js';
import { OUT } from './run.js';
import { spearman } from './spearman.js';

const TABLE: Record<string, Nb201Dataset> = { cifar10: 'cifar10', cifar100: 'cifar100', 'ImageNet16-120': 'imagenet16' };

/** Abdelfattah et al. (ICLR 2021) on NAS-Bench-201 CIFAR-10, as quoted in issue 12 (all 15,625 architectures, C=16, N=5, batch 64). */
const PUBLISHED_CIFAR10: Partial<Record<string, number>> = { synflow: 0.74, jacob_cov: 0.73, snip: 0.58, grad_norm: 0.58 };

interface Row {
  index: number;
  scores: Record<string, number | null>;
  seconds: number;
}

/** CIFAR-10 first, then the two stand-ins, in NAS-Bench-201's order. */
function order(file: string): number {
  return Object.keys(TABLE).findIndex((d) => file.startsWith(`${d}-`));
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

function main(): void {
  const table = Nb201Table.load(dataDir());
  const files = existsSync(OUT) ? readdirSync(OUT).filter((f) => f.endsWith('.jsonl')).sort((a, b) => order(a) - order(b) || a.localeCompare(b)) : [];
  const lines: string[] = [];
  /** Architectures scored per file, for the note on unfinished files. */
  const counts = new Map<string, number>();
  for (const file of files) {
    const dataset = Object.keys(TABLE).find((d) => file.startsWith(`${d}-`))!;
    const rows = readFileSync(join(OUT, file), 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Row);
    counts.set(file, rows.length);
    const truth = rows.map((r) => table.accuracy(r.index, TABLE[dataset], 'test_200ep_mean'));
    const setting = file.replace(`${dataset}-`, '').replace('.jsonl', '');
    lines.push(`| ${dataset} | ${setting} | ${rows.length} | ${PROXY_NAMES.map((p) => spearman(rows.map((r) => r.scores[p] ?? Number.NEGATIVE_INFINITY), truth).toFixed(3)).join(' | ')} | ${median(rows.map((r) => r.seconds)).toFixed(1)} |`);
  }
  // Every data set should have its 1,000 architectures in the reduced setting; a file of another
  // setting (e.g. the benchmark's own C16-N5) counts on its own.
  const wanted = [...Object.keys(TABLE).map((d) => `${d}-C8-N1-B64.jsonl`), ...files.filter((f) => !f.includes('-C8-N1-B64'))];
  const missing = wanted
    .filter((f) => (counts.get(f) ?? 0) < 1000)
    .map((f) => `${f.replace('.jsonl', '')}: ${counts.get(f) ?? 0} of the 1,000 architectures (the first ${counts.get(f) ?? 0} of the same seeded draw)`);
  const fullSize = files.filter((f) => f.includes('-C16-N5-')).map((f) => f.replace('.jsonl', ''));
  const md = `# Zero-cost proxies on NAS-Bench-201

Spearman's ρ between each proxy and \`test_200ep_mean\` of the data set (the NAS-Bench-201 table,
mean over its seeds of the 200-epoch test accuracy), over the architectures scored: table indices
drawn without replacement with seed 0 (\`drawIndices\` in \`bench/proxies/draw.ts\`), each network
built with weights from seed 0 and scored on one minibatch of CIFAR-10 training images (seeded
shuffle, seed 0). Produced by \`bench/proxies/run.ts\` (one JSON line per architecture, under
\`bench/results/proxies/\`) and \`bench/proxies/report.ts\`. Definitions: docs/proxies.md.

| data set | setting | architectures | ${PROXY_NAMES.join(' | ')} | median s/arch |
| --- | --- | --- | ${PROXY_NAMES.map(() => '---').join(' | ')} | --- |
${lines.join('\n')}

${missing.length ? `**Not finished by the session's deadline** (every proxy was computed for each architecture listed; the rest were not scored): ${missing.join('; ')}. Correlations over so few architectures are rough; rerun \`bench/proxies/run.ts --dataset D\` to extend a file (it resumes).\n\n` : ''}Setting \`C8-N1-B64\`: the NAS-Bench-201 network at C = 8 channels and N = 1 cell per stage (the
benchmark trained C = 16, N = 5), scored on a minibatch of 64 images. The smaller network was
chosen so that 1,000 architectures fit in this session on a 2-core machine shared by eight
developers; so these figures are for the
reduced network, not a reproduction of the paper's setting.${fullSize.length ? ` Setting \`C16-N5-B64\` is the benchmark's own network (C = 16, N = 5), begun for ${fullSize.join(', ')} only (see the note on unfinished files above): it costs about ten times as much per architecture.` : ' The proxies were not computed at C = 16, N = 5 here.'}

**CIFAR-100 and ImageNet16-120 are stand-ins**: those data sets are not in \`../shared/data\`, so
their rows score the network with the data set's class count (100, 120) on *CIFAR-10* images with
CIFAR-10 labels (for ImageNet16-120 averaged down to 16×16, its resolution). The label-dependent
proxies (snip, grad_norm, grasp, fisher) therefore see 10 of the classes only, and the
data-dependent ones see other images than the benchmark trained on. Only the ground truth
(\`test_200ep_mean\`) is that data set's.

**Seconds per architecture** (all ten proxies together, one libtorch thread, \`nice -n 10\`) were
measured while the machine ran the other developers' builds and tests (load average 10–20 on 2
cores): a note on relative cost, not a result. In a separate measurement of three architectures
(same setting, same load) grasp (a double backward pass) took about 40 % of the time, NASWOT about
25 %, jacob_cov 13 %, zen 10 %, the shared snip / grad_norm / fisher pass 9 %, synflow 2 %,
params and FLOPs under 1 %.

## Published figures

| proxy | published ρ, CIFAR-10 | where it comes from |
| --- | --- | --- |
${Object.entries(PUBLISHED_CIFAR10).map(([p, v]) => `| ${p} | ${v!.toFixed(2)} | Abdelfattah et al., "Zero-Cost Proxies for Lightweight NAS", ICLR 2021, NAS-Bench-201 CIFAR-10 (all 15,625 architectures, full network); figure as quoted in naskit issue 12 |`).join('\n')}

Not compared here: the paper's CIFAR-100 / ImageNet16-120 columns and grasp / fisher figures
(not checked against the paper in this session), NASWOT's (Mellor et al. 2021 report Kendall's τ
on their own samples) and Zen-NAS's (Lin et al. 2021 do not report NAS-Bench-201 correlations).

Machine: ${machineLine()}.
`;
  writeFileSync(join(projectRoot(), 'bench', 'results', 'proxies.md'), md);
  process.stdout.write(md);
}

main();
