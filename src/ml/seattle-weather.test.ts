import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { isOspreyError } from '../core/errors.js';
import { bundledDataset, SEATTLE_WEATHER } from '../data/bundled.js';
import type { Classifier } from './classifier.js';
import { evaluate } from './evaluation.js';
import type { LogisticRegressionModel } from './logistic-regression/logistic-regression-model.js';
import { parseSeattleWeatherCsv, WEATHER_FEATURES, weatherFeatures, weatherTrainingData } from './seattle-weather.js';
import { assertSamePredictions, flatFeatures, runOnnxClassifier } from './test-support/onnx-runtime.js';
import { type TrainOptions, train } from './train.js';

const days = parseSeattleWeatherCsv(readFileSync(bundledDataset(SEATTLE_WEATHER), 'utf8'));
const training = weatherTrainingData(days.filter((day) => day.date < '2015-01-01'));
const holdout = weatherTrainingData(days.filter((day) => day.date >= '2015-01-01'));
const holdoutRows = holdout.features as number[][];
const columns = WEATHER_FEATURES.length;

const oracle = JSON.parse(
  readFileSync(new URL('./fixtures/seattle-weather-sklearn.json', import.meta.url), 'utf8'),
) as {
  classes: string[];
  featureMean: number[];
  featureScale: number[];
  weights: number[][];
  intercepts: number[];
  holdoutProbabilities: number[][];
  holdoutAccuracy: number;
};

describe('the Seattle weather data', () => {
  test('has 1461 days; training is 2012–2014 (1096 days), the holdout 2015 (365 days)', () => {
    assert.equal(days.length, 1461);
    assert.equal(training.labels.length, 1096);
    assert.equal(holdout.labels.length, 365);
    assert.deepEqual([...new Set(training.labels)].sort(), ['drizzle', 'fog', 'rain', 'snow', 'sun']);
  });

  test('features are the measurements plus the season on the unit circle', () => {
    const [precipitation, tempMax, tempMin, wind, sin, cos] = weatherFeatures({
      date: '2012-07-02',
      precipitation: 1.5,
      temp_max: 20,
      temp_min: 10,
      wind: 3,
    });
    assert.deepEqual([precipitation, tempMax, tempMin, wind], [1.5, 20, 10, 3]);
    assert.ok(Math.abs(sin! - Math.sin((2 * Math.PI * 183) / 365.25)) < 1e-12 && cos! < -0.99, `${sin}, ${cos}`);
  });

  test('a malformed CSV is refused naming the line', () => {
    const check = (text: string, message: RegExp) =>
      assert.throws(
        () => parseSeattleWeatherCsv(text),
        (e) => isOspreyError(e, 'INVALID_ARGUMENT') && message.test(e.message),
      );
    check('a,b\n', /expected the header date,precipitation/);
    check(
      'date,precipitation,temp_max,temp_min,wind,weather\n2012-01-01,x,1,1,1,rain\n',
      /line 2: precipitation 'x' is not a number/,
    );
    check(
      'date,precipitation,temp_max,temp_min,wind,weather\n2012-01-01,1,1,1,rain\n',
      /line 2: expected 6 values, got 5/,
    );
  });
});

const algorithms: { options: TrainOptions; minimumAccuracy: number }[] = [
  { options: { algorithm: 'logistic-regression' }, minimumAccuracy: 0.75 },
  { options: { algorithm: 'gradient-boosting', seed: 1 }, minimumAccuracy: 0.8 },
];

for (const { options, minimumAccuracy } of algorithms) {
  describe(`${options.algorithm} on Seattle weather (train 2012–2014, hold out 2015)`, () => {
    let model: Classifier;
    test('trains deterministically and predicts the 2015 weather', (t) => {
      const started = performance.now();
      model = train(training, options);
      const milliseconds = performance.now() - started;
      const result = evaluate(model, holdout.features, holdout.labels);
      t.diagnostic(
        `${options.algorithm}: holdout accuracy ${result.accuracy.toFixed(4)}, log loss ${result.logLoss.toFixed(4)}, trained in ${milliseconds.toFixed(0)} ms`,
      );
      t.diagnostic(
        `confusion (rows true, columns predicted; ${result.confusion.classes.join(', ')}): ${JSON.stringify(result.confusion.counts)}`,
      );
      assert.ok(result.accuracy >= minimumAccuracy, `accuracy ${result.accuracy} < ${minimumAccuracy}`);
      assert.deepEqual(model.classes, ['drizzle', 'fog', 'rain', 'snow', 'sun']);
      assert.deepEqual(train(training, options).toOnnx(), model.toOnnx(), 'a second training gives the same model');
    });

    test('ONNX Runtime serves the exported model with the same labels and probabilities', async (t) => {
      const onnx = model.toOnnx();
      const ours = model.predict(holdout.features);
      for (const threads of [1, 2]) {
        const served = await runOnnxClassifier(onnx, flatFeatures(holdoutRows), columns, {
          intraOpNumThreads: threads,
        });
        const largest = assertSamePredictions(ours, served, 1e-5);
        t.diagnostic(
          `${threads} thread(s): 365 labels equal, largest probability difference ${largest.toExponential(2)}`,
        );
        assert.deepEqual(
          served.outputMetadata.map((m) => (m.isTensor ? [m.name, m.type, m.shape] : [])),
          [
            ['label', 'string', ['batch']],
            ['probabilities', 'float32', ['batch', 5]],
          ],
        );
      }
      // One row at a time (how single requests arrive; trees may then be summed in parallel chunks).
      for (const row of holdoutRows.slice(0, 20)) {
        const served = await runOnnxClassifier(onnx, flatFeatures([row]), columns, { intraOpNumThreads: 2 });
        assertSamePredictions(model.predict([row]), served, 1e-5);
      }
    });
  });
}

describe('logistic regression agrees with scikit-learn (scripts/ml/make_ml_oracles.py)', () => {
  test('same standardization, coefficients, holdout probabilities and accuracy', () => {
    const model = train(training, { algorithm: 'logistic-regression' }) as LogisticRegressionModel;
    const { standardizer, weights, intercepts } = model.parameters;
    assert.deepEqual(model.classes, oracle.classes);
    const close = (ours: ArrayLike<number>, theirs: number[], tolerance: number, what: string) => {
      for (const [i, value] of theirs.entries())
        assert.ok(Math.abs(ours[i]! - value) <= tolerance, `${what}[${i}]: ours ${ours[i]}, scikit-learn ${value}`);
    };
    close(standardizer.mean, oracle.featureMean, 1e-6, 'mean');
    close(standardizer.scale, oracle.featureScale, 1e-6, 'scale');
    close(weights, oracle.weights.flat(), 5e-4, 'weights');
    close(intercepts, oracle.intercepts, 5e-4, 'intercepts');
    close(model.predict(holdout.features).probabilities, oracle.holdoutProbabilities.flat(), 1e-4, 'probabilities');
    assert.equal(evaluate(model, holdout.features, holdout.labels).accuracy, oracle.holdoutAccuracy);
  });
});
