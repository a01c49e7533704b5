import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isOspreyError } from '../../core/errors.js';
import { meanAbsoluteError, rootMeanSquaredError } from './regression-metrics.js';
import { loadFixture, OracleComparison } from './test-support/oracles.js';

interface RegressionCase {
  label: string;
  yTrue: number[];
  yPred: number[];
  mae: number;
  rmse: number;
}
const oracle = loadFixture<{ kind: string; sklearn: string; cases: RegressionCase[] }>('regression');

describe(`regression metrics against scikit-learn ${oracle.sklearn}`, () => {
  it('match mean_absolute_error and mean_squared_error(squared=False)', (t) => {
    const cmp = new OracleComparison();
    for (const c of oracle.cases) {
      cmp.check(`${c.label} MAE`, meanAbsoluteError(c.yTrue, c.yPred), c.mae);
      cmp.check(`${c.label} RMSE`, rootMeanSquaredError(c.yTrue, c.yPred), c.rmse);
    }
    t.diagnostic(cmp.summary());
    cmp.assertAll(16);
  });

  it('computes small cases exactly and refuses bad input', () => {
    assert.equal(meanAbsoluteError([1, 2, 3], [2, 2, 5]), 1);
    assert.equal(rootMeanSquaredError([0, 0], [3, 4]), Math.sqrt(12.5));
    assert.throws(
      () => rootMeanSquaredError([1], [Number.NaN]),
      (e) => isOspreyError(e, 'INVALID_ARGUMENT') && /yPred\[0\] is NaN/.test(e.message),
    );
  });
});
