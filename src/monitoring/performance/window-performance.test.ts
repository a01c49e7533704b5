import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isOspreyError } from '../../core/errors.js';
import { binaryLogLoss } from './log-loss.js';
import { rocAuc } from './roc-auc.js';
import {
  classificationPerformance,
  differenceFromReference,
  performanceByWindow,
  regressionPerformance,
} from './window-performance.js';
import { windowsByCount, windowsByTime } from './windows.js';

describe('windows', () => {
  it('cuts rows by count, keeping or dropping the last partial window', () => {
    const rows = [0, 1, 2, 3, 4, 5, 6];
    assert.deepEqual(
      windowsByCount(rows, 3).map((w) => [w.index, w.start, w.end, w.rows]),
      [
        [0, 0, 3, [0, 1, 2]],
        [1, 3, 6, [3, 4, 5]],
        [2, 6, 7, [6]],
      ],
    );
    assert.equal(windowsByCount(rows, 3, { dropPartial: true }).length, 2);
    assert.throws(
      () => windowsByCount(rows, 0),
      (e) => isOspreyError(e, 'INVALID_ARGUMENT'),
    );
  });

  it('cuts rows by time on windows aligned to the origin, skipping empty windows', () => {
    const hour = 3_600_000;
    const rows = [{ timestamp: 5 * hour + 1 }, { timestamp: 0 }, { timestamp: hour - 1 }, { timestamp: -1 }];
    const windows = windowsByTime(rows, hour);
    assert.deepEqual(
      windows.map((w) => [w.index, w.start, w.end, w.rows.length]),
      [
        [-1, -hour, 0, 1],
        [0, 0, hour, 2],
        [5, 5 * hour, 6 * hour, 1],
      ],
    );
    assert.deepEqual(
      windowsByTime(rows, hour, 30 * 60_000).map((w) => w.start),
      [-hour / 2, hour / 2, 4.5 * hour],
    );
    assert.throws(() => windowsByTime([{ timestamp: Number.NaN }], hour), /row 0: timestamp is NaN/);
  });
});

describe('performance per window', () => {
  const rows = [
    { prediction: 1, label: 1, scores: 0.9 },
    { prediction: 1, label: 0, scores: 0.7 },
    { prediction: 0, label: 1, scores: 0.4 },
    { prediction: 0, label: 0, scores: 0.1 },
    { prediction: 1, label: 1, scores: 0.8 },
  ];

  it('computes the binary metrics of a window, with ROC-AUC and log-loss from the scores', () => {
    const perf = classificationPerformance(rows);
    assert.equal(perf.average, 'binary');
    assert.equal(perf.accuracy, 3 / 5);
    assert.equal(perf.precision, 2 / 3);
    assert.equal(perf.recall, 2 / 3);
    assert.equal(perf.rocAuc, rocAuc([1, 0, 1, 0, 1], [0.9, 0.7, 0.4, 0.1, 0.8]));
    assert.equal(perf.rocAuc, 5 / 6);
    assert.equal(perf.logLoss, binaryLogLoss([1, 0, 1, 0, 1], [0.9, 0.7, 0.4, 0.1, 0.8]));
    assert.deepEqual(perf.notes, []);
  });

  it('says why a metric is missing instead of failing the window', () => {
    const oneClass = classificationPerformance([
      { prediction: 1, label: 1, scores: 0.9 },
      { prediction: 0, label: 1, scores: 0.2 },
    ]);
    assert.equal(oneClass.rocAuc, null);
    assert.match(oneClass.notes.join(' '), /one class only/);
    const noScores = classificationPerformance([
      { prediction: 'a', label: 'b' },
      { prediction: 'c', label: 'c' },
    ]);
    assert.equal(noScores.average, 'macro');
    assert.equal(noScores.logLoss, null);
    assert.match(noScores.notes.join(' '), /binary windows only/);
  });

  it('computes regression windows and differences from the reference', () => {
    const windows = windowsByCount(
      [
        { prediction: 1, label: 1 },
        { prediction: 2, label: 4 },
        { prediction: 0, label: 3 },
        { prediction: 0, label: -1 },
      ],
      2,
    );
    const perWindow = performanceByWindow(windows, regressionPerformance);
    assert.deepEqual(perWindow[0]?.metrics, { n: 2, mae: 1, rmse: Math.sqrt(2) });
    assert.deepEqual(perWindow[1]?.metrics, { n: 2, mae: 2, rmse: Math.sqrt(5) });
    assert.deepEqual(differenceFromReference(perWindow[0]!.metrics, perWindow[1]!.metrics), {
      mae: 1,
      rmse: Math.sqrt(5) - Math.sqrt(2),
    });
    const reference = classificationPerformance(rows);
    const current = classificationPerformance(rows.slice(0, 2));
    const delta = differenceFromReference(reference, current);
    assert.equal(delta.accuracy, 0.5 - 0.6);
    assert.equal(delta.rocAuc, 1 - 5 / 6);
    const oneClass = classificationPerformance(rows.slice(0, 1));
    assert.equal(differenceFromReference(reference, oneClass).rocAuc, null, 'no ROC-AUC in a one-class window');
  });
});
