import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { DATASET_DEFAULTS, DATASET_NAMES, loadDataset, split, subset, type DatasetName } from '../engine/data/index.js';
import { Generator } from '../engine/ops/creation.js';
import { SmallCnn, buildNetwork, trainableSpaceNames } from '../engine/models/index.js';
import type { Layer } from '../engine/nn/module.js';
import { profileModel } from '../engine/profile.js';
import { manualSeed, setNumThreads } from '../engine/runtime.js';
import { saveCheckpoint } from '../engine/checkpoint.js';
import { trainClassifier } from '../engine/train.js';
import { checkTrainingMemory, toMb } from '../engine/train-memory.js';
import { memoryProbeAvailable } from '../engine/memory.js';
import { Nb201Table } from '../space/nb201/table.js';
import { createSpace, spaceOptionSpecs } from '../space/registry.js';
import type { Sample, Space } from '../space/types.js';
import { ConfigError } from '../errors.js';
import { parseArchitectureDocument } from '../export/architecture.js';
import { Rng } from '../util/rng.js';
import { log, printJson, printLine, type CliContext } from './context.js';
import { positiveInt, threadCount } from './flags.js';
import { UsageError } from './errors.js';

/** The spaces `naskit train` builds networks for: the hand-written CNN and every trainable space. */
const trainSpaces = (): string[] => ['cnn', ...trainableSpaceNames()];

/** Defaults per space: the CNN's are tuned for MNIST-sized sets, NB201's follow its 12-epoch protocol, DARTS' its evaluation (lr 0.025, batch 96). */
const DEFAULTS: Record<string, { epochs: number; batch: number; lr: number }> = {
  cnn: { epochs: 4, batch: 128, lr: 0.05 },
  nb201: { epochs: 12, batch: 256, lr: 0.1 },
  darts: { epochs: 12, batch: 96, lr: 0.025 },
};
const OTHER_DEFAULTS = { epochs: 12, batch: 128, lr: 0.05 };

interface TrainCliOptions {
  space?: string;
  arch?: string;
  dataset: string;
  channels?: string;
  cells?: string;
  options?: string;
  archFile?: string;
  epochs?: string;
  subset?: string;
  batch?: string;
  lr?: string;
  seed: string;
  threads?: string;
  maxMemoryMb?: string;
  shrinkBatch?: boolean;
  minBatch?: string;
  test?: boolean;
  out?: string;
  json?: boolean;
}

/** The space with the options of --options (JSON) and --channels/--cells (where the space has them). */
function trainSpace(name: string, options: TrainCliOptions): Space {
  let given: Record<string, unknown> = {};
  if (options.options !== undefined) {
    try {
      given = JSON.parse(options.options) as Record<string, unknown>;
    } catch {
      throw new UsageError(`--options must be a JSON object such as '{"channels": 16, "layers": 8}', got ${JSON.stringify(options.options)}`);
    }
  }
  const specs = spaceOptionSpecs(name);
  for (const flag of ['channels', 'cells'] as const) {
    if (options[flag] === undefined) continue;
    if (!(flag in specs)) throw new UsageError(`--${flag} does not apply to --space ${name}; its options (--options JSON): ${Object.keys(specs).join(', ') || 'none'}`);
    given[flag] = positiveInt(options[flag], flag, 1);
  }
  try {
    return createSpace(name, given);
  } catch (error) {
    if (error instanceof ConfigError) throw new UsageError(error.message);
    throw error;
  }
}

/**
 * --arch-file: an exported architecture (`naskit export NAME --format json`: its space, arch and the
 * network's size), or a plain `{"arch", "space"?, "options"?}` file (an export of naskit search, the
 * result.json of naskit train --out). Fills --space and --arch, and the space options unless
 * --options, --channels or --cells are given.
 */
function applyArchFile(path: string, options: TrainCliOptions): void {
  if (options.arch !== undefined) throw new UsageError('give --arch or --arch-file, not both');
  let doc: { format?: unknown; arch?: unknown; space?: unknown; options?: unknown; network?: { options?: unknown } };
  try {
    doc = JSON.parse(readFileSync(path, 'utf8')) as typeof doc;
  } catch (error) {
    throw new UsageError(`--arch-file ${path}: cannot read it as JSON (${(error as Error).message.split('\n')[0]})`);
  }
  let space: string | undefined;
  let arch: string | null;
  let fileOptions: unknown;
  if (doc !== null && typeof doc === 'object' && 'format' in doc) {
    const exported = parseArchitectureDocument(doc, path);
    const model = exported.model as { kind: string; options?: unknown; channels?: number; cells?: number };
    space = model.kind === 'cnn' ? 'cnn' : exported.space;
    arch = exported.arch;
    if (model.kind === 'space') fileOptions = model.options;
    else if (model.kind === 'nb201') fileOptions = { ...(model.channels !== undefined ? { channels: model.channels } : {}), ...(model.cells !== undefined ? { cells: model.cells } : {}) };
    else if (model.kind === 'cnn' && model.channels !== undefined && options.channels === undefined) options.channels = String(model.channels);
  } else {
    if (typeof doc?.arch !== 'string') throw new UsageError(`--arch-file ${path}: needs a string field "arch" (the architecture in the space's text form)`);
    space = typeof doc.space === 'string' ? doc.space : undefined;
    arch = doc.arch;
    fileOptions = doc.network?.options ?? doc.options;
  }
  if (space !== undefined && options.space !== undefined && space !== options.space) throw new UsageError(`--arch-file ${path}: the architecture is of space ${space}, not --space ${options.space}; drop --space`);
  options.space ??= space;
  if (options.space === undefined) throw new UsageError(`--arch-file ${path}: the file names no space; give --space NAME`);
  if (arch !== null) options.arch = arch;
  const useFile = options.options === undefined && options.channels === undefined && options.cells === undefined && typeof fileOptions === 'object' && fileOptions !== null && options.space !== 'cnn';
  if (useFile) options.options = JSON.stringify(fileOptions);
}

/** --arch: the space's text form, `random` (drawn with --seed), or for nb201 an index into the NAS-Bench-201 table. */
function resolveArch(space: Space, arch: string | undefined, seed: number, context: CliContext): Sample {
  if (!arch) throw new UsageError(`--space ${space.name} needs --arch: the architecture in the space's text form (see naskit space info ${space.name}), or random${space.name === 'nb201' ? ', or an index 0-15624 of the NAS-Bench-201 table' : ''}`);
  if (arch === 'random') return space.random(new Rng(seed));
  if (space.name === 'nb201' && /^\d+$/.test(arch)) {
    const table = Nb201Table.load(context.dataDir);
    const index = Number(arch);
    if (index >= table.size) throw new UsageError(`--arch ${arch}: the NAS-Bench-201 table has indices 0-${table.size - 1}`);
    return space.parse(table.archs[index]);
  }
  return space.parse(arch);
}

/** `naskit train`: trains one architecture and reports params, FLOPs, speed and accuracies (CONTRACT.md). */
export function registerTrain(program: Command, context: CliContext): void {
  program
    .command('train')
    .description('train one architecture on an image data set and report params, FLOPs, speed and accuracy')
    .option('--space <name>', `network family: ${trainSpaces().join(', ')} (or given by --arch-file)`)
    .option('--arch <arch>', "architecture in the space's text form, random (drawn with --seed), or for nb201 a NAS-Bench-201 index")
    .option('--arch-file <file>', 'an exported architecture (naskit export NAME --format json), or a JSON file with "arch" (and "space", "options"): the result.json of naskit train --out')
    .requiredOption('--dataset <name>', `data set: ${DATASET_NAMES.join(', ')}`)
    .option('--channels <C>', "width (cnn 16; a space's channels option, e.g. nb201 16, darts 16)")
    .option('--cells <N>', 'nb201: cells per stage (default 5)')
    .option('--options <JSON>', 'the space\'s options, e.g. \'{"channels": 16, "layers": 8}\' for darts (see docs/spaces.md)')
    .option('--epochs <E>', 'training epochs (cnn 4, nb201 12)')
    .option('--subset <N>', 'train on N images of the training set (validation held out of them) and test on at most N')
    .option('--batch <B>', 'batch size (cnn 128, nb201 256)')
    .option('--lr <X>', 'initial learning rate of SGD with cosine annealing (cnn 0.05, nb201 0.1)')
    .option('--seed <S>', 'seed of initialisation, split, shuffling and augmentation', '0')
    .option('--threads <T>', 'libtorch threads (default NASKIT_THREADS, else all cores)')
    .option('--max-memory-mb <MB>', "refuse a run whose estimated peak memory exceeds MB (default: the machine's available memory)")
    .option('--shrink-batch', 'instead of refusing, halve the batch until the run fits (down to --min-batch)')
    .option('--min-batch <B>', 'with --shrink-batch: the smallest batch (default 8)')
    .option('--test', 'also evaluate on the test set (read only with this flag)')
    .option('--out <dir>', 'write model.safetensors and result.json there')
    .option('--json', 'print one JSON document')
    .action(async (options: TrainCliOptions) => {
      // Read first: the file may name the space.
      if (options.archFile !== undefined) applyArchFile(options.archFile, options);
      if (options.space === undefined) throw new UsageError('naskit train needs --space NAME or --arch-file FILE.json');
      if (!trainSpaces().includes(options.space)) throw new UsageError(`--space ${JSON.stringify(options.space)} is not trainable; valid: ${trainSpaces().join(', ')}`);
      if (!(DATASET_NAMES as readonly string[]).includes(options.dataset)) throw new UsageError(`--dataset ${JSON.stringify(options.dataset)} is unknown; valid: ${DATASET_NAMES.join(', ')}`);
      const space = options.space;
      const datasetName = options.dataset as DatasetName;
      if (space === 'cnn' && options.arch) throw new UsageError('--arch does not apply to --space cnn (a fixed network)');
      if (space === 'cnn' && (options.cells || options.options)) throw new UsageError('--cells and --options do not apply to --space cnn');
      const defaults = DEFAULTS[space] ?? OTHER_DEFAULTS;
      const seed = Number(options.seed);
      if (!Number.isInteger(seed) || seed < 0) throw new UsageError(`--seed must be a non-negative integer, got ${JSON.stringify(options.seed)}`);
      const epochs = positiveInt(options.epochs, 'epochs', defaults.epochs);
      const batchSize = positiveInt(options.batch, 'batch', defaults.batch);
      const channels = positiveInt(options.channels, 'channels', 16);
      const lr = options.lr === undefined ? defaults.lr : Number(options.lr);
      if (!(lr > 0 && Number.isFinite(lr))) throw new UsageError(`--lr must be a positive number, got ${JSON.stringify(options.lr)}`);
      const subsetSize = options.subset === undefined ? null : positiveInt(options.subset, 'subset', 1);
      let maxMemoryMb: number | null = null;
      if (options.maxMemoryMb !== undefined) {
        maxMemoryMb = Number(options.maxMemoryMb);
        if (!(maxMemoryMb > 0 && Number.isFinite(maxMemoryMb))) throw new UsageError(`--max-memory-mb must be a positive number, got ${JSON.stringify(options.maxMemoryMb)}`);
      }
      if (options.minBatch !== undefined && !options.shrinkBatch) throw new UsageError('--min-batch applies only with --shrink-batch');
      const minBatch = positiveInt(options.minBatch, 'min-batch', 8);
      // Parsed before any data is read, so that a bad arch string fails at once (a SampleError: exit 2).
      const searchSpace = space === 'cnn' ? null : trainSpace(space, options);
      const sample = searchSpace ? resolveArch(searchSpace, options.arch, seed, context) : null;
      const arch = searchSpace && sample ? searchSpace.format(sample) : null;

      setNumThreads(threadCount(options.threads, context));
      manualSeed(seed);
      log(context, `train: loading ${datasetName}...`);
      let trainSet = await loadDataset(context.dataDir, datasetName, 'train');
      if (subsetSize !== null) {
        if (subsetSize < 20) throw new UsageError(`--subset ${subsetSize} is too small; use at least 20 images (a tenth is held out for validation)`);
        trainSet = subset(trainSet, Math.min(subsetSize, trainSet.length), seed);
      }
      const validation = Math.min(5000, Math.max(1, Math.round(trainSet.length / 10)));
      const parts = split(trainSet, { validation, seed });
      let testSet = options.test ? await loadDataset(context.dataDir, datasetName, 'test') : null;
      if (testSet && subsetSize !== null && subsetSize < testSet.length) testSet = subset(testSet, subsetSize, seed);

      const { channels: inChannels, height, width } = trainSet.shape;
      const numClasses = trainSet.classes.length;
      const generator = new Generator(seed);
      const model: Layer = searchSpace && sample ? buildNetwork(searchSpace, sample, { inChannels, numClasses, generator }) : new SmallCnn({ inChannels, numClasses, channels, generator });
      const profile = profileModel(model, [inChannels, height, width]);
      log(context, `train: ${space}${arch ? ` ${arch}` : ''} on ${datasetName}: ${profile.params} params, ${(profile.flops / 1e6).toFixed(2)} M FLOPs; ${parts.train.length} train / ${parts.validation.length} validation images`);

      // The run's peak memory, estimated before it starts: refused when it does not fit, or at a smaller batch with --shrink-batch.
      let runBatch = Math.min(batchSize, parts.train.length);
      let evalBatch = Math.max(1, Math.min(Math.max(runBatch, 256), Math.max(parts.validation.length, testSet?.length ?? 0)));
      let memoryMb: number | null = null;
      if (memoryProbeAvailable()) {
        const rebuild = () => (searchSpace && sample ? buildNetwork(searchSpace, sample, { inChannels, numClasses, generator: new Generator(seed) }) : new SmallCnn({ inChannels, numClasses, channels, generator: new Generator(seed) }));
        let check;
        try {
          check = checkTrainingMemory(rebuild, [inChannels, height, width], numClasses, {
            batch: runBatch,
            evalBatch,
            minBatch: options.shrinkBatch ? Math.min(minBatch, runBatch) : runBatch,
            maxMemoryMb,
            limitName: '--max-memory-mb',
            fix: options.shrinkBatch ? 'raise --max-memory-mb or lower --min-batch' : 'raise --max-memory-mb, lower --batch, or add --shrink-batch to train at a smaller batch',
          });
        } catch (error) {
          model.dispose();
          throw error;
        }
        if (check.plan.batch !== runBatch) log(context, `train: batch ${runBatch} does not fit in ${Math.floor(check.limitBytes / 2 ** 20)} MB; training at batch ${check.plan.batch}`);
        runBatch = check.plan.batch;
        evalBatch = check.plan.evalBatch;
        memoryMb = toMb(check.plan.peak.peakBytes);
      } else if (maxMemoryMb !== null) {
        model.dispose();
        throw new UsageError('--max-memory-mb: this build of the tensor engine has no memory probe; rebuild it with `node scripts/build-native.mjs --strict`');
      }

      const defaultsOfData = DATASET_DEFAULTS[datasetName];
      const result = await trainClassifier(model, { train: parts.train, validation: parts.validation, test: testSet }, {
        epochs,
        batchSize: runBatch,
        evalBatchSize: evalBatch,
        lr,
        seed,
        normalization: defaultsOfData.normalization,
        augment: defaultsOfData.augment,
        onEpoch: (r) => log(context, `train: epoch ${r.epoch}/${epochs} loss ${r.train_loss.toFixed(4)} val_acc ${r.val_acc.toFixed(2)}% (${r.images_per_s.toFixed(0)} images/s)`),
      });
      const report = {
        ...(arch !== null ? { space, arch } : {}),
        params: profile.params,
        flops: profile.flops,
        epochs,
        batch_size: runBatch,
        ...(memoryMb !== null ? { memory_mb: memoryMb } : {}),
        train_images_per_s: Math.round(result.trainImagesPerS * 10) / 10,
        val_acc: result.valAcc,
        test_acc: result.testAcc,
        history: result.history.map((r) => ({ epoch: r.epoch, train_loss: r.train_loss, val_acc: r.val_acc })),
      };
      if (options.out) {
        mkdirSync(options.out, { recursive: true });
        const spaceOptions = JSON.stringify(searchSpace?.options ?? {});
        saveCheckpoint(model, join(options.out, 'model.safetensors'), { space, arch: arch ?? '', options: spaceOptions, dataset: datasetName, seed: String(seed) });
        writeFileSync(join(options.out, 'result.json'), JSON.stringify({ space, arch, options: searchSpace?.options ?? {}, dataset: datasetName, ...report }, null, 2) + '\n');
      }
      model.dispose();
      if (options.json) return printJson(context, report);
      printLine(context, `params ${report.params}   flops ${report.flops}   ${report.train_images_per_s} train images/s`);
      printLine(context, `val_acc ${report.val_acc.toFixed(2)}%${report.test_acc === null ? '' : `   test_acc ${report.test_acc.toFixed(2)}%`}`);
    });
}
