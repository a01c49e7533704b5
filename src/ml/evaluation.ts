/**
 * Evaluation of a classifier's predictions against the true labels: accuracy, confusion matrix, log loss, and
 * `evaluate()` that computes them all for a model on labelled data.
 */
import { invalidArgument } from '../core/errors.js';
import type { Classifier } from './classifier.js';
import type { FeatureInput } from './training-data.js';

export interface ConfusionMatrix {
  /** Row and column order: the given classes, then any other label seen, sorted. */
  classes: string[];
  /** counts[i][j]: rows whose true class is classes[i] and predicted class is classes[j]. */
  counts: number[][];
}

export interface Evaluation {
  rows: number;
  accuracy: number;
  /** Mean −log p(true class), with p clipped to at least 1e-15 (as scikit-learn's log_loss). */
  logLoss: number;
  confusion: ConfusionMatrix;
}

/** The share of rows whose predicted label equals the true label. */
export function accuracy(actual: readonly string[], predicted: readonly string[]): number {
  checkSameLength(actual, predicted);
  let correct = 0;
  for (let i = 0; i < actual.length; i++) if (actual[i] === predicted[i]) correct++;
  return correct / actual.length;
}

export function confusionMatrix(
  actual: readonly string[],
  predicted: readonly string[],
  classes: readonly string[] = [],
): ConfusionMatrix {
  checkSameLength(actual, predicted);
  const known = new Set(classes);
  const extra = [...new Set([...actual, ...predicted])].filter((label) => !known.has(label)).sort();
  const order = [...classes, ...extra];
  const index = new Map(order.map((label, i) => [label, i]));
  const counts = order.map(() => order.map(() => 0));
  for (let i = 0; i < actual.length; i++) counts[index.get(actual[i]!)!]![index.get(predicted[i]!)!]!++;
  return { classes: order, counts };
}

/**
 * Mean cross-entropy of row-major [rows × classes] probabilities. A true label outside `classes` (a class the model
 * never saw) has probability 0, clipped like any other.
 */
export function logLoss(actual: readonly string[], probabilities: Float32Array, classes: readonly string[]): number {
  if (probabilities.length !== actual.length * classes.length)
    throw invalidArgument(
      `log loss: ${probabilities.length} probabilities do not make ${actual.length} rows of ${classes.length} classes`,
    );
  const index = new Map(classes.map((label, i) => [label, i]));
  let sum = 0;
  actual.forEach((label, row) => {
    const k = index.get(label);
    const p = k === undefined ? 0 : probabilities[row * classes.length + k]!;
    sum -= Math.log(Math.max(p, 1e-15));
  });
  return sum / actual.length;
}

/** Predicts `features` with `model` and scores the predictions against `labels`. */
export function evaluate(model: Classifier, features: FeatureInput, labels: readonly string[]): Evaluation {
  const { labels: predicted, probabilities } = model.predict(features);
  return {
    rows: labels.length,
    accuracy: accuracy(labels, predicted),
    logLoss: logLoss(labels, probabilities, model.classes),
    confusion: confusionMatrix(labels, predicted, model.classes),
  };
}

function checkSameLength(actual: readonly string[], predicted: readonly string[]): void {
  if (actual.length !== predicted.length)
    throw invalidArgument(
      `evaluation: ${actual.length} true labels but ${predicted.length} predictions; they must match`,
    );
  if (actual.length === 0) throw invalidArgument('evaluation: there are no rows to evaluate');
}
