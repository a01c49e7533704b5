export {
  type Analysis,
  type AnalysisPolicy,
  analyse,
  DEFAULT_ANALYSIS,
  nextMove,
  type VariantStats,
  type Verdict,
} from './canary-analysis.js';
export { quantile, type ShadowDiff, type ShadowPair, shadowDiff } from './shadow-diff.js';
export { bucketOf, routesToChallenger } from './sticky-routing.js';
