/**
 * A cell of bench/results/nb301.md computed one seed at a time: each seed's one-seed report is
 * saved as it finishes (so a slow strategy's partial work is kept when the session ends), and the
 * cell is the merge of the seeds saved so far. Seeds run alone give exactly what they give in lock
 * step (test/benchmark/nb301.test.ts), so a merged cell equals the lock-step cell over the same
 * seeds, except for the strategy's time per query (measured per process).
 */
import type { Nb301BenchmarkReport } from '../../src/benchmark/nb301.js';
import { round } from '../../src/benchmark/stats.js';
import { benchReport, summarizeRuns } from '../../src/benchmark/search-run.js';

/**
 * Merges one-seed reports of the same cell, in the order given (seed order), into the report a
 * lock-step run over those seeds gives. The per-seed signal is read from `signal_final.mean`,
 * which a report rounds to 4 decimals, so the merged `signal_final` can differ from the lock-step
 * one below that precision; every other figure is the same.
 */
export function mergeSeedReports(reports: readonly Nb301BenchmarkReport[]): Nb301BenchmarkReport {
  if (reports.length === 0) throw new RangeError('mergeSeedReports: no reports');
  const first = reports[0];
  for (const r of reports) {
    if (r.seeds !== 1) throw new RangeError(`mergeSeedReports: a report of ${r.seeds} seeds (one-seed reports only)`);
    if (r.strategy !== first.strategy || r.epochs !== first.epochs || r.fidelity !== first.fidelity || r.budget_seconds !== first.budget_seconds) {
      throw new RangeError('mergeSeedReports: the reports are of different cells');
    }
  }
  const summary = summarizeRuns(
    reports.map((r) => ({
      reported: r.per_seed[0],
      signal: r.signal_final.mean,
      curve: r.curve.map((c, i) => ({ queries: c.queries, reported: r.per_seed_curve[i][0] })),
      queries: r.queries,
      strategyMs: r.ms_per_query * r.queries,
    })),
  );
  const best = reports.reduce((b, r) => (r.per_seed[0] > b.per_seed[0] ? r : b), first);
  return benchReport(
    { benchmark: 'nb301' as const, strategy: first.strategy, signal: first.signal, report: first.report, epochs: first.epochs, fidelity: first.fidelity },
    summary,
    first.budget_seconds ?? undefined,
    { best: { genotype: best.best.genotype, predicted: round(best.per_seed[0]) } },
  );
}
