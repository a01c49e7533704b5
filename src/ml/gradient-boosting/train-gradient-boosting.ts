/**
 * Trains gradient-boosted trees for multiclass classification with the softmax (multinomial deviance) objective:
 * each round fits one regression tree per class to the gradient p − y and hessian p(1 − p) of the cross-entropy,
 * starting from the log class priors. Splits are searched over quantile bins of the float32 features.
 *
 * Deterministic: ties between splits go to the first feature and the lowest bin; the only randomness is row
 * subsampling (`subsample` < 1), drawn from `seed`.
 */
import { numberOption } from '../options.js';
import { SeededRandom } from '../random.js';
import { prepareTrainingData, type TrainingData } from '../training-data.js';
import { binFeatures } from './feature-bins.js';
import { GradientBoostingModel } from './gradient-boosting-model.js';
import { fitRegressionTree, type RegressionTree, treeOutput } from './regression-tree.js';

export interface GradientBoostingOptions {
  /** Boosting rounds (each adds one tree per class). Default 100. */
  nEstimators?: number;
  /** Shrinkage applied to every leaf. Default 0.1. */
  learningRate?: number;
  /** Depth of each tree (1 = stumps). Default 3. */
  maxDepth?: number;
  /** L2 penalty λ on leaf values. Default 1. */
  l2?: number;
  /** Fewest training rows in a leaf. Default 5. */
  minSamplesLeaf?: number;
  /** Smallest hessian sum in a leaf. Default 1e-3. */
  minChildWeight?: number;
  /** Smallest gain for a split. Default 0. */
  minSplitGain?: number;
  /** Bins per feature for the split search, 2–1024. Default 255. */
  maxBins?: number;
  /** Share of rows each round trains on, drawn with `seed`. Default 1 (every row). */
  subsample?: number;
  /** Seed of the row subsampling. Default 0. */
  seed?: number;
}

export function trainGradientBoosting(
  data: TrainingData,
  options: GradientBoostingOptions = {},
): GradientBoostingModel {
  const nEstimators = numberOption('nEstimators', options.nEstimators, 100, { min: 1, max: 10_000, integer: true });
  const settings = {
    learningRate: numberOption('learningRate', options.learningRate, 0.1, { min: 0, exclusiveMin: true, max: 10 }),
    maxDepth: numberOption('maxDepth', options.maxDepth, 3, { min: 1, max: 16, integer: true }),
    l2: numberOption('l2', options.l2, 1, { min: 0 }),
    minSamplesLeaf: numberOption('minSamplesLeaf', options.minSamplesLeaf, 5, { min: 1, integer: true }),
    minChildWeight: numberOption('minChildWeight', options.minChildWeight, 1e-3, { min: 0 }),
    minSplitGain: numberOption('minSplitGain', options.minSplitGain, 0, { min: 0 }),
  };
  const maxBins = numberOption('maxBins', options.maxBins, 255, { min: 2, max: 1024, integer: true });
  const subsample = numberOption('subsample', options.subsample, 1, { min: 0, exclusiveMin: true, max: 1 });
  const seed = numberOption('seed', options.seed, 0, { integer: true });
  const { matrix, featureNames, classes, targets } = prepareTrainingData(data);

  const { rows } = matrix;
  const classCount = classes.length;
  const binned = binFeatures(matrix, maxBins);
  const counts = new Float64Array(classCount);
  for (const target of targets) counts[target]!++;
  const baseScores = Float32Array.from(counts, (count) => Math.log(Math.max(count, 1) / rows));

  // Raw scores F[row, class] during training; leaf values are added as each tree is fitted.
  const scores = new Float64Array(rows * classCount);
  for (let r = 0; r < rows; r++) scores.set(baseScores, r * classCount);
  const probabilities = new Float64Array(rows * classCount);
  const gradients = new Float64Array(rows);
  const hessians = new Float64Array(rows);
  const random = new SeededRandom(seed);
  const trees: RegressionTree[] = [];

  for (let round = 0; round < nEstimators; round++) {
    softmaxRows(scores, probabilities, rows, classCount);
    const sample = sampleRows(rows, subsample, random);
    for (let k = 0; k < classCount; k++) {
      for (let r = 0; r < rows; r++) {
        const p = probabilities[r * classCount + k]!;
        gradients[r] = p - (targets[r] === k ? 1 : 0);
        hessians[r] = Math.max(p * (1 - p), 1e-16);
      }
      const tree = fitRegressionTree(binned, gradients, hessians, sample.slice(), settings);
      // Every row, sampled or not, moves by the leaf it reaches.
      for (let r = 0; r < rows; r++) scores[r * classCount + k]! += treeOutput(tree, matrix.values, r * matrix.columns);
      trees.push(tree);
    }
  }

  return new GradientBoostingModel({
    featureNames,
    classes,
    baseScores,
    trees,
    training: {
      ...settings,
      nEstimators,
      maxBins,
      subsample,
      seed,
      logLoss: meanLogLoss(scores, probabilities, targets, classCount),
    },
  });
}

function sampleRows(rows: number, share: number, random: SeededRandom): Uint32Array {
  if (share >= 1) return Uint32Array.from({ length: rows }, (_, r) => r);
  const chosen: number[] = [];
  for (let r = 0; r < rows; r++) if (random.next() < share) chosen.push(r);
  if (chosen.length === 0) chosen.push(random.below(rows));
  return Uint32Array.from(chosen);
}

function softmaxRows(scores: Float64Array, out: Float64Array, rows: number, classes: number): void {
  for (let r = 0; r < rows; r++) {
    const offset = r * classes;
    let max = Number.NEGATIVE_INFINITY;
    for (let k = 0; k < classes; k++) max = Math.max(max, scores[offset + k]!);
    let sum = 0;
    for (let k = 0; k < classes; k++) sum += Math.exp(scores[offset + k]! - max);
    for (let k = 0; k < classes; k++) out[offset + k] = Math.exp(scores[offset + k]! - max) / sum;
  }
}

function meanLogLoss(scores: Float64Array, probabilities: Float64Array, targets: Int32Array, classes: number): number {
  softmaxRows(scores, probabilities, targets.length, classes);
  let sum = 0;
  for (let r = 0; r < targets.length; r++) sum -= Math.log(Math.max(probabilities[r * classes + targets[r]!]!, 1e-300));
  return sum / targets.length;
}
