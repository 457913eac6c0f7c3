import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command, CommanderError } from 'commander';
import { projectRoot } from '../util/paths.js';
import { defaultContext, type CliContext } from './context.js';
import { registerBench } from './bench.js';
import { registerDashboard } from './dashboard.js';
import { registerDoctor } from './doctor.js';
import { describeError, exitCodeOf } from './errors.js';
import { registerSpace } from './space.js';
import { registerTrain } from './train.js';
import { registerProxy } from './proxy.js';
import { registerInspect } from './inspect.js';
import { registerResume, registerSearch } from './search.js';
import { registerWorker } from './worker.js';
import { registerExport, registerPredict } from './export.js';
import { registerOneShot } from './oneshot.js';

/** Every subcommand's registration, one line each. */
const COMMANDS: ((program: Command, context: CliContext) => void)[] = [
  registerDoctor,
  registerSpace,
  registerBench,
  registerSearch,
  registerResume,
  registerInspect,
  registerWorker,
  registerTrain,
  registerExport,
  registerPredict,
  registerDashboard,
  registerOneShot,
  registerProxy,
];

function version(): string {
  return (JSON.parse(readFileSync(join(projectRoot(), 'package.json'), 'utf8')) as { version: string }).version;
}

/** Runs the `naskit` command line; resolves to the process exit code (0 ok, 1 failed run, 2 bad usage). */
export async function run(argv: readonly string[], context: CliContext = defaultContext()): Promise<number> {
  const program = new Command('naskit')
    .description('neural architecture search for TypeScript: spaces, strategies, estimators, experiments')
    .version(version(), '--version')
    .exitOverride()
    .configureOutput({
      writeOut: (s) => context.stdout.write(s),
      writeErr: (s) => context.stderr.write(s),
    })
    .showHelpAfterError(false);
  for (const register of COMMANDS) register(program, context);
  for (const command of program.commands) command.exitOverride();
  try {
    await program.parseAsync(argv as string[], { from: 'user' });
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end through here with exit code 0.
      if (error.exitCode === 0 || error.code === 'commander.helpDisplayed' || error.code === 'commander.version') return 0;
      return 2;
    }
    context.stderr.write(describeError(error) + '\n');
    if (context.env.NASKIT_DEBUG && error instanceof Error) context.stderr.write(`${error.stack}\n`);
    return exitCodeOf(error);
  }
}
