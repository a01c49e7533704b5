import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isOspreyError } from '../../core/errors.js';
import { joinPredictionsWithLabels, LabelJoiner } from './label-join.js';

describe('joining predictions with labels that arrive later', () => {
  it('joins by id in either arrival order and counts what is left on each side', () => {
    const joiner = new LabelJoiner<number, number>();
    assert.equal(joiner.addLabel({ id: 'b', label: 0 }), undefined, 'a label before its prediction waits');
    assert.equal(joiner.addPrediction({ id: 'a', timestamp: 10, prediction: 1, scores: 0.9 }), undefined);
    assert.deepEqual(joiner.addPrediction({ id: 'b', timestamp: 20, prediction: 1 }), {
      id: 'b',
      timestamp: 20,
      prediction: 1,
      label: 0,
    });
    assert.deepEqual(joiner.addLabel({ id: 'a', label: 1 }), {
      id: 'a',
      timestamp: 10,
      prediction: 1,
      scores: 0.9,
      label: 1,
    });
    joiner.addPrediction({ id: 'c', timestamp: 5, prediction: 0 });
    joiner.addLabel({ id: 'z', label: 1 });
    assert.deepEqual(joiner.counts(), {
      unmatchedPredictions: 1,
      unmatchedLabels: 1,
      duplicatePredictions: 0,
      duplicateLabels: 0,
      expiredPredictions: 0,
    });
    assert.deepEqual(joiner.pendingPredictionIds(), ['c']);
  });

  it('keeps the first record of an id and counts repeats as duplicates, even after the join', () => {
    const joiner = new LabelJoiner<string, string>();
    joiner.addPrediction({ id: 1, timestamp: 1, prediction: 'x' });
    joiner.addPrediction({ id: 1, timestamp: 2, prediction: 'y' });
    const row = joiner.addLabel({ id: 1, label: 'first' });
    assert.equal(row?.prediction, 'x');
    assert.equal(row?.label, 'first');
    assert.equal(joiner.addLabel({ id: 1, label: 'second' }), undefined);
    assert.equal(joiner.addPrediction({ id: 1, timestamp: 3, prediction: 'z' }), undefined);
    const counts = joiner.counts();
    assert.equal(counts.duplicatePredictions, 2);
    assert.equal(counts.duplicateLabels, 1);
    assert.equal(joiner.addLabel({ id: '1', label: 'string id' }), undefined, "'1' is not the id 1");
    assert.equal(joiner.counts().unmatchedLabels, 1);
  });

  it('expires predictions whose label never came', () => {
    const joiner = new LabelJoiner();
    for (let t = 0; t < 10; t++) joiner.addPrediction({ id: t, timestamp: t * 1000, prediction: 0 });
    assert.equal(joiner.expirePredictionsBefore(4000), 4);
    assert.equal(joiner.counts().expiredPredictions, 4);
    assert.equal(joiner.counts().unmatchedPredictions, 6);
    assert.equal(joiner.addLabel({ id: 2, label: 1 }), undefined, 'an expired prediction no longer joins');
  });

  it('joins two batches into rows sorted by prediction time', () => {
    const predictions = [
      { id: 'p3', timestamp: 300, prediction: 1 },
      { id: 'p1', timestamp: 100, prediction: 0 },
      { id: 'p2', timestamp: 200, prediction: 1 },
      { id: 'p4', timestamp: 400, prediction: 0 },
    ];
    const labels = [
      { id: 'p2', label: 1 },
      { id: 'p9', label: 0 },
      { id: 'p1', label: 1 },
      { id: 'p3', label: 1 },
    ];
    const result = joinPredictionsWithLabels(predictions, labels);
    assert.deepEqual(
      result.rows.map((r) => [r.id, r.prediction, r.label]),
      [
        ['p1', 0, 1],
        ['p2', 1, 1],
        ['p3', 1, 1],
      ],
    );
    assert.equal(result.unmatchedPredictions, 1);
    assert.equal(result.unmatchedLabels, 1);
  });

  it('refuses records without a usable id or timestamp', () => {
    const joiner = new LabelJoiner();
    const refuses = (fn: () => unknown, pattern: RegExp) =>
      assert.throws(fn, (e) => isOspreyError(e, 'INVALID_ARGUMENT') && pattern.test(e.message));
    refuses(() => joiner.addPrediction({ id: '', timestamp: 1, prediction: 0 }), /prediction id is ""/);
    refuses(() => joiner.addPrediction({ id: 'a', timestamp: Number.NaN, prediction: 0 }), /timestamp is NaN/);
    refuses(() => joiner.addLabel({ id: Number.NaN, label: 0 }), /label id is null/);
  });
});
