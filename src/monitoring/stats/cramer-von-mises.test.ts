import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isOspreyError } from '../../core/errors.js';
import { type CvmMethod, cramerVonMises2Samp } from './cramer-von-mises.js';
import { Comparison, loadOracle, type StoredSample, sample } from './test-support/oracles.js';

interface CvmCase {
  label: string;
  x: StoredSample;
  y: StoredSample;
  results: { method: CvmMethod; statistic: number; pvalue: number }[];
}

const oracle = loadOracle<CvmCase>('cramer-von-mises');

describe(`cramervonmises_2samp against SciPy ${oracle.scipy}`, () => {
  it('matches statistic and p-value for every method', (t) => {
    const cmp = new Comparison();
    let exact = 0;
    for (const c of oracle.cases) {
      const x = sample(c.x);
      const y = sample(c.y);
      for (const r of c.results) {
        const got = cramerVonMises2Samp(x, y, { method: r.method });
        if (got.method === 'exact') exact++;
        cmp.check(`${c.label} ${r.method} statistic`, got.statistic, r.statistic);
        cmp.check(`${c.label} ${r.method} pvalue`, got.pvalue, r.pvalue);
      }
    }
    t.diagnostic(cmp.summary());
    cmp.assertAll(2 * 400);
    assert.ok(exact >= 100, `${exact} exact p-values compared`);
  });

  it("resolves 'auto' at max(m, n) = 20 and refuses samples of fewer than two values", () => {
    const twenty = Array.from({ length: 20 }, (_, i) => i);
    assert.equal(cramerVonMises2Samp(twenty, [0.5, 1.5]).method, 'exact');
    assert.equal(cramerVonMises2Samp([...twenty, 20], [0.5, 1.5]).method, 'asymptotic');
    assert.throws(
      () => cramerVonMises2Samp([1], [1, 2]),
      (e) => isOspreyError(e, 'INVALID_ARGUMENT') && /x has 1 value\(s\): at least 2/.test(e.message),
    );
    assert.throws(
      () => cramerVonMises2Samp([1, 2], [1, Number.NaN]),
      (e) => isOspreyError(e, 'INVALID_ARGUMENT'),
    );
  });
});
