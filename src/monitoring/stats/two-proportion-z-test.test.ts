import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isOspreyError } from '../../core/errors.js';
import { Comparison, loadOracle } from './test-support/oracles.js';
import { twoProportionZTest } from './two-proportion-z-test.js';

interface ZCase {
  x1: number;
  n1: number;
  x2: number;
  n2: number;
  z: number | null;
  pvalue: number | null;
}

const oracle = loadOracle<ZCase>('two-proportion-z');

describe(`pooled two-proportion z-test against SciPy ${oracle.scipy} (2 · norm.sf(|z|))`, () => {
  it('matches z and the two-sided p-value', (t) => {
    const cmp = new Comparison();
    for (const c of oracle.cases) {
      const label = `${c.x1}/${c.n1} vs ${c.x2}/${c.n2}`;
      const got = twoProportionZTest(c.x1, c.n1, c.x2, c.n2);
      if (c.z === null) {
        // 0/0 in NumPy when the pooled proportion is 0 or 1: documented as z = 0, p = 1.
        assert.ok(got.pooledProportion === 0 || got.pooledProportion === 1, `${label}: NaN only for p̂ ∈ {0, 1}`);
        cmp.check(`${label} z (documented)`, got.z, 0);
        cmp.check(`${label} pvalue (documented)`, got.pvalue, 1);
      } else {
        cmp.check(`${label} z`, got.z, c.z);
        cmp.check(`${label} pvalue`, got.pvalue, c.pvalue);
      }
    }
    t.diagnostic(cmp.summary());
    cmp.assertAll(2 * 250);
    assert.ok(oracle.cases.some((c) => c.pvalue !== null && c.pvalue < 1e-100 && c.pvalue > 0));
  });

  it('refuses impossible counts', () => {
    const refuses = (fn: () => unknown, pattern: RegExp) =>
      assert.throws(fn, (e) => isOspreyError(e, 'INVALID_ARGUMENT') && pattern.test(e.message));
    refuses(() => twoProportionZTest(1, 0, 1, 2), /n1 is 0/);
    refuses(() => twoProportionZTest(3, 2, 1, 2), /x1 is 3/);
    refuses(() => twoProportionZTest(1, 2, Number.NaN, 2), /x2 is NaN/);
    refuses(() => twoProportionZTest(1, 2, 1, 2.5), /n2 is 2.5/);
  });
});
