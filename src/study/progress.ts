import cliProgress from 'cli-progress';

/**
 * The classifier's progress bar on stderr (cli-progress): trials of the search with the best
 * validation accuracy, then epochs of the retraining with the training loss. Off: does nothing.
 */
export class ClassifierProgress {
  private bar: cliProgress.SingleBar | null = null;

  constructor(private readonly enabled: boolean) {}

  startSearch(total: number): void {
    this.start('search  {value}/{total} trials [{bar}] best val {best}% | ETA {eta_formatted}', total, { best: '-' });
  }

  trial(done: number, best: number | null): void {
    this.bar?.update(done, { best: best === null ? '-' : best.toFixed(2) });
  }

  startRetrain(total: number): void {
    this.start('retrain {value}/{total} epochs [{bar}] loss {loss} | ETA {eta_formatted}', total, { loss: '-' });
  }

  epoch(done: number, loss: number): void {
    this.bar?.update(done, { loss: loss.toFixed(3) });
  }

  stop(): void {
    this.bar?.stop();
    this.bar = null;
  }

  private start(format: string, total: number, payload: Record<string, string>): void {
    this.stop();
    if (!this.enabled) return;
    this.bar = new cliProgress.SingleBar({ stream: process.stderr, format, hideCursor: true, etaBuffer: 10 }, cliProgress.Presets.shades_classic);
    this.bar.start(total, 0, payload);
  }
}
