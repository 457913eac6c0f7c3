import { z } from 'zod';
import { ConfigError } from '../errors.js';
import { CELL_SPECS } from './cell-spec.js';
import { ONESHOT_METHODS, type OneShotMethodName } from './methods/index.js';
import { ONESHOT_DEFAULTS as D, type OneShotSettings } from './search.js';

const sectionSchema = z.strictObject({
  method: z.enum(ONESHOT_METHODS),
  dataset: z.enum(['cifar10']).default('cifar10'),
  epochs: z.number().int().min(1).max(1000).default(D.epochs),
  subset: z.number().int().min(4).default(D.subset),
  channels: z.number().int().min(1).max(256).default(D.channels),
  cells: z.number().int().min(1).max(10).default(D.cells),
  batch_size: z.number().int().min(1).default(D.batchSize),
  weight_lr: z.number().positive().max(10).default(D.weightLr),
  weight_lr_min: z.number().min(0).default(D.weightLrMin),
  momentum: z.number().min(0).max(1).default(D.momentum),
  weight_decay: z.number().min(0).default(D.weightDecay),
  grad_clip: z.number().positive().default(D.gradClip),
  arch_lr: z.number().positive().max(10).default(D.archLr),
  arch_weight_decay: z.number().min(0).default(D.archWeightDecay),
  warmup_epochs: z.number().int().min(0).default(D.warmupEpochs),
  threads: z.number().int().min(1).optional(),
  partial_channels: z.number().int().min(1).optional(),
  max_skips: z.number().int().min(1).optional(),
  patience: z.number().int().min(1).optional(),
  perturbation: z.enum(['random', 'adversarial']).optional(),
  epsilon: z.number().positive().optional(),
  attack_steps: z.number().int().min(1).optional(),
  tau_max: z.number().positive().optional(),
  tau_min: z.number().positive().optional(),
});

const configSchema = z.strictObject({
  name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/, 'must be 1–100 letters, digits, ".", "_" or "-", starting with a letter or digit'),
  space: z.enum(Object.keys(CELL_SPECS) as [string, ...string[]]),
  oneshot: sectionSchema,
  seed: z.number().int().min(0).max(2 ** 31 - 1).default(0),
  export: z.union([z.string().min(1), z.literal(false)]).optional(),
});

/** The `oneshot:` section of a config, defaults applied (docs/oneshot.md lists every field). */
export type OneShotSection = z.infer<typeof sectionSchema>;

/** A validated one-shot experiment config. */
export interface OneShotConfig {
  readonly name: string;
  readonly space: string;
  readonly oneshot: OneShotSection;
  readonly seed: number;
  /** The exported model file (relative to the working folder), or false. */
  readonly export: string | false;
}

/** Whether a parsed config describes a one-shot search (it has a `oneshot:` section). */
export function isOneShotConfig(data: unknown): boolean {
  return data !== null && typeof data === 'object' && !Array.isArray(data) && 'oneshot' in data;
}

/** Validates a one-shot config: one `ConfigError` (`CONFIG_INVALID`) naming every bad field by its path. */
export function validateOneShotConfig(input: unknown, where = 'config'): OneShotConfig {
  const result = configSchema.safeParse(input);
  if (!result.success) {
    throw new ConfigError('CONFIG_INVALID', `${where}: ${result.error.issues.map((i) => `${i.path.map(String).join('.') || '(top level)'}: ${i.message}`).join('; ')}`);
  }
  const c = result.data;
  if (c.oneshot.method === 'pcdarts' && c.oneshot.channels % (c.oneshot.partial_channels ?? 4) !== 0) {
    throw new ConfigError('CONFIG_INVALID', `${where}: oneshot.channels: ${c.oneshot.channels} is not divisible by pcdarts' partial channels ${c.oneshot.partial_channels ?? 4}`);
  }
  if (c.oneshot.subset < 2 * c.oneshot.batch_size) throw new ConfigError('CONFIG_INVALID', `${where}: oneshot.subset: ${c.oneshot.subset} images must hold two batches of ${c.oneshot.batch_size}`);
  return { ...c, export: c.export ?? `.naskit/exports/${c.name}.json` };
}

/** The search settings of a config. */
export function settingsOf(config: OneShotConfig): OneShotSettings {
  const o = config.oneshot;
  return {
    method: o.method as OneShotMethodName,
    methodOptions: {
      partial_channels: o.partial_channels,
      max_skips: o.max_skips,
      patience: o.patience,
      perturbation: o.perturbation,
      epsilon: o.epsilon,
      attack_steps: o.attack_steps,
      tau_max: o.tau_max,
      tau_min: o.tau_min,
    },
    space: config.space,
    dataset: o.dataset,
    epochs: o.epochs,
    subset: o.subset,
    channels: o.channels,
    cells: o.cells,
    batchSize: o.batch_size,
    weightLr: o.weight_lr,
    weightLrMin: o.weight_lr_min,
    momentum: o.momentum,
    weightDecay: o.weight_decay,
    gradClip: o.grad_clip,
    archLr: o.arch_lr,
    archWeightDecay: o.arch_weight_decay,
    warmupEpochs: o.warmup_epochs,
    seed: config.seed,
  };
}
