/**
 * The NAS-Bench-301 benchmark behind bench/results/nb301.md: every single-objective strategy over
 * 30 seeds at 300 queries of full-fidelity (98-epoch) evaluations (the curve gives 100), and the
 * multi-fidelity strategies (hyperband, bohb, asha) on the epoch axis 1…98 against the same
 * strategies at full fidelity under equal simulated training time. Each cell is saved as JSON
 * under bench/results/nb301/, so the run resumes cell by cell; `--report` rebuilds the Markdown
 * (and scores the literature's genotypes, which needs only the surrogate).
 *
 *   nice -n 10 node dist/bench/nb301/run.js [--strategies a,b] [--kinds q300,b500k,b1500k] [--seeds 30] [--report]
 *     [--option key=value …] [--per-seed [--seed-from A]]
 *
 * `--option` gives the query cells a strategy option and names them after it (bananas with
 * `encoding=adjacency` → bananas-adjacency__q300). `--per-seed` runs the query cells one seed at a
 * time (seeds A…A+seeds−1), keeping each finished seed under bench/results/nb301/per-seed/ and the
 * cell as the merge of the seeds saved so far (bench/nb301/per-seed.ts).
 */
import { execSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { NB301_EPOCH_AXIS_STRATEGIES, runNb301Benchmark, type Nb301BenchmarkReport } from '../../src/benchmark/nb301.js';
import { pairedDifference, round, spearman } from '../../src/benchmark/stats.js';
import { Nb301Surrogate, SurrogateEstimator } from '../../src/estimate/nb301-surrogate.js';
import { DartsSpace } from '../../src/space/darts/space.js';
import { STRATEGIES } from '../../src/strategy/registry.js';
import { dataDir, projectRoot } from '../../src/util/paths.js';
import { Rng } from '../../src/util/rng.js';
import { machineLine } from '../machine.js';
import { LITERATURE_GENOTYPES, NASLIB_PUBLISHED } from './literature.js';
import { readOneshotGenotypes } from './oneshot.js';
import { mergeSeedReports } from './per-seed.js';

const OUT = join(projectRoot(), 'bench', 'results', 'nb301');
/** Where bench/oneshot/darts.ts saves its searches (one JSON each). */
const ONESHOT_DIR = join(projectRoot(), 'bench', 'results', 'oneshot-darts');
/** The commit whose src/ computed the committed cells (the run started before the script itself was committed). */
const CELLS_COMMIT = 'ff9e3a9';
/** Why a slow strategy ran at 300 queries only with non-default options (measured before the run; see bench/results/nb301.md). */
const SLOW_NOTES: Record<string, string> = {
  bananas:
    'its default path encoding, 5,600 features on this space, took 79.3 CPU s for the first 160 queries of seed 0 in a probe on 2026-12-07 (nice 19, one thread, shared machine: a note), ' +
    'each 20 queries costing more as results accumulate (5.8 s at 20–40 queries, 16.6 s at 140–160); extrapolated linearly, about 250 CPU s per 300-query search, about 125 CPU-minutes for 30 seeds, ' +
    'more than the session could give it; the adjacency encoding took 34–51 CPU s per 300-query search (1,170 CPU s for the 30 seeds), and its first 100 queries equal the 100-query cell, seed by seed',
};
const MULTI_OBJECTIVE_ONLY = new Set(['nsga2', 'random-scalarization']);
/** Slow model-based strategies last, so that the fast ones finish first on a shared machine. */
const SLOW = ['bo-gp', 'bananas', 'pnas'];
/** Simulated budgets: about 100 and 300 full-fidelity evaluations (a random genotype's predicted 98-epoch training takes about 5,050 s). */
const BUDGETS: Record<string, number> = { b500k: 500_000, b1500k: 1_500_000 };
/** Full-fidelity strategies run beside the multi-fidelity ones under the same budgets, for scale. */
const TIME_BASELINES = ['random', 'rea', 'local'];

interface Cell {
  readonly id: string;
  readonly strategy: string;
  readonly queries?: number;
  readonly budgetSeconds?: number;
  readonly fidelity: 'epochs' | 'full';
  readonly options?: Record<string, unknown>;
}

/** A strategy's cell name with the options given on the command line (`bananas` + `encoding=adjacency` → `bananas-adjacency`). */
const variant = (strategy: string, options: Record<string, unknown>): string => [strategy, ...Object.values(options).map(String)].join('-');

/** Strategies run with non-default options at 300 queries, as the report labels them. */
const VARIANTS: readonly { readonly id: string; readonly strategy: string; readonly label: string }[] = [{ id: 'bananas-adjacency', strategy: 'bananas', label: 'bananas, adjacency encoding' }];

function cells(strategies: readonly string[], kinds: readonly string[], options: Record<string, unknown> = {}): Cell[] {
  const out: Cell[] = [];
  // Every strategy at full fidelity: each query is one 98-epoch evaluation. The slow model-based
  // strategies go last, after the budget cells. Options given with --option apply to these cells
  // only, and name them (e.g. bananas-adjacency__q300).
  const given = Object.keys(options).length > 0 ? { options } : {};
  const query = (list: readonly string[]): Cell[] => (kinds.includes('q300') ? list.map((strategy) => ({ id: `${variant(strategy, options)}__q300`, strategy, queries: 300, fidelity: 'full' as const, ...given })) : []);
  out.push(...query(strategies.filter((s) => !SLOW.includes(s))));
  for (const kind of kinds.filter((k) => k in BUDGETS)) {
    for (const strategy of strategies.filter((s) => NB301_EPOCH_AXIS_STRATEGIES.includes(s))) {
      out.push({ id: `${strategy}__epochs__${kind}`, strategy, budgetSeconds: BUDGETS[kind], fidelity: 'epochs' });
      out.push({ id: `${strategy}__full__${kind}`, strategy, budgetSeconds: BUDGETS[kind], fidelity: 'full' });
    }
    for (const strategy of strategies.filter((s) => TIME_BASELINES.includes(s))) {
      out.push({ id: `${strategy}__full__${kind}`, strategy, budgetSeconds: BUDGETS[kind], fidelity: 'full' });
    }
  }
  // ASHA starting at 11 epochs (early-stopping rate 2), since 1 and 4 epochs rank genotypes poorly here.
  for (const kind of kinds.filter((k) => k in BUDGETS && strategies.includes('asha'))) {
    out.push({ id: `asha-s2__epochs__${kind}`, strategy: 'asha', budgetSeconds: BUDGETS[kind], fidelity: 'epochs', options: { early_stopping_rate: 2 } });
  }
  out.push(...query(strategies.filter((s) => SLOW.includes(s))));
  // The slow model-based strategies at 100 queries only (300 did not fit the session), fastest
  // first; BANANAS also on the adjacency encoding, about 8 times faster than its path encoding here.
  if (kinds.includes('q100')) {
    for (const strategy of ['pnas', 'bo-gp'].filter((x) => strategies.includes(x))) out.push({ id: `${strategy}__q100`, strategy, queries: 100, fidelity: 'full' });
    if (strategies.includes('bananas')) out.push({ id: 'bananas-adjacency__q100', strategy: 'bananas', queries: 100, fidelity: 'full', options: { encoding: 'adjacency' } });
  }
  return out;
}

function load(id: string): Nb301BenchmarkReport | null {
  const path = join(OUT, `${id}.json`);
  return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as Nb301BenchmarkReport) : null;
}

/** Seed numbers as ranges: 0–11, 15–20. */
function seedRanges(ids: readonly number[]): string {
  const parts: string[] = [];
  for (let i = 0; i < ids.length; ) {
    let j = i;
    while (j + 1 < ids.length && ids[j + 1] === ids[j] + 1) j++;
    parts.push(i === j ? String(ids[i]) : `${ids[i]}–${ids[j]}`);
    i = j + 1;
  }
  return parts.join(', ');
}

const fmt = (m: number, s: number, n: number): string => `${m.toFixed(2)} ± ${(s / Math.sqrt(n)).toFixed(2)}`;
const at = (r: Nb301BenchmarkReport, q: number): string => {
  const i = r.curve.findIndex((c) => c.queries === q);
  return i < 0 ? '–' : fmt(r.curve[i].mean, r.curve[i].std, r.seeds);
};

/** The literature's genotypes, then those naskit's one-shot searches saved (bench/oneshot/darts.ts), scored at 10, 50 and 98 epochs. */
async function literatureRows(surrogate: Nb301Surrogate): Promise<string[]> {
  const space = new DartsSpace();
  const estimator = new SurrogateEstimator(surrogate, space);
  const lines = ['| genotype | source | 10 epochs | 50 epochs | 98 epochs | predicted training time, 98 epochs (s) |', '|---|---|---|---|---|---|'];
  const oneshot = readOneshotGenotypes(ONESHOT_DIR, 'bench/results/oneshot-darts');
  for (const g of [...LITERATURE_GENOTYPES, ...oneshot.genotypes]) {
    const sample = space.parse(g.genotype);
    const [e10, e50, e98] = await estimator.predict([10, 50, 98].map((epochs) => ({ sample, epochs })));
    lines.push(`| ${g.name} | ${g.source} | ${e10.accuracy.toFixed(2)} | ${e50.accuracy.toFixed(2)} | ${e98.accuracy.toFixed(2)} | ${e98.runtimeSeconds.toFixed(0)} |`);
  }
  lines.push('', "The data README's check values for DARTS V2 are 0.768 / 0.886 / 0.929 at 10 / 50 / 98 epochs (reproduced above; the test `test/estimate/nb301-surrogate.test.ts` asserts them).");
  if (oneshot.genotypes.length === 0) {
    lines[lines.length - 1] += ' No genotype found by `naskit oneshot` on the DARTS space is scored here: bench/results/oneshot-darts/ (where bench/oneshot/darts.ts saves one JSON per search) held no search result when this report was generated.';
  } else {
    const methods = [...new Set(oneshot.genotypes.map((g) => g.method))];
    lines[lines.length - 1] +=
      (oneshot.genotypes.length === 1 ? ' The row "naskit oneshot …" is the final genotype of the one-shot search' : ` The rows "naskit oneshot …" are the final genotypes of the ${oneshot.genotypes.length} one-shot searches`) +
      ` (${methods.join(', ')}) saved in bench/results/oneshot-darts/ by bench/oneshot/darts.ts, each searched on a reduced supernet and a subset of CIFAR-10 (settings in the row; see bench/results/oneshot-darts.md), and scored here by the same surrogate as the literature's; none was retrained.`;
  }
  if (oneshot.skipped.length > 0) lines.push('', `Not scored (unreadable): ${oneshot.skipped.map((s) => `\`${s.file}\` (${s.reason})`).join('; ')}.`);
  return lines;
}

/** How well each rung's epochs rank genotypes the way 98 epochs do: Spearman over 1,000 uniform genotypes (seed 0). */
async function fidelityRows(surrogate: Nb301Surrogate): Promise<string[]> {
  const space = new DartsSpace();
  const estimator = new SurrogateEstimator(surrogate, space);
  const rng = new Rng(0);
  const samples = Array.from({ length: 1000 }, () => space.random(rng));
  const at = async (epochs: number): Promise<number[]> => (await estimator.predict(samples.map((sample) => ({ sample, epochs })))).map((p) => p.accuracy);
  const full = await at(98);
  const lines = ['| epochs | Spearman with 98 epochs | mean predicted accuracy | mean predicted training time (s) |', '|---|---|---|---|'];
  for (const epochs of [1, 4, 11, 33, 98]) {
    const predictions = await estimator.predict(samples.map((sample) => ({ sample, epochs })));
    const accuracy = predictions.map((p) => p.accuracy);
    const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
    lines.push(`| ${epochs} | ${spearman(accuracy, full).toFixed(3)} | ${mean(accuracy).toFixed(2)} | ${mean(predictions.map((p) => p.runtimeSeconds)).toFixed(0)} |`);
  }
  return lines;
}

async function report(strategies: readonly string[]): Promise<string> {
  const surrogate = await Nb301Surrogate.load(dataDir());
  let commit = 'unknown';
  try {
    commit = execSync('git rev-parse --short HEAD', { encoding: 'utf8' }).trim();
  } catch {
    // Not a git checkout: the commit stays unknown.
  }
  const lines: string[] = [];
  lines.push('# NAS-Bench-301: strategies on the DARTS space through the surrogate', '');
  lines.push(
    `Generated by \`nice -n 10 node dist/bench/nb301/run.js\` (the cells, bench/results/nb301/*.json, one process at a time) then \`--report\` (this file, on ${new Date().toISOString().slice(0, 10)} at commit ${commit}); ${machineLine()}. ` +
      `The cells were computed on 2026-12-07 with the search code of commit ${CELLS_COMMIT}, those of asha, random, rea and local at 1,500,000 s, of ASHA from 11 epochs and of the 100-query runs with that of commit 39008ba (ASHA's rungs kept sorted instead of sorted on every ask: the same promotions, per-seed results checked identical); the commits between changed how reports are assembled, not what a search does. bo-gp at 300 queries was computed with the search code of commit 86539d4 (before f9463f6, which makes bo-gp faster with the same asks; its first 100 queries equal the 100-query cell, seed by seed), and bananas at 300 queries one seed at a time (\`--per-seed\`, bench/nb301/per-seed.ts; nice 19, two processes on disjoint seed ranges) with that of commit 5c1bf38 (after f6f0a13, which makes bananas faster with the same asks); bananas with its default path encoding at 300 queries the same way (two processes of 15 seeds, nice 19) with the search code of commit c5bb3d0 (bananas unchanged since 5c1bf38), its 100-query figures read from the same runs.`,
    '',
  );
  lines.push(
    'Protocol: the surrogate (`../shared/data/nb301/model_v2.onnx`, YAHPO Gym\'s model of the NAS-Bench-301 data) predicts the CIFAR-10 validation accuracy and training time of a DARTS genotype after 1–98 epochs. A search sees the predicted accuracy at its proposal\'s epochs (98 unless a multi-fidelity strategy chooses fewer); the architecture it returns is its best at the highest fidelity it evaluated; the figure reported is that architecture\'s predicted validation accuracy (%) after 98 epochs. The surrogate is deterministic (no noise model). Mean ± standard error of the mean over seeds 0–29. Simulated cost = the predicted training time at the evaluated epochs; a promoted configuration pays its whole training time again.',
    '',
  );

  lines.push('## The literature\'s genotypes, scored by the same surrogate', '');
  lines.push(...(await literatureRows(surrogate)), '');

  lines.push('## Every single-objective strategy, 100 and 300 queries of 98-epoch evaluations', '');
  lines.push('Registered defaults; hyperband, bohb and asha at full fidelity here (`--full-fidelity`: every evaluation 98 epochs, so hyperband and asha are random search and bohb its model). Multi-objective strategies (nsga2, random-scalarization) are left out.', '');
  lines.push('| strategy | @100 | @300 | best returned (of 30) | ms/query (under load: a note) | NASLib, published |', '|---|---|---|---|---|---|');
  // A row per strategy with a 300-query cell, and per variant (non-default options) with one. A
  // cell computed seed by seed may hold fewer than 30 seeds: the row says which.
  const partial = (r: Nb301BenchmarkReport): string => (r.seeds < 30 ? ` (${r.seeds} seeds only: ${seedRanges(seedIds(r))})` : '');
  const rows = [...strategies.map((s) => ({ label: s, strategy: s, id: s })), ...VARIANTS.map((v) => ({ label: v.label, strategy: v.strategy, id: v.id }))]
    .map((x) => ({ ...x, r: load(`${x.id}__q300`) }))
    .filter((x): x is { label: string; strategy: string; id: string; r: Nb301BenchmarkReport } => x.r !== null);
  rows.sort((a, b) => b.r.final.mean - a.r.final.mean);
  for (const { label, strategy, r } of rows) {
    lines.push(`| ${label}${partial(r)} | ${at(r, 100)} | ${at(r, 300)} | ${r.best.predicted.toFixed(2)}${r.seeds < 30 ? ` (of ${r.seeds})` : ''} | ${r.ms_per_query.toFixed(2)} | ${NASLIB_PUBLISHED[strategy] ?? ''} |`);
  }
  // The slow strategies that ran 100 queries only (their "best returned" is of 30 searches of 100 queries).
  const short = [...strategies.map((s) => ({ label: s, strategy: s, id: s })), ...VARIANTS.map((v) => ({ label: v.label, strategy: v.strategy, id: v.id }))]
    .map((x) => ({ ...x, r: load(`${x.id}__q100`) }))
    .filter((x): x is { label: string; strategy: string; id: string; r: Nb301BenchmarkReport } => x.r !== null && !load(`${x.id}__q300`));
  for (const { label, strategy, r } of short) lines.push(`| ${label} (100 queries only) | ${at(r, 100)} | – | ${r.best.predicted.toFixed(2)} | ${r.ms_per_query.toFixed(2)} | ${NASLIB_PUBLISHED[strategy] ?? ''} |`);
  const missing = strategies.filter((s) => !load(`${s}__q300`));
  if (missing.length > 0) {
    const notes = missing.map((s) => {
      const variants = VARIANTS.filter((v) => v.strategy === s && load(`${v.id}__q300`));
      if (variants.length > 0) return `${s} did not run at 300 queries with its defaults; it ran as ${variants.map((v) => `"${v.label}"`).join(' and ')} instead (${SLOW_NOTES[s] ?? 'see its row'}).`;
      return `${s} did not run at 300 queries (it did not fit before the session's deadline on the shared machine)${load(`${s}__q100`) ? '; it ran 100 queries over 30 seeds with default options' : ''}.`;
    });
    lines.push('', `Not at 300 queries with default options: ${missing.join(', ')}. ${notes.join(' ')}`);
  }
  const random = load('random__q300');
  if (random) {
    lines.push('', 'Paired against random search on the same seeds (at 300 queries; t > 2.045 is the two-sided 5 % point at 29 degrees of freedom, for 30 seeds):', '', '| strategy | mean difference | t | wins / losses / ties |', '|---|---|---|---|');
    for (const { label, r } of rows.filter((x) => x.id !== 'random')) {
      if (r.seeds < 2) continue;
      const d = pairedDifference(r.per_seed, seedIds(r).map((k) => random.per_seed[k]));
      lines.push(`| ${label}${partial(r)} | ${d.mean.toFixed(3)} | ${d.t.toFixed(2)} | ${d.wins} / ${d.losses} / ${d.ties} |`);
    }
  }
  const random100 = (r: Nb301BenchmarkReport): readonly number[] | null => {
    const i = r.curve.findIndex((c) => c.queries === 100);
    return i < 0 ? null : r.per_seed_curve[i];
  };
  if (random && short.length > 0) {
    lines.push('', 'The 100-query runs paired against random search at 100 queries (same seeds):', '', '| strategy | mean difference | t | wins / losses / ties |', '|---|---|---|---|');
    for (const { label, r } of short) {
      const a = random100(r);
      const b = random100(random);
      if (!a || !b) continue;
      const d = pairedDifference(a, b.slice(0, a.length));
      lines.push(`| ${label} | ${d.mean.toFixed(3)} | ${d.t.toFixed(2)} | ${d.wins} / ${d.losses} / ${d.ties} |`);
    }
  }
  lines.push('', `Best genotype found by any strategy at 300 queries: ${(() => {
    const best = rows.reduce<(typeof rows)[number] | null>((b, x) => (!b || x.r.best.predicted > b.r.best.predicted ? x : b), null);
    return best ? `${best.r.best.predicted.toFixed(2)} (${best.label}): \`${best.r.best.genotype}\`` : '–';
  })()}`, '');

  lines.push('## Multi-fidelity on the epoch axis against full fidelity, equal simulated time', '');
  lines.push('Budgets of 500,000 s and 1,500,000 s of simulated training (about 100 and 300 evaluations at 98 epochs; a random genotype\'s predicted 98-epoch time is about 5,050 s). "epochs 1–98": η = 3, brackets on the fidelities 1…98 (Hyperband\'s rungs 1, 4, 11, 33, 98 epochs; ASHA the same rungs, early-stopping rate 0). "98 only": the same strategy given the single fidelity 98. `queries` is the mean number of evaluations (any fidelity).', '');
  lines.push('| strategy | axis | 500,000 s | queries | 1,500,000 s | queries | paired t, epochs vs 98 only (500k / 1.5M) |', '|---|---|---|---|---|---|---|');
  for (const s of [...strategies.filter((x) => NB301_EPOCH_AXIS_STRATEGIES.includes(x)), ...strategies.filter((x) => TIME_BASELINES.includes(x))]) {
    for (const axis of NB301_EPOCH_AXIS_STRATEGIES.includes(s) ? (['epochs', 'full'] as const) : (['full'] as const)) {
      const a = load(`${s}__${axis}__b500k`);
      const b = load(`${s}__${axis}__b1500k`);
      if (!a && !b) continue;
      const t = (kind: string): string => {
        const x = load(`${s}__epochs__${kind}`);
        const y = load(`${s}__full__${kind}`);
        return axis === 'epochs' && x && y ? pairedDifference(x.per_seed, y.per_seed).t.toFixed(2) : '';
      };
      const tt = axis === 'epochs' ? `${t('b500k')} / ${t('b1500k')}` : '';
      lines.push(`| ${s} | ${axis === 'epochs' ? 'epochs 1–98' : '98 only'} | ${a ? fmt(a.final.mean, a.final.std, a.seeds) : '–'} | ${a?.queries ?? ''} | ${b ? fmt(b.final.mean, b.final.std, b.seeds) : '–'} | ${b?.queries ?? ''} | ${tt} |`);
    }
  }
  const s2 = ['b500k', 'b1500k'].map((kind) => load(`asha-s2__epochs__${kind}`));
  if (s2.some((r) => r)) {
    const cell = (r: Nb301BenchmarkReport | null): string => (r ? `${fmt(r.final.mean, r.final.std, r.seeds)} | ${r.queries}` : '– | ');
    const t = (kind: string, r: Nb301BenchmarkReport | null): string => {
      const y = load(`asha__full__${kind}`);
      return r && y ? pairedDifference(r.per_seed, y.per_seed).t.toFixed(2) : '';
    };
    lines.push(`| asha, early_stopping_rate 2 | epochs 11–98 | ${cell(s2[0])} | ${cell(s2[1])} | ${t('b500k', s2[0])} / ${t('b1500k', s2[1])} |`);
  }
  lines.push('', 'How well the rungs\' epochs rank genotypes as 98 epochs do (1,000 uniform genotypes, seed 0; the surrogate\'s predictions):', '');
  lines.push(...(await fidelityRows(surrogate)));
  lines.push('');
  lines.push('## Published figures (NASLib)', '');
  lines.push(NASLIB_PUBLISHED.__note__, '');
  // Hand-written reading of the figures above, kept beside the script.
  const notes = join(projectRoot(), 'bench', 'nb301', 'notes.md');
  if (existsSync(notes)) lines.push(readFileSync(notes, 'utf8').trimEnd(), '');
  return lines.join('\n') + '\n';
}

/** Where a cell computed seed by seed keeps its one-seed reports (`<id>/s<k>.json`). */
const PER_SEED = join(OUT, 'per-seed');

/** One seed of a cell, as saved by {@link runPerSeed}: its one-seed report and the CPU time it took. */
interface SeedFile {
  readonly seed: number;
  /** CPU seconds (user + system) of this process while the seed ran; the machine is shared, so a note. */
  readonly cpu_seconds: number;
  readonly wall_seconds: number;
  readonly load: number[];
  readonly date: string;
  readonly report: Nb301BenchmarkReport;
}

/** The seeds of a cell saved so far, in seed order. */
function seedFiles(id: string): SeedFile[] {
  const dir = join(PER_SEED, id);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => /^s\d+\.json$/.test(f))
    .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as SeedFile)
    .sort((a, b) => a.seed - b.seed);
}

/** A cell merged from the seeds saved so far, with their seed numbers (`seed_ids`) and CPU seconds. */
type MergedCell = Nb301BenchmarkReport & { readonly seed_ids: readonly number[]; readonly cpu_seconds: number };

/** The seed numbers of a cell: `seed_ids` for a cell computed seed by seed, else 0…seeds−1. */
const seedIds = (r: Nb301BenchmarkReport): readonly number[] => (r as Partial<MergedCell>).seed_ids ?? Array.from({ length: r.seeds }, (_, k) => k);

/**
 * Runs a query cell one seed at a time (seeds from…to−1), saving each seed as it finishes and
 * rewriting the cell from every seed saved so far, so that a run stopped at any point keeps every
 * finished seed and the cell says which seeds it holds. Seeds already saved are skipped; two
 * processes may share a cell by taking disjoint seed ranges (`--seeds 0` only rewrites the cell
 * from the seeds saved).
 */
async function runPerSeed(surrogate: Nb301Surrogate, cell: Cell, from: number, to: number): Promise<void> {
  mkdirSync(join(PER_SEED, cell.id), { recursive: true });
  for (let seed = from; seed < to; seed++) {
    const path = join(PER_SEED, cell.id, `s${seed}.json`);
    if (existsSync(path)) continue;
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const report = await runNb301Benchmark(surrogate, { strategy: cell.strategy, strategy_options: cell.options, queries: cell.queries, budget_seconds: cell.budgetSeconds, fidelity: cell.fidelity, seeds: 1, seed_base: seed });
    const cpu = process.cpuUsage(cpu0);
    const file: SeedFile = { seed, cpu_seconds: round((cpu.user + cpu.system) / 1e6, 1), wall_seconds: round((performance.now() - t0) / 1000, 1), load: loadavg(), date: new Date().toISOString(), report };
    writeFileSync(path, JSON.stringify(file) + '\n');
    const saved = writeMerged(cell.id);
    console.error(`${cell.id} seed ${seed}: ${report.final.mean.toFixed(2)} (${file.cpu_seconds} CPU s, ${file.wall_seconds} s wall; cell now ${saved} seeds)`);
  }
  // Once more at the end, so that the cell holds every seed saved, by this process or another.
  writeMerged(cell.id);
}

/** Rewrites a cell from every seed saved for it; returns the number of seeds. */
function writeMerged(id: string): number {
  const saved = seedFiles(id);
  if (saved.length === 0) return 0;
  const merged: MergedCell = { ...mergeSeedReports(saved.map((f) => f.report)), seed_ids: saved.map((f) => f.seed), cpu_seconds: round(saved.reduce((a, f) => a + f.cpu_seconds, 0), 1) };
  writeFileSync(join(OUT, `${id}.json`), JSON.stringify(merged) + '\n');
  return saved.length;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const arg = (name: string): string | undefined => {
    const i = args.indexOf(name);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const all = Object.keys(STRATEGIES).filter((s) => !MULTI_OBJECTIVE_ONLY.has(s));
  const ordered = [...all.filter((s) => !SLOW.includes(s)), ...SLOW.filter((s) => all.includes(s))];
  const strategies = arg('--strategies')?.split(',') ?? ordered;
  if (args.includes('--report')) {
    writeFileSync(join(projectRoot(), 'bench', 'results', 'nb301.md'), await report(ordered));
    return;
  }
  const kinds = arg('--kinds')?.split(',') ?? ['q300', 'b500k', 'b1500k'];
  const seeds = Number(arg('--seeds') ?? 30);
  // --option key=value (repeatable): a strategy option for the query cells, e.g. encoding=adjacency.
  const options: Record<string, unknown> = {};
  args.forEach((a, i) => {
    if (a !== '--option') return;
    const [key, ...rest] = (args[i + 1] ?? '').split('=');
    const value = rest.join('=');
    options[key] = value !== '' && Number.isFinite(Number(value)) ? Number(value) : value;
  });
  mkdirSync(OUT, { recursive: true });
  const surrogate = await Nb301Surrogate.load(dataDir());
  if (args.includes('--per-seed')) {
    const from = Number(arg('--seed-from') ?? 0);
    for (const cell of cells(strategies, kinds, options).filter((c) => c.queries !== undefined)) await runPerSeed(surrogate, cell, from, from + seeds);
    return;
  }
  for (const cell of cells(strategies, kinds, options)) {
    if (load(cell.id)) continue;
    const t0 = Date.now();
    const r = await runNb301Benchmark(surrogate, { strategy: cell.strategy, strategy_options: cell.options, queries: cell.queries, budget_seconds: cell.budgetSeconds, fidelity: cell.fidelity, seeds, seed_base: 0 });
    writeFileSync(join(OUT, `${cell.id}.json`), JSON.stringify(r) + '\n');
    console.error(`${cell.id}: ${r.final.mean.toFixed(2)} ± ${r.final.std.toFixed(2)} (${r.queries} queries, ${((Date.now() - t0) / 1000).toFixed(0)} s)`);
  }
}

await main();
