import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { evaluate } from '../evaluation.js';
import { trainLogisticRegression } from '../logistic-regression/train-logistic-regression.js';
import { assertSamePredictions, flatFeatures, runOnnxClassifier } from '../test-support/onnx-runtime.js';
import { blobs, xor } from '../test-support/synthetic.js';
import { toFeatureMatrix } from '../training-data.js';
import { binFeatures, binOf } from './feature-bins.js';
import { trainGradientBoosting } from './train-gradient-boosting.js';

describe('binFeatures', () => {
  test('each distinct value gets its own bin when there are few; thresholds are float32 midpoints', () => {
    const matrix = toFeatureMatrix([[1], [2], [2], [4], [0.1]], ['x'], 'test');
    const { thresholds, bins } = binFeatures(matrix, 255);
    assert.deepEqual([...thresholds[0]!], [Math.fround(0.55), 1.5, 3]);
    assert.deepEqual([...bins], [1, 2, 2, 3, 0]);
  });

  test('quantile bins when there are many values; bin ≤ b exactly when x ≤ threshold b', () => {
    const values = Array.from({ length: 1000 }, (_, i) => [Math.fround(Math.sin(i) * 1000)]);
    const matrix = toFeatureMatrix(values, ['x'], 'test');
    const { thresholds, bins } = binFeatures(matrix, 16);
    const cuts = thresholds[0]!;
    assert.ok(cuts.length <= 15 && cuts.length >= 10, `${cuts.length} thresholds`);
    for (let i = 1; i < cuts.length; i++) assert.ok(cuts[i - 1]! < cuts[i]!);
    matrix.values.forEach((x, row) => {
      for (const [b, t] of cuts.entries()) assert.equal(bins[row]! <= b, x <= t, `row ${row} (${x}) vs threshold ${b}`);
    });
  });

  test('adjacent float32 values get the lower value as their threshold', () => {
    const low = 1;
    const high = 1 + 2 ** -23; // the next float32 after 1: no float32 lies strictly between
    const { thresholds } = binFeatures(toFeatureMatrix([[low], [high]], ['x'], 'test'), 255);
    assert.deepEqual([...thresholds[0]!], [low]);
    assert.equal(binOf(high, thresholds[0]!), 1);
  });
});

describe('trainGradientBoosting', () => {
  test('learns XOR, which logistic regression cannot', () => {
    const training = xor(21, 600);
    const holdout = xor(22, 300);
    const trees = evaluate(trainGradientBoosting(training), holdout.features, holdout.labels).accuracy;
    const linear = evaluate(trainLogisticRegression(training), holdout.features, holdout.labels).accuracy;
    assert.ok(trees >= 0.95, `gradient boosting accuracy ${trees}`);
    assert.ok(linear < 0.7, `logistic regression accuracy ${linear}`);
  });

  test('ONNX Runtime serves the same predictions, also for inputs exactly on the thresholds', async () => {
    const model = trainGradientBoosting(xor(23, 400), { nEstimators: 30, maxDepth: 4 });
    const rows = (xor(24, 200).features as number[][]).slice();
    // Rows whose values sit exactly on (and one float32 step either side of) split thresholds: BRANCH_LEQ semantics.
    for (const tree of model.parameters.trees.slice(0, 20))
      tree.feature.forEach((feature, node) => {
        if (feature < 0) return;
        const t = tree.threshold[node]!;
        for (const x of [t, nextFloat32(t, -1), nextFloat32(t, 1)])
          rows.push([0, 0, 0.5].map((v, j) => (j === feature ? x : v)));
      });
    const served = await runOnnxClassifier(model.toOnnx(), flatFeatures(rows), 3, { intraOpNumThreads: 1 });
    assertSamePredictions(model.predict(rows), served);
  });

  test('three or more classes, and trees that are a single leaf, export correctly', async () => {
    const data = blobs(25, 30, [
      [0, 0],
      [4, 0],
      [0, 4],
      [4, 4],
    ]);
    const model = trainGradientBoosting(data, { nEstimators: 10 });
    const served = await runOnnxClassifier(model.toOnnx(), flatFeatures(data.features as number[][]), 2);
    assertSamePredictions(model.predict(data.features), served);

    const constant = { ...data, features: (data.features as number[][]).map(() => [1, 2]) };
    const stump = trainGradientBoosting(constant, { nEstimators: 3 });
    assert.ok(stump.parameters.trees.every((tree) => tree.feature.length === 1 && tree.feature[0] === -1));
    const servedStump = await runOnnxClassifier(
      stump.toOnnx(),
      flatFeatures([
        [1, 2],
        [7, -3],
      ]),
      2,
    );
    assertSamePredictions(
      stump.predict([
        [1, 2],
        [7, -3],
      ]),
      servedStump,
    );
  });

  test('is deterministic; with subsampling, the seed chooses the rows', () => {
    const data = xor(26, 300);
    const a = trainGradientBoosting(data, { nEstimators: 20, subsample: 0.5, seed: 1 }).toOnnx();
    assert.deepEqual(trainGradientBoosting(data, { nEstimators: 20, subsample: 0.5, seed: 1 }).toOnnx(), a);
    assert.notDeepEqual(trainGradientBoosting(data, { nEstimators: 20, subsample: 0.5, seed: 2 }).toOnnx(), a);
    assert.deepEqual(
      trainGradientBoosting(data, { nEstimators: 20, seed: 1 }).parameters.trees,
      trainGradientBoosting(data, { nEstimators: 20, seed: 2 }).parameters.trees,
      'without subsampling the seed changes nothing',
    );
  });

  test('depth, leaf size and rounds are respected', () => {
    const model = trainGradientBoosting(xor(27, 300), { nEstimators: 7, maxDepth: 2, minSamplesLeaf: 20 });
    assert.equal(model.parameters.trees.length, 7 * 2);
    for (const tree of model.parameters.trees) assert.ok(tree.feature.length <= 7, `${tree.feature.length} nodes`);
  });
});

/** The float32 next to `x` in `direction` (±1). */
function nextFloat32(x: number, direction: 1 | -1): number {
  const bits = new Int32Array(Float32Array.of(x).buffer);
  bits[0]! += (x >= 0 ? 1 : -1) * direction * (x === 0 ? 0 : 1);
  if (x === 0) return direction * 2 ** -149;
  return new Float32Array(bits.buffer)[0]!;
}
