import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import { DATASET_DEFAULTS, DATASET_NAMES, loadDataset, split, subset, type DatasetName } from '../engine/data/index.js';
import { Generator } from '../engine/ops/creation.js';
import { Nb201Network, SmallCnn } from '../engine/models/index.js';
import type { Layer } from '../engine/nn/module.js';
import { profileModel } from '../engine/profile.js';
import { manualSeed, setNumThreads } from '../engine/runtime.js';
import { saveCheckpoint } from '../engine/checkpoint.js';
import { trainClassifier } from '../engine/train.js';
import { Nb201Table } from '../estimate/nb201-table.js';
import { Nb201Space } from '../space/nb201.js';
import { readArchitectureFile } from '../export/architecture.js';
import { envThreads, log, printJson, printLine, type CliContext } from './context.js';
import { UsageError } from './errors.js';

/** The spaces `naskit train` builds networks for. */
const TRAIN_SPACES = ['cnn', 'nb201'] as const;
type TrainSpace = (typeof TRAIN_SPACES)[number];

/** Defaults per space: the CNN's are tuned for MNIST-sized sets, NB201's follow its 12-epoch protocol. */
const DEFAULTS: Record<TrainSpace, { epochs: number; batch: number; lr: number; channels: number }> = {
  cnn: { epochs: 4, batch: 128, lr: 0.05, channels: 16 },
  nb201: { epochs: 12, batch: 256, lr: 0.1, channels: 16 },
};

interface TrainCliOptions {
  space?: string;
  arch?: string;
  archFile?: string;
  dataset: string;
  channels?: string;
  cells?: string;
  epochs?: string;
  subset?: string;
  batch?: string;
  lr?: string;
  seed: string;
  threads?: string;
  test?: boolean;
  out?: string;
  json?: boolean;
}

function positiveInt(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`--${name} must be a positive integer, got ${JSON.stringify(value)}`);
  return n;
}

/** The threads for libtorch: --threads, else NASKIT_THREADS, else every core. */
function threadCount(options: TrainCliOptions, context: CliContext): number {
  if (options.threads !== undefined) return positiveInt(options.threads, 'threads', 1);
  return envThreads(context) ?? availableParallelism();
}

/** --arch for nb201: an arch string, or an index into the NAS-Bench-201 table. */
function resolveArch(arch: string | undefined, context: CliContext): string {
  if (!arch) throw new UsageError('--space nb201 needs --arch: an arch string like |nor_conv_3x3~0|+|...| or an index 0-15624 of the NAS-Bench-201 table');
  if (/^\d+$/.test(arch)) {
    const table = Nb201Table.load(context.dataDir);
    const index = Number(arch);
    if (index >= table.size) throw new UsageError(`--arch ${arch}: the NAS-Bench-201 table has indices 0-${table.size - 1}`);
    return table.archs[index];
  }
  return arch;
}

/**
 * --arch-file: the exported architecture fills --space, --arch, --channels and --cells (--space, if
 * given, must agree; --arch is refused; --channels and --cells override the file's).
 */
function applyArchFile(options: TrainCliOptions): void {
  const doc = readArchitectureFile(options.archFile!);
  const model = doc.model as { kind: string; arch?: string; channels?: number; cells?: number };
  if (!(TRAIN_SPACES as readonly string[]).includes(model.kind)) throw new UsageError(`--arch-file ${options.archFile}: its network ${JSON.stringify(model.kind)} is not trainable by naskit train; valid: ${TRAIN_SPACES.join(', ')}`);
  if (options.space !== undefined && options.space !== model.kind) throw new UsageError(`--space ${options.space} disagrees with --arch-file ${options.archFile} (network ${model.kind}); drop --space`);
  if (options.arch !== undefined) throw new UsageError('--arch and --arch-file are exclusive: the file holds the architecture');
  options.space = model.kind;
  if (model.arch !== undefined) options.arch = model.arch;
  if (options.channels === undefined && model.channels !== undefined) options.channels = String(model.channels);
  if (options.cells === undefined && model.cells !== undefined && model.kind === 'nb201') options.cells = String(model.cells);
}

/** `naskit train`: trains one architecture and reports params, FLOPs, speed and accuracies (CONTRACT.md). */
export function registerTrain(program: Command, context: CliContext): void {
  program
    .command('train')
    .description('train one architecture on an image data set and report params, FLOPs, speed and accuracy')
    .option('--space <name>', `network family: ${TRAIN_SPACES.join(', ')} (or given by --arch-file)`)
    .option('--arch <arch>', 'nb201: arch string or NAS-Bench-201 index')
    .option('--arch-file <file>', 'an exported architecture (`naskit export NAME --format json`): its network, arch, channels and cells')
    .requiredOption('--dataset <name>', `data set: ${DATASET_NAMES.join(', ')}`)
    .option('--channels <C>', 'width of the first stage (cnn 16, nb201 16)')
    .option('--cells <N>', 'nb201: cells per stage (default 5)')
    .option('--epochs <E>', 'training epochs (cnn 4, nb201 12)')
    .option('--subset <N>', 'train on N images of the training set (validation held out of them) and test on at most N')
    .option('--batch <B>', 'batch size (cnn 128, nb201 256)')
    .option('--lr <X>', 'initial learning rate of SGD with cosine annealing (cnn 0.05, nb201 0.1)')
    .option('--seed <S>', 'seed of initialisation, split, shuffling and augmentation', '0')
    .option('--threads <T>', 'libtorch threads (default NASKIT_THREADS, else all cores)')
    .option('--test', 'also evaluate on the test set (read only with this flag)')
    .option('--out <dir>', 'write model.safetensors and result.json there')
    .option('--json', 'print one JSON document')
    .action(async (options: TrainCliOptions) => {
      if (options.archFile) applyArchFile(options);
      if (options.space === undefined) throw new UsageError('naskit train needs --space NAME or --arch-file FILE.json');
      if (!(TRAIN_SPACES as readonly string[]).includes(options.space)) throw new UsageError(`--space ${JSON.stringify(options.space)} is not trainable; valid: ${TRAIN_SPACES.join(', ')}`);
      if (!(DATASET_NAMES as readonly string[]).includes(options.dataset)) throw new UsageError(`--dataset ${JSON.stringify(options.dataset)} is unknown; valid: ${DATASET_NAMES.join(', ')}`);
      const space = options.space as TrainSpace;
      const datasetName = options.dataset as DatasetName;
      if (space === 'cnn' && options.arch) throw new UsageError('--arch applies to --space nb201 only');
      if (space === 'cnn' && options.cells) throw new UsageError('--cells applies to --space nb201 only');
      const defaults = DEFAULTS[space];
      const seed = Number(options.seed);
      if (!Number.isInteger(seed) || seed < 0) throw new UsageError(`--seed must be a non-negative integer, got ${JSON.stringify(options.seed)}`);
      const epochs = positiveInt(options.epochs, 'epochs', defaults.epochs);
      const batchSize = positiveInt(options.batch, 'batch', defaults.batch);
      const channels = positiveInt(options.channels, 'channels', defaults.channels);
      const cells = positiveInt(options.cells, 'cells', 5);
      const lr = options.lr === undefined ? defaults.lr : Number(options.lr);
      if (!(lr > 0 && Number.isFinite(lr))) throw new UsageError(`--lr must be a positive number, got ${JSON.stringify(options.lr)}`);
      const subsetSize = options.subset === undefined ? null : positiveInt(options.subset, 'subset', 1);
      // Parsed before any data is read, so that a bad arch string fails at once (a SampleError: exit 2).
      const arch = space === 'nb201' ? new Nb201Space().format(new Nb201Space().parse(resolveArch(options.arch, context))) : null;

      setNumThreads(threadCount(options, context));
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
      const model: Layer =
        space === 'cnn' ? new SmallCnn({ inChannels, numClasses, channels, generator }) : new Nb201Network(arch!, { inChannels, numClasses, channels, cells, generator });
      const profile = profileModel(model, [inChannels, height, width]);
      log(context, `train: ${space}${arch ? ` ${arch}` : ''} on ${datasetName}: ${profile.params} params, ${(profile.flops / 1e6).toFixed(2)} M FLOPs; ${parts.train.length} train / ${parts.validation.length} validation images`);

      const defaultsOfData = DATASET_DEFAULTS[datasetName];
      const result = await trainClassifier(model, { train: parts.train, validation: parts.validation, test: testSet }, {
        epochs,
        batchSize,
        lr,
        seed,
        normalization: defaultsOfData.normalization,
        augment: defaultsOfData.augment,
        onEpoch: (r) => log(context, `train: epoch ${r.epoch}/${epochs} loss ${r.train_loss.toFixed(4)} val_acc ${r.val_acc.toFixed(2)}% (${r.images_per_s.toFixed(0)} images/s)`),
      });
      const report = {
        params: profile.params,
        flops: profile.flops,
        epochs,
        train_images_per_s: Math.round(result.trainImagesPerS * 10) / 10,
        val_acc: result.valAcc,
        test_acc: result.testAcc,
        history: result.history.map((r) => ({ epoch: r.epoch, train_loss: r.train_loss, val_acc: r.val_acc })),
      };
      if (options.out) {
        mkdirSync(options.out, { recursive: true });
        saveCheckpoint(model, join(options.out, 'model.safetensors'), { space, arch: arch ?? '', dataset: datasetName, seed: String(seed) });
        writeFileSync(join(options.out, 'result.json'), JSON.stringify({ space, arch, dataset: datasetName, ...report }, null, 2) + '\n');
      }
      model.dispose();
      if (options.json) return printJson(context, report);
      printLine(context, `params ${report.params}   flops ${report.flops}   ${report.train_images_per_s} train images/s`);
      printLine(context, `val_acc ${report.val_acc.toFixed(2)}%${report.test_acc === null ? '' : `   test_acc ${report.test_acc.toFixed(2)}%`}`);
    });
}
