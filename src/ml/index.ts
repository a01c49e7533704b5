/**
 * Small trainers written by us, each exporting a standard ONNX model (ai.onnx + ai.onnx.ml operators) whose
 * outputs in ONNX Runtime equal the trainer's own predictions:
 *
 *   const model = train({ features, featureNames, labels }, { algorithm: 'gradient-boosting', seed: 7 });
 *   model.predict(rows)   // { labels, probabilities }
 *   model.toOnnx()        // input `features` FP32 [batch, n]; outputs `label` STRING [batch], `probabilities` FP32 [batch, k]
 */
export type { Algorithm, Classifier, Prediction } from './classifier.js';
export {
  accuracy,
  type ConfusionMatrix,
  confusionMatrix,
  type Evaluation,
  evaluate,
  logLoss,
} from './evaluation.js';
export { GradientBoostingModel } from './gradient-boosting/gradient-boosting-model.js';
export {
  type GradientBoostingOptions,
  trainGradientBoosting,
} from './gradient-boosting/train-gradient-boosting.js';
export { LogisticRegressionModel } from './logistic-regression/logistic-regression-model.js';
export {
  type LogisticRegressionOptions,
  trainLogisticRegression,
} from './logistic-regression/train-logistic-regression.js';
export { FEATURES_INPUT, LABEL_OUTPUT, PROBABILITIES_OUTPUT } from './onnx/classifier-graph.js';
export {
  parseSeattleWeatherCsv,
  WEATHER_FEATURES,
  type WeatherDay,
  weatherFeatures,
  weatherTrainingData,
} from './seattle-weather.js';
export { ALGORITHMS, type TrainOptions, train } from './train.js';
export type { FeatureInput, TrainingData } from './training-data.js';
