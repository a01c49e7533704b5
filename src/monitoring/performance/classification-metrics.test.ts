import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isOspreyError } from '../../core/errors.js';
import {
  accuracy,
  binaryPrecisionRecallF1,
  confusionCounts,
  macroPrecisionRecallF1,
} from './classification-metrics.js';
import { binaryLogLoss, LOG_LOSS_EPS, multiclassLogLoss } from './log-loss.js';
import { rocAuc } from './roc-auc.js';
import { loadFixture, OracleComparison } from './test-support/oracles.js';

interface BinaryCase {
  label: string;
  yTrue: number[];
  yPred: number[];
  scores?: number[];
  proba?: number[];
  accuracy: number;
  precision: number;
  recall: number;
  f1: number;
  macroPrecision: number;
  macroRecall: number;
  macroF1: number;
  rocAuc?: number | null;
  logLoss?: number;
}
interface MulticlassCase {
  label: string;
  yTrue: (number | string)[];
  yPred: (number | string)[];
  classes?: number[];
  proba?: number[][];
  accuracy: number;
  macroPrecision: number;
  macroRecall: number;
  macroF1: number;
  logLoss?: number;
}
const oracle = loadFixture<{
  kind: string;
  sklearn: string;
  eps: number;
  cases: BinaryCase[];
  multiclass: MulticlassCase[];
}>('classification');

describe(`classification metrics against scikit-learn ${oracle.sklearn}`, () => {
  it('match accuracy, binary and macro precision/recall/F1, ROC-AUC (ties included) and log-loss', (t) => {
    const cmp = new OracleComparison();
    for (const c of oracle.cases) {
      cmp.check(`${c.label} accuracy`, accuracy(c.yTrue, c.yPred), c.accuracy);
      const binary = binaryPrecisionRecallF1(c.yTrue, c.yPred);
      cmp.check(`${c.label} precision`, binary.precision, c.precision);
      cmp.check(`${c.label} recall`, binary.recall, c.recall);
      cmp.check(`${c.label} f1`, binary.f1, c.f1);
      const macro = macroPrecisionRecallF1(c.yTrue, c.yPred);
      cmp.check(`${c.label} macro precision`, macro.precision, c.macroPrecision);
      cmp.check(`${c.label} macro recall`, macro.recall, c.macroRecall);
      cmp.check(`${c.label} macro f1`, macro.f1, c.macroF1);
      if (c.scores && c.rocAuc !== undefined && c.rocAuc !== null)
        cmp.check(`${c.label} roc`, rocAuc(c.yTrue, c.scores), c.rocAuc);
      if (c.proba && c.logLoss !== undefined)
        cmp.check(`${c.label} log-loss`, binaryLogLoss(c.yTrue, c.proba), c.logLoss);
    }
    for (const c of oracle.multiclass) {
      cmp.check(`${c.label} accuracy`, accuracy(c.yTrue, c.yPred), c.accuracy);
      const macro = macroPrecisionRecallF1(c.yTrue, c.yPred);
      cmp.check(`${c.label} macro precision`, macro.precision, c.macroPrecision);
      cmp.check(`${c.label} macro recall`, macro.recall, c.macroRecall);
      cmp.check(`${c.label} macro f1`, macro.f1, c.macroF1);
      if (c.proba && c.classes && c.logLoss !== undefined) {
        cmp.check(`${c.label} log-loss`, multiclassLogLoss(c.yTrue, c.proba, c.classes), c.logLoss);
      }
    }
    t.diagnostic(cmp.summary());
    cmp.assertAll(400);
    assert.ok(oracle.cases.filter((c) => c.label.startsWith('tied')).length >= 4, 'tied-score cases present');
  });

  it('clips log-loss probabilities at the float64 epsilon, as scikit-learn ≥ 1.2', () => {
    assert.equal(oracle.eps, LOG_LOSS_EPS);
    assert.equal(binaryLogLoss([1], [0]), -Math.log(LOG_LOSS_EPS));
    assert.equal(binaryLogLoss([0], [1]), -Math.log(LOG_LOSS_EPS / 1));
    assert.ok(Math.abs(binaryLogLoss([1], [0], 1, { eps: 1e-15 }) - -Math.log(1e-15)) < 1e-13);
    assert.equal(binaryLogLoss([true, false], [0.5, 0.5], true), Math.log(2));
  });

  it('counts the confusion matrix and handles labels of any kind', () => {
    assert.deepEqual(confusionCounts(['a', 'b', 'a', 'b'], ['a', 'a', 'b', 'b'], 'a'), { tp: 1, fp: 1, fn: 1, tn: 1 });
    assert.deepEqual(binaryPrecisionRecallF1([true, false, true], [true, true, true], true), {
      precision: 2 / 3,
      recall: 1,
      f1: (2 * (2 / 3) * 1) / (2 / 3 + 1),
    });
    const macro = macroPrecisionRecallF1(['cat', 'dog', 'cat'], ['cat', 'cat', 'fish']);
    assert.deepEqual(macro.labels, ['cat', 'dog', 'fish']);
    assert.deepEqual(macro.perLabel[2], { precision: 0, recall: 0, f1: 0 });
  });

  it('refuses what scikit-learn refuses, with a message naming the problem', () => {
    const refuses = (fn: () => unknown, pattern: RegExp) =>
      assert.throws(fn, (e) => isOspreyError(e, 'INVALID_ARGUMENT') && pattern.test(e.message));
    refuses(() => accuracy([1, 0], [1]), /yTrue has 2 values but yPred has 1/);
    refuses(() => accuracy([], []), /no values/);
    refuses(() => binaryPrecisionRecallF1([0, 1, 2], [0, 1, 1]), /3 labels .*macro/);
    refuses(() => binaryPrecisionRecallF1(['a', 'b'], ['a', 'b']), /positive label 1 is not among a, b/);
    refuses(() => macroPrecisionRecallF1([1, 'a'], [1, 'a']), /mix number and string/);
    refuses(() => rocAuc([1, 1], [0.2, 0.3]), /only one class/);
    refuses(() => rocAuc([1, 0], [0.2, Number.NaN]), /scores\[1\] is NaN/);
    refuses(() => binaryLogLoss([1, 0], [0.2, 1.2]), /pPositive\[1\] is 1.2; probabilities must be in \[0, 1\]/);
    refuses(() => multiclassLogLoss([3], [[0.5, 0.5]], [1, 2]), /yTrue\[0\] = 3 is not one of the classes/);
  });
});
