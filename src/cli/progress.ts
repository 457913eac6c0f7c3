import cliProgress from 'cli-progress';

/** The live bar of long runs on stderr: trials done/budget, best so far, ETA (cli-progress). */
export class ProgressBar {
  private readonly bar: cliProgress.SingleBar;

  constructor(stream: NodeJS.WritableStream, total: number) {
    this.bar = new cliProgress.SingleBar(
      {
        stream: stream as NodeJS.WriteStream,
        format: 'trials {value}/{total} [{bar}] best {best} | ETA {eta_formatted}',
        hideCursor: true,
        etaBuffer: 50,
      },
      cliProgress.Presets.shades_classic,
    );
    this.bar.start(total, 0, { best: '-' });
  }

  update(done: number, best: number | null): void {
    this.bar.update(done, { best: best === null ? '-' : best.toFixed(2) });
  }

  stop(): void {
    this.bar.stop();
  }
}
