import { invalidArgument } from '../../core/errors.js';
import { checkSameLength, compensatedMean, type Label, sortedLabels } from './validate.js';

/** Counts of a binary confusion matrix for one positive label. */
export interface ConfusionCounts {
  tp: number;
  fp: number;
  fn: number;
  tn: number;
}

/** Precision, recall and F1 (all in [0, 1]). */
export interface PrecisionRecallF1 {
  precision: number;
  recall: number;
  f1: number;
}

/** Accuracy = (number of i with yTrue[i] === yPred[i]) / n, as `sklearn.metrics.accuracy_score`. */
export function accuracy(yTrue: ArrayLike<Label>, yPred: ArrayLike<Label>): number {
  checkSameLength('accuracy', yTrue, yPred);
  let correct = 0;
  for (let i = 0; i < yTrue.length; i++) if (yTrue[i] === yPred[i]) correct++;
  return correct / yTrue.length;
}

/** The confusion counts of `positive` against every other label. */
export function confusionCounts(yTrue: ArrayLike<Label>, yPred: ArrayLike<Label>, positive: Label): ConfusionCounts {
  checkSameLength('confusion counts', yTrue, yPred);
  const c = { tp: 0, fp: 0, fn: 0, tn: 0 };
  for (let i = 0; i < yTrue.length; i++) {
    const actual = yTrue[i] === positive;
    const predicted = yPred[i] === positive;
    if (actual && predicted) c.tp++;
    else if (predicted) c.fp++;
    else if (actual) c.fn++;
    else c.tn++;
  }
  return c;
}

/**
 * precision = tp / (tp + fp), recall = tp / (tp + fn), F1 = 2·P·R / (P + R), each 0 where its denominator is 0 —
 * `sklearn.metrics.precision_recall_fscore_support` with `zero_division=0` (its default "warn" also returns 0).
 */
export function precisionRecallF1(counts: ConfusionCounts): PrecisionRecallF1 {
  const { tp, fp, fn } = counts;
  const precision = tp + fp === 0 ? 0 : tp / (tp + fp);
  const recall = tp + fn === 0 ? 0 : tp / (tp + fn);
  const denominator = precision + recall;
  const f1 = (2 * precision * recall) / (denominator === 0 ? 1 : denominator);
  return { precision, recall, f1 };
}

/**
 * Binary precision, recall and F1 for `positiveLabel` (default 1), as scikit-learn's `average='binary'`: refused
 * (INVALID_ARGUMENT) when yTrue and yPred together hold more than two labels — use `macroPrecisionRecallF1`.
 */
export function binaryPrecisionRecallF1(
  yTrue: ArrayLike<Label>,
  yPred: ArrayLike<Label>,
  positiveLabel: Label = 1,
): PrecisionRecallF1 {
  checkSameLength('binary precision/recall/F1', yTrue, yPred);
  const labels = sortedLabels(yTrue, yPred);
  if (labels.length > 2) {
    throw invalidArgument(
      `binary precision/recall/F1: ${labels.length} labels (${labels.slice(0, 5).join(', ')}…); use the macro average`,
    );
  }
  if (labels.length === 2 && !labels.includes(positiveLabel)) {
    throw invalidArgument(
      `binary precision/recall/F1: the positive label ${String(positiveLabel)} is not among ${labels.join(', ')}`,
    );
  }
  return precisionRecallF1(confusionCounts(yTrue, yPred, positiveLabel));
}

/** Per-label scores and their unweighted mean. */
export interface MacroScores extends PrecisionRecallF1 {
  labels: Label[];
  perLabel: PrecisionRecallF1[];
}

/**
 * Macro precision, recall and F1: each computed one-vs-rest per label (`precisionRecallF1`), then averaged without
 * weights over the labels — by default the sorted union of yTrue and yPred, as scikit-learn's `average='macro'`
 * (a label only ever predicted counts, with recall 0; one never predicted, with precision 0).
 */
export function macroPrecisionRecallF1(
  yTrue: ArrayLike<Label>,
  yPred: ArrayLike<Label>,
  labels: Label[] = sortedLabels(yTrue, yPred),
): MacroScores {
  checkSameLength('macro precision/recall/F1', yTrue, yPred);
  const perLabel = labels.map((label) => precisionRecallF1(confusionCounts(yTrue, yPred, label)));
  return {
    labels,
    perLabel,
    precision: compensatedMean(perLabel.map((s) => s.precision)),
    recall: compensatedMean(perLabel.map((s) => s.recall)),
    f1: compensatedMean(perLabel.map((s) => s.f1)),
  };
}
