/**
 * One entry point for every trainer: `train(data, { algorithm, ...options })` returns a Classifier.
 */
import { invalidArgument } from '../core/errors.js';
import type { Algorithm, Classifier } from './classifier.js';
import { type GradientBoostingOptions, trainGradientBoosting } from './gradient-boosting/train-gradient-boosting.js';
import {
  type LogisticRegressionOptions,
  trainLogisticRegression,
} from './logistic-regression/train-logistic-regression.js';
import type { TrainingData } from './training-data.js';

export type TrainOptions =
  | ({ algorithm: 'logistic-regression' } & LogisticRegressionOptions)
  | ({ algorithm: 'gradient-boosting' } & GradientBoostingOptions);

export const ALGORITHMS: readonly Algorithm[] = ['logistic-regression', 'gradient-boosting'];

export function train(data: TrainingData, options: TrainOptions): Classifier {
  const { algorithm, ...rest } = options;
  switch (algorithm) {
    case 'logistic-regression':
      return trainLogisticRegression(data, rest);
    case 'gradient-boosting':
      return trainGradientBoosting(data, rest);
    default:
      throw invalidArgument(`unknown algorithm '${String(algorithm)}'; expected one of ${ALGORITHMS.join(', ')}`);
  }
}
