import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { evaluate } from '../evaluation.js';
import { assertSamePredictions, flatFeatures, runOnnxClassifier } from '../test-support/onnx-runtime.js';
import { blobs } from '../test-support/synthetic.js';
import { minimizeLbfgs } from './lbfgs.js';
import { trainLogisticRegression } from './train-logistic-regression.js';

describe('minimizeLbfgs', () => {
  test('finds the minimum of the Rosenbrock function', () => {
    const result = minimizeLbfgs(
      (x, gradient) => {
        const [a, b] = [x[0]!, x[1]!];
        gradient[0] = -2 * (1 - a) - 400 * a * (b - a * a);
        gradient[1] = 200 * (b - a * a);
        return (1 - a) ** 2 + 100 * (b - a * a) ** 2;
      },
      Float64Array.of(-1.2, 1),
      { maxIterations: 500, gradientTolerance: 1e-10 },
    );
    assert.ok(result.converged);
    assert.ok(Math.abs(result.x[0]! - 1) < 1e-6 && Math.abs(result.x[1]! - 1) < 1e-6, `${result.x}`);
  });
});

describe('trainLogisticRegression', () => {
  const centers = [
    [0, 0, 10],
    [6, 0, 10],
    [0, 6, 10],
  ];
  const training = blobs(11, 60, centers);
  const holdout = blobs(12, 30, centers);

  test('separates well-separated blobs and serves the same predictions from ONNX Runtime', async () => {
    const model = trainLogisticRegression(training);
    const result = evaluate(model, holdout.features, holdout.labels);
    assert.equal(result.accuracy, 1);
    assert.deepEqual(model.classes, ['class_0', 'class_1', 'class_2']);
    const served = await runOnnxClassifier(model.toOnnx(), flatFeatures(holdout.features as number[][]), 3);
    assertSamePredictions(model.predict(holdout.features), served);
  });

  test('a constant feature (scale 1, weight 0) and two classes work end to end', async () => {
    const binary = blobs(13, 40, [
      [0, 5],
      [3, 5],
    ]);
    binary.features = (binary.features as number[][]).map(([x]) => [x!, 5]);
    const model = trainLogisticRegression(binary);
    assert.equal(model.parameters.standardizer.scale[1], 1);
    assert.ok(Math.abs(model.parameters.weights[2]!) < 1e-12 && Math.abs(model.parameters.weights[3]!) < 1e-12);
    const served = await runOnnxClassifier(model.toOnnx(), flatFeatures(binary.features as number[][]), 2);
    assertSamePredictions(model.predict(binary.features), served);
    assert.ok(evaluate(model, binary.features, binary.labels).accuracy > 0.9);
  });

  test('a stronger L2 penalty shrinks the weights; results are identical run to run', () => {
    const norm = (w: Float32Array) => Math.hypot(...w);
    const weak = trainLogisticRegression(training, { l2: 1e-4 });
    const strong = trainLogisticRegression(training, { l2: 1 });
    assert.ok(norm(strong.parameters.weights) < norm(weak.parameters.weights) / 2);
    assert.deepEqual(trainLogisticRegression(training, { l2: 1 }).toOnnx(), strong.toOnnx());
    assert.ok(strong.parameters.training.converged);
  });
});
