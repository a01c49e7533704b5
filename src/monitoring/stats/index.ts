// Pure statistics for drift monitoring: functions over numbers and typed arrays, no I/O, importing only core.
// Each definition equals SciPy's (see the doc comment of each function and ./README.md).
export {
  type BinnedDrift,
  type BinnedDriftOptions,
  categoricalBinnedDrift,
  numericBinnedDrift,
} from './binned-drift.js';
export {
  type Bins,
  binCategorical,
  binNumeric,
  type CategoricalBins,
  countInBins,
  type NumericBins,
  quantileEdges,
  quantileSorted,
} from './binning.js';
export {
  type CategoryCounts,
  type ChiSquareResult,
  chiSquareHomogeneity,
  countCategories,
} from './chi-square.js';
export {
  type CvmMethod,
  type CvmResult,
  cramerVonMises2Samp,
  cvmExactPValue,
  cvmLimitCdf,
} from './cramer-von-mises.js';
export { jensenShannonDistance } from './jensen-shannon.js';
export {
  KS_MAX_AUTO_EXACT_N,
  type KsAlternative,
  type KsMethod,
  type KsTwoSampleOptions,
  type KsTwoSampleResult,
  ksTwoSample,
} from './ks-two-sample.js';
export { benjaminiHochberg, bonferroni } from './multiple-testing.js';
export { PSI_FLOOR, populationStabilityIndex, proportions } from './psi.js';
export * as special from './special/index.js';
export { type TwoProportionZResult, twoProportionZTest } from './two-proportion-z-test.js';
export type { NumericSample } from './validate.js';
export {
  populationStd,
  type WassersteinOptions,
  type WassersteinResult,
  wassersteinDistance,
  wassersteinDrift,
} from './wasserstein.js';
