// Model performance for monitoring: exact classification and regression metrics (equal to scikit-learn's), joining
// predictions with labels that arrive later, windows by count or time, and label-free estimation (CBPE, as NannyML).
// Pure, no I/O; see ./README.md for the definitions and the oracles.
export {
  type CbpeEstimate,
  type CbpeInput,
  type ExpectedConfusion,
  estimatePerformance,
  estimateRocAuc,
  expectedConfusion,
} from './cbpe.js';
export {
  accuracy,
  binaryPrecisionRecallF1,
  type ConfusionCounts,
  confusionCounts,
  type MacroScores,
  macroPrecisionRecallF1,
  type PrecisionRecallF1,
  precisionRecallF1,
} from './classification-metrics.js';
export {
  type JoinCounts,
  type JoinedRow,
  type JoinResult,
  joinPredictionsWithLabels,
  LabelJoiner,
  type LabelRecord,
  type PredictionRecord,
  type RecordId,
} from './label-join.js';
export { binaryLogLoss, LOG_LOSS_EPS, type LogLossOptions, multiclassLogLoss } from './log-loss.js';
export { meanAbsoluteError, rootMeanSquaredError } from './regression-metrics.js';
export { rocAuc } from './roc-auc.js';
export type { Label } from './validate.js';
export {
  type ClassificationOptions,
  type ClassificationPerformance,
  type ClassificationRow,
  classificationPerformance,
  differenceFromReference,
  performanceByWindow,
  type RegressionPerformance,
  regressionPerformance,
  type WindowPerformance,
} from './window-performance.js';
export { type Window, windowsByCount, windowsByTime } from './windows.js';
