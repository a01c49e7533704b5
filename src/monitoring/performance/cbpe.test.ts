import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isOspreyError } from '../../core/errors.js';
import { estimatePerformance, estimateRocAuc, expectedConfusion } from './cbpe.js';
import { loadFixture, OracleComparison } from './test-support/oracles.js';

interface CbpeCase {
  label: string;
  proba: number[];
  yPred: (0 | 1)[];
  scores: number[];
  threshold: number;
  accuracy: number;
  precision: number;
  recall: number;
  f1: number;
  rocAuc: number | null;
  rocAucCalibratedOrder: number | null;
}
const oracle = loadFixture<{ kind: string; nannymlCommit: string; cases: CbpeCase[] }>('cbpe');

describe(`CBPE against NannyML's estimators (commit ${oracle.nannymlCommit.slice(0, 12)})`, () => {
  it('matches estimated accuracy, precision, recall, F1 and ROC-AUC', (t) => {
    const cmp = new OracleComparison();
    for (const c of oracle.cases) {
      const byPredictions = estimatePerformance({ proba: c.proba, predictions: c.yPred, scores: c.scores });
      const byThreshold = estimatePerformance({ proba: c.proba, threshold: c.threshold, scores: c.scores });
      for (const e of [byPredictions, byThreshold]) {
        cmp.check(`${c.label} accuracy`, e.accuracy, c.accuracy);
        cmp.check(`${c.label} precision`, e.precision, c.precision);
        cmp.check(`${c.label} recall`, e.recall, c.recall);
        cmp.check(`${c.label} f1`, e.f1, c.f1);
        cmp.check(`${c.label} roc-auc`, e.rocAuc, c.rocAuc);
      }
      cmp.check(`${c.label} roc-auc ordered by proba`, estimateRocAuc(c.proba), c.rocAucCalibratedOrder);
    }
    t.diagnostic(cmp.summary());
    cmp.assertAll(200);
  });

  it('estimates accuracy as the mean of max(p, 1 − p) at threshold 0.5', () => {
    const proba = [0.9, 0.2, 0.6, 0.5, 0.05];
    const expected = (0.9 + 0.8 + 0.6 + 0.5 + 0.95) / 5;
    assert.ok(Math.abs(estimatePerformance({ proba }).accuracy - expected) < 1e-15);
    assert.deepEqual(expectedConfusion({ proba: [1, 0, 1, 0] }), { tp: 2, fp: 0, fn: 0, tn: 2 });
  });

  it('agrees with the realised metrics in expectation: labels drawn from calibrated p', () => {
    // With y ~ Bernoulli(p), E[realised TP] = Σ_{ŷ=1} p: the estimate is the realised mean over many label draws.
    let seed = 7;
    const uniform = () => {
      seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
      return seed / 2 ** 32;
    };
    const proba = Array.from({ length: 2000 }, () => uniform());
    const estimate = estimatePerformance({ proba });
    let correct = 0;
    const draws = 50;
    for (let d = 0; d < draws; d++) {
      for (const p of proba) if (uniform() < p === p >= 0.5) correct++;
    }
    const realised = correct / (draws * proba.length);
    assert.ok(Math.abs(realised - estimate.accuracy) < 0.005, `${realised} vs ${estimate.accuracy}`);
  });

  it('gives ROC-AUC null when no positive or no negative is expected, and refuses bad input', () => {
    assert.equal(estimateRocAuc([0, 0, 0]), null);
    assert.equal(estimateRocAuc([1, 1]), null);
    assert.equal(estimatePerformance({ proba: [0.2, 0.1] }).precision, 0);
    const refuses = (fn: () => unknown, pattern: RegExp) =>
      assert.throws(fn, (e) => isOspreyError(e, 'INVALID_ARGUMENT') && pattern.test(e.message));
    refuses(() => estimatePerformance({ proba: [] }), /no probabilities/);
    refuses(() => estimatePerformance({ proba: [1.5] }), /proba\[0\] is 1.5/);
    refuses(() => estimatePerformance({ proba: [0.5], predictions: [2 as 1] }), /predictions\[0\] is 2/);
    refuses(() => estimatePerformance({ proba: [0.5], scores: [0.1, 0.2] }), /proba has 1 values but scores has 2/);
  });
});
