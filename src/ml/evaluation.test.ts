import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isOspreyError } from '../core/errors.js';
import { accuracy, confusionMatrix, logLoss } from './evaluation.js';

test('accuracy is the share of equal labels', () => {
  assert.equal(accuracy(['a', 'b', 'b', 'c'], ['a', 'b', 'c', 'c']), 0.75);
});

test('the confusion matrix counts (true, predicted) pairs; unexpected labels are appended, sorted', () => {
  const matrix = confusionMatrix(['a', 'b', 'b', 'z'], ['a', 'a', 'b', 'y'], ['b', 'a']);
  assert.deepEqual(matrix.classes, ['b', 'a', 'y', 'z']);
  assert.deepEqual(matrix.counts, [
    [1, 1, 0, 0],
    [0, 1, 0, 0],
    [0, 0, 0, 0],
    [0, 0, 1, 0],
  ]);
});

test('log loss is the mean −log p(true class), clipped at 1e-15 (scikit-learn log_loss)', () => {
  const probabilities = Float32Array.of(0.5, 0.5, 0.25, 0.75);
  assert.ok(Math.abs(logLoss(['a', 'b'], probabilities, ['a', 'b']) - (Math.LN2 - Math.log(0.75)) / 2) < 1e-7);
  assert.ok(
    Math.abs(logLoss(['unseen', 'b'], probabilities, ['a', 'b']) - (-Math.log(1e-15) - Math.log(0.75)) / 2) < 1e-7,
  );
});

test('mismatched or empty inputs are refused', () => {
  assert.throws(
    () => accuracy(['a'], []),
    (e) => isOspreyError(e, 'INVALID_ARGUMENT') && /1 true labels but 0 predictions/.test(e.message),
  );
  assert.throws(() => accuracy([], []), /no rows to evaluate/);
  assert.throws(
    () => logLoss(['a'], Float32Array.of(1), ['a', 'b']),
    /1 probabilities do not make 1 rows of 2 classes/,
  );
});
