/**
 * Trains multinomial (softmax) logistic regression with an L2 penalty by L-BFGS on standardized features.
 *
 * The problem is strictly convex for l2 > 0 and starts from zero weights, so the result is deterministic and does
 * not depend on a seed (`seed` is accepted for a uniform interface and recorded).
 */

import { numberOption } from '../options.js';
import { fitStandardizer, standardize } from '../preprocessing/standardizer.js';
import { prepareTrainingData, type TrainingData } from '../training-data.js';
import { minimizeLbfgs } from './lbfgs.js';
import { LogisticRegressionModel } from './logistic-regression-model.js';
import { softmaxLoss } from './softmax-loss.js';

export interface LogisticRegressionOptions {
  /** L2 penalty λ on the weights, in units of the mean loss (sklearn's C ≈ 1 / (λ · rows)). Default 1e-3. */
  l2?: number;
  /** L-BFGS iterations at most. Default 500. */
  maxIterations?: number;
  /** Stop when the largest gradient component falls to this. Default 1e-6. */
  tolerance?: number;
  seed?: number;
}

export function trainLogisticRegression(
  data: TrainingData,
  options: LogisticRegressionOptions = {},
): LogisticRegressionModel {
  const l2 = numberOption('l2', options.l2, 1e-3, { min: 0 });
  const maxIterations = numberOption('maxIterations', options.maxIterations, 500, { min: 1, integer: true });
  const tolerance = numberOption('tolerance', options.tolerance, 1e-6, { min: 0, exclusiveMin: true });
  numberOption('seed', options.seed, 0, { integer: true });
  const { matrix, featureNames, classes, targets } = prepareTrainingData(data);

  const standardizer = fitStandardizer(matrix);
  const x = standardize(standardizer, matrix);
  const { rows, columns } = matrix;
  const classCount = classes.length;
  const objective = softmaxLoss({ x, rows, columns, classes: classCount, targets, l2 });
  const result = minimizeLbfgs(objective, new Float64Array((columns + 1) * classCount), {
    maxIterations,
    gradientTolerance: tolerance,
  });

  return new LogisticRegressionModel({
    featureNames,
    classes,
    standardizer,
    weights: Float32Array.from(result.x.subarray(0, columns * classCount)),
    intercepts: Float32Array.from(result.x.subarray(columns * classCount)),
    training: { l2, iterations: result.iterations, converged: result.converged, loss: result.value },
  });
}
