/**
 * The objective of multinomial logistic regression: mean cross-entropy of the softmax over linear scores plus an
 * L2 penalty on the weights (not the intercepts),
 *
 *   f(W, b) = −(1/n) Σᵢ log softmax(xᵢW + b)[yᵢ] + (λ/2) ‖W‖²,
 *   ∇W = (1/n) Xᵀ(P − Y) + λW,   ∇b = (1/n) Σᵢ (pᵢ − yᵢ).
 *
 * Parameters are one flat vector: W row-major [features × classes], then b [classes].
 */
import type { Objective } from './lbfgs.js';

export interface SoftmaxProblem {
  /** Standardized features, row-major [rows × columns]. */
  x: Float32Array;
  rows: number;
  columns: number;
  classes: number;
  targets: Int32Array;
  l2: number;
}

export function softmaxLoss(problem: SoftmaxProblem): Objective {
  const { x, rows, columns, classes, targets, l2 } = problem;
  const scores = new Float64Array(classes);
  return (theta, gradient) => {
    gradient.fill(0);
    const bias = columns * classes;
    let loss = 0;
    for (let r = 0; r < rows; r++) {
      const row = r * columns;
      let max = Number.NEGATIVE_INFINITY;
      for (let k = 0; k < classes; k++) {
        let score = theta[bias + k]!;
        for (let c = 0; c < columns; c++) score += x[row + c]! * theta[c * classes + k]!;
        scores[k] = score;
        if (score > max) max = score;
      }
      let sum = 0;
      for (let k = 0; k < classes; k++) sum += Math.exp(scores[k]! - max);
      const target = targets[r]!;
      loss += Math.log(sum) + max - scores[target]!;
      for (let k = 0; k < classes; k++) {
        const residual = Math.exp(scores[k]! - max) / sum - (k === target ? 1 : 0);
        gradient[bias + k]! += residual;
        for (let c = 0; c < columns; c++) gradient[c * classes + k]! += residual * x[row + c]!;
      }
    }
    let penalty = 0;
    for (let i = 0; i < theta.length; i++) {
      gradient[i]! /= rows;
      if (i < bias) {
        penalty += theta[i]! * theta[i]!;
        gradient[i]! += l2 * theta[i]!;
      }
    }
    return loss / rows + (l2 / 2) * penalty;
  };
}
