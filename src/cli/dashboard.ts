import type { Command } from 'commander';
import { openStore } from '../experiment/open-store.js';
import { startDashboard } from '../web/index.js';
import { log, printLine, type CliContext } from './context.js';
import { UsageError } from './errors.js';
import { requireExperiment, storageUrl } from './experiment-session.js';

/**
 * `naskit dashboard [NAME]`: serves the web dashboard of a storage until Ctrl-C (SIGINT) or SIGTERM.
 * Read-only; 127.0.0.1 unless `--host`, which needs `--token`. With NAME, the printed URL opens
 * that experiment (an unknown NAME is an error naming the experiments there).
 */
export function registerDashboard(program: Command, context: CliContext): void {
  program
    .command('dashboard')
    .description('web dashboard of the storage: experiments, trials, curves, architectures, live (read-only)')
    .argument('[name]', 'experiment to open first')
    .option('--storage <url>', 'storage URL (default NASKIT_STORAGE, else sqlite:///<cwd>/.naskit/naskit.db)')
    .option('--port <n>', 'port (0: any free port)', '8080')
    .option('--host <address>', 'address to listen on (default 127.0.0.1); any other needs --token')
    .option('--token <secret>', 'secret every request must carry (the printed URL has it)')
    .action(async (name: string | undefined, flags: { storage?: string; port: string; host?: string; token?: string }) => {
      const port = Number(flags.port);
      if (!/^\d+$/.test(flags.port) || port > 65535) throw new UsageError(`--port must be an integer from 0 to 65535, got ${JSON.stringify(flags.port)}`);
      if (flags.token !== undefined && flags.token.length < 8) throw new UsageError('--token must be at least 8 characters long');
      const store = await openStore(storageUrl(context, flags.storage));
      let closeServer: (() => Promise<void>) | null = null;
      try {
        if (name !== undefined) await requireExperiment(store, name);
        const host = flags.host ?? '127.0.0.1';
        const dashboard = await startDashboard({ store, host, port, ...(flags.token !== undefined ? { token: flags.token } : {}) }).catch((error: unknown) => {
          const code = (error as { code?: string }).code;
          if (code === 'EADDRINUSE') throw new UsageError(`port ${port} on ${host} is in use (another dashboard or program holds it); choose another with --port`);
          if (code === 'EACCES') throw new UsageError(`port ${port} on ${host} needs privileges this process lacks; choose a port above 1023 with --port`);
          if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND') throw new UsageError(`--host ${host} is not an address of this machine`);
          throw error;
        });
        closeServer = dashboard.close;
        const url = name === undefined ? dashboard.url : `${dashboard.url}#/e/${encodeURIComponent(name)}`;
        printLine(context, url);
        log(context, `naskit dashboard: serving ${store.url} read-only at ${url} (Ctrl-C stops it)`);
        await new Promise<void>((resolve) => {
          process.once('SIGINT', resolve);
          process.once('SIGTERM', resolve);
        });
      } finally {
        await closeServer?.();
        await store.close();
      }
    });
}
