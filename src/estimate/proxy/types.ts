import type { Layer } from '../../engine/nn/module.js';
import type { Tensor } from '../../engine/tensor.js';

/** The zero-cost proxies naskit computes (docs/proxies.md); every score is larger-is-better. */
export const PROXY_NAMES = ['synflow', 'snip', 'grad_norm', 'grasp', 'fisher', 'jacob_cov', 'naswot', 'zen', 'params', 'flops'] as const;
export type ProxyName = (typeof PROXY_NAMES)[number];

/**
 * Builds a freshly initialised network of one architecture, in `dtype`; every call must give the
 * same initial weights (build from a `new Generator(seed)`), since each proxy scores its own copy
 * and disposes it. Synflow asks for float64 (its products of absolute weights overflow float32).
 */
export type NetworkBuilder = (dtype: 'float32' | 'float64') => Layer;

/** The one minibatch the data-dependent proxies see. */
export interface ProxyBatch {
  /** Normalised images [N, C, H, W], float32. */
  readonly images: Tensor;
  /** Class indices [N], int64. */
  readonly labels: Tensor;
}

/** The data sets proxies are computed for: CIFAR-10 itself, and NAS-Bench-201's other two as stand-ins (see {@link proxyBatch}). */
export const PROXY_DATASETS = ['cifar10', 'cifar100', 'ImageNet16-120'] as const;
export type ProxyDataset = (typeof PROXY_DATASETS)[number];
/** Classes of each data set: the width of the network's classifier. */
export const PROXY_DATASET_CLASSES: Readonly<Record<ProxyDataset, number>> = { cifar10: 10, cifar100: 100, 'ImageNet16-120': 120 };

/** What a proxy is given. */
export interface ProxyInput {
  readonly build: NetworkBuilder;
  readonly batch: ProxyBatch;
  /** Seed of the proxy's own draws (zen's Gaussian inputs and weights). */
  readonly seed: number;
}

/** Scores by proxy name. */
export type ProxyScores = Partial<Record<ProxyName, number>>;

/**
 * A family of proxies computed from one pass (snip, grad_norm and fisher share one backward pass;
 * each family builds its own network from `input.build` and disposes it).
 */
export interface ProxyFamily {
  readonly names: readonly ProxyName[];
  /** Scores of `wanted` (a non-empty subset of `names`). */
  compute(input: ProxyInput, wanted: readonly ProxyName[]): ProxyScores;
}
