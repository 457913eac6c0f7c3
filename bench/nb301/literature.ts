/**
 * Genotypes from the literature and published NAS-Bench-301 figures, each with its source, for
 * bench/results/nb301.md. Genotypes are data (the `Genotype(...)` text the papers' official
 * repositories publish), not code.
 */

/** A published DARTS-space genotype. */
export interface LiteratureGenotype {
  readonly name: string;
  readonly source: string;
  readonly genotype: string;
}

export const LITERATURE_GENOTYPES: readonly LiteratureGenotype[] = [
  {
    name: 'DARTS V1 (first order)',
    source: 'Liu, Simonyan & Yang, ICLR 2019; quark0/darts `cnn/genotypes.py` (`DARTS_V1`)',
    genotype:
      "Genotype(normal=[('sep_conv_3x3', 1), ('sep_conv_3x3', 0), ('skip_connect', 0), ('sep_conv_3x3', 1), ('skip_connect', 0), ('sep_conv_3x3', 1), ('sep_conv_3x3', 0), ('skip_connect', 2)], normal_concat=[2, 3, 4, 5], reduce=[('max_pool_3x3', 0), ('max_pool_3x3', 1), ('skip_connect', 2), ('max_pool_3x3', 0), ('max_pool_3x3', 0), ('skip_connect', 2), ('skip_connect', 2), ('avg_pool_3x3', 0)], reduce_concat=[2, 3, 4, 5])",
  },
  {
    name: 'DARTS V2 (second order)',
    source: 'Liu, Simonyan & Yang, ICLR 2019; quark0/darts `cnn/genotypes.py` (`DARTS_V2`)',
    genotype:
      "Genotype(normal=[('sep_conv_3x3', 0), ('sep_conv_3x3', 1), ('sep_conv_3x3', 0), ('sep_conv_3x3', 1), ('sep_conv_3x3', 1), ('skip_connect', 0), ('skip_connect', 0), ('dil_conv_3x3', 2)], normal_concat=[2, 3, 4, 5], reduce=[('max_pool_3x3', 0), ('max_pool_3x3', 1), ('skip_connect', 2), ('max_pool_3x3', 1), ('max_pool_3x3', 0), ('skip_connect', 2), ('skip_connect', 2), ('max_pool_3x3', 1)], reduce_concat=[2, 3, 4, 5])",
  },
  {
    name: 'PC-DARTS (CIFAR-10)',
    source: 'Xu et al., ICLR 2020; yuhuixu1993/PC-DARTS `genotypes.py` (`PC_DARTS_cifar`, = `PCDARTS`)',
    genotype:
      "Genotype(normal=[('sep_conv_3x3', 1), ('skip_connect', 0), ('sep_conv_3x3', 0), ('dil_conv_3x3', 1), ('sep_conv_5x5', 0), ('sep_conv_3x3', 1), ('avg_pool_3x3', 0), ('dil_conv_3x3', 1)], normal_concat=range(2, 6), reduce=[('sep_conv_5x5', 1), ('max_pool_3x3', 0), ('sep_conv_5x5', 1), ('sep_conv_5x5', 2), ('sep_conv_3x3', 0), ('sep_conv_3x3', 3), ('sep_conv_3x3', 1), ('sep_conv_3x3', 2)], reduce_concat=range(2, 6))",
  },
  {
    name: 'GDAS (V1)',
    source: 'Dong & Yang, CVPR 2019; D-X-Y/AutoDL-Projects `others/GDAS/lib/nas/genotypes.py` (`GDAS_V1`, weights dropped)',
    genotype:
      "Genotype(normal=[('skip_connect', 0), ('skip_connect', 1), ('skip_connect', 0), ('sep_conv_5x5', 2), ('sep_conv_3x3', 3), ('skip_connect', 0), ('sep_conv_5x5', 4), ('sep_conv_3x3', 3)], normal_concat=range(2, 6), reduce=[('sep_conv_5x5', 0), ('sep_conv_3x3', 1), ('sep_conv_5x5', 2), ('sep_conv_5x5', 1), ('dil_conv_5x5', 2), ('sep_conv_3x3', 1), ('sep_conv_5x5', 0), ('sep_conv_5x5', 1)], reduce_concat=range(2, 6))",
  },
  {
    name: 'all skip connections',
    source: "the data README's second check value (0.894 at 98 epochs): DARTS V2's connections in both cells, every operation skip_connect",
    genotype:
      "Genotype(normal=[('skip_connect', 0), ('skip_connect', 1), ('skip_connect', 0), ('skip_connect', 1), ('skip_connect', 1), ('skip_connect', 0), ('skip_connect', 0), ('skip_connect', 2)], normal_concat=[2, 3, 4, 5], reduce=[('skip_connect', 0), ('skip_connect', 1), ('skip_connect', 2), ('skip_connect', 1), ('skip_connect', 0), ('skip_connect', 2), ('skip_connect', 2), ('skip_connect', 1)], reduce_concat=[2, 3, 4, 5])",
  },
];

/** NASLib's published NAS-Bench-301 figures per naskit strategy name, and a note on where they come from. */
export const NASLIB_PUBLISHED: Readonly<Record<string, string>> & { readonly __note__: string } = {
  __note__:
    'NASLib publishes its NAS-Bench-301 optimizer comparisons as plots, not as numbers: NAS-Bench-Suite (Mehta, White et al., ICLR 2022, arXiv:2201.13396), ' +
    'Figure 4 ("relative performance of black-box algorithms … across NAS benchmarks", ranks of RS, RE, LS, BANANAS, NPENAS and others per benchmark, NB301 CIFAR-10 among them), ' +
    'and the NAS-Bench-301 paper (Siems, Zimmer et al., arXiv:2008.09777), whose optimizer trajectories on the surrogate and on the true benchmark are also plots. ' +
    'No strategy has a published figure in the column "NASLib, published", which stays empty rather than hold numbers read off a plot from memory. ' +
    'What was searched (2026-12-07; an earlier session\'s search reached the same openings): the stored web pages (queries on NAS-Bench-301 optimizer results, NAS-Bench-Suite black-box results and tables, ' +
    '"How Powerful are Performance Predictors in NAS" (White et al., NeurIPS 2021) predictor-based NAS on the DARTS space, BANANAS on NAS-Bench-301, and "Mutation is all you need" ' +
    '(Schneider et al., 2021, BANANAS on NAS-Bench-301)) reached only the opening of each paper (title, abstract, introduction), never a figure or a results table; ' +
    'the documentation pages (NASLib\'s site and README, docs on NAS-Bench-301) hold setup and API text, no results; the code index (automl/NASLib, automl/nasbench301, ' +
    'naszilla/naszilla, whose BANANAS README reports the DARTS-space test error of a trained architecture, 2.57 %, not a NAS-Bench-301 figure) holds no optimizer results for NAS-Bench-301; ' +
    'the issue threads hold none either. Searched again in a later session the same day (optimizer trajectories, anytime performance of RE, DE, TPE, BANANAS, LS and RS on NAS-Bench-301): the same openings, plus the NAS-Bench-301 paper\'s LaTeX source (v4) and the ml4aad.org blog post on it, again only their introductions. Note also that NASLib queries the original NAS-Bench-301 surrogates (XGBoost/GIN ensembles, v1.0), ' +
    'while naskit uses YAHPO Gym\'s re-fit of the NAS-Bench-301 data (`model_v2.onnx`): the same training data, a different model, so the absolute accuracies need not agree to the second decimal.',
};
