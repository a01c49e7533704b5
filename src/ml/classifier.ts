/**
 * The interface every trainer's model implements, and the float32 arithmetic their predictions share.
 *
 * Each model's `predict()` computes what its exported ONNX graph computes in ONNX Runtime, in the same float32
 * steps (inputs rounded to float32, per-operator rounding where ORT rounds), so a served model returns the
 * trainer's labels and, within float32 rounding of sums and exponentials, its probabilities.
 */
import type { FeatureInput } from './training-data.js';

export type Algorithm = 'logistic-regression' | 'gradient-boosting';

export interface Prediction {
  /** The predicted class name of each row: the class with the highest score (the first such class on a tie). */
  labels: string[];
  /** Row-major [rows × classes] softmax probabilities, classes in `Classifier.classes` order. */
  probabilities: Float32Array;
}

export interface Classifier {
  readonly algorithm: Algorithm;
  /** The feature columns, in the order `predict()` and the ONNX input expect them. */
  readonly featureNames: readonly string[];
  /** The class names, sorted; column k of the probabilities is `classes[k]`. */
  readonly classes: readonly string[];
  /** Predicts every row; refuses (INVALID_ARGUMENT) rows of the wrong width and non-finite values. */
  predict(features: FeatureInput): Prediction;
  /**
   * The model as ONNX bytes: input `features` FP32 [batch, n_features]; outputs `label` STRING [batch] and
   * `probabilities` FP32 [batch, n_classes].
   */
  toOnnx(): Uint8Array;
}

/** Softmax of `scores[offset .. offset + count)` into `out` at the same offset, rounded to float32. */
export function softmaxInto(scores: Float32Array, offset: number, count: number, out: Float32Array): void {
  let max = Number.NEGATIVE_INFINITY;
  for (let k = 0; k < count; k++) max = Math.max(max, scores[offset + k]!);
  let sum = 0;
  for (let k = 0; k < count; k++) sum += Math.exp(scores[offset + k]! - max);
  for (let k = 0; k < count; k++) out[offset + k] = Math.exp(scores[offset + k]! - max) / sum;
}

/** The index of the largest of `values[offset .. offset + count)`, the first on a tie (as ONNX ArgMax). */
export function argmaxAt(values: Float32Array, offset: number, count: number): number {
  let best = 0;
  for (let k = 1; k < count; k++) if (values[offset + k]! > values[offset + best]!) best = k;
  return best;
}

/** Scores [rows × classes] → labels (argmax of the scores) and softmax probabilities. */
export function scoresToPrediction(scores: Float32Array, rows: number, classes: readonly string[]): Prediction {
  const count = classes.length;
  const probabilities = new Float32Array(rows * count);
  const labels = new Array<string>(rows);
  for (let row = 0; row < rows; row++) {
    softmaxInto(scores, row * count, count, probabilities);
    labels[row] = classes[argmaxAt(scores, row * count, count)]!;
  }
  return { labels, probabilities };
}
