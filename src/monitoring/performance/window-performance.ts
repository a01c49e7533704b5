import { invalidArgument } from '../../core/errors.js';
import { accuracy, binaryPrecisionRecallF1, macroPrecisionRecallF1 } from './classification-metrics.js';
import { binaryLogLoss } from './log-loss.js';
import { meanAbsoluteError, rootMeanSquaredError } from './regression-metrics.js';
import { rocAuc } from './roc-auc.js';
import { type Label, sortedLabels } from './validate.js';
import type { Window } from './windows.js';

/** A joined classification row: the predicted class, the true class, optionally P(positive class) as `scores`. */
export interface ClassificationRow {
  prediction: Label;
  label: Label;
  scores?: number | readonly number[];
}

export interface ClassificationPerformance {
  n: number;
  /** 'binary': precision/recall/F1 of the positive label; 'macro': their unweighted mean over all labels. */
  average: 'binary' | 'macro';
  accuracy: number;
  precision: number;
  recall: number;
  f1: number;
  /** Binary only, when every row has a numeric score; null otherwise (see `notes`). */
  rocAuc: number | null;
  /** Binary only, when every row's score is a probability; null otherwise (see `notes`). */
  logLoss: number | null;
  /** Why a metric is null, in words a user can act on. */
  notes: string[];
}

export interface ClassificationOptions {
  /** The positive class for binary metrics (default 1). */
  positiveLabel?: Label;
  /** Default: 'binary' when the window holds at most two labels, one of them positive; else 'macro'. */
  average?: 'binary' | 'macro';
}

/** Accuracy, precision, recall, F1, ROC-AUC and log-loss of one window of joined rows (definitions in each file). */
export function classificationPerformance(
  rows: readonly ClassificationRow[],
  options: ClassificationOptions = {},
): ClassificationPerformance {
  if (rows.length === 0) throw invalidArgument('classification performance: the window has no rows');
  const positive = options.positiveLabel ?? 1;
  const yTrue = rows.map((r) => r.label);
  const yPred = rows.map((r) => r.prediction);
  const labels = sortedLabels(yTrue, yPred);
  const average =
    options.average ?? (labels.length <= 2 && (labels.length < 2 || labels.includes(positive)) ? 'binary' : 'macro');
  const scores = macroOrBinary(yTrue, yPred, positive, average);
  const notes: string[] = [];
  let auc: number | null = null;
  let logLoss: number | null = null;
  if (average === 'binary') {
    const probabilities = rows.every((r) => typeof r.scores === 'number') ? rows.map((r) => r.scores as number) : null;
    if (!probabilities) notes.push('ROC-AUC and log-loss need a numeric score (P(positive)) on every row');
    else {
      const hasBothClasses = yTrue.some((y) => y === positive) && yTrue.some((y) => y !== positive);
      if (hasBothClasses) auc = rocAuc(yTrue, probabilities, positive);
      else notes.push('ROC-AUC is not defined: the window holds one class only');
      if (probabilities.every((p) => p >= 0 && p <= 1)) logLoss = binaryLogLoss(yTrue, probabilities, positive);
      else notes.push('log-loss needs scores that are probabilities in [0, 1]');
    }
  } else {
    notes.push('ROC-AUC and log-loss are computed for binary windows only');
  }
  return { n: rows.length, average, accuracy: accuracy(yTrue, yPred), ...scores, rocAuc: auc, logLoss, notes };
}

function macroOrBinary(yTrue: Label[], yPred: Label[], positive: Label, average: 'binary' | 'macro') {
  const { precision, recall, f1 } =
    average === 'binary' ? binaryPrecisionRecallF1(yTrue, yPred, positive) : macroPrecisionRecallF1(yTrue, yPred);
  return { precision, recall, f1 };
}

export interface RegressionPerformance {
  n: number;
  mae: number;
  rmse: number;
}

/** MAE and RMSE of one window of joined regression rows. */
export function regressionPerformance(rows: readonly { prediction: number; label: number }[]): RegressionPerformance {
  if (rows.length === 0) throw invalidArgument('regression performance: the window has no rows');
  const yTrue = rows.map((r) => r.label);
  const yPred = rows.map((r) => r.prediction);
  return { n: rows.length, mae: meanAbsoluteError(yTrue, yPred), rmse: rootMeanSquaredError(yTrue, yPred) };
}

/** One window's bounds and metrics. */
export interface WindowPerformance<M> {
  index: number;
  start: number;
  end: number;
  n: number;
  metrics: M;
}

/** Applies a metric function to each window. */
export function performanceByWindow<T, M>(
  windows: readonly Window<T>[],
  compute: (rows: T[]) => M,
): WindowPerformance<M>[] {
  return windows.map((w) => ({
    index: w.index,
    start: w.start,
    end: w.end,
    n: w.rows.length,
    metrics: compute(w.rows),
  }));
}

/**
 * current − reference for every numeric metric present in both (null where either is null): how far a window's
 * performance moved from the reference period's.
 */
export function differenceFromReference<M extends object>(
  reference: M,
  current: M,
): Partial<Record<keyof M, number | null>> {
  const out: Partial<Record<keyof M, number | null>> = {};
  for (const key of Object.keys(reference) as (keyof M)[]) {
    if (key === 'n') continue;
    const r: unknown = reference[key];
    const c: unknown = current[key];
    if ((typeof r === 'number' || r === null) && (typeof c === 'number' || c === null)) {
      out[key] = r === null || c === null ? null : c - r;
    }
  }
  return out;
}
