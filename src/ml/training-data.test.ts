import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isOspreyError } from '../core/errors.js';
import { blobs } from './test-support/synthetic.js';
import { ALGORITHMS, train } from './train.js';
import type { TrainingData } from './training-data.js';

const good: TrainingData = {
  features: [
    [1, 2],
    [3, 4],
    [5, 6],
  ],
  featureNames: ['a', 'b'],
  labels: ['x', 'y', 'x'],
};

function refused(action: () => unknown, message: RegExp): void {
  assert.throws(action, (error) => {
    assert.ok(isOspreyError(error, 'INVALID_ARGUMENT'), `expected INVALID_ARGUMENT, got ${String(error)}`);
    assert.match(error.message, message);
    return true;
  });
}

for (const algorithm of ALGORITHMS) {
  describe(`${algorithm} refuses bad training data with a message naming the problem`, () => {
    const fit = (data: TrainingData) => () => train(data, { algorithm });

    test('no rows', () => {
      refused(fit({ ...good, features: [], labels: [] }), /training data is empty: it has no rows/);
      refused(fit({ ...good, features: new Float64Array(0), labels: [] }), /training data is empty/);
    });

    test('NaN, infinite, non-numeric and too-large features name row and column', () => {
      refused(
        fit({
          ...good,
          features: [
            [1, 2],
            [3, Number.NaN],
            [5, 6],
          ],
        }),
        /features row 1, column 'b' is NaN/,
      );
      refused(
        fit({ ...good, features: Float64Array.of(1, 2, 3, 4, Number.POSITIVE_INFINITY, 6) }),
        /row 2, column 'a' is Infinity/,
      );
      refused(
        fit({
          ...good,
          features: [
            [1, 2],
            [3, 4],
            [5, '6' as unknown as number],
          ],
        }),
        /row 2, column 'b' is '6', not a number/,
      );
      refused(
        fit({
          ...good,
          features: [
            [1, 2],
            [3, 4],
            [1e39, 6],
          ],
        }),
        /row 2, column 'a' is 1e\+39, outside the float32 range/,
      );
    });

    test('lengths that do not match', () => {
      refused(fit({ ...good, labels: ['x', 'y'] }), /features have 3 rows but labels has 2 entries/);
      refused(
        fit({ ...good, features: [[1, 2], [3], [5, 6]] }),
        /features row 1 has 1 values but there are 2 features \(a, b\)/,
      );
      refused(
        fit({ ...good, features: Float64Array.of(1, 2, 3, 4, 5) }),
        /flat feature array of length 5 is not a whole number of rows of 2/,
      );
    });

    test('labels and feature names', () => {
      refused(fit({ ...good, labels: ['x', 'x', 'x'] }), /every label is 'x'; a classifier needs at least two classes/);
      refused(fit({ ...good, labels: ['x', 7 as unknown as string, 'y'] }), /label at row 1 is 7, not a string/);
      refused(fit({ ...good, featureNames: ['a', 'a'] }), /feature name 'a' appears twice/);
      refused(fit({ ...good, featureNames: [] }), /featureNames must be a non-empty array/);
      refused(
        fit({ ...good, features: 'nope' as unknown as number[][] }),
        /features must be a Float64Array, a Float32Array or an array of rows/,
      );
    });

    test('prediction input is checked the same way', () => {
      const model = train(
        blobs(1, 10, [
          [0, 0],
          [5, 5],
        ]),
        { algorithm },
      );
      refused(() => model.predict([[1, Number.NaN]]), /prediction input: features row 0, column 'x1' is NaN/);
      refused(
        () => model.predict([[1, 2, 3]]),
        /prediction input: features row 0 has 3 values but there are 2 features \(x0, x1\)/,
      );
      assert.deepEqual(model.predict([]).labels, []);
    });
  });
}

describe('train', () => {
  test('accepts Float64Array, Float32Array and rows alike, with the same result', () => {
    const data = blobs(2, 20, [
      [0, 0],
      [3, 3],
      [0, 4],
    ]);
    const rows = data.features as number[][];
    for (const algorithm of ALGORITHMS) {
      const fromRows = train(data, { algorithm }).toOnnx();
      assert.deepEqual(train({ ...data, features: Float64Array.from(rows.flat()) }, { algorithm }).toOnnx(), fromRows);
      assert.deepEqual(train({ ...data, features: Float32Array.from(rows.flat()) }, { algorithm }).toOnnx(), fromRows);
    }
  });

  test('refuses bad options and unknown algorithms', () => {
    const data = blobs(3, 10, [[0], [1]]);
    refused(
      () => train(data, { algorithm: 'gradient-boosting', learningRate: -1 }),
      /option learningRate must be > 0 and ≤ 10, got -1/,
    );
    refused(
      () => train(data, { algorithm: 'gradient-boosting', maxDepth: 1.5 }),
      /option maxDepth must be an integer ≥ 1 and ≤ 16, got 1.5/,
    );
    refused(
      () => train(data, { algorithm: 'gradient-boosting', nEstimators: Number.NaN }),
      /option nEstimators must be a finite number/,
    );
    refused(() => train(data, { algorithm: 'logistic-regression', l2: -0.1 }), /option l2 must be ≥ 0, got -0.1/);
    refused(
      () => train(data, { algorithm: 'random-forest' } as never),
      /unknown algorithm 'random-forest'; expected one of logistic-regression, gradient-boosting/,
    );
  });
});
