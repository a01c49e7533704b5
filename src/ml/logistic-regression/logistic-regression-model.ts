/**
 * A trained multinomial logistic regression: standardization, then linear class scores, then softmax.
 *
 * ONNX graph (ai.onnx opset 17 + the shared head of onnx/classifier-graph.ts):
 *   features ─► Sub(feature_mean) ─► Div(feature_scale) ─► MatMul(weights [n_features, n_classes])
 *            ─► Add(intercepts [n_classes]) ─► scores ─► Softmax / ArgMax / LabelEncoder
 */
import { type Classifier, type Prediction, scoresToPrediction } from '../classifier.js';
import { encodeClassifierModel } from '../onnx/classifier-graph.js';
import { type Standardizer, standardize, standardizerGraph } from '../preprocessing/standardizer.js';
import { type FeatureInput, toFeatureMatrix } from '../training-data.js';

export interface LogisticRegressionParameters {
  featureNames: readonly string[];
  classes: readonly string[];
  standardizer: Standardizer;
  /** Row-major [n_features × n_classes], on standardized features (float32). */
  weights: Float32Array;
  /** One per class (float32). */
  intercepts: Float32Array;
  /** What training did, recorded in the ONNX metadata. */
  training: { l2: number; iterations: number; converged: boolean; loss: number };
}

export class LogisticRegressionModel implements Classifier {
  readonly algorithm = 'logistic-regression';
  readonly featureNames: readonly string[];
  readonly classes: readonly string[];

  constructor(readonly parameters: LogisticRegressionParameters) {
    this.featureNames = parameters.featureNames;
    this.classes = parameters.classes;
  }

  /** Class scores before the softmax, float32 as ONNX Runtime computes them: [rows × classes]. */
  scores(features: FeatureInput): { scores: Float32Array; rows: number } {
    const matrix = toFeatureMatrix(features, this.featureNames, 'prediction input');
    const z = standardize(this.parameters.standardizer, matrix);
    const { weights, intercepts } = this.parameters;
    const { rows, columns } = matrix;
    const classCount = this.classes.length;
    const scores = new Float32Array(rows * classCount);
    for (let r = 0; r < rows; r++) {
      for (let k = 0; k < classCount; k++) {
        let sum = 0;
        for (let c = 0; c < columns; c++) sum += z[r * columns + c]! * weights[c * classCount + k]!;
        scores[r * classCount + k] = Math.fround(sum) + intercepts[k]!; // MatMul rounds, then Add rounds
      }
    }
    return { scores, rows };
  }

  predict(features: FeatureInput): Prediction {
    const { scores, rows } = this.scores(features);
    return scoresToPrediction(scores, rows, this.classes);
  }

  toOnnx(): Uint8Array {
    const { standardizer, weights, intercepts, training } = this.parameters;
    const scaling = standardizerGraph(standardizer, 'features', 'standardized');
    return encodeClassifierModel({
      name: 'logistic_regression',
      featureNames: this.featureNames,
      classes: this.classes,
      nodes: [
        ...scaling.nodes,
        { opType: 'MatMul', name: 'linear', inputs: ['standardized', 'weights'], outputs: ['linear_scores'] },
        { opType: 'Add', name: 'intercept', inputs: ['linear_scores', 'intercepts'], outputs: ['scores'] },
      ],
      initializers: [
        ...scaling.initializers,
        {
          name: 'weights',
          dataType: 'float',
          dims: [this.featureNames.length, this.classes.length],
          data: weights,
          raw: true,
        },
        { name: 'intercepts', dataType: 'float', dims: [this.classes.length], data: intercepts },
      ],
      scores: 'scores',
      docString: 'Multinomial logistic regression on standardized features, trained by Osprey (src/ml).',
      metadata: { algorithm: this.algorithm, training: JSON.stringify(training) },
    });
  }
}
